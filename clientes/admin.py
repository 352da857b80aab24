"""Django admin for clients (administrators): search, filters, inline addresses/phones.

Saves and deletes go through ``clientes.services`` like every other write, so
the admin gets the same validation, version check and signals.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientes import services
from clientes.models import Cliente, Endereco, Telefone
from common.br import format_cpf, normalize_cpf


class EnderecoInline(admin.TabularInline):
    model = Endereco
    extra = 0


class TelefoneInline(admin.TabularInline):
    model = Telefone
    extra = 0


class ClienteAdminForm(forms.ModelForm):
    # The version the administrator opened: a save over a newer one is refused.
    versao_lida = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cliente
        fields = [
            "cpf", "nome_completo", "nome_social", "data_nascimento", "sexo", "email", "nome_mae",
            "ativo", "motivo_inativacao",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Accept the CPF with its mask; clean_cpf stores the 11 digits.
        self.fields["cpf"].max_length = 14
        self.fields["cpf"].validators = []
        self.fields["cpf"].widget.attrs["maxlength"] = 14
        if self.instance.pk:
            self.fields["versao_lida"].initial = self.instance.versao

    def clean_cpf(self):
        return normalize_cpf(self.cleaned_data["cpf"])

    def clean(self):
        cleaned = super().clean()
        lida = cleaned.get("versao_lida")
        if self.instance.pk and lida is not None:
            current = Cliente.objects.filter(pk=self.instance.pk).values_list("versao", flat=True)
            if current and current[0] != lida:
                raise ValidationError(
                    _("Este cliente foi alterado por outra pessoa. Recarregue a página."),
                    code="cliente_alterado",
                )
        return cleaned


@admin.register(Cliente)
class ClienteAdmin(admin.ModelAdmin):
    form = ClienteAdminForm
    inlines = [EnderecoInline, TelefoneInline]
    list_display = ["nome_completo", "cpf_display", "data_nascimento", "ativo", "updated_at"]
    list_filter = ["ativo", "sexo", "enderecos__uf"]
    search_fields = ["=cpf", "nome_completo", "email"]
    readonly_fields = ["versao", "created_at", "created_by", "updated_at", "updated_by"]
    list_select_related = False
    show_full_result_count = False  # no COUNT(*) over a million rows per page
    fieldsets = (
        (None, {"fields": ("cpf", "nome_completo", "nome_social", "data_nascimento", "sexo")}),
        (_("Contato e filiação"), {"fields": ("email", "nome_mae")}),
        (_("Situação"), {"fields": ("ativo", "motivo_inativacao")}),
        (
            _("Registro"),
            {"fields": ("versao_lida", "versao", "created_at", "created_by", "updated_at",
                        "updated_by")},
        ),
    )  # fmt: skip

    @admin.display(description=_("CPF"), ordering="cpf")
    def cpf_display(self, obj):
        return format_cpf(obj.cpf)

    def save_model(self, request, obj, form, change):
        """Defer the write to save_related, where the inlines are known too."""

    def save_related(self, request, form, formsets, change):
        data = {name: form.cleaned_data[name] for name in services.CLIENTE_FIELDS}
        nested = {}
        for formset in formsets:
            name = formset.fk.remote_field.related_name
            fields = services.ENDERECO_FIELDS if name == "enderecos" else services.TELEFONE_FIELDS
            nested[name] = [
                {**{f: inline.cleaned_data[f] for f in fields},
                 **({"id": inline.instance.pk} if inline.instance.pk else {})}
                for inline in formset.forms
                if inline.cleaned_data and not inline.cleaned_data.get("DELETE")
            ]  # fmt: skip
        if change:
            cliente = services.cliente_update(
                actor=request.user,
                id_cliente=form.instance.pk,
                versao=form.cleaned_data.get("versao_lida") or form.instance.versao,
                data=data,
                **nested,
            )
        else:
            cliente = services.cliente_create(actor=request.user, data=data, **nested)
        self._sync_status(request, cliente, form.cleaned_data)
        # The admin logs and redirects with the object it built: give it the saved row.
        form.instance.pk = cliente.pk
        form.instance.refresh_from_db()
        for formset in formsets:  # read by the admin's change message
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _sync_status(self, request, cliente, cleaned):
        if cleaned["ativo"] == cliente.ativo:
            return
        if cleaned["ativo"]:
            services.cliente_reactivate(actor=request.user, id_cliente=cliente.pk)
        else:
            motivo = cleaned.get("motivo_inativacao") or str(_("Inativado pela administração"))
            services.cliente_deactivate(actor=request.user, id_cliente=cliente.pk, motivo=motivo)
        cliente.refresh_from_db()

    def delete_model(self, request, obj):
        services.cliente_delete(actor=request.user, id_cliente=obj.pk)

    def get_actions(self, request):
        """Offer no bulk delete: a client is deleted one at a time, on its own
        confirmation page, through the service (legal holds, audit)."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
