"""Search events store no full CPF, however the digits were separated (#13 §1)."""

import json

import pytest
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from audit.sanitize import mask_cpfs_in_text
from common.br import only_digits

pytestmark = pytest.mark.django_db

SPELLINGS = [
    "529 982 247 25",
    "529-982-247-25",
    "52.998.224.725",
    "5299.8224.725",
    "529/982/247/25",
    "529 / 982 / 247 - 25",
    "5 29 98 22 47 25",
]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_search_event_masks_the_cpf_whatever_separates_the_digits(client, gerente, typed):
    client.force_login(gerente)
    client.get(reverse("clientes:search"), {"q": typed, "nome": f"cpf {typed} no nome"})
    api = client.get("/api/v1/clients/search", {"cpf": typed})
    events = AuditEvent.objects.filter(action=Action.CLIENTE_SEARCH)
    # The API's cpf parameter refuses spellings outside its pattern (400, no
    # search, nothing stored); whatever was searched is stored masked.
    assert events.count() == (2 if api.status_code == 200 else 1)
    for event in events:
        for value in event.details["filtros"].values():
            assert "52998224725" not in only_digits(value), value
            assert "982.247" in value
        assert "52998224725" not in only_digits(json.dumps(event.details["filtros"]))


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-03T16:07:17.123456+00:00",  # timestamps keep their digits
        "de 2024-01-01/2024-12-31",
        "req 5f2a9b1c",
        "123.456.789.012.345",
    ],
)
def test_numbers_that_are_no_cpf_are_kept(text):
    assert mask_cpfs_in_text(text) == text
