"""Seed realistic Brazilian clients through COPY (deterministic per --seed)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit import context as audit_context
from audit.choices import Action
from audit.services import audit_record_bulk
from clientes.models import Cliente
from clientes.seed.loader import load_clients, reset_clients, vacuum_clients


class Command(BaseCommand):
    help = "Generate N realistic clients (valid unique CPFs, addresses, phones) via COPY."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reset", action="store_true", help="Delete all existing clients first."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when clients already exist."
        )

    def handle(self, *args, count, seed, reset, if_empty, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        existing = Cliente.objects.count()
        if existing and if_empty:
            self.stdout.write(f"{existing} clients already present; not seeding.")
            return
        if existing and not reset:
            raise CommandError(
                f"{existing} clients already exist: use --reset to replace them "
                "(the generated CPFs would collide with a previous seed)."
            )

        def progress(done, total):
            if done % 100_000 == 0 or done == total:
                self.stdout.write(f"  {done:>9,} / {total:,}")

        # COPY sends no signals: one audit event per bulk step, in the same
        # transaction as the data, so the load and its record commit together.
        with audit_context.bind(audit_context.command_context()), transaction.atomic():
            details = {"command": "seed_clients", "seed": seed}
            if reset:
                reset_clients()
                audit_record_bulk(
                    action=Action.CLIENTE_BULK_DELETE,
                    target_type="clientes.cliente",
                    count=existing,
                    details=details,
                )
            self.stdout.write(f"Seeding {count:,} clients (seed {seed})...")
            report = load_clients(count, seed, progress=progress)
            audit_record_bulk(
                action=Action.CLIENTE_BULK_CREATE,
                target_type="clientes.cliente",
                count=report.count,
                details=details,
            )
        if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction
            started = time.perf_counter()
            vacuum_clients()
            report.seconds["vacuum"] = time.perf_counter() - started
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded {report.count:,} clients: {timings}"))
