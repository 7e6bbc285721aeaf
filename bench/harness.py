"""Reusable benchmark machinery: the stack, the servers, signed-in sessions and a concurrent load client.

A benchmark (bench/run.py, or a later load test) starts a fake YTS, picks PostgreSQL + Redis when
they answer (SQLite + local memory otherwise), prepares a dedicated database, sets the
environment, then starts gunicorn (and a Celery worker with Redis) and drives them with
`run_load`. Every process started here is stopped by its own handle, never by name.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DB_NAME = "dvdtracker_bench"
REDIS_BENCH_URL = "redis://127.0.0.1:6379/14"
# Inherited variables with these prefixes could point the app elsewhere or change its behaviour.
APP_ENV_PREFIXES = (
    "DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "PAGE_CACHE_", "CELERY_", "YTS_", "TMDB_", "BACKGROUND_", "TRACKER_",
)  # fmt: skip


# --- the stack ------------------------------------------------------------------------------


@dataclass
class Stack:
    """Where the app keeps its data: PostgreSQL + Redis, or an SQLite file + local memory."""

    database_url: str
    redis_url: str | None
    label: str

    @property
    def uses_redis(self):
        return self.redis_url is not None


def postgres_answers(admin_url=PG_ADMIN_URL):
    import psycopg

    try:
        psycopg.connect(_libpq(admin_url), connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def redis_answers(url=REDIS_BENCH_URL):
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def detect_stack(*, force_embedded=False, admin_url=PG_ADMIN_URL, redis_url=REDIS_BENCH_URL, db_name=BENCH_DB_NAME):
    """PostgreSQL and Redis when both answer, else an SQLite file in a temporary folder and local memory."""
    if not force_embedded and postgres_answers(admin_url) and redis_answers(redis_url):
        parts = urlsplit(admin_url)
        database_url = parts._replace(path=f"/{db_name}").geturl()
        return Stack(database_url, redis_url, f"PostgreSQL ({database_url}) + Redis ({redis_url})")
    label = "SQLite file + local-memory cache (PostgreSQL/Redis not used)"
    return Stack(f"sqlite:///{RESULTS_DIR / 'bench.sqlite3'}", None, label)


def reset_stack(stack, admin_url=PG_ADMIN_URL):
    """Drop and recreate the benchmark database, and empty its Redis database (cache and broker)."""
    if stack.database_url.startswith("sqlite:///"):
        path = Path(stack.database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    else:
        import psycopg
        from psycopg import sql

        name = sql.Identifier(urlsplit(stack.database_url).path.lstrip("/"))
        with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    flush_redis(stack)


def flush_redis(stack):
    if stack.uses_redis:
        import redis

        redis.Redis.from_url(stack.redis_url).flushdb()


def app_env(stack, yts_base_url, **overrides):
    """The environment of every app process: production mode, the stack, YTS pointed at the fake."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(APP_ENV_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback, as behind a TLS-terminating proxy: no redirect to https.
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_STATIC_ROOT=str(RESULTS_DIR / "staticfiles"),
        DATABASE_URL=stack.database_url,
        YTS_API_BASE_URL=yts_base_url,
        TRACKER_LOG_LEVEL="WARNING",
        PYTHONPATH=str(PROJECT_DIR),
    )
    if stack.uses_redis:
        env["REDIS_URL"] = stack.redis_url
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def setup_django(env):
    """Configure this process like the servers (same settings, database and cache), migrate, collect static files.

    Off DEBUG, pages name their static files from collectstatic's manifest, so it must exist.
    """
    import django
    from django.core.management import call_command

    os.environ.clear()
    os.environ.update(env)
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)


