/* Benchmarks of the stream object (figures printed, not asserted):
 * 1. one million OpenAI chat chunks (~150 bytes, 3-4 characters of JSON
 *    content each) through SSE + dialect + tracker: events per second, with
 *    the SSE framing alone in MB/s and a bare yajl parse of the same event
 *    payloads beside it (ratio);
 * 2. the live-UI pattern: a 1 MB JSON answer streamed as 4-character SSE
 *    deltas, every event delivered and written as a JSON line (like
 *    `llmjson replay --events`) to /dev/null, against a bare yajl parse of
 *    those payloads; in process, and through the tool itself when it is
 *    there.
 * In process, each figure is the median of 3 runs alternating with yajl's.
 * Both rows also get callgrind instruction ratios when valgrind is there
 * (LLMJ_BENCH_CALLGRIND=0 skips them): `bench_stream --count WHO` runs one
 * contender once, at a tenth of the size, inside counted_run(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include <llmjson.h>
#include "support/testutil.h"

/* Process CPU time: the machine is shared, so rates use CPU seconds (wall
 * time under load says more about the neighbours than about the code). */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A JSON answer of at least n bytes: an array of small objects. */
static void make_answer(tu_buf *b, size_t n)
{
    tu_buf_add(b, "[", 1);
    for (size_t i = 0; b->len < n; i++)
        tu_buf_addf(b, "%s{\"id\":%zu,\"name\":\"item %zu\",\"tags\":[\"a\",\"b\"],\"ok\":true}",
                    i ? "," : "", i, i);
    tu_buf_add(b, "]", 1);
}

/* ---- counting callbacks ----------------------------------------------------- */

typedef struct counts {
    size_t json, text, other;
} counts;

static int n_json(void *ctx, size_t c, size_t t, const llmj_event *ev)
{
    (void)c, (void)t, (void)ev;
    ((counts *)ctx)->json++;
    return 0;
}

static int n_text(void *ctx, size_t c, const char *t, size_t n)
{
    (void)c, (void)t, (void)n;
    ((counts *)ctx)->text++;
    return 0;
}

static int n_sse(void *ctx, const llmj_sse_event *ev)
{
    (void)ev;
    ((counts *)ctx)->other++;
    return 0;
}

/* The stream over sse in 64 KiB pieces, or (per_event) one event per
 * feed, as when every network read holds one chunk. */
static double run_stream_by(const tu_buf *sse, const llmj_stream_callbacks *cbs, void *ctx,
                            llmj_status *st, int per_event)
{
    llmj_stream *s;
    if (llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, cbs, ctx) != LLMJ_OK)
        abort();
    double t0 = now();
    for (size_t p = 0; p < sse->len;) {
        size_t k = sse->len - p < 65536 ? sse->len - p : 65536;
        if (per_event) { /* up to the blank line that ends the event */
            const char *q = sse->data + p, *end = sse->data + sse->len;
            while ((q = memchr(q, '\n', (size_t)(end - q))) && q + 1 < end && q[1] != '\n')
                q++;
            k = q && q + 1 < end ? (size_t)(q + 2 - (sse->data + p)) : sse->len - p;
        }
        if (llmj_stream_feed(s, sse->data + p, k) != LLMJ_OK)
            break;
        p += k;
    }
    *st = llmj_stream_finish(s);
    double t = now() - t0;
    llmj_choice_info ci;
    if (llmj_stream_choice(s, 0, &ci) != LLMJ_OK || !ci.complete) {
        fprintf(stderr, "bench: the stream did not decode whole (status %d)\n", *st);
        exit(1);
    }
    llmj_stream_free(s);
    return t;
}

