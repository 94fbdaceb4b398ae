# Offprint: `make run` and `make test` do all the set-up on Debian/Ubuntu (system packages through
# apt, as root or with sudo). Elsewhere (macOS, Windows) use cargo directly; no system packages needed.

CARGO ?= cargo
# What building and running the window needs.
RUN_PACKAGES := build-essential pkg-config ca-certificates libwebkit2gtk-4.1-dev
# What the tests add: a display, the WebKit WebDriver, Chromium for the UI tests.
TEST_PACKAGES := xvfb xauth webkit2gtk-driver chromium

SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin

.PHONY: run test deps test-deps toolchain lint ui-test clean drill

## Builds and opens Offprint's window on its cache (the platform's app-data directory, or
## $$OFFPRINT_DATA_DIR).
run: deps
	$(CARGO) run --bin offprint

## The whole suite: formatting, lints, the Rust tests (end-to-end in the real window included) and the
## UI tests in headless Chromium.
test: test-deps lint
	$(CARGO) test --all-targets -- --include-ignored --skip slow::
	cd tests/ui && npm test

## The slow drills (tests in a `slow` module, which `make test` skips), among them the crash drill in full:
## 50 syncs killed with SIGKILL at random moments over 40 feeds of 200 entries, the cache checked after
## each (minutes; `make test` runs a reduced drill).
drill: deps
	$(CARGO) test --all-targets -- --ignored slow::

lint: toolchain
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

## Installs the system packages the build needs that are missing (Debian/Ubuntu only).
deps: toolchain
	@$(MAKE) --no-print-directory apt PACKAGES="$(RUN_PACKAGES)"

## Everything the tests need on top: packages, Node.js for the UI tests, tauri-driver.
test-deps: deps
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_PACKAGES)"
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES="nodejs npm"
	@[ -x "$(CARGO_BIN)/tauri-driver" ] || command -v tauri-driver >/dev/null 2>&1 || \
	  $(CARGO) install tauri-driver --locked
	cd tests/ui && npm ci --no-audit --no-fund

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

## Rust itself: Debian's `rustup` package when cargo is missing, then the stable toolchain.
toolchain:
	@if ! command -v $(CARGO) >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y rustup && rustup default stable; \
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
