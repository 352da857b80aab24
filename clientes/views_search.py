"""The client search screen (/clientes/): one view, full page or HTMX partial.

The view only parses the request and renders ``cliente_search_page``; what is
searched is the same whether HTMX asks for the results partial or the browser
for the whole page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from clientes.choices import UF, Sexo
from clientes.distinguish import namesake_details
from clientes.filters import (
    NARROWING,
    PRINCIPAL_ADDRESS,
    STATUS_CHOICES,
    ClienteFilterSet,
    ordering_choices_for,
)
from clientes.masking import can_see_full_cpf
from clientes.search import counts
from clientes.search_chips import active_filter_chips
from clientes.search_measure import SearchFacts, audited_search
from clientes.selectors import PAGE_SIZE_DEFAULT, cliente_search_page

# Facet name -> the search parameters a click on one of its values sets.
FACET_PARAMS = {
    # The UF category counts principal addresses: its click asks for them.
    "uf": lambda value: {"uf": value, "endereco": PRINCIPAL_ADDRESS},
    "status": lambda value: {"status": value},
    "sexo": lambda value: {"sexo": value},
    "idade": lambda value: _age_band_params(value),
}
SORTABLE_COLUMNS = (
    ("cpf", _("CPF")),
    ("nome_completo", _("Nome")),
    ("idade", _("Idade")),
    ("cidade", _("Cidade/UF")),
    ("status", _("Status")),
)
PAGE_SIZES = (10, 20, 50, 100)
# Criteria that tell namesakes apart: the form field a suggestion opens.
NARROW_FIELDS = {
    "data_nascimento": _("Data de nascimento"),
    "nome_mae": _("Nome da mãe"),
    "cidade": _("Cidade"),
}
RESULTS_TARGET = "resultados"
# Filters kept under "Filtros": the panel opens when one of them is in use.
# Categories, sorting and page size show as chips or on the table instead, so
# clicking them does not open the panel.
ADVANCED_FILTERS = tuple(n for n in NARROWING if n not in ("q", "uf", "idade_min", "idade_max"))
ADDRESS_CHOICES_SHOWN = (("", _("Qualquer endereço")), (PRINCIPAL_ADDRESS, _("Só o principal")))


def display_count(number: int, exact: bool) -> str:
    """Return "1.234", "10.000+" above the cap, "≈ 1.200" for an estimate."""
    if number > counts.COUNT_CAP:
        return f"{number_format(counts.COUNT_CAP, force_grouping=True)}+"
    shown = number_format(number, force_grouping=True)
    return shown if exact else f"≈ {shown}"


def _age_band_params(value: str) -> dict:
    low, _sep, high = value.partition("-")
    return {"idade_min": low.rstrip("+"), "idade_max": high}


def _age_text(idade: int | None) -> str:
    # Here rather than a {% blocktranslate %} per row: 50 of those cost ~2 ms a page.
    if idade is None:
        return "—"
    return ngettext("%(anos)s ano", "%(anos)s anos", idade) % {"anos": idade}


def profile_url(id_cliente: int) -> str | None:
    """Return the client's profile URL, or None while the profile page is absent."""
    try:
        return reverse("clientes:detail", args=[id_cliente])
    except NoReverseMatch:  # the profile comes with the Registry feature
        return None


class SearchLinks:
    """Build the URLs of a search with some parameters changed (page reset)."""

    def __init__(self, params, base: str):
        self.params = {k: v for k, v in params.items() if v not in ("", None) and k != "page"}
        self.base = base

    def url(self, **changes) -> str:
        params = {**self.params, **changes}
        query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
        return f"{self.base}?{query}" if query else self.base


