"""A language model plays gridmon through any OpenAI-compatible chat endpoint.

Each turn the model reads the game as text (agents/llm_text.py) and answers with one to a
few buttons, which the agent then plays one per step; a notes field the model may rewrite
survives between turns, and the conversation is cut to a token budget keeping the system
prompt, the notes (they ride in the newest message) and the latest turns; tokens are
estimated from characters at the ratio the server's last ``usage`` showed (4 at first).
Every word the model is told is in llm_prompt.md.

Bad answers: a reply without readable buttons is asked again once, then counted and
replaced by a no-op (B). HTTP errors and timeouts are retried with exponential backoff a
bounded number of times, then the run stops with the reason. Every call is appended to
``transcript.jsonl`` as it happens (the API key never is).
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from pocketrl.evaluate import StopEval

from .llm_text import NOOP, parse_reply, state_text, step_events

PROMPT_FILE = Path(__file__).with_name("llm_prompt.md")
SECTIONS = ("system", "turn", "retry")
EVENTS_KEPT = 8  # latest event sentences shown to the model
CHARS_PER_TOKEN = 4.0  # the context budget's first guess; then the server's usage says
INSTALL_HINT = "--agent llm needs the openai package: pip install -e '.[llm]'"


@dataclass
class LLMSettings:
    url: str
    model: str
    key_env: str = "OPENAI_API_KEY"
    context: int = 8000  # tokens of conversation kept (estimated at 4 characters a token)
    max_reply: int = 300  # max_tokens of one reply (0: the server's default)
    max_buttons: int = 8
    temperature: float | None = None
    timeout: float = 60.0  # seconds per HTTP call
    retries: int = 3  # further tries after a failed HTTP call
    backoff: float = 2.0  # seconds before the first retry, doubled after each
    max_tokens_total: int | None = None  # stop when this many tokens are spent
    params: str = "undisclosed"  # the model's parameter count, as the user declares it
    prompt: Path = PROMPT_FILE


def load_prompt(path: Path) -> dict[str, str]:
    """The ``## system``, ``## turn`` and ``## retry`` sections of a prompt file."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in Path(path).read_text().splitlines():
        if line.startswith("## "):
            current = line[3:].strip().lower()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise ValueError(f"{path} lacks the section(s) {', '.join('## ' + s for s in missing)}")
    return {s: "\n".join(sections[s]).strip() for s in SECTIONS}


def make_client(s: LLMSettings):
    try:
        import openai
    except ImportError:
        raise ValueError(INSTALL_HINT) from None
    key = os.environ.get(s.key_env) or "none"  # local servers take any key
    return openai.OpenAI(base_url=s.url, api_key=key, timeout=s.timeout, max_retries=0)


def estimate_tokens(messages: list[dict], chars_per_token: float = CHARS_PER_TOKEN) -> int:
    return sum(4 + int(len(m["content"]) / chars_per_token) for m in messages)


class Transcript:
    """``transcript.jsonl``: one JSON line per record, flushed as it is written, so a
    killed run keeps every call made before it died."""

    def __init__(self, path: Path | None):
        self.path = path
        self.f = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.f = open(path, "w")  # noqa: SIM115 - open for the whole run

    def write(self, record: dict) -> None:
        if self.f is not None:
            self.f.write(json.dumps(record) + "\n")
            self.f.flush()

    def close(self) -> None:
        if self.f is not None:
            self.f.close()
            self.f = None


