"""The games behind the batched contract (contract.py) and the one factory to build them.

``make_game("gridmon" | "pokered" | "toy", num_envs, seed, config=..., **options)``
returns a ``BatchedGame``. ``config`` is the game's own config dataclass
(``GridmonConfig``, ``PokeredConfig``, ``ToyConfig``); without it one is built from
``options`` (field names of that dataclass, e.g. ``rom=...``, ``allow_any_rom=True``).
The trainer, eval, watch and bench all build their games here. Games import lazily, so
gridmon users never need PyBoy.
"""

from __future__ import annotations

import importlib

# game -> (module, config class, game class): the one list of games.
_GAMES = {
    "gridmon": ("pocketrl.games.gridmon.env", "GridmonConfig", "GridmonEnv"),
    "pokered": ("pocketrl.games.pokered.env", "PokeredConfig", "PokeredEnv"),
    "toy": ("pocketrl.games.toy", "ToyConfig", "ToyGame"),
}
GAMES = tuple(_GAMES)


def _module(game: str):
    if game not in _GAMES:
        raise ValueError(f"unknown game {game!r}; choose one of {', '.join(GAMES)}")
    try:
        return importlib.import_module(_GAMES[game][0])
    except ModuleNotFoundError as e:
        if e.name == "pyboy":
            raise ValueError(
                "pokered needs PyBoy: pip install -e '.[pokered]' (PyBoy 2.8)"
            ) from None
        raise


def config_class(game: str):
    """The config dataclass of ``game``."""
    return getattr(_module(game), _GAMES[game][1])


def make_game(game: str, num_envs: int, seed: int = 0, config=None, **options):
    """A batch of ``num_envs`` games of ``game`` (see module docstring)."""
    module = _module(game)
    if config is None:
        config = getattr(module, _GAMES[game][1])()
        for key, value in options.items():
            if not hasattr(config, key):
                raise ValueError(f"{game} has no option {key!r}")
            setattr(config, key, value)
    elif options:
        raise ValueError("give either config or options, not both")
    return getattr(module, _GAMES[game][2])(num_envs, config, seed=seed)
