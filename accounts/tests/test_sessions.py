"""Web sessions: new id at login, idle and absolute limits, logout deletes them."""

from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from conftest import TEST_PASSWORD

HOME = reverse("home")


def _login(client, user):
    return client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )


def _shift(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_login_issues_a_new_session_id(client, analista):
    client.get(reverse("accounts:login"))
    session = client.session
    session["antes"] = 1
    session.save()
    before = session.session_key
    _login(client, analista)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_idle_session_expires(client, analista, settings):
    _login(client, analista)
    key = client.session.session_key
    _shift(client, SESSION_LAST_SEEN, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "Sua sessão expirou. Entre novamente." in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_renews_the_session(client, analista, settings):
    _login(client, analista)
    _shift(client, SESSION_LAST_SEEN, settings.SESSION_IDLE_SECONDS - 30)
    _shift(client, SESSION_STARTED, settings.SESSION_IDLE_SECONDS - 30)
    assert client.get(HOME).status_code == 200
    # Renewed: the cookie and the server-side expiry move forward.
    assert client.session.get_expiry_age() > settings.SESSION_IDLE_SECONDS - 5
    _shift(client, SESSION_LAST_SEEN, settings.SESSION_IDLE_SECONDS - 30)
    assert client.get(HOME).status_code == 200


def test_absolute_lifetime_ends_even_an_active_session(client, analista, settings):
    _login(client, analista)
    _shift(client, SESSION_STARTED, settings.SESSION_COOKIE_AGE + 1)
    assert client.get(HOME).status_code == 302


def test_idle_limit_is_configurable(client, analista, settings):
    settings.SESSION_IDLE_SECONDS = 120
    _login(client, analista)
    _shift(client, SESSION_LAST_SEEN, 121)
    assert client.get(HOME).status_code == 302


def test_logout_deletes_the_server_side_session(client, analista):
    _login(client, analista)
    key = client.session.session_key
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_password_change_keeps_this_session_and_ends_the_others(client, analista):
    _login(client, analista)
    other = type(client)()
    _login(other, analista)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Outra-senha-forte-9",
            "new_password2": "Outra-senha-forte-9",
        },
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert other.get(HOME).status_code == 302
