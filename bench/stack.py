"""Where a benchmark keeps its data: PostgreSQL + Redis when they answer, else an SQLite file + local memory.

A benchmark picks the stack, drops and recreates its dedicated database, builds the environment
of every app process (`app_env`) and configures its own process the same way (`setup_django`).
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = PROJECT_DIR / "bench" / "results"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DB_NAME = "dvdtracker_bench"
REDIS_BENCH_URL = "redis://127.0.0.1:6379/14"
# Inherited variables with these prefixes could point the app elsewhere or change its behaviour.
APP_ENV_PREFIXES = (
    "DJANGO_", "DATABASE_", "REDIS_", "CACHE_", "PAGE_CACHE_", "CELERY_", "YTS_", "TMDB_", "BACKGROUND_", "TRACKER_",
)  # fmt: skip


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
