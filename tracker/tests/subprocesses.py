"""For tests that run the app in another process (a Celery worker, a management command)."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port():
    """A loopback port nothing listens on (for a server the test starts, or a refused connection)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, seconds, interval=0.2):
    """Poll `predicate` until it holds or `seconds` pass: a bounded wait, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


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
