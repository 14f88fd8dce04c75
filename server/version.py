"""The Qdrant version this server speaks (reported on `GET /` and in gRPC HealthCheck)."""

VERSION = "1.19.0"
