"""Run a script, or a module with -m, in this process; at exit, write its peak RSS in MB to a file.

    python -m bench.peak_rss PEAK_FILE manage.py import_collection FILE --user NAME
    python -m bench.peak_rss PEAK_FILE -m bench.export_child csv NAME

The kernel's own count of a child's peak (wait4, getrusage) starts with the memory of the process
that forked it, before the child ran any Python: a 150 MB benchmark process made every child look
150 MB. VmHWM in /proc/self/status belongs to the program alone. Nothing is written where /proc
is missing (not Linux); the caller then falls back to wait4's figure.
"""

import atexit
import runpy
import sys
from pathlib import Path


def peak_rss_mb():
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmHWM:")), None)


def write_peak(path):
    peak = peak_rss_mb()
    if peak is not None:
        Path(path).write_text(f"{peak:.1f}\n")


def main():
    peak_file, *target = sys.argv[1:]
    atexit.register(write_peak, peak_file)
    if target[0] == "-m":
        sys.argv = target[1:]
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = target
        runpy.run_path(target[0], run_name="__main__")


if __name__ == "__main__":
    main()
