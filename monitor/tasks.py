from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(acks_late=True)
def monitor_run_task(run_id: int) -> str | None:
    """One queued run (asked for by the NZa). Thin wrapper: the service claims the run, so a task delivered twice
    computes once; a run that fails is recorded as failed by the service, not retried here."""
    from monitor.models import MonitorRun
    from monitor.services import monitor_recompute

    run = MonitorRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    finished = monitor_recompute(year=run.year, now=timezone.now(), run=run)
    return finished.status if finished else None


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def monitor_sweep_runs_task() -> dict:
    """Beat runs this every minute: runs that lost their worker are marked failed, queued runs nobody started
    are run (catch-up after downtime)."""
    from monitor.services import monitor_runs_sweep

    return monitor_runs_sweep(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def monitor_recompute_nightly_task() -> list[int]:
    """Beat runs this every night: every unpublished contract year computed again."""
    from monitor.services import monitor_recompute_nightly

    return [run.pk for run in monitor_recompute_nightly(now=timezone.now())]
