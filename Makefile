# SPDX-License-Identifier: Apache-2.0
# The commands users type. Everything is built by CMake; this file only names the steps.
#
#   make            install missing build dependencies, then build (build/)
#   make test       build and run every test, then the unit tests again under ASan+UBSan
#   make demo       build and run the main end-to-end flow
#   make install    install into PREFIX (default /usr/local)
#   make format     format the sources with clang-format
#   make asan       build the ASan+UBSan configuration (build-asan/)
#   make fuzz       build the libFuzzer targets with clang (build-fuzz/)
#   make fuzz-smoke run each libFuzzer target for a bounded time
#   make bench      build and run the benchmarks
#   make clean      remove every build folder

PREFIX     ?= /usr/local
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# Warnings are errors in CI (CI=true) and whenever WERROR=ON is given.
WERROR     ?= $(if $(CI),ON,OFF)
FUZZ_SECONDS ?= 20

CMAKE_COMMON = -G Ninja -DCELLA_WERROR=$(WERROR)

.PHONY: all build deps test test-unit test-asan demo install format format-check asan fuzz \
        fuzz-smoke bench clean help

all: build

help:
	@sed -n '3,14p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B build $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build build -j $(JOBS)

test: build asan
	cd build && ctest --output-on-failure -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit
	@$(MAKE) --no-print-directory fuzz-smoke

asan: deps
	@cmake -S . -B build-asan $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Asan >/dev/null
	cmake --build build-asan -j $(JOBS)

fuzz: deps
	@cmake -S . -B build-fuzz $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_C_COMPILER=clang \
	  -DCELLA_BUILD_FUZZ=ON -DCELLA_BUILD_TESTS=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS)

fuzz-smoke: fuzz
	scripts/fuzz-smoke build-fuzz $(FUZZ_SECONDS)

bench: build
	@scripts/bench build

demo: build
	@scripts/demo build

install: build
	cmake --install build --prefix $(PREFIX)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build build-asan build-fuzz build-tsan
