"""Compile (or load from numba's cache) the gridmon engine once, before a device round
starts several trainings that would otherwise each compile it."""

import time

import numpy as np

from pocketrl.games import make_game
from pocketrl.games.gridmon.config import GridmonConfig

start = time.time()
for world in ("main", "mini"):
    game = make_game("gridmon", 2, config=GridmonConfig(world=world))
    game.step(np.zeros(2, np.int64))
    game.restore([0], game.snapshot([1]))
    game.render(0)
print("warm", round(time.time() - start, 1))
