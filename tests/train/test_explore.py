"""Go-Explore archive: cells keyed by milestone sets, bounded, restarts restore state."""

import numpy as np
import pytest

from pocketrl.config import ExploreConfig
from pocketrl.games.toy import ToyGame
from pocketrl.train.explore import Archive


def _walk_right(game, steps):
    obs = info = None
    for _ in range(steps):
        obs, _, _, _, info = game.step(np.full(game.num_envs, 3))
    return obs, info


def test_new_milestone_sets_become_cells_and_restarts_restore_them():
    game = ToyGame(4)
    archive = Archive(ExploreConfig(restart_fraction=1.0), 4, 2, np.random.default_rng(0))
    obs, info = _walk_right(game, 4)  # x = 4 = halfway on the 8-wide corridor
    done = np.zeros(4, bool)
    archive.observe(game, info["milestones"], done, global_step=16)
    assert len(archive.cells) == 1 and archive.best.count == 1
    # a truncated env restarts from the halfway cell with that cell's observation
    other = ToyGame(4)
    obs2 = {k: v.copy() for k, v in other.obs.items()}
    ids = archive.restart(other, np.array([True, False, True, False]), obs2)
    assert list(ids) == [0, 2]
    assert other.snapshot([0]) == [archive.best.snapshot]
    np.testing.assert_array_equal(obs2["pos"][0], obs["pos"][0])
    np.testing.assert_array_equal(obs2["pos"][1], other.obs["pos"][1])


def test_archive_is_bounded_and_keeps_the_best():
    game = ToyGame(1)
    archive = Archive(ExploreConfig(archive_size=2), 1, 3, np.random.default_rng(0))
    sets = [[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 1, 1]]
    for step, row in enumerate(sets):
        archive.observe(game, np.array([row], bool), np.zeros(1, bool), step)
    assert len(archive.cells) == 2
    assert archive.best.count == 3
    assert sorted(c.count for c in archive.cells.values()) == [2, 3]


def test_done_envs_and_empty_sets_are_not_archived():
    game = ToyGame(2)
    archive = Archive(ExploreConfig(), 2, 2, np.random.default_rng(0))
    ms = np.array([[True, False], [False, False]])
    archive.observe(game, ms, np.array([True, False]), 0)
    assert not archive.cells
    assert len(archive.restart(game, np.array([True, True]), game.obs)) == 0


def test_state_dict_roundtrip():
    game = ToyGame(2)
    a = Archive(ExploreConfig(), 2, 2, np.random.default_rng(0))
    obs, info = _walk_right(game, 4)
    a.observe(game, info["milestones"], np.zeros(2, bool), 5)
    b = Archive(ExploreConfig(), 2, 2, np.random.default_rng(1))
    b.load_state_dict(a.state_dict())
    assert b.best.snapshot == a.best.snapshot and b.best.found_step == 5
    assert b.rng.random() == a.rng.random()


def test_events_are_part_of_the_key_and_rank():
    game = ToyGame(2)
    archive = Archive(ExploreConfig(), 2, 2, np.random.default_rng(0))
    none = np.zeros((2, 2), bool)
    archive.observe(game, none, np.zeros(2, bool), 1, events=np.array([0, 2]))
    archive.observe(game, none, np.zeros(2, bool), 2, events=np.array([1, 2]))
    assert len(archive.cells) == 2 and archive.best.events == 2
    one = np.array([[True, False], [False, False]])
    archive.observe(game, one, np.zeros(2, bool), 3, events=np.array([1, 2]))
    assert archive.best.count == 1 and archive.best.events == 1  # milestones rank first
    off = Archive(ExploreConfig(key_events=False), 2, 2, np.random.default_rng(0))
    off.observe(game, none, np.zeros(2, bool), 1, events=np.array([3, 2]))
    assert not off.cells


def test_frontier_wave_moves_a_share_of_all_envs_once_per_new_milestone_count():
    game = ToyGame(8)
    cfg = ExploreConfig(frontier_fraction=0.5, restart_fraction=0.0)
    archive = Archive(cfg, 8, 2, np.random.default_rng(0))
    obs = {k: v.copy() for k, v in game.obs.items()}
    assert len(archive.frontier_wave(game, obs)) == 0  # empty archive: no wave
    _, info = _walk_right(game, 4)  # every env at halfway (1 milestone)
    archive.observe(game, info["milestones"][:1].repeat(8, 0), np.zeros(8, bool), 32)
    fresh = ToyGame(8)
    obs = {k: v.copy() for k, v in fresh.obs.items()}
    moved = archive.frontier_wave(fresh, obs)
    assert len(moved) == 4 and archive.waves == 1
    assert all(fresh.snapshot([i])[0] == archive.best.snapshot for i in moved)
    still = np.setdiff1d(np.arange(8), moved)
    np.testing.assert_array_equal(obs["pos"][moved, 0], 4)  # observations follow
    np.testing.assert_array_equal(obs["pos"][still, 0], 0)
    assert len(archive.frontier_wave(fresh, obs)) == 0  # same best count: no new wave


