"""No secret in a log line or an error report, whatever fails: TMDB's v3 key travels in every request's URL."""

import io
import logging
import os
import re
import subprocess
import sys

import pytest
import requests
import responses
from celery import signals
from django.urls import reverse
from django.views.debug import technical_500_response

from fakes import FakeTMDB
from tracker.ops.logs import JsonFormatter
from tracker.services.tmdb import TMDBError, TMDBService
from tracker.tests import tmdb_payloads as tmdb
from tracker.tests.factories import DVDFactory
from tracker.tests.subprocesses import PROJECT_DIR, free_port

KEY = "5ec12e7ab1c9d0e4f6a8b2c3d4e5f607"  # the shape of a v3 key: 32 hex digits
TOKEN = "eyJhbGciOiJIUzI1NiJ9.djQtcmVhZC10b2tlbg.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
ANY_TMDB_URL = re.compile(re.escape(tmdb.TMDB_BASE) + r"/.*")


@pytest.fixture(autouse=True)
def tmdb_key(settings):
    settings.TMDB_API_BASE_URL = tmdb.TMDB_BASE
    settings.TMDB_API_KEY = KEY
    settings.TMDB_ACCESS_TOKEN = ""
    settings.TMDB_MAX_RETRIES = 1  # urllib3 logs each retry with the request's full URL
    settings.TMDB_API_TIMEOUT = 1


@pytest.fixture
def log_output():
    """Everything every logger records at DEBUG, as LOGGING's console writes it, and in the JSON format too."""
    console = next(handler for handler in logging.getLogger().handlers if handler.get_name() == "console")
    plain, as_json = io.StringIO(), io.StringIO()
    json_handler = logging.StreamHandler(as_json)
    json_handler.setFormatter(JsonFormatter())
    for log_filter in console.filters:
        json_handler.addFilter(log_filter)
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    levels = [(logger, logger.level) for logger in loggers]
    for logger, _ in levels:
        logger.setLevel(logging.DEBUG)
    stream = console.setStream(plain)
    logging.getLogger().addHandler(json_handler)
    yield lambda: plain.getvalue() + as_json.getvalue()
    logging.getLogger().removeHandler(json_handler)
    console.setStream(stream)
    for logger, level in levels:
        logger.setLevel(level)


def raise_connection_error(request):
    # What requests itself says when it gives up: the URL, query string and all.
    raise requests.ConnectionError(f"Max retries exceeded with url: {request.url} (Caused by refused connection)")


@pytest.fixture(params=["refused", "hang", "500", "200-html", "truncated", "responses-error", "responses-unmatched"])
def failing_tmdb(request, settings, http_mock):
    """TMDB failing one way: a real refused port or the local fake's faults (over real sockets), or `responses`."""
    failure = request.param
    if failure == "refused":
        http_mock.add_passthru("http://127.0.0.1")
        settings.TMDB_API_BASE_URL = f"http://127.0.0.1:{free_port()}/3"
        yield failure
    elif failure.startswith("responses"):
        if failure == "responses-error":
            http_mock.add_callback(responses.GET, ANY_TMDB_URL, callback=raise_connection_error)
        yield failure
    else:
        http_mock.add_passthru("http://127.0.0.1")
        with FakeTMDB(api_key=KEY) as fake:
            fake.configure(mode=failure)
            settings.TMDB_API_BASE_URL = fake.base_url
            settings.TMDB_API_TIMEOUT = 0.3  # the hang fault waits this long, twice
            yield failure


def log_the_failure(call):
    try:
        call()
    except TMDBError:
        logging.getLogger("tracker.views").exception("A TMDB lookup failed")
    else:
        pytest.fail("the TMDB call should have failed")


def test_a_failing_tmdb_call_logs_no_key_at_any_level(failing_tmdb, log_output):
    """However TMDB fails, no log line at DEBUG, urllib3's retries and tracebacks included, holds the key."""
    service = TMDBService()
    log_the_failure(lambda: service.get_movie(tmdb.INCEPTION))
    log_the_failure(lambda: service.search("Inception", 2010))
    written = log_output()
    assert "A TMDB lookup failed" in written
    assert "Traceback" in written
    assert KEY not in written


def test_the_fetch_imdb_endpoint_logs_no_key(signed_in, user, http_mock, log_output):
    """The Auto-fetch button's failed call, through the whole request, leaves no key in the logs."""
    dvd = DVDFactory(owner=user, imdb_id="", tmdb_id=tmdb.INCEPTION)
    http_mock.add_callback(responses.GET, ANY_TMDB_URL, callback=raise_connection_error)
    assert signed_in.post(reverse("fetch_imdb_id", args=[dvd.pk])).status_code == 502
    written = log_output()
    assert "TMDB" in written
    assert KEY not in written


