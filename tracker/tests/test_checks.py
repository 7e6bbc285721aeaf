import pytest
from django.core.checks import run_checks


def error_ids(settings_overrides, settings):
    for name, value in settings_overrides.items():
        setattr(settings, name, value)
    return {message.id for message in run_checks() if message.level >= 40}


def test_default_settings_pass_the_checks(settings):
    """The embedded defaults (DEBUG on, as `make run` has it) give no errors."""
    assert not {i for i in error_ids({"DEBUG": True}, settings) if i.startswith("tracker.")}


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"YTS_API_BASE_URL": "http://yts.mx/api/v2"}, "tracker.E002"),
        ({"YTS_API_BASE_URL": "https://yts.mx/api/v2,http://evil.example/api"}, "tracker.E002"),
        ({"YTS_API_BASE_URL": " , "}, "tracker.E002"),
        ({"YTS_API_TIMEOUT": "ten"}, "tracker.E001"),
        ({"YTS_MAX_RETRIES": -1}, "tracker.E001"),
        ({"YTS_CACHE_TIMEOUT": 0}, "tracker.E001"),
        ({"YTS_DEFAULT_QUALITIES": []}, "tracker.E003"),
        ({"YTS_BATCH_CONCURRENCY": 0}, "tracker.E001"),
        ({"TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE": -1}, "tracker.E001"),
        ({"TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE": "lots"}, "tracker.E001"),
        ({"TMDB_MOVIE_CACHE_TIMEOUT": 0}, "tracker.E001"),
        ({"ENDPOINT_RATE_LIMIT_PER_MINUTE": -5}, "tracker.E001"),
        ({"YTS_PACING_MAX_WAIT_SECONDS": -0.5}, "tracker.E001"),
        ({"YTS_PACING_MAX_WAIT_SECONDS": "a while"}, "tracker.E001"),
        ({"YTS_BATCH_REFRESH_CRON": "every night"}, "tracker.E004"),
        ({"YTS_BATCH_REFRESH_CRON": "99 4 * * *"}, "tracker.E004"),
        ({"BACKGROUND_REFRESH": "cron"}, "tracker.E005"),
        ({"DEBUG": "maybe"}, "tracker.E010"),
        ({"DEBUG": False, "ALLOWED_HOSTS": ["x"]}, "tracker.E011"),
        ({"DEBUG": False, "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": []}, "tracker.E012"),
    ],
)
def test_misconfigurations_are_check_errors(settings, overrides, error):
    """Each bad setting is reported by `manage.py check` with its own id."""
    assert error in error_ids(overrides, settings)


def test_a_fractional_pacing_wait_is_allowed(settings):
    """YTS_PACING_MAX_WAIT_SECONDS may be a fraction of a second."""
    assert "tracker.E001" not in error_ids({"YTS_PACING_MAX_WAIT_SECONDS": 0.25}, settings)


def test_loopback_http_base_url_is_allowed(settings):
    """http on 127.0.0.1 is allowed, for tests and local mirrors."""
    assert "tracker.E002" not in error_ids({"YTS_API_BASE_URL": "http://127.0.0.1:8765/api/v2"}, settings)
