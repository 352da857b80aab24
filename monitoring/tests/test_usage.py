"""Daily usage aggregates computed from known audit events."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEvent
from monitoring.models import DailyUsage
from monitoring.tests.usage_fixtures import DAY1, DAY2, at, seed_events
from monitoring.usage import (
    CLIENTS_BY_UF,
    PER_USER_METRICS,
    VERSION,
    WATERMARK,
    usage_aggregate_day,
    usage_compute_day,
    usage_period,
)


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

    when = timezone.now() - dt.timedelta(minutes=2)
    AuditEvent.objects.create(
        action=Action.LOGIN_FAILED, occurred_at=when, channel="web", details={}
    )
    call_command("aggregate_usage", days=2)
    today = timezone.localdate()
    rebuilt = set(DailyUsage.objects.filter(metrica=WATERMARK).values_list("dia", flat=True))
    assert rebuilt == {today, today - dt.timedelta(days=1)}
    failed = dict(DailyUsage.objects.filter(metrica="logins_falhos").values_list("dia", "valor"))
    assert failed[timezone.localdate(when)] == 1 and sum(failed.values()) == 1


# --- Today and yesterday are current: the aggregate plus the events after it ---


def _comparable(values):
    """The figures a live count and a full recount must agree on."""
    # Per-user counts are summed by PostgreSQL for the period (PeriodUsage.by_key).
    bookkeeping = (WATERMARK, VERSION, CLIENTS_BY_UF, "tempo_p95_ms", *PER_USER_METRICS)
    return {k: v for k, v in values.items() if k[0] not in bookkeeping}


@pytest.mark.django_db
def test_a_day_never_aggregated_is_counted_live():
    seed_events()
    assert not DailyUsage.objects.exists()
    (day,) = usage_period(inicio=DAY1, fim=DAY1, now=at(DAY2, 8)).days
    assert _comparable(day.values) == _comparable(usage_compute_day(DAY1))
    assert day.get("pesquisas") == 4 and day.get("usuarios_ativos") == 4
    assert day.tempo_medio_ms == pytest.approx(115)
    assert day.get("tempo_p95_ms") == pytest.approx(344.5)  # exact: one part only
    assert day.taxa_cache == pytest.approx(2 / 3)


@pytest.mark.django_db
def test_today_adds_the_events_after_the_last_aggregation():
    seed_events()
    # The 10:30 run counts until 10:29 (a minute for requests still in
    # flight): three searches, users 1 and 2. Afterwards: a search of 400 ms by
    # user 3, the exports, a bulk import by user 4, a deactivation.
    usage_aggregate_day(dia=DAY1, now=at(DAY1, 10, 30))
    stored = usage_period(inicio=DAY1, fim=DAY1, now=at(DAY1, 10, 29)).days[0]
    assert stored.get("pesquisas") == 3 and stored.get("usuarios_ativos") == 2

    period = usage_period(inicio=DAY1, fim=DAY1, now=at(DAY1, 23, 59, 30))
    (day,) = period.days
    assert _comparable(day.values) == _comparable(usage_compute_day(DAY1))
    # Per user: the stored part (summed by PostgreSQL) plus the live part.
    recount = usage_compute_day(DAY1)
    for metric in PER_USER_METRICS:
        assert period.by_key(metric) == {k: v for (m, k), v in recount.items() if m == metric}
    assert day.get("pesquisas") == 4 and day.taxa_sucesso == pytest.approx(3 / 4)
    assert day.get("usuarios_ativos") == 4  # users 1 and 2 are not counted twice
    assert day.get("clientes_novos") == 11 and day.exportacoes("csv") == 2
    # 10, 20 and 30 ms counted before, 400 ms live: estimated from the
    # histogram (rank 3.8 of 4 is 80% into the 300-500 ms bucket).
    assert day.get("tempo_p95_ms") == pytest.approx(460)


@pytest.mark.django_db
def test_an_event_still_in_flight_is_counted_live_then_by_the_next_run():
    now = at(DAY2, 12)
    AuditEvent.objects.create(
        action=Action.LOGIN_FAILED,
        occurred_at=now - dt.timedelta(seconds=20),
        channel="web",
        details={},
    )
    usage_aggregate_day(dia=DAY2, now=now)
    assert DailyUsage.objects.get(dia=DAY2, metrica="logins_falhos").valor == 0
    assert usage_period(inicio=DAY2, fim=DAY2, now=now).days[0].get("logins_falhos") == 1
    usage_aggregate_day(dia=DAY2, now=now + dt.timedelta(minutes=15))
    assert DailyUsage.objects.get(dia=DAY2, metrica="logins_falhos").valor == 1


@pytest.mark.django_db
def test_yesterday_is_completed_live_until_its_last_run_and_older_days_are_not():
    seed_events()
    usage_aggregate_day(dia=DAY1, now=at(DAY1, 23))  # misses the 23:59 search
    day0 = DAY1 - dt.timedelta(days=1)  # has one event, never aggregated
    period = usage_period(inicio=day0, fim=DAY2, now=at(DAY2, 10))
    assert [d.get("pesquisas") for d in period.days] == [0, 4, 1]
    assert period.total("tempo_n") == 5


@pytest.mark.django_db
def test_rows_aggregated_before_watermarks_existed_are_recounted():
    seed_events()
    DailyUsage.objects.create(dia=DAY2, metrica="pesquisas", valor=99)
    (day,) = usage_period(inicio=DAY2, fim=DAY2, now=at(DAY2, 12)).days
    assert day.get("pesquisas") == 1


# --- Per analyst, per hour, clients by UF; days counted by an older version ---


@pytest.mark.django_db
def test_searches_and_exports_are_counted_per_analyst_and_local_hour():
    seed_events()
    values = usage_compute_day(DAY1)
    assert values[("pesquisas_usuario", "1")] == 2
    assert values[("pesquisas_usuario", "2")] == 1 and values[("pesquisas_usuario", "3")] == 1
    assert values[("exportacoes_usuario", "2")] == 3
    # Local (São Paulo) hours: 00:30, 09:00, 10:00 and 23:59 of day 1.
    hours = {k: v for (m, k), v in values.items() if m == "pesquisas_hora"}
    assert hours == {"00": 1, "09": 1, "10": 1, "23": 1}
    assert values[("exportacoes_hora", "11")] == 1 and values[("exportacoes_hora", "13")] == 1


@pytest.mark.django_db
def test_a_period_totals_per_analyst_live_and_aggregated_alike():
    seed_events()
    usage_aggregate_day(dia=DAY1)
    aggregated = usage_period(inicio=DAY1, fim=DAY2, now=at(DAY2, 23)).by_key("pesquisas_usuario")
    assert aggregated == {"1": 2, "2": 1, "3": 1, "5": 1}


@pytest.mark.django_db
def test_todays_aggregation_takes_a_snapshot_of_clients_by_uf_and_status():
    from clientes.tests.cache_helpers import make_cliente

    make_cliente(cpf="52998224725", nome="Ana", uf="PE")
    make_cliente(cpf="11144477735", nome="Bia", uf="PE")
    inativo = make_cliente(cpf="39053344705", nome="Caio", uf="SP")
    inativo.ativo = False
    inativo.save(update_fields=["ativo"])
    today = timezone.localdate()
    usage_aggregate_day(dia=today)
    period = usage_period(inicio=today, fim=today)
    dia, snapshot = period.clients_snapshot
    assert dia == today and snapshot == {"PE:ativo": 2, "SP:inativo": 1}
    # Recounting that day later (it is yesterday now) keeps its snapshot.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    usage_aggregate_day(dia=today, now=tomorrow)
    assert DailyUsage.objects.filter(dia=today, metrica=CLIENTS_BY_UF).count() == 2


@pytest.mark.django_db
def test_days_counted_by_an_older_version_are_recounted_by_the_task():
    from monitoring.tasks import aggregate_usage

    seed_events()
    usage_aggregate_day(dia=DAY1)
    # As the previous version left it: no per-analyst rows, no version row.
    DailyUsage.objects.filter(dia=DAY1, metrica__in=["versao", "pesquisas_usuario"]).delete()
    period = usage_period(inicio=DAY1, fim=DAY1, now=at(DAY2, 23))
    assert period.stale_days == 1 and period.by_key("pesquisas_usuario") == {}
    aggregate_usage()
    period = usage_period(inicio=DAY1, fim=DAY1, now=at(DAY2, 23))
    assert period.stale_days == 0 and period.by_key("pesquisas_usuario")["1"] == 2
