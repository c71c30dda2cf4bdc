// seeds: tests/server/fixtures corpus/json tests/fuzz/regress
/* libFuzzer target: the whole-answer decoder (src/dialect/whole.c), which
 * turns a 200 application/json body into the events of its dialect for the
 * stream object.
 *
 * Input: header bytes (fuzz_common.h), then the body.
 *   header byte 0, bits 0-2: the dialect (1 OpenAI chat, 2 Responses,
 *     3 Anthropic, 4 Gemini, 5 Ollama; otherwise auto-detected);
 *   bit 3: a run whose sink stops at call (header byte 1) + 1.
 *   The split sizes of fuzz_common.h feed the events to a second stream.
 *
 * Checked:
 * - LLMJ_OK (LLMJ_ABORTED only when the sink stopped); the detected dialect
 *   is a real one; a body that is not one JSON object or array is passed on
 *   byte for byte;
 * - linear work: at most 6 scanner steps per body byte (plus a constant),
 *   and the decoder's own memory at most LLMJ__WHOLE_PIECE bytes, nothing
 *   leaked; no sink piece over LLMJ__WHOLE_PIECE bytes;
 * - the same body decoded again, and with the detected dialect given,
 *   gives the same events;
 * - the events fed to a stream whole and at the header's piece sizes give
 *   the same answer (choices, texts, tool calls, status);
 * - a sink that stops: no call after it, the events so far a prefix. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "dialect/whole.h"

#define FW_MAX_INPUT 65536

typedef struct fw_sink {
    fz_buf out;
    size_t calls;
    size_t stop_at; /* stop on this call (1-based); 0 never */
    int stopped;
} fw_sink;

static int fw_sink_fn(void *ctx, const char *p, size_t n)
{
    fw_sink *w = ctx;
    CHECK(!w->stopped, "a sink call after the sink asked to stop");
    CHECK(n <= LLMJ__WHOLE_PIECE, "a piece of %zu bytes", n);
    w->calls++;
    fz_add(&w->out, p, n);
    if (w->stop_at && w->calls == w->stop_at) {
        w->stopped = 1;
        return 1;
    }
    return 0;
}

/* Decode body; returns the status, the events in w->out. */
static llmj_status fw_run(const unsigned char *body, size_t n, llmj_dialect d, fw_sink *w,
                          int *whole, llmj_dialect *used)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_allocator a = tu_allocator(&ta);
    uint64_t ops = 0;
    llmj_status st = llmj__whole_events(&a, d, (const char *)body, n, fw_sink_fn, w, whole, used, &ops);
    CHECK(ta.live == 0, "%zu blocks leaked", ta.live);
    CHECK(ta.peak <= LLMJ__WHOLE_PIECE, "peak %zu bytes", ta.peak);
    CHECK(ops <= 6 * (uint64_t)n + 16, "%llu steps for %zu bytes", (unsigned long long)ops, n);
    if (w->stopped)
        CHECK(st == LLMJ_ABORTED, "the sink stopped, status %s", llmj_strerror(st));
    else
        CHECK(st == LLMJ_OK, "status %s", llmj_strerror(st));
    return st;
}

/* The answer a stream makes of the events (fed in pieces when sp). */
static void fw_answer(const fz_buf *ev, llmj_dialect d, const fz_splits *sp, fz_buf *out)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_stream *s = NULL;
    CHECK(llmj_stream_new(&s, &cfg, d, LLMJ_CONTENT_AUTO, NULL, NULL) == LLMJ_OK, "stream_new");
    size_t fed = 0, k = 0;
    while (fed < ev->n) {
        size_t len = sp ? fz_piece(sp, k++) : ev->n;
        if (len > ev->n - fed)
            len = ev->n - fed;
        if (llmj_stream_feed(s, ev->d + fed, len) != LLMJ_OK)
            break;
        fed += len;
    }
    llmj_status st = llmj_stream_finish(s);
    fz_addf(out, "status %d events %llu bad %llu\n", (int)st, (unsigned long long)llmj_stream_events(s),
            (unsigned long long)llmj_stream_bad_events(s));
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info ci;
        CHECK(llmj_stream_choice(s, i, &ci) == LLMJ_OK, "choice");
        fz_addf(out, "choice %zu finish %d complete %d lost %llu ", ci.index, (int)ci.finish, ci.complete,
                (unsigned long long)ci.lost_events);
        fz_add_lp(out, ci.content, ci.content_len);
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            CHECK(llmj_stream_tool(s, i, j, &ti) == LLMJ_OK, "tool");
            fz_addf(out, " tool %zu complete %d ", ti.index, ti.complete);
            fz_add_lp(out, ti.name, ti.name_len);
            fz_add_lp(out, ti.arguments, ti.arguments_len);
        }
        fz_add(out, "\n", 1);
    }
    llmj_stream_free(s);
    CHECK(ta.live == 0, "the stream leaked %zu blocks", ta.live);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_split_input(&in, data, size);
    unsigned f = fz_flags(&in);
    fz_splits sp;
    fz_get_splits(&in, &sp);
    const unsigned char *body = in.text;
    size_t n = in.len < FW_MAX_INPUT ? in.len : FW_MAX_INPUT;
    llmj_dialect d = ((f & 7) >= 1 && (f & 7) <= 5) ? (llmj_dialect)(f & 7) : LLMJ_DIALECT_AUTO;

    fw_sink a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int whole = 0, whole2 = 0;
    llmj_dialect used = LLMJ_DIALECT_AUTO, used2 = LLMJ_DIALECT_AUTO;
    fw_run(body, n, d, &a, &whole, &used);
    if (!whole)
        CHECK(a.out.n == n && (n == 0 || memcmp(a.out.d, body, n) == 0), "not passed on as it is");
    if (whole && a.out.n)
        CHECK(used >= LLMJ_DIALECT_OPENAI_CHAT && used <= LLMJ_DIALECT_OLLAMA, "dialect %d", (int)used);
    if (d != LLMJ_DIALECT_AUTO)
        CHECK(used == d, "the dialect given was not used");

    /* again, and with the dialect found given: the same events */
    fw_run(body, n, whole && a.out.n ? used : d, &b, &whole2, &used2);
    CHECK(whole2 == whole && fz_eq(&a.out, &b.out), "decoding again gave other events");
    fz_free(&b.out);

    /* the events whole and in pieces: the same answer */
    if (whole && a.out.n) {
        fz_buf x = { 0 }, y = { 0 };
        fw_answer(&a.out, used, NULL, &x);
        fw_answer(&a.out, used, &sp, &y);
        CHECK(fz_eq(&x, &y), "the answer differs whole and in pieces:\n%s\n%s", x.d, y.d);
        fz_free(&x);
        fz_free(&y);
    }

    /* a sink that stops */
    if ((f & 8) && a.calls > 0) {
        fw_sink c;
        memset(&c, 0, sizeof c);
        c.stop_at = (size_t)(in.nhdr > 1 ? in.hdr[1] : 0) % a.calls + 1;
        int w3;
        llmj_dialect u3;
        fw_run(body, n, d, &c, &w3, &u3);
        CHECK(c.stopped, "the stop was not reached");
        CHECK(fz_is_prefix(&c.out, &a.out), "events before a stop differ");
        fz_free(&c.out);
    }
    fz_free(&a.out);
    return 0;
}
