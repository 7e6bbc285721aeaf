"""Load test: 50 clients for 30 s (after 5 s of warm-up) against gunicorn on PostgreSQL + Redis,
mixing list, detail, Refresh and edits, with the fake YTS failing 5% of calls after 200 ms. Then every row is checked.

Passes when no request got an unexpected 5xx (the only 5xx allowed is the Refresh endpoint's
documented 502 "Could not refresh from YTS", in its JSON shape), no row was lost or corrupted, and
every latency bound below holds. Prints p50/p99 per kind of request, and Refresh's 429s by reason,
so a design limit (the per-DVD interval) can be told from a queue (YTS's pace).
Run: `make load-test` (CI runs it with PostgreSQL and Redis; it refuses to run without them).
"""

import argparse
import json
import sys
import threading
import time
from collections import Counter

from bench.http_load import HTTPSession, LoadResult, percentile
from bench.processes import purge_celery_queue, start_celery_worker, start_gunicorn
from bench.sessions import create_user, signed_in_cookies
from bench.stack import RESULTS_DIR, app_env, detect_stack, reset_stack, setup_django
from fakes import FakeYTS

USERS = 10
DVDS_PER_USER = 40
FAKE_YTS_LATENCY = 0.2
# p99 bounds in milliseconds. Refresh may also wait for the fake YTS itself.
P99_BOUNDS_MS = {"list": 1000, "detail": 1000, "edit": 1000, "refresh": 1500 + FAKE_YTS_LATENCY * 1000}
EDIT_VS_LIST_P99 = 1.5
# The exit status when every answer was right but a latency bound was missed (1: a wrong answer).
LATENCY_BOUNDS_MISSED = 3
MIN_REQUESTS_PER_SECOND = 95
# The same mix runs this long before the measured seconds, answers checked but not timed: the first
# seconds after a start (empty stored pages, every stale DVD refreshing at once, connections opening)
# are a start's, not steady load's. Their p99 is printed beside the table.
WARMUP_SECONDS = 5
# What a Refresh 429 says, by reason (tracker/views/refresh.py and tracker/views/ajax.py).
REASONS_429 = {
    "refreshed moments ago": "same DVD within YTS_REFRESH_MIN_INTERVAL",
    "waiting for YTS": "YTS's pace full (or the film's lock held)",
    "going a bit fast": "per-user endpoint limit",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=WARMUP_SECONDS, help="seconds of the same mix before measuring")
    return parser.parse_args()


def prepare(stack):
    """Users, each with DVDs half fresh and half stale, and the edit form's base values per DVD."""
    from bench.data import STALE_IDS, make_dvds

    owners = []
    for u in range(USERS):
        user = create_user(f"load{u}")
        half = DVDS_PER_USER // 2
        dvds = make_dvds(user, half, id_base=STALE_IDS + u * 1000, films=half, state="fresh", name_prefix=f"U{u} F")
        dvds += make_dvds(user, half, id_base=STALE_IDS + u * 1000 + 500, state="stale", name_prefix=f"U{u} S")
        owners.append((user, [dvd.pk for dvd in dvds]))
    return owners


def edit_form(pk, n):
    return {
        "name": f"Edited {pk} #{n}",
        "release_year": "1999",
        "disk_type": "dvd",
        "media_type": "physical",
        "status": "kept",
        "notes": f"edit {n} of {pk}",
        "imdb_id": "",
    }


class Client:
    """One simulated person: browses their collection, opens DVDs, presses Refresh, edits DVDs they own."""

    def __init__(self, index, base_url, cookies, pks, imdb_ids, first_step=0):
        self.index, self.pks, self.imdb_ids = index, pks, imdb_ids
        # Clients begin at different steps of the plan, so each moment sees the whole mix: begun in
        # step, all 50 posted their first edit within 40 ms, and that one burst was the edits' p99.
        self.first_step = first_step
        self.session = HTTPSession(base_url, cookies)
        self.acknowledged_edits = {}
        self.unexpected = []

    def plan(self, n):
        pk = self.pks[(self.index * 7 + n) % len(self.pks)]
        kind = n % 10
        if kind < 3:
            return "list", "GET", "/" if n % 2 else "/?page=2", None
        if kind < 7:
            return "detail", "GET", f"/dvd/{pk}/", None
        if kind < 9:
            return "refresh", "POST", f"/dvd/{pk}/refresh-yts/", {}
        # Each client edits only DVDs no other client edits, so the last acknowledged edit must stick.
        mine = self.pks[self.index % 5 :: 5]
        target = mine[n % len(mine)]
        form = edit_form(target, n)
        form["imdb_id"] = self.imdb_ids[target]
        return ("edit", target, form["notes"]), "POST", f"/dvd/{target}/edit/", form


