"""Starts and drives the production topology of scripts/prod.sh for tests/test_topology.py.

Everything runs on loopback: two gunicorn instances, two Celery workers (one pool process
each, so a task's process is known) and beat, on a PostgreSQL database of the test's own and
on a redis-server the test starts on a free port, so stopping that Redis touches nothing else.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import redis
import requests
from celery import Celery
from psycopg import sql

from tracker.tests.subprocesses import PROJECT_DIR, free_port, wait_until  # noqa: F401  (re-exported to the tests)

PROD_SCRIPT = PROJECT_DIR / "scripts" / "prod.sh"
DATABASE_NAME = "dvdtracker_topology_test"
USERNAME, PASSWORD = "topology", "topology-pass-8c1f"
START_TIMEOUT = 180
# The fake YTS's slow answers must fit in the client's timeout, and the film lock outlives
# both (lock_ttl = YTS_API_TIMEOUT x 2 x attempts + 15 = 25 s); a task lost with its whole
# worker is handed out again after the visibility timeout, which must outlast that lock.
YTS_API_TIMEOUT = 5
LOCK_TTL = YTS_API_TIMEOUT * 2 + 15
VISIBILITY_TIMEOUT = 30
RESTORE_INTERVAL = 2


class RedisServer:
    """A redis-server of the test's own on a free loopback port; stop() and start() at will."""

    def __init__(self, tmp_dir):
        self.port = free_port()
        self.dir = tmp_dir
        self.process = None

    def url(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_timeout=1)
        if not wait_until(lambda: _pings(client), 10, 0.1):
            raise RuntimeError("the test's redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def _pings(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


def recreate_database(admin_url, drop_only=False):
    """Drop the topology's database (and create it empty unless drop_only), over the maintenance database."""
    parts = urlsplit(admin_url)
    conninfo = {"host": parts.hostname, "port": parts.port or 5432, "user": parts.username, "dbname": "postgres"}
    if parts.password:
        conninfo["password"] = parts.password
    with psycopg.connect(autocommit=True, **conninfo) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE_NAME)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    return parts._replace(path=f"/{DATABASE_NAME}").geturl()


@dataclass
class Topology:
    prod_dir: Path
    env: dict
    web_ports: list
    workers: list
    fake: object
    redis_server: RedisServer
    database_url: str
    dvds: dict = field(default_factory=dict)
    session_id: str = ""

    # --- lifecycle ---------------------------------------------------------------------------

    def prod(self, action, timeout=START_TIMEOUT):
        return subprocess.run(
            ["bash", str(PROD_SCRIPT), action],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def logs(self, name):
        path = self.prod_dir / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def json_log_lines(self, name):
        return [json.loads(line) for line in self.logs(name).splitlines() if line.startswith("{")]

    def tail_of_logs(self):
        names = [f"web-{port}" for port in self.web_ports] + self.workers + ["beat"]
        return "\n".join(f"--- {name}\n" + "\n".join(self.logs(name).splitlines()[-20:]) for name in names)

    def manage_shell(self, code):
        answer = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return answer.stdout.strip().splitlines()[-1]

    # --- the web instances ----------------------------------------------------------------------

    def url(self, instance, path):
        return f"http://127.0.0.1:{self.web_ports[instance]}{path}"

    def sign_in(self):
        """Sign in through instance A; the session lives in the shared database, so B knows it too."""
        login = self.url(0, "/accounts/login/")
        form = requests.get(login, timeout=10)
        # The cookies are Secure (production settings): a browser keeps them for localhost, requests
        # does not send them over http by itself, so they are passed by hand.
        csrf = form.cookies["csrftoken"]
        answer = requests.post(
            login,
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            headers={"Cookie": f"csrftoken={csrf}"},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        self.session_id = answer.cookies["sessionid"]

    def get(self, instance, path, **kwargs):
        headers = {"Cookie": f"sessionid={self.session_id}", **kwargs.pop("headers", {})}
        return requests.get(self.url(instance, path), headers=headers, timeout=30, **kwargs)

    def detail(self, instance, imdb_id):
        return self.get(instance, f"/dvd/{self.dvds[imdb_id]}/")

    # --- the database and the broker ------------------------------------------------------------

    def refreshed_within(self, imdb_id, hours=1):
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(
                "SELECT yts_last_updated > now() - make_interval(hours => %s) FROM tracker_dvd WHERE imdb_id = %s",
                [hours, imdb_id],
            ).fetchone()
        return bool(row and row[0])

    def broker(self):
        return redis.Redis.from_url(self.env["CELERY_BROKER_URL"], socket_timeout=2)

    def queue_is_idle(self):
        client = self.broker()
        return client.llen("celery") == 0 and client.hlen("unacked") == 0

    def active_task(self, imdb_id, seconds=15):
        """(worker name, pool process pid) of the worker running the film's refresh right now."""
        probe = Celery("topology-probe", broker=self.env["CELERY_BROKER_URL"], set_as_current=False)
        found = []

        def look():
            for hostname, tasks in (probe.control.inspect(timeout=1.0).active() or {}).items():
                found.extend(
                    (hostname.split("@")[0], task["worker_pid"]) for task in tasks if imdb_id in str(task["args"])
                )
            return bool(found)

        try:
            assert wait_until(look, seconds, 0.1), f"no worker is running the refresh of {imdb_id}"
        finally:
            probe.close()
        return found[0]

    def kill_worker(self, name):
        """SIGKILL a whole worker, its pool processes included, as a lost host would lose it."""
        pid = int((self.prod_dir / "run" / f"{name}.pid").read_text())
        os.killpg(pid, signal.SIGKILL)  # scripts/prod.sh starts each role in its own session
        assert wait_until(lambda: not _group_alive(pid), 10)


def _group_alive(pgid):
    """Whether a process of the group still runs (a zombie no longer does)."""
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            return True
    return False
