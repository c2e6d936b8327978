# Two commands for a fresh machine: `make run` and `make test`.
# Everything Python comes from the hash-pinned lock files in requirements/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps
PORT ?= 8501

.PHONY: chromium run test lint typecheck bench sbom audit lock clean

$(VENV)/.runtime: requirements/lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev: requirements/dev-lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/dev-lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.runtime

# Debian's Chromium drives the browser tests; never a downloaded browser build.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(VENV)/.runtime
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

test: $(VENV)/.dev chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

bench: $(VENV)/.dev
	$(PY) -m bench

audit: $(VENV)/.dev
	$(VENV)/bin/pip-audit --strict --no-deps --disable-pip -r requirements/dev-lock.txt $(shell sed -n 's/^\([A-Z0-9-]*\) .*/--ignore-vuln \1/p' requirements/audit-allowlist.txt 2>/dev/null)

sbom: $(VENV)/.runtime $(VENV)/.dev
	$(VENV)/bin/cyclonedx-py requirements requirements/lock.txt --output-format JSON --output-file sbom.cdx.json
	$(PY) -m checker.sbom_check requirements/lock.txt sbom.cdx.json

# Regenerate the lock files (needs pip-tools in a throwaway venv).
lock:
	pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements/lock.txt pyproject.toml
	pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra dev -o requirements/dev-lock.txt pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
