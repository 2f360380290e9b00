# copier-lakehouse-domain: `make demo` renders a demo domain and runs its checks;
# `make test` runs the whole test suite. Both build .venv on first use (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
DEMO := build/demo

.PHONY: demo test fuzz golden lint docs docs-serve release bench clean system-deps

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

# Verbose, so the long run shows which answer set (variant) it is on. Parallel workers
# (pytest-xdist) take whole test files (--dist loadfile): a module's renders and venvs are
# built once, by one worker. Files come in collection order, which puts the long ones first
# (tests/conftest.py), not xdist's default of the files with most tests first.
WORKERS ?= 2
test: $(BIN)/.installed system-deps
	$(BIN)/pytest --verbose --durations=15 --numprocesses=$(WORKERS) --dist=loadfile \
	  --no-loadscope-reorder

# Generated valid and hostile answer sets, many fresh examples each (not seeded, minutes).
FUZZ_EXAMPLES ?= 300
fuzz: $(BIN)/.installed
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -m "not slow" \
	  tests/test_generated_answers.py tests/test_hostile_answers.py tests/unit

# Rewrite the committed renders of every answer set (tests/golden) after an intended
# template change; review them with `git diff tests/golden`.
golden: $(BIN)/.installed
	$(BIN)/python tools/golden.py

# The documentation site: build it strictly into build/site, or serve it with live reload.
docs: $(BIN)/.installed
	$(BIN)/python docs/generate_questionnaire.py
	PYTHONPATH=tests $(BIN)/python -c "from support.tool_venvs import tool_venv; tool_venv('mkdocs')"
	.tools/mkdocs/bin/mkdocs build --strict --site-dir build/site

docs-serve: docs
	.tools/mkdocs/bin/mkdocs serve

# Cut a release: make release VERSION=x.y.z (changelog section, tag, versions.yml).
release: $(BIN)/.installed
	$(BIN)/python tools/release.py $(VERSION)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.installed system-deps
	$(BIN)/python bench/render.py
	$(BIN)/python bench/update.py
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) .tools build
