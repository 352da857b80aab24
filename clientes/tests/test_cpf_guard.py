"""The guard: no page, endpoint, file or cursor shows an Analista a full CPF (#13 §1).

It requests EVERY pattern of the URLconf (path parameters filled with a real
client's id, the Analista's own export job, ...) with a few query strings,
as an Analista, plus the search API's cursor pages and a CSV, XLSX and PDF
export of that client; files are decoded (openpyxl, pypdf) and cursors
base64-decoded. A page added later (LGPD pages, ...) is covered without
editing this file: path parameters are filled by name (``PATH_VALUES``) or
else by converter type, so only a parameter of a new kind needs a line here.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.core import signing
from django.test import Client
from django.urls import converters
from pypdf import PdfReader

from accounts.tests.test_permissions import _fill, all_url_patterns
from clientes import services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from common.br import format_cpf
from reports.columns import COLUMNS
from reports.models import ExportJob

pytestmark = pytest.mark.django_db

CPF = "52998224725"
NAME = "Guarda Vigia"
# The CPF's digits in order, whatever separates them ("529.982.247-25", "529 982 ...").
FULL_CPF = re.compile(r"(?<!\d)" + r"[\s./\-]{0,3}".join(CPF) + r"(?!\d)")

# Path parameter name -> value, from the objects of the test (see ``objects``).
PATH_VALUES = {
    "id_cliente": lambda o: o["cliente"].pk,
    "object_id": lambda o: o["cliente"].pk,
}
# Otherwise by converter: an int is the client's id, a UUID the Analista's export job.
CONVERTER_VALUES = {
    converters.IntConverter: lambda o: o["cliente"].pk,
    converters.UUIDConverter: lambda o: o["jobs"]["xlsx"],
    converters.PathConverter: lambda o: o["cliente"].pk,
}
QUERIES = [
    {},
    {"q": NAME, "nome": NAME, "size": 10, "page_size": 10},
    {"id_cliente": "{pk}", "cliente": "{pk}", "partial": "row", "format": "json"},
]
FORMATS = {"csv": "csv", "xlsx": "excel", "pdf": "pdf"}


@pytest.fixture
def objects(analista):
    cliente = services.cliente_create(
        actor=None,
        data=cliente_data(cpf=CPF, nome_completo=f"{NAME} Alvo"),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )
    for i in range(11):  # enough namesakes for a second page (and a cursor)
        services.cliente_create(actor=None, data=cliente_data(nome_completo=f"{NAME} {i:02d}"))
    client = Client()
    client.force_login(analista)
    jobs = {}
    for fmt in FORMATS:
        response = client.post(
            "/relatorios/exportar/",
            {"nome": NAME, "exp-format": fmt, "exp-fields": list(COLUMNS)},
        )
        assert response.status_code == 200, response.content[:300]
        jobs[fmt] = Read(response)
    by_format = {job.format: job.pk for job in ExportJob.objects.filter(owner=analista)}
    return {"cliente": cliente, "client": client, "files": jobs, "jobs": by_format}


class Read:
    """A response read once (a file's stream can be read only once)."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.headers = dict(response.items())
        if response.streaming:
            self.body = b"".join(response.streaming_content)
        else:
            self.body = response.content


def _texts(read: Read) -> list[str]:
    """Return what a person or a program could read in the response: body and headers."""
    body = read.body
    texts = [f"{name}: {value}" for name, value in read.headers.items()]
    content_type = read.headers.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                texts.append(" | ".join("" if v is None else str(v) for v in row))
    elif "pdf" in content_type:
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
        texts.extend(" ".join(page.split()) for page in pages)  # cells wrap words
    else:
        text = body.decode("utf-8", "replace")
        texts.append(text)
        texts.append(unquote(text))
    texts.extend(_decoded_cursors(" ".join(texts)))
    return texts


def _decoded_cursors(text: str) -> list[str]:
    decoded = []
    for token in re.findall(r"cursor=([^&\"'\s<>]+)", text):
        for piece in re.split(r"[:.]", unquote(token)):
            try:
                raw = base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4))
            except (binascii.Error, ValueError):
                continue
            decoded.append(raw.decode("latin-1"))
    return decoded


