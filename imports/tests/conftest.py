"""Fixtures of the import tests: files built in memory, uploads, a temporary MEDIA_ROOT."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import SystemSettings
from accounts.system_settings import forget_cached_settings
from clientes.tests.factories import new_cpf

HEADER = [
    "CPF", "Nome completo", "Data de nascimento", "Sexo", "Nome da mãe", "E-mail",
    "Telefone", "Celular", "CEP", "Logradouro", "Número", "Bairro", "Cidade", "UF",
]  # fmt: skip


def person(**overrides) -> dict:
    """One valid row, by header."""
    row = {
        "CPF": new_cpf(),
        "Nome completo": "João da Silva",
        "Data de nascimento": "17/05/1980",
        "Sexo": "M",
        "Nome da mãe": "Maria da Silva",
        "E-mail": "joao@exemplo.com.br",
        "Telefone": "(11) 3333-4444",
        "Celular": "(11) 98765-4321",
        "CEP": "01310-100",
        "Logradouro": "Avenida Paulista",
        "Número": "1000",
        "Bairro": "Bela Vista",
        "Cidade": "São Paulo",
        "UF": "SP",
    }
    row.update(overrides)
    return row


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(title, "") for title in header])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(title, "") for title in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="clientes.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def system_settings(db):
    """Change the Configurações row for a test: system_settings(import_analista_allowed=True)."""

    def change(**values):
        SystemSettings.objects.update_or_create(pk=1, defaults=values)
        forget_cached_settings()

    return change
