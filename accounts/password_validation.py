"""Password rules of our own (Django's validators cover the rest)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class MaximumLengthValidator:
    """Refuse passwords over ``max_length``: long pass-phrases are welcome, megabytes are not."""

    def __init__(self, max_length=128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("A senha pode ter no máximo %(max_length)d caracteres."),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("A senha pode ter no máximo %(max_length)d caracteres.") % {
            "max_length": self.max_length
        }
