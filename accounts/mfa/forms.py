"""Forms of two-factor authentication: a code, and the per-role policy."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_LABELS


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app or a recovery code."""

    code = forms.CharField(
        label=_("Código"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
        help_text=_("Os 6 dígitos do aplicativo autenticador ou um código de recuperação."),
        error_messages={
            "required": _("Informe o código."),
            "max_length": _("Código inválido ou já utilizado."),
        },
    )


class AppCodeForm(CodeForm):
    """The first code of an authenticator app being enrolled (6 digits only)."""

    code = forms.RegexField(
        label=_("Código de 6 dígitos"),
        regex=r"^\s*\d{6}\s*$",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": _("Informe o código."),
            "invalid": _("Informe os 6 dígitos mostrados no aplicativo."),
            "max_length": _("Informe os 6 dígitos mostrados no aplicativo."),
        },
    )


class RolePolicyForm(forms.Form):
    """One checkbox per role of ``accounts.roles``: 2FA required for it or not."""

    def __init__(self, *args, policies: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for role, required in policies.items():
            self.fields[self.field_name(role)] = forms.BooleanField(
                label=ROLE_LABELS.get(role, role), required=False, initial=required
            )

    @staticmethod
    def field_name(role: str) -> str:
        return f"papel_{role}"

    def required_by_role(self) -> dict[str, bool]:
        prefix = self.field_name("")
        return {name[len(prefix) :]: value for name, value in self.cleaned_data.items()}