class ClienteSearchView(PermissionRequiredMixin, View):
    """Search clients: a box that understands CPF/name/phone/e-mail, filters, categories."""

    permission_required = "clientes.view_cliente"
    template_name = "clientes/search.html"
    partial_template_name = "clientes/_search_results.html"

    def get(self, request):
        params = request.GET
        links = SearchLinks(params.dict(), request.path)
        context = {
            # The parameters as typed refill the form (invalid ones too, to be fixed).
            "f": {name: params.get(name, "") for name in ClienteFilterSet.base_filters},
            "page_sizes": PAGE_SIZES,
            "size": _int_or(params.get("size"), PAGE_SIZE_DEFAULT),
            "uf_choices": UF.choices,
            "sexo_choices": Sexo.choices,
            "status_choices": STATUS_CHOICES,
            "address_choices": ADDRESS_CHOICES_SHOWN,
            "ordering_choices": ordering_choices_for(cpf_prefix=can_see_full_cpf(request.user)),
            "filters_open": any(params.get(name) for name in ADVANCED_FILTERS),
            "chips": active_filter_chips(params, request.path),
        }
        status = 200
        try:
            result = audited_search(
                request=request,
                params=params,
                run=lambda: cliente_search_page(
                    user=request.user,
                    params=params,
                    page=params.get("page", 1),
                    size=params.get("size", PAGE_SIZE_DEFAULT),
                ),
                # The screen opened without criteria searched nothing.
                facts=lambda r: SearchFacts(r.count, r.count_exact) if r.searched else None,
            )
        except ValidationError as error:
            context["errors"] = _error_list(error)
            status = 400
        else:
            if result.full_cpf and result.count == 1:
                url = profile_url(result.rows[0]["id_cliente"])
                if url:
                    if request.htmx:
                        return HttpResponseClientRedirect(url)
                    return redirect(url)
            context.update(self._result_context(result, links, can_see_full_cpf(request.user)))
        template = self.template_name
        if request.htmx and request.htmx.target == RESULTS_TARGET:
            template = self.partial_template_name
        return render(request, template, context, status=status)

    def _result_context(self, result, links: SearchLinks, cpf_sortable: bool) -> dict:
        details = namesake_details([row["id_cliente"] for row in result.rows])
        rows = [
            {
                **row,
                **details.get(row["id_cliente"], {}),
                "url": profile_url(row["id_cliente"]),
                "idade_texto": _age_text(row["idade"]),
            }
            for row in result.rows
        ]
        facets = [
            {
                **facet,
                "values": [
                    {
                        **value,
                        "url": links.url(**FACET_PARAMS[facet["name"]](value["value"])),
                        "display": display_count(value["count"], value["exact"]),
                    }
                    for value in facet["values"]
                ],
            }
            for facet in result.facets
        ]
        columns = []
        for name, label in SORTABLE_COLUMNS:
            if name == "cpf" and not cpf_sortable:  # an order of what the mask hides
                columns.append({"label": label, "sort": None, "url": None})
                continue
            if result.ordering == name:
                sort, next_ordering = "ascending", f"-{name}"
            elif result.ordering == f"-{name}":
                sort, next_ordering = "descending", name
            else:
                sort, next_ordering = "none", name
            columns.append({"label": label, "sort": sort, "url": links.url(ordering=next_ordering)})
        return {
            "result": result,
            "count_display": display_count(result.count, result.count_exact),
            "first_page_url": links.url(),
            "rows": rows,
            "facets": facets,
            "columns": columns,
            "previous_url": links.url(page=result.page - 1) if result.has_previous else None,
            "next_url": links.url(page=result.page + 1) if result.has_next else None,
            "suggestion_links": [
                {"name": name, "url": links.url(q=name, nome="")} for name in result.suggestions
            ],
            "narrow_links": [
                {"field_id": f"id_{name}", "label": NARROW_FIELDS[name]}
                for name in result.narrow_by
            ],
            "namesakes_display": display_count(result.namesakes, result.count_exact),
        }


def _int_or(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _error_list(error: ValidationError) -> list[str]:
    labels = {name: f.label for name, f in ClienteFilterSet.base_filters.items()}
    labels.update({"page": _("Página"), "size": _("Itens por página")})
    messages = []
    for name, errors in error.message_dict.items():
        label = labels.get(name)
        for message in errors:
            messages.append(f"{label}: {message}" if label else message)
    return messages
