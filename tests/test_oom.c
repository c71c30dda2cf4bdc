/* Allocation failure, every allocation in turn (SQLite's malloc.test, curl's
 * runtests -t): each scenario is run once to count its allocations (N), then
 * N more times, failing the 1st, 2nd, ... Nth. Every run must
 *   - report LLMJ_NOMEM somewhere (new, feed, finish, salvage, repair,
 *     reset, event) when the refused allocation was the library's own; a
 *     refusal made to yajl is absorbed by the tracker (it hands yajl memory
 *     from the C library: yajl cannot handle NULL), and then the run must
 *     give exactly the unfailed result;
 *   - leave the object consistent: after a tracker's NOMEM (sticky) its
 *     salvage works and R parses, and after llmj_tracker_reset the same input
 *     gives the unfailed result; after an SSE decoder's NOMEM (not sticky)
 *     feeding the same piece again goes on as if nothing happened; after a
 *     dialect decoder's NOMEM nothing was emitted and the same event again
 *     gives the unfailed items; after a stream's NOMEM (sticky) finish and
 *     the accessors work, and after reset the same body gives the unfailed
 *     result;
 *   - free everything (live blocks 0 after free).
 * Whether a refused allocation was made by yajl is read off the call stack
 * (a frame in libyajl), so the two cases are told apart, not guessed. */
#define _GNU_SOURCE /* dladdr, backtrace */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include <llmjson.h>
#include <llmjson/http.h>
#include "dialect/dialect.h"
#include "support/testutil.h"
#include "server/spawn.h"

/* ---- an allocator that knows who was refused -------------------------------- */

typedef struct om {
    tu_alloc ta;
    llmj_allocator inner;
    size_t to_yajl; /* refusals made to yajl */
    size_t to_own;  /* refusals made to the library's own code */
} om;

static const char *g_scenario = ""; /* for LLMJ_OOM_TRACE */

static int om_from_yajl(void)
{
    void *fr[64];
    int n = backtrace(fr, 64);
    for (int i = 0; i < n; i++) {
        Dl_info di;
        if (dladdr(fr[i], &di) && di.dli_fname && strstr(di.dli_fname, "libyajl"))
            return 1;
    }
    return 0;
}

static void om_note(om *o, size_t failed_before)
{
    if (o->ta.failed != failed_before) {
        const char *tr = getenv("LLMJ_OOM_TRACE"); /* "SCENARIO NAME:N" */
        char want[200];
        snprintf(want, sizeof want, "%s:%zu", g_scenario, o->ta.fail_at);
        if (tr && strcmp(tr, want) == 0) {
            /* where the refused allocation was made (addr2line -e BINARY) */
            void *fr[32];
            int n = backtrace(fr, 32);
            backtrace_symbols_fd(fr, n, 2);
        }
        if (om_from_yajl())
            o->to_yajl++;
        else
            o->to_own++;
    }
}

static void *om_malloc(void *ctx, size_t n)
{
    om *o = ctx;
    size_t f = o->ta.failed;
    void *p = o->inner.malloc(o->inner.ctx, n);
    om_note(o, f);
    return p;
}

static void *om_realloc(void *ctx, void *ptr, size_t n)
{
    om *o = ctx;
    size_t f = o->ta.failed;
    void *p = o->inner.realloc(o->inner.ctx, ptr, n);
    om_note(o, f);
    return p;
}

static void om_free(void *ctx, void *ptr)
{
    om *o = ctx;
    o->inner.free(o->inner.ctx, ptr);
}

static llmj_allocator om_init(om *o, size_t fail_at)
{
    memset(o, 0, sizeof *o);
    o->inner = tu_allocator(&o->ta);
    o->ta.fail_at = fail_at;
    llmj_allocator a = { om_malloc, om_realloc, om_free, o };
    return a;
}

/* ---- the sweep ------------------------------------------------------------- */

/* A scenario writes the log of its last complete (unfailed) pass to *log and
 * sets *nomem when LLMJ_NOMEM was reported anywhere. */
typedef void (*scenario_fn)(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem);

typedef struct sweep_stats {
    size_t scenarios, runs, nomem, absorbed;
} sweep_stats;

