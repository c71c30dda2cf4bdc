/* The tracker's events and limits, checked against an independent reference
 * (tests/ref/ref_salvage.c):
 * - piece-size invariance: every document whole, at piece sizes 1..31 and at
 *   random splits gives the same events (string chunks merged), errors and
 *   salvage; events equal the reference's; chunks concatenate to their
 *   STRING and hold whole code points; pointers match the segments and an
 *   independently computed path; KEY/BEGIN/END nest;
 * - hostile inputs: deep nesting, huge integers, escapes, NUL, surrogates,
 *   invalid UTF-8, control characters, form feed, max_token, whitespace and
 *   repetition runaways, callback stop, allocation failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ref/ref_docs.c"

#include <time.h>

#include <llmjson.h>
#include "support/testutil.h"

/* ---- reporting ---------------------------------------------------------------- */

#define MAX_REPORTS 12

typedef struct report {
    size_t mismatches, printed, checks;
    size_t chunk_err; /* of which: chunks of a string open at an error differ */
} report;

static void show_bytes(const char *label, const char *s, size_t n)
{
    fprintf(stderr, "    %s (%zu bytes): \"", label, n);
    size_t from = 0;
    if (n > 200) {
        from = n - 160;
        fprintf(stderr, "...");
    }
    for (size_t i = from; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "\"\n");
}

static int mismatch(report *rep, const char *doc, const char *s, size_t n, const char *fmt, ...)
{
    rep->mismatches++;
    if (rep->printed >= MAX_REPORTS)
        return 0;
    rep->printed++;
    fprintf(stderr, "MISMATCH [%s] ", doc);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (s)
        show_bytes("S", s, n);
    return 1;
}

static void report_end(report *rep, const char *what)
{
    fprintf(stderr, "%s: %zu checks, %zu mismatches", what, rep->checks, rep->mismatches);
    if (rep->chunk_err)
        fprintf(stderr, " (%zu of them: chunks of a string open at an error)", rep->chunk_err);
    fprintf(stderr, "\n");
    assert_int_equal(rep->mismatches, 0);
}

/* ---- event log ------------------------------------------------------------------ */

typedef struct evrec {
    int type;
    char *ptr;
    size_t plen;
    char *text;
    size_t len;
    size_t depth;
} evrec;

typedef struct evlog {
    evrec *v;
    size_t n, cap;
    size_t stop_at;    /* return non-zero from the stop_at-th call (1-based); 0 never */
    size_t calls;
    size_t bad_segments;
    char bad_why[200];
    size_t check_deep; /* deep test: pointer must be "/0" * depth; skip storing */
    size_t deep_begins, deep_ends, deep_bad;
} evlog;

static void log_add(evlog *l, int type, const char *ptr, size_t plen, const char *text,
                    size_t len, size_t depth)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = ref_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    evrec *e = &l->v[l->n++];
    e->type = type;
    e->ptr = ref_memdup(ptr, plen);
    e->plen = plen;
    e->text = ref_memdup(text ? text : "", len);
    e->len = len;
    e->depth = depth;
}

static void log_free(evlog *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].ptr);
        free(l->v[i].text);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* The pointer the segments spell, built here, independently of the tracker. */
static void pointer_of_segments(const llmj_event *ev, rbuf *out)
{
    rb_add(out, "", 0);
    for (size_t i = 0; i < ev->depth; i++) {
        rb_addc(out, '/');
        const llmj_segment *sg = &ev->segments[i];
        if (sg->key) {
            for (size_t j = 0; j < sg->key_len; j++) {
                if (sg->key[j] == '~')
                    rb_add(out, "~0", 2);
                else if (sg->key[j] == '/')
                    rb_add(out, "~1", 2);
                else
                    rb_addc(out, sg->key[j]);
            }
        } else {
            char num[32];
            int l = snprintf(num, sizeof num, "%zu", sg->index);
            rb_add(out, num, (size_t)l);
        }
    }
}

static int on_event(void *ctx, const llmj_event *ev)
{
    evlog *l = ctx;
    l->calls++;
    if (l->check_deep) {
        static const char zeros[] = "/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0";
        int ok = ev->pointer_len == 2 * ev->depth && ev->pointer[ev->pointer_len] == '\0';
        if (ok && ev->depth)
            ok = memcmp(ev->pointer + ev->pointer_len - 2, "/0", 2) == 0;
        /* the whole pointer, byte by byte, on every 1009th event */
        for (size_t i = 0; ok && l->calls % 1009 == 0 && i < ev->pointer_len; i += 32) {
            size_t m = ev->pointer_len - i < 32 ? ev->pointer_len - i : 32;
            ok = memcmp(ev->pointer + i, zeros, m) == 0;
        }
        if (ev->depth) {
            const llmj_segment *last = &ev->segments[ev->depth - 1];
            ok = ok && last->key == NULL && last->index == 0;
        }
        if (ev->type == LLMJ_EV_BEGIN_ARRAY && ev->depth == l->deep_begins)
            l->deep_begins++;
        else if (ev->type == LLMJ_EV_END_ARRAY && ev->depth == l->check_deep - 1 - l->deep_ends)
            l->deep_ends++;
        else
            ok = 0;
        if (!ok)
            l->deep_bad++;
    } else {
        rbuf p = { 0 };
        pointer_of_segments(ev, &p);
        if (p.n != ev->pointer_len || memcmp(p.d, ev->pointer, p.n) != 0 ||
            ev->pointer[ev->pointer_len] != '\0') {
            if (!l->bad_segments++)
                snprintf(l->bad_why, sizeof l->bad_why,
                         "%s event: pointer \"%.*s\" but segments spell \"%s\"",
                         llmj_event_type_name(ev->type), (int)ev->pointer_len, ev->pointer, p.d);
        }
        free(p.d);
        log_add(l, ev->type, ev->pointer, ev->pointer_len, ev->text, ev->len, ev->depth);
    }
    if (l->stop_at && l->calls >= l->stop_at)
        return 1;
    return 0;
}

static const char *tname(int type)
{
    return llmj_event_type_name((llmj_event_type)type);
}

/* Check the chunks of a raw log and produce the normalised log: the chunks
 * of a finished string are dropped (after checking that they concatenate to
 * it), the chunks of the string still open at the end merged into one. */
static void normalize(report *rep, const char *doc, const evlog *raw, evlog *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < raw->n) {
        const evrec *e = &raw->v[i];
        if (e->type != LLMJ_EV_STRING_CHUNK) {
            log_add(out, e->type, e->ptr, e->plen, e->text, e->len, e->depth);
            i++;
            continue;
        }
        rbuf cat = { 0 };
        rb_add(&cat, "", 0);
        size_t j = i;
        while (j < raw->n && raw->v[j].type == LLMJ_EV_STRING_CHUNK) {
            const evrec *c = &raw->v[j];
            rep->checks++;
            if (c->plen != e->plen || memcmp(c->ptr, e->ptr, e->plen) != 0)
                mismatch(rep, doc, NULL, 0, "chunk pointers differ within one string: %s vs %s",
                         e->ptr, c->ptr);
            if (!ref_is_utf8(c->text, c->len))
                mismatch(rep, doc, NULL, 0, "a chunk at %s is not whole UTF-8 code points",
                         c->ptr);
            rb_add(&cat, c->text, c->len);
            j++;
        }
        if (j < raw->n) {
            const evrec *s = &raw->v[j];
            rep->checks++;
            if (s->type != LLMJ_EV_STRING || s->plen != e->plen ||
                memcmp(s->ptr, e->ptr, e->plen) != 0)
                mismatch(rep, doc, NULL, 0, "chunks at %s followed by %s at %s, not the STRING",
                         e->ptr, tname(s->type), s->ptr);
            else if (s->len != cat.n || memcmp(s->text, cat.d, cat.n) != 0)
                mismatch(rep, doc, NULL, 0,
                         "chunks at %s concatenate to %zu bytes, not to the STRING's %zu",
                         e->ptr, cat.n, s->len);
        } else {
            log_add(out, LLMJ_EV_STRING_CHUNK, e->ptr, e->plen, cat.d, cat.n, e->depth);
        }
        free(cat.d);
        i = j;
    }
}

/* KEY, BEGIN and END nest: a stack of containers, a key before each member's
 * value, one top-level value, depths that follow the stack. */
static void check_nesting(report *rep, const char *doc, const evlog *l)
{
    rbuf stack = { 0 };
    rb_add(&stack, "", 0);
    int want_key = 0, top_done = 0;
    rep->checks++;
    for (size_t i = 0; i < l->n; i++) {
        const evrec *e = &l->v[i];
        int t = e->type;
        if (t == LLMJ_EV_STRING_CHUNK)
            continue;
        size_t d = stack.n;
        char top = d ? stack.d[d - 1] : 0;
        const char *bad = NULL;
        if (t == LLMJ_EV_KEY) {
            if (!want_key)
                bad = "KEY outside an object's key position";
            else if (e->depth != d)
                bad = "KEY at the wrong depth (not the member's)";
            want_key = 0;
        } else if (t == LLMJ_EV_END_OBJECT || t == LLMJ_EV_END_ARRAY) {
            char want = t == LLMJ_EV_END_OBJECT ? '{' : '[';
            if (top != want)
                bad = "END does not match the open container";
            else if (t == LLMJ_EV_END_OBJECT && !want_key)
                bad = "END_OBJECT right after a KEY";
            else if (e->depth != d - 1)
                bad = "END at the wrong depth";
            else {
                stack.n--;
                want_key = stack.n && stack.d[stack.n - 1] == '{';
                if (stack.n == 0)
                    top_done = 1;
            }
        } else {
            /* a value */
            if (want_key)
                bad = "a value where a KEY or END_OBJECT belongs";
            else if (d == 0 && top_done)
                bad = "a second top-level value";
            else if (e->depth != d)
                bad = "value at the wrong depth";
            if (t == LLMJ_EV_BEGIN_OBJECT || t == LLMJ_EV_BEGIN_ARRAY) {
                rb_addc(&stack, t == LLMJ_EV_BEGIN_OBJECT ? '{' : '[');
                want_key = t == LLMJ_EV_BEGIN_OBJECT;
            } else {
                if (t == LLMJ_EV_TRUE && (e->len != 4 || memcmp(e->text, "true", 4)))
                    bad = "TRUE without text \"true\"";
                if (t == LLMJ_EV_FALSE && (e->len != 5 || memcmp(e->text, "false", 5)))
                    bad = "FALSE without text \"false\"";
                if (t == LLMJ_EV_NULL && (e->len != 4 || memcmp(e->text, "null", 4)))
                    bad = "NULL without text \"null\"";
                want_key = d && top == '{';
                if (d == 0)
                    top_done = 1;
            }
        }
        if (bad) {
            mismatch(rep, doc, NULL, 0, "nesting: event %zu (%s at %s): %s", i, tname(t), e->ptr,
                     bad);
            break;
        }
    }
    free(stack.d);
}

