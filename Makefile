# canirun - which local LLMs can this machine run, and how fast?
# Plain GNU make: `make`, `make check`, `make run`, `make bench`,
# `make install PREFIX=... DESTDIR=...`, `make uninstall`.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/canirun
MANDIR  ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS    := libpci libcjson ncursesw

# Debian/Ubuntu packages that provide the build dependencies; `make deps`
# installs the missing ones (make run/check call it first).
APT_PKGS    := build-essential pkg-config libpci-dev libcjson-dev libncurses-dev tmux mandoc valgrind
DNF_PKGS    := gcc make pkgconf-pkg-config pciutils-devel cjson-devel ncurses-devel tmux mandoc valgrind
PACMAN_PKGS := base-devel pkgconf pciutils cjson ncurses tmux mandoc valgrind

WARNFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Wno-format-nonliteral \
	-Wno-format-truncation -Wno-unknown-warning-option
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARNFLAGS) -Isrc $(PKG_CFLAGS) -DCANIRUN_DATA_DIR='"$(DATADIR)"' $(CFLAGS)
LIBS = $(PKG_LIBS) -ldl -lpthread -lm

# src/<layer>/<module>.c; objects keep the layer folder (build/<layer>/<module>.o).
SRCS     := $(sort $(wildcard src/*/*.c))
LIB_SRCS := $(filter-out src/cmd/main.c,$(SRCS))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TESTS    := $(TEST_SRCS:tests/%.c=%)

# Two builds: plain in build/, sanitized (ASan+UBSan) in build/asan/.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all run check test test-asan valgrind bench deps install uninstall clean fuzz
# Keep the objects make would otherwise treat as intermediate.
.SECONDARY:
all: canirun

define build_rules
$(1)/%.o: src/%.c | $(1)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ALL_CFLAGS) $(2) -MMD -MP -c $$< -o $$@
$(1)/tests/%.o: tests/%.c | $(1)/tests
	$$(CC) $$(ALL_CFLAGS) $(2) -Itests -MMD -MP -c $$< -o $$@
$(1)/lib.a: $(LIB_SRCS:src/%.c=$(1)/%.o)
	rm -f $$@ && ar rcs $$@ $$^
$(1)/test_%: $(1)/tests/test_%.o $(1)/tests/testlib.o $(1)/lib.a
	$$(CC) $(2) $$(LDFLAGS) -o $$@ $$^ $$(LIBS)
$(1) $(1)/tests:
	mkdir -p $$@
-include $(wildcard $(1)/*/*.d $(1)/tests/*.d)
endef
$(eval $(call build_rules,build,))
$(eval $(call build_rules,build/asan,$(SAN_FLAGS)))

canirun: build/cmd/main.o build/lib.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)
build/asan/canirun: build/asan/cmd/main.o build/asan/lib.a
	$(CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# Test helpers built by the suite: a fake libnvidia-ml for the NVML path.
build/fake-nvml/libnvidia-ml.so.1: tests/fake_nvml.c | build
	mkdir -p build/fake-nvml
	$(CC) $(WARNFLAGS) -fPIC -shared -o $@ $<
FAKE_NVML := $(if $(wildcard tests/fake_nvml.c),build/fake-nvml/libnvidia-ml.so.1)

deps:
	@if $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null && command -v tmux >/dev/null \
	    && command -v mandoc >/dev/null; then exit 0; fi; \
	if command -v apt-get >/dev/null; then \
	    SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    echo "canirun: installing build dependencies: $(APT_PKGS)"; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PKGS); \
	else \
	    echo "canirun: missing build dependencies (libpci, libcjson, ncursesw, tmux, mandoc). Install them with:"; \
	    echo "  Fedora/RHEL: sudo dnf install $(DNF_PKGS)"; \
	    echo "  Arch:        sudo pacman -S --needed $(PACMAN_PKGS)"; \
	    exit 1; \
	fi

run: deps
	@$(MAKE) --no-print-directory canirun
	./canirun $(ARGS)

test: canirun $(TESTS:%=build/%) $(FAKE_NVML)
	@tests/run-suites build ./canirun

test-asan: build/asan/canirun $(TESTS:%=build/asan/%) $(FAKE_NVML)
	@tests/run-suites build/asan build/asan/canirun

# libFuzzer on the GGUF reader (needs clang): FUZZ_SECONDS of new inputs,
# seeded from the committed good and broken files.
FUZZ_SECONDS ?= 60
build/fuzz_gguf: tests/fuzz_gguf.c src/model/gguf.c src/model/gguf_model.c src/model/ggml.c src/model/quant.c src/util/errors.c | build
	clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-DGGUF_RD_BUF_BYTES=61 -Isrc $^ -o $@
fuzz: build/fuzz_gguf
	mkdir -p build/fuzz-corpus
	build/fuzz_gguf -max_total_time=$(FUZZ_SECONDS) build/fuzz-corpus \
		tests/fixtures/gguf-broken tests/fixtures/gguf-seeds

# The CLI under valgrind (memcheck; leaks count as errors).
valgrind: canirun $(FAKE_NVML)
	@tests/valgrind.sh ./canirun

check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory valgrind

# Speed goals and accuracy are figures to read, not pass/fail tests.
build/accuracy: build/tests/accuracy.o build/lib.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

build/cpu-accuracy: build/tests/cpu_accuracy.o build/lib.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: canirun build/accuracy build/cpu-accuracy
	@tests/bench.sh ./canirun
	@build/accuracy data tests/fixtures/calibration-tg.csv
	@build/cpu-accuracy data tests/fixtures/cpu-runs.csv

install: canirun
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 755 canirun $(DESTDIR)$(BINDIR)/canirun
	install -m 644 data/*.json $(DESTDIR)$(DATADIR)/
	install -m 644 man/canirun.1 $(DESTDIR)$(MANDIR)/canirun.1
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 data/completions/canirun.bash $(DESTDIR)$(BASHCOMPDIR)/canirun
	install -m 644 data/completions/_canirun $(DESTDIR)$(ZSHCOMPDIR)/_canirun

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/canirun $(DESTDIR)$(MANDIR)/canirun.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/canirun $(DESTDIR)$(ZSHCOMPDIR)/_canirun
	rm -f $(DESTDIR)$(DATADIR)/*.json
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf build canirun
