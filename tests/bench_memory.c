/* Benchmark: the memory of concurrency (issue 14). Figures are printed, not
 * asserted.
 * - bytes a tracker and a stream object hold (through a counting allocator:
 *   what the library asks for, without malloc's own overhead), idle and
 *   mid-way through a JSON answer;
 * - the peak RSS of 10,000 stream objects open at once in one process, fed
 *   from memory in interleaved 64-byte pieces up to the middle of their
 *   answers (the recorded JSON-mode streams of corpus/streams, and a 4 KB
 *   LLM-like JSON answer in 3-4 character OpenAI deltas), extrapolated to
 *   100,000 streams against 1 GiB plus their texts (the bytes of content the
 *   streams hold mid-way are printed, and the RSS without them; the
 *   recordings fed from memory are not counted), then the rest of every
 *   answer in pieces of up to 16 KiB (a network read's size: curl hands
 *   over up to 16 KiB) and the peak RSS with all finished, against the same
 *   aim with the texts held then; each such run in a child
 *   process of its own, so that one run's freed memory does not hide the
 *   next one's RSS;
 * - what a stream still holds after one long event (a 50 KB content delta,
 *   its JSON escaped), i.e. which buffers keep what they grew to. */
#include "ref/ref_docs.c"

#include <llmjson.h>
#include "support/testutil.h"

#include <sys/wait.h>
#include <unistd.h>

/* VmRSS or VmHWM of this process in bytes (0 where /proc is not there). */
static size_t proc_status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    size_t kb = 0, flen = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, flen) == 0 && line[flen] == ':')
            kb = strtoul(line + flen + 1, NULL, 10);
    fclose(f);
    return kb * 1024;
}

/* ---- inputs ------------------------------------------------------------------- */

typedef struct input {
    char name[64];
    char *data;
    size_t len;
} input;

/* The JSON-mode recordings of corpus/streams (their reports say "json":true). */
static const char *const k_recorded[] = {
    "openai-json.sse",     "openai-length.sse",   "openai-cut.sse",
    "openai-cr.sse",       "openai-surrogate.sse", "openai-keepalive-crlf.sse",
    "openai-n2.sse",       "gemini-json.sse",     "ollama-generate-json.ndjson",
    "responses-incomplete.sse",
};

static size_t load_recorded(input *v, size_t cap)
{
    size_t n = 0;
    for (size_t k = 0; k < sizeof k_recorded / sizeof *k_recorded && n < cap; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "corpus/streams/%s", k_recorded[k]);
        size_t len;
        char *d = tu_read_file(rel, &len);
        if (!d)
            continue;
        snprintf(v[n].name, sizeof v[n].name, "%s", k_recorded[k]);
        v[n].data = d;
        v[n].len = len;
        n++;
    }
    return n;
}

/* ---- one object ------------------------------------------------------------------ */

static int count_cb(void *ctx, const llmj_event *ev)
{
    (void)ev;
    ++*(size_t *)ctx;
    return 0;
}

static void tracker_row(const char *label, const char *json, size_t n, int with_cb)
{
    tu_alloc a;
    memset(&a, 0, sizeof a);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&a);
    size_t events = 0;
    llmj_tracker *t;
    if (llmj_tracker_new(&t, &cfg, with_cb ? count_cb : NULL, &events) != LLMJ_OK)
        exit(1);
    size_t idle = a.bytes, idle_blocks = a.live;
    for (size_t off = 0; off < n / 2; off += 4)
        llmj_tracker_feed(t, json + off, n / 2 - off < 4 ? n / 2 - off : 4);
    size_t mid = a.bytes, mid_blocks = a.live;
    for (size_t off = n / 2; off < n; off += 4)
        llmj_tracker_feed(t, json + off, n - off < 4 ? n - off : 4);
    llmj_tracker_finish(t, LLMJ_END_NORMAL);
    llmj_tracker_free(t);
    printf("  tracker %-20s idle %6zu B (%zu blocks), mid-way %6zu B (%zu blocks), peak %6zu B\n",
           label, idle, idle_blocks, mid, mid_blocks, a.peak);
}

/* A stream whose allocations *a counts (a zeroed here). */
static llmj_stream *counted_stream(tu_alloc *a)
{
    memset(a, 0, sizeof *a);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(a);
    llmj_stream *s;
    if (llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL) != LLMJ_OK)
        exit(1);
    return s;
}

/* Feed d[from:to] in pieces of piece bytes. */
static void feed_range(llmj_stream *s, const char *d, size_t from, size_t to, size_t piece)
{
    for (size_t off = from; off < to; off += piece)
        llmj_stream_feed(s, d + off, to - off < piece ? to - off : piece);
}

