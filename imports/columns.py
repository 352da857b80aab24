"""Which registry field each column of a file fills: automatic for pt-BR headers.

A mapping is ``{header as in the file: field}``; an empty field ignores the
column. Headers are compared folded (case, accents and punctuation ignored),
so "Data de Nascimento", "DATA_NASCIMENTO" and "data nascimento" all match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The fields a file can fill, in the order the mapping screen lists them.
FIELDS = {
    "cpf": gettext_lazy("CPF"),
    "nome_completo": gettext_lazy("Nome completo"),
    "nome_social": gettext_lazy("Nome social"),
    "data_nascimento": gettext_lazy("Data de nascimento"),
    "sexo": gettext_lazy("Sexo"),
    "nome_mae": gettext_lazy("Nome da mãe"),
    "email": gettext_lazy("E-mail"),
    "telefone": gettext_lazy("Telefone (fixo)"),
    "celular": gettext_lazy("Celular"),
    "cep": gettext_lazy("CEP"),
    "logradouro": gettext_lazy("Logradouro"),
    "numero": gettext_lazy("Número"),
    "complemento": gettext_lazy("Complemento"),
    "bairro": gettext_lazy("Bairro"),
    "cidade": gettext_lazy("Cidade"),
    "uf": gettext_lazy("UF"),
}

# Folded header -> field.
_SYNONYMS = {
    "cpf": "cpf",
    "numerocpf": "cpf",
    "cpfdocliente": "cpf",
    "nome": "nome_completo",
    "nomecompleto": "nome_completo",
    "nomedocliente": "nome_completo",
    "cliente": "nome_completo",
    "nomesocial": "nome_social",
    "datadenascimento": "data_nascimento",
    "datanascimento": "data_nascimento",
    "nascimento": "data_nascimento",
    "dtnascimento": "data_nascimento",
    "sexo": "sexo",
    "genero": "sexo",
    "nomedamae": "nome_mae",
    "nomemae": "nome_mae",
    "mae": "nome_mae",
    "email": "email",
    "correioeletronico": "email",
    "telefone": "telefone",
    "telefonefixo": "telefone",
    "fone": "telefone",
    "fixo": "telefone",
    "celular": "celular",
    "telefonecelular": "celular",
    "whatsapp": "celular",
    "cep": "cep",
    "logradouro": "logradouro",
    "endereco": "logradouro",
    "rua": "logradouro",
    "numero": "numero",
    "no": "numero",
    "num": "numero",
    "complemento": "complemento",
    "bairro": "bairro",
    "cidade": "cidade",
    "municipio": "cidade",
    "uf": "uf",
    "estado": "uf",
}


def fold(header: str) -> str:
    """Return the header lower-cased, without accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", header or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def auto_mapping(header: list[str]) -> dict[str, str]:
    """Return the mapping guessed from the headers (unknown ones ignored)."""
    mapping, taken = {}, set()
    for title in header:
        field = _SYNONYMS.get(fold(title), "")
        if field in taken:
            field = ""  # a second "Nome" column is left for the user to map
        taken.add(field)
        mapping[title] = field
    return mapping


def resolve_mapping(header: list[str], given: Mapping | None) -> dict[int, str]:
    """Return ``{column index: field}`` from the headers and a user's mapping.

    Headers the user's mapping leaves out are mapped automatically. Raises
    ``ValueError`` with a pt-BR message for an unknown field, a field mapped
    twice, a header not in the file, or a mapping without CPF.
    """
    mapping = auto_mapping(header)
    if given:
        unknown_headers = [title for title in given if title not in mapping]
        if unknown_headers:
            raise ValueError(
                _("Coluna inexistente no arquivo: %(col)s.") % {"col": unknown_headers[0]}
            )
        for title, field in given.items():
            if not isinstance(field, str) or (field and field not in FIELDS):
                raise ValueError(
                    _("Campo desconhecido no mapeamento: %(campo)s.") % {"campo": field}
                )
            mapping[title] = field
    columns, seen = {}, {}
    for index, title in enumerate(header):
        field = mapping.get(title, "")
        if not field:
            continue
        if field in seen:
            raise ValueError(
                _("O campo %(campo)s está em duas colunas: %(a)s e %(b)s.")
                % {"campo": FIELDS[field], "a": seen[field], "b": title}
            )
        seen[field] = title
        columns[index] = field
    if "cpf" not in seen:
        raise ValueError(
            _("Nenhuma coluna de CPF: indique qual coluna traz o CPF (a chave da importação).")
        )
    return columns


def applied_mapping(header: list[str], columns: dict[int, str]) -> dict[str, str]:
    """Return the mapping as stored on the job: every header with its field or ""."""
    return {title: columns.get(index, "") for index, title in enumerate(header)}
