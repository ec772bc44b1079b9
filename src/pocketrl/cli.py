"""``pocketrl``: one command; sub-commands train, play, eval, watch, compare, export,
bench.

Each sub-command lives in its own module with ``add_parser(subparsers)``; this file only
gathers them, so the CLI stays a thin shell over importable functions.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module registers one or more sub-commands; all are part of every install (a
# missing one is a broken install and fails loudly).
COMMAND_MODULES = (
    "pocketrl.commands.train",
    "pocketrl.commands.play",
    "pocketrl.commands.eval",
    "pocketrl.commands.watch",
    "pocketrl.commands.compare",
    "pocketrl.commands.export",
    "pocketrl.commands.bench",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pocketrl",
        description="Tiny specialist agents that master long games by exploration.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except (ValueError, FileNotFoundError) as e:  # bad input: say what, not a traceback
        print(f"pocketrl {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
