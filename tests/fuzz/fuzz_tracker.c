// seeds: corpus/json ../shared/jsontestsuite/test_parsing tests/fuzz/regress
/* libFuzzer target: the JSON tracker and its salvage (src/tracker.c,
 * src/salvage.c).
 *
 * Input: header bytes (fuzz_common.h), then the text S.
 *   header byte 0, bits: 0 repeat_limit 128; 1 whitespace_limit 8 (else 256);
 *     2 max_depth 4 (else 512); 3 max_token 16 (else 64 MiB); 4 no string
 *     chunks; 5 finish with LLMJ_END_NORMAL (else truncated).
 *   header bytes 1..: piece sizes for the split run (1..64, cycled); one
 *     byte at a time when there are none. A third run, split the same way,
 *     has a callback that stops at event number (header byte 1, or the text
 *     length) modulo the number of events, plus 1.
 *
 * Invariants checked:
 * - every event is sane: its pointer is its segments written as RFC 6901,
 *   depths follow the begin/end nesting, keys only in objects, strings and
 *   keys valid UTF-8, numbers valid JSON numbers, string chunks valid UTF-8
 *   that concatenate to the string's value (none empty but a string's
 *   first, marked first), no callback after a stop;
 * - after every piece and at the end, in both modes: R = S[0:k] + closer has
 *   k <= bytes fed, a closer of at most one '"' (greedy) then brackets
 *   matching nclosed, closed pointers nested down to the root, and R is
 *   empty or parses with yajl_tree_parse and with the strict reference; the
 *   lossless k never decreases as bytes arrive; greedy k >= lossless k;
 * - errors: bytes fed == error offset, line and column match S, the finish
 *   status matches the salvage status; a runaway's run really is whitespace
 *   (or really repeats); sticky statuses stay; no feed after finish;
 * - the same input split at the header's piece sizes gives the same events,
 *   statuses, errors, counters and salvage as feeding it whole;
 * - after llmj_tracker_reset the same input gives the same result;
 * - llmj_tracker_repair gives S[0:k] + closer, NUL-terminated;
 * - without the repetition detector: the same salvage (status, k, closer,
 *   closed pointers, error position, runaway offset) and the same events as
 *   the independent reference in tests/ref/ref_salvage.c;
 * - a callback stop: no callback after it, the events so far are a prefix of
 *   the full run's, and the salvage is that of the bytes taken;
 * - nothing leaks (counting allocator: live == 0 after free). */
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

#include "fuzz_common.h"

/* FZ_FAST (tests/fuzz/fuzz_*_fast.c): the same invariants without the
 * slow cross-checks (see those files), for many more inputs a second. */
#ifndef FZ_FAST
#define FZ_FAST 0
#endif
#include "ref/ref_salvage.c"

/* ---- event checking and logging ------------------------------------------- */

#define FT_MAX_STACK 4096
#define FT_MAX_TEXT 4096

typedef struct ft_events {
    fz_buf log;            /* every event but STRING_CHUNK */
    fz_buf chunks;         /* chunks of the string value now open */
    fz_buf chunk_ptr;      /* their pointer */
    int chunk_open;
    int string_chunks;     /* config.string_chunks */
    size_t count;          /* callbacks so far */
    size_t stop_at;        /* return 1 on this callback (1-based); 0 never */
    int stopped;
    char stack[FT_MAX_STACK];
    size_t depth;          /* open containers, from the events */
    size_t overflow;       /* containers beyond FT_MAX_STACK */
} ft_events;

static void ft_pointer_of(fz_buf *out, const llmj_event *ev)
{
    for (size_t i = 0; i < ev->depth; i++) {
        const llmj_segment *sg = &ev->segments[i];
        fz_add(out, "/", 1);
        if (sg->key) {
            for (size_t j = 0; j < sg->key_len; j++) {
                if (sg->key[j] == '~')
                    fz_add(out, "~0", 2);
                else if (sg->key[j] == '/')
                    fz_add(out, "~1", 2);
                else
                    fz_add(out, &sg->key[j], 1);
            }
        } else {
            fz_addf(out, "%zu", sg->index);
        }
    }
}

