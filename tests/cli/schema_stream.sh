#!/usr/bin/env bash
# --schema and --tool-schema on replay and stream: each choice's content and
# each tool call's arguments validated as they stream (the report's "schema"
# member, one diagnostic per violation, exit 10), the same at any piece
# size; stream --prompt --schema sends the schema as Structured Outputs in
# the dialect's own field (checked in the request the test server recorded).
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
SERVER=${LLMJ_SERVER:-$(dirname "$TOOL")/llmj-testserver}
S=$ROOT/corpus/streams
TMP=$(mktemp -d "${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}/schema-stream.XXXXXX") || exit 1
trap 'rm -rf "$TMP"; [ -n "${SPID:-}" ] && kill "$SPID" 2> /dev/null' EXIT
. "$ROOT/tests/support/cli.sh" # ok, bad, run, want_rc, want_err
want_out() { # want_out FIXED-STRING what
    if grep -Fq -- "$1" "$TMP/out"; then ok; else bad "$2: stdout lacks '$1': $(head -c 600 "$TMP/out")"; fi
}

# openai-json.sse's content: {"planets":[{"name":"Mercury","moons":0},{"name":"Venus","moons":0}]}
printf '%s' '{"type":"object","properties":{"planets":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"moons":{"type":"integer"}},"required":["name","moons"],"additionalProperties":false}}},"required":["planets"],"additionalProperties":false}' > "$TMP/planets.json"
printf '%s' '{"type":"object","properties":{"planets":{"type":"array","maxItems":1}},"required":["planets"]}' > "$TMP/one.json"
# strict (every provider's lint accepts it), and Venus is not allowed
printf '%s' '{"type":"object","properties":{"planets":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string","enum":["Mercury"]},"moons":{"type":"integer"}},"required":["name","moons"],"additionalProperties":false}}},"required":["planets"],"additionalProperties":false}' > "$TMP/strict.json"
printf '%s' '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}' > "$TMP/city.json"
printf '%s' '{"type":"object","properties":{"tz":{"enum":["UTC","GMT"]}},"required":["tz"]}' > "$TMP/tz.json"

# ---- replay: conforming, then a violation, at every piece size ------------------------------
for chunk in "" "--chunk 1" "--chunk 7"; do
    run replay --report $chunk --schema "$TMP/planets.json" "$S/openai-json.sse"
    want_rc 0 "replay --schema conforming $chunk"
    want_out '"schema":{"valid":true,"violation":null,"missing":[],"cut":null}' "replay --schema conforming $chunk: member"
    run replay --report $chunk --schema "$TMP/one.json" "$S/openai-json.sse"
    want_rc 10 "replay --schema violation $chunk"
    want_out '"schema":{"valid":false,"violation":{"pointer":"/planets","offset":42,"line":2,"column":42,"keyword":"maxItems"' "replay --schema violation $chunk: member"
    want_err "^llmjson: .*openai-json.sse:2:42: schema violation: choice 0: maxItems: more than 1 items \(at /planets\) \(offset 42\)\$" "replay --schema violation $chunk: diagnostic"
done
# the default view and --events say it too, with the same exit status
run replay --schema "$TMP/one.json" "$S/openai-json.sse"
want_rc 10 "replay --schema violation, default view"
grep -q 'schema violation: choice 0: maxItems' "$TMP/err" && ok || bad "default view: no diagnostic: $(cat "$TMP/err")"
run replay --events --schema "$TMP/one.json" "$S/openai-json.sse"
want_rc 10 "replay --schema violation, --events"
grep -q '"verdict":"schema"' "$TMP/out" && ok || bad "--events: the end event's verdict: $(tail -n 1 "$TMP/out")"

# --events: the schema's events with their choice, the same at any piece size
for chunk in "" "--chunk 1"; do
    run replay --events $chunk --schema "$TMP/strict.json" "$S/openai-json.sse"
    want_rc 10 "replay --events --schema $chunk"
    grep '"event":"schema_violation"' "$TMP/out" > "$TMP/ev$chunk"
    grep -Fxq '{"choice":0,"event":"schema_violation","path":"/planets/1/name","offset":51,"line":2,"column":51,"keyword":"enum","message":"the string cannot become any allowed value"}' "$TMP/out" &&
        ok || bad "replay --events --schema $chunk: no violation event: $(grep schema "$TMP/out")"
    grep -Fq '"event":"enum_resolved","path":"/planets/0/name"' "$TMP/out" &&
        ok || bad "replay --events --schema $chunk: no enum_resolved event"
done

