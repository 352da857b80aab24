"""Forms of the client registry: the client, its addresses and phones (inline).

Fields normalise what people type (CPF, phone and CEP with or without mask)
with ``common.br`` and check the rules in ``clientes.validators`` so errors
show next to each field; the services check everything again before writing.
"""

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from clientes.masking import CpfUse, can_see_full_cpf, cpf_for
from clientes.models import Cliente, Endereco, Telefone
from clientes.selectors import ClienteBloqueado, cliente_get_by_cpf
from clientes.services import CLIENTE_FIELDS, ENDERECO_FIELDS, TELEFONE_FIELDS
from clientes.validators import validate_data_nascimento, validate_nome, validate_texto
from common.br import (
    format_cep,
    format_cpf,
    format_phone,
    normalize_cep,
    normalize_cpf,
    normalize_phone,
)


class ClienteForm(forms.ModelForm):
    """The client's own fields, plus the version the user is editing.

    ``user`` is who edits: without "ver CPF completo" an existing client's CPF
    shows masked and read-only (a disabled field ignores what is posted), so
    the page never holds the full CPF and saving keeps it unchanged.
    """

    versao = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cliente
        fields = list(CLIENTE_FIELDS)
        widgets = {
            "cpf": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "data-mask": "cpf",
                       "placeholder": "000.000.000-00"}
            ),
            "data_nascimento": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The client that already has the typed CPF, when the user may open it.
        self.duplicate = None
        # Stored without the mask, typed and shown with it: room for the mask.
        self.fields["cpf"].max_length = 14
        self.fields["cpf"].widget.attrs["maxlength"] = 14
        self.fields["cpf"].validators = []
        self.cpf_read_only = bool(self.instance.pk) and not can_see_full_cpf(user)
        if self.cpf_read_only:
            cpf = self.fields["cpf"]
            cpf.disabled = True
            cpf.help_text = _("Alterar o CPF exige a permissão de ver o CPF completo.")
            del cpf.widget.attrs["data-mask"]  # the input mask would eat the asterisks
            self.initial["cpf"] = cpf_for(user, self.instance.cpf, CpfUse.PROFILE)
        elif self.instance.pk and not self.is_bound:
            self.initial["cpf"] = format_cpf(self.instance.cpf)
        if self.instance.pk and not self.is_bound:
            self.initial["versao"] = self.instance.versao
        self.fields["data_nascimento"].validators.append(validate_data_nascimento)
        self.fields["nome_completo"].validators.append(validate_nome)
        for name in ("nome_social", "nome_mae"):
            self.fields[name].validators.append(validate_texto)

    def clean_cpf(self):
        if self.cpf_read_only:
            return self.instance.cpf
        cpf = normalize_cpf(self.cleaned_data["cpf"])
        other = cliente_get_by_cpf(user=None, cpf=cpf)
        if other is not None and other.pk != self.instance.pk:
            self.duplicate = self._openable(other)
            raise forms.ValidationError(
                _("Já existe um cliente com este CPF."), code="cpf_duplicado"
            )
        return cpf

    def _openable(self, other: Cliente) -> Cliente | None:
        """Return the client holding the CPF when the editing user may open its profile."""
        user = self.user
        if user is None or not user.has_perm("clientes.view_cliente"):
            return None
        try:
            return cliente_get_by_cpf(user=user, cpf=other.cpf)
        except ClienteBloqueado:  # LGPD: not even its name
            return None

    def validate_unique(self):
        """Skip: the service checks CPF uniqueness inside its transaction (race-safe)."""

    def service_data(self) -> dict:
        """Return the client fields for ``cliente_create``/``cliente_update``."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class EnderecoForm(forms.ModelForm):
    class Meta:
        model = Endereco
        fields = list(ENDERECO_FIELDS)
        widgets = {
            "cep": forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "data-mask": "cep",
                    "placeholder": "00000-000",
                }
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cep"].max_length = 9
        self.fields["cep"].widget.attrs["maxlength"] = 9
        self.fields["cep"].validators = []
        if self.instance.pk and not self.is_bound:
            self.initial["cep"] = format_cep(self.instance.cep)
        for name in ("logradouro", "numero", "complemento", "bairro", "cidade"):
            self.fields[name].validators.append(validate_texto)

    def clean_cep(self):
        return normalize_cep(self.cleaned_data["cep"])


class TelefoneForm(forms.ModelForm):
    class Meta:
        model = Telefone
        fields = list(TELEFONE_FIELDS)
        widgets = {
            "numero": forms.TextInput(
                attrs={"inputmode": "tel", "data-mask": "telefone",
                       "placeholder": "(11) 99999-9999"}
            ),
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numero"].max_length = 20
        self.fields["numero"].widget.attrs["maxlength"] = 15
        self.fields["numero"].validators = []
        if self.instance.pk and not self.is_bound:
            self.initial["numero"] = format_phone(self.instance.numero)

    def clean_numero(self):
        return normalize_phone(self.cleaned_data["numero"])


class _NestedFormSet(forms.BaseInlineFormSet):
    def service_items(self) -> tuple[list[dict], list[forms.Form]]:
        """Return the rows to keep (dicts for the service) and the form of each."""
        items, forms_ = [], []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.instance.pk and not form.has_changed():
                continue  # an empty extra row
            item = {
                name: form.cleaned_data[name] for name in form._meta.fields if name != self.fk.name
            }
            if form.instance.pk:
                item["id"] = form.instance.pk
            items.append(item)
            forms_.append(form)
        return items, forms_

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # rows with errors have no cleaned data to count
        items, _forms = self.service_items()
        if sum(1 for item in items if item.get("principal")) > 1:
            raise forms.ValidationError(self.principal_message, code="principal_multiplo")


class EnderecoFormSet(_NestedFormSet):
    principal_message = _("Marque apenas um endereço como principal.")


class TelefoneFormSet(_NestedFormSet):
    principal_message = _("Marque apenas um telefone como principal.")


EnderecoInlineFormSet = inlineformset_factory(
    Cliente,
    Endereco,
    form=EnderecoForm,
    formset=EnderecoFormSet,
    extra=1,
    can_delete=True,
    max_num=10,
)
TelefoneInlineFormSet = inlineformset_factory(
    Cliente,
    Telefone,
    form=TelefoneForm,
    formset=TelefoneFormSet,
    extra=1,
    can_delete=True,
    max_num=10,
)


class DeactivateForm(forms.Form):
    motivo_inativacao = forms.CharField(
        label=_("Motivo da inativação"), max_length=255, validators=[validate_texto],
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    # Required, like the edit form's: without it the lost-update check is skipped.
    versao = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("A versão do cadastro não foi enviada. Recarregue a página."),
            "invalid": _("Versão do cadastro inválida. Recarregue a página."),
            "min_value": _("Versão do cadastro inválida. Recarregue a página."),
        },
    )


class DeleteForm(forms.Form):
    confirmar = forms.BooleanField(
        label=_("Entendo que a exclusão é definitiva e não pode ser desfeita."), required=True
    )