static void sweep(sweep_stats *ss, const char *name, scenario_fn fn, const void *arg)
{
    om o;
    llmj_allocator a = om_init(&o, 0);
    g_scenario = name;
    tu_buf ref = { 0 };
    int nomem = 0;
    fn(arg, &a, &ref, &nomem);
    assert_int_equal(nomem, 0);
    assert_int_equal(o.ta.live, 0);
    size_t n = o.ta.total;
    assert_true(n > 0);
    size_t got_nomem = 0, absorbed = 0;
    for (size_t k = 1; k <= n; k++) {
        a = om_init(&o, k);
        tu_buf log = { 0 };
        nomem = 0;
        fn(arg, &a, &log, &nomem);
        if (o.ta.failed != 1 || o.ta.live != 0 || (o.to_own && !nomem) || log.len != ref.len ||
            memcmp(log.data, ref.data, ref.len) != 0) {
            fprintf(stderr,
                    "%s: failing allocation %zu of %zu: refused %zu (own %zu, yajl %zu), "
                    "NOMEM reported %d, %zu blocks left, log %s\n",
                    name, k, n, o.ta.failed, o.to_own, o.to_yajl, nomem, o.ta.live,
                    log.len == ref.len && memcmp(log.data, ref.data, ref.len) == 0 ? "same"
                                                                                    : "DIFFERS");
            if (log.len != ref.len || memcmp(log.data, ref.data, ref.len) != 0) {
                size_t at = 0;
                while (at < log.len && at < ref.len && log.data[at] == ref.data[at])
                    at++;
                size_t from = at > 200 ? at - 200 : 0;
                fprintf(stderr, "  they differ at byte %zu:\n  unfailed: ...%.400s\n  this run: ...%.400s\n",
                        at, ref.data ? ref.data + from : "", log.data ? log.data + from : "");
            }
        }
        assert_int_equal(o.ta.failed, 1);
        assert_int_equal(o.ta.live, 0);
        if (o.to_own)
            assert_true(nomem);
        assert_int_equal(log.len, ref.len);
        assert_memory_equal(log.data, ref.data, ref.len);
        if (nomem)
            got_nomem++;
        else
            absorbed++;
        tu_buf_free(&log);
    }
    tu_buf_free(&ref);
    ss->scenarios++;
    ss->runs += n;
    ss->nomem += got_nomem;
    ss->absorbed += absorbed;
    if (getenv("LLMJ_OOM_VERBOSE"))
        fprintf(stderr, "  %-44s %4zu allocations: %4zu NOMEM, %3zu absorbed (yajl)\n", name, n,
                got_nomem, absorbed);
}

static void sweep_report(const char *what, const sweep_stats *ss)
{
    fprintf(stderr, "%s: %zu scenarios, %zu failing runs: %zu reported NOMEM, %zu absorbed "
                    "(a refusal to yajl, same result)\n",
            what, ss->scenarios, ss->runs, ss->nomem, ss->absorbed);
}

/* R is empty or JSON. */
static void check_r(const char *r, size_t rl)
{
    if (rl == 0)
        return;
    char *z = malloc(rl + 1);
    assert_non_null(z);
    memcpy(z, r, rl);
    z[rl] = '\0';
    char err[128];
    yajl_val v = yajl_tree_parse(z, err, sizeof err);
    if (!v)
        fprintf(stderr, "R does not parse: %s (%s)\n", z, err);
    assert_non_null(v);
    yajl_tree_free(v);
    free(z);
}

/* ---- the tracker ------------------------------------------------------------ */

typedef struct tdoc {
    const char *name;
    const char *text;
    size_t len;       /* 0: strlen */
    size_t piece;     /* 0: whole */
    int keep_text;
    size_t repeat_limit;
    llmj_end end;
} tdoc;

static int tr_event(void *ctx, const llmj_event *ev)
{
    tu_buf *log = ctx;
    tu_buf_addf(log, "%s %s %zu ", llmj_event_type_name(ev->type), ev->pointer, ev->depth);
    tu_buf_add(log, ev->text, ev->len);
    tu_buf_add(log, "\n", 1);
    return 0;
}

static void salvage_log(tu_buf *log, const llmj_salvage *s)
{
    tu_buf_addf(log, "salvage %s k=%llu closer=%s nclosed=%zu err=%d@%llu run=%d@%llu\n",
                llmj_text_status_name(s->status), (unsigned long long)s->bytes_kept, s->closer,
                s->nclosed, (int)s->error.code, (unsigned long long)s->error.offset,
                (int)s->runaway, (unsigned long long)s->runaway_offset);
}

/* After a sticky NOMEM: consistent at llmj_tracker_bytes(). */
static void tracker_after_nomem(llmj_tracker *t, const tdoc *d, const char *S, size_t fed)
{
    uint64_t bytes = llmj_tracker_bytes(t);
    assert_true(bytes <= fed);
    assert_int_equal(llmj_tracker_status(t), LLMJ_NOMEM);
    assert_int_equal(llmj_tracker_feed(t, "1", 1), LLMJ_NOMEM);
    assert_int_equal(llmj_tracker_bytes(t), bytes);
    for (int m = 0; m <= 1; m++) {
        llmj_salvage s;
        assert_int_equal(llmj_tracker_salvage(t, (llmj_salvage_mode)m, &s), LLMJ_OK);
        assert_true(s.bytes_kept <= bytes);
        char *r = malloc((size_t)s.bytes_kept + s.closer_len + 1);
        assert_non_null(r);
        memcpy(r, S, (size_t)s.bytes_kept);
        memcpy(r + s.bytes_kept, s.closer, s.closer_len);
        check_r(r, (size_t)s.bytes_kept + s.closer_len);
        if (d->keep_text) {
            const char *rt;
            size_t rl;
            assert_int_equal(llmj_tracker_repair(t, (llmj_salvage_mode)m, NULL, &rt, &rl), LLMJ_OK);
            assert_int_equal(rl, (size_t)s.bytes_kept + s.closer_len);
            assert_memory_equal(rt, r, rl);
        }
        free(r);
    }
    assert_int_equal(llmj_tracker_finish(t, d->end), LLMJ_NOMEM);
}

