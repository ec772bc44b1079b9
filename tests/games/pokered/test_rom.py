"""ROM and state checks: every bad input is a clear error naming what to fix."""

from __future__ import annotations

import io

import pytest

from pocketrl.games.pokered.config import PokeredConfig
from pocketrl.games.pokered.emulator import new_pyboy
from pocketrl.games.pokered.env import PokeredEnv
from pocketrl.games.pokered.rom import (
    POKEMON_RED_SHA1,
    ROM_ENV,
    RomError,
    cache_path,
    check_rom,
    pack_state,
    sha1_of,
)

from .conftest import make_env


def test_missing_rom_names_the_flag_and_the_variable(monkeypatch):
    monkeypatch.delenv(ROM_ENV, raising=False)
    with pytest.raises(RomError, match=f"--rom PATH.*{ROM_ENV}.*{POKEMON_RED_SHA1}"):
        check_rom("")


def test_rom_file_that_does_not_exist(tmp_path):
    with pytest.raises(RomError, match=f"{tmp_path / 'nope.gb'} does not exist"):
        check_rom(tmp_path / "nope.gb")


def test_rom_from_the_environment_variable(monkeypatch, test_rom):
    monkeypatch.setenv(ROM_ENV, str(test_rom))
    path, digest = check_rom("", allow_any_rom=True)
    assert path == test_rom and digest == sha1_of(test_rom)


def test_wrong_hash_names_path_both_hashes_and_the_escape(test_rom):
    with pytest.raises(RomError) as e:
        check_rom(test_rom)
    msg = str(e.value)
    for part in (str(test_rom), sha1_of(test_rom), POKEMON_RED_SHA1, "--allow-any-rom"):
        assert part in msg


def test_env_refuses_the_test_rom_without_allow_any_rom(test_rom):
    with pytest.raises(RomError, match="--allow-any-rom"):
        PokeredEnv(1, PokeredConfig(rom=str(test_rom), workers=0))


def test_start_state_is_cached_next_to_the_rom(test_rom):
    make_env(test_rom).close()
    assert cache_path(test_rom).is_file()


def test_unreadable_state_file(test_rom, tmp_path):
    missing = tmp_path / "missing.state"
    with pytest.raises(RomError, match=f"--state {missing} cannot be read"):
        make_env(test_rom, state=str(missing))


def test_state_made_from_another_rom(test_rom, tmp_path):
    pyboy = new_pyboy(str(test_rom))
    f = io.BytesIO()
    pyboy.save_state(f)
    pyboy.stop(save=False)
    other = tmp_path / "other.state"
    other.write_bytes(pack_state(f.getvalue(), "ab" * 20))
    with pytest.raises(RomError, match="made from the ROM with SHA-1 abab"):
        make_env(test_rom, state=str(other))
    good = tmp_path / "good.state"
    good.write_bytes(pack_state(f.getvalue(), sha1_of(test_rom)))
    make_env(test_rom, state=str(good)).close()


def test_bare_state_of_the_wrong_size_or_garbage(test_rom, tmp_path):
    junk = tmp_path / "junk.state"
    junk.write_bytes(b"not a state at all")
    with pytest.raises(RomError, match="not a PyBoy .* save state of this ROM"):
        make_env(test_rom, state=str(junk))


def test_bad_config_values_name_the_key(test_rom):
    with pytest.raises(ValueError, match="pokered.hold_ticks"):
        make_env(test_rom, hold_ticks=30)
    with pytest.raises(ValueError, match="pokered.on_truncate"):
        make_env(test_rom, on_truncate="stop")


def test_snapshot_from_another_rom_is_refused(test_rom, tmp_path):
    from pocketrl.games.pokered.testrom import build_test_rom, header_checksum

    image = bytearray(build_test_rom())
    image[0x7FFF] = 0x5A  # an unused byte: same program, another SHA-1
    image[0x14D] = header_checksum(image)
    other_rom = tmp_path / "other.gb"
    other_rom.write_bytes(bytes(image))
    other = make_env(other_rom)
    blob = other.snapshot([0])
    other.close()
    env = make_env(test_rom)
    with pytest.raises(RomError, match=f"made from ROM {sha1_of(other_rom)}"):
        env.restore([0], blob)
    env.close()
