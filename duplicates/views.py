"""The probable duplicates screen: list by score, compare side by side, merge or dismiss.

Gerente and Administrador only (``duplicates.merge_clientes``). The comparison
shows two profiles, so opening it is recorded as a view of both clients.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit.choices import Action
from audit.services import audit_record
from clientes.models import Cliente
from clientes.selectors import cliente_get
from clientes.services import ClienteAlteradoError
from duplicates import services, tasks
from duplicates.models import ExecucaoDuplicados, ParDuplicado
from duplicates.selectors import PERMISSION, pair_get, pair_list

PAGE_SIZE = 50
FIELD_LABELS = {
    "cpf": gettext_lazy("CPF (define o cadastro que permanece)"),
    "nome_completo": gettext_lazy("Nome completo"),
    "nome_social": gettext_lazy("Nome social"),
    "data_nascimento": gettext_lazy("Data de nascimento"),
    "sexo": gettext_lazy("Sexo"),
    "nome_mae": gettext_lazy("Nome da mãe"),
    "email": gettext_lazy("E-mail"),
}


def _guard(view):
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


def _pair_or_404(request, pk: int) -> ParDuplicado:
    try:
        return pair_get(user=request.user, pk=pk)
    except ParDuplicado.DoesNotExist as exc:
        raise Http404 from exc


@_guard
@require_GET
def pair_list_view(request):
    page = Paginator(pair_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "ultima": ExecucaoDuplicados.objects.first()}
    return render(request, "duplicates/list.html", context)


@_guard
@require_POST
def refresh_view(request):
    tasks.refresh.delay()
    messages.success(
        request, _("A busca de duplicados foi iniciada; atualize a página em instantes.")
    )
    return redirect("duplicates:list")


def _display(cliente: Cliente, name: str):
    if name == "sexo":
        return cliente.get_sexo_display()
    value = getattr(cliente, name)
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value


def _compare_context(request, pair: ParDuplicado, errors=()) -> dict:
    a = cliente_get(user=request.user, id_cliente=pair.cliente_a_id)
    b = cliente_get(user=request.user, id_cliente=pair.cliente_b_id)
    rows = []
    for name, label in FIELD_LABELS.items():
        chosen = request.POST.get(f"campo_{name}")
        rows.append(
            {
                "name": name,
                "label": label,
                "a": _display(a, name),
                "b": _display(b, name),
                # Default: A's value, or B's when A's is empty.
                "checked_b": chosen == str(b.pk)
                or (chosen is None and getattr(a, name) in ("", None) and name != "cpf"),
            }
        )
    return {"pair": pair, "a": a, "b": b, "rows": rows, "errors": errors}


@_guard
@require_GET
def compare_view(request, pk: int):
    pair = _pair_or_404(request, pk)
    context = _compare_context(request, pair)
    for cliente in (context["a"], context["b"]):
        audit_record(action=Action.CLIENTE_VIEW, request=request, target=cliente)
    return render(request, "duplicates/compare.html", context)


@_guard
@require_POST
def merge_view(request, pk: int):
    pair = _pair_or_404(request, pk)
    ids = (pair.cliente_a_id, pair.cliente_b_id)
    try:
        survivor = int(request.POST.get("campo_cpf", ""))
        versoes = {i: int(request.POST.get(f"versao_{i}", "")) for i in ids}
        fields = {
            name: int(request.POST[f"campo_{name}"])
            for name in services.MERGE_FIELDS
            if request.POST.get(f"campo_{name}")
        }
    except ValueError:
        survivor = None
    if survivor not in ids:
        context = _compare_context(request, pair, [_("Escolha o CPF que permanece.")])
        return render(request, "duplicates/compare.html", context, status=400)
    other = ids[1] if survivor == ids[0] else ids[0]
    try:
        services.clientes_merge(
            actor=request.user,
            id_cliente=survivor,
            id_outro=other,
            fields=fields,
            versao=versoes[survivor],
            versao_outro=versoes[other],
        )
    except ClienteAlteradoError as exc:
        message = _("Cliente nº %(id)s: %(msg)s") % {"id": exc.id_cliente, "msg": exc.message}
        context = _compare_context(request, pair, [message])
        return render(request, "duplicates/compare.html", context, status=409)
    except ValidationError as exc:
        context = _compare_context(request, pair, exc.messages)
        return render(request, "duplicates/compare.html", context, status=400)
    messages.success(
        request,
        _("Cliente nº %(de)s unificado a este cadastro. Endereços e telefones foram unidos.")
        % {"de": other},
    )
    return redirect("clientes:detail", survivor)


@_guard
@require_POST
def dismiss_view(request, pk: int):
    pair = _pair_or_404(request, pk)
    services.pair_dismiss(actor=request.user, pair=pair)
    messages.success(request, _("Par marcado como não duplicado: ele não será mais listado."))
    return redirect("duplicates:list")