/* One pass over the document: 1 when a sticky NOMEM stopped it. */
static int tracker_pass(llmj_tracker *t, const tdoc *d, tu_buf *log, int *nomem)
{
    const char *S = d->text;
    size_t n = d->len ? d->len : strlen(d->text);
    size_t piece = d->piece ? d->piece : n;
    size_t fed = 0;
    while (fed < n) {
        size_t len = piece < n - fed ? piece : n - fed;
        llmj_status st = llmj_tracker_feed(t, S + fed, len);
        fed += len;
        if (st == LLMJ_NOMEM) {
            *nomem = 1;
            tracker_after_nomem(t, d, S, fed);
            return 1;
        }
        if (st != LLMJ_OK) {
            tu_buf_addf(log, "feed %s at %llu\n", llmj_strerror(st),
                        (unsigned long long)llmj_tracker_bytes(t));
            break;
        }
    }
    llmj_status fin = llmj_tracker_finish(t, d->end);
    assert_int_not_equal(fin, LLMJ_NOMEM);
    tu_buf_addf(log, "finish %s\n", llmj_strerror(fin));
    for (int m = 0; m <= 1; m++) {
        llmj_salvage s;
        assert_int_equal(llmj_tracker_salvage(t, (llmj_salvage_mode)m, &s), LLMJ_OK);
        salvage_log(log, &s);
        if (d->keep_text) {
            const char *r;
            size_t rl;
            llmj_status st = llmj_tracker_repair(t, (llmj_salvage_mode)m, NULL, &r, &rl);
            if (st == LLMJ_NOMEM) {
                /* not sticky: the tracker is unchanged, try again */
                *nomem = 1;
                st = llmj_tracker_repair(t, (llmj_salvage_mode)m, NULL, &r, &rl);
            }
            assert_int_equal(st, LLMJ_OK);
            check_r(r, rl);
            tu_buf_add(log, r, rl);
            tu_buf_add(log, "\n", 1);
        }
    }
    return 0;
}

static void sc_tracker(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem)
{
    const tdoc *d = arg;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    cfg.keep_text = d->keep_text;
    cfg.repeat_limit = d->repeat_limit;
    llmj_tracker *t = NULL;
    llmj_status st = llmj_tracker_new(&t, &cfg, tr_event, log);
    if (st == LLMJ_NOMEM) {
        *nomem = 1;
        assert_null(t);
        st = llmj_tracker_new(&t, &cfg, tr_event, log);
    }
    assert_int_equal(st, LLMJ_OK);
    for (;;) {
        log->len = 0;
        if (!tracker_pass(t, d, log, nomem))
            break;
        st = llmj_tracker_reset(t);
        if (st == LLMJ_NOMEM) {
            *nomem = 1;
            st = llmj_tracker_reset(t);
        }
        assert_int_equal(st, LLMJ_OK);
    }
    llmj_tracker_free(t);
}

static char *big_doc(size_t *len)
{
    /* deep (past the 16 levels reserved at first), long keys and strings
     * (past the first buffers), keys needing RFC 6901 escapes */
    tu_buf b = { 0 };
    for (int i = 0; i < 40; i++)
        tu_buf_addf(&b, "{\"k%d~/%s\":[", i, i % 7 == 0 ? "a-rather-long-key-to-grow-the-path" : "");
    tu_buf_add(&b, "\"", 1);
    for (int i = 0; i < 3000; i++)
        tu_buf_add(&b, i % 50 == 49 ? "\\u00e9" : "x", i % 50 == 49 ? 6 : 1);
    tu_buf_add(&b, "\",12345678901234567890,true,null", 32);
    for (int i = 0; i < 40; i++)
        tu_buf_add(&b, "]}", 2);
    *len = b.len;
    return b.data;
}

static void test_oom_tracker(void **state)
{
    (void)state;
    size_t blen;
    char *big = big_doc(&blen);
    char rep[400];
    strcpy(rep, "{\"a\":\"");
    for (int i = 0; i < 60; i++)
        strcat(rep, "ha ");
    const char *small = "{\"a\":[1,2.5e3,{\"b\":\"t\\u00e9xt \\ud83d\\ude00\"}],\"k~/ey\":true,"
                        "\"n\":null,\"s\":\"\xc3\xa9\"}";
    tdoc docs[] = {
        { "small, whole", small, 0, 0, 1, 0, LLMJ_END_NORMAL },
        { "small, 1-byte pieces", small, 0, 1, 0, 0, LLMJ_END_NORMAL },
        { "small, 7-byte pieces, kept", small, 0, 7, 1, 0, LLMJ_END_TRUNCATED },
        { "big, whole, kept", big, blen, 0, 1, 0, LLMJ_END_NORMAL },
        { "big, 64-byte pieces", big, blen, 64, 0, 0, LLMJ_END_NORMAL },
        { "big, cut, 13-byte pieces, kept", big, blen / 2, 13, 1, 0, LLMJ_END_TRUNCATED },
        { "top-level number", "-12.5e+3", 0, 3, 1, 0, LLMJ_END_NORMAL },
        { "invalid", "{\"a\":1]", 0, 0, 1, 0, LLMJ_END_NORMAL },
        { "whitespace runaway", "{\"a\":1                                                "
                                "                                                       "
                                "                                                       "
                                "                                                       "
                                "                                                       ",
          0, 5, 1, 0, LLMJ_END_TRUNCATED },
        { "repeat_limit, repetitive", rep, 0, 9, 1, 128, LLMJ_END_TRUNCATED },
        { "repeat_limit, big", big, blen, 0, 1, 128, LLMJ_END_NORMAL },
        { "empty", "   ", 0, 0, 1, 0, LLMJ_END_NORMAL },
    };
    sweep_stats ss = { 0 };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        sweep(&ss, docs[i].name, sc_tracker, &docs[i]);
    sweep_report("tracker", &ss);
    free(big);
}

