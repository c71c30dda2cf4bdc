/* Tests of the SSE decoder (src/sse.c) against the WHATWG "event stream"
 * rules as include/llmjson/sse.h states them: hand-checked cases at every
 * piece size, a whole-buffer reference decoder on random inputs, allocation
 * failures, caps, callbacks, golden files (corpus/sse) and the real recorded
 * streams (corpus-real/ of the reference folder, when it is there). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llmjson.h>
#include "support/testutil.h"

/* ---- recording events ----------------------------------------------------- */

/* A byte string for the event log: printable ASCII as is, except '|' and
 * '\\'; LF, CR, NUL as \n \r \0; every other byte as \xHH. */
static void esc(tu_buf *b, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\n')
            tu_buf_add(b, "\\n", 2);
        else if (c == '\r')
            tu_buf_add(b, "\\r", 2);
        else if (c == 0)
            tu_buf_add(b, "\\0", 2);
        else if (c == '|' || c == '\\')
            tu_buf_addf(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            tu_buf_addf(b, "\\x%02x", c);
        else
            tu_buf_add(b, &p[i], 1);
    }
}

/* One event: type|data|id|offset|unterminated LF. */
static void log_event(tu_buf *b, const char *type, size_t type_len, const char *data,
                      size_t data_len, const char *id, size_t id_len, uint64_t offset, int unterm)
{
    esc(b, type, type_len);
    tu_buf_add(b, "|", 1);
    esc(b, data, data_len);
    tu_buf_add(b, "|", 1);
    esc(b, id, id_len);
    tu_buf_addf(b, "|%llu|%d\n", (unsigned long long)offset, unterm);
}

typedef struct rec {
    tu_buf log;
    size_t calls;
    size_t stop_at;  /* return non-zero on this call (1-based); 0 never */
    llmj_sse *self;  /* when set, the callback tries to re-enter the decoder */
    int reentry_checked;
    tu_alloc *ta;    /* when set: allocations counted at the first callback */
    size_t first_cb_total;
} rec;

static int rec_cb(void *ctx, const llmj_sse_event *ev)
{
    rec *r = ctx;
    r->calls++;
    if (r->ta && r->first_cb_total == SIZE_MAX)
        r->first_cb_total = r->ta->total;
    assert_non_null(ev->type);
    assert_non_null(ev->data);
    assert_non_null(ev->id);
    assert_null(memchr(ev->id, '\0', ev->id_len));
    log_event(&r->log, ev->type, ev->type_len, ev->data, ev->data_len, ev->id, ev->id_len,
              ev->offset, ev->unterminated);
    if (r->self) {
        assert_int_equal(llmj_sse_feed(r->self, "data: x\n\n", 9), LLMJ_MISUSE);
        assert_int_equal(llmj_sse_finish(r->self), LLMJ_MISUSE);
        assert_int_equal(llmj_sse_reset(r->self), LLMJ_MISUSE);
        assert_int_equal(llmj_sse_set_field_cb(r->self, NULL, NULL), LLMJ_MISUSE);
        r->reentry_checked++;
    }
    return r->stop_at && r->calls == r->stop_at;
}

static char *log_take(tu_buf *b)
{
    tu_buf_add(b, "", 1); /* NUL-terminate */
    char *s = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

/* ---- one decode --------------------------------------------------------- */

typedef struct result {
    char *log;
    llmj_status status; /* what finish returned */
    uint64_t off, line, col;
    uint64_t comments, events;
    int64_t retry;
    size_t peak;
} result;

static void result_free(result *r)
{
    free(r->log);
    r->log = NULL;
}

/* Decode in[0:len] fed as pieces lens[0..n-1] (their sum is len). max 0 keeps
 * the default max_event. Checks on the way: statuses are sticky, nothing is
 * called back after a stop, finish and feed are refused after finish,
 * nothing leaks. */
static void decode_lens(const char *in, size_t len, const size_t *lens, size_t n, size_t max,
                        size_t stop_at, result *r)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    if (max)
        cfg.max_event = max;
    rec rc;
    memset(&rc, 0, sizeof rc);
    rc.stop_at = stop_at;
    rc.ta = &ta;
    llmj_sse *s = NULL;
    assert_int_equal(llmj_sse_new(&s, &cfg, rec_cb, &rc), LLMJ_OK);
    llmj_status sticky = LLMJ_OK;
    size_t calls_at_stop = 0, off = 0;
    for (size_t k = 0; k < n; k++) {
        rc.first_cb_total = SIZE_MAX;
        llmj_status st = llmj_sse_feed(s, in + off, lens[k]);
        off += lens[k];
        /* a piece makes all its allocations before its first event */
        if (rc.first_cb_total != SIZE_MAX)
            assert_int_equal(ta.total, rc.first_cb_total);
        if (sticky == LLMJ_OK) {
            assert_true(st == LLMJ_OK || st == LLMJ_TOO_LONG || st == LLMJ_ABORTED);
            sticky = st;
            calls_at_stop = rc.calls;
        } else {
            assert_int_equal(st, sticky);
        }
    }
    assert_int_equal(off, len);
    llmj_status fin = llmj_sse_finish(s);
    if (sticky != LLMJ_OK) {
        assert_int_equal(fin, sticky);
        assert_int_equal(rc.calls, calls_at_stop);
    }
    const llmj_error *e = llmj_sse_error(s);
    assert_non_null(e);
    assert_int_equal(e->code, fin);
    assert_non_null(e->message);
    if (fin != LLMJ_OK)
        assert_true(e->message[0] != '\0');
    r->status = fin;
    r->off = e->offset;
    r->line = e->line;
    r->col = e->column;
    r->comments = llmj_sse_comments(s);
    r->events = llmj_sse_events(s);
    r->retry = llmj_sse_retry(s);
    assert_int_equal(r->events, rc.calls);
    assert_int_equal(llmj_sse_finish(s), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_feed(s, "\n", 1), LLMJ_MISUSE);
    llmj_sse_free(s);
    assert_int_equal(ta.live, 0);
    assert_int_equal(ta.bytes, 0);
    r->peak = ta.peak;
    r->log = log_take(&rc.log);
}

/* Pieces of `piece` bytes (0: the whole input at once). */
static void decode(const char *in, size_t len, size_t piece, size_t max, size_t stop_at, result *r)
{
    size_t n = 0;
    if (piece == 0 || piece >= len) {
        decode_lens(in, len, &len, 1, max, stop_at, r);
        return;
    }
    size_t count = (len + piece - 1) / piece;
    size_t *lens = malloc(count * sizeof *lens);
    assert_non_null(lens);
    for (size_t off = 0; off < len; off += piece)
        lens[n++] = len - off < piece ? len - off : piece;
    decode_lens(in, len, lens, n, max, stop_at, r);
    free(lens);
}

static const char *st_name(llmj_status st)
{
    switch (st) {
    case LLMJ_OK: return "OK";
    case LLMJ_TOO_LONG: return "TOO_LONG";
    case LLMJ_ABORTED: return "ABORTED";
    case LLMJ_SSE_CUT: return "SSE_CUT";
    default: return "other";
    }
}