static void stream_row(const char *label, const char *sse, size_t n, size_t piece)
{
    tu_alloc a;
    llmj_stream *s = counted_stream(&a);
    size_t idle = a.bytes, idle_blocks = a.live;
    feed_range(s, sse, 0, n / 2, piece);
    size_t mid = a.bytes, mid_blocks = a.live;
    feed_range(s, sse, n / 2, n, piece);
    llmj_stream_finish(s);
    llmj_stream_free(s);
    printf("  stream  %-20s idle %6zu B (%zu blocks), mid-way %6zu B (%zu blocks), peak %6zu B "
           "(%zu-byte pieces)\n",
           label, idle, idle_blocks, mid, mid_blocks, a.peak, piece);
}

/* A stream fed a long content delta (its JSON escaped), then small ones:
 * the bytes held once the long event is over and a few small events
 * followed (4 KiB pieces), i.e. what the buffers keep of what they grew to. */
static void stream_long_row(const char *label, const char *answer, size_t n)
{
    tu_buf one = { 0 }, sse = { 0 };
    size_t half = n / 2;
    tu_openai_sse(&one, NULL, answer, half, half);
    const char *e = strstr(one.data, "\n\n");
    size_t first = e ? (size_t)(e - one.data) + 2 : one.len;
    tu_buf_add(&sse, one.data, first);
    tu_openai_sse(&sse, NULL, answer + half, n - half, 0);
    tu_alloc a;
    llmj_stream *s = counted_stream(&a);
    size_t upto = first + 8192 < sse.len ? first + 8192 : sse.len;
    feed_range(s, sse.data, 0, upto, 4096);
    size_t after = a.bytes, peak = a.peak;
    llmj_stream_feed(s, sse.data + upto, sse.len - upto);
    llmj_stream_finish(s);
    size_t fin = a.bytes;
    llmj_stream_free(s);
    printf("  stream  %-20s after it and 8 KB of small deltas %6zu B (peak %6zu B), finished "
           "%6zu B\n",
           label, after, peak, fin);
    tu_buf_free(&one);
    tu_buf_free(&sse);
}

/* ---- many at once ---------------------------------------------------------------- */

#define NSTREAMS 10000

/* The bytes of text the streams hold, per stream: every choice's content
 * and refusal so far. */
static double texts_held(llmj_stream *const *s)
{
    double texts = 0;
    for (size_t k = 0; k < NSTREAMS; k++)
        for (size_t ci = 0; ci < llmj_stream_choice_count(s[k]); ci++) {
            llmj_choice_info info;
            if (llmj_stream_choice(s[k], ci, &info) == LLMJ_OK)
                texts += (double)info.content_len + (double)info.refusal_len;
        }
    return texts / NSTREAMS;
}

