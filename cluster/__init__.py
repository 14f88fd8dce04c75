"""Cluster mode over NATS JetStream (opt-in with `cluster.enabled`).

Metadata (collections, aliases, peers) lives in replicated JetStream KV buckets (`meta.py`); each
shard's operations are a replicated JetStream stream (`names.py`, `writes.py`); every node that
holds a replica applies its stream in order with the single-node engine (`replica.py`);
`node.py` ties it together. Nothing here is imported when cluster mode is off.
"""
