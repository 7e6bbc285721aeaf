"""Celery signal handlers: the web request's id travels with its tasks, and workers log like the web.

A task queued while serving a request carries that request's X-Request-ID in a message header,
so the worker's log lines for the refresh share the id of the page view that asked for it.
"""

import logging

from celery import signals
from django.conf import settings

from tracker.ops.context import imdb_id_var, request_id_var
from tracker.ops.logs import RedactSecrets

REQUEST_ID_HEADER = "request_id"
FILM_TASKS = {"tracker.tasks.refresh_film"}


@signals.before_task_publish.connect
def carry_request_id(headers=None, **kwargs):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@signals.task_prerun.connect
def bind_task_context(task_id=None, task=None, args=None, kwargs=None, **extra):
    request_id_var.set(getattr(task.request, REQUEST_ID_HEADER, None) or task_id)
    imdb_id = None
    if task.name in FILM_TASKS:
        imdb_id = (kwargs or {}).get("imdb_id") or (args[0] if args else None)
    imdb_id_var.set(imdb_id)


@signals.task_postrun.connect
def clear_task_context(**kwargs):
    request_id_var.set(None)
    imdb_id_var.set(None)


def keep_django_logging(loglevel=None, **kwargs):
    """With LOG_FORMAT=json Celery leaves logging to Django's LOGGING, at the worker's --loglevel."""
    if loglevel:
        logging.getLogger("celery").setLevel(loglevel)


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def redact_worker_logs(logger=None, **kwargs):
    """The handlers a worker sets up itself (LOG_FORMAT=plain) redact secrets like LOGGING's do."""
    for handler in logger.handlers if logger else ():
        if not any(isinstance(existing, RedactSecrets) for existing in handler.filters):
            handler.addFilter(RedactSecrets())


if settings.LOG_FORMAT == "json":
    signals.setup_logging.connect(keep_django_logging, weak=False)
