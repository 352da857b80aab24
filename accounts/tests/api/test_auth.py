"""JWT endpoints: obtain, refresh with rotation, verify, revocation, bad input."""

import bcrypt
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework_simplejwt.tokens import AccessToken

from accounts import services
from accounts.api.tokens import tokens_for
from conftest import TEST_PASSWORD

TOKEN_URL = reverse("auth-api:token")
REFRESH_URL = reverse("auth-api:token-refresh")
VERIFY_URL = reverse("auth-api:token-verify")
ME_URL = reverse("auth-api:me")


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _obtain(client, user, password=TEST_PASSWORD):
    response = _post(client, TOKEN_URL, {"email": user.email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def _authenticates(access):
    """Return whether an API request with this access token is accepted as the user."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.test import APIRequestFactory

    from accounts.api.authentication import RevocableJWTAuthentication

    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {access}")
    try:
        result = RevocableJWTAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return result is not None


def test_obtain_returns_a_short_lived_access_and_a_refresh_token(client, analista, settings):
    tokens = _obtain(client, analista)
    access = AccessToken(tokens["access"])
    assert int(access["user_id"]) == analista.pk
    lifetime = access["exp"] - access["iat"]
    # simplejwt stamps iat and exp from two clock readings, whole seconds each.
    assert settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds() == 15 * 60
    assert 15 * 60 - 1 <= lifetime <= 15 * 60
    assert _authenticates(tokens["access"])


def test_the_token_is_signed_with_its_own_key_and_pinned_algorithm(client, analista, settings):
    import jwt

    tokens = _obtain(client, analista)
    assert jwt.get_unverified_header(tokens["access"])["alg"] == "HS256"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tokens["access"], settings.SECRET_KEY, algorithms=["HS256"])
    # A token "signed" with alg=none is refused.
    forged = jwt.encode({**AccessToken(tokens["access"]).payload}, None, algorithm="none")
    assert not _authenticates(forged)


def test_bearer_token_authenticates_api_requests(client, analista):
    tokens = _obtain(client, analista)
    anonymous = Client()
    response = anonymous.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert response.status_code == 200
    assert response.json() == {
        "id": analista.pk,
        "email": analista.email,
        "nome": "Analista",
        "papel": "Analista",
    }
    assert anonymous.get(ME_URL).status_code == 401
    garbage = anonymous.get(ME_URL, HTTP_AUTHORIZATION="Bearer abc.def.ghi")
    assert garbage.status_code == 401


@pytest.mark.parametrize(
    ("email", "password"),
    [("analista@teste.com.br", "senha-errada-123"), ("ninguem@teste.com.br", TEST_PASSWORD)],
)
def test_wrong_credentials_get_the_same_401(client, analista, email, password):
    response = _post(client, TOKEN_URL, {"email": email, "password": password})
    assert response.status_code == 401
    assert response.json() == {
        "detail": "E-mail ou senha incorretos.",
        "code": "invalid_credentials",
    }


def test_unknown_email_costs_one_password_hash_like_a_wrong_password(client, analista, monkeypatch):
    """Timing must not tell whether the email exists: both paths run bcrypt once."""
    calls = []
    real = bcrypt.hashpw

    def counting(password, salt):
        calls.append(1)
        return real(password, salt)

    monkeypatch.setattr(bcrypt, "hashpw", counting)
    _post(client, TOKEN_URL, {"email": analista.email, "password": "senha-errada-123"})
    wrong_password = len(calls)
    calls.clear()
    _post(client, TOKEN_URL, {"email": "ninguem@teste.com.br", "password": "senha-errada-123"})
    assert wrong_password == len(calls) == 1


def test_inactive_user_gets_no_token(client, analista):
    services.user_deactivate(user=analista)
    response = _post(client, TOKEN_URL, {"email": analista.email, "password": TEST_PASSWORD})
    assert response.status_code == 401


def test_temporary_password_must_be_changed_before_using_the_api(client, analista):
    services.user_reset_password(user=analista, password="Temporaria-2026!")
    response = _post(client, TOKEN_URL, {"email": analista.email, "password": "Temporaria-2026!"})
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"


def test_refresh_rotates_and_the_old_refresh_token_cannot_be_replayed(client, analista):
    tokens = _obtain(client, analista)
    rotated = _post(client, REFRESH_URL, {"refresh": tokens["refresh"]})
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh"] != tokens["refresh"]
    assert _authenticates(new["access"])
    replay = _post(client, REFRESH_URL, {"refresh": tokens["refresh"]})
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_not_valid"
    # The rotated one keeps working (and rotates again).
    assert _post(client, REFRESH_URL, {"refresh": new["refresh"]}).status_code == 200


def test_access_token_is_not_a_refresh_token(client, analista):
    tokens = _obtain(client, analista)
    assert _post(client, REFRESH_URL, {"refresh": tokens["access"]}).status_code == 401


def test_verify(client, analista):
    tokens = _obtain(client, analista)
    assert _post(client, VERIFY_URL, {"token": tokens["access"]}).status_code == 200
    assert _post(client, VERIFY_URL, {"token": tokens["refresh"]}).status_code == 200
    assert _post(client, VERIFY_URL, {"token": tokens["access"] + "x"}).status_code == 401
    _post(client, REFRESH_URL, {"refresh": tokens["refresh"]})
    assert _post(client, VERIFY_URL, {"token": tokens["refresh"]}).status_code == 401


@pytest.mark.parametrize(
    "revoke",
    [
        lambda user: services.user_change_password(user=user, password="Outra-senha-forte-9"),
        lambda user: services.user_reset_password(user=user, password="Temporaria-2026!"),
        lambda user: services.user_deactivate(user=user),
    ],
    ids=["password_change", "password_reset", "deactivation"],
)
def test_revocation_kills_access_and_refresh_tokens_at_once(client, analista, revoke):
    first = _obtain(client, analista)
    second = tokens_for(analista)  # another device
    revoke(analista)
    for tokens in (first, {"access": str(second.access_token), "refresh": str(second)}):
        assert not _authenticates(tokens["access"])
        assert _post(client, REFRESH_URL, {"refresh": tokens["refresh"]}).status_code == 401
        assert _post(client, VERIFY_URL, {"token": tokens["access"]}).status_code == 401


def test_tokens_issued_after_a_password_change_work(client, analista):
    _obtain(client, analista)
    services.user_change_password(user=analista, password="Outra-senha-forte-9")
    tokens = _obtain(client, analista, password="Outra-senha-forte-9")
    assert _authenticates(tokens["access"])
    assert _post(client, REFRESH_URL, {"refresh": tokens["refresh"]}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "field", "message"),
    [
        ("{not json", "application/json", "detail", "Corpo da requisição inválido"),
        ("email=a@b.com&password=x", "application/x-www-form-urlencoded", "detail", "Corpo da"),
        ("<xml/>", "text/xml", "detail", "Corpo da requisição inválido"),
        ("{}", "application/json", "email", "Informe o e-mail."),
        ('{"email": "a@b.com"}', "application/json", "password", "Informe a senha."),
        ('{"email": "' + "a" * 10_000 + '@x.com", "password": "x"}', "application/json",
         "email", "Informe um e-mail válido."),
        ('{"email": 5, "password": []}', "application/json", "email", "Informe um e-mail válido."),
        ('{"email": null, "password": "x"}', "application/json", "email", "Informe o e-mail."),
        ("[]", "application/json", "non_field_errors", "dicionário"),
    ],
)  # fmt: skip
def test_bad_input_gets_400_in_portuguese(client, body, content_type, field, message):
    response = client.post(TOKEN_URL, body, content_type=content_type)
    assert response.status_code == 400
    payload = response.json()
    if field == "detail":  # an unreadable body: a parse_error in the standard format
        assert payload["type"] == "client_error"
        assert [e["code"] for e in payload["errors"]] == ["parse_error"]
        text = payload["errors"][0]["detail"]
    else:  # validation errors: the API's standard format (drf-standardized-errors)
        assert payload["type"] == "validation_error"
        text = " ".join(e["detail"] for e in payload["errors"] if e["attr"] == field)
    assert message in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", [REFRESH_URL, VERIFY_URL])
@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{oops", 400),
        ("{}", 400),
        ('{"refresh": "x", "token": "x"}', 401),
        ('{"refresh": 7, "token": 7}', 401),
    ],
)
def test_bad_tokens_never_500(client, url, body, status):
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == status


def test_token_of_a_deleted_user_is_refused(client, analista):
    tokens = _obtain(client, analista)
    analista.delete()
    assert _post(client, REFRESH_URL, {"refresh": tokens["refresh"]}).status_code == 401
    assert _post(client, VERIFY_URL, {"token": tokens["access"]}).status_code == 401
