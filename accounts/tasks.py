from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails_task(key: str) -> int:
    from accounts.services import notifications_email

    return notifications_email(key=key, base_url=settings.PORTAL_BASE_URL)
