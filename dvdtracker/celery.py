"""The Celery app: `celery -A dvdtracker worker` and `celery -A dvdtracker beat`."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvdtracker.settings")

app = Celery("dvdtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def cron(expression):
    """A crontab from 'minute hour day month weekday'; ValueError when it is not that."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r} is not five cron fields (minute hour day month weekday)")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


@app.on_after_finalize.connect
def schedule_nightly_batch(sender, **kwargs):
    sender.conf.beat_schedule = {
        "refresh-stale-yts": {
            "task": "tracker.tasks.refresh_stale_films",
            "schedule": cron(settings.YTS_BATCH_REFRESH_CRON),
        },
        # Digests at each person's hour, and retries of failed sends (alerts/delivery.py).
        "send-notifications": {
            "task": "alerts.tasks.send_due_notifications",
            "schedule": cron(settings.NOTIFY_SEND_CRON),
        },
    }
