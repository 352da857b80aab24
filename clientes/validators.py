"""Rules on client data beyond a single identifier's format (those live in ``br``).

Forms, serializers and services use these same functions, so the UI, the API,
the admin and imports refuse the same input with the same error code.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_AGE_YEARS = 130


def validate_data_nascimento(value: date | None) -> None:
    """Refuse a birth date in the future or more than 130 years ago."""
    if value is None:
        return
    today = timezone.localdate()
    if value > today:
        raise ValidationError(
            _("A data de nascimento não pode estar no futuro."), code="data_nascimento_futura"
        )
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age > MAX_AGE_YEARS:
        raise ValidationError(
            _("Idade acima de %(max)s anos: confira a data de nascimento."),
            code="data_nascimento_antiga",
            params={"max": MAX_AGE_YEARS},
        )


def validate_texto(value: str) -> None:
    """Refuse control characters that PostgreSQL or a screen cannot show (NUL, etc.)."""
    if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(
            _("O texto contém caracteres de controle não permitidos."), code="texto_invalido"
        )


def validate_nome(value: str) -> None:
    """Refuse a name made only of blanks (the field is required)."""
    validate_texto(value)
    if not (value or "").strip():
        raise ValidationError(_("Informe o nome completo."), code="required")
