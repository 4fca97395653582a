from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def send_due_notification_emails_task() -> dict:
    """Beat runs this every minute. Thin wrapper: the service claims, sends and records each mail, and is
    safe to run twice at once."""
    from accounts.services import notifications_email_due

    return notifications_email_due(now=timezone.now(), base_url=settings.PORTAL_BASE_URL)
