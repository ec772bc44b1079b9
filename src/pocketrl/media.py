"""Pictures of what an agent did: a captioned GIF of one game and a world heat-map.

The GIF is made by *replaying*: gridmon is deterministic given an env's seed and its
actions, so evaluation only records the actions of every env, and the best env is
replayed alone (env ``i`` of a batch seeded ``s`` is a single env seeded ``s + i``),
rendering its frames. No frame of the other envs is ever drawn.
"""

from __future__ import annotations

import numpy as np

from pocketrl.atomic import atomic_write

GIF_MAX_FRAMES = 1200  # longer games are shown every k-th step
GIF_FRAME_MS = 90  # about 11 frames per second: readable


def replay_frames(config, seed: int, actions: np.ndarray, max_frames: int = GIF_MAX_FRAMES):
    """Yield captioned frames (156, 160, 3) of one gridmon env replaying ``actions``."""
    from pocketrl.games.gridmon.art.render import frame_caption
    from pocketrl.games.gridmon.env import GridmonEnv

    env = GridmonEnv(1, config, seed=seed)
    every = max(1, -(-len(actions) // max_frames))
    a = env.arrays
    act = np.zeros(1, np.int64)
    for t, action in enumerate(actions, 1):
        act[0] = action
        env.step(act)
        if t % every and t != len(actions):
            continue
        levels = " ".join(f"{lv}" for lv in a["p_level"][0] if lv > 0)
        caption = f"{t:>6} B{int(a['n_badges'][0])} LV {levels}"
        yield frame_caption(env.render(0), caption)


def write_gif(path, frames, frame_ms: int = GIF_FRAME_MS) -> int:
    """Write frames as an animated GIF atomically; returns the number of frames."""
    from PIL import Image

    images = [Image.fromarray(f) for f in frames]
    if not images:
        raise ValueError("no frames to write")
    atomic_write(
        path,
        lambda f: images[0].save(
            f,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=frame_ms,
            loop=0,
            optimize=False,
        ),
    )
    return len(images)


def write_heatmap(path, world, counts: np.ndarray, scale: int = 3) -> tuple[int, int]:
    """The whole world with a heat-map of ``counts`` (visits per cell); returns (H, W)."""
    from pocketrl.games.gridmon.art.render import render_world, save_png

    image = render_world(world.maps, world.cell_tile, counts, scale=scale)
    save_png(path, image)
    return image.shape[:2]