static int ft_on_event(void *ctx, const llmj_event *ev)
{
    ft_events *e = ctx;
    CHECK(!e->stopped, "a callback after the callback asked to stop");
    e->count++;

    /* the pointer is the segments */
    CHECK(ev->pointer != NULL && ev->pointer[ev->pointer_len] == '\0', "pointer not terminated");
    fz_buf want = { 0 };
    ft_pointer_of(&want, ev);
    CHECK(want.n == ev->pointer_len && (want.n == 0 || memcmp(want.d, ev->pointer, want.n) == 0),
          "event %s: pointer '%.*s' is not its segments '%s'", llmj_event_type_name(ev->type),
          (int)ev->pointer_len, ev->pointer, want.d ? want.d : "");
    fz_free(&want);

    /* the nesting */
    size_t open = e->depth + e->overflow;
    switch (ev->type) {
    case LLMJ_EV_BEGIN_OBJECT:
    case LLMJ_EV_BEGIN_ARRAY:
        CHECK(ev->depth == open, "begin at depth %zu, %zu open", ev->depth, open);
        if (e->depth < FT_MAX_STACK)
            e->stack[e->depth++] = ev->type == LLMJ_EV_BEGIN_OBJECT ? '{' : '[';
        else
            e->overflow++;
        break;
    case LLMJ_EV_END_OBJECT:
    case LLMJ_EV_END_ARRAY:
        CHECK(open > 0, "end without a begin");
        if (e->overflow)
            e->overflow--;
        else
            CHECK(e->stack[--e->depth] == (ev->type == LLMJ_EV_END_OBJECT ? '{' : '['),
                  "end of the wrong kind");
        CHECK(ev->depth == open - 1, "end at depth %zu, %zu open", ev->depth, open);
        break;
    case LLMJ_EV_KEY:
        CHECK(ev->depth == open && open > 0, "key at depth %zu, %zu open", ev->depth, open);
        CHECK(e->overflow || e->stack[e->depth - 1] == '{', "key in an array");
        CHECK(ev->depth > 0 && ev->segments[ev->depth - 1].key != NULL, "key without a key segment");
        break;
    default:
        CHECK(ev->depth == open, "value at depth %zu, %zu open", ev->depth, open);
        CHECK(open == 0 || e->overflow || e->stack[e->depth - 1] == '[' ||
                  ev->segments[ev->depth - 1].key != NULL,
              "object member value without a key");
        break;
    }

    /* the payload */
    switch (ev->type) {
    case LLMJ_EV_STRING_CHUNK:
        CHECK(e->string_chunks, "a string chunk with string_chunks off");
        /* only a string's first chunk may be empty: it has just begun */
        CHECK(ev->len > 0 || (ev->first && !e->chunk_open), "an empty string chunk, not the first");
        CHECK(fz_utf8_ok((const unsigned char *)ev->text, ev->len), "chunk splits a code point");
        if (e->chunk_open) {
            CHECK(e->chunk_ptr.n == ev->pointer_len &&
                      memcmp(e->chunk_ptr.d, ev->pointer, ev->pointer_len) == 0,
                  "chunks of one string under different pointers");
        } else {
            e->chunk_open = 1;
            e->chunk_ptr.n = 0;
            fz_add(&e->chunk_ptr, ev->pointer, ev->pointer_len);
        }
        fz_add(&e->chunks, ev->text, ev->len);
        break;
    case LLMJ_EV_STRING:
        CHECK(fz_utf8_ok((const unsigned char *)ev->text, ev->len), "string value not UTF-8");
        if (e->string_chunks) {
            CHECK(e->chunks.n == ev->len &&
                      (ev->len == 0 || memcmp(e->chunks.d, ev->text, ev->len) == 0),
                  "chunks (%zu bytes) do not make the string (%zu bytes)", e->chunks.n, ev->len);
            if (e->chunk_open)
                CHECK(e->chunk_ptr.n == ev->pointer_len &&
                          memcmp(e->chunk_ptr.d, ev->pointer, ev->pointer_len) == 0,
                      "string under another pointer than its chunks");
        }
        e->chunks.n = 0;
        e->chunk_open = 0;
        break;
    case LLMJ_EV_KEY:
        CHECK(fz_utf8_ok((const unsigned char *)ev->text, ev->len), "key not UTF-8");
        CHECK(ev->segments[ev->depth - 1].key_len == ev->len &&
                  memcmp(ev->segments[ev->depth - 1].key, ev->text, ev->len) == 0,
              "key segment differs from the key");
        break;
    case LLMJ_EV_NUMBER:
        CHECK(ref_is_number(ev->text, ev->len), "number event '%.*s' is not a JSON number",
              (int)ev->len, ev->text);
        break;
    case LLMJ_EV_TRUE:
        CHECK(ev->len == 4 && memcmp(ev->text, "true", 4) == 0, "true text");
        break;
    case LLMJ_EV_FALSE:
        CHECK(ev->len == 5 && memcmp(ev->text, "false", 5) == 0, "false text");
        break;
    case LLMJ_EV_NULL:
        CHECK(ev->len == 4 && memcmp(ev->text, "null", 4) == 0, "null text");
        break;
    default:
        CHECK(ev->len == 0, "container event with text");
        break;
    }
    if (ev->type != LLMJ_EV_STRING_CHUNK) {
        CHECK(!e->chunk_open || ev->type == LLMJ_EV_STRING, "chunks not followed by their string");
        int32_t ty = (int32_t)ev->type;
        fz_add(&e->log, &ty, sizeof ty);
        uint64_t d = ev->depth;
        fz_add(&e->log, &d, sizeof d);
        fz_add_lp(&e->log, ev->pointer, ev->pointer_len);
        fz_add_lp(&e->log, ev->text, ev->len);
    }
    if (e->stop_at && e->count == e->stop_at) {
        e->stopped = 1;
        return 1;
    }
    return 0;
}

