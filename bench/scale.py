"""`make bench-scale`: a collection of 100,000 DVDs stays instant.

    .venv/bin/python -m bench.scale [--embedded] [--dvds N] [--films N] [--requests N] [--concurrency N]
                                    [--only pages,exports,refresh,import] [--json PATH]

One owner's 100,000 DVDs of 20,000 films (bench/scale_data.py), on PostgreSQL when it answers,
in a database of its own that every figure reuses:
- the list page (first, middle and last page of each sort), three searches and the statistics
  page: server time, each request timed around the view in this process (Django's test client,
  no HTTP, every page rendered), and their queries against a 30-DVD collection's;
- the CSV and JSON exports of all of it, each downloaded through its view in a child process:
  time to the first DVD, and the child's peak RSS;
- `refresh_yts` over the 20,000 stale films, the fake YTS answering in 50 ms, no pace;
- `import_collection` of a 100,000-row CSV with IMDb ids (no TMDB), in a child process, then again.
Prints the figures as a table, writes JSON (bench/results/scale.json), exits non-zero when a bound
is not met.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.report import figure, machine_info, print_figures
from bench.sessions import create_user
from bench.stack import PROJECT_DIR, RESULTS_DIR, analyze_database, app_env, detect_stack, reset_stack, setup_django
from fakes import FakeYTS

DVDS, FILMS, SMALL_DVDS = 100_000, 20_000, 30
REQUESTS = 9  # timed requests per page, after one that warms the caches
YTS_LATENCY = 0.05
SECTIONS = ("pages", "exports", "refresh", "import")
LIST_BOUND_MS = SEARCH_BOUND_MS = 50
STATS_BOUND_MS = 300
FIRST_DVD_BOUND_S, EXPORT_RSS_BOUND_MB = 1.0, 150
IMPORT_BOUND_S, IMPORT_RSS_BOUND_MB = 120, 300
CHILD_TIMEOUT_S = 900
# Its own database and Redis database: the other benchmarks may be flushing theirs meanwhile.
SCALE_DB = "dvdtracker_bench_scale"
SCALE_REDIS = "redis://127.0.0.1:6379/13"
SERVER_TIME = "Django test client in the benchmark's process, view timed per request, pages rendered"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--embedded", action="store_true", help="SQLite even if PostgreSQL/Redis answer")
    parser.add_argument("--dvds", type=int, default=DVDS, help=f"DVDs of the one owner (default {DVDS:,})")
    parser.add_argument("--films", type=int, default=FILMS, help=f"films they are copies of (default {FILMS:,})")
    parser.add_argument("--requests", type=int, default=REQUESTS, help=f"timed requests per page ({REQUESTS})")
    parser.add_argument("--concurrency", type=int, default=None, help="refresh_yts --concurrency (its default)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated, of: {', '.join(SECTIONS)}")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "scale.json", help="where to write")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    if unknown := set(args.only) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with FakeYTS(latency=YTS_LATENCY) as fake:
        stack = detect_stack(force_embedded=args.embedded, db_name=SCALE_DB, redis_url=SCALE_REDIS)
        print(f"Stack: {stack.label}", flush=True)
        reset_stack(stack)
        env = app_env(
            stack,
            fake.base_url,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            # The import's limits, raised for one 100,000-row file (the defaults are 20,000 rows and 5 MB).
            IMPORT_MAX_ROWS=args.dvds,
            IMPORT_MAX_UPLOAD_BYTES=200 * args.dvds,
        )
        setup_django(env)
        load_before = os.getloadavg()
        results = measure(args, env, fake)
    machine = machine_info(stack)
    results.update(
        started=started.isoformat(timespec="seconds"),
        stack=stack.label,
        machine=machine,
        load_average={"before": load_before, "after": os.getloadavg()},
    )
    print()
    print(f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['ram']} RAM, {machine['os']}")
    print(f"Stack:   {stack.label}")
    print(f"Data:    {results['data']}")
    print(f"Server time: {SERVER_TIME}")
    print(f"Load average (1, 5, 15 min): before {_load(load_before)}, after {_load(os.getloadavg())}")
    print()
    print_figures(results["figures"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nJSON: {args.json}")
    return 0 if all(f["passed"] for f in results["figures"]) else 1


def _load(averages):
    return " ".join(f"{value:.2f}" for value in averages)


def measure(args, env, fake):
    from bench import scale_data

    print(f"Writing {args.dvds:,} DVDs of {args.films:,} films…", flush=True)
    began = time.perf_counter()
    owner = create_user("scale-owner")
    small = create_user("scale-small")
    scale_data.make_collection(owner, args.dvds, args.films)
    scale_data.make_collection(small, SMALL_DVDS, SMALL_DVDS)
    analyze_database()
    results = {
        "data": f"{args.dvds:,} DVDs of {args.films:,} films for one owner, 10% with torrents, every film stale; "
        f"written and analysed in {time.perf_counter() - began:.0f} s",
        "figures": [],
    }
    sections = {
        "pages": lambda: measure_pages(args, owner, small),
        "exports": lambda: measure_exports(env, owner),
        "refresh": lambda: measure_refresh(args, env, fake),
        "import": lambda: measure_import(args, env),
    }
    # In this order whatever --only says: the refresh rewrites the owner's rows, the import adds another owner's.
    for name in (name for name in SECTIONS if name in args.only):
        began = time.perf_counter()
        measured = sections[name]()
        results["figures"] += measured.pop("figures")
        results[name] = {**measured, "seconds": round(time.perf_counter() - began, 1)}
    return results


# --- pages ----------------------------------------------------------------------------------


def time_page(client, path, requests):
    """The median of `requests` timed requests (after one untimed), and the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    durations = []
    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(path)
        for _ in range(requests):
            began = time.perf_counter()
            response = client.get(path)
            durations.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
    return statistics.median(durations) * 1000, len(captured)


