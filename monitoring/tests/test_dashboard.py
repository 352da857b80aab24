"""The Grafana dashboard in deploy/ is current."""

import json

from monitoring import dashboard


def test_committed_dashboard_is_the_generated_one():
    assert dashboard.OUTPUT.read_text() == dashboard.render()
    assert json.loads(dashboard.OUTPUT.read_text())["uid"] == "gestao-clientes"


# That every charted metric is served: test_monitoring_queries.py (with the alert rules).
