"""The collector's benchmarks: a 10,000-row import and the statistics page at 10,000 DVDs.

    .venv/bin/python -m bench.bench_collector [--embedded] [--rows N] [--json PATH]

Every figure is a ratio or a count measured in this one run, against a local fake TMDB:
- import: 10,000 title-only rows (CLZ Movies' columns) matched on TMDB and imported, against
  1,000 rows (linear scaling), with TMDB calls per row, then the same file again (no new DVD,
  no TMDB call: the searches are cached); and this app's own 10,000-row export re-imported
  (no TMDB at all), the pipeline's own cost;
- statistics: the page at 10,000 DVDs against 100 DVDs, and its query count at both sizes, and
  against the list page at 10,000 DVDs, both rendered (the list's stored page is left out).
Prints a table with PASS/FAIL per figure, writes JSON, exits non-zero when a bound is not met.
"""

import argparse
import csv
import io
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import figure, machine_info
from bench.sessions import create_user
from bench.stack import RESULTS_DIR, analyze_database, app_env, detect_stack, reset_stack, setup_django
from fakes import FakeTMDB, FakeYTS
from fakes.catalogue import Film
from fakes.tmdb import summary

ROWS = 10_000
SMALL_ROWS = 1_000
STATS_DVDS, STATS_SMALL = 10_000, 100
STATS_REQUESTS = 15
TMDB_KEY = "bench-tmdb-key"
# Its own database and Redis database: bench.run may be flushing its own meanwhile.
BENCH_DB = "dvdtracker_bench_collector"
BENCH_REDIS = "redis://127.0.0.1:6379/12"
FORMATS = ["DVD", "Blu-ray", "4K Ultra HD"]
GENRES = ["Drama", "Crime", "Comedy", "Action", "Horror", "Science Fiction", "Animation", "Western"]


class IndexedFakeTMDB(FakeTMDB):
    """The fake TMDB with a title index, so that 10,000 searches measure the importer, not the fake's scan."""

    def __init__(self, **options):
        super().__init__(**options)
        self.by_title = {}
        for film in self.films.values():
            self.by_title.setdefault(film.title.casefold(), []).append(film)

    def search(self, query):
        year = (query.get("year") or "").strip()
        hits = [
            f
            for f in self.by_title.get(query.get("query", "").strip().casefold(), [])
            if not year or str(f.year) == year
        ]
        return {"page": 1, "results": [summary(f) for f in hits], "total_pages": 1, "total_results": len(hits)}


def bench_films(count):
    return [
        Film(
            tmdb_id=5_000_000 + n,
            imdb_id=f"tt{50_000_000 + n}",
            title=f"Collector Bench Film {n:05d}",
            release_date=f"{1950 + n % 70}-06-01",
            runtime=80 + n % 90,
        )
        for n in range(count)
    ]


