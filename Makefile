# A newcomer needs only `make run` and `make test`: both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
INSTALLED := $(VENV)/.installed
AXE := node_modules/axe-core/axe.min.js
# The portal's French and Spanish catalogues, compiled from the .po files kept in git.
MO := $(patsubst %.po,%.mo,$(wildcard tracker/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "The tracker needs Python 3.11 or newer; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# axe-core (the accessibility checker the browser tests run) comes from the npm registry.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the browser tests' accessibility checks will be skipped"; fi

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

run: $(INSTALLED) $(MO)
	$(BIN)/tracker db upgrade
	PORT=$(PORT) $(BIN)/tracker demo-data --if-empty
	PORT=$(PORT) $(BIN)/tracker run --host 127.0.0.1 --port $(PORT)

test: $(INSTALLED) $(AXE) $(MO)
	$(BIN)/pytest $(PYTEST_ARGS)

# SPEC §7's figures: BENCH_SCALE=small|national, BENCH_OUT=file.json, BENCH_REQUESTS=N per page,
# TRACKER_BENCH_DATABASE_URL for PostgreSQL, BENCH_INSTANCE_DIR for a database loaded before (see the README's
# Benchmark). Given on make's command line or in the environment alike.
bench: $(INSTALLED) $(MO)
	BENCH_SCALE='$(BENCH_SCALE)' BENCH_OUT='$(BENCH_OUT)' BENCH_REQUESTS='$(BENCH_REQUESTS)' \
		BENCH_INSTANCE_DIR='$(BENCH_INSTANCE_DIR)' TRACKER_BENCH_DATABASE_URL='$(TRACKER_BENCH_DATABASE_URL)' \
		$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) node_modules .pytest_cache