class LLMAgent:
    """The agent interface (``act(obs) -> actions``) over a chat model; one game."""

    stop_on_interrupt = True  # evaluate() ends on Ctrl-C with the steps played

    def __init__(self, env, settings: LLMSettings, transcript: Path | None, client=None):
        if env.num_envs != 1:
            raise ValueError(f"--agent llm plays one game; use --envs 1, not {env.num_envs}")
        self.env, self.s = env, settings
        self.prompt = load_prompt(settings.prompt)
        self.client = client or make_client(settings)
        self.system = self._fill("system")
        self.queue: deque[int] = deque()
        self.events: deque[str] = deque(maxlen=EVENTS_KEPT)
        self.history: list[dict] = []  # past turns: user and assistant messages
        self.notes, self.last = "", "-"
        self.calls = self.turns = self.unreadable = self.failed_calls = 0
        self.tokens_in = self.tokens_out = 0
        self.call_seconds = 0.0
        self.chars_per_token = CHARS_PER_TOKEN  # learnt from the API's usage
        self.failed = False  # the server failed: the run stopped on an error
        self.tokens_at_step: list[int] = []  # tokens spent before each step's button
        self.log = Transcript(transcript)
        public = {k: str(v) for k, v in asdict(settings).items()}
        self.log.write({"type": "start", "settings": public, "key_set": self._key_set()})

    # --- the agent interface ---------------------------------------------------------
    def act(self, obs) -> np.ndarray:
        self.events.extend(step_events(self.env, 0))
        if not self.queue:
            self.queue.extend(self._turn())
        self.tokens_at_step.append(self.tokens_in + self.tokens_out)
        return np.array([self.queue.popleft()], np.int64)

    def close(self) -> None:
        self.log.close()

    def eval_report(self, result) -> dict:
        """What eval.json adds for this agent: the model, its spending and the step and
        tokens spent when each milestone was first reached."""
        steps = max(1, result.steps)
        spent = self.tokens_in + self.tokens_out
        at = {}
        for j, name in enumerate(result.milestones):
            t = int(result.first_step[0, j])
            if t > 0:
                at[name.name] = {"step": t, "tokens": self.tokens_at_step[t - 1]}
        return {
            "llm": {
                "url": self.s.url,
                "model": self.s.model,
                "params": self.s.params,
                "prompt": str(self.s.prompt),
                "context": self.s.context,
                "calls": self.calls,
                "failed_calls": self.failed_calls,
                "turns": self.turns,
                "unreadable_replies": self.unreadable,
                "tokens_in": self.tokens_in,
                "tokens_out": self.tokens_out,
                "tokens_per_step": spent / steps,
                "call_seconds": self.call_seconds,
                "milestones": at,
            }
        }

    # --- one turn --------------------------------------------------------------------
    def _turn(self) -> list[int]:
        spent = self.tokens_in + self.tokens_out
        if self.s.max_tokens_total is not None and spent >= self.s.max_tokens_total:
            raise StopEval(f"--max-tokens-total {self.s.max_tokens_total:,} spent ({spent:,})")
        self.turns += 1
        user = {"role": "user", "content": self._turn_text()}
        messages = self._context(user)
        text = self._call(messages)
        reply = parse_reply(text, self.s.max_buttons)
        answer = text
        if not reply.buttons:  # ask again once
            retry = {"role": "user", "content": self._fill("retry", problem=reply.problem)}
            text2 = self._call(messages + [{"role": "assistant", "content": text}, retry])
            second = parse_reply(text2, self.s.max_buttons)
            if second.notes is None:
                second.notes = reply.notes
            reply, answer = second, text2
        if not reply.buttons:
            self.unreadable += 1
        buttons = reply.buttons or [NOOP]
        if reply.notes is not None:
            self.notes = reply.notes
        self.history += [user, {"role": "assistant", "content": answer}]
        self.last = " ".join(_name(b) for b in buttons)
        self.log.write(
            {
                "type": "turn",
                "turn": self.turns,
                "step": len(self.tokens_at_step),
                "buttons": [_name(b) for b in buttons],
                "unreadable": not reply.buttons,
                "notes": self.notes,
            }
        )
        return buttons

    def _turn_text(self) -> str:
        state = state_text(self.env, 0, list(self.events))
        self.events.clear()
        return self._fill(
            "turn",
            turn=self.turns,
            step=len(self.tokens_at_step),
            state=state,
            notes=self.notes or "(none yet)",
            last=self.last,
        )

    def _fill(self, section: str, **fields) -> str:
        return self.prompt[section].format_map({"max_buttons": self.s.max_buttons, **fields})

    def _context(self, user: dict) -> list[dict]:
        """System prompt, the latest whole turns that fit the budget, the new message."""
        head = [{"role": "system", "content": self.system}]
        cpt = self.chars_per_token
        budget = self.s.context - self.s.max_reply - estimate_tokens(head + [user], cpt)
        keep = len(self.history)
        while keep > 0 and estimate_tokens(self.history[len(self.history) - keep :], cpt) > budget:
            keep -= 2
        self.history = self.history[len(self.history) - keep :] if keep > 0 else []
        return head + self.history + [user]

    # --- one HTTP call, with retries -------------------------------------------------
    def _call(self, messages: list[dict]) -> str:
        import openai

        error = ""
        for attempt in range(self.s.retries + 1):
            if attempt:
                time.sleep(self.s.backoff * 2 ** (attempt - 1))
            t0 = time.perf_counter()
            try:
                r = self.client.chat.completions.create(**self._request(messages))
            except openai.APIStatusError as e:
                error = f"HTTP {e.status_code}: {_short(e.message)}"
                if e.status_code < 500 and e.status_code not in (408, 409, 429):
                    self._failed(messages, t0, attempt, error)
                    self.failed = True
                    raise StopEval(f"{self.s.url} refused the request ({error})", True) from None
            except openai.APITimeoutError:
                error = f"no answer within --llm-timeout {self.s.timeout:g} s"
            except openai.APIConnectionError as e:
                error = f"cannot connect ({_short(str(e.__cause__ or e))})"
            else:
                return self._answered(messages, r, t0, attempt)
            self._failed(messages, t0, attempt, error)
        self.failed = True
        raise StopEval(
            f"{self.s.url} failed {self.s.retries + 1} times in a row; last: {error} "
            "(see --llm-timeout, --llm-retries)",
            True,
        )

    def _request(self, messages: list[dict]) -> dict:
        req = {"model": self.s.model, "messages": messages}
        if self.s.max_reply > 0:
            req["max_tokens"] = self.s.max_reply
        if self.s.temperature is not None:
            req["temperature"] = self.s.temperature
        return req

    def _answered(self, messages, r, t0: float, attempt: int) -> str:
        seconds = time.perf_counter() - t0
        text = (r.choices[0].message.content or "") if r.choices else ""
        usage = getattr(r, "usage", None)
        t_in = getattr(usage, "prompt_tokens", None)
        t_out = getattr(usage, "completion_tokens", None)
        estimated = t_in is None or t_out is None
        if estimated:  # a server without usage: count by the same estimate as the budget
            t_in = estimate_tokens(messages, self.chars_per_token)
            t_out = int(len(text) / self.chars_per_token)
        elif t_in > 0:  # the real ratio of this model's tokenizer, for the budget
            self.chars_per_token = sum(len(m["content"]) for m in messages) / t_in
        self.calls += 1
        self.tokens_in += int(t_in)
        self.tokens_out += int(t_out)
        self.call_seconds += seconds
        self.log.write(
            {
                "type": "call",
                "call": self.calls,
                "turn": self.turns,
                "step": len(self.tokens_at_step),
                "attempt": attempt + 1,
                "messages": len(messages),
                "prompt_chars": sum(len(m["content"]) for m in messages),
                "prompt": messages[-1]["content"],
                "reply": text,
                "buttons": [_name(b) for b in parse_reply(text, self.s.max_buttons).buttons],
                "tokens_in": int(t_in),
                "tokens_out": int(t_out),
                "tokens_estimated": estimated,
                "seconds": round(seconds, 4),
            }
        )
        return text

    def _failed(self, messages, t0: float, attempt: int, error: str) -> None:
        self.failed_calls += 1
        self.log.write(
            {
                "type": "error",
                "turn": self.turns,
                "step": len(self.tokens_at_step),
                "attempt": attempt + 1,
                "prompt_chars": sum(len(m["content"]) for m in messages),
                "error": error,
                "seconds": round(time.perf_counter() - t0, 4),
            }
        )

    def _key_set(self) -> bool:
        return bool(os.environ.get(self.s.key_env))


def _name(button: int) -> str:
    from .llm_text import C

    return C.ACTION_NAMES[button]


def _short(text: str, n: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."
