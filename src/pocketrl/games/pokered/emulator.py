"""One pokered env: a headless PyBoy, its reward tracker and exploration memory.

``Emulator.step`` runs one action and writes that env's row of the batch buffers (see
``env.buffer_layout``); the batch loops live in env.py. Timing of an action (config):
press the button, emulate ``hold_ticks`` frames, release it, emulate up to
``action_ticks - 1`` frames; then the text rule: while ``textbox.needs_press`` (no menu
waits for its choice, and a text box waits for A/B or prints, or a script holds the
joypad), press A for ``hold_ticks`` frames and emulate the rest of a block of
``action_ticks`` frames, at most ``skip_while_ignored // action_ticks`` blocks; finally
emulate one frame with rendering: only the observed frame is ever rendered.
"""

from __future__ import annotations

import io
import pickle
import warnings
import zlib
from pathlib import Path

import numpy as np

from . import ram
from .config import PokeredConfig
from .rewards import MILESTONES, Exploration, RamRead, RewardTracker, milestones_of, read_ram
from .rom import RomError
from .textbox import needs_press

# action index -> PyBoy button name (the 7 buttons of the contract; no SELECT)
BUTTONS = ("up", "down", "left", "right", "a", "b", "start")
STATE_SIZE = 43
SNAPSHOT_VERSION = 2  # 2: the reward tracker keeps the Pokédex bests and the blackout


def new_pyboy(rom_path: str):
    """A headless PyBoy with sound off, not ticking in real time.

    The ROM is handed over as bytes, so PyBoy does not pick up a battery save
    (``<rom>.ram``) lying next to it: every game starts from the start state alone.
    """
    with warnings.catch_warnings():  # PyBoy's import notes which SDL2 binaries it found
        warnings.simplefilter("ignore", UserWarning)
        from pyboy import PyBoy

    rom = io.BytesIO(Path(rom_path).read_bytes())
    pyboy = PyBoy(rom, window="null", sound_emulated=False, log_level="ERROR")
    pyboy.set_emulation_speed(0)
    return pyboy


def write_state_vector(r: RamRead, t_frac: float, events: int, out: np.ndarray) -> None:
    """The (STATE_SIZE,) float vector, in blocks: badges (8 bits) | party levels / 100 (6)
    | party HP fraction (6) | party types multi-hot (15, ram.TYPE_IDS order) | party size
    / 6 | new events / 256 | log10(1 + money) / 6 | bag items / 20 | battle one-hot (none,
    wild, trainer) | episode progress t / horizon."""
    out[:] = 0.0
    for k in range(ram.NUM_BADGES):
        out[k] = r.badges >> k & 1
    for k in range(r.party_count):
        out[8 + k] = r.levels[k] / 100.0
        out[14 + k] = r.hp[k] / r.max_hp[k] if r.max_hp[k] else 0.0
    for t in r.types:
        if t in _TYPE_SLOT:
            out[20 + _TYPE_SLOT[t]] = 1.0
    out[35] = r.party_count / 6.0
    out[36] = min(events / 256.0, 1.0)
    out[37] = np.log10(1.0 + r.money) / 6.0
    out[38] = r.bag_items / ram.BAG_CAPACITY
    out[39 + r.battle] = 1.0
    out[42] = t_frac


_TYPE_SLOT = {t: k for k, t in enumerate(ram.TYPE_IDS)}


