# Two commands on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fmt bench bench-ratios install install-dev migrate seed clean worker beat broker messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py runserver_with_jobs $(HOST):$(PORT)

# The suite runs in TEST_WORKERS processes (pytest-xdist; `TEST_WORKERS=0` runs it in this one),
# each with its own test database.
TEST_WORKERS ?= auto
test: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal --durations 15 $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Province scale in its own database (not the demo's): BENCH_DATABASE_URL to use PostgreSQL.
BENCH_DATABASE_URL ?= sqlite:///bench.sqlite3
# generate_province is a development tool: DEVTOOLS=1 installs it whatever DEBUG says.
# --fresh empties that database first so that the loads are timed; a quick run on a slice:
# BENCH_ARGS="--prefectures 530400 --limit-counties 2".
BENCH_ARGS ?=
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --no-input --verbosity 0
	DEVTOOLS=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py generate_province --fresh --bench $(BENCH_ARGS)

# The ratios again on the province already loaded by `make bench` (no generation, loads not timed);
# e.g. BENCH_ARGS="--parts endpoints" for the in-process endpoint rows only.
bench-ratios: install
	DEVTOOLS=1 DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py generate_province --ratios-only $(BENCH_ARGS)

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore '.venv/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# A worker or beat needs a broker; without one, tasks run in process and `make run` runs the jobs.
broker:
	@test -n "$$CELERY_BROKER_URL" || { echo "set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) first"; exit 1; }

worker: broker install
	$(BIN)/celery -A yuxi_campaign worker --loglevel INFO

beat: broker install
	$(BIN)/celery -A yuxi_campaign beat --loglevel INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media

# Mutation testing of the rule modules: each mutant of devtools/mutation/mutants.py against its
# tests (SQLite, no browser); fails when one survives. E.g. MUTATE_ARGS="--jobs 1 --only publish".
.PHONY: mutate
mutate: install-dev
	$(PY) -m devtools.mutation $(MUTATE_ARGS)
