"""Quiver server: settings, transports (REST, gRPC) and the conversion layer."""