def test_count_selection_spreads_restarts_over_cells():
    game = ToyGame(64)
    cfg = ExploreConfig(restart_fraction=1.0, restart_select="count", key_events=True)
    archive = Archive(cfg, 64, 1, np.random.default_rng(0))
    none, events = np.zeros((64, 1), bool), np.zeros(64, np.int64)
    for n in (1, 2, 3, 4):  # env 0 does 1, 2, 3, 4 events: four cells
        events[0] = n
        archive.observe(game, none, np.zeros(64, bool), n, events)
    assert len(archive.cells) == 4
    target = ToyGame(64)
    archive.restart(target, np.ones(64, bool), {k: v.copy() for k, v in target.obs.items()})
    counts = sorted(c.restarts for c in archive.cells.values())
    assert sum(counts) == 64 and counts[0] >= 8  # every cell is chosen, not only the best
    best_only = Archive(ExploreConfig(restart_fraction=1.0), 64, 1, np.random.default_rng(0))
    best_only.cells = archive.cells
    for c in best_only.cells.values():
        c.restarts = 0
    best_only.restart(target, np.ones(64, bool), {k: v.copy() for k, v in target.obs.items()})
    assert best_only.best.restarts == 64


def test_restart_clock_gives_envs_sent_to_a_cell_a_whole_horizon():
    """A cell found at t = 4 of a 40-step horizon: kept, the restored env truncates 36
    steps later; with restart_clock, 40 steps later (and observes progress 0)."""
    for restart_clock, steps_left in ((False, 36), (True, 40)):
        game = ToyGame(1)
        cfg = ExploreConfig(restart_fraction=1.0, restart_clock=restart_clock)
        archive = Archive(cfg, 1, 2, np.random.default_rng(0))
        _, info = _walk_right(game, 4)
        archive.observe(game, info["milestones"], np.zeros(1, bool), global_step=4)
        fresh = ToyGame(1)
        obs = {k: v.copy() for k, v in fresh.obs.items()}
        archive.restart(fresh, np.array([True]), obs)
        assert obs["pos"][0, 0] == 4
        assert (obs["state"][0, 0] == 0.0) == restart_clock
        for k in range(1, steps_left + 1):
            *_, truncated, _ = fresh.step(np.zeros(1, np.int64))
            assert truncated[0] == (k == steps_left), k


def test_key_map_makes_a_cell_per_map_and_a_restored_env_keeps_its_place():
    game = ToyGame(2)
    cfg = ExploreConfig(key_map=True, restart_fraction=1.0)
    archive = Archive(cfg, 2, 2, np.random.default_rng(0))
    none, done = np.zeros((2, 2), bool), np.zeros(2, bool)
    # no milestone and no event yet, but a new map is progress on its own: a cell for
    # each map entered (staying on the start map makes none, coming back to it does)
    archive.observe(game, none, done, 1, np.zeros(2, np.int64), np.array([0, 0]))
    assert not archive.cells
    archive.observe(game, none, done, 2, np.zeros(2, np.int64), np.array([0, 3]))
    archive.observe(game, none, done, 3, np.zeros(2, np.int64), np.array([5, 3]))
    archive.observe(game, none, done, 4, np.zeros(2, np.int64), np.array([0, 3]))
    assert sorted(c.place for c in archive.cells.values()) == [0, 3, 5]
    # an env sent to the map-5 cell is known to be there: staying does not make a cell
    cell5 = next(c for c in archive.cells.values() if c.place == 5)
    archive._send(game, np.array([1]), [cell5], {k: v.copy() for k, v in game.obs.items()})
    archive.observe(game, none, done, 5, np.zeros(2, np.int64), np.array([0, 5]))
    assert len(archive.cells) == 3
    b = Archive(cfg, 2, 2, np.random.default_rng(1))
    b.load_state_dict(archive.state_dict())
    assert sorted(c.place for c in b.cells.values()) == [0, 3, 5]
    try:
        archive.observe(game, none, done, 6, np.zeros(2, np.int64))
    except ValueError as e:
        assert "key_map" in str(e) and "map" in str(e)
    else:
        raise AssertionError("key_map without the maps must say so")
    off = Archive(ExploreConfig(), 2, 2, np.random.default_rng(0))
    off.observe(game, none, done, 1, np.zeros(2, np.int64), np.array([0, 3]))
    assert not off.cells  # without key_map the map is not part of the key