static void concurrent_run(const char *label, const input *in, size_t nin)
{
    tu_alloc a;
    memset(&a, 0, sizeof a);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&a);
    llmj_stream **s = calloc(NSTREAMS, sizeof *s);
    size_t *off = calloc(NSTREAMS, sizeof *off);
    if (!s || !off)
        exit(1);
    size_t rss0 = proc_status_kb("VmRSS");
    for (size_t k = 0; k < NSTREAMS; k++)
        if (llmj_stream_new(&s[k], &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL) !=
            LLMJ_OK)
            exit(1);
    size_t rss_idle = proc_status_kb("VmRSS"), lib_idle = a.bytes;
    /* interleaved 64-byte pieces, up to the middle of every answer */
    for (int more = 1; more;) {
        more = 0;
        for (size_t k = 0; k < NSTREAMS; k++) {
            const input *x = &in[k % nin];
            size_t half = x->len / 2;
            if (off[k] >= half)
                continue;
            size_t step = half - off[k] < 64 ? half - off[k] : 64;
            llmj_stream_feed(s[k], x->data + off[k], step);
            off[k] += step;
            more = 1;
        }
    }
    size_t rss_mid = proc_status_kb("VmRSS"), lib_mid = a.bytes;
    double texts = texts_held(s);
    for (size_t k = 0; k < NSTREAMS; k++) {
        const input *x = &in[k % nin];
        /* the rest in pieces of at most 16 KiB, as curl hands them over */
        feed_range(s[k], x->data, off[k], x->len, 16384);
        llmj_stream_finish(s[k]);
    }
    size_t lib_end = a.bytes;
    double texts_end = texts_held(s);
    for (size_t k = 0; k < NSTREAMS; k++)
        llmj_stream_free(s[k]);
    size_t hwm = proc_status_kb("VmHWM");
    free(s);
    free(off);
    double per_rss = rss_mid > rss0 ? (double)(rss_mid - rss0) / NSTREAMS : 0;
    double per_lib = (double)lib_mid / NSTREAMS;
    printf("  %s:\n", label);
    printf("    library allocations: idle %.0f B/stream, mid-way %.0f B/stream, finished %.0f "
           "B/stream\n",
           (double)lib_idle / NSTREAMS, per_lib, (double)lib_end / NSTREAMS);
    if (rss0) {
        printf("    RSS: +%.1f MiB idle, +%.1f MiB mid-way (%.0f B/stream); peak RSS of the process "
               "%.1f MiB, +%.1f MiB over its RSS before the streams (%.0f B/stream, when all had "
               "finished)\n",
               (rss_idle - rss0) / 1048576.0, (rss_mid - rss0) / 1048576.0, per_rss,
               hwm / 1048576.0, hwm > rss0 ? (hwm - rss0) / 1048576.0 : 0.0,
               hwm > rss0 ? (double)(hwm - rss0) / NSTREAMS : 0.0);
        printf("    100,000 such streams: %.2f GiB by RSS (%.2f GiB of library allocations); "
               "their texts hold %.0f B/stream, so without them %.2f GiB by RSS, against the aim "
               "of 1 GiB plus their texts\n",
               per_rss * 100000 / 1073741824.0, per_lib * 100000 / 1073741824.0, texts,
               (per_rss - texts) * 100000 / 1073741824.0);
        double per_hwm = hwm > rss0 ? (double)(hwm - rss0) / NSTREAMS : 0;
        printf("    the same at the peak, when all had finished: %.2f GiB by RSS; their texts then "
               "hold %.0f B/stream, so without them %.2f GiB\n",
               per_hwm * 100000 / 1073741824.0, texts_end,
               (per_hwm - texts_end) * 100000 / 1073741824.0);
    } else {
        printf("    100,000 such streams: %.2f GiB of library allocations (no /proc: RSS not "
               "measured)\n",
               per_lib * 100000 / 1073741824.0);
    }
}

/* concurrent_run in a child process: a fresh heap and RSS for each run. */
static void concurrent(const char *label, const input *in, size_t nin)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        concurrent_run(label, in, nin);
        fflush(stdout);
        _exit(0);
    }
    int ws = 0;
    if (pid < 0) /* no fork: in this process (the RSS of a later run is then low) */
        concurrent_run(label, in, nin);
    else if (waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
        exit(1);
}

int main(void)
{
    /* a 4 KB LLM-like JSON answer, and as SSE deltas */
    rbuf answer = { 0 };
    ref_rng r = { 4242 };
    ref_gen_llm_object(&r, &answer, 4000);
    tu_buf sse = { 0 };
    tu_openai_sse(&sse, NULL, answer.d, answer.n, 0);

    printf("one object (bytes the library allocated, malloc overhead not included):\n");
    tracker_row("without callback", answer.d, answer.n, 0);
    tracker_row("with a callback", answer.d, answer.n, 1);
    char label[64];
    snprintf(label, sizeof label, "%.1f KB answer", answer.n / 1000.0);
    stream_row(label, sse.data, sse.len, 64);
    /* a network read's size (curl hands over up to 16 KiB): the SSE decoder
     * reserves its buffers for what such a piece can need */
    stream_row(label, sse.data, sse.len, 16384);

    rbuf lans = { 0 };
    ref_gen_llm_object(&r, &lans, 100000);
    snprintf(label, sizeof label, "a %.0f KB delta", lans.n / 2000.0);
    stream_long_row(label, lans.d, lans.n);
    free(lans.d);

    input rec[16];
    size_t nrec = load_recorded(rec, 16);
    if (nrec)
        stream_row(rec[0].name, rec[0].data, rec[0].len, 64);

    printf("\n%d stream objects open at once, fed from memory in interleaved 64-byte pieces:\n",
           NSTREAMS);
    if (nrec) {
        char l[128];
        snprintf(l, sizeof l, "the %zu JSON-mode recordings of corpus/streams, round robin", nrec);
        concurrent(l, rec, nrec);
    } else {
        printf("  NOTICE: corpus/streams not found: the recordings skipped\n");
    }
    input big = { "llm-answer", sse.data, sse.len };
    snprintf(label, sizeof label, "the %.1f KB LLM-like answer in %zu-byte SSE", answer.n / 1000.0,
             sse.len);
    concurrent(label, &big, 1);

    for (size_t k = 0; k < nrec; k++)
        free(rec[k].data);
    free(answer.d);
    tu_buf_free(&sse);
    return 0;
}
