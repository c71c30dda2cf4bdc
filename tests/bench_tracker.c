/* Benchmark: the tracker against bare yajl (yajl_parse with no callbacks) on
 * the same LLM-like document (~4 MB: objects with short keys, strings of
 * 20-200 characters, numbers, some unicode) at 4-byte pieces, 64 KiB pieces
 * and whole; a long string fed 4 bytes at a time (16 KiB and 64 KiB, to see
 * linearity); and llmj_tracker_salvage() at 10 KiB, 1 MiB and 32 MiB into a
 * document. Figures are printed, not asserted. Goals (the issue): >= 5x
 * bare yajl at 4-byte pieces, linear on the long string, within 1.25x of
 * yajl's time at 64 KiB pieces, salvage time flat. */
#include "ref/ref_docs.c"

#include <time.h>

#include <yajl/yajl_parse.h>

#include <llmjson.h>
#include "support/testutil.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the contenders ------------------------------------------------------------ */

static int bench_failed;

static void run_yajl(const char *s, size_t n, size_t piece)
{
    yajl_handle y = yajl_alloc(NULL, NULL, NULL);
    if (!y)
        abort();
    for (size_t off = 0; off < n;) {
        size_t k = piece && piece < n - off ? piece : n - off;
        if (yajl_parse(y, (const unsigned char *)s + off, k) != yajl_status_ok) {
            bench_failed = 1;
            break;
        }
        off += k;
    }
    if (yajl_complete_parse(y) != yajl_status_ok)
        bench_failed = 1;
    yajl_free(y);
}

static int noop_cb(void *ctx, const llmj_event *ev)
{
    (void)ev;
    ++*(size_t *)ctx;
    return 0;
}

static void run_tracker(const char *s, size_t n, size_t piece, int with_cb)
{
    size_t events = 0;
    llmj_tracker *t = NULL;
    if (llmj_tracker_new(&t, NULL, with_cb ? noop_cb : NULL, &events) != LLMJ_OK)
        abort();
    for (size_t off = 0; off < n;) {
        size_t k = piece && piece < n - off ? piece : n - off;
        if (llmj_tracker_feed(t, s + off, k) != LLMJ_OK) {
            bench_failed = 1;
            break;
        }
        off += k;
    }
    if (llmj_tracker_finish(t, LLMJ_END_NORMAL) != LLMJ_OK)
        bench_failed = 1;
    if (with_cb && events == 0)
        bench_failed = 1;
    llmj_tracker_free(t);
}

enum { YAJL = 0, TRACKER_CB = 1, TRACKER_NOCB = 2 };

/* Best of `reps` runs, in seconds. */
static double best_time(int who, const char *s, size_t n, size_t piece, int reps)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        if (who == YAJL)
            run_yajl(s, n, piece);
        else
            run_tracker(s, n, piece, who == TRACKER_CB);
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    return best;
}

static double mbps(size_t n, double secs)
{
    return (double)n / 1e6 / secs;
}

static void compare_row(const char *label, const char *s, size_t n, size_t piece, int reps)
{
    /* yajl is quadratic on a long string in small pieces: one run is plenty */
    double ty = best_time(YAJL, s, n, piece, n < 1000000 ? 1 : reps);
    double tc = best_time(TRACKER_CB, s, n, piece, reps);
    double tn = best_time(TRACKER_NOCB, s, n, piece, reps);
    printf("%-26s %9.1f %12.1f %12.1f   %6.2fx %6.2fx   %6.2f %6.2f\n", label, mbps(n, ty),
           mbps(n, tc), mbps(n, tn), ty / tc, ty / tn, tc / ty, tn / ty);
}

/* ---- salvage time -------------------------------------------------------------- */

