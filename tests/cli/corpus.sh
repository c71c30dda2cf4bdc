#!/usr/bin/env bash
# CLI goldens. For every corpus/json/NAME.json, `llmjson repair --report`
# and `llmjson repair --report --greedy` must print exactly the two lines of
# NAME.expect (derived from the rule of docs/salvage.md by hand), whole and
# fed in pieces of 1, 3 and 7 bytes, with the exit status of the report's
# status. Then every example row of docs/salvage.md's table, byte for byte,
# through plain `llmjson repair` and `llmjson repair --greedy` (R and a
# newline, nothing when R is empty). Then the whitespace-runaway allowance
# per depth on a pretty-printed text 70 levels deep (`check`, `repair`,
# `--whitespace-indent`).
# Environment: LLMJ_TOOL (build/llmjson), LLMJ_ROOT (repository root).
set -u
TOOL=${LLMJ_TOOL:?LLMJ_TOOL must name the llmjson binary}
ROOT=${LLMJ_ROOT:?LLMJ_ROOT must name the repository root}
[ -x "$TOOL" ] || { echo "FAIL: $TOOL is not executable"; echo "0 passed, 1 failed"; exit 1; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

exit_of() {
    case "$1" in
    complete) echo 0 ;; truncated) echo 2 ;; invalid) echo 3 ;; runaway) echo 4 ;; empty) echo 5 ;;
    *) echo 99 ;;
    esac
}

# ---- the corpus -----------------------------------------------------------------
ncorpus=0
for json in "$ROOT"/corpus/json/*.json; do
    name=${json##*/}
    name=${name%.json}
    expect=${json%.json}.expect
    if [ ! -f "$expect" ]; then
        bad "$name: no $expect"
        continue
    fi
    ncorpus=$((ncorpus + 1))
    status=$(sed -n '1s/^{"status":"\([a-z]*\)".*/\1/p' "$expect")
    want_rc=$(exit_of "$status")
    line=0
    for mode in lossless greedy; do
        line=$((line + 1))
        sed -n "${line}p" "$expect" > "$TMP/want"
        flag=
        [ $mode = greedy ] && flag=--greedy
        for chunk in whole 1 3 7; do
            copt=
            [ $chunk = whole ] || copt="--chunk $chunk"
            # shellcheck disable=SC2086
            "$TOOL" repair --report $flag $copt "$json" > "$TMP/got" 2> "$TMP/err"
            rc=$?
            if ! cmp -s "$TMP/want" "$TMP/got"; then
                bad "$name $mode chunk=$chunk: report differs"
                echo "  want: $(cat "$TMP/want")"
                echo "  got:  $(cat "$TMP/got")"
                head -c 300 "$TMP/err"
            elif [ $rc -ne "$want_rc" ]; then
                bad "$name $mode chunk=$chunk: exit $rc, want $want_rc ($status)"
            else
                ok
            fi
        done
    done
done
[ $ncorpus -ge 40 ] && ok || bad "only $ncorpus corpus documents (want 40+)"

