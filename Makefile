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

# The main job: PPO on the full gridmon world for about 10 minutes (the preset's budget),
# ending with a table of the milestones reached, by how many envs, at which step.
train: install
	$(BIN)/pocketrl train --preset gridmon-default

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
