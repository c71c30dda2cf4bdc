# llmjson — build, test, benchmark, install.
#
#   make              build/libllmjson.a, build/libllmjson.so(.0), build/llmjson
#   make demo         the main job on an embedded default
#   make check        every test, then every test again under ASan+UBSan
#   make bench        the benchmarks (figures and ratios, printed)
#   make python-test  the Python package (python/): installed into a fresh
#                     venv offline, then its pytest tests (part of make check)
#   make valgrind     every test under valgrind memcheck
#   make install      headers, libraries, llmjson.pc, the tool, the man pages
#                     into DESTDIR + PREFIX (/usr/local), or the directories
#                     below (GNU names: BINDIR, LIBDIR, INCLUDEDIR, MANDIR...)
#   make uninstall    removes what make install put there (same variables)
#   make HTTP=0       the library without libcurl: no llmj_http_*, no transport
#                     (tracker, SSE, stream, dialects, schema); `llmjson stream`
#                     then says so. Its tests skip what needs HTTP.
#   make CURL=link    libcurl linked (-lcurl) into libllmjson.so, the tool and
#                     llmjson.pc's static line, for a platform without dlopen
#                     or a program that wants it so. The default, CURL=dlopen,
#                     links no libcurl: the library loads it at run time
#                     (libcurl.so.4) when llmj_global_init() or the first
#                     request needs it, so a process that makes no request
#                     never pays for loading it (src/http_curl.h). Either way
#                     the build needs libcurl's headers.
#   make TOOL_DEPS=shared  the tool linked with yajl and PCRE2 as shared
#                     libraries. The default, TOOL_DEPS=auto, puts their
#                     static archives (libyajl_s.a, libpcre2-8.a: Debian's
#                     -dev packages ship them) into the tool when both are
#                     installed, so that it starts mapping only the C
#                     library; TOOL_DEPS=static stops the build without them.
#                     The libraries (libllmjson.a, .so) are not affected.
#
# Every source file under src/ belongs to the library, except src/cli/ (the
# tool). tests/test_*.c are cmocka tests, tests/bench_*.c benchmarks,
# tests/support/*.c helpers linked into both.

VERSION     := 0.1.0
SOVERSION   := 0
BUILD       ?= build
HTTP        ?= 1
CURL        ?= dlopen
TOOL_DEPS   ?= auto

