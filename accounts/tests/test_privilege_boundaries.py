"""Only a superuser may grant superuser status or touch a superuser's account."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMINISTRADOR, ANALISTA
from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

NEW_PASSWORD = "Temporaria-forte-123"


@pytest.fixture
def superuser(roles, django_user_model):
    user = django_user_model.objects.create_superuser(
        email="root@teste.com.br", password=TEST_PASSWORD, nome="Root"
    )
    user.groups.add(Group.objects.get(name=ADMINISTRADOR))
    return user


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def _reset(client, url):
    return client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


# --- Gestão de Usuários -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("accounts:user_edit", "get", {}),
        ("accounts:user_edit", "post", {"nome": "X", "email": "x@teste.com.br", "role": ANALISTA}),
        ("accounts:user_password_reset", "get", {}),
        ("accounts:user_password_reset", "post", {"password1": "N-123!x", "password2": "N-123!x"}),
        ("accounts:user_deactivate", "post", {}),
        ("accounts:user_unlock", "post", {}),
    ],
)  # fmt: skip
def test_an_administrador_cannot_touch_a_superusers_account(
    admin_client_, superuser, name, method, data
):
    response = getattr(admin_client_, method)(reverse(name, args=[superuser.pk]), data)

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_superuser and superuser.is_active
    assert superuser.check_password(TEST_PASSWORD)
    assert superuser.nome == "Root"


def test_the_user_list_offers_no_way_into_a_superusers_account(admin_client_, superuser):
    page = admin_client_.get(reverse("accounts:user_list")).content.decode()
    assert reverse("accounts:user_edit", args=[superuser.pk]) not in page
    assert "Superusuário" in page


def test_a_superuser_resets_another_superusers_password(superuser_client, django_user_model):
    other = django_user_model.objects.create_superuser(email="outro@teste.com.br", password="x")
    response = _reset(superuser_client, reverse("accounts:user_password_reset", args=[other.pk]))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password(NEW_PASSWORD)


def test_demoting_a_superuser_clears_superuser_status(superuser_client, django_user_model):
    other = django_user_model.objects.create_superuser(
        email="outro@teste.com.br", password="x", nome="Outro"
    )
    other.groups.add(Group.objects.get(name=ADMINISTRADOR))

    response = superuser_client.post(
        reverse("accounts:user_edit", args=[other.pk]),
        {"nome": "Outro", "email": other.email, "role": ANALISTA},
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert not other.is_superuser and not other.is_staff
    assert not other.has_perm("accounts.change_user")
    event = AuditEvent.objects.get(action=Action.USER_UPDATE, target_id=str(other.pk))
    assert event.details["changes"]["is_superuser"] == {"before": True, "after": False}


# --- Django admin -------------------------------------------------------------------


def _admin_change_data(user, **overrides):
    joined = timezone.localtime(user.date_joined)
    data = {
        "email": user.email,
        "nome": user.nome,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(g.pk) for g in user.groups.all()],
        "date_joined_0": joined.strftime("%d/%m/%Y"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(overrides)
    return data


def test_an_administrador_cannot_grant_superuser_in_the_django_admin(
    admin_client_, administrador, analista
):
    for target in (analista, administrador):
        url = reverse("admin:accounts_user_change", args=[target.pk])
        response = admin_client_.post(url, _admin_change_data(target, is_superuser="on"))
        assert response.status_code in (200, 302)
        target.refresh_from_db()
        assert not target.is_superuser


def test_an_administrador_cannot_reset_a_superusers_password_in_the_django_admin(
    admin_client_, superuser
):
    url = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert admin_client_.get(url).status_code == 403
    assert _reset(admin_client_, url).status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(TEST_PASSWORD)


def test_an_administrador_cannot_change_a_superuser_in_the_django_admin(admin_client_, superuser):
    url = reverse("admin:accounts_user_change", args=[superuser.pk])
    admin_client_.post(url, _admin_change_data(superuser, nome="Trocado", is_active=""))
    superuser.refresh_from_db()
    assert superuser.nome == "Root" and superuser.is_active


def test_a_superuser_grants_superuser_in_the_django_admin(superuser_client, analista):
    url = reverse("admin:accounts_user_change", args=[analista.pk])
    response = superuser_client.post(url, _admin_change_data(analista, is_superuser="on"))
    assert response.status_code == 302
    analista.refresh_from_db()
    assert analista.is_superuser


# --- Demo users -----------------------------------------------------------------------


def test_demo_users_are_refused_when_debug_is_off(db, settings, django_user_model):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--known-password-ok"):
        call_command("create_demo_users")
    assert not django_user_model.objects.filter(email__endswith="@example.com").exists()


def test_make_run_creates_demo_users_with_its_explicit_flag(db, settings, django_user_model):
    settings.DEBUG = False
    call_command("create_demo_users", "--known-password-ok")
    admin = django_user_model.objects.get(email="admin@example.com")
    assert admin.check_password(settings.DEMO_PASSWORD)
