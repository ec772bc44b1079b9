"""``pocketrl compare RUN_DIR...``: several runs' curves on one PNG, and a table."""

from __future__ import annotations

from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "compare",
        help="compare training runs (curves + milestone table)",
        description="Draw badges and explored tiles against env steps and wall-clock for "
        "several runs on one PNG, and print the steps and minutes to each milestone.",
    )
    p.add_argument("runs", nargs="+", type=Path, help="run dirs made by `pocketrl train`")
    p.add_argument("--out", type=Path, default=Path("compare.png"), help="PNG to write")
    p.set_defaults(func=run)


def run(args) -> int:
    from pocketrl.compare import plot, read_run, table

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
