#!/usr/bin/env bash
# Verdicts a script can trust: every exit status of `llmjson replay` and
# `llmjson stream` over the corpus streams, the same in every dialect and
# every output mode (watch, --events, --report), with the key message and the
# JSON "verdict"; the order in which they win when several apply; input that
# is no stream at all; --events with --report; no API key, a bad URL.
# Environment: LLMJ_TOOL (build/llmjson), LLMJ_ROOT (repository root),
# LLMJ_SERVER (the loopback test server; default beside the tool).
set -u
TOOL=${LLMJ_TOOL:?LLMJ_TOOL must name the llmjson binary}
ROOT=${LLMJ_ROOT:?LLMJ_ROOT must name the repository root}
SERVER=${LLMJ_SERVER:-$(dirname "$TOOL")/llmj-testserver}
[ -x "$TOOL" ] || { echo "FAIL: $TOOL is not executable"; echo "0 passed, 1 failed"; exit 1; }
S=$ROOT/corpus/streams
TMP=$(mktemp -d) || exit 1
SPID=
trap '[ -n "$SPID" ] && kill $SPID 2> /dev/null; rm -rf "$TMP"' EXIT

. "$ROOT/tests/support/cli.sh" # ok, bad, run, want_rc, want_err

want_match() { # want_match ERE what   (stdout matches ERE)
    if grep -Eq -- "$1" "$TMP/out"; then ok; else bad "$2: stdout '$(head -c 400 "$TMP/out")' does not match /$1/"; fi
}

word_of() {
    case "$1" in
    0) echo complete ;; 2) echo truncated ;; 3) echo invalid ;; 4) echo runaway ;; 5) echo empty ;;
    6) echo provider_error ;; 9) echo refused ;; *) echo "?" ;;
    esac
}

# verdict FILE DIALECT EXIT ERE: replay FILE exits EXIT in every mode, detected
# and with the dialect named; the summary line (watch mode) matches ERE; the
# report and the end event carry the verdict's word
verdict() {
    local f=$1 d=$2 want=$3 ere=$4 w
    w=$(word_of "$want")
    for dopt in "" "--dialect $d"; do
        # shellcheck disable=SC2086
        run replay $dopt "$S/$f"
        want_rc "$want" "replay $dopt $f"
        want_err "$ere" "replay $dopt $f: summary"
        # shellcheck disable=SC2086
        run replay --report $dopt "$S/$f"
        want_rc "$want" "replay --report $dopt $f"
        want_match "\"verdict\":\"$w\"}\$" "replay --report $dopt $f"
        # shellcheck disable=SC2086
        run replay --events --chunk 3 $dopt "$S/$f"
        want_rc "$want" "replay --events $dopt $f"
        if tail -n 1 "$TMP/out" | grep -Eq "^\{\"event\":\"end\",.*\"worst_text\":\"[a-z]+\",.*\"stream_complete\":(true|false),\"verdict\":\"$w\"\}\$"
        then ok; else bad "replay --events $dopt $f: end event '$(tail -n 1 "$TMP/out")'"; fi
    done
}

# ---- 6: the provider reported an error, in every dialect ---------------------------------
verdict openai-error.sse openai 6 'stream provider_error \(The server had an error while processing your request\. at line 7\)$'
verdict llama-error-field.sse openai 6 'stream provider_error \(context shift is disabled at line 5\)$'
verdict openai-finish-error.sse openai 6 'finish error \(insufficient_system_resource\), text truncated; stream ok$'
verdict responses-error.sse responses 6 'stream provider_error \(You exceeded your current quota\. at line 4\)$'
verdict responses-failed.sse responses 6 'finish error \(failed\), .*stream provider_error \(The server had an error'
verdict anthropic-error.sse anthropic 6 'stream provider_error \(Overloaded at line 10\)$'
verdict gemini-error.sse gemini 6 'stream provider_error \(The model is overloaded\. Please try again later\. at line 3\)$'
verdict gemini-malformed-call.sse gemini 6 'finish error \(MALFORMED_FUNCTION_CALL\), text empty; stream ok$'
verdict ollama-error.ndjson ollama 6 'stream provider_error \(an error was encountered while running the model at line 3\)$'

# ---- 9: the model refused, or the content was filtered ----------------------------------
verdict openai-refusal.sse openai 9 'finish refusal, text empty, refusal complete; stream ok$'
verdict openai-content-filter.sse openai 9 'finish content_filter, text truncated; stream ok$'
verdict responses-refusal.sse responses 9 'finish refusal, text empty, refusal complete; stream ok$'
verdict responses-content-filter.sse responses 9 'finish content_filter, text truncated; stream ok$'
verdict anthropic-refusal.sse anthropic 9 'finish refusal, text empty; stream ok$'
verdict gemini-blocked.sse gemini 9 'finish content_filter \(SAFETY\), text empty; stream ok$'
verdict gemini-safety.sse gemini 9 'finish content_filter \(SAFETY\), text truncated; stream ok$'

