"""The shipped worlds load and meet their size targets; malformed files give located
errors (FILE:LINE:COL) that say what is wrong."""

import shutil
from pathlib import Path

import pytest

from pocketrl.games.gridmon.world.load import DATA_DIR, load_world
from pocketrl.games.gridmon.world.records import DataError

from .conftest import TEST_DATA


def test_main_world_is_big_and_complete():
    w = load_world("main")
    towns = [m for m in w.maps if m.kind == "town"]
    gyms = [m for m in w.maps if m.name.endswith("_gym")]
    assert len(towns) >= 8 and len(gyms) >= 8
    assert {"forest", "cave", "sea", "league"} <= {m.kind for m in w.maps}
    assert sum(m.kind == "cave" for m in w.maps) >= 3  # a multi-floor cave
    assert w.walkable_cells() >= 5000
    assert w.num_badges == 8 and w.milestones[-1] == "champion"
    assert w.monsters.num_species >= 20 and len(w.monsters.move_names) >= 24
    assert len(w.monsters.type_names) >= 6
    assert {"cut", "swim"} <= {("cut", "swim")[a] for a in w.key_ability if a >= 0}


def test_mini_world_has_two_badges():
    w = load_world("mini")
    assert w.num_badges == 2


def _broken_copy(tmp_path: Path, rel: str, old: str, new: str) -> str:
    root = tmp_path / "data"
    shutil.copytree(TEST_DATA, root)
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return str(root)


@pytest.mark.parametrize(
    "rel, old, new, where, what",
    [
        (
            "worlds/tiny/maps/town.txt",
            "T.h..s.....T",
            "T.h..s....T",
            "town.txt:5:12",
            "every row must be 12 wide",
        ),
        (
            "worlds/tiny/maps/town.txt",
            "T.S..i.....T",
            "T.S..i..%..T",
            "town.txt:7:9",
            "'%' is neither terrain",
        ),
        (
            "worlds/tiny/maps/town.txt",
            "to=gym.E",
            "to=gym.Q",
            "town.txt:21:11",
            "no warp or start marker 'Q'",
        ),
        (
            "worlds/tiny/maps/town.txt",
            "party=sprout:3",
            "party=sprout:300",
            "town.txt:23:17",
            "SPECIES:LEVEL",
        ),
        ("worlds/tiny/maps/town.txt", "price=10", "price=ten", "town.txt:18:24", "whole number"),
        (
            "worlds/tiny/maps/town.txt",
            "sight=3",
            "sihgt=3",
            "town.txt:23:38",
            "unknown field `sihgt`",
        ),
        (
            "monsters.txt",
            "type=leafy power=40",
            "type=grass power=40",
            "monsters.txt:9:15",
            "unknown type 'grass'",
        ),
    ],
)
def test_malformed_files_give_located_errors(tmp_path, rel, old, new, where, what):
    root = _broken_copy(tmp_path, rel, old, new)
    load_world.cache_clear()
    with pytest.raises(DataError) as err:
        load_world("tiny", root)
    msg = str(err.value)
    assert where in msg and what in msg, msg


def test_unclosed_quote_and_missing_world(tmp_path):
    root = _broken_copy(tmp_path, "worlds/tiny/maps/town.txt", 'text="Hey!"', 'text="Hey!')
    with pytest.raises(DataError, match=r"town.txt:23:60: unclosed quote"):
        load_world("tiny", root)
    with pytest.raises(FileNotFoundError, match="worlds shipped: tiny"):
        load_world("nowhere", root)


@pytest.mark.parametrize(
    "rel", ["worlds/tiny/world.txt", "worlds/tiny/maps/gym.txt", "monsters.txt"]
)
def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path, rel):
    root = tmp_path / "data"
    shutil.copytree(TEST_DATA, root)
    path = root / rel
    lines = path.read_bytes().split(b"\n")
    lines[2] = b"# caf\xe9 " + lines[2]  # latin-1 e-acute on line 3, column 6
    path.write_bytes(b"\n".join(lines))
    load_world.cache_clear()
    with pytest.raises(DataError) as err:
        load_world("tiny", str(root))
    msg = str(err.value)
    assert f"{path}:3:6: not UTF-8 text: byte 0xe9" in msg, msg
    assert "save the file as UTF-8" in msg
    assert (err.value.path, err.value.line, err.value.col) == (str(path), 3, 6)


def test_a_world_folder_given_by_path(tmp_path, monkeypatch):
    """What data/FORMAT.md ("Your own world") promises about a world folder of one's own:
    absolute or relative path, named after the folder, only world.txt and maps/*.txt
    read, species from the package unless the folder has its own monsters.txt."""
    mine = tmp_path / "myworld"
    shutil.copytree(DATA_DIR / "worlds" / "mini", mine)
    (mine / "maps" / "notes.md").write_text("not a map: only maps/*.txt are read\n")
    load_world.cache_clear()
    world, mini = load_world(str(mine)), load_world("mini")
    assert world.name == "myworld"
    assert world.summary() == mini.summary().replace("'mini'", "'myworld'")
    assert world.monsters.species_names == mini.monsters.species_names
    monkeypatch.chdir(tmp_path)
    for relative in ("myworld", "./myworld"):
        assert load_world(relative).summary() == world.summary()
    (mine / "monsters.txt").write_text("not monsters\n")
    load_world.cache_clear()
    with pytest.raises(DataError, match="monsters.txt"):  # the folder's own file is read
        load_world(str(mine))
    load_world.cache_clear()
    with pytest.raises(FileNotFoundError, match="worlds shipped: main, mini"):
        load_world("nowhere")
