"""`make bench`: the five speed figures, each a ratio or count measured in this one run.

    .venv/bin/python -m bench.run [--embedded] [--no-page-cache] [--clients N] [--rounds N] [--round-seconds S]
                                  [--json PATH]

Prints a table with PASS/FAIL per figure, writes it as JSON (bench/results/latest.json by
default) and exits non-zero when a bound is not met.
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.http_load import LoadResult, burst, cycle_paths, run_load, wait_until
from bench.processes import start_celery_worker, start_gunicorn
from bench.report import figure, machine_info, print_table
from bench.sessions import create_user, signed_in_cookies
from bench.stack import (
    PROJECT_DIR,
    RESULTS_DIR,
    analyze_database,
    app_env,
    detect_stack,
    flush_redis,
    reset_stack,
    setup_django,
)
from fakes import FakeYTS

CLIENTS = 16
ROUNDS = 6
ROUND_SECONDS = 4.0
WARMUP_SECONDS = 1.0
STALE_WARMUP_SECONDS = 0.3  # each server thread publishes once (opening its broker connection), little backlog
STAMPEDE_REQUESTS = 200
SLOW_YTS_SECONDS = 2.0
BATCH_DVDS, BATCH_FILMS, BATCH_OWNERS = 10_000, 2_000, 5
BATCH_LATENCY, BATCH_CONCURRENCY = 0.05, 8
LIST_DVDS = 10_000
FRESH_DVDS, STALE_DVDS, SMALL_COLLECTION = 200, 3_000, 30


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--embedded", action="store_true", help="SQLite + local memory even if PostgreSQL/Redis answer")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="PAGE_CACHE_SECONDS=0: every page rendered (the pages' own cost)"
    )
    parser.add_argument("--clients", type=int, default=CLIENTS, help=f"concurrent clients (default {CLIENTS})")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"interleaved measuring rounds (default {ROUNDS})")
    parser.add_argument("--round-seconds", type=float, default=ROUND_SECONDS, help="seconds per page per round")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "latest.json", help="where to write")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with FakeYTS(latency=SLOW_YTS_SECONDS) as fake:
        stack = detect_stack(force_embedded=args.embedded)
        print(f"Stack: {stack.label}", flush=True)
        reset_stack(stack)
        env = app_env(stack, fake.base_url, **({"PAGE_CACHE_SECONDS": 0} if args.no_page_cache else {}))
        setup_django(env)
        results = measure(args, stack, env, fake)
    results.update(started=started.isoformat(timespec="seconds"), machine=machine_info(stack))
    print_table(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nJSON: {args.json}")
    return 0 if all(f["passed"] for f in results["figures"]) else 1


def measure(args, stack, env, fake):
    from django.conf import settings

    from bench import data

    print("Creating the collections…", flush=True)
    viewer = create_user("bench-viewer")
    lister = create_user("bench-lister")
    small = create_user("bench-small")
    fresh = data.make_dvds(viewer, FRESH_DVDS, id_base=data.FRESH_IDS, state="fresh")
    stale = data.make_dvds(viewer, STALE_DVDS, id_base=data.STALE_IDS, state="stale", name_prefix="Stale")
    # Figure 2's baseline: as many fresh films, visited like the stale ones (each request another film).
    fresh_many = data.make_dvds(viewer, STALE_DVDS, id_base=data.FRESH_MANY_IDS, state="fresh")
    [stampede_dvd] = data.make_dvds(viewer, 1, id_base=data.STAMPEDE_IDS, state="stale", name_prefix="Stampede")
    data.make_dvds(lister, LIST_DVDS, id_base=data.LIST_IDS, films=LIST_DVDS // 5, state="fresh")
    data.make_dvds(small, SMALL_COLLECTION, id_base=data.LIST_IDS, state="fresh")
    analyze_database()
    viewer_cookies, lister_cookies = signed_in_cookies(viewer), signed_in_cookies(lister)

    # One process on the embedded default: its lock and background pool live in that process.
    workers, threads = (2, 4) if stack.uses_redis else (1, 8)
    logs = RESULTS_DIR
    server = start_gunicorn(env, logs / "gunicorn.log", workers=workers, threads=threads)
    worker = None
    plans = {
        "trivial": (cycle_paths(["/bench/trivial/"]), viewer_cookies),
        "detail_fresh": (cycle_paths(d.get_absolute_url() for d in fresh), viewer_cookies),
        "detail_fresh_3k": (cycle_paths(d.get_absolute_url() for d in fresh_many), viewer_cookies),
        "detail_stale": (cycle_paths(d.get_absolute_url() for d in stale), viewer_cookies),
        "list_10000": (cycle_paths(["/"]), lister_cookies),
    }
    try:
        worker = start_celery_worker(env, logs / "celery.log", concurrency=8) if stack.uses_redis else None
        background = "Celery worker, 8 threads, on Redis" if worker else "in-process thread pool (no Redis)"
        print(f"Server: {server.description}; background refreshes: {background}", flush=True)
        for name in ("trivial", "detail_fresh", "list_10000"):
            plan, cookies = plans[name]
            run_load(server.base_url, cookies, plan, clients=args.clients, seconds=WARMUP_SECONDS)
        # Before any stale page is shown, so that no backlog of background refreshes delays this one.
        stampede = measure_stampede(server, viewer_cookies, stampede_dvd, fake)
        for name in ("detail_fresh_3k", "detail_stale"):  # alike, as figure 2 compares them
            plan, cookies = plans[name]
            run_load(server.base_url, cookies, plan, clients=args.clients, seconds=STALE_WARMUP_SECONDS)
        loads, background_calls = measure_rounds(server, plans, args, fake)
        queries = list_query_counts(lister, small)
    finally:
        if worker:
            worker.stop()
        server.stop()
    batch = measure_batch(stack, env, fake)
    return {
        "stack": stack.label,
        "server": server.description,
        "background": background,
        "pages": f"stored for up to {settings.PAGE_CACHE_SECONDS} s (PAGE_CACHE_SECONDS)"
        if settings.PAGE_CACHE_SECONDS
        else "rendered on every request (PAGE_CACHE_SECONDS=0)",
        "client": f"{args.clients} threads, keep-alive http.client, {args.rounds} interleaved rounds of "
        f"{args.round_seconds:g} s per page",
        "loads": {name: load.summary() for name, load in loads.items()},
        "background_calls_during_loads": background_calls,
        "stampede": stampede,
        "batch": batch,
        "list_queries": queries,
        "figures": figures(loads, background_calls, stampede, batch, queries),
    }


def measure_stampede(server, cookies, dvd, fake):
    """STAMPEDE_REQUESTS simultaneous requests for one stale DVD while YTS takes SLOW_YTS_SECONDS."""
    from tracker.models import DVD

    print(f"Figure 3: {STAMPEDE_REQUESTS} simultaneous requests for one stale DVD…", flush=True)
    before = dvd.yts_last_updated
    stampede = burst(server.base_url, cookies, dvd.get_absolute_url(), clients=STAMPEDE_REQUESTS, name="stampede")
    refreshed = wait_until(
        lambda: DVD.objects.filter(pk=dvd.pk, yts_last_updated__gt=before).exists(), seconds=60, interval=0.2
    )
    time.sleep(SLOW_YTS_SECONDS + 1)  # room for a duplicate call to arrive, if there were one
    return {
        "requests": stampede.requests,
        "statuses": {str(k): v for k, v in stampede.statuses.items()},
        "errors": stampede.errors,
        "p99_ms": round(stampede.p99 * 1000, 1),
        "refreshed": refreshed,
        "upstream_calls": fake.calls_for(dvd.imdb_id),
        "yts_latency_s": SLOW_YTS_SECONDS,
    }


def measure_rounds(server, plans, args, fake):
    """Each page in turn, round after round, so drift on a noisy machine touches every page alike."""
    print(f"Figures 1, 2, 5: {args.rounds} rounds of {len(plans)} pages x {args.round_seconds:g} s…", flush=True)
    totals = {name: LoadResult(name, args.clients) for name in plans}
    calls_before = fake.calls
    for _ in range(args.rounds):
        for name, (plan, cookies) in plans.items():
            cpu_before = server.cpu_seconds()
            load = run_load(server.base_url, cookies, plan, clients=args.clients, seconds=args.round_seconds, name=name)
            load.server_cpu = server.cpu_seconds() - cpu_before
            totals[name].merge(load)
    return totals, fake.calls - calls_before


def list_query_counts(lister, small):
    """Queries of the list page, rendered (not a stored page), in this process through the whole stack:
    10,000 DVDs vs a small collection."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from tracker.views.collection import PAGE_SIZE

    last_page = -(-LIST_DVDS // PAGE_SIZE)
    counts = {}
    for label, user, path in (
        ("10,000 DVDs, page 1", lister, "/"),
        ("10,000 DVDs, last page", lister, f"/?page={last_page}"),
        ("10,000 DVDs, search", lister, "/?q=Film+0001"),
        (f"{SMALL_COLLECTION} DVDs, page 1", small, "/"),
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies.load(signed_in_cookies(user))
        with override_settings(PAGE_CACHE_SECONDS=0):
            # A session is read from the database once, then from the cache (cached_db): not counted,
            # as it has nothing to do with the collection's size.
            client.get("/bench/trivial/")
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
        counts[label] = {"queries": len(captured), "status": status}
    return counts


def measure_batch(stack, env, fake):
    """refresh_yts --concurrency 8 over BATCH_DVDS never-fetched DVDs sharing BATCH_FILMS IMDb ids."""
    from bench import data
    from tracker.models import DVD

    print(f"Figure 4: refresh_yts over {BATCH_DVDS:,} DVDs of {BATCH_FILMS:,} films…", flush=True)
    DVD.objects.all().delete()
    flush_redis(stack)  # no cached answers, no leftover tasks or locks
    for i in range(BATCH_OWNERS):
        owner = create_user(f"bench-batch{i}")
        data.make_dvds(owner, BATCH_DVDS // BATCH_OWNERS, id_base=data.BATCH_IDS, films=BATCH_FILMS, state="never")
    analyze_database()
    fake.configure(latency=BATCH_LATENCY)
    fake.reset()
    argv = [sys.executable, "manage.py", "refresh_yts", "--concurrency", str(BATCH_CONCURRENCY)]
    batch_env = {**env, "YTS_MAX_REQUESTS_PER_SECOND": "0"}
    began = time.perf_counter()
    done = subprocess.run(argv, cwd=PROJECT_DIR, env=batch_env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - began
    snapshot = fake.calls_snapshot()["by_imdb"]
    return {
        "dvds": BATCH_DVDS,
        "films": BATCH_FILMS,
        "concurrency": BATCH_CONCURRENCY,
        "yts_latency_s": BATCH_LATENCY,
        "wall_s": round(wall, 2),
        "ideal_s": BATCH_FILMS * BATCH_LATENCY / BATCH_CONCURRENCY,
        "upstream_calls": fake.calls,
        "max_calls_per_film": max(snapshot.values(), default=0),
        "not_updated": DVD.objects.filter(yts_last_updated__isnull=True).count(),
        "exit_code": done.returncode,
        "output": done.stdout.strip().splitlines()[-1:] + done.stderr.strip().splitlines()[-3:],
    }


def figures(loads, background_calls, stampede, batch, queries):
    trivial, fresh, fresh_many, stale, listing = (
        loads[k] for k in ("trivial", "detail_fresh", "detail_fresh_3k", "detail_stale", "list_10000")
    )
    all_ok = {name: load.ok for name, load in loads.items()}
    query_counts = {v["queries"] for v in queries.values()}
    ideal = batch["ideal_s"]
    return [
        figure(
            1,
            "Detail page, fresh data: req/s vs trivial view",
            fresh.rps / trivial.rps,
            ">=",
            0.7,
            f"{fresh.rps:.0f} / {trivial.rps:.0f} req/s",
            all_ok["detail_fresh"] and all_ok["trivial"],
        ),
        figure(
            2,
            f"Detail page, stale data, YTS at {SLOW_YTS_SECONDS:g} s: p99 vs fresh p99",
            stale.p99 / fresh_many.p99,
            "<=",
            1.5,
            f"{stale.p99 * 1000:.1f} / {fresh_many.p99 * 1000:.1f} ms ({STALE_DVDS:,} films each; "
            f"{stale.p99 / fresh.p99:.2f} x the {FRESH_DVDS}-film fresh page's); {background_calls} background calls",
            all_ok["detail_stale"] and all_ok["detail_fresh_3k"],
        ),
        figure(
            3,
            f"Stampede: {stampede['requests']} simultaneous requests, one stale DVD: upstream calls",
            stampede["upstream_calls"],
            "==",
            1,
            f"{stampede['statuses'].get('200', 0)}/{stampede['requests']} pages HTTP 200, p99 "
            f"{stampede['p99_ms']:.0f} ms; DVD refreshed: {stampede['refreshed']}",
            stampede["statuses"] == {"200": STAMPEDE_REQUESTS} and stampede["refreshed"],
            fmt="{:d}",
        ),
        figure(
            4,
            f"Batch: {batch['dvds']:,} DVDs, {batch['films']:,} films, YTS {batch['yts_latency_s'] * 1000:.0f} ms, "
            f"concurrency {batch['concurrency']}: wall time",
            batch["wall_s"],
            "<=",
            1.5 * ideal,
            f"{batch['upstream_calls']} calls (bound == {batch['films']}); "
            f"{batch['wall_s'] / ideal:.2f} x ideal {ideal:g} s",
            batch["upstream_calls"] == batch["films"] and batch["exit_code"] == 0 and batch["not_updated"] == 0,
            fmt="{:.2f} s",
        ),
        figure(
            5,
            f"List page, {LIST_DVDS:,} DVDs: req/s vs trivial view; queries",
            listing.rps / trivial.rps,
            ">=",
            0.5,
            f"{listing.rps:.0f} / {trivial.rps:.0f} req/s; queries {sorted(query_counts)} "
            + ("(constant)" if len(query_counts) == 1 else "(NOT constant)"),
            all_ok["list_10000"] and len(query_counts) == 1 and all(v["status"] == 200 for v in queries.values()),
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
