# Set-up and checks for beslut. `make demo` and `make test` do all set-up on a fresh
# Debian/Ubuntu machine: system packages (LibreOffice, fonts), the virtualenv and the package.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := libreoffice-writer-nogui python3-uno fonts-crosextra-carlito fonts-liberation2 poppler-utils pandoc librsvg2-bin

.PHONY: demo test check lint system venv templates schema clean bench

demo: system venv
	$(BIN)/beslut check .
	$(BIN)/beslut build .

test: system venv
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

clean:
	rm -rf output/* .beslut-cache
	touch output/.gitkeep