static double run_stream(const tu_buf *sse, const llmj_stream_callbacks *cbs, void *ctx,
                         llmj_status *st)
{
    return run_stream_by(sse, cbs, ctx, st, 0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median3(double *v)
{
    qsort(v, 3, sizeof *v, cmp_double);
    return v[1];
}

/* CPU seconds of one yajl handle parsing the payloads (one per line). */
static double yajl_payloads(const tu_buf *payloads)
{
    yajl_handle y = yajl_alloc(NULL, NULL, NULL);
    yajl_config(y, yajl_allow_multiple_values, 1);
    double t0 = now();
    if (yajl_parse(y, (const unsigned char *)payloads->data, payloads->len) != yajl_status_ok ||
        yajl_complete_parse(y) != yajl_status_ok) {
        fprintf(stderr, "bench: yajl rejected the payloads\n");
        exit(1);
    }
    double t = now() - t0;
    yajl_free(y);
    return t;
}

static void bench_chunks(void)
{
    tu_buf answer = { 0 }, sse = { 0 }, payloads = { 0 };
    /* 1M chunks of 3-4 characters: about 3.5 MB of JSON */
    make_answer(&answer, 3500000);
    size_t chunks = tu_openai_sse(&sse, &payloads, answer.data, answer.len, 0);
    printf("stream: %zu chunks, %.1f MB of SSE (%.0f bytes a chunk), %.2f MB of JSON content\n",
           chunks, sse.len / 1e6, (double)sse.len / chunks, answer.len / 1e6);

    /* SSE framing alone */
    counts c = { 0 };
    llmj_sse *d;
    llmj_sse_new(&d, NULL, n_sse, &c);
    double t0 = now();
    for (size_t p = 0; p < sse.len; p += 65536)
        llmj_sse_feed(d, sse.data + p, sse.len - p < 65536 ? sse.len - p : 65536);
    llmj_sse_finish(d);
    double t_sse = now() - t0;
    llmj_sse_free(d);
    printf("SSE framing alone:           %7.3f s  %8.1f MB/s  %6.2f M events/s\n", t_sse,
           sse.len / t_sse / 1e6, c.other / t_sse / 1e6);

    /* bare yajl over the same payloads (one handle, one payload per line),
     * and the stream end to end, without callbacks and with every event
     * counted: the median of 3 runs that alternate */
    double ty[3], tb[3], ta[3];
    counts call = { 0 };
    for (int r = 0; r < 3; r++) {
        ty[r] = yajl_payloads(&payloads);
        llmj_status st;
        tb[r] = run_stream(&sse, NULL, NULL, &st);
        memset(&call, 0, sizeof call);
        llmj_stream_callbacks cbs = { 0 };
        cbs.json = n_json;
        cbs.text = n_text;
        ta[r] = run_stream(&sse, &cbs, &call, &st);
    }
    double t_yajl = median3(ty), t_bare = median3(tb), t_all = median3(ta);
    printf("bare yajl parse of payloads: %7.3f s  %8.1f MB/s  %6.2f M events/s\n", t_yajl,
           payloads.len / t_yajl / 1e6, (chunks - 2) / t_yajl / 1e6);
    printf("stream, no callbacks:        %7.3f s  %8.1f MB/s  %6.2f M events/s\n", t_bare,
           sse.len / t_bare / 1e6, chunks / t_bare / 1e6);
    printf("stream, every event:         %7.3f s  %8.1f MB/s  %6.2f M events/s "
           "(%zu JSON events, %zu text deltas)\n",
           t_all, sse.len / t_all / 1e6, chunks / t_all / 1e6, call.json, call.text);
    printf("ratio end to end / bare yajl: %.2fx the time (aim (issue 14): <= 1.5x)\n",
           t_all / t_yajl);
    tu_buf_free(&answer);
    tu_buf_free(&sse);
    tu_buf_free(&payloads);
}

/* ---- the live-UI pattern ------------------------------------------------------ */

/* JSON lines as replay --events writes them, in a buffer flushed to out. */
typedef struct sink {
    FILE *out;
    char buf[1 << 16];
    size_t len;
    size_t lines;
} sink;

static void sink_put(sink *k, const char *p, size_t n)
{
    if (k->len + n > sizeof k->buf) {
        fwrite(k->buf, 1, k->len, k->out);
        k->len = 0;
    }
    if (n > sizeof k->buf) {
        fwrite(p, 1, n, k->out);
        return;
    }
    memcpy(k->buf + k->len, p, n);
    k->len += n;
}

static void sink_str(sink *k, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    sink_put(k, "\"", 1);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != '"' && s[j] != '\\')
            j++;
        sink_put(k, s + i, j - i);
        if (j == n)
            break;
        unsigned char c = (unsigned char)s[j];
        char e[6] = { '\\', (char)c, 0, 0, 0, 0 };
        if (c == '\n')
            e[1] = 'n';
        if (c < 0x20 && c != '\n') {
            e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15];
            sink_put(k, e, 6);
        } else {
            sink_put(k, e, 2);
        }
        i = j + 1;
    }
    sink_put(k, "\"", 1);
}

