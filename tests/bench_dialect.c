/* Benchmark of the dialect decoders alone (src/dialect/): the events of a
 * few streams (the repository's corpus/streams, and the real recorded ones
 * of the reference folder's corpus-real/ when it is there), split once, then
 * decoded again and again with a callback that only counts. Prints MB/s of
 * event data and events/s (best of a few runs); asserts only that every run
 * gave the same number of items. A yajl parse of the same events with no
 * callbacks is printed as the floor to compare with.
 *
 * Then the whole-answer decoder (src/dialect/whole.c) on answers of 25k,
 * 50k and 100k elements per dialect, events discarded, and the same events
 * through a stream object: the time per element should stay flat as the
 * answer grows (linear; before it was quadratic). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_parse.h>

#include <llmjson.h>
#include "dialect/dialect.h"
#include "dialect/whole.h"
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
            /* as a live stream's decoder does when each network read holds
             * one event (the stream gives back the event memory after every
             * feed); the yajl floor below makes a handle per event too */
            if (ops->rest)
                ops->rest(st);
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

static int whole_count(void *ctx, const char *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
    return 0;
}

static int whole_feed(void *ctx, const char *p, size_t n)
{
    return llmj_stream_feed(ctx, p, n) != LLMJ_OK;
}

/* An answer of n elements: 0 Gemini array, 1 Anthropic blocks, 2 Responses
 * items, 3 OpenAI chat (a long array inside the message). */
static char *whole_body(int kind, size_t n, size_t *len)
{
    size_t cap = 96 * n + 256, o = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    static const char *const head[] = { "[", "{\"type\":\"message\",\"content\":[",
                                        "{\"object\":\"response\",\"output\":[",
                                        "{\"choices\":[{\"index\":0,\"message\":{\"x\":[" };
    static const char *const elem[] = { "{}", "{\"type\":\"text\",\"text\":\"a\"}",
                                        "{\"type\":\"message\",\"id\":\"m\",\"content\":[{\"type\":"
                                        "\"output_text\",\"text\":\"a\"}]}",
                                        "1" };
    static const char *const tail[] = { "]", "],\"stop_reason\":\"end_turn\"}", "]}",
                                        "],\"content\":\"a\"},\"finish_reason\":\"stop\"}]}" };
    o += (size_t)snprintf(b + o, cap - o, "%s", head[kind]);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(b + o, cap - o, "%s%s", i ? "," : "", elem[kind]);
    o += (size_t)snprintf(b + o, cap - o, "%s", tail[kind]);
    *len = o;
    return b;
}

static int bench_whole(void)
{
    static const char *const names[] = { "gemini array", "anthropic blocks", "responses items",
                                         "openai chat array" };
    static const llmj_dialect dialects[] = { LLMJ_DIALECT_GEMINI, LLMJ_DIALECT_ANTHROPIC,
                                             LLMJ_DIALECT_OPENAI_RESPONSES, LLMJ_DIALECT_OPENAI_CHAT };
    llmj_allocator a = { 0 };
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    a = tu_allocator(&ta);
    int failed = 0;
    printf("whole answers (decoder alone | decoder + stream object):\n");
    for (int kind = 0; kind < 4; kind++)
        for (size_t n = 25000; n <= 100000; n *= 2) {
            size_t len;
            char *body = whole_body(kind, n, &len);
            if (!body)
                return 1;
            double best = 1e30, bests = 1e30;
            for (int r = 0; r < 3; r++) {
                size_t out = 0;
                int whole;
                llmj_dialect used;
                double t0 = now();
                if (llmj__whole_events(&a, LLMJ_DIALECT_AUTO, body, len, whole_count, &out, &whole, &used,
                                       NULL) != LLMJ_OK || used != dialects[kind]) {
                    failed = 1;
                    break;
                }
                double t1 = now();
                llmj_stream *s;
                if (llmj_stream_new(&s, NULL, dialects[kind], LLMJ_CONTENT_AUTO, NULL, NULL) != LLMJ_OK)
                    return 1;
                (void)llmj__whole_events(&a, dialects[kind], body, len, whole_feed, s, &whole, &used, NULL);
                (void)llmj_stream_finish(s);
                llmj_stream_free(s);
                double t2 = now();
                if (t1 - t0 < best)
                    best = t1 - t0;
                if (t2 - t1 < bests)
                    bests = t2 - t1;
            }
            printf("  %-18s %6zu elements %8zu B: %8.2f ms (%6.1f ns/element) | %8.2f ms (%6.1f ns/element)\n",
                   names[kind], n, len, best * 1e3, best * 1e9 / (double)n, bests * 1e3,
                   bests * 1e9 / (double)n);
            free(body);
        }
    return failed;
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
    if (bench_whole())
        failed = 1;
    return failed;
}
