# gongkai — `make run` ingests the sample reports; `make test` runs the whole suite.
# Everything installs itself: a .venv from pyproject.toml (pinned), and the Debian
# packages the PDF/.doc readers use (LibreOffice, antiword, a CJK font) when they are missing.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# The demo's own database and records: `make run` never touches the user's gongkai.duckdb.
DEMO_DB := demo.duckdb
DEMO_EXTRACTED := demo-extracted
STAMP   := $(VENV)/.installed
APT_PKGS := libreoffice-writer-nogui antiword fonts-wqy-zenhei poppler-utils chromium chromium-driver

.PHONY: run test bench lint setup system-deps samples clean help fuzz

help:
	@echo "make run    - set up, ingest raw/ into $(DEMO_DB), print an agency x year comparison"
	@echo "make test   - set up and run the test suite"
	@echo "make bench  - documents per second per file type (BENCH_ARGS=--ocr adds a scanned PDF)"
	@echo "make lint   - ruff"

$(STAMP): pyproject.toml
	@echo "setting up $(VENV): installing the pinned Python packages (a minute or two, once)"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) system-deps

# Optional system tools: installed with apt when we are root and they are missing;
# without them .doc files and scanned PDFs are rejected with that reason (never skipped).
system-deps:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing soffice"; \
	command -v antiword >/dev/null 2>&1 || missing="$$missing antiword"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing cjk-font"; \
	test -x /usr/bin/chromium && test -x /usr/bin/chromedriver || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian packages for:$$missing (apt-get, a few minutes, once; log in /tmp/gongkai-apt.log)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PKGS)) >/tmp/gongkai-apt.log 2>&1 \
	      || { echo "apt-get failed, see /tmp/gongkai-apt.log"; exit 1; }; \
	  else \
	    echo "note:$$missing not installed; .doc files will be rejected with that reason"; \
	  fi; \
	fi

run: setup
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(BIN)/gongkai ingest raw --db $(DEMO_DB) --out $(DEMO_EXTRACTED); status=$$?; \
	  $(BIN)/gongkai compare --db $(DEMO_DB); \
	  [ $$status -le 1 ] || exit $$status
	@echo "the demo database is $(DEMO_DB); the gongkai command is $(BIN)/gongkai"

test: setup
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: setup
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# The layout fuzzer's long run: the property tests with many more examples, then the
# survey of the unrestricted strategy by failure class and layout (FUZZ_ARGS=--examples N).
fuzz: setup
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-200} $(BIN)/python -m pytest -p no:cacheprovider tests/fuzz/test_layout.py; \
	  status=$$?; $(BIN)/python -m tests.fuzz.survey $(FUZZ_ARGS); exit $$status

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests scripts

# Regenerates raw/ and the manifest from tests/kit (tests/test_samples.py checks they match),
# then lists what changed: nothing, unless the kit's output changed.
samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py
	-@git status --short -- raw scripts/samples-manifest.csv

clean:
	rm -rf $(DEMO_DB) $(DEMO_DB).wal $(DEMO_DB).snapshot* $(DEMO_EXTRACTED) .pytest_cache
