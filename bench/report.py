"""The benchmark's figures, its table and the machine it ran on."""

import operator
import os
import platform
from pathlib import Path

OPERATORS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


def figure(number, title, value, op, bound, detail, extra_ok=True, fmt="{:.2f}"):
    """One figure: its value against its bound, plus whatever else must hold (all answers 200…)."""
    passed = bool(OPERATORS[op](value, bound) and extra_ok)
    return {
        "number": number,
        "title": title,
        "value": round(value, 4) if isinstance(value, float) else value,
        "measured": fmt.format(value),
        "bound": f"{op} {fmt.format(bound) if op != '==' else bound}",
        "detail": detail,
        "passed": passed,
    }


def print_table(results):
    machine = results["machine"]
    print()
    print(f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['ram']} RAM, {machine['os']}")
    print(f"Stack:   {results['stack']}")
    print(f"Server:  {results['server']}; background refreshes: {results['background']}")
    print(f"Pages:   {results['pages']}")
    print(f"Client:  {results['client']}")
    print()
    print(f"{'page':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'server CPU ms/req':>18}  statuses")
    for load in results["loads"].values():
        errors = f" errors: {load['errors']}" if load["errors"] else ""
        print(
            f"{load['name']:<16} {load['requests_per_second']:>8.0f} {load['p50_ms']:>8.1f} {load['p99_ms']:>8.1f} "
            f"{load['requests']:>9} {load['server_cpu_ms_per_request']:>18.2f}  {load['statuses']}{errors}"
        )
    counts = ", ".join(f"{label}: {v['queries']}" for label, v in results["list_queries"].items())
    print(f"List page queries: {counts}")
    print()
    print_figures(results["figures"])


def print_figures(figures):
    """The figures as a table: number, figure, measured, bound, PASS or FAIL, detail."""
    rows = [("#", "figure", "measured", "bound", "result", "detail")]
    rows += [
        (str(f["number"]), f["title"], f["measured"], f["bound"], "PASS" if f["passed"] else "FAIL", f["detail"])
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print(" | ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)) + " | " + row[5])


def machine_info(stack):
    from django.db import connection

    from bench.stack import redis_answers

    info = {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram": _ram(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "database": f"{connection.vendor} {_database_version(connection)}",
    }
    if stack.uses_redis and redis_answers(stack.redis_url):
        import redis

        info["redis"] = redis.Redis.from_url(stack.redis_url).info("server").get("redis_version")
    return info


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _database_version(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]
