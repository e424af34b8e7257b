# claimwatch: `make run` starts everything on an embedded broker; `make test` runs the suite.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint format schemas bench realnews clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@bash deploy/scripts/ensure-prometheus.sh || echo "note: promtool/prometheus not installed; deploy tests will fail"
	@bash deploy/scripts/ensure-tools.sh || echo "note: docker-compose not installed; compose tests will fail"
	@bash deploy/scripts/ensure-web.sh || echo "note: chromium/postgresql not installed; web browser tests will fail"
	@touch $(STAMP)

run: setup
	$(BIN)/claimwatch run --samples samples

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared/claimwatch $(wildcard services/*/claimwatch_*)

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schemas: setup
	$(BIN)/claimwatch schemas --out schemas

bench: setup
	$(BIN)/python bench/run.py

# Real multi-outlet news scored against bench/gold/realnews (docs/extraction-quality.md).
# REALNEWS_ARGS, e.g. "--datasets giveme5w1h_news_cluster" or "--score-only".
realnews: setup
	$(BIN)/python bench/realnews_eval.py $(REALNEWS_ARGS)

clean:
	rm -rf $(VENV) .claimwatch .pytest_cache .mypy_cache .ruff_cache
