// seeds: corpus/streams ../shared/corpus-real corpus/sse tests/fuzz/regress
/* libFuzzer target: the whole stream object (src/stream.c with the SSE
 * decoder, the dialect decoders and the trackers behind it).
 *
 * Input: header bytes (fuzz_common.h), then a response body.
 *   header byte 0, bits 0-2: dialect (0 auto, 1-5 as llmj_dialect, 6-7
 *     auto); bits 3-4: content mode (0 auto, 1 JSON, 2 text, 3 auto);
 *     bit 5: small limits (max_event 256, whitespace_limit 16,
 *     repeat_limit 128, max_depth 8, max_choices 4, max_tool_calls 4,
 *     max_text 4096).
 *   header bytes 1..: piece sizes (1..64, cycled); one byte at a time when
 *     there are none. A third run, split the same way, stops at callback
 *     number (header byte 1, or the body length) modulo the callbacks, + 1.
 *
 * Checked: the stream fed whole and fed in pieces makes the same callbacks
 * with the same data, and ends in the same state: statuses, error, dialect,
 * counters, usage, provider error, every choice and tool call, and both
 * salvages and repairs of every JSON text; each repair is empty or parses
 * (yajl_tree_parse); a choice's content is its text callbacks joined, a tool
 * call's arguments its tool_args callbacks joined; after reset the same body
 * gives the same report; a callback stop gives LLMJ_ABORTED and no callback
 * after it; no feed after finish; nothing leaks. A fourth run, split, has no
 * json callback (the trackers are quiet) and asks for the document of every
 * JSON text past the middle: the same final state. */
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "fuzz_common.h"

/* FZ_FAST (tests/fuzz/fuzz_*_fast.c): the same invariants without the
 * slow cross-checks (see those files), for many more inputs a second. */
#ifndef FZ_FAST
#define FZ_FAST 0
#endif

#define FST_MAX_INPUT 65536

/* ---- callbacks ----------------------------------------------------------- */

typedef struct fst_cb {
    fz_buf log;
    size_t calls;
    size_t stop_at;
    int stopped;
    /* joined text per (choice index < 8): content and tool args (tool < 8) */
    fz_buf text[8];
    fz_buf args[8][8];
} fst_cb;

static int fst_step(fst_cb *c)
{
    CHECK(!c->stopped, "a callback after a callback asked to stop");
    c->calls++;
    if (c->stop_at && c->calls == c->stop_at) {
        c->stopped = 1;
        return 1;
    }
    return 0;
}

static int fst_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    fst_cb *c = ctx;
    fz_addf(&c->log, "J%zu.%zu.%d.%zu:", choice, tool, (int)ev->type, ev->depth);
    fz_add_lp(&c->log, ev->pointer, ev->pointer_len);
    fz_add_lp(&c->log, ev->text, ev->len);
    return fst_step(c);
}

static int fst_text(void *ctx, size_t choice, const char *text, size_t len)
{
    fst_cb *c = ctx;
    CHECK(len > 0, "an empty text delta");
    fz_addf(&c->log, "T%zu:", choice);
    fz_add_lp(&c->log, text, len);
    if (choice < 8)
        fz_add(&c->text[choice], text, len);
    return fst_step(c);
}

static int fst_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    fst_cb *c = ctx;
    fz_addf(&c->log, "R%zu:", choice);
    fz_add_lp(&c->log, text, len);
    return fst_step(c);
}

static int fst_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t il,
                          const char *name, size_t nl)
{
    fst_cb *c = ctx;
    CHECK((il == 0 || id) && (nl == 0 || name), "NULL id or name with a length");
    fz_addf(&c->log, "B%zu.%zu:", choice, tool);
    fz_add_lp(&c->log, id, il);
    fz_add_lp(&c->log, name, nl);
    return fst_step(c);
}

static int fst_tool_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    fst_cb *c = ctx;
    CHECK(len > 0, "empty tool arguments delivered");
    fz_addf(&c->log, "A%zu.%zu:", choice, tool);
    fz_add_lp(&c->log, text, len);
    if (choice < 8 && tool < 8)
        fz_add(&c->args[choice][tool], text, len);
    return fst_step(c);
}

static int fst_tool_end(void *ctx, size_t choice, size_t tool)
{
    fst_cb *c = ctx;
    fz_addf(&c->log, "E%zu.%zu;", choice, tool);
    return fst_step(c);
}

