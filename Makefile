# motcua: `make run` serves the whole system embedded; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
EID_PORT ?= 8001
PORTAL_PORT ?= 8002
WORKERS ?= 2
BENCH ?= search_latency
VENV := .venv
UV := .tools/bin/uv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := motcua.settings

.PHONY: run prod-local prod-local-smoke test lint format migrations-check schema schema-check bench ci setup system-deps browser clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

setup: $(VENV)/.synced

system-deps:
	scripts/install-system-packages run

browser:
	scripts/install-system-packages test

## Serve the portal on http://$(HOST):$(PORT) with SQLite, the real catalogue, demo accounts
## the bundled e-ID test provider on 127.0.0.1:$(EID_PORT) and the demo national portal on
## 127.0.0.1:$(PORTAL_PORT).
run: export EID_ISSUER = http://127.0.0.1:$(EID_PORT)/o
run: export MOTCUA_EID_DISCOVERY_URL = http://127.0.0.1:$(EID_PORT)/o/.well-known/openid-configuration
run: export EID_REDIRECT_URIS = http://$(HOST):$(PORT)/tai-khoan/vneid/ve/ http://127.0.0.1:$(PORT)/tai-khoan/vneid/ve/ http://localhost:$(PORT)/tai-khoan/vneid/ve/
run: export EID_POST_LOGOUT_REDIRECT_URIS = http://$(HOST):$(PORT)/ http://127.0.0.1:$(PORT)/ http://localhost:$(PORT)/
run: setup system-deps
	$(BIN)/motcua bootstrap --demo
	$(BIN)/motcua-eid bootstrap
	WEB_HOST=$(HOST) WEB_PORT=$(PORT) WEB_WORKERS=$(WORKERS) EID_PORT=$(EID_PORT) PORTAL_PORT=$(PORTAL_PORT) \
		$(BIN)/honcho start

## The production topology on one machine: gunicorn, two Celery workers and beat on RabbitMQ,
## PostgreSQL, an S3-compatible store (moto) and the demo national portal (docs/operations.md).
prod-local: setup system-deps
	scripts/prod-local run

## The same topology, started, walked through by tests/smoke, and stopped (CI runs it).
prod-local-smoke: setup system-deps
	scripts/prod-local smoke

## Every test: on PostgreSQL when DATABASE_URL is set, on SQLite otherwise.
test: setup browser
	$(BIN)/pytest -p no:randomly -n $(or $(TEST_WORKERS),2) --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: setup
	$(BIN)/motcua makemigrations --check --dry-run

## Regenerate docs/api/openapi.yaml; schema-check fails when the committed file is stale.
schema: setup
	$(BIN)/motcua spectacular --file docs/api/openapi.yaml --validate

schema-check: setup
	$(BIN)/motcua spectacular --validate --file var/openapi.check.yaml
	diff -u docs/api/openapi.yaml var/openapi.check.yaml

## Benchmarks run on PostgreSQL (DATABASE_URL); see docs/performance.md.
bench: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/motcua_bench} \
		$(BIN)/python bench/$(BENCH).py

clean:
	rm -rf var .pytest_cache .ruff_cache
