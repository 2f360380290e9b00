# copier-lakehouse-domain: `make demo` renders a demo domain and runs its checks;
# `make test` runs the whole test suite. Both build .venv on first use (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
DEMO := build/demo

.PHONY: demo test lint bench clean

# Dependency groups need pip >= 25.1; the pin keeps installs reproducible.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install "pip==25.3"
	$(PIP) install --group dev
	touch $@

# Renders the working tree (HEAD plus uncommitted changes) with the default answers.
demo: $(BIN)/.installed
	rm -rf $(DEMO)
	$(BIN)/copier copy --trust --defaults --quiet --vcs-ref HEAD "$(CURDIR)" $(DEMO)
	$(MAKE) -C $(DEMO) test lint

test: $(BIN)/.installed
	$(BIN)/pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.installed
	$(BIN)/python bench/render.py

clean:
	rm -rf $(VENV) .tools build
