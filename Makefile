# Every target builds what it needs from nothing: a fresh clone + `make test` works.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test test-deps demo check lint types docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,docs]'
	touch $(STAMP)

install: $(STAMP)

# Real programs the tests start themselves (redis-server, Chromium for the inspector's
# browser tests); the tests skip with a reason when one is absent.
test-deps:
	@bash scripts/install-redis.sh
	@bash scripts/install-chromium.sh

test: $(STAMP) test-deps
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/python -m zapi_async demo

lint: $(STAMP)
	$(BIN)/ruff check zapi_async tests benchmarks examples
	$(BIN)/ruff format --check zapi_async tests benchmarks examples

types: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

check: lint types test docs

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) site .mypy_cache .pytest_cache .ruff_cache