/* ---- the SSE decoder -------------------------------------------------------- */

typedef struct sdoc {
    const char *name;
    const char *body;
    size_t len;
    size_t piece;
    int field_cb;
} sdoc;

typedef struct slog {
    tu_buf *log;
    size_t calls;
} slog;

static int sse_ev(void *ctx, const llmj_sse_event *ev)
{
    slog *l = ctx;
    l->calls++;
    tu_buf_add(l->log, "E ", 2);
    tu_buf_add(l->log, ev->type, ev->type_len);
    tu_buf_add(l->log, "|", 1);
    tu_buf_add(l->log, ev->data, ev->data_len);
    tu_buf_add(l->log, "|", 1);
    tu_buf_add(l->log, ev->id, ev->id_len);
    tu_buf_addf(l->log, "|%llu|%d\n", (unsigned long long)ev->offset, ev->unterminated);
    return 0;
}

static int sse_field(void *ctx, const char *name, size_t nl, const char *value, size_t vl,
                     uint64_t offset)
{
    slog *l = ctx;
    l->calls++;
    tu_buf_add(l->log, "F ", 2);
    tu_buf_add(l->log, name, nl);
    tu_buf_add(l->log, "|", 1);
    tu_buf_add(l->log, value, vl);
    tu_buf_addf(l->log, "|%llu\n", (unsigned long long)offset);
    return 0;
}

static void sc_sse(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem)
{
    const sdoc *d = arg;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    slog l = { log, 0 };
    llmj_sse *s = NULL;
    llmj_status st = llmj_sse_new(&s, &cfg, sse_ev, &l);
    if (st == LLMJ_NOMEM) {
        *nomem = 1;
        assert_null(s);
        st = llmj_sse_new(&s, &cfg, sse_ev, &l);
    }
    assert_int_equal(st, LLMJ_OK);
    if (d->field_cb)
        assert_int_equal(llmj_sse_set_field_cb(s, sse_field, &l), LLMJ_OK);
    size_t fed = 0;
    while (fed < d->len) {
        size_t len = d->piece < d->len - fed ? d->piece : d->len - fed;
        size_t calls = l.calls;
        uint64_t events = llmj_sse_events(s), comments = llmj_sse_comments(s);
        st = llmj_sse_feed(s, d->body + fed, len);
        if (st == LLMJ_NOMEM) {
            /* not sticky; nothing of the piece was taken: again */
            *nomem = 1;
            assert_int_equal(l.calls, calls);
            assert_int_equal(llmj_sse_events(s), events);
            assert_int_equal(llmj_sse_comments(s), comments);
            st = llmj_sse_feed(s, d->body + fed, len);
        }
        assert_int_equal(st, LLMJ_OK);
        fed += len;
    }
    st = llmj_sse_finish(s);
    assert_int_not_equal(st, LLMJ_NOMEM);
    tu_buf_addf(log, "finish %s events %llu comments %llu retry %lld\n", llmj_strerror(st),
                (unsigned long long)llmj_sse_events(s), (unsigned long long)llmj_sse_comments(s),
                (long long)llmj_sse_retry(s));
    llmj_sse_free(s);
}

/* A real capture from the reference folder when it is there, else the
 * repository's stream of the same shape (one NOTICE line). */
static const char *real_or(char *buf, size_t cap, const char *real, const char *local)
{
    char what[512];
    snprintf(what, sizeof what, "its allocation-failure sweep (%s is swept instead)", local);
    if (tu_have_shared(real, what))
        return tu_shared(buf, cap, real);
    return local;
}

static char *read_or_fail(const char *rel, size_t *len)
{
    char *s = tu_read_file(rel, len);
    if (!s)
        fprintf(stderr, "cannot read %s\n", rel);
    assert_non_null(s);
    return s;
}

static void test_oom_sse(void **state)
{
    (void)state;
    size_t n1, n2, n3;
    char *a = read_or_fail("corpus/streams/openai-tools.sse", &n1);
    char *b = read_or_fail("corpus/streams/llama-error-field.sse", &n2);
    char *c = read_or_fail("corpus/sse/bom-crlf-unterminated.sse", &n3);
    /* a long line and a long event, to grow the buffers while split */
    tu_buf big = { 0 };
    tu_buf_add(&big, "event: x\r\nid: 7\r\n", 17);
    for (int i = 0; i < 40; i++) {
        tu_buf_add(&big, "data: ", 6);
        for (int j = 0; j < 200; j++)
            tu_buf_add(&big, "abcdefgh", 8);
        tu_buf_add(&big, "\n", 1);
    }
    tu_buf_add(&big, "\n: keepalive\nretry: 100\ndata: tail", 34);
    sdoc docs[] = {
        { "openai tools, 13-byte pieces", a, n1, 13, 0 },
        { "openai tools, whole", a, n1, n1, 0 },
        { "llama error field, 5-byte pieces, field callback", b, n2, 5, 1 },
        { "BOM, CRLF, unterminated, 1-byte pieces", c, n3, 1, 1 },
        { "long lines, 100-byte pieces", big.data, big.len, 100, 0 },
        { "long lines, 4096-byte pieces", big.data, big.len, 4096, 0 },
    };
    sweep_stats ss = { 0 };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        sweep(&ss, docs[i].name, sc_sse, &docs[i]);
    sweep_report("SSE decoder", &ss);
    free(a);
    free(b);
    free(c);
    tu_buf_free(&big);
}