static int fst_finish(void *ctx, size_t choice, llmj_finish f, const char *raw, size_t rl)
{
    fst_cb *c = ctx;
    CHECK(f >= LLMJ_FINISH_NONE && f <= LLMJ_FINISH_PAUSE_TURN, "finish %d", (int)f);
    fz_addf(&c->log, "F%zu.%d:", choice, (int)f);
    fz_add_lp(&c->log, raw, rl);
    return fst_step(c);
}

static int fst_usage(void *ctx, const llmj_usage *u)
{
    fst_cb *c = ctx;
    fz_addf(&c->log, "U%lld,%lld,%lld,%lld,%lld;", (long long)u->input_tokens,
            (long long)u->output_tokens, (long long)u->total_tokens, (long long)u->cached_tokens,
            (long long)u->reasoning_tokens);
    return fst_step(c);
}

static int fst_error(void *ctx, const llmj_provider_error *e)
{
    fst_cb *c = ctx;
    CHECK(e->status == LLMJ_PROVIDER_ERROR || e->status == LLMJ_BAD_EVENT, "error status %d",
          (int)e->status);
    fz_addf(&c->log, "X%d@%llu:%llu:%llu:", (int)e->status, (unsigned long long)e->offset,
            (unsigned long long)e->line, (unsigned long long)e->column);
    fz_add_lp(&c->log, e->message, e->message_len);
    fz_add_lp(&c->log, e->type, e->type_len);
    fz_add_lp(&c->log, e->code, e->code_len);
    return fst_step(c);
}

static int fst_lost(void *ctx, size_t choice, size_t tool, uint64_t offset)
{
    fst_cb *c = ctx;
    fz_addf(&c->log, "L%zu,%zu@%llu;", choice, tool, (unsigned long long)offset);
    return fst_step(c);
}

static const llmj_stream_callbacks k_cbs = {
    fst_json, fst_text, fst_refusal, fst_tool_begin, fst_tool_args, fst_tool_end,
    fst_finish, fst_usage, fst_error, fst_lost,
};

/* The same without a json callback: the stream's trackers are then quiet
 * (they give no events), and a document asked for has a tracker of its
 * own. */
static const llmj_stream_callbacks k_cbs_quiet = {
    NULL, fst_text, fst_refusal, fst_tool_begin, fst_tool_args, fst_tool_end,
    fst_finish, fst_usage, fst_error, fst_lost,
};

static void fst_cb_free(fst_cb *c)
{
    fz_free(&c->log);
    for (int i = 0; i < 8; i++) {
        fz_free(&c->text[i]);
        for (int j = 0; j < 8; j++)
            fz_free(&c->args[i][j]);
    }
}

static void fst_cb_clear(fst_cb *c)
{
    size_t stop_at = c->stop_at;
    fst_cb_free(c);
    memset(c, 0, sizeof *c);
    c->stop_at = stop_at;
}

/* ---- the final report ---------------------------------------------------- */

static void fst_check_r(const char *r, size_t rl)
{
    if (rl == 0)
        return;
    CHECK(memchr(r, '\0', rl) == NULL, "a repair holds a NUL byte");
    char err[128];
    yajl_val v = yajl_tree_parse(r, err, sizeof err);
    CHECK(v != NULL, "a repair does not parse: '%.*s': %s", (int)(rl < 200 ? rl : 200), r, err);
    yajl_tree_free(v);
}

static void fst_salvages(fz_buf *b, llmj_stream *s, size_t ci, size_t ti)
{
    for (int m = 0; m <= 1; m++) {
        llmj_salvage sv;
        llmj_status st = llmj_stream_salvage(s, ci, ti, (llmj_salvage_mode)m, &sv);
        CHECK(st == LLMJ_OK, "stream_salvage: %s", llmj_strerror(st));
        fz_addf(b, "S%d.%llu:", (int)sv.status, (unsigned long long)sv.bytes_kept);
        fz_add_lp(b, sv.closer, sv.closer_len);
        const char *r = NULL;
        size_t rl = 0;
        llmj_salvage info;
        st = llmj_stream_repair(s, ci, ti, (llmj_salvage_mode)m, &info, &r, &rl);
        CHECK(st == LLMJ_OK && r != NULL, "stream_repair: %s", llmj_strerror(st));
        CHECK(r[rl] == '\0', "repair not terminated");
        CHECK(info.bytes_kept == sv.bytes_kept && rl == info.bytes_kept + info.closer_len,
              "repair length");
        fst_check_r(r, rl);
        fz_add_lp(b, r, rl);
    }
}

