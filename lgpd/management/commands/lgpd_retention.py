"""Run the LGPD retention rule on demand (``--dry-run``: only list the candidates)."""

from django.core.management.base import BaseCommand

from lgpd.retention import retention_run


class Command(BaseCommand):
    help = "Apply the retention rule of Configurações LGPD (or, with --dry-run, list candidates)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list the clients the rule would anonymise; change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        run = retention_run(dry_run=dry_run)
        mode = "dry run" if run.simulacao else "applied"
        self.stdout.write(
            f"Retention rule ({mode}, inactive for more than {run.anos} years): "
            f"{run.candidatos} candidates, {run.retidos} kept by a legal hold, "
            f"{run.anonimizados} anonymised."
        )
        if run.simulacao and run.amostra:
            shown = ", ".join(str(i) for i in run.amostra[:50])
            more = " ..." if run.candidatos > 50 else ""
            self.stdout.write(f"Candidate client ids: {shown}{more}")
