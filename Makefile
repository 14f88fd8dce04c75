# Quiver — set-up contract: `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit compat bench clean proto

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) -m server

lint: install
	$(VENV)/bin/ruff check server engine storage tests compat_tests bench
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest tests

compat: install
	$(PY) -m pytest compat_tests

test: lint typecheck
	bash tools/setup_clients.sh
	$(PY) -m pytest tests compat_tests

proto: install
	$(PY) -m tools.gen_proto

bench: install
	# torch 2.13.0 first: the machine's local CPU wheel (an unpinned torch pulls GBs of CUDA packages)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m bench
	$(PY) -m bench --data minilm --n 20000 --queries 500

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