/* The end line of a golden/expected summary. */
static void summary(tu_buf *b, const result *r)
{
    tu_buf_addf(b, "end %s", st_name(r->status));
    if (r->status != LLMJ_OK)
        tu_buf_addf(b, " @%llu %llu:%llu", (unsigned long long)r->off,
                    (unsigned long long)r->line, (unsigned long long)r->col);
    tu_buf_addf(b, " comments=%llu retry=%lld\n", (unsigned long long)r->comments,
                (long long)r->retry);
}

/* The log plus the summary, as one string (malloc'd). */
static char *describe(const result *r)
{
    tu_buf b = { 0 };
    tu_buf_add(&b, r->log, strlen(r->log));
    summary(&b, r);
    return log_take(&b);
}

static void print_input(const char *in, size_t len)
{
    tu_buf b = { 0 };
    esc(&b, in, len);
    tu_buf_add(&b, "", 1);
    print_error("input: \"%s\" (%zu bytes)\n", b.data, len);
    tu_buf_free(&b);
}

static void expect_desc(const char *what, size_t piece, const char *in, size_t len,
                        const char *want, const result *r)
{
    char *got = describe(r);
    if (strcmp(got, want) != 0) {
        print_error("%s, pieces of %zu:\n--- want\n%s--- got\n%s", what, piece, want, got);
        print_input(in, len);
        free(got);
        fail();
    }
    free(got);
}

/* ---- hand-checked cases at every piece size ------------------------------ */

typedef struct sse_case {
    const char *name;
    const char *in;
    size_t len;
    size_t max;      /* 0: default */
    size_t stop_at;  /* 0: never */
    const char *want; /* events, then the end line (see summary()) */
} sse_case;

#define IN(lit) lit, sizeof(lit) - 1
#define NONE " comments=0 retry=-1\n"

/* Offsets below were counted by hand from the inputs. */
static const sse_case cases[] = {
    { "one event", IN("data: hello\n\n"), 0, 0, "message|hello||0|0\nend OK" NONE },
    { "two events LF", IN("data: a\n\ndata: b\n\n"), 0, 0,
      "message|a||0|0\nmessage|b||9|0\nend OK" NONE },
    { "two events CRLF", IN("data: a\r\n\r\ndata: b\r\n\r\n"), 0, 0,
      "message|a||0|0\nmessage|b||11|0\nend OK" NONE },
    { "two events CR", IN("data: a\r\rdata: b\r\r"), 0, 0,
      "message|a||0|0\nmessage|b||9|0\nend OK" NONE },
    { "mixed line ends, one event", IN("data: a\r\ndata: b\rdata: c\n\r\n"), 0, 0,
      "message|a\\nb\\nc||0|0\nend OK" NONE },
    /* split between the CR and the LF at piece size 8: still one line end */
    { "CRLF is one line end", IN("data: a\r\ndata: b\n\n"), 0, 0, "message|a\\nb||0|0\nend OK" NONE },
    { "CR CR LF", IN("data: a\r\r\ndata: b\n\n"), 0, 0,
      "message|a||0|0\nmessage|b||10|0\nend OK" NONE },
    { "LF CR", IN("data: a\n\rdata: b\n\n"), 0, 0, "message|a||0|0\nmessage|b||9|0\nend OK" NONE },
    { "BOM skipped", IN("\xEF\xBB\xBF" "data: a\n\n"), 0, 0, "message|a||3|0\nend OK" NONE },
    { "BOM only at the start", IN("data: a\n\n\xEF\xBB\xBF" "data: b\n\n"), 0, 0,
      "message|a||0|0\nend OK" NONE },
    { "second BOM is line content", IN("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n"), 0, 0, "end OK" NONE },
    { "partial BOM is line content", IN("\xEF\xBB" "data: x\n\ndata: y\n\n"), 0, 0,
      "message|y||11|0\nend OK" NONE },
    { "partial BOM hides a comment", IN("\xEF:c\n" "data: y\n\n"), 0, 0,
      "message|y||0|0\nend OK" NONE }, /* "\xEF:c" is a field line */
    { "BOM alone", IN("\xEF\xBB\xBF"), 0, 0, "end OK" NONE },
    { "empty input", "", 0, 0, 0, "end OK" NONE },
    { "comments counted", IN(": keepalive\n: ping\ndata: x\n\n:\n"), 0, 0,
      "message|x||19|0\nend OK comments=3 retry=-1\n" },
    { "comment between data lines", IN("data: a\n: c\ndata: b\n\n"), 0, 0,
      "message|a\\nb||0|0\nend OK comments=1 retry=-1\n" },
    { "field without colon", IN("data\n\n"), 0, 0, "message|||0|0\nend OK" NONE },
    { "two empty data lines", IN("data\ndata\n\n"), 0, 0, "message|\\n||0|0\nend OK" NONE },
    { "one space dropped, only one", IN("data:x\ndata:  y\ndata:\tz\n\n"), 0, 0,
      "message|x\\n y\\n\\x09z||0|0\nend OK" NONE },
    { "colon in the value", IN("data: a:b\n\n"), 0, 0, "message|a:b||0|0\nend OK" NONE },
    { "multi-line data", IN("data: line1\ndata: line2\ndata:\ndata: line4\n\n"), 0, 0,
      "message|line1\\nline2\\n\\nline4||0|0\nend OK" NONE },
    { "event type, then reset", IN("event: foo\ndata: 1\n\ndata: 2\n\n"), 0, 0,
      "foo|1||0|0\nmessage|2||20|0\nend OK" NONE },
    { "type reset by an empty event", IN("event: foo\n\ndata: x\n\n"), 0, 0,
      "message|x||12|0\nend OK" NONE },
    { "empty event field", IN("event:\ndata: x\n\n"), 0, 0, "message|x||0|0\nend OK" NONE },
    { "event after data", IN("data: x\nevent: e\n\n"), 0, 0, "e|x||0|0\nend OK" NONE },
    { "id persists, empty id clears", IN("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"), 0, 0,
      "message|a|7|0|0\nmessage|b|7|15|0\nmessage|c||24|0\nend OK" NONE },
    { "id with NUL ignored", IN("id: a\ndata: 1\n\nid: b\0c\ndata: 2\n\n"), 0, 0,
      "message|1|a|0|0\nmessage|2|a|15|0\nend OK" NONE },
    { "NUL passes in data and type", IN("event: t\0u\ndata: a\0b\n\n"), 0, 0,
      "t\\0u|a\\0b||0|0\nend OK" NONE },
    { "invalid UTF-8 passes", IN("data: \xff\xfe\n\n"), 0, 0, "message|\\xff\\xfe||0|0\nend OK" NONE },
    { "retry digits only", IN("retry: 1500\nretry: 15x\nretry:\nretry:  7\nretry: -1\n\n"), 0, 0,
      "end OK comments=0 retry=1500\n" },
    { "retry saturates", IN("retry: 99999999999999999999999\n\n"), 0, 0,
      "end OK comments=0 retry=9223372036854775807\n" },
    { "retry 0", IN("retry: 0\ndata: x\n\n"), 0, 0, "message|x||0|0\nend OK comments=0 retry=0\n" },
    { "unknown fields ignored", IN("foo: bar\nDATA: x\ndata : y\n data: z\n\n"), 0, 0, "end OK" NONE },
    { "empty lines only", IN("\n\n\r\n\r\r"), 0, 0, "end OK" NONE },
    { "first line offset skips comments", IN("\n\n: c\nid: 1\ndata: x\n\n"), 0, 0,
      "message|x|1|6|0\nend OK comments=1 retry=-1\n" },
    { "unterminated at the end", IN("data: a\n\ndata: b\n"), 0, 0,
      "message|a||0|0\nmessage|b||9|1\nend OK" NONE },
    { "unterminated, CR last", IN("event: e\rdata: b\r"), 0, 0, "e|b||0|1\nend OK" NONE },
    { "unterminated, CRLF last", IN("data: b\r\n"), 0, 0, "message|b||0|1\nend OK" NONE },
    { "no data at the end", IN("data: a\n\nevent: x\n"), 0, 0, "message|a||0|0\nend OK" NONE },
    { "cut mid-line", IN("data: a\n\ndata: b"), 0, 0, "message|a||0|0\nend SSE_CUT @16 3:8" NONE },
    { "cut after complete lines", IN("data: a\ndata: b"), 0, 0, "end SSE_CUT @15 2:8" NONE },
    { "cut comment", IN(": ping"), 0, 0, "end SSE_CUT @6 1:7" NONE },
    { "cut BOM", IN("\xEF\xBB"), 0, 0, "end SSE_CUT @2 1:3" NONE },
    { "cut after CR line, line counts LF only", IN("data: a\r\rdata: b"), 0, 0,
      "message|a||0|0\nend SSE_CUT @16 1:17" NONE },
    { "line over max", IN("data: a\n\ndata: 0123456789\n\n"), 10, 0,
      "message|a||0|0\nend TOO_LONG @19 3:11" NONE },
    { "unterminated line over max", IN("data: a\n\ndata: 0123456789"), 10, 0,
      "message|a||0|0\nend TOO_LONG @19 3:11" NONE },
    { "line of exactly max", IN("data: 0123\n\n"), 10, 0, "message|0123||0|0\nend OK" NONE },
    { "data over max at its LF", IN("data:1234\ndata:5678\n\n"), 9, 0, "end TOO_LONG @19 2:10" NONE },
    { "data over max in a value", IN("data:1234567\ndata:1234567\n\n"), 12, 0,
      "end TOO_LONG @22 2:10" NONE },
    { "data of exactly max", IN("data:1234\ndata:567\n\n"), 9, 0, "message|1234\\n567||0|0\nend OK" NONE },
    { "max over events, not the stream", IN("data:1234\n\ndata:1234\n\n"), 9, 0,
      "message|1234||0|0\nmessage|1234||11|0\nend OK" NONE },
    { "stop on the second event", IN("data: a\n\ndata: b\n\ndata: c\n\n"), 0, 2,
      "message|a||0|0\nmessage|b||9|0\nend ABORTED @17 4:1" NONE },
    { "stop on an unterminated event", IN("data: a\n"), 0, 1, "message|a||0|1\nend ABORTED @8 2:1" NONE },
};

