"""The one FilterSet of clients: the search screen, the API and exports use it.

Every parameter name here is public (URLs of the search screen, the API and the
filters stored with export jobs). Query logic lives in ``clientes.search``.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from clientes import search
from clientes.choices import UF, Sexo
from clientes.models import Cliente

STATUS_CHOICES = [("ativo", _("Ativo")), ("inativo", _("Inativo")), ("todos", _("Todos"))]

# Public ordering names -> model fields. The primary key is always the final
# tie-break so pages never repeat or skip a client.
ORDERING_FIELDS = {
    "nome_completo": "nome_completo",
    "cpf": "cpf",
    "data_nascimento": "data_nascimento",
    "created_at": "created_at",
    "id_cliente": "id_cliente",
}


class ClienteFilterSet(django_filters.FilterSet):
    cpf = django_filters.CharFilter(method="filter_cpf", label=_("CPF"), max_length=20)
    nome = django_filters.CharFilter(method="filter_nome", label=_("Nome"), max_length=200)
    cidade = django_filters.CharFilter(method="filter_cidade", label=_("Cidade"), max_length=100)
    uf = django_filters.ChoiceFilter(method="filter_uf", choices=UF.choices, label=_("UF"))
    sexo = django_filters.ChoiceFilter(field_name="sexo", choices=Sexo.choices, label=_("Sexo"))
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=STATUS_CHOICES, label=_("Status"), empty_label=None
    )
    idade_min = django_filters.NumberFilter(
        method="filter_idade_min", label=_("Idade mínima"), min_value=0, max_value=130
    )
    idade_max = django_filters.NumberFilter(
        method="filter_idade_max", label=_("Idade máxima"), min_value=0, max_value=130
    )
    ordering = django_filters.OrderingFilter(
        fields=tuple(ORDERING_FIELDS.items()), label=_("Ordenação")
    )

    class Meta:
        model = Cliente
        fields = []

    def filter_cpf(self, queryset, name, value):
        return search.by_cpf(queryset, value)

    def filter_nome(self, queryset, name, value):
        return search.by_name(queryset, value)

    def filter_cidade(self, queryset, name, value):
        return search.by_city(queryset, value)

    def filter_uf(self, queryset, name, value):
        return search.by_uf(queryset, value)

    def filter_status(self, queryset, name, value):
        return search.by_status(queryset, value)

    def filter_idade_min(self, queryset, name, value):
        return search.by_min_age(queryset, int(value))

    def filter_idade_max(self, queryset, name, value):
        return search.by_max_age(queryset, int(value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "id_cliente")
