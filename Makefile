# The README's two commands: `make run` and `make test`. Each installs what it needs first,
# so both work on a fresh machine (Debian, Python 3.11, pip).
PYTHON ?= python3

.PHONY: run test bench

run:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	$(PYTHON) -m flask --app app run

test:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(PYTHON) -m pytest

bench:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[serve]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PYTHON) bench/run.py
