"""Celery tasks for alerts; each is idempotent (a channel's lease and Delivery rows see to it)."""

from celery import shared_task

from alerts import delivery


@shared_task(acks_late=True, ignore_result=True)
def deliver_notifications(user_id):
    """Send one person's pending alerts where they may be sent now."""
    return delivery.deliver_user(user_id)


@shared_task(acks_late=True, ignore_result=True)
def send_test_message(channel_id):
    """The settings page's "Send a test"."""
    return delivery.send_test(channel_id)


@shared_task(ignore_result=True)
def send_due_notifications():
    """Beat's sweep (NOTIFY_SEND_CRON): digests that are due, and retries whose wait is over."""
    delivery.send_due()
