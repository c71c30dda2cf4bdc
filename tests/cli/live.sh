#!/usr/bin/env bash
# llmjson replay --live in a real terminal (tmux): the answer is redrawn in
# place, a string grows between two screen captures, and the final screen
# holds the verdict and the salvage. Without a terminal: plain lines.
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
SCRATCH=${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}
FIX=$ROOT/tests/server/fixtures/openai-json-length.sse
fail() { echo "FAIL: $*"; exit 1; }
command -v tmux > /dev/null || fail "tmux is not installed (.ci/run installs it)"
[ -x "$TOOL" ] || fail "$TOOL not built"

# ---- without a terminal: one line per complete value, then verdict and salvage
out=$("$TOOL" replay --live "$FIX" 2> /dev/null)
rc=$?
[ "$rc" -eq 2 ] || fail "plain --live: exit $rc, expected 2 (truncated)"
grep -qx 'choice 0 /destination = "Lisbon"' <<< "$out" || fail "plain --live: no line for /destination"
grep -q '^verdict: choice 0: truncated, finish length; cut: /itinerary/2 /itinerary ""$' <<< "$out" ||
    fail "plain --live: no verdict line"$'\n'"$out"
grep -q '^salvage: {' <<< "$out" || fail "plain --live: no salvage"
# --choice selects: choice 3 does not exist, so nothing is shown but the end
out=$("$TOOL" replay --live --choice 3 "$FIX" 2> /dev/null)
grep -q 'destination' <<< "$out" && fail "--choice 3 still showed choice 0"
"$TOOL" replay --live --pace 99999 "$FIX" > /dev/null 2>&1 && fail "--pace 99999 accepted"

# ---- in a terminal
SOCK="llmj-live-$$"
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2> /dev/null; }
trap cleanup EXIT
T -f /dev/null new-session -d -x 70 -y 70 -s live \
    "env -u NO_COLOR '$TOOL' replay --live --pace 25 '$FIX'; echo \"EXIT=\$?\"; sleep 60" ||
    fail "tmux did not start"
caps=()
for _ in $(seq 400); do
    cap=$(T capture-pane -p -t live 2> /dev/null)
    caps+=("$cap")
    grep -q '^EXIT=' <<< "$cap" && break
    sleep 0.05
done
final=${caps[${#caps[@]} - 1]}
grep -q '^EXIT=2' <<< "$final" || fail "the live view did not end with exit 2:"$'\n'"$final"
grep -q 'verdict: choice 0: truncated, finish length' <<< "$final" || fail "no verdict on the final screen:"$'\n'"$final"
grep -q 'salvage: {' <<< "$final" || fail "no salvage on the final screen"
grep -A1 'Travesseiros at Piriquita, then the train back to"' <<< "$final" | grep -q 'cut' ||
    fail "the cut string is not marked on the final screen:"$'\n'"$final"
# redrawn in place: the answer's first key is on the screen once
for cap in "${caps[@]}" ; do
    n=$(grep -c '^  "destination": ' <<< "$cap")
    [ "$n" -le 1 ] || fail "\"destination\" shows $n times: frames were not redrawn in place:"$'\n'"$cap"
done
n=$(grep -c '^  "destination": ' <<< "$final")
[ "$n" -eq 1 ] || fail "\"destination\" shows $n times on the final screen:"$'\n'"$final"
grep -q 'bytes .*events/s .*depth .*whitespace .*finish length' <<< "$final" || fail "no status line"
# the runaway margin's limit grows with the depth: 256 + 8 x depth by default
# (in every capture with a status line)
for cap in "${caps[@]}"; do
    line=$(grep -o 'depth [0-9]*  whitespace [0-9]*/[0-9a-z]*' <<< "$cap" | tail -n 1)
    [ -n "$line" ] || continue
    read -r _ d _ run_lim <<< "$line"
    [ "${run_lim#*/}" = $((256 + 8 * d)) ] || fail "status line '$line': the limit at depth $d is $((256 + 8 * d))"
done

# a string grew between two captures: the same row, longer, starting with the old text
grew=0
for ((k = 1; k < ${#caps[@]} && !grew; k++)); do
    mapfile -t a <<< "${caps[k - 1]}"
    mapfile -t b <<< "${caps[k]}"
    for ((i = 0; i < ${#a[@]} && i < ${#b[@]}; i++)); do
        x=${a[i]//▌/}
        y=${b[i]//▌/}
        x=${x%"${x##*[! ]}"}
        y=${y%"${y##*[! ]}"}
        # an open string (the cursor mark after it) that is longer next time
        case ${a[i]} in *': "'*'▌'*) ;; *) continue ;; esac
        if [ "$x" != "$y" ] && [ "${y#"$x"}" != "$y" ]; then
            grew=1
            echo "grew: '$x' -> '$y'"
            break
        fi
    done
done
[ "$grew" -eq 1 ] || fail "no string grew between two of ${#caps[@]} captures"

# reasoning is shown apart from the answer, above it; a tool the provider ran
# is a heading of its own, not a tool call (sessions are left to the cleanup:
# killing the server's last session would race with starting the next)
# the final screen of `replay --live` on a corpus stream, in $cap; its exit status checked
final_screen() { # session stream exit
    T -f /dev/null new-session -d -x 90 -y 40 -s "$1" \
        "env NO_COLOR=1 '$TOOL' replay --live '$ROOT/corpus/streams/$2'; echo \"EXIT=\$?\"; sleep 60" ||
        fail "tmux did not start"
    for _ in $(seq 200); do
        cap=$(T capture-pane -p -t "$1" 2> /dev/null)
        grep -q '^EXIT=' <<< "$cap" && break
        sleep 0.05
    done
    grep -q "^EXIT=$3" <<< "$cap" || fail "$2 did not end with exit $3:"$'\n'"$cap"
}
final_screen think anthropic-thinking.sse 0
order=$(grep -n -e '^-- reasoning --' -e '^Two steps\.' -e '^(1 redacted part)' -e '^-- answer --' \
             -e '^Done\.' <<< "$cap" | cut -d: -f2 | tr '\n' '|')
[ "$order" = "-- reasoning --|Two steps.|(1 redacted part)|-- answer --|Done.|" ] ||
    fail "reasoning not shown apart, above the answer ($order):"$'\n'"$cap"
final_screen srv anthropic-server-tools.sse 2
grep -q '^-- server tool 0: server_tool_use web_search (completed) --' <<< "$cap" ||
    fail "no server tool heading:"$'\n'"$cap"
grep -q 'tool call' <<< "$cap" && fail "a server tool shown as a tool call:"$'\n'"$cap"
echo "live.sh: ok (${#caps[@]} captures)"
