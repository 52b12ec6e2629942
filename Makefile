# Two commands matter: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: the runtime alone (what `make run` and the Docker image need) and the runtime
# plus tests and tooling (requirements-dev.txt includes requirements.txt). Each is redone when
# a file it installs from changes; installing the tooling installs the runtime, so it stamps both.
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint types format worker beat bench install install-runtime migrate demo clean

define make_venv
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
endef

$(RUNTIME_STAMP): requirements.txt
	$(make_venv)
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt
	$(make_venv)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $(DEV_STAMP)

install-runtime: $(RUNTIME_STAMP)

install: $(DEV_STAMP)

migrate: install-runtime
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py load_questionnaires
	$(BIN)/python manage.py load_demo

run: demo
	@echo ""
	@echo "  AI Vendor Governance is starting on http://$(HOST):$(PORT)/"
	@echo "  Log in as analyst / governance-demo (assessor); also admin, reviewer, auditor (viewer)"
	@echo "  with the same password. API docs: http://$(HOST):$(PORT)/api/docs/"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install-runtime
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL to run a worker; without it tasks run in-process." && exit 2)
	$(BIN)/celery -A governance worker -Q scoring,reports,default --loglevel INFO

beat: install-runtime
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL to run the scheduler." && exit 2)
	$(BIN)/celery -A governance beat --loglevel INFO

bench: install
	@command -v wrk >/dev/null || echo "wrk is not installed (apt-get install wrk): the API benchmark drives its GETs with Python threads, which share the cores with the server."
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var artifacts .pytest_cache .ruff_cache .mypy_cache .hypothesis
