# budgetscope: two commands on a fresh machine.
#   make run    create .venv, install everything, ingest the bundled corpus, a sample search and a citation query
#   make test   create .venv, install everything, run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint bench clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: it takes the local CPU build instead of a CUDA download
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,e5,st,parquet,bench,web,cluster]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(BIN)/budgetscope ingest
	@$(BIN)/budgetscope search "科技馆大修" --top-k 5
	@$(BIN)/budgetscope search "party building in scientific societies" --top-k 3
	@$(BIN)/budgetscope cites 全民科学素质纲要
	@echo "Web pages: $(BIN)/budgetscope serve   then open http://127.0.0.1:8000/ (Ctrl+C stops it)"

# the browser tests drive Debian's headless Chromium (no browser download); CJK glyphs need a font
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei; \
	fi

# two pytest-xdist workers (a CI machine has 2 cores); tests that share a built home stay in one worker
TEST_WORKERS ?= 2
test: $(STAMP) browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check budgetscope tests benchmarks
	$(BIN)/ruff format --check budgetscope tests benchmarks
	$(BIN)/mypy budgetscope

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
