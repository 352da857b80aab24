"""Reads of clients, with their rules. Views, the API and tasks call these."""

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clientes import duplicates
from clientes.ages import age_on
from clientes.cache import profiles
from clientes.filters import is_narrowing, normalized, validated_filterset
from clientes.masking import CpfUse, can_see_full_cpf, cpf_for
from clientes.models import Cliente, Endereco, Telefone
from clientes.search import counts, parsing, sorting, suggestions
from common import replicas
from common.cache.entries import cached

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MIN = 10
PAGE_SIZE_MAX = 100
ROW_FIELDS = (
    "id_cliente", "cpf", "nome_completo", "data_nascimento", "ativo", "sexo", "cidade", "uf",
)  # fmt: skip
FACETS = (
    ("status", _("Status")),
    ("uf", _("UF")),
    ("sexo", _("Sexo")),
    ("idade", _("Faixa etária")),
)


# --- LGPD visibility: blocked and anonymised records ---------------------------


class ClienteBloqueado(PermissionDenied):
    """The client's record is blocked (LGPD art. 18, IV) for this user."""

    def __init__(self):
        super().__init__(_("Este cadastro está bloqueado por determinação legal (LGPD)."))


def sees_blocked(user) -> bool:
    """Return True when ``user`` may find and open blocked clients (LGPD officers)."""
    return bool(user is not None and user.has_perm("clientes.view_cliente_bloqueado"))


class ClienteIncorporado(Http404):
    """The client was merged into another: its id names a tombstone, not a client."""

    def __init__(self, cliente: Cliente):
        self.id_cliente = cliente.pk
        self.merged_into_id = cliente.merged_into_id
        super().__init__(
            _("O cliente nº %(id)s foi unificado ao cliente nº %(destino)s.")
            % {"id": cliente.pk, "destino": cliente.merged_into_id}
        )


def visible_clientes(user) -> QuerySet[Cliente]:
    """Return the clients ``user`` may find: searches, lists and exports start here.

    Anonymised records are left out for everyone (they identify nobody), and
    so are the tombstones of merges (the survivor stands for them); blocked
    ones for everyone but the LGPD officers.
    """
    queryset = Cliente.objects.filter(anonimizado_em__isnull=True, merged_into__isnull=True)
    return queryset if sees_blocked(user) else queryset.filter(bloqueado=False)


def _check_not_blocked(user, cliente: Cliente | None) -> Cliente | None:
    if cliente is not None and cliente.bloqueado and not sees_blocked(user):
        raise ClienteBloqueado()
    return cliente


# --- Searches -----------------------------------------------------------------

NARROWING_REQUIRED = _(
    "Informe pelo menos um critério de pesquisa (CPF, nome, cidade, UF, idade, e-mail, "
    "telefone, CEP ou data de cadastro)."
)
# Criteria that tell namesakes apart, suggested in this order.
NARROWING_CRITERIA = ("data_nascimento", "nome_mae", "cidade")


