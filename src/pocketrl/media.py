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
GIF_TITLE_MS = 3000  # a title frame (what an eval used, e.g. its search) stays 3 s
TITLE_BG, TITLE_INK = (22, 22, 30), (232, 232, 224)  # the caption strip's colours


def replay_frames(
    game: str,
    config,
    seed: int,
    actions: np.ndarray,
    max_frames: int = GIF_MAX_FRAMES,
    note: str = "",
):
    """Yield captioned frames of one env of ``game`` (its ``config``) replaying ``actions``
    from a new game seeded ``seed``; at most about ``max_frames`` (every k-th step).
    ``note`` ends every caption (e.g. `` S16``: played with search)."""
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
            yield frame_caption(env.render(0), f"{t:>6} {env.caption(0)}{note}")
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


def title_frame(lines: list[str], like: np.ndarray) -> np.ndarray:
    """A frame of the size of ``like`` (H, W, 3) with ``lines`` of text on it, 8 px
    apart (the gridmon font: about W / 4 characters a line)."""
    from pocketrl.games.gridmon.art.font import draw_text

    out = np.empty_like(like)
    out[:] = TITLE_BG
    for i, line in enumerate(lines):
        draw_text(out, 4, 6 + 8 * i, line, TITLE_INK)
    return out


def write_gif(path, frames, frame_ms: int = GIF_FRAME_MS, title: list[str] | None = None) -> int:
    """Write frames as an animated GIF atomically; returns the number of frames. With
    ``title`` a first frame shows those lines for ``GIF_TITLE_MS``."""
    from PIL import Image

    frames = list(frames)
    if not frames:
        raise ValueError("no frames to write")
    durations = [frame_ms] * len(frames)
    if title:
        frames.insert(0, title_frame(title, frames[0]))
        durations.insert(0, GIF_TITLE_MS)
    images = [Image.fromarray(f) for f in frames]
    atomic_write(
        path,
        lambda f: images[0].save(
            f,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=durations,
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
