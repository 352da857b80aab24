"""A real nginx with deploy/nginx's config in front of a real gunicorn.

Proves with real TLS handshakes what the issue promises: TLS 1.0/1.1 refused,
1.2/1.3 accepted, plain HTTP redirected, HSTS, static caching, and that the app
believes "this was HTTPS" only from the trusted proxy.
"""

import http.client
import json
import re
import shutil
import socket
import ssl
import threading
import warnings
from urllib.parse import urlencode

import pytest

from common.tests.processes import database_url_of_this_run
from conftest import TEST_PASSWORD
from devstack.appserver import Gunicorn
from devstack.embedded import free_port
from devstack.nginx import Nginx, self_signed_cert
from devstack.services import ROOT

pytestmark = [
    pytest.mark.slow,
    # Makes pytest-django create the test database even when this module runs
    # alone: gunicorn connects to it.
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning"),
]

# On Linux the whole of 127.0.0.0/8 is loopback: nginx talks to the app from
# 127.0.0.1 (the trusted proxy), an attacker on the app port from 127.0.0.2.
PROXY_ADDRESS = "127.0.0.1"
OTHER_ADDRESS = "127.0.0.2"

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    TLS_1_0, TLS_1_1 = ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup, django_db_blocker):
    """Yield a running nginx (HTTP and HTTPS ports) proxying to gunicorn."""
    work = tmp_path_factory.mktemp("nginx")
    certs = self_signed_cert(work / "certs", days=1)
    static_root = work / "static"
    shutil.copytree(ROOT / "static", static_root)
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    with django_db_blocker.unblock():
        database_url = database_url_of_this_run()
        # Committed (no test transaction here), so gunicorn sees the user.
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user(
            email="tls@teste.com.br", password=TEST_PASSWORD, nome="TLS"
        )
    env = {
        "DEBUG": "false",
        "HTTPS_ONLY": "true",
        "STATIC_MANIFEST": "false",
        "TRUSTED_PROXIES": PROXY_ADDRESS,
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DATABASE_URL": database_url,
    }
    with (
        Gunicorn(port=app_port, env=env, log_path=work / "gunicorn.log"),
        Nginx(
            work / "nginx",
            upstream=f"{PROXY_ADDRESS}:{app_port}",
            static_root=static_root,
            cert_dir=certs,
            http_port=http_port,
            https_port=https_port,
        ) as nginx,
    ):
        yield {"nginx": nginx, "app_port": app_port, "ca": certs / "fullchain.pem"}
    with django_db_blocker.unblock():
        user.delete()


