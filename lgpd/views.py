"""Screens of the LGPD workbench (/lgpd/): requests, a client's LGPD page, settings, retention.

Views read through ``lgpd.selectors`` and write through ``lgpd.services``;
the client's data report is the API endpoint (session login works there).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clientes.models import Cliente
from clientes.services import ClienteAlteradoError
from lgpd import anonymization, services
from lgpd.filters import SolicitacaoFilterSet
from lgpd.forms import (
    AnonymizeForm,
    ConfiguracaoLgpdForm,
    ConsentimentoForm,
    MotivoForm,
    RetencaoLegalForm,
    SolicitacaoForm,
    SolicitacaoUpdateForm,
)
from lgpd.models import ConfiguracaoLgpd, RetencaoLegal, SolicitacaoTitular
from lgpd.retention import retention_run
from lgpd.selectors import (
    consent_history,
    latest_retention_runs,
    legal_hold_in_force,
    legal_holds,
    solicitacao_counts,
    solicitacao_list,
)

LGPD_PERMISSION = "lgpd.atender_titular"


class _LgpdMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = LGPD_PERMISSION


def _attach(form, exc: ValidationError) -> None:
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class SolicitacaoListView(_LgpdMixin, TemplateView):
    """The workbench: requests with due-date badges, open and overdue first."""

    template_name = "lgpd/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = SolicitacaoFilterSet(data=self.request.GET or None)
        try:
            requests = solicitacao_list(params=self.request.GET)
        except ValidationError:
            requests = SolicitacaoTitular.objects.none()
        page = Paginator(requests, 50).get_page(self.request.GET.get("page"))
        context.update(filterset=filterset, page=page, counts=solicitacao_counts())
        return context


class SolicitacaoCreateView(_LgpdMixin, TemplateView):
    template_name = "lgpd/request_form.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=SolicitacaoForm()))

    def post(self, request, *args, **kwargs):
        form = SolicitacaoForm(request.POST)
        if form.is_valid():
            try:
                solicitacao = services.solicitacao_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Solicitação registrada."))
                return redirect(solicitacao)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SolicitacaoDetailView(_LgpdMixin, TemplateView):
    """One request: its data, what was produced, the reply and the actions on the client."""

    template_name = "lgpd/request_detail.html"

    def solicitacao(self) -> SolicitacaoTitular:
        return get_object_or_404(
            SolicitacaoTitular.objects.select_related("cliente", "responsavel"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        solicitacao = self.solicitacao()
        form = SolicitacaoUpdateForm(
            initial={"status": solicitacao.status, "resposta": solicitacao.resposta}
        )
        return self.render_to_response(self.get_context_data(solicitacao=solicitacao, form=form))

    def post(self, request, *args, **kwargs):
        solicitacao = self.solicitacao()
        form = SolicitacaoUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.solicitacao_update(
                    actor=request.user, id_solicitacao=solicitacao.pk, data=form.cleaned_data
                )
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Solicitação atualizada."))
                return redirect(solicitacao)
        context = self.get_context_data(solicitacao=solicitacao, form=form)
        return self.render_to_response(context, status=400)


class ClienteLgpdView(_LgpdMixin, TemplateView):
    """A client's LGPD page: block, anonymise, legal holds, consents, data report."""

    template_name = "lgpd/cliente.html"
    ACTIONS = ("bloquear", "desbloquear", "anonimizar", "reter", "encerrar_retencao", "consentir")

    def cliente(self) -> Cliente:
        return get_object_or_404(Cliente, pk=self.kwargs["id_cliente"])

    def forms(self, cliente, data=None, acao=None):
        finalidades = ConfiguracaoLgpd.current().finalidades
        bound = {name: (data if acao == name else None) for name in self.ACTIONS}
        return {
            "form_bloquear": MotivoForm(bound["bloquear"], prefix="bloquear"),
            "form_desbloquear": MotivoForm(bound["desbloquear"], prefix="desbloquear"),
            "form_anonimizar": AnonymizeForm(
                bound["anonimizar"], prefix="anonimizar", initial={"versao": cliente.versao}
            ),
            "form_reter": RetencaoLegalForm(bound["reter"], prefix="reter"),
            "form_consentir": ConsentimentoForm(
                bound["consentir"], prefix="consentir", finalidades=finalidades
            ),
        }

    def context(self, cliente, forms, **extra):
        return self.get_context_data(
            cliente=cliente,
            retencao=legal_hold_in_force(id_cliente=cliente.pk),
            retencoes=legal_holds(id_cliente=cliente.pk),
            consentimentos=consent_history(id_cliente=cliente.pk),
            solicitacoes=cliente.solicitacoes_lgpd.order_by("-recebida_em")[:20],
            **forms,
            **extra,
        )

    def get(self, request, *args, **kwargs):
        cliente = self.cliente()
        return self.render_to_response(self.context(cliente, self.forms(cliente)))

    def post(self, request, *args, **kwargs):
        cliente = self.cliente()
        acao = request.POST.get("acao", "")
        if acao not in self.ACTIONS:
            messages.error(request, _("Ação desconhecida."))
            return redirect("lgpd:cliente", id_cliente=cliente.pk)
        forms = self.forms(cliente, request.POST, acao)
        form = forms.get(f"form_{acao}")
        if form is not None and not form.is_valid():
            return self.render_to_response(self.context(cliente, forms), status=400)
        try:
            done = self.run(acao, cliente, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            if form is not None:
                _attach(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("lgpd:cliente", id_cliente=cliente.pk)
        except ClienteAlteradoError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.context(cliente, forms), status=409)
        except (Cliente.DoesNotExist, RetencaoLegal.DoesNotExist) as exc:
            raise Http404 from exc
        else:
            messages.success(request, done)
            return redirect("lgpd:cliente", id_cliente=cliente.pk)
        return self.render_to_response(self.context(cliente, forms), status=400)

    def run(self, acao, cliente, data) -> str:
        actor = self.request.user
        if acao == "encerrar_retencao":
            raw = self.request.POST.get("retencao", "")
            if not raw.isdigit():
                raise RetencaoLegal.DoesNotExist
            services.retencao_legal_release(
                actor=actor, id_cliente=cliente.pk, id_retencao=int(raw)
            )
            return _("Retenção legal encerrada.")
        if acao == "bloquear":
            services.cliente_block(actor=actor, id_cliente=cliente.pk, motivo=data["motivo"])
            return _("Cliente bloqueado.")
        if acao == "desbloquear":
            services.cliente_unblock(actor=actor, id_cliente=cliente.pk, motivo=data["motivo"])
            return _("Cliente desbloqueado.")
        if acao == "anonimizar":
            anonymization.cliente_anonymize(
                actor=actor, id_cliente=cliente.pk, versao=data["versao"], motivo=data["motivo"]
            )
            return _("Cliente anonimizado.")
        if acao == "reter":
            services.retencao_legal_set(
                actor=actor, id_cliente=cliente.pk, motivo=data["motivo"], ate=data["ate"]
            )
            return _("Retenção legal registrada.")
        services.consentimento_register(actor=actor, id_cliente=cliente.pk, **data)
        return _("Consentimento registrado.")


class ConfiguracaoView(_LgpdMixin, TemplateView):
    """Configurações LGPD: deadlines per request type, purposes, retention rule."""

    template_name = "lgpd/settings.html"
    permission_required = "lgpd.change_configuracaolgpd"

    def get(self, request, *args, **kwargs):
        form = ConfiguracaoLgpdForm(instance=ConfiguracaoLgpd.current())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ConfiguracaoLgpdForm(request.POST, instance=ConfiguracaoLgpd.current())
        if form.is_valid():
            try:
                services.configuracao_update(actor=request.user, data=form.service_data())
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("Configurações LGPD salvas."))
                return redirect("lgpd:settings")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RetencaoView(_LgpdMixin, TemplateView):
    """The retention rule's latest runs; a dry run on demand."""

    template_name = "lgpd/retention.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(config=ConfiguracaoLgpd.current(), execucoes=latest_retention_runs())
        return context

    def post(self, request, *args, **kwargs):
        run = retention_run(dry_run=True, actor=request.user)
        messages.success(
            request,
            _("Simulação concluída: %(n)d candidatos, %(r)d mantidos por retenção legal.")
            % {"n": run.candidatos, "r": run.retidos},
        )
        return redirect("lgpd:retention")
