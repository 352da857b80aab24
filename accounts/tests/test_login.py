import pytest
from django.urls import reverse

from conftest import TEST_PASSWORD

LOGIN_URL = reverse("accounts:login")


@pytest.mark.django_db
def test_anonymous_home_redirects_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.django_db
def test_login_page_is_in_portuguese(client):
    response = client.get(LOGIN_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'lang="pt-BR"' in content
    assert "E-mail" in content and "Senha" in content


def test_login_with_email_lands_on_dashboard(client, analista):
    response = client.post(
        LOGIN_URL, {"username": "ANALISTA@teste.com.br", "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == analista


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("analista@teste.com.br", "senha-errada-123", "E-mail ou senha incorretos."),
        ("ninguem@teste.com.br", TEST_PASSWORD, "E-mail ou senha incorretos."),
        ("nao-e-email", TEST_PASSWORD, "Informe um e-mail válido."),
        ("analista@teste.com.br", "curta", "A senha tem pelo menos 8 caracteres."),
        ("", "", "Informe o seu e-mail."),
        ("a" * 10_000 + "@x.com", TEST_PASSWORD, "Informe um e-mail válido."),
    ],
)
def test_login_failures_explain_what_is_wrong(client, analista, email, password, message):
    response = client.post(LOGIN_URL, {"username": email, "password": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client, analista):
    analista.is_active = False
    analista.save()
    response = client.post(LOGIN_URL, {"username": analista.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_logout_requires_post_and_ends_session(analista_client):
    assert analista_client.get(reverse("accounts:logout")).status_code == 405
    response = analista_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert analista_client.get(reverse("home")).status_code == 302


def test_footer_shows_version_and_contact(analista_client):
    from config.version import VERSION

    content = analista_client.get(reverse("home")).content.decode()
    assert f"versão {VERSION}" in content
    assert "suporte@example.com" in content
