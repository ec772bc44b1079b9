"""Renderer of gridmon: frame shapes, distinct art, HP bars, world atlas, PNG and captions."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from pocketrl.games.gridmon.art.font import FONT
from pocketrl.games.gridmon.art.monsters import monster_sprite
from pocketrl.games.gridmon.art.render import (
    FrameView,
    frame_caption,
    render_frame,
    render_world,
    save_png,
)
from pocketrl.games.gridmon.art.sprites import ATLAS
from pocketrl.games.gridmon.core import constants as C


def _view(**kw) -> FrameView:
    tiles = np.full((C.VIEW_H, C.VIEW_W), C.FLOOR, np.uint8)
    tiles[0, :] = C.TREE
    tiles[2, 2] = C.NPC
    base = dict(
        tiles=tiles,
        map_kind="town",
        facing=1,
        battle=C.NO_BATTLE,
        player_species=0,
        player_level=5,
        player_hp=20,
        player_maxhp=20,
        enemy_species=1,
        enemy_level=3,
        enemy_hp=15,
        enemy_maxhp=15,
    )
    base.update(kw)
    return FrameView(**base)


def _check_frame(img: np.ndarray) -> None:
    assert img.shape == (144, 160, 3)
    assert img.dtype == np.uint8


@pytest.mark.parametrize("kind", C.MAP_KINDS)
def test_map_frame_shape_every_kind(kind):
    img = render_frame(_view(map_kind=kind))
    _check_frame(img)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) >= 3


@pytest.mark.parametrize("battle", [C.WILD, C.TRAINER_BATTLE])
def test_battle_frame_shape(battle):
    _check_frame(render_frame(_view(battle=battle)))


def test_every_tile_id_has_its_own_art():
    for k, kind in enumerate(C.MAP_KINDS):
        flat = ATLAS[k].reshape(C.NUM_TILES, -1)
        for a in range(C.NUM_TILES):
            for b in range(a + 1, C.NUM_TILES):
                assert not np.array_equal(flat[a], flat[b]), (kind, a, b)


def test_different_tiles_give_different_frame_pixels():
    tiles = np.full((C.VIEW_H, C.VIEW_W), C.FLOOR, np.uint8)
    other = tiles.copy()
    other[1, 7] = C.WATER
    a, b = render_frame(_view(tiles=tiles)), render_frame(_view(tiles=other))
    diff = np.any(a != b, axis=2)
    assert diff[16:32, 112:128].any()
    assert diff.sum() == diff[16:32, 112:128].sum()  # only that tile changed


def test_void_is_black():
    tiles = np.zeros((C.VIEW_H, C.VIEW_W), np.uint8)
    img = render_frame(_view(tiles=tiles))
    assert (img[:16, :16] == 0).all()


def test_player_sprite_differs_by_facing():
    frames = [render_frame(_view(facing=f)) for f in range(4)]
    cells = [f[64:80, 64:80] for f in frames]
    for i in range(4):
        for j in range(i + 1, 4):
            assert not np.array_equal(cells[i], cells[j]), (i, j)
    # only the player's tile depends on facing
    assert np.array_equal(frames[0][:64], frames[1][:64])


def test_battle_frame_differs_from_map_frame():
    a = render_frame(_view())
    b = render_frame(_view(battle=C.WILD))
    assert np.mean(np.any(a != b, axis=2)) > 0.3


def _bar_fill(img: np.ndarray, y: int, x0: int, x1: int) -> int:
    """Pixels of a row that are neither background-grey nor ink: the HP bar's colour."""
    row = img[y, x0:x1].astype(int)
    return int(np.sum((row.max(1) - row.min(1)) > 60))


def test_hp_bar_length_follows_hp():
    full = render_frame(_view(battle=C.WILD, enemy_hp=40, enemy_maxhp=40, player_hp=30))
    half = render_frame(_view(battle=C.WILD, enemy_hp=20, enemy_maxhp=40, player_hp=30))
    none = render_frame(_view(battle=C.WILD, enemy_hp=0, enemy_maxhp=40, player_hp=30))
    assert not np.array_equal(full, half)
    fe, he, ne = (_bar_fill(f, 26, 24, 84) for f in (full, half, none))
    assert fe > he > ne == 0
    p_full = render_frame(_view(battle=C.WILD, player_hp=20, player_maxhp=20))
    p_low = render_frame(_view(battle=C.WILD, player_hp=3, player_maxhp=20))
    assert _bar_fill(p_full, 82, 94, 150) > _bar_fill(p_low, 82, 94, 150) > 0


def test_level_is_drawn():
    a = render_frame(_view(battle=C.WILD, enemy_level=5))
    b = render_frame(_view(battle=C.WILD, enemy_level=47))
    assert not np.array_equal(a[:22, :60], b[:22, :60])


def test_distinct_species_give_distinct_sprites():
    sprites = [monster_sprite(s, 0) for s in range(40)]
    masks = [m.tobytes() for _, m in sprites]
    assert len(set(masks)) == 40
    a = render_frame(_view(battle=C.WILD, enemy_species=3))
    b = render_frame(_view(battle=C.WILD, enemy_species=4))
    assert not np.array_equal(a, b)


