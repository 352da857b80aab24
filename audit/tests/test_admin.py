"""The Django admin shows the trail and offers no way to change it."""

import pytest

from audit.models import AuditEvent
from audit.tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_admin_lists_and_shows_events_but_cannot_add_change_or_delete(admin_client):
    event = make_event(action="cliente.view", actor_email="ana@x.com")
    base = "/admin/audit/auditevent/"
    assert admin_client.get(base).status_code == 200
    assert "ana@x.com" in admin_client.get(base, {"q": "ana@x.com"}).content.decode()
    detail = admin_client.get(f"{base}{event.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"{base}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "cliente.view"
