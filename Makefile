# Two commands matter: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format worker beat bench install migrate demo clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
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

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL to run a worker; without it tasks run in-process." && exit 2)
	$(BIN)/celery -A governance worker -Q scoring,reports,default --loglevel INFO

beat: install
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL to run the scheduler." && exit 2)
	$(BIN)/celery -A governance beat --loglevel INFO

bench: install
	@command -v wrk >/dev/null || echo "wrk is not installed (apt-get install wrk): the API benchmark drives its GETs with Python threads, which share the cores with the server."
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var artifacts .pytest_cache .ruff_cache .hypothesis
