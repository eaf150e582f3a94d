# Two commands matter: `make run` (the application with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1

.PHONY: run test check install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_recommendations
	$(DEV) $(BIN)/python manage.py create_demo_users
	@# The worker that prepares papers' PDFs runs beside the web server and stops with it.
	$(DEV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

check: install-test
	$(BIN)/ruff check .
	TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test: check
	$(BIN)/pytest $(PYTEST_ARGS)
