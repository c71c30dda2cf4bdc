#!/usr/bin/env bash
# The man pages against what they describe, so they cannot drift:
# - llmjson(1) and `llmjson --help` name the same commands (one section
#   `.SS "llmjson CMD"` each);
# - for every command, the long options `llmjson help CMD` mentions and the
#   ones its section of llmjson(1) mentions are the same set;
# - every option llmjson(1) mentions anywhere is one some help lists, and the
#   options of `llmjson --help` are in llmjson(1);
# - every exit status a help lists (the numbers in its paragraphs that begin
#   "exit status") has an entry in llmjson(1)'s EXIT STATUS section (the
#   section may list more: a help lists only the statuses of its command);
# - llmjson(3) names every status of include/llmjson/common.h and every
#   header of include/llmjson/;
# - both pages carry the tool's version, and groff (when installed) reads
#   them without a warning.
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
MAN1=$ROOT/docs/man/llmjson.1
MAN3=$ROOT/docs/man/llmjson.3
[ -x "$TOOL" ] || { echo "FAIL: $TOOL not built"; exit 1; }
[ -f "$MAN1" ] && [ -f "$MAN3" ] || { echo "FAIL: docs/man/llmjson.1 or llmjson.3 missing"; exit 1; }
bad=0
fail() { echo "FAIL: $*"; bad=1; }

# roff to plain enough text to search: \- is -, no font escapes, \(aq is '
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e "s/\\\\(aq/'/g" "$@"; }
opts() { grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
# the section of llmjson(1) for command $1: from its .SS line to the next .SS/.SH
man_section() {
    plain "$MAN1" | awk -v h=".SS \"llmjson $1\"" '
        $0 == h { on = 1; next }
        on && /^\.S[SH]/ { exit }
        on { print }'
}
# the numbers in the paragraphs of a help text that begin "exit status"
help_exits() {
    awk '/^exit status/ { on = 1 } /^$/ { on = 0 } on { print }' | grep -oE '\b[0-9]+\b' | sort -un
}
# one word per line, as a sorted set
set_of() { tr ' ' '\n' | sed '/^$/d' | sort -u; }
missing() { comm -23 <(set_of <<< "$1") <(set_of <<< "$2") | tr '\n' ' ' | sed 's/ $//'; }

usage=$("$TOOL" --help) || { echo "FAIL: llmjson --help failed"; exit 1; }
help_cmds=$(awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' <<< "$usage" | tr '\n' ' ')
man_cmds=$(sed -n 's/^\.SS "llmjson \([a-z]*\)"$/\1/p' "$MAN1" | tr '\n' ' ')
[ -n "$help_cmds" ] || fail "no commands found in llmjson --help"
m=$(missing "$help_cmds" "$man_cmds"); [ -z "$m" ] || fail "commands in llmjson --help without a section in llmjson.1: $m"
m=$(missing "$man_cmds" "$help_cmds"); [ -z "$m" ] || fail "sections of llmjson.1 for commands llmjson --help does not list: $m"

all_help_opts=$(opts <<< "$usage")
all_exits=$(help_exits <<< "$usage")
ncmd=0
for c in $help_cmds; do
    h=$("$TOOL" help "$c") || { fail "llmjson help $c failed"; continue; }
    ncmd=$((ncmd + 1))
    ho=$(opts <<< "$h")
    mo=$(man_section "$c" | opts)
    all_help_opts+=$'\n'$ho
    all_exits+=$'\n'$(help_exits <<< "$h")
    m=$(missing "$ho" "$mo"); [ -z "$m" ] || fail "llmjson help $c lists, its section of llmjson.1 does not: $m"
    m=$(missing "$mo" "$ho"); [ -z "$m" ] || fail "the $c section of llmjson.1 names, llmjson help $c does not: $m"
done
m=$(missing "$(opts <<< "$usage")" "$(plain "$MAN1" | opts)")
[ -z "$m" ] || fail "llmjson --help lists, llmjson.1 does not: $m"
m=$(missing "$(plain "$MAN1" | opts)" "$all_help_opts")
[ -z "$m" ] || fail "llmjson.1 names options no help lists: $m"

man_exits=$(awk '/^\.SH "EXIT STATUS"/ { on = 1; next } on && /^\.SH/ { exit }
                 on && prev == ".TP" && /^\.B [0-9]+$/ { print $2 } { prev = $0 }' "$MAN1" | sort -un)
help_exit_set=$(sort -un <<< "$all_exits" | sed '/^$/d')
[ -n "$help_exit_set" ] || fail "no exit status found in the help texts"
m=$(missing "$help_exit_set" "$man_exits")
[ -z "$m" ] || fail "exit statuses the help lists without an entry in llmjson.1's EXIT STATUS: $m"

# llmjson(3): the statuses and the headers
statuses=$(sed -n '/typedef enum llmj_status/,/} llmj_status;/p' "$ROOT/include/llmjson/common.h" |
           grep -oE '^ *LLMJ_[A-Z0-9_]+' | tr -d ' ')
[ -n "$statuses" ] || fail "no status found in include/llmjson/common.h"
text3=$(plain "$MAN3")
for s in $statuses; do
    grep -qw -- "$s" <<< "$text3" || fail "llmjson.3 does not name the status $s (include/llmjson/common.h)"
done
for hd in "$ROOT"/include/llmjson/*.h; do
    grep -qF "<llmjson/$(basename "$hd")>" <<< "$text3" || fail "llmjson.3 does not name the header <llmjson/$(basename "$hd")>"
done

ver=$("$TOOL" --version | awk '{ print $2 }')
for p in "$MAN1" "$MAN3"; do
    grep -q "^\.TH .*\"llmjson $ver\"" "$p" || fail "$(basename "$p"): its .TH line does not say llmjson $ver"
done
if command -v groff > /dev/null; then
    for p in "$MAN1" "$MAN3"; do
        w=$(groff -man -ww -z "$p" 2>&1)
        [ -z "$w" ] || fail "groff warns about $(basename "$p"): $w"
    done
else
    echo "NOTICE: groff not installed (apt-get install groff-base): the man pages' roff not checked"
fi

[ "$bad" -eq 0 ] || exit 1
echo "manpage.sh: ok ($ncmd commands; exit statuses in the help: $(echo $help_exit_set), in llmjson.1:" \
     "$(echo $man_exits); $(echo $statuses | wc -w) statuses in llmjson.3)"
