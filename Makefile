# Two commands matter: `make run` (the application with demo data; `make run PORT=8001` for another port) and
# `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DEBUG=1
PORT ?= 8000
ADDRESS := http://127.0.0.1:$(PORT)

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
	$(DEV) $(BIN)/python manage.py create_demo_users --address $(ADDRESS)
	$(DEV) $(BIN)/python manage.py create_demo_partnership --address $(ADDRESS)
	@# The worker that prepares papers' PDFs runs beside the web server and stops with it.
	$(DEV) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV) SITE_URL=$(ADDRESS) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

check: install-test
	$(BIN)/ruff check .
	TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

test: check
	$(BIN)/pytest $(PYTEST_ARGS)