static int same_event(const evrec *a, const evrec *b)
{
    return a->type == b->type && a->plen == b->plen && memcmp(a->ptr, b->ptr, a->plen) == 0 &&
           a->len == b->len && memcmp(a->text, b->text, a->len) == 0 && a->depth == b->depth;
}

static void show_event(const char *label, const evrec *e)
{
    fprintf(stderr, "    %s: %s at \"%s\" depth %zu", label, e ? tname(e->type) : "(none)",
            e ? e->ptr : "", e ? e->depth : 0);
    if (e)
        show_bytes("text", e->text, e->len);
    else
        fprintf(stderr, "\n");
}

/* ---- one run ----------------------------------------------------------------------- */

typedef struct run_out {
    evlog raw;
    llmj_status first_bad; /* the first non-OK feed status */
    size_t events_at_bad;  /* events delivered when it was returned */
    llmj_status fin;
    llmj_error err;
    char errmsg[128];
    tu_buf summary;        /* salvage (both modes) and repair, serialised */
    uint64_t bytes;
    size_t late_events;    /* events after a stop or an error */
} run_out;

static void salvage_summary(llmj_tracker *t, tu_buf *b)
{
    for (int g = 0; g <= 1; g++) {
        llmj_salvage sv;
        llmj_status st = llmj_tracker_salvage(t, (llmj_salvage_mode)g, &sv);
        if (st != LLMJ_OK) {
            tu_buf_addf(b, "[salvage %d: %s]", g, llmj_strerror(st));
            continue;
        }
        tu_buf_addf(b, "[%s k=%llu closer=%.*s n=%zu", llmj_text_status_name(sv.status),
                    (unsigned long long)sv.bytes_kept, (int)sv.closer_len, sv.closer,
                    sv.nclosed);
        for (size_t i = 0; i < sv.nclosed; i++) {
            tu_buf_add(b, " ", 1);
            tu_buf_add_json_string(b, sv.closed_pointer, sv.closed_len[i]);
        }
        tu_buf_addf(b, " err=%d@%llu:%llu:%llu run=%d@%lld]", (int)sv.error.code,
                    (unsigned long long)sv.error.offset, (unsigned long long)sv.error.line,
                    (unsigned long long)sv.error.column, (int)sv.runaway,
                    (long long)sv.runaway_offset);
        const char *r;
        size_t rl;
        if (llmj_tracker_repair(t, (llmj_salvage_mode)g, NULL, &r, &rl) == LLMJ_OK) {
            tu_buf_add(b, "R=", 2);
            tu_buf_add_json_string(b, r, rl);
        }
    }
}

typedef struct plan {
    size_t fixed;     /* piece size; 0 = whole */
    uint64_t seed;    /* random splits when non-zero */
} plan;

static size_t next_piece(const plan *p, ref_rng *r, size_t left)
{
    size_t k;
    if (p->seed) {
        size_t kind = ref_randn(r, 4);
        k = kind == 0 ? 1 : kind == 1 ? 1 + ref_randn(r, 8) : 1 + ref_randn(r, 200);
    } else {
        k = p->fixed ? p->fixed : left;
    }
    return k < left ? k : left;
}

static void run_doc(const char *s, size_t n, const llmj_config *base, const plan *p, int end,
                    size_t stop_at, run_out *out)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    memset(out, 0, sizeof *out);
    llmj_config cfg = *base;
    cfg.alloc = tu_allocator(&ta);
    cfg.keep_text = 1;
    out->raw.stop_at = stop_at;
    llmj_tracker *t = NULL;
    assert_int_equal(llmj_tracker_new(&t, &cfg, on_event, &out->raw), LLMJ_OK);
    ref_rng r = { p->seed ? p->seed : 1 };
    out->first_bad = LLMJ_OK;
    size_t off = 0;
    while (off < n) {
        size_t k = next_piece(p, &r, n - off);
        llmj_status st = llmj_tracker_feed(t, s + off, k);
        if (out->first_bad != LLMJ_OK) {
            if (st != out->first_bad)
                out->late_events += 1000000; /* the status did not stick */
        } else if (st != LLMJ_OK) {
            out->first_bad = st;
            out->events_at_bad = out->raw.calls;
        }
        off += k;
    }
    out->fin = llmj_tracker_finish(t, end ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
    if (out->first_bad != LLMJ_OK)
        out->late_events += out->raw.calls - out->events_at_bad;
    assert_int_equal(llmj_tracker_feed(t, "1", 1), LLMJ_MISUSE); /* after finish */
    out->err = *llmj_tracker_error(t);
    snprintf(out->errmsg, sizeof out->errmsg, "%s", out->err.message ? out->err.message : "");
    out->err.message = out->errmsg;
    out->bytes = llmj_tracker_bytes(t);
    salvage_summary(t, &out->summary);
    llmj_tracker_free(t);
    assert_int_equal(ta.live, 0);
}

static void run_free(run_out *o)
{
    log_free(&o->raw);
    tu_buf_free(&o->summary);
}

/* Compare run b with run a (the whole-document run). */
static void compare_runs(report *rep, const char *doc, const char *s, size_t n, const char *how,
                         const run_out *a, const evlog *na, const run_out *b, const evlog *nb)
{
    rep->checks++;
    if (a->first_bad != b->first_bad || a->fin != b->fin) {
        mismatch(rep, doc, s, n, "%s: feed/finish %s/%s, whole gives %s/%s", how,
                 llmj_strerror(b->first_bad), llmj_strerror(b->fin), llmj_strerror(a->first_bad),
                 llmj_strerror(a->fin));
        return;
    }
    if (a->err.code != b->err.code || a->err.offset != b->err.offset ||
        a->err.line != b->err.line || a->err.column != b->err.column) {
        mismatch(rep, doc, s, n, "%s: error %d@%llu, whole gives %d@%llu", how, (int)b->err.code,
                 (unsigned long long)b->err.offset, (int)a->err.code,
                 (unsigned long long)a->err.offset);
        return;
    }
    if (a->summary.len != b->summary.len || memcmp(a->summary.data, b->summary.data, a->summary.len)) {
        if (mismatch(rep, doc, s, n, "%s: salvage differs from the whole run's", how)) {
            fprintf(stderr, "    got:   %s\n    whole: %s\n", b->summary.data, a->summary.data);
        }
        return;
    }
    /* The chunks of a string value open when the text failed are compared
     * apart, so that this one kind of difference does not hide others. */
    size_t la = na->n, lb = nb->n;
    const evrec *ca = NULL, *cb = NULL;
    if (a->first_bad != LLMJ_OK) {
        if (la && na->v[la - 1].type == LLMJ_EV_STRING_CHUNK)
            ca = &na->v[--la];
        if (lb && nb->v[lb - 1].type == LLMJ_EV_STRING_CHUNK)
            cb = &nb->v[--lb];
        size_t lena = ca ? ca->len : 0, lenb = cb ? cb->len : 0;
        if (lena != lenb || (lena && memcmp(ca->text, cb->text, lena) != 0)) {
            rep->mismatches++;
            if (rep->chunk_err++ < 3) {
                fprintf(stderr,
                        "MISMATCH [%s] %s: the text failed (%s) inside a string value: "
                        "its chunks give %zu bytes, whole gives %zu\n",
                        doc, how, llmj_strerror(a->first_bad), lenb, lena);
                show_bytes("S", s, n);
            }
        }
    }
    size_t m = la > lb ? la : lb;
    for (size_t i = 0; i < m; i++) {
        const evrec *x = i < la ? &na->v[i] : NULL, *y = i < lb ? &nb->v[i] : NULL;
        if (!x || !y || !same_event(x, y)) {
            if (mismatch(rep, doc, s, n, "%s: event %zu differs from the whole run's", how, i)) {
                show_event("got  ", y);
                show_event("whole", x);
            }
            return;
        }
    }
}

/* The normalised events (chunks aside) must equal the reference's. */
static void compare_with_ref(report *rep, const char *doc, const char *s, size_t n, int end,
                             const ref_cfg *rc, const evlog *norm)
{
    ref_events re;
    if (ref_events_of(s, n, end, rc, &re) != 0) {
        mismatch(rep, doc, s, n, "the reference cannot read this document");
        return;
    }
    rep->checks++;
    size_t j = 0;
    for (size_t i = 0; i <= norm->n; i++) {
        const evrec *x = i < norm->n ? &norm->v[i] : NULL;
        if (x && x->type == LLMJ_EV_STRING_CHUNK)
            continue; /* the open string's chunks: checked by the salvage tests */
        const ref_event *y = j < re.n ? &re.v[j] : NULL;
        if (!x && !y)
            break;
        int same = x && y && x->type == y->type && x->plen == y->pointer_len &&
                   memcmp(x->ptr, y->pointer, x->plen) == 0 && x->len == y->len &&
                   memcmp(x->text, y->text, x->len) == 0 && x->depth == y->depth;
        if (!same) {
            if (mismatch(rep, doc, s, n, "end=%s: event %zu differs from the reference's",
                         end ? "normal" : "truncated", i)) {
                show_event("tracker  ", x);
                if (y) {
                    evrec yy = { y->type, y->pointer, y->pointer_len, y->text, y->len, y->depth };
                    show_event("reference", &yy);
                } else {
                    show_event("reference", NULL);
                }
            }
            break;
        }
        j++;
    }
    ref_events_free(&re);
}

