"""Training throughput benchmark (``pocketrl bench train``); see pocketrl.bench.train.

Run: ``python benchmarks/bench_train.py [--preset gridmon-mini] [--updates 4]``.
"""

from __future__ import annotations

from pocketrl.bench.train import main

if __name__ == "__main__":
    raise SystemExit(main())
