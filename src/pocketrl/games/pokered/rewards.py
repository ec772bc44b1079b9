"""What the game's RAM says, the exploration memory, and the reward components.

``read_ram`` turns the emulator's memory into a ``RamRead`` (named fields, addresses from
ram.py). ``Exploration`` is one env's episodic memory of visited (map id, x, y) tiles.
``RewardTracker`` compares successive reads and writes the weighted reward components
(config.REWARD_COMPONENTS order) of one step:

- ``explore``  +1 per tile newly added to the exploration memory.
- ``event``    +1 per event flag set beyond the most ever seen in this game (flags the
  game clears again are not paid twice); the start state's flags are the baseline.
  EVENT_BOUGHT_MUSEUM_TICKET is not counted: it is bought, not earned.
- ``badge``    +1 per badge beyond the most held in this game.
- ``level``    capped growth of the party's level sum: full rate up to ``level_cap``, a
  quarter beyond; paid only above the best score of this game (the start party is the
  baseline).
- ``heal``     increase of the party's HP fraction (sum HP / sum max HP) while the party
  size is unchanged and the party was not all fainted (the heal after a blackout is free).
- ``blackout`` -1 per blackout: the whole party fainted and the player is on the map
  ``wLastBlackoutMap`` names, where the game sends a party that blacked out (HandleBlackOut
  heals it, then warps). A fainted party that is healed elsewhere before that, with
  ``wJoyIgnore`` clear, did not black out (losing to the rival in Oak's lab).
- ``champion`` +1 on first entering the Hall of Fame.
- ``dex_seen``  +1 per species marked in ``wPokedexSeen`` beyond the most in this game.
- ``dex_owned`` +1 per species marked in ``wPokedexOwned`` beyond the most in this game.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import ram
from .config import REWARD_COMPONENTS, PokeredRewards

VIEW_H, VIEW_W = 9, 10
VIEW_CY, VIEW_CX = 4, 4  # the player's cell in the window
R = {name: j for j, name in enumerate(REWARD_COMPONENTS)}
MILESTONES = [f"badge_{k}" for k in range(1, ram.NUM_BADGES + 1)] + ["champion"]


def _u16(mem, addr: int) -> int:
    return (mem[addr] << 8) | mem[addr + 1]


def _bcd(values) -> int:
    out = 0
    for v in values:
        out = out * 100 + (v >> 4) * 10 + (v & 0x0F)
    return out


@dataclass
class RamRead:
    """The parts of the game state the adapter uses, read once per step."""

    map_id: int = 0
    x: int = 0
    y: int = 0
    badges: int = 0  # bit mask
    events: int = 0  # event flags set
    party_count: int = 0
    species: list = field(default_factory=lambda: [0] * ram.MAX_PARTY)
    levels: list = field(default_factory=lambda: [0] * ram.MAX_PARTY)
    hp: list = field(default_factory=lambda: [0] * ram.MAX_PARTY)
    max_hp: list = field(default_factory=lambda: [0] * ram.MAX_PARTY)
    types: list = field(default_factory=list)  # type ids present in the party
    money: int = 0
    bag_items: int = 0
    battle: int = 0  # 0 none, 1 wild, 2 trainer
    foe_species: int = 0
    joy_ignore: int = 0
    blackout_map: int = 0  # wLastBlackoutMap
    dex_seen: int = 0  # species seen
    dex_owned: int = 0  # species owned

    @property
    def hp_fraction(self) -> float:
        total = sum(self.max_hp)
        return sum(self.hp) / total if total else 0.0

    @property
    def fainted(self) -> bool:
        return self.party_count > 0 and sum(self.max_hp) > 0 and sum(self.hp) == 0

    @property
    def level_sum(self) -> int:
        return sum(self.levels)


def _bits_set(mem, addr: int, size: int) -> int:
    return int.from_bytes(bytes(mem[addr : addr + size]), "little").bit_count()


def read_ram(mem) -> RamRead:
    """One ``RamRead`` from a PyBoy ``memory`` object (about 60 byte reads)."""
    r = RamRead(map_id=mem[ram.W_CUR_MAP], x=mem[ram.W_X_COORD], y=mem[ram.W_Y_COORD])
    r.badges = mem[ram.W_OBTAINED_BADGES]
    museum = mem[ram.W_EVENT_FLAGS + ram.MUSEUM_TICKET_BYTE] & ram.MUSEUM_TICKET_MASK
    r.events = _bits_set(mem, ram.W_EVENT_FLAGS, ram.EVENT_FLAGS_BYTES) - bool(museum)
    r.dex_seen = _bits_set(mem, ram.W_POKEDEX_SEEN, ram.POKEDEX_BYTES)
    r.dex_owned = _bits_set(mem, ram.W_POKEDEX_OWNED, ram.POKEDEX_BYTES)
    r.blackout_map = mem[ram.W_LAST_BLACKOUT_MAP]
    n = min(mem[ram.W_PARTY_COUNT], ram.MAX_PARTY)
    r.party_count = n
    types = set()
    for k in range(n):
        base = ram.W_PARTY_MONS + k * ram.PARTY_STRUCT_SIZE
        r.species[k] = mem[ram.W_PARTY_SPECIES + k]
        r.levels[k] = mem[base + ram.MON_LEVEL]
        r.hp[k] = _u16(mem, base + ram.MON_HP)
        r.max_hp[k] = _u16(mem, base + ram.MON_MAX_HP)
        types.add(mem[base + ram.MON_TYPE1])
        types.add(mem[base + ram.MON_TYPE2])
    r.types = sorted(types)
    r.money = _bcd(mem[ram.W_PLAYER_MONEY : ram.W_PLAYER_MONEY + 3])
    r.bag_items = min(mem[ram.W_NUM_BAG_ITEMS], ram.BAG_CAPACITY)
    battle = mem[ram.W_IS_IN_BATTLE]
    r.battle = battle if battle in (1, 2) else 0
    r.foe_species = mem[ram.W_ENEMY_MON_SPECIES] if r.battle else 0
    r.joy_ignore = mem[ram.W_JOY_IGNORE]
    return r


class Exploration:
    """One env's memory of visited (map id, x, y) tiles, a padded 2-D array per map."""

    SIZE_H, SIZE_W = 256 + VIEW_H, 256 + VIEW_W

    def __init__(self):
        self.maps: dict[int, np.ndarray] = {}
        self.count = 0

    def clear(self) -> None:
        self.maps.clear()
        self.count = 0

    def visit(self, map_id: int, x: int, y: int) -> bool:
        """Mark a tile; True when it was new."""
        grid = self.maps.get(map_id)
        if grid is None:
            grid = self.maps[map_id] = np.zeros((self.SIZE_H, self.SIZE_W), np.uint8)
        if grid[y + VIEW_CY, x + VIEW_CX]:
            return False
        grid[y + VIEW_CY, x + VIEW_CX] = 1
        self.count += 1
        return True

    def window(self, map_id: int, x: int, y: int, out: np.ndarray) -> None:
        """Write the (9, 10) window around (x, y) into ``out`` (player at row 4, col 4)."""
        grid = self.maps.get(map_id)
        if grid is None:
            out[:] = 0
        else:
            out[:] = grid[y : y + VIEW_H, x : x + VIEW_W]

    def state(self) -> tuple:
        return self.count, {m: np.packbits(g) for m, g in self.maps.items()}

    def set_state(self, state: tuple) -> None:
        count, packed = state
        size = self.SIZE_H * self.SIZE_W
        self.maps = {
            m: np.unpackbits(p, count=size).reshape(self.SIZE_H, self.SIZE_W)
            for m, p in packed.items()
        }
        self.count = count


