# pocketrl: set-up and main jobs. `make test` and `make train` work on a fresh machine.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# CPU build of torch, pinned (an unpinned torch pulls a multi-GB CUDA build).
TORCH_PIN := torch==2.13.0

.PHONY: install dev train test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q $(TORCH_PIN)
	$(BIN)/pip install -q -e '.[dev,pokered,llm]'
	touch $@

install: $(VENV)/.installed

# The main job: PPO on the full gridmon world for 10 minutes, ending with a table of the
# milestones reached, by how many envs, at which step and minute. It is the champion
# recipe (presets/gridmon-champion.toml) on 256 envs in two processes: on this project's
# 2-core box that took badge 1 sooner than the preset's 512 envs in all five seed pairs
# tried, and badge 2 inside the 10 minutes on seeds 1 and 2 (not 0), where 512 envs took
# it on none (docs/experiments.md, tenth session).
train: install
	$(BIN)/pocketrl train --preset gridmon-champion --minutes 10 --procs 2 --set ppo.num_envs=256

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: install
	$(BIN)/pocketrl bench env
	$(BIN)/pocketrl bench train

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
