"""Generated protobuf and gRPC modules for Qdrant's gRPC API (package ``qdrant``).

Built from ``proto/*.proto`` by ``tools/gen_proto.py`` with grpcio-tools 1.85.1; do not
edit by hand. Import modules explicitly, e.g. ``from server.pb import points_pb2``.
"""

GRPCIO_TOOLS_VERSION = "1.85.1"
QDRANT_CLIENT_VERSION = "1.19.1"
