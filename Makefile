# Every target installs what it needs into .venv first, so a fresh clone needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: install run test check format bench clean schema migrations-lock lock

# Dependencies come from the lock file, every one pinned with its hashes; the project itself
# goes in without resolving anything more.
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The address is printed once the read models answer. Without DATABASE_URL the embedded
# PostgreSQL outlives `make run`: `$(BIN)/python -m osezia.store.embedded stop` stops it.
# `make run COMPANIES=20000` loads the plan's full-size demo (default 5,000) into a new database.
run: $(STAMP)
	$(BIN)/osezia migrate
	$(BIN)/osezia demo --if-empty $(if $(COMPANIES),--companies $(COMPANIES))
	OSEZIA_DEV_TENANT_HEADER=1 $(BIN)/osezia serve

# The dashboard's browser test drives Debian's Chromium (Playwright downloads no browser).
$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium chromium-driver

# Two test processes (pytest-xdist), a test file each at a time: most tests wait on servers,
# PostgreSQL or Redis, so two share this machine's two cores well. Each has its own database
# and Redis database (tests/services.py).
TEST_PROCESSES ?= 2
test: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# schema.graphql is the API's contract with partners: rewrite it after changing the schema, and
# review its diff; a test fails while it differs from what the API serves.
schema: $(STAMP)
	$(BIN)/python -m tests.contracts schema

# Records new migrations' SHA-256 in alembic/migrations.lock; a migration already there is
# never rewritten (a test fails when one on main is edited).
migrations-lock: $(STAMP)
	$(BIN)/python -m tests.contracts migrations-lock

# Resolves pyproject.toml's dependencies again: requirements.lock for the production image
# (without the embedded PostgreSQL), requirements-dev.lock for make. Review the diff.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet
lock: $(STAMP)
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -o requirements-dev.lock

bench: $(STAMP)
	$(BIN)/python bench/append.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