# ---- tool calls: by name; a tool without a schema is not validated ---------------------------
run replay --report --tool-schema get_weather="$TMP/city.json" --tool-schema get_time="$TMP/tz.json" "$S/openai-tools.sse"
want_rc 10 "replay --tool-schema"
python3 - "$TMP/out" <<'PY' && ok || bad "replay --tool-schema: the tool calls' schema members"
import json, sys
r = json.load(open(sys.argv[1]))
t = r["choices"][0]["tool_calls"]
assert t[0]["salvage"]["schema"]["valid"] is True, t[0]
v = t[1]["salvage"]["schema"]["violation"]
assert v["pointer"] == "/tz" and v["keyword"] == "enum", v
assert "schema" not in r["choices"][0]["salvage"] if r["choices"][0]["salvage"] else True
PY
grep -q 'schema violation: choice 0, tool call 1: enum' "$TMP/err" && ok || bad "tool violation diagnostic: $(cat "$TMP/err")"
run replay --report --tool-schema weather="$TMP/city.json" "$S/anthropic-tools.sse"
want_rc 10 "replay --tool-schema, anthropic (days is not allowed)"
# ---- usage errors ----------------------------------------------------------------------------
run replay --tool-schema nofile "$S/openai-tools.sse"
want_rc 1 "--tool-schema without ="
want_err "^llmjson replay: --tool-schema takes NAME=FILE, not 'nofile'" "--tool-schema without =: message"
run replay --schema "$TMP/missing.json" "$S/openai-json.sse"
want_rc 1 "--schema of a missing file"
printf '%s' '{"oneOf":[{"type":"string"}]}' > "$TMP/bad.json"
run replay --schema "$TMP/bad.json" "$S/openai-json.sse"
want_rc 1 "--schema outside the subset"
grep -q "unsupported keyword 'oneOf'" "$TMP/err" && ok || bad "--schema outside the subset: $(cat "$TMP/err")"

# ---- stream: the schema is sent in the dialect's field, and the answer validated --------------
if [ "${LLMJ_HTTP:-1}" = 0 ]; then
    echo "NOTICE: built without HTTP (HTTP=0): llmjson stream --schema not tested"
elif [ ! -x "$SERVER" ]; then
    bad "the test server $SERVER is not built"
else
    start_server "$S"
    # the request the server recorded, as JSON
    record() {
        exec 3<> "/dev/tcp/127.0.0.1/$PORT" || return 1
        printf 'GET /_record?id=%s&wait=2000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$1" >&3
        sed '1,/^\r$/d' <&3 > "$TMP/record"
        exec 3<&-
    }
    n=0
    for case in openai:openai-json.sse:response_format.json_schema.schema \
                responses:openai-json.sse:text.format.schema \
                anthropic:openai-json.sse:output_config.format.schema \
                gemini:openai-json.sse:generationConfig.responseJsonSchema \
                ollama:openai-json.sse:format; do
        d=${case%%:*} rest=${case#*:}
        f=${rest%%:*} path=${rest#*:}
        n=$((n + 1))
        OPENAI_API_KEY=sk-test-0000 ANTHROPIC_API_KEY=sk-test-0000 GEMINI_API_KEY=test-0000 \
            "$TOOL" stream --dialect "$d" --url "$U/$f?id=s$n" --model m --prompt 'the planets, as json' \
            --schema "$TMP/strict.json" --schema-name planets --report > "$TMP/out" 2> "$TMP/err"
        rc=$?
        # the answer is an OpenAI stream: for another dialect only the request is checked
        record "s$n" || { bad "stream $d: no record"; continue; }
        python3 - "$TMP/record" "$path" "$TMP/strict.json" "$d" <<'PY' && ok || bad "stream $d --schema: the request body ($(head -c 400 "$TMP/record"))"
import json, sys
rec = json.load(open(sys.argv[1]))
body = json.loads(rec["body"])
node = body
for k in sys.argv[2].split("."):
    node = node[k]
assert node == json.load(open(sys.argv[3])), node
if sys.argv[4] == "openai":
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "planets"
    assert body["response_format"]["json_schema"]["strict"] is True
PY
        if [ "$d" = openai ]; then
            want_rc 10 "stream --schema: the answer violates it"
            want_out '"violation":{"pointer":"/planets/1/name","offset":51,"line":2,"column":51,"keyword":"enum"' "stream --schema: report"
        fi
    done
    # a schema the provider would refuse is not sent: its problems, then one line
    for d in openai anthropic; do # (Gemini takes it: maxItems is in its subset)
        OPENAI_API_KEY=sk-test-0000 ANTHROPIC_API_KEY=sk-test-0000 GEMINI_API_KEY=test-0000 \
            "$TOOL" stream --dialect "$d" --url "$U/openai-json.sse?id=refused-$d" --model m \
            --prompt 'json please' --schema "$TMP/one.json" > "$TMP/out" 2> "$TMP/err"
        rc=$?
        want_rc 1 "stream --dialect $d --schema the provider refuses"
        tail -n 1 "$TMP/err" | grep -q "^llmjson: stream: refused before sending: the $d API would not take this --schema" &&
            ok || bad "stream $d: refused schema message: $(cat "$TMP/err")"
        [ "$(wc -l < "$TMP/err")" -ge 2 ] && ok || bad "stream $d: the lint's problems are not shown"
        record "refused-$d"
        grep -q 'no such record' "$TMP/record" && ok || bad "stream $d: a refused schema was sent"
    done
    "$TOOL" stream --url "$U/x" --model m --prompt p --schema-name planets > "$TMP/out" 2> "$TMP/err"; rc=$?
    want_rc 1 "--schema-name without --schema"
    "$TOOL" stream --url "$U/x" --model m --prompt p --schema "$TMP/one.json" --schema-name 'a b' > "$TMP/out" 2> "$TMP/err"; rc=$?
    want_rc 1 "--schema-name with a space"
fi

echo "schema_stream.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
