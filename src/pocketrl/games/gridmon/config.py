"""Typed settings of the gridmon game: world, episode horizon and reward weights."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

REWARD_COMPONENTS = (
    "explore",
    "event",
    "badge",
    "level",
    "catch",
    "heal",
    "blackout",
    "champion",
    "talk",
)

LEVEL_SCOPES = ("party", "monster")


@dataclass
class RewardWeights:
    """Weight of each named reward component (reward = sum of weight x component)."""

    explore: float = 0.02
    """Per tile newly added to the episode's exploration memory (times the tile's novelty
    with ``explore_count_scale``)."""
    explore_count_scale: float = 0.0
    """Count-based novelty (MBIE-EB, Strehl & Littman 2008; Bellemare et al. 2016): with
    a scale s > 0 a tile newly explored pays ``explore / sqrt(1 + n / s)``, n = the steps
    this batch's envs have taken onto that tile since training began, so the trodden
    early game pays less than places few have reached. 0 (default): every new tile pays
    ``explore``."""
    event: float = 1.0
    """Per new event (item taken, gift received, trainer beaten, bush cut)."""
    badge: float = 5.0
    """Per new badge."""
    level: float = 0.5
    """Per unit of capped level growth (see ``level_cap`` and ``level_scope``)."""
    catch: float = 1.0
    """Per species caught for the first time in this game."""
    heal: float = 1.0
    """Per party's worth of HP restored at a healer (fraction of total max HP)."""
    blackout: float = 1.0
    """Penalty per blackout (all monsters fainted); the component is -1 per blackout."""
    champion: float = 20.0
    """For beating the champion."""
    talk: float = 0.0
    """Per person (the healer and the clerks too), guard or sign spoken to (A on it) for
    the first time since the episode began or the last milestone: exploration of what
    can be said and done rather than of where one can stand. The memory clears at every
    milestone because that is when an answer can change (a gift that needs a badge says
    no before it and gives after)."""
    level_cap: int = 30
    """Level above which growth is rewarded at a quarter rate (of the party's sum, or of
    each monster: ``level_scope``)."""
    level_scope: str = "party"
    """What ``level_cap`` caps: ``party``, the party's level sum (growth of any monster
    pays alike); ``monster``, each monster's own level (a level on a weak monster pays
    the full rate while the strongest's pays a quarter, so the team is trained)."""


@dataclass
class GridmonConfig:
    """The game side of a run."""

    world: str = "main"
    """Name of a world under gridmon/data/worlds (``main``, ``mini``)."""
    horizon: int = 20_000
    """Steps per episode before truncation (which clears the exploration memory)."""
    on_truncate: str = "reset"
    """At truncation: ``reset`` starts a new game, ``continue`` keeps the game state."""
    stagger: bool = False
    """Spread the first episodes: env i of n starts its first clock at i / n of the
    horizon, so the envs truncate one after another instead of all at once and each
    rollout holds every stage of the game (without it, envs that never leave their games
    early all play the same stage, and the policy learns one stage at a time). Later
    episodes are whole."""
    forget_on_milestone: bool = False
    """Clear the episode's exploration memory each time a milestone is reached, so the
    exploration reward pays again for every tile, those seen before too: after a badge
    the places passed on the way are worth visiting again (a gift that needed the badge,
    a bush on a road already walked). The observation's visited window shows the memory
    as it is; eval's explored tiles count since the last milestone."""
    observe_clock: bool = True
    """Show the episode clock (t / horizon) in the observation. With the archive's
    ``restart_clock`` an env sent to a late cell sees a fresh clock there, so training
    sees late stages with clocks near 0 that a new game never shows there; false writes
    0 in its place (the observation keeps its shape, so a policy trained with the clock
    can be fine-tuned without it). Eval and watch play a run with its own setting."""
    rewards: RewardWeights = field(default_factory=RewardWeights)

    def validate(self) -> None:
        """Raise ValueError naming the bad field and what is allowed."""
        if self.horizon < 1:
            raise ValueError(f"env.horizon must be >= 1, got {self.horizon}")
        if self.on_truncate not in ("reset", "continue"):
            raise ValueError(
                f"env.on_truncate must be 'reset' or 'continue', got {self.on_truncate!r}"
            )
        if self.rewards.explore_count_scale < 0:
            raise ValueError(
                "env.rewards.explore_count_scale must be >= 0 (0 turns novelty off), got "
                f"{self.rewards.explore_count_scale}"
            )
        if self.rewards.level_cap < 0:
            raise ValueError(f"env.rewards.level_cap must be >= 0, got {self.rewards.level_cap}")
        if self.rewards.level_scope not in LEVEL_SCOPES:
            raise ValueError(
                f"env.rewards.level_scope must be one of {', '.join(LEVEL_SCOPES)}, "
                f"got {self.rewards.level_scope!r}"
            )
        for f in fields(self.rewards):
            if f.type == "str":  # level_scope, checked above
                continue
            v = getattr(self.rewards, f.name)
            if not isinstance(v, (int, float)) or v != v:
                raise ValueError(f"env.rewards.{f.name} must be a number, got {v!r}")
