#!/usr/bin/env bash
# CLI goldens. For every corpus/json/NAME.json, `llmjson repair --report`
# and `llmjson repair --report --greedy` must print exactly the two lines of
# NAME.expect (derived from shared/SALVAGE.md by hand), whole and fed in
# pieces of 1, 3 and 7 bytes, with the exit status of the report's status.
# Then every example row of SALVAGE.md's table, byte for byte, through plain
# `llmjson repair` and `llmjson repair --greedy` (R and a newline, nothing
# when R is empty).
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

# ---- SALVAGE.md's examples, R byte for byte ---------------------------------------
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
            bad "SALVAGE.md example '$s' $mode: want '$want', got '$(cat "$TMP/got")'"
        elif [ $got_rc -ne "$rc" ]; then
            bad "SALVAGE.md example '$s' $mode: exit $got_rc, want $rc"
        else
            ok
        fi
    done
}
spaces300=$(printf '%300s' '')
example '{"a":1,"b":[true,fa' '{"a":1,"b":[true]}' '{"a":1,"b":[true]}' 2
example '{"a":1,"b":' '{"a":1}' '{"a":1}' 2
example '{"a":12' '{}' '{"a":12}' 2
example '{"a":"hel' '{}' '{"a":"hel"}' 2
example '{"a":"x\\u00' '{}' '{"a":"x"}' 2
example '[1,2,' '[1,2]' '[1,2]' 2
example '[1, 2 ' '[1, 2]' '[1, 2]' 2
example '{"k' '{}' '{}' 2
example '{"a":1,"b":x}' '{"a":1}' '{"a":1}' 3
example '"abc' '' '"abc"' 2
example '12' '' '12' 2
example "{\"a\":1$spaces300" '{"a":1}' '{"a":1}' 4
example '{"a":[]}\n' '{"a":[]}' '{"a":[]}' 0
example '{"a":[]} ok' '{"a":[]}' '{"a":[]}' 3
example '{"a":1]' '{"a":1}' '{"a":1}' 3
example '[1x' '[]' '[]' 3

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
