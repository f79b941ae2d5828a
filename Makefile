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

.PHONY: demo test lint bench bench-10m bench-spark golden clean

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

# Several minutes to an hour: the figures go to benchmarks/RESULTS.md. Splink is the bench extra's.
DATA := benchmarks/data
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.public
	$(BIN)/python benchmarks/bench_pipeline.py 100000 1000000
	@for n in 100000 1000000; do test -f $(DATA)/c2-$$n/truth.csv || \
		$(BIN)/python benchmarks/second_corpus.py --n $$n --seed 7 --out $(DATA)/c2-$$n; done
	$(BIN)/python benchmarks/score_second_corpus.py $(DATA)/c2-100000 --run
	$(BIN)/python benchmarks/score_second_corpus.py $(DATA)/c2-1000000 --run
	$(BIN)/python benchmarks/bench_splink.py --n 100000 1000000 --predict-chunks 2
	$(BIN)/python benchmarks/bench_splink.py --corpus $(DATA)/c2-100000 $(DATA)/c2-1000000 --predict-chunks 2
	$(BIN)/python benchmarks/bench_dedupe.py --n 100000 1000000
	$(BIN)/python benchmarks/bench_wide.py --rows 50 500 5000 --columns 2000
	$(BIN)/python benchmarks/bench_clean.py --n 1000000
	$(BIN)/python benchmarks/bench_phones.py --n 1000000
	$(BIN)/python benchmarks/bench_quarantine.py --n 1000000 --calls 300000
	$(BIN)/python benchmarks/bench_classify.py --clients 200000 --rows 5000000

# Ten million leads (ten corpora of a million, about 1.2 GB of exports; an hour with generation).
bench-10m: $(STAMP)
	@for k in 0 1 2 3 4 5 6 7 8 9; do test -f $(DATA)/c10m/s$$k/truth.csv || \
		$(BIN)/python benchmarks/second_corpus.py --n 1000000 --seed $$((100 + k)) --out $(DATA)/c10m/s$$k; done
	$(BIN)/python benchmarks/score_second_corpus.py $(DATA)/c10m/s* --run --out $(DATA)/c10m-out

# The Spark engine beside Polars (local[2]), then on a standalone cluster started here (see RESULTS.md).
bench-spark: $(STAMP)
	$(BIN)/python benchmarks/bench_spark.py --n 100000 1000000 3000000 --polars-max 1000000
	$(BIN)/python benchmarks/bench_spark.py --cluster --n 100000

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