/* ---- the dialect decoders ------------------------------------------------------ */

typedef struct devents {
    char *type[256];
    size_t type_len[256];
    char *data[256];
    size_t data_len[256];
    size_t n;
} devents;

static char *dup_n(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static int collect(void *ctx, const llmj_sse_event *ev)
{
    devents *e = ctx;
    assert_true(e->n < 256);
    int typed = !(ev->type_len == 7 && memcmp(ev->type, "message", 7) == 0);
    e->type[e->n] = typed ? dup_n(ev->type, ev->type_len) : NULL;
    e->type_len[e->n] = typed ? ev->type_len : 0;
    e->data[e->n] = dup_n(ev->data, ev->data_len);
    e->data_len[e->n] = ev->data_len;
    e->n++;
    return 0;
}

static void devents_load(devents *e, const char *rel, int ndjson)
{
    memset(e, 0, sizeof *e);
    size_t n;
    char *body = read_or_fail(rel, &n);
    if (ndjson) {
        size_t i = 0;
        while (i < n) {
            const char *nl = memchr(body + i, '\n', n - i);
            size_t end = nl ? (size_t)(nl - body) : n;
            size_t len = end - i;
            if (len && body[i + len - 1] == '\r')
                len--;
            if (len) {
                e->type[e->n] = NULL;
                e->data[e->n] = dup_n(body + i, len);
                e->data_len[e->n] = len;
                e->n++;
            }
            i = end + 1;
        }
    } else {
        llmj_sse *s;
        assert_int_equal(llmj_sse_new(&s, NULL, collect, e), LLMJ_OK);
        llmj_sse_feed(s, body, n);
        llmj_sse_finish(s);
        llmj_sse_free(s);
    }
    free(body);
    assert_true(e->n > 0);
}

static void devents_free(devents *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->type[i]);
        free(e->data[i]);
    }
}

typedef struct ddoc {
    const char *name;
    const ld_ops *ops;
    devents ev;
} ddoc;

typedef struct dlog {
    tu_buf *log;
    size_t items;
} dlog;

static int d_emit(void *ctx, const ld_item *it)
{
    dlog *l = ctx;
    l->items++;
    tu_buf_addf(l->log, "item %d c%zu t%zu f%d ", (int)it->kind, it->choice, it->tool,
                (int)it->finish);
    tu_buf_add(l->log, it->text, it->len);
    tu_buf_add(l->log, "|", 1);
    tu_buf_add(l->log, it->id, it->id_len);
    tu_buf_add(l->log, "|", 1);
    tu_buf_add(l->log, it->name, it->name_len);
    if (it->kind == LD_USAGE)
        tu_buf_addf(l->log, "|%lld %lld %lld", (long long)it->usage.input_tokens,
                    (long long)it->usage.output_tokens, (long long)it->usage.total_tokens);
    tu_buf_add(l->log, "\n", 1);
    return 0;
}

static void sc_dialect(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem)
{
    const ddoc *d = arg;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    void *st = NULL;
    llmj_status rc = d->ops->create(&st, a, &cfg);
    if (rc == LLMJ_NOMEM) {
        *nomem = 1;
        rc = d->ops->create(&st, a, &cfg);
    }
    assert_int_equal(rc, LLMJ_OK);
    dlog l = { log, 0 };
    for (size_t i = 0; i < d->ev.n; i++) {
        size_t items = l.items;
        rc = d->ops->event(st, d->ev.type[i], d->ev.type_len[i], d->ev.data[i], d->ev.data_len[i],
                           d_emit, &l);
        if (rc == LLMJ_NOMEM) {
            /* nothing emitted, nothing changed: the same event again */
            *nomem = 1;
            assert_int_equal(l.items, items);
            assert_non_null(d->ops->message(st));
            rc = d->ops->event(st, d->ev.type[i], d->ev.type_len[i], d->ev.data[i],
                               d->ev.data_len[i], d_emit, &l);
        }
        assert_true(rc == LLMJ_OK || rc == LLMJ_BAD_EVENT);
        tu_buf_addf(log, "event %zu: %s\n", i, llmj_strerror(rc));
    }
    d->ops->destroy(st);
}

static void test_oom_dialects(void **state)
{
    (void)state;
    static ddoc docs[] = {
        { "openai chat, tool calls", &llmj__dialect_openai_chat, { { 0 } } },
        { "openai chat, 3 choices", &llmj__dialect_openai_chat, { { 0 } } },
        { "openai responses, function call", &llmj__dialect_openai_responses, { { 0 } } },
        { "openai responses, error", &llmj__dialect_openai_responses, { { 0 } } },
        { "anthropic, tools", &llmj__dialect_anthropic, { { 0 } } },
        { "anthropic, surrogates", &llmj__dialect_anthropic, { { 0 } } },
        { "gemini, function", &llmj__dialect_gemini, { { 0 } } },
        { "gemini, 2 candidates, surrogates", &llmj__dialect_gemini, { { 0 } } },
        { "ollama, tools", &llmj__dialect_ollama, { { 0 } } },
        { "ollama, error", &llmj__dialect_ollama, { { 0 } } },
    };
    char real[3][4096];
    const char *files[] = {
        "corpus/streams/openai-tools.sse",
        real_or(real[0], sizeof real[0], "corpus-real/openai-chat-n3-choices.sse",
                "corpus/streams/openai-n2.sse"),
        real_or(real[1], sizeof real[1], "corpus-real/openai-responses-function-call.sse",
                "corpus/streams/responses-tools.sse"),
        real_or(real[2], sizeof real[2], "corpus-real/openai-responses-error.sse",
                "corpus/streams/responses-error.sse"),
        "corpus/streams/anthropic-tools.sse",
        "corpus/streams/anthropic-surrogate.sse",
        "corpus/streams/gemini-function.sse",
        "corpus/streams/gemini-n2-surrogate.sse",
        "corpus/streams/ollama-tools.ndjson",
        "corpus/streams/ollama-error.ndjson",
    };
    sweep_stats ss = { 0 };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        devents_load(&docs[i].ev, files[i], docs[i].ops == &llmj__dialect_ollama);
        sweep(&ss, docs[i].name, sc_dialect, &docs[i]);
        devents_free(&docs[i].ev);
    }
    sweep_report("dialect decoders", &ss);
}

