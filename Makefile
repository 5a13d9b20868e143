# IAM Console: the two commands a newcomer needs are `make run` and `make test`.
HOST ?= 127.0.0.1
PORT ?= 8000
# gunicorn.conf.py sizes the workers from the cores (WEB_CONCURRENCY and GUNICORN_THREADS
# override it; README "Running for a school").
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DATABASE_URL_PG ?= postgres://postgres@127.0.0.1:5432/test
# The suite without a browser runs on every core (pytest-xdist gives each worker its own
# test database: test_<name>_gw0, ...); the browser tests run after it, one at a time.
PYTEST_WORKERS ?= auto
PYTEST_FAST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser"
PYTEST_BROWSER := $(VENV)/bin/pytest -m browser
# `mypy --strict` (settings in pyproject's [tool.mypy]) over the whole tree: the product,
# its benchmarks and its tests.
MYPY_TARGETS := accounts policies classroom ec2 s3 domain iamconsole console api directory bench tests
MYPY := $(VENV)/bin/mypy --strict $(MYPY_TARGETS)

.PHONY: run serve test test-postgres bench loadtest scaleout-test nginx lint check install install-test chromium install-chromium clean

$(PY):
	@PYTHON=$$(.ci/find-python) && echo "Creating $(VENV) with $$PYTHON" && $$PYTHON -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Playwright drives Debian's chromium: these machines cannot download Playwright's own browsers.
chromium:
	@command -v chromium >/dev/null 2>&1 || $(MAKE) --no-print-directory install-chromium

# `env` carries the variable through sudo and works the same without it (root).
install-chromium:
	@echo "Installing Debian's chromium for the browser tests"
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is still missing after apt-get" >&2; exit 1; }

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo --url http://$(HOST):$(PORT)
	@echo ""
	@echo "IAM Console is starting on http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@echo "Sign in at http://$(HOST):$(PORT)/signin/ with the root email and password above."
	$(VENV)/bin/gunicorn iamconsole.wsgi --bind $(HOST):$(PORT) --access-logfile - --log-level warning

test: $(VENV)/.installed-test chromium
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check --fail-level WARNING
	HTTPS=true $(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/ruff check .
	$(MYPY)
	$(VENV)/bin/lint-imports
	$(PYTEST_FAST)
	$(PYTEST_BROWSER)

test-postgres: $(VENV)/.installed-test chromium
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_PG)} $(PYTEST_FAST)
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_PG)} $(PYTEST_BROWSER)

bench: $(VENV)/.installed-test
	$(PY) bench/goals.py
	$(PY) bench/engine.py
	$(PY) bench/pages.py
	$(PY) bench/context.py
	$(PY) bench/api.py
	$(PY) bench/api_profile.py --calls 300
	$(PY) bench/classroom.py
	$(PY) bench/ec2.py
	$(PY) bench/s3.py
	$(PY) bench/events.py --events 20000

# A class at work (bench/loadtest.py): STUDENTS students for DURATION seconds against
# gunicorn on a throw-away PostgreSQL database (DATABASE server: POSTGRES_URL) with Redis,
# or on SQLite with DB=sqlite.
STUDENTS ?= 100
DURATION ?= 90
DB ?= postgres
loadtest: $(VENV)/.installed-test
	STUDENTS=$(STUDENTS) DURATION=$(DURATION) DB=$(DB) $(PY) bench/loadtest.py

# Two app servers behind Debian's nginx on one PostgreSQL and one Redis (bench/scaleout.py).
scaleout-test: $(VENV)/.installed-test nginx
	$(PY) bench/scaleout.py

nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for the scale-out test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MYPY)
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
