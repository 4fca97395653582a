from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_milestones_task() -> int:
    """Beat runs this every minute: the one deadline sweep (contract years, milestones and per-object clocks).
    Thin wrapper: the service does the work and is safe to run twice. (The name stays for the beat schedule
    and workers of an older release.)"""
    from contracting.services import deadlines_sweep

    run = deadlines_sweep(now=timezone.now())
    return run.applied_count if run else 0