static void ft_events_free(ft_events *e)
{
    fz_free(&e->log);
    fz_free(&e->chunks);
    fz_free(&e->chunk_ptr);
}

/* ---- salvage checking ------------------------------------------------------ */

/* R is empty, or valid JSON for yajl's tree parser and for the reference. */
static void ft_check_r(const char *r, size_t rlen, const char *what)
{
    if (rlen == 0)
        return;
    char err[256];
    err[0] = '\0';
    CHECK(memchr(r, '\0', rlen) == NULL, "%s: R holds a NUL byte", what);
    yajl_val v = yajl_tree_parse(r, err, sizeof err);
    CHECK(v != NULL, "%s: yajl_tree_parse rejects R = '%.*s': %s", what, (int)rlen, r, err);
    yajl_tree_free(v);
    CHECK(ref_is_json(r, rlen), "%s: R = '%.*s' is not strict JSON", what, (int)rlen, r);
}

/* The salvage as comparable bytes. */
static void ft_summary(fz_buf *b, const llmj_salvage *s)
{
    fz_addf(b, "st=%d k=%llu closer=", (int)s->status, (unsigned long long)s->bytes_kept);
    fz_add_lp(b, s->closer, s->closer_len);
    /* the closed pointers are prefixes of the first (innermost) one */
    fz_addf(b, " n=%zu", s->nclosed);
    if (s->nclosed) {
        fz_add_lp(b, s->closed_pointer, s->closed_len[0]);
        for (size_t i = 1; i < s->nclosed; i++) {
            uint64_t v = s->closed_len[i];
            fz_add(b, &v, sizeof v);
        }
    }
    fz_addf(b, " err=%d@%llu:%llu:%llu:%s run=%d@%llu;", (int)s->error.code,
            (unsigned long long)s->error.offset, (unsigned long long)s->error.line,
            (unsigned long long)s->error.column, s->error.message ? s->error.message : "(null)",
            (int)s->runaway, (unsigned long long)s->runaway_offset);
}

/* Salvage in one mode with every structural check; parse R when deep. */
static void ft_salvage(llmj_tracker *t, const unsigned char *S, llmj_salvage_mode mode, int deep,
                       llmj_salvage *out, fz_buf *sum)
{
    llmj_status rc = llmj_tracker_salvage(t, mode, out);
    CHECK(rc == LLMJ_OK, "salvage returned %s", llmj_strerror(rc));
    uint64_t fed = llmj_tracker_bytes(t);
    CHECK(out->bytes_kept <= fed, "k %llu > bytes %llu", (unsigned long long)out->bytes_kept,
          (unsigned long long)fed);
    size_t q = 0;
    if (out->closer_len > 0 && out->closer[0] == '"') {
        CHECK(mode == LLMJ_SALVAGE_GREEDY, "a quote in a lossless closer");
        q = 1;
    }
    CHECK(out->closer_len == q + out->nclosed, "closer length %zu, %zu closed", out->closer_len,
          out->nclosed);
    CHECK(out->closer[out->closer_len] == '\0', "closer not terminated");
    for (size_t i = 0; i < out->nclosed; i++) {
        char c = out->closer[q + i];
        CHECK(c == ']' || c == '}', "closer byte '%c'", c);
        if (i > 0)
            CHECK(out->closed_len[i] < out->closed_len[i - 1], "closed pointers not nested");
    }
    if (out->nclosed)
        CHECK(out->closed_len[out->nclosed - 1] == 0, "the outermost closed pointer is not root");
    if (out->status == LLMJ_TEXT_COMPLETE)
        CHECK(out->closer_len == 0, "complete, yet a closer");
    if (out->status == LLMJ_TEXT_EMPTY)
        CHECK(out->bytes_kept == 0 && out->closer_len == 0, "empty, yet something kept");
    if (deep) {
        size_t k = (size_t)out->bytes_kept;
        char *r = malloc(k + out->closer_len + 1);
        if (!r)
            abort();
        memcpy(r, S, k);
        memcpy(r + k, out->closer, out->closer_len);
        r[k + out->closer_len] = '\0';
        ft_check_r(r, k + out->closer_len,
                   mode == LLMJ_SALVAGE_GREEDY ? "greedy salvage" : "lossless salvage");
        free(r);
    }
    if (sum)
        ft_summary(sum, out);
}

