"""Daily usage aggregates computed from known audit events."""

import pytest

from monitoring.models import DailyUsage
from monitoring.tests.usage_fixtures import DAY1, DAY2, seed_events
from monitoring.usage import usage_aggregate_day, usage_compute_day, usage_period


@pytest.fixture
def aggregated(db):
    seed_events()
    for day in (DAY1, DAY2):
        usage_aggregate_day(dia=day)


@pytest.mark.django_db
def test_one_day_of_audit_events_becomes_its_numbers():
    seed_events()
    values = usage_compute_day(DAY1)
    assert values[("pesquisas", "")] == 4
    assert values[("pesquisas_com_resultado", "")] == 3
    assert values[("tempo_soma_ms", "")] == 460
    assert values[("tempo_n", "")] == 4
    assert values[("tempo_p95_ms", "")] == pytest.approx(344.5)  # percentile_cont
    assert values[("cache_hits", "")] == 2 and values[("cache_consultas", "")] == 3
    assert values[("logins_falhos", "")] == 2
    assert values[("usuarios_ativos", "")] == 4  # actors 1, 2, 3, 4
    assert values[("clientes_novos", "")] == 11  # one form + a bulk of 10
    assert values[("clientes_inativados", "")] == 1
    assert values[("exportacoes", "csv")] == 2 and values[("exportacoes", "xlsx")] == 1
    assert values[("tempo_faixa_ms", "500")] == 1  # 400 ms


def test_aggregating_twice_replaces_the_day(aggregated):
    rows = DailyUsage.objects.filter(dia=DAY1).count()
    usage_aggregate_day(dia=DAY1)
    assert DailyUsage.objects.filter(dia=DAY1).count() == rows


def test_a_period_adds_days_up(aggregated):
    period = usage_period(inicio=DAY1, fim=DAY2)
    assert [d.dia for d in period.days] == [DAY1, DAY2]
    assert period.total("pesquisas") == 5
    assert period.taxa_sucesso == pytest.approx(4 / 5)
    assert period.tempo_medio_ms == pytest.approx(510 / 5)
    assert period.taxa_cache == pytest.approx(3 / 4)
    assert period.formats == ["csv", "xlsx"]
    assert period.usuarios_ativos_max == 4
    # p95 of {10, 20, 30, 50, 400} from the histogram: rank 4.75 falls in
    # the 300-500 ms bucket, three quarters of the way.
    assert period.tempo_p95_ms == pytest.approx(450)


def test_days_without_events_are_zero(aggregated):
    period = usage_period(inicio=DAY2, fim=DAY2.replace(day=13))
    assert [d.get("pesquisas") for d in period.days] == [1, 0, 0]
    assert period.days[1].taxa_sucesso is None


@pytest.mark.django_db
def test_the_periodic_task_rebuilds_today_and_yesterday():
    from django.core.management import call_command
    from django.utils import timezone

    from audit.choices import Action
    from audit.models import AuditEvent

    AuditEvent.objects.create(action=Action.LOGIN_FAILED, channel="web", details={})
    call_command("aggregate_usage", days=2)
    today = timezone.localdate()
    assert DailyUsage.objects.get(dia=today, metrica="logins_falhos").valor == 1
    yesterday = today - timezone.timedelta(days=1)
    assert DailyUsage.objects.get(dia=yesterday, metrica="logins_falhos").valor == 0
