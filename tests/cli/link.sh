#!/usr/bin/env bash
# What the tool and libllmjson.so are linked with (readelf -d):
# - neither needs libm (the library rounds without it: schema_int.h);
# - the tool needs neither libyajl nor libpcre2 when the build put their
#   static archives in it (TOOL_DEPS=auto found them, or TOOL_DEPS=static),
#   and needs both with TOOL_DEPS=shared; libllmjson.so needs both always;
# - the tool does the work that uses each, whichever way it is linked: a
#   repair (yajl), a schema with a pattern (PCRE2).
# Environment: LLMJ_TOOL, LLMJ_ROOT, LLMJ_BUILD, LLMJ_TOOL_STATIC (yes/no),
# as test-run sets them.
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
BUILD=${LLMJ_BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
STATIC=${LLMJ_TOOL_STATIC:-}
for f in "$TOOL" "$BUILD/libllmjson.so"; do
    [ -e "$f" ] || { echo "FAIL: $f not built"; echo "0 passed, 1 failed"; exit 1; }
done
case "$STATIC" in
yes | no) ;;
*) echo "FAIL: LLMJ_TOOL_STATIC is '$STATIC': run through make test-run (it says yes or no)"
   echo "0 passed, 1 failed"; exit 1 ;;
esac
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

. "$ROOT/tests/support/cli.sh" # ok, bad, run, want_rc

if command -v readelf > /dev/null; then
    needs() { readelf -d "$1" | grep -q "NEEDED.*\[$2"; }
    for f in "$TOOL" "$BUILD/libllmjson.so"; do
        if needs "$f" libm.so; then bad "$(basename "$f") needs libm"; else ok; fi
    done
    for lib in libyajl libpcre2-8; do
        if needs "$BUILD/libllmjson.so" $lib; then ok; else bad "libllmjson.so does not need $lib"; fi
        if [ "$STATIC" = yes ]; then
            if needs "$TOOL" $lib; then bad "the tool needs $lib, though its archive was linked in"; else ok; fi
        else
            if needs "$TOOL" $lib; then ok; else bad "TOOL_DEPS=shared: the tool does not need $lib"; fi
        fi
    done
else
    echo "NOTICE: readelf not found (apt-get install binutils): the libraries the tool needs not checked"
fi

# exit status 2: truncated, 10: a schema violation
printf '{"id":"ab-12","n":[1,2' > "$TMP/cut.json"
run repair "$TMP/cut.json"
want_rc 2 "repair of a cut text"
if [ "$(cat "$TMP/out")" = '{"id":"ab-12","n":[1]}' ]; then ok; else bad "repair printed '$(cat "$TMP/out")'"; fi
printf '%s' '{"type":"object","properties":{"id":{"type":"string","pattern":"^[a-z]+-[0-9]+$"}}}' \
    > "$TMP/schema.json"
run check --schema "$TMP/schema.json" "$TMP/cut.json"
want_rc 2 "a cut text whose id matches the pattern"
if grep -q '"pattern"' "$TMP/out"; then bad "a matching id reported: $(cat "$TMP/out")"; else ok; fi
printf '{"id":"AB-12"}' > "$TMP/bad.json"
run check --schema "$TMP/schema.json" "$TMP/bad.json"
want_rc 10 "an id that breaks the pattern"
if grep -q '"keyword":"pattern"' "$TMP/out"; then ok; else bad "the violation not reported: $(cat "$TMP/out")"; fi

echo "link.sh: yajl and PCRE2 $([ "$STATIC" = yes ] && echo "in the tool" || echo "shared")"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
