"""Forms of the login and account pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with email and password, with pt-BR messages."""

    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        error_messages={
            "required": _("Informe o seu e-mail."),
            "invalid": _("Informe um e-mail válido."),
        },
    )
    password = forms.CharField(
        label=_("Senha"),
        strip=False,
        min_length=8,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={
            "required": _("Informe a sua senha."),
            "min_length": _("A senha tem pelo menos 8 caracteres."),
        },
    )

    error_messages = {
        "invalid_login": _("E-mail ou senha incorretos."),
        "inactive": _("Esta conta está desativada."),
    }
