# The README's two commands: `make run` and `make test`. Each installs what it needs first,
# so both work on a fresh machine (Debian, Python 3.11, pip).
PYTHON ?= python3

.PHONY: run test bench chromium

run:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	$(PYTHON) -m flask --app app run

test: chromium
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(PYTHON) -m pytest

# The browser tests (tests/browser/) drive Debian's Chromium: Playwright cannot download its
# own browser here. Installs it when missing (as root, like CI; needs nothing typed).
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

bench:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[serve]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PYTHON) bench/run.py
