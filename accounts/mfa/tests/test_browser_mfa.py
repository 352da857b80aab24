"""End-to-end: a new Administrador enrols at first login, then logs in with the second step."""

from base64 import b32decode
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.mfa.tests.helpers import code_at, fresh_code
from accounts.roles import ADMINISTRADOR
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_admin(django_user_model, roles):
    user = django_user_model.objects.create_user(
        email="novo-admin@teste.com.br", password=TEST_PASSWORD, nome="Nova Admin", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ADMINISTRADOR))
    return user


def _password(page, live_server, user):
    page.goto(f"{live_server.url}/conta/entrar/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_enrol_at_first_login_then_log_in_with_a_code(page, live_server, new_admin):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    _password(page, live_server, new_admin)
    page.wait_for_url("**/conta/configuracoes/seguranca/aplicativo/")
    qr_code = page.get_by_alt_text("Código QR para o aplicativo autenticador")
    # Drawn by the browser from the page itself (data: URI allowed by the CSP).
    assert qr_code.evaluate("img => img.complete && img.naturalWidth > 0")
    # Nothing else opens before enrolment.
    page.goto(f"{live_server.url}/clientes/")
    page.wait_for_url("**/conta/configuracoes/seguranca/aplicativo/")

    secret = page.locator("#totp-secret").inner_text().strip()
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Código de 6 dígitos").fill(code_at(key))
    page.get_by_role("button", name="Ativar").click()
    page.get_by_role("heading", name="Códigos de recuperação").wait_for()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Baixar códigos (.txt)").click()
    download = download_info.value
    assert download.suggested_filename == "codigos-de-recuperacao.txt"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert all(code in text for code in codes)
    page.get_by_role("link", name="Já guardei os códigos").click()
    assert page.locator("#mfa-devices").inner_text().count("Aplicativo autenticador") == 1

    page.context.clear_cookies()
    _password(page, live_server, new_admin)
    page.wait_for_url("**/conta/entrar/verificar/")
    page.get_by_label("Código").fill(fresh_code(new_admin))
    page.get_by_role("button", name="Verificar").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Olá, Nova").is_visible()
    assert violations == []
