"""The user's ROM and the start state: checks with errors a person can act on.

The ROM is never shipped, downloaded or committed. ``check_rom`` finds it (``--rom PATH``
or the ``POCKETRL_ROM`` environment variable) and checks its SHA-1 against the known
Pokémon Red (UE) dump; ``--allow-any-rom`` accepts another file (a hack, the test ROM).

States: ``pack_state``/``unpack_state`` wrap a PyBoy save state in a small header that
names the ROM's SHA-1, so a state made from another ROM is refused by name. A bare
PyBoy state file (made by another tool) is accepted when it loads and has the size a
state of this ROM has.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

POKEMON_RED_SHA1 = "ea9bcae617fdf159b045185467ae58b2e4a48b9a"
ROM_ENV = "POCKETRL_ROM"
STATE_MAGIC = b"POCKETRL-PYBOY-STATE-1\n"
SHA1_LEN = 20
CACHE_SUFFIX = ".pocketrl-start.state"


class RomError(ValueError):
    """The ROM or a state file cannot be used; the message says what would be right."""


def sha1_of(path: Path) -> str:
    """Hex SHA-1 of a file's bytes."""
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()


def resolve_rom(rom: str | os.PathLike | None) -> Path:
    """The ROM path from the argument or ``POCKETRL_ROM``; RomError when neither is set
    or the file is missing."""
    if not rom:
        rom = os.environ.get(ROM_ENV, "")
    if not rom:
        raise RomError(
            "pokered needs your Pokémon Red ROM: pass --rom PATH (or --set pokered.rom=PATH) "
            f"or set {ROM_ENV}=PATH. The ROM is never shipped or downloaded; expected the "
            f"Pokémon Red (UE) dump with SHA-1 {POKEMON_RED_SHA1}."
        )
    path = Path(rom).expanduser()
    if not path.is_file():
        raise RomError(
            f"ROM file {path} does not exist (from --rom / {ROM_ENV}); expected the Pokémon "
            f"Red (UE) dump with SHA-1 {POKEMON_RED_SHA1}"
        )
    return path


def check_rom(rom: str | os.PathLike | None, allow_any_rom: bool = False) -> tuple[Path, str]:
    """Find the ROM and check its hash. Returns (path, sha1 hex).

    Raises RomError naming the flag, the path, the hash found and the one expected.
    """
    path = resolve_rom(rom)
    digest = sha1_of(path)
    if digest != POKEMON_RED_SHA1 and not allow_any_rom:
        raise RomError(
            f"ROM {path} (from --rom / {ROM_ENV}) has SHA-1 {digest}, but Pokémon Red (UE) "
            f"has SHA-1 {POKEMON_RED_SHA1}. Use the right dump, or pass --allow-any-rom "
            "(--set pokered.allow_any_rom=true) to run a hack or another revision at your "
            "own risk (RAM addresses may differ)."
        )
    return path, digest


def pack_state(raw: bytes, rom_sha1: str) -> bytes:
    """A PyBoy state with the header naming the ROM it came from."""
    return STATE_MAGIC + bytes.fromhex(rom_sha1) + raw


def unpack_state(blob: bytes, rom_sha1: str, where: str) -> bytes:
    """The raw PyBoy state inside ``blob``; RomError if it was made from another ROM.

    A blob without the header is returned as is (checked later by ``load_checked``).
    """
    if not blob.startswith(STATE_MAGIC):
        return blob
    start = len(STATE_MAGIC)
    made_from = blob[start : start + SHA1_LEN].hex()
    if made_from != rom_sha1:
        raise RomError(
            f"{where} was made from the ROM with SHA-1 {made_from}, but this run's ROM has "
            f"SHA-1 {rom_sha1}; make a state with this ROM (or drop --state to use the "
            "default start state)"
        )
    return blob[start + SHA1_LEN :]


def load_checked(pyboy, raw: bytes, where: str, expected_size: int | None = None) -> None:
    """Load a raw PyBoy state; RomError if it does not load or has another ROM's size."""
    if expected_size is not None and len(raw) != expected_size:
        raise RomError(
            f"{where} is not a PyBoy {pyboy_version()} save state of this ROM ({len(raw)} "
            f"bytes, a state of this ROM has {expected_size}); it was made from another ROM "
            "or PyBoy version"
        )
    try:
        pyboy.load_state(io.BytesIO(raw))
    except Exception as e:  # PyBoy raises several kinds on a bad state
        raise RomError(f"{where} could not be loaded as a PyBoy save state: {e}") from None


def read_state_file(path: str | os.PathLike) -> bytes:
    """Bytes of a state file; RomError naming ``--state`` when unreadable."""
    path = Path(path).expanduser()
    try:
        return path.read_bytes()
    except OSError as e:
        raise RomError(f"--state {path} cannot be read: {e.strerror or e}") from None


def cache_path(rom: Path) -> Path:
    """Where the start state made on first use is cached: next to the ROM."""
    return rom.with_name(rom.name + CACHE_SUFFIX)


def pyboy_version() -> str:
    try:
        from importlib.metadata import version

        return version("pyboy")
    except Exception:
        return "2.8"
