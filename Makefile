# bizshop — the README's commands live here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bizshop
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install demo serve test lint typecheck check services messages clean

$(VENV)/.installed: pyproject.toml
	bash scripts/system-deps.sh --best-effort
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# 1. A working shop with demo data on the embedded default (SQLite, tasks in-process).
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 0.0.0.0:8000

# Production (scripts/serve.sh sets PRODUCTION=1): gunicorn + Celery worker + Celery beat on PostgreSQL and Redis.
serve: install services
	bash scripts/serve.sh

# The whole test suite against PostgreSQL and Redis, with line coverage of bizshop/ and its floor
# (a part of the suite: make test PYTEST_ARGS="-k refund" COV=).
COV ?= --cov=bizshop --cov-report=term:skip-covered --cov-fail-under=90
test: install services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest $(COV) $(PYTEST_ARGS)

services:
	@bash scripts/services.sh

lint: install
	$(VENV)/bin/ruff check bizshop tests bench
	$(VENV)/bin/ruff format --check bizshop tests bench

typecheck: install
	$(VENV)/bin/mypy bizshop tests/helpers

# 2. Everything CI checks: ruff (lint and format), mypy strict, then the whole test suite with coverage.
check: lint typecheck test

# The English catalog: collect the Korean source strings into locale/en/LC_MESSAGES/django.po, then
# compile django.mo. Both are committed, so only this target needs GNU gettext, not the shop.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench \
		--ignore=examples --ignore=test-artifacts --add-location=file --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
