"""End-to-end: real Chromium enforces our CSP and nothing on the pages breaks it."""

import re

import pytest

from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_dashboard_and_search_raise_no_csp_violations(page, live_server, analista):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(analista.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/")
    # HTMX loaded from static files, its inline indicator style turned off.
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    # The search screen (its own htmx-config meta, HTMX swaps as you type).
    page.goto(f"{live_server.url}/clientes/")
    page.locator("#id_q").fill("maria")
    page.wait_for_url(re.compile(r"q=maria"))
    assert page.evaluate("window.htmx.config.historyCacheSize") == 0
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    assert violations == []


def test_the_browser_blocks_an_injected_inline_script(page, live_server):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(f"{live_server.url}/conta/entrar/")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.injected = true';
            document.body.appendChild(s);
        }"""
    )
    assert page.evaluate("window.injected === undefined")
    assert violations
