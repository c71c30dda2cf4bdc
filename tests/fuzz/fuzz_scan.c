// seeds: corpus/json tests/fuzz/regress
/* libFuzzer target: the structural scanner's paths (src/scan.h: portable,
 * SSE2, AVX2 where the CPU has it).
 *
 * Input: header bytes (fuzz_common.h), then the text S (its first 4096
 * bytes).
 *   header byte 0, bits: 0 max_token 70 (else 64 MiB); 1 whitespace_limit 40
 *     and whitespace_indent 3 (else 256 and 8); 2 a callback (its events
 *     join the transcript); 3 repeat_limit 128; 4 no string chunks.
 *   header bytes 1..: piece sizes for the split run, 3 * b + 1 (1..190,
 *     cycled, so pieces of 64 bytes and more meet the blocks too); pieces
 *     of 1, 2, 3 and 200 bytes when there are none.
 *
 * Invariants checked:
 * - on every 64-byte window of S, every supported path's classifier gives
 *   the same masks as the portable one;
 * - the tracker's transcript (every event with its pointer, depth, offsets,
 *   first flag and text; status, bytes, depth and whitespace run after
 *   every piece; finish status, error and message; both salvages with their
 *   closers and closed pointers) is the same on every path, fed whole and
 *   split at the header's piece sizes. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "scan.h"

#define FS_MAX_TEXT 4096

static int fs_event(void *ctx, const llmj_event *ev)
{
    fz_buf *b = ctx;
    fz_addf(b, "E%d d%zu o%llu-%llu f%d ", (int)ev->type, ev->depth,
            (unsigned long long)ev->offset, (unsigned long long)ev->end, ev->first);
    fz_add_lp(b, ev->pointer, ev->pointer_len);
    fz_add_lp(b, ev->text ? ev->text : "", ev->text ? ev->len : 0);
    return 0;
}

static void fs_salvage(fz_buf *b, llmj_tracker *t, int mode)
{
    llmj_salvage sv;
    llmj_status st = llmj_tracker_salvage(t, (llmj_salvage_mode)mode, &sv);
    fz_addf(b, "S%d %d %d k%llu e%d@%llu:%llu:%llu r%d@%llu ", mode, (int)st, (int)sv.status,
            (unsigned long long)sv.bytes_kept, (int)sv.error.code,
            (unsigned long long)sv.error.offset, (unsigned long long)sv.error.line,
            (unsigned long long)sv.error.column, (int)sv.runaway,
            (unsigned long long)sv.runaway_offset);
    fz_add_lp(b, sv.closer, sv.closer_len);
    for (size_t i = 0; i < sv.nclosed; i++)
        fz_add_lp(b, sv.closed_pointer, sv.closed_len[i]);
    fz_add_lp(b, sv.error.message, strlen(sv.error.message));
}

/* The transcript of S[0:n] on the path LLMJ_SCAN names; sizes NULL: whole. */
static void fs_run(fz_buf *out, const unsigned char *s, size_t n, const llmj_config *cfg,
                   int with_cb, const size_t *sizes, size_t nsizes)
{
    llmj_tracker *t;
    CHECK(llmj_tracker_new(&t, cfg, with_cb ? fs_event : NULL, out) == LLMJ_OK, "new");
    size_t off = 0, k = 0;
    llmj_status st = LLMJ_OK;
    while (off < n && st == LLMJ_OK) {
        size_t step = sizes ? sizes[k++ % nsizes] : n - off;
        if (step > n - off)
            step = n - off;
        st = llmj_tracker_feed(t, s + off, step);
        off += step;
        fz_addf(out, "F%d b%llu d%zu w%llu\n", (int)st, (unsigned long long)llmj_tracker_bytes(t),
                llmj_tracker_depth(t), (unsigned long long)llmj_tracker_whitespace_run(t));
    }
    fs_salvage(out, t, 1);
    st = llmj_tracker_finish(t, LLMJ_END_TRUNCATED);
    const llmj_error *e = llmj_tracker_error(t);
    fz_addf(out, "END %d max%zu err%d@%llu ", (int)st, llmj_tracker_max_depth(t), (int)e->code,
            (unsigned long long)e->offset);
    fz_add_lp(out, e->message, strlen(e->message));
    fs_salvage(out, t, 0);
    fs_salvage(out, t, 1);
    llmj_tracker_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_split_input(&in, data, size);
    unsigned f = fz_flags(&in);
    const unsigned char *S = in.text;
    size_t n = in.len < FS_MAX_TEXT ? in.len : FS_MAX_TEXT;

    int paths[LLMJ__SCAN_PATHS], np = 0;
    for (int k = 0; k < LLMJ__SCAN_PATHS; k++)
        if (llmj__scan_path_supported(k))
            paths[np++] = k;

    /* the classifiers, on every window */
    for (size_t w = 0; w + 64 <= n; w++) {
        llmj__masks a = llmj__classify(LLMJ__SCAN_PORTABLE, S + w);
        for (int k = 0; k < np; k++) {
            llmj__masks b = llmj__classify(paths[k], S + w);
            CHECK(a.special == b.special && a.ws == b.ws,
                  "%s and portable classify the window at %zu differently",
                  llmj__scan_path_name(paths[k]), w);
        }
    }

    llmj_config cfg;
    llmj_config_init(&cfg);
    if (f & 1)
        cfg.max_token = 70;
    if (f & 2) {
        cfg.whitespace_limit = 40;
        cfg.whitespace_indent = 3;
    }
    if (f & 8)
        cfg.repeat_limit = 128;
    if (f & 16)
        cfg.string_chunks = 0;
    int with_cb = (f & 4) != 0;

    size_t sizes[FZ_HEADER_MAX];
    size_t ns = 0;
    for (size_t i = 1; i < in.nhdr; i++)
        sizes[ns++] = (size_t)in.hdr[i] * 3 + 1;
    if (ns == 0) {
        static const size_t dflt[] = { 1, 2, 3, 200 };
        memcpy(sizes, dflt, sizeof dflt);
        ns = 4;
    }

    /* the transcripts, whole and split, on every path */
    for (int split = 0; split <= 1; split++) {
        fz_buf base = { 0 };
        setenv("LLMJ_SCAN", "portable", 1);
        fs_run(&base, S, n, &cfg, with_cb, split ? sizes : NULL, ns);
        for (int k = 0; k < np; k++) {
            if (paths[k] == LLMJ__SCAN_PORTABLE)
                continue;
            fz_buf got = { 0 };
            setenv("LLMJ_SCAN", llmj__scan_path_name(paths[k]), 1);
            fs_run(&got, S, n, &cfg, with_cb, split ? sizes : NULL, ns);
            CHECK(fz_eq(&base, &got),
                  "%s and portable transcripts differ (%s) at byte %zu of %zu/%zu",
                  llmj__scan_path_name(paths[k]), split ? "split" : "whole",
                  fz_diff_at(&base, &got), base.n, got.n);
            fz_free(&got);
        }
        fz_free(&base);
    }
    unsetenv("LLMJ_SCAN");
    return 0;
}