static void fst_report(fz_buf *b, llmj_stream *s, fst_cb *c, llmj_status fin)
{
    const llmj_error *e = llmj_stream_error(s);
    CHECK(e && e->message, "stream_error");
    fz_addf(b, "fin=%d st=%d err=%d@%llu:%llu:%llu:%s dia=%d ev=%llu bad=%llu bytes=%llu done=%d ",
            (int)fin, (int)llmj_stream_status(s), (int)e->code, (unsigned long long)e->offset,
            (unsigned long long)e->line, (unsigned long long)e->column, e->message,
            (int)llmj_stream_dialect(s), (unsigned long long)llmj_stream_events(s),
            (unsigned long long)llmj_stream_bad_events(s), (unsigned long long)llmj_stream_bytes(s),
            llmj_stream_done(s));
    const llmj_usage *u = llmj_stream_usage(s);
    if (u)
        fz_addf(b, "U%lld,%lld,%lld,%lld,%lld ", (long long)u->input_tokens,
                (long long)u->output_tokens, (long long)u->total_tokens,
                (long long)u->cached_tokens, (long long)u->reasoning_tokens);
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    if (pe) {
        CHECK(pe->message && pe->type && pe->code, "provider error strings NULL");
        CHECK(pe->message[pe->message_len] == '\0' && pe->type[pe->type_len] == '\0' &&
                  pe->code[pe->code_len] == '\0',
              "provider error strings not terminated");
        fz_addf(b, "PE%d@%llu:", (int)pe->status, (unsigned long long)pe->offset);
        fz_add_lp(b, pe->message, pe->message_len);
        fz_add_lp(b, pe->type, pe->type_len);
        fz_add_lp(b, pe->code, pe->code_len);
    }
    size_t nc = llmj_stream_choice_count(s);
    CHECK(llmj_stream_choice(s, nc, &(llmj_choice_info){ 0 }) == LLMJ_MISUSE, "choice past the end");
    for (size_t ci = 0; ci < nc; ci++) {
        llmj_choice_info ch;
        CHECK(llmj_stream_choice(s, ci, &ch) == LLMJ_OK, "stream_choice");
        CHECK(ch.content && ch.content[ch.content_len] == '\0', "content");
        CHECK(!ch.refusal || ch.refusal[ch.refusal_len] == '\0', "refusal");
        CHECK(ch.json >= -1 && ch.json <= 1, "json %d", ch.json);
        CHECK(ch.complete == 0 || ch.complete == 1, "complete %d", ch.complete);
        if (ch.index < 8 && !c->stopped)
            CHECK(ch.content_len == c->text[ch.index].n &&
                      (ch.content_len == 0 ||
                       memcmp(ch.content, c->text[ch.index].d, ch.content_len) == 0),
                  "choice %zu: content is not its text callbacks joined", ch.index);
        fz_addf(b, "C%zu f=%d j=%d st=%d cpl=%d nt=%zu:", ch.index, (int)ch.finish, ch.json,
                (int)ch.status, ch.complete, ch.tool_count);
        fz_add_lp(b, ch.content, ch.content_len);
        fz_add_lp(b, ch.refusal, ch.refusal ? ch.refusal_len : 0);
        fz_add_lp(b, ch.finish_raw, ch.finish_raw ? ch.finish_raw_len : 0);
        llmj_tracker *t = llmj_stream_tracker(s, ci, LLMJ_NO_TOOL);
        CHECK((t != NULL) == (ch.json == 1), "a content tracker iff the content is JSON");
        if (t)
            fst_salvages(b, s, ci, LLMJ_NO_TOOL);
        for (size_t ti = 0; ti < ch.tool_count; ti++) {
            llmj_tool_info tl;
            CHECK(llmj_stream_tool(s, ci, ti, &tl) == LLMJ_OK, "stream_tool");
            CHECK(tl.id && tl.name && tl.arguments && tl.arguments[tl.arguments_len] == '\0',
                  "tool strings");
            if (ch.index < 8 && tl.index < 8 && !c->stopped)
                CHECK(tl.arguments_len == c->args[ch.index][tl.index].n &&
                          (tl.arguments_len == 0 ||
                           memcmp(tl.arguments, c->args[ch.index][tl.index].d,
                                  tl.arguments_len) == 0),
                      "tool arguments are not its tool_args callbacks joined");
            fz_addf(b, "t%zu e=%d st=%d cpl=%d:", tl.index, tl.ended, (int)tl.status, tl.complete);
            fz_add_lp(b, tl.id, tl.id_len);
            fz_add_lp(b, tl.name, tl.name_len);
            fz_add_lp(b, tl.arguments, tl.arguments_len);
            if (tl.text_input) {
                /* free-text input (a custom tool): no tracker, no salvage */
                fz_addf(b, "text ");
                CHECK(llmj_stream_tracker(s, ci, ti) == NULL, "a free-text tool call with a tracker");
                llmj_salvage sv;
                CHECK(llmj_stream_salvage(s, ci, ti, LLMJ_SALVAGE_LOSSLESS, &sv) == LLMJ_NOT_JSON,
                      "the salvage of a free-text tool call");
                continue;
            }
            CHECK(llmj_stream_tracker(s, ci, ti) != NULL, "a tool call without a tracker");
            fst_salvages(b, s, ci, ti);
        }
        CHECK(llmj_stream_tool(s, ci, ch.tool_count, &(llmj_tool_info){ 0 }) == LLMJ_MISUSE,
              "tool past the end");
    }
}