def test_fresh_envs_are_never_moved_by_restarts_or_waves():
    game = ToyGame(8)
    cfg = ExploreConfig(restart_fraction=1.0, frontier_fraction=1.0, fresh_fraction=0.25)
    archive = Archive(cfg, 8, 2, np.random.default_rng(0))
    _, info = _walk_right(game, 4)  # every env at halfway (1 milestone)
    archive.observe(game, info["milestones"][:1].repeat(8, 0), np.zeros(8, bool), 32)
    fresh = ToyGame(8)
    obs = {k: v.copy() for k, v in fresh.obs.items()}
    moved = archive.frontier_wave(fresh, obs)
    assert sorted(moved) == [2, 3, 4, 5, 6, 7]  # a wave of all envs but the first quarter
    np.testing.assert_array_equal(obs["pos"][[0, 1], 0], 0)  # still at the start
    restarted = archive.restart(fresh, np.ones(8, bool), obs)
    assert sorted(restarted) == [2, 3, 4, 5, 6, 7]


def test_replace_better_keeps_the_highest_scoring_state_at_each_key():
    game = ToyGame(2)
    _walk_right(game, 4)  # both envs halfway, on different rows (different states)
    half = np.array([[True, False], [True, False]])
    first_only = np.array([[True, False], [False, False]])
    done = np.zeros(2, bool)
    for on, states in ((False, 0), (True, 1)):
        a = Archive(ExploreConfig(replace_better=on), 2, 2, np.random.default_rng(0))
        # env 0 reaches the key first with nothing earned; env 1 earns 2.0 on the way
        a.observe(game, first_only, done, 1, gains=np.array([0.0, 2.0]))
        a.observe(game, half, done, 2, gains=np.zeros(2))
        want = game.snapshot([states])[0]
        assert len(a.cells) == 1 and a.best.snapshot == want and a.replaced == on
        assert a.best.found_step == 1  # the cell keeps its place in the ranking
    assert a.best.score == 2.0
    # an env sent to the cell carries its score on: reaching the key again with the same
    # score replaces nothing; a game that ends starts again from 0
    a._send(game, np.array([0]), [a.best], {k: v.copy() for k, v in game.obs.items()})
    a.observe(game, np.zeros((2, 2), bool), done, 3, gains=np.zeros(2))
    a.observe(game, half, done, 4, gains=np.zeros(2))
    assert a.replaced == 1
    a.observe(game, half, np.array([True, False]), 5, gains=np.array([5.0, 0.0]))
    assert a._score[0] == 0.0
    b = Archive(ExploreConfig(replace_better=True), 2, 2, np.random.default_rng(1))
    b.load_state_dict(a.state_dict())
    assert b.best.score == 2.0 and b.replaced == 1 and list(b._score) == list(a._score)
    with pytest.raises(ValueError, match="replace_better"):
        a.observe(game, half, done, 6)


def test_drills_send_the_last_envs_to_the_cells_milestones_were_reached_from():
    game = ToyGame(4)
    cfg = ExploreConfig(restart_fraction=1.0, frontier_fraction=1.0, drill_fraction=0.5)
    cfg.drill_steps, cfg.archive_size = 3, 2
    archive = Archive(cfg, 4, 2, np.random.default_rng(0))
    none, done, ones = np.zeros((4, 2), bool), np.zeros(4, bool), np.ones(4, np.int64)
    _walk_right(game, 3)
    archive.observe(game, none, done, 1, events=ones)  # cell (no milestone, 1 event)
    before = archive.best
    obs = {k: v.copy() for k, v in game.obs.items()}
    assert len(archive.drill(game, obs)) == 0  # no gate yet: the drilling envs play on
    _walk_right(game, 1)
    halfway = none.copy()
    halfway[0, 0] = True  # env 0 goes on from that cell's key to a milestone
    archive.observe(game, halfway, done, 2, events=ones)
    assert [c.key for c in archive.gates] == [before.key]
    # a higher-ranked cell than the gate arrives in a full archive: a plain cell goes first
    archive.observe(game, halfway, done, 3, events=np.array([1, 2, 1, 1]))
    assert len(archive.cells) == 2 and archive.gates[0].key == before.key
    fresh = ToyGame(4)
    obs = {k: v.copy() for k, v in fresh.obs.items()}
    assert list(archive.drill(fresh, obs)) == [2, 3]
    assert fresh.snapshot([2, 3]) == [before.snapshot] * 2
    np.testing.assert_array_equal(obs["pos"][[2, 3], 0], 3)  # observations follow
    assert len(archive.drill(fresh, obs)) == 0  # drill_steps not played yet
    for step in range(3):
        archive.observe(fresh, halfway, done, 4 + step, events=ones)
    assert list(archive.drill(fresh, obs)) == [2, 3] and archive.drills == 4
    # a drill that goes on to more milestones than its gate held has opened it, once
    opened = none.copy()
    opened[3, 0] = True
    archive.observe(fresh, opened, done, 8, events=ones)
    archive.observe(fresh, opened, done, 9, events=ones)
    assert archive.drills_opened == 1
    # restarts and waves never move the drilling envs
    assert sorted(archive.frontier_wave(fresh, obs)) == [0, 1]
    assert sorted(archive.restart(fresh, np.ones(4, bool), obs)) == [0, 1]
    b = Archive(cfg, 4, 2, np.random.default_rng(1))
    b.load_state_dict(archive.state_dict())
    assert [c.key for c in b.gates] == [before.key] and b.drills == 4
    assert b.drills_opened == 1 and list(b._drill_held) == list(archive._drill_held)
    assert len(b.drill(fresh, obs)) == 0  # the drill clocks came back too
    # without drills gates are marked too, but a full archive drops them like any cell
    off = Archive(ExploreConfig(archive_size=2), 4, 2, np.random.default_rng(0))
    off.observe(game, none, done, 1, events=ones)
    off.observe(game, halfway, done, 2, events=ones)
    assert [c.key for c in off.gates] == [before.key]
    off.observe(game, halfway, done, 3, events=np.array([1, 2, 1, 1]))
    assert not off.gates and len(off.cells) == 2


