"""gRPC transport (grpc.aio, port 6334): Qdrant's public services, thin over `server.service`."""
