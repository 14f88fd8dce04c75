"""`quiver migrate`: move collections between two Qdrant-compatible servers (Quiver or Qdrant) through
the stock qdrant-client — config, payload indexes, aliases and every point — with a resumable,
checkpointed copy and a verification at the end. Needs the `migrate` extra (qdrant-client, rich)."""
