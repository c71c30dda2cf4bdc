/* The picker: one yajl push parser per decoder, shared by the events of a
 * feed and dropped between feeds (llmj__pk_rest), whose callbacks report
 * every value of one event's JSON with its path (no DOM); path queries,
 * integers, the last error's message. See pick.h. */
#include "pick.h"

#include <stdio.h>
#include <string.h>

/* ---- yajl callbacks -------------------------------------------------------- */

static int pk_call(llmj__pk *p, llmj__pk_type type, const char *s, size_t n, int b)
{
    llmj__pk_val v;
    v.type = type;
    v.ptr = s;
    v.len = n;
    v.boolean = b;
    llmj_status st = p->fn(p->ctx, p, &v);
    if (st != LLMJ_OK) {
        p->st = st;
        return 0;
    }
    return 1;
}

/* Before any value: count top-level values, advance the array index. */
static int pk_before(llmj__pk *p)
{
    if (p->depth == 0) {
        p->end = yajl_get_bytes_consumed(p->y.h); /* after a top-level scalar */
        if (p->values++ > 0) {
            p->st = llmj__pk_bad(p, "more than one JSON value in the event");
            return 0;
        }
    } else if (p->depth <= LLMJ__PK_LEVELS) {
        llmj__pk_seg *g = &p->seg[p->depth - 1];
        if (g->is_array)
            g->index++;
    }
    return 1;
}

static int pk_open(llmj__pk *p, int is_array)
{
    if (!pk_before(p))
        return 0;
    if (p->depth + 1 > p->max_depth) {
        p->st = llmj__pk_bad(p, "event JSON nested deeper than max_depth");
        return 0;
    }
    if (!pk_call(p, is_array ? LLMJ__PK_ARRAY : LLMJ__PK_MAP, NULL, 0, 0))
        return 0;
    if (p->depth < LLMJ__PK_LEVELS) {
        llmj__pk_seg *g = &p->seg[p->depth];
        g->index = -1;
        g->is_array = (unsigned char)is_array;
        g->key_len = 0;
        g->kid = 0;
        g->kp = g->key;
    }
    p->depth++;
    return 1;
}

static int pk_close(llmj__pk *p, int is_array)
{
    p->depth--;
    if (p->depth == 0)
        p->end = yajl_get_bytes_consumed(p->y.h); /* after the top-level value */
    return pk_call(p, is_array ? LLMJ__PK_END_ARRAY : LLMJ__PK_END_MAP, NULL, 0, 0);
}

static int y_null(void *ctx)
{
    llmj__pk *p = ctx;
    return pk_before(p) && pk_call(p, LLMJ__PK_NULL, NULL, 0, 0);
}

static int y_bool(void *ctx, int b)
{
    llmj__pk *p = ctx;
    return pk_before(p) && pk_call(p, LLMJ__PK_BOOL, NULL, 0, b != 0);
}

static int y_number(void *ctx, const char *s, size_t n)
{
    llmj__pk *p = ctx;
    return pk_before(p) && pk_call(p, LLMJ__PK_NUMBER, s, n, 0);
}

static int y_string(void *ctx, const unsigned char *s, size_t n)
{
    llmj__pk *p = ctx;
    return pk_before(p) && pk_call(p, LLMJ__PK_STRING, (const char *)s, n, 0);
}

static int y_start_map(void *ctx)
{
    return pk_open(ctx, 0);
}

static int y_end_map(void *ctx)
{
    return pk_close(ctx, 0);
}

static int y_start_array(void *ctx)
{
    return pk_open(ctx, 1);
}

static int y_end_array(void *ctx)
{
    return pk_close(ctx, 1);
}

