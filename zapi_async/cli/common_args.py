"""Argument pieces several ``zapi-async`` commands share (kept light: ``--help``
imports nothing else): number checks for flag values, and the input and results
file block (``FILE``, ``--format``, ``--results``, ``--resume``, ``--overwrite``)
of ``bulk`` and ``check-numbers``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "add_command",
    "add_profile_option",
    "add_results_options",
    "at_least_one",
    "at_least_zero",
    "number_flag",
    "results_options",
]

Number = TypeVar("Number", int, float)


def add_command(
    commands: Any,
    name: str,
    *,
    help: str,
    description: str,
    epilog: str,
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """A sub-command of ``commands`` whose ``epilog`` keeps its line breaks."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        parents=list(parents),
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def number_flag(
    convert: Callable[[str], Number], ok: Callable[[Number], bool], rule: str
) -> Callable[[str], Number]:
    """An argparse ``type``: ``convert`` the flag's text, refused unless ``ok``
    ("should be ``rule``, but was ...")."""

    def parse(text: str) -> Number:
        value = convert(text)
        if not ok(value):
            raise argparse.ArgumentTypeError(f"should be {rule}, but was {text}")
        return value

    # argparse names the type in "invalid <name> value: 'x'".
    parse.__name__ = "integer" if convert is int else "number"
    return parse


#: A rate (0 = no limit); NaN is refused.
at_least_zero = number_flag(float, lambda value: value >= 0, ">= 0")
#: A count.
at_least_one = number_flag(int, lambda value: value >= 1, ">= 1")


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    """``--profile none|careful`` (pacing; ``bulk`` and ``campaign create``)."""
    parser.add_argument(
        "--profile",
        choices=("none", "careful"),
        default="none",
        help="pacing against number bans: 'careful' = 2-6 s random gaps, 1000/day",
    )


def add_results_options(
    parser: argparse.ArgumentParser, *, default: str, resume: str, overwrite: str
) -> None:
    """``FILE``, ``--format``, ``--results`` (``default`` names its default),
    ``--resume`` and ``--overwrite`` (helped by ``resume`` and ``overwrite``)."""
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--format", choices=("csv", "jsonl"), help="default: from the extension")
    parser.add_argument("--results", type=Path, metavar="FILE", help=f"default: {default}")
    parser.add_argument("--resume", action="store_true", help=resume)
    parser.add_argument("--overwrite", action="store_true", help=overwrite)


def results_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~.results_file.ResultsOptions` fields the flags of
    :func:`add_results_options` give."""
    return {
        "input": args.file,
        "format": args.format,
        "results": args.results,
        "resume": args.resume,
        "overwrite": args.overwrite,
    }
