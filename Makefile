# geo: `make map` installs and builds the default map; `make test` runs the tests.
# Everything installs into .venv/ (Python) and node_modules/ (the map's JavaScript/CSS, pinned in package.json).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
GEO    := $(VENV)/bin/geo
DATA   := data
BUILD  := $(DATA)/build
MAP    := $(BUILD)/maps/aleppo-2016.html
STAMP  := $(VENV)/.installed
ASSETS := node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install map build test notebooks strip-notebooks lint validate bench clean

help: ## List the targets
	@echo "geo: reports of a war in, a dated and sourced control map out"
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(STAMP) $(ASSETS) ## Create .venv, install geo with its dependencies, fetch the pinned map assets

$(STAMP): pyproject.toml setup.py geo/places/_scan.pyx
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

map: install ## Build the default map (data/build/maps/aleppo-2016.html), redoing only what changed
	$(GEO) build --data-dir $(DATA) --build-dir $(BUILD)
	@echo "Map written to $(abspath $(MAP)) (open it in a browser; it works offline)"

build: map

validate: install ## Check the inputs in data/
	$(GEO) validate --data-dir $(DATA)

test: install ## Run the tests and the notebooks (the browser test needs /usr/bin/chromium)
	$(PY) -m pytest
	$(MAKE) --no-print-directory notebooks

notebooks: install ## Run the notebooks in notebooks/ (nbmake; they build into temporary directories)
	$(PY) -m pytest --nbmake notebooks -q -p no:cacheprovider

strip-notebooks: ## Remove the notebooks' outputs before a commit (git keeps them without)
	$(PY) -c "import json, pathlib; [p.write_text(json.dumps({**(d := json.loads(p.read_text())), 'cells': [{**c, **({'outputs': [], 'execution_count': None} if c['cell_type'] == 'code' else {})} for c in d['cells']]}, indent=1, ensure_ascii=False) + '\n') for p in pathlib.Path('notebooks').glob('*.ipynb')]"

bench: install ## Benchmarks (about 30 minutes; figures in data/build/bench/*.json): control layers, reading vs spaCy, builds, memory, Dask
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/bench_control.py --dask-join 2000000 -o $(BUILD)/bench/control.json
	$(PY) bench/bench_reading.py -o $(BUILD)/bench/reading.json
	$(PY) bench/bench_map.py -o $(BUILD)/bench/map.json
	$(PY) bench/bench_build.py --articles 1000,10000 --memory 1000,10000,100000 --dask 1000 -o $(BUILD)/bench/build.json

lint: install ## Ruff over the code and tests
	$(VENV)/bin/ruff check geo tests scripts bench

clean: ## Remove generated files (data/build, caches); never touches hand-made data
	rm -rf $(BUILD) .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -not -path './node_modules/*' -prune -exec rm -rf {} +
