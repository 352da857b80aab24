"""Saved searches on the web: save from the search screen, manage them in one list.

Every write is a POST that ends in a redirect with a message (or an HTMX
redirect when the search screen's menu sent it); invalid input renders the
list again with a 400 and the pt-BR reasons.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from clientes import saved_searches as svc

SEARCH_PERMISSION = svc.SEARCH_PERMISSION
# Not "nome": that is the search's name filter, posted alongside.
NOME_FIELD = "nome_pesquisa"


def _list_page(request, errors=(), status=200):
    searches = [
        {
            "saved": saved,
            "url": svc.saved_search_url(saved),
            "problems": svc.saved_search_problems(saved),
            "may_change": svc.may_change(request.user, saved),
            "may_delete": svc.may_delete(request.user, saved),
        }
        for saved in svc.saved_search_list(user=request.user)
    ]
    context = {"searches": searches, "errors": errors, "may_share": svc.may_share(request.user)}
    return render(request, "clientes/saved_list.html", context, status=status)


def _done(request, url: str):
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _failed(request, error: ValidationError):
    if request.htmx:
        context = {"errors": error.messages}
        return render(request, "clientes/_action_errors.html", context, status=400)
    return _list_page(request, errors=error.messages, status=400)


@login_required
@permission_required(SEARCH_PERMISSION, raise_exception=True)
@require_GET
def saved_list(request):
    """Pesquisas salvas: the user's own and the shared ones, with their actions."""
    return _list_page(request)


@login_required
@permission_required(SEARCH_PERMISSION, raise_exception=True)
@require_POST
def saved_create(request):
    """Save the search screen's current criteria under a name."""
    try:
        saved = svc.saved_search_create(
            user=request.user,
            nome=request.POST.get(NOME_FIELD, ""),
            params=request.POST,
            shared=request.POST.get("shared") == "on",
        )
    except ValidationError as error:
        return _failed(request, error)
    messages.success(request, _("Pesquisa “%(nome)s” salva.") % {"nome": saved.nome})
    return _done(request, svc.saved_search_url(saved))


@login_required
@permission_required(SEARCH_PERMISSION, raise_exception=True)
@require_POST
def saved_update(request, pk):
    """Rename, (un)share, or replace the criteria with the screen's current ones."""
    saved = svc.saved_search_get(user=request.user, saved_id=pk)
    post = request.POST
    try:
        saved = svc.saved_search_update(
            user=request.user,
            saved=saved,
            nome=post.get(NOME_FIELD) if NOME_FIELD in post else None,
            params=post if post.get("criterios") == "atuais" else None,
            shared=post.get("shared") == "on" if "shared_present" in post else None,
        )
    except ValidationError as error:
        return _failed(request, error)
    messages.success(request, _("Pesquisa “%(nome)s” atualizada.") % {"nome": saved.nome})
    if post.get("criterios") == "atuais":
        return _done(request, svc.saved_search_url(saved))
    return _done(request, reverse("clientes:saved_list"))


@login_required
@permission_required(SEARCH_PERMISSION, raise_exception=True)
@require_POST
def saved_delete(request, pk):
    saved = svc.saved_search_get(user=request.user, saved_id=pk)
    nome = saved.nome
    svc.saved_search_delete(user=request.user, saved=saved)
    messages.success(request, _("Pesquisa “%(nome)s” excluída.") % {"nome": nome})
    return redirect("clientes:saved_list")


@login_required
@permission_required(SEARCH_PERMISSION, raise_exception=True)
@require_POST
def saved_pin(request, pk):
    """Show a saved search on the dashboard (pinned=1) or stop showing it."""
    saved = svc.saved_search_get(user=request.user, saved_id=pk)
    pinned = request.POST.get("pinned") == "1"
    svc.saved_search_pin(user=request.user, saved=saved, pinned=pinned)
    if pinned:
        messages.success(request, _("“%(nome)s” fixada no painel.") % {"nome": saved.nome})
    else:
        messages.success(request, _("“%(nome)s” removida do painel.") % {"nome": saved.nome})
    return redirect("home" if request.POST.get("next") == "home" else "clientes:saved_list")
