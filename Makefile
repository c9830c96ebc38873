# Wellbeing: `make run` sets everything up and serves the app; `make test` sets up and runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wellbeing
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# The PostgreSQL server the second test pass uses; a fresh database is made on it per run.
PG_SERVER_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
# Password of the demo accounts that `make run` creates (local demos only, never production).
WELLBEING_DEMO_PASSWORD ?= wellbeing-demo-password
export WELLBEING_DEMO_PASSWORD
# The local demo's staff sign in without an authenticator app (production requires one:
# WELLBEING_REQUIRE_2FA is on unless set otherwise). `make run WELLBEING_REQUIRE_2FA=1` tries it.
run dev: export WELLBEING_REQUIRE_2FA ?= 0

.PHONY: run dev test test-sqlite test-postgres lint setup database chromium clean

run: database ## Set everything up and serve the app with gunicorn on http://127.0.0.1:8000
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - \
		--access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms' wsgi:app

dev: database ## The same, with Flask's debug server (auto-reload)
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: setup chromium lint test-sqlite test-postgres ## Set up and run the whole suite on SQLite and PostgreSQL

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to install the NHS.UK frontend"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

database: setup ## Migrate the database, load seed data and demo accounts, build the search index
	$(FLASK) db upgrade
	$(FLASK) seed --demo
	$(FLASK) search reindex

chromium: ## Debian's Chromium for the browser tests (installed with apt when missing)
	@scripts/ensure-chromium

lint: setup ## ruff, mypy and the import contracts (setup.cfg [importlinter])
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test-sqlite: setup
	@echo "== Test suite on SQLite =="
	$(BIN)/pytest

test-postgres: setup
	@if scripts/ensure-postgres "$(PG_SERVER_URL)"; then \
		echo "== Test suite on PostgreSQL =="; \
		WELLBEING_TEST_POSTGRES_URL="$(PG_SERVER_URL)" $(BIN)/pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is required in CI and could not be reached at $(PG_SERVER_URL)"; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL pass: no server answers at $(PG_SERVER_URL)"; \
	fi

clean:
	rm -rf $(VENV) node_modules test-artifacts .pytest_cache .ruff_cache