/* Line and column of offset off in S, as llmj_error counts them. */
static void ft_line_col(const unsigned char *S, uint64_t off, uint64_t *line, uint64_t *col)
{
    uint64_t l = 1, start = 0;
    for (uint64_t i = 0; i < off; i++)
        if (S[i] == '\n')
            l++, start = i + 1;
    *line = l;
    *col = off - start + 1;
}

/* ---- one run --------------------------------------------------------------- */

typedef struct ft_opts {
    llmj_config cfg;
    llmj_end end;
    const fz_splits *splits; /* NULL: whole */
    size_t stop_at;          /* callback stop (0 none) */
    int record_boundaries;   /* keep the salvage summary after each piece */
    int check_reset;         /* after the run, reset and run whole again */
} ft_opts;

typedef struct ft_result {
    ft_events ev;
    fz_buf sum;              /* statuses, counters, both salvages */
    uint64_t final_hash;     /* hash of both final salvages */
    llmj_status feed_status; /* the first non-OK feed status (OK if none) */
    llmj_status fin_status;
    uint64_t bytes;
    uint64_t *bounds;        /* per piece: hash of both salvages */
    uint64_t *bound_at;
    size_t nbounds;
} ft_result;

static void ft_result_free(ft_result *r)
{
    ft_events_free(&r->ev);
    fz_free(&r->sum);
    free(r->bounds);
    free(r->bound_at);
}

static void ft_feed_all(llmj_tracker *t, const unsigned char *S, size_t n, const ft_opts *o,
                        ft_result *res)
{
    size_t fed = 0, k = 0, npieces = 0;
    uint64_t last_lossless = 0;
    llmj_status first_bad = LLMJ_OK;
    uint64_t bytes_at_stop = 0;
    if (o->record_boundaries) {
        size_t cap = n + 1;
        res->bounds = calloc(cap, sizeof *res->bounds);
        res->bound_at = calloc(cap, sizeof *res->bound_at);
        if (!res->bounds || !res->bound_at)
            abort();
    }
    /* how many pieces: to spread the deep checks */
    if (o->splits) {
        size_t m = 0;
        for (size_t f = 0; f < n; m++)
            f += fz_piece(o->splits, m);
        npieces = m;
    } else {
        npieces = 1;
    }
    size_t every = npieces / 24 + 1;
    while (fed < n) {
        size_t len = o->splits ? fz_piece(o->splits, k) : n;
        if (len > n - fed)
            len = n - fed;
        llmj_status st = llmj_tracker_feed(t, S + fed, len);
        fed += len;
        if (first_bad != LLMJ_OK) {
            CHECK(st == first_bad, "sticky status %s became %s", llmj_strerror(first_bad),
                  llmj_strerror(st));
            CHECK(llmj_tracker_bytes(t) == bytes_at_stop, "bytes moved after a stop");
        } else if (st != LLMJ_OK) {
            first_bad = st;
            bytes_at_stop = llmj_tracker_bytes(t);
            CHECK(bytes_at_stop <= fed, "more bytes taken than fed");
            if (st == LLMJ_ABORTED)
                CHECK(bytes_at_stop == fed, "a callback stop did not take the whole piece");
        } else {
            CHECK(llmj_tracker_bytes(t) == fed, "bytes %llu, fed %zu",
                  (unsigned long long)llmj_tracker_bytes(t), fed);
        }
        CHECK(llmj_tracker_status(t) == st, "status() differs from feed's return");
        llmj_salvage sl, sg;
        int deep = (k % every) == 0 || fed == n;
        fz_buf b = { 0 };
        fz_buf *bp = o->record_boundaries ? &b : NULL;
        ft_salvage(t, S, LLMJ_SALVAGE_LOSSLESS, deep, &sl, bp);
        ft_salvage(t, S, LLMJ_SALVAGE_GREEDY, deep, &sg, bp);
        if (bp) {
            res->bounds[res->nbounds] = fz_hash(&b);
            res->bound_at[res->nbounds] = fed;
            res->nbounds++;
            fz_free(&b);
        }
        CHECK(sl.bytes_kept >= last_lossless, "lossless k went back from %llu to %llu",
              (unsigned long long)last_lossless, (unsigned long long)sl.bytes_kept);
        last_lossless = sl.bytes_kept;
        CHECK(sg.bytes_kept >= sl.bytes_kept, "greedy k %llu < lossless k %llu",
              (unsigned long long)sg.bytes_kept, (unsigned long long)sl.bytes_kept);
        CHECK(sl.status == sg.status, "the modes disagree on the status");
        k++;
    }
    res->feed_status = first_bad;
}

