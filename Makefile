# The two commands of the README's quick start, plus the checks CI runs. Each creates the virtual environment
# in .venv on first use (and refreshes it when pyproject.toml changes), so a fresh clone needs nothing else.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test lint check

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cobot needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

## run: try Cobot in the terminal: a demo workspace on the embedded default (no Slack account needed)
run: $(STAMP)
	$(BIN)/cobot console --demo

## test: run the whole test suite (PostgreSQL tests skip with a reason when no server is reachable)
test: $(STAMP)
	$(BIN)/pytest

## lint: ruff and mypy, as CI runs them
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: test lint
