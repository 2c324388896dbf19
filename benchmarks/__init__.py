"""The benchmark: parse throughput against its floor, builds of 1 to 1,000 documents, one more
document added, and BI query latency. Run it with `uv run python -m benchmarks`."""
