"""The audit page, its CSV and the API: administrators only, same filters everywhere."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEvent
from audit.tests.factories import make_event
from clientes.models import Cliente

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:event_list")
CSV = reverse("audit:event_csv")
API = "/api/v1/audit/events/"
CPF = "52998224725"


@pytest.fixture
def users(analista, gerente, administrador):
    return {"analista": analista, "gerente": gerente, "administrador": administrador}


@pytest.mark.parametrize("url", [PAGE, CSV, API])
@pytest.mark.parametrize(
    ("who", "expected"),
    [("anon", None), ("analista", 403), ("gerente", 403), ("administrador", 200)],
)
def test_only_administrators_read_the_audit_trail(client, users, url, who, expected):
    if who != "anon":
        client.force_login(users[who])
    response = client.get(url)
    if expected is None:
        if url == API:
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only(admin_client_, method):
    event = make_event()
    response = getattr(admin_client_, method)(API, data={}, content_type="application/json")
    assert response.status_code == 405
    response = getattr(admin_client_, method)(
        f"{API}{event.pk}/", data={}, content_type="application/json"
    )
    assert response.status_code in (404, 405)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.fixture
def events(db):
    """A small trail: four users, actions, clients, days and IPs."""
    cliente = Cliente.objects.create(cpf=CPF, nome_completo="Maria da Silva")
    return {
        "a": make_event(
            actor_email="ana@x.com",
            action=Action.CLIENTE_VIEW,
            target_type="clientes.cliente",
            target_id=str(cliente.pk),
            ip="10.1.1.1",
            days_ago=0,
        ),
        "b": make_event(actor_email="ana@x.com", action=Action.LOGIN, ip="10.1.1.2", days_ago=3),
        "c": make_event(
            actor_email="bia@x.com",
            action=Action.CLIENTE_UPDATE,
            target_type="clientes.cliente",
            target_id=str(cliente.pk),
            ip="2001:db8::1",
            days_ago=10,
        ),
        "d": make_event(
            actor_email="bia@x.com",
            action=Action.CLIENTE_UPDATE,
            target_type="clientes.cliente",
            target_id="999",
            days_ago=40,
        ),
    }


def _local_date(days_ago):
    return timezone.localdate(timezone.now() - timedelta(days=days_ago)).isoformat()


FILTER_TABLE = [
    ({}, "abcd"),
    ({"usuario": "ANA@x.com"}, "ab"),
    ({"acao": Action.CLIENTE_UPDATE}, "cd"),
    ({"cliente": "{pk}"}, "ac"),
    ({"cliente": "529.982.247-25"}, "ac"),
    ({"cliente": "111.444.777-35"}, ""),  # a CPF nobody has
    ({"ip": "10.1.1.2"}, "b"),
    ({"ip": "2001:db8::1"}, "c"),
    ({"desde": "{d5}"}, "ab"),
    ({"ate": "{d5}"}, "cd"),
    ({"desde": "{d12}", "ate": "{d5}"}, "c"),
    ({"usuario": "bia@x.com", "acao": Action.CLIENTE_UPDATE, "cliente": "{pk}"}, "c"),
]


def _params(params, events):
    pk = events["a"].target_id
    return {k: v.format(pk=pk, d5=_local_date(5), d12=_local_date(12)) for k, v in params.items()}


@pytest.mark.parametrize(("params", "expected"), FILTER_TABLE)
def test_filters_give_the_same_events_on_page_csv_and_api(admin_client_, events, params, expected):
    params = _params(params, events)
    want = [events[key].pk for key in expected]  # newest first
    ours = {e.pk for e in events.values()}  # not the administrator's own login

    page = admin_client_.get(PAGE, params)
    assert [e.pk for e in page.context["page_obj"] if e.pk in ours] == want

    api = admin_client_.get(API, params).json()
    assert [row["id"] for row in api["results"] if row["id"] in ours] == want

    body = b"".join(admin_client_.get(CSV, params)).decode().lstrip("\ufeff")
    rows = csv.DictReader(io.StringIO(body))
    assert [int(r["id"]) for r in rows if int(r["id"]) in ours] == want


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ip": "999.1.1.1"}, "Informe um endereço IP válido."),
        ({"cliente": "abc"}, "Informe o código do cliente ou um CPF com 11 dígitos."),
        ({"desde": "2026-02-10", "ate": "2026-02-01"}, "A data final não pode ser anterior"),
        ({"desde": "ontem"}, "Informe uma data válida."),
        ({"acao": "nada"}, "Faça uma escolha válida."),
    ],
)
def test_invalid_filters_get_a_400_in_portuguese(admin_client_, params, message):
    page = admin_client_.get(PAGE, params)
    assert page.status_code == 400
    assert message in page.content.decode()
    api = admin_client_.get(API, params)
    assert api.status_code == 400
    assert message in json.dumps(api.json(), ensure_ascii=False)
    assert admin_client_.get(CSV, params).status_code == 400


def test_page_is_paginated_and_htmx_gets_only_the_table(admin_client_):
    for i in range(60):
        make_event(actor_email=f"u{i}@x.com", days_ago=i / 100)
    first = admin_client_.get(PAGE)
    assert len(first.context["page_obj"]) == 50
    assert "Página 1 de 2" in first.content.decode()
    second = admin_client_.get(PAGE, {"page": 2}, HTTP_HX_REQUEST="true")
    body = second.content.decode()
    assert "<html" not in body and "Página 2 de 2" in body
    # 60 events + the administrator's login
    assert len(second.context["page_obj"]) == 11


def test_csv_is_utc_excel_safe_and_its_export_is_audited(admin_client_, administrador):
    make_event(target_label='=HYPERLINK("http://x")', details={"q": "x"})
    response = admin_client_.get(CSV, {"acao": Action.CLIENTE_VIEW})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0]["target_label"].startswith("'=")
    assert rows[0]["occurred_at_utc"].endswith("+00:00")
    export = AuditEvent.objects.get(action=Action.AUDIT_EXPORT)
    assert export.actor_email == administrador.email
    assert export.details["filtros"] == {"acao": Action.CLIENTE_VIEW}


def test_api_returns_utc_times_and_pages_by_cursor(admin_client_):
    for _ in range(3):
        make_event()
    data = admin_client_.get(API, {"page_size": 2, "acao": Action.CLIENTE_VIEW}).json()
    assert len(data["results"]) == 2 and data["next"]
    assert data["results"][0]["occurred_at"].endswith("Z")
    rest = admin_client_.get(data["next"]).json()
    assert len(rest["results"]) == 1 and rest["next"] is None


def test_page_escapes_what_users_typed(admin_client_):
    make_event(
        target_type="clientes.cliente",
        target_id="1",
        target_label="<script>alert(1)</script>",
        details={"q": "<b>x</b>"},
    )
    body = admin_client_.get(PAGE).content.decode()
    assert "<script>alert(1)" not in body and "<b>x" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_count_is_capped_instead_of_counting_millions(admin_client_, monkeypatch):
    from audit.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    for _ in range(8):
        make_event()
    body = admin_client_.get(PAGE).content.decode()
    assert "Mais de 5 eventos" in body


@pytest.mark.parametrize(("role", "shown"), [("analista", False), ("administrador", True)])
def test_dashboard_card_only_for_administrators(client, request, role, shown):
    client.force_login(request.getfixturevalue(role))
    assert ('href="/auditoria/"' in client.get(reverse("home")).content.decode()) is shown


def test_details_are_shown_as_labelled_fields(admin_client_):
    make_event(
        details={
            "filtros": {"q": "joão"},
            "resultados": 2,
            "changes": {"nome_social": {"before": "Ana", "after": "Ana B."}},
            "cutoff": "2026-03-10T15:30:00+00:00",
        }
    )
    html = admin_client_.get(PAGE).content.decode()
    assert '{"filtros"' not in html.replace("&quot;", '"')
    assert "<dt>Filtros</dt><dd>Texto pesquisado: joão</dd>" in html
    assert "<dt>Resultados</dt><dd>2</dd>" in html
    assert "<dt>Alterações</dt><dd>Nome social: Ana → Ana B.</dd>" in html
    # A time inside the details is shown in São Paulo time, like the row's own.
    assert "<dt>Anteriores a</dt><dd>10/03/2026 12:30:00</dd>" in html


def test_times_are_shown_in_sao_paulo_time(admin_client_):
    import datetime as dt

    make_event(occurred_at=dt.datetime(2026, 3, 10, 2, 15, 7, tzinfo=dt.UTC))
    html = admin_client_.get(PAGE, {"desde": "2026-03-09", "ate": "2026-03-09"}).content.decode()
    assert "09/03/2026 23:15:07" in html and "horário de Brasília" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ana", "ab"),  # part of an e-mail
        ("PAULA", "ab"),  # part of a name, any case
        ("bia@x", "c"),
        ("Beatriz Souza", "c"),
        ("system", "s"),  # a whole e-mail with no user behind it
        ("ninguém", ""),
    ],
)
def test_user_filter_matches_part_of_a_name_or_email(admin_client_, text, expected):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User.objects.create_user(email="ana.paula@x.com", nome="Ana Paula Lima")
    User.objects.create_user(email="bia@x.com", nome="Beatriz Souza")
    events = {
        "a": make_event(actor_email="ana.paula@x.com", days_ago=1),
        "b": make_event(actor_email="ana.paula@x.com", days_ago=2),
        "c": make_event(actor_email="bia@x.com", days_ago=3),
        "s": make_event(actor_email="system", days_ago=4),
    }
    ours = {e.pk for e in events.values()}
    page = admin_client_.get(PAGE, {"usuario": text})
    assert [e.pk for e in page.context["page_obj"] if e.pk in ours] == [
        events[k].pk for k in expected
    ]
    api = admin_client_.get(API, {"usuario": text}).json()
    assert [r["id"] for r in api["results"] if r["id"] in ours] == [events[k].pk for k in expected]
