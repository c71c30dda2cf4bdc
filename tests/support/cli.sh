# Helpers for the CLI tests (tests/cli/*.sh), sourced after TOOL and TMP are
# set:   . "$ROOT/tests/support/cli.sh"
# Counts in $pass and $fail; `run` leaves stdout in $TMP/out, stderr in
# $TMP/err and the exit status in $rc.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run ARGS...: run the tool; stdout in $TMP/out, stderr in $TMP/err, status in $rc
run() {
    "$TOOL" "$@" > "$TMP/out" 2> "$TMP/err"
    rc=$?
}
want_rc() { # want_rc N what
    if [ "$rc" -eq "$1" ]; then ok; else bad "$2: exit $rc, want $1 (stderr: $(head -c 200 "$TMP/err"))"; fi
}
want_err() { # want_err ERE what   (stderr must be one line matching ERE)
    if [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -Eq -- "$1" "$TMP/err"; then ok
    else bad "$2: stderr '$(cat "$TMP/err")' does not match /$1/"; fi
}

# start_server DIR: the loopback test server ($SERVER) over DIR; sets SPID,
# PORT and U (http://127.0.0.1:PORT). The caller's EXIT trap kills $SPID.
start_server() {
    "$SERVER" --dir "$1" --idle 20 --life 120 > "$TMP/port" 2> "$TMP/slog" &
    SPID=$!
    for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
    PORT=$(head -n 1 "$TMP/port")
    U="http://127.0.0.1:$PORT"
}
