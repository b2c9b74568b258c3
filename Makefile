# Crosscheck: `make demo` runs the daily pipeline on the sandbox; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml Makefile | sha256sum | cut -c1-12)
TODAY  ?= $(shell date -u +%Y-%m-%d)

.PHONY: install bytecode system-deps demo ui screenshots test lint evaluate bench bench-e2e bench-daily clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || { $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip >/dev/null; \
	  $(BIN)/python -m pip install -q uv==0.13.8; }
	$(BIN)/uv pip install --python $(BIN)/python -q --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python -q --no-deps -e .
	@# setuptools leaves build metadata in the checkout; with the checkout on sys.path (below) Airflow would see a
	@# second 'crosscheck' distribution and register the HR page's plugin entry point twice
	@rm -rf crosscheck.egg-info
	@# the workshop (sandbox, evaluation, stack, bench) is never packaged: the dev venv finds it in the checkout
	@echo "$(CURDIR)" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/crosscheck_workshop.pth"
	@rm -f $(VENV)/.installed-* && touch $@

# Bytecode of the project's own modules, written ahead: with PYTHONDONTWRITEBYTECODE set (as on this
# machine kind) every process, each Airflow task and each CLI call, would compile them from source again.
# Site-packages are compiled by `uv pip install --compile-bytecode` above. A stale .pyc is never used.
bytecode:
	@$(BIN)/python -m compileall -q -j 0 connectors include plugins dags sandbox evaluation stack >/dev/null

# Debian packages for the browser test (headless Chromium and a CJK font); installed once.
system-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

demo: install bytecode
	TODAY=$(TODAY) bash scripts/demo.sh

# The HR page: Airflow's api-server with the Crosscheck plugin on 127.0.0.1:$(PORT), on the demo's warehouse
# (run `make demo` first); prints the URL and the SimpleAuthManager users (hr clears, viewer reads only).
PORT ?= 8080
ui: install bytecode
	PORT=$(PORT) bash scripts/ui.sh

# The README's report pictures (docs/screenshots/report-demo-{en,zh}.png) from the last demo's reports, its
# dispute file's (dossier-demo-{en,zh}.png), and the access report's (access-report-{en,zh}.png) and HR desk's
# (desk-{laptop,phone}.png) from its warehouse, a requisition page's (requisition-demo-{en,zh}.png) and the HR
# page's candidate page (candidate-demo-{en,zh}.png), in headless Chromium; run `make demo` first.
# `make screenshots SHOT_ARGS="--height 1400"`.
screenshots: install system-deps
	$(BIN)/python scripts/screenshots.py --what all $(SHOT_ARGS)

# ruff, mypy, and the import contracts of pyproject.toml (layers one way, no cycles, the workshop never imported by the product)
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy connectors include
	$(BIN)/lint-imports --no-cache

# Two pytest workers (this machine kind has 2 cores); each test file runs whole on one worker.
TEST_WORKERS ?= 2
test: install bytecode system-deps lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile

evaluate: install bytecode
	bash scripts/evaluate.sh

# Benchmarks (not tests): registries of 10k and 100k entities; `make bench BENCH_ARGS=--full` adds 1M.
bench: install bytecode
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/register_memory_bench.py
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# The whole daily pipeline through Airflow on generated worlds (1k and 10k applications by default,
# with a 100k-entity registry snapshot): `make bench-e2e E2E_ARGS="--sizes 1000,10000,100000"`.
E2E_ARGS ?= --sizes 1000,10000 --registry 100000
bench-e2e: install bytecode
	$(BIN)/python bench/pipeline_e2e_bench.py $(E2E_ARGS)

# Day 1 on a history of 10k candidates, then day 2 with 1% of the applications new or changed, in one warehouse;
# the last line is day 2 as a ratio of day 1: `make bench-daily BENCH_DAILY_ARGS="--history 100000"`.
BENCH_DAILY_ARGS ?=
bench-daily: install bytecode
	$(BIN)/python bench/daily_bench.py $(BENCH_DAILY_ARGS)

clean:
	rm -rf .var artifacts
