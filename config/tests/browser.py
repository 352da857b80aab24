"""Helpers of the browser tests: log in as a role, check a page with axe-core.

axe-core comes from the ``axe-playwright-python`` package (its vendored
``axe.min.js``); it runs inside the page, so no network is needed.
"""

from pathlib import Path

import axe_playwright_python

from accounts.mfa.devices import has_mfa
from accounts.mfa.tests.helpers import second_step_in_browser
from conftest import TEST_PASSWORD

AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# WCAG 2.1 A and AA rules; the impacts that fail a page.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}


def log_in(page, live_server, user, next_url: str = "/") -> None:
    """Log ``user`` in through the login form (and the second step when enrolled)."""
    page.goto(f"{live_server.url}/conta/entrar/?next={next_url}")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    if has_mfa(user):
        second_step_in_browser(page, user)
    page.wait_for_url(f"{live_server.url}{next_url}")


def axe_violations(page) -> list[str]:
    """Return the serious/critical WCAG 2.1 AA violations on the page, readable."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]