def run(clients_count, seconds, base_url, owners, imdb_ids, warmup=0):
    clients = []
    for i in range(clients_count):
        user, pks = owners[i % len(owners)]
        client = Client(i // len(owners), base_url, signed_in_cookies(user), pks, imdb_ids, first_step=i)
        client.session.get(f"/dvd/{pks[0]}/")  # sets the CSRF cookie, as a browser's first page does
        clients.append(client)
    result = LoadResult("load", clients_count)
    warmup_latencies = []
    by_kind = Counter()
    reasons_429 = Counter()
    latencies_by_kind = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients_count + 1)

    def loop(client):
        barrier.wait()
        measured_from = time.monotonic() + warmup
        deadline = measured_from + seconds
        n = client.first_step
        while time.monotonic() < deadline:
            kind, method, path, form = client.plan(n)
            n += 1
            began = time.perf_counter()
            try:
                reply = client.session.request(method, path, form)
            except OSError as exc:
                with lock:
                    result.errors += 1
                    client.unexpected.append(f"{method} {path}: {exc}")
                continue
            elapsed = time.perf_counter() - began
            label = kind[0] if isinstance(kind, tuple) else kind
            measured = time.monotonic() - elapsed >= measured_from
            with lock:
                if not measured:
                    warmup_latencies.append(elapsed)
                else:
                    result.latencies.append(elapsed)
                    result.statuses[reply.status] += 1
                    by_kind[(label, reply.status)] += 1
                    latencies_by_kind.setdefault(label, []).append(elapsed)
            if isinstance(kind, tuple) and reply.status == 302:
                client.acknowledged_edits[kind[1]] = kind[2]
            if reply.status == 429 and measured:
                with lock:
                    reasons_429[reason_429(reply)] += 1
            if reply.status >= 500 and not documented_502(label, reply):
                client.unexpected.append(f"{method} {path}: HTTP {reply.status}")

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    time.sleep(warmup)
    started = time.perf_counter()
    for thread in threads:
        thread.join(seconds + 120)
    result.seconds = time.perf_counter() - started
    return result, by_kind, latencies_by_kind, reasons_429, clients, warmup_latencies


def reason_429(reply):
    try:
        error = json.loads(reply.body).get("error", "")
    except ValueError:
        return "not JSON"
    return next((reason for text, reason in REASONS_429.items() if text in error), f"other: {error[:60]}")


def latency_table(latencies_by_kind, rps):
    """Rows of (label, measured, bound, passed) for each bound, and the printed table."""
    ms = {kind: [v * 1000 for v in values] for kind, values in latencies_by_kind.items()}
    p50 = {kind: percentile(values, 50) for kind, values in ms.items()}
    p99 = {kind: percentile(values, 99) for kind, values in ms.items()}
    checks = [
        (f"{kind} p99", p99.get(kind, 0), f"<= {bound:,.0f} ms", p99.get(kind, 0) <= bound)
        for kind, bound in P99_BOUNDS_MS.items()
    ]
    edit_limit = EDIT_VS_LIST_P99 * p99.get("list", 0)
    checks.append(
        (
            "edit p99 vs list p99",
            p99.get("edit", 0),
            f"<= {edit_limit:,.0f} ms (1.5 x list)",
            p99.get("edit", 0) <= edit_limit,
        )
    )
    checks.append(("throughput", rps, f">= {MIN_REQUESTS_PER_SECOND} req/s", rps >= MIN_REQUESTS_PER_SECOND))
    lines = [f"{'kind':<8} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}"]
    lines += [f"{kind:<8} {len(ms[kind]):>8} {p50[kind]:>8.0f} {p99[kind]:>8.0f}" for kind in sorted(ms)]
    lines += ["", f"{'check':<22} {'measured':>9}  {'bound':<28} result"]
    lines += [f"{name:<22} {value:>9.0f}  {bound:<28} {'PASS' if ok else 'FAIL'}" for name, value, bound, ok in checks]
    return checks, lines


def documented_502(kind, reply):
    if kind != "refresh" or reply.status != 502:
        return False
    body = json.loads(reply.body)
    return body.get("success") is False and body.get("error", "").startswith("Could not refresh from YTS")


