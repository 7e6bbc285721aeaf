"""What a log line is about: the request id, the signed-in user and the film, per thread or task.

Set by the request middleware in the web processes and by Celery signals in the workers;
read by `tracker.ops.logs.ContextFilter`. Context variables keep gthread workers' concurrent
requests apart.
"""

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy is kept only when it is short and plain, so it cannot forge log fields.
SAFE_REQUEST_ID = re.compile(r"\A[A-Za-z0-9._:-]{1,64}\Z")

request_id_var = ContextVar("request_id", default=None)
request_var = ContextVar("request", default=None)
imdb_id_var = ContextVar("imdb_id", default=None)


def new_request_id():
    return uuid.uuid4().hex


def accepted_request_id(value):
    """The incoming X-Request-ID when it is safe to log, otherwise a new id."""
    return value if value and SAFE_REQUEST_ID.match(value) else new_request_id()


@contextmanager
def bound(var, value):
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def current_user_id(request=None):
    """The signed-in user's id, only if the request already loaded the user.

    Logging must never cause a query: `request.user` is lazy, so an unevaluated one is skipped.
    """
    request = request or request_var.get()
    user = getattr(request, "__dict__", {}).get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


def log_fields():
    """The context fields that are set, for a log record."""
    fields = {"request_id": request_id_var.get(), "user_id": current_user_id(), "imdb_id": imdb_id_var.get()}
    return {name: value for name, value in fields.items() if value is not None}
