"""Who may use each URL of audit: Administradores only. See accounts/tests/matrix.py."""

from accounts.roles import ADMINISTRADOR
from accounts.tests.matrix import api, page

url_rules = {
    "audit:event_list": page(ADMINISTRADOR),
    "audit:event_csv": page(ADMINISTRADOR),
    "audit-event-list": api(ADMINISTRADOR),
}
