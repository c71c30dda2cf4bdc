/* Benchmark of the dialect decoders alone (src/dialect/): the events of a
 * few streams (the repository's corpus/streams, and the real recorded ones
 * of the reference folder's corpus-real/ when it is there), split once, then
 * decoded again and again with a callback that only counts. Prints MB/s of
 * event data and events/s (best of a few runs); asserts only that every run
 * gave the same number of items. A yajl parse of the same events with no
 * callbacks is printed as the floor to compare with. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_parse.h>

#include <llmjson.h>
#include "dialect/dialect.h"
#include "support/testutil.h"

#define RUNS 5
#define TARGET_BYTES (64u << 20) /* decode about this much per run */

typedef struct evlist {
    char *type[1024];
    char *data[1024];
    size_t dlen[1024];
    size_t n, bytes;
} evlist;

static int grab(void *ctx, const llmj_sse_event *e)
{
    evlist *l = ctx;
    if (l->n == 1024)
        return 1;
    l->type[l->n] = NULL;
    if (!(e->type_len == 7 && memcmp(e->type, "message", 7) == 0)) {
        l->type[l->n] = malloc(e->type_len + 1);
        memcpy(l->type[l->n], e->type, e->type_len);
        l->type[l->n][e->type_len] = 0;
    }
    l->data[l->n] = malloc(e->data_len + 1);
    memcpy(l->data[l->n], e->data, e->data_len);
    l->dlen[l->n] = e->data_len;
    l->bytes += e->data_len;
    l->n++;
    return 0;
}

/* name: a path in the repository, or in the reference folder when real. */
static int load(const char *name, int real, evlist *l)
{
    char rel[4096];
    if (real)
        tu_shared(rel, sizeof rel, name);
    else
        snprintf(rel, sizeof rel, "%s", name);
    size_t n;
    char *buf = tu_read_file(rel, &n);
    if (!buf)
        return -1;
    llmj_sse *s;
    memset(l, 0, sizeof *l);
    if (llmj_sse_new(&s, NULL, grab, l) != LLMJ_OK)
        return -1;
    llmj_sse_feed(s, buf, n);
    llmj_sse_feed(s, "\n", 1);
    llmj_sse_finish(s);
    llmj_sse_free(s);
    free(buf);
    return 0;
}

static void unload(evlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->type[i]);
        free(l->data[i]);
    }
}

static int count_cb(void *ctx, const ld_item *it)
{
    (void)it;
    ++*(uint64_t *)ctx;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Decode the events reps times with a fresh decoder per pass; seconds. */
static double run(const ld_ops *ops, const evlist *l, size_t reps, uint64_t *items)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    *items = 0;
    double t0 = now();
    for (size_t r = 0; r < reps; r++) {
        void *st;
        if (ops->create(&st, &cfg.alloc, &cfg) != LLMJ_OK)
            return -1;
        for (size_t i = 0; i < l->n; i++) {
            const char *t = l->type[i];
            if (ops->event(st, t, t ? strlen(t) : 0, l->data[i], l->dlen[i], count_cb, items) !=
                LLMJ_OK)
                return -1;
        }
        ops->destroy(st);
    }
    return now() - t0;
}

static double run_yajl(const evlist *l, size_t reps)
{
    double t0 = now();
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < l->n; i++) {
            yajl_handle h = yajl_alloc(NULL, NULL, NULL);
            if (yajl_parse(h, (const unsigned char *)l->data[i], l->dlen[i]) != yajl_status_ok &&
                strcmp(l->data[i], "[DONE]") != 0)
                return -1;
            yajl_complete_parse(h);
            yajl_free(h);
        }
    return now() - t0;
}

int main(void)
{
    static const struct {
        const char *file;
        int real; /* in the reference folder (skipped when it is absent) */
        const ld_ops *ops;
    } cases[] = {
        { "corpus/streams/openai-tools.sse", 0, &llmj__dialect_openai_chat },
        { "corpus/streams/anthropic-tools.sse", 0, &llmj__dialect_anthropic },
        { "corpus/streams/responses-tools.sse", 0, &llmj__dialect_openai_responses },
        { "corpus/streams/gemini-function.sse", 0, &llmj__dialect_gemini },
        { "corpus-real/deepseek-chat-length.sse", 1, &llmj__dialect_openai_chat },
        { "corpus-real/openai-chat-tool-calls.sse", 1, &llmj__dialect_openai_chat },
        { "corpus-real/anthropic-max-tokens-tool-input.sse", 1, &llmj__dialect_anthropic },
        { "corpus-real/openai-responses-function-call.sse", 1, &llmj__dialect_openai_responses },
        { "corpus-real/gemini-vertex-partial-args.sse", 1, &llmj__dialect_gemini },
    };
    int failed = 0;
    int have_real = tu_have_shared("corpus-real", "the benchmarks over real recorded streams");
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        if (cases[k].real && !have_real)
            continue;
        evlist *l = malloc(sizeof *l);
        if (!l || load(cases[k].file, cases[k].real, l) != 0) {
            fprintf(stderr, "cannot load %s\n", cases[k].file);
            free(l);
            failed = 1;
            continue;
        }
        size_t reps = TARGET_BYTES / (l->bytes ? l->bytes : 1) + 1;
        double best = 1e30, besty = 1e30;
        uint64_t items = 0, first = 0;
        for (int r = 0; r < RUNS; r++) {
            double t = run(cases[k].ops, l, reps, &items);
            if (t < 0 || (r && items != first)) {
                fprintf(stderr, "%s: decoding failed\n", cases[k].file);
                failed = 1;
                break;
            }
            first = items;
            if (t < best)
                best = t;
            double ty = run_yajl(l, reps);
            if (ty > 0 && ty < besty)
                besty = ty;
        }
        double mb = (double)l->bytes * (double)reps / 1e6;
        printf("%-48s %5zu events %8zu B: %7.1f MB/s %9.0f events/s (yajl alone %7.1f MB/s)\n",
               cases[k].file, l->n, l->bytes, mb / best, (double)l->n * (double)reps / best,
               mb / besty);
        unload(l);
        free(l);
    }
    return failed;
}