def test_every_log_handler_redacts():
    """Every handler on any logger, Django's own e-mail and console handlers included, redacts secrets."""
    from tracker.ops.logs import RedactSecrets

    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    handlers = {
        handler
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest") and not isinstance(handler, logging.NullHandler)
    }
    assert handlers
    assert [h for h in handlers if not any(isinstance(f, RedactSecrets) for f in h.filters)] == []


def test_secrets_and_credentials_are_redacted_from_messages_args_and_extras(settings, log_output):
    """Configured secrets (by value) and anything credential-shaped are replaced, wherever in the record."""
    settings.TMDB_ACCESS_TOKEN = TOKEN
    settings.METRICS_TOKEN = "metrics-token-0123456789"
    settings.SECRET_KEY = "django-secret-key-0123456789-!@#$%^&*("
    logger = logging.getLogger("tracker.anywhere")
    logger.warning("GET /3/movie/1?api_key=%s&language=en", KEY)
    logger.warning("headers %r", {"Authorization": f"Bearer {TOKEN}"})
    logger.warning("scraped with %s; signed with %s", settings.METRICS_TOKEN, settings.SECRET_KEY)
    logger.warning("cookie sessionid=abcdef0123456789abcdef0123456789; csrftoken=zyx987")
    logger.warning("posted password=hunter2-horse and connected to redis://:r3dis-pass@127.0.0.1:6379/0")
    logger.warning("extra fields too", extra={"upstream_url": f"https://api.themoviedb.org/3?api_key={KEY}"})
    written = log_output()
    for secret in (KEY, TOKEN, settings.METRICS_TOKEN, settings.SECRET_KEY, "abcdef0123456789", "zyx987"):
        assert secret not in written
    for secret in ("hunter2-horse", "r3dis-pass"):
        assert secret not in written
    assert "GET /3/movie/1?api_key=[redacted]&language=en" in written
    assert "extra fields too" in written


def test_error_reports_show_no_key_session_or_password(rf, settings, mailoutbox):
    """The DEBUG 500 page and the admins' e-mail of a failed TMDB call hide the key, the session id and a password."""
    settings.ADMINS = [("Ops", "ops@example.org")]
    session_id = "s3ss10n1d0123456789abcdefghijklm"
    request = rf.post(
        "/dvd/add/", {"name": "Inception", "password": "hunter2-correct-horse"}, HTTP_COOKIE=f"sessionid={session_id}"
    )
    try:
        TMDBService().get_movie(tmdb.INCEPTION)  # nothing is registered: `responses` refuses, naming the URL
    except TMDBError:
        exc_info = sys.exc_info()
    page = technical_500_response(request, *exc_info).content.decode()
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", request.path, exc_info=exc_info, extra={"status_code": 500, "request": request}
    )
    (email,) = mailoutbox
    assert "TMDBUnavailable" in page
    assert "TMDBUnavailable" in email.body
    for text in (page, email.subject, email.body):
        for secret in (KEY, session_id, "hunter2-correct-horse", settings.SECRET_KEY):
            assert secret not in text


def test_celery_worker_handlers_redact_too():
    """The handlers a Celery worker installs itself (LOG_FORMAT=plain) get the same redaction."""
    stream = io.StringIO()
    logger = logging.getLogger("tracker.tests.worker")
    logger.addHandler(logging.StreamHandler(stream))
    try:
        signals.after_setup_logger.send(sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="")
        logger.warning("Retrying after connection broken: /3/movie/1?api_key=%s", KEY)
    finally:
        logger.handlers.clear()
    assert "api_key=[redacted]" in stream.getvalue()
    assert KEY not in stream.getvalue()


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_real_process_logs_no_key_in_either_format(log_format):
    """With settings.py's LOGGING (plain or JSON), a refused TMDB call's retries and traceback show no key."""
    code = (
        "import logging\n"
        "from tracker.services.tmdb import TMDBError, TMDBService\n"
        "for name in ('', 'urllib3', 'tracker', 'django'): logging.getLogger(name).setLevel(logging.DEBUG)\n"
        "try:\n"
        "    TMDBService().get_movie(27205)\n"
        "except TMDBError:\n"
        "    logging.getLogger('tracker.views').exception('A TMDB lookup failed')\n"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_", "TMDB_", "REDIS_", "CELERY_"))}
    answer = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_DIR,
        env={
            **keep,
            "LOG_FORMAT": log_format,
            "TMDB_API_KEY": KEY,
            "TMDB_API_BASE_URL": f"http://127.0.0.1:{free_port()}/3",
            "TMDB_MAX_RETRIES": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    written = answer.stdout + answer.stderr
    assert "Retrying" in written, written
    assert "A TMDB lookup failed" in written
    assert KEY not in written
