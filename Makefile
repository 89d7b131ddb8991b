# The two set-up commands of the README.
#   make site   builds the edition of the bundled sample corpus into site/
#   make test   installs what the tests need (Python packages, Chromium, axe-core) and runs them
PYTHON ?= python3

.PHONY: site test serve bench

site:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e .
	$(PYTHON) -m edition build

test:
	bash scripts/install-test-deps.sh
	EDITION_REQUIRE_BROWSER=1 $(PYTHON) -m pytest -q

serve:
	$(PYTHON) -m edition serve

bench:
	$(PYTHON) bench/run.py
