"""Durability of the engine: operation codec for the WAL, collection state files, recovery."""
