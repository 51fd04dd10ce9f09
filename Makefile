# Two commands do all the set-up: `make run` and `make test`. Both build .venv: `make run` from
# requirements.txt (what the app needs), `make test` from requirements-dev.txt (that, plus the
# tests, the linter and the type checker). Each installs again only when its file changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
FLASK := CPWEEK_ENV=development $(BIN)/flask --app app

AXE_STAMP := tests/browser/node_modules/.installed

.PHONY: run test lint typecheck clean axe

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# After $(STAMP), so a change to requirements.txt reinstalls this set too.
$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(DEV_STAMP)

## Start the app on http://127.0.0.1:5000 with SQLite in instance/ and demo data, and the mail
## worker beside it (messages appear in instance/outbox/ within seconds). Ctrl+C stops both.
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) demo-info
	$(FLASK) send-mail --watch --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## axe-core for the browser journeys (tests/browser), pinned in its package-lock.json, from the
## npm registry. Without npm the journeys are skipped, saying what to install.
$(AXE_STAMP): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE_STAMP)

axe:
	@if command -v npm >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(AXE_STAMP) || echo "npm could not install axe-core: the browser journeys will be skipped"; \
	else echo "npm not found: the browser journeys (tests/browser) will be skipped"; fi

## Run the whole test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL), the browser journeys
## included when Chromium and axe-core are there. One worker per core (TEST_WORKERS=0 for one
## process); a test file runs whole in one worker, as its module fixtures expect.
TEST_WORKERS ?= auto
test: $(DEV_STAMP) axe
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## The linter, and the formatter's check (`.venv/bin/ruff format .` formats).
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The type checker over cpweek/ (settings in pyproject.toml, [tool.mypy]).
typecheck: $(DEV_STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/browser/node_modules tests/browser/screenshots
