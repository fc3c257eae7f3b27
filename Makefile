# The README's commands: `make run` and `make test` (and `make serve`, `make bench`). Each makes
# and uses the project's own virtual environment, .venv/ (`python3 -m venv`), so they work on a
# stock Debian Python, where `pip install` outside a venv is refused (PEP 668). Packages are
# (re)installed only when pyproject.toml is newer than the venv's stamp file for that set.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test bench lighthouse chromium nodejs postgresql

run: $(VENV)/.stamp-base
	$(PY) -m flask --app app run --host $(HOST) --port $(PORT)

# Production: gunicorn with gunicorn.conf.py (see README, "Serving in production").
serve: $(VENV)/.stamp-serve
	HOST=$(HOST) PORT=$(PORT) $(PY) -m gunicorn --config gunicorn.conf.py 'app:create_app()'

test: chromium nodejs postgresql $(VENV)/.stamp-test
	$(PY) -m pytest

bench: chromium $(VENV)/.stamp-serve $(VENV)/.stamp-test
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py
	$(PY) bench/worst.py

# Lighthouse's scores of the default page (bench/lighthouse.py), desktop and mobile.
lighthouse: chromium nodejs $(VENV)/.stamp-base
	test -x bench/node_modules/.bin/lighthouse || npm install --prefix bench --no-save --silent lighthouse@12
	$(PY) bench/lighthouse.py

# The venv itself. Debian ships `venv` without ensurepip unless python3-venv is installed:
# install it when missing (as root, like chromium below).
$(PY):
	$(PYTHON) -c 'import ensurepip' 2>/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null)
	$(PYTHON) -m venv $(VENV)

# One stamp per set of packages; each is redone when pyproject.toml changes.
$(VENV)/.stamp-base: pyproject.toml | $(PY)
	$(PIP) -e .
	touch $@

# The tests include the framework checks: PyTorch (CPU), ONNX Runtime and Keras (the
# `frameworks` extra).
$(VENV)/.stamp-test: pyproject.toml | $(PY)
	$(PIP) -e '.[test,frameworks]'
	touch $@

$(VENV)/.stamp-serve: pyproject.toml | $(PY)
	$(PIP) -e '.[serve]'
	touch $@

# The browser tests (tests/browser/) drive Debian's Chromium: Playwright cannot download its
# own browser here. Installs it when missing (as root, like CI; needs nothing typed).
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# The short-link tests start their own throwaway PostgreSQL (tests/linkdb.py) from Debian's
# binaries (/usr/lib/postgresql/<version>/bin), installed the same way when missing. The package
# may set up and start a server of its own on the system socket; the tests never use it.
postgresql:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

# Some tests run JavaScript under Node (Debian's nodejs), installed the same way when missing.
nodejs:
	command -v node >/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null)
