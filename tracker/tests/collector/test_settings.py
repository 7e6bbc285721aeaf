import pytest
from django.core.checks import run_checks


def errors(settings, **overrides):
    settings.DEBUG = True  # as `make run` has it, so only the settings under test can fail
    for name, value in overrides.items():
        setattr(settings, name, value)
    return [m.msg for m in run_checks() if m.level >= 40 and m.id.startswith("tracker.")]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TMDB_MAX_REQUESTS_PER_SECOND", -1, "TMDB_MAX_REQUESTS_PER_SECOND must be a whole number of at least 0"),
        ("TMDB_MAX_REQUESTS_PER_SECOND", "fast", "TMDB_MAX_REQUESTS_PER_SECOND must be a whole number"),
        ("IMPORT_MAX_UPLOAD_BYTES", 0, "IMPORT_MAX_UPLOAD_BYTES must be a whole number of at least 1"),
        ("IMPORT_MAX_ROWS", "many", "IMPORT_MAX_ROWS must be a whole number"),
        ("IMPORT_MATCH_THRESHOLD", 101, "IMPORT_MATCH_THRESHOLD is a percentage"),
        ("IMPORT_JOB_RETENTION_DAYS", 0, "IMPORT_JOB_RETENTION_DAYS must be a whole number of at least 1"),
        ("YTS_MAGNET_TRACKERS", ["udp://no-port.example"], "YTS_MAGNET_TRACKERS: 'udp://no-port.example' needs a port"),
    ],
)
def test_bad_import_settings_fail_the_system_check(settings, name, value, message):
    """A bad import, TMDB pace or tracker setting is a `manage.py check` error naming the variable."""
    assert any(m.startswith(message) for m in errors(settings, **{name: value}))


def test_the_defaults_pass_the_check(settings):
    """The shipped defaults are valid (a polite TMDB pace, 5 MB uploads, public UDP trackers)."""
    assert errors(settings) == []
