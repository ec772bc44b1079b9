"""``pocketrl play``: play gridmon yourself in the terminal."""

from __future__ import annotations


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "play",
        help="play gridmon in the terminal",
        description="Play gridmon with the keyboard. Arrows/wasd "
        "move, j = A, k = B, enter = START, q = quit.",
    )
    p.add_argument("--world", default="main", help="gridmon world (main, mini)")
    p.add_argument("--seed", type=int, default=0, help="seed of encounters and battle rolls")
    p.set_defaults(func=run)


def run(args) -> int:
    from pocketrl.games import make_game
    from pocketrl.games.gridmon.play import play

    env = make_game(
        "gridmon", 1, args.seed, world=args.world, horizon=10**9, on_truncate="continue"
    )
    steps = play(env)
    print(f"played {steps} steps")
    return 0
