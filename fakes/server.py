"""The fakes' shared server: a threaded HTTP server on 127.0.0.1, its settings, call counters and control endpoints.

A subclass answers its upstream's API (`answer`); this base adds the latency and the faults
configured (see fakes.faults) and serves /_fake/ for tests to read the counters and change the settings.
"""

import contextlib
import json
import random
import socket
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from fakes.command_line import CommandLine
from fakes.faults import FAULT_REPLIES, HANG_SECONDS, MODES, REDIRECT_HOST, send_huge
from fakes.replies import Reply, json_reply, send

HOST = "127.0.0.1"  # the fakes answer this machine only, never another interface
CONTROL_PREFIX = "/_fake/"
MAX_CONTROL_BODY = 64 * 1024
MAX_LATENCY = 600


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so pooled clients and benchmarks reuse their connections
    timeout = 30  # an idle kept-alive connection must not hold a thread for ever
    server_version = "FakeAPI/1.0"
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would delay the body 40 ms

    def do_GET(self):
        self.server.fake.handle(self, "GET")

    def do_POST(self):
        self.server.fake.handle(self, "POST")

    def log_message(self, format, *args):
        if self.server.fake.log_requests:
            super().log_message(format, *args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client hanging up mid-answer is what several fault modes are for; no traceback for that.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class FakeServer(CommandLine):
    """Base of the fakes; subclasses set api_prefix and define count_key() and answer()."""

    api_prefix = ""
    calls_label = "by_key"
    config_defaults = {"latency": 0.0, "failure_rate": 0.0, "mode": "ok"}
    wrong_shape_payload = {"data": {"movies": []}}
    status_error_payload = {"status": "error", "status_message": "Something went wrong", "data": {}}
    huge_bytes = 20 * 1024 * 1024
    trickle_interval = 0.5

    def __init__(self, *, port=0, seed=0, log_requests=False, **config):
        self.port = self._requested_port = port
        self.log_requests = log_requests
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._random = random.Random(seed)  # noqa: S311 - reproducible fault injection, nothing secret
        self._total = 0
        self._counts = Counter()
        self._config = dict(self.config_defaults)
        self._temp_mode, self._temp_left = None, 0
        self._httpd = self._thread = None
        self.configure(**config)
        self._initial = (dict(self._config), self._temp_mode, self._temp_left)

    # --- subclass hooks -------------------------------------------------------------------

    def count_key(self, path, query):
        """The key an API request is counted under, or None for a request that is not counted."""
        return path

    def answer(self, path, query, headers):
        """The normal Reply to a GET of path."""
        raise NotImplementedError

    def check_extra(self, name, value):
        """A subclass setting's value, normalised; ValueError when invalid."""
        raise ValueError(f"unknown setting {name!r}")

    # --- configuration and counters ------------------------------------------------------

    def configure(self, **changes):
        """Change latency, failure_rate, mode (for mode_count requests, or for good) and subclass settings."""
        new = {}
        for name, value in changes.items():
            if name == "latency":
                new[name] = _number(name, value, 0, MAX_LATENCY)
            elif name == "failure_rate":
                new[name] = _number(name, value, 0, 1)
            elif name == "mode":
                if value not in MODES:
                    raise ValueError(f"mode must be one of {', '.join(MODES)}")
                new[name] = value
            elif name == "mode_count":
                if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                    raise ValueError("mode_count must be a whole number of requests, or null")
            else:
                new[name] = self.check_extra(name, value)
        count = changes.get("mode_count") or 0
        if count and "mode" not in new:
            raise ValueError("mode_count needs a mode")
        with self._lock:
            if count:
                self._temp_mode, self._temp_left = new.pop("mode"), count
            elif "mode" in new:
                self._temp_mode, self._temp_left = None, 0
            self._config.update(new)

    @property
    def config(self):
        """The current settings, as the JSON /_fake/config answers."""
        with self._lock:
            view = {k: sorted(v) if isinstance(v, frozenset) else v for k, v in self._config.items()}
            view.update(temporary_mode=self._temp_mode, mode_count=self._temp_left)
        return view

    def setting(self, name):
        with self._lock:
            return self._config[name]

    def reset(self, *, config=False):
        """Zero the counters; with config=True also restore the settings given at construction."""
        with self._lock:
            self._total = 0
            self._counts.clear()
            if config:
                settings, self._temp_mode, self._temp_left = self._initial
                self._config = dict(settings)

    @property
    def calls(self):
        """How many counted API requests arrived (faulted ones included)."""
        with self._lock:
            return self._total

    def calls_for(self, key):
        """How many counted requests had this key (an IMDb id for YTS, a path for TMDB)."""
        with self._lock:
            return self._counts[key]

    def calls_snapshot(self):
        """The counters, as the JSON /_fake/calls answers."""
        with self._lock:
            return {"count": self._total, self.calls_label: dict(self._counts)}

    def _next_mode(self):
        with self._lock:
            latency, rate = self._config["latency"], self._config["failure_rate"]
            # Drawn on every request, so a seed gives the same failures whatever the modes in between.
            failed = self._random.random() < rate
            if self._temp_left:
                self._temp_left -= 1
                mode = self._temp_mode
            else:
                mode = self._config["mode"]
        return latency, ("500" if failed and mode == "ok" else mode)

    # --- serving -------------------------------------------------------------------------

    def handle(self, handler, method):
        parts = urlsplit(handler.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        if parts.path.startswith(CONTROL_PREFIX):
            return send(handler, self._control(handler, method, parts.path.removeprefix(CONTROL_PREFIX)))
        if method != "GET":
            handler.close_connection = True  # its body was not read
            return send(handler, json_reply(405, {"status": "error", "status_message": "Method not allowed"}))
        key = self.count_key(parts.path, query)
        if key is not None:
            with self._lock:
                self._total += 1
                self._counts[key] += 1
        latency, mode = self._next_mode()
        if latency and self._stopping.wait(latency):
            handler.close_connection = True
            return None
        if mode == "hang":
            self._stopping.wait(HANG_SECONDS)
            handler.close_connection = True
            return None
        if mode == "huge":
            return send_huge(handler, self.huge_bytes, self._stopping)
        if mode == "redirect":
            location = REDIRECT_HOST + parts.path + (f"?{parts.query}" if parts.query else "")
            return send(handler, Reply(302, headers={"Location": location}))
        if mode in FAULT_REPLIES:
            return send(handler, FAULT_REPLIES[mode])
        if mode == "wrong-shape":
            return send(handler, json_reply(200, self.wrong_shape_payload))
        if mode == "status-error":
            return send(handler, json_reply(200, self.status_error_payload))
        reply = self.answer(parts.path, query, handler.headers)
        if mode == "truncated":
            # The declared length matches the cut body: a clean HTTP answer whose JSON is incomplete.
            reply = Reply(reply.status, reply.body[: max(1, len(reply.body) // 2)], reply.content_type, reply.headers)
        if mode == "slow-body":
            return send(handler, reply, trickle_interval=self.trickle_interval, stopping=self._stopping)
        return send(handler, reply)

    def _control(self, handler, method, action):
        try:
            body = _read_json_body(handler) if method == "POST" else {}
            if (method, action) == ("GET", "calls"):
                return json_reply(200, self.calls_snapshot())
            if (method, action) == ("GET", "config"):
                return json_reply(200, self.config)
            if (method, action) == ("POST", "config"):
                self.configure(**body)
                return json_reply(200, self.config)
            if (method, action) == ("POST", "reset"):
                self.reset(config=bool(body.get("config")))
                return json_reply(200, self.calls_snapshot())
        except (ValueError, TypeError) as exc:
            return json_reply(400, {"error": str(exc)})
        return json_reply(404, {"error": f"no control endpoint {method} {CONTROL_PREFIX}{action}"})

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def root_url(self):
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not running; use it as a context manager or call start()")
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self):
        return self.root_url + self.api_prefix

    def start(self):
        """Listen on 127.0.0.1 (an ephemeral port when port is 0) and serve from a daemon thread."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer((HOST, self._requested_port), _Handler)
        httpd.fake = self
        self.port = httpd.server_address[1]
        self._httpd = httpd
        name = f"{type(self).__name__}:{self.port}"
        self._thread = threading.Thread(target=httpd.serve_forever, args=(0.5,), name=name, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close the socket; requests still sleeping, trickling or hanging give up."""
        if self._httpd is None:
            return
        self._stopping.set()
        stopper = threading.Thread(target=self._httpd.shutdown, daemon=True)
        stopper.start()
        # serve_forever only notices shutdown between polls; a connection wakes its select at once.
        while stopper.is_alive():
            with contextlib.suppress(OSError):
                socket.create_connection((HOST, self.port), timeout=1).close()
            stopper.join(0.01)
        self._httpd.server_close()
        self._thread.join(5)
        self._httpd = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _number(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low} to {high}")
    return float(value)


def _read_json_body(handler):
    length = handler.headers.get("Content-Length", "0")
    if not length.isdigit() or int(length) > MAX_CONTROL_BODY:
        handler.close_connection = True
        raise ValueError("the body needs a Content-Length of at most 64 KiB")
    raw = handler.rfile.read(int(length))
    body = json.loads(raw) if raw.strip() else {}
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body
