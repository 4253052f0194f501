"""The ``zapi-async`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``zapi-async``."""
    parser = argparse.ArgumentParser(
        prog="zapi-async", description="Z-API (WhatsApp) from the command line."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the demo against the embedded fake Z-API")
    sandbox = commands.add_parser("sandbox", help="run the fake Z-API until Ctrl+C")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        from .demo import main as demo

        demo()
    elif args.command == "sandbox":
        from .sandbox import run_sandbox

        run_sandbox(host=args.host, port=args.port)
    return 0