static int y_map_key(void *ctx, const unsigned char *k, size_t n)
{
    llmj__pk *p = ctx;
    if (p->depth >= 1 && p->depth <= LLMJ__PK_LEVELS) {
        llmj__pk_seg *g = &p->seg[p->depth - 1];
        if (n <= LLMJ__PK_KEYMAX) {
            const char *ks = (const char *)k;
            uintptr_t d0 = (uintptr_t)p->data, s = (uintptr_t)ks;
            /* A key without escapes comes straight from the event's data,
             * which outlives the parse: point at it instead of copying. */
            if (s >= d0 && s - d0 <= p->data_len && n <= p->data_len - (s - d0)) {
                g->kp = ks;
            } else {
                if (n)
                    memcpy(g->key, k, n);
                g->kp = g->key;
            }
            g->key_len = (unsigned char)n;
            g->kid = (unsigned char)llmj__pk_kid_of(p, g->kp, n);
        } else {
            g->key_len = LLMJ__PK_KEYMAX + 1;
            g->kid = 0;
            g->kp = g->key;
        }
    }
    return 1;
}

static const yajl_callbacks pk_callbacks = {
    y_null, y_bool, NULL, NULL, y_number, y_string,
    y_start_map, y_map_key, y_end_map, y_start_array, y_end_array
};

/* ---- the picker ------------------------------------------------------------ */

llmj_status llmj__pk_init(llmj__pk *p, const llmj_allocator *a, const llmj_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->a = *a;
    p->max_depth = (cfg && cfg->max_depth) ? cfg->max_depth : 512;
    llmj__yj_init(&p->y, a);
    p->st = LLMJ_OK;
    /* The yajl handle is made on first use (and again after an error). */
    return LLMJ_OK;
}

void llmj__pk_rest(llmj__pk *p)
{
    llmj__yj_drop(&p->y);
    llmj__buf_free(&p->arena, &p->a);
    llmj__free(&p->a, p->recs);
    p->recs = NULL;
    p->nrec = p->caprec = 0;
}

/* The event's own memory (arena and records, empty when an event begins)
 * that a long event made grow is given back before the next one. */
#define PK_ARENA_KEEP ((size_t)4096)
#define PK_RECS_KEEP ((size_t)64)

static void pk_trim(llmj__pk *p)
{
    if (p->arena.cap > 4 * PK_ARENA_KEEP)
        llmj__buf_shrink(&p->arena, &p->a, PK_ARENA_KEEP);
    if (p->caprec > PK_RECS_KEEP && p->nrec == 0) {
        llmj__free(&p->a, p->recs);
        p->recs = NULL;
        p->caprec = 0;
    }
}

static llmj_status pk_parse(llmj__pk *p, const char *data, size_t len, llmj__pk_fn fn,
                            void *ctx, int *empty)
{
    p->data = data;
    p->data_len = len;
    p->fn = fn;
    p->ctx = ctx;
    p->st = LLMJ_OK;
    p->msg = NULL;
    p->depth = 0;
    p->values = 0;
    p->end = 0;
    p->arena.len = 0;
    p->nrec = 0;
    *empty = 0;

    size_t i = 0;
    while (i < len && llmj__ws(data[i]))
        i++;
    if (i == len) {
        *empty = 1;
        return LLMJ_OK;
    }
    int fresh = !p->y.h;
    if (fresh) {
        llmj_status st = llmj__yj_new(&p->y, &pk_callbacks, p);
        if (st != LLMJ_OK) {
            p->msg = "out of memory";
            return st;
        }
    }
    yajl_status ys;
    if (p->arena.cap > 4 * PK_ARENA_KEEP || p->caprec > PK_RECS_KEEP)
        pk_trim(p);
    if (llmj__yj_run(&p->y, data, len, &ys) != 0) {
        p->msg = "out of memory";
        return LLMJ_NOMEM;
    }
    if (ys == yajl_status_ok) {
        if (p->values == 0) {
            /* a handle that had a value before takes an unterminated string
             * here as the start of a next one, kept in its lexer: drop it,
             * or the next event would be read as that string's rest. A new
             * handle says what is wrong (a premature end, at its byte), so
             * an event reads the same whether the handle it met was new
             * (the first event of a feed: see llmj__pk_rest) or not; no
             * value began, so nothing was called back */
            llmj__yj_drop(&p->y);
            if (!fresh)
                return pk_parse(p, data, len, fn, ctx, empty);
            return llmj__pk_bad(p, "no JSON value in the event");
        }
        /* yajl accepts a value followed by the start of a token that never
         * ends (it holds it in its lexer, to be glued to the next event):
         * only whitespace may follow the value. */
        for (size_t k = p->end; k < len; k++) {
            if (!llmj__ws(data[k])) {
                llmj__yj_drop(&p->y);
                snprintf(p->msgbuf, sizeof p->msgbuf,
                         "data after the JSON value (at byte %zu)", k);
                p->msg = p->msgbuf;
                return LLMJ_BAD_EVENT;
            }
        }
        /* yajl lets overlong forms, surrogates and code points above
         * U+10FFFF through; JSON text is UTF-8 (RFC 8259), and so is every
         * string a dialect hands on */
        size_t bad = llmj__utf8_bad(data, len);
        if (bad < len) {
            snprintf(p->msgbuf, sizeof p->msgbuf,
                     "event payload is not valid UTF-8 (at byte %zu)", bad);
            p->msg = p->msgbuf;
            return LLMJ_BAD_EVENT;
        }
        return LLMJ_OK;
    }
    /* yajl's handle stays in its error state: make a new one next time. */
    size_t at = yajl_get_bytes_consumed(p->y.h);
    llmj__yj_drop(&p->y);
    if (ys == yajl_status_client_canceled && p->st != LLMJ_OK)
        return p->st;
    snprintf(p->msgbuf, sizeof p->msgbuf, "event payload is not valid JSON (at byte %zu)", at);
    p->msg = p->msgbuf;
    return LLMJ_BAD_EVENT;
}

