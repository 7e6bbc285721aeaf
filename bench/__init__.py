"""Benchmarks: `make bench` runs bench/run.py; bench/harness.py is the reusable part (servers, sessions, load)."""
