"""The client IP comes from X-Forwarded-For only when a trusted proxy sent it."""

import pytest
from django.test import RequestFactory

from audit.network import client_ip


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "", "203.0.113.9"),
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # forged header ignored
        (["10.0.0.1"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not via our proxy
        (["10.0.0.1"], "10.0.0.1", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (["10.0.0.0/8"], "10.0.0.1", "", "10.0.0.1"),
        (["10.0.0.0/8"], "10.0.0.1", "garbage", "10.0.0.1"),
        (["10.0.0.0/8"], "10.0.0.1", "10.0.0.3", "10.0.0.3"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        ([], "not-an-ip", "", None),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