class Emulator:
    """One env (see module docstring). ``bufs`` are the batch buffers, ``row`` its row."""

    def __init__(self, rom_path, rom_sha1: str, start_raw: bytes, cfg: PokeredConfig, seed: int):
        self.cfg, self.rom_sha1, self.start_raw = cfg, rom_sha1, start_raw
        self.pyboy = new_pyboy(rom_path)
        self.mem = self.pyboy.memory
        self.screen = self.pyboy.screen.ndarray
        self.tracker = RewardTracker(cfg.rewards)
        self.exploration = Exploration()
        self.rng = np.random.default_rng(seed)
        self.ms_step = np.full(len(MILESTONES), -1, np.int64)
        self.t = self.game_t = 0
        self.read = RamRead()
        self.parts = np.zeros(len(self.tracker.weights), np.float32)

    # --- episodes ------------------------------------------------------------------------
    def new_game(self) -> None:
        """Load the start state and set every baseline."""
        self.pyboy.load_state(io.BytesIO(self.start_raw))
        jitter = (
            int(self.rng.integers(0, self.cfg.start_jitter + 1)) if self.cfg.start_jitter else 0
        )
        self.pyboy.tick(1 + jitter, True, False)
        self.read = read_ram(self.mem)
        self.tracker.start(self.read)
        self.ms_step[:] = -1
        self.game_t = 0
        self.new_episode()

    def new_episode(self) -> None:
        """Clear the exploration memory (the game goes on)."""
        self.exploration.clear()
        self.exploration.visit(self.read.map_id, self.read.x, self.read.y)
        self.t = 0

    # --- one action ----------------------------------------------------------------------
    def emulate(self, action: int) -> None:
        """Run one action's frames (see module docstring)."""
        cfg = self.cfg
        self._press(BUTTONS[action], cfg.action_ticks - 1)
        for _ in range(cfg.skip_while_ignored // cfg.action_ticks):
            if not needs_press(self.mem):
                break
            self._press("a", cfg.action_ticks)
        self.pyboy.tick(1, True, False)

    def _press(self, button: str, frames: int) -> None:
        """Hold ``button`` for ``hold_ticks`` frames, then emulate the rest of ``frames``."""
        pyboy, hold = self.pyboy, self.cfg.hold_ticks
        pyboy.button_press(button)
        pyboy.tick(hold, False, False)
        pyboy.button_release(button)
        pyboy.tick(frames - hold, False, False)

    def step(self, action: int, row: int, bufs: dict) -> None:
        """One action; write reward, flags, info and obs of ``row`` (autoreset included)."""
        self.emulate(action)
        r = self.read = read_ram(self.mem)
        new_tile = self.exploration.visit(r.map_id, r.x, r.y)
        self.tracker.update(r, new_tile, self.parts)
        self.t += 1
        self.game_t += 1
        reached = milestones_of(r, self.tracker.champion)
        for j, hit in enumerate(reached):
            if hit and self.ms_step[j] < 0:
                self.ms_step[j] = self.game_t
        terminated = self.tracker.champion
        truncated = not terminated and self.t >= self.cfg.horizon
        bufs["parts"][row] = self.parts
        bufs["reward"][row] = self.parts.sum()
        bufs["terminated"][row] = terminated
        bufs["truncated"][row] = truncated
        if terminated or truncated:
            self.write_obs(row, bufs, "final/")
            bufs["final_milestone_step"][row] = self.ms_step
            if terminated or self.cfg.on_truncate == "reset":
                self.new_game()
            else:
                self.new_episode()
        self.write_info(row, bufs)  # after an autoreset: the new episode's, as gridmon
        self.write_obs(row, bufs)

    # --- buffers -------------------------------------------------------------------------
    def write_info(self, row: int, bufs: dict) -> None:
        bufs["milestone_step"][row] = self.ms_step
        bufs["milestones"][row] = self.ms_step >= 0
        bufs["badges"][row] = self.read.badges.bit_count()
        bufs["explored"][row] = self.exploration.count
        bufs["events"][row] = max(self.read.events - self.tracker.base_events, 0)
        bufs["map"][row] = self.read.map_id

    def write_obs(self, row: int, bufs: dict, prefix: str = "obs/") -> None:
        """This env's observation into row ``row`` of the ``prefix`` buffers."""
        r = self.read
        np.copyto(bufs[prefix + "screen"][row], self.screen[::2, ::2, 0])
        self.exploration.window(r.map_id, r.x, r.y, bufs[prefix + "visited"][row])
        bufs[prefix + "map_id"][row, 0] = r.map_id
        species = bufs[prefix + "species"][row]
        species[:] = 0
        species[: r.party_count] = r.species[: r.party_count]
        species[ram.MAX_PARTY] = r.foe_species
        events = max(r.events - self.tracker.base_events, 0)
        write_state_vector(r, self.t / self.cfg.horizon, events, bufs[prefix + "state"][row])

    def write_all(self, row: int, bufs: dict) -> None:
        """Info and obs of the current state, no step (after reset/restore)."""
        self.write_info(row, bufs)
        self.write_obs(row, bufs)

    # --- snapshots -----------------------------------------------------------------------
    def snapshot(self) -> bytes:
        """Exact state: emulator, tracker, exploration memory, counters, RNG."""
        f = io.BytesIO()
        self.pyboy.save_state(f)
        data = {
            "version": SNAPSHOT_VERSION,
            "rom_sha1": self.rom_sha1,
            "pyboy": f.getvalue(),
            "tracker": self.tracker.state(),
            "exploration": self.exploration.state(),
            "counters": (self.t, self.game_t, self.ms_step.tolist()),
            "rng": self.rng.bit_generator.state,
        }
        return zlib.compress(pickle.dumps(data, protocol=5), 1)

    def restore(self, blob: bytes) -> None:
        """Put this env into a snapshot's state (RomError when it is of another ROM)."""
        try:
            data = pickle.loads(zlib.decompress(blob))
            version, made_from = data["version"], data["rom_sha1"]
        except Exception as e:
            raise RomError(f"not a pokered snapshot ({type(e).__name__}: {e})") from None
        if version != SNAPSHOT_VERSION or made_from != self.rom_sha1:
            raise RomError(
                f"pokered snapshot was made from ROM {made_from} (format {version}); this "
                f"env runs ROM {self.rom_sha1} (format {SNAPSHOT_VERSION})"
            )
        self.pyboy.load_state(io.BytesIO(data["pyboy"]))
        self.tracker.set_state(data["tracker"])
        self.exploration.set_state(data["exploration"])
        self.t, self.game_t, ms = data["counters"]
        self.ms_step[:] = ms
        self.rng.bit_generator.state = data["rng"]
        self.read = read_ram(self.mem)

    def render(self) -> np.ndarray:
        """(144, 160, 3) uint8 RGB of the last rendered frame."""
        return np.ascontiguousarray(self.screen[:, :, :3])

    def close(self) -> None:
        self.pyboy.stop(save=False)
