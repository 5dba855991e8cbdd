# Two commands: `make demo` (install, seed a fictional city, run on http://127.0.0.1:$(PORT)) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export VIGIL_DATA_DIR ?= $(CURDIR)/data
# Links in the demo's messages (seeded dispatches included) point at the port the demo runs on.
export VIGIL_SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: demo test install install-test system-deps lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"

# Debian packages the tests use: Chromium for browser tests, PostgreSQL server binaries, gettext, poppler.
system-deps:
	@bash scripts/system-deps.sh

# The demo runs as production does, with debug off: its keys live in demo-keys/ beside the data directory (made 0700
# by scripts/demo-env.sh), never inside it (docs/deployment.md); `migrate` also makes the shared cache's table;
# seed_demo needs --force to write its public passwords with debug off (it refuses otherwise, to spare production).
DEMO := . scripts/demo-env.sh &&
demo: install
	[ ! -d locale ] || ($(DEMO) $(BIN)/python manage.py compilemessages --ignore ".venv" -v 0) || true
	$(DEMO) $(BIN)/python manage.py migrate --no-input -v 0
	$(DEMO) $(BIN)/python manage.py init_keys
	$(DEMO) $(BIN)/python manage.py seed_demo --force
	$(DEMO) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(DEMO) PORT=$(PORT) bash scripts/run.sh

lint: install-test
	$(BIN)/ruff check vigil tests bench
	$(BIN)/mypy vigil tests

# The whole suite twice: on the embedded SQLite default, then on a throwaway PostgreSQL server on loopback.
test: install-test system-deps lint
	[ ! -d locale ] || VIGIL_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore ".venv" -v 0
	$(BIN)/pytest -n 2 --dist loadgroup
	scripts/with-postgres.sh $(BIN)/pytest -n 2 --dist loadgroup

bench: install-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data demo-keys