static void test_cases_every_piece_size(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const sse_case *c = &cases[i];
        for (size_t piece = 0; piece <= 31; piece++) {
            result r;
            decode(c->in, c->len, piece, c->max, c->stop_at, &r);
            expect_desc(c->name, piece, c->in, c->len, c->want, &r);
            result_free(&r);
        }
    }
}

/* ---- a reference decoder: whole buffer, one rule at a time --------------- */

typedef struct ref {
    const char *in;
    size_t len, max, stop_at;
    tu_buf log, data, type, id;
    uint64_t events, comments;
    int64_t retry;
    llmj_status status;
    size_t off;
    int have_start;
    size_t start;
} ref;

static int ref_fail(ref *r, llmj_status st, size_t off)
{
    r->status = st;
    r->off = off;
    return 1;
}

/* Dispatch; 1 when the decoding stops. */
static int ref_dispatch(ref *r, int unterminated, size_t off)
{
    r->have_start = 0;
    if (r->data.len == 0) {
        r->type.len = 0;
        return 0;
    }
    r->data.len--; /* drop the LF added after the last value */
    log_event(&r->log, r->type.len ? r->type.data : "message", r->type.len ? r->type.len : 7,
              r->data.len ? r->data.data : "", r->data.len, r->id.len ? r->id.data : "",
              r->id.len, r->start, unterminated);
    r->events++;
    r->data.len = 0;
    r->type.len = 0;
    if (r->stop_at && r->events == r->stop_at)
        return ref_fail(r, LLMJ_ABORTED, off);
    return 0;
}

static int all_digits(const char *p, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

static int64_t ref_retry_value(const char *p, size_t n)
{
    while (n > 1 && *p == '0') {
        p++;
        n--;
    }
    const char *lim = "9223372036854775807";
    if (n > 19 || (n == 19 && memcmp(p, lim, 19) > 0))
        return INT64_MAX;
    char tmp[20];
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    return strtoll(tmp, NULL, 10);
}

/* The line in[i : i+n]; 1 when the decoding stops. */
static int ref_line(ref *r, size_t i, size_t n)
{
    const char *l = r->in + i;
    if (n == 0)
        return ref_dispatch(r, 0, i);
    if (l[0] == ':') {
        r->comments++;
        return 0;
    }
    size_t c = 0;
    while (c < n && l[c] != ':')
        c++;
    size_t v = c < n ? c + 1 : n;
    if (v < n && l[v] == ' ')
        v++;
    size_t vn = n - v;
    if (!r->have_start) {
        r->have_start = 1;
        r->start = i;
    }
    if (c == 4 && memcmp(l, "data", 4) == 0) {
        for (size_t k = 0; k <= vn; k++) { /* k == vn: the LF */
            if (r->data.len == r->max)
                return ref_fail(r, LLMJ_TOO_LONG, i + v + k);
            tu_buf_add(&r->data, k < vn ? &l[v + k] : "\n", 1);
        }
    } else if (c == 5 && memcmp(l, "event", 5) == 0) {
        r->type.len = 0;
        tu_buf_add(&r->type, l + v, vn);
    } else if (c == 2 && memcmp(l, "id", 2) == 0) {
        if (!memchr(l + v, '\0', vn)) {
            r->id.len = 0;
            tu_buf_add(&r->id, l + v, vn);
        }
    } else if (c == 5 && memcmp(l, "retry", 5) == 0) {
        if (all_digits(l + v, vn))
            r->retry = ref_retry_value(l + v, vn);
    }
    return 0;
}

static void ref_decode(const char *in, size_t len, size_t max, size_t stop_at, result *out)
{
    ref r;
    memset(&r, 0, sizeof r);
    r.in = in;
    r.len = len;
    r.max = max ? max : (size_t)16 << 20;
    r.stop_at = stop_at;
    r.retry = -1;
    r.status = LLMJ_OK;
    size_t i = 0;
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        size_t j = i;
        while (j < len && in[j] != '\n' && in[j] != '\r')
            j++;
        if (j - i > r.max) {
            ref_fail(&r, LLMJ_TOO_LONG, i + r.max);
            break;
        }
        if (j == len) {
            if (j > i)
                ref_fail(&r, LLMJ_SSE_CUT, len);
            else
                ref_dispatch(&r, 1, len);
            break;
        }
        if (ref_line(&r, i, j - i))
            break;
        i = in[j] == '\r' && j + 1 < len && in[j + 1] == '\n' ? j + 2 : j + 1;
    }
    memset(out, 0, sizeof *out);
    out->status = r.status;
    if (r.status != LLMJ_OK) {
        size_t lines = 0, after_lf = 0;
        for (size_t k = 0; k < r.off; k++)
            if (in[k] == '\n') {
                lines++;
                after_lf = k + 1;
            }
        out->off = r.off;
        out->line = lines + 1;
        out->col = r.off - after_lf + 1;
    }
    out->comments = r.comments;
    out->events = r.events;
    out->retry = r.retry;
    out->log = log_take(&r.log);
    tu_buf_free(&r.data);
    tu_buf_free(&r.type);
    tu_buf_free(&r.id);
}

