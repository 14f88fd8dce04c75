"""The shard layer: a segment holder with lock-free readers and one writer, the search across
segments, the application of operations, and the optimizer that seals, indexes and rebuilds."""
