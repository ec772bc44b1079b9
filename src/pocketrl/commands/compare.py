"""``pocketrl compare RUN_DIR...``: several runs' curves on one PNG, and a table."""

from __future__ import annotations

from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "compare",
        help="compare training runs (curves + milestone table)",
        description="Draw badges and explored tiles against env steps and wall-clock for "
        "several runs on one PNG, and print the steps and minutes to each milestone. Given "
        "eval.json files (or folders of `pocketrl eval`), print the depth-against-breadth "
        "table instead: agent, parameters, steps to each milestone, compute per step.",
    )
    p.add_argument(
        "runs", nargs="+", type=Path, help="run dirs of `pocketrl train`, or eval.json files"
    )
    p.add_argument("--out", type=Path, default=Path("compare.png"), help="PNG to write")
    p.set_defaults(func=run)


def _is_eval(path: Path) -> bool:
    return path.suffix == ".json" or (
        path.is_dir() and (path / "eval.json").is_file() and not (path / "metrics.jsonl").exists()
    )


def _label(path: Path, taken) -> str:
    """A run dir's name; for an eval, its folder's (the run's, for RUN/eval)."""
    folder = (path.parent if path.suffix == ".json" else path).resolve()
    name = (folder.parent if folder.name.startswith("eval") else folder).name or str(path)
    while name in taken:
        name += "'"
    return name


def run(args) -> int:
    from pocketrl.compare import eval_table, plot, read_eval, read_run, table

    kinds = {_is_eval(p) for p in args.runs}
    if kinds == {True}:
        evals: dict[str, dict] = {}
        for p in args.runs:
            data = read_eval(p)
            evals[_label(p, evals)] = data
        print(eval_table(evals))
        return 0
    if len(kinds) > 1:
        raise ValueError("give either run dirs or eval.json files, not both")
    runs: dict[str, list[dict]] = {}
    for d in args.runs:
        name = d.name or str(d)
        while name in runs:
            name += "'"
        runs[name] = read_run(d)
    print(table(runs))
    plot(runs, args.out)
    print(f"wrote {args.out}")
    return 0
