"""Pictures of what an agent did: a captioned GIF of one game and a world heat-map.

The GIF is made by *replaying*: every game behind the contract is deterministic given an
env's seed and its actions (env ``i`` of a batch seeded ``s`` plays like a single env
seeded ``s + i``), so evaluation only records the actions of every env, and the best env
is replayed alone, rendering its frames. No frame of the other envs is ever drawn.
"""

from __future__ import annotations

import numpy as np

from pocketrl.atomic import atomic_write

GIF_MAX_FRAMES = 1200  # longer games are shown every k-th step
GIF_FRAME_MS = 90  # about 11 frames per second: readable


def replay_frames(
    game: str, config, seed: int, actions: np.ndarray, max_frames: int = GIF_MAX_FRAMES
):
    """Yield captioned frames of one env of ``game`` (its ``config``) replaying ``actions``
    from a new game seeded ``seed``; at most about ``max_frames`` (every k-th step)."""
    from pocketrl.games import make_game

    env = make_game(game, 1, seed, config=config)
    try:
        every = max(1, -(-len(actions) // max_frames))
        act = np.zeros(1, np.int64)
        for t, action in enumerate(actions, 1):
            act[0] = action
            env.step(act)
            if t % every and t != len(actions):
                continue
            yield frame_caption(env.render(0), f"{t:>6} {env.caption(0)}")
    finally:
        env.close()


def frame_caption(image: np.ndarray, text: str) -> np.ndarray:
    """The frame with a strip of ``text`` below it (the gridmon font; any game)."""
    from pocketrl.games.gridmon.art.render import frame_caption as caption

    return caption(image, text)


def save_png(path, image: np.ndarray) -> None:
    """Write ``image`` (H, W, 3) uint8 as PNG atomically."""
    from pocketrl.games.gridmon.art.render import save_png as save

    save(path, image)


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


def write_heatmap(path, game) -> tuple[int, int] | None:
    """Save ``game.heatmap()`` (every env's visits since its reset) as a PNG; returns its
    (H, W), or None (nothing written) when the game has no world picture."""
    image = game.heatmap()
    if image is None:
        return None
    save_png(path, image)
    return image.shape[:2]
