"""Load and validate a gridmon world into flat numpy tables for the compiled engine.

A world is ``data/worlds/<name>/world.txt`` plus ``maps/*.txt`` (see ``data/FORMAT.md``)
and the shared ``data/monsters.txt``. load.py reads the files, build.py turns them into
a ``World`` (model.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..core import constants as C
from .build import build_world
from .mapfile import read_map
from .model import World, WorldHeader
from .monsters import Monsters, load_monsters
from .records import DataError, read_records

DATA_DIR = Path(__file__).parent.parent / "data"


def world_folder(name: str, data_dir: str | None = None) -> tuple[Path, Path]:
    """(world folder, monsters.txt) of world ``name``: a world shipped under
    ``data_dir/worlds`` (default: the package's), or a path to a user's world folder.
    A world folder's species and moves come from the first ``monsters.txt`` found: in
    the folder, next to its parent when that is a ``worlds`` folder (the package's own
    layout), else the package's."""
    root = Path(data_dir) if data_dir else DATA_DIR
    shipped = root / "worlds" / Path(name).name
    if Path(name).name == name and (shipped / "world.txt").is_file():
        return shipped, root / "monsters.txt"
    own = Path(name).expanduser()
    if (own / "world.txt").is_file():
        beside = [own / "monsters.txt"]
        if own.resolve().parent.name == "worlds":
            beside.append(own.resolve().parent.parent / "monsters.txt")
        found = [p for p in beside if p.is_file()]
        return own, found[0] if found else DATA_DIR / "monsters.txt"
    known = sorted(p.name for p in (root / "worlds").glob("*") if p.is_dir())
    raise FileNotFoundError(
        f"no gridmon world {name!r}: neither {shipped / 'world.txt'} nor {own / 'world.txt'} "
        f"exists (worlds shipped: {', '.join(known) or 'none'}; or give the path of a "
        "folder with world.txt and maps/*.txt, see data/FORMAT.md)"
    )


@lru_cache(maxsize=8)
def load_world(name: str = "main", data_dir: str | None = None) -> World:
    """Load world ``name`` (a shipped world's name or a world folder's path; the World is
    named after the folder); raises DataError (FILE:LINE:COL) or FileNotFoundError."""
    wdir, monsters_file = world_folder(name, data_dir)
    name = wdir.resolve().name
    monsters = load_monsters(monsters_file)
    header = _read_header(wdir / "world.txt", monsters)
    map_paths = sorted((wdir / "maps").glob("*.txt"))
    if not map_paths:
        raise DataError(wdir / "world.txt", 1, 1, f"world {name!r} has no maps in {wdir / 'maps'}")
    if len(map_paths) > 255:
        raise DataError(map_paths[255], 1, 1, "a world has at most 255 maps")
    mapfiles = [read_map(p, monsters) for p in map_paths]
    return build_world(name, header, monsters, mapfiles)


def _read_header(path: Path, monsters: Monsters) -> WorldHeader:
    """Parse ``world.txt``; raises DataError (FILE:LINE:COL) for a bad or missing record."""
    h = WorldHeader(path)
    seen: set[str] = set()
    for rec in read_records(path):
        if rec.kind in ("world", "starter", "start_items", "milestones") and rec.kind in seen:
            raise rec.error(f"`{rec.kind}` is given twice")
        seen.add(rec.kind)
        if rec.kind == "world":
            h.title = rec.text("title", rec.require_name("world name"))
        elif rec.kind == "keyitem":
            kname = rec.require_name("key item name")
            if kname in h.key_names or kname in ("ball", "potion", "money"):
                raise rec.error(f"key item {kname!r} is declared twice or clashes", "name")
            ab = rec.choice("ability", (*C.ABILITIES, "none"), "none")
            h.key_names.append(kname)
            h.key_ability.append(C.ABILITIES.index(ab) if ab != "none" else -1)
            h.key_recs.append(rec)
            if len(h.key_names) > C.MAX_KEY_ITEMS:
                raise rec.error(f"at most {C.MAX_KEY_ITEMS} key items")
        elif rec.kind == "starter":
            sp = rec.text("species")
            if sp not in monsters.species_names:
                raise rec.error(f"unknown species {sp!r}", "species")
            h.starter = (monsters.species_id(sp), rec.integer("level", 1, 100))
        elif rec.kind == "start_items":
            h.items = (
                rec.integer("balls", 0, 999),
                rec.integer("potions", 0, 999),
                rec.integer("money", 0, 999_999),
            )
        elif rec.kind == "milestones":
            h.milestones, h.ms_rec = rec.items("order"), rec
        else:
            raise rec.error(
                f"unknown record `{rec.kind}`: expected world, keyitem, starter, "
                "start_items or milestones"
            )
        rec.check_unused()
    for need in ("world", "starter", "milestones"):
        if need not in seen:
            raise DataError(path, 1, 1, f"world.txt needs a `{need}` record")
    return h
