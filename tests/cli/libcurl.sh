#!/usr/bin/env bash
# libcurl is loaded at run time (CURL=dlopen, the default), not linked:
# - neither the tool nor libllmjson.so needs libcurl (readelf -d), so the
#   commands that make no request do not pay for loading it; with CURL=link
#   both need it, and a build without HTTP neither;
# - where libcurl cannot be loaded (a preloaded dlopen() that sends every
#   libcurl name to a path that does not exist), `llmjson check` and
#   `repair` work as ever and `llmjson stream` says why it cannot start
#   (exit 1), the loader's message included.
# Environment: LLMJ_TOOL, LLMJ_ROOT, LLMJ_BUILD, LLMJ_HTTP, LLMJ_CURL, LLMJ_SAN,
# LLMJ_SCRATCH (as test-run sets them).
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
BUILD=${LLMJ_BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
HTTP=${LLMJ_HTTP:-1}
CURL=${LLMJ_CURL:-dlopen}
SCRATCH=${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}
CC=${CC:-cc}
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$TOOL" ] || fail "$TOOL not built"
mkdir -p "$SCRATCH" || fail "no scratch folder $SCRATCH"
W=$(mktemp -d "$SCRATCH/libcurl.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$W"' EXIT

if [ "$HTTP" = 0 ]; then want=no; how="built without HTTP"
elif [ "$CURL" = link ]; then want=yes; how="CURL=link"
else want=no; how="CURL=dlopen"; fi

if command -v readelf > /dev/null; then
    for f in "$TOOL" "$BUILD/libllmjson.so"; do
        [ -e "$f" ] || fail "$f not built"
        if readelf -d "$f" | grep -q 'NEEDED.*libcurl'; then got=yes; else got=no; fi
        [ "$got" = "$want" ] || fail "$how: $(basename "$f") needs libcurl: $got, expected $want"
    done
else
    echo "NOTICE: readelf not found (apt-get install binutils): the libraries the tool needs not checked"
fi

if [ "$want" = yes ] || [ "$HTTP" = 0 ]; then
    echo "NOTICE: libcurl.sh: $how: no run-time loading of libcurl to test"
    echo "libcurl.sh: ok ($how)"
    exit 0
fi
if ! command -v "$CC" > /dev/null; then
    echo "NOTICE: libcurl.sh: no C compiler ($CC): the tool without a loadable libcurl not tested"
    echo "libcurl.sh: ok ($how)"
    exit 0
fi

cat > "$W/nocurl.c" << 'EOF'
/* Preloaded: every dlopen() of a libcurl goes to a path that does not exist. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

void *dlopen(const char *name, int flags)
{
    void *(*real)(const char *, int);
    void *p = dlsym(RTLD_NEXT, "dlopen");
    memcpy(&real, &p, sizeof p);
    if (name && strstr(name, "libcurl"))
        name = "/nonexistent/libcurl.so.4";
    return real(name, flags);
}
EOF
"$CC" -shared -fPIC -o "$W/nocurl.so" "$W/nocurl.c" -ldl 2> "$W/cc.log" || fail "the dlopen shim did not build: $(cat "$W/cc.log")"
# a sanitized tool wants its runtime first among the libraries: not so here
nocurl() { LD_PRELOAD=$W/nocurl.so ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 "$@"; }

printf '{"a":[1,{"b":"x' > "$W/cut.json"
for cmd in check repair; do
    "$TOOL" $cmd "$W/cut.json" > "$W/want" 2>&1
    want_rc=$?
    nocurl "$TOOL" $cmd "$W/cut.json" > "$W/got" 2>&1
    rc=$?
    [ "$rc" -eq "$want_rc" ] && cmp -s "$W/want" "$W/got" ||
        fail "$cmd without libcurl: exit $rc (expected $want_rc), said '$(cat "$W/got")', expected '$(cat "$W/want")'"
done

nocurl "$TOOL" stream --url http://127.0.0.1:9/v1/chat/completions --model m --prompt p > "$W/out" 2> "$W/err"
rc=$?
want_err='llmjson: libcurl could not be loaded: /nonexistent/libcurl.so.4: cannot open shared object file: No such file or directory'
[ "$rc" -eq 1 ] || fail "stream without libcurl: exit $rc (expected 1), stderr '$(cat "$W/err")'"
[ "$(cat "$W/err")" = "$want_err" ] || fail "stream without libcurl said '$(cat "$W/err")', expected '$want_err'"
[ -s "$W/out" ] && fail "stream without libcurl wrote to stdout: $(cat "$W/out")"
echo "libcurl.sh: ok ($how: not needed by the tool nor libllmjson.so; check and repair work without it, stream says why it cannot start)"