/* ---- the stream object ------------------------------------------------------------ */

typedef struct stdoc {
    const char *name;
    const char *file;
    llmj_dialect dialect;
    llmj_content_mode content;
    size_t piece;
    char *body;
    size_t len;
} stdoc;

static int st_json(void *ctx, size_t c, size_t t, const llmj_event *ev)
{
    tu_buf_addf(ctx, "J %zu %zu %s %s ", c, t, llmj_event_type_name(ev->type), ev->pointer);
    tu_buf_add(ctx, ev->text, ev->len);
    tu_buf_add(ctx, "\n", 1);
    return 0;
}

static int st_text(void *ctx, size_t c, const char *text, size_t len)
{
    tu_buf_addf(ctx, "T %zu ", c);
    tu_buf_add(ctx, text, len);
    tu_buf_add(ctx, "\n", 1);
    return 0;
}

static int st_args(void *ctx, size_t c, size_t t, const char *text, size_t len)
{
    tu_buf_addf(ctx, "A %zu %zu ", c, t);
    tu_buf_add(ctx, text, len);
    tu_buf_add(ctx, "\n", 1);
    return 0;
}

static int st_finish(void *ctx, size_t c, llmj_finish f, const char *raw, size_t rl)
{
    tu_buf_addf(ctx, "F %zu %s ", c, llmj_finish_name(f));
    tu_buf_add(ctx, raw, rl);
    tu_buf_add(ctx, "\n", 1);
    return 0;
}

static int st_error(void *ctx, const llmj_provider_error *e)
{
    tu_buf_addf(ctx, "X %s ", llmj_strerror(e->status));
    tu_buf_add(ctx, e->message, e->message_len);
    tu_buf_add(ctx, "\n", 1);
    return 0;
}

static const llmj_stream_callbacks k_st_cbs = { st_json, st_text, NULL, NULL, st_args,
                                                NULL, st_finish, NULL, st_error };

/* The stream's state: what a caller reads at the end. 1 when a salvage or
 * repair said NOMEM (after which it was asked again). */
static int stream_report(llmj_stream *s, tu_buf *log)
{
    int nomem = 0;
    tu_buf_addf(log, "status %s events %llu bad %llu done %d choices %zu\n",
                llmj_strerror(llmj_stream_status(s)), (unsigned long long)llmj_stream_events(s),
                (unsigned long long)llmj_stream_bad_events(s), llmj_stream_done(s),
                llmj_stream_choice_count(s));
    for (size_t ci = 0; ci < llmj_stream_choice_count(s); ci++) {
        llmj_choice_info ch;
        assert_int_equal(llmj_stream_choice(s, ci, &ch), LLMJ_OK);
        tu_buf_addf(log, "choice %zu %s json %d %s tools %zu: ", ch.index, llmj_finish_name(ch.finish),
                    ch.json, llmj_text_status_name(ch.status), ch.tool_count);
        tu_buf_add(log, ch.content, ch.content_len);
        tu_buf_add(log, "\n", 1);
        for (size_t ti = 0; ti <= ch.tool_count; ti++) {
            size_t tool = ti == ch.tool_count ? LLMJ_NO_TOOL : ti;
            if (tool == LLMJ_NO_TOOL && ch.json != 1)
                continue;
            if (tool != LLMJ_NO_TOOL) {
                llmj_tool_info tl;
                assert_int_equal(llmj_stream_tool(s, ci, ti, &tl), LLMJ_OK);
                tu_buf_add(log, tl.name, tl.name_len);
                tu_buf_add(log, " ", 1);
                tu_buf_add(log, tl.arguments, tl.arguments_len);
                tu_buf_add(log, "\n", 1);
            }
            for (int m = 0; m <= 1; m++) {
                const char *r;
                size_t rl;
                llmj_status st = llmj_stream_repair(s, ci, tool, (llmj_salvage_mode)m, NULL, &r, &rl);
                if (st == LLMJ_NOMEM) {
                    nomem = 1;
                    st = llmj_stream_repair(s, ci, tool, (llmj_salvage_mode)m, NULL, &r, &rl);
                }
                if (st != LLMJ_OK)
                    fprintf(stderr, "stream_repair(choice %zu, tool %zu): %s; json %d, tracker %s, "
                                    "stream status %s\n",
                            ci, tool, llmj_strerror(st), ch.json,
                            llmj_stream_tracker(s, ci, tool) ? "yes" : "NULL",
                            llmj_strerror(llmj_stream_status(s)));
                assert_int_equal(st, LLMJ_OK);
                check_r(r, rl);
                tu_buf_add(log, "R ", 2);
                tu_buf_add(log, r, rl);
                tu_buf_add(log, "\n", 1);
            }
        }
    }
    return nomem;
}

