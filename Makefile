# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test install lint format messages lock clean

$(STAMP): pyproject.toml constraints.txt
	@# Debian's python3 may lack ensurepip (package python3-venv): then make the venv
	@# without pip and install pip into it with the system's pip.
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV) && \
	  $(PYTHON) -m venv --without-pip $(VENV) && $(PYTHON) -m pip --python $(BIN)/python install pip; } || \
	  { echo "Cannot create $(VENV): install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make run: install, migrate, load the demo once, serve http://127.0.0.1:8000 with a worker
run: $(STAMP)
	mkdir -p var
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@# The background worker (large imports) runs beside the server and stops with it.
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## make test: lint, then the whole suite (SQLite unless DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make messages: refresh and compile the Vietnamese catalogue (needs GNU gettext)
messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore='.venv/*' --ignore='static/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages -l vi --ignore='.venv/*'

## make lock: re-pin constraints.txt from a fresh resolve of pyproject.toml
lock:
	rm -rf /tmp/portal-lock && $(PYTHON) -m venv /tmp/portal-lock
	/tmp/portal-lock/bin/pip install --quiet -e '.[test]'
	( head -2 constraints.txt; /tmp/portal-lock/bin/pip freeze --exclude-editable ) > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) staticfiles
