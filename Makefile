# The two commands of the README's quick start, plus the checks CI runs. Each creates the virtual environment
# in .venv on first use (and refreshes it when pyproject.toml changes), so a fresh clone needs nothing else.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test lint check catalogs

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
	$(BIN)/pytest -n 4

## lint: ruff and mypy, as CI runs them
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## catalogs: extract the texts from handlers/texts.py and merge them into the translation catalogs
catalogs: $(STAMP)
	$(BIN)/pybabel extract --no-default-keywords -k N_ -k NP_:1,2 --no-location --sort-output -o handlers/locale/cobot.pot handlers/texts.py
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i handlers/locale/cobot.pot -d handlers/locale -D cobot -l da

check: test lint
