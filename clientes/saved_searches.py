"""Saved searches: reads and writes, and how a saved search becomes search parameters.

A saved search stores the criteria of the search screen (the public parameters
of ``ClienteFilterSet``), never its results. Every place that searches (the
screen, ``GET /api/v1/clients/search?saved=<id>``, exports, bulk actions) turns
it into parameters with ``params_with_saved`` and then runs the one selector
path, so a saved search finds what the screen finds.

Who may do what: everyone who may search saves private searches and sees the
shared ones; sharing needs ``clientes.share_savedsearch`` (Gerente and
Administrador); renaming, updating and deleting are for the owner, or for
whoever holds ``change_savedsearch``/``delete_savedsearch`` (Administrador).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.services import audit_record
from clientes.filters import ClienteFilterSet, is_narrowing, normalized, validated_filterset
from clientes.models import SavedSearch
from clientes.search import counts
from clientes.selectors import cliente_search
from common.cache.entries import cached

SAVED_PARAM = "saved"
SEARCH_PERMISSION = "clientes.view_cliente"
SHARE_PERMISSION = "clientes.share_savedsearch"
NOME_MAX = SavedSearch._meta.get_field("nome").max_length
# Parameters that are not criteria: they never go into a saved search.
_NOT_CRITERIA = ("page", "size", "cursor", SAVED_PARAM)
# Part of every cached count's key: a change of what is cached never reads old entries.
_COUNT_LAYOUT = "saved-count:v1"


@dataclass(frozen=True)
class SavedCount:
    """The live count of a saved search, capped like the search screen's."""

    count: int
    exact: bool


# --- reads --------------------------------------------------------------------


def _with_pinned(queryset: QuerySet[SavedSearch], user) -> QuerySet[SavedSearch]:
    pinned = SavedSearch.pinned_by.through.objects.filter(
        savedsearch_id=OuterRef("pk"), user_id=user.pk
    )
    return queryset.select_related("owner").annotate(is_pinned=Exists(pinned))


def saved_search_list(*, user) -> QuerySet[SavedSearch]:
    """Return the saved searches ``user`` sees: their own and the shared ones.

    Each carries ``is_pinned`` (pinned to this user's dashboard).
    """
    visible = SavedSearch.objects.filter(Q(owner=user) | Q(shared=True))
    return _with_pinned(visible, user).order_by("nome", "id")


def saved_search_pinned(*, user) -> QuerySet[SavedSearch]:
    """Return the saved searches on ``user``'s dashboard (still visible to them)."""
    return saved_search_list(user=user).filter(is_pinned=True)


def saved_search_get(*, user, saved_id) -> SavedSearch:
    """Return the saved search ``saved_id`` if ``user`` may reach it, else raise Http404."""
    try:
        saved_id = int(saved_id)
    except (TypeError, ValueError):
        raise Http404("No SavedSearch matches the given query.") from None
    # Administrators reach anyone's (to delete it); the others what they see.
    if user.has_perm("clientes.delete_savedsearch"):
        found = _with_pinned(SavedSearch.objects.filter(pk=saved_id), user).first()
    else:
        found = saved_search_list(user=user).filter(pk=saved_id).first()
    if found is None:
        raise Http404("No SavedSearch matches the given query.")
    return found


def may_share(user) -> bool:
    return user.has_perm(SHARE_PERMISSION)


def may_change(user, saved: SavedSearch) -> bool:
    """Return True when ``user`` may rename, update or (un)share ``saved``."""
    return saved.owner_id == user.pk or user.has_perm("clientes.change_savedsearch")


def may_delete(user, saved: SavedSearch) -> bool:
    return saved.owner_id == user.pk or user.has_perm("clientes.delete_savedsearch")


def saved_search_url(saved: SavedSearch) -> str:
    """Return the search screen's URL running ``saved`` (its criteria as typed)."""
    query = {**{key: str(value) for key, value in saved.filters.items()}, SAVED_PARAM: saved.pk}
    return f"{reverse('clientes:search')}?{urlencode(query)}"


def saved_search_problems(saved: SavedSearch) -> list[str]:
    """Return why the stored criteria no longer validate (empty when they do).

    Criteria saved before a filter or an option was removed are reported
    here, in pt-BR, instead of failing the search that uses them.
    """
    filters = saved.filters if isinstance(saved.filters, dict) else {}
    if not isinstance(saved.filters, dict):
        return [str(_("Os critérios desta pesquisa salva estão corrompidos."))]
    unknown = sorted(set(filters) - set(ClienteFilterSet.base_filters))
    problems = [
        str(_("O filtro “%(filtro)s” não existe mais.") % {"filtro": name}) for name in unknown
    ]
    try:
        validated_filterset(filters)
    except ValidationError as error:
        labels = {name: f.label for name, f in ClienteFilterSet.base_filters.items()}
        for name, messages in error.message_dict.items():
            label = labels.get(name)
            problems.extend(f"{label}: {m}" if label else m for m in messages)
    return problems


def stale_message(problems: list[str]) -> str:
    return str(
        _("Esta pesquisa salva não é mais válida (%(motivos)s). Atualize-a com novos critérios.")
        % {"motivos": "; ".join(problems)}
    )


