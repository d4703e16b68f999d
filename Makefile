# Set-up and checks for beslut. `make demo` and `make test` do all set-up on a fresh
# Debian/Ubuntu machine: system packages (LibreOffice, fonts), the virtualenv and the package.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := libreoffice-writer-nogui python3-uno fonts-crosextra-carlito fonts-liberation2 poppler-utils pandoc librsvg2-bin
# The YAML language server (the one in VS Code's YAML extension), for tests/test_editor_help.py.
YAML_LS_VERSION := 1.25.0
NPM_PREFIX := .cache/npm
YAML_LS_STAMP := $(NPM_PREFIX)/.yaml-language-server-$(YAML_LS_VERSION)
# The browser tests of `beslut serve` (tests/browser/): Debian's Chromium, driven by Playwright
# (a test dependency in pyproject.toml), and axe-core for the accessibility checks.
BROWSER_PACKAGES := chromium chromium-driver
AXE_VERSION := 4.14.1
AXE_STAMP := $(NPM_PREFIX)/.axe-core-$(AXE_VERSION)

.PHONY: demo test check lint system venv templates schema clean bench yaml-server browser

demo: system venv
	$(BIN)/beslut check .
	$(BIN)/beslut build .
	$(BIN)/beslut publicera --arbetsyta . 2022-06-14-hsn --kallelsen-först

test: system venv yaml-server browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Installs the system packages with apt-get when any is missing: as root directly,
# otherwise through sudo; if neither works, says exactly what to run.
system:
	@bash scripts/install-system.sh $(APT_PACKAGES)

# Node.js from the system packages only when node or npm is missing (a Node.js installed some
# other way, e.g. from NodeSource, already has npm).
yaml-server: $(YAML_LS_STAMP)

$(YAML_LS_STAMP):
	command -v node >/dev/null && command -v npm >/dev/null || bash scripts/install-system.sh nodejs npm
	npm install --no-audit --no-fund --prefix $(NPM_PREFIX) yaml-language-server@$(YAML_LS_VERSION)
	touch $@

browser: $(AXE_STAMP)
	@bash scripts/install-system.sh $(BROWSER_PACKAGES)

$(AXE_STAMP):
	command -v node >/dev/null && command -v npm >/dev/null || bash scripts/install-system.sh nodejs npm
	npm install --no-audit --no-fund --prefix $(NPM_PREFIX) axe-core@$(AXE_VERSION)
	touch $@

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

templates: venv
	$(BIN)/beslut mallar --bygg .

schema: venv
	$(BIN)/beslut schema .

bench: system venv
	$(BIN)/python benchmarks/bench_build.py --n 100

# Published versions (output/versioner/) are records: clean never removes them (their files
# are read-only; remove a version by hand only if it was never sent to anyone).
clean:
	find output -mindepth 1 -maxdepth 1 ! -name versioner ! -name .gitkeep -exec rm -rf {} +
	rm -rf .beslut-cache
	touch output/.gitkeep
