"""Search-screen menus (saved searches, actions on every result) and dashboard cards."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

from clientes import bulk, saved_searches
from clientes.filters import FILTER_NAMES
from clientes.models import BulkActionType

register = template.Library()


def _search_params(request) -> list[tuple[str, str]]:
    return [
        (key, value)
        for key in FILTER_NAMES
        for value in request.GET.getlist(key)[-1:]
        if value.strip()
    ]


def _open_saved(request, searches):
    """Return the saved search the screen was opened from (``?saved=<id>``), if visible."""
    wanted = request.GET.get(saved_searches.SAVED_PARAM, "")
    return next((s for s in searches if str(s.pk) == wanted), None)


@register.inclusion_tag("clientes/_saved_menu.html", takes_context=True)
def saved_search_menu(context):
    """Render "Pesquisas salvas": open one, save the current search, update the open one."""
    request = context["request"]
    user = request.user
    searches = list(saved_searches.saved_search_list(user=user))
    current = _open_saved(request, searches)
    return {
        "csrf_token": context.get("csrf_token"),
        "searches": [{"saved": s, "url": saved_searches.saved_search_url(s)} for s in searches],
        "current": current if current and saved_searches.may_change(user, current) else None,
        "may_share": saved_searches.may_share(user),
        "search_params": _search_params(request),
    }


@register.inclusion_tag("clientes/_bulk_form.html", takes_context=True)
def bulk_action_form(context):
    """Render "Ações em todos os resultados" for users who may act in bulk."""
    request = context["request"]
    return {
        "csrf_token": context.get("csrf_token"),
        "allowed": bulk.may_run_bulk(request.user),
        "actions": BulkActionType.choices,
        "search_params": _search_params(request),
    }


def count_text(found) -> str:
    """Return "1 cliente", "2.345 clientes" or "10.000+ clientes" for a saved count."""
    if not found.exact:
        shown = f"{number_format(found.count - 1, force_grouping=True)}+"
        return ngettext("%(n)s cliente", "%(n)s clientes", 2) % {"n": shown}
    shown = number_format(found.count, force_grouping=True)
    return ngettext("%(n)s cliente", "%(n)s clientes", found.count) % {"n": shown}


@register.inclusion_tag("clientes/_pinned_cards.html", takes_context=True)
def pinned_search_cards(context):
    """Render the user's pinned saved searches with their live (cached, capped) counts."""
    request = context["request"]
    user = request.user
    cards = []
    if user.has_perm(saved_searches.SEARCH_PERMISSION):
        for saved in saved_searches.saved_search_pinned(user=user):
            found = saved_searches.saved_search_count(user=user, saved=saved)
            cards.append(
                {
                    "saved": saved,
                    "url": saved_searches.saved_search_url(saved),
                    "count": count_text(found) if found else None,
                }
            )
    return {"cards": cards, "csrf_token": context.get("csrf_token")}