# Installation directories, as the GNU coding standards name them; each one
# may be set on its own (make install LIBDIR=/usr/lib/x86_64-linux-gnu).
PREFIX      ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
BINDIR      ?= $(EXEC_PREFIX)/bin
LIBDIR      ?= $(EXEC_PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
DATAROOTDIR ?= $(PREFIX)/share
MANDIR      ?= $(DATAROOTDIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CC          ?= cc
PKG_CONFIG  ?= pkg-config

CFLAGS      ?= -O2 -g
WARN        := -std=c11 -Wall -Wextra -Werror -pedantic -Wshadow -Wstrict-prototypes \
               -Wmissing-prototypes -Wno-missing-field-initializers
CPPFLAGS    += -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L
LIB_CFLAGS  := -fPIC -fvisibility=hidden -DLLMJ_BUILDING
ifeq ($(HTTP),0)
CPPFLAGS    += -DLLMJ_NO_HTTP
else ifneq ($(HTTP),1)
$(error HTTP=$(HTTP): use HTTP=1 (the default, with libcurl) or HTTP=0)
endif
ifeq ($(CURL),link)
CPPFLAGS    += -DLLMJ_CURL_LINK
else ifneq ($(CURL),dlopen)
$(error CURL=$(CURL): use CURL=dlopen (the default: libcurl loaded at run time) or CURL=link)
endif

ifeq ($(filter auto static shared,$(TOOL_DEPS)),)
$(error TOOL_DEPS=$(TOOL_DEPS): use TOOL_DEPS=auto (the default), static or shared)
endif

ifeq ($(SAN),1)
CFLAGS      := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS     += -fsanitize=address,undefined
endif

# ---- dependencies, found with pkg-config ---------------------------------
HAVE_HTTP   := $(filter 1,$(HTTP))
need = $(if $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo y),,$(error $(1) not found: run   apt-get install -y $(2)   (and pkg-config)))
NEED_TESTS  := $(filter check test tests valgrind bench fuzz,$(MAKECMDGOALS))
ifeq ($(filter clean uninstall,$(MAKECMDGOALS)),)
$(call need,yajl,libyajl-dev)
$(call need,libpcre2-8,libpcre2-dev)
ifneq ($(HAVE_HTTP),)
$(call need,libcurl,libcurl4-openssl-dev   (or build without HTTP: make HTTP=0))
endif
ifneq ($(NEED_TESTS),)
$(call need,cmocka,libcmocka-dev)
endif
endif
# libcurl's headers always (with HTTP); its library only with CURL=link, and
# -ldl instead with CURL=dlopen (part of the C library since glibc 2.34).
DEP_PKGS    := yajl libpcre2-8 $(if $(HAVE_HTTP),libcurl)
LINK_CURL   := $(if $(HAVE_HTTP),$(filter link,$(CURL)))
DL_LIBS     := $(if $(HAVE_HTTP),$(if $(LINK_CURL),,-ldl))
DEP_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(DEP_PKGS) 2>/dev/null)
DEP_LIBS    := $(shell $(PKG_CONFIG) --libs yajl libpcre2-8 $(if $(LINK_CURL),libcurl) 2>/dev/null) $(DL_LIBS)
CURL_LIBS   := $(if $(HAVE_HTTP),$(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null))
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
# The tool's link: yajl's and PCRE2's static archives, found in the libdir
# their .pc files name, when TOOL_DEPS allows (see the top of this file).
ar_in = $(firstword $(wildcard $(addprefix $(shell $(PKG_CONFIG) --variable=libdir $(1) 2>/dev/null)/,$(2))))
ifneq ($(TOOL_DEPS),shared)
YAJL_AR     := $(call ar_in,yajl,libyajl_s.a libyajl.a)
PCRE2_AR    := $(call ar_in,libpcre2-8,libpcre2-8.a)
endif
ifeq ($(and $(YAJL_AR),$(PCRE2_AR)),)
ifeq ($(TOOL_DEPS),static)
$(error TOOL_DEPS=static: yajl's or PCRE2's static archive (libyajl_s.a, libpcre2-8.a) not found where pkg-config says they are)
endif
TOOL_LIBS   := $(DEP_LIBS)
TOOL_STATIC := no
else
TOOL_STATIC := yes
TOOL_LIBS   := $(YAJL_AR) $(PCRE2_AR) $(if $(LINK_CURL),$(CURL_LIBS)) $(DL_LIBS)
endif

