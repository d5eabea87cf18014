VENV ?= .venv
PY := $(VENV)/bin/python
# Two stamps: `make run` needs the runtime dependencies only; `make test` (and lint, bench,
# screenshot) also the test tools, pyspark and the browser driver (the `dev` extra). Installing
# dev touches both, so `make test` then `make run` installs nothing more, and `make run` then
# `make test` adds only the extras.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: test run lint bench clean

$(PY):
	python3 -m venv $(VENV)

# pip's own lines show the progress (no -q); the first line says what is happening and how long.
$(RUN_STAMP): pyproject.toml | $(PY)
	@if [ -e $@ ]; then echo "pyproject.toml changed: updating the runtime dependencies…"; \
	else echo "first start: installing segbot's runtime dependencies into $(VENV) (about 20 s)…"; fi
	$(PY) -m pip install --progress-bar on --no-compile -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	@if [ -e $@ ]; then echo "pyproject.toml changed: updating the dependencies and test tools…"; \
	else echo "first test: installing segbot with its test tools, pyspark and playwright into $(VENV) (about 45 s)…"; fi
	$(PY) -m pip install --progress-bar on -e '.[dev]'
	touch $@ $(RUN_STAMP)

test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n auto  # one test process per core: most tests wait on sockets and workers

run: $(RUN_STAMP)
	$(PY) -m bot

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(DEV_STAMP)
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) -m benchmarks.bench_pipeline
	$(PY) -m benchmarks.bench_upload
	$(PY) -m benchmarks.bench_charts
	$(PY) -m benchmarks.bench_storage
	$(PY) -m benchmarks.bench_bot
	$(PY) -m benchmarks.bench_campaigns  # a read-out: 100,000 members on 10 M lines
	$(PY) -m benchmarks.bench_engine  # ~15 min: 100 M lines, Postgres 10 M (needs the postgresql package)

# docs/screenshot.png, taken by the browser test of the real bot (needs /usr/bin/chromium)
.PHONY: screenshot
screenshot: $(DEV_STAMP)
	SEGBOT_WRITE_SCREENSHOT=1 $(PY) -m pytest -q -p no:cacheprovider tests/localslack/test_page_browser.py -k real_bot

clean:
	rm -rf $(VENV) build *.egg-info
