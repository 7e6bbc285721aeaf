"""Benchmarks: `make bench` runs bench/run.py; stack, processes, sessions and http_load are the reusable parts."""
