# undersigned: `make demo` runs the product on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-tools lint serve bench bench-hostile messages translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("undersigned needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	$(PY) manage.py compile_translations

# The demo's links name the address it serves on; its e-mails are files to open by hand.
DEMO_MAIL := var/mail
DEMO_ENV = SITE_URL=http://$(HOST):$(PORT) \
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	EMAIL_FILE_PATH=$(CURDIR)/$(DEMO_MAIL)

demo: $(STAMP) translations
	mkdir -p $(DEMO_MAIL)
	$(DEMO_ENV) $(PY) manage.py migrate --no-input -v 0
	$(DEMO_ENV) $(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (staff desk: /desk/). Ctrl-C stops everything."
	@echo "E-mails are not sent: each is written as a file into $(DEMO_MAIL)/ (open it to follow its links)."
	@trap 'kill 0' INT TERM EXIT; \
	$(DEMO_ENV) $(PY) manage.py db_worker --interval 0.5 & \
	$(DEMO_ENV) $(PY) manage.py run_periodic & \
	$(DEMO_ENV) $(PY) manage.py runserver --insecure --noreload $(HOST):$(PORT)

# The production stack on this machine, against DATABASE_URL and REDIS_URL: granian
# (static files served by it, not Django), the task worker and the periodic jobs.
WORKERS ?= 2
THREADS ?= 8
serve: $(STAMP) translations
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py migrate --no-input -v 0
	@echo "Serving on http://$(HOST):$(PORT)/ with $(WORKERS) workers. Ctrl-C stops everything."
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker --interval 0.5 & \
	$(PY) manage.py run_periodic & \
	$(VENV)/bin/granian --interface wsgi undersigned.wsgi:application --host $(HOST) --port $(PORT) \
	  --workers $(WORKERS) --blocking-threads $(THREADS) --respawn-failed-workers --no-access-log \
	  --static-path-route /static --static-path-mount $${STATIC_ROOT:-staticfiles}

# The load benchmark: its own stack on 127.0.0.1, 1,000,000 signatures, mixed load.
bench: $(STAMP) translations
	$(PY) -m bench.load $(BENCH_ARGS)

# The hostile phase: each attack of a crowd in turn during the mixed load (bench/hostile.py).
bench-hostile: $(STAMP) translations
	$(PY) -m bench.hostile $(HOSTILE_ARGS)

# Chromium, age and nginx: installed with apt-get as root, else named in one line.
test-tools:
	@$(PYTHON) scripts/test_tools.py

test: test-tools $(STAMP) translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy undersigned
	$(VENV)/bin/lint-imports --no-cache

# Extract new strings into the .po files (needs GNU gettext's xgettext).
messages: $(STAMP)
	$(PY) manage.py makemessages -l ru -l en --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'harness/*'

clean:
	rm -rf $(VENV) var staticfiles
