from celery import shared_task
from django.db import OperationalError
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def sweep_milestones_task() -> int:
    """Beat runs this every minute. Thin wrapper: the service does the work and is safe to run twice."""
    from contracting.services import milestones_sweep

    run = milestones_sweep(now=timezone.now())
    return run.applied_count if run else 0