def clz_csv(count, first=0):
    """A CLZ Movies-style export of title-only rows (no IMDb or TMDB id: every row is searched)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Index", "Title", "Release Year", "Format", "Location", "Collection Status", "Seen It"])
    for n in range(first, first + count):
        writer.writerow([n, f"Collector Bench Film {n:05d}", 1950 + n % 70, FORMATS[n % 3], f"Shelf {n % 30}",
                         "In Collection", "Yes" if n % 2 else "No"])  # fmt: skip
    return out.getvalue().encode()


def timed_import(path, username):
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("import_collection", str(path), "--user", username, stdout=out, verbosity=0)
    return time.perf_counter() - started, out.getvalue()


def measure_import(rows, tmdb, workdir):
    from django.core.cache import cache

    from tracker.models import DVD

    create_user("import-small")
    create_user("import-large")
    small_file, large_file = workdir / "small.csv", workdir / "large.csv"
    small_file.write_bytes(clz_csv(SMALL_ROWS, first=rows))  # other films: no cached search helps it
    large_file.write_bytes(clz_csv(rows))

    small_seconds, _ = timed_import(small_file, "import-small")
    tmdb.reset()
    large_seconds, large_out = timed_import(large_file, "import-large")
    large_calls = tmdb.calls
    added = DVD.objects.filter(owner__username="import-large").count()
    tmdb.reset()
    again_seconds, again_out = timed_import(large_file, "import-large")
    again_calls = tmdb.calls
    added_again = DVD.objects.filter(owner__username="import-large").count() - added

    # This app's own export of those DVDs into a fresh account: every row identified, no TMDB.
    create_user("import-restore")
    export = workdir / "export.csv"
    from django.core.management import call_command

    call_command("export_collection", "--user", "import-large", "--output", str(export), stderr=io.StringIO())
    cache.clear()
    tmdb.reset()
    own_seconds, _ = timed_import(export, "import-restore")
    restored = DVD.objects.filter(owner__username="import-restore").count()

    per_row_small, per_row_large = small_seconds / SMALL_ROWS, large_seconds / rows
    return {
        "seconds": {"1k": small_seconds, "10k": large_seconds, "10k_again": again_seconds, "own_export": own_seconds},
        "summary": large_out.strip().splitlines()[-1],
        "again": again_out.strip().splitlines()[-1],
        "figures": [
            figure("I1", f"{rows:,}-row import: DVDs added", added, "==", rows,
                   f"{large_seconds:.1f} s for {rows:,} rows ({rows / large_seconds:.0f} rows/s), matched on TMDB",
                   fmt="{:d}"),
            figure("I2", "import time per row, 10k vs 1k rows", per_row_large / per_row_small, "<=", 1.5,
                   f"{per_row_large * 1000:.2f} ms/row vs {per_row_small * 1000:.2f} ms/row: linear, no slowdown"),
            figure("I3", "TMDB calls per row (search + details)", large_calls / rows, "<=", 2.0,
                   f"{large_calls:,} calls for {rows:,} rows"),
            figure("I4", "re-import: DVDs added / TMDB calls", added_again + again_calls, "==", 0,
                   f"{added_again} added, {again_calls} calls in {again_seconds:.1f} s (cached searches, "
                   "duplicates found)", fmt="{:d}"),
            figure("I5", "own-export import vs matched import time", own_seconds / large_seconds, "<=", 1.0,
                   f"{own_seconds:.1f} s for {restored:,} identified rows with no TMDB call ({tmdb.calls} calls)"),
        ],
    }  # fmt: skip


def make_collection(owner, count):
    from tracker.models import DVD

    now = datetime.now(UTC)
    dvds = [
        DVD(
            owner=owner,
            name=f"Stats Film {n:05d}",
            release_year=None if n % 50 == 0 else 1920 + n % 105,
            disk_type=[DVD.DiskType.DVD, DVD.DiskType.BLURAY, DVD.DiskType.UHD][n % 3],
            media_type=[DVD.MediaType.PHYSICAL, DVD.MediaType.DOWNLOAD, DVD.MediaType.RIP][n % 7 % 3],
            status=DVD.Status.DISPOSED if n % 11 == 0 else DVD.Status.KEPT,
            is_unwatched=n % 4 == 0,
            imdb_id="" if n % 13 == 0 else f"tt{60_000_000 + n}",
            genres=", ".join(sorted({GENRES[n % 8], GENRES[n * 7 % 8], GENRES[n * 3 % 5]})),
            runtime=80 + n % 100,
            yts_torrent_count=n % 3,
            yts_last_updated=None if n % 5 == 0 else now,
        )
        for n in range(count)
    ]
    created = DVD.objects.bulk_create(dvds, batch_size=1000)
    for n, dvd in enumerate(created):
        dvd.created_at = now - timedelta(days=n % 1000)
    DVD.objects.bulk_update(created, ["created_at"], batch_size=1000)


def time_page(client, url, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, secure=True)  # warm-up
    durations = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, secure=True)
    return statistics.median(durations), len(queries.captured_queries)


def measure_stats():
    from django.test import Client, override_settings
    from django.urls import reverse

    results = {}
    for label, count in (("small", STATS_SMALL), ("large", STATS_DVDS)):
        owner = create_user(f"stats-{label}")
        make_collection(owner, count)
        analyze_database()
        client = Client()
        client.force_login(owner)
        results[label] = time_page(client, reverse("stats"), STATS_REQUESTS)
        # Rendered each time, as the stats page is: a stored list page (tracker/page_cache.py) costs a cache read.
        with override_settings(PAGE_CACHE_SECONDS=0):
            results[f"{label}_list"] = time_page(client, reverse("dvd_list"), STATS_REQUESTS)
    (small, small_q), (large, large_q) = results["small"], results["large"]
    large_list, _ = results["large_list"]
    return {
        "ms": {k: round(v[0] * 1000, 1) for k, v in results.items()},
        "figures": [
            figure("S1", "stats page: 10k DVDs vs 100 DVDs (median time)", large / small, "<=", 10.0,
                   f"{large * 1000:.1f} ms vs {small * 1000:.1f} ms"),
            figure("S2", "stats page queries at 10k DVDs (same as at 100)", large_q, "==", small_q,
                   f"{large_q} queries at {STATS_DVDS:,}, {small_q} at {STATS_SMALL}", fmt="{:d}"),
            figure("S3", "stats page vs list page, both at 10k DVDs", large / large_list, "<=", 10.0,
                   f"{large * 1000:.1f} ms vs {large_list * 1000:.1f} ms (one page of 24, rendered)"),
        ],
    }  # fmt: skip


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.bench_collector", description=__doc__.splitlines()[0])
    parser.add_argument("--embedded", action="store_true", help="SQLite + local memory even if PostgreSQL/Redis answer")
    parser.add_argument("--rows", type=int, default=ROWS, help=f"rows in the large import (default {ROWS:,})")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "collector.json", help="where to write")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = datetime.now(UTC)
    workdir = RESULTS_DIR / "collector-files"
    workdir.mkdir(parents=True, exist_ok=True)
    films = bench_films(args.rows + SMALL_ROWS)
    with FakeYTS() as yts, IndexedFakeTMDB(films=films, api_key=TMDB_KEY) as tmdb:
        stack = detect_stack(force_embedded=args.embedded, db_name=BENCH_DB, redis_url=BENCH_REDIS)
        print(f"Stack: {stack.label}", flush=True)
        reset_stack(stack)
        env = app_env(
            stack,
            yts.base_url,
            TMDB_API_BASE_URL=tmdb.base_url,
            TMDB_API_KEY=TMDB_KEY,
            TMDB_MAX_REQUESTS_PER_SECOND=0,  # the pace is a courtesy to the real TMDB, not to the fake
            IMPORT_MAX_ROWS=max(args.rows, 20_000),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        )
        setup_django(env)
        print(f"Importing {SMALL_ROWS:,} then {args.rows:,} rows, then again, then the export…", flush=True)
        imports = measure_import(args.rows, tmdb, workdir)
        print(f"Statistics at {STATS_SMALL} and {STATS_DVDS:,} DVDs…", flush=True)
        stats = measure_stats()
    results = {
        "started": started.isoformat(timespec="seconds"),
        "stack": stack.label,
        "machine": machine_info(stack),
        "import_seconds": {k: round(v, 2) for k, v in imports["seconds"].items()},
        "import_summary": imports["summary"],
        "reimport_summary": imports["again"],
        "stats_ms": stats["ms"],
        "figures": imports["figures"] + stats["figures"],
    }
    print(f"\nStack:   {stack.label}")
    print(f"Import:  {imports['summary']}  |  again: {imports['again']}")
    rows = [(f["number"], f["title"], f["measured"], f["bound"], "PASS" if f["passed"] else "FAIL", f["detail"])
            for f in results["figures"]]  # fmt: skip
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row[:5], widths, strict=True)) + " | " + row[5])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nJSON: {args.json}")
    return 0 if all(f["passed"] for f in results["figures"]) else 1


if __name__ == "__main__":
    sys.exit(main())
