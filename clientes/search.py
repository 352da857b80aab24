"""Search SQL for clients: the only module that knows how clients are matched."""

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from clientes.br import only_digits
from clientes.models import Endereco


def _years_ago(years: int, today: date) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a non-leap year
        return today.replace(year=today.year - years, day=28)


def by_cpf(queryset: QuerySet, value: str) -> QuerySet:
    """Exact match for 11 digits, prefix match for fewer (mask optional)."""
    digits = only_digits(value)
    if len(digits) == 11:
        return queryset.filter(cpf=digits)
    return queryset.filter(cpf__startswith=digits)


def by_name(queryset: QuerySet, value: str) -> QuerySet:
    """Every typed word must appear in the name (case- and accent-insensitive)."""
    for word in value.split():
        queryset = queryset.filter(nome_completo__unaccent__icontains=word)
    return queryset


def by_city(queryset: QuerySet, value: str) -> QuerySet:
    """Clients with an address in the city (accent-insensitive, exact name)."""
    enderecos = Endereco.objects.filter(
        cliente=OuterRef("pk"), cidade__unaccent__iexact=value.strip()
    )
    return queryset.filter(Exists(enderecos))


def by_uf(queryset: QuerySet, value: str) -> QuerySet:
    return queryset.filter(Exists(Endereco.objects.filter(cliente=OuterRef("pk"), uf=value)))


def by_status(queryset: QuerySet, value: str) -> QuerySet:
    if value == "ativo":
        return queryset.filter(ativo=True)
    if value == "inativo":
        return queryset.filter(ativo=False)
    return queryset


def by_min_age(queryset: QuerySet, years: int, today: date | None = None) -> QuerySet:
    """Clients at least ``years`` old today."""
    today = today or timezone.localdate()
    return queryset.filter(data_nascimento__lte=_years_ago(years, today))


def by_max_age(queryset: QuerySet, years: int, today: date | None = None) -> QuerySet:
    """Clients at most ``years`` old today (born after the day they'd turn years+1)."""
    today = today or timezone.localdate()
    return queryset.filter(data_nascimento__gt=_years_ago(years + 1, today))
