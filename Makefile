# Parcours — the two quick-start commands are `make demo` and `make test`.
# Each installs what it needs (uv included) into ./.venv from the pinned, hashed requirements.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: demo test lint format migrations-check requirements clean

$(STAMP): requirements/dev.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements/dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $(STAMP)

## Run the demo on http://127.0.0.1:8000 (SQLite under ./var/, fictional data).
demo: $(STAMP)
	$(BIN)/parcours demo

## Run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	PARCOURS_MODE=test $(BIN)/parcours makemigrations --check --dry-run

## Recompile the pinned requirements (needs the package registry).
requirements: $(STAMP)
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes --no-header requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
