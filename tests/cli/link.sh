#!/usr/bin/env bash
# What the tool and libllmjson.so are linked with (readelf -d):
# - neither needs libm (the library rounds without it: schema_int.h);
# - the tool needs neither libyajl nor libpcre2 when the build put their
#   static archives in it (TOOL_DEPS=auto found them, or TOOL_DEPS=static),
#   and needs both with TOOL_DEPS=shared; libllmjson.so needs both always;
# - a tool with the archives in it does the work that uses each: a parse
#   (yajl), a schema with a pattern (PCRE2).
# Environment: LLMJ_TOOL, LLMJ_ROOT, LLMJ_BUILD, LLMJ_TOOL_STATIC (yes/no),
# LLMJ_SCRATCH (as test-run sets them).
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
BUILD=${LLMJ_BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
STATIC=${LLMJ_TOOL_STATIC:-}
SCRATCH=${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$TOOL" ] || fail "$TOOL not built"
[ -e "$BUILD/libllmjson.so" ] || fail "$BUILD/libllmjson.so not built"
case "$STATIC" in
yes | no) ;;
*) fail "LLMJ_TOOL_STATIC is '$STATIC': run through make test-run (it says yes or no)" ;;
esac
mkdir -p "$SCRATCH" || fail "no scratch folder $SCRATCH"
W=$(mktemp -d "$SCRATCH/link.XXXXXX") || fail "mktemp failed"
trap 'rm -rf "$W"' EXIT

if command -v readelf > /dev/null; then
    needs() { readelf -d "$1" | grep -q "NEEDED.*\[$2"; }
    for f in "$TOOL" "$BUILD/libllmjson.so"; do
        ! needs "$f" libm.so || fail "$(basename "$f") needs libm"
    done
    for lib in libyajl libpcre2-8; do
        needs "$BUILD/libllmjson.so" $lib || fail "libllmjson.so does not need $lib"
        if [ "$STATIC" = yes ]; then
            ! needs "$TOOL" $lib || fail "the tool needs $lib, though its archive was linked in"
        else
            needs "$TOOL" $lib || fail "TOOL_DEPS=shared: the tool does not need $lib"
        fi
    done
else
    echo "NOTICE: readelf not found (apt-get install binutils): the libraries the tool needs not checked"
fi

# the parts of yajl and PCRE2 the tool uses, whichever way they are linked
# (exit status 2: truncated, 10: a schema violation)
printf '{"id":"ab-12","n":[1,2' > "$W/cut.json"
out=$("$TOOL" repair "$W/cut.json"); rc=$?
[ $rc = 2 ] && [ "$out" = '{"id":"ab-12","n":[1]}' ] || fail "repair: exit $rc, printed $out"
printf '%s' '{"type":"object","properties":{"id":{"type":"string","pattern":"^[a-z]+-[0-9]+$"}}}' \
    > "$W/schema.json"
"$TOOL" check --schema "$W/schema.json" "$W/cut.json" > "$W/ok.out" 2>&1; rc=$?
[ $rc = 2 ] && ! grep -q '"pattern"' "$W/ok.out" || fail "a matching id: exit $rc, $(cat "$W/ok.out")"
printf '{"id":"AB-12"}' > "$W/bad.json"
"$TOOL" check --schema "$W/schema.json" "$W/bad.json" > "$W/bad.out" 2>&1; rc=$?
[ $rc = 10 ] && grep -q '"keyword":"pattern"' "$W/bad.out" ||
    fail "a pattern violation: exit $rc, $(cat "$W/bad.out")"
echo "link.sh: ok (yajl and PCRE2 $([ "$STATIC" = yes ] && echo "in the tool" || echo "shared"))"