def test_backward_drills_start_at_the_first_pass_and_move_back_as_they_pass():
    """``drill_from = "backward"``: the ring of the first env through a milestone set
    becomes its demo; drills start at the demo's last state before the milestone and one
    boundary earlier once half the tries at a level passed (``backward.TRIES`` tries)."""
    from pocketrl.train import backward

    game = ToyGame(4)
    cfg = ExploreConfig(restart_fraction=1.0, frontier_fraction=0.0, drill_fraction=0.5)
    cfg.drill_from, cfg.drill_depth, cfg.drill_steps = "backward", 3, 2
    archive = Archive(cfg, 4, 2, np.random.default_rng(0))
    none, done = np.zeros((4, 2), bool), np.zeros(4, bool)
    obs = {k: v.copy() for k, v in game.obs.items()}
    seen = []
    for step in range(4):  # four boundaries at x = 0, 1, 2, 3; the ring keeps the last 3
        assert len(archive.drill(game, obs)) == 0  # no demo yet: drilling envs play on
        seen.append(game.snapshot([0])[0])
        _walk_right(game, 1)
        archive.observe(game, none, done, step)
    passed = none.copy()
    passed[0, 0] = True  # env 0 goes on to a milestone; env 1 never does
    archive.observe(game, passed, done, 5)
    (demo,) = archive.demos.demos.values()
    assert [s.snapshot for s in demo.states] == seen[1:] and demo.count == 0
    assert list(archive.drill(game, obs)) == [2, 3]
    assert game.snapshot([2, 3]) == [seen[3]] * 2  # level 0: the last state before
    np.testing.assert_array_equal(obs["pos"][[2, 3], 0], 3)
    assert not archive.demos.rings[2] and not archive.demos.rings[3]  # drills record nothing
    # every try passes: after TRIES tries the start moves one boundary back
    for r in range(backward.TRIES // 2):
        both = none.copy()
        both[[2, 3], 0] = True
        archive.observe(game, both, done, 10 + 2 * r)
        archive.observe(game, both, done, 11 + 2 * r)
        archive.drill(game, obs)
    assert demo.level == 1 and game.snapshot([2]) == [seen[2]]
    assert archive.drills_opened == backward.TRIES
    # tries that never pass leave the level where it is
    for r in range(backward.TRIES // 2):
        archive.observe(game, none, done, 30 + 2 * r)
        archive.observe(game, none, done, 31 + 2 * r)
        archive.drill(game, obs)
    assert demo.level == 1
    # a restored env starts an empty ring, so no demo is made from before the restore
    assert len(archive.demos.rings[0]) == 3
    archive.restart(game, np.array([True, False, False, False]), obs)
    assert len(archive.demos.rings[0]) == 0
    # a checkpoint keeps the demo and its level
    b = Archive(cfg, 4, 2, np.random.default_rng(1))
    b.load_state_dict(archive.state_dict())
    (bd,) = b.demos.demos.values()
    assert bd.level == 1 and [s.snapshot for s in bd.states] == seen[1:]
    assert b.summary()["explore/demos"] == 1
