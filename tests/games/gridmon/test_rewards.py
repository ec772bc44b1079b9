"""The weighted reward parts (``info["reward/<name>"]``) sum to the reward, and each part
is its weight times the change of what it rewards, over random play and the oracle (so
that events, badges, levels, catches, heals, blackouts and the champion all happen)."""

import numpy as np
import pytest

from pocketrl.games.gridmon.config import GridmonConfig, RewardWeights
from pocketrl.games.gridmon.env import GridmonEnv
from pocketrl.games.gridmon.oracle import Oracle

# Distinct weights, so a part written under another component's name or weight shows.
WEIGHTS = RewardWeights(
    explore=0.03,
    event=1.5,
    badge=4.0,
    level=0.7,
    catch=1.3,
    heal=0.9,
    blackout=0.6,
    champion=20.0,
    talk=0.4,
)
# part -> the counter whose growth it rewards (blackout: a penalty per blackout)
COUNTERS = {
    "explore": "explored",
    "event": "n_events",
    "badge": "n_badges",
    "level": "level_score",
    "catch": "caught",
    "blackout": "blackouts",
}
SIGN = {"blackout": -1.0}


def _env(num_envs, seed):
    config = GridmonConfig(world="mini", horizon=10**9, on_truncate="continue", rewards=WEIGHTS)
    return GridmonEnv(num_envs, config, seed=seed)


def _counters(env) -> dict[str, np.ndarray]:
    a = env.arrays
    out = {part: a[name].astype(np.float64) for part, name in COUNTERS.items()}
    out["catch"] = a["caught"].sum(1).astype(np.float64)  # species caught so far
    return out


def _assert_close(actual, desired, what):
    if not np.allclose(actual, desired, rtol=1e-5, atol=1e-6):  # fast path: no message
        np.testing.assert_allclose(actual, desired, rtol=1e-5, atol=1e-6, err_msg=what)


def _play(env, act, steps) -> dict[str, int]:
    """Step ``steps`` times, checking every step; returns, per part, the env-steps where
    it was not zero."""
    names = env.reward_components
    assert set(names) == set(COUNTERS) | {"heal", "champion", "talk"}
    nonzero = dict.fromkeys(names, 0)
    before = _counters(env)
    talked, held = env.arrays["talked"].sum(1), np.zeros(env.num_envs)
    for t in range(steps):
        _, reward, terminated, truncated, info = env.step(act())
        parts = {n: info[f"reward/{n}"].astype(np.float64) for n in names}
        go_on = ~(terminated | truncated)  # an ended game was reset in the same step
        _assert_close(sum(parts.values())[go_on], reward[go_on], f"sum, step {t}")
        after = _counters(env)  # ended games: see the episode-end test below
        for n, counter in before.items():
            grew = SIGN.get(n, 1.0) * getattr(WEIGHTS, n) * (after[n] - counter)
            _assert_close(parts[n][go_on], grew[go_on], f"{n}, step {t}")
        assert ((parts["heal"] >= 0) & (parts["heal"] <= WEIGHTS.heal + 1e-6)).all(), t
        np.testing.assert_array_equal(parts["champion"], WEIGHTS.champion * terminated)
        # talk: one new person spoken to pays once; a milestone empties the memory
        now_talked, now_held = env.arrays["talked"].sum(1), info["milestones"].sum(1)
        same = go_on & (now_held == held)
        _assert_close(parts["talk"][same], WEIGHTS.talk * (now_talked - talked)[same], f"talk, {t}")
        assert np.isin(parts["talk"], [0.0, np.float32(WEIGHTS.talk)]).all(), t
        talked, held = now_talked, now_held
        for n in names:
            nonzero[n] += int(np.count_nonzero(parts[n]))
        before = after
    return nonzero


def test_parts_sum_to_the_reward_in_random_play():
    env = _env(64, seed=0)
    rng = np.random.default_rng(0)
    nonzero = _play(env, lambda: rng.integers(0, 7, env.num_envs), 2_000)
    for n in ("explore", "event", "level", "catch", "heal", "blackout"):
        assert nonzero[n] > 0, (n, nonzero)


def test_parts_sum_to_the_reward_when_the_oracle_plays():
    env = _env(4, seed=3)
    oracle = Oracle(env, seed=3)
    nonzero = _play(env, oracle.act, 3_000)
    assert all(nonzero.values()), nonzero  # every part, the champion included


@pytest.mark.parametrize("on_truncate", ["reset", "continue"])
def test_parts_sum_to_the_reward_on_the_step_an_episode_ends(on_truncate):
    config = GridmonConfig(world="mini", horizon=5, on_truncate=on_truncate, rewards=WEIGHTS)
    env = GridmonEnv(2, config, seed=0)
    for _ in range(5):
        _, reward, _, truncated, info = env.step(np.array([4, 4]))  # A: stay put
    assert truncated.all()
    parts = sum(info[f"reward/{n}"] for n in env.reward_components)
    _assert_close(parts, reward, "sum")


