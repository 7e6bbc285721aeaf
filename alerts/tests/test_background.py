"""Alerts are sent off the request: a Celery task with a broker, the thread pool on the embedded default."""

import pytest
from django.db import connections

from alerts import background
from alerts.models import Channel
from alerts.tests.helpers import fetched_before, refreshed
from alerts.tests.webhook import Webhook
from tracker.tests.factories import DVDFactory
from tracker.tests.subprocesses import wait_until

REAL_RUN_IN_THREAD = background.run_in_thread
REAL_ENQUEUE_TASK = background.enqueue_task


@pytest.mark.django_db(transaction=True)
def test_the_thread_pool_sends_after_the_refresh_returns(user, http_mock, settings, monkeypatch):
    """On the embedded default, a recorded alert is sent by a pool thread once the refresh's write is committed."""
    monkeypatch.setattr(background, "run_in_thread", REAL_RUN_IN_THREAD)
    settings.BACKGROUND_REFRESH = "threads"
    settings.NOTIFY_ALLOW_PRIVATE_TARGETS = True
    http_mock.add_passthru("http://127.0.0.1")
    with Webhook() as webhook:
        channel = Channel(user=user)
        channel.set_url(webhook.url(), "json://127.0.0.1/hook/****")
        channel.save()
        DVDFactory(owner=user, imdb_id="tt0000001")
        fetched_before("tt0000001", "720p")
        refreshed("tt0000001", "720p", "2160p")
        assert wait_until(lambda: webhook.received, seconds=10)
    assert [m["title"] for m in webhook.received] == ["Better quality listed: 2160p"]
    connections.close_all()


def test_with_a_broker_a_task_is_queued_with_its_countdown(settings, monkeypatch):
    """With Celery, a retry is the task's countdown; a broker outage is logged, not raised."""
    from alerts import tasks

    monkeypatch.setattr(background, "enqueue_task", REAL_ENQUEUE_TASK)
    settings.BACKGROUND_REFRESH = "celery"
    queued = []
    monkeypatch.setattr(
        tasks.deliver_notifications, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )
    background.deliver_soon({7}, delay=60)
    assert queued == [((7,), 60)]

    def broker_down(args, countdown):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", broker_down)
    background.deliver_soon({7})  # does not raise
