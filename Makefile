# Two commands: `make run` serves the app on SQLite, `make test` runs the whole suite.
# Both create .venv and install the pinned requirements themselves.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker

.PHONY: run test bench setup clean

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

# One process. With several (gunicorn -w N), share the rate-limit counters:
# TRACKER_RATELIMIT_STORAGE_URI=redis://localhost:6379/0 (see README, Scaling out).
run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
