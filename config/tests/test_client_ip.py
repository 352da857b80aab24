"""Who the client is, as far as a forged header can never change it."""

import pytest
from django.test import RequestFactory

from config.client_ip import client_ip, is_trusted_proxy


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "172.28.0.0/24"]


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Not a proxy of ours: its X-Forwarded-For is a lie we ignore.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("172.28.0.10", "198.51.100.1", "198.51.100.1"),
        # The client prepended a fake hop; the proxy appended the real one.
        ("10.0.0.5", "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Chained proxies of ours are skipped.
        ("10.0.0.5", "198.51.100.1, 172.28.0.3", "198.51.100.1"),
        ("10.0.0.5", None, "10.0.0.5"),
        ("10.0.0.5", "not-an-ip", "10.0.0.5"),
        ("2001:db8::1", None, "2001:db8::1"),
    ],
)
def test_client_ip(remote, forwarded, expected):
    assert client_ip(_request(remote, forwarded)) == expected


def test_nothing_is_trusted_by_default(settings):
    settings.TRUSTED_PROXIES = []
    assert not is_trusted_proxy("127.0.0.1")
    assert client_ip(_request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"


@pytest.mark.django_db
def test_forged_proxy_headers_are_dropped_before_the_views(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    # The test client's REMOTE_ADDR is 127.0.0.1, not a trusted proxy here.
    response = client.get("/conta/entrar/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/conta/entrar/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
