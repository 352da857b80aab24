"""Who may use the project-level URLs. See accounts/tests/matrix.py."""

from accounts.tests.matrix import public

url_rules = {
    # Load balancers and compose healthchecks call it without credentials.
    "health": public(200),
    # Monitoring only, like /metrics (config/tests/test_health.py): even a
    # logged-in administrator gets 403.
    "health-deep": public(403),
    # The API description is public so integrators can read it before they
    # have credentials; every endpoint it describes checks permissions itself.
    "api-schema": public(200),
    "api-docs": public(200),
    # The Django admin's login page redirects to ours (config/urls.py).
    "admin-login": public(302),
}