/* ---- a run ----------------------------------------------------------------- */

typedef struct fst_result {
    fst_cb cb;
    fz_buf report;
    llmj_status feed_status;
} fst_result;

/* Quiet: the document of every JSON text asked for after the first piece
 * past the middle (so that it follows the rest), and its state checked. */
static void fst_docs(llmj_stream *s)
{
    for (size_t ci = 0; ci < llmj_stream_choice_count(s); ci++) {
        llmj_choice_info ch;
        CHECK(llmj_stream_choice(s, ci, &ch) == LLMJ_OK, "stream_choice");
        for (size_t ti = 0; ti <= ch.tool_count; ti++) {
            size_t tool = ti == ch.tool_count ? LLMJ_NO_TOOL : ti;
            if (!llmj_stream_tracker(s, ci, tool))
                continue;
            llmj_doc *doc;
            llmj_status st = llmj_stream_doc(s, ci, tool, &doc);
            CHECK(st == LLMJ_OK || st == LLMJ_NOMEM, "stream_doc: %s", llmj_strerror(st));
            const char *j;
            size_t jl;
            if (st == LLMJ_OK)
                CHECK(llmj_doc_json(doc, LLMJ_DOC_NONE, &j, &jl) == LLMJ_OK, "doc_json");
        }
    }
}

static void fst_run(const unsigned char *body, size_t n, const llmj_config *cfg0, llmj_dialect d,
                    llmj_content_mode cm, const fz_splits *sp, size_t stop_at, int reset,
                    int quiet, fst_result *r)
{
    memset(r, 0, sizeof *r);
    r->cb.stop_at = stop_at;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg = *cfg0;
    cfg.alloc = tu_allocator(&ta);
    llmj_stream *s = NULL;
    llmj_status st = llmj_stream_new(&s, &cfg, d, cm, quiet ? &k_cbs_quiet : &k_cbs, &r->cb);
    CHECK(st == LLMJ_OK && s, "stream_new: %s", llmj_strerror(st));
    for (int pass = 0; pass < (reset ? 2 : 1); pass++) {
        fz_buf first_log = { 0 }, first_report = { 0 };
        if (pass == 1) {
            first_log = r->cb.log;
            memset(&r->cb.log, 0, sizeof r->cb.log);
            first_report = r->report;
            memset(&r->report, 0, sizeof r->report);
            fst_cb_clear(&r->cb);
            CHECK(llmj_stream_reset(s) == LLMJ_OK, "reset");
        }
        size_t fed = 0, k = 0;
        llmj_status first = LLMJ_OK;
        while (fed < n) {
            size_t len = sp ? fz_piece(sp, k++) : n;
            if (len > n - fed)
                len = n - fed;
            st = llmj_stream_feed(s, body + fed, len);
            int past_middle = fed < n / 2 && fed + len >= n / 2;
            fed += len;
            if (quiet && past_middle && cfg.string_chunks)
                fst_docs(s);
            if (first != LLMJ_OK)
                CHECK(st == first, "sticky %s became %s", llmj_strerror(first), llmj_strerror(st));
            else
                first = st;
            CHECK(llmj_stream_status(s) == st, "status() differs from feed's return");
        }
        r->feed_status = first;
        if (r->cb.stopped)
            CHECK(first == LLMJ_ABORTED, "a callback stopped, feed returned %s",
                  llmj_strerror(first));
        llmj_status fin = llmj_stream_finish(s);
        CHECK(llmj_stream_finish(s) == fin, "finish twice gave another status");
        CHECK(llmj_stream_feed(s, "x", 1) != LLMJ_OK, "feed after finish");
        if (first != LLMJ_OK)
            CHECK(fin == first, "finish %s after feed %s", llmj_strerror(fin),
                  llmj_strerror(first));
        if (r->cb.stopped)
            CHECK(fin == LLMJ_ABORTED, "finish after a stop: %s", llmj_strerror(fin));
        fz_addf(&r->report, "feed=%d ", (int)first);
        fst_report(&r->report, s, &r->cb, fin);
        if (pass == 1) {
            CHECK(fz_eq(&first_log, &r->cb.log), "callbacks after reset differ");
            CHECK(fz_eq(&first_report, &r->report), "report after reset differs");
            fz_free(&first_log);
            fz_free(&first_report);
        }
    }
    llmj_stream_free(s);
    CHECK(ta.live == 0, "%zu blocks leaked", ta.live);
}

