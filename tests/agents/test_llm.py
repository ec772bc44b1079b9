"""--agent llm against a small OpenAI-compatible server on 127.0.0.1 (real HTTP, the real
openai client). Its "model" answers with the oracle's next buttons, read off a shadow
game kept in step, or with garbage, slowly, with HTTP 500s, or not at all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pocketrl.cli import main

KEY = "sk-test-secret-never-written"


class FakeModel:
    """What the server answers, request by request."""

    def __init__(self, mode: str = "oracle", at: int = 0, steps: int = 0, chars_per_token=4):
        self.mode, self.at, self.steps = mode, at, steps
        self.chars_per_token = chars_per_token  # of the "tokenizer" the usage reports
        self.bodies: list[dict] = []
        self.out_of_step = 0  # oracle: prompts whose status line was not the shadow's
        self.reached = threading.Event()  # request number ``at`` arrived
        self.release = threading.Event()
        self.main_thread = threading.main_thread().ident
        self.shadow = self.oracle = None

    def answer(self, body: dict) -> tuple[int, str]:
        self.bodies.append(body)
        n = len(self.bodies)
        if self.mode == "oracle":
            return 200, self._oracle(body["messages"][-1]["content"])
        if self.mode == "garbage":
            return 200, "I would like to go north, I think."
        if self.mode == "garbage-once":
            return 200, "hmm" if n % 2 else "NOTES: found it\nBUTTONS: right"
        if self.mode == "slow":
            self.release.wait(2.0)
            return 200, "BUTTONS: up"
        if self.mode == "500":
            return 500, ""
        if self.mode == "500-once":
            return (500, "") if n == 1 else (200, "BUTTONS: down")
        if n == self.at:  # "interrupt" or "hang": request ``at`` gets no answer in time
            self.reached.set()
            if self.mode == "interrupt":
                signal.pthread_kill(self.main_thread, signal.SIGINT)
            self.release.wait(60)
        return 200, "BUTTONS: right"

    def _oracle(self, prompt: str) -> str:
        from pocketrl.commands.agent_args import Choice, game_config
        from pocketrl.config import TrainConfig
        from pocketrl.games.gridmon.env import GridmonEnv
        from pocketrl.games.gridmon.oracle.expert import Oracle
        from pocketrl.games.gridmon.view import status_line

        if self.shadow is None:  # the game eval builds: same settings, same seed
            config = TrainConfig()
            config.env.world = "mini"
            cfg = game_config(Choice("llm", None, config), self.steps + 1)
            self.shadow = GridmonEnv(1, cfg, seed=0)
            self.oracle = Oracle(self.shadow, seed=0)
        self.out_of_step += status_line(self.shadow, 0) not in prompt
        names = []
        for _ in range(4):
            b = int(self.oracle.act()[0])
            self.shadow.step([b])
            names.append(("up", "down", "left", "right", "A", "B", "START")[b])
        return "NOTES: follow the plan\nBUTTONS: " + " ".join(names)


def prompt_tokens(model: FakeModel, body: dict) -> int:
    return sum(len(m["content"]) for m in body["messages"]) // model.chars_per_token


def _handler(model: FakeModel):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.path.endswith("/chat/completions")
            status, text = model.answer(body)
            data = {
                "id": f"c{len(model.bodies)}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens(model, body),
                    "completion_tokens": len(text) // 4 + 1,
                    "total_tokens": 0,
                },
            }
            raw = json.dumps(data if status == 200 else {"error": {"message": "boom"}})
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw.encode())
            except OSError:  # the client gave up (a timeout): nothing to answer
                pass

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture(scope="module", autouse=True)
def _compiled_game():
    """Compile the game and the oracle first. On a fresh clone numba compiles them on
    first use (a minute or more on 2 cores): inside a server answer that would outlast
    the client's timeout, the call would be retried, and the shadow game would fall out
    of step with the real one."""
    from pocketrl.games.gridmon.config import GridmonConfig
    from pocketrl.games.gridmon.env import GridmonEnv
    from pocketrl.games.gridmon.oracle.expert import Oracle

    env = GridmonEnv(1, GridmonConfig(world="mini"), seed=0)
    env.step([int(Oracle(env, seed=0).act()[0])])


@pytest.fixture
def serve():
    pytest.importorskip("openai")
    servers = []

    def start(model: FakeModel) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, model))
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    yield start
    for server, model in servers:
        model.release.set()
        server.shutdown()
        server.server_close()


def _eval_args(url: str, out: Path, steps: int, *extra: str) -> list[str]:
    return [
        "eval",
        "--agent",
        "llm",
        "--world",
        "mini",
        "--steps",
        str(steps),
        "--llm-url",
        url,
        "--llm-model",
        "fake",
        "--out",
        str(out),
        "--no-media",
        *extra,
    ]


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_oracle_as_a_model_reaches_badge_1(serve, tmp_path, monkeypatch):
    """The text is enough to play (the shadow game's status line is in every prompt) and
    the answers drive the game: the llm agent earns the first badge on the mini world."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    steps = 440
    model = FakeModel("oracle", steps=steps)
    url = serve(model)
    assert main(_eval_args(url, tmp_path, steps, "--llm-buttons", "4")) == 0
    result = json.loads((tmp_path / "eval.json").read_text())
    badge = next(m for m in result["milestones"] if m["name"] == "badge_1")
    assert badge["reached"] == 1 and badge["best_step"] <= steps
    assert model.out_of_step == 0
    llm = result["llm"]
    assert llm["calls"] == len(model.bodies) == steps // 4
    assert llm["unreadable_replies"] == 0
    assert llm["milestones"]["badge_1"]["step"] == badge["best_step"]
    assert 0 < llm["milestones"]["badge_1"]["tokens"] < llm["tokens_in"] + llm["tokens_out"]
    records = _records(tmp_path / "transcript.jsonl")
    calls = [r for r in records if r["type"] == "call"]
    assert len(calls) == llm["calls"]
    assert sum(r["tokens_in"] for r in calls) == llm["tokens_in"]
    assert calls[-1]["buttons"] and calls[0]["reply"].startswith("NOTES:")
    assert "follow the plan" in model.bodies[-1]["messages"][-1]["content"]  # notes kept
    for f in tmp_path.iterdir():
        assert KEY not in f.read_text()


def test_context_is_cut_to_the_budget_keeping_system_and_latest(serve, tmp_path):
    """The budget holds in the server's own token count (here 2 characters a token, not
    the first guess of 4), and the turns kept are the latest ones."""
    steps, context = 32, 2600
    model = FakeModel("oracle", steps=steps, chars_per_token=2)
    url = serve(model)
    flags = ("--llm-buttons", "4", "--llm-context", str(context))
    assert main(_eval_args(url, tmp_path, steps, *flags)) == 0
    sizes = [len(b["messages"]) for b in model.bodies]
    assert sizes[:2] == [2, 4]  # system + the first turn, then one past turn more
    assert 4 <= sizes[-1] < 2 + 2 * (len(sizes) - 1)  # old turns were cut
    for prev, body in zip(model.bodies, model.bodies[1:]):
        messages = body["messages"]
        assert messages[0]["role"] == "system"
        assert "Your notes:" in messages[-1]["content"]
        assert messages[-3] == prev["messages"][-1]  # the latest past turn is kept
        assert prompt_tokens(model, body) <= context - 300  # --llm-max-reply's default


def test_unreadable_reply_asked_again_once_then_a_noop(serve, tmp_path):
    url = serve(FakeModel("garbage"))
    assert main(_eval_args(url, tmp_path, 3)) == 0
    llm = json.loads((tmp_path / "eval.json").read_text())["llm"]
    assert (llm["calls"], llm["unreadable_replies"]) == (6, 3)
    turns = [r for r in _records(tmp_path / "transcript.jsonl") if r["type"] == "turn"]
    assert [t["buttons"] for t in turns] == [["b"]] * 3
    assert all(t["unreadable"] for t in turns)


def test_second_answer_counts_when_readable(serve, tmp_path):
    model = FakeModel("garbage-once")
    url = serve(model)
    assert main(_eval_args(url, tmp_path, 2)) == 0
    llm = json.loads((tmp_path / "eval.json").read_text())["llm"]
    assert (llm["calls"], llm["unreadable_replies"]) == (4, 0)
    retry = model.bodies[1]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "hmm"}
    assert "BUTTONS" in retry[-1]["content"] and "could not read" in retry[-1]["content"]
    turns = [r for r in _records(tmp_path / "transcript.jsonl") if r["type"] == "turn"]
    assert [t["buttons"] for t in turns] == [["right"], ["right"]]
    assert turns[-1]["notes"] == "found it"


