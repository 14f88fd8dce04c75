"""The engine's vocabulary: plain dataclasses that REST JSON and gRPC messages are converted into."""
