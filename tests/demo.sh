#!/usr/bin/env bash
# `make demo`: the llmjson tool on the project's own corpus — an LLM answer cut
# off mid-string, repaired lossless and greedy, with the report; a batch of
# truncated responses; a runaway; a 100 MB check with flat memory.
# Usage: bash tests/demo.sh build/llmjson
set -u
TOOL=${1:-build/llmjson}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
C=$ROOT/corpus/json
[ -x "$TOOL" ] || { echo "demo: $TOOL not built (run make)" >&2; exit 1; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
failed=0

if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B= N=; fi
step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
show() { # show CMD...: print the command, run it, print its exit status
    printf '$ %s\n' "$*"
    "$@" 2>&1
    local rc=$?
    printf '(exit %d)\n' $rc
    return 0
}
expect() { # expect WANT CMD...: run, and compare stdout with WANT
    local want=$1 got
    shift
    got=$("$@" 2> /dev/null)
    if [ "$got" != "$want" ]; then echo "demo: '$*' printed '$got', want '$want'" >&2; failed=1; fi
}

step "An answer cut off inside a string (finish_reason: length)"
printf '%s\n' "$(cat "$C/t29_deep_string.json")"
show "$TOOL" repair "$C/t29_deep_string.json"
show "$TOOL" repair --greedy "$C/t29_deep_string.json"
show "$TOOL" repair --report --greedy "$C/t29_deep_string.json"
expect '{"a":[{"b":[{}]}]}' "$TOOL" repair "$C/t29_deep_string.json"
expect '{"a":[{"b":[{"c":"d"}]}]}' "$TOOL" repair --greedy "$C/t29_deep_string.json"

step "Broken JSON: prose after the answer, a wrong bracket"
show "$TOOL" repair "$C/i03_prose_after.json"
show "$TOOL" repair --report "$C/ex15_wrong_bracket.json"
expect '{"ok":true}' "$TOOL" repair "$C/i03_prose_after.json"

step "A batch of truncated responses (repair --lines)"
printf '%s\n' '"{\"city\":\"Paris\",\"temp\":21.5,\"tags\":[\"sunny\",\"wi"' \
    '"[{\"id\":1},{\"id\":2},{\"i"' '"{\"done\":true}"' > "$TMP/batch.jsonl"
cat "$TMP/batch.jsonl"
show "$TOOL" repair --lines --greedy "$TMP/batch.jsonl"

step "A whitespace runaway (300 spaces after a value)"
show "$TOOL" check "$C/ex12_runaway_spaces.json"

step "check: 100 MB through a pipe, nothing kept"
ITEM='{"id":12345,"text":"caf\u00e9 \"ok\"","v":[1.5e3,true,null]},'
n=$(( 100000000 / (${#ITEM} + 1) ))
echo "\$ { printf '['; yes '$ITEM' | head -n $n; printf '0]'; } | ${TOOL##*/} check -"
start=$(date +%s%N)
if [ -x /usr/bin/time ]; then
    { printf '['; yes "$ITEM" | head -n $n; printf '0]'; } | /usr/bin/time -f 'peak RSS %M KiB' "$TOOL" check - 2>&1
else
    { printf '['; yes "$ITEM" | head -n $n; printf '0]'; } | "$TOOL" check -
fi
echo "($(( ($(date +%s%N) - start) / 1000000 )) ms)"

if [ $failed -ne 0 ]; then echo "demo: FAILED" >&2; exit 1; fi
printf '\ndemo: ok\n'
