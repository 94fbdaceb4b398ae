# Offprint: `make run` and `make test` do all the set-up on Debian/Ubuntu (system packages through
# apt, as root or with sudo). Elsewhere (macOS, Windows) use cargo directly; no system packages needed.

CARGO ?= cargo
# Debian/Ubuntu packages the build and the tests need.
APT_PACKAGES := build-essential pkg-config ca-certificates

SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1 && [ "$$(id -u)" != 0 ] && echo sudo)

.PHONY: run test deps toolchain build lint check clean

## Build and start Offprint on its cache (the platform's app-data directory, or $$OFFPRINT_DATA_DIR).
run: deps
	$(CARGO) run --quiet --bin offprint-cli -- --help
	@echo
	$(CARGO) run --quiet --bin offprint-cli -- sources

## The whole suite: formatting, lints, unit and integration tests.
test: deps lint
	$(CARGO) test --all-targets

lint: toolchain
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

## Installs the system packages that are missing (Debian/Ubuntu only; elsewhere it only checks cargo).
deps: toolchain
	@if command -v apt-get >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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

build: deps
	$(CARGO) build

clean:
	$(CARGO) clean