def _leaks(read: Read) -> list[str]:
    return [text[max(0, m.start() - 60) : m.end() + 20] for text in _texts(read)
            for m in [FULL_CPF.search(text)] if m]  # fmt: skip


def _path_kwargs(pattern, objects) -> dict:
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        value = PATH_VALUES.get(name) or CONVERTER_VALUES.get(type(converter))
        kwargs[name] = value(objects) if value else "x"
    for name in re.findall(r"\(\?P<(\w+)>", str(pattern.pattern)):
        kwargs.setdefault(name, "x")
    return kwargs


def _get_everything(client, objects):
    """Yield (what, response) for every URL pattern x query string, and the cursor pages."""
    pk = objects["cliente"].pk
    for key, (route, pattern) in sorted(all_url_patterns().items()):
        url = _fill(route, _path_kwargs(pattern, objects))
        for query in QUERIES:
            params = {k: str(v).format(pk=pk) for k, v in query.items()}
            # The HTMX partials too (the results table, job rows).
            variants = [{}, {"HX-Request": "true", "HX-Target": "resultados"}] if query else [{}]
            for headers in variants:
                response = Read(client.get(url, params, headers=headers))
                yield f"GET {url} {params} {headers} ({key})", response
    # Keyset pages, in every order the Analista may use: follow `next` once.
    for ordering in ("id_cliente", "nome_completo", "-data_nascimento", "created_at"):
        params = {"nome": NAME, "cursor": "", "size": 10, "ordering": ordering}
        response = client.get("/api/v1/clients/search", params)
        assert response.status_code == 200 and response.json()["next"], response.content
        yield f"cursor {ordering}", Read(response)
        yield f"cursor {ordering} page 2", Read(client.get(response.json()["next"]))
    # The whole CPF typed in the search: the screen opens the (masked) profile.
    yield "search by CPF", Read(client.get("/clientes/", {"q": CPF}, follow=True))


def test_analista_never_receives_the_full_cpf(objects):
    client = objects["client"]
    leaks, answered = [], 0
    for what, response in _get_everything(client, objects):
        answered += response.status_code == 200
        leaks += [f"{what}: …{found}…" for found in _leaks(response)]
    for fmt, read in objects["files"].items():
        assert any(f"{NAME} Alvo" in text for text in _texts(read)), fmt  # the file was read
        leaks += [f"{fmt} export: …{found}…" for found in _leaks(read)]
    assert answered > 30  # the crawl reached real pages, not only redirects
    assert not leaks, "full CPF shown to an Analista:\n" + "\n".join(leaks)


def test_the_api_exports_hold_no_full_cpf_for_analista(objects):
    client = objects["client"]
    for fmt, name in FORMATS.items():
        response = client.post(
            f"/api/v1/clients/export?format={name}",
            {"nome": NAME, "fields": list(COLUMNS)},
            content_type="application/json",
        )
        assert response.status_code == 200, (fmt, response.content[:300])
        read = Read(response)
        assert any(f"{NAME} Alvo" in text for text in _texts(read)), fmt
        assert not _leaks(read), fmt


def test_gerente_sees_the_full_cpf_on_the_profile(objects, gerente):
    client = Client()
    client.force_login(gerente)
    html = client.get(f"/clientes/{objects['cliente'].pk}/").content.decode()
    assert format_cpf(CPF) in html
    # ... and the guard's pattern finds it there (it is not blind).
    assert FULL_CPF.search(html)


def test_the_cursor_decoder_would_see_a_readable_cursor():
    readable = signing.dumps({"o": "cpf", "k": [CPF, 1]})
    assert any(FULL_CPF.search(text) for text in _decoded_cursors(f"?cursor={readable}"))