/* The reference itself, on the hand-checked cases. */
static void test_reference_agrees_with_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const sse_case *c = &cases[i];
        result r;
        ref_decode(c->in, c->len, c->max, c->stop_at, &r);
        expect_desc(c->name, 0, c->in, c->len, c->want, &r);
        result_free(&r);
    }
}

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static size_t rng_below(uint64_t *x, size_t n)
{
    return (size_t)(rng_next(x) % n);
}

static void test_random_against_reference(void **state)
{
    (void)state;
    static const char *const tok[] = {
        "data", "data:", "data: ", "event", "event:", "event: ", "id", "id:", "id: ", "retry",
        "retry:", "retry: ", ":", " ", "\r", "\n", "\r\n", "\n", "\n", "x", "yz", "\0", "1", "42",
        "\xEF\xBB\xBF", "\xEF", "message", "\xC3\xA9", "\xff", "data: {\"a\":1}\n\n",
    };
    static const size_t ntok = sizeof tok / sizeof tok[0];
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    char in[1024];
    size_t lens[1024];
    for (int iter = 0; iter < 4000; iter++) {
        size_t len = 0, ntoks = rng_below(&seed, 48);
        for (size_t t = 0; t < ntoks; t++) {
            size_t k = rng_below(&seed, ntok);
            /* "\0" is one byte; the others are C strings */
            size_t n = tok[k][0] == '\0' ? 1 : strlen(tok[k]);
            memcpy(in + len, tok[k], n);
            len += n;
        }
        size_t max = rng_below(&seed, 4) == 0 ? 1 + rng_below(&seed, 24) : 0;
        size_t stop_at = rng_below(&seed, 5) == 0 ? 1 + rng_below(&seed, 3) : 0;
        result want;
        ref_decode(in, len, max, stop_at, &want);
        char *want_desc = describe(&want);
        /* three splits: whole, random cut points, one random piece size */
        for (int split = 0; split < 3; split++) {
            size_t n = 0;
            if (split == 0 || len == 0) {
                lens[n++] = len;
            } else if (split == 1) {
                size_t last = 0;
                for (size_t k = 1; k <= len; k++)
                    if (k == len || rng_below(&seed, 4) == 0) {
                        lens[n++] = k - last;
                        last = k;
                    }
            } else {
                size_t piece = 1 + rng_below(&seed, 9);
                for (size_t off = 0; off < len; off += piece)
                    lens[n++] = len - off < piece ? len - off : piece;
            }
            result got;
            decode_lens(in, len, lens, n, max, stop_at, &got);
            expect_desc("random input vs reference", split, in, len, want_desc, &got);
            assert_int_equal(got.events, want.events);
            result_free(&got);
        }
        free(want_desc);
        result_free(&want);
    }
}

/* Large pieces (measured before they are read) on random inputs of
 * 60-300 KiB, with long values and runs of short lines. */
static void test_random_big_pieces(void **state)
{
    (void)state;
    static const char *const tok[] = {
        "data", "data:", "data: ", "event: ", "id: ", "retry: 7", ":", " ", "\r", "\n", "\r\n",
        "\n", "x", "\0", "\xEF\xBB\xBF", "\n\n", "data\n", "data:\r", "event\n", "id\n",
    };
    static const size_t ntok = sizeof tok / sizeof tok[0];
    uint64_t seed = 0xD1B54A32D192ED03ull;
    const size_t cap = 400 * 1024;
    char *in = malloc(cap);
    assert_non_null(in);
    for (int iter = 0; iter < 60; iter++) {
        size_t target = 60 * 1024 + rng_below(&seed, 240 * 1024), len = 0;
        while (len < target) {
            if (rng_below(&seed, 50) == 0) { /* a long run of one byte */
                size_t n = 1 + rng_below(&seed, 40000);
                memset(in + len, "xy:\r"[rng_below(&seed, 4)], n);
                len += n;
                continue;
            }
            size_t k = rng_below(&seed, ntok);
            size_t n = tok[k][0] == '\0' ? 1 : strlen(tok[k]);
            memcpy(in + len, tok[k], n);
            len += n;
        }
        size_t max = rng_below(&seed, 3) == 0 ? 1000 + rng_below(&seed, 100000) : 0;
        result want;
        ref_decode(in, len, max, 0, &want);
        char *want_desc = describe(&want);
        for (int split = 0; split < 3; split++) {
            size_t lens[4], n = 0;
            if (split == 0) {
                lens[n++] = len;
            } else {
                size_t a = rng_below(&seed, len), b = rng_below(&seed, len);
                if (a > b) {
                    size_t t = a;
                    a = b;
                    b = t;
                }
                lens[n++] = a;
                lens[n++] = b - a;
                lens[n++] = len - b;
            }
            result got;
            decode_lens(in, len, lens, n, max, 0, &got);
            expect_desc("big random input vs reference", split, "", 0, want_desc, &got);
            result_free(&got);
        }
        free(want_desc);
        result_free(&want);
    }
    free(in);
}

/* Each measure of a large piece, right at its edge: an event first, so that
 * any allocation the measure missed would come after a callback (which
 * decode_lens() rejects). */