def test_timeouts_retry_then_stop_with_a_clear_message(serve, tmp_path, capsys):
    model = FakeModel("slow")
    url = serve(model)
    flags = ("--llm-timeout", "0.3", "--llm-retries", "2", "--llm-backoff", "0.01")
    assert main(_eval_args(url, tmp_path, 5, *flags)) == 1
    err = capsys.readouterr().err
    assert "failed 3 times in a row" in err and "--llm-timeout" in err
    assert len(model.bodies) == 3
    errors = [r for r in _records(tmp_path / "transcript.jsonl") if r["type"] == "error"]
    assert [e["attempt"] for e in errors] == [1, 2, 3]
    result = json.loads((tmp_path / "eval.json").read_text())
    assert result["steps"] == 0 and "failed 3 times" in result["stopped"]


def test_http_500_is_retried(serve, tmp_path, capsys):
    url = serve(FakeModel("500-once"))
    assert main(_eval_args(url, tmp_path, 2, "--llm-backoff", "0.01")) == 0
    llm = json.loads((tmp_path / "eval.json").read_text())["llm"]
    assert (llm["calls"], llm["failed_calls"]) == (2, 1)
    model = FakeModel("500")
    url = serve(model)
    out = tmp_path / "always"
    assert main(_eval_args(url, out, 2, "--llm-backoff", "0", "--llm-retries", "1")) == 1
    assert "HTTP 500" in capsys.readouterr().err and len(model.bodies) == 2


