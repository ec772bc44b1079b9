"""The --llm-* flags of eval and watch (``--agent llm``: a language model plays through an
OpenAI-compatible endpoint, agents/llm.py), and the settings they make."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_llm_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("language-model agent (--agent llm)")
    g.add_argument(
        "--llm-url",
        default="http://127.0.0.1:8080/v1",
        help="base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or a "
        "local llama.cpp / vLLM / Ollama server (default: http://127.0.0.1:8080/v1)",
    )
    g.add_argument("--llm-model", default=None, help="model name the server knows")
    g.add_argument(
        "--llm-key-env",
        default="OPENAI_API_KEY",
        help="environment variable holding the API key (never written to any file)",
    )
    g.add_argument(
        "--llm-context",
        type=int,
        default=8000,
        help="tokens of conversation sent each turn: system prompt, notes, latest turns",
    )
    g.add_argument("--llm-max-reply", type=int, default=300, help="max_tokens of one reply")
    g.add_argument("--llm-buttons", type=int, default=8, help="most buttons in one reply")
    g.add_argument("--llm-temperature", type=float, default=None, help="sampling temperature")
    g.add_argument("--llm-timeout", type=float, default=60.0, help="seconds per HTTP call")
    g.add_argument(
        "--llm-retries",
        type=int,
        default=3,
        help="retries of a failed call (HTTP error, timeout) before the run stops",
    )
    g.add_argument(
        "--llm-backoff", type=float, default=2.0, help="seconds before the first retry, doubled"
    )
    g.add_argument(
        "--max-tokens-total",
        type=int,
        default=None,
        help="stop the run once the model has used this many tokens (in + out)",
    )
    g.add_argument(
        "--llm-params",
        default="undisclosed",
        help="the model's parameter count, for the comparison table (e.g. 135M)",
    )
    g.add_argument(
        "--llm-prompt",
        type=Path,
        default=None,
        help="your own copy of the prompt file (default: agents/llm_prompt.md)",
    )


def check_llm_args(args: argparse.Namespace) -> None:
    """Refuse settings --agent llm cannot run with, before any game is built."""
    try:
        import openai  # noqa: F401
    except ImportError:
        from pocketrl.agents.llm import INSTALL_HINT

        raise ValueError(INSTALL_HINT) from None
    if not args.llm_model:
        raise ValueError("--agent llm needs --llm-model NAME (a model the server at --llm-url has)")
    if getattr(args, "search", 0) or getattr(args, "search_sweep", None):
        raise ValueError("--search plays ahead with a policy; it cannot search a language model")
    if getattr(args, "envs", None) not in (None, 1):
        raise ValueError(f"--agent llm plays one game; use --envs 1, not {args.envs}")
    for flag, value, low in (
        ("--llm-context", args.llm_context, 256),
        ("--llm-buttons", args.llm_buttons, 1),
        ("--llm-retries", args.llm_retries, 0),
        ("--llm-max-reply", args.llm_max_reply, 0),
    ):
        if value < low:
            raise ValueError(f"{flag} must be >= {low}, got {value}")
    if args.llm_timeout <= 0 or args.llm_backoff < 0:
        raise ValueError("--llm-timeout must be > 0 and --llm-backoff >= 0")
    if args.max_tokens_total is not None and args.max_tokens_total < 1:
        raise ValueError(f"--max-tokens-total must be >= 1, got {args.max_tokens_total}")
    if args.llm_prompt is not None and not args.llm_prompt.is_file():
        raise FileNotFoundError(f"--llm-prompt {args.llm_prompt}: no such file")


def make_llm_agent(env, args: argparse.Namespace, out: Path | None):
    """The LLMAgent of ``args``; its transcript goes to OUT/transcript.jsonl."""
    from pocketrl.agents.llm import PROMPT_FILE, LLMAgent, LLMSettings

    settings = LLMSettings(
        url=args.llm_url,
        model=args.llm_model,
        key_env=args.llm_key_env,
        context=args.llm_context,
        max_reply=args.llm_max_reply,
        max_buttons=args.llm_buttons,
        temperature=args.llm_temperature,
        timeout=args.llm_timeout,
        retries=args.llm_retries,
        backoff=args.llm_backoff,
        max_tokens_total=args.max_tokens_total,
        params=args.llm_params,
        prompt=args.llm_prompt or PROMPT_FILE,
    )
    out = out if out is not None else Path("runs") / "watch-llm"
    return LLMAgent(env, settings, out / "transcript.jsonl")