def _client_context(stack_or_ca, version=None, ciphers="DEFAULT:@SECLEVEL=0"):
    """Return a client context that verifies our certificate and, at security
    level 0, is itself willing to speak TLS 1.0/1.1: a refusal must come from
    the server, not from this machine's OpenSSL defaults."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(stack_or_ca["ca"] if isinstance(stack_or_ca, dict) else stack_or_ca)
    ctx.set_ciphers(ciphers)
    if version is not None:
        ctx.minimum_version = version
        ctx.maximum_version = version
    return ctx


def _handshake(port, ctx) -> str:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        ctx.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        return tls.version()


def _https(stack, method, path, headers=None, body=None):
    conn = http.client.HTTPSConnection(
        "127.0.0.1", stack["nginx"].https_port, context=_client_context(stack), timeout=10
    )
    conn.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def _direct(stack, path, headers, source):
    """Request the app port directly, bypassing nginx, from ``source``."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", stack["app_port"], timeout=10, source_address=(source, 0)
    )
    conn.request("GET", path, headers={"Host": "localhost", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.parametrize(
    ("version", "name"), [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")]
)
def test_tls_1_2_and_1_3_are_accepted(stack, version, name):
    assert _handshake(stack["nginx"].https_port, _client_context(stack, version)) == name


@pytest.mark.parametrize("version", [TLS_1_0, TLS_1_1])
def test_tls_1_0_and_1_1_are_refused(stack, version):
    with pytest.raises(ssl.SSLError):
        _handshake(stack["nginx"].https_port, _client_context(stack, version))


@pytest.mark.parametrize("version", [TLS_1_0, TLS_1_1])
def test_the_old_protocol_client_itself_works(tmp_path, version):
    """Control: the same client completes a TLS 1.0/1.1 handshake with a server
    that allows it, so the refusals above are nginx's doing. (Debian's OpenSSL 3
    would also refuse them at its default security level; the config's
    ssl_protocols/ssl_ciphers keep that true whatever the image's defaults.)"""
    certs = self_signed_cert(tmp_path, days=1)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(certs / "fullchain.pem", certs / "privkey.pem")
    server_ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    server_ctx.minimum_version = TLS_1_0
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def accept_one():
            conn, _ = listener.accept()
            with server_ctx.wrap_socket(conn, server_side=True):
                pass

        thread = threading.Thread(target=accept_one, daemon=True)
        thread.start()
        client = _client_context(certs / "fullchain.pem", version)
        expected = "TLSv1" if version == TLS_1_0 else "TLSv1.1"
        assert _handshake(listener.getsockname()[1], client) == expected
        thread.join(5)


def test_weak_tls_1_2_ciphers_are_refused(stack):
    # Static-RSA key exchange with CBC: no forward secrecy.
    weak = _client_context(stack, ssl.TLSVersion.TLSv1_2, ciphers="AES128-SHA:@SECLEVEL=0")
    with pytest.raises(ssl.SSLError):
        _handshake(stack["nginx"].https_port, weak)


def test_plain_http_redirects_to_https(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack["nginx"].http_port, timeout=10)
    conn.request("GET", "/clientes/?q=maria", headers={"Host": "localhost"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/clientes/?q=maria"
    assert "Set-Cookie" not in response.headers


def test_https_pages_carry_one_hsts_header_and_the_app_sees_https(stack):
    response = _https(stack, "GET", "/conta/entrar/")
    # No redirect: through the trusted proxy Django knows the request was HTTPS.
    assert response.status == 200
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains"
    ]
    csrf_cookie = next(c for c in response.headers.get_all("Set-Cookie") if "csrftoken" in c)
    assert "Secure" in csrf_cookie
    assert response.getheader("Server") == "nginx"  # no version number


def test_a_client_cannot_downgrade_the_scheme_through_nginx(stack):
    response = _https(stack, "GET", "/conta/entrar/", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 200


def test_forged_forwarded_proto_straight_to_the_app_is_not_trusted(stack):
    forged = _direct(stack, "/conta/entrar/", {"X-Forwarded-Proto": "https"}, OTHER_ADDRESS)
    # Django still sees plain HTTP and sends the client to HTTPS.
    assert forged.status == 301
    assert forged.getheader("Location") == "https://localhost/conta/entrar/"
    # Control: the same header from the proxy's address is believed.
    from_proxy = _direct(stack, "/conta/entrar/", {"X-Forwarded-Proto": "https"}, PROXY_ADDRESS)
    assert from_proxy.status == 200


def test_static_files_are_cached_for_a_year_and_gzipped(stack):
    response = _https(stack, "GET", "/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.headers.get_all("Strict-Transport-Security") == [
        "max-age=31536000; includeSubDomains"
    ]


def test_oversized_bodies_are_refused_by_nginx(stack):
    conn = http.client.HTTPSConnection(
        "127.0.0.1", stack["nginx"].https_port, context=_client_context(stack), timeout=10
    )
    conn.putrequest("POST", "/conta/entrar/", skip_host=True)
    conn.putheader("Host", "localhost")
    conn.putheader("Content-Length", str(50 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()


@pytest.mark.parametrize("path", ["/metrics", "/health/deep/"])
def test_monitoring_is_not_reachable_through_nginx(stack, path):
    assert _https(stack, "GET", path).status == 404


def test_access_log_is_json_without_query_strings(stack):
    _https(stack, "GET", "/conta/entrar/?q=123.456.789-09")
    log = stack["nginx"].workdir / "access.log"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    # Other tests' requests may be logged later (a refused upload is logged when
    # its connection closes), so pick this test's GET rather than the last line.
    entry = next(
        e for e in reversed(lines) if e["uri"] == "/conta/entrar/" and e["method"] == "GET"
    )
    assert entry["status"] == 200 and entry["tls"].startswith("TLSv1.")
    assert len(entry["request_id"]) == 32
    assert "789" not in log.read_text()


def test_a_user_logs_in_through_nginx_on_a_non_standard_port(stack):
    """CSRF's origin check and the Secure session cookie work behind the proxy."""
    origin = f"https://127.0.0.1:{stack['nginx'].https_port}"
    conn = http.client.HTTPSConnection(
        "127.0.0.1", stack["nginx"].https_port, context=_client_context(stack), timeout=10
    )
    conn.request("GET", "/conta/entrar/")
    page = conn.getresponse()
    html = page.read().decode()
    csrf_cookie = page.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = urlencode({"username": "tls@teste.com.br", "password": TEST_PASSWORD})
    conn.request(
        "POST",
        "/conta/entrar/",
        body=form + "&csrfmiddlewaretoken=" + token,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie,
            "Origin": origin,
            "Referer": origin + "/conta/entrar/",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 302, response.status
    assert response.getheader("Location") == "/"
    session = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith("sessionid"))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session


def test_the_liveness_check_answers_through_nginx(stack):
    # compose's nginx healthcheck; the login test above shows the database.
    response = _https(stack, "GET", "/health/")
    assert response.status == 200
    assert json.loads(response.body)["status"] == "alive"