static void test_plan_covers_piece(void **state)
{
    (void)state;
    tu_buf b[4] = { { 0 }, { 0 }, { 0 }, { 0 } };
    /* data: 100000 lines of "data" add one byte each */
    tu_buf_add(&b[0], "data: a\n\n", 9);
    for (int i = 0; i < 100000; i++)
        tu_buf_add(&b[0], "data\n", 5);
    tu_buf_add(&b[0], "\n", 1);
    /* type and id of 100000 bytes */
    tu_buf_add(&b[1], "data: a\n\nevent: ", 16);
    for (int i = 0; i < 10000; i++)
        tu_buf_add(&b[1], "0123456789", 10);
    tu_buf_add(&b[1], "\nid: ", 5);
    for (int i = 0; i < 10000; i++)
        tu_buf_add(&b[1], "abcdefghij", 10);
    tu_buf_add(&b[1], "\ndata: b\n\n", 11);
    /* the open tail of the piece: a 100006-byte line */
    tu_buf_add(&b[2], "data: a\n\ndata: ", 15);
    for (int i = 0; i < 10000; i++)
        tu_buf_add(&b[2], "0123456789", 10);
    /* the same after a BOM cut short and CR-only lines */
    tu_buf_add(&b[3], "\xEF\xBB\rdata: a\r\r", 13);
    for (int i = 0; i < 30000; i++)
        tu_buf_add(&b[3], "data:\r", 6);
    tu_buf_add(&b[3], "\r", 1);
    for (int i = 0; i < 4; i++) {
        result want, got;
        ref_decode(b[i].data, b[i].len, 0, 0, &want);
        char *want_desc = describe(&want);
        decode(b[i].data, b[i].len, 0, 0, 0, &got);
        expect_desc("large piece", 0, "", 0, want_desc, &got);
        assert_int_equal(got.events, i == 2 ? 1 : 2);
        free(want_desc);
        result_free(&want);
        result_free(&got);
        tu_buf_free(&b[i]);
    }
}

/* ---- caps and memory ---------------------------------------------------- */

/* A line far over max_event: TOO_LONG at line start + max, and no buffer
 * ever grew past the cap (four buffers of at most max bytes, plus the
 * decoder itself). */
static void test_huge_line_stays_under_cap(void **state)
{
    (void)state;
    static const size_t maxes[] = { 1000, 64 * 1024 };
    const size_t len = 4u << 20;
    char *in = malloc(len);
    assert_non_null(in);
    memcpy(in, "data: a\n\ndata: ", 15);
    memset(in + 15, 'x', len - 15);
    for (size_t m = 0; m < 2; m++) {
        static const size_t pieces[] = { 0, 1, 4096, 100000 };
        for (size_t p = 0; p < 4; p++) {
            size_t max = maxes[m];
            /* one-byte pieces over 4 MiB would be slow: stop early */
            size_t use = pieces[p] == 1 ? 3 * max : len;
            result r;
            decode(in, use, pieces[p], max, 0, &r);
            assert_string_equal(r.log, "message|a||0|0\n");
            assert_int_equal(r.status, LLMJ_TOO_LONG);
            assert_int_equal(r.off, 9 + max);
            assert_int_equal(r.line, 3);
            assert_int_equal(r.col, max + 1);
            assert_true(r.peak <= 4 * max + 1024);
            result_free(&r);
        }
    }
    free(in);
}

/* An event whose data lines add up past max_event. */
static void test_data_over_cap(void **state)
{
    (void)state;
    const size_t max = 50000;
    tu_buf b = { 0 };
    for (int i = 0; i < 100; i++)
        tu_buf_addf(&b, "data: %0999d\n", i); /* 1000 bytes of value + LF each */
    tu_buf_add(&b, "\n", 1);
    for (size_t piece = 0; piece < 40; piece += 13) {
        result r;
        decode(b.data, b.len, piece, max, 0, &r);
        assert_string_equal(r.log, "");
        assert_int_equal(r.status, LLMJ_TOO_LONG);
        /* 50 lines fill the buffer exactly; the 51st value's first byte
         * does not fit: line 51 starts at 50 * 1006, its value 6 later */
        assert_int_equal(r.off, 50 * 1006 + 6);
        assert_int_equal(r.line, 51);
        assert_int_equal(r.col, 7);
        assert_true(r.peak <= 4 * max + 1024);
        result_free(&r);
    }
    tu_buf_free(&b);
}

/* Memory follows the events, not the piece: a big input fed whole does not
 * reserve the default 16 MiB cap. */
static void test_whole_feed_memory(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    for (int i = 0; i < 20000; i++)
        tu_buf_addf(&b, "data: {\"n\":%d,\"pad\":\"%080d\"}\n\n", i, i);
    result r;
    decode(b.data, b.len, 0, 0, 0, &r);
    assert_int_equal(r.status, LLMJ_OK);
    assert_int_equal(r.events, 20000);
    assert_true(b.len > 1000000);
    assert_true(r.peak < 16 * 1024);
    result_free(&r);
    tu_buf_free(&b);
}

/* ---- callbacks ------------------------------------------------------------ */

static void test_stop_and_reentry(void **state)
{
    (void)state;
    static const char in[] = "data: a\n\ndata: b\n\ndata: c\n\n";
    for (size_t piece = 0; piece <= 31; piece++) {
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        llmj_config cfg;
        llmj_config_init(&cfg);
        cfg.alloc = tu_allocator(&ta);
        rec rc;
        memset(&rc, 0, sizeof rc);
        rc.stop_at = 1;
        llmj_sse *s = NULL;
        assert_int_equal(llmj_sse_new(&s, &cfg, rec_cb, &rc), LLMJ_OK);
        rc.self = s;
        size_t len = sizeof in - 1, step = piece ? piece : len;
        llmj_status first = LLMJ_OK;
        for (size_t off = 0; off < len; off += step) {
            llmj_status st = llmj_sse_feed(s, in + off, len - off < step ? len - off : step);
            if (first == LLMJ_OK)
                first = st;
            else
                assert_int_equal(st, LLMJ_ABORTED);
        }
        assert_int_equal(first, LLMJ_ABORTED);
        assert_int_equal(rc.calls, 1);
        assert_int_equal(rc.reentry_checked, 1);
        assert_int_equal(llmj_sse_feed(s, "data: d\n\n", 9), LLMJ_ABORTED);
        assert_int_equal(rc.calls, 1);
        assert_int_equal(llmj_sse_error(s)->code, LLMJ_ABORTED);
        assert_int_equal(llmj_sse_error(s)->offset, 8);
        assert_int_equal(llmj_sse_finish(s), LLMJ_ABORTED);
        assert_int_equal(rc.calls, 1);
        /* reset: the same decoder decodes again */
        assert_int_equal(llmj_sse_reset(s), LLMJ_OK);
        rc.self = NULL;
        rc.stop_at = 0;
        assert_int_equal(llmj_sse_error(s)->code, LLMJ_OK);
        assert_int_equal(llmj_sse_feed(s, "data: e\n\n", 9), LLMJ_OK);
        assert_int_equal(llmj_sse_finish(s), LLMJ_OK);
        assert_int_equal(llmj_sse_events(s), 1);
        char *log = log_take(&rc.log);
        assert_string_equal(log, "message|a||0|0\nmessage|e||0|0\n");
        free(log);
        llmj_sse_free(s);
        assert_int_equal(ta.live, 0);
    }
}