def check_rows(owners, before, clients):
    """Every DVD still there, owned as before, with the last acknowledged edit and consistent torrent data."""
    from tracker.models import DVD

    problems = []
    edits = {}
    for client in clients:
        edits.update(client.acknowledged_edits)
    rows = {dvd.pk: dvd for dvd in DVD.objects.all()}
    for pk, owner_id in before.items():
        dvd = rows.get(pk)
        if dvd is None:
            problems.append(f"DVD {pk} was lost")
            continue
        if dvd.owner_id != owner_id:
            problems.append(f"DVD {pk} changed owner")
        if pk in edits and dvd.notes != edits[pk]:
            problems.append(f"DVD {pk}: notes {dvd.notes!r}, last acknowledged edit {edits[pk]!r}")
        data = dvd.yts_data
        if data is not None and (not isinstance(data, list) or len(data) != dvd.yts_torrent_count):
            problems.append(f"DVD {pk}: torrent data and count disagree")
        if any(not str(t.get("url", "")).startswith("https://") for t in data or []):
            problems.append(f"DVD {pk}: a stored link is not https")
    if len(rows) != len(before):
        problems.append(f"{len(rows)} DVDs after, {len(before)} before")
    return problems, len(edits)


def main():
    args = parse_args()
    stack = detect_stack()
    if not stack.uses_redis:
        print("The load test needs PostgreSQL and Redis (as in production); neither answered.", file=sys.stderr)
        return 2
    reset_stack(stack)
    with FakeYTS(latency=FAKE_YTS_LATENCY, failure_rate=0.05, seed=5) as fake:
        env = app_env(stack, fake.base_url)
        setup_django(env)
        owners = prepare(stack)
        from tracker.models import DVD

        before = dict(DVD.objects.values_list("pk", "owner_id"))
        imdb_ids = dict(DVD.objects.values_list("pk", "imdb_id"))
        log_dir = RESULTS_DIR / "load-test"
        server = start_gunicorn(env, log_dir / "gunicorn.log", workers=2, threads=8)
        worker = start_celery_worker(env, log_dir / "celery.log", concurrency=4)
        try:
            result, by_kind, latencies_by_kind, reasons_429, clients, warmup_latencies = run(
                args.clients, args.seconds, server.base_url, owners, imdb_ids, args.warmup
            )
        finally:
            server.stop()
            worker.stop()
            purge_celery_queue()
        problems, edited = check_rows(owners, before, clients)
    unexpected = [line for client in clients for line in client.unexpected]
    checks, table = latency_table(latencies_by_kind, result.rps)
    summary = result.summary() | {
        "by_kind": {f"{kind} {status}": n for (kind, status), n in sorted(by_kind.items())},
        "refresh_429_by_reason": dict(reasons_429),
        "upstream_calls": fake.calls,
        "dvds_checked": len(before),
        "dvds_edited": edited,
        "unexpected_5xx_or_errors": len(unexpected),
        "row_problems": len(problems),
        "stack": stack.label,
    }
    print(json.dumps(summary, indent=2))
    warmup_line = (
        f"Warm-up ({args.warmup:.0f} s before, not in the table): {len(warmup_latencies)} requests, "
        f"p99 {percentile(warmup_latencies, 99) * 1000:.0f} ms"
        if warmup_latencies
        else "No warm-up"
    )
    print("\n".join(["", *table, "", warmup_line, "", "Refresh 429s by reason:"]))
    for reason, count in reasons_429.most_common():
        print(f"  {count:>5}  {reason}")
    for line in (unexpected + problems)[:20]:
        print("PROBLEM:", line, file=sys.stderr)
    failed_bounds = [name for name, _, _, ok in checks if not ok]
    correct = not unexpected and not problems and result.requests > 0
    ok = correct and not failed_bounds
    verdict = "PASS" if ok else "FAIL"
    print(
        f"{verdict}: {result.requests} requests from {args.clients} clients in {result.seconds:.1f} s, "
        f"p50 {result.p50 * 1000:.0f} ms, p99 {result.p99 * 1000:.0f} ms; unexpected 5xx/errors: {len(unexpected)}; "
        f"row problems: {len(problems)} of {len(before)} DVDs checked ({edited} edited); "
        f"bounds not met: {', '.join(failed_bounds) or 'none'}."
    )
    if not correct:
        return 1
    return LATENCY_BOUNDS_MISSED if failed_bounds else 0


if __name__ == "__main__":
    sys.exit(main())