class RewardTracker:
    """Per-env bests of the game so far and the last read; turns reads into rewards."""

    def __init__(self, weights: PokeredRewards):
        self.w = weights
        self.weights = np.array([getattr(weights, c) for c in REWARD_COMPONENTS], np.float32)
        self.start(RamRead())

    def start(self, r: RamRead) -> None:
        """A new game from the read ``r``: it sets every baseline (no reward)."""
        self.base_events = r.events
        self.best_events = r.events
        self.best_badges = r.badges.bit_count()
        self.level_score = self._level_score(r)
        self.champion = r.map_id == ram.HALL_OF_FAME
        self.last_count = r.party_count
        self.last_fraction = r.hp_fraction
        self.last_fainted = r.fainted
        self.blackout_pending = False  # fainted, not yet sent to wLastBlackoutMap
        self.best_seen, self.best_owned = r.dex_seen, r.dex_owned

    def _level_score(self, r: RamRead) -> float:
        cap, total = self.w.level_cap, r.level_sum
        return min(total, cap) + max(total - cap, 0) / 4.0

    def update(self, r: RamRead, new_tile: bool, parts: np.ndarray) -> None:
        """Write this step's weighted components into ``parts`` (len(REWARD_COMPONENTS))."""
        parts[:] = 0.0
        parts[R["explore"]] = float(new_tile)
        if r.events > self.best_events:
            parts[R["event"]] = r.events - self.best_events
            self.best_events = r.events
        badges = r.badges.bit_count()
        if badges > self.best_badges:
            parts[R["badge"]] = badges - self.best_badges
            self.best_badges = badges
        score = self._level_score(r)
        if score > self.level_score:
            parts[R["level"]] = score - self.level_score
            self.level_score = score
        fraction = r.hp_fraction
        if r.party_count == self.last_count and self.last_fraction > 0 and not self.last_fainted:
            parts[R["heal"]] = max(fraction - self.last_fraction, 0.0)
        fainted = r.fainted
        parts[R["blackout"]] = self._blackout(r, fainted)
        if r.map_id == ram.HALL_OF_FAME and not self.champion:
            parts[R["champion"]] = 1.0
            self.champion = True
        if r.dex_seen > self.best_seen:
            parts[R["dex_seen"]] = r.dex_seen - self.best_seen
            self.best_seen = r.dex_seen
        if r.dex_owned > self.best_owned:
            parts[R["dex_owned"]] = r.dex_owned - self.best_owned
            self.best_owned = r.dex_owned
        self.last_count, self.last_fraction, self.last_fainted = r.party_count, fraction, fainted
        parts *= self.weights

    def _blackout(self, r: RamRead, fainted: bool) -> float:
        """-1 on the step a fainted party is on the wLastBlackoutMap map (module doc)."""
        if fainted and not self.last_fainted:
            self.blackout_pending = True
        if not self.blackout_pending:
            return 0.0
        if r.map_id == r.blackout_map:
            self.blackout_pending = False
            return -1.0
        if not fainted and not r.joy_ignore:
            self.blackout_pending = False  # healed where the game does not black out
        return 0.0

    _STATE = (
        "base_events", "best_events", "best_badges", "level_score", "champion",
        "last_count", "last_fraction", "last_fainted", "blackout_pending",
        "best_seen", "best_owned",
    )  # fmt: skip

    def state(self) -> tuple:
        return tuple(getattr(self, name) for name in self._STATE)

    def set_state(self, state: tuple) -> None:
        for name, value in zip(self._STATE, state, strict=True):
            setattr(self, name, value)


def milestones_of(r: RamRead, champion: bool) -> list[bool]:
    """Which of MILESTONES the read shows (badge bits, then the champion)."""
    return [bool(r.badges >> k & 1) for k in range(ram.NUM_BADGES)] + [champion]