def params_with_saved(*, user, params: Mapping):
    """Return ``params`` with the criteria of the saved search it names (``saved``).

    Without ``saved`` the parameters come back unchanged. Parameters given
    with it narrow or replace the saved criteria of the same name. Raises
    ``ValidationError`` (key ``saved``) for an unknown or invisible saved
    search and for one whose criteria no longer validate.
    """
    if SAVED_PARAM not in params:
        return params
    merged = params.copy()
    saved_id = merged.pop(SAVED_PARAM)
    if isinstance(saved_id, list):  # QueryDict.pop returns every value
        saved_id = saved_id[-1] if saved_id else ""
    try:
        saved = saved_search_get(user=user, saved_id=saved_id)
    except Http404:
        raise ValidationError(
            {
                SAVED_PARAM: [
                    ValidationError(_("Pesquisa salva não encontrada."), code="saved_not_found")
                ]
            }
        ) from None
    problems = saved_search_problems(saved)
    if problems:
        raise ValidationError(
            {SAVED_PARAM: [ValidationError(stale_message(problems), code="saved_stale")]}
        )
    for key, value in saved.filters.items():
        if merged.get(key) in (None, ""):
            merged[key] = str(value)
    return merged


def saved_search_count(*, user, saved: SavedSearch) -> SavedCount | None:
    """Return the live count of ``saved`` (capped at ``counts.COUNT_CAP``), or None if stale.

    Served from Redis under the search generation, like search pages: any
    client write makes every cached count stale.
    """
    if saved_search_problems(saved):
        return None
    filterset = validated_filterset(saved.filters)
    key = normalized(filterset)
    today = timezone.localdate()  # ages move with the day

    def compute() -> int:
        matches = cliente_search(user=user, params=saved.filters).order_by()
        return matches.values("pk")[: counts.COUNT_CAP + 1].count()

    # The cache holds plain data only (common.cache.codec): the number, not a SavedCount.
    found = cached((_COUNT_LAYOUT, today.isoformat(), key), compute)
    return SavedCount(count=found, exact=found <= counts.COUNT_CAP)


# --- writes -------------------------------------------------------------------


def clean_criteria(params: Mapping) -> dict:
    """Return the criteria of ``params`` worth saving, validated like a search.

    Raises ``ValidationError`` for invalid criteria and for a search without
    any narrowing criterion (it would list nobody).
    """
    getlist = getattr(params, "getlist", None)
    criteria = {}
    for key in ClienteFilterSet.base_filters:
        if key in _NOT_CRITERIA or key not in params:
            continue
        value = params.get(key) if getlist is None else getlist(key)[-1]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError({key: [_("Informe um único valor (texto ou número).")]})
        value = str(value).strip()
        if value:
            criteria[key] = value
    if not is_narrowing(normalized(validated_filterset(criteria))):
        raise ValidationError(
            _("Informe pelo menos um critério de pesquisa antes de salvar."), code="sem_criterios"
        )
    return criteria


def _clean_nome(nome) -> str:
    nome = nome.strip() if isinstance(nome, str) else ""
    if not nome:
        raise ValidationError({"nome": [_("Dê um nome à pesquisa.")]})
    if len(nome) > NOME_MAX:
        raise ValidationError(
            {"nome": [_("Use no máximo %(max)d caracteres.") % {"max": NOME_MAX}]}
        )
    return nome


def _check_share(user, shared) -> bool:
    if not isinstance(shared, bool):
        raise ValidationError({"shared": [_("Informe verdadeiro ou falso.")]})
    if shared and not may_share(user):
        raise ValidationError(
            {"shared": [_("Apenas gerentes e administradores compartilham pesquisas.")]}
        )
    return shared


def _save(saved: SavedSearch) -> None:
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "nome": [
                    ValidationError(
                        _("Você já tem uma pesquisa salva com este nome."), code="nome_duplicado"
                    )
                ]
            }
        ) from exc


def _audit(action: Action, *, user, saved: SavedSearch, **details) -> None:
    audit_record(
        action=action,
        actor=user,
        target=("clientes.savedsearch", saved.pk, saved.nome),
        details={"filtros": saved.filters, "compartilhada": saved.shared, **details},
    )


def saved_search_create(
    *, user, nome: str, params: Mapping, shared: bool = False, pinned: bool = True
) -> SavedSearch:
    """Save the criteria of ``params`` under ``nome`` for ``user``; pinned by default."""
    saved = SavedSearch(owner=user, nome=_clean_nome(nome), shared=_check_share(user, shared))
    saved.filters = clean_criteria(params)
    with transaction.atomic():
        _save(saved)
        if pinned:
            saved.pinned_by.add(user)
        _audit(Action.SAVED_SEARCH_CREATE, user=user, saved=saved)
    return saved


def saved_search_update(
    *,
    user,
    saved: SavedSearch,
    nome: str | None = None,
    params: Mapping | None = None,
    shared: bool | None = None,
) -> SavedSearch:
    """Rename, replace the criteria with ``params`` and/or (un)share ``saved``."""
    if not may_change(user, saved):
        raise PermissionDenied
    before = {"nome": saved.nome, "filtros": saved.filters, "compartilhada": saved.shared}
    if nome is not None:
        saved.nome = _clean_nome(nome)
    if params is not None:
        saved.filters = clean_criteria(params)
    if shared is not None and shared != saved.shared:
        saved.shared = _check_share(user, shared)
    with transaction.atomic():
        _save(saved)
        _audit(Action.SAVED_SEARCH_UPDATE, user=user, saved=saved, antes=before)
    return saved


def saved_search_delete(*, user, saved: SavedSearch) -> None:
    """Delete ``saved`` (its owner, or an administrator)."""
    if not may_delete(user, saved):
        raise PermissionDenied
    with transaction.atomic():
        _audit(Action.SAVED_SEARCH_DELETE, user=user, saved=saved)
        saved.delete()


def saved_search_pin(*, user, saved: SavedSearch, pinned: bool) -> None:
    """Show ``saved`` on ``user``'s dashboard, or stop showing it."""
    if pinned:
        saved.pinned_by.add(user)
    else:
        saved.pinned_by.remove(user)
