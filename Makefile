# Gestão de Clientes: `make run` runs the system, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-prerequisites lint format install bench-seed bench clean-data help cert

help:
	@echo "make run    - run the system on http://127.0.0.1:8000 (embedded PostgreSQL + Redis unless DATABASE_URL/REDIS_URL are set)"
	@echo "make test   - lint, Django checks and the whole test suite with coverage"
	@echo "make bench  - benchmarks on a 1,000,000-client database (see bench/README.md)"

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11+ is required (found " + sys.version.split()[0] + ")")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "error: could not create $(VENV) (on Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(PY) -m devstack.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# nginx and Chromium for the TLS and browser tests: installed when root (apt-get),
# otherwise one message saying what to install, before any test runs.
test-prerequisites: $(STAMP)
	@$(PY) -m devstack.prerequisites

test: test-prerequisites lint
	$(PY) -m devstack.testenv bash -c '\
	  $(PY) manage.py check --fail-level WARNING && \
	  $(PY) manage.py makemigrations --check --dry-run && \
	  $(VENV)/bin/pytest --cov --cov-report=term --cov-fail-under=85 $(PYTEST_ARGS)'

bench-seed: $(STAMP)
	@$(PY) -m bench.seed

# Search, cache, export, registry and CPU-per-request benchmarks in sequence
# (each starts what it needs); bench.load, bench.audit, bench.bulk and
# bench.lgpd run on their own (long or writing; see bench/README.md).
bench: bench-seed
	$(PY) -m bench.search
	$(PY) -m bench.cache
	$(PY) -m bench.export
	$(PY) -m bench.registry
	$(PY) -m bench.cpu

# Self-signed certificate for the compose nginx (deploy/certs, git-ignored).
cert:
	@$(PYTHON) -m devstack.nginx cert deploy/certs

clean-data:
	rm -rf .data
