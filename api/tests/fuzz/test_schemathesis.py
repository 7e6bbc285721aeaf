"""schemathesis fuzzes the API from its committed schema (docs/openapi.yaml) against a live server: a seeded user
with a read-and-write token, the fake YTS and TMDB behind it. Every operation gets generated requests, valid and
not; the stateful phase follows the schema's links (create → retrieve → update → delete, and an import's run).

Passes when no answer is a 5xx and every answer is documented: its status code, content type, headers and body.
Bounded by --max-examples (about a minute here) and a timeout; API_FUZZ_EXAMPLES and API_FUZZ_SEED change the run.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from api.models import ApiToken
from dvdtracker.celery import app as celery_app
from tracker.tests.factories import DVDFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCHEMA = Path(django_settings.BASE_DIR) / "docs" / "openapi.yaml"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "unsupported_method",
    "use_after_free",
    "ensure_resource_availability",
]
# Not checked: negative_data_rejection and positive_data_acceptance. The API checks input with the web forms,
# which take a little more than the schema says (an IMDb id in capitals, a blank currency for the default) and
# refuse some values the schema allows (a year after next, a second copy of a TMDB film): both answer as the pages do.
TIMEOUT_SECONDS = 300


@pytest.fixture
def seeded(settings, http_mock, monkeypatch, fake_yts, fake_tmdb):
    """A collector with a token and a few DVDs, someone else's DVD, and the fakes standing in for YTS and TMDB."""
    http_mock.add_passthru("http://127.0.0.1")
    # An import's phases run inline, as with the embedded default, even where CI configures a broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    fake_yts.reset(config=True)
    fake_tmdb.reset(config=True)
    settings.YTS_API_BASE_URL = fake_yts.base_url
    settings.TMDB_API_BASE_URL = fake_tmdb.base_url
    settings.TMDB_API_KEY = fake_tmdb.setting("api_key")
    settings.TMDB_ACCESS_TOKEN = ""
    settings.TMDB_MAX_RETRIES = 0
    collector = UserFactory(username="fuzzer")
    DVDFactory(owner=collector, name="The Shawshank Redemption", imdb_id="tt0111161", tmdb_id=278)
    DVDFactory(owner=collector, name="Inception", imdb_id="", tmdb_id=27205)
    DVDFactory(owner=UserFactory(), name="Someone else's")
    return ApiToken.objects.issue(collector, "schemathesis", ApiToken.Scope.WRITE)[1]


def test_the_api_answers_as_its_schema_says(live_server, seeded, tmp_path):
    """No 5xx, and every status code, content type, header and body conforms to docs/openapi.yaml."""
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(SCHEMA),
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Bearer {seeded}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        os.environ.get("API_FUZZ_EXAMPLES", "15"),
        "--seed",
        os.environ.get("API_FUZZ_SEED", "1"),
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
    ]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
