"""Benchmarks (see bench/README.md). A package so that gunicorn can import `bench.settings`."""