static int ui_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    sink *k = ctx;
    (void)choice, (void)tool;
    sink_put(k, "{\"choice\":0,\"path\":", 19);
    sink_str(k, ev->pointer, ev->pointer_len);
    sink_put(k, ",\"event\":\"", 10);
    const char *name = llmj_event_type_name(ev->type);
    sink_put(k, name, strlen(name));
    sink_put(k, "\"", 1);
    if (ev->type == LLMJ_EV_KEY || ev->type == LLMJ_EV_STRING_CHUNK ||
        ev->type == LLMJ_EV_STRING) {
        sink_put(k, ev->type == LLMJ_EV_STRING ? ",\"value\":" : ",\"text\":", ev->type == LLMJ_EV_STRING ? 9 : 8);
        sink_str(k, ev->text, ev->len);
    } else if (ev->type >= LLMJ_EV_NUMBER) {
        sink_put(k, ",\"value\":", 9);
        sink_put(k, ev->text, ev->len);
    }
    sink_put(k, "}\n", 2);
    k->lines++;
    return 0;
}

static int ui_text(void *ctx, size_t choice, const char *t, size_t n)
{
    sink *k = ctx;
    (void)choice;
    sink_put(k, "{\"choice\":0,\"event\":\"text\",\"text\":", 34);
    sink_str(k, t, n);
    sink_put(k, "}\n", 2);
    k->lines++;
    return 0;
}

static void bench_live_ui(void)
{
    tu_buf answer = { 0 }, sse = { 0 }, payloads = { 0 };
    make_answer(&answer, 1000000);
    size_t chunks = tu_openai_sse(&sse, &payloads, answer.data, answer.len, 4);
    printf("live UI: a %.2f MB JSON answer in %zu SSE deltas of 4 characters (%.1f MB)\n",
           answer.len / 1e6, chunks, sse.len / 1e6);

    sink *k = calloc(1, sizeof *k);
    k->out = fopen("/dev/null", "w");
    llmj_stream_callbacks cbs = { 0 };
    cbs.json = ui_json;
    cbs.text = ui_text;
    llmj_status st;
    double tv[3], ty[3];
    size_t lines = 0;
    for (int r = 0; r < 3; r++) {
        ty[r] = yajl_payloads(&payloads);
        k->lines = 0;
        tv[r] = run_stream(&sse, &cbs, k, &st);
        lines = k->lines;
    }
    double t = median3(tv), t_yajl = median3(ty);
    fwrite(k->buf, 1, k->len, k->out);
    fclose(k->out);
    printf("in process, every event written as a JSON line to /dev/null: %.3f s "
           "(%zu lines)\n", t, lines);
    printf("bare yajl parse of those %zu payloads: %.3f s; ratio %.2fx (aim (issue 14): <= 2x)\n",
           chunks - 2, t_yajl, t / t_yajl);
    free(k);

    /* the tool itself */
    char path[4096], cmd[16384];
    const char *tool = tu_tool();
    tu_scratch(path, sizeof path, "bench-live.sse");
    FILE *f = fopen(path, "wb");
    if (f && fwrite(sse.data, 1, sse.len, f) == sse.len && fclose(f) == 0) {
        snprintf(cmd, sizeof cmd, "'%s' replay --events '%s' > /dev/null", tool, path);
        double t0 = wall();
        int rc = system(cmd);
        double tt = wall() - t0;
        if (rc == 0)
            printf("llmjson replay --events > /dev/null: %.3f s wall (process included)\n", tt);
        else
            printf("llmjson replay --events: not run (%s missing or failed)\n", tool);
        remove(path);
    }
    tu_buf_free(&answer);
    tu_buf_free(&sse);
    tu_buf_free(&payloads);
}

/* ---- instruction counts (callgrind) ------------------------------------------- */

enum { C_YAJL_CHUNKS, C_STREAM_CHUNKS, C_YAJL_LIVE, C_STREAM_LIVE, C_YAJL_OBF, C_STREAM_OBF,
       C_STREAM_EVENTS, C_N };
static const char *const c_names[C_N] = { "yajl-chunks", "stream-chunks", "yajl-live",
                                           "stream-live", "yajl-obf",      "stream-obf",
                                           "stream-events" };

/* The one run callgrind counts (--toggle-collect=counted_run). */
__attribute__((noinline)) void counted_run(int who, const tu_buf *sse, const tu_buf *payloads,
                                           sink *k);
