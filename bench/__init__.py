"""Benchmarks: Quiver against raw hnswlib, QdrantClient(":memory:") and qdrant-edge on one seeded
synthetic data set. Run `python -m bench --help`; results land in bench/results/ and bench/README.md."""
