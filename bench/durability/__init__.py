"""Durability benchmarks (issue 4): WAL write throughput and restart time; run via `python -m bench.restart`."""
