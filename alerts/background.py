"""Sending alerts off the request and the refresh: a Celery task with a broker, else a small thread pool.

As for refreshes (tracker/refresh/background.py), BACKGROUND_REFRESH says which. A delayed send (a
retry after a failure) is a task's countdown, or a timer thread that hands it to the pool; if
the process stops meanwhile, `manage.py send_notifications` (cron) or beat picks it up.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections

# A module, not its names: tasks -> delivery -> background is a cycle, resolved at call time.
from alerts import tasks

logger = logging.getLogger("alerts.background")
THREADS = 2

_pool = None
_pool_guard = threading.Lock()


def deliver_soon(user_ids, delay=0):
    """Queue sending these people's pending alerts, after `delay` seconds; returns at once."""
    for user_id in sorted(user_ids):
        _run("deliver_notifications", user_id, delay)


def test_soon(channel_id):
    """Queue a test message to one channel."""
    _run("send_test_message", channel_id, 0)


def _run(task_name, argument, delay):
    if settings.BACKGROUND_REFRESH == "celery":
        enqueue_task(task_name, argument, delay)
    else:
        run_in_thread(task_name, argument, delay)


def enqueue_task(task_name, argument, delay):
    try:
        getattr(tasks, task_name).apply_async((argument,), countdown=delay)
    except Exception:  # a broker outage must not break the page or the refresh; the sweep sends later
        logger.exception("Could not queue %s for %s", task_name, argument)


def run_in_thread(task_name, argument, delay):
    if delay > 0:
        timer = threading.Timer(delay, run_in_thread, (task_name, argument, 0))
        timer.daemon = True
        timer.start()
        return
    _thread_pool().submit(_run_in_thread, task_name, argument)


def _thread_pool():
    global _pool
    with _pool_guard:
        if _pool is None:
            _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="alerts")
        return _pool


def _run_in_thread(task_name, argument):
    try:
        getattr(tasks, task_name)(argument)
    except Exception:
        logger.exception("%s for %s failed", task_name, argument)
    finally:
        connections.close_all()  # this thread's connections; the pool thread may idle for hours
