"""The production topology (scripts/prod.sh, as `make prod` starts it) on loopback, end to end.

Two gunicorn instances, two Celery workers and beat on PostgreSQL and Redis, against the fake
YTS. Runs in CI's PostgreSQL + Redis pass; skipped without them. The tests share one topology
and run in file order: the last one stops and restarts its Redis.
"""

import json
import os
import re
import shutil
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fakes import FakeYTS
from fakes.yts import fake_torrent
from tracker.tests import topology_harness as harness
from tracker.tests.topology_harness import LOCK_TTL, RESTORE_INTERVAL, VISIBILITY_TIMEOUT, wait_until

pytestmark = [pytest.mark.topology, pytest.mark.postgres, pytest.mark.redis]

QUEUED, STAMPEDE, POOL_PROCESS_KILLED, WORKER_KILLED = "tt0111161", "tt0068646", "tt0071562", "tt0468569"
FILMS = {
    QUEUED: "The Shawshank Redemption",
    STAMPEDE: "The Godfather",
    POOL_PROCESS_KILLED: "The Godfather Part II",
    WORKER_KILLED: "The Dark Knight",
}
STORED_TORRENT = fake_torrent(STAMPEDE, "720p", "bluray", "x264", 1.1)
SLOW_ANSWER_SECONDS = 4
CONCURRENT_VIEWS = 100
# /readyz gives each probe 2 s, plus the 1 s django-health-check allows before calling it failed.
READYZ_BUDGET_SECONDS = 3
# The suite's own settings must not leak into the topology's processes.
INHERITED_SETTING_PREFIXES = ("DJANGO_", "CELERY_", "YTS_", "PYTEST_", "PROMETHEUS_")


def fetched_torrent_url(imdb_id):
    return fake_torrent(imdb_id, "1080p", "bluray", "x264", 2.1)["url"]


SETUP_CODE = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from tracker.models import DVD

