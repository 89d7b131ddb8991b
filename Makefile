# The two set-up commands of the README.
#   make site   installs the package and builds the sample edition (corpus/ -> tei/ -> site/)
#   make test   installs what the tests need (Python packages, Chromium, axe-core) and runs them
# Both use $(PYTHON) itself, or a virtual environment .venv where that Python refuses
# `pip install` (PEP 668, Debian and Ubuntu): scripts/python.sh decides and makes it.
PYTHON ?= python3
USE_PYTHON = PYTHON="$(PYTHON)" bash scripts/python.sh

.PHONY: site test serve bench

site:
	@py=$$($(USE_PYTHON)) && set -x && \
	"$$py" -m pip install --quiet --disable-pip-version-check -e . && \
	"$$py" -m edition build

test:
	@py=$$($(USE_PYTHON)) && set -x && \
	PYTHON="$$py" bash scripts/install-test-deps.sh && \
	EDITION_REQUIRE_BROWSER=1 "$$py" -m pytest -q -n 2

serve:
	@py=$$($(USE_PYTHON)) && "$$py" -m edition serve

bench:
	@py=$$($(USE_PYTHON)) && "$$py" bench/run.py
