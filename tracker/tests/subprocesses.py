"""For tests that run the app in another process (a Celery worker, a management command)."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]


def shared_database_env(redis_url, **overrides):
    """The environment of a child process that shares this test's database and Redis (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        pytest.skip("the other process needs a database it can share: run with DATABASE_URL on PostgreSQL")
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        **{name: str(value) for name, value in overrides.items()},
    }


@contextmanager
def celery_worker(env):
    """A real Celery worker (one process, solo pool) for the length of the block."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "dvdtracker", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)
