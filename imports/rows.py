"""Turn one row of a file into registry values, checked by the registry's own rules.

Each value goes through what a manual create uses: the normalisers of
``common.br`` (CPF check digits, phone DDD, CEP), the rules of
``clientes.validators`` and the model fields' own validation
(``clean_fields``: lengths, e-mail, UF and sexo choices). Nothing here reads
the database: the planner compares with the clients already registered.

A blank cell means "not in the file" (an import never erases a value with a
blank). Reasons are pt-BR and never quote a CPF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clientes.choices import Sexo, TipoTelefone
from clientes.models import Cliente, Endereco
from clientes.validators import validate_data_nascimento, validate_nome, validate_texto
from common.br import normalize_cep, normalize_cpf, normalize_phone, only_digits
from imports.columns import FIELDS

CLIENTE_FIELDS = ("nome_completo", "nome_social", "data_nascimento", "sexo", "nome_mae", "email")
ENDERECO_FIELDS = ("cep", "logradouro", "numero", "complemento", "bairro", "cidade", "uf")
ENDERECO_REQUIRED = ("cep", "logradouro", "cidade", "uf")
PHONE_COLUMNS = {"telefone": TipoTelefone.FIXO, "celular": TipoTelefone.CELULAR}
# Text a spreadsheet would run as a formula. "+" and "-" start phone numbers
# ("+55 11 ...") legitimately, so they are refused in text fields only.
_FORMULA_START = ("=", "@", "\t", "\r")
_TEXT_FIELDS = {"nome_completo", "nome_social", "nome_mae", "logradouro", "numero",
                "complemento", "bairro", "cidade"}  # fmt: skip
_SEXO = {
    "m": Sexo.MASCULINO, "masculino": Sexo.MASCULINO, "masc": Sexo.MASCULINO,
    "f": Sexo.FEMININO, "feminino": Sexo.FEMININO, "fem": Sexo.FEMININO,
    "o": Sexo.OUTRO, "outro": Sexo.OUTRO, "outros": Sexo.OUTRO,
}  # fmt: skip
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
# The Correios' CEP ranges (first five digits) of each UF.
CEP_RANGES = {
    "SP": [(1000, 19999)], "RJ": [(20000, 28999)], "ES": [(29000, 29999)],
    "MG": [(30000, 39999)], "BA": [(40000, 48999)], "SE": [(49000, 49999)],
    "PE": [(50000, 56999)], "AL": [(57000, 57999)], "PB": [(58000, 58999)],
    "RN": [(59000, 59999)], "CE": [(60000, 63999)], "PI": [(64000, 64999)],
    "MA": [(65000, 65999)], "PA": [(66000, 68899)], "AP": [(68900, 68999)],
    "AM": [(69000, 69299), (69400, 69899)], "RR": [(69300, 69399)], "AC": [(69900, 69999)],
    "DF": [(70000, 72799), (73000, 73699)], "GO": [(72800, 72999), (73700, 76799)],
    "RO": [(76800, 76999)], "TO": [(77000, 77999)], "MT": [(78000, 78899)],
    "MS": [(79000, 79999)], "PR": [(80000, 87999)], "SC": [(88000, 89999)],
    "RS": [(90000, 99999)],
}  # fmt: skip


@dataclass
class ParsedRow:
    """One row's values as the registry stores them, or the reasons it is invalid."""

    linha: int
    cpf: str = ""
    cliente: dict = field(default_factory=dict)
    endereco: dict = field(default_factory=dict)
    telefones: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def error(self, field_name: str, message) -> None:
        label = FIELDS.get(field_name, field_name)
        self.errors.append(f"{label}: {message}")


def parse_row(linha: int, cells: list[str], columns: dict[int, str]) -> ParsedRow:
    """Return the row's normalised values and every reason it cannot be imported."""
    row = ParsedRow(linha=linha)
    values = {}
    for index, name in columns.items():
        value = cells[index].strip() if index < len(cells) else ""
        if value:
            values[name] = value
    for name, value in values.items():
        if value.startswith(_FORMULA_START) or (
            name in _TEXT_FIELDS and value.startswith(("+", "-"))
        ):
            row.error(name, _("fórmulas não são aceitas (o valor começa com “%(c)s”).")
                      % {"c": value[0].strip() or "tab"})  # fmt: skip
    if row.errors:
        return row
    _parse_cpf(row, values.get("cpf", ""))
    _parse_cliente(row, values)
    _parse_endereco(row, values)
    _parse_telefones(row, values)
    return row