/* The merged chunks of the string open at the end are the decoded content
 * of the partial string greedy salvage keeps. */
static void check_open_chunks(report *rep, const char *doc, const char *s, size_t n,
                              const ref_cfg *rc, const evlog *norm, int error_seen)
{
    if (error_seen)
        return;
    ref_salv g;
    assert_int_equal(ref_salvage(s, n, 1, 0, rc, &g), 0);
    int open_string = g.closer_len > 0 && g.closer[0] == '"';
    const evrec *last = norm->n ? &norm->v[norm->n - 1] : NULL;
    int have = last && last->type == LLMJ_EV_STRING_CHUNK;
    rep->checks++;
    if (open_string) {
        /* decode S[0:k] + closer through the reference: its last STRING */
        rbuf rr = { 0 };
        rb_add(&rr, s, g.k);
        rb_add(&rr, g.closer, g.closer_len);
        ref_events re;
        ref_cfg big = *rc;
        big.whitespace_limit = 0;
        assert_int_equal(ref_events_of(rr.d, rr.n, 1, &big, &re), 0);
        const ref_event *str = NULL;
        for (size_t i = 0; i < re.n; i++)
            if (re.v[i].type == LLMJ_EV_STRING)
                str = &re.v[i];
        assert_non_null(str);
        size_t got = have ? last->len : 0;
        if (got != str->len || (got && memcmp(last->text, str->text, got) != 0)) {
            if (mismatch(rep, doc, s, n,
                         "chunks of the open string: %zu bytes, expected the %zu decoded bytes "
                         "greedy salvage keeps", got, str->len)) {
                if (have)
                    show_bytes("chunks", last->text, last->len);
                show_bytes("expected", str->text, str->len);
            }
        }
        ref_events_free(&re);
        free(rr.d);
    } else if (have) {
        mismatch(rep, doc, s, n, "chunks at the end but no string value is open");
    }
    ref_salv_free(&g);
}

/* Every plan for one document against the whole run (and, unless rc is
 * NULL, the whole run against the reference). */
static void invariance_doc(report *rep, const char *doc, const char *s, size_t n,
                           const llmj_config *cfg, const ref_cfg *rc)
{
    static plan plans[31 + 8];
    for (size_t k = 1; k <= 31; k++)
        plans[k - 1] = (plan){ k, 0 };
    for (size_t k = 0; k < 8; k++)
        plans[31 + k] = (plan){ 0, 1000 + k * 7919 };
    for (int end = 0; end <= 1; end++) {
        run_out whole;
        plan pw = { 0, 0 };
        run_doc(s, n, cfg, &pw, end, 0, &whole);
        evlog nw;
        normalize(rep, doc, &whole.raw, &nw);
        check_nesting(rep, doc, &nw);
        rep->checks++;
        if (whole.raw.bad_segments)
            mismatch(rep, doc, s, n, "whole: %s", whole.raw.bad_why);
        if (whole.late_events)
            mismatch(rep, doc, s, n, "whole: %zu events after an error or stop (or a status that did not stick)",
                     whole.late_events);
        if (rc && cfg->string_chunks)
            check_open_chunks(rep, doc, s, n, rc, &nw, whole.first_bad != LLMJ_OK);
        if (rc)
            compare_with_ref(rep, doc, s, n, end, rc, &nw);
        for (size_t i = 0; i < sizeof plans / sizeof *plans; i++) {
            if (plans[i].fixed >= n && plans[i].fixed > 1)
                continue; /* the same as whole */
            run_out o;
            run_doc(s, n, cfg, &plans[i], end, 0, &o);
            evlog no;
            normalize(rep, doc, &o.raw, &no);
            char how[64];
            if (plans[i].seed)
                snprintf(how, sizeof how, "random split %llu, end=%d",
                         (unsigned long long)plans[i].seed, end);
            else
                snprintf(how, sizeof how, "pieces of %zu, end=%d", plans[i].fixed, end);
            if (o.raw.bad_segments)
                mismatch(rep, doc, s, n, "%s: %s", how, o.raw.bad_why);
            if (o.late_events)
                mismatch(rep, doc, s, n, "%s: %zu events after an error or stop", how,
                         o.late_events);
            compare_runs(rep, doc, s, n, how, &whole, &nw, &o, &no);
            log_free(&no);
            run_free(&o);
        }
        log_free(&nw);
        run_free(&whole);
    }
}

/* Corrupted copies of a document: one byte replaced or inserted. */
static const char k_bad_bytes[] = "x]},:\"\\\x00\xff\xc3\x80\n-0.e{[ \f";

static void corrupt(ref_rng *r, const char *s, size_t n, rbuf *out)
{
    out->n = 0;
    size_t at = ref_randn(r, n + 1);
    char c = k_bad_bytes[ref_randn(r, sizeof k_bad_bytes - 1)];
    rb_add(out, s, at);
    rb_addc(out, c);
    if (ref_randn(r, 2) && at < n)
        at++; /* replace rather than insert */
    rb_add(out, s + at, n - at);
}

static void default_cfgs(llmj_config *cfg, ref_cfg *rc)
{
    llmj_config_init(cfg);
    ref_cfg_default(rc);
}

/* ---- 3. piece-size invariance ----------------------------------------------------------- */

static void test_invariance_generated(void **state)
{
    (void)state;
    report rep = { 0 };
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    llmj_config cfg;
    ref_cfg rc;
    default_cfgs(&cfg, &rc);
    for (size_t i = 0; i < d.n; i++)
        invariance_doc(&rep, d.v[i].name, d.v[i].data, d.v[i].len, &cfg, &rc);
    /* without chunks: the same events but chunks */
    cfg.string_chunks = 0;
    for (size_t i = 0; i < d.n; i += 3)
        invariance_doc(&rep, d.v[i].name, d.v[i].data, d.v[i].len, &cfg, &rc);
    ref_docs_free(&d);
    report_end(&rep, "piece-size invariance, generated documents");
}

static void test_invariance_corpus(void **state)
{
    (void)state;
    report rep = { 0 };
    ref_docs d = { 0 };
    size_t got = ref_docs_corpus(&d, tu_root());
    fprintf(stderr, "corpus/json: %zu documents\n", got);
    if (!got)
        fprintf(stderr, "NOTE: corpus/json has no documents yet\n");
    llmj_config cfg;
    ref_cfg rc;
    default_cfgs(&cfg, &rc);
    for (size_t i = 0; i < d.n; i++)
        invariance_doc(&rep, d.v[i].name, d.v[i].data, d.v[i].len, &cfg, &rc);
    ref_docs_free(&d);
    report_end(&rep, "piece-size invariance, corpus/json");
}

static void test_invariance_corrupted(void **state)
{
    (void)state;
    report rep = { 0 };
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    llmj_config cfg;
    ref_cfg rc;
    default_cfgs(&cfg, &rc);
    ref_rng r = { 77 };
    rbuf b = { 0 };
    size_t count = 0;
    for (size_t i = 0; i < d.n; i++) {
        for (int v = 0; v < 4; v++) {
            corrupt(&r, d.v[i].data, d.v[i].len, &b);
            char name[128];
            snprintf(name, sizeof name, "%s corrupted #%d", d.v[i].name, v);
            invariance_doc(&rep, name, b.d, b.n, &cfg, &rc);
            count++;
        }
    }
    free(b.d);
    ref_docs_free(&d);
    fprintf(stderr, "%zu corrupted documents\n", count);
    report_end(&rep, "piece-size invariance, corrupted documents");
}

/* Limits small enough to hit everywhere: depth 3, tokens of 16 bytes,
 * whitespace runs of 4. */
static void test_invariance_small_limits(void **state)
{
    (void)state;
    report rep = { 0 };
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    llmj_config cfg;
    ref_cfg rc;
    default_cfgs(&cfg, &rc);
    cfg.max_depth = rc.max_depth = 3;
    cfg.max_token = rc.max_token = 16;
    cfg.whitespace_limit = rc.whitespace_limit = 4;
    for (size_t i = 0; i < d.n; i++)
        invariance_doc(&rep, d.v[i].name, d.v[i].data, d.v[i].len, &cfg, &rc);
    ref_docs_free(&d);
    report_end(&rep, "piece-size invariance, small limits");
}

/* ---- 4. hostile inputs ------------------------------------------------------------------- */

typedef struct fed {
    llmj_tracker *t;
    tu_alloc ta;
    evlog log;
    llmj_status st;
} fed;

static void fed_open(fed *f, const llmj_config *base)
{
    memset(f, 0, sizeof *f);
    llmj_config cfg;
    if (base)
        cfg = *base;
    else
        llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&f->ta);
    assert_int_equal(llmj_tracker_new(&f->t, &cfg, on_event, &f->log), LLMJ_OK);
}

static llmj_status fed_feed(fed *f, const void *s, size_t n, size_t piece)
{
    const char *p = s;
    llmj_status st = LLMJ_OK;
    for (size_t off = 0; off < n;) {
        size_t k = piece && piece < n - off ? piece : n - off;
        st = llmj_tracker_feed(f->t, p + off, k);
        off += k;
    }
    f->st = st;
    return st;
}

static void fed_close(fed *f)
{
    llmj_tracker_free(f->t);
    log_free(&f->log);
    assert_int_equal(f->ta.live, 0);
}

