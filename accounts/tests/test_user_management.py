"""User management pages (Administrador only) and their effects."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import signals
from accounts.models import User
from accounts.roles import ADMINISTRADOR, ANALISTA, GERENTE, user_role
from conftest import TEST_PASSWORD

LIST_URL = reverse("accounts:user_list")
CREATE_URL = reverse("accounts:user_create")
NEW_PASSWORD = "Provisoria-2026!"


@pytest.fixture
def received():
    """Collect the accounts signals sent during a test."""
    events = []

    def listener(signal_name):
        def receive(sender, **kwargs):
            events.append((signal_name, kwargs))

        return receive

    receivers = {}
    for name in (
        "user_created",
        "user_changed",
        "user_deactivated",
        "password_reset",
        "tokens_revoked",
    ):
        receivers[name] = listener(name)
        getattr(signals, name).connect(receivers[name])
    yield events
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


def _logged_in(user):
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    return client


def test_list_filters_by_text_role_and_status(admin_client_, analista, gerente):
    gerente.is_active = False
    gerente.save()
    content = admin_client_.get(LIST_URL, {"q": "analista"}).content.decode()
    assert analista.email in content and gerente.email not in content
    content = admin_client_.get(LIST_URL, {"papel": GERENTE}).content.decode()
    assert gerente.email in content and analista.email not in content
    content = admin_client_.get(LIST_URL, {"situacao": "inativos"}).content.decode()
    assert gerente.email in content and analista.email not in content


def test_htmx_gets_only_the_table(admin_client_, analista):
    response = admin_client_.get(LIST_URL, {"q": "analista"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert analista.email in content
    assert "<html" not in content


def test_list_query_count_does_not_grow_with_users(admin_client_, django_assert_max_num_queries):
    for n in range(30):
        User.objects.create_user(email=f"u{n}@teste.com.br", nome=f"Usuário {n}")
    with django_assert_max_num_queries(8):
        response = admin_client_.get(LIST_URL)
    assert response.status_code == 200


def test_create_user_with_role_and_temporary_password(admin_client_, administrador, received):
    response = admin_client_.post(
        CREATE_URL,
        {
            "nome": "Nova Pessoa",
            "email": "Nova@Teste.com.br",
            "role": GERENTE,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nova@teste.com.br")
    assert user_role(user) == GERENTE
    assert user.must_change_password and not user.is_staff
    assert user.check_password(NEW_PASSWORD)
    assert received[0][0] == "user_created" and received[0][1]["by"] == administrador

    # The new user is sent to change the temporary password before anything else.
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": NEW_PASSWORD,
            "new_password1": "Minha-senha-nova-7",
            "new_password2": "Minha-senha-nova-7",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "analista@teste.com.br"}, "email", "Já existe um usuário com este e-mail."),
        ({"email": "ANALISTA@TESTE.COM.BR"}, "email", "Já existe um usuário com este e-mail."),
        ({"password2": "outra-coisa-123"}, "password2", "As senhas não conferem."),
        ({"password1": "12345678", "password2": "12345678"}, "password2", "senha"),
        ({"password1": "curta", "password2": "curta"}, "password2", "8 caracteres"),
        ({"role": "Chefe"}, "role", "Faça uma escolha válida"),
    ],
)
def test_create_user_refuses_bad_input(admin_client_, analista, changes, field, message):
    data = {
        "nome": "Nova Pessoa",
        "email": "nova@teste.com.br",
        "role": ANALISTA,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **changes,
    }
    count = User.objects.count()
    response = admin_client_.post(CREATE_URL, data)
    assert response.status_code == 400
    assert any(message in str(e) for e in response.context["form"].errors[field])
    assert User.objects.count() == count


def test_change_role_makes_administrador_staff(admin_client_, analista, received):
    url = reverse("accounts:user_edit", args=[analista.pk])
    response = admin_client_.post(
        url, {"nome": "Maria", "email": analista.email, "role": ADMINISTRADOR}
    )
    assert response.status_code == 302
    analista.refresh_from_db()
    assert user_role(analista) == ADMINISTRADOR and analista.is_staff
    assert analista.has_perm("accounts.change_user")
    assert received[-1][1]["changes"] == {
        "nome": ("Analista", "Maria"),
        "role": (ANALISTA, ADMINISTRADOR),
    }


def test_admin_cannot_change_own_role_or_deactivate_self(admin_client_, administrador):
    url = reverse("accounts:user_edit", args=[administrador.pk])
    response = admin_client_.post(
        url, {"nome": "X", "email": administrador.email, "role": ANALISTA}
    )
    assert response.status_code == 400
    admin_client_.post(reverse("accounts:user_deactivate", args=[administrador.pk]))
    administrador.refresh_from_db()
    assert administrador.is_active and user_role(administrador) == ADMINISTRADOR


def test_deactivate_ends_sessions_and_reactivate_allows_login(admin_client_, analista, received):
    victim = _logged_in(analista)
    assert victim.get(reverse("home")).status_code == 200
    response = admin_client_.post(reverse("accounts:user_deactivate", args=[analista.pk]))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=victim.session.session_key).exists()
    assert victim.get(reverse("home")).status_code == 302
    assert [name for name, _ in received] == ["tokens_revoked", "user_deactivated"]

    admin_client_.post(reverse("accounts:user_reactivate", args=[analista.pk]))
    assert _logged_in(analista).get(reverse("home")).status_code == 200


def test_password_reset_sets_a_temporary_password_and_ends_sessions(
    admin_client_, analista, received
):
    victim = _logged_in(analista)
    url = reverse("accounts:user_password_reset", args=[analista.pk])
    response = admin_client_.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert victim.get(reverse("home")).status_code == 302
    analista.refresh_from_db()
    assert analista.must_change_password and analista.check_password(NEW_PASSWORD)
    assert "password_reset" in [name for name, _ in received]


def test_password_reset_refuses_a_password_like_the_users_email(admin_client_, analista):
    url = reverse("accounts:user_password_reset", args=[analista.pk])
    response = admin_client_.post(
        url, {"password1": "analista@teste", "password2": "analista@teste"}
    )
    assert response.status_code == 400
    analista.refresh_from_db()
    assert analista.check_password(TEST_PASSWORD)


def test_missing_user_is_404(admin_client_):
    assert admin_client_.get(reverse("accounts:user_edit", args=[999999])).status_code == 404


def test_django_admin_deactivation_also_ends_sessions(admin_client_, analista):
    victim = _logged_in(analista)
    admin_client_.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [analista.pk]},
    )
    analista.refresh_from_db()
    assert not analista.is_active
    assert victim.get(reverse("home")).status_code == 302


def test_django_admin_password_change_is_a_reset(admin_client_, analista, administrador, received):
    url = reverse("admin:auth_user_password_change", args=[analista.pk])
    response = admin_client_.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content
    analista.refresh_from_db()
    assert analista.must_change_password
    assert ("password_reset", {"user": analista, "by": administrador}) in [
        (name, {k: v for k, v in kw.items() if k != "signal"}) for name, kw in received
    ]


def test_temporary_password_blocks_the_session_api_too(client, analista):
    analista.must_change_password = True
    analista.save()
    client.force_login(analista)
    response = client.get(reverse("auth-api:me"))
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_pagination_keeps_the_filters(admin_client_):
    for n in range(30):
        User.objects.create_user(email=f"pessoa{n:02d}@teste.com.br", nome=f"Pessoa {n}")
    first = admin_client_.get(LIST_URL, {"q": "pessoa", "situacao": "ativos"}).content.decode()
    assert "Página 1 de 2" in first
    assert "?q=pessoa&amp;situacao=ativos&amp;pagina=2" in first
    second = admin_client_.get(LIST_URL, {"q": "pessoa", "situacao": "ativos", "pagina": 2})
    assert "pessoa29@teste.com.br" in second.content.decode()
    assert "admin@teste.com.br" not in second.content.decode()


def test_deactivation_is_confirmed_on_its_own_page_before_anything_happens(admin_client_, analista):
    url = reverse("accounts:user_deactivate", args=[analista.pk])
    edit = admin_client_.get(reverse("accounts:user_edit", args=[analista.pk])).content.decode()
    assert f'<a class="button button-danger" href="{url}">' in edit
    page = admin_client_.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "sessões abertas desse usuário são encerradas" in html
    assert "tokens de API dele são revogados" in html
    analista.refresh_from_db()
    assert analista.is_active
