"""The data subject's report as a PDF for the person (A4, pt-BR labels)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("sim")
    if value is False:
        return _("não")
    return str(value)


def _table(styles, header: list[str], rows: list[list]) -> Table | Paragraph:
    if not rows:
        return Paragraph(escape(_("Nenhum registro.")), styles["BodyText"])
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    data = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in header]]
    data += [[Paragraph(escape(_text(v)), cell) for v in row] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(_GRID)
    return table


def render_pdf(report: dict) -> bytes:
    """Return the PDF bytes of ``lgpd.report.data_report``'s dictionary."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Relatório de dados pessoais do titular"),
    )
    titular = report["titular"]
    story = [
        Paragraph(escape(_("Relatório de dados pessoais do titular (LGPD)")), styles["Title"]),
        Paragraph(
            escape(_("Gerado em %(quando)s.") % {"quando": report["gerado_em"]}),
            styles["BodyText"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(_("Dados cadastrais")), styles["Heading2"]),
        _table(
            styles,
            [_("Campo"), _("Valor")],
            [
                [_("CPF"), titular["cpf"]],
                [_("Nome completo"), titular["nome_completo"]],
                [_("Nome social"), titular["nome_social"]],
                [_("Data de nascimento"), titular["data_nascimento"]],
                [_("Sexo"), titular["sexo"]],
                [_("Nome da mãe"), titular["nome_mae"]],
                [_("E-mail"), titular["email"]],
                [_("Ativo"), titular["ativo"]],
                [_("Bloqueado"), titular["bloqueado"]],
                [_("Anonimizado em"), titular["anonimizado_em"]],
                [_("Cadastrado em"), titular["cadastrado_em"]],
                [_("Atualizado em"), titular["atualizado_em"]],
            ],
        ),
    ]
    sections = [
        (
            _("Endereços"),
            [_("CEP"), _("Logradouro"), _("Número"), _("Bairro"), _("Cidade"), _("UF")],
            [
                [e["cep"], e["logradouro"], e["numero"], e["bairro"], e["cidade"], e["uf"]]
                for e in report["enderecos"]
            ],
        ),
        (
            _("Telefones"),
            [_("Tipo"), _("Número"), _("Principal")],
            [[t["tipo"], t["numero"], t["principal"]] for t in report["telefones"]],
        ),
        (
            _("Consentimentos (histórico)"),
            [_("Finalidade"), _("Concedido"), _("Canal"), _("Quando")],
            [
                [c["finalidade"], c["concedido"], c["canal"], c["registrado_em"]]
                for c in report["consentimentos"]["historico"]
            ],
        ),
        (
            _("Retenções legais"),
            [_("Motivo"), _("Até"), _("Encerrada em")],
            [[r["motivo"], r["ate"], r["encerrada_em"]] for r in report["retencoes_legais"]],
        ),
        (
            _("Alterações do cadastro"),
            [_("Quando"), _("O quê"), _("Por"), _("Campos")],
            [
                [a["em"], a["descricao"], a["usuario"], ", ".join(sorted(a["alteracoes"]))]
                for a in report["alteracoes"]
            ],
        ),
        (
            _("Quem acessou o cadastro"),
            [_("Quando"), _("O quê"), _("Usuário"), _("Papel"), _("Canal")],
            [
                [a["em"], a["descricao"], a["usuario"], a["papel"], a["canal"]]
                for a in report["acessos"]
            ],
        ),
    ]
    for title, header, rows in sections:
        story += [Spacer(1, 4 * mm), Paragraph(escape(title), styles["Heading2"])]
        story.append(_table(styles, header, rows))
    doc.build(story)
    return buffer.getvalue()
