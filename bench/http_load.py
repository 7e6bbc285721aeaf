"""A concurrent HTTP load client: keep-alive sessions with cookies, timed load phases and bursts.

`run_load` drives a server with a number of client threads for a number of seconds, each sending
the requests a plan gives it; `burst` sends requests at the same moment.
"""

import http.client
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


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

    @classmethod
    def combined(cls, name, results):
        """One result for clients that each kept their own (seconds: the caller's to set)."""
        total = cls(name, len(results))
        for result in results:
            total.merge(result)
        return total

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
    total = LoadResult.combined(name, results)
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
    total = LoadResult.combined(name, results)
    total.seconds = time.perf_counter() - started
    return total


def wait_until(predicate, seconds, interval=0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