llmj_status llmj__pk_parse(llmj__pk *p, const char *data, size_t len, llmj__pk_fn fn,
                           void *ctx, int *empty)
{
    /* the path's levels are needed only while the event parses: they live
     * here, not in the decoder's state between events */
    llmj__pk_seg seg[LLMJ__PK_LEVELS];
    p->seg = seg;
    llmj_status st = pk_parse(p, data, len, fn, ctx, empty);
    p->seg = NULL;
    return st;
}

int llmj__pk_is(const llmj__pk *p, const char *pattern)
{
    if (*pattern == 0)
        return p->depth == 0;
    size_t lvl = 0;
    const char *q = pattern;
    for (;;) {
        const char *e = q;
        while (*e && *e != '.')
            e++;
        size_t n = (size_t)(e - q);
        if (lvl >= p->depth || lvl >= LLMJ__PK_LEVELS)
            return 0;
        const llmj__pk_seg *g = &p->seg[lvl];
        if (n == 1 && q[0] == '#') {
            if (!g->is_array)
                return 0;
        } else if (n == 1 && q[0] == '*') {
            if (g->is_array)
                return 0;
        } else {
            if (g->is_array || n > LLMJ__PK_KEYMAX || g->key_len != n ||
                !llmj__bytes_eq(g->kp, q, n))
                return 0;
        }
        lvl++;
        if (!*e)
            break;
        q = e + 1;
    }
    return lvl == p->depth;
}

int64_t llmj__pk_index(const llmj__pk *p, size_t level)
{
    if (level >= p->depth || level >= LLMJ__PK_LEVELS || !p->seg[level].is_array)
        return -1;
    return p->seg[level].index;
}

size_t llmj__pk_offset(const llmj__pk *p)
{
    return p->y.h ? yajl_get_bytes_consumed(p->y.h) : 0;
}

llmj_status llmj__pk_bad(llmj__pk *p, const char *msg)
{
    p->msg = msg;
    return LLMJ_BAD_EVENT;
}

const char *llmj__pk_message(const llmj__pk *p)
{
    return p->msg ? p->msg : "";
}

int llmj__pk_int(const llmj__pk_val *v, int64_t *out)
{
    if (v->type != LLMJ__PK_NUMBER || v->len == 0)
        return -1;
    const char *s = v->ptr;
    size_t i = 0, n = v->len;
    int neg = 0;
    if (s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == n)
        return -1;
    uint64_t x = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    if (!neg && x > (uint64_t)INT64_MAX)
        return -1;
    if (neg && x > (uint64_t)INT64_MAX + 1)
        return -1;
    *out = neg ? (int64_t)(0 - x) : (int64_t)x;
    return 0;
}
