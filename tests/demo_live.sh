#!/usr/bin/env bash
# The live demo (`make demo`): `llmjson stream` over real HTTP against the
# loopback test server, with no API key and no network. The server replays a
# recorded JSON-mode stream that ends with finish_reason "length" at a visible
# pace; the fields show as they arrive, then the salvage report. Then a
# runaway cancelled mid-transfer, and an HTTP error.
# Builds nothing. Usage: bash tests/demo_live.sh build/llmjson build/llmj-testserver
set -u
TOOL=${1:-build/llmjson}
SERVER=${2:-build/llmj-testserver}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
for f in "$TOOL" "$SERVER"; do
    [ -x "$f" ] || { echo "demo: $f not built (run make, and make $SERVER)" >&2; exit 1; }
done
TMP=$(mktemp -d) || exit 1
SPID=
cleanup() {
    if [ -n "$SPID" ]; then kill "$SPID" 2> /dev/null; wait "$SPID" 2> /dev/null; fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY OPENAI_BASE_URL
failed=0

if [ -t 1 ]; then B=$(printf '\033[1m') D=$(printf '\033[2m') N=$(printf '\033[0m'); else B= D= N=; fi
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
note() { printf '%s%s%s\n' "$D" "$*" "$N"; }

# The loopback server: 127.0.0.1, an ephemeral port, gone by itself when idle.
"$SERVER" --dir "$ROOT/corpus/streams" --dir "$ROOT/tests/server/fixtures" --idle 30 --life 300 \
    > "$TMP/port" 2> "$TMP/server.log" &
SPID=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(head -n 1 "$TMP/port")
[ -n "$PORT" ] || { echo "demo: the test server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT
STREAM=openai-json-length.sse
PROMPT='Plan three days in Lisbon as JSON: destination, days, itinerary.'

step "A JSON-mode answer, streamed over HTTP (64-byte writes, 12 ms apart), shown live"
note "\$ llmjson stream --url '$BASE/$STREAM?pace=64&delay=12' --model gpt-4o-mini --prompt '$PROMPT' --json --live"
# In a terminal the answer is redrawn in place, strings growing as they
# arrive, the cut part marked; otherwise one line per complete value. Then
# the verdict and the salvage.
"$TOOL" stream --url "$BASE/$STREAM?pace=64&delay=12&id=live" --model gpt-4o-mini --prompt "$PROMPT" \
    --json --live 2> "$TMP/err"
rc=$?
cat "$TMP/err"
printf '(exit %d: the answer was cut by max_tokens, so its JSON is truncated)\n' "$rc"
[ "$rc" -eq 2 ] || { echo "demo: expected exit 2 (truncated), got $rc" >&2; failed=1; }

step "The salvage report of the same stream (full speed)"
note "\$ llmjson stream --url '$BASE/$STREAM' --model gpt-4o-mini --prompt '$PROMPT' --json --report"
"$TOOL" stream --url "$BASE/$STREAM" --model gpt-4o-mini --prompt "$PROMPT" --json --report > "$TMP/report"
rc=$?
if command -v python3 > /dev/null 2>&1; then python3 -m json.tool --no-ensure-ascii < "$TMP/report" | sed 's/^/  /'
else sed 's/^/  /' "$TMP/report"; fi
printf '(exit %d)\n' "$rc"
grep -q '"text":"{\\n  \\"destination\\": \\"Lisbon\\",' "$TMP/report" || { echo "demo: no salvaged text in the report" >&2; failed=1; }

step "A runaway: endless whitespace in a JSON answer, cancelled mid-transfer"
note "\$ llmjson stream --url '$BASE/v1/chat/completions?gen=ws&pace=200&delay=2' --model m --prompt 'JSON please' --json --report"
"$TOOL" stream --url "$BASE/v1/chat/completions?gen=ws&pace=200&delay=2&id=runaway" --model m \
    --prompt 'JSON please' --json --report > "$TMP/runaway" 2> "$TMP/err"
rc=$?
# (the report as printed, its run of 250 "\n" shortened here for the screen)
sed 's/\(\\n\)\{6,\}/\\n\\n\\n...(whitespace runaway)/; s/^/  /' "$TMP/runaway"
sed 's/^/  /' "$TMP/err"
printf '(exit %d)\n' "$rc"
[ "$rc" -eq 4 ] || { echo "demo: expected exit 4 (runaway), got $rc" >&2; failed=1; }
if command -v curl > /dev/null 2>&1; then
    note "what the server saw:"
    curl -s "$BASE/_record?id=runaway&wait=3000" |
        sed 's/.*\("outcome":"[^"]*"\).*\("body_bytes":[0-9]*\).*\("client_closed_early":[a-z]*\).*/  \1 \2 \3/'
fi

step "An HTTP error: 429 with Retry-After"
note "\$ llmjson stream --url '$BASE/v1/chat/completions?status=429&retry_after=7' --model m --prompt hi"
"$TOOL" stream --url "$BASE/v1/chat/completions?status=429&retry_after=7" --model m --prompt hi \
    > /dev/null 2> "$TMP/err"
rc=$?
sed 's/^/  /' "$TMP/err"
printf '(exit %d)\n' "$rc"
[ "$rc" -eq 6 ] || { echo "demo: expected exit 6 (HTTP error), got $rc" >&2; failed=1; }

exit $failed
