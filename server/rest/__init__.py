"""REST transport (starlette): parse JSON → server.convert → Service → render Qdrant's envelope."""