typedef struct fields {
    tu_buf log;
    size_t stop_at, calls;
} fields;

static int field_cb(void *ctx, const char *name, size_t name_len, const char *value,
                    size_t value_len, uint64_t offset)
{
    fields *f = ctx;
    f->calls++;
    esc(&f->log, name, name_len);
    tu_buf_add(&f->log, "=", 1);
    esc(&f->log, value, value_len);
    tu_buf_addf(&f->log, "@%llu\n", (unsigned long long)offset);
    return f->stop_at && f->calls == f->stop_at;
}

static void test_field_callback(void **state)
{
    (void)state;
    static const char in[] = "error: {\"e\":1}\ndata: x\nid: 1\nevent: y\nretry: 5\nfoo\n"
                             ": comment\nDATA:z\n\n";
    for (size_t piece = 0; piece <= 31; piece++) {
        for (size_t stop = 0; stop <= 2; stop++) {
            rec rc;
            memset(&rc, 0, sizeof rc);
            fields f;
            memset(&f, 0, sizeof f);
            f.stop_at = stop;
            llmj_sse *s = NULL;
            assert_int_equal(llmj_sse_new(&s, NULL, rec_cb, &rc), LLMJ_OK);
            assert_int_equal(llmj_sse_set_field_cb(s, field_cb, &f), LLMJ_OK);
            size_t len = sizeof in - 1, step = piece ? piece : len;
            llmj_status st = LLMJ_OK;
            for (size_t off = 0; off < len && st == LLMJ_OK; off += step)
                st = llmj_sse_feed(s, in + off, len - off < step ? len - off : step);
            if (st == LLMJ_OK)
                st = llmj_sse_finish(s);
            char *flog = log_take(&f.log), *elog = log_take(&rc.log);
            if (stop == 0) {
                assert_int_equal(st, LLMJ_OK);
                assert_string_equal(flog, "error={\"e\":1}@0\nfoo=@47\nDATA=z@61\n");
                assert_string_equal(elog, "y|x|1|0|0\n");
            } else if (stop == 1) {
                assert_int_equal(st, LLMJ_ABORTED);
                assert_string_equal(flog, "error={\"e\":1}@0\n");
                assert_string_equal(elog, "");
                assert_int_equal(llmj_sse_error(s)->offset, 0);
            } else {
                assert_int_equal(st, LLMJ_ABORTED);
                assert_string_equal(flog, "error={\"e\":1}@0\nfoo=@47\n");
                assert_string_equal(elog, "");
                assert_int_equal(llmj_sse_error(s)->offset, 47);
                assert_int_equal(llmj_sse_error(s)->line, 6);
            }
            free(flog);
            free(elog);
            llmj_sse_free(s);
        }
    }
}

/* ---- misuse and options --------------------------------------------------- */

