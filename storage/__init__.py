"""Quiver storage: bytes and files (WAL, atomic state files, arrays). Knows no Qdrant semantics."""