class ClienteSearch:
    """One client search, run in the shape its caller needs.

    The parameters are validated with the user's rules and the box is read
    once (``search.parsing``) when it is built; then the screen and the API's
    search endpoint ask for a ``page``, the API's cursor walk for a ``keyset``
    page, the API list for ``rows`` and exports for the ``queryset``: the same
    filters, visibility rules and order for all of them.

    ``params`` uses the public names of ``ClienteFilterSet`` (a QueryDict or a
    plain dict, e.g. the filters stored with an export job). Who sees masked
    CPFs searches a CPF only whole and cannot sort by it
    (``filters.validated_filterset``); ``user=None`` is the system (benchmarks).
    Raises ``ValidationError`` (pt-BR messages per parameter).
    """

    def __init__(self, *, user, params: Mapping):
        cpf_prefix = user is None or can_see_full_cpf(user)
        self.user = user
        self.filterset = validated_filterset(params, visible_clientes(user), cpf_prefix=cpf_prefix)
        self.key = normalized(self.filterset)
        self.criteria = dict(self.key)
        self.box = parsing.parse_box(self.criteria.get("q") or "")
        # The names searched: they rank the rows and tell spellings alike apart.
        self.name = parsing.name_text(self.criteria)
        self.mother = parsing.mother_text(self.criteria)

    @property
    def queryset(self) -> QuerySet[Cliente]:
        """Return the matching clients, in the search's order (exports walk it)."""
        return self.filterset.qs

    def _spelled_alike(self):
        return sorting.spelled_alike(self.name, self.mother)

    def rows(self) -> QuerySet:
        """Return the rows (``ROW_FIELDS``) of the search, for the API list.

        Like the search screen, a search must narrow (``filters.NARROWING``):
        no listing of everyone. Rows, not profiles: a profile is one audited
        request per client.
        """
        if not is_narrowing(self.key):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        ValidationError(NARROWING_REQUIRED, code="criterio_obrigatorio")
                    ]
                }
            )
        return (
            _with_address(self.queryset)
            .annotate(grafia_semelhante=self._spelled_alike())
            .values(*ROW_FIELDS, "grafia_semelhante")
        )

    def page(self, page=1, size=PAGE_SIZE_DEFAULT) -> "SearchPage":
        """Return one page of the search with its count and categories (cached).

        ``page`` from 1, ``size`` 10-100. Up to ``counts.COUNT_CAP`` matches
        everything is exact; past it the total shows as "10.000+", pages come
        from the first COUNT_CAP matches and categories are estimates (see
        ``counts.search_matches``). A search without any narrowing criterion
        lists nobody (``searched`` is False): the screen asks for one instead
        of dumping a million clients.
        """
        page, size = _validate_page(page, size)
        ordering = self.criteria.get("ordering") or sorting.default_ordering(self.criteria)
        if not is_narrowing(self.key):
            return SearchPage(params=self.key, page=page, size=size, ordering=ordering)
        today = timezone.localdate()
        # Served from Redis until the next client write (search generation). The
        # normalised params make the same search typed differently share one entry
        # (and find the same clients, so the FilterSet of the parameters as typed
        # computes it); ages depend on the day and facet labels on the language.
        # Who sees blocked clients gets other pages than who does not.
        audience = "lgpd" if sees_blocked(self.user) else "default"
        return cached(
            # Digits find CPF prefixes only for some users: they get their own entries.
            (
                _SEARCH_PAGE_LAYOUT,
                today.isoformat(),
                get_language(),
                audience,
                self.key,
                self.filterset.cpf_prefix,
                page,
                size,
            ),
            lambda: self._compute_page(ordering, page, size, today),
            encode=SearchPage.as_data,
            decode=SearchPage.from_data,
        )

    def _compute_page(self, ordering, page, size, today) -> "SearchPage":
        offset = (page - 1) * size
        full_cpf = self.box.full_cpf or len(self.criteria.get("cpf", "")) == 11
        with replicas.one_database(), _index_paths(needed=not full_cpf):
            matches = counts.search_matches(
                self.queryset, ordering, offset, size + 1, today, self.name, self.mother
            )
            rows = _rows_by_id(matches.page_ids[:size], today, matches.alike_ids)
        spellings = []
        if not matches.total and self.name:
            spellings = suggestions.suggest_names(self.name)
        return SearchPage(
            params=self.key,
            page=page,
            size=size,
            ordering=ordering,
            searched=True,
            rows=rows,
            count=matches.total,
            count_exact=matches.exact,
            facets=_facets(matches),
            has_next=len(matches.page_ids) > size and offset + size < counts.COUNT_CAP,
            suggestions=spellings,
            full_cpf=full_cpf,
            count_alike=matches.alike,
            narrow_by=self._narrow_by(matches, size),
            namesakes=matches.best,
        )

    def _narrow_by(self, matches: counts.Matches, size: int) -> tuple[str, ...]:
        """Return the criteria to suggest when more than a page of namesakes matched."""
        if not parsing.name_words(self.name) or matches.best <= size:
            return ()
        used = {
            "data_nascimento": bool(
                self.criteria.get("data_nascimento") or self.box.data_nascimento
            ),
            "nome_mae": bool(self.mother),
            "cidade": bool(self.criteria.get("cidade")),
        }
        return tuple(name for name in NARROWING_CRITERIA if not used[name])

    def keyset(self, after: list | None = None, size=100) -> "KeysetPage":
        """Return the clients after the keyset ``after`` (for walking big result sets).

        ``after`` is the ``next_key`` of the previous page; the order is the
        search's ``ordering``.
        """
        _page, size = _validate_page(1, size)
        ordering = self.criteria.get("ordering") or sorting.DEFAULT_ORDERING
        if ordering == sorting.RELEVANCE:
            raise ValidationError(
                {"ordering": [_("A paginação por cursor não aceita a ordenação por relevância.")]}
            )
        column, _descending = sorting.ordering_columns(ordering)
        queryset = self.queryset
        if after is not None:
            queryset = sorting.after_key(queryset, ordering, after)
        today = timezone.localdate()
        queryset = queryset.annotate(
            sort_value=sorting.column_expression(column),
            grafia_semelhante=self._spelled_alike(),
        )
        values = list(
            _with_address(queryset).values(*ROW_FIELDS, "sort_value", "grafia_semelhante")[
                : size + 1
            ]
        )
        next_key = None
        if len(values) > size:
            last = values[size - 1]
            key = last["sort_value"]
            next_key = [key.isoformat() if hasattr(key, "isoformat") else key, last["id_cliente"]]
        rows = [
            _row({f: v[f] for f in (*ROW_FIELDS, "grafia_semelhante")}, today)
            for v in values[:size]
        ]
        return KeysetPage(rows=rows, next_key=next_key, ordering=ordering)


