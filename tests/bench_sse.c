/* Benchmark of the SSE framing alone (src/sse.c): one million OpenAI-style
 * chunks built in memory, decoded whole and in 4 KiB pieces; the callback
 * only counts. Prints MB/s and events/s (best of a few runs); asserts only
 * that every event came out. A memchr pass over the same bytes is printed
 * as the floor to compare with. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llmjson.h>
#include "support/testutil.h"

#define EVENTS 1000000
#define RUNS 5

typedef struct counter {
    uint64_t events;
    uint64_t bytes;
} counter;

static int count_cb(void *ctx, const llmj_sse_event *ev)
{
    counter *c = ctx;
    c->events++;
    c->bytes += ev->data_len;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Decode buf in pieces of `piece` bytes (0: whole); seconds, or -1. */
static double run(const char *buf, size_t len, size_t piece, counter *c)
{
    llmj_sse *s = NULL;
    memset(c, 0, sizeof *c);
    if (llmj_sse_new(&s, NULL, count_cb, c) != LLMJ_OK)
        return -1;
    double t0 = now();
    size_t step = piece ? piece : len;
    for (size_t off = 0; off < len; off += step)
        if (llmj_sse_feed(s, buf + off, len - off < step ? len - off : step) != LLMJ_OK) {
            llmj_sse_free(s);
            return -1;
        }
    llmj_status st = llmj_sse_finish(s);
    double t = now() - t0;
    llmj_sse_free(s);
    return st == LLMJ_OK ? t : -1;
}

int main(void)
{
    static const char *const words[] = { "the", " cat", " sat", "ing", " on", " mat", "Hel", "lo!" };
    tu_buf b = { 0 };
    for (int i = 0; i < EVENTS; i++)
        tu_buf_addf(&b,
                    "data: {\"id\":\"chatcmpl-B9M\",\"object\":"
                    "\"chat.completion.chunk\",\"created\":1741%06d,\"model\":\"gpt-4o\","
                    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"}}]}\n\n",
                    i % 1000000, words[i % 8]);
    double mb = (double)b.len / 1e6;
    printf("input: %d events, %.1f MB, %.1f bytes per event\n", EVENTS, mb,
           (double)b.len / EVENTS);

    /* the floor: one memchr pass for LF over the same bytes */
    double best = 1e9;
    size_t lfs = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        size_t n = 0;
        const char *p = b.data, *end = b.data + b.len;
        while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            n++;
            p++;
        }
        double t = now() - t0;
        lfs = n;
        if (t < best)
            best = t;
    }
    printf("%-28s %8.0f MB/s  (%zu LFs)\n", "memchr LF count (floor)", mb / best, lfs);

    static const struct {
        const char *name;
        size_t piece;
    } modes[] = { { "sse whole buffer", 0 }, { "sse 4 KiB pieces", 4096 }, { "sse 16 KiB pieces", 16384 } };
    int rc = 0;
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        best = 1e9;
        counter c;
        for (int r = 0; r < RUNS; r++) {
            double t = run(b.data, b.len, modes[m].piece, &c);
            if (t < 0 || c.events != EVENTS) {
                fprintf(stderr, "%s: decoding failed (%llu events)\n", modes[m].name,
                        (unsigned long long)c.events);
                rc = 1;
                break;
            }
            if (t < best)
                best = t;
        }
        printf("%-28s %8.0f MB/s  %6.2f M events/s  (best of %d: %.1f ms)\n", modes[m].name,
               mb / best, EVENTS / best / 1e6, RUNS, best * 1e3);
    }
    tu_buf_free(&b);
    return rc;
}
