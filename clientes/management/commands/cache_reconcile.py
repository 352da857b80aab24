"""Run the cache reconciliation now and print what it found."""

from django.core.management.base import BaseCommand, CommandError

from clientes.cache.reconcile import reconcile
from common.cache import store


class Command(BaseCommand):
    help = "Compare cached clients with PostgreSQL, repair differences, print the figures."

    def handle(self, *args, **options):
        try:
            report = reconcile()
        except store.CacheUnavailable as exc:
            raise CommandError("Redis is unavailable: nothing to reconcile.") from exc
        if report is None:
            raise CommandError("Another reconciliation is running; try again later.")
        self.stdout.write(
            f"checked {report.checked}  stale {report.stale}  repaired {report.repaired}  "
            f"consistency {report.ratio:.4%}  ({report.duration_ms} ms)"
        )
        if report.alert:
            self.stdout.write(self.style.ERROR("ALERT: consistency below target"))
        else:
            self.stdout.write(self.style.SUCCESS("OK"))
