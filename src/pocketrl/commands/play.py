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
    from pocketrl.games.gridmon.config import GridmonConfig
    from pocketrl.games.gridmon.env import GridmonEnv
    from pocketrl.games.gridmon.play import play

    env = GridmonEnv(
        1, GridmonConfig(world=args.world, horizon=10**9, on_truncate="continue"), seed=args.seed
    )
    steps = play(env)
    print(f"played {steps} steps")
    return 0
