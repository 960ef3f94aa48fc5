# Two entry points, both idempotent on a fresh machine with Python 3.11+:
#   make run   – create .venv from requirements.lock and start the app
#   make test  – create .venv from requirements.lock, lint, and run every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench data check-data clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

run: setup
	$(BIN)/streamlit run streamlit_app.py

lint: setup
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/isochrones.py
	$(BIN)/python bench/surface.py
	$(BIN)/python bench/ui.py
	$(BIN)/python bench/snapshot.py
	$(BIN)/python bench/scenarios.py

data: setup
	$(BIN)/python -m data.build

check-data: setup
	$(BIN)/python -m data.build --check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
