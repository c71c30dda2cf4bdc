/* What every dialect decoder shares: the picker (yajl push parser + paths +
 * our own string decoding), records, lanes (state per choice and tool call,
 * surrogate halves held across deltas), emitting, and the sniff skimmer.
 * See pick.h. */
#include "pick.h"

#include <stdio.h>
#include <string.h>

/* ---- yajl's memory: a list of blocks, dropped whole on failure ----------- */

typedef struct pk_blk {
    struct pk_blk *prev, *next;
} pk_blk;

typedef union pk_hdr {
    pk_blk b;
    max_align_t align;
} pk_hdr;

#define PK_HDR sizeof(pk_hdr)

static void pk_link(llmj__pk *p, pk_blk *b)
{
    b->prev = NULL;
    b->next = p->blocks;
    if (b->next)
        b->next->prev = b;
    p->blocks = b;
}

static void pk_unlink(llmj__pk *p, pk_blk *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        p->blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

/* yajl never checks an allocation: while it runs (armed), a failure unwinds
 * to the picker, which drops every block of the handle. */
static void *pk_yfail(llmj__pk *p)
{
    if (p->armed)
        longjmp(p->jb, 1);
    return NULL;
}

static void *pk_ymalloc(void *ctx, size_t n)
{
    llmj__pk *p = ctx;
    if (n > SIZE_MAX - PK_HDR)
        return pk_yfail(p);
    pk_blk *b = p->a.malloc(p->a.ctx, PK_HDR + n);
    if (!b)
        return pk_yfail(p);
    pk_link(p, b);
    return (char *)b + PK_HDR;
}

static void *pk_yrealloc(void *ctx, void *ptr, size_t n)
{
    llmj__pk *p = ctx;
    if (!ptr)
        return pk_ymalloc(ctx, n);
    if (n > SIZE_MAX - PK_HDR)
        return pk_yfail(p);
    pk_blk *b = (pk_blk *)((char *)ptr - PK_HDR);
    pk_unlink(p, b);
    pk_blk *nb = p->a.realloc(p->a.ctx, b, PK_HDR + (n ? n : 1));
    if (!nb) {
        pk_link(p, b);
        return pk_yfail(p);
    }
    pk_link(p, nb);
    return (char *)nb + PK_HDR;
}

static void pk_yfree(void *ctx, void *ptr)
{
    llmj__pk *p = ctx;
    if (!ptr)
        return;
    pk_blk *b = (pk_blk *)((char *)ptr - PK_HDR);
    pk_unlink(p, b);
    p->a.free(p->a.ctx, b);
}

static void pk_drop_blocks(llmj__pk *p)
{
    pk_blk *b = p->blocks;
    while (b) {
        pk_blk *n = b->next;
        p->a.free(p->a.ctx, b);
        b = n;
    }
    p->blocks = NULL;
    p->h = NULL;
}

static void pk_drop_handle(llmj__pk *p)
{
    if (p->h)
        yajl_free(p->h);
    p->h = NULL;
    pk_drop_blocks(p); /* nothing left, unless yajl leaked */
}

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
        p->end = yajl_get_bytes_consumed(p->h); /* after a top-level scalar */
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
        p->end = yajl_get_bytes_consumed(p->h); /* after the top-level value */
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

static unsigned pk_khash(const char *k, size_t n)
{
    unsigned h = (unsigned)n * 37u + (unsigned char)k[0] * 11u +
                 (unsigned char)k[n - 1] * 5u + (unsigned char)k[n >> 1];
    return h & (LLMJ__PK_KEYSLOTS - 1);
}

/* a[0..n) == b[0..n), comparing whole words (overlapping at the end) rather
 * than byte by byte: keys are short and of varied lengths. */
static int pk_bytes_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    if (n == 0)
        return 1;
    return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1];
}

/* The id of key k (1 .. LLMJ__PK_KEYMAX bytes) in the dialect's table, 0 if
 * none. The table is never full, so the probe ends at an empty slot. */
static unsigned pk_kid_of(const llmj__pk *p, const char *k, size_t n)
{
    if (p->nkeys == 0 || n == 0)
        return 0;
    for (unsigned h = pk_khash(k, n);; h = (h + 1) & (LLMJ__PK_KEYSLOTS - 1)) {
        unsigned id = p->slot[h];
        if (id == 0)
            return 0;
        if (p->keylen[id] == n && pk_bytes_eq(p->keys[id - 1], k, n))
            return id;
    }
}

