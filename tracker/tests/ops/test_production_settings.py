"""The production path of settings.py: HTTPS switches, WhiteNoise, JSON logs, and their checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from tracker.locks import lock_ttl

PROJECT_DIR = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "dvd.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://dvd.example.org",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
    "METRICS_TOKEN": "t" * 40,
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_FORMAT", "METRICS_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_deploy_check_is_clean_with_the_production_variables():
    """`manage.py check --deploy --fail-level WARNING` passes with the README's production variables."""
    answer = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_SECURE_HSTS_PRELOAD="true")
    assert answer.returncode == 0, answer.stdout + answer.stderr


def test_production_defaults_to_https_everything_and_hashed_static_files():
    """Off DEBUG: HTTPS redirect, a year of HSTS, secure cookies, WhiteNoise's manifest storage."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER,"
        " s.CSRF_TRUSTED_ORIGINS, s.STORAGES['staticfiles']['BACKEND']]))"
    )
    answer = manage("shell", "-c", code, **PRODUCTION)
    assert json.loads(answer.stdout.splitlines()[-1]) == [
        True,
        31536000,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        ["https://dvd.example.org"],
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_preload_is_left_to_the_owner_and_the_deploy_check_says_so():
    """Without DJANGO_SECURE_HSTS_PRELOAD the deploy check's one remark is the preload list."""
    answer = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert answer.returncode == 1
    assert "security.W021" in answer.stderr
    assert answer.stderr.count("(security.") == 1


def test_json_logs_are_one_object_per_line_on_stdout():
    """With LOG_FORMAT=json a tracker log line is a JSON object on stdout."""
    code = "import logging; logging.getLogger('tracker.x').warning('hello %s', 'world', extra={'imdb_id': 'tt1'})"
    answer = manage("shell", "-c", code, LOG_FORMAT="json")
    line = json.loads(answer.stdout.strip().splitlines()[-1])
    assert line["message"] == "hello world"
    assert line["level"] == "WARNING"
    assert line["imdb_id"] == "tt1"


def error_ids(settings, **overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    return {message.id for message in run_checks() if message.id.startswith("tracker.")}


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"LOG_FORMAT": "xml"}, "tracker.E020"),
        ({"METRICS_TOKEN": "short"}, "tracker.E022"),
        ({"SESSION_COOKIE_SECURE": "yes please"}, "tracker.E023"),
        ({"SECURE_SSL_REDIRECT": "maybe"}, "tracker.E023"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "tracker.E024"),
        ({"CELERY_VISIBILITY_TIMEOUT": 0}, "tracker.E024"),
        ({"CELERY_BROKER_TRANSPORT_OPTIONS": {"unacked_restore_interval": "often"}}, "tracker.E024"),
    ],
)
def test_production_misconfigurations_are_check_errors(settings, overrides, error):
    """Each bad production variable is a `manage.py check` error with its own id."""
    assert error in error_ids(settings, **overrides)


def test_a_missing_metrics_directory_is_a_check_error(monkeypatch, tmp_path):
    """PROMETHEUS_MULTIPROC_DIR must exist before the processes start."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "missing"))
    assert "tracker.E021" in {message.id for message in run_checks()}
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert "tracker.E021" not in {message.id for message in run_checks()}


def test_a_visibility_timeout_shorter_than_a_refresh_is_a_warning(settings):
    """A task would be handed to a second worker while the first still runs it: warned."""
    assert "tracker.W025" in error_ids(settings, CELERY_VISIBILITY_TIMEOUT=lock_ttl())
    assert "tracker.W025" not in error_ids(settings, CELERY_VISIBILITY_TIMEOUT=lock_ttl() + 1)


def test_ensure_database_leaves_sqlite_alone(capsys, settings):
    """On SQLite there is no database to create, and the command says so."""
    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("runs on the embedded SQLite default")
    call_command("ensure_database")
    assert "Nothing to create" in capsys.readouterr().out
