VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test run lint bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n auto  # one test process per core: most tests wait on sockets and workers

run: $(STAMP)
	$(PY) -m bot

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
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
screenshot: $(STAMP)
	SEGBOT_WRITE_SCREENSHOT=1 $(PY) -m pytest -q -p no:cacheprovider tests/localslack/test_page_browser.py -k real_bot

clean:
	rm -rf $(VENV) build *.egg-info
