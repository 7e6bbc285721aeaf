"""Request ids, and JSON log lines that carry the request id, the user id and the IMDb id."""

import io
import json
import logging
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tracker.ops.celery_hooks import bind_task_context, carry_request_id, clear_task_context
from tracker.ops.context import bound, log_fields, request_id_var
from tracker.ops.logs import ContextFilter, JsonFormatter
from tracker.tests.conftest import YTS_LIST_URL


@pytest.fixture
def json_log():
    """What the `tracker` loggers write, through the LOG_FORMAT=json formatter and filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("tracker")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_every_answer_carries_a_request_id(client, db):
    """An answer has an X-Request-ID; a plain one sent by the proxy is kept."""
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a"})["X-Request-ID"] == "nginx-4f2a"


@pytest.mark.parametrize("sent", ["x" * 65, "a b", 'q"uote', "line}{break", "nginx-4f2a\n"])
def test_a_request_id_unfit_for_logs_is_replaced(client, db, sent):
    """A long or odd X-Request-ID is not logged; the request gets a new id."""
    kept = client.get("/healthz", headers={"X-Request-ID": sent})["X-Request-ID"]
    assert kept != sent
    assert len(kept) == 32


def test_a_failed_refresh_logs_one_json_line_with_request_user_and_film(signed_in, dvd, user, http_mock, json_log):
    """The Refresh button's failed YTS call is logged as JSON with the request id, user id and IMDb id."""
    http_mock.get(YTS_LIST_URL, status=502)
    answer = signed_in.post(reverse("refresh_yts_data", args=[dvd.pk]))
    assert answer.status_code == 502
    failed = next(line for line in json_log() if line["message"].startswith("YTS fetch failed"))
    assert failed["level"] == "WARNING"
    assert failed["logger"] == "tracker.services"
    assert failed["request_id"] == answer["X-Request-ID"]
    assert failed["user_id"] == user.pk
    assert failed["imdb_id"] == dvd.imdb_id
    assert "timestamp" in failed


def test_outside_a_request_no_context_is_invented(json_log):
    """A log line from a command has no request id or user id."""
    logging.getLogger("tracker.test").warning("batch started")
    (line,) = json_log()
    assert line["message"] == "batch started"
    assert "request_id" not in line
    assert "user_id" not in line


def test_a_task_queued_during_a_request_carries_its_request_id():
    """Publishing a task inside a request adds the request's id to the message headers."""
    headers = {}
    with bound(request_id_var, "rid-page-view"):
        carry_request_id(headers=headers)
    assert headers == {"request_id": "rid-page-view"}
    carry_request_id(headers=(outside := {}))
    assert outside == {}


def test_a_worker_logs_under_the_request_id_and_film_of_its_task():
    """A refresh task's log lines carry the queuing request's id and the film; the next task starts clean."""
    task = SimpleNamespace(name="tracker.tasks.refresh_film", request=SimpleNamespace(request_id="rid-page-view"))
    bind_task_context(task_id="task-1", task=task, args=["tt0111161"], kwargs={})
    try:
        assert log_fields() == {"request_id": "rid-page-view", "imdb_id": "tt0111161"}
    finally:
        clear_task_context()
    assert log_fields() == {}
    batch = SimpleNamespace(name="tracker.tasks.refresh_stale_films", request=SimpleNamespace())
    bind_task_context(task_id="task-2", task=batch, args=[], kwargs={})
    try:
        assert log_fields() == {"request_id": "task-2"}
    finally:
        clear_task_context()


def test_a_gunicorn_access_line_with_odd_digits_is_written_not_dropped():
    """Access-log atoms become numbers only when they are ASCII digits: a '²' user agent is kept as text."""
    atoms = {"h": "127.0.0.1", "s": "200", "B": "512", "a": "²", "U": "/"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(a)s"', (atoms,), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["status"], line["response_bytes"], line["user_agent"]) == (200, 512, "²")
