"""End-to-end: what an administrator sees when managing users."""

import pytest

from accounts.tests.test_browser import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deactivating_a_user_asks_first_and_says_what_happens(
    page, live_server, administrador, analista
):
    _log_in(page, live_server, administrador)
    page.goto(f"{live_server.url}/conta/usuarios/{analista.pk}/")
    page.get_by_role("link", name="Desativar").click()

    # Nothing happened yet: a confirmation that names the user and the consequences.
    assert page.get_by_role("heading", name="Desativar usuário?").is_visible()
    text = page.locator("main").inner_text()
    assert analista.email in text
    assert "sessões abertas desse usuário são encerradas" in text
    assert "tokens de API dele são revogados" in text
    analista.refresh_from_db()
    assert analista.is_active

    page.get_by_role("link", name="Cancelar").click()
    analista.refresh_from_db()
    assert analista.is_active

    page.get_by_role("link", name="Desativar").click()
    page.get_by_role("button", name="Desativar usuário").click()
    page.wait_for_url(f"{live_server.url}/conta/usuarios/")
    assert "sessões encerradas e tokens revogados" in page.locator("main").inner_text()
    analista.refresh_from_db()
    assert not analista.is_active
