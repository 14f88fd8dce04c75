"""`python -m server [--config-path FILE]`: start Quiver with Qdrant-style settings."""

from __future__ import annotations

import argparse
import asyncio

from server.app import serve
from server.logs import setup_logging
from server.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="quiver", description="Qdrant-compatible vector database server")
    parser.add_argument("--config-path", default=None, help="YAML config file in Qdrant's layout")
    args = parser.parse_args()
    settings = load_settings(args.config_path)
    setup_logging(settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