static void ft_run(const unsigned char *S, size_t n, const ft_opts *o, ft_result *res)
{
    memset(res, 0, sizeof *res);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg = o->cfg;
    cfg.alloc = tu_allocator(&ta);
    res->ev.string_chunks = cfg.string_chunks;
    res->ev.stop_at = o->stop_at;
    llmj_tracker *t = NULL;
    llmj_status rc = llmj_tracker_new(&t, &cfg, ft_on_event, &res->ev);
    CHECK(rc == LLMJ_OK && t, "tracker_new: %s", llmj_strerror(rc));

    for (int pass = 0; pass < (o->check_reset ? 2 : 1); pass++) {
        fz_buf *sum = &res->sum;
        fz_buf first = { 0 }, first_log = { 0 };
        if (pass == 1) {
            first = res->sum;
            memset(&res->sum, 0, sizeof res->sum);
            first_log = res->ev.log;
            memset(&res->ev.log, 0, sizeof res->ev.log);
            res->ev.chunks.n = 0;
            res->ev.chunk_open = 0;
            res->ev.depth = res->ev.overflow = 0;
            res->ev.count = 0;
            res->ev.stopped = 0;
            CHECK(llmj_tracker_reset(t) == LLMJ_OK, "reset");
            CHECK(llmj_tracker_bytes(t) == 0 && llmj_tracker_status(t) == LLMJ_OK, "reset state");
            ft_opts whole = *o;
            whole.splits = NULL;
            whole.record_boundaries = 0;
            ft_feed_all(t, S, n, &whole, res);
        } else {
            ft_feed_all(t, S, n, o, res);
        }
        res->bytes = llmj_tracker_bytes(t);
        llmj_status fin = llmj_tracker_finish(t, o->end);
        res->fin_status = fin;
        CHECK(llmj_tracker_finish(t, o->end) == LLMJ_MISUSE, "finish twice");
        CHECK(llmj_tracker_feed(t, "x", 1) == LLMJ_MISUSE, "feed after finish");
        if (res->feed_status != LLMJ_OK)
            CHECK(fin == res->feed_status, "finish %s after feed %s", llmj_strerror(fin),
                  llmj_strerror(res->feed_status));

        /* (a salvage's strings last until the next call: summarise now) */
        llmj_salvage sl, sg;
        fz_buf sl_sum = { 0 }, sg_sum = { 0 };
        ft_salvage(t, S, LLMJ_SALVAGE_LOSSLESS, 1, &sl, &sl_sum);
        ft_salvage(t, S, LLMJ_SALVAGE_GREEDY, 1, &sg, &sg_sum);
        CHECK(sg.bytes_kept >= sl.bytes_kept, "greedy k < lossless k at the end");
        const llmj_error *er = llmj_tracker_error(t);

        /* the finish status and the salvage status say the same thing */
        switch (sl.status) {
        case LLMJ_TEXT_COMPLETE:
            CHECK(fin == LLMJ_OK || fin == LLMJ_ABORTED, "complete, finish %s", llmj_strerror(fin));
            break;
        case LLMJ_TEXT_EMPTY:
            CHECK(fin == LLMJ_EMPTY || fin == LLMJ_ABORTED, "empty, finish %s", llmj_strerror(fin));
            break;
        case LLMJ_TEXT_TRUNCATED:
            CHECK(fin == LLMJ_TRUNCATED || fin == LLMJ_ABORTED || fin == LLMJ_NOMEM,
                  "truncated, finish %s", llmj_strerror(fin));
            break;
        case LLMJ_TEXT_INVALID:
            CHECK(fin == LLMJ_INVALID || fin == LLMJ_TOO_DEEP || fin == LLMJ_TOO_LONG,
                  "invalid, finish %s", llmj_strerror(fin));
            CHECK(sl.error.code == fin && er->code == fin, "error code %d, finish %s",
                  (int)sl.error.code, llmj_strerror(fin));
            CHECK(er->offset == res->bytes, "error at %llu, bytes %llu",
                  (unsigned long long)er->offset, (unsigned long long)res->bytes);
            {
                uint64_t line, col;
                ft_line_col(S, er->offset, &line, &col);
                CHECK(er->line == line && er->column == col,
                      "error at %llu: line %llu col %llu, expected %llu:%llu",
                      (unsigned long long)er->offset, (unsigned long long)er->line,
                      (unsigned long long)er->column, (unsigned long long)line,
                      (unsigned long long)col);
            }
            CHECK(er->message && er->message[0], "an error without a message");
            break;
        case LLMJ_TEXT_RUNAWAY: {
            CHECK(fin == sl.runaway, "runaway %s, finish %s", llmj_strerror(sl.runaway),
                  llmj_strerror(fin));
            uint64_t r0 = sl.runaway_offset;
            CHECK(r0 == llmj_tracker_runaway_offset(t), "runaway offsets differ");
            CHECK(r0 < res->bytes, "runaway offset past the bytes taken");
            if (sl.runaway == LLMJ_RUNAWAY_WHITESPACE) {
                /* W + I * d, d the containers open at the run's start,
                 * which are the ones the salvage closes */
                CHECK(res->bytes - r0 == cfg.whitespace_limit + cfg.whitespace_indent * sl.nclosed,
                      "whitespace run of %llu bytes stopped, limit %zu + %zu * %zu",
                      (unsigned long long)(res->bytes - r0), cfg.whitespace_limit,
                      cfg.whitespace_indent, sl.nclosed);
                for (uint64_t i = r0; i < res->bytes; i++)
                    CHECK(S[i] == ' ' || S[i] == '\t' || S[i] == '\n' || S[i] == '\r',
                          "byte %llu of the whitespace run is 0x%02x", (unsigned long long)i,
                          S[i]);
            } else {
                CHECK(sl.runaway == LLMJ_RUNAWAY_REPEAT, "runaway kind %d", (int)sl.runaway);
                CHECK(cfg.repeat_limit && res->bytes - r0 >= cfg.repeat_limit,
                      "repeat run of %llu bytes, limit %zu", (unsigned long long)(res->bytes - r0),
                      cfg.repeat_limit);
                int found = 0;
                for (uint64_t u = 1; u <= 64 && !found; u++) {
                    uint64_t q = r0 + u;
                    while (q < res->bytes && S[q] == S[q - u])
                        q++;
                    found = q >= res->bytes;
                }
                CHECK(found, "the repeat run at %llu does not repeat", (unsigned long long)r0);
            }
            break;
        }
        }
        if (sl.status != LLMJ_TEXT_INVALID)
            CHECK(er->code == LLMJ_OK, "an error code without an invalid status");
        if (sl.status != LLMJ_TEXT_RUNAWAY)
            CHECK(llmj_tracker_runaway_offset(t) == UINT64_MAX, "a runaway offset, no runaway");

        /* repair and text, when the text is kept */
        if (cfg.keep_text) {
            size_t tl = 0;
            const char *tx = llmj_tracker_text(t, &tl);
            CHECK(tx && tl == res->bytes && memcmp(tx, S, tl) == 0, "kept text is not S[0:bytes]");
            for (int m = 0; m <= 1; m++) {
                llmj_salvage info, ref = m ? sg : sl;
                const char *r = NULL;
                size_t rl = 0;
                CHECK(llmj_tracker_repair(t, (llmj_salvage_mode)m, &info, &r, &rl) == LLMJ_OK,
                      "repair");
                CHECK(info.bytes_kept == ref.bytes_kept && info.status == ref.status,
                      "repair's info differs from salvage");
                CHECK(rl == info.bytes_kept + info.closer_len && r[rl] == '\0' &&
                          memcmp(r, S, (size_t)info.bytes_kept) == 0 &&
                          memcmp(r + info.bytes_kept, info.closer, info.closer_len) == 0,
                      "repair text is not S[0:k] + closer");
            }
        } else {
            const char *r;
            size_t rl;
            CHECK(llmj_tracker_repair(t, LLMJ_SALVAGE_LOSSLESS, NULL, &r, &rl) == LLMJ_MISUSE,
                  "repair without keep_text");
        }

        fz_addf(sum, "feed=%d fin=%d bytes=%llu depth=%zu maxdepth=%zu run=%llu ",
                (int)res->feed_status, (int)fin, (unsigned long long)res->bytes,
                llmj_tracker_depth(t), llmj_tracker_max_depth(t),
                (unsigned long long)llmj_tracker_runaway_offset(t));
        fz_addf(sum, "err=%d@%llu:%llu:%llu:%s ", (int)er->code, (unsigned long long)er->offset,
                (unsigned long long)er->line, (unsigned long long)er->column, er->message);
        fz_add(sum, sl_sum.d, sl_sum.n);
        fz_add(sum, sg_sum.d, sg_sum.n);
        fz_add(&sl_sum, sg_sum.d, sg_sum.n);
        res->final_hash = fz_hash(&sl_sum);
        fz_free(&sl_sum);
        fz_free(&sg_sum);
        if (pass == 1) {
            CHECK(fz_eq(&first, &res->sum), "result after reset differs:\n  %s\n  %s", first.d,
                  res->sum.d);
            fz_free(&first);
            CHECK(fz_eq(&first_log, &res->ev.log), "events after reset differ");
            fz_free(&first_log);
        }
    }
    llmj_tracker_free(t);
    CHECK(ta.live == 0, "%zu blocks leaked", ta.live);
}