def cep_matches_uf(cep: str, uf: str) -> bool:
    """Return True when the CEP's 5-digit prefix lies in the Correios range of ``uf``."""
    prefix = int(cep[:5])
    return any(low <= prefix <= high for low, high in CEP_RANGES.get(uf, [(0, 99999)]))


def cep_uf_error(cep: str, uf: str) -> str:
    return _("O CEP %(cep)s não é de %(uf)s.") % {"cep": f"{cep[:5]}-{cep[5:]}", "uf": uf}


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _parse_cpf(row: ParsedRow, value: str) -> None:
    if not value:
        row.error("cpf", _("obrigatório (é a chave da importação)."))
        return
    if value.isdigit() and 9 <= len(value) < 11:
        value = value.zfill(11)  # a spreadsheet dropped the leading zeros
    try:
        row.cpf = normalize_cpf(value)
    except ValidationError as exc:
        row.error("cpf", _messages(exc))


def _parse_date(row: ParsedRow, value: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        try:
            validate_data_nascimento(parsed)
        except ValidationError as exc:
            row.error("data_nascimento", _messages(exc))
            return None
        return parsed
    digits = only_digits(value)
    if len(digits) == 8 and "/" in value:
        message = _("data impossível: %(v)s.") % {"v": value}
    else:
        message = _("use dd/mm/aaaa, ex.: 12/04/1985 (recebido: %(v)s).") % {"v": value[:20]}
    row.error("data_nascimento", message)
    return None


def _parse_cliente(row: ParsedRow, values: dict) -> None:
    cliente = {}
    for name in CLIENTE_FIELDS:
        value = values.get(name)
        if value is None:
            continue
        if name == "data_nascimento":
            value = _parse_date(row, value)
            if value is None:
                continue
        elif name == "sexo":
            sexo = _SEXO.get(value.lower())
            if sexo is None:
                row.error(name, _("use M, F ou O (recebido: %(v)s).") % {"v": value[:20]})
                continue
            value = str(sexo)
        cliente[name] = value
    checks = {"nome_completo": validate_nome, "nome_social": validate_texto,
              "nome_mae": validate_texto}  # fmt: skip
    for name, check in checks.items():
        if name in cliente:
            try:
                check(cliente[name])
            except ValidationError as exc:
                row.error(name, _messages(exc))
                del cliente[name]
    # The model's own field rules (max_length, e-mail, choices), without any query.
    _clean_fields(row, Cliente, cliente)
    row.cliente = cliente


def _clean_fields(row: ParsedRow, model, given: dict) -> None:
    """Run each given field's own ``clean`` (as ``Model.clean_fields`` does), with no query."""
    for name in list(given):
        try:
            given[name] = model._meta.get_field(name).clean(given[name], None)
        except ValidationError as exc:
            row.error(name, " ".join(exc.messages))
            del given[name]


def _parse_endereco(row: ParsedRow, values: dict) -> None:
    endereco = {name: values[name] for name in ENDERECO_FIELDS if name in values}
    if not endereco:
        return
    missing = [name for name in ENDERECO_REQUIRED if name not in endereco]
    for name in missing:
        row.error(name, _("obrigatório quando a linha traz um endereço."))
    if "cep" in endereco:
        value = endereco["cep"]
        if value.isdigit() and len(value) == 7:
            value = value.zfill(8)  # a spreadsheet dropped the leading zero
        try:
            endereco["cep"] = normalize_cep(value)
        except ValidationError as exc:
            row.error("cep", _messages(exc))
            del endereco["cep"]
    if "uf" in endereco:
        endereco["uf"] = endereco["uf"].upper()
    for name in ("logradouro", "numero", "complemento", "bairro", "cidade"):
        if name in endereco:
            try:
                validate_texto(endereco[name])
            except ValidationError as exc:
                row.error(name, _messages(exc))
                del endereco[name]
    _clean_fields(row, Endereco, endereco)
    if (
        "cep" in endereco
        and "uf" in endereco
        and not cep_matches_uf(endereco["cep"], endereco["uf"])
    ):
        row.errors.append(cep_uf_error(endereco["cep"], endereco["uf"]))
    row.endereco = endereco


def _parse_telefones(row: ParsedRow, values: dict) -> None:
    for column, tipo in PHONE_COLUMNS.items():
        value = values.get(column)
        if value is None:
            continue
        try:
            numero = normalize_phone(value)
        except ValidationError as exc:
            row.error(column, _messages(exc))
            continue
        if len(numero) == 11:
            tipo = TipoTelefone.CELULAR  # a mobile number in the "Telefone" column
        if all(numero != existing for _tipo, existing in row.telefones):
            row.telefones.append((str(tipo), numero))
