"""Brazilian identifiers: CPF, phone numbers and CEP.

One place to normalise (digits only, as stored), validate and format them, so
forms, the API, the seed command and exports agree on every rule.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NON_DIGITS = re.compile(r"\D")


def only_digits(value) -> str:
    """Return the digits of ``value`` (None and non-strings become '')."""
    if not isinstance(value, str):
        return ""
    return _NON_DIGITS.sub("", value)


# --- CPF --------------------------------------------------------------------


def cpf_check_digits(base9: str) -> str:
    """Return the two check digits of a 9-digit CPF base."""
    digits = [int(d) for d in base9]
    first = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) * 10 % 11 % 10
    digits.append(first)
    second = sum(d * w for d, w in zip(digits, range(11, 1, -1), strict=True)) * 10 % 11 % 10
    return f"{first}{second}"


def is_valid_cpf(value) -> bool:
    """Return True when ``value`` (masked or not) is a CPF with valid check digits."""
    cpf = only_digits(value)
    if len(cpf) != 11 or cpf == cpf[0] * 11:
        return False
    return cpf[9:] == cpf_check_digits(cpf[:9])


def normalize_cpf(value) -> str:
    """Return the CPF as the 11 digits we store, or raise ValidationError."""
    cpf = only_digits(value)
    if isinstance(value, str) and re.search(r"[^\d.\-\s]", value.strip()):
        raise ValidationError(
            _("CPF deve conter apenas números, pontos e traço."), code="cpf_invalid"
        )
    if len(cpf) != 11:
        raise ValidationError(_("CPF deve ter 11 dígitos."), code="cpf_length")
    if not is_valid_cpf(cpf):
        raise ValidationError(
            _("CPF inválido: dígitos verificadores não conferem."), code="cpf_invalid"
        )
    return cpf


def validate_cpf(value) -> None:
    """Model/form validator: raise ValidationError for an invalid CPF."""
    normalize_cpf(value)


def format_cpf(cpf: str) -> str:
    """Return 000.000.000-00 for 11 stored digits (other input unchanged)."""
    if not cpf or len(cpf) != 11 or not cpf.isdigit():
        return cpf or ""
    return f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"


def mask_cpf(cpf: str) -> str:
    """Return ***.456.789-** : the middle six digits only (LGPD minimisation)."""
    if not cpf or len(cpf) != 11 or not cpf.isdigit():
        return "***.***.***-**"
    return f"***.{cpf[3:6]}.{cpf[6:9]}-**"


# --- Phones -------------------------------------------------------------------

# Valid DDDs (area codes) in Brazil.
DDDS = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 24, 27, 28, 31, 32, 33, 34, 35, 37, 38,
     41, 42, 43, 44, 45, 46, 47, 48, 49, 51, 53, 54, 55, 61, 62, 63, 64, 65, 66, 67, 68,
     69, 71, 73, 74, 75, 77, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 92, 93, 94, 95,
     96, 97, 98, 99}
)  # fmt: skip


def normalize_phone(value) -> str:
    """Return DDD + number as digits (10 for landlines, 11 for mobiles) or raise."""
    digits = only_digits(value)
    if digits.startswith("55") and len(digits) in (12, 13):
        digits = digits[2:]  # +55 country code
    if len(digits) not in (10, 11):
        raise ValidationError(
            _("Telefone deve ter DDD e 8 ou 9 dígitos, ex.: (11) 99999-9999."), code="phone_length"
        )
    if int(digits[:2]) not in DDDS:
        raise ValidationError(
            _("DDD inexistente: %(ddd)s."), code="phone_ddd", params={"ddd": digits[:2]}
        )
    if len(digits) == 11 and digits[2] != "9":
        raise ValidationError(_("Celular com 9 dígitos deve começar com 9."), code="phone_mobile")
    if len(digits) == 10 and digits[2] not in "2345":
        raise ValidationError(
            _("Telefone fixo deve começar com 2, 3, 4 ou 5."), code="phone_landline"
        )
    return digits


def format_phone(digits: str) -> str:
    """Return (11) 99999-9999 or (11) 3333-4444 for stored digits."""
    if not digits or not digits.isdigit() or len(digits) not in (10, 11):
        return digits or ""
    return f"({digits[:2]}) {digits[2:-4]}-{digits[-4:]}"


# --- CEP --------------------------------------------------------------------


def normalize_cep(value) -> str:
    """Return the CEP as 8 digits or raise ValidationError."""
    digits = only_digits(value)
    if len(digits) != 8 or (isinstance(value, str) and re.search(r"[^\d.\-\s]", value.strip())):
        raise ValidationError(_("CEP deve ter 8 dígitos, ex.: 01310-100."), code="cep_invalid")
    return digits


def format_cep(digits: str) -> str:
    """Return 00000-000 for 8 stored digits."""
    if not digits or len(digits) != 8 or not digits.isdigit():
        return digits or ""
    return f"{digits[:5]}-{digits[5:]}"