static void salvage_at(llmj_tracker *t, const char *s, size_t *fed, size_t upto,
                       const char *label)
{
    if (upto > *fed) {
        if (llmj_tracker_feed(t, s + *fed, upto - *fed) != LLMJ_OK)
            bench_failed = 1;
        *fed = upto;
    }
    const int calls = 200000;
    double best[2] = { 1e30, 1e30 };
    uint64_t sink = 0;
    for (int mode = 0; mode <= 1; mode++) {
        for (int r = 0; r < 3; r++) {
            double t0 = now_s();
            for (int i = 0; i < calls; i++) {
                llmj_salvage sv;
                if (llmj_tracker_salvage(t, (llmj_salvage_mode)mode, &sv) != LLMJ_OK)
                    bench_failed = 1;
                sink += sv.bytes_kept + sv.nclosed;
            }
            double dt = (now_s() - t0) / calls * 1e9;
            if (dt < best[mode])
                best[mode] = dt;
        }
    }
    printf("salvage at %-7s (depth %zu): %7.1f ns/call lossless, %7.1f ns/call greedy "
           "(checksum %llu)\n",
           label, llmj_tracker_depth(t), best[0], best[1], (unsigned long long)(sink % 1000));
}

int main(void)
{
    /* the LLM-like document */
    ref_rng r = { 12345 };
    rbuf doc = { 0 };
    ref_gen_llm_object(&r, &doc, (size_t)4 << 20);
    if (!ref_is_json(doc.d, doc.n)) {
        fprintf(stderr, "bench: the generated document is not valid JSON\n");
        return 1;
    }
    printf("LLM-like document: %.2f MB\n\n", (double)doc.n / 1e6);
    printf("%-26s %9s %12s %12s   %-15s   %s\n", "", "yajl MB/s", "tracker+cb", "tracker",
           "speed vs yajl", "time vs yajl");
    printf("%-26s %9s %12s %12s   %6s %6s   %6s %6s\n", "", "", "MB/s", "MB/s", "+cb", "no cb",
           "+cb", "no cb");
    compare_row("document, 4-byte pieces", doc.d, doc.n, 4, 3);
    compare_row("document, 64 KiB pieces", doc.d, doc.n, 65536, 5);
    compare_row("document, whole", doc.d, doc.n, 0, 5);

    /* one long string, 4 bytes at a time */
    for (size_t len = 16384; len <= 65536; len *= 4) {
        rbuf str = { 0 };
        rb_addc(&str, '"');
        ref_rng rs = { 7 };
        while (str.n < len + 1) {
            if (ref_randn(&rs, 50) == 0)
                rb_add(&str, "\xc3\xa9", 2);
            else
                rb_addc(&str, (char)('a' + ref_randn(&rs, 26)));
        }
        rb_addc(&str, '"');
        char label[64];
        snprintf(label, sizeof label, "%zu KiB string, 4-byte", len / 1024);
        compare_row(label, str.d, str.n, 4, 5);
        free(str.d);
    }
    printf("(speed ratio: tracker MB/s / yajl MB/s; time ratio: tracker time / yajl time)\n");
    printf("goals: >= 5x at 4-byte pieces; linear on the long string (same MB/s at 16 and "
           "64 KiB); time within 1.25x of yajl at 64 KiB pieces\n\n");

    /* salvage time at 10 KiB, 1 MiB and 32 MiB into a document */
    rbuf big = { 0 };
    ref_rng rb = { 999 };
    ref_gen_llm_object(&rb, &big, (size_t)33 << 20);
    llmj_tracker *t = NULL;
    if (llmj_tracker_new(&t, NULL, NULL, NULL) != LLMJ_OK)
        return 1;
    size_t fed = 0;
    salvage_at(t, big.d, &fed, (size_t)10 << 10, "10 KiB");
    salvage_at(t, big.d, &fed, (size_t)1 << 20, "1 MiB");
    salvage_at(t, big.d, &fed, (size_t)32 << 20, "32 MiB");
    llmj_tracker_free(t);
    printf("goal: salvage time flat (O(depth), not O(bytes))\n");
    free(big.d);
    free(doc.d);
    if (bench_failed) {
        fprintf(stderr, "bench: a parser rejected the input\n");
        return 1;
    }
    return 0;
}