def analyze_database():
    """Refresh the planner's statistics after a bulk load, as autovacuum would within a minute in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _libpq(url):
    return url.replace("postgres://", "postgresql://", 1)


# --- processes ------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Process:
    """A child process with its output in a log file; stop() ends it (and only it)."""

    def __init__(self, name, argv, env, log_path):
        self.name = name
        self.log_path = Path(log_path)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(argv, cwd=PROJECT_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log_tail(self, lines=30):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout=30):
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


@dataclass
class Server:
    process: Process
    base_url: str
    description: str

    def stop(self):
        self.process.stop()

    def cpu_seconds(self):
        """CPU time used so far by the server's master and worker processes (0 where /proc is missing)."""
        return process_tree_cpu_seconds(self.process.pid)


def process_tree_cpu_seconds(pid):
    """User + system CPU seconds of pid and its child processes, from Linux's /proc (0.0 elsewhere)."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            # After the ")" closing the command name: state, ppid, ... utime (14th field), stime (15th).
            fields = stat.read_text().rsplit(")", 1)[1].split()
            stats[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    ticks = sum(cpu for p, (ppid, cpu) in stats.items() if p == pid or ppid == pid)
    return ticks / os.sysconf("SC_CLK_TCK") if stats else 0.0


def start_gunicorn(env, log_path, *, workers=2, threads=4, port=None, ready_path="/accounts/login/"):
    """gunicorn with gthread workers on 127.0.0.1; returns once it answers ready_path."""
    port = port or free_port()
    argv = [
        sys.executable, "-m", "gunicorn", "dvdtracker.wsgi:application",
        "--bind", f"{HOST}:{port}", "--worker-class", "gthread",
        "--workers", str(workers), "--threads", str(threads),
        "--keep-alive", "30", "--log-level", "warning",
        "--no-control-socket",  # its default path is shared by every gunicorn of this user
    ]  # fmt: skip
    process = Process("gunicorn", argv, env, log_path)
    base_url = f"http://{HOST}:{port}"
    description = f"gunicorn {workers} worker{'s' if workers > 1 else ''} x {threads} threads (gthread)"

    def answers():
        with contextlib.suppress(OSError, http.client.HTTPException):
            return HTTPSession(base_url).get(ready_path).status == 200
        return False

    _wait_until_ready(process, answers)
    return Server(process, base_url, description)


def start_celery_worker(env, log_path, *, concurrency=8):
    """A Celery worker (thread pool) on the stack's Redis; returns once it answers a ping."""
    argv = [
        sys.executable, "-m", "celery", "-A", "dvdtracker", "worker",
        "--pool=threads", f"--concurrency={concurrency}", "--loglevel=WARNING", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    process = Process("celery", argv, env, log_path)

    def answers():
        from dvdtracker.celery import app

        return bool(app.control.ping(timeout=0.5))

    _wait_until_ready(process, answers)
    return process


def _wait_until_ready(process, answers, seconds=60):
    """Poll answers() until it is true; on failure, exit or interruption the process is stopped, never left behind."""
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited at start-up:\n{process.log_tail()}")
            if answers():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{process.name} did not answer within {seconds} s:\n{process.log_tail()}")
    except BaseException:
        process.stop()
        raise


def purge_celery_queue():
    """Drop the tasks still waiting (a benchmark phase's backlog must not spill into the next)."""
    from dvdtracker.celery import app

    return app.control.purge()


# --- users and sessions ---------------------------------------------------------------------


def create_user(username, password=None):
    """A user; without a password it can sign in only through a session made by signed_in_cookies."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def signed_in_cookies(user):
    """Cookies of a signed-in session for user, made with the configured session engine (no login request)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def log_in(base_url, username, password):
    """Sign in through the login form, as a browser does; returns the session's cookies."""
    client = HTTPSession(base_url)
    client.get("/accounts/login/")
    reply = client.post("/accounts/login/", {"username": username, "password": password})
    if reply.status != 302:
        raise RuntimeError(f"signing in as {username} answered HTTP {reply.status}")
    return dict(client.cookies)


# --- the load client ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: bytes
    headers: http.client.HTTPMessage


class HTTPSession:
    """One keep-alive connection with a cookie jar (enough for Django's session and CSRF cookies)."""

    def __init__(self, base_url, cookies=None, timeout=60):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies = dict(cookies or {})
        self.conn = None

    def request(self, method, path, form=None):
        headers = {}
        body = None
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.close()  # the server closed a kept-alive connection: one retry on a new one
                if attempt == 2:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return Reply(response.status, data, response.headers)

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class LoadResult:
    """What one load phase measured; latencies in seconds."""

    name: str
    clients: int
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    server_cpu: float = 0.0  # CPU seconds the server used meanwhile, when the caller measured it

    @property
    def requests(self):
        return len(self.latencies)

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q):
        return percentile(self.latencies, q)

    @property
    def p50(self):
        return self.percentile(50)

    @property
    def p99(self):
        return self.percentile(99)

    @property
    def ok(self):
        return self.errors == 0 and set(self.statuses) <= {200}

    def merge(self, other):
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.statuses.update(other.statuses)
        self.errors += other.errors
        self.server_cpu += other.server_cpu
        return self

    @property
    def server_cpu_ms_per_request(self):
        return self.server_cpu * 1000 / self.requests if self.requests else 0.0

    def summary(self):
        return {
            "name": self.name,
            "clients": self.clients,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "requests_per_second": round(self.rps, 1),
            "p50_ms": round(self.p50 * 1000, 2),
            "p99_ms": round(self.p99 * 1000, 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "server_cpu_ms_per_request": round(self.server_cpu_ms_per_request, 2),
        }


def percentile(values, q):
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def cycle_paths(paths):
    """A plan giving each client the paths in turn, clients starting at spread-out offsets."""
    paths = list(paths)

    def plan(client, n, clients):
        return "GET", paths[(client * len(paths) // clients + n) % len(paths)], None

    return plan


def run_load(base_url, cookies, plan, *, clients, seconds, name="load"):
    """`clients` threads, each on its own keep-alive connection, send plan(client, n, clients) for `seconds`.

    plan returns (method, path, form or None). Every request started before the deadline is
    measured; throughput is requests over the time from the common start to the last answer.
    """
    results = [LoadResult(name, 1) for _ in range(clients)]
    start_line = threading.Barrier(clients + 1)
    timing = {}

    def client_loop(index):
        session = HTTPSession(base_url, cookies)
        result = results[index]
        start_line.wait()
        deadline = timing["start"] + seconds
        n = 0
        try:
            while (began := time.perf_counter()) < deadline:
                method, path, form = plan(index, n, clients)
                n += 1
                try:
                    reply = session.request(method, path, form)
                except (OSError, http.client.HTTPException):
                    result.errors += 1
                    continue
                result.latencies.append(time.perf_counter() - began)
                result.statuses[reply.status] += 1
        finally:
            session.close()
            result.seconds = time.perf_counter() - timing["start"]

    threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    timing["start"] = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    total = LoadResult(name, clients)
    for result in results:
        total.merge(result)
    total.seconds = max(result.seconds for result in results)
    return total


def burst(base_url, cookies, path, *, clients, name="burst"):
    """`clients` requests for path sent at the same moment, each on its own new connection."""
    results = [LoadResult(name, 1) for _ in range(clients)]
    sessions = [HTTPSession(base_url, cookies) for _ in range(clients)]
    for session in sessions:
        session.conn = http.client.HTTPConnection(session.host, session.port, timeout=session.timeout)
        session.conn.connect()  # connected before the signal, so the requests really arrive together
    start_line = threading.Barrier(clients)

    def one(index):
        start_line.wait()
        began = time.perf_counter()
        try:
            reply = sessions[index].get(path)
        except (OSError, http.client.HTTPException):
            results[index].errors += 1
            return
        finally:
            sessions[index].close()
        results[index].latencies.append(time.perf_counter() - began)
        results[index].statuses[reply.status] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = LoadResult(name, clients)
    for result in results:
        total.merge(result)
    total.seconds = time.perf_counter() - started
    return total


def wait_until(predicate, seconds, interval=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
