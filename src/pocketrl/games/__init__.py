"""The games behind the batched contract (contract.py) and one factory to build them.

``make_game("gridmon" | "pokered" | "toy", num_envs, seed, config=..., **options)``
returns a ``BatchedGame``. ``config`` is the game's own config dataclass
(``GridmonConfig``, ``PokeredConfig``, ``ToyConfig``); without it one is built from
``options`` (field names of that dataclass, e.g. ``rom=...``, ``allow_any_rom=True``).
Games import lazily, so gridmon users never need PyBoy.
"""

from __future__ import annotations

GAMES = ("gridmon", "pokered", "toy")


def _config_class(game: str):
    if game == "gridmon":
        from .gridmon.config import GridmonConfig

        return GridmonConfig
    if game == "pokered":
        from .pokered.config import PokeredConfig

        return PokeredConfig
    if game == "toy":
        from .toy import ToyConfig

        return ToyConfig
    raise ValueError(f"unknown game {game!r}; choose one of {', '.join(GAMES)}")


def make_game(game: str, num_envs: int, seed: int = 0, config=None, **options):
    """A batch of ``num_envs`` games of ``game`` (see module docstring)."""
    cls = _config_class(game)
    if config is None:
        config = cls()
        for key, value in options.items():
            if not hasattr(config, key):
                raise ValueError(f"{game} has no option {key!r}")
            setattr(config, key, value)
    elif options:
        raise ValueError("give either config or options, not both")
    if game == "gridmon":
        from .gridmon.env import GridmonEnv

        return GridmonEnv(num_envs, config, seed=seed)
    if game == "pokered":
        from .pokered.env import PokeredEnv

        try:
            return PokeredEnv(num_envs, config, seed=seed)
        except ModuleNotFoundError as e:
            if e.name == "pyboy":
                raise ValueError(
                    "pokered needs PyBoy: pip install -e '.[pokered]' (PyBoy 2.8)"
                ) from None
            raise
    from .toy import ToyGame

    return ToyGame(num_envs, config, seed=seed)
