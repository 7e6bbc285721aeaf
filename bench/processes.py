"""The app's server processes for a benchmark: gunicorn and a Celery worker, each stopped by its own handle.

Every process started here is stopped through its `Process`, never by name; one that does not
come up is stopped before the error is raised.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.http_load import HTTPSession
from bench.stack import PROJECT_DIR

HOST = "127.0.0.1"


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
