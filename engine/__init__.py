"""Quiver engine: Qdrant semantics, synchronous. Knows nothing of HTTP, gRPC or asyncio."""
