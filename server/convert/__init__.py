"""Conversion between wire formats (REST JSON, protobuf) and engine types; the one error table."""