def test_token_budget_ends_the_run(serve, tmp_path):
    url = serve(FakeModel("plain"))
    assert main(_eval_args(url, tmp_path, 50, "--max-tokens-total", "1")) == 0
    result = json.loads((tmp_path / "eval.json").read_text())
    assert result["steps"] == 1 and "--max-tokens-total" in result["stopped"]
    assert result["llm"]["calls"] == 1


def test_ctrl_c_writes_eval_json_for_the_steps_played(serve, tmp_path):
    # A shell that starts pytest in the background (``make test &``) hands it SIGINT
    # ignored, and Python then never raises KeyboardInterrupt: give Ctrl-C its default.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _ctrl_c_run(serve, tmp_path)
    finally:
        signal.signal(signal.SIGINT, before)


def _ctrl_c_run(serve, tmp_path):
    model = FakeModel("interrupt", at=4)
    url = serve(model)
    assert main(_eval_args(url, tmp_path, 50)) == 0
    result = json.loads((tmp_path / "eval.json").read_text())
    assert result["steps"] == 3 and result["stopped"] == "interrupted (Ctrl-C)"
    assert result["llm"]["calls"] == 3


def test_transcript_is_complete_after_a_killed_run(serve, tmp_path):
    model = FakeModel("hang", at=5)
    url = serve(model)
    env = dict(os.environ, OPENAI_API_KEY=KEY, OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    cmd = [sys.executable, "-m", "pocketrl", *_eval_args(url, tmp_path, 50)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):  # the child imports and loads the compiled game first
            if model.reached.wait(0.5) or proc.poll() is not None:
                break
        assert model.reached.is_set(), proc.stderr.read().decode()
        proc.kill()
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    text = (tmp_path / "transcript.jsonl").read_text()
    assert KEY not in text and text.endswith("\n")
    records = _records(tmp_path / "transcript.jsonl")
    assert records[0]["type"] == "start" and records[0]["key_set"] is True
    assert [r["call"] for r in records if r["type"] == "call"] == [1, 2, 3, 4]
    assert [r["turn"] for r in records if r["type"] == "turn"] == [1, 2, 3, 4]
    assert not (tmp_path / "eval.json").exists()


def test_without_openai_it_names_the_package(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "openai", None)  # import openai -> ImportError
    assert main(["eval", "--agent", "llm", "--world", "mini", "--llm-model", "m"]) == 2
    assert "pip install -e '.[llm]'" in capsys.readouterr().err


def test_bad_flags_are_refused(capsys):
    pytest.importorskip("openai")
    assert main(["eval", "--agent", "llm", "--world", "mini"]) == 2
    assert "--llm-model" in capsys.readouterr().err
    assert main(["eval", "--agent", "llm", "--llm-model", "m", "--envs", "4"]) == 2
    assert "one game" in capsys.readouterr().err


def test_parse_reply():
    from pocketrl.agents.llm_text import parse_reply

    r = parse_reply("thinking...\nNOTES: go to town\nthen heal\nBUTTONS: Up, up A", 8)
    assert r.buttons == [0, 0, 4] and r.notes == "go to town\nthen heal"
    assert parse_reply("**BUTTONS:** start", 8).buttons == [6]
    assert "unknown" in parse_reply("BUTTONS: jump", 8).problem
    assert "1 to 2" in parse_reply("BUTTONS: a a a", 2).problem
    assert not parse_reply("", 8).buttons


def test_watch_ends_with_a_message_when_the_server_fails(serve, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # watch keeps its transcript under runs/watch-llm
    url = serve(FakeModel("500"))
    argv = ["watch", "--agent", "llm", "--world", "mini", "--llm-url", url]
    argv += ["--llm-model", "fake", "--llm-backoff", "0", "--llm-retries", "1"]
    assert main([*argv, "--steps", "3", "--fps", "1000"]) == 1
    assert "stopped after 0 steps" in capsys.readouterr().err