/* The last non-chunk event of a log. */
static const evrec *last_event(const evlog *l, int type)
{
    for (size_t i = l->n; i-- > 0;)
        if (l->v[i].type == type)
            return &l->v[i];
    return NULL;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    const size_t N = 100000;
    char *s = ref_xrealloc(NULL, 2 * N + 2);
    memset(s, '[', N + 1);
    memset(s + N + 1, ']', N + 1);

    /* default max_depth 512: the 513th '[' is too deep */
    for (size_t piece = 0; piece <= 1; piece++) {
        fed f;
        fed_open(&f, NULL);
        assert_int_equal(fed_feed(&f, s, N, piece), LLMJ_TOO_DEEP);
        const llmj_error *e = llmj_tracker_error(f.t);
        assert_int_equal(e->code, LLMJ_TOO_DEEP);
        assert_int_equal(e->offset, 512);
        assert_int_equal(e->line, 1);
        assert_int_equal(e->column, 513);
        assert_int_equal(llmj_tracker_depth(f.t), 512);
        assert_int_equal(llmj_tracker_max_depth(f.t), 512);
        llmj_salvage sv;
        assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
        assert_int_equal(sv.status, LLMJ_TEXT_INVALID);
        assert_int_equal(sv.error.code, LLMJ_TOO_DEEP);
        assert_int_equal(sv.error.offset, 512);
        assert_int_equal(sv.bytes_kept, 512);
        assert_int_equal(sv.closer_len, 512);
        assert_int_equal(sv.nclosed, 512);
        assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_NORMAL), LLMJ_TOO_DEEP);
        /* 512 BEGIN_ARRAY events, nothing for the 513th */
        size_t begins = 0;
        for (size_t i = 0; i < f.log.n; i++)
            begins += f.log.v[i].type == LLMJ_EV_BEGIN_ARRAY;
        assert_int_equal(begins, 512);
        fed_close(&f);
    }
    /* the same through the reference */
    {
        ref_cfg rc;
        ref_cfg_default(&rc);
        ref_salv r;
        assert_int_equal(ref_salvage(s, 600, 0, 0, &rc, &r), 0);
        assert_int_equal(r.err_code, LLMJ_TOO_DEEP);
        assert_int_equal(r.err_offset, 512);
        assert_int_equal(r.k, 512);
        ref_salv_free(&r);
    }
    /* objects too: {"a": x 513 */
    {
        rbuf b = { 0 };
        for (int i = 0; i < 513; i++)
            rb_add(&b, "{\"a\":", 5);
        fed f;
        fed_open(&f, NULL);
        assert_int_equal(fed_feed(&f, b.d, b.n, 3), LLMJ_TOO_DEEP);
        assert_int_equal(llmj_tracker_error(f.t)->offset, 512 * 5);
        fed_close(&f);
        free(b.d);
    }

    /* max_depth raised to N: N levels open, then closed: complete */
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.max_depth = N;
    for (size_t piece = 0; piece <= 4096; piece += 4096) {
        fed f;
        fed_open(&f, &cfg);
        f.log.check_deep = N;
        assert_int_equal(fed_feed(&f, s, N, piece), LLMJ_OK);
        assert_int_equal(llmj_tracker_depth(f.t), N);
        llmj_salvage sv;
        assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
        assert_int_equal(sv.status, LLMJ_TEXT_TRUNCATED);
        assert_int_equal(sv.bytes_kept, N);
        assert_int_equal(sv.closer_len, N);
        assert_int_equal(sv.nclosed, N);
        for (size_t i = 0; i < N; i++) {
            assert_int_equal(sv.closer[i], ']');
            assert_int_equal(sv.closed_len[i], 2 * (N - 1 - i)); /* "/0" per level */
        }
        for (size_t i = 0; i < 2 * (N - 1); i += 2)
            assert_memory_equal(sv.closed_pointer + i, "/0", 2);
        assert_int_equal(f.log.deep_begins, N);
        /* one more level is too deep */
        assert_int_equal(llmj_tracker_feed(f.t, "[", 1), LLMJ_TOO_DEEP);
        assert_int_equal(llmj_tracker_error(f.t)->offset, N);
        assert_int_equal(f.log.deep_bad, 0);
        fed_close(&f);

        fed_open(&f, &cfg);
        f.log.check_deep = N;
        assert_int_equal(fed_feed(&f, s, N, piece), LLMJ_OK);
        assert_int_equal(fed_feed(&f, s + N + 1, N, piece), LLMJ_OK);
        assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_TRUNCATED), LLMJ_OK);
        assert_int_equal(f.log.deep_begins, N);
        assert_int_equal(f.log.deep_ends, N);
        assert_int_equal(f.log.deep_bad, 0);
        assert_int_equal(llmj_tracker_max_depth(f.t), N);
        assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_GREEDY, &sv), LLMJ_OK);
        assert_int_equal(sv.status, LLMJ_TEXT_COMPLETE);
        assert_int_equal(sv.bytes_kept, 2 * N);
        assert_int_equal(sv.closer_len, 0);
        fed_close(&f);
    }
    free(s);
}

static void test_huge_numbers(void **state)
{
    (void)state;
    rbuf b = { 0 };
    rb_add(&b, "[", 1);
    size_t start = b.n;
    rb_add(&b, "-", 1);
    for (int i = 0; i < 1000; i++)
        rb_addc(&b, (char)('1' + i % 9));
    rb_add(&b, ".5e-999999999999", 16);
    size_t numlen = b.n - start;
    rb_add(&b, ",", 1);
    size_t start2 = b.n;
    for (int i = 0; i < 1000; i++)
        rb_addc(&b, (char)('9' - i % 10));
    size_t numlen2 = b.n - start2;
    rb_add(&b, "]", 1);
    for (size_t piece = 0; piece <= 7; piece += 1) {
        fed f;
        fed_open(&f, NULL);
        assert_int_equal(fed_feed(&f, b.d, b.n, piece), LLMJ_OK);
        assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_TRUNCATED), LLMJ_OK);
        size_t seen = 0;
        for (size_t i = 0; i < f.log.n; i++) {
            if (f.log.v[i].type != LLMJ_EV_NUMBER)
                continue;
            if (seen == 0) {
                assert_int_equal(f.log.v[i].len, numlen);
                assert_memory_equal(f.log.v[i].text, b.d + start, numlen);
                assert_string_equal(f.log.v[i].ptr, "/0");
            } else {
                assert_int_equal(f.log.v[i].len, numlen2);
                assert_memory_equal(f.log.v[i].text, b.d + start2, numlen2);
                assert_string_equal(f.log.v[i].ptr, "/1");
            }
            seen++;
        }
        assert_int_equal(seen, 2);
        fed_close(&f);
    }
    /* a top-level 1000-digit integer: complete only when the text ended normally */
    for (int end = 0; end <= 1; end++) {
        fed f;
        fed_open(&f, NULL);
        assert_int_equal(fed_feed(&f, b.d + start2, numlen2, 1), LLMJ_OK);
        assert_null(last_event(&f.log, LLMJ_EV_NUMBER));
        assert_int_equal(llmj_tracker_finish(f.t, end ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED),
                         end ? LLMJ_OK : LLMJ_TRUNCATED);
        const evrec *num = last_event(&f.log, LLMJ_EV_NUMBER);
        if (end) {
            assert_non_null(num);
            assert_int_equal(num->len, numlen2);
            assert_memory_equal(num->text, b.d + start2, numlen2);
            assert_string_equal(num->ptr, "");
        } else {
            assert_null(num);
        }
        llmj_salvage sv;
        assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
        assert_int_equal(sv.bytes_kept, end ? numlen2 : 0);
        assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_GREEDY, &sv), LLMJ_OK);
        assert_int_equal(sv.bytes_kept, end ? numlen2 : 0); /* no partial number */
        fed_close(&f);
    }
    free(b.d);
}

/* Decoded string values, byte for byte. */
static void test_escapes_and_unicode(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *want;
        size_t want_len;
    } cases[] = {
        { "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t", 8 },
        { "[\"\\u0041\\u00e9\\u00E9\\u20ac\\uFFFF\"]", "A\xc3\xa9\xc3\xa9\xe2\x82\xac\xef\xbf\xbf", 11 },
        { "[\"a\\u0000b\"]", "a\0b", 3 },
        { "[\"\\u0000\"]", "\0", 1 },
        { "[\"\\ud83d\\ude00\\uD834\\uDD1E\\udbff\\udfff\\uD800\\uDC00\"]",
          "\xf0\x9f\x98\x80\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf\xf0\x90\x80\x80", 16 },
        { "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xee\x80\x80\"]",
          "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xee\x80\x80", 16 },
        { "[\"\x7f\"]", "\x7f", 1 },
        { "[\"\"]", "", 0 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        for (size_t piece = 0; piece <= 3; piece++) {
            fed f;
            fed_open(&f, NULL);
            assert_int_equal(fed_feed(&f, cases[c].json, strlen(cases[c].json), piece), LLMJ_OK);
            assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_TRUNCATED), LLMJ_OK);
            const evrec *e = last_event(&f.log, LLMJ_EV_STRING);
            assert_non_null(e);
            assert_int_equal(e->len, cases[c].want_len);
            assert_memory_equal(e->text, cases[c].want, cases[c].want_len);
            assert_string_equal(e->ptr, "/0");
            /* chunks concatenate to it */
            rbuf cat = { 0 };
            rb_add(&cat, "", 0);
            for (size_t i = 0; i < f.log.n; i++)
                if (f.log.v[i].type == LLMJ_EV_STRING_CHUNK)
                    rb_add(&cat, f.log.v[i].text, f.log.v[i].len);
            if (cat.n)
                assert_memory_equal(cat.d, cases[c].want, cases[c].want_len);
            free(cat.d);
            fed_close(&f);
        }
    }
    /* a key with \u0000 and / ~: KEY text and the pointer */
    const char *doc = "{\"a\\u0000/~b\":1}";
    fed f;
    fed_open(&f, NULL);
    assert_int_equal(fed_feed(&f, doc, strlen(doc), 1), LLMJ_OK);
    const evrec *k = last_event(&f.log, LLMJ_EV_KEY);
    assert_non_null(k);
    assert_int_equal(k->len, 5);
    assert_memory_equal(k->text, "a\0/~b", 5);
    assert_int_equal(k->plen, 8);
    assert_memory_equal(k->ptr, "/a\0~1~0b", 8);
    const evrec *num = last_event(&f.log, LLMJ_EV_NUMBER);
    assert_non_null(num);
    assert_int_equal(num->plen, 8);
    assert_memory_equal(num->ptr, "/a\0~1~0b", 8);
    fed_close(&f);
}

