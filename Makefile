# copier-lakehouse-domain: `make demo` renders a demo domain and runs its checks;
# `make test` runs the whole test suite. Both build .venv on first use (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
DEMO := build/demo

.PHONY: demo test lint bench clean system-deps

# Dependency groups need pip >= 25.1; the pin keeps installs reproducible.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install "pip==25.3"
	$(PIP) install --group dev
	touch $@

# Java 17 and PostgreSQL with its JDBC driver (apt-get when root, else instructions).
system-deps:
	@bash tools/system-deps.sh

# Renders the working tree (HEAD plus uncommitted changes) with the default answers, runs
# the domain's own checks, then its local pipeline (ending with the run summary).
demo: $(BIN)/.installed system-deps
	rm -rf $(DEMO)
	$(BIN)/copier copy --trust --defaults --quiet --vcs-ref HEAD "$(CURDIR)" $(DEMO)
	git -C $(DEMO) init --quiet  # its own repository, as users have (workflow linters need it)
	$(MAKE) -C $(DEMO) lint test run

test: $(BIN)/.installed system-deps
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.installed system-deps
	$(BIN)/python bench/render.py
	$(BIN)/python bench/update.py
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) .tools build