def test_sprites_are_deterministic_symmetric_and_tinted():
    rgb, mask = monster_sprite(7, 2)
    monster_sprite.cache_clear()
    rgb2, mask2 = monster_sprite(7, 2)
    assert np.array_equal(rgb, rgb2) and np.array_equal(mask, mask2)
    assert np.array_equal(mask, mask[:, ::-1])
    rgb3, _ = monster_sprite(7, 3)
    assert not np.array_equal(rgb, rgb3)


def test_no_monster_draws_nothing():
    a = render_frame(_view(battle=C.WILD, player_species=-1))
    b = render_frame(_view(battle=C.WILD, player_species=2))
    assert not np.array_equal(a, b)
    _check_frame(a)


def test_render_frame_is_repeatable_and_returns_its_own_array():
    """Its speed is measured by `pocketrl bench`; here: the same view, the same frame,
    and a later frame never overwrites an earlier one."""
    views = [_view(), _view(battle=C.TRAINER_BATTLE)]
    first = [render_frame(v) for v in views]
    kept = [f.copy() for f in first]
    for _ in range(3):
        for v, f in zip(views, kept, strict=True):
            assert np.array_equal(render_frame(v), f)
    for f, k in zip(first, kept, strict=True):
        assert np.array_equal(f, k)


def _world():
    maps, cells, off = [], [], 0
    for name, kind, w, h in (
        ("town_a", "town", 12, 10),
        ("route_1", "route", 8, 20),
        ("house", "building", 6, 5),
    ):
        g = np.full((h, w), C.FLOOR if kind != "building" else C.INDOOR, np.uint8)
        g[0, :] = C.WALL
        g[h // 2, w // 2] = C.NPC
        maps.append(SimpleNamespace(name=name, kind=kind, width=w, height=h, offset=off))
        cells.append(g.ravel())
        off += w * h
    return maps, np.concatenate(cells)


def test_render_world_shapes_and_heat():
    maps, cell_tile = _world()
    img = render_world(maps, cell_tile, scale=4)
    assert img.ndim == 3 and img.shape[2] == 3 and img.dtype == np.uint8
    assert img.shape[0] >= 20 * 4 and img.shape[1] >= (12 + 8 + 6) * 4
    img2 = render_world(maps, cell_tile, scale=2)
    assert img2.shape[1] < img.shape[1]
    counts = np.arange(cell_tile.shape[0]) % 3
    heat = render_world(maps, cell_tile, counts, scale=4)
    assert heat.shape[1] >= img.shape[1] and heat.shape[0] >= img.shape[0]
    assert not np.array_equal(heat[: img.shape[0], : img.shape[1]], img)


def test_visited_cell_coloured_apart_from_unvisited():
    maps = [SimpleNamespace(name="strip", kind="route", width=4, height=1, offset=0)]
    cell_tile = np.full(4, C.FLOOR, np.uint8)
    plain = render_world(maps, cell_tile, scale=4)
    heat = render_world(maps, cell_tile, np.array([0, 5, 0, 0]), scale=4)
    ys, xs = np.nonzero(np.any(heat[: plain.shape[0], : plain.shape[1]] != plain, axis=2))
    assert len(ys) == 16 * 4  # every map pixel changed (dimmed or heated), nothing else
    colours, n = np.unique(heat[ys, xs], axis=0, return_counts=True)
    assert len(colours) == 2 and sorted(n.tolist()) == [16, 48]
    visited, unvisited = colours[np.argmin(n)].astype(int), colours[np.argmax(n)].astype(int)
    assert visited.sum() > unvisited.sum() + 100  # heated cell is bright, the rest dimmed


def test_render_world_wraps_wide_worlds():
    maps, off, cells = [], 0, []
    for i in range(12):
        maps.append(SimpleNamespace(name=f"m{i}", kind="route", width=40, height=10, offset=off))
        cells.append(np.full(400, C.FLOOR, np.uint8))
        off += 400
    img = render_world(maps, np.concatenate(cells), scale=4)
    assert img.shape[1] <= 1600
    assert img.shape[0] > 2 * 40


def test_save_png_round_trips(tmp_path):
    img = render_frame(_view())
    path = tmp_path / "sub" / "frame.png"
    save_png(path, img)
    back = np.asarray(Image.open(path).convert("RGB"))
    assert np.array_equal(back, img)
    assert [p.name for p in path.parent.iterdir()] == ["frame.png"]  # no temp file left


def test_frame_caption_adds_rows():
    img = render_frame(_view())
    out = frame_caption(img, "step 1234  badges 2  party Lv12 Lv9")
    assert out.shape == (144 + 12, 160, 3) and out.dtype == np.uint8
    assert np.array_equal(out[:144], img)
    assert len(np.unique(out[144:].reshape(-1, 3), axis=0)) == 2  # background + ink
    assert not np.array_equal(out, frame_caption(img, "step 1"))


def test_font_covers_digits_and_letters():
    for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ/:.-":
        assert FONT[ch].shape == (5, 3)
    glyphs = {FONT[ch].tobytes() for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
    assert len(glyphs) == 36
