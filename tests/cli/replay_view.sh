#!/usr/bin/env bash
# The default replay view with several choices: the first choice streams as
# it arrives, every other one is shown whole under one heading when the one
# before it finishes (never a heading between every fragment); --choice N
# shows one choice in the default view and in --events.
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
S=$ROOT/corpus/streams
TMP=$(mktemp -d "${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}/replay-view.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/tests/support/cli.sh" # ok, bad, run, want_rc
want_stdout() { # want_stdout FILE what: stdout equals FILE byte for byte
    if cmp -s "$1" "$TMP/out"; then ok; else bad "$2: stdout $(od -c "$TMP/out" | head -5)"; fi
}

# openai-n2.sse interleaves two choices delta by delta
printf 'Yes.\n[choice 1]\n{"a":[1,2\n' > "$TMP/want"
for chunk in "" "--chunk 1"; do
    run replay $chunk "$S/openai-n2.sse"
    want_rc 2 "n2 default view $chunk"
    want_stdout "$TMP/want" "n2 default view $chunk"
done
printf 'A \360\237\221\215 ok\n[choice 1]\nB\360\237\221\216\n' > "$TMP/want"
run replay "$S/gemini-n2-surrogate.sse"
want_stdout "$TMP/want" "gemini n2 default view"

# --choice: one choice, in the default view and --events; the verdict is the stream's
printf 'Yes.\n' > "$TMP/want"
run replay --choice 0 "$S/openai-n2.sse"
want_stdout "$TMP/want" "--choice 0"
printf '[choice 1]\n{"a":[1,2\n' > "$TMP/want"
run replay --choice 1 "$S/openai-n2.sse"
want_stdout "$TMP/want" "--choice 1"
run replay --events --choice 1 "$S/openai-n2.sse"
if grep -q '"choice":1' "$TMP/out" && ! grep '"choice":' "$TMP/out" | grep -qv '"choice":1'; then ok
else bad "--events --choice 1: $(head -c 400 "$TMP/out")"; fi
run replay --choice 7 "$S/openai-n2.sse"
[ -s "$TMP/out" ] && bad "--choice 7 (no such choice) printed text" || ok

# a real three-choice answer, when the reference folder is there
SHARED=${LLMJ_SHARED:-$ROOT/../shared}
N3=$SHARED/corpus-real/openai-chat-n3-choices.sse
if [ -f "$N3" ]; then
    run replay "$N3"
    n=$(grep -c '^\[choice' "$TMP/out")
    [ "$n" -eq 2 ] && ok || bad "n3: $n headings, want 2: $(head -c 300 "$TMP/out")"
    [ "$(wc -l < "$TMP/out")" -eq 5 ] && ok || bad "n3: not 3 whole texts: $(cat "$TMP/out")"
else
    echo "NOTICE: $N3 not found (reference folder absent): the three-choice recording is skipped"
fi

echo "replay_view.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
