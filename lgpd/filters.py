"""The one FilterSet of data subjects' requests: the workbench screen and the API use it."""

import django_filters
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.br import only_digits
from lgpd.choices import OPEN_STATUSES, StatusSolicitacao, TipoSolicitacao
from lgpd.models import SolicitacaoTitular


def by_urgency(queryset: QuerySet) -> QuerySet:
    """Open requests first, the earliest due date (overdue) first; then closed ones."""
    return queryset.annotate(
        _fechada=Case(
            When(status__in=OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("_fechada", "prazo", "id")


class SolicitacaoFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StatusSolicitacao.choices, label=_("Situação"))
    tipo = django_filters.ChoiceFilter(choices=TipoSolicitacao.choices, label=_("Tipo"))
    cpf = django_filters.CharFilter(method="filter_cpf", label=_("CPF"), max_length=20)
    atrasadas = django_filters.BooleanFilter(method="filter_atrasadas", label=_("Só atrasadas"))

    class Meta:
        model = SolicitacaoTitular
        fields = []

    def filter_cpf(self, queryset, name, value):
        digits = only_digits(value)
        if not digits:
            return queryset.none()
        return queryset.filter(cpf__startswith=digits)

    def filter_atrasadas(self, queryset, name, value):
        overdue = Q(status__in=OPEN_STATUSES, prazo__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
