"""Forms of the login and account pages."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.emails import normalized_email
from accounts.models import SystemSettings, User
from accounts.roles import ROLE_LABELS


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


def _new_password_field(*, autofocus=False):
    attrs = {"autocomplete": "new-password", **({"autofocus": True} if autofocus else {})}
    return forms.CharField(
        label=_("Nova senha"),
        strip=False,
        widget=forms.PasswordInput(attrs=attrs),
        help_text=_(
            "Mínimo de 8 caracteres; evite senhas comuns, só números ou parecidas com seu nome."
        ),
    )


def _new_password_confirmation_field():
    return forms.CharField(
        label=_("Confirme a nova senha"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The user's own password change, with pt-BR labels."""

    old_password = forms.CharField(
        label=_("Senha atual"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = _new_password_field()
    new_password2 = _new_password_confirmation_field()

    def clean(self):
        cleaned_data = super().clean()
        current, new = cleaned_data.get("old_password"), cleaned_data.get("new_password1")
        # old_password is in cleaned_data only when it was right.
        if current and new and current == new:
            if self.user.must_change_password:
                message = _("A nova senha não pode ser a senha temporária: escolha outra.")
            else:
                message = _("A nova senha deve ser diferente da senha atual.")
            self.add_error("new_password1", ValidationError(message, code="password_unchanged"))
        return cleaned_data

    @property
    def wrong_current_password(self) -> bool:
        return self.has_error("old_password", "password_incorrect")


class _NewPasswordMixin(forms.Form):
    """Two password fields that must match and pass the password validators."""

    password1 = forms.CharField(
        label=_("Senha temporária"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("O usuário deverá trocá-la no próximo acesso."),
    )
    password2 = forms.CharField(
        label=_("Confirme a senha temporária"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def _password_user(self):
        return None

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(_("As senhas não conferem."))
        if password2:
            password_validation.validate_password(password2, self._password_user())
        return password2


_ROLE_CHOICES = [(role, label) for role, label in ROLE_LABELS.items()]


class UserForm(forms.Form):
    """Name, email and role of a user (create and edit)."""

    nome = forms.CharField(label=_("Nome"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    role = forms.ChoiceField(label=_("Papel"), choices=_ROLE_CHOICES)

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = normalized_email(self.cleaned_data["email"])
        others = User.objects.filter(email=email)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Já existe um usuário com este e-mail."))
        return email


class UserCreateForm(_NewPasswordMixin, UserForm):
    """A new user: name, email, role and a temporary password."""

    field_order = ["nome", "email", "role", "password1", "password2"]

    def _password_user(self):
        return User(
            email=self.cleaned_data.get("email", ""), nome=self.cleaned_data.get("nome", "")
        )


class PasswordResetForm(_NewPasswordMixin):
    """An administrator sets a temporary password for ``user``."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _password_user(self):
        return self.user


class UserFilterForm(forms.Form):
    """Filters of the user list."""

    q = forms.CharField(label=_("Nome ou e-mail"), required=False, max_length=100)
    papel = forms.ChoiceField(
        label=_("Papel"), required=False, choices=[("", _("Todos")), *_ROLE_CHOICES]
    )
    situacao = forms.ChoiceField(
        label=_("Situação"),
        required=False,
        choices=[("", _("Todos")), ("ativos", _("Ativos")), ("inativos", _("Inativos"))],
    )


class SystemSettingsForm(forms.ModelForm):
    """System parameters (Configurações) that administrators change."""

    class Meta:
        model = SystemSettings
        fields = [
            "export_row_limit",
            "export_sync_row_limit",
            "export_retention_days",
            "export_max_pending_per_user",
            "export_disk_limit_mb",
            "audit_retention_days",
            "bulk_row_limit",
            "bulk_sync_row_limit",
            "bulk_analista_allowed",
            "import_analista_allowed",
        ]


class PasswordResetRequestForm(forms.Form):
    """The address a reset link is sent to (if it is an account's)."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class LinkSetPasswordForm(auth_forms.SetPasswordForm):
    """The new password chosen through a reset link, with pt-BR labels."""

    new_password1 = _new_password_field(autofocus=True)
    new_password2 = _new_password_confirmation_field()
    error_messages = {"password_mismatch": _("As senhas não conferem.")}