def cliente_search(*, user, params: Mapping) -> QuerySet[Cliente]:
    """Return the clients matching the search ``params``, in a stable order (exports)."""
    return ClienteSearch(user=user, params=params).queryset


def cliente_list_rows(*, user, params: Mapping) -> QuerySet:
    """Return the rows of the search ``params`` (``ClienteSearch.rows``), for the API list."""
    return ClienteSearch(user=user, params=params).rows()


def cliente_search_page(*, user, params: Mapping, page=1, size=PAGE_SIZE_DEFAULT) -> "SearchPage":
    """Return one page of the search ``params`` (``ClienteSearch.page``): screen and API."""
    return ClienteSearch(user=user, params=params).page(page, size)


def cliente_search_keyset(*, user, params: Mapping, after: list | None = None, size=100):
    """Return the rows after the keyset ``after`` (``ClienteSearch.keyset``): the API's cursor."""
    return ClienteSearch(user=user, params=params).keyset(after, size)


def with_age(rows, today: date | None = None) -> list[dict]:
    """Return ``rows`` of ``cliente_list_rows`` with each client's age (``idade``)."""
    today = today or timezone.localdate()
    return [_row(dict(values), today) for values in rows]


@dataclass(frozen=True)
class SearchPage:
    """One page of a client search, as plain data (no querysets), cacheable as such.

    ``rows`` carry the full CPF: mask it for display unless the user may see it.
    ``count`` is exact when ``count_exact``; otherwise more than
    ``counts.COUNT_CAP`` clients matched and facets are estimates.
    """

    params: tuple[tuple[str, str], ...]
    page: int
    size: int
    ordering: str
    searched: bool = False
    rows: list[dict] = field(default_factory=list)
    count: int = 0
    count_exact: bool = True
    facets: list[dict] = field(default_factory=list)
    has_next: bool = False
    suggestions: list[str] = field(default_factory=list)
    full_cpf: bool = False
    # Of ``count``, the clients found only by a spelling alike of the name
    # (rows marked "grafia_semelhante"); exact when ``count_exact``.
    count_alike: int = 0
    # More equally good matches (namesakes) than a page holds: the screen
    # suggests these criteria not used yet to tell them apart.
    narrow_by: tuple[str, ...] = ()
    namesakes: int = 0

    def as_data(self) -> dict:
        """Return the fields as a dict of plain values (what the cache stores)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_data(cls, data: dict) -> "SearchPage":
        return cls(**data)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def num_pages(self) -> int | None:
        """Pages of an exactly counted result (None past the count cap)."""
        if not self.count_exact:
            return None
        return max(1, -(-self.count // self.size))

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.size + len(self.rows)


@dataclass(frozen=True)
class KeysetPage:
    """Rows after a keyset cursor; ``next_key`` is None on the last page."""

    rows: list[dict]
    next_key: list | None
    ordering: str


# Part of every cached page's key: a deploy that changes SearchPage never reads old pages.
_SEARCH_PAGE_LAYOUT = "page:" + ",".join(f.name for f in fields(SearchPage))


def _validate_page(page, size) -> tuple[int, int]:
    errors = {}
    try:
        page = int(page)
        if page < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["page"] = [_("A página deve ser um número inteiro a partir de 1.")]
    try:
        size = int(size)
        if not PAGE_SIZE_MIN <= size <= PAGE_SIZE_MAX:
            raise ValueError
    except (TypeError, ValueError):
        errors["size"] = [
            _("O tamanho da página deve ser um número entre %(min)d e %(max)d.")
            % {"min": PAGE_SIZE_MIN, "max": PAGE_SIZE_MAX}
        ]
    if not errors and (page - 1) * size >= counts.COUNT_CAP:
        errors["page"] = [
            ValidationError(
                _(
                    "Só é possível navegar pelos primeiros %(limite)s resultados: refine a "
                    "pesquisa ou use a paginação por cursor da API."
                )
                % {"limite": "10.000"},
                code="pagina_alem_do_limite",
            )
        ]
    if errors:
        raise ValidationError(errors)
    return page, size


def _with_address(queryset: QuerySet) -> QuerySet:
    principal = Endereco.objects.filter(cliente=OuterRef("pk"), principal=True).order_by()
    return queryset.annotate(
        cidade=Subquery(principal.values("cidade")[:1]),
        uf=Subquery(principal.values("uf")[:1]),
    )


def _row(values: dict, today: date) -> dict:
    born = values["data_nascimento"]
    values["idade"] = age_on(born, today) if born else None
    return values


def _facets(matches: counts.Matches) -> list[dict]:
    by_facet = {name: [] for name, _label in FACETS}
    for condition in counts.facet_conditions():
        number = matches.facets.get((condition.facet, condition.value))
        if number:
            by_facet[condition.facet].append(
                {
                    "value": condition.value,
                    "label": condition.label,
                    "count": number,
                    "exact": matches.exact,
                }
            )
    by_facet["uf"].sort(key=lambda v: (-v["count"], v["value"]))
    return [
        {"name": name, "label": str(label), "values": by_facet[name]}
        for name, label in FACETS
        if by_facet[name]
    ]


def _rows_by_id(ids: list[int], today: date, alike: frozenset[int]) -> list[dict]:
    found = {
        values["id_cliente"]: values
        for values in _with_address(Cliente.objects.filter(pk__in=ids)).values(*ROW_FIELDS)
    }
    return [{**_row(found[i], today), "grafia_semelhante": i in alike} for i in ids if i in found]


@contextmanager
def _index_paths(needed: bool):
    """Run the search's statements with planner settings that favour indexes.

    Not ``needed`` for a whole CPF: its unique index answers whatever the
    settings, and the transaction and settings would cost three round trips
    of the fastest lookup there is.
    """
    if not needed:
        yield
        return
    alias = replicas.read_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # Prefer index paths: a LIMITed sequential scan looks cheap to the
        # planner but reads the whole table when matches cluster (e.g. recent
        # clients sit at the end of an append-only table). And the search
        # tables live in memory (indexes and hot rows): an index probe costs
        # about a sequential read, not 4x. Without that, a city of 17,000
        # addresses is joined by scanning 300,000 clients of an age band.
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true),"
            " set_config('random_page_cost', '1.1', true)"
        )
        yield


def profile_queryset() -> QuerySet[Cliente]:
    """Return clients with everything a profile shows (addresses, phones, audit users)."""
    return Cliente.objects.select_related("created_by", "updated_by").prefetch_related(
        Prefetch("enderecos", queryset=Endereco.objects.order_by("-principal", "id")),
        Prefetch("telefones", queryset=Telefone.objects.order_by("-principal", "id")),
    )


def _load_profile(id_cliente: int) -> Cliente | None:
    return profile_queryset().filter(pk=id_cliente).first()


def _find_id_by_cpf(cpf: str) -> int | None:
    return Cliente.objects.filter(cpf=cpf).values_list("id_cliente", flat=True).first()


def cliente_get(*, user, id_cliente: int) -> Cliente:
    """Return one client with addresses and phones, or raise Http404.

    Served from the Redis cache when possible (kept in sync after every commit).
    Raises ``ClienteBloqueado`` for a blocked client the user may not see and
    ``ClienteIncorporado`` (a 404 naming the survivor) for a merge's tombstone.
    """
    cliente = profiles.get_by_id(id_cliente, load=_load_profile)
    if cliente is None:
        raise Http404("No Cliente matches the given query.")
    if cliente.merged_into_id is not None:
        raise ClienteIncorporado(cliente)
    return _check_not_blocked(user, cliente)


def possible_duplicates(*, user, id_cliente: int) -> list[dict]:
    """Return the clients ``id_cliente`` probably duplicates that ``user`` may see.

    For the warning after a create or an edit ("Possível duplicado de ..."):
    the rules of ``clientes.duplicates``; each entry has ``id_cliente``,
    ``nome_completo``, ``cpf`` (as ``user`` may see it on a profile), ``score``
    and ``motivos`` (codes and labels).
    """
    matches = duplicates.matches_of(id_cliente)
    if not matches:
        return []
    found = {
        c.pk: c
        for c in visible_clientes(user)
        .filter(pk__in=[m.id_cliente for m in matches])
        .only("pk", "cpf", "nome_completo")
    }
    return [
        {
            "id_cliente": m.id_cliente,
            "nome_completo": found[m.id_cliente].nome_completo,
            "cpf": cpf_for(user, found[m.id_cliente].cpf, CpfUse.PROFILE),
            "score": m.score,
            "motivos": [{"code": c, "label": str(duplicates.Motivo(c).label)} for c in m.motivos],
        }
        for m in matches
        if m.id_cliente in found
    ]


def cliente_get_by_cpf(*, user, cpf: str) -> Cliente | None:
    """Return the client with this CPF (11 digits, already normalised), or None.

    The client comes with addresses and phones; a cached answer (found or not
    found) runs no SQL.
    """
    cliente = profiles.get_by_cpf(cpf, find_id=_find_id_by_cpf, load=_load_profile)
    if cliente is not None and cliente.merged_into_id is not None:
        return None  # a merge's tombstone is nobody's record any more
    return _check_not_blocked(user, cliente)