# ---- sources --------------------------------------------------------------
# src/http.c is the transport (libcurl, reached through src/http_curl.c);
# src/http_none.c stands in for both in a build without HTTP. The programs
# that need the transport are left out of that build (test-run says so in one
# NOTICE line).
LIB_SRC     := $(filter-out $(if $(HAVE_HTTP),src/http_none.c,src/http.c src/http_curl.c),\
                 $(sort $(wildcard src/*.c src/dialect/*.c src/schema/*.c)))
NEEDS_HTTP  := tests/test_http.c tests/test_http_load.c tests/bench_http.c examples/http_multi.c
CLI_SRC     := $(sort $(wildcard src/cli/*.c))
TEST_SRC    := $(filter-out $(if $(HAVE_HTTP),,$(NEEDS_HTTP)),$(sort $(wildcard tests/test_*.c)))
BENCH_SRC   := $(filter-out $(if $(HAVE_HTTP),,$(NEEDS_HTTP)),$(sort $(wildcard tests/bench_*.c)))
SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
SERVER_SRC  := $(sort $(wildcard tests/server/*.c))
HEADERS     := include/llmjson.h $(wildcard include/llmjson/*.h)

LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
TESTS       := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCHES     := $(BENCH_SRC:tests/%.c=$(BUILD)/tests/%)
SERVER      := $(if $(and $(SERVER_SRC),$(HAVE_HTTP)),$(BUILD)/llmj-testserver)

EXAMPLE_SRC := $(filter-out $(if $(HAVE_HTTP),,$(NEEDS_HTTP)),$(sort $(wildcard examples/*.c)))
EXAMPLES    := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)

STATIC      := $(BUILD)/libllmjson.a
SHARED      := $(BUILD)/libllmjson.so.$(VERSION)
TOOL        := $(BUILD)/llmjson
EXAMPLE     := $(BUILD)/readme-example

.PHONY: all lib tool tests check test test-run demo bench valgrind install uninstall clean fuzz python-test python-venv FORCE
SHELL := /bin/bash
.DELETE_ON_ERROR:
.SECONDARY:
MAKEFLAGS += --no-print-directory

all: lib tool
lib: $(STATIC) $(SHARED) $(BUILD)/llmjson.pc
tool: $(TOOL)

# What a build was configured with, one file each, rewritten only when a
# value changes (so what depends on it is rebuilt then, and only then):
# http.vars for every object (HTTP=0 compiles with -DLLMJ_NO_HTTP, CURL=link
# with -DLLMJ_CURL_LINK), tool.vars for the tool's link line (TOOL_DEPS),
# pc.vars for llmjson.pc (a second make install PREFIX=... gets its own).
define vars_file
	@mkdir -p $(dir $@)
	@printf '%s\n' $(1) | cmp -s - $@ 2> /dev/null || printf '%s\n' $(1) > $@
endef
$(BUILD)/http.vars: FORCE
	$(call vars_file,'HTTP=$(HTTP)' 'CURL=$(CURL)')
$(BUILD)/tool.vars: FORCE
	$(call vars_file,'TOOL_LIBS=$(TOOL_LIBS)')
$(BUILD)/pc.vars: FORCE
	$(call vars_file,'VERSION=$(VERSION)' 'HTTP=$(HTTP)' 'CURL=$(CURL)' 'PREFIX=$(PREFIX)' 'EXEC_PREFIX=$(EXEC_PREFIX)' \
	  'LIBDIR=$(LIBDIR)' 'INCLUDEDIR=$(INCLUDEDIR)')
FORCE:

$(BUILD)/obj/src/%.o: src/%.c $(HEADERS) $(wildcard src/*.h src/dialect/*.h src/cli/*.h src/schema/*.h) $(BUILD)/http.vars
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(WARN) $(CFLAGS) $(if $(filter src/cli/%,$<),,$(LIB_CFLAGS)) -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c $(HEADERS) $(wildcard src/*.h src/dialect/*.h src/schema/*.h) \
                         $(wildcard tests/support/*.h tests/ref/*) $(BUILD)/http.vars
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(DEP_CFLAGS) $(WARN) $(CFLAGS) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libllmjson.so.$(SOVERSION) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)
	ln -sf libllmjson.so.$(VERSION) $(BUILD)/libllmjson.so.$(SOVERSION)
	ln -sf libllmjson.so.$(SOVERSION) $(BUILD)/libllmjson.so

# llmjson.pc for the configured directories (pc.vars). What libllmjson.a
# needs besides itself: yajl and PCRE2 by their own .pc files; with
# CURL=dlopen (libcurl loaded at run time) -ldl; with CURL=link libcurl as
# plain -lcurl, so that the static line links with Debian's
# libcurl4-openssl-dev alone (libcurl.pc's Libs.private would want the -dev
# package of each of libcurl's own libraries). A build without HTTP: no
# libcurl, and -DLLMJ_NO_HTTP for the programs (http.h).
# $(call pc_rel,DIR,BASE,VAR): DIR written as ${VAR}/... when under BASE.
pc_rel = $(if $(filter $(2),$(1)),$${$(3)},$(patsubst $(2)/%,$${$(3)}/%,$(1)))
$(BUILD)/llmjson.pc: $(BUILD)/pc.vars Makefile
	@mkdir -p $(dir $@)
	printf '%s\n' 'prefix=$(PREFIX)' 'exec_prefix=$(call pc_rel,$(EXEC_PREFIX),$(PREFIX),prefix)' \
	  'libdir=$(call pc_rel,$(LIBDIR),$(EXEC_PREFIX),exec_prefix)' \
	  'includedir=$(call pc_rel,$(INCLUDEDIR),$(PREFIX),prefix)' '' \
	  'Name: llmjson' 'Description: JSON that LLMs stream: live events, runaway detection, salvage' \
	  'Version: $(VERSION)' 'Requires.private: yajl libpcre2-8' \
	  'Libs: -L$${libdir} -lllmjson' 'Libs.private:$(if $(LINK_CURL), -lcurl)$(if $(DL_LIBS), $(DL_LIBS))' \
	  'Cflags: -I$${includedir}$(if $(HAVE_HTTP),, -DLLMJ_NO_HTTP)' > $@

$(TOOL): $(CLI_OBJ) $(STATIC) $(BUILD)/tool.vars
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC) $(TOOL_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(SUPPORT_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(STATIC) $(DEP_LIBS) $(TEST_LIBS) $(CMOCKA_LIBS) -lm

# test_http fetches the test server's records through plain libcurl of its
# own (not the code under test), so it links libcurl whatever CURL says.
$(BUILD)/tests/test_http: TEST_LIBS = $(CURL_LIBS)

$(SERVER): $(SERVER_SRC)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $(SERVER_SRC)

# The README's C example is compiled and run by `make check`, so it cannot rot.
$(BUILD)/readme-example.c: README.md
	@mkdir -p $(dir $@)
	sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' README.md | sed '/^<!--/d;/^```/d' > $@

$(EXAMPLE): $(BUILD)/readme-example.c $(STATIC)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(STATIC) $(DEP_LIBS)

# examples/*.c: small complete programs, built (and run by tests/cli/examples.sh).
$(BUILD)/examples/%: examples/%.c $(STATIC) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(DEP_CFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC) $(DEP_LIBS)

tests: all $(TESTS) $(BENCHES) $(SERVER) $(EXAMPLE) $(EXAMPLES)

# Runs every test binary, the README example and the CLI tests of this build;
# ends with one line "tests: N passed, N failed" (programs, not cases).
test-run: tests
	@passed=0; failed=0; failures=""; \
	run() { echo "== $$*"; if "$$@"; then passed=$$((passed+1)); else failed=$$((failed+1)); failures="$$failures $$1"; fi; }; \
	mkdir -p $(BUILD)/scratch; \
	export LLMJ_TOOL=$(abspath $(TOOL)) LLMJ_SERVER=$(abspath $(SERVER)) LLMJ_ROOT=$(CURDIR) LLMJ_SCRATCH=$(abspath $(BUILD))/scratch; \
	export LLMJ_HTTP=$(HTTP) LLMJ_CURL=$(CURL) LLMJ_BUILD=$(BUILD) LLMJ_SAN=$(SAN) LLMJ_TOOL_STATIC=$(TOOL_STATIC); \
	$(if $(HAVE_HTTP),,echo "NOTICE: built without HTTP (HTTP=0): $(notdir $(basename $(NEEDS_HTTP))) not built or run";) \
	for t in $(TESTS); do run $$t; done; \
	sed -n '/<!-- output:begin -->/,/<!-- output:end -->/p' README.md | sed '/^<!--/d;/^```/d' > $(BUILD)/readme-output.txt; \
	$(EXAMPLE) > $(BUILD)/readme-actual.txt; \
	run diff -u $(BUILD)/readme-output.txt $(BUILD)/readme-actual.txt; \
	for s in $(sort $(wildcard tests/cli/*.sh)); do run bash $$s; done; \
	if [ "$(SAN)" != 1 ]; then run $(MAKE) python-test; fi; \
	if [ $$failed -ne 0 ]; then echo "failed:$$failures"; fi; \
	echo "tests: $$passed passed, $$failed failed"; \
	test $$failed -eq 0

check:
	$(MAKE) test-run
	@echo "== again under AddressSanitizer + UndefinedBehaviorSanitizer"
	$(MAKE) BUILD=build-san SAN=1 test-run
test: check

# tests/valgrind.supp: the dynamic loader's blocks for the libcurl that
# dlopen() loaded (it stays loaded), still reachable at exit.
valgrind: tests
	@set -e; for t in $(TESTS); do echo "== valgrind $$t"; \
	  LLMJ_TOOL=$(abspath $(TOOL)) LLMJ_SERVER=$(abspath $(SERVER)) LLMJ_ROOT=$(CURDIR) LLMJ_VALGRIND=1 \
	  valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99 \
	    --suppressions=tests/valgrind.supp $$t > /dev/null; done
	@echo "make valgrind: no errors, no leaks"

# Each bench prints figures and ratios measured in the same run (CPU time,
# medians); bench_tracker also prints callgrind instruction counts when
# valgrind is installed (LLMJ_BENCH_CALLGRIND=0 skips them), and LLMJ_SCAN=
# portable|sse2|avx2 picks the tracker's scanner path.
bench: all $(BENCHES) $(SERVER)
	@mkdir -p $(BUILD)/scratch
	@for b in $(BENCHES); do echo "== $$b"; LLMJ_ROOT=$(CURDIR) LLMJ_SERVER=$(abspath $(SERVER)) \
	  LLMJ_TOOL=$(abspath $(TOOL)) LLMJ_SCRATCH=$(abspath $(BUILD))/scratch $$b || exit 1; done
	@if $(PY_OK); then $(MAKE) python-venv && echo "== python/bench.py" && $(PY_VENV)/bin/python python/bench.py; \
	 else echo "$(PY_NOTICE)"; fi

# ---- the Python package (python/) ------------------------------------------
# Built and installed offline into a fresh venv (which sees the system's
# pytest), then tested against the tool of this build. Without a Python that
# has venv, the headers, setuptools and pytest: one NOTICE line, no failure.
PYTHON      ?= /usr/bin/python3
PY_VENV     := $(BUILD)/python-venv
PY_OK       := $(PYTHON) -c 'import sys, os, sysconfig, venv, setuptools, pytest; \
               sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null
PY_NOTICE   := NOTICE: python: $(PYTHON) with venv, headers, setuptools and pytest not found \
               (apt-get install python3-dev python3-venv python3-setuptools python3-pytest): Python package not tested

python-venv:
	@rm -rf $(PY_VENV) python/build
	$(PYTHON) -m venv --system-site-packages $(PY_VENV)
	$(PY_VENV)/bin/python -m pip install -q --no-build-isolation --no-index ./python 2>&1 | grep -v '^ *DEPRECATION' || true
	$(PY_VENV)/bin/python -c 'import llmjson'

python-test: $(TOOL)
	@if $(PY_OK); then $(MAKE) python-venv && cd python/tests && \
	  LLMJ_ROOT=$(CURDIR) LLMJ_TOOL=$(abspath $(TOOL)) $(abspath $(PY_VENV))/bin/python -m pytest -q -p no:cacheprovider . ; \
	 else echo "$(PY_NOTICE)"; fi

# The main job: a recorded JSON-mode stream cut by the token limit, served over
# real HTTP on 127.0.0.1, decoded live, salvaged (tests/demo_live.sh); without
# the server (not built yet) the offline demo of the tool (tests/demo.sh).
demo:
	@echo "building…"; mkdir -p $(BUILD); \
	 $(MAKE) -s all $(SERVER) > $(BUILD)/demo-build.log 2>&1 || { cat $(BUILD)/demo-build.log; exit 1; }
	@if [ -n "$(SERVER)" ] && [ -f tests/demo_live.sh ]; then bash tests/demo_live.sh $(TOOL) $(SERVER); \
	 else bash tests/demo.sh $(TOOL); fi

# ---- install, uninstall ------------------------------------------------------
# Into $(DESTDIR) + the directories above. uninstall removes exactly those
# files (and the llmjson/ headers folder); the standard folders stay.
INSTALL     ?= install
INST_HEADERS := $(notdir $(wildcard include/llmjson/*.h))
INST_LIBS   := libllmjson.a libllmjson.so libllmjson.so.$(SOVERSION) libllmjson.so.$(VERSION)
MAN_PAGES   := $(sort $(wildcard docs/man/*.[1-8]))
D           := $(DESTDIR)

install: all
	$(INSTALL) -d $(D)$(BINDIR) $(D)$(LIBDIR) $(D)$(PKGCONFIGDIR) $(D)$(INCLUDEDIR)/llmjson \
	  $(sort $(foreach m,$(MAN_PAGES),$(D)$(MANDIR)/man$(subst .,,$(suffix $(m)))))
	$(INSTALL) -m 644 include/llmjson.h $(D)$(INCLUDEDIR)/
	$(INSTALL) -m 644 $(addprefix include/llmjson/,$(INST_HEADERS)) $(D)$(INCLUDEDIR)/llmjson/
	$(INSTALL) -m 644 $(STATIC) $(D)$(LIBDIR)/
	$(INSTALL) -m 755 $(SHARED) $(D)$(LIBDIR)/
	ln -sf libllmjson.so.$(VERSION) $(D)$(LIBDIR)/libllmjson.so.$(SOVERSION)
	ln -sf libllmjson.so.$(SOVERSION) $(D)$(LIBDIR)/libllmjson.so
	$(INSTALL) -m 644 $(BUILD)/llmjson.pc $(D)$(PKGCONFIGDIR)/
	$(INSTALL) -m 755 $(TOOL) $(D)$(BINDIR)/
	$(foreach m,$(MAN_PAGES),$(INSTALL) -m 644 $(m) $(D)$(MANDIR)/man$(subst .,,$(suffix $(m)))/ &&) true

uninstall:
	rm -f $(D)$(BINDIR)/llmjson $(addprefix $(D)$(LIBDIR)/,$(INST_LIBS)) $(D)$(PKGCONFIGDIR)/llmjson.pc
	rm -f $(D)$(INCLUDEDIR)/llmjson.h $(addprefix $(D)$(INCLUDEDIR)/llmjson/,$(INST_HEADERS))
	rmdir $(D)$(INCLUDEDIR)/llmjson 2> /dev/null || true
	rm -f $(foreach m,$(MAN_PAGES),$(D)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))

# ---- fuzzing (libFuzzer, clang) -------------------------------------------
# Each tests/fuzz/fuzz_<name>.c is a libFuzzer target built with ASan+UBSan;
# its seeds are corpus/ files (see the target). `make fuzz FUZZ_TIME=20`.
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_TIME   ?= 60
FUZZ_CC     ?= clang
FUZZ_FLAGS  := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LIBSRC := $(LIB_SRC)

build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIBSRC) $(HEADERS) $(wildcard tests/fuzz/*.h) $(FUZZ_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(CPPFLAGS) -Itests $(DEP_CFLAGS) -std=c11 -Wall -Wextra -Werror -Wno-missing-field-initializers $(FUZZ_FLAGS) \
	  -DLLMJ_BUILDING -o $@ $< $(FUZZ_LIBSRC) $(DEP_LIBS)

fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
	  name=$$(basename $$f); mkdir -p build-fuzz/corpus-$$name; \
	  seeds=$$(for d in $$(sed -n 's|^// seeds: *||p' tests/fuzz/$$name.c); do [ -d $$d ] && echo $$d; done); \
	  echo "== $$name for $(FUZZ_TIME) s (seeds: $$seeds)"; \
	  if $$f -artifact_prefix=build-fuzz/$$name- -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    build-fuzz/corpus-$$name $$seeds >build-fuzz/$$name.log 2>&1; then \
	    grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|Done' build-fuzz/$$name.log; \
	  else \
	    echo "== $$name FAILED; what failed, then the end of build-fuzz/$$name.log:"; \
	    grep -A 2 -E 'INVARIANT FAILED|ERROR: AddressSanitizer|runtime error' build-fuzz/$$name.log | head -n 12; \
	    grep -v '^INFO:\|^#[0-9]\|^    #[0-9]' build-fuzz/$$name.log | tail -n 30; \
	    exit 1; \
	  fi; \
	done

clean:
	rm -rf build build-san build-nohttp build-curllink build-fuzz
