# The two commands of the README: `make demo` (install, ingest the bundled samples, show the desk's stories)
# and `make test` (install, then the whole test suite; .ci/run calls exactly this).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: install demo serve test bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

# The tests also cover story_embeddings = minilm, so they add the (1.5 GB) embeddings extra; the demo does not need it.
$(VENV)/.installed-embeddings: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev,embeddings]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/newsdesk --db $(DEMO_DB) ingest samples/aleppo-afp-with-teasers.txt samples/wikinews.jsonl
	$(BIN)/newsdesk --db $(DEMO_DB) stories --limit 10
	@echo "read the desk: $(BIN)/newsdesk --db $(DEMO_DB) serve   (then open http://127.0.0.1:8000)"

serve: install
	$(BIN)/newsdesk --db $(DEMO_DB) serve

test: install $(VENV)/.installed-embeddings
	scripts/setup-browser.sh
	$(BIN)/pytest -q

bench: install
	$(BIN)/newsdesk bench extraction
	$(BIN)/newsdesk bench segmenter
	$(BIN)/newsdesk bench dedup
	$(BIN)/newsdesk bench stories
	$(BIN)/newsdesk bench summaries
	$(BIN)/newsdesk bench facts
	$(BIN)/newsdesk bench search
	$(BIN)/newsdesk bench fetch
