# GovHub — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test install install-dev lint typecheck contracts migrations-check licenses pytest bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# Runtime dependencies only, from the hashed lock file.
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m govhub.core.compile_translations
	touch $@

# Development dependencies (tests, linters, browser driver, npm test tools).
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock package-lock.json
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	npm ci --silent --no-audit --no-fund
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# PORT reaches the settings too: unless GOVHUB_PUBLIC_URL is set, the QR codes of the
# documents the demo issues point at this server (http://127.0.0.1:$(PORT)).
RUN_ENV = DJANGO_DEBUG=$${DJANGO_DEBUG-1} PORT=$(PORT)

run: install
	mkdir -p var
	$(RUN_ENV) $(BIN)/govhub migrate --no-input -v 0
	$(RUN_ENV) $(BIN)/govhub indices import
	$(RUN_ENV) $(BIN)/govhub demo
	$(RUN_ENV) $(BIN)/govhub serve --port $(PORT) --with-worker

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy govhub config

contracts: install-dev
	$(BIN)/lint-imports --no-cache

migrations-check: install-dev
	DJANGO_DEBUG=1 $(BIN)/govhub makemigrations --check --dry-run

# Every runtime dependency's licence, checked against the allow-list in pyproject.toml.
licenses: install-dev
	$(BIN)/python scripts/check_licenses.py

pytest: install-dev
	$(BIN)/pytest

test: lint typecheck contracts migrations-check licenses pytest

bench: install-dev
	$(BIN)/python bench/run.py

messages: install-dev
	cd govhub && DJANGO_SETTINGS_MODULE=config.test_settings ../$(BIN)/django-admin makemessages -l ru -l fa_AF --no-obsolete --add-location file --ignore 'tests/*'
	$(BIN)/python -m govhub.core.compile_translations --normalise

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3 .mypy_cache .ruff_cache
