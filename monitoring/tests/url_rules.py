"""Who may use the monitoring URLs. See accounts/tests/matrix.py."""

from accounts.roles import GERENTE
from accounts.tests.matrix import page, public

url_rules = {
    # Not a user permission at all: only allowed networks or the bearer token
    # (monitoring/tests/test_metrics.py); a logged-in administrator gets 403 too.
    "metrics": public(403),
    # The managers' usage metrics (monitoring/usage_views.py).
    "monitoring:metricas": page(GERENTE),
}
