/* Benchmark: the live-UI loop. An LLM-like document (generated here) of 1 KB,
 * 10 KB, 100 KB and 1 MB is fed in 4-character deltas, and after every delta
 * nothing (feed only), a greedy salvage, or a greedy repair (the repaired text
 * a UI renders) is computed; then the same with a partial document (llmj_doc)
 * kept from the events and written out after every delta would be quadratic,
 * so the doc loop only keeps the tree. Printed: the time per document, and
 * the growth exponent from 100 KB to 1 MB (1.0 is linear). Goal (issue 11):
 * the repair loop within twice the salvage loop, exponent <= 1.1. Figures
 * are printed, not asserted. */
#include "ref/ref_docs.c"

#include <math.h>
#include <time.h>

#include <llmjson.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

enum { L_FEED, L_SALVAGE, L_REPAIR, L_DOC, L_COPY, L_N };
static const char *const k_loop[L_N] = {
    "feed only", "feed + salvage", "feed + repair", "feed + llmj_doc", "feed + copying repair",
};

static int failed;

/* One pass of the loop; returns a checksum so nothing is optimised away. */
static size_t run_loop(int loop, const char *s, size_t n)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.keep_text = 1;
    llmj_tracker *t = NULL;
    llmj_doc *d = NULL;
    size_t sum = 0;
    if (loop == L_DOC) {
        if (llmj_doc_new(&d, &cfg) != LLMJ_OK)
            abort();
        if (llmj_tracker_new(&t, &cfg, llmj_doc_event_cb, d) != LLMJ_OK)
            abort();
    } else if (llmj_tracker_new(&t, &cfg, NULL, NULL) != LLMJ_OK) {
        abort();
    }
    char *copy = NULL;
    size_t copy_cap = 0;
    for (size_t off = 0; off < n; off += 4) {
        size_t k = n - off < 4 ? n - off : 4;
        if (llmj_tracker_feed(t, s + off, k) != LLMJ_OK)
            failed = 1;
        llmj_salvage sv;
        const char *r;
        size_t rlen;
        switch (loop) {
        case L_SALVAGE:
            if (llmj_tracker_salvage(t, LLMJ_SALVAGE_GREEDY, &sv) != LLMJ_OK)
                failed = 1;
            sum += sv.bytes_kept + sv.closer_len;
            break;
        case L_REPAIR:
            if (llmj_tracker_repair(t, LLMJ_SALVAGE_GREEDY, NULL, &r, &rlen) != LLMJ_OK)
                failed = 1;
            sum += rlen + (unsigned char)r[rlen / 2];
            break;
        case L_DOC:
            sum += llmj_doc_nodes(d);
            break;
        case L_COPY: {
            /* what a repair that copies S[0:k] on every call costs */
            if (llmj_tracker_salvage(t, LLMJ_SALVAGE_GREEDY, &sv) != LLMJ_OK)
                failed = 1;
            size_t need = (size_t)sv.bytes_kept + sv.closer_len + 1;
            if (need > copy_cap) {
                copy_cap = need * 2;
                copy = realloc(copy, copy_cap);
                if (!copy)
                    abort();
            }
            size_t tl;
            const char *txt = llmj_tracker_text(t, &tl);
            memcpy(copy, txt, (size_t)sv.bytes_kept);
            memcpy(copy + sv.bytes_kept, sv.closer, sv.closer_len);
            sum += (unsigned char)copy[need / 2];
            break;
        }
        default:
            break;
        }
    }
    free(copy);
    llmj_tracker_free(t);
    llmj_doc_free(d);
    return sum;
}

int main(void)
{
    static const size_t sizes[] = { 1000, 10000, 100000, 1000000 };
    enum { NS = sizeof sizes / sizeof sizes[0] };
    rbuf docs[NS];
    memset(docs, 0, sizeof docs);
    for (size_t i = 0; i < NS; i++) {
        ref_rng r = { 777 + i };
        ref_gen_llm_object(&r, &docs[i], sizes[i]);
        if (!ref_is_json(docs[i].d, docs[i].n)) {
            fprintf(stderr, "bench: the generated document is not valid JSON\n");
            return 1;
        }
    }
    printf("live-UI loop: LLM-like documents in 4-character deltas, a greedy result after every delta\n");
    printf("(time per document, best of the passes; exponent = growth from 100 KB to 1 MB)\n\n");
    printf("%-22s", "loop");
    for (size_t i = 0; i < NS; i++)
        printf(" %9.1f KB", (double)docs[i].n / 1e3);
    printf("   exponent\n");
    double t_loop[L_N][NS];
    size_t sink = 0;
    for (int loop = 0; loop < L_N; loop++) {
        printf("%-22s", k_loop[loop]);
        for (size_t i = 0; i < NS; i++) {
            if (loop == L_COPY && sizes[i] > 100000) {
                printf(" %12s", "(skipped)");
                t_loop[loop][i] = 0;
                continue;
            }
            /* enough passes for about 0.3 s, at least 2 */
            double best = 1e30, spent = 0;
            for (int pass = 0; pass < 2 || (spent < 0.3 && pass < 2000); pass++) {
                double t0 = now_s();
                sink += run_loop(loop, docs[i].d, docs[i].n);
                double dt = now_s() - t0;
                spent += dt;
                if (dt < best)
                    best = dt;
            }
            t_loop[loop][i] = best;
            printf(" %9.3f ms", best * 1e3);
        }
        if (t_loop[loop][NS - 1] > 0 && t_loop[loop][NS - 2] > 0)
            printf("   %.2f",
                   log(t_loop[loop][NS - 1] / t_loop[loop][NS - 2]) /
                       log((double)docs[NS - 1].n / (double)docs[NS - 2].n));
        printf("\n");
    }
    printf("\nrepair / salvage at 1 MB: %.2fx   (goal: <= 2x; 1 MB repair loop goal: < 30 ms)\n",
           t_loop[L_REPAIR][NS - 1] / t_loop[L_SALVAGE][NS - 1]);
    printf("(checksum %zu)\n", sink);
    for (size_t i = 0; i < NS; i++)
        free(docs[i].d);
    if (failed) {
        fprintf(stderr, "bench: a feed, salvage or repair failed\n");
        return 1;
    }
    return 0;
}
