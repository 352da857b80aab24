"""Periodic job of the LGPD workbench."""

from celery import shared_task

from lgpd.retention import retention_run


@shared_task(name="lgpd.tasks.apply_retention_rule")
def apply_retention_rule() -> dict:
    """Run the retention rule: a dry-run list while it is off, anonymisation when on."""
    run = retention_run()
    return {
        "simulacao": run.simulacao,
        "candidatos": run.candidatos,
        "anonimizados": run.anonimizados,
    }
