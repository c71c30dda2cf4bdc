#!/usr/bin/env bash
# --schema on check and repair: the report's "schema" member, exit status 10
# for a violation, the diagnostic on stderr, a refused schema (exit 1, the
# keyword and its pointer), missing/cut on a cut text, --events; schema lint
# for each provider.
# Environment: LLMJ_TOOL (build/llmjson), LLMJ_SCRATCH (scratch folder).
set -u
TOOL=${LLMJ_TOOL:?LLMJ_TOOL must name the llmjson binary}
TMP=$(mktemp -d "${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}/schema-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
runin() { local input=$1; shift; printf '%s' "$input" | "$TOOL" "$@" > "$TMP/out" 2> "$TMP/err"; rc=$?; }
want_rc() { if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, want $1 ($(head -c 300 "$TMP/err"))"; fi; }
want_out() { if [ "$(cat "$TMP/out")" = "$1" ]; then ok; else bad "$2: stdout '$(cat "$TMP/out")', want '$1'"; fi; }
want_err() { if grep -Fq -- "$1" "$TMP/err"; then ok; else bad "$2: stderr '$(cat "$TMP/err")' lacks '$1'"; fi; }

S=$TMP/s.json
printf '%s' '{"type":"object","properties":{"a":{"type":"string"},"b":{"enum":["x","y"]},"c":{"type":"integer"}},"required":["a","b","c"],"additionalProperties":false}' > "$S"

runin '{"a":"hi","b":"x","c":3}' check --schema "$S"
want_rc 0 "check conforming"
want_out '{"status":"complete","bytes":24,"max_depth":1,"error":null,"runaway":null,"schema":{"valid":true,"violation":null,"missing":[],"cut":null}}' "check conforming report"

runin '{"a":"hi","b":"z","c":3}' check --schema "$S"
want_rc 10 "check violation"
want_out '{"status":"complete","bytes":24,"max_depth":1,"error":null,"runaway":null,"schema":{"valid":false,"violation":{"pointer":"/b","offset":15,"line":1,"column":16,"keyword":"enum","message":"the string cannot become any allowed value"},"missing":[],"cut":null}}' "check violation report"
want_err '<stdin>:1:16: schema violation: enum' "check violation diagnostic"

runin '{"a":"hi","b":"' repair --report --schema "$S"
want_rc 2 "repair cut"
want_out '{"status":"truncated","bytes_kept":9,"closed":[""],"error":null,"text":"{\"a\":\"hi\"}","schema":{"valid":null,"violation":null,"missing":["/c"],"cut":"/b"}}' "repair cut report: missing and cut"

runin '{"a":"hi","d":1}' repair --report --chunk 1 --schema "$S"
want_rc 10 "repair violation"
want_err 'additionalProperties' "repair violation keyword"

runin '{"a":"hi"' repair --schema "$S"
want_rc 2 "repair text with a schema, no violation"
want_out '{"a":"hi"}' "repair text"

printf '%s' '{"properties":{"pet":{"oneOf":[{}]}}}' > "$TMP/bad.json"
runin '{}' check --schema "$TMP/bad.json"
want_rc 1 "refused schema"
want_err "unsupported keyword 'oneOf' at /properties/pet/oneOf" "refused schema message"

runin '{}' check --schema "$TMP/nonexistent.json"
want_rc 1 "missing schema file"

printf '%s' '{"type":"object","properties":{"pet":{"oneOf":[{"type":"string"}]},"id":{"type":"string"}},"required":["pet"],"additionalProperties":false}' > "$TMP/pets.json"
"$TOOL" schema lint --provider openai "$TMP/pets.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 3 "lint refuses"
if grep -Fxq "Invalid schema for response_format 'pets': In context=('properties', 'pet'), 'oneOf' is not permitted." "$TMP/out"; then ok; else bad "lint oneOf wording: $(cat "$TMP/out")"; fi
if grep -Fxq "Invalid schema for response_format 'pets': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'id'." "$TMP/out"; then ok; else bad "lint required wording"; fi
printf '%s' '{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}' > "$TMP/good.json"
"$TOOL" schema lint "$TMP/good.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 0 "lint accepts"
want_out '' "lint accepts silently"

# lint for Anthropic (output_config.format / strict tools) and Gemini (responseJsonSchema)
lint_has() { if grep -Fxq -- "$1" "$TMP/out"; then ok; else bad "$2: lacks '$1' in: $(cat "$TMP/out")"; fi; }
printf '%s' '{"type":"object","properties":{"age":{"type":"integer","minimum":0},"name":{"type":"string","maxLength":5},"tags":{"type":"array","items":{"type":"string"},"minItems":2},"pet":{"type":"object","properties":{"x":{"type":"string","pattern":"^(?=a)a$"}}},"kids":{"type":"array","items":{"$ref":"#"}},"o":{"oneOf":[{"type":"string"}]}},"required":["age"],"additionalProperties":true}' > "$TMP/an.json"
"$TOOL" schema lint --provider anthropic "$TMP/an.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 3 "anthropic lint refuses"
lint_has "output_config.format.schema: For 'integer' type, property 'minimum' is not supported" "anthropic minimum"
lint_has "output_config.format.schema: For 'string' type, property 'maxLength' is not supported" "anthropic maxLength"
lint_has "output_config.format.schema: For 'object' type, 'additionalProperties: true' is not supported. Please set 'additionalProperties' to false" "anthropic additionalProperties true"
lint_has "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false" "anthropic additionalProperties missing"
lint_has "output_config.format.schema: For 'array' type, property 'minItems' is only supported with the values 0 and 1 (at /properties/tags)" "anthropic minItems"
lint_has "output_config.format.schema: pattern: lookahead and lookbehind are not supported (at /properties/pet/properties/x)" "anthropic pattern"
lint_has "output_config.format.schema: 'oneOf' is not supported (at /properties/o)" "anthropic oneOf"
lint_has "output_config.format.schema: recursive schemas are not supported" "anthropic recursion"
"$TOOL" schema lint --provider gemini "$TMP/an.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 3 "gemini lint refuses"
lint_has "Unknown name \"maxLength\" at 'generation_config.response_json_schema.properties.name': not enforced, Gemini ignores it." "gemini maxLength"
lint_has "Unknown name \"oneOf\" at 'generation_config.response_json_schema.properties.o': not enforced, Gemini ignores it." "gemini oneOf"
if grep -q minimum "$TMP/out"; then bad "gemini takes minimum"; else ok; fi
printf '%s' '{"type":"object","properties":{"a":{"type":["string","null"],"format":"date"},"n":{"type":"integer","minimum":1,"maximum":9},"l":{"type":"array","items":{"$ref":"#/$defs/e"},"minItems":1,"maxItems":3}},"$defs":{"e":{"enum":["x","y"]}},"required":["a","n","l"],"additionalProperties":false,"propertyOrdering":["a","n","l"]}' > "$TMP/gm.json"
"$TOOL" schema lint --provider gemini "$TMP/gm.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 0 "gemini lint accepts"
want_out '' "gemini lint accepts silently"
printf '%s' '{"type":"object","properties":{"a":{"type":"string","format":"date","default":"x"},"l":{"type":"array","items":{"$ref":"#/$defs/e"},"minItems":1},"c":{"anyOf":[{"type":"string"},{"type":"null"}]}},"$defs":{"e":{"enum":["x",1,null]}},"required":["a","l","c"],"additionalProperties":false}' > "$TMP/ok-an.json"
"$TOOL" schema lint --provider anthropic "$TMP/ok-an.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 0 "anthropic lint accepts"
want_out '' "anthropic lint accepts silently"
"$TOOL" schema lint --provider mistral "$TMP/ok-an.json" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 1 "unknown provider"

# --events: the schema's events at the byte they happen, then the report
E=$TMP/e.json
printf '%s' '{"type":"object","properties":{"kind":{"enum":["fish","film"]},"pet":{"anyOf":[{"type":"object","properties":{"cat":{"type":"string"}},"required":["cat"],"additionalProperties":false},{"type":"object","properties":{"dog":{"type":"integer"}},"required":["dog"],"additionalProperties":false}]}},"required":["kind","pet"],"additionalProperties":false}' > "$E"
for chunk in 1 4096; do
    runin '{"kind":"fis","pet":{"dog":"x"}}' check --events --chunk $chunk --schema "$E"
    want_rc 10 "check --events (chunk $chunk)"
    want_out '{"event":"enum_resolved","path":"/kind","offset":11,"line":1,"column":12,"value":"fish"}
{"event":"schema_violation","path":"/kind","offset":12,"line":1,"column":13,"keyword":"enum","message":"the string is not an allowed value"}
{"status":"complete","bytes":32,"max_depth":2,"error":null,"runaway":null,"schema":{"valid":false,"violation":{"pointer":"/kind","offset":12,"line":1,"column":13,"keyword":"enum","message":"the string is not an allowed value"},"missing":[],"cut":null}}' "check --events output (chunk $chunk)"
    runin '{"kind":"film","pet":{"dog":"x"' repair --report --events --chunk $chunk --schema "$E"
    want_rc 10 "repair --events (chunk $chunk)"
    if [ "$(head -n 2 "$TMP/out")" = '{"event":"enum_resolved","path":"/kind","offset":11,"line":1,"column":12,"value":"film"}
{"event":"branch_decided","path":"/pet","offset":23,"line":1,"column":24,"branch":1,"schema":"/properties/pet/anyOf/1"}' ]; then ok; else bad "repair --events (chunk $chunk): $(cat "$TMP/out")"; fi
    if sed -n 3p "$TMP/out" | grep -q '"event":"schema_violation","path":"/pet/dog","offset":28'; then ok; else bad "repair --events violation (chunk $chunk)"; fi
done
runin '{}' check --events
want_rc 1 "--events without --schema"
want_err "--events needs --schema FILE" "--events without --schema message"
runin '"{}"' repair --lines --events --schema "$E"
want_rc 1 "--events with --lines"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