void llmj__pk_keys(llmj__pk *p, const char *const *keys, size_t n)
{
    memset(p->slot, 0, sizeof p->slot);
    memset(p->keylen, 0, sizeof p->keylen);
    if (n > LLMJ__PK_KEYIDS)
        n = LLMJ__PK_KEYIDS;
    p->keys = keys;
    p->nkeys = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(keys[i]);
        unsigned id = (unsigned)i + 1;
        p->keylen[id] = (unsigned char)(len <= LLMJ__PK_KEYMAX ? len : 0);
        if (len == 0 || len > LLMJ__PK_KEYMAX)
            continue; /* such a key never matches: leave it out */
        unsigned h = pk_khash(keys[i], len);
        while (p->slot[h])
            h = (h + 1) & (LLMJ__PK_KEYSLOTS - 1);
        p->slot[h] = (unsigned char)id;
    }
    p->nkeys = n;
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
            g->kid = (unsigned char)pk_kid_of(p, g->kp, n);
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
    p->yaf.malloc = pk_ymalloc;
    p->yaf.realloc = pk_yrealloc;
    p->yaf.free = pk_yfree;
    p->yaf.ctx = p;
    p->st = LLMJ_OK;
    /* The yajl handle is made on first use (and again after an error). */
    return LLMJ_OK;
}

void llmj__pk_free(llmj__pk *p)
{
    pk_drop_handle(p);
    llmj__buf_free(&p->arena, &p->a);
    llmj__free(&p->a, p->recs);
    p->recs = NULL;
    p->nrec = p->caprec = 0;
}

static llmj_status pk_new_handle(llmj__pk *p)
{
    yajl_handle h = NULL;
    if (setjmp(p->jb) != 0) {
        p->armed = 0;
        pk_drop_blocks(p);
        return LLMJ_NOMEM;
    }
    p->armed = 1;
    h = yajl_alloc(&pk_callbacks, &p->yaf, p);
    if (h)
        yajl_config(h, yajl_allow_multiple_values, 1);
    p->armed = 0;
    if (!h) {
        pk_drop_blocks(p);
        return LLMJ_NOMEM;
    }
    p->h = h;
    return LLMJ_OK;
}

/* Runs yajl over the event: 0 and *out, or -1 when an allocation inside
 * yajl failed (its memory is then dropped). */
static int pk_run(llmj__pk *p, const char *data, size_t len, yajl_status *out)
{
    yajl_status ys;
    if (setjmp(p->jb) != 0) {
        p->armed = 0;
        pk_drop_blocks(p);
        return -1;
    }
    p->armed = 1;
    ys = yajl_parse(p->h, (const unsigned char *)data, len);
    if (ys == yajl_status_ok)
        ys = yajl_complete_parse(p->h);
    p->armed = 0;
    *out = ys;
    return 0;
}

static int pk_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

llmj_status llmj__pk_parse(llmj__pk *p, const char *data, size_t len, llmj__pk_fn fn,
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
    while (i < len && pk_is_ws(data[i]))
        i++;
    if (i == len) {
        *empty = 1;
        return LLMJ_OK;
    }
    if (!p->h) {
        llmj_status st = pk_new_handle(p);
        if (st != LLMJ_OK) {
            p->msg = "out of memory";
            return st;
        }
    }
    yajl_status ys;
    if (pk_run(p, data, len, &ys) != 0) {
        p->msg = "out of memory";
        return LLMJ_NOMEM;
    }
    if (ys == yajl_status_ok) {
        if (p->values == 0)
            return llmj__pk_bad(p, "no JSON value in the event");
        /* yajl accepts a value followed by the start of a token that never
         * ends (it holds it in its lexer, to be glued to the next event):
         * only whitespace may follow the value. */
        for (size_t k = p->end; k < len; k++) {
            if (!pk_is_ws(data[k])) {
                pk_drop_handle(p);
                snprintf(p->msgbuf, sizeof p->msgbuf,
                         "data after the JSON value (at byte %zu)", k);
                p->msg = p->msgbuf;
                return LLMJ_BAD_EVENT;
            }
        }
        return LLMJ_OK;
    }
    /* yajl's handle stays in its error state: make a new one next time. */
    size_t at = yajl_get_bytes_consumed(p->h);
    pk_drop_handle(p);
    if (ys == yajl_status_client_canceled && p->st != LLMJ_OK)
        return p->st;
    snprintf(p->msgbuf, sizeof p->msgbuf, "event payload is not valid JSON (at byte %zu)", at);
    p->msg = p->msgbuf;
    return LLMJ_BAD_EVENT;
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
                !pk_bytes_eq(g->kp, q, n))
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
    return p->h ? yajl_get_bytes_consumed(p->h) : 0;
}