__attribute__((noinline)) void counted_run(int who, const tu_buf *sse, const tu_buf *payloads,
                                           sink *k)
{
    llmj_status st;
    counts c = { 0 };
    llmj_stream_callbacks cbs = { 0 };
    switch (who) {
    case C_YAJL_CHUNKS:
    case C_YAJL_LIVE:
    case C_YAJL_OBF:
        yajl_payloads(payloads);
        break;
    case C_STREAM_CHUNKS:
    case C_STREAM_OBF:
    case C_STREAM_EVENTS:
        cbs.json = n_json;
        cbs.text = n_text;
        run_stream_by(sse, &cbs, &c, &st, who == C_STREAM_EVENTS);
        break;
    default:
        cbs.json = ui_json;
        cbs.text = ui_text;
        run_stream(sse, &cbs, k, &st);
        break;
    }
}

/* One contender once, at a tenth of the benchmark's size. */
static int count_one(const char *name)
{
    int who = -1;
    for (int i = 0; i < C_N; i++)
        if (strcmp(name, c_names[i]) == 0)
            who = i;
    if (who < 0)
        return 2;
    tu_buf answer = { 0 }, sse = { 0 }, payloads = { 0 };
    int live = who == C_YAJL_LIVE || who == C_STREAM_LIVE;
    make_answer(&answer, live ? 100000 : 350000);
    tu_openai_sse_obf(&sse, &payloads, answer.data, answer.len, live ? 4 : 0,
                      who == C_YAJL_OBF || who == C_STREAM_OBF);
    sink *k = calloc(1, sizeof *k);
    k->out = fopen("/dev/null", "w");
    counted_run(who, &sse, &payloads, k);
    fclose(k->out);
    free(k);
    tu_buf_free(&answer);
    tu_buf_free(&sse);
    tu_buf_free(&payloads);
    return 0;
}

static void instruction_counts(const char *self)
{
    const char *e = getenv("LLMJ_BENCH_CALLGRIND");
    if ((e && strcmp(e, "0") == 0) || system("valgrind --version > /dev/null 2>&1") != 0) {
        printf("instruction counts: valgrind not found (or LLMJ_BENCH_CALLGRIND=0)\n");
        return;
    }
    unsigned long long ir[C_N];
    for (int i = 0; i < C_N; i++) {
        char args[64];
        snprintf(args, sizeof args, "--count %s", c_names[i]);
        if (!(ir[i] = tu_callgrind_count(self, args))) {
            printf("instruction counts: callgrind did not run\n");
            return;
        }
    }
    printf("instructions (callgrind, a tenth of each row's size):\n");
    printf("  stream: %.1f per chunk, bare yajl %.1f: %.2fx (aim <= 1.5x)\n",
           ir[C_STREAM_CHUNKS] / 100000.0, ir[C_YAJL_CHUNKS] / 100000.0,
           (double)ir[C_STREAM_CHUNKS] / ir[C_YAJL_CHUNKS]);
    printf("  live UI: %.1f per delta, bare yajl %.1f: %.2fx (aim <= 2x)\n",
           ir[C_STREAM_LIVE] / 25000.0, ir[C_YAJL_LIVE] / 25000.0,
           (double)ir[C_STREAM_LIVE] / ir[C_YAJL_LIVE]);
    printf("  stream, each chunk padded with a random \"obfuscation\" string as OpenAI's are: "
           "%.1f per chunk, bare yajl %.1f: %.2fx\n",
           ir[C_STREAM_OBF] / 100000.0, ir[C_YAJL_OBF] / 100000.0,
           (double)ir[C_STREAM_OBF] / ir[C_YAJL_OBF]);
    printf("  stream, one chunk per feed (a network read each; the decoder gives back its event "
           "memory after every feed): %.1f per chunk, bare yajl %.1f: %.2fx\n",
           ir[C_STREAM_EVENTS] / 100000.0, ir[C_YAJL_CHUNKS] / 100000.0,
           (double)ir[C_STREAM_EVENTS] / ir[C_YAJL_CHUNKS]);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--count") == 0)
        return count_one(argv[2]);
    printf("(times are CPU seconds of this process unless marked wall)\n");
    bench_chunks();
    bench_live_ui();
    instruction_counts(argv[0]);
    return 0;
}
