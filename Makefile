# Two commands: `make run` serves the app on SQLite, `make test` runs the whole suite.
# Both create .venv and install the pinned requirements themselves.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
HOST ?= 127.0.0.1
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
NODE_STAMP := node_modules/.npm-ci
VENDOR_STAMP := static/vendor/.copied
CATALOGS := tracker/translations
CATALOG_STAMP := $(CATALOGS)/.compiled
PYBABEL := $(BIN)/pybabel
# Marked in Python: gettext's names, and the domain's N_, Text and plural_text
# (tracker/domain/wording.py); in scripts: t and tn (static/js/i18n.js).
PY_KEYWORDS := -k N_ -k Text -k plural_text:1,2 -k lazy_gettext -k lazy_ngettext:1,2
JS_KEYWORDS := -k t -k tn:1,2

.PHONY: run test bench setup clean vendor node-check cluster cluster-stop translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

# Front-end libraries: npm ci (pinned by package-lock.json), then scripts/vendor.mjs
# copies the files listed under "vendor" in package.json into static/vendor/.
node-check:
	@command -v npm >/dev/null 2>&1 && node -e 'process.exit(+process.versions.node.split(".")[0] < 18 ? 1 : 0)' \
		|| { echo "Node.js 18+ with npm is required (https://nodejs.org, or apt-get install nodejs npm)"; exit 1; }

$(NODE_STAMP): package.json package-lock.json | node-check
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

$(VENDOR_STAMP): $(NODE_STAMP) scripts/vendor.mjs
	node scripts/vendor.mjs
	touch $@

vendor: $(VENDOR_STAMP)

# The compiled catalogs (.mo) are built here, never committed.
$(CATALOG_STAMP): $(wildcard $(CATALOGS)/*/LC_MESSAGES/*.po) | $(VENV)/.run-deps
	$(PYBABEL) compile -d $(CATALOGS) -D messages --statistics
	$(PYBABEL) compile -d $(CATALOGS) -D js --statistics
	touch $@

# After changing text: extract every marked string into the templates (.pot), merge
# them into each language's .po (new ones empty, changed ones fuzzy: translate and
# clear the flag, the tests insist), and compile. README, "Adding a language".
translations: | $(VENV)/.run-deps
	$(PYBABEL) extract -F babel.cfg $(PY_KEYWORDS) --project=Backstretch --sort-by-file \
		--add-comments=TRANSLATORS: -o $(CATALOGS)/messages.pot .
	$(PYBABEL) extract -F babel-js.cfg $(JS_KEYWORDS) --project=Backstretch --sort-by-file \
		--add-comments=TRANSLATORS: -o $(CATALOGS)/js.pot .
	$(PYBABEL) update -i $(CATALOGS)/messages.pot -d $(CATALOGS) -D messages --ignore-obsolete
	$(PYBABEL) update -i $(CATALOGS)/js.pot -d $(CATALOGS) -D js --ignore-obsolete
	rm -f $(CATALOG_STAMP)
	$(MAKE) $(CATALOG_STAMP)

setup: $(VENV)/.run-deps $(VENDOR_STAMP) $(CATALOG_STAMP)
	$(FLASK) db upgrade

# One process. Rate-limit counters live in the database by default, shared by every
# process (or Redis: TRACKER_RATELIMIT_STORAGE_URI=redis://localhost:6379/0; see README,
# Scaling out).
run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-deps $(VENDOR_STAMP) $(CATALOG_STAMP)
	node --test tests/js/*.test.mjs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps $(VENDOR_STAMP) $(CATALOG_STAMP)
	$(BIN)/python -m bench

# nginx (127.0.0.1:8080) in front of two gunicorn web nodes (:8081, :8082) and two
# scheduler processes on PostgreSQL and Redis, in the background; run folder .cluster/
# (scripts/cluster.py; README, "A cluster on one machine").
cluster: $(VENV)/.run-deps $(VENDOR_STAMP) $(CATALOG_STAMP)
	$(BIN)/python scripts/cluster.py start

cluster-stop: | $(BIN)/python
	$(BIN)/python scripts/cluster.py stop

clean:
	rm -rf $(VENV) .pytest_cache node_modules static/vendor $(CATALOG_STAMP) $(CATALOGS)/*/LC_MESSAGES/*.mo