/* Invalid bytes: the error offset, hand-computed from docs/salvage.md's e, and
 * the same through the reference. */
static void test_invalid_bytes(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t n;
        uint64_t e;
    } cases[] = {
        /* overlongs */
        { "[\"\xc0\x80\"]", 6, 2 }, { "[\"\xc1\xbf\"]", 6, 2 }, { "[\"\xe0\x80\x80\"]", 7, 3 },
        { "[\"\xe0\x9f\xbf\"]", 7, 3 }, { "[\"\xf0\x80\x80\x80\"]", 8, 3 },
        { "[\"\xf0\x8f\xbf\xbf\"]", 8, 3 },
        /* surrogates encoded in UTF-8 */
        { "[\"\xed\xa0\x80\"]", 7, 3 }, { "[\"\xed\xbf\xbf\"]", 7, 3 },
        /* beyond U+10FFFF */
        { "[\"\xf4\x90\x80\x80\"]", 8, 3 }, { "[\"\xf5\x80\x80\x80\"]", 8, 2 },
        { "[\"\xff\"]", 5, 2 }, { "[\"\xfe\"]", 5, 2 },
        /* truncated sequences, stray continuation bytes */
        { "[\"\xe2\x82\"]", 6, 4 }, { "[\"\xf0\x9f\x98\"]", 7, 5 }, { "[\"\xc3\"]", 5, 3 },
        { "[\"\xc3x\"]", 6, 3 }, { "[\"\x80\"]", 5, 2 }, { "[\"a\xbf\"]", 6, 3 },
        { "[\"\xf0\x9f\x98\x80\x80\"]", 9, 6 },
        /* UTF-8 outside strings */
        { "[\xc3\xa9]", 4, 1 }, { "\xef\xbb\xbf{}", 5, 0 },
        /* control characters in strings, NUL in and out of strings */
        { "[\"a\x01\"]", 6, 3 }, { "[\"\x1f\"]", 5, 2 }, { "[\"\t\"]", 5, 2 },
        { "[\"\n\"]", 5, 2 }, { "[\"a\x00\"]", 6, 3 }, { "[1,\x00]", 5, 3 }, { "\x00", 1, 0 },
        { "{\"a\":1}\x00", 8, 7 },
        /* form feed and other non-whitespace */
        { "\f[]", 3, 0 }, { "[1,\f2]", 6, 3 }, { "[1\f]", 4, 2 }, { "{}\f", 3, 2 },
        { "[\v]", 3, 1 }, { "[1,\xa0 2]", 7, 3 },
        /* escapes */
        { "[\"\\a\"]", 6, 3 }, { "[\"\\x41\"]", 8, 3 }, { "[\"\\U0041\"]", 10, 3 },
        { "[\"\\u00G0\"]", 10, 6 }, { "[\"\\'\"]", 6, 3 },
        /* unpaired surrogate escapes: the first byte that makes pairing impossible */
        { "[\"\\uDC00\"]", 10, 5 }, { "[\"\\udfff\"]", 10, 5 }, { "[\"\\uD800x\"]", 11, 8 },
        { "[\"\\uD800\"]", 10, 8 }, { "[\"\\uD800\\n\"]", 12, 9 },
        { "[\"\\uD800\\u0041\"]", 16, 10 }, { "[\"\\uD800\\uD800\"]", 16, 11 },
        { "[\"\\uDBFF\\uE000\"]", 16, 10 }, { "[\"\\ud800\\udb00\"]", 16, 11 },
    };
    ref_cfg rc;
    ref_cfg_default(&rc);
    report rep = { 0 };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        ref_salv r;
        assert_int_equal(ref_salvage(cases[c].s, cases[c].n, 0, 1, &rc, &r), 0);
        rep.checks++;
        if (r.err_code != LLMJ_INVALID || r.err_offset != cases[c].e)
            mismatch(&rep, "invalid bytes", cases[c].s, cases[c].n,
                     "REFERENCE: error %d at %zu, expected INVALID at %llu", r.err_code,
                     r.err_offset, (unsigned long long)cases[c].e);
        ref_salv_free(&r);
        for (size_t piece = 0; piece <= 2; piece++) {
            fed f;
            fed_open(&f, NULL);
            llmj_status st = fed_feed(&f, cases[c].s, cases[c].n, piece);
            const llmj_error *e = llmj_tracker_error(f.t);
            rep.checks++;
            if (st != LLMJ_INVALID || e->code != LLMJ_INVALID || e->offset != cases[c].e ||
                !e->message || !e->message[0])
                mismatch(&rep, "invalid bytes", cases[c].s, cases[c].n,
                         "pieces of %zu: feed %s, error %d at %llu, expected INVALID at %llu",
                         piece, llmj_strerror(st), (int)e->code, (unsigned long long)e->offset,
                         (unsigned long long)cases[c].e);
            fed_close(&f);
        }
    }
    report_end(&rep, "invalid bytes");
}

static void test_max_token(void **state)
{
    (void)state;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.max_token = 15;
    llmj_tracker *t = (llmj_tracker *)&cfg;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_BAD_OPTION);
    assert_null(t);
    cfg.max_token = 16;
    ref_cfg rc;
    ref_cfg_default(&rc);
    rc.max_token = 16;
    static const char *cases[] = {
        "[\"12345678901234\"]",   /* a string token of 16 bytes: fits */
        "[\"123456789012345\"]",  /* 17: too long at its closing quote */
        "[\"\\u00e9\\u00e9\\u00e9\\u00e9\"]",
        "{\"12345678901234\":1}", "{\"123456789012345\":1}",
        "[1234567890123456]", "[12345678901234567]", "[-1234567890.12345]",
        "[-1234567890.123456]", "[1.234567890123e+10]", "1234567890123456",
        "12345678901234567", "[\"abc", "[true,false,null]",
    };
    report rep = { 0 };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const char *s = cases[c];
        size_t n = strlen(s);
        for (int end = 0; end <= 1; end++) {
            ref_salv r;
            assert_int_equal(ref_salvage(s, n, 0, end, &rc, &r), 0);
            for (size_t piece = 0; piece <= 3; piece++) {
                fed f;
                fed_open(&f, &cfg);
                fed_feed(&f, s, n, piece);
                llmj_tracker_finish(f.t, end ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
                llmj_salvage sv;
                assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
                rep.checks++;
                if ((int)sv.status != r.status || sv.bytes_kept != r.k ||
                    (int)sv.error.code != r.err_code ||
                    (r.err_code && sv.error.offset != r.err_offset))
                    mismatch(&rep, "max_token 16", s, n,
                             "pieces of %zu end=%d: %s k=%llu err %d@%llu; reference %s k=%zu err %d@%zu",
                             piece, end, llmj_text_status_name(sv.status),
                             (unsigned long long)sv.bytes_kept, (int)sv.error.code,
                             (unsigned long long)sv.error.offset,
                             llmj_text_status_name((llmj_text_status)r.status), r.k, r.err_code,
                             r.err_offset);
                fed_close(&f);
            }
            ref_salv_free(&r);
        }
    }
    report_end(&rep, "max_token");
    /* hand-checked: the 17-byte string fails at its closing quote (offset 17) */
    fed f;
    fed_open(&f, &cfg);
    assert_int_equal(fed_feed(&f, cases[1], strlen(cases[1]), 0), LLMJ_TOO_LONG);
    assert_int_equal(llmj_tracker_error(f.t)->offset, 17);
    fed_close(&f);
    fed_open(&f, &cfg);
    assert_int_equal(fed_feed(&f, cases[0], strlen(cases[0]), 1), LLMJ_OK);
    fed_close(&f);
}

/* Whitespace runaway: default 256, custom, 0 off; offset; salvage = that of
 * S[0:r+1]. */
static void check_ws_case(report *rep, const char *s, size_t n, const llmj_config *cfg,
                          const ref_cfg *rc, int expect_runaway, size_t expect_r,
                          const char *expect_R)
{
    for (size_t piece = 0; piece <= 64; piece = piece ? piece * 4 : 1) {
        fed f;
        fed_open(&f, cfg);
        f.log.stop_at = 0;
        llmj_status st = fed_feed(&f, s, n, piece);
        rep->checks++;
        if (expect_runaway) {
            if (st != LLMJ_RUNAWAY_WHITESPACE || llmj_tracker_runaway_offset(f.t) != expect_r)
                mismatch(rep, "whitespace runaway", s, n,
                         "pieces of %zu: feed %s, runaway at %lld; expected runaway at %zu",
                         piece, llmj_strerror(st), (long long)llmj_tracker_runaway_offset(f.t),
                         expect_r);
        } else if (st == LLMJ_RUNAWAY_WHITESPACE) {
            mismatch(rep, "whitespace runaway", s, n, "pieces of %zu: unexpected runaway", piece);
        }
        for (int g = 0; g <= 1; g++) {
            ref_salv r;
            assert_int_equal(ref_salvage(s, n, g, 0, rc, &r), 0);
            llmj_salvage sv;
            assert_int_equal(llmj_tracker_salvage(f.t, (llmj_salvage_mode)g, &sv), LLMJ_OK);
            rep->checks++;
            if ((int)sv.status != r.status || sv.bytes_kept != r.k ||
                sv.closer_len != r.closer_len || memcmp(sv.closer, r.closer, r.closer_len) ||
                (expect_runaway && (sv.runaway != LLMJ_RUNAWAY_WHITESPACE ||
                                    sv.runaway_offset != expect_r)))
                mismatch(rep, "whitespace runaway", s, n,
                         "pieces of %zu, mode %d: %s k=%llu closer %.*s; reference %s k=%zu %s",
                         piece, g, llmj_text_status_name(sv.status),
                         (unsigned long long)sv.bytes_kept, (int)sv.closer_len, sv.closer,
                         llmj_text_status_name((llmj_text_status)r.status), r.k, r.closer);
            if (expect_runaway && (r.status != LLMJ_TEXT_RUNAWAY || r.runaway_offset != expect_r))
                mismatch(rep, "whitespace runaway", s, n, "REFERENCE disagrees with the test");
            if (expect_R && g == 0) {
                char buf[4096];
                snprintf(buf, sizeof buf, "%.*s%s", (int)r.k, s, r.closer);
                if (strcmp(buf, expect_R) != 0)
                    mismatch(rep, "whitespace runaway", s, n,
                             "REFERENCE R \"%s\", expected \"%s\"", buf, expect_R);
            }
            ref_salv_free(&r);
        }
        fed_close(&f);
    }
}