static void fst_result_free(fst_result *r)
{
    fst_cb_free(&r->cb);
    fz_free(&r->report);
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
    size_t n = in.len < FST_MAX_INPUT ? in.len : FST_MAX_INPUT;

    llmj_dialect d = (f & 7) <= 5 ? (llmj_dialect)(f & 7) : LLMJ_DIALECT_AUTO;
    llmj_content_mode cm = ((f >> 3) & 3) <= 2 ? (llmj_content_mode)((f >> 3) & 3)
                                               : LLMJ_CONTENT_AUTO;
    llmj_config cfg;
    llmj_config_init(&cfg);
    if (f & 32) {
        cfg.max_event = 256;
        cfg.whitespace_limit = 16;
        cfg.repeat_limit = 128;
        cfg.max_depth = 8;
        cfg.max_choices = 4;
        cfg.max_tool_calls = 4;
        cfg.max_text = 4096;
    }

    static fst_result whole, split, stop;
    fst_run(body, n, &cfg, d, cm, NULL, 0, !FZ_FAST, 0, &whole);
    fst_run(body, n, &cfg, d, cm, &sp, 0, 0, 0, &split);
    CHECK(fz_eq(&whole.cb.log, &split.cb.log),
          "callbacks differ between whole and split feeding (at byte %zu of %zu/%zu)",
          fz_diff_at(&whole.cb.log, &split.cb.log), whole.cb.log.n, split.cb.log.n);
    CHECK(fz_eq(&whole.report, &split.report),
          "final state differs between whole and split feeding (at byte %zu of %zu/%zu):\n%s\n%s",
          fz_diff_at(&whole.report, &split.report), whole.report.n, split.report.n,
          whole.report.d, split.report.d);

    /* without a json callback (quiet trackers; documents with trackers of
     * their own): the same final state */
    static fst_result quiet;
    fst_run(body, n, &cfg, d, cm, &sp, 0, 0, 1, &quiet);
    CHECK(fz_eq(&whole.report, &quiet.report),
          "final state differs without a json callback (at byte %zu of %zu/%zu):\n%s\n%s",
          fz_diff_at(&whole.report, &quiet.report), whole.report.n, quiet.report.n,
          whole.report.d, quiet.report.d);
    fst_result_free(&quiet);

    if (!FZ_FAST && split.cb.calls > 0) {
        size_t at = (size_t)(in.nhdr > 1 ? in.hdr[1] : n) % split.cb.calls + 1;
        fst_run(body, n, &cfg, d, cm, &sp, at, 0, 0, &stop);
        CHECK(stop.cb.stopped, "the stop was not reached");
        CHECK(fz_is_prefix(&stop.cb.log, &split.cb.log), "callbacks before a stop differ");
        fst_result_free(&stop);
    }
    fst_result_free(&whole);
    fst_result_free(&split);
    return 0;
}