user = get_user_model().objects.create_user({username!r}, password={password!r})
pks = {{imdb_id: DVD.objects.create(owner=user, name=name, imdb_id=imdb_id).pk for imdb_id, name in {films!r}.items()}}
DVD.objects.filter(imdb_id={stale!r}).update(
    yts_data=[json.loads({torrent!r})], yts_torrent_count=1, yts_last_updated=timezone.now() - timedelta(hours=48)
)
print(json.dumps(pks))
"""


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        pytest.skip("the topology needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    if not (shutil.which("redis-server") and shutil.which("setsid")):
        pytest.skip("the topology needs redis-server and setsid")
    prod_dir = tmp_path_factory.mktemp("prod")
    redis_server = harness.RedisServer(prod_dir)
    redis_server.start()
    fake = FakeYTS().start()
    topology = harness.Topology(
        prod_dir=prod_dir,
        env={},
        web_ports=[harness.free_port(), harness.free_port()],
        workers=["worker1", "worker2"],
        fake=fake,
        redis_server=redis_server,
        database_url=harness.recreate_database(database_url),
    )
    topology.env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(INHERITED_SETTING_PREFIXES)},
        "PROD_DIR": str(prod_dir),
        "DATABASE_URL": topology.database_url,
        "REDIS_URL": redis_server.url(0),
        "CELERY_BROKER_URL": redis_server.url(1),
        "WEB_PORTS": " ".join(map(str, topology.web_ports)),
        "WORKERS": " ".join(topology.workers),
        "WORKER_CONCURRENCY": "1",
        "WEB_CONCURRENCY": "2",
        "DJANGO_STATIC_ROOT": str(prod_dir / "static"),
        "YTS_API_BASE_URL": fake.base_url,
        "YTS_API_TIMEOUT": str(harness.YTS_API_TIMEOUT),
        "YTS_MAX_RETRIES": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": str(RESTORE_INTERVAL),
        "YTS_BATCH_REFRESH_CRON": "0 0 29 2 *",  # beat runs, but its nightly batch must not join in
        "LOG_FORMAT": "json",
    }
    started = topology.prod("start")
    try:
        assert started.returncode == 0, started.stderr[-3000:] + topology.tail_of_logs()
        pks = topology.manage_shell(
            SETUP_CODE.format(
                username=harness.USERNAME,
                password=harness.PASSWORD,
                films=FILMS,
                stale=STAMPEDE,
                torrent=json.dumps(STORED_TORRENT),
            )
        )
        topology.dvds = json.loads(pks)
        topology.sign_in()
        yield topology
    finally:
        topology.prod("stop", timeout=120)
        fake.stop()
        redis_server.stop()
        harness.recreate_database(database_url, drop_only=True)


@pytest.fixture(autouse=True)
def _loopback_requests(http_mock):
    http_mock.add_passthru("http://127.0.0.1")


@pytest.fixture(autouse=True)
def _fast_fake(topology):
    topology.fake.configure(latency=0.0)


def test_both_instances_serve_pages_and_hashed_static_files(topology):
    """Each instance serves the signed-in collection and WhiteNoise's compressed, hashed static files."""
    for instance in (0, 1):
        page = topology.get(instance, "/")
        assert page.status_code == 200
        assert "The Godfather" in page.text
    stylesheet = re.search(r'href="/static/([^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)
    static = topology.get(1, f"/static/{stylesheet}", headers={"Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert "immutable" in static.headers["Cache-Control"]
    assert static.headers.get("Content-Encoding") in ("gzip", "br")


def test_a_refresh_queued_through_one_instance_is_done_by_a_worker_and_seen_through_the_other(topology):
    """A page on A queues the refresh, a worker fetches it once, and B shows the torrents."""
    first = topology.detail(0, QUEUED)
    assert first.status_code == 200
    assert fetched_torrent_url(QUEUED) not in first.text
    assert wait_until(lambda: fetched_torrent_url(QUEUED) in topology.detail(1, QUEUED).text, 30)
    assert topology.fake.calls_for(QUEUED) == 1
    # The worker's log lines of that refresh carry the id of the page view that queued it.
    request_id = first.headers["X-Request-ID"]
    worker_lines = [line for name in topology.workers for line in topology.json_log_lines(name)]
    assert any(line.get("request_id") == request_id and line.get("imdb_id") == QUEUED for line in worker_lines)


def test_a_hundred_simultaneous_views_of_a_stale_dvd_make_one_upstream_call(topology):
    """100 concurrent views over both instances show the stored torrents at once and cause one YTS call."""
    topology.fake.configure(latency=0.5)
    start = threading.Barrier(CONCURRENT_VIEWS)

    def view(instance):
        start.wait()
        return topology.detail(instance, STAMPEDE)

    with ThreadPoolExecutor(CONCURRENT_VIEWS) as pool:
        answers = list(pool.map(view, [n % 2 for n in range(CONCURRENT_VIEWS)]))
    assert [answer.status_code for answer in answers] == [200] * CONCURRENT_VIEWS
    assert all(STORED_TORRENT["url"] in answer.text for answer in answers)
    assert wait_until(lambda: topology.refreshed_within(STAMPEDE), 30)
    assert wait_until(topology.queue_is_idle, 30)
    assert topology.fake.calls_for(STAMPEDE) == 1


def test_metrics_add_up_every_process_and_need_the_token(topology):
    """/metrics sums the web and worker processes' counters and answers only the bearer token."""
    assert topology.get(0, "/metrics").status_code == 401
    token = (topology.prod_dir / "metrics_token").read_text().strip()
    answer = topology.get(1, "/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    samples = dict(line.rsplit(" ", 1) for line in answer.text.splitlines() if line and not line.startswith("#"))
    # Only the workers call YTS: these counts come from their pool processes' metric files.
    assert float(samples['dvdtracker_upstream_requests_total{outcome="ok",service="YTS"}']) >= 2
    assert float(samples['dvdtracker_yts_refresh_seconds_count{outcome="refreshed"}']) >= 2
    assert float(samples['dvdtracker_yts_cache_lookups_total{result="miss"}']) >= 2
    assert samples['dvdtracker_celery_queue_length{queue="celery"}'] == "0.0"
    assert any(key.startswith("dvdtracker_http_requests_total{") for key in samples)


def test_a_refresh_survives_the_death_of_the_pool_process_running_it(topology):
    """SIGKILL of the process running a refresh: the task is re-queued and the film is refreshed."""
    topology.fake.configure(latency=SLOW_ANSWER_SECONDS)
    topology.detail(0, POOL_PROCESS_KILLED)
    assert wait_until(lambda: topology.fake.calls_for(POOL_PROCESS_KILLED) == 1, 20)
    _worker, pool_pid = topology.active_task(POOL_PROCESS_KILLED)
    os.kill(pool_pid, signal.SIGKILL)
    topology.fake.configure(latency=0.0)
    # Re-queued at once (reject_on_worker_lost); the dead process's film lock holds it back
    # until the lock expires, then it runs again.
    assert wait_until(lambda: topology.refreshed_within(POOL_PROCESS_KILLED), LOCK_TTL + 20)
    assert fetched_torrent_url(POOL_PROCESS_KILLED) in topology.detail(1, POOL_PROCESS_KILLED).text
    assert topology.fake.calls_for(POOL_PROCESS_KILLED) == 2


def test_a_refresh_survives_the_loss_of_its_whole_worker(topology):
    """SIGKILL of a whole worker mid-refresh: after the visibility timeout the other worker runs it."""
    topology.fake.configure(latency=SLOW_ANSWER_SECONDS)
    topology.detail(1, WORKER_KILLED)
    assert wait_until(lambda: topology.fake.calls_for(WORKER_KILLED) == 1, 20)
    worker, _pool_pid = topology.active_task(WORKER_KILLED)
    topology.kill_worker(worker)
    topology.fake.configure(latency=0.0)
    assert wait_until(lambda: topology.refreshed_within(WORKER_KILLED), VISIBILITY_TIMEOUT + RESTORE_INTERVAL + 20)
    assert topology.fake.calls_for(WORKER_KILLED) == 2


def test_readiness_follows_redis_going_down_and_coming_back(topology):
    """/readyz answers 503 naming the cache and broker while Redis is down, and 200 once it is back."""
    assert topology.get(0, "/readyz").status_code == 200
    topology.redis_server.stop()
    try:
        asked = time.monotonic()
        answer = topology.get(0, "/readyz")
        # A contract, not a speed measurement: a probe must not hang past its own budget.
        assert time.monotonic() - asked < READYZ_BUDGET_SECONDS + 1
        assert answer.status_code == 503
        checks = answer.json()["checks"]
        assert {name: check["status"] for name, check in checks.items()} == {
            "database": "ok",
            "cache": "unavailable",
            "broker": "unavailable",
        }
        assert "127.0.0.1" not in answer.text
        assert "redis" not in answer.text.lower()
        assert topology.get(1, "/healthz").status_code == 200
    finally:
        topology.redis_server.start()
    assert wait_until(lambda: topology.get(0, "/readyz").status_code == 200, 20)
    assert topology.get(1, "/readyz").status_code == 200
