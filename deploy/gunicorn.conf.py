"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001`.

Every value can be changed by an environment variable, so one file serves every host:
WEB_CONCURRENCY (worker processes; default 2 x CPUs + 1), GUNICORN_THREADS (threads per
worker; default 4), GUNICORN_TIMEOUT (seconds; default 60), LOG_FORMAT=json (one JSON object
per line for gunicorn's own error and access logs too), PROMETHEUS_MULTIPROC_DIR (metrics of
every process on the host; see docs/deployment.md).
"""

import multiprocessing
import os

wsgi_app = "dvdtracker.wsgi:application"

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Threads, because a page may wait on the database or Redis and the Refresh button on YTS.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
# A worker process silent this long is replaced. With threads this does not bound one request:
# the app's own timeouts do (YTS_API_TIMEOUT per attempt; a Refresh waits at most a film lock's life).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5  # behind nginx, which reuses its upstream connections
# No `gunicornc` control socket: several instances on one host would share its one path.
control_socket_disable = True

# Both logs to stdout/stderr, for journald, docker or the process supervisor to collect.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    _json_handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["redact"],
        "stream": "ext://sys.stdout",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "tracker.ops.logs.JsonFormatter"}},
        "filters": {"redact": {"()": "tracker.ops.logs.RedactSecrets"}},
        "handlers": {"stdout": _json_handler},
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        },
    }


def child_exit(server, worker):
    """A worker that exits leaves its metric files; prometheus_client drops its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