# ---- the others, for the table: 0, 2, 3, 4, 5 -------------------------------------------
verdict openai-text.sse openai 0 'finish stop, text complete; stream ok$'
verdict openai-length.sse openai 2 'finish length, json truncated; stream ok$'
verdict openai-runaway.sse openai 4 'json runaway; stream runaway_whitespace'
verdict openai-empty.sse openai 5 'finish stop, text empty; stream ok$'
run replay --json "$S/openai-text.sse"; want_rc 3 "replay --json on plain text"

# ---- the order when several apply --------------------------------------------------------
# a refusal, then the provider's error: 6 before 9
verdict openai-refusal-error.sse openai 6 'refusal truncated; stream provider_error \(Internal error'
# JSON cut by the content filter: 9 before 2 (the text says truncated)
verdict openai-json-filtered.sse openai 9 'finish content_filter, json truncated; stream ok$'
run replay --report "$S/openai-json-filtered.sse"
want_match '"salvage":\{"status":"truncated".*"verdict":"refused"\}$' "openai-json-filtered: truncated text, refused"
# choice 0 refuses, choice 1 runs away: 9 before 4
verdict openai-n2-refusal-runaway.sse openai 9 'choice 1: finish none, json runaway; stream runaway_whitespace'
# an error cuts a text: 6 before 2
verdict anthropic-error.sse anthropic 6 'text truncated; stream provider_error'

# ---- input that is no stream: 3, "not an SSE or NDJSON stream" with its position -------
NOT='invalid: not an SSE or NDJSON stream: '
for f in noise-object.json noise-pretty.json gemini-no-sse.json noise-hello.txt noise-html.txt noise-random.bin; do
    for mode in "" --report --events; do
        # shellcheck disable=SC2086
        run replay $mode "$S/$f"
        want_rc 3 "replay $mode $f"
        want_err "^llmjson: .*/$f:1:1: $NOT.* \(offset 0\)\$" "replay $mode $f: message"
    done
    run replay --report --chunk 1 "$S/$f"
    want_match '"status":"not_a_stream","events":0,.*"error":\{"status":"not_a_stream","message":"not an SSE or NDJSON stream: .*"verdict":"invalid"\}$' \
        "replay --report --chunk 1 $f"
done
printf 'hello world' > "$TMP/hello"
"$TOOL" replay < "$TMP/hello" > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 3 "hello world on stdin"
want_err "^llmjson: <stdin>:1:1: ${NOT}this line is neither an SSE field \(data:, event:, id:, retry:\) nor a comment \(offset 0\)\$" \
    "hello world on stdin: message"
# a comment first, then no field: the position is the line's
printf ': proxy\n\n<html>\n' > "$TMP/late"
run replay "$TMP/late"; want_rc 3 "a comment, then HTML"
want_err ":3:1: ${NOT}this line .* \(offset 9\)\$" "a comment, then HTML: position"
# a 60 MB JSON document on one line: said after max_event bytes, not read whole
{ printf '{"data":"'; head -c 62914560 /dev/zero | tr '\0' 'x'; printf '"}\n'; } > "$TMP/big.json"
run replay --report "$TMP/big.json"
want_rc 3 "a 60 MB JSON file"
want_err "big.json:1:1: ${NOT}this first line is longer than 16777216 bytes \(config.max_event\) \(offset 0\)\$" \
    "a 60 MB JSON file: message"
rm -f "$TMP/big.json"
# a real stream that opens with a BOM, comments, id and retry is still one
printf '\xef\xbb\xbf: hi\n\nid: 1\nretry: 500\n' > "$TMP/head"
cat "$S/openai-text.sse" >> "$TMP/head"
run replay "$TMP/head"; want_rc 0 "BOM, comment, id and retry before a stream"

# ---- --events with --report: a usage error ---------------------------------------------
for pair in "--events --report" "--report --events"; do
    # shellcheck disable=SC2086
    run replay $pair "$S/openai-text.sse"
    want_rc 1 "replay $pair"
    want_err "^llmjson replay: --events and --report do not go together .*\(try 'llmjson help replay'\)\$" "replay $pair: message"
    [ -s "$TMP/out" ] && bad "replay $pair wrote stdout" || ok
    [ "${LLMJ_HTTP:-1}" = 0 ] && continue
    # shellcheck disable=SC2086
    run stream $pair --url http://127.0.0.1:9/x --model m --prompt p
    want_rc 1 "stream $pair"
    want_err "^llmjson stream: --events and --report do not go together" "stream $pair: message"
done

if [ "${LLMJ_HTTP:-1}" = 0 ]; then
    echo "NOTICE: built without HTTP (HTTP=0): llmjson stream's verdicts not tested"
    echo "verdicts.sh: $pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
fi

