# Two commands: `make run` serves the app on SQLite, `make test` runs the whole suite.
# Both create .venv and install the pinned requirements themselves, and install the
# pinned front-end libraries (npm ci) into static/vendor/.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
NPM ?= npm
NODE ?= node
NEED_NODE := Node.js 18+ with npm is required (https://nodejs.org)

.PHONY: run test bench setup vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# Front-end libraries: `npm ci` only when package-lock.json is newer than the last
# install (the stamp), then scripts/vendor.mjs copies what pages load into the
# git-ignored static/vendor/.
node_modules/.ci-stamp: package-lock.json package.json
	@command -v $(NPM) >/dev/null 2>&1 && command -v $(NODE) >/dev/null 2>&1 \
		&& $(NODE) -e 'process.exit(parseInt(process.versions.node) < 18 ? 1 : 0)' \
		|| { echo "$(NEED_NODE)" >&2; exit 1; }
	$(NPM) ci --ignore-scripts --no-audit --no-fund
	touch $@

static/vendor/.stamp: node_modules/.ci-stamp scripts/vendor.mjs
	$(NODE) scripts/vendor.mjs
	touch $@

vendor: static/vendor/.stamp

setup: $(VENV)/.run-deps vendor
	$(FLASK) db upgrade

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-deps vendor
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache node_modules static/vendor
