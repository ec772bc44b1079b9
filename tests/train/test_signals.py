"""Ctrl-C (SIGINT) and SIGTERM save a checkpoint and exit cleanly (real subprocess)."""

import signal
import subprocess
import sys
import time

import pytest

from pocketrl.train.checkpoint import checkpoint_path, load_checkpoint


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_saves_a_checkpoint_and_exits_cleanly(tmp_path, sig):
    run = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "pocketrl.commands.train",
        "--preset",
        "toy",
        "--steps",
        "100000000",
        "--run-dir",
        str(run),
        "--no-progress",
        "--set",
        "log_seconds=0",
        "--set",
        "checkpoint_minutes=100",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    metrics = run / "metrics.jsonl"
    while time.time() < deadline:
        if metrics.exists() and metrics.read_text().count("\n") >= 2:
            break
        time.sleep(0.1)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "--resume" in out + err
    ck = load_checkpoint(checkpoint_path(run))
    assert ck["collector"]["global_step"] > 0
    assert (run / "curves.png").exists()