static void test_whitespace_runaway(void **state)
{
    (void)state;
    report rep = { 0 };
    llmj_config cfg;
    ref_cfg rc;
    default_cfgs(&cfg, &rc);
    rbuf b = { 0 };
#define WS_DOC(prefix, nsp, wsch, suffix)                 \
    do {                                                  \
        b.n = 0;                                          \
        rb_add(&b, prefix, strlen(prefix));               \
        for (size_t i_ = 0; i_ < (nsp); i_++)             \
            rb_addc(&b, (wsch)[i_ % strlen(wsch)]);       \
        rb_add(&b, suffix, strlen(suffix));               \
    } while (0)

    WS_DOC("{\"a\":1", 300, " ", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 6, "{\"a\":1}");
    /* at depth 1 the limit is 256 + 8 */
    WS_DOC("{\"a\":1", 264, " \t\r\n", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 6, "{\"a\":1}");
    WS_DOC("{\"a\":1", 263, " \t\r\n", "}");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, b.d); /* complete: R = S */
    WS_DOC("", 256, "\n", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 0, "");
    WS_DOC("12", 300, " ", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 2, "12");
    WS_DOC("{\"a\":[]}", 400, "\n", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 8, "{\"a\":[]}");
    WS_DOC("{\"a\":1,", 300, " ", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 7, "{\"a\":1}");
    WS_DOC("{\"a\":", 300, " ", "");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 5, "{}");
    WS_DOC("[1x", 300, " ", ""); /* the error came first */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, "[]");
    WS_DOC("tr", 300, " ", ""); /* the first space is the error */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, "");
    WS_DOC("[\"", 1000, " ", "\"]"); /* inside a string: not a runaway */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, NULL);
    /* runs broken by tokens do not add up */
    b.n = 0;
    rb_addc(&b, '[');
    for (int i = 0; i < 20; i++) {
        for (int j = 0; j < 200; j++)
            rb_addc(&b, ' ');
        rb_add(&b, "1,", 2);
    }
    rb_add(&b, "2]", 2);
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, NULL);

    /* the allowance grows with the depth at the run's first byte */
    WS_DOC("[[[[[[[[[[", 336, " ", "]]]]]]]]]]"); /* d = 10: 256 + 80 */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 10, "[[[[[[[[[[]]]]]]]]]]");
    WS_DOC("[[[[[[[[[[", 335, " ", "]]]]]]]]]]");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, b.d);
    WS_DOC("[[[[[[[[[[]]]]]]]]]]", 256, " ", ""); /* after the value: d = 0 */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 20, "[[[[[[[[[[]]]]]]]]]]");
    WS_DOC("[[[[[[[[[[]]]]]]]]]", 264, " ", "]"); /* before the last ']': d = 1 */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 19, "[[[[[[[[[[]]]]]]]]]]");
    WS_DOC("[[[[[[[[[[]]]]]]]]]", 263, " ", "]");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, b.d);

    /* custom limit 10, indent 8 then 0 then 3 */
    cfg.whitespace_limit = rc.whitespace_limit = 10;
    WS_DOC("[1, 2,", 18, "\t", "3]");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 6, "[1, 2]");
    WS_DOC("[1, 2,", 17, "\t", "3]");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, b.d);
    cfg.whitespace_indent = rc.whitespace_indent = 0;
    WS_DOC("[1, 2,", 10, "\t", "3]");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 6, "[1, 2]");
    WS_DOC("[1, 2,", 9, "\t", "3]");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, "[1, 2,\t\t\t\t\t\t\t\t\t3]");
    cfg.whitespace_indent = rc.whitespace_indent = 3;
    WS_DOC("{\"a\":[[", 19, "\n", "]]}"); /* d = 3: 10 + 9 */
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 1, 7, "{\"a\":[[]]}");
    WS_DOC("{\"a\":[[", 18, "\n", "]]}");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, b.d);
    /* 0 disables */
    cfg.whitespace_limit = rc.whitespace_limit = 0;
    WS_DOC("{\"a\":1", 100000, " \n", "}");
    check_ws_case(&rep, b.d, b.n, &cfg, &rc, 0, 0, NULL);
    free(b.d);
    report_end(&rep, "whitespace runaway");
#undef WS_DOC
}

/* ---- repetition runaway ---------------------------------------------------------- */

/* Independent: the longest run ending at or before each byte in which
 * S[q] == S[q-u] for some u in 1..64, as "unit + repeats" length; returns the
 * offset of the first byte at which some run reaches `limit` bytes (SIZE_MAX
 * if none), and its start in *start. */
static size_t brute_repeat(const unsigned char *s, size_t n, size_t limit, size_t *start)
{
    size_t best = SIZE_MAX;
    for (size_t u = 1; u <= 64; u++) {
        size_t run = 0; /* consecutive q with s[q] == s[q-u] */
        for (size_t q = u; q < n && q < best; q++) {
            if (s[q] == s[q - u])
                run++;
            else
                run = 0;
            if (run + u >= limit) {
                if (q < best) {
                    best = q;
                    *start = q + 1 - run - u;
                }
                break;
            }
        }
    }
    return best;
}

