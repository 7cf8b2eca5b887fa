# Two commands: `make run` serves the app on SQLite, `make test` runs the whole suite.
# Both create .venv and install the pinned requirements themselves.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker

.PHONY: run test bench setup clean node-check

# The page scripts' unit tests run on Node's built-in test runner.
node-check:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
		&& node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' \
		|| { echo "Node.js 18+ with npm is required" >&2; exit 1; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

setup: $(VENV)/.run-deps
	$(FLASK) db upgrade

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-deps node-check
	node --test tests/js/*.test.mjs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