static void sc_stream(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem)
{
    const stdoc *d = arg;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    llmj_stream *s = NULL;
    llmj_status st = llmj_stream_new(&s, &cfg, d->dialect, d->content, &k_st_cbs, log);
    if (st == LLMJ_NOMEM) {
        *nomem = 1;
        assert_null(s);
        st = llmj_stream_new(&s, &cfg, d->dialect, d->content, &k_st_cbs, log);
    }
    assert_int_equal(st, LLMJ_OK);
    for (;;) {
        log->len = 0;
        size_t fed = 0;
        int stopped = 0;
        while (fed < d->len && !stopped) {
            size_t len = d->piece < d->len - fed ? d->piece : d->len - fed;
            st = llmj_stream_feed(s, d->body + fed, len);
            fed += len;
            if (st == LLMJ_NOMEM) {
                /* sticky; no byte more; what was taken stays readable */
                assert_int_equal(llmj_stream_feed(s, "x", 1), LLMJ_NOMEM);
                assert_int_equal(llmj_stream_error(s)->code, LLMJ_NOMEM);
                stopped = 1;
            } else if (st != LLMJ_OK) {
                tu_buf_addf(log, "feed %s\n", llmj_strerror(st));
                break;
            }
        }
        llmj_status fin = llmj_stream_finish(s);
        if (stopped)
            assert_int_equal(fin, LLMJ_NOMEM);
        tu_buf_addf(log, "finish %s\n", llmj_strerror(fin));
        if (stream_report(s, log))
            *nomem = 1;
        if (fin != LLMJ_NOMEM)
            break;
        /* after NOMEM: reset, and the same body again */
        *nomem = 1;
        st = llmj_stream_reset(s);
        if (st == LLMJ_NOMEM)
            st = llmj_stream_reset(s);
        assert_int_equal(st, LLMJ_OK);
    }
    llmj_stream_free(s);
}

static void test_oom_stream(void **state)
{
    (void)state;
    char real[2][4096];
    stdoc docs[] = {
        { "openai tools, auto, 64-byte pieces", "corpus/streams/openai-tools.sse",
          LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 64, NULL, 0 },
        { "openai json, JSON content, 7-byte pieces", "corpus/streams/openai-json.sse",
          LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_JSON, 7, NULL, 0 },
        { "openai 3 choices, auto, whole",
          real_or(real[0], sizeof real[0], "corpus-real/openai-chat-n3-choices.sse",
                  "corpus/streams/openai-n2.sse"),
          LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 1 << 20, NULL, 0 },
        { "responses function call, 100-byte pieces",
          real_or(real[1], sizeof real[1], "corpus-real/openai-responses-function-call.sse",
                  "corpus/streams/responses-tools.sse"),
          LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 100, NULL, 0 },
        { "anthropic tools, 33-byte pieces", "corpus/streams/anthropic-tools.sse",
          LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 33, NULL, 0 },
        { "gemini json, whole", "corpus/streams/gemini-json.sse", LLMJ_DIALECT_AUTO,
          LLMJ_CONTENT_AUTO, 1 << 20, NULL, 0 },
        { "ollama tools, 17-byte pieces", "corpus/streams/ollama-tools.ndjson",
          LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 17, NULL, 0 },
        { "llama error field, whole", "corpus/streams/llama-error-field.sse",
          LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 1 << 20, NULL, 0 },
    };
    sweep_stats ss = { 0 };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        docs[i].body = read_or_fail(docs[i].file, &docs[i].len);
        sweep(&ss, docs[i].name, sc_stream, &docs[i]);
        free(docs[i].body);
    }
    sweep_report("stream object", &ss);
}

/* ---- the HTTP client ------------------------------------------------------------- */

#ifndef LLMJ_NO_HTTP

typedef struct hdoc {
    int port;
    const char *file;
} hdoc;

static void sc_http(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem)
{
    const hdoc *d = arg;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", d->port, d->file);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.url = url;
    o.api_key = "";
    o.body = "{\"model\":\"m\",\"stream\":true}";
    o.body_len = strlen(o.body);
    o.total_ms = 10000;
    llmj_http *h = NULL;
    llmj_status st = llmj_http_new(&h, &cfg, &o, &k_st_cbs, log);
    if (st == LLMJ_NOMEM) {
        /* nothing left behind; the same request again */
        *nomem = 1;
        assert_null(h);
        st = llmj_http_new(&h, &cfg, &o, &k_st_cbs, log);
    }
    assert_int_equal(st, LLMJ_OK);
    log->len = 0;
    st = llmj_http_perform(h);
    const llmj_http_result *r = llmj_http_get_result(h);
    if (st == LLMJ_NOMEM || (st == LLMJ_CANCELLED && r->cancel_reason == LLMJ_NOMEM) ||
        llmj_stream_status(llmj_http_stream(h)) == LLMJ_NOMEM) {
        /* a failed transfer: nothing more to compare; the stream is still
         * readable and everything is freed below */
        *nomem = 1;
        stream_report(llmj_http_stream(h), log);
        llmj_http_free(h);
        /* the same request again, unfailed, for the log */
        log->len = 0;
        assert_int_equal(llmj_http_new(&h, &cfg, &o, &k_st_cbs, log), LLMJ_OK);
        st = llmj_http_perform(h);
        r = llmj_http_get_result(h);
    }
    tu_buf_addf(log, "perform %s http %ld\n", llmj_strerror(st), r->http_status);
    if (stream_report(llmj_http_stream(h), log))
        *nomem = 1;
    llmj_http_free(h);
}

