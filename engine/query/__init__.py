"""The universal query API: prefetch trees, fusion, recommend/discover/context scoring, formula
rescoring, sampling, grouping and the distance matrix, built on the vector-search primitives of
`engine.shard.search` so that every vector kind they support works here too."""
