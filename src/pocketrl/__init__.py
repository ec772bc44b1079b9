"""pocketrl: tiny specialist agents that master long games by exploration."""

__version__ = "0.1.0"

GYM_ENV_ID = "pocketrl/Gridmon-v0"


def _register_gymnasium() -> None:
    """Make ``gymnasium.make("pocketrl/Gridmon-v0")`` work after ``import pocketrl``
    (lazy: the game itself is imported only when the env is made)."""
    try:
        import gymnasium
    except ImportError:  # gymnasium is a dependency, but keep import pocketrl robust
        return
    if GYM_ENV_ID not in gymnasium.registry:
        gymnasium.register(
            id=GYM_ENV_ID, entry_point="pocketrl.games.gridmon.gym_env:GridmonGymEnv"
        )


_register_gymnasium()
