"""Password reset by an e-mailed link, through a real SMTP server on a loopback port."""

import email
import re
import socket
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from audit.choices import Action
from audit.models import AuditEvent
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Outra-Senha#2027"
RESET = reverse("accounts:password_reset")


class _Inbox:
    """What the SMTP server received: one parsed message per delivery."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def wait(self, count=1, timeout=5.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django's SMTP backend sends to it."""
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _link(message) -> str:
    return re.search(r"http://testserver(/conta/senha/redefinir/\S+/)", _text(message)).group(1)


def test_the_link_arrives_by_smtp_in_portuguese_and_sets_a_new_password(
    client, analista, inbox, django_capture_on_commit_callbacks
):
    other_session = Client()
    other_session.force_login(analista)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": analista.email.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_sent")
    ((recipients, message),) = inbox.wait()
    assert recipients == [analista.email]
    assert message["Subject"] == "Gestão de Clientes: redefinição de senha"
    assert "Olá, Analista." in _text(message) and "uma única vez" in _text(message)
    assert message.get_body(preferencelist=("html",)) is not None

    form = client.get(_link(message), follow=True)
    assert "Crie uma nova senha" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    analista.refresh_from_db()
    assert analista.check_password(NEW_PASSWORD) and not analista.must_change_password
    # Other sessions end, as on any reset; the event is on the audit trail.
    assert not Session.objects.filter(session_key=other_session.session.session_key).exists()
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET, target_id=str(analista.pk), actor_email=analista.email
    ).exists()

    # Single use: the same link now says it is invalid.
    again = Client().get(_link(message), follow=True).content.decode()
    assert "Link inválido ou expirado" in again


def test_the_link_expires(client, analista, inbox, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": analista.email})
    ((_, message),) = inbox.wait()
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than the limit
    page = client.get(_link(message), follow=True).content.decode()
    assert "Link inválido ou expirado" in page
    analista.refresh_from_db()
    assert analista.check_password(TEST_PASSWORD)


def test_unknown_and_inactive_addresses_get_the_same_answer_and_no_mail(
    client, analista, inbox, django_capture_on_commit_callbacks
):
    analista.is_active = False
    analista.save(update_fields=["is_active"])
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for address in ("ninguem@teste.com.br", analista.email):
            response = client.post(RESET, {"email": address})
            answers.append((response.status_code, response["Location"]))
    assert answers[0] == answers[1] == (302, reverse("accounts:password_reset_sent"))
    time.sleep(0.3)
    assert inbox.messages == []
    assert AuditEvent.objects.filter(action=Action.PASSWORD_RESET_REQUEST).count() == 2


def test_one_account_gets_few_links_and_one_ip_is_limited(
    client, analista, inbox, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_ACCOUNT_LIMIT, settings.PASSWORD_RESET_IP_LIMIT = 2, 4
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(RESET, {"email": analista.email}).status_code for _ in range(4)]
    # Above the account's limit the answer does not change (it would reveal the
    # account), but no more mail goes out.
    assert statuses == [302, 302, 302, 302]
    assert len(inbox.wait(2)) == 2
    time.sleep(0.3)
    assert len(inbox.messages) == 2
    # The IP's limit counts every address alike: a 429 with a pt-BR message.
    response = client.post(RESET, {"email": "outra@teste.com.br"})
    assert response.status_code == 429
    assert "Muitos pedidos de redefinição" in response.content.decode()


def test_a_malformed_address_is_a_400_in_portuguese(client):
    response = client.post(RESET, {"email": "não é e-mail"})
    assert response.status_code == 400
    assert 'field-error">Insira um endereço de email válido.' in response.content.decode()


def test_the_login_page_offers_the_reset(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{RESET}"' in page and "Esqueci minha senha" in page


def test_an_administrator_sends_the_link_and_keeps_the_temporary_password_path(
    admin_client_, administrador, analista, inbox, django_capture_on_commit_callbacks
):
    page = admin_client_.get(reverse("accounts:user_password_reset", args=[analista.pk]))
    html = page.content.decode()
    assert "Enviar link por e-mail" in html and "Definir senha temporária" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("accounts:user_password_reset_link", args=[analista.pk])
        )
    assert response.status_code == 302
    ((recipients, message),) = inbox.wait()
    assert recipients == [analista.email] and "/conta/senha/redefinir/" in _text(message)
    assert AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET_REQUEST,
        actor_email=administrador.email,
        target_id=str(analista.pk),
    ).exists()
