from pathlib import Path

import numpy as np
import pytest

from pocketrl.games.gridmon.config import GridmonConfig
from pocketrl.games.gridmon.core import constants as C
from pocketrl.games.gridmon.env import GridmonEnv
from pocketrl.games.gridmon.world.load import load_world

TEST_DATA = str(Path(__file__).parent / "data")


def tiny_env(num_envs=1, seed=0, **cfg) -> GridmonEnv:
    world = load_world("tiny", TEST_DATA)
    return GridmonEnv(num_envs, GridmonConfig(world="tiny", **cfg), seed=seed, world=world)


@pytest.fixture
def env():
    return tiny_env()


def put(env, x, y, map_name="town", i=0, facing=C.DOWN):
    """Teleport env i (a test helper: the game itself only moves by actions)."""
    a = env.arrays
    a["map"][i] = env.world.map_id(map_name)
    a["x"][i], a["y"][i], a["facing"][i] = x, y, facing
    a["battle"][i] = C.NO_BATTLE


def act(env, *actions, i=0):
    """Step env i through actions (other envs press B); return the last step's result."""
    out = None
    for a in actions:
        batch = np.full(env.num_envs, C.B, np.int64)
        batch[i] = a
        out = env.step(batch)
    return out


def pos(env, i=0):
    a = env.arrays
    return env.world.maps[int(a["map"][i])].name, int(a["x"][i]), int(a["y"][i])


def give_key(env, name, i=0):
    env.arrays["keys"][i] |= 1 << env.world.key_names.index(name)
