# Offprint: `make run` and `make test` do all the set-up on Debian/Ubuntu (system packages through
# apt, as root or with sudo). Elsewhere (macOS, Windows) use cargo directly; no system packages needed.

CARGO ?= cargo
# What building and running the window needs.
RUN_PACKAGES := build-essential pkg-config ca-certificates libwebkit2gtk-4.1-dev
# What driving the real window adds (the tests and the benchmarks): a display and the WebKit WebDriver.
WINDOW_PACKAGES := xvfb xauth webkit2gtk-driver
# What the UI tests add: Chromium.
UI_TEST_PACKAGES := chromium
# What the benchmarks add: the timer, the peer readers the sync is measured against, and Python for the
# baseline (feedparser goes into a virtual environment of its own under target/bench).
BENCH_PACKAGES := time newsboat sfeed curl python3 python3-venv
BENCH_VENV := target/bench/venv

SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
# So that a toolchain `make` installs (and tauri-driver) is found by the steps after it.
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test deps test-deps window-deps toolchain lint ui-test clean drill fuzz bench

## Builds and opens Offprint's window on its cache (the platform's app-data directory, or
## $$OFFPRINT_DATA_DIR).
run: deps
	$(CARGO) run --bin offprint

## The whole suite: formatting, lints, the Rust tests (end-to-end in the real window included) and the
## UI tests in headless Chromium.
test: test-deps lint
	$(CARGO) test --all-targets -- --include-ignored --skip slow::
	cd tests/ui && npm test

## The slow drills (tests in a `slow` module, which `make test` skips): the crash drill in full (50 syncs
## killed with SIGKILL at random moments over 40 feeds of 200 entries, the cache checked after each),
## every XSS vector of tests/xss opened in the window, and the hostile servers against `offprint-cli sync`
## with its default timeouts (minutes; `make test` runs reduced versions).
drill: test-deps
	$(CARGO) test --all-targets -- --ignored slow::

## The benchmarks, in release builds. The headless core: the cache's queries on 100,000 entries beside
## the raw-SQLite floor (the cache is built once under target/bench/), and offprint-cli sync against
## synthetic feeds on loopback hosts, cold, warm and changed, beside newsboat, sfeed and a Python
## baseline on the same feeds. Then the window under Xvfb, on copies of that cache: its start to the
## first painted list, cold and warm, its memory with WebKit's processes, and a scroll through all
## 100,000 entries. They print tables and never fail on timing.
bench: window-deps
	@$(MAKE) --no-print-directory apt PACKAGES="$(BENCH_PACKAGES)"
	@[ -x $(BENCH_VENV)/bin/python ] && $(BENCH_VENV)/bin/python -c 'import feedparser' 2>/dev/null || \
	  { python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install --quiet feedparser==6.0.11; }
	$(CARGO) bench --no-default-features --bench cache --bench sync
	$(CARGO) bench --bench app

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := feed sanitize opml

## Fuzzes the feed parser's front-end, the sanitizer and the OPML importer for FUZZ_SECONDS each, with
## cargo-fuzz on nightly Rust (both installed when missing), from the corpus in tests/fuzz/corpus. An
## input that fails is left in target/fuzz/artifacts/<target>/; once fixed, keep it in
## tests/fuzz/regressions/<target>/, which `make test` runs.
fuzz: toolchain
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null 2>&1 || [ -x "$(CARGO_BIN)/cargo-fuzz" ] || $(CARGO) install cargo-fuzz --locked
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p target/fuzz/corpus/$$t target/fuzz/artifacts/$$t; \
	  $(CARGO) +nightly fuzz run --fuzz-dir tests/fuzz --target-dir target/fuzz --debug-assertions $$t \
	    target/fuzz/corpus/$$t tests/fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=target/fuzz/artifacts/$$t/ || exit 1; \
	done

lint: toolchain
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

## Installs the system packages the build needs that are missing (Debian/Ubuntu only).
deps: toolchain
	@$(MAKE) --no-print-directory apt PACKAGES="$(RUN_PACKAGES)"

## Everything the tests need on top: what drives the window, Chromium and Node.js for the UI tests.
test-deps: window-deps
	@$(MAKE) --no-print-directory apt PACKAGES="$(UI_TEST_PACKAGES)"
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES="nodejs npm"
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { \
	  echo "the UI tests need Node.js 20 or newer, found $$(node --version); install a newer one (your" \
	    "distribution's backports, or NodeSource) and run make test again" >&2; exit 1; }
	cd tests/ui && npm ci --no-audit --no-fund

## What driving the real window needs on top of the build: Xvfb, the WebKit WebDriver, tauri-driver.
window-deps: deps
	@$(MAKE) --no-print-directory apt PACKAGES="$(WINDOW_PACKAGES)"
	@[ -x "$(CARGO_BIN)/tauri-driver" ] || command -v tauri-driver >/dev/null 2>&1 || \
	  $(CARGO) install tauri-driver --locked

.PHONY: apt
apt:
	@if command -v apt-get >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing:$$missing"; \
	    $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	  fi; \
	fi

## Rust itself when cargo is missing: the distribution's `rustup` package where it has one (Debian 13,
## Ubuntu 24.04), else rustup's own installer (Debian 12 has no package), then the stable toolchain.
toolchain:
	@if ! command -v $(CARGO) >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $(SUDO) apt-get update || exit 1; \
	    if apt-cache policy rustup | grep -q 'Candidate: [0-9]'; then \
	      DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y rustup && rustup default stable || exit 1; \
	    else \
	      DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y curl ca-certificates && \
	      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal || exit 1; \
	    fi; \
	  else \
	    echo "cargo not found: install Rust from https://rustup.rs and run make again" >&2; exit 1; \
	  fi; \
	fi
	@if command -v rustup >/dev/null 2>&1; then \
	  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt; \
	fi

clean:
	$(CARGO) clean
	rm -rf tests/ui/node_modules
