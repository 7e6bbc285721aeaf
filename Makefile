# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check bench bench-collector bench-scale load-test clean prod prod-stop prod-status

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

## Serve the app on the embedded defaults (SQLite, local-memory cache) at http://127.0.0.1:8000
run: $(VENV)/.runtime
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (PostgreSQL/Redis tests run when DATABASE_URL/REDIS_URL are set)
test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Lint, format and Django's own checks, as CI runs them
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.dev
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

## The production topology on loopback: 2 gunicorn (:8001, :8002), 2 Celery workers, beat (scripts/prod.sh)
prod: $(VENV)/.runtime
	bash scripts/prod.sh start

prod-stop:
	bash scripts/prod.sh stop

prod-status:
	bash scripts/prod.sh status

## The speed benchmarks (stored pages, background refreshes, the batch, then the collector and 100,000-DVD figures):
## gunicorn on PostgreSQL + Redis when they answer (SQLite otherwise), against the
## local fake YTS; prints a table, writes bench/results/latest.json, fails when a bound is not met
bench: $(VENV)/.runtime
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.bench_collector
	$(PY) -m bench.scale

## The collector's benchmarks alone: a 10,000-row import and the statistics page at 10,000 DVDs
## (bench/results/collector.json)
bench-collector: $(VENV)/.runtime
	$(PY) -m bench.bench_collector

## 100,000 DVDs of one owner on PostgreSQL: list, search, statistics, exports, import, refresh_yts
## (bench/results/scale.json); SCALE_ARGS="--only pages,exports" runs some of it
bench-scale: $(VENV)/.runtime
	$(PY) -m bench.scale $(SCALE_ARGS)

## 30 s at 50 clients against gunicorn on PostgreSQL + Redis; then every row is checked (needs both)
load-test: $(VENV)/.runtime
	$(PY) -m bench.load_test $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
