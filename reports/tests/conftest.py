"""Fixtures of the export tests: clients in bulk, files in a temporary MEDIA_ROOT."""

from datetime import date

import pytest

from accounts.system_settings import forget_cached_settings
from clientes.br import cpf_check_digits
from clientes.models import Cliente, Endereco, Telefone

CIDADES = [
    ("São Paulo", "SP", "01310100"),
    ("Goiânia", "GO", "74000000"),
    ("Recife", "PE", "50000000"),
]


def cpf_for(n: int) -> str:
    base = f"{n + 100_000_000:09d}"
    return base + cpf_check_digits(base)


def make_clientes(count: int, start: int = 0, **overrides) -> list[Cliente]:
    """Create ``count`` clients with a principal address and phone, in bulk."""
    clientes = Cliente.objects.bulk_create(
        [
            Cliente(
                cpf=cpf_for(start + i),
                nome_completo=overrides.get("nome_completo", f"Cliente Número {start + i:06d}"),
                data_nascimento=date(1950 + (start + i) % 50, 1 + (start + i) % 12, 1),
                sexo="F" if i % 2 else "M",
                email=f"cliente{start + i}@exemplo.com.br",
                ativo=(start + i) % 10 != 0,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    Endereco.objects.bulk_create(
        [
            Endereco(
                cliente=c,
                cep=CIDADES[c.id_cliente % 3][2],
                logradouro="Rua da Consolação",
                numero=str(c.id_cliente),
                bairro="Centro",
                cidade=CIDADES[c.id_cliente % 3][0],
                uf=CIDADES[c.id_cliente % 3][1],
                principal=True,
            )
            for c in clientes
        ],
        batch_size=2000,
    )
    Telefone.objects.bulk_create(
        [
            Telefone(cliente=c, tipo="celular", numero="11987654321", principal=True)
            for c in clientes
        ],
        batch_size=2000,
    )
    return clientes


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Export files go to a per-test directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def export_settings(db):
    """Change the Configurações row for a test: export_settings(export_row_limit=10)."""
    from accounts.models import SystemSettings

    def change(**values):
        SystemSettings.objects.update_or_create(pk=1, defaults=values)
        forget_cached_settings()

    return change