/* A unit of u bytes whose smallest period is u. */
static void make_unit(ref_rng *r, size_t u, char *out, int in_string)
{
    static const char in_str[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789.,!?-";
    for (;;) {
        for (size_t i = 0; i < u; i++)
            out[i] = in_str[ref_randn(r, sizeof in_str - 1)];
        (void)in_string;
        int periodic = 0;
        for (size_t p = 1; p < u && !periodic; p++) {
            if (u % p)
                continue;
            periodic = 1;
            for (size_t i = p; i < u; i++)
                if (out[i] != out[i - p]) {
                    periodic = 0;
                    break;
                }
        }
        if (!periodic)
            return;
    }
}

static void test_repeat_runaway(void **state)
{
    (void)state;
    report rep = { 0 };
    llmj_config cfg;
    llmj_config_init(&cfg);
    /* option range */
    llmj_tracker *t = NULL;
    cfg.repeat_limit = 127;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_BAD_OPTION);
    assert_null(t);

    ref_rng r = { 4242 };
    rbuf b = { 0 };
    static const size_t limits[] = { 128, 300, 1000 };
    for (size_t li = 0; li < 3; li++) {
        size_t limit = limits[li];
        cfg.repeat_limit = limit;
        for (size_t u = 1; u <= 64; u++) {
            char unit[64];
            for (int where = 0; where < 2; where++) {
                b.n = 0;
                size_t run0;
                if (where == 0) { /* inside a string value */
                    make_unit(&r, u, unit, 1);
                    rb_add(&b, "{\"text\":\"The answer is: ", strlen("{\"text\":\"The answer is: "));
                    run0 = b.n;
                    while (b.n - run0 < limit + 400)
                        rb_add(&b, unit, u);
                    rb_add(&b, "\"}", 2);
                } else { /* structure: array elements */
                    rb_add(&b, "[\"x\",", 5);
                    run0 = b.n;
                    char el[80];
                    size_t el_len = u >= 3 ? u : 2;
                    if (u >= 3) {
                        make_unit(&r, u - 3, el + 1, 1);
                        el[0] = '"';
                        el[u - 2] = '"';
                        el[u - 1] = ',';
                    } else {
                        memcpy(el, "1,", 2); /* unit "1," (u = 1 not possible here) */
                    }
                    while (b.n - run0 < limit + 400)
                        rb_add(&b, el, el_len);
                    rb_add(&b, "0]", 2);
                    if (u < 3 && u != 2)
                        continue;
                }
                size_t start = 0;
                size_t q = brute_repeat((const unsigned char *)b.d, b.n, limit, &start);
                rep.checks++;
                if (q == SIZE_MAX) {
                    mismatch(&rep, "repeat", b.d, b.n, "test error: no repetition built");
                    continue;
                }
                for (size_t piece = 0; piece <= 13; piece += 13) {
                    fed f;
                    fed_open(&f, &cfg);
                    llmj_status st = fed_feed(&f, b.d, b.n, piece);
                    uint64_t taken = llmj_tracker_bytes(f.t);
                    uint64_t at = llmj_tracker_runaway_offset(f.t);
                    rep.checks++;
                    if (st != LLMJ_RUNAWAY_REPEAT)
                        mismatch(&rep, "repeat", b.d, b.n,
                                 "limit %zu unit %zu %s pieces %zu: feed %s, expected RUNAWAY_REPEAT",
                                 limit, u, where ? "structure" : "string", piece,
                                 llmj_strerror(st));
                    else if (at != start || taken < start + limit ||
                             taken > start + limit + 64 + 2 * 32 + u)
                        mismatch(&rep, "repeat", b.d, b.n,
                                 "limit %zu unit %zu %s pieces %zu: runaway at %llu after %llu "
                                 "bytes; the run starts at %zu and reaches the limit at byte %zu",
                                 limit, u, where ? "structure" : "string", piece,
                                 (unsigned long long)at, (unsigned long long)taken, start, q);
                    else if (limit == 1000 && taken != q + 1)
                        mismatch(&rep, "repeat", b.d, b.n,
                                 "limit %zu unit %zu %s pieces %zu: stopped after %llu bytes, "
                                 "the run reaches the limit at byte %zu",
                                 limit, u, where ? "structure" : "string", piece,
                                 (unsigned long long)taken, q);
                    llmj_salvage sv;
                    const char *rr;
                    size_t rl;
                    (void)rr;
                    (void)rl;
                    assert_int_equal(llmj_tracker_salvage(f.t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
                    rep.checks++;
                    if (st == LLMJ_RUNAWAY_REPEAT &&
                        (sv.status != LLMJ_TEXT_RUNAWAY || sv.runaway != LLMJ_RUNAWAY_REPEAT ||
                         sv.runaway_offset != at || sv.bytes_kept > taken))
                        mismatch(&rep, "repeat", b.d, b.n,
                                 "unit %zu: salvage %s runaway %d at %llu kept %llu",
                                 u, llmj_text_status_name(sv.status), (int)sv.runaway,
                                 (unsigned long long)sv.runaway_offset,
                                 (unsigned long long)sv.bytes_kept);
                    /* and R is valid JSON */
                    rbuf rr2 = { 0 };
                    rb_add(&rr2, b.d, (size_t)sv.bytes_kept);
                    rb_add(&rr2, sv.closer, sv.closer_len);
                    if (rr2.n && !ref_is_json(rr2.d, rr2.n))
                        mismatch(&rep, "repeat", b.d, b.n, "unit %zu: R is not valid JSON", u);
                    free(rr2.d);
                    fed_close(&f);
                }
                /* any split: the same events, stop and salvage */
                if (u == 1 || u == 7 || u == 64)
                    invariance_doc(&rep, "repeat", b.d, b.n, &cfg, NULL);
            }
        }
    }

    /* not triggered by normal text: every generated and corpus document
     * whose longest periodic run is clearly below the limit */
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    ref_docs_corpus(&d, tu_root());
    for (size_t i = 0; i < 4; i++) {
        ref_rng rr = { 99 + i };
        b.n = 0;
        ref_gen_llm_object(&rr, &b, 20000);
        ref_docs_add(&d, "llm-20k", b.d, b.n);
    }
    cfg.repeat_limit = 128;
    size_t quiet = 0, loud = 0;
    for (size_t i = 0; i < d.n; i++) {
        size_t start;
        size_t q = brute_repeat((const unsigned char *)d.v[i].data, d.v[i].len, 128, &start);
        size_t q2 = brute_repeat((const unsigned char *)d.v[i].data, d.v[i].len, 128 + 200, &start);
        fed f;
        fed_open(&f, &cfg);
        llmj_status st = fed_feed(&f, d.v[i].data, d.v[i].len, 0);
        rep.checks++;
        if (q == SIZE_MAX) {
            quiet++;
            if (st == LLMJ_RUNAWAY_REPEAT)
                mismatch(&rep, d.v[i].name, d.v[i].data, d.v[i].len,
                         "repetition runaway on a text with no periodic run of 128 bytes (at %llu)",
                         (unsigned long long)llmj_tracker_runaway_offset(f.t));
        } else if (q2 != SIZE_MAX) {
            loud++;
            if (st != LLMJ_RUNAWAY_REPEAT && st == LLMJ_OK)
                mismatch(&rep, d.v[i].name, d.v[i].data, d.v[i].len,
                         "no repetition runaway, but a periodic run reaches 328 bytes at %zu", q2);
        }
        fed_close(&f);
    }
    fprintf(stderr, "repeat_limit 128: %zu documents without repetition, %zu with\n", quiet, loud);
    assert_true(quiet > 50);
    ref_docs_free(&d);

    /* cost: time per byte on a long string, unit 1 vs unit 64 vs no repetition
     * (the limit is out of reach, so the detector keeps following) */
    size_t len = (size_t)4 << 20;
    char *big = ref_xrealloc(NULL, len + 16);
    const char *labels[] = { "no repetition", "unit 1", "unit 64", "off (repeat_limit 0)" };
    for (int kind = 0; kind < 4; kind++) {
        char unit[64];
        make_unit(&r, kind == 2 ? 64 : 1, unit, 1);
        big[0] = '"';
        ref_rng rr = { 5 };
        for (size_t i = 1; i < len; i++)
            big[i] = kind == 0 || kind == 3 ? (char)('a' + ref_randn(&rr, 26))
                                            : unit[(i - 1) % (kind == 2 ? 64 : 1)];
        llmj_config c2;
        llmj_config_init(&c2);
        c2.repeat_limit = kind == 3 ? 0 : (size_t)1 << 40;
        c2.string_chunks = 0;
        fed f;
        fed_open(&f, &c2);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(fed_feed(&f, big, len, 4096), LLMJ_OK);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
        fprintf(stderr, "repetition detector cost, %-22s %.2f ns/byte\n", labels[kind],
                ns / (double)len);
        fed_close(&f);
    }
    free(big);
    free(b.d);
    report_end(&rep, "repetition runaway");
}

/* ---- callback stop ------------------------------------------------------------------- */

static void test_callback_stop(void **state)
{
    (void)state;
    report rep = { 0 };
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    llmj_config cfg;
    llmj_config_init(&cfg);
    static const size_t which[] = { 0, 4, 5, 6, 28, 52 }; /* a few documents */
    for (size_t w = 0; w < sizeof which / sizeof *which; w++) {
        const ref_doc *doc = &d.v[which[w] < d.n ? which[w] : 0];
        for (size_t piece = 0; piece <= 1; piece++) {
            plan p = { piece, 0 };
            run_out full;
            run_doc(doc->data, doc->len, &cfg, &p, 0, 0, &full);
            size_t total = full.raw.calls;
            for (size_t stop = 1; stop <= total; stop++) {
                run_out o;
                run_doc(doc->data, doc->len, &cfg, &p, 0, stop, &o);
                rep.checks++;
                if (o.raw.calls != stop || o.first_bad != LLMJ_ABORTED || o.fin != LLMJ_ABORTED ||
                    o.late_events)
                    mismatch(&rep, doc->name, doc->data, doc->len,
                             "stop at event %zu (pieces of %zu): %zu calls, feed %s, finish %s",
                             stop, piece, o.raw.calls, llmj_strerror(o.first_bad),
                             llmj_strerror(o.fin));
                for (size_t i = 0; i < o.raw.n && i < full.raw.n; i++)
                    if (!same_event(&o.raw.v[i], &full.raw.v[i])) {
                        mismatch(&rep, doc->name, doc->data, doc->len,
                                 "stop at %zu: event %zu differs from the unstopped run", stop, i);
                        break;
                    }
                run_free(&o);
            }
            run_free(&full);
        }
    }
    ref_docs_free(&d);
    report_end(&rep, "callback stop");
}

/* ---- allocation failures ------------------------------------------------------------------- */

static void test_alloc_failures(void **state)
{
    (void)state;
    report rep = { 0 };
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    ref_cfg rc;
    ref_cfg_default(&rc);

    /* llmj_tracker_new: every allocation in turn */
    for (size_t nth = 1;; nth++) {
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        ta.fail_at = nth;
        llmj_config cfg;
        llmj_config_init(&cfg);
        cfg.alloc = tu_allocator(&ta);
        cfg.keep_text = 1;
        cfg.repeat_limit = 128;
        llmj_tracker *t = (llmj_tracker *)&ta;
        llmj_status st = llmj_tracker_new(&t, &cfg, NULL, NULL);
        if (ta.failed && st == LLMJ_OK) {
            /* a refused allocation of yajl's: served by the fallback */
            assert_int_equal(llmj_tracker_feed(t, "{\"a\":[1]}", 9), LLMJ_OK);
            assert_int_equal(llmj_tracker_finish(t, LLMJ_END_NORMAL), LLMJ_OK);
            llmj_tracker_free(t);
            assert_int_equal(ta.live, 0);
            continue;
        }
        if (ta.failed == 0) {
            assert_int_equal(st, LLMJ_OK);
            llmj_tracker_free(t);
            assert_int_equal(ta.live, 0);
            fprintf(stderr, "llmj_tracker_new: %zu allocations swept\n", nth - 1);
            break;
        }
        assert_int_equal(st, LLMJ_NOMEM);
        assert_null(t);
        assert_int_equal(ta.live, 0);
    }

    /* feed, salvage, repair: fail the nth allocation after creation */
    static const size_t which[] = { 0, 3, 4, 5, 26, 27, 52 };
    size_t swept = 0, yajl_fallbacks = 0;
    for (size_t w = 0; w < sizeof which / sizeof *which; w++) {
        const ref_doc *doc = &d.v[which[w] < d.n ? which[w] : 0];
        for (size_t piece = 0; piece <= 7; piece += 7) {
            plan p = { piece, 0 };
            llmj_config cfg;
            llmj_config_init(&cfg);
            run_out good;
            run_doc(doc->data, doc->len, &cfg, &p, 0, 0, &good);
            evlog ngood;
            normalize(&rep, doc->name, &good.raw, &ngood);
            for (size_t nth = 1;; nth++) {
                tu_alloc ta;
                memset(&ta, 0, sizeof ta);
                llmj_config c2 = cfg;
                c2.alloc = tu_allocator(&ta);
                c2.keep_text = 1;
                evlog log = { 0 };
                llmj_tracker *t = NULL;
                assert_int_equal(llmj_tracker_new(&t, &c2, on_event, &log), LLMJ_OK);
                ta.fail_at = ta.total + nth;
                llmj_status st = LLMJ_OK;
                size_t off = 0;
                while (off < doc->len && st == LLMJ_OK) {
                    size_t k = piece && piece < doc->len - off ? piece : doc->len - off;
                    st = llmj_tracker_feed(t, doc->data + off, k);
                    off += k;
                }
                const char *rtext = NULL;
                size_t rlen = 0;
                llmj_status rs = LLMJ_OK;
                if (st == LLMJ_OK)
                    rs = llmj_tracker_repair(t, LLMJ_SALVAGE_GREEDY, NULL, &rtext, &rlen);
                if (ta.failed == 0) {
                    llmj_tracker_free(t);
                    log_free(&log);
                    assert_int_equal(ta.live, 0);
                    swept += nth - 1;
                    break;
                }
                ta.fail_at = 0;
                rep.checks++;
                if (st == LLMJ_NOMEM) {
                    /* sticky; consistent at llmj_tracker_bytes(); salvage works */
                    uint64_t at = llmj_tracker_bytes(t);
                    if (llmj_tracker_feed(t, "1", 1) != LLMJ_NOMEM)
                        mismatch(&rep, doc->name, NULL, 0, "NOMEM did not stick");
                    for (int g = 0; g <= 1; g++) {
                        llmj_salvage sv;
                        ref_salv r;
                        assert_int_equal(ref_salvage(doc->data, (size_t)at, g, 0, &rc, &r), 0);
                        if (llmj_tracker_salvage(t, (llmj_salvage_mode)g, &sv) != LLMJ_OK ||
                            (int)sv.status != r.status || sv.bytes_kept != r.k ||
                            sv.closer_len != r.closer_len ||
                            memcmp(sv.closer, r.closer, r.closer_len) != 0)
                            mismatch(&rep, doc->name, doc->data, (size_t)at,
                                     "after NOMEM (allocation %zu, pieces of %zu) at byte %llu: "
                                     "salvage %s k=%llu, expected %s k=%zu", nth, piece,
                                     (unsigned long long)at, llmj_text_status_name(sv.status),
                                     (unsigned long long)sv.bytes_kept,
                                     llmj_text_status_name((llmj_text_status)r.status), r.k);
                        ref_salv_free(&r);
                    }
                    /* events so far: a prefix of the unfailed run's */
                    evlog nl;
                    normalize(&rep, doc->name, &log, &nl);
                    for (size_t i = 0; i < nl.n; i++) {
                        if (nl.v[i].type == LLMJ_EV_STRING_CHUNK)
                            continue;
                        if (i >= ngood.n || !same_event(&nl.v[i], &ngood.v[i])) {
                            mismatch(&rep, doc->name, NULL, 0,
                                     "after NOMEM: event %zu not as in the unfailed run", i);
                            break;
                        }
                    }
                    log_free(&nl);
                } else if (rs == LLMJ_NOMEM) {
                    rs = llmj_tracker_repair(t, LLMJ_SALVAGE_GREEDY, NULL, &rtext, &rlen);
                    if (rs != LLMJ_OK)
                        mismatch(&rep, doc->name, NULL, 0, "repair after NOMEM: %s",
                                 llmj_strerror(rs));
                } else if (st == LLMJ_OK && rs == LLMJ_OK) {
                    /* a refused allocation of yajl's: the tracker falls back to
                     * the C library's malloc for yajl (yajl cannot take NULL);
                     * the result must be the unfailed one */
                    yajl_fallbacks++;
                    tu_buf sum = { 0 };
                    llmj_tracker_finish(t, LLMJ_END_TRUNCATED);
                    salvage_summary(t, &sum);
                    if (sum.len != good.summary.len ||
                        memcmp(sum.data, good.summary.data, sum.len) != 0)
                        mismatch(&rep, doc->name, doc->data, doc->len,
                                 "allocation %zu refused (yajl): result %s, unfailed %s", nth,
                                 sum.data, good.summary.data);
                    tu_buf_free(&sum);
                } else {
                    mismatch(&rep, doc->name, NULL, 0,
                             "allocation %zu failed, but feed gave %s and repair %s", nth,
                             llmj_strerror(st), llmj_strerror(rs));
                }
                /* after reset: the unfailed result */
                log_free(&log);
                assert_int_equal(llmj_tracker_reset(t), LLMJ_OK);
                off = 0;
                st = LLMJ_OK;
                while (off < doc->len) {
                    size_t k = piece && piece < doc->len - off ? piece : doc->len - off;
                    st = llmj_tracker_feed(t, doc->data + off, k);
                    off += k;
                }
                llmj_tracker_finish(t, LLMJ_END_TRUNCATED);
                tu_buf sum = { 0 };
                salvage_summary(t, &sum);
                evlog nl;
                normalize(&rep, doc->name, &log, &nl);
                rep.checks++;
                if (st != good.first_bad || sum.len != good.summary.len ||
                    memcmp(sum.data, good.summary.data, sum.len) != 0 || nl.n != ngood.n)
                    mismatch(&rep, doc->name, doc->data, doc->len,
                             "after NOMEM at allocation %zu and reset: %s / %s, unfailed: %s / %s",
                             nth, llmj_strerror(st), sum.data, llmj_strerror(good.first_bad),
                             good.summary.data);
                for (size_t i = 0; i < nl.n && i < ngood.n; i++)
                    if (!same_event(&nl.v[i], &ngood.v[i])) {
                        mismatch(&rep, doc->name, NULL, 0,
                                 "after NOMEM and reset: event %zu differs", i);
                        break;
                    }
                log_free(&nl);
                tu_buf_free(&sum);
                llmj_tracker_free(t);
                log_free(&log);
                assert_int_equal(ta.live, 0);
            }
            log_free(&ngood);
            run_free(&good);
        }
    }
    fprintf(stderr, "feed/salvage/repair: %zu failing allocations swept (%zu of them yajl's, "
                    "served by the fallback)\n", swept, yajl_fallbacks);
    ref_docs_free(&d);
    report_end(&rep, "allocation failures");
}

/* ---- API edges ------------------------------------------------------------------------ */

static void test_api_edges(void **state)
{
    (void)state;
    llmj_config cfg;
    llmj_config_init(&cfg);
    assert_int_equal(llmj_tracker_new(NULL, &cfg, NULL, NULL), LLMJ_MISUSE);
    llmj_tracker *t = (llmj_tracker *)&cfg;
    cfg.max_depth = 0;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_BAD_OPTION);
    assert_null(t);
    llmj_config_init(&cfg);
    assert_int_equal(cfg.max_depth, 512);
    assert_int_equal(cfg.whitespace_limit, 256);
    assert_int_equal(cfg.repeat_limit, 0);
    assert_int_equal(cfg.string_chunks, 1);
    assert_int_equal(cfg.keep_text, 0);
    assert_int_equal(llmj_tracker_feed(NULL, "x", 1), LLMJ_MISUSE);
    assert_int_equal(llmj_tracker_finish(NULL, LLMJ_END_NORMAL), LLMJ_MISUSE);
    llmj_tracker_free(NULL);

    fed f;
    fed_open(&f, NULL);
    assert_int_equal(llmj_tracker_feed(f.t, NULL, 1), LLMJ_MISUSE);
    assert_int_equal(llmj_tracker_feed(f.t, NULL, 0), LLMJ_OK);
    assert_int_equal(llmj_tracker_feed(f.t, "[[{\"a\":", 7), LLMJ_OK);
    assert_int_equal(llmj_tracker_depth(f.t), 3);
    assert_int_equal(llmj_tracker_max_depth(f.t), 3);
    assert_int_equal(llmj_tracker_bytes(f.t), 7);
    assert_int_equal(llmj_tracker_runaway_offset(f.t), UINT64_MAX);
    assert_int_equal(llmj_tracker_status(f.t), LLMJ_OK);
    size_t len = 99;
    assert_null(llmj_tracker_text(f.t, &len)); /* no keep_text */
    const char *r;
    assert_int_equal(llmj_tracker_repair(f.t, LLMJ_SALVAGE_LOSSLESS, NULL, &r, &len), LLMJ_MISUSE);
    assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_NORMAL), LLMJ_TRUNCATED);
    assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_NORMAL), LLMJ_MISUSE);
    assert_int_equal(llmj_tracker_feed(f.t, "1", 1), LLMJ_MISUSE);
    /* reset: a new text, same callback */
    assert_int_equal(llmj_tracker_reset(f.t), LLMJ_OK);
    log_free(&f.log);
    assert_int_equal(llmj_tracker_feed(f.t, "{\"b\":true}", 10), LLMJ_OK);
    assert_int_equal(llmj_tracker_finish(f.t, LLMJ_END_TRUNCATED), LLMJ_OK);
    assert_int_equal(f.log.n, 4);
    assert_int_equal(f.log.v[2].type, LLMJ_EV_TRUE);
    assert_string_equal(f.log.v[2].ptr, "/b");
    fed_close(&f);

    llmj_config_init(&cfg);
    cfg.keep_text = 1;
    fed_open(&f, &cfg);
    assert_int_equal(llmj_tracker_feed(f.t, "[1, 2", 5), LLMJ_OK);
    const char *txt = llmj_tracker_text(f.t, &len);
    assert_non_null(txt);
    assert_int_equal(len, 5);
    assert_memory_equal(txt, "[1, 2", 5);
    assert_int_equal(llmj_tracker_repair(f.t, LLMJ_SALVAGE_GREEDY, NULL, &r, &len), LLMJ_OK);
    assert_string_equal(r, "[1]"); /* greedy keeps no partial number */
    assert_int_equal(llmj_tracker_repair(f.t, LLMJ_SALVAGE_LOSSLESS, NULL, &r, &len), LLMJ_OK);
    assert_string_equal(r, "[1]");
    fed_close(&f);

    assert_string_equal(llmj_text_status_name(LLMJ_TEXT_COMPLETE), "complete");
    assert_string_equal(llmj_text_status_name(LLMJ_TEXT_TRUNCATED), "truncated");
    assert_string_equal(llmj_text_status_name(LLMJ_TEXT_INVALID), "invalid");
    assert_string_equal(llmj_text_status_name(LLMJ_TEXT_EMPTY), "empty");
    assert_string_equal(llmj_text_status_name(LLMJ_TEXT_RUNAWAY), "runaway");
    assert_string_equal(llmj_event_type_name(LLMJ_EV_BEGIN_OBJECT), "begin_object");
    assert_string_equal(llmj_event_type_name(LLMJ_EV_STRING_CHUNK), "string_chunk");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]); /* e.g. "test_deep*" */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_edges),
        cmocka_unit_test(test_escapes_and_unicode),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_max_token),
        cmocka_unit_test(test_whitespace_runaway),
        cmocka_unit_test(test_repeat_runaway),
        cmocka_unit_test(test_callback_stop),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_invariance_generated),
        cmocka_unit_test(test_invariance_corpus),
        cmocka_unit_test(test_invariance_corrupted),
        cmocka_unit_test(test_invariance_small_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
