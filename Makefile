# Kizuna — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo serve test test-fast lint format bench clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(BIN)/kizuna: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(BIN)/kizuna ## create .venv with the locked dependencies

demo: install ## migrate, load the demo workspace once, serve http://127.0.0.1:8000
	$(BIN)/kizuna demo --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/kizuna serve

test: install ## the whole suite (SQLite; PostgreSQL/Redis lanes when KIZUNA_TEST_DATABASE_URL / KIZUNA_TEST_REDIS_URL are set)
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not e2e and not slow" -x -q

lint: install ## ruff (lint + format check) and mypy strict on src/
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install ## benchmarks; results in docs/benchmarks.md
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
