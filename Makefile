# The front door: every target does its own set-up, so each works on a fresh clone.
#   make run    the endpoint on http://127.0.0.1:3000, on an embedded AWS emulator
#   make test   lint, type checks and every test
# PYTHON picks the interpreter for the virtual environment (3.11 or newer).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test lint format unit e2e clean

$(RUNTIME_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(RUNTIME_STAMP)
	$(BIN)/python -m local

test: lint
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

unit: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/unit

e2e: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/e2e

clean:
	rm -rf $(VENV) cdk.out artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis
