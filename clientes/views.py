"""Pages of the client registry: profile, create, edit, deactivate, reactivate, delete.

Views read through ``clientes.selectors`` and write through
``clientes.services``; they only turn requests into calls and errors into
messages next to the right field.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from audit.choices import Action
from audit.selectors import cliente_history
from audit.services import audit_record
from clientes import services
from clientes.forms import (
    ClienteForm,
    DeactivateForm,
    DeleteForm,
    EnderecoInlineFormSet,
    TelefoneInlineFormSet,
)
from clientes.models import Cliente
from clientes.selectors import (
    ClienteBloqueado,
    ClienteIncorporado,
    cliente_get,
    possible_duplicates,
)


class _ClienteMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; users without the permission get 403.

    A blocked client (LGPD) answers 451 with no personal data, to whoever may
    not see it.
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ClienteBloqueado as exc:
            return render(request, "clientes/bloqueado.html", {"mensagem": exc}, status=451)
        except ClienteIncorporado as exc:
            # A merge's tombstone: its old address leads to the survivor.
            messages.info(request, str(exc))
            return redirect("clientes:detail", exc.merged_into_id)

    def get_cliente(self) -> Cliente:
        return cliente_get(user=self.request.user, id_cliente=self.kwargs["id_cliente"])


class ClienteDetailView(_ClienteMixin, TemplateView):
    """The full profile of one client."""

    permission_required = "clientes.view_cliente"
    template_name = "clientes/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cliente = self.get_cliente()
        user = self.request.user
        # Every profile view is recorded (LGPD: who saw whom); a failed record
        # fails the page rather than leaving the view unrecorded.
        audit_record(action=Action.CLIENTE_VIEW, request=self.request, target=cliente)
        context.update(
            cliente=cliente,
            enderecos=list(cliente.enderecos.all()),
            telefones=list(cliente.telefones.all()),
            # Changes for everyone; who viewed/exported it only for administrators.
            historico=cliente_history(user=user, id_cliente=cliente.pk),
            # Records merged into this one: their old history stays readable here.
            incorporados=[
                {"id": pk, "merged_at": at, "historico": cliente_history(user=user, id_cliente=pk)}
                for pk, at in Cliente.objects.filter(merged_into=cliente.pk)
                .order_by("merged_at")
                .values_list("pk", "merged_at")
            ],
            pode_editar=user.has_perm("clientes.change_cliente"),
            pode_excluir=user.has_perm("clientes.delete_cliente"),
        )
        return context


class ClienteFormView(_ClienteMixin, TemplateView):
    """Create or edit a client with its addresses and phones on one page."""

    template_name = "clientes/form.html"

    def forms(self, cliente: Cliente | None):
        data = self.request.POST if self.request.method == "POST" else None
        instance = cliente or Cliente()
        return (
            ClienteForm(data, instance=instance, user=self.request.user),
            EnderecoInlineFormSet(data, instance=instance, prefix="enderecos"),
            TelefoneInlineFormSet(data, instance=instance, prefix="telefones"),
        )

    def get(self, request, *args, **kwargs):
        cliente = self.load()
        if cliente is not None:
            # The edit page shows the client's data: a view, recorded like the profile.
            audit_record(action=Action.CLIENTE_VIEW, request=request, target=cliente)
        return self.render(cliente, *self.forms(cliente))

    def post(self, request, *args, **kwargs):
        cliente = self.load()
        form, enderecos, telefones = self.forms(cliente)
        if not all([form.is_valid(), enderecos.is_valid(), telefones.is_valid()]):
            return self.render(cliente, form, enderecos, telefones, status=400)
        end_items, end_forms = enderecos.service_items()
        tel_items, tel_forms = telefones.service_items()
        try:
            saved = self.save(form, end_items, tel_items)
        except services.ClienteAlteradoError as exc:
            form.add_error(None, ValidationError(exc.message, code="cliente_alterado"))
            return self.render(cliente, form, enderecos, telefones, status=409)
        except Cliente.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as exc:
            _attach_errors(exc, form, (enderecos, end_forms), (telefones, tel_forms))
            return self.render(cliente, form, enderecos, telefones, status=400)
        messages.success(request, self.success_message)
        _warn_possible_duplicates(request, saved)
        return redirect(saved)

    def render(self, cliente, form, enderecos, telefones, status=200):
        context = self.get_context_data(
            cliente=cliente, form=form, enderecos=enderecos, telefones=telefones
        )
        return self.render_to_response(context, status=status)


class ClienteCreateView(ClienteFormView):
    permission_required = "clientes.add_cliente"
    success_message = _("Cliente cadastrado.")

    def load(self):
        return None

    def save(self, form, enderecos, telefones):
        return services.cliente_create(
            actor=self.request.user,
            data=form.service_data(),
            enderecos=enderecos,
            telefones=telefones,
        )


class ClienteUpdateView(ClienteFormView):
    permission_required = "clientes.change_cliente"
    success_message = _("Alterações salvas.")

    def load(self):
        return self.get_cliente()

    def save(self, form, enderecos, telefones):
        # Without a version (a crafted form) the save must not skip the lock check.
        versao = form.cleaned_data.get("versao") or 0
        return services.cliente_update(
            actor=self.request.user,
            id_cliente=form.instance.pk,
            versao=versao,
            data=form.service_data(),
            enderecos=enderecos,
            telefones=telefones,
        )


def _warn_possible_duplicates(request, cliente: Cliente) -> None:
    """Say which clients the saved data matches ("Possível duplicado de ..."), not blocking."""
    for match in possible_duplicates(user=request.user, id_cliente=cliente.pk):
        motivos = "; ".join(m["label"] for m in match["motivos"])
        nome = format_html("{} ({})", match["nome_completo"], match["cpf"])
        if request.user.has_perm("clientes.view_cliente"):
            url = reverse("clientes:detail", args=[match["id_cliente"]])
            nome = format_html('<a href="{}">{}</a>', url, nome)
        messages.warning(request, format_html(_("Possível duplicado de {}: {}."), nome, motivos))


def _attach_errors(exc: ValidationError, form, *nested):
    """Put each service error next to its field (``enderecos.0.cep`` -> that row)."""
    formsets = {formset.prefix: (formset, forms_) for formset, forms_ in nested}
    for key, errors in exc.error_dict.items():
        name, _sep, rest = key.partition(".")
        if name in formsets:
            formset, forms_ = formsets[name]
            index, _sep, field = rest.partition(".")
            if index.isdigit() and int(index) < len(forms_):
                target = forms_[int(index)]
                target.add_error(field if field in target.fields else None, errors)
            else:
                formset._non_form_errors = formset.non_form_errors() + errors
        elif name in form.fields:
            form.add_error(name, errors)
        else:  # NON_FIELD_ERRORS or a field the form does not show
            form.add_error(None, errors)


class ClienteDeactivateView(_ClienteMixin, TemplateView):
    """Ask why, then mark the client inactive (a soft delete)."""

    permission_required = "clientes.change_cliente"
    template_name = "clientes/deactivate.html"

    def get(self, request, *args, **kwargs):
        cliente = self.get_cliente()
        # The page names the client and shows the CPF: a view, recorded like the profile.
        audit_record(action=Action.CLIENTE_VIEW, request=request, target=cliente)
        form = DeactivateForm(initial={"versao": cliente.versao})
        return self.render_to_response(self.get_context_data(cliente=cliente, form=form))

    def post(self, request, *args, **kwargs):
        cliente = self.get_cliente()
        form = DeactivateForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.cliente_deactivate(
                    actor=request.user,
                    id_cliente=cliente.pk,
                    motivo=form.cleaned_data["motivo_inativacao"],
                    versao=form.cleaned_data["versao"],
                )
            except services.ClienteAlteradoError as exc:
                form.add_error(None, exc.message)
                status = 409
            except ValidationError as exc:
                for key, errors in exc.error_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                messages.success(request, _("Cliente inativado."))
                return redirect(cliente)
        context = self.get_context_data(cliente=cliente, form=form)
        return self.render_to_response(context, status=status)


class ClienteReactivateView(_ClienteMixin, View):
    """Make an inactive client active again (POST from the profile page)."""

    permission_required = "clientes.change_cliente"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        cliente = self.get_cliente()
        try:
            services.cliente_reactivate(actor=request.user, id_cliente=cliente.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Cliente reativado."))
        return redirect(cliente)


class ClienteDeleteView(_ClienteMixin, TemplateView):
    """Delete a client for good, after an explicit confirmation (administrators)."""

    permission_required = "clientes.delete_cliente"
    template_name = "clientes/confirm_delete.html"

    def get(self, request, *args, **kwargs):
        cliente = self.get_cliente()
        return self.render_to_response(self.get_context_data(cliente=cliente, form=DeleteForm()))

    def post(self, request, *args, **kwargs):
        cliente = self.get_cliente()
        form = DeleteForm(request.POST)
        if not form.is_valid():
            context = self.get_context_data(cliente=cliente, form=form)
            return self.render_to_response(context, status=400)
        try:
            services.cliente_delete(actor=request.user, id_cliente=cliente.pk)
        except Cliente.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as exc:  # e.g. a legal hold (lgpd) refuses the deletion
            form.add_error(None, exc)
            context = self.get_context_data(cliente=cliente, form=form)
            return self.render_to_response(context, status=400)
        messages.success(request, _("Cliente excluído definitivamente."))
        try:
            return redirect("clientes:search")
        except NoReverseMatch:  # the search screen is another app's page
            return redirect("home")
