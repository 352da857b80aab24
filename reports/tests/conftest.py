"""Fixtures of the export tests: clients in bulk, files in a temporary MEDIA_ROOT."""

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from accounts.system_settings import forget_cached_settings
from clientes.models import Cliente, Endereco, Telefone
from common.br import cpf_check_digits
from common.tests.processes import database_url_of_this_run
from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

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


class Worker:
    """A ``celery worker`` process of its own session, on the test database."""

    def __init__(self, log: Path, queues: str = f"celery,{settings.EXPORTS_QUEUE}"):
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": database_url_of_this_run(),  # the test database, test_<name>
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "REDIS_URL": settings.REDIS_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DB_CONN_MAX_AGE": "0",
        }
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-n", f"exports-test-{os.getpid()}-{time.time_ns()}@%h",
            "-Q", queues,
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            command,
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def pool_child(self) -> psutil.Process:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            children = psutil.Process(self.process.pid).children()
            if children:
                return children[0]
            time.sleep(0.1)
        raise AssertionError("the worker started no pool process:\n" + self.log.read_text())

    def kill_all(self) -> None:
        """SIGKILL the worker and its pool: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill_all()


@pytest.fixture
def real_broker(settings):
    """Send tasks to the broker (Redis) instead of running them in this process."""
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(**options) -> Worker:
        worker = Worker(tmp_path / f"worker{len(started)}.log", **options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
