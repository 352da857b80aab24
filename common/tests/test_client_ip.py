import pytest
from django.test import RequestFactory

from common.client_ip import client_ip

PROXY = "10.0.0.5"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No trusted proxies: the header is ignored, whatever it says.
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Sent by a stranger: ignored (cannot reset the counter or frame a victim).
        ([PROXY], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # From our proxy: the address the proxy saw is the client.
        ([PROXY], PROXY, "198.51.100.1", "198.51.100.1"),
        # The client prepended a fake entry; our proxy appended the real one.
        ([PROXY], PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        # Two layers of our proxies (CIDR), skipped from the right.
        (["10.0.0.0/8"], PROXY, "198.51.100.1, 10.1.1.1", "198.51.100.1"),
        # Garbage in the header: stop at the last trustworthy hop.
        ([PROXY], PROXY, "198.51.100.1, não-é-ip", PROXY),
        ([PROXY], PROXY, "", PROXY),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8::2, 2804:14c::9", "2804:14c::9"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
