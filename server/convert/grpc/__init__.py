"""Protobuf (Qdrant's gRPC messages, `server.pb`) ⇄ engine types, with the same defaults as REST."""
