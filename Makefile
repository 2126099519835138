# DVCTT — the only entry points a newcomer needs: make run, make test (and bench, lint).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs on every core (at most 4 processes; each gets its own test database).
# TEST_WORKERS= (empty) runs it in one process.
TEST_WORKERS ?= -n auto --maxprocesses=4
# make bench BENCH=<group> runs one group (search, queue, pdf, hub, payments, indicators); empty runs them
# all, one after another, in one process (each group in a database of its own).
BENCH ?=

.PHONY: install run test lint format bench messages clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# PORT also reaches the settings: without PUBLIC_BASE_URL, links point at this port.
run: install
	PORT=$(PORT) $(PY) manage.py migrate --noinput
	PORT=$(PORT) $(PY) manage.py seed_demo
	PORT=$(PORT) $(PY) manage.py make_dev_pki
	PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	DJANGO_SETTINGS_MODULE=dvctt.settings.test $(PY) -m pytest $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=dvctt.settings.test $(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=dvctt.settings.test $(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	DJANGO_SETTINGS_MODULE=dvctt.settings.test $(PY) -m bench $(BENCH)

# Regenerate the translation catalogues (needs GNU gettext); the compiled .mo files are
# committed so that `make run` works without gettext. allauth ships no Vietnamese: our
# catalogue of it (locale_vendor/) is merged with the msgids of the installed allauth.
ALLAUTH_PO = $(shell $(PY) -c "import allauth, pathlib; print(pathlib.Path(allauth.__file__).parent / 'locale/en/LC_MESSAGES/django.po')")
messages: install
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=node_modules
	msgmerge --quiet --update --backup=none --no-fuzzy-matching \
		locale_vendor/vi/LC_MESSAGES/django.po $(ALLAUTH_PO)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .mypy_cache