/* ---- against the reference ------------------------------------------------- */

static void ft_vs_ref(const unsigned char *S, size_t n, const llmj_config *cfg, llmj_end end,
                      const ft_result *res)
{
    ref_cfg rc;
    rc.max_depth = cfg->max_depth;
    rc.max_token = cfg->max_token;
    rc.whitespace_limit = cfg->whitespace_limit;
    rc.whitespace_indent = cfg->whitespace_indent;
    int en = end == LLMJ_END_NORMAL;
    fz_buf want = { 0 };
    for (int greedy = 0; greedy <= 1; greedy++) {
        ref_salv ex;
        if (ref_salvage(S, n, greedy, en, &rc, &ex) != 0)
            return; /* deeper than the reference's recursion */
        fz_addf(&want, "st=%d k=%llu closer=", ex.status, (unsigned long long)ex.k);
        fz_add_lp(&want, ex.closer, ex.closer_len);
        fz_addf(&want, " n=%zu", ex.nclosed);
        for (size_t i = 0; i < ex.nclosed; i++)
            fz_add_lp(&want, ex.closed[i], ex.closed_len[i]);
        if (ex.status == LLMJ_TEXT_INVALID)
            fz_addf(&want, " err=%d@%zu:%zu:%zu", ex.err_code, ex.err_offset, ex.err_line,
                    ex.err_column);
        else
            fz_addf(&want, " err=0");
        fz_addf(&want, " run=%llu;", ex.runaway_offset == SIZE_MAX
                                         ? (unsigned long long)UINT64_MAX
                                         : (unsigned long long)ex.runaway_offset);
        ref_salv_free(&ex);
    }
    /* the same fields of the tracker's two final salvages */
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config c = *cfg;
    c.alloc = tu_allocator(&ta);
    llmj_tracker *t = NULL;
    CHECK(llmj_tracker_new(&t, &c, NULL, NULL) == LLMJ_OK, "tracker_new");
    llmj_tracker_feed(t, S, n);
    llmj_tracker_finish(t, end);
    fz_buf got = { 0 };
    for (int greedy = 0; greedy <= 1; greedy++) {
        llmj_salvage s;
        CHECK(llmj_tracker_salvage(t, (llmj_salvage_mode)greedy, &s) == LLMJ_OK, "salvage");
        fz_addf(&got, "st=%d k=%llu closer=", (int)s.status, (unsigned long long)s.bytes_kept);
        fz_add_lp(&got, s.closer, s.closer_len);
        fz_addf(&got, " n=%zu", s.nclosed);
        for (size_t i = 0; i < s.nclosed; i++)
            fz_add_lp(&got, s.closed_pointer, s.closed_len[i]);
        if (s.status == LLMJ_TEXT_INVALID)
            fz_addf(&got, " err=%d@%llu:%llu:%llu", (int)s.error.code,
                    (unsigned long long)s.error.offset, (unsigned long long)s.error.line,
                    (unsigned long long)s.error.column);
        else
            fz_addf(&got, " err=0");
        fz_addf(&got, " run=%llu;", (unsigned long long)s.runaway_offset);
    }
    llmj_tracker_free(t);
    CHECK(ta.live == 0, "leak");
    CHECK(fz_eq(&got, &want), "salvage differs from the reference (at byte %zu of the summary)",
          fz_diff_at(&got, &want));
    fz_free(&got);
    fz_free(&want);

    /* events: the reference's log in the same format as ft_on_event's */
    ref_events re;
    memset(&re, 0, sizeof re);
    if (ref_events_of(S, n, en, &rc, &re) != 0) {
        ref_events_free(&re);
        return;
    }
    fz_buf rl = { 0 };
    for (size_t i = 0; i < re.n; i++) {
        int32_t ty = (int32_t)re.v[i].type;
        fz_add(&rl, &ty, sizeof ty);
        uint64_t d = re.v[i].depth;
        fz_add(&rl, &d, sizeof d);
        fz_add_lp(&rl, re.v[i].pointer, re.v[i].pointer_len);
        fz_add_lp(&rl, re.v[i].text, re.v[i].len);
    }
    ref_events_free(&re);
    CHECK(fz_eq(&rl, &res->ev.log), "events differ from the reference's (at byte %zu of %zu/%zu)",
          fz_diff_at(&rl, &res->ev.log), rl.n, res->ev.log.n);
    fz_free(&rl);
}

