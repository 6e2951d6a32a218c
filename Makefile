# Two commands: `make run` (set up, migrate, load the demo, serve on :5000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup setup-dev translations messages lint browsers services clean-db

$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11+ is needed (found $$($(PYTHON) --version))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
	  { echo "Could not create a virtualenv: on Debian, run 'apt-get install -y python3-venv'."; exit 1; }
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.app: $(BIN)/activate requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.app requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.app translations

setup-dev: $(VENV)/.dev translations

translations: $(VENV)/.app
	$(BIN)/pybabel -q compile -d intranet/translations

messages: $(VENV)/.app
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --sort-by-file --no-wrap \
	  --project intranet -o intranet/translations/messages.pot .
	$(BIN)/pybabel -q update -N --no-wrap -i intranet/translations/messages.pot -d intranet/translations
	@echo "Translate the new and fuzzy entries in intranet/translations/*/LC_MESSAGES/messages.po, then: make translations"

# The demo's replies go to a small local receiver (intranet/demo/receiver.py) started beside the
# app and stopped with it; the outbound guard lets the app post to it (and to nothing else local).
DEMO_RECEIVER ?= 127.0.0.1:5001
run: export INTRANET_OUTBOUND_ALLOW ?= $(DEMO_RECEIVER)
run: setup
	$(FLASK) init-db
	$(FLASK) demo
	$(FLASK) mail status
	$(FLASK) demo-receiver --host $(word 1,$(subst :, ,$(DEMO_RECEIVER))) --port $(word 2,$(subst :, ,$(DEMO_RECEIVER))) & \
	  receiver=$$!; trap 'kill $$receiver 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host 127.0.0.1 --port 5000

browsers:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium"; fi; }

# Debian's PostgreSQL, Redis, nginx and slapd for the tests (each test run starts its own throwaway servers).
services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null && \
	  { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && test -x /usr/sbin/slapd && command -v ldapadd >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server nginx-light slapd ldap-utils; \
	  else echo "Tests need Debian's PostgreSQL, Redis, nginx and slapd: sudo apt-get install -y postgresql redis-server nginx-light slapd ldap-utils"; exit 1; fi; }

# The whole suite twice: on SQLite (the embedded default), then on PostgreSQL (the scale-out path).
test: setup-dev browsers services lint
	$(BIN)/pytest
	$(BIN)/pytest --db=postgresql

# ruff, then the architecture's contracts (pyproject.toml [tool.importlinter], DESIGN §2)
lint: $(VENV)/.dev
	$(BIN)/ruff check intranet tests bench
	$(BIN)/lint-imports

clean-db:
	rm -f instance/intranet.db instance/intranet.db-wal instance/intranet.db-shm
