"""Backfill the managers' usage metrics from the audit trail."""

from django.core.management.base import BaseCommand

from monitoring.tasks import aggregate_usage


class Command(BaseCommand):
    help = "Recalcula as métricas de uso diárias a partir da auditoria (hoje e N-1 dias antes)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, days, **options):
        rows = aggregate_usage(days)
        self.stdout.write(f"{days} dia(s) recalculado(s), {rows} valores.")