def signed_in_client(user):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def measure_pages(args, owner, small):
    from bench import scale_data
    from tracker.models import DVD, SORT_ORDERINGS
    from tracker.views.collection import PAGE_SIZE

    print(f"Pages: list (3 pages x {len(SORT_ORDERINGS)} sorts), 3 searches, statistics…", flush=True)
    client, small_client = signed_in_client(owner), signed_in_client(small)
    last = -(-args.dvds // PAGE_SIZE)
    pages = {"first": 1, "middle": (last + 1) // 2, "last": last}
    _, small_list_queries = time_page(small_client, "/", 1)
    figures, timings = [], {}
    for number, sort in enumerate(SORT_ORDERINGS, start=1):
        measured = {
            label: time_page(client, f"/?sort={sort}&page={page}", args.requests) for label, page in pages.items()
        }
        timings[f"list {sort}"] = measured
        worst = max(ms for ms, _ in measured.values())
        counts = {queries for _, queries in measured.values()} | {small_list_queries}
        figures.append(
            figure(f"L{number}", f"List page sorted by {sort}: server time p50, worst of first/middle/last page",
                   worst, "<=", LIST_BOUND_MS,
                   ", ".join(f"{label} (page {pages[label]:,}) {ms:.1f} ms" for label, (ms, _) in measured.items())
                   + f"; queries {_constant(counts)}", len(counts) == 1, fmt="{:.1f} ms")
        )  # fmt: skip
    film = 0
    searches = {
        "title fragment": scale_data.NOUNS[2].lower(),
        "director": scale_data.films(1)[film][2],
        "IMDb id": scale_data.imdb_id(film),
    }
    _, small_search_queries = time_page(small_client, f"/?q={searches['IMDb id']}", 1)
    for number, (label, text) in enumerate(searches.items(), start=1):
        ms, queries = time_page(client, f"/?q={text.replace(' ', '+')}", args.requests)
        timings[f"search {label}"] = (ms, queries)
        found = DVD.objects.for_user(owner).search(text).count()
        figures.append(
            figure(f"Q{number}", f"Search by {label} (?q={text}): server time p50", ms, "<=", SEARCH_BOUND_MS,
                   f"{found:,} DVDs found; queries {_constant({queries, small_search_queries})}",
                   queries == small_search_queries, fmt="{:.1f} ms")
        )  # fmt: skip
    ms, queries = time_page(client, "/stats/", args.requests)
    _, small_queries = time_page(small_client, "/stats/", 1)
    timings["stats"] = (ms, queries)
    figures.append(
        figure("S1", f"Statistics page, {args.dvds:,} DVDs: server time p50", ms, "<=", STATS_BOUND_MS,
               f"queries {_constant({queries, small_queries})}", queries == small_queries, fmt="{:.1f} ms")
    )  # fmt: skip
    return {"timings_ms_queries": timings, "figures": figures}


def _constant(counts):
    counts = sorted(counts)
    return f"{counts[0]} at every size (constant)" if len(counts) == 1 else f"{counts} (NOT constant)"


# --- child processes ------------------------------------------------------------------------


@dataclass
class Child:
    exit_code: int
    seconds: float
    peak_rss_mb: float
    output: str

    def last_line(self):
        lines = self.output.strip().splitlines()
        return lines[-1] if lines else ""


def run_child(command, env, log_path, timeout=CHILD_TIMEOUT_S):
    """Run `python COMMAND…` to its end: its wall time and its own peak RSS (not wait4's: see bench/peak_rss.py)."""
    log_path = Path(log_path)
    peak_file = log_path.with_suffix(".peak")
    peak_file.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "bench.peak_rss", str(peak_file), *command]
    with log_path.open("w") as log:
        began = time.perf_counter()
        popen = subprocess.Popen(argv, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        timer = threading.Timer(timeout, popen.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(popen.pid, 0)
        except BaseException:
            popen.kill()
            popen.wait()
            raise
        finally:
            timer.cancel()
        seconds = time.perf_counter() - began
    popen.returncode = os.waitstatus_to_exitcode(status)
    peak = float(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss / 1024
    return Child(popen.returncode, seconds, peak, log_path.read_text(errors="replace"))


# --- exports --------------------------------------------------------------------------------


def measure_exports(env, owner):
    print("Exports: CSV and JSON of the whole collection, each in a child process…", flush=True)
    figures, measured = [], {}
    for number, kind in enumerate(("csv", "json"), start=1):
        command = ["-m", "bench.export_child", kind, owner.username]
        child = run_child(command, env, RESULTS_DIR / f"scale-export-{kind}.log")
        try:
            done = json.loads(child.last_line())
        except json.JSONDecodeError:
            done = {"status": None, "streaming": False, "first_dvd_s": None, "seconds": 0, "bytes": 0, "dvds": 0}
        measured[kind] = {**done, "peak_rss_mb": round(child.peak_rss_mb, 1), "exit_code": child.exit_code}
        complete = child.exit_code == 0 and done["status"] == 200 and done["streaming"]
        first = done["first_dvd_s"] if done["first_dvd_s"] is not None else float("inf")
        label = kind.upper()
        figures += [
            figure(f"E{2 * number - 1}", f"{label} export, all {done['dvds']:,} DVDs: time to the first DVD",
                   first, "<=", FIRST_DVD_BOUND_S,
                   f"streamed: {done['streaming']}; {done['bytes'] / 1e6:.1f} MB in {done['seconds']:.1f} s",
                   complete, fmt="{:.2f} s"),
            figure(f"E{2 * number}", f"{label} export: peak RSS of the process", child.peak_rss_mb, "<=",
                   EXPORT_RSS_BOUND_MB, "the child process downloading it through the view (Django test client)",
                   complete, fmt="{:.0f} MB"),
        ]  # fmt: skip
    return {"exports": measured, "figures": figures}


# --- refresh_yts ----------------------------------------------------------------------------


def measure_refresh(args, env, fake):
    from django.conf import settings

    from tracker.management.commands.refresh_yts import DEFAULT_MAX_AGE_HOURS
    from tracker.models import DVD

    concurrency = args.concurrency or settings.YTS_BATCH_CONCURRENCY
    films = DVD.objects.with_imdb_id().stale(DEFAULT_MAX_AGE_HOURS).values("imdb_id").distinct().count()
    print(f"refresh_yts --concurrency {concurrency}: {films:,} stale films, YTS at {YTS_LATENCY * 1000:.0f} ms…")
    fake.configure(latency=YTS_LATENCY)
    fake.reset()
    command = ["manage.py", "refresh_yts", "--concurrency", str(concurrency)]
    child = run_child(command, {**env, "YTS_MAX_REQUESTS_PER_SECOND": "0"}, RESULTS_DIR / "scale-refresh.log")
    still_stale = DVD.objects.with_imdb_id().stale(DEFAULT_MAX_AGE_HOURS).count()
    calls = fake.calls
    bound = 1.3 * (films * YTS_LATENCY / concurrency) + 10
    ideal = films * YTS_LATENCY / concurrency
    return {
        "refresh": {"films": films, "concurrency": concurrency, "wall_s": round(child.seconds, 2), "calls": calls,
                    "still_stale": still_stale, "exit_code": child.exit_code, "output": child.last_line()},
        "figures": [
            figure("R1", f"refresh_yts, {films:,} stale films, YTS {YTS_LATENCY * 1000:.0f} ms, concurrency "
                   f"{concurrency}, no pace: wall time", child.seconds, "<=", bound,
                   f"{child.seconds / ideal:.2f} x ideal {ideal:g} s; {calls:,} calls; {still_stale} DVDs still "
                   f"stale; peak RSS {child.peak_rss_mb:.0f} MB",
                   child.exit_code == 0 and calls == films and still_stale == 0, fmt="{:.1f} s"),
        ],
    }  # fmt: skip


# --- import ---------------------------------------------------------------------------------

IMPORT_HEADINGS = ["Title", "Release Year", "Format", "Location", "IMDb ID", "Director", "Genres", "Runtime"]
FORMAT_NAMES = {"dvd": "DVD", "bluray": "Blu-ray", "4k_uhd": "4K Ultra HD"}


def write_import_file(path, args):
    """A collector's CSV of the same collection (CLZ Movies-like headings): every row gives its IMDb id."""
    from bench import scale_data

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADINGS)
        for dvd in scale_data.copies(args.dvds, args.films, torrent_share=0):
            writer.writerow([dvd["name"], dvd["release_year"], FORMAT_NAMES[dvd["disk_type"]], dvd["storage_box"],
                             dvd["imdb_id"], dvd["director"], dvd["genres"], dvd["runtime"]])  # fmt: skip


def measure_import(args, env):
    from tracker.models import DVD

    path = RESULTS_DIR / "scale-import.csv"
    write_import_file(path, args)
    print(f"Import: {args.dvds:,} rows ({path.stat().st_size / 1e6:.1f} MB) in a child process, then again…")
    importer = create_user("scale-import")
    command = ["manage.py", "import_collection", str(path), "--user", importer.username, "-v", "0"]
    first = run_child(command, env, RESULTS_DIR / "scale-import.log")
    added = DVD.objects.for_user(importer).count()
    again = run_child(command, env, RESULTS_DIR / "scale-reimport.log")
    added_again = DVD.objects.for_user(importer).count() - added
    ok = first.exit_code == 0 and again.exit_code == 0
    return {
        "import": {
            "rows": args.dvds, "bytes": path.stat().st_size, "added": added, "added_again": added_again,
            "seconds": round(first.seconds, 1), "again_seconds": round(again.seconds, 1),
            "peak_rss_mb": round(first.peak_rss_mb, 1), "again_peak_rss_mb": round(again.peak_rss_mb, 1),
            "summary": first.last_line(), "again_summary": again.last_line(),
        },
        "figures": [
            figure("I1", f"Import of a {args.dvds:,}-row CSV with IMDb ids: wall time", first.seconds, "<=",
                   IMPORT_BOUND_S, f"{added:,} DVDs added ({first.last_line()[:80]})", ok and added == args.dvds,
                   fmt="{:.1f} s"),
            figure("I2", "Import: peak RSS of the process", first.peak_rss_mb, "<=", IMPORT_RSS_BOUND_MB,
                   f"import_collection in a child process; the re-import's {again.peak_rss_mb:.0f} MB", ok,
                   fmt="{:.0f} MB"),
            figure("I3", "Re-import of the same file: DVDs added", added_again, "==", 0,
                   f"{again.seconds:.1f} s; {again.last_line()[:80]}", ok, fmt="{:d}"),
        ],
    }  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
