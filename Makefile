# Two entry points (see README.md): `make demo` runs the main job, `make test` runs every test.
# Each sets itself up first: a private uv from PyPI, then the locked environment in .venv.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced-$(shell cat uv.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test bench bench-peers setup lock clean mypy-baseline

setup: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode --python $(PYTHON)
	$(VENV)/bin/python -m compileall -q src
	rm -f $(VENV)/.synced-*
	touch $@

demo: setup
	bash scripts/demo.sh

test: setup
	bash scripts/test.sh

bench: setup bench-peers
	$(VENV)/bin/python -m bench

bench-peers: | $(UV)
	bash bench/peers.sh

# record mypy's current errors on src/ as the baseline (after fixing some: the file only shrinks)
mypy-baseline: setup
	$(VENV)/bin/python scripts/mypy_baseline.py --write

lock: | $(UV)
	$(UV) lock

clean:
	rm -rf out .pytest_cache
