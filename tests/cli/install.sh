#!/usr/bin/env bash
# make install / make uninstall of this build into a DESTDIR under the
# scratch folder, with two prefixes in turn (/usr/local with the default
# directories, then /opt/llmj-test with its own LIBDIR and MANDIR):
# - the files installed are exactly the expected ones, llmjson.pc names the
#   prefix, libdir and includedir of that install (so it was rebuilt for it);
# - a program that uses the library (and the HTTP API, unless this is a
#   build without HTTP) compiles and links with the README's lines against
#   each install: `pkg-config --cflags --libs llmjson` (shared), and the
#   static line (libllmjson.a; the system libraries shared); it runs, needs
#   no libcurl of its own, and prints what the installed tool prints;
# - in a build without HTTP: no libcurl in llmjson.pc, -DLLMJ_NO_HTTP in its
#   flags, and the installed tool's `stream` says it has no HTTP (exit 1);
# - make uninstall leaves no file behind.
# Nothing is written outside the scratch folder: every install has a DESTDIR.
set -u
ROOT=${LLMJ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOL=${LLMJ_TOOL:-$ROOT/build/llmjson}
BUILD=${LLMJ_BUILD:-build}
HTTP=${LLMJ_HTTP:-1}
CURL=${LLMJ_CURL:-dlopen}
SAN=${LLMJ_SAN:-}
SCRATCH=${LLMJ_SCRATCH:-${TMPDIR:-/tmp}}
fail() { echo "FAIL: $*"; exit 1; }
command -v pkg-config > /dev/null || fail "pkg-config is not installed"
[ -x "$TOOL" ] || fail "$TOOL not built"
mkdir -p "$SCRATCH" || fail "no scratch folder $SCRATCH"
W=$(mktemp -d "$SCRATCH/install.XXXXXX") || fail "mktemp failed"
# the installs below rewrite the build's llmjson.pc for their prefixes: put
# back the one this build had (with its time), so the build is left as found
B=$BUILD
[[ $B = /* ]] || B=$ROOT/$B
saved=()
for f in "$B/llmjson.pc" "$B/pc.vars"; do [ -f "$f" ] && cp -p "$f" "$W/saved.$(basename "$f")" && saved+=("$f"); done
restore() { for f in "${saved[@]}"; do cp -p "$W/saved.$(basename "$f")" "$f"; done; rm -rf "$W"; }
trap restore EXIT
D=$W/dest
CC=${CC:-cc}
SANFLAGS=()
[ "$SAN" = 1 ] && SANFLAGS=(-fsanitize=address,undefined)

mk() {
    make -C "$ROOT" --no-print-directory BUILD="$BUILD" HTTP="$HTTP" CURL="$CURL" SAN="$SAN" DESTDIR="$D" "$@" \
        > "$W/make.log" 2>&1 || { cat "$W/make.log"; fail "make $* failed"; }
}

cat > "$W/app.c" << 'EOF'
/* A program that uses the library as the README says: <llmjson.h> only. */
#include <llmjson.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *cut = argc > 1 ? argv[1] : "";
    if (llmj_global_init() != LLMJ_OK || llmj_global_init() != LLMJ_OK) /* calls nest */
        return 1;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.keep_text = 1;
    llmj_tracker *t;
    const char *r;
    size_t n;
    if (llmj_tracker_new(&t, &cfg, NULL, NULL) != LLMJ_OK)
        return 1;
    for (size_t i = 0; i < strlen(cut); i++) /* one byte at a time */
        llmj_tracker_feed(t, cut + i, 1);
    llmj_tracker_finish(t, LLMJ_END_TRUNCATED);
    if (llmj_tracker_repair(t, LLMJ_SALVAGE_LOSSLESS, NULL, &r, &n) != LLMJ_OK)
        return 1;
    printf("%s\n%.*s\n", llmj_version(), (int)n, r);
    llmj_tracker_free(t);
#ifdef LLMJ_NO_HTTP
    puts("http: none");
#else
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.url = "http://127.0.0.1:9/v1/chat/completions";
    o.api_key = "";
    llmj_http *h;
    if (llmj_http_new(&h, NULL, &o, NULL, NULL) != LLMJ_OK)
        return 1;
    printf("http: %s\n", llmj_http_url(h));
    llmj_http_free(h);
#endif
    llmj_global_cleanup();
    llmj_global_cleanup();
    return 0;
}
EOF

CUT='{"a":[1,{"b":"x'
want_r=$("$TOOL" repair <<< "$CUT" 2> /dev/null)
want_v=$("$TOOL" --version | awk '{ print $2 }')
if [ "$HTTP" = 0 ]; then want_http='http: none'; else want_http='http: http://127.0.0.1:9/v1/chat/completions'; fi
want=$(printf '%s\n%s\n%s' "$want_v" "$want_r" "$want_http")

# the files an install holds, relative to DESTDIR + prefix
expected() { # prefix libdir mandir
    {
        echo "bin/llmjson"
        echo "include/llmjson.h"
        for h in "$ROOT"/include/llmjson/*.h; do echo "include/llmjson/$(basename "$h")"; done
        for f in libllmjson.a libllmjson.so libllmjson.so.0 "libllmjson.so.$want_v" pkgconfig/llmjson.pc; do
            echo "$2/$f"
        done
        for m in "$ROOT"/docs/man/*.[1-8]; do echo "$3/man${m##*.}/$(basename "$m")"; done
    } | sed "s|^$1/||" | sort
}

check_install() { # prefix libdir mandir [make variables...]
    local p=$1 libdir=$2 mandir=$3
    shift 3
    mk install PREFIX="$p" "$@"
    local got exp
    got=$(cd "$D$p" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
    exp=$(expected "$p" "${libdir#"$p"/}" "${mandir#"$p"/}")
    [ "$got" = "$exp" ] || fail "install PREFIX=$p: the files differ from the expected ones:"$'\n'"$(diff <(echo "$exp") <(echo "$got"))"
    export PKG_CONFIG_PATH=$D$libdir/pkgconfig
    unset PKG_CONFIG_SYSROOT_DIR
    for v in prefix:"$p" libdir:"$libdir" includedir:"$p/include"; do
        local got_v
        got_v=$(pkg-config --variable="${v%%:*}" llmjson) || fail "pkg-config cannot read $D$libdir/pkgconfig/llmjson.pc"
        [ "$got_v" = "${v#*:}" ] || fail "install PREFIX=$p: llmjson.pc has ${v%%:*}=$got_v, expected ${v#*:}"
    done
    if [ "$HTTP" = 0 ]; then
        grep -q 'curl' "$D$libdir/pkgconfig/llmjson.pc" && fail "a build without HTTP: llmjson.pc mentions libcurl"
        grep -q -- '-DLLMJ_NO_HTTP' "$D$libdir/pkgconfig/llmjson.pc" || fail "a build without HTTP: llmjson.pc lacks -DLLMJ_NO_HTTP"
    fi
    grep -rl 'shared/' "$D$p" > "$W/refs" && fail "installed files that refer to shared/: $(cat "$W/refs")"
    [ "$("$D$p/bin/llmjson" --version)" = "llmjson $want_v" ] || fail "the installed tool does not run"
    if [ "$HTTP" = 0 ]; then
        local msg rc
        msg=$("$D$p/bin/llmjson" stream --url http://127.0.0.1:9/ --body /dev/null 2>&1)
        rc=$?
        [ "$rc" -eq 1 ] && grep -q 'built without HTTP' <<< "$msg" ||
            fail "a build without HTTP: llmjson stream exited $rc saying: $msg"
    fi

    # with the staged files where the .pc says they are (the sysroot is DESTDIR)
    export PKG_CONFIG_SYSROOT_DIR=$D
    local out
    # shellcheck disable=SC2046
    "$CC" "${SANFLAGS[@]}" -o "$W/app" "$W/app.c" $(pkg-config --cflags --libs llmjson) 2> "$W/cc.log" ||
        fail "PREFIX=$p: cc app.c \$(pkg-config --cflags --libs llmjson) failed: $(cat "$W/cc.log")"
    readelf -d "$W/app" | grep -q 'NEEDED.*libllmjson\.so\.0' || fail "PREFIX=$p: the shared link did not use libllmjson.so.0"
    readelf -d "$W/app" | grep -q 'NEEDED.*libcurl' && fail "PREFIX=$p: the program links libcurl itself"
    out=$(LD_LIBRARY_PATH=$D$libdir "$W/app" "$CUT") || fail "PREFIX=$p: the shared program failed: $out"
    [ "$out" = "$want" ] || fail "PREFIX=$p: the shared program printed"$'\n'"$out"$'\n'"expected"$'\n'"$want"
    # shellcheck disable=SC2046
    "$CC" "${SANFLAGS[@]}" -o "$W/app-static" "$W/app.c" \
        $(pkg-config --static --cflags --libs llmjson | sed 's/-lllmjson/-l:libllmjson.a/') 2> "$W/cc.log" ||
        fail "PREFIX=$p: the static line failed: $(cat "$W/cc.log")"
    readelf -d "$W/app-static" | grep -q 'NEEDED.*libllmjson' && fail "PREFIX=$p: the static link used libllmjson.so"
    out=$("$W/app-static" "$CUT") || fail "PREFIX=$p: the static program failed: $out"
    [ "$out" = "$want" ] || fail "PREFIX=$p: the static program printed"$'\n'"$out"
    unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
}

check_install /usr/local /usr/local/lib /usr/local/share/man
check_install /opt/llmj-test /opt/llmj-test/lib64 /opt/llmj-test/man LIBDIR=/opt/llmj-test/lib64 MANDIR=/opt/llmj-test/man
mk uninstall PREFIX=/usr/local
mk uninstall PREFIX=/opt/llmj-test LIBDIR=/opt/llmj-test/lib64 MANDIR=/opt/llmj-test/man
left=$(cd "$D" && find . \( -type f -o -type l \))
[ -z "$left" ] || fail "make uninstall left files behind:"$'\n'"$left"
echo "install.sh: ok (two prefixes installed, linked shared and static, run, uninstalled; HTTP=$HTTP)"
