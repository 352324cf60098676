# lgnet: one entry point for setting up, fetching data, testing and building the book.
#   make book   set up the environment, fetch the public data, build the HTML book (_build/html)
#   make test   set up the environment, fetch the public data, run the test suite
# Public data come from LGNET_DATA_MIRROR when it is set (a local copy of the upstream files),
# otherwise from the upstream URLs pinned in data/manifest.csv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup data book test chromium bench run screenshots clean help

help:
	@echo "make book | make test | make data | make bench | make run YEAR=2019 PARTNERSHIPS=simulated | make screenshots | make clean"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

data: setup
	$(BIN)/lgnet data fetch

book: data
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter-book build . --builder html -W -n --keep-going

# Chromium for the browser checks: found, installed (root + apt-get) or a stop with the install line
chromium:
	sh scripts/ensure_chromium.sh

test: chromium data
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -q

bench: data
	$(BIN)/python benchmarks/bench_mrqap.py

YEAR ?= 2019
PARTNERSHIPS ?= simulated
run: data
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/lgnet run --year $(YEAR) --partnerships $(PARTNERSHIPS)

# PNG screenshots of every page of the built book (needs Debian's chromium), into screenshots/
screenshots:
	$(BIN)/python scripts/screenshots.py _build/html --out screenshots

clean:
	rm -rf _build runs data/build .pytest_cache .benchmarks
