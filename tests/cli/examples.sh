#!/usr/bin/env bash
# The programs under examples/ (built by make check next to the tool): each
# runs and prints what its comment promises.
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
EX=$(dirname "$TOOL")/examples
SERVER=${LLMJ_SERVER:-$(dirname "$TOOL")/llmj-testserver}
fail() { echo "FAIL: $*"; exit 1; }
progs="tracker_string stream_file_doc http_multi"
[ "${LLMJ_HTTP:-1}" = 0 ] && progs="tracker_string stream_file_doc"
for p in $progs; do
    [ -x "$EX/$p" ] || fail "$EX/$p not built"
done

out=$("$EX/tracker_string") || fail "tracker_string failed"
grep -qx 'repaired: {"city":"Lisbon","days":3,"plan":\["Alfama","Belém","Sin"\]}' <<< "$out" ||
    fail "tracker_string: wrong repair:"$'\n'"$out"
grep -q '^string_chunk  /plan/2 .* first Si$' <<< "$out" || fail "tracker_string: no first chunk of /plan/2"

out=$("$EX/stream_file_doc" "$ROOT/tests/server/fixtures/openai-json-length.sse" /itinerary/2/dinner) ||
    fail "stream_file_doc failed"
grep -q '^string /itinerary/2/dinner = Trav.* (still being written)$' <<< "$out" ||
    fail "stream_file_doc: the dinner string was never seen growing"
tail -n 1 <<< "$out" | grep -qx 'finish length, truncated' || fail "stream_file_doc: wrong end"

if [ "${LLMJ_HTTP:-1}" = 0 ]; then
    echo "NOTICE: examples.sh: http_multi skipped: built without HTTP (make HTTP=0)"
    echo "examples.sh: ok"
    exit 0
fi

# two requests at once against the loopback test server
TMP=$(mktemp -d) || exit 1
"$SERVER" --dir "$ROOT/corpus/streams" --dir "$ROOT/tests/server/fixtures" --idle 20 --life 60 \
    > "$TMP/port" 2> "$TMP/log" &
SPID=$!
trap 'kill $SPID 2> /dev/null; wait $SPID 2> /dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(head -n 1 "$TMP/port")
[ -n "$PORT" ] || fail "the test server did not start"
out=$(OPENAI_API_KEY= "$EX/http_multi" "http://127.0.0.1:$PORT/openai-json-length.sse?pace=200&delay=2" \
    "http://127.0.0.1:$PORT/openai-length.sse?pace=50&delay=2") || fail "http_multi failed:"$'\n'"$out"
grep -q '^\[0\] ok: finish length, truncated$' <<< "$out" || fail "http_multi: request 0:"$'\n'"$out"
grep -q '^\[1\] ok: finish length, truncated$' <<< "$out" || fail "http_multi: request 1:"$'\n'"$out"
grep -q '^\[0\] {"destination":"Lisbon"' <<< "$out" || fail "http_multi: no partial document of request 0"
echo "examples.sh: ok"
