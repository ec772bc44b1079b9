"""Typed settings of the pokered game: ROM, start state, workers, timing, reward weights."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

REWARD_COMPONENTS = (
    "explore", "event", "badge", "level", "heal", "blackout", "champion", "dex_seen",
    "dex_owned",
)  # fmt: skip


@dataclass
class PokeredRewards:
    """Weight of each named reward component (reward = sum of weight x component)."""

    explore: float = 0.02
    """Per (map id, x, y) tile newly added to the episode's exploration memory."""
    event: float = 1.0
    """Per event flag newly set in ``wEventFlags`` (counted against the start state;
    EVENT_BOUGHT_MUSEUM_TICKET, bought rather than earned, does not count)."""
    badge: float = 5.0
    """Per new badge bit in ``wObtainedBadges``."""
    level: float = 0.5
    """Per unit of capped growth of the party's level sum (see ``level_cap``)."""
    heal: float = 1.0
    """Per party's worth of HP fraction restored (not counting the heal after a blackout)."""
    blackout: float = 1.0
    """Penalty per blackout (the party all fainted and sent to ``wLastBlackoutMap``);
    the component is -1 each."""
    champion: float = 20.0
    """For entering the Hall of Fame (the champion is beaten)."""
    dex_seen: float = 2.0
    """Per species newly marked seen in ``wPokedexSeen`` (beyond the most in this game)."""
    dex_owned: float = 2.0
    """Per species newly marked owned (caught) in ``wPokedexOwned`` (as above)."""
    level_cap: int = 30
    """Party level sum above which level growth is rewarded at a quarter rate."""


@dataclass
class PokeredConfig:
    """The pokered side of a run (used when ``game = "pokered"``)."""

    rom: str = ""
    """Path to your Pokémon Red (UE) ROM; empty means the ``POCKETRL_ROM`` variable."""
    state: str = ""
    """A PyBoy save state to start every episode from; empty: made on first use by
    pocketrl's intro walk (intro.py, Pokémon Red/Blue) and cached next to the ROM."""
    allow_any_rom: bool = False
    """Accept a ROM whose SHA-1 is not Pokémon Red (UE)'s (a hack; the test ROM)."""
    workers: int = -1
    """Worker processes: -1 one per CPU core (at most one per env); 0 runs the emulators in
    the trainer's process (no pool; tests and debugging)."""
    envs_per_worker: int = 0
    """Emulators per worker; 0 spreads the envs evenly over ``workers``. When set, the
    number of workers is ceil(num_envs / envs_per_worker)."""
    horizon: int = 20_480
    """Steps per episode before truncation (which clears the exploration memory)."""
    on_truncate: str = "reset"
    """At truncation: ``reset`` starts a new game, ``continue`` keeps the game state."""
    start_jitter: int = 0
    """Emulate a random 0..start_jitter extra frames (per-env seeded) after loading the
    start state, so that envs' in-game randomness differs; 0 keeps every game identical."""
    action_ticks: int = 24
    """Frames emulated per action."""
    hold_ticks: int = 8
    """Frames the action's button is held (the rest of ``action_ticks`` it is released)."""
    skip_while_ignored: int = 240
    """Text rule (textbox.py): after an action, while no menu waits for its choice and a
    text box waits for A/B or prints, or a script holds the joypad (``wJoyIgnore`` != 0),
    press A for ``hold_ticks`` frames and emulate the rest of a block of ``action_ticks``
    frames; at most ``skip_while_ignored // action_ticks`` blocks. 0 turns it off."""
    boot_frames: int = 120
    """Frames to run a ROM whose title is not POKEMON RED/BLUE before its start state
    is taken (the test ROM, hacks with another title)."""
    rewards: PokeredRewards = field(default_factory=PokeredRewards)

    def validate(self) -> None:
        """Raise ValueError naming the bad field and what is allowed."""
        checks = [
            ("horizon", self.horizon, 1),
            ("action_ticks", self.action_ticks, 2),
            ("hold_ticks", self.hold_ticks, 1),
            ("skip_while_ignored", self.skip_while_ignored, 0),
            ("boot_frames", self.boot_frames, 0),
            ("start_jitter", self.start_jitter, 0),
            ("workers", self.workers, -1),
            ("envs_per_worker", self.envs_per_worker, 0),
            ("rewards.level_cap", self.rewards.level_cap, 0),
        ]
        for name, value, lo in checks:
            if not isinstance(value, int) or value < lo:
                raise ValueError(f"pokered.{name} must be an integer >= {lo}, got {value!r}")
        if self.on_truncate not in ("reset", "continue"):
            raise ValueError(
                f"pokered.on_truncate must be 'reset' or 'continue', got {self.on_truncate!r}"
            )
        if 0 < self.skip_while_ignored < self.action_ticks:
            raise ValueError(
                f"pokered.skip_while_ignored={self.skip_while_ignored} is less than one "
                f"block of pokered.action_ticks={self.action_ticks} frames, so the text "
                "rule would never press: use 0 (off) or at least action_ticks"
            )
        if self.hold_ticks >= self.action_ticks:
            raise ValueError(
                f"pokered.hold_ticks={self.hold_ticks} must be < pokered.action_ticks="
                f"{self.action_ticks} (the button is released before the observed frame)"
            )
        for f in fields(self.rewards):
            v = getattr(self.rewards, f.name)
            if not isinstance(v, (int, float)) or v != v:
                raise ValueError(f"pokered.rewards.{f.name} must be a number, got {v!r}")