/* Two requests at once on one multi. A request refused or failed by NOMEM
 * is made again, unfailed, for the log. */
static void sc_http_multi(const void *arg, const llmj_allocator *a, tu_buf *log, int *nomem)
{
    const hdoc *d = arg;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    const char *files[2] = { "openai-json.sse", "gemini-function.sse" };
    char url[2][256];
    llmj_http_options o[2];
    tu_buf logs[2] = { { 0 }, { 0 } };
    llmj_http *h[2] = { NULL, NULL };
    for (int i = 0; i < 2; i++) {
        snprintf(url[i], sizeof url[i], "http://127.0.0.1:%d/%s", d->port, files[i]);
        llmj_http_options_init(&o[i]);
        o[i].url = url[i];
        o[i].api_key = "";
        o[i].total_ms = 10000;
        llmj_status st = llmj_http_new(&h[i], &cfg, &o[i], &k_st_cbs, &logs[i]);
        if (st == LLMJ_NOMEM) {
            *nomem = 1;
            assert_null(h[i]);
            st = llmj_http_new(&h[i], &cfg, &o[i], &k_st_cbs, &logs[i]);
        }
        assert_int_equal(st, LLMJ_OK);
    }
    llmj_http_multi *m = NULL;
    llmj_status st = llmj_http_multi_new(&m, &cfg);
    if (st == LLMJ_NOMEM) {
        *nomem = 1;
        st = llmj_http_multi_new(&m, &cfg);
    }
    assert_int_equal(st, LLMJ_OK);
    for (int i = 0; i < 2; i++) {
        st = llmj_http_multi_add(m, h[i]);
        if (st == LLMJ_NOMEM) {
            *nomem = 1;
            st = llmj_http_multi_add(m, h[i]);
        }
        assert_int_equal(st, LLMJ_OK);
    }
    size_t running = 2;
    while (running)
        assert_int_equal(llmj_http_multi_run(m, 100, &running), LLMJ_OK);
    llmj_http_multi_free(m);
    log->len = 0;
    for (int i = 0; i < 2; i++) {
        const llmj_http_result *r = llmj_http_get_result(h[i]);
        if (r->status == LLMJ_NOMEM || (r->status == LLMJ_CANCELLED && r->cancel_reason == LLMJ_NOMEM)) {
            /* failed by the refusal: this one again, alone and unfailed */
            *nomem = 1;
            stream_report(llmj_http_stream(h[i]), &logs[i]);
            llmj_http_free(h[i]);
            logs[i].len = 0;
            assert_int_equal(llmj_http_new(&h[i], &cfg, &o[i], &k_st_cbs, &logs[i]), LLMJ_OK);
            llmj_http_perform(h[i]);
            r = llmj_http_get_result(h[i]);
        }
        tu_buf_add(log, logs[i].data, logs[i].len);
        tu_buf_addf(log, "request %d: %s http %ld\n", i, llmj_strerror(r->status), r->http_status);
        if (stream_report(llmj_http_stream(h[i]), log))
            *nomem = 1;
        llmj_http_free(h[i]);
        tu_buf_free(&logs[i]);
    }
}

static llmjt_server g_srv = { -1, 0 };

static int http_setup(void **state)
{
    (void)state;
    if (llmjt_server_start(&g_srv, tu_root(), 30) != 0)
        g_srv.pid = -1;
    return llmj_global_init() == LLMJ_OK ? 0 : -1;
}

static int http_teardown(void **state)
{
    (void)state;
    llmj_global_cleanup();
    if (g_srv.pid > 0)
        llmjt_server_stop(&g_srv);
    return 0;
}

static void test_oom_http(void **state)
{
    (void)state;
    if (g_srv.pid <= 0) {
        fprintf(stderr, "NOTE: test_oom_http SKIPPED: the test server did not start "
                        "(build it with make tests)\n");
        return;
    }
    hdoc docs[] = { { g_srv.port, "openai-json.sse" }, { g_srv.port, "anthropic-tools.sse" } };
    sweep_stats ss = { 0 };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        sweep(&ss, docs[i].file, sc_http, &docs[i]);
    sweep(&ss, "two requests on one multi", sc_http_multi, &docs[0]);
    sweep_report("HTTP client (perform and multi against the loopback test server)", &ss);
}

#else /* built without HTTP (make HTTP=0) */

static int http_setup(void **state)
{
    (void)state;
    return 0;
}

static int http_teardown(void **state)
{
    (void)state;
    return 0;
}

static void test_oom_http(void **state)
{
    (void)state;
    fprintf(stderr, "NOTICE: test_oom_http skipped: built without HTTP (make HTTP=0)\n");
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oom_tracker),
        cmocka_unit_test(test_oom_sse),
        cmocka_unit_test(test_oom_dialects),
        cmocka_unit_test(test_oom_stream),
        cmocka_unit_test_setup_teardown(test_oom_http, http_setup, http_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
