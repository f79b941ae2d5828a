# leadkit: `make demo` runs the main job on examples/, `make test` runs every check CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The spark extra (PySpark, pandas, pyarrow: ~750 MB) is installed too, so that `make test` runs the Spark engine's
# tests wherever Java 17 is; `make test EXTRAS=test` leaves it out (those tests then skip, except in CI).
EXTRAS ?= test,spark
comma := ,
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)-$(subst $(comma),-,$(EXTRAS))
OUT := out

.PHONY: demo test lint bench bench-spark golden clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUT)
	$(BIN)/leadkit run examples/pipeline.yaml
	@echo
	@echo "The workbook to open: $(OUT)/leadkit.xlsx"
	@echo "The tables beside it: $(OUT)/ (leads, companies, clusters, review, active, quarantine, abcde)"

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

# The Spark engine beside Polars (local[2]), then on a standalone cluster started here (see RESULTS.md).
bench-spark: $(STAMP)
	$(BIN)/python benchmarks/bench_spark.py --n 100000 1000000 3000000 --polars-max 1000000
	$(BIN)/python benchmarks/bench_spark.py --cluster --n 100000

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