# ---- docs/salvage.md's examples, R byte for byte ---------------------------------------
# example S R_lossless R_greedy exit   (S through printf %b: \n is LF)
example() {
    local s=$1 rl=$2 rg=$3 rc=$4 mode want flag got_rc
    printf '%b' "$s" > "$TMP/in"
    for mode in lossless greedy; do
        want=$rl
        flag=
        if [ $mode = greedy ]; then want=$rg; flag=--greedy; fi
        if [ -n "$want" ]; then printf '%s\n' "$want" > "$TMP/want"; else : > "$TMP/want"; fi
        # shellcheck disable=SC2086
        "$TOOL" repair $flag "$TMP/in" > "$TMP/got" 2> /dev/null
        got_rc=$?
        if ! cmp -s "$TMP/want" "$TMP/got"; then
            bad "docs/salvage.md example '$s' $mode: want '$want', got '$(cat "$TMP/got")'"
        elif [ $got_rc -ne "$rc" ]; then
            bad "docs/salvage.md example '$s' $mode: exit $got_rc, want $rc"
        else
            ok
        fi
    done
}
spaces300=$(printf '%300s' '')
example '{"a":1,"b":[true,fa' '{"a":1,"b":[true]}' '{"a":1,"b":[true]}' 2
example '{"a":1,"b":' '{"a":1}' '{"a":1}' 2
example '{"a":12' '{}' '{}' 2
example '{"a":"hel' '{}' '{"a":"hel"}' 2
example '{"a":"x\\u00' '{}' '{"a":"x"}' 2
example '[1,2,' '[1,2]' '[1,2]' 2
example '[1, 2 ' '[1, 2]' '[1, 2]' 2
example '{"k' '{}' '{}' 2
example '{"a":1,"b":x}' '{"a":1}' '{"a":1}' 3
example '"abc' '' '"abc"' 2
example '12' '' '' 2
example "{\"a\":1$spaces300" '{"a":1}' '{"a":1}' 4
example "[[[[\n$(printf '%270s' '')" '[[[[]]]]' '[[[[]]]]' 2
example '{"a":[]}\n' '{"a":[]}' '{"a":[]}' 0
example '{"a":[]} ok' '{"a":[]}' '{"a":[]}' 3
example '{"a":1]' '{"a":1}' '{"a":1}' 3
example '[1x' '[]' '[]' 3

# ---- whitespace allowance per depth ------------------------------------------------
# json.dumps(x, indent=4) of 70 nested arrays around 1: the deepest run is an
# LF and 280 spaces, under the limit 256 + 8 * 70 = 816 (above 256 alone).
awk 'BEGIN {
    d = 70
    for (i = 0; i < d; i++) { printf "%*s[\n", 4 * i, "" }
    printf "%*s1\n", 4 * d, ""
    for (i = d - 1; i >= 0; i--) { printf "%*s]", 4 * i, ""; if (i) printf "\n" }
}' > "$TMP/deep.json"
"$TOOL" check "$TMP/deep.json" > "$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "check of a pretty text 70 deep: exit $rc, want 0: $(head -c 300 "$TMP/out")"
"$TOOL" repair "$TMP/deep.json" > "$TMP/got" 2>&1
rc=$?
{ cat "$TMP/deep.json"; echo; } > "$TMP/want"
if [ $rc -eq 0 ] && cmp -s "$TMP/want" "$TMP/got"; then ok; else bad "repair of a pretty text 70 deep: exit $rc or R differs"; fi
# with no allowance per depth (--whitespace-indent 0) the 257th byte of the
# deepest run is a runaway: the run starts at the LF before the 280 spaces
"$TOOL" check --whitespace-indent 0 "$TMP/deep.json" > "$TMP/out" 2>&1
rc=$?
[ $rc -eq 4 ] && ok || bad "check --whitespace-indent 0 of a pretty text 70 deep: exit $rc, want 4"
# the allowance is I per open container: at depth 70 a run of 256 + 4 * 70 =
# 536 bytes is a runaway with --whitespace-indent 4, one of 535 is not
{ printf '%.0s[' $(seq 70); printf '%535s' ''; } > "$TMP/below"
{ printf '%.0s[' $(seq 70); printf '%536s' ''; } > "$TMP/at"
"$TOOL" check --whitespace-indent 4 "$TMP/below" > /dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok || bad "535 spaces at depth 70, --whitespace-indent 4: exit $rc, want 2 (truncated)"
"$TOOL" repair --report --whitespace-indent 4 "$TMP/at" > "$TMP/got" 2>&1
rc=$?
grep -q '^{"status":"runaway","bytes_kept":70,' "$TMP/got" && [ $rc -eq 4 ] && ok ||
    bad "536 spaces at depth 70, --whitespace-indent 4: exit $rc, $(head -c 200 "$TMP/got")"
"$TOOL" repair --whitespace-indent x "$TMP/at" > /dev/null 2> "$TMP/err"
rc=$?
[ $rc -ne 0 ] && grep -q -- '--whitespace-indent' "$TMP/err" && ok ||
    bad "--whitespace-indent x: exit $rc, $(head -c 200 "$TMP/err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
