# loopledger: `make demo` and `make test` work on a fresh clone with nothing installed.
# They create .venv, install the package with what it needs, then run.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB := sqlite:///$(CURDIR)/.demo/loopledger.db

.PHONY: setup demo test lint bench services audit constraints clean

# Every install is pinned by constraints.txt (`make constraints` regenerates it from the venv).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade -c constraints.txt pip setuptools wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[postgres,dask,dev]'
	touch $(STAMP)

setup: $(STAMP)

# What pip cannot install: a PostgreSQL server for the second storage leg of the tests and
# Debian's chromium for the browser tests. Needs root (as on CI); elsewhere those tests say why
# they cannot run.
services:
	@bash .ci/services.sh > .ci/services.env || echo "services: could not start PostgreSQL/chromium (not root?)"

demo: setup
	rm -f .demo/loopledger.db .demo/loopledger.db-wal .demo/loopledger.db-shm
	$(BIN)/loopledger init --db $(DEMO_DB)
	$(BIN)/loopledger summary --db $(DEMO_DB) --as-of 2025-12-31
	$(BIN)/loopledger summary --db $(DEMO_DB)
	$(BIN)/loopledger report --db $(DEMO_DB) -o .demo/report.html
	$(BIN)/loopledger measure --db $(DEMO_DB)
	@echo "== If OpenAI fails: what the others actually lose (economic basis: components, who absorbs what, the answer)"
	$(BIN)/loopledger stress --db $(DEMO_DB) --fail OpenAI --missing-buffer infinite --top 15
	@echo "== If OpenAI fails: the gross upper bound (face value of everything it still owed, stakes at their mark)"
	$(BIN)/loopledger stress --db $(DEMO_DB) --fail OpenAI --missing-buffer infinite --top 15 --loss-basis gross
	$(BIN)/loopledger systemic --db $(DEMO_DB) --missing-buffer infinite --top 15

test: setup services
	set -a; [ -f .ci/services.env ] && . ./.ci/services.env; set +a; \
	$(BIN)/python -m pytest -q

# ruff (lint and import order) and mypy, as configured in pyproject.toml; CI runs both
lint: setup
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m bench

# Known vulnerabilities in the pinned set (skipped, with a message, when no advisory service
# can be reached).
audit: setup
	$(BIN)/python tools/audit_deps.py

constraints: setup
	$(BIN)/python tools/pin_deps.py

clean:
	rm -rf $(VENV) .demo .pytest_cache .hypothesis
