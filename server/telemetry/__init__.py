"""Operational figures: request statistics shared by both transports, /metrics, /telemetry, /issues."""