int llmj__pk_raw(const llmj__pk *p, const llmj__pk_val *v, const char **raw, size_t *len)
{
    if (v->type != LLMJ__PK_STRING)
        return -1;
    uintptr_t d0 = (uintptr_t)p->data, d1 = d0 + p->data_len, s = (uintptr_t)v->ptr;
    if (v->len > 0 && s >= d0 && s <= d1 && v->len <= d1 - s) {
        /* yajl passes a string without escapes straight from the input. */
        *raw = v->ptr;
        *len = v->len;
        return 0;
    }
    /* Otherwise the token ends just before the offset yajl has reached: find
     * its opening quote (a quote preceded by an even run of backslashes). */
    size_t end = llmj__pk_offset(p);
    if (end < 2 || end > p->data_len || p->data[end - 1] != '"')
        return -1;
    size_t j = end - 1;
    while (j > 0) {
        j--;
        if (p->data[j] != '"')
            continue;
        size_t k = j;
        while (k > 0 && p->data[k - 1] == '\\')
            k--;
        if (((j - k) & 1) == 0) {
            *raw = p->data + j + 1;
            *len = end - 1 - (j + 1);
            return 0;
        }
    }
    return -1;
}

static unsigned hex4(const char *s)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        unsigned d = (c >= '0' && c <= '9') ? (unsigned)(c - '0')
                     : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                     : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10) : 0u;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_put(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

#define IS_HIGH(u) ((u) >= 0xD800 && (u) <= 0xDBFF)
#define IS_LOW(u) ((u) >= 0xDC00 && (u) <= 0xDFFF)

/* The first backslash in s[0..n), or NULL. Short runs (the usual delta of a
 * few characters) are scanned in line; memchr pays off on longer ones. */
static const char *pk_backslash(const char *s, size_t n)
{
    if (n >= 32)
        return memchr(s, '\\', n);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\\')
            return s + i;
    return NULL;
}

/* Decode raw JSON string content (validated by yajl) into o; returns the
 * length. The decoded text is never longer than the raw. */
static size_t pk_decode(const char *r, size_t n, char *o, llmj__str *out)
{
    size_t i = 0, w = 0;
    if (n >= 6 && r[0] == '\\' && r[1] == 'u') {
        unsigned u = hex4(r + 2);
        if (IS_LOW(u)) {
            out->lead_low = (uint16_t)u;
            i = 6;
        }
    }
    while (i < n) {
        if (r[i] != '\\') {
            const char *bs = pk_backslash(r + i, n - i);
            size_t run = bs ? (size_t)(bs - (r + i)) : n - i;
            memcpy(o + w, r + i, run);
            w += run;
            i += run;
            continue;
        }
        if (i + 1 >= n)
            break; /* cannot happen after yajl */
        char e = r[i + 1];
        i += 2;
        switch (e) {
        case 'b': o[w++] = '\b'; break;
        case 'f': o[w++] = '\f'; break;
        case 'n': o[w++] = '\n'; break;
        case 'r': o[w++] = '\r'; break;
        case 't': o[w++] = '\t'; break;
        case 'u': {
            if (i + 4 > n)
                return w;
            unsigned u = hex4(r + i);
            i += 4;
            if (IS_HIGH(u)) {
                if (i + 6 <= n && r[i] == '\\' && r[i + 1] == 'u' && IS_LOW(hex4(r + i + 2))) {
                    unsigned lo = hex4(r + i + 2);
                    i += 6;
                    w += utf8_put(o + w, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                } else if (i == n) {
                    out->trail_high = (uint16_t)u;
                } else {
                    w += utf8_put(o + w, 0xFFFD);
                }
            } else if (IS_LOW(u)) {
                w += utf8_put(o + w, 0xFFFD);
            } else {
                w += utf8_put(o + w, u);
            }
            break;
        }
        default: o[w++] = e; break; /* " \ / */
        }
    }
    return w;
}

llmj_status llmj__pk_keep(llmj__pk *p, const llmj__pk_val *v, llmj__str *out)
{
    if (v->type != LLMJ__PK_STRING && v->type != LLMJ__PK_NUMBER)
        return LLMJ_OK;
    memset(out, 0, sizeof *out);
    const char *raw = v->ptr;
    size_t n = v->len;
    int decode = 0;
    if (v->type == LLMJ__PK_STRING) {
        if (llmj__pk_raw(p, v, &raw, &n) == 0) {
            if (!pk_backslash(raw, n)) {
                out->ptr = n ? raw : "";
                out->len = n;
                out->set = 1;
                return LLMJ_OK;
            }
            decode = 1;
        } else {
            raw = v->ptr; /* yajl's own decoding: fine but for lone surrogates */
            n = v->len;
        }
    }
    if (n > SIZE_MAX - LLMJ__PK_HEAD - p->arena.len)
        return LLMJ_NOMEM;
    if (llmj__buf_reserve(&p->arena, &p->a, p->arena.len + LLMJ__PK_HEAD + n, SIZE_MAX))
        return LLMJ_NOMEM;
    size_t off = p->arena.len + LLMJ__PK_HEAD;
    char *o = p->arena.data + off;
    if (decode) {
        out->len = pk_decode(raw, n, o, out);
    } else {
        if (n)
            memcpy(o, raw, n);
        out->len = n;
    }
    out->off = off;
    out->set = 1;
    p->arena.len = off + out->len;
    return LLMJ_OK;
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

void llmj__usage_none(llmj_usage *u)
{
    u->input_tokens = u->output_tokens = u->total_tokens = -1;
    u->cached_tokens = u->reasoning_tokens = -1;
}

int llmj__usage_any(const llmj_usage *u)
{
    return u->input_tokens >= 0 || u->output_tokens >= 0 || u->total_tokens >= 0 ||
           u->cached_tokens >= 0 || u->reasoning_tokens >= 0;
}

llmj__rec *llmj__pk_push(llmj__pk *p, int kind)
{
    if (p->nrec == p->caprec) {
        size_t cap = p->caprec ? p->caprec * 2 : 16;
        if (cap > SIZE_MAX / sizeof(llmj__rec))
            return NULL;
        llmj__rec *r = llmj__realloc(&p->a, p->recs, cap * sizeof(llmj__rec));
        if (!r)
            return NULL;
        p->recs = r;
        p->caprec = cap;
    }
    llmj__rec *r = &p->recs[p->nrec++];
    /* field by field: a memset of the whole record compiles to a slow
     * `rep stos` on this hot path (padding need not be cleared) */
    r->kind = kind;
    r->choice = -1;
    r->key = -1;
    r->num = 0;
    r->flags = 0;
    static const llmj__str none = { 0 };
    r->s[0] = none;
    r->s[1] = none;
    r->s[2] = none;
    llmj__usage_none(&r->usage);
    return r;
}

const char *llmj__pk_sptr(const llmj__pk *p, const llmj__str *s)
{
    if (!s->set)
        return "";
    return s->ptr ? s->ptr : p->arena.data + s->off;
}

int llmj__pk_seq(const llmj__pk *p, const llmj__str *s, const char *lit)
{
    return s->set && llmj__eq(llmj__pk_sptr(p, s), s->len, lit);
}

llmj_status llmj__pk_reserve(llmj__pk *p, size_t n)
{
    if (n > SIZE_MAX - p->arena.len)
        return LLMJ_NOMEM;
    return llmj__buf_reserve(&p->arena, &p->a, p->arena.len + n, SIZE_MAX) ? LLMJ_NOMEM
                                                                            : LLMJ_OK;
}

void llmj__pk_put(llmj__pk *p, const char *s, size_t n)
{
    size_t room = p->arena.cap - p->arena.len;
    if (n > room)
        n = room;
    if (n) {
        memcpy(p->arena.data + p->arena.len, s, n);
        p->arena.len += n;
    }
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

int llmj__eq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && (m == 0 || memcmp(s, lit, m) == 0);
}

uint64_t llmj__hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

/* ---- lanes ----------------------------------------------------------------- */

void llmj__lanes_init(llmj__lanes *l, const llmj_config *cfg)
{
    memset(l, 0, sizeof *l);
    l->max_choices = (cfg && cfg->max_choices) ? cfg->max_choices : 128;
    l->max_tools = (cfg && cfg->max_tool_calls) ? cfg->max_tool_calls : 128;
}

void llmj__lanes_free(llmj__lanes *l, const llmj_allocator *a)
{
    llmj__free(a, l->c);
    llmj__free(a, l->t);
    l->c = NULL;
    l->t = NULL;
    l->nc = l->capc = l->nt = l->capt = 0;
}

static size_t grow_cap(size_t cap, size_t want)
{
    if (cap == 0)
        cap = 4;
    while (cap < want && cap <= SIZE_MAX / 2)
        cap *= 2;
    return cap < want ? want : cap;
}

static size_t tools_of(const llmj__lanes *l, int64_t choice)
{
    for (size_t i = 0; i < l->nc; i++)
        if (l->c[i].index == choice)
            return l->c[i].ntools;
    return 0;
}

llmj_status llmj__lanes_prepare(llmj__lanes *l, llmj__pk *p)
{
    size_t newc = 0, newt = 0;
    for (size_t i = 0; i < p->nrec; i++) {
        const llmj__rec *r = &p->recs[i];
        if (r->choice < 0)
            continue;
        if ((uint64_t)r->choice >= l->max_choices) {
            p->msg = "choice index beyond config.max_choices";
            return LLMJ_TOO_LONG;
        }
        int seen = llmj__lanes_choice(l, r->choice, 0) != NULL;
        for (size_t j = 0; j < i && !seen; j++)
            seen = p->recs[j].choice == r->choice;
        if (!seen)
            newc++;
        if (r->flags & LLMJ__REC_TOOL) {
            /* does it start a call? (calls are counted, not records) */
            int cont = 0;
            if ((r->flags & LLMJ__REC_TOOL_KEY) && llmj__lanes_tool(l, r->choice, r->key, 0))
                cont = 1;
            if ((r->flags & LLMJ__REC_TOOL_LAST) && llmj__lanes_last_tool(l, r->choice))
                cont = 1;
            size_t k = 1;
            for (size_t j = 0; j < i; j++) {
                const llmj__rec *q = &p->recs[j];
                if (q->choice != r->choice || !(q->flags & LLMJ__REC_TOOL))
                    continue;
                if ((r->flags & LLMJ__REC_TOOL_LAST) ||
                    ((r->flags & LLMJ__REC_TOOL_KEY) && q->key == r->key))
                    cont = 1;
                if (q->flags & LLMJ__REC_STARTS)
                    k++;
            }
            if (cont)
                continue;
            p->recs[i].flags |= LLMJ__REC_STARTS;
            if (tools_of(l, r->choice) + k > l->max_tools) {
                p->msg = "more tool calls in a choice than config.max_tool_calls";
                return LLMJ_TOO_LONG;
            }
            newt++;
        }
    }
    if (newc > SIZE_MAX / sizeof(llmj__choice) - l->nc ||
        newt > SIZE_MAX / sizeof(llmj__tool) - l->nt)
        return LLMJ_NOMEM;
    if (l->nc + newc > l->capc) {
        size_t cap = grow_cap(l->capc, l->nc + newc);
        if (cap > SIZE_MAX / sizeof(llmj__choice))
            return LLMJ_NOMEM;
        llmj__choice *c = llmj__realloc(&p->a, l->c, cap * sizeof *c);
        if (!c)
            return LLMJ_NOMEM;
        l->c = c;
        l->capc = cap;
    }
    if (l->nt + newt > l->capt) {
        size_t cap = grow_cap(l->capt, l->nt + newt);
        if (cap > SIZE_MAX / sizeof(llmj__tool))
            return LLMJ_NOMEM;
        llmj__tool *t = llmj__realloc(&p->a, l->t, cap * sizeof *t);
        if (!t)
            return LLMJ_NOMEM;
        l->t = t;
        l->capt = cap;
    }
    return LLMJ_OK;
}

llmj__choice *llmj__lanes_choice(llmj__lanes *l, int64_t index, int create)
{
    for (size_t i = 0; i < l->nc; i++)
        if (l->c[i].index == index)
            return &l->c[i];
    if (!create || l->nc >= l->capc || index < 0 || (uint64_t)index >= l->max_choices)
        return NULL;
    llmj__choice *c = &l->c[l->nc++];
    memset(c, 0, sizeof *c);
    c->index = index;
    return c;
}

llmj__tool *llmj__lanes_tool(llmj__lanes *l, int64_t choice, int64_t key, uint64_t aux)
{
    for (size_t i = l->nt; i-- > 0;) {
        llmj__tool *t = &l->t[i];
        if (t->live && t->choice == choice && t->key == key && (aux == 0 || t->aux == aux))
            return t;
    }
    return NULL;
}

llmj__tool *llmj__lanes_last_tool(llmj__lanes *l, int64_t choice)
{
    for (size_t i = l->nt; i-- > 0;)
        if (l->t[i].live && l->t[i].choice == choice)
            return &l->t[i];
    return NULL;
}

llmj__tool *llmj__lanes_new_tool(llmj__lanes *l, int64_t choice, int64_t key, uint64_t aux)
{
    llmj__choice *c = llmj__lanes_choice(l, choice, 0);
    if (!c || l->nt >= l->capt || c->ntools >= l->max_tools)
        return NULL;
    llmj__tool *old = llmj__lanes_tool(l, choice, key, 0);
    if (old)
        old->live = 0;
    llmj__tool *t = &l->t[l->nt++];
    memset(t, 0, sizeof *t);
    t->choice = choice;
    t->key = key;
    t->aux = aux;
    t->num = c->ntools++;
    t->live = 1;
    return t;
}

/* ---- emitting -------------------------------------------------------------- */

static const char k_fffd[] = "\xEF\xBF\xBD";

static void item_init(ld_item *it, ld_kind kind)
{
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->text = it->id = it->name = "";
    llmj__usage_none(&it->usage);
}

llmj_status llmj__emit(llmj__out *o, const ld_item *it)
{
    return o->emit(o->ctx, it) ? LLMJ_ABORTED : LLMJ_OK;
}

llmj_status llmj__emit_bytes(llmj__out *o, ld_kind kind, llmj__choice *c, llmj__tool *t,
                             const char *s, size_t n)
{
    if (n == 0)
        return LLMJ_OK;
    ld_item it;
    item_init(&it, kind);
    it.choice = (size_t)c->index;
    c->seen = 1;
    if (t) {
        it.tool = t->num;
        t->args = 1;
    }
    it.text = s;
    it.len = n;
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_announce(llmj__out *o, llmj__choice *c)
{
    if (c->seen)
        return LLMJ_OK;
    c->seen = 1;
    ld_item it;
    item_init(&it, LD_TEXT);
    it.choice = (size_t)c->index;
    return llmj__emit(o, &it);
}

static llmj_status flush_pend(llmj__out *o, ld_kind kind, llmj__choice *c, llmj__tool *t,
                              uint16_t *pend)
{
    if (!*pend)
        return LLMJ_OK;
    *pend = 0;
    return llmj__emit_bytes(o, kind, c, t, k_fffd, 3);
}

static void put_pair(char *w, unsigned hi, unsigned lo)
{
    utf8_put(w, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
}

llmj_status llmj__emit_text(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                            llmj__tool *t, const llmj__str *s)
{
    if (!s->set)
        return LLMJ_OK;
    uint16_t *pend = t ? &t->pend : &c->pend[kind == LD_REFUSAL];
    if (s->len == 0 && !s->lead_low && !s->trail_high)
        return LLMJ_OK;
    const char *body = llmj__pk_sptr(p, s);
    const char *text = body;
    size_t n = s->len;
    llmj_status st;
    if (s->lead_low) {
        /* escapes: the string is in the arena, with room before it */
        char *w = p->arena.data + s->off;
        if (*pend) {
            w -= 4;
            put_pair(w, *pend, s->lead_low);
            n += 4;
            *pend = 0;
        } else {
            w -= 3;
            memcpy(w, k_fffd, 3);
            n += 3;
        }
        text = w;
    } else if (*pend && (n > 0 || s->trail_high)) {
        if ((st = flush_pend(o, kind, c, t, pend)) != LLMJ_OK)
            return st;
    }
    if ((st = llmj__emit_bytes(o, kind, c, t, text, n)) != LLMJ_OK)
        return st;
    if (s->trail_high) {
        if ((st = flush_pend(o, kind, c, t, pend)) != LLMJ_OK)
            return st;
        *pend = s->trail_high;
    }
    return LLMJ_OK;
}

llmj_status llmj__emit_begin(llmj__out *o, llmj__pk *p, llmj__choice *c, llmj__tool *t,
                             const llmj__str *id, const llmj__str *name)
{
    ld_item it;
    item_init(&it, LD_TOOL_BEGIN);
    it.choice = (size_t)c->index;
    it.tool = t->num;
    if (id && id->set) {
        it.id = llmj__pk_sptr(p, id);
        it.id_len = id->len;
        if (id->len)
            t->idhash = llmj__hash(it.id, it.id_len);
    }
    if (name && name->set) {
        it.name = llmj__pk_sptr(p, name);
        it.name_len = name->len;
    }
    t->begun = 1;
    c->tools = 1;
    c->seen = 1;
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_end(llmj__out *o, llmj__tool *t)
{
    if (!t->begun || t->ended)
        return LLMJ_OK;
    t->ended = 1;
    ld_item it;
    if (t->pend) {
        t->pend = 0;
        item_init(&it, LD_TOOL_ARGS);
        it.choice = (size_t)t->choice;
        it.tool = t->num;
        it.text = k_fffd;
        it.len = 3;
        if (llmj__emit(o, &it) != LLMJ_OK)
            return LLMJ_ABORTED;
    }
    item_init(&it, LD_TOOL_END);
    it.choice = (size_t)t->choice;
    it.tool = t->num;
    return llmj__emit(o, &it);
}

llmj_status llmj__flush_choice(llmj__out *o, llmj__lanes *l, llmj__choice *c)
{
    llmj_status st;
    for (size_t i = 0; i < l->nc; i++) {
        llmj__choice *ci = &l->c[i];
        if (c && ci != c)
            continue;
        if ((st = flush_pend(o, LD_TEXT, ci, NULL, &ci->pend[0])) != LLMJ_OK)
            return st;
        if ((st = flush_pend(o, LD_REFUSAL, ci, NULL, &ci->pend[1])) != LLMJ_OK)
            return st;
        for (size_t j = 0; j < l->nt; j++) {
            llmj__tool *t = &l->t[j];
            if (t->choice == ci->index &&
                (st = flush_pend(o, LD_TOOL_ARGS, ci, t, &t->pend)) != LLMJ_OK)
                return st;
        }
    }
    return LLMJ_OK;
}

llmj_status llmj__end_tools(llmj__out *o, llmj__lanes *l, llmj__choice *c)
{
    for (size_t j = 0; j < l->nt; j++) {
        llmj__tool *t = &l->t[j];
        if (t->choice == c->index) {
            llmj_status st = llmj__emit_end(o, t);
            if (st != LLMJ_OK)
                return st;
        }
    }
    return LLMJ_OK;
}

llmj_status llmj__emit_finish(llmj__out *o, llmj__pk *p, llmj__lanes *l, llmj__choice *c,
                              llmj_finish f, const llmj__str *raw, const char *rawlit,
                              int end_tools)
{
    if (c->finished)
        return LLMJ_OK;
    llmj_status st = llmj__flush_choice(o, l, c);
    if (st == LLMJ_OK && end_tools)
        st = llmj__end_tools(o, l, c);
    if (st != LLMJ_OK)
        return st;
    c->finished = 1;
    c->seen = 1;
    ld_item it;
    item_init(&it, LD_FINISH);
    it.choice = (size_t)c->index;
    it.finish = f;
    if (raw && raw->set) {
        it.text = llmj__pk_sptr(p, raw);
        it.len = raw->len;
    } else if (rawlit) {
        it.text = rawlit;
        it.len = strlen(rawlit);
    }
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_usage(llmj__out *o, const llmj_usage *u)
{
    ld_item it;
    item_init(&it, LD_USAGE);
    it.usage = *u;
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_error(llmj__out *o, llmj__pk *p, const llmj__str *msg,
                             const llmj__str *type, const llmj__str *code)
{
    ld_item it;
    item_init(&it, LD_ERROR);
    if (msg && msg->set) {
        it.text = llmj__pk_sptr(p, msg);
        it.len = msg->len;
    }
    if (type && type->set) {
        it.id = llmj__pk_sptr(p, type);
        it.id_len = type->len;
    }
    if (code && code->set) {
        it.name = llmj__pk_sptr(p, code);
        it.name_len = code->len;
    }
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_raw_error(llmj__out *o, const char *data, size_t n)
{
    while (n && pk_is_ws(data[0])) {
        data++;
        n--;
    }
    while (n && pk_is_ws(data[n - 1]))
        n--;
    ld_item it;
    item_init(&it, LD_ERROR);
    it.text = n ? data : "";
    it.len = n;
    return llmj__emit(o, &it);
}

int llmj__is_type(const char *type, size_t type_len, const char *lit)
{
    return type && llmj__eq(type, type_len, lit);
}

llmj_status llmj__emit_done(llmj__out *o, llmj__lanes *l)
{
    llmj_status st = llmj__flush_choice(o, l, NULL);
    if (st != LLMJ_OK)
        return st;
    ld_item it;
    item_init(&it, LD_DONE);
    return llmj__emit(o, &it);
}

/* ---- skimming -------------------------------------------------------------- */

static size_t sk_ws(const char *d, size_t n, size_t i)
{
    while (i < n && pk_is_ws(d[i]))
        i++;
    return i;
}

/* Past the string starting at d[i] == '"' (n if unterminated). */
static size_t sk_string(const char *d, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (d[i] == '\\')
            i++;
        else if (d[i] == '"')
            return i + 1;
    }
    return n;
}

static size_t sk_value(const char *d, size_t n, size_t i)
{
    if (i >= n)
        return n;
    if (d[i] == '"')
        return sk_string(d, n, i);
    if (d[i] == '{' || d[i] == '[') {
        size_t depth = 0;
        while (i < n) {
            char c = d[i];
            if (c == '"') {
                i = sk_string(d, n, i);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return n;
    }
    while (i < n && d[i] != ',' && d[i] != '}' && d[i] != ']' && !pk_is_ws(d[i]))
        i++;
    return i;
}

int llmj__skim(const char *d, size_t n, const char *key, const char **val, size_t *vlen)
{
    size_t klen = strlen(key);
    size_t i = sk_ws(d, n, 0);
    if (i >= n || d[i] != '{')
        return 0;
    i++;
    for (;;) {
        i = sk_ws(d, n, i);
        if (i >= n || d[i] != '"')
            return 0;
        size_t ks = i + 1;
        i = sk_string(d, n, i);
        if (i > n || i < ks + 1)
            return 0;
        size_t ke = i - 1;
        i = sk_ws(d, n, i);
        if (i >= n || d[i] != ':')
            return 0;
        i = sk_ws(d, n, i + 1);
        size_t vs = i;
        i = sk_value(d, n, i);
        if (ke - ks == klen && memcmp(d + ks, key, klen) == 0) {
            *val = d + vs;
            *vlen = i - vs;
            return 1;
        }
        i = sk_ws(d, n, i);
        if (i >= n || d[i] != ',')
            return 0;
        i++;
    }
}

int llmj__skim_str(const char *d, size_t n, const char *key, const char *lit)
{
    const char *v;
    size_t vn, m = strlen(lit);
    if (!llmj__skim(d, n, key, &v, &vn))
        return 0;
    return vn == m + 2 && v[0] == '"' && memcmp(v + 1, lit, m) == 0 && v[m + 1] == '"';
}

int llmj__skim_prefix(const char *d, size_t n, const char *key, const char *prefix)
{
    const char *v;
    size_t vn, m = strlen(prefix);
    if (!llmj__skim(d, n, key, &v, &vn))
        return 0;
    return vn >= m + 2 && v[0] == '"' && memcmp(v + 1, prefix, m) == 0;
}

llmj_status llmj__dstate_new(void **state, size_t size, const llmj_allocator *a,
                             const llmj_config *cfg)
{
    llmj_allocator ra; /* NULL functions: the C library's */
    if (llmj__alloc_resolve(&ra, a) != 0)
        return LLMJ_BAD_OPTION;
    llmj__dstate *d = llmj__malloc(&ra, size);
    if (!d)
        return LLMJ_NOMEM;
    memset(d, 0, size);
    llmj__pk_init(&d->pk, &ra, cfg);
    llmj__lanes_init(&d->lanes, cfg);
    *state = d;
    return LLMJ_OK;
}

void llmj__dstate_free(void *state)
{
    llmj__dstate *d = state;
    if (!d)
        return;
    llmj_allocator a = d->pk.a;
    llmj__lanes_free(&d->lanes, &a);
    llmj__pk_free(&d->pk);
    llmj__free(&a, d);
}

const char *llmj__dstate_message(void *state)
{
    llmj__dstate *d = state;
    return d ? llmj__pk_message(&d->pk) : "";
}
