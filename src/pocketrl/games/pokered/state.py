"""The start state of every pokered game: a ``--state`` file, or one made and cached.

Order: ``PokeredConfig.state`` when set (a PyBoy 2.8 save state, bare or with pocketrl's
ROM header); else the cache next to the ROM (``<rom>.pocketrl-start.state``); else one is
made - Pokémon Red/Blue (by the cartridge title) with pocketrl's own intro walk
(intro.py: past the intro, the first default names, in the player's room, checked by
RAM; deterministic, so every machine makes the same state), any other ROM by running
``boot_frames`` frames - and cached next to the ROM (skipped with a warning where that
folder is read-only).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from pocketrl.atomic import atomic_write_bytes

from .config import PokeredConfig
from .emulator import new_pyboy
from .intro import walk_intro
from .rom import (
    cache_path,
    load_checked,
    pack_state,
    read_state_file,
    unpack_state,
)

POKEMON_TITLES = ("POKEMON RED", "POKEMON BLUE")


def _save(pyboy) -> bytes:
    f = io.BytesIO()
    pyboy.save_state(f)
    return f.getvalue()


def start_state(rom: Path, rom_sha1: str, cfg: PokeredConfig) -> bytes:
    """The raw PyBoy state every game starts from (checked against this ROM)."""
    pyboy = new_pyboy(str(rom))
    try:
        size = len(_save(pyboy))
        if cfg.state:
            where = f"--state {cfg.state}"
            raw = unpack_state(read_state_file(cfg.state), rom_sha1, where)
            load_checked(pyboy, raw, where, size)
            return raw
        cache = cache_path(rom)
        if cache.is_file():
            where = f"cached start state {cache} (delete it to make a new one)"
            raw = unpack_state(read_state_file(cache), rom_sha1, where)
            load_checked(pyboy, raw, where, size)
            return raw
        raw = make_start_state(pyboy, cfg)
        _write_cache(cache, pack_state(raw, rom_sha1))
        return raw
    finally:
        pyboy.stop(save=False)


def make_start_state(pyboy, cfg: PokeredConfig) -> bytes:
    """Play the ROM to its first controllable moment and save the state."""
    if pyboy.cartridge_title in POKEMON_TITLES:
        walk_intro(pyboy)  # IntroError (a RomError) names the step where it stopped
    else:
        pyboy.tick(cfg.boot_frames, False, False)
    pyboy.tick(1, True, False)
    return _save(pyboy)


def _write_cache(path: Path, blob: bytes) -> None:
    try:
        atomic_write_bytes(path, blob)
    except OSError as e:
        warnings.warn(
            f"could not cache the start state at {path} ({e.strerror or e}); it will be made "
            "again next time",
            RuntimeWarning,
            stacklevel=3,
        )
