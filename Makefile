# perfgov — one entry point. `make run` starts everything with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= perfgov.settings.local

.PHONY: run test test-e2e lint format install install-dev messages vendor bench clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

install install-dev: $(BIN)/activate

## Run web (http://127.0.0.1:8000), Celery worker and beat on the embedded default with demo data.
run: $(BIN)/activate
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --base-url http://$(HOST):$(PORT)
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@echo "perfgov: http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/celery -A perfgov worker --beat --loglevel=INFO --concurrency=2 \
	    --schedule=var/celery/beat-schedule & \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

## Run the whole test suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set),
## in one process per core (TEST_WORKERS=0 runs it in this process, e.g. to use a debugger).
TEST_WORKERS ?= auto
test: $(BIN)/activate
	DJANGO_SETTINGS_MODULE=perfgov.settings.test $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Only the browser tests (Debian's Chromium): the journeys of tests/e2e and every other test marked e2e.
## Screenshots of the journeys go to tests/e2e/artifacts/.
test-e2e: $(BIN)/activate
	DJANGO_SETTINGS_MODULE=perfgov.settings.test $(BIN)/pytest -m e2e $(PYTEST_ARGS)

lint: $(BIN)/activate
	DJANGO_SETTINGS_MODULE=perfgov.settings.test $(PY) manage.py makemigrations --check --dry-run --verbosity 1
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

format: $(BIN)/activate
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

## Regenerate the translation catalogues (needs GNU gettext) and compile them.
messages: $(BIN)/activate
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --no-wrap --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

## Copy the front-end libraries from the npm registry into static/vendor (see static/vendor/VERSIONS.md).
vendor:
	npm install --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/

bench: $(BIN)/activate
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var/celery var/staticfiles .pytest_cache
