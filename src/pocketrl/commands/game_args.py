"""The game flags shared by train, eval and watch: --game, --rom, --state, --allow-any-rom."""

from __future__ import annotations

import argparse
import json

from pocketrl.games import GAMES


def add_game_args(p: argparse.ArgumentParser, default_help: str) -> None:
    """Register the game flags; ``default_help`` says what happens without --game."""
    p.add_argument("--game", choices=list(GAMES), default=None, help=f"game ({default_help})")
    p.add_argument(
        "--rom",
        default=None,
        metavar="PATH",
        help="pokered: your Pokemon Red ROM (or set POCKETRL_ROM); implies --game pokered",
    )
    p.add_argument(
        "--state", default=None, metavar="FILE", help="pokered: a PyBoy save state to start from"
    )
    p.add_argument(
        "--allow-any-rom",
        action="store_true",
        help="pokered: accept a ROM whose SHA-1 is not Pokemon Red (UE)",
    )


def chosen_game(args: argparse.Namespace) -> str | None:
    """--game, or pokered when a pokered flag is given, else None (the default)."""
    pokered = args.rom or args.state or args.allow_any_rom
    return args.game or ("pokered" if pokered else None)


def game_overrides(args: argparse.Namespace) -> list[str]:
    """The game flags as config overrides (``--set`` syntax)."""
    out = []
    game = chosen_game(args)
    if game is not None:
        out.append(f'game="{game}"')
    if game == "pokered":
        if args.rom is not None:
            out.append(f"pokered.rom={json.dumps(str(args.rom))}")
        if args.state is not None:
            out.append(f"pokered.state={json.dumps(str(args.state))}")
        if args.allow_any_rom:
            out.append("pokered.allow_any_rom=true")
    return out