static void test_api_misuse(void **state)
{
    (void)state;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_sse *s = (llmj_sse *)&ta; /* must be overwritten with NULL */
    assert_int_equal(llmj_sse_new(NULL, &cfg, NULL, NULL), LLMJ_MISUSE);
    cfg.max_event = 0;
    assert_int_equal(llmj_sse_new(&s, &cfg, NULL, NULL), LLMJ_BAD_OPTION);
    assert_null(s);
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    cfg.alloc.free = NULL;
    assert_int_equal(llmj_sse_new(&s, &cfg, NULL, NULL), LLMJ_BAD_OPTION);
    cfg.alloc = tu_allocator(&ta);
    ta.fail_at = 1;
    assert_int_equal(llmj_sse_new(&s, &cfg, NULL, NULL), LLMJ_NOMEM);
    assert_null(s);
    ta.fail_at = 0;
    cfg.max_event = SIZE_MAX; /* accepted: no allocation can reach it */
    assert_int_equal(llmj_sse_new(&s, &cfg, NULL, NULL), LLMJ_OK);
    /* NULL callback: events are counted */
    assert_int_equal(llmj_sse_feed(s, NULL, 0), LLMJ_OK);
    assert_int_equal(llmj_sse_feed(s, NULL, 1), LLMJ_MISUSE);
    static const char two[] = "data: 1\n\nretry: 30\ndata: 2\n";
    assert_int_equal(llmj_sse_feed(s, two, sizeof two - 1), LLMJ_OK);
    assert_int_equal(llmj_sse_events(s), 1);
    assert_int_equal(llmj_sse_retry(s), 30);
    assert_int_equal(llmj_sse_finish(s), LLMJ_OK);
    assert_int_equal(llmj_sse_events(s), 2);
    assert_int_equal(llmj_sse_finish(s), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_feed(s, "x", 1), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_reset(s), LLMJ_OK);
    assert_int_equal(llmj_sse_events(s), 0);
    assert_int_equal(llmj_sse_retry(s), -1);
    assert_int_equal(llmj_sse_feed(s, "x", 1), LLMJ_OK);
    assert_int_equal(llmj_sse_finish(s), LLMJ_SSE_CUT);
    assert_string_equal(llmj_sse_error(s)->message, "the input ended inside an SSE line");
    llmj_sse_free(s);
    assert_int_equal(ta.live, 0);

    assert_int_equal(llmj_sse_feed(NULL, "x", 1), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_finish(NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_reset(NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_set_field_cb(NULL, NULL, NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_sse_comments(NULL), 0);
    assert_int_equal(llmj_sse_events(NULL), 0);
    assert_int_equal(llmj_sse_retry(NULL), -1);
    assert_null(llmj_sse_error(NULL));
    llmj_sse_free(NULL);

    /* NULL config: the defaults, the C library's allocator */
    assert_int_equal(llmj_sse_new(&s, NULL, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_sse_feed(s, "\xEF\xBB\xBF:c\r\n", 7), LLMJ_OK);
    assert_int_equal(llmj_sse_comments(s), 1);
    llmj_sse_free(s);
}

/* ---- allocation failures ---------------------------------------------------- */

/* Fail the 1st, 2nd, ... allocation of decoding in[] in pieces lens[]: each
 * failure is LLMJ_NOMEM with nothing dispatched and nothing leaked; feeding
 * the same piece again goes on as if nothing happened. */
static void sweep(const char *in, size_t len, const size_t *lens, size_t n)
{
    result want;
    decode_lens(in, len, lens, n, 0, 0, &want);
    size_t failures_seen = 0;
    for (size_t fail_at = 1;; fail_at++) {
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        ta.fail_at = fail_at;
        llmj_config cfg;
        llmj_config_init(&cfg);
        cfg.alloc = tu_allocator(&ta);
        rec rc;
        memset(&rc, 0, sizeof rc);
        llmj_sse *s = NULL;
        llmj_status st = llmj_sse_new(&s, &cfg, rec_cb, &rc);
        if (st == LLMJ_NOMEM) {
            assert_null(s);
            assert_int_equal(ta.live, 0);
            failures_seen++;
            continue;
        }
        assert_int_equal(st, LLMJ_OK);
        size_t off = 0, nomem = 0;
        for (size_t k = 0; k < n; k++) {
            size_t calls = rc.calls, loglen = rc.log.len;
            st = llmj_sse_feed(s, in + off, lens[k]);
            if (st == LLMJ_NOMEM) {
                nomem++;
                assert_int_equal(rc.calls, calls);
                assert_int_equal(rc.log.len, loglen);
                assert_int_equal(llmj_sse_error(s)->code, LLMJ_OK);
                st = llmj_sse_feed(s, in + off, lens[k]);
            }
            assert_int_equal(st, LLMJ_OK);
            off += lens[k];
        }
        assert_int_equal(llmj_sse_finish(s), want.status);
        char *log = log_take(&rc.log);
        assert_string_equal(log, want.log);
        free(log);
        llmj_sse_free(s);
        assert_int_equal(ta.live, 0);
        if (ta.failed == 0)
            break; /* every allocation of the scenario has been failed once */
        assert_int_equal(nomem, 1);
        failures_seen++;
    }
    assert_true(failures_seen >= 3);
    result_free(&want);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    static const char small[] =
        "\xEF\xBB\xBF: hi\r\nevent: greet\r\nid: 1\r\ndata: hello\r\ndata: world\r\n\r\n"
        "data: {\"a\":[1,2,3],\"b\":\"a somewhat longer line, to grow the buffers\"}\n\n"
        "id: 22\rdata: cr\r\rdata: tail\n";
    size_t len = sizeof small - 1;
    size_t lens[sizeof small];
    for (size_t piece = 1; piece <= 9; piece += 4) {
        size_t n = 0;
        for (size_t off = 0; off < len; off += piece)
            lens[n++] = len - off < piece ? len - off : piece;
        sweep(small, len, lens, n);
    }
    sweep(small, len, &len, 1);

    /* The type and id buffers are reserved only for a piece that may
     * complete a line beginning with 'e' or 'i': such lines after a BOM,
     * after CR, LF and CRLF (split between pieces), carried open across
     * pieces, and lines that only begin so; each value longer than the one
     * before, so that a reservation missed would allocate in mid-piece. At
     * every piece size, a failed allocation is refused with the piece whole
     * (the sweep feeds it again). */
    tu_buf fl = { 0 };
    const char *const form[] = { "event: %s\ndata: 1\n\n",   "data: 2\r\nid: %s\r\n\r\n",
                                 "data: 4\revent: %s\r\r",   "e: not a field\nidle: nor this\n",
                                 "data: 5\nid:%s\n\n",       "data: 6\r\nevent: %s" };
    tu_buf_add(&fl, "\xEF\xBB\xBF", 3);
    for (size_t k = 0; k < sizeof form / sizeof *form; k++) {
        char v[512];
        size_t vn = 70 * (k + 1);
        memset(v, 'a' + (int)k, vn);
        v[vn] = 0;
        tu_buf_addf(&fl, form[k], v);
    }
    size_t *flens = malloc(fl.len * sizeof *flens);
    assert_non_null(flens);
    for (size_t piece = 1; piece <= 12; piece++) {
        size_t n = 0;
        for (size_t off = 0; off < fl.len; off += piece)
            flens[n++] = fl.len - off < piece ? fl.len - off : piece;
        sweep(fl.data, fl.len, flens, n);
    }
    /* pieces that hold a whole field line: the first after the BOM, and
     * the one after a piece that ends between the CR and LF of a CRLF */
    static const size_t wide[] = { 100, 200, 300, 500 };
    for (size_t w = 0; w < sizeof wide / sizeof *wide; w++) {
        size_t n = 0;
        for (size_t off = 0; off < fl.len; off += wide[w])
            flens[n++] = fl.len - off < wide[w] ? fl.len - off : wide[w];
        sweep(fl.data, fl.len, flens, n);
    }
    const char *crlf = strstr(fl.data, "data: 2\r\n");
    assert_non_null(crlf);
    size_t at = (size_t)(crlf - fl.data) + 8;
    size_t split[2] = { at, fl.len - at };
    sweep(fl.data, fl.len, split, 2);
    free(flens);
    tu_buf_free(&fl);

    /* Big pieces (measured before they are read): a 70 KiB event inside a
     * 200 KiB piece, and an event left open across the two pieces. */
    tu_buf b = { 0 };
    for (int i = 0; i < 600; i++)
        tu_buf_addf(&b, "data: {\"i\":%d,\"s\":\"%0100d\"}\n\n", i, i);
    tu_buf_add(&b, "event: big\ndata: ", 17);
    for (int i = 0; i < 7000; i++)
        tu_buf_add(&b, "0123456789", 10);
    tu_buf_add(&b, "\n\n", 2);
    for (int i = 0; i < 600; i++)
        tu_buf_addf(&b, "data: {\"j\":%d,\"s\":\"%0100d\"}\n\n", i, i);
    tu_buf_add(&b, "data: open\ndata: ", 17);
    size_t cut = b.len;
    for (int i = 0; i < 2000; i++)
        tu_buf_add(&b, "abcdefghij", 10);
    tu_buf_add(&b, "\r", 1);
    size_t big[2] = { cut, b.len - cut };
    sweep(b.data, b.len, big, 2);
    tu_buf_free(&b);
}

/* ---- golden files ------------------------------------------------------- */

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* corpus/sse/NAME.sse with NAME.gold beside it: the event log, then the end
 * line (see summary()), written by hand from the rules. */
static void test_golden_files(void **state)
{
    (void)state;
    char dir[4096], path[4096];
    tu_path(dir, sizeof dir, "corpus/sse");
    DIR *d = opendir(dir);
    assert_non_null(d); /* the project's own corpus must be there */
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_suffix(e->d_name, ".sse"))
            continue;
        char rel[1024];
        snprintf(rel, sizeof rel, "corpus/sse/%s", e->d_name);
        size_t len = 0, glen = 0;
        char *in = tu_read_file(rel, &len);
        assert_non_null(in);
        snprintf(rel, sizeof rel, "corpus/sse/%.*s.gold", (int)(strlen(e->d_name) - 4), e->d_name);
        char *gold = tu_read_file(rel, &glen);
        if (!gold)
            print_error("missing %s\n", tu_path(path, sizeof path, rel));
        assert_non_null(gold);
        for (size_t piece = 0; piece <= 31; piece++) {
            result r;
            decode(in, len, piece, 0, 0, &r);
            expect_desc(e->d_name, piece, in, len, gold, &r);
            result_free(&r);
        }
        result r;
        ref_decode(in, len, 0, 0, &r);
        expect_desc(e->d_name, 0, in, len, gold, &r);
        result_free(&r);
        free(in);
        free(gold);
        files++;
    }
    closedir(d);
    assert_true(files >= 4);
}

/* ---- real recorded streams ------------------------------------------------ */

typedef struct real {
    const char *file;
    size_t events, unterminated, typed;
    int check_type; /* event type == the JSON "type" (Anthropic, Responses) */
    int last_unterminated;
    char last_type[64];
} real;

static int contains(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

static int real_cb(void *ctx, const llmj_sse_event *ev)
{
    real *r = ctx;
    r->events++;
    int done = ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0;
    if (!done && !(ev->data_len >= 2 && ev->data[0] == '{' && ev->data[ev->data_len - 1] == '}')) {
        print_error("%s: event %zu is not a JSON object nor [DONE]\n", r->file, r->events);
        fail();
    }
    assert_null(memchr(ev->data, '\r', ev->data_len));
    assert_null(memchr(ev->data, '\n', ev->data_len));
    if (r->check_type) {
        char a[128], b[128];
        assert_true(ev->type_len < 100);
        snprintf(a, sizeof a, "\"type\":\"%.*s\"", (int)ev->type_len, ev->type);
        snprintf(b, sizeof b, "\"type\": \"%.*s\"", (int)ev->type_len, ev->type);
        if (!contains(ev->data, ev->data_len, a) && !contains(ev->data, ev->data_len, b)) {
            print_error("%s: event type %.*s not in its data\n", r->file, (int)ev->type_len, ev->type);
            fail();
        }
    }
    if (!(ev->type_len == 7 && memcmp(ev->type, "message", 7) == 0))
        r->typed++;
    r->unterminated += (size_t)ev->unterminated;
    r->last_unterminated = ev->unterminated;
    snprintf(r->last_type, sizeof r->last_type, "%.*s", (int)(ev->type_len < 60 ? ev->type_len : 60),
             ev->type);
    return 0;
}

/* Lines of in[] starting with prefix (line ends CRLF, LF or CR). */
static size_t count_lines(const char *in, size_t len, const char *prefix)
{
    size_t m = strlen(prefix), count = 0;
    for (size_t i = 0; i < len;) {
        if (len - i >= m && memcmp(in + i, prefix, m) == 0)
            count++;
        while (i < len && in[i] != '\n' && in[i] != '\r')
            i++;
        if (i < len && in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
            i++;
        i++;
    }
    return count;
}

static void test_real_streams(void **state)
{
    (void)state;
    char dir[4096];
    if (!tu_have_shared("corpus-real", "the real-stream test"))
        return;
    tu_shared(dir, sizeof dir, "corpus-real");
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0;
    int saw_cut = 0, saw_gemini_crlf = 0, saw_blocked = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!has_suffix(e->d_name, ".sse"))
            continue;
        char rel[1024];
        char sub[512];
        snprintf(sub, sizeof sub, "corpus-real/%s", e->d_name);
        tu_shared(rel, sizeof rel, sub);
        size_t len = 0;
        char *in = tu_read_file(rel, &len);
        assert_non_null(in);
        assert_true(len > 0);

        real r;
        memset(&r, 0, sizeof r);
        r.file = e->d_name;
        r.check_type = strncmp(e->d_name, "anthropic-", 10) == 0 ||
                       strncmp(e->d_name, "openai-responses-", 17) == 0;
        llmj_sse *s = NULL;
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        llmj_config cfg;
        llmj_config_init(&cfg);
        cfg.alloc = tu_allocator(&ta);
        assert_int_equal(llmj_sse_new(&s, &cfg, real_cb, &r), LLMJ_OK);
        assert_int_equal(llmj_sse_feed(s, in, len), LLMJ_OK);
        llmj_status st = llmj_sse_finish(s);

        /* Independent counts: every event of these files has one data line. */
        size_t data_lines = count_lines(in, len, "data:");
        size_t comment_lines = count_lines(in, len, ":");
        int ends_in_line = in[len - 1] != '\n' && in[len - 1] != '\r';
        assert_int_equal(llmj_sse_comments(s), comment_lines);
        if (ends_in_line) {
            assert_int_equal(st, LLMJ_SSE_CUT);
            assert_int_equal(llmj_sse_error(s)->offset, len);
            assert_int_equal(r.events, data_lines - 1); /* the cut one is lost */
            saw_cut = 1;
        } else {
            assert_int_equal(st, LLMJ_OK);
            assert_int_equal(r.events, data_lines);
        }
        assert_true(r.events >= 1);
        if (r.check_type)
            assert_int_equal(r.typed, r.events);

        if (strcmp(e->d_name, "anthropic-max-tokens-tool-input.sse") == 0) {
            /* The recording stops right after message_stop's JSON, without
             * even its line end: under the rules that line is cut, so the
             * last event out is message_delta, properly terminated. */
            assert_int_equal(st, LLMJ_SSE_CUT);
            assert_string_equal(r.last_type, "message_delta");
            assert_int_equal(r.unterminated, 0);
        } else if (strcmp(e->d_name, "gemini-prompt-blocked.sse") == 0) {
            assert_int_equal(r.events, 1);
            assert_int_equal(r.unterminated, 1);
            assert_int_equal(r.last_unterminated, 1);
            saw_blocked = 1;
        } else {
            assert_int_equal(r.unterminated, 0);
        }
        if (strncmp(e->d_name, "gemini-", 7) == 0 && memchr(in, '\r', len)) {
            /* Google's wire: CRLF line ends, events split by CRLF CRLF */
            if (strcmp(e->d_name, "gemini-prompt-blocked.sse") != 0)
                assert_true(contains(in, len, "\r\n\r\n"));
            saw_gemini_crlf++;
        }
        llmj_sse_free(s);
        assert_int_equal(ta.live, 0);

        /* the same events and end at other piece sizes */
        result whole;
        decode(in, len, 0, 0, 0, &whole);
        char *want = describe(&whole);
        static const size_t pieces[] = { 1, 2, 3, 5, 7, 13, 31, 256, 4096 };
        for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
            result got;
            decode(in, len, pieces[p], 0, 0, &got);
            expect_desc(e->d_name, pieces[p], "", 0, want, &got);
            result_free(&got);
        }
        free(want);
        result_free(&whole);
        free(in);
        files++;
    }
    closedir(d);
    printf("real streams: %zu files decoded\n", files);
    assert_true(files >= 10);
    assert_true(saw_cut);
    assert_true(saw_blocked);
    assert_true(saw_gemini_crlf >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_every_piece_size),
        cmocka_unit_test(test_reference_agrees_with_cases),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_random_big_pieces),
        cmocka_unit_test(test_plan_covers_piece),
        cmocka_unit_test(test_huge_line_stays_under_cap),
        cmocka_unit_test(test_data_over_cap),
        cmocka_unit_test(test_whole_feed_memory),
        cmocka_unit_test(test_stop_and_reentry),
        cmocka_unit_test(test_field_callback),
        cmocka_unit_test(test_api_misuse),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_golden_files),
        cmocka_unit_test(test_real_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
