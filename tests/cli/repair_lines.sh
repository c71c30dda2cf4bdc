#!/usr/bin/env bash
# `llmjson repair --lines` in bounded memory: a line longer than --max-line
# (default: the token limit, 64 MiB) is its own invalid report and the next
# lines are still repaired; /dev/zero-like input (no LF at all) does not grow
# the tool's memory.
# Environment: LLMJ_TOOL (build/llmjson).
set -u
TOOL=${LLMJ_TOOL:?LLMJ_TOOL must name the llmjson binary}
[ -x "$TOOL" ] || { echo "FAIL: $TOOL is not executable"; echo "0 passed, 1 failed"; exit 1; }
TMP=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$TMP"' EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# want FILE LINE_NO EXPECTED: line LINE_NO of FILE is exactly EXPECTED
want() {
    local got
    got=$(sed -n "$2p" "$1")
    if [ "$got" = "$3" ]; then ok; else bad "line $2: want '$3', got '$got'"; fi
}

# ---- the limit, exactly: 100 bytes pass, 101 are too long --------------------
a98=$(printf 'a%.0s' $(seq 98))
{ printf '"%s"\n' "$a98"; printf '"%sa"\n' "$a98"; printf '"[1,2"\n'; } > "$TMP/in"
"$TOOL" repair --lines --max-line 100 "$TMP/in" > "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "--max-line 100: exit $rc: $(head -c 300 "$TMP/err")"
want "$TMP/out" 1 "{\"status\":\"invalid\",\"bytes_kept\":0,\"closed\":[],\"error\":{\"offset\":0,\"line\":1,\"column\":1,\"message\":\"value expected\"},\"text\":\"\"}"
want "$TMP/out" 2 '{"status":"invalid","bytes_kept":0,"closed":[],"error":{"offset":201,"line":2,"column":101,"message":"line longer than 100 bytes (--max-line)"},"text":""}'
want "$TMP/out" 3 '{"status":"truncated","bytes_kept":2,"closed":[""],"error":null,"text":"[1]"}'
[ "$(wc -l < "$TMP/out")" -eq 3 ] && ok || bad "--max-line 100: $(wc -l < "$TMP/out") reports, want 3"

# ---- big lines between good ones, and a last line without LF ----------------
{ printf '"[true"\n'; head -c 3000000 /dev/zero; printf '\n"{\\"a\\":1"\n'; head -c 5000 /dev/zero; } > "$TMP/in"
"$TOOL" repair --lines --max-line 4096 "$TMP/in" > "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "big lines: exit $rc: $(head -c 300 "$TMP/err")"
want "$TMP/out" 1 '{"status":"truncated","bytes_kept":5,"closed":[""],"error":null,"text":"[true]"}'
want "$TMP/out" 2 '{"status":"invalid","bytes_kept":0,"closed":[],"error":{"offset":4104,"line":2,"column":4097,"message":"line longer than 4096 bytes (--max-line)"},"text":""}'
want "$TMP/out" 3 '{"status":"truncated","bytes_kept":1,"closed":[""],"error":null,"text":"{}"}'
want "$TMP/out" 4 '{"status":"invalid","bytes_kept":0,"closed":[],"error":{"offset":3004116,"line":4,"column":4097,"message":"line longer than 4096 bytes (--max-line)"},"text":""}'

# ---- the default limit is the token limit (64 MiB) -----------------------------
head -c 70000000 /dev/zero | "$TOOL" repair --lines > "$TMP/out" 2> "$TMP/err"
rc=$?
[ $rc -eq 0 ] && ok || bad "default limit: exit $rc: $(head -c 300 "$TMP/err")"
want "$TMP/out" 1 '{"status":"invalid","bytes_kept":0,"closed":[],"error":{"offset":67108864,"line":1,"column":67108865,"message":"line longer than 67108864 bytes (--max-line)"},"text":""}'

# ---- memory stays flat on 300 MB of NUL bytes ------------------------------------
# The tool reads a FIFO; once it has answered the line after the 300 MB one,
# its peak resident size (VmHWM) is read while it still runs.
mkfifo "$TMP/fifo" || exit 1
"$TOOL" repair --lines --max-line 65536 < "$TMP/fifo" > "$TMP/out" 2> "$TMP/err" &
pid=$!
exec 3> "$TMP/fifo"
head -c 300000000 /dev/zero >&3
printf '\n"[1 "\n' >&3
for _ in $(seq 1200); do
    [ "$(wc -l < "$TMP/out")" -ge 2 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
exec 3>&-
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] && ok || bad "300 MB line: exit $rc: $(head -c 300 "$TMP/err")"
want "$TMP/out" 1 '{"status":"invalid","bytes_kept":0,"closed":[],"error":{"offset":65536,"line":1,"column":65537,"message":"line longer than 65536 bytes (--max-line)"},"text":""}'
want "$TMP/out" 2 '{"status":"truncated","bytes_kept":2,"closed":[""],"error":null,"text":"[1]"}'
# 300 MB held would show as 300000 kB or more; the tool (even under ASan)
# stays far below 100000 kB.
if [ -n "$hwm" ] && [ "$hwm" -lt 100000 ]; then ok; else bad "300 MB line: peak RSS ${hwm:-unknown} kB, want < 100000"; fi
echo "repair --lines: peak RSS ${hwm:-unknown} kB over a 300 MB line (--max-line 65536)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
