# leadkit: `make demo` runs the main job on examples/, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
OUT := out

.PHONY: demo test lint bench golden clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	$(BIN)/leadkit import examples/exports --map examples/maps/bought_base.yaml \
	  | $(BIN)/leadkit clean - -o $(OUT)/leads_clean.csv
	$(BIN)/leadkit dedupe $(OUT)/leads_clean.csv -o $(OUT)/companies.xlsx \
	  --clusters $(OUT)/clusters.csv --review $(OUT)/review.csv
	$(BIN)/leadkit classify examples/crm/clients.csv --sales examples/sales \
	  --from 2025-01-01 --to 2025-12-31 -o $(OUT)/abcde_2025.csv
	$(BIN)/leadkit classify examples/crm/clients.csv --sales examples/sales \
	  --from 2026-01-01 --to 2026-12-31 --previous $(OUT)/abcde_2025.csv -o $(OUT)/abcde.xlsx \
	  --summary $(OUT)/abcde_summary.csv --unmatched $(OUT)/unmatched_sales.csv
	@echo
	@echo "Cleaned leads:      $(OUT)/leads_clean.csv"
	@echo "One row a company:  $(OUT)/companies.xlsx"
	@echo "Why records merged: $(OUT)/clusters.csv"
	@echo "To check by hand:   $(OUT)/review.csv"
	@echo "Clients A-E (2026): $(OUT)/abcde.xlsx, per channel: $(OUT)/abcde_summary.csv"
	@echo "Sales of no client: $(OUT)/unmatched_sales.csv"

lint: $(STAMP)
	$(BIN)/ruff check leadkit tests benchmarks examples
	$(BIN)/ruff format --check leadkit tests benchmarks examples
	$(BIN)/mypy leadkit

test: lint
	$(BIN)/python -m pytest

# Refresh tests/golden/ after an intended change of the demo's outputs; review the diff in git.
golden: $(STAMP)
	LEADKIT_UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

bench: $(STAMP)
	$(BIN)/python -m benchmarks.public
	$(BIN)/python benchmarks/bench_pipeline.py 100000 1000000
	$(BIN)/python benchmarks/bench_dedupe.py --n 100000 1000000
	$(BIN)/python benchmarks/bench_clean.py --n 1000000
	$(BIN)/python benchmarks/bench_phones.py --n 1000000
	$(BIN)/python benchmarks/bench_quarantine.py --n 1000000 --calls 300000
	$(BIN)/python benchmarks/bench_classify.py --clients 200000 --rows 5000000

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
