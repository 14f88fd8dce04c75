# Quiver — set-up contract: `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# one stamp per install level: `make run` needs only the runtime deps, `make test` adds the dev tools
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-run run test lint typecheck unit compat bench clean proto cluster

# The venv is made without its own pip when the interpreter has one: ensurepip costs ~6 s of CPU on every
# fresh machine, and pip's --python option installs into the venv from outside. `pip` itself is added at the
# dev level (bench and the tools expect .venv/bin/pip there).
$(PY):
	if $(PYTHON) -m pip --version >/dev/null 2>&1; then $(PYTHON) -m venv --without-pip $(VENV); \
	else $(PYTHON) -m venv $(VENV); fi

# pip from inside the venv if it has one, else the interpreter's pip aimed at the venv
PIP = sh -c 'if $(PY) -m pip --version >/dev/null 2>&1; then $(PY) -m pip "$$@"; \
	else $(PYTHON) -m pip --python $(PY) "$$@"; fi' pip

# --no-compile: byte-compiling every installed module (numpy, grpc, protobuf, pydantic...) up front costs
# seconds the server never needs; tools.precompile writes the bytecode of just what a server start imports
# (Python would on first use, but not where PYTHONDONTWRITEBYTECODE is set: then every start compiled ~550
# modules, ~1 s of CPU).
$(RUN_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --disable-pip-version-check --no-compile -e .
	$(PY) -m tools.precompile
	touch $(RUN_STAMP)

# the dev level includes the runtime one, so it stamps both
$(DEV_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --disable-pip-version-check --no-compile -e '.[dev]' pip
	$(PY) -m tools.precompile
	touch $(DEV_STAMP) $(RUN_STAMP)

install-run: $(RUN_STAMP)

install: $(DEV_STAMP)

run: install-run
	$(VENV)/bin/quiver serve

lint: install
	$(VENV)/bin/ruff check server cluster engine storage tests compat_tests bench tools examples
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest tests

compat: install
	$(PY) -m pytest compat_tests

test: lint typecheck
	bash tools/setup_clients.sh
	bash tools/setup_browser.sh
	bash tools/setup_nats.sh
	$(PY) -m pytest tests compat_tests
	$(PY) -m tools.compat_matrix --write --no-regression

# a local cluster in the foreground: 3 clustered nats-server (JetStream) + 3 Quiver nodes; Ctrl-C stops all
# (CLUSTER_ARGS="--base-port 6333 --dir .cluster": fixed ports, storage kept between runs)
cluster: install-run
	bash tools/setup_nats.sh
	$(PY) -m tools.cluster --nodes 3 --nats 3 $(CLUSTER_ARGS)

proto: install
	$(PY) -m tools.gen_proto

bench: install
	# torch 2.13.0 first: the machine's local CPU wheel (an unpinned torch pulls GBs of CUDA packages)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,bench]'
	$(PY) -m bench
	$(PY) -m bench --data minilm --n 20000 --queries 500

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache *.egg-info