def test_forget_on_milestone_clears_the_exploration_memory_at_each_milestone():
    """With ``forget_on_milestone`` every milestone empties the episode's exploration
    memory (the player's tile stays in it), so tiles seen before pay again; without it
    the memory only grows."""
    for forget in (True, False):
        config = GridmonConfig(
            world="mini", horizon=10**9, on_truncate="continue", forget_on_milestone=forget
        )
        env = GridmonEnv(1, config, seed=3)
        oracle = Oracle(env, seed=3)
        held, cleared, explored = 0, 0, int(env.arrays["explored"][0])
        for _ in range(3_000):
            _, _, terminated, _, info = env.step(oracle.act())
            if terminated[0]:  # the champion: a new game begins
                break
            now = int(info["milestones"][0].sum())
            memory = int(env.arrays["explored"][0])
            if now > held:
                assert (memory == 1) == forget
                assert int(env.arrays["visited"][0].sum()) == memory
                cleared += 1
            else:
                assert memory >= explored  # between milestones it only grows
            held, explored = now, memory
        assert cleared >= 3  # badge 1, the shears, badge 2 at least


def _facing_a(env, kind):
    """Put env 0 on a walkable tile next to an entity of ``kind`` that gives nothing,
    facing it; returns the entity."""
    from pocketrl.games.gridmon.core import constants as C

    w, a = env.world, env.arrays
    for e in np.flatnonzero((w.ent["kind"] == kind) & (w.ent["event"] < 0)):
        m, x, y = (int(w.ent[c][e]) for c in ("map", "x", "y"))
        for d, (dx, dy) in enumerate(C.DIRS):
            px, py = x - dx, y - dy  # stand here, face direction d
            cell = env.tables.map_off[m] + py * env.tables.map_w[m] + px
            if 0 <= px < env.tables.map_w[m] and 0 <= py < env.tables.map_h[m]:
                if w.cell_tile[cell] in C.WALKABLE and w.cell_entity[cell] < 0:
                    a["map"][0], a["x"][0], a["y"][0], a["facing"][0] = m, px, py, d
                    return int(e)
    raise AssertionError(f"no entity of kind {kind} with a free tile beside it")


def test_talk_pays_once_per_person_until_the_next_milestone():
    """A on a person or sign pays the talk part the first time only; a milestone empties the talk
    memory, so the same person pays again (what a gift behind a badge needs)."""
    from pocketrl.games.gridmon.core import constants as C

    config = GridmonConfig(world="mini", horizon=10**9, rewards=RewardWeights(talk=0.5))
    env = GridmonEnv(1, config, seed=0)
    env.reset(seed=0)
    e = _facing_a(env, C.E_SIGN)
    paid = []
    for action in (C.A, C.A, C.B):
        _, _, _, _, info = env.step(np.array([action]))
        paid.append(float(info["reward/talk"][0]))
    assert paid == [0.5, 0.0, 0.0]
    assert env.arrays["talked"][0, e] == 1
    env.arrays["badges"][0] |= 1  # badge 1: a milestone on the next step
    _, _, _, _, info = env.step(np.array([C.B]))
    assert info["milestones"][0].sum() >= 1 and env.arrays["talked"][0].sum() == 0
    _, _, _, _, info = env.step(np.array([C.A]))
    assert float(info["reward/talk"][0]) == 0.5


def test_the_healer_counts_as_a_person_to_talk_to():
    """A at the healer pays the talk part once per milestone (as any person does) on top
    of what the heal restores, so a policy that talks to people finds the healer too."""
    from pocketrl.games.gridmon.core import constants as C

    config = GridmonConfig(world="mini", horizon=10**9, rewards=RewardWeights(talk=0.5))
    env = GridmonEnv(1, config, seed=0)
    env.reset(seed=0)
    e = _facing_a(env, C.E_HEAL)
    env.arrays["p_hp"][0, 0] = 1  # hurt, so the heal restores something
    paid, healed = [], []
    for _ in range(2):
        _, _, _, _, info = env.step(np.array([C.A]))
        paid.append(float(info["reward/talk"][0]))
        healed.append(float(info["reward/heal"][0]))
    assert paid == [0.5, 0.0] and healed[0] > 0 and healed[1] == 0
    assert env.arrays["talked"][0, e] == 1 and env.arrays["heal_map"][0] == env.arrays["map"][0]


def test_count_scale_makes_a_trodden_tile_pay_less():
    """``explore_count_scale`` s: a newly explored tile pays explore / sqrt(1 + n / s),
    n = the batch's steps onto it so far (this one included); 0 pays explore."""
    for scale, expect in ((5.0, 0.5), (0.0, 1.0)):
        rewards = RewardWeights(explore=1.0, explore_count_scale=scale)
        env = GridmonEnv(1, GridmonConfig(world="mini", rewards=rewards), seed=0)
        env.reset(seed=0)
        env.visit_counts[:] = 14  # every tile trodden 14 times; the step makes it 15
        paid = 0.0
        for action in (0, 1, 2, 3):  # the first move that lands on a new tile
            before = int(env.arrays["explored"][0])
            _, _, _, _, info = env.step(np.array([action]))
            if int(env.arrays["explored"][0]) > before:
                paid = float(info["reward/explore"][0])
                break
        assert paid == pytest.approx(expect)
