from pathlib import Path

import pytest

from dvdtracker.celery import app as celery_app
from fakes import FakeTMDB

FILES = Path(__file__).parent / "files"
TMDB_KEY = "collector-test-key"


@pytest.fixture(autouse=True)
def _collector_settings(settings):
    settings.TMDB_MAX_REQUESTS_PER_SECOND = 0  # pacing has its own test
    settings.TMDB_API_KEY = ""
    settings.TMDB_ACCESS_TOKEN = ""
    settings.TMDB_MAX_RETRIES = 0


@pytest.fixture
def fake_tmdb(settings, http_mock):
    """TMDB answered by the local fake (its catalogue: Shawshank, Godfather, Dark Knight, Inception…)."""
    with FakeTMDB(api_key=TMDB_KEY) as fake:
        http_mock.add_passthru("http://127.0.0.1")
        settings.TMDB_API_BASE_URL = fake.base_url
        settings.TMDB_API_KEY = TMDB_KEY
        yield fake


@pytest.fixture
def eager_tasks(monkeypatch):
    """Celery runs tasks inline, as with the embedded default, even when CI configures a broker."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def read(name):
    return (FILES / name).read_bytes()
