"""Proxy headers count only from our own proxies."""

import pytest

from common.client_ip import is_trusted_proxy


@pytest.mark.parametrize(
    ("address", "trusted"),
    [
        ("10.0.0.5", True),
        ("172.28.0.10", True),
        ("172.28.1.10", False),
        ("127.0.0.1", False),
        ("not-an-ip", False),
        ("", False),
    ],
)
def test_is_trusted_proxy(settings, address, trusted):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "172.28.0.0/24"]
    assert is_trusted_proxy(address) is trusted


@pytest.mark.django_db
def test_forged_proxy_headers_are_dropped_before_the_views(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    # The test client's REMOTE_ADDR is 127.0.0.1, not a trusted proxy here.
    response = client.get("/conta/entrar/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/conta/entrar/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