# ---- llmjson stream, before sending: the key, the URL --------------------------------------
for case in "openai OPENAI_API_KEY" "responses OPENAI_API_KEY" "anthropic ANTHROPIC_API_KEY" "gemini GEMINI_API_KEY"; do
    d=${case% *} var=${case#* }
    env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY -u OPENAI_BASE_URL \
        "$TOOL" stream --dialect "$d" --model m --prompt p > "$TMP/out" 2> "$TMP/err"
    rc=$?
    want_rc 1 "stream --dialect $d without a key"
    want_err "^llmjson: stream: no API key: $var is not set .*nothing sent\$" "stream --dialect $d without a key: message"
done
for case in "not a url|not a URL: it starts with no scheme" "api.openai.com/v1|not a URL: it starts with no scheme" \
            "ftp://example.com/x|the scheme is ftp://, not http:// or https://" "http://|no host after http://" \
            "https://h:80x/v1|the port '80x' is not a number" "http://a b/c|a space at byte 8"; do
    u=${case%%|*} why=${case#*|}
    run stream --url "$u" --model m --prompt p
    want_rc 1 "stream --url '$u'"
    want_err "^llmjson stream: --url '.*': $why" "stream --url '$u': message"
done
OPENAI_BASE_URL='localhost:8080/v1' "$TOOL" stream --model m --prompt p > "$TMP/out" 2> "$TMP/err"; rc=$?
want_rc 1 "a bad OPENAI_BASE_URL"
want_err "^llmjson stream: OPENAI_BASE_URL 'localhost:8080/v1': not a URL" "a bad OPENAI_BASE_URL: message"

# ---- llmjson stream over HTTP: the same verdicts, and the network's -------------------------
if [ ! -x "$SERVER" ]; then
    bad "the test server $SERVER is not built"
else
    start_server "$S"
    # sstream ARGS...: llmjson stream with no key in the environment
    sstream() {
        env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY "$TOOL" stream --model m --prompt p "$@" \
            > "$TMP/out" 2> "$TMP/err"
        rc=$?
    }
    for case in openai-error.sse:openai:6 anthropic-error.sse:anthropic:6 responses-failed.sse:responses:6 \
                gemini-error.sse:gemini:6 ollama-error.ndjson:ollama:6 openai-refusal.sse:openai:9 \
                anthropic-refusal.sse:anthropic:9 gemini-blocked.sse:gemini:9 openai-empty.sse:openai:5; do
        f=${case%%:*} rest=${case#*:}
        d=${rest%:*} want=${rest#*:}
        sstream --dialect "$d" --url "$U/$f" --report
        want_rc "$want" "stream $f"
        want_match "\"verdict\":\"$(word_of "$want")\"}\$" "stream $f: report"
    done
    # an HTTP error status: 6, one line; a 401 with no key names the variable
    sstream --url "$U/x?status=401&emsg=Missing%20bearer%20token" --report
    want_rc 6 "stream: HTTP 401"
    want_err '^llmjson: stream: HTTP 401: Missing bearer token.*; no key was sent \(OPENAI_API_KEY is not set\)$' "stream: HTTP 401: message"
    sstream --dialect anthropic --url "$U/x?status=529&err=anthropic&etype=overloaded_error&emsg=Overloaded"
    want_rc 6 "stream: HTTP 529"
    want_err '^llmjson: stream: HTTP 529: Overloaded \(type overloaded_error\)$' "stream: HTTP 529: message"
    # cut after the provider's error: 6 before 7
    n=$(wc -c < "$S/openai-error.sse")
    sstream --url "$U/openai-error.sse?cut=$((n - 5))" --report
    want_rc 6 "stream: an error, then the connection cut"
    want_match '"status":"provider_error".*"verdict":"provider_error"\}$' "stream: an error, then the connection cut: report"
    grep -q 'Transferred a partial file' "$TMP/err" && ok || bad "stream: the cut is still said: $(cat "$TMP/err")"
    # cut with no error: 7
    n=$(wc -c < "$S/openai-text.sse")
    sstream --url "$U/openai-text.sse?cut=$((n - 5))" --report
    want_rc 7 "stream: cut"
    # a refusal, then the connection cut: 7 before 9
    n=$(wc -c < "$S/openai-refusal.sse")
    sstream --url "$U/openai-refusal.sse?cut=$((n - 5))" --report
    want_rc 7 "stream: a refusal, then the connection cut"
    # not a stream over HTTP: 3, the message names the URL, and the transfer
    # is cancelled as for a runaway
    sstream --url "$U/noise-html.txt?ctype=text/event-stream"
    want_rc 3 "stream: an HTML page"
    if head -n 1 "$TMP/err" | grep -Eq "^llmjson: $U/noise-html.txt:1:1: ${NOT}" &&
       tail -n 1 "$TMP/err" | grep -Eq '^llmjson: stream: transfer cancelled after [0-9]+ bytes: not an SSE or NDJSON stream$'
    then ok; else bad "stream: an HTML page: stderr '$(cat "$TMP/err")'"; fi
fi

echo "verdicts.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
