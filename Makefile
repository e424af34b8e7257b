# claimwatch: `make run` starts everything on an embedded broker; `make test` runs the suite.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
CONSTRAINTS := $(VENV)/constraints.txt
# The image's name and tag live in one place, deploy/k8s/kustomization.yaml (`images:`).
KUSTOMIZATION := deploy/k8s/kustomization.yaml
IMAGE = $(shell sed -n 's/^ *newName: *//p' $(KUSTOMIZATION))
TAG = $(shell sed -n 's/^ *newTag: *"\{0,1\}\([^"]*\)"\{0,1\}/\1/p' $(KUSTOMIZATION))

.PHONY: setup run test lint format schemas bench realnews quality lock image image-push clean

setup: $(STAMP)

# The dev environment installs the image's versions (requirements.lock, without its hashes: pip
# cannot hash an editable install), plus the dev tools and the embedded broker (extras).
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@grep -E '^[A-Za-z0-9_.-]+==' $(LOCK) | sed 's/ *\\$$//' > $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev,embedded]'
	@bash deploy/scripts/ensure-prometheus.sh || echo "note: prometheus/alertmanager not installed; deploy tests will fail"
	@bash deploy/scripts/ensure-tools.sh || echo "note: docker-compose not installed; compose tests will fail"
	@bash deploy/scripts/ensure-web.sh || echo "note: chromium/postgresql not installed; web browser tests will fail"
	@touch $(STAMP)

run: setup
	$(BIN)/claimwatch run --samples samples

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=12

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

# Extraction quality: the public peer suites (../shared/peers) next to our own gold.
quality: setup
	$(BIN)/python bench/quality.py $(QUALITY_ARGS)

# Real multi-outlet news scored against bench/gold/realnews (docs/extraction-quality.md).
# REALNEWS_ARGS, e.g. "--datasets giveme5w1h_news_cluster" or "--score-only".
realnews: setup
	$(BIN)/python bench/realnews_eval.py $(REALNEWS_ARGS)

# requirements.lock: the runtime dependencies of pyproject.toml (no extras) pinned with their
# hashes, for the image build. Run after changing [project].dependencies; existing pins are kept
# (add --upgrade to move them). Only the public index: a machine's pip.conf (local wheel folders,
# extra indexes) must not leak into the lock.
lock: setup
	env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	  $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	  --no-emit-index-url --output-file $(LOCK) pyproject.toml

# Build the image (needs a Docker engine) and push it to the registry named in the
# kustomization; log in first (`docker login ghcr.io`). CI does not run these.
image:
	docker build --tag $(IMAGE):$(TAG) .

image-push: image
	docker push $(IMAGE):$(TAG)

clean:
	rm -rf $(VENV) .claimwatch .pytest_cache .mypy_cache .ruff_cache