/* ---- the target ------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_split_input(&in, data, size);
    unsigned f = fz_flags(&in);
    fz_splits sp;
    fz_get_splits(&in, &sp);

    ft_opts o;
    memset(&o, 0, sizeof o);
    llmj_config_init(&o.cfg);
    if (f & 1)
        o.cfg.repeat_limit = 128;
    if (f & 2)
        o.cfg.whitespace_limit = 8;
    if (f & 4)
        o.cfg.max_depth = 4;
    if (f & 8)
        o.cfg.max_token = 16;
    if (f & 16)
        o.cfg.string_chunks = 0;
    o.end = (f & 32) ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED;

    /* Longer texts find nothing more and slow everything down (the seeds
     * include 250 kB files): the first FT_MAX_TEXT bytes are the text. */
    const unsigned char *S = in.text;
    size_t n = in.len < FT_MAX_TEXT ? in.len : FT_MAX_TEXT;

    /* whole, with the text kept, then reset and again */
    ft_result whole;
    o.cfg.keep_text = 1;
    o.check_reset = 1;
    ft_run(S, n, &o, &whole);

    /* split at the header's piece sizes, without the text kept */
    ft_result split;
    o.cfg.keep_text = 0;
    o.check_reset = 0;
    o.splits = &sp;
    o.record_boundaries = !FZ_FAST;
    ft_run(S, n, &o, &split);

    CHECK(fz_eq(&whole.ev.log, &split.ev.log),
          "events differ between whole and split feeding (at byte %zu of %zu/%zu)",
          fz_diff_at(&whole.ev.log, &split.ev.log), whole.ev.log.n, split.ev.log.n);
    CHECK(fz_eq(&whole.sum, &split.sum), "results differ between whole and split feeding:\n  %s\n  %s",
          whole.sum.d, split.sum.d);
    if (whole.feed_status == LLMJ_OK)
        CHECK(fz_eq(&whole.ev.chunks, &split.ev.chunks), "open string's chunks differ");

    if (!FZ_FAST && !o.cfg.repeat_limit)
        ft_vs_ref(S, n, &o.cfg, o.end, &whole);

    /* a callback that stops */
    if (split.ev.count > 0) {
        ft_result ab;
        o.record_boundaries = 0;
        o.stop_at = (in.nhdr > 1 ? in.hdr[1] : n) % split.ev.count + 1;
        ft_run(S, n, &o, &ab);
        CHECK(ab.ev.stopped, "the stop was not reached");
        CHECK(fz_is_prefix(&ab.ev.log, &split.ev.log),
              "events before the stop differ");
        if (ab.feed_status == LLMJ_ABORTED) {
            CHECK(ab.fin_status == LLMJ_ABORTED, "finish after a stop: %s",
                  llmj_strerror(ab.fin_status));
            size_t i = 0;
            while (!FZ_FAST && i < split.nbounds && split.bound_at[i] != ab.bytes)
                i++;
            CHECK(FZ_FAST || i < split.nbounds, "stopped between pieces");
            /* the salvage after the stop: that of the bytes taken */
            CHECK(FZ_FAST || ab.final_hash == split.bounds[i],
                  "salvage after a stop differs from that of the same bytes");
        }
        ft_result_free(&ab);
    }
    ft_result_free(&whole);
    ft_result_free(&split);
    return 0;
}
