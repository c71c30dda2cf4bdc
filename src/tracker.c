/* The JSON tracker: a strict RFC 8259 scanner that knows, byte by byte, where
 * the text is (depth, token boundaries, safe points, runaways), and a yajl
 * push parser that is handed only complete tokens and delivers the typed
 * values. See src/tracker_int.h for the state and docs/salvage.md for the
 * rules the scanner's safe points follow.
 *
 * Why two parsers: yajl validates and decodes, but re-lexes an unfinished
 * token from its first byte on every call (quadratic on a long string fed in
 * small pieces), and cannot say where the last safe cut is. The scanner keeps
 * that state in a few bytes per level, holds back an unfinished token, and
 * hands yajl only whole tokens. Where they could disagree the scanner is the
 * stricter: it rejects everything yajl rejects and more (form feed,
 * overlong UTF-8, unpaired surrogate escapes). */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tracker_int.h"

/* ---- character classes ---------------------------------------------------- */

/* 1 for bytes that end the plain run inside a string: '"', '\\', controls,
 * and every non-ASCII byte (validated one by one). */
static const unsigned char k_str_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50 '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xA0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xB0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xC0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xD0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xE0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xF0 */
};

/* The index of the first byte of p[i:lim] that is special inside a string
 * (or lim). 16 bytes at a time where SSE2 is there. */
static size_t str_plain_end(const unsigned char *p, size_t i, size_t lim)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i below = _mm_set1_epi8(0x20 - 0x80); /* c < 0x20 as signed(c^0x80) < -0x60 */
    const __m128i flip = _mm_set1_epi8((char)0x80);
    while (i + 16 <= lim) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash));
        m = _mm_or_si128(m, _mm_cmplt_epi8(_mm_xor_si128(v, flip), below));
        int mask = _mm_movemask_epi8(m) | _mm_movemask_epi8(v); /* high bit: non-ASCII */
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
        i += 16;
    }
#endif
    while (i < lim && !k_str_special[p[i]])
        i++;
    return i;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A byte that ends a number (docs/salvage.md: "delimiter"). */
static int is_num_delim(unsigned char c)
{
    return is_ws(c) || c == ',' || c == ']' || c == '}';
}

/* ---- errors ---------------------------------------------------------------- */

static void set_error(llmj_tracker *t, llmj_status code, uint64_t offset, const char *msg)
{
    t->status = code;
    t->err.code = code;
    t->err.offset = offset;
    t->err.line = t->line;
    t->err.column = offset - t->line_start + 1;
    size_t n = strlen(msg);
    if (n >= sizeof t->errmsg)
        n = sizeof t->errmsg - 1;
    memcpy(t->errmsg, msg, n);
    t->errmsg[n] = '\0';
    t->err.message = t->errmsg;
}

/* ---- yajl's allocations ---------------------------------------------------
 * yajl does not check its allocations. Each of its blocks carries a header
 * saying which allocator it came from: the configured one, or, when that
 * refuses, the C library's (so yajl never sees NULL; its needs are bounded by
 * max_depth and max_token). */

typedef struct yhdr {
    size_t size;
    size_t fallback;
} yhdr;

static void *y_malloc(void *ctx, size_t size)
{
    llmj_tracker *t = ctx;
    if (size > SIZE_MAX - sizeof(yhdr))
        return NULL;
    yhdr *h = llmj__malloc(&t->a, sizeof *h + size);
    size_t fb = 0;
    if (!h) {
        h = malloc(sizeof *h + size);
        fb = 1;
        if (!h)
            return NULL;
    }
    h->size = size;
    h->fallback = fb;
    return h + 1;
}

static void y_free(void *ctx, void *ptr)
{
    llmj_tracker *t = ctx;
    if (!ptr)
        return;
    yhdr *h = (yhdr *)ptr - 1;
    if (h->fallback)
        free(h);
    else
        llmj__free(&t->a, h);
}

static void *y_realloc(void *ctx, void *ptr, size_t size)
{
    if (!ptr)
        return y_malloc(ctx, size);
    yhdr *h = (yhdr *)ptr - 1;
    void *n = y_malloc(ctx, size);
    if (!n)
        return NULL;
    memcpy(n, ptr, h->size < size ? h->size : size);
    y_free(ctx, ptr);
    return n;
}

/* ---- the yajl side: path and events ----------------------------------------
 * Buffers were reserved by the scanner (reserve_path), so nothing here
 * allocates; put() still checks, defensively. */

static int put(llmj__buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap)
        return -1;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static void ptr_truncate(llmj_tracker *t, size_t len)
{
    t->ptr.len = len;
    t->ptr.data[len] = '\0';
}

/* ---- event spans ----------------------------------------------------------- */

/* Inside a yajl callback: one past the token yajl just read. */
static uint64_t ytok_end(const llmj_tracker *t)
{
    return t->ybase + yajl_get_bytes_consumed(t->y);
}

/* Inside a yajl callback for a string or key ending at end (after its
 * closing quote): its opening quote, found backwards (the byte before an
 * unescaped '"' is never a backslash outside a string, so the first '"'
 * preceded by an even run of backslashes is the opening one). */
static uint64_t ystring_start(const llmj_tracker *t, uint64_t end)
{
    /* the readable bytes: [lo, ybase) in yprev, [ybase, ybase + ycur_len) */
    uint64_t lo = t->yprev ? t->yprev_base : t->ybase;
    if (t->yprev && t->yprev_base + t->yprev_len != t->ybase)
        lo = t->ybase; /* not contiguous: only the current buffer */
#define YBYTE(o) ((o) >= t->ybase ? t->ycur[(o) - t->ybase] : t->yprev[(o) - t->yprev_base])
    if (!t->ycur || end < lo + 2)
        return lo;
    for (uint64_t i = end - 1; i-- > lo;) {
        if (YBYTE(i) != '"')
            continue;
        uint64_t k = i, bs = 0;
        while (k > lo && YBYTE(k - 1) == '\\')
            k--, bs++;
        if (bs % 2 == 0)
            return i;
    }
#undef YBYTE
    return lo;
}

static void span(llmj_tracker *t, uint64_t off, uint64_t end)
{
    t->ev_off = off;
    t->ev_end = end;
}

/* Deliver one event; 0 to go on, non-zero to stop yajl. */
static int emit(llmj_tracker *t, llmj_event_type type, size_t depth, const char *text,
                size_t len)
{
    if (!t->cb || t->muted)
        return 0;
    llmj_event ev;
    ev.type = type;
    ev.pointer = t->ptr.data;
    ev.pointer_len = t->ptr.len;
    ev.segments = t->seg;
    ev.depth = depth;
    ev.text = text;
    ev.len = len;
    ev.offset = t->ev_off;
    ev.end = t->ev_end;
    ev.first = 0;
    if (type == LLMJ_EV_STRING_CHUNK || type == LLMJ_EV_STRING) {
        ev.first = !t->chunk_any;
        t->chunk_any = type == LLMJ_EV_STRING_CHUNK;
    }
    if (t->cb(t->ctx, &ev) != 0)
        t->muted = 1;
    return 0;
}

static int internal_fail(llmj_tracker *t)
{
    if (t->status == LLMJ_OK)
        set_error(t, LLMJ_NOMEM, t->fl, "internal: path buffer exhausted");
    t->yajl_failed = 1;
    return 1;
}

/* A value begins at the current level: for an array element, write its
 * index segment (idempotent). */
static int value_begin(llmj_tracker *t)
{
    if (t->ydepth == 0)
        return 0;
    llmj__level *l = &t->lv[t->ydepth - 1];
    if (l->kind != '[' || l->written == l->index + 1)
        return 0;
    char num[24];
    size_t n = 0;
    size_t v = l->index;
    char tmp[24];
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    num[0] = '/';
    for (size_t i = 0; i < n; i++)
        num[1 + i] = tmp[n - 1 - i];
    ptr_truncate(t, l->ptr_len);
    if (put(&t->ptr, num, n + 1))
        return internal_fail(t);
    t->seg[t->ydepth - 1].key = NULL;
    t->seg[t->ydepth - 1].key_len = 0;
    t->seg[t->ydepth - 1].index = l->index;
    l->written = l->index + 1;
    return 0;
}

static void value_end(llmj_tracker *t)
{
    if (t->ydepth > 0 && t->lv[t->ydepth - 1].kind == '[')
        t->lv[t->ydepth - 1].index++;
}

static int scalar(llmj_tracker *t, llmj_event_type type, const char *text, size_t len)
{
    if (!t->cb || t->muted) {
        value_end(t);
        return 1;
    }
    if (value_begin(t))
        return 0;
    uint64_t end = ytok_end(t);
    span(t, end - len, end);
    emit(t, type, t->ydepth, text, len);
    value_end(t);
    return 1;
}

static int y_null(void *ctx)
{
    return scalar(ctx, LLMJ_EV_NULL, "null", 4);
}

static int y_boolean(void *ctx, int v)
{
    return v ? scalar(ctx, LLMJ_EV_TRUE, "true", 4) : scalar(ctx, LLMJ_EV_FALSE, "false", 5);
}

static int y_number(void *ctx, const char *s, size_t len)
{
    return scalar(ctx, LLMJ_EV_NUMBER, s, len);
}

static int y_string(void *ctx, const unsigned char *s, size_t len)
{
    llmj_tracker *t = ctx;
    if (!t->cb || t->muted) {
        t->chunked = 0;
        t->chunk_len = 0;
        value_end(t);
        return 1;
    }
    if (value_begin(t))
        return 0;
    uint64_t end = ytok_end(t);
    uint64_t start = ystring_start(t, end);
    span(t, start, end - 1);
    if (t->cfg.string_chunks) {
        /* The chunks delivered while the string was open, then the rest. */
        size_t done = t->chunked ? t->chunk_len : 0;
        if (done > len)
            done = len;
        if (len > done)
            emit(t, LLMJ_EV_STRING_CHUNK, t->ydepth, (const char *)s + done, len - done);
    }
    t->chunked = 0;
    t->chunk_len = 0;
    span(t, start, end);
    emit(t, LLMJ_EV_STRING, t->ydepth, (const char *)s, len);
    value_end(t);
    return 1;
}

static int y_start(llmj_tracker *t, unsigned char kind)
{
    if (value_begin(t))
        return 0;
    if (t->ydepth >= t->lv_cap)
        return !internal_fail(t);
    size_t d = t->ydepth;
    uint64_t end = ytok_end(t);
    span(t, end - 1, end);
    emit(t, kind == '{' ? LLMJ_EV_BEGIN_OBJECT : LLMJ_EV_BEGIN_ARRAY, d, NULL, 0);
    llmj__level *l = &t->lv[d];
    l->begin_off = end - 1;
    l->kind = kind;
    l->ptr_len = t->ptr.len;
    l->index = 0;
    l->written = 0;
    l->key_off = t->keys.len;
    t->seg[d].key = NULL;
    t->seg[d].key_len = 0;
    t->seg[d].index = 0;
    t->ydepth++;
    return 1;
}

static int y_end(llmj_tracker *t)
{
    if (t->ydepth == 0)
        return !internal_fail(t);
    t->ydepth--;
    llmj__level *l = &t->lv[t->ydepth];
    ptr_truncate(t, l->ptr_len);
    t->keys.len = l->key_off;
    span(t, l->begin_off, ytok_end(t));
    emit(t, l->kind == '{' ? LLMJ_EV_END_OBJECT : LLMJ_EV_END_ARRAY, t->ydepth, NULL, 0);
    value_end(t);
    return 1;
}

static int y_start_map(void *ctx)
{
    return y_start(ctx, '{');
}

static int y_start_array(void *ctx)
{
    return y_start(ctx, '[');
}

static int y_end_container(void *ctx)
{
    return y_end(ctx);
}

static int y_map_key(void *ctx, const unsigned char *key, size_t len)
{
    llmj_tracker *t = ctx;
    if (t->ydepth == 0)
        return !internal_fail(t);
    llmj__level *l = &t->lv[t->ydepth - 1];
    ptr_truncate(t, l->ptr_len);
    t->keys.len = l->key_off;
    if (put(&t->ptr, "/", 1))
        return !internal_fail(t);
    /* RFC 6901: '~' -> "~0", '/' -> "~1". */
    size_t from = 0;
    int plain = 1;
    for (size_t i = 0; i < len && plain; i++)
        plain = key[i] != '~' && key[i] != '/';
    for (size_t i = 0; !plain && i < len; i++) {
        if (key[i] == '~' || key[i] == '/') {
            if (put(&t->ptr, key + from, i - from) ||
                put(&t->ptr, key[i] == '~' ? "~0" : "~1", 2))
                return !internal_fail(t);
            from = i + 1;
        }
    }
    if (put(&t->ptr, key + from, len - from) || put(&t->keys, key, len))
        return !internal_fail(t);
    t->seg[t->ydepth - 1].key = t->keys.data + l->key_off;
    t->seg[t->ydepth - 1].key_len = len;
    t->seg[t->ydepth - 1].index = 0;
    uint64_t end = ytok_end(t);
    span(t, ystring_start(t, end), end);
    emit(t, LLMJ_EV_KEY, t->ydepth, (const char *)key, len);
    return 1;
}

static const yajl_callbacks k_ycb = {
    y_null, y_boolean, NULL, NULL, y_number, y_string,
    y_start_map, y_map_key, y_end_container, y_start_array, y_end_container,
};

/* Hand yajl n more bytes (complete tokens only), which sit at offset at of
 * the text; cont: they continue the bytes of the previous call (a token
 * may span both). */
static void yfeed_at(llmj_tracker *t, const unsigned char *p, size_t n, uint64_t at, int cont)
{
    if (n == 0 || t->yajl_failed)
        return;
    t->yprev = cont ? t->ycur : NULL;
    t->yprev_len = cont ? t->ycur_len : 0;
    t->yprev_base = t->ybase;
    t->ycur = p;
    t->ycur_len = n;
    t->ybase = at;
    yajl_status ys = yajl_parse(t->y, p, n);
    if (ys != yajl_status_ok) {
        /* The scanner is stricter than yajl, so this is not expected. */
        t->yajl_failed = 1;
        if (t->status == LLMJ_OK)
            set_error(t, LLMJ_INVALID, t->fl, "internal: yajl rejected what the scanner accepted");
    }
}

static int yajl_open(llmj_tracker *t)
{
    t->yaf.malloc = y_malloc;
    t->yaf.realloc = y_realloc;
    t->yaf.free = y_free;
    t->yaf.ctx = t;
    t->y = yajl_alloc(&k_ycb, &t->yaf, t);
    if (!t->y)
        return -1;
    /* The scanner already validated every string's UTF-8, more strictly. */
    yajl_config(t->y, yajl_dont_validate_strings, 1);
    return 0;
}

/* ---- reservations (made before the byte that needs them is taken) -------- */

static void refresh_segments(llmj_tracker *t)
{
    for (size_t i = 0; i < t->ydepth; i++)
        if (t->seg[i].key)
            t->seg[i].key = t->keys.data + t->lv[i].key_off;
}

static int reserve_levels(llmj_tracker *t, size_t need)
{
    if (need <= t->lv_cap)
        return 0;
    size_t cap = t->lv_cap ? t->lv_cap : 16;
    while (cap < need)
        cap = cap > SIZE_MAX / 4 ? need : cap * 2;
    if (cap > t->cfg.max_depth)
        cap = t->cfg.max_depth;
    if (cap < need)
        return -1;
    if (cap > SIZE_MAX / sizeof(llmj__level) || cap > SIZE_MAX / sizeof(llmj_segment))
        return -1;
    llmj__level *lv = llmj__realloc(&t->a, t->lv, cap * sizeof *lv);
    if (!lv)
        return -1;
    t->lv = lv;
    llmj_segment *seg = llmj__realloc(&t->a, t->seg, cap * sizeof *seg);
    if (!seg)
        return -1;
    t->seg = seg;
    size_t *closed = llmj__realloc(&t->a, t->closed, cap * sizeof *closed);
    if (!closed)
        return -1;
    t->closed = closed;
    char *closer = llmj__realloc(&t->a, t->closer, cap + 2);
    if (!closer)
        return -1;
    t->closer = closer;
    t->lv_cap = cap;
    return 0;
}

/* Make room for a pointer of ptr_bound bytes and keys of keys_bound bytes. */
static int reserve_path(llmj_tracker *t, size_t ptr_bound, size_t keys_bound)
{
    if (ptr_bound < t->ptr.cap && keys_bound < t->keys.cap)
        return 0;
    if (ptr_bound >= SIZE_MAX - 1 || keys_bound >= SIZE_MAX - 1)
        return -1;
    if (llmj__buf_reserve(&t->ptr, &t->a, ptr_bound + 1, SIZE_MAX))
        return -1;
    char *old = t->keys.data;
    if (llmj__buf_reserve(&t->keys, &t->a, keys_bound + 1, SIZE_MAX))
        return -1;
    if (t->keys.data != old)
        refresh_segments(t);
    return 0;
}

/* ---- repetition runaway ---------------------------------------------------
 * A rolling hash over the last bytes; every LLMJ_REP_STEP bytes (at absolute
 * offsets, so the result does not depend on piece sizes), while no period is
 * being followed, the last LLMJ_REP_WIN bytes are compared by hash with the
 * same window shifted by u = 1..64, and the smallest u that really matches
 * starts a run. The run is then followed byte by byte, O(1) per byte. */

#define REP_P 0x100000001b3ULL

/* Returns how many bytes to scan: n, or up to the byte that completed a
 * repetition run (then *hit is set to the run's first byte). */
static size_t rep_scan(llmj_tracker *t, const unsigned char *p, size_t n, uint64_t *hit)
{
    llmj__rep *r = t->rep;
    const uint64_t limit = t->cfg.repeat_limit;
    const uint64_t base = t->pos;
    const unsigned M = LLMJ_REP_RING - 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = base + i;
        unsigned char c = p[i];
        if (r->period) {
            if (c != r->ring[(at - r->period) & M])
                r->period = 0;
        }
        r->ring[at & M] = c;
        r->h = r->h * REP_P + c + 1;
        r->hash[at & M] = r->h;
        if (r->period) {
            if (at - r->start + 1 >= limit) {
                *hit = r->start;
                return i + 1;
            }
            continue;
        }
        if ((at + 1) % LLMJ_REP_STEP != 0 || at < LLMJ_REP_WIN + LLMJ_REP_MAXU)
            continue;
        /* window [at-63, at] against [at-63-u, at-u] */
        uint64_t cur = r->h - r->hash[(at - LLMJ_REP_WIN) & M] * r->pow_win;
        for (unsigned u = 1; u <= LLMJ_REP_MAXU; u++) {
            uint64_t e = at - u;
            uint64_t w = r->hash[e & M] - r->hash[(e - LLMJ_REP_WIN) & M] * r->pow_win;
            if (w != cur)
                continue;
            unsigned k = 0;
            while (k < LLMJ_REP_WIN && r->ring[(at - k) & M] == r->ring[(at - k - u) & M])
                k++;
            if (k < LLMJ_REP_WIN)
                continue;
            /* Found: extend the run backwards as far as the ring reaches. */
            uint64_t s = at - (LLMJ_REP_WIN - 1); /* S[q] == S[q-u] for q in [s, at] */
            uint64_t floor = at >= M ? at - M + 1 : 0;
            while (s - 1 >= floor + u && s >= 1 &&
                   r->ring[(s - 1) & M] == r->ring[(s - 1 - u) & M])
                s--;
            r->period = u;
            r->start = s - u;
            if (at - r->start + 1 >= limit) {
                *hit = r->start;
                return i + 1;
            }
            break;
        }
    }
    return n;
}

/* ---- the scanner ----------------------------------------------------------- */

static void value_done(llmj_tracker *t, uint64_t end, int *st)
{
    t->last_safe = end;
    *st = t->sdepth ? ST_AFTER : ST_DONE;
}

/* The whitespace-runaway limit W + I * d (saturating), d the containers open
 * at the run's first byte: no container opens or closes inside a run, so the
 * current depth is that d. */
static uint64_t ws_limit(const llmj_tracker *t)
{
    uint64_t w = t->cfg.whitespace_limit, i = t->cfg.whitespace_indent, d = t->sdepth;
    if (i && d > (UINT64_MAX - w) / i)
        return UINT64_MAX;
    return w + i * d;
}

/* Returns the number of bytes taken; sets t->status on a stop. */
static size_t scan(llmj_tracker *t, const unsigned char *p, size_t n)
{
    const uint64_t base = t->pos;
    const uint64_t wbase = t->cfg.whitespace_limit;
    const uint64_t maxtok = t->cfg.max_token;
    int st = t->st;
    size_t i = 0;

#define ABS ((uint64_t)(base + i))
#define FAIL(code, off, msg)                                                   \
    do {                                                                       \
        t->st = st;                                                            \
        set_error(t, (code), (off), (msg));                                    \
        return (size_t)((off) - base);                                         \
    } while (0)
#define NOMEM_STOP()                                                           \
    do {                                                                       \
        t->st = st;                                                            \
        set_error(t, LLMJ_NOMEM, ABS, "out of memory");                       \
        return i;                                                              \
    } while (0)

    while (i < n) {
        unsigned char c = p[i];

        /* A token may not grow past max_token bytes (a number's delimiter is
         * not part of it). */
        if (st >= ST_STR && ABS - t->tok >= maxtok &&
            !(LLMJ_IS_NUM_STATE(st) && !is_digit(c) && c != '.' && c != 'e' && c != 'E' &&
              c != '+' && c != '-'))
            FAIL(LLMJ_TOO_LONG, ABS, "token longer than max_token");

        switch (st) {
        case ST_STR: {
            size_t lim = n;
            uint64_t room = t->tok + maxtok - ABS;
            if (room < (uint64_t)(n - i))
                lim = i + (size_t)room;
            size_t j = str_plain_end(p, i, lim);
            if (j != i) {
                i = j;
                t->str_safe = ABS;
                continue;
            }
            if (c == '"') {
                if (t->is_key) {
                    /* The key's segment will need room in the pointer. */
                    llmj__level *l = &t->lv[t->sdepth - 1];
                    size_t raw = (size_t)(ABS - t->tok - 1);
                    size_t bound = 1 + 2 * raw;
                    size_t pb = t->ptr_bound - l->key_bound + bound;
                    if (reserve_path(t, pb, t->keys_bound - l->key_raw + raw))
                        NOMEM_STOP();
                    t->ptr_bound = pb;
                    t->keys_bound = t->keys_bound - l->key_raw + raw;
                    l->key_bound = bound;
                    l->key_raw = raw;
                    st = ST_COLON;
                } else {
                    value_done(t, ABS + 1, &st);
                }
                i++;
                break;
            }
            if (c == '\\') {
                st = ST_STR_ESC;
                i++;
                break;
            }
            if (c < 0x20)
                FAIL(LLMJ_INVALID, ABS, "control character in string");
            /* UTF-8 lead byte (RFC 3629: no overlongs, no surrogates, <= U+10FFFF) */
            if (c >= 0xC2 && c <= 0xDF) {
                t->u8_need = 1; t->u8_lo = 0x80; t->u8_hi = 0xBF;
            } else if (c == 0xE0) {
                t->u8_need = 2; t->u8_lo = 0xA0; t->u8_hi = 0xBF;
            } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
                t->u8_need = 2; t->u8_lo = 0x80; t->u8_hi = 0xBF;
            } else if (c == 0xED) {
                t->u8_need = 2; t->u8_lo = 0x80; t->u8_hi = 0x9F;
            } else if (c == 0xF0) {
                t->u8_need = 3; t->u8_lo = 0x90; t->u8_hi = 0xBF;
            } else if (c >= 0xF1 && c <= 0xF3) {
                t->u8_need = 3; t->u8_lo = 0x80; t->u8_hi = 0xBF;
            } else if (c == 0xF4) {
                t->u8_need = 3; t->u8_lo = 0x80; t->u8_hi = 0x8F;
            } else {
                FAIL(LLMJ_INVALID, ABS, "invalid UTF-8 in string");
            }
            st = ST_STR_UTF8;
            i++;
            break;
        }
        case ST_STR_UTF8:
            if (c < t->u8_lo || c > t->u8_hi)
                FAIL(LLMJ_INVALID, ABS, "invalid UTF-8 in string");
            t->u8_lo = 0x80;
            t->u8_hi = 0xBF;
            i++;
            if (--t->u8_need == 0) {
                st = ST_STR;
                t->str_safe = ABS;
            }
            break;
        case ST_STR_ESC:
            switch (c) {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
                st = ST_STR;
                i++;
                t->str_safe = ABS;
                break;
            case 'u':
                st = ST_STR_U;
                t->u_n = 0;
                t->u_val = 0;
                t->u_low = 0;
                i++;
                break;
            default:
                FAIL(LLMJ_INVALID, ABS, "invalid escape in string");
            }
            break;
        case ST_STR_U: {
            int h = hex_val(c);
            if (h < 0)
                FAIL(LLMJ_INVALID, ABS, "invalid \\u escape: hex digit expected");
            if (t->u_low) {
                /* must be DC00-DFFF */
                if ((t->u_n == 0 && h != 0xD) || (t->u_n == 1 && h < 0xC))
                    FAIL(LLMJ_INVALID, ABS, "unpaired surrogate: low surrogate escape expected");
            } else if (t->u_n == 1 && t->u_val == 0xD && h >= 0xC) {
                FAIL(LLMJ_INVALID, ABS, "unpaired low surrogate escape");
            }
            t->u_val = t->u_val * 16 + (unsigned)h;
            i++;
            if (++t->u_n == 4) {
                if (!t->u_low && t->u_val >= 0xD800 && t->u_val <= 0xDBFF) {
                    st = ST_STR_LOW1;
                } else {
                    st = ST_STR;
                    t->str_safe = ABS;
                }
            }
            break;
        }
        case ST_STR_LOW1:
            if (c != '\\')
                FAIL(LLMJ_INVALID, ABS, "unpaired high surrogate escape");
            st = ST_STR_LOW2;
            i++;
            break;
        case ST_STR_LOW2:
            if (c != 'u')
                FAIL(LLMJ_INVALID, ABS, "unpaired high surrogate escape");
            st = ST_STR_U;
            t->u_n = 0;
            t->u_val = 0;
            t->u_low = 1;
            i++;
            break;

        case ST_NUM_MINUS:
            if (c == '0')
                st = ST_NUM_ZERO;
            else if (c >= '1' && c <= '9')
                st = ST_NUM_INT;
            else
                FAIL(LLMJ_INVALID, ABS, "digit expected after '-'");
            i++;
            break;
        case ST_NUM_INT:
            while (i < n && is_digit(p[i]) && ABS - t->tok < maxtok)
                i++;
            if (i == n)
                break;
            c = p[i];
            if (is_digit(c))
                break; /* max_token, checked at the top */
            /* fall through */
        case ST_NUM_ZERO:
            if (c == '.') {
                st = ST_NUM_DOT;
                i++;
            } else if (c == 'e' || c == 'E') {
                st = ST_NUM_E;
                i++;
            } else if (is_digit(c)) {
                FAIL(LLMJ_INVALID, ABS, "leading zero in number");
            } else if (is_num_delim(c)) {
                value_done(t, ABS, &st); /* the delimiter is read next */
                t->num_end = ABS;
            } else {
                FAIL(LLMJ_INVALID, ABS, "invalid character after number");
            }
            break;
        case ST_NUM_DOT:
            if (!is_digit(c))
                FAIL(LLMJ_INVALID, ABS, "digit expected after '.'");
            st = ST_NUM_FRAC;
            i++;
            break;
        case ST_NUM_FRAC:
        case ST_NUM_EXP:
            if (is_digit(c)) {
                i++;
            } else if (st == ST_NUM_FRAC && (c == 'e' || c == 'E')) {
                st = ST_NUM_E;
                i++;
            } else if (is_num_delim(c)) {
                value_done(t, ABS, &st);
                t->num_end = ABS;
            } else {
                FAIL(LLMJ_INVALID, ABS, "invalid character after number");
            }
            break;
        case ST_NUM_E:
            if (c == '+' || c == '-') {
                st = ST_NUM_ESIGN;
                i++;
                break;
            }
            /* fall through */
        case ST_NUM_ESIGN:
            if (!is_digit(c))
                FAIL(LLMJ_INVALID, ABS, "digit expected in exponent");
            st = ST_NUM_EXP;
            i++;
            break;

        case ST_LIT:
            if (c != (unsigned char)t->lit[t->lit_i])
                FAIL(LLMJ_INVALID, ABS, "invalid literal");
            i++;
            if (t->lit[++t->lit_i] == '\0')
                value_done(t, ABS, &st);
            break;

        default: {
            /* Between tokens. */
            if (is_ws(c)) {
                do {
                    if (t->ws_len++ == 0)
                        t->ws_start = ABS;
                    if (c == '\n') {
                        t->line++;
                        t->line_start = ABS + 1;
                    }
                    i++;
                    if (wbase && t->ws_len >= ws_limit(t)) {
                        t->st = st;
                        t->runaway_at = t->ws_start;
                        t->status = LLMJ_RUNAWAY_WHITESPACE;
                        return i;
                    }
                } while (i < n && is_ws(c = p[i]));
                break;
            }
            t->ws_len = 0;
            int value_ok = (st == ST_VALUE || st == ST_ARR_OPEN);
            if (value_ok) {
                t->started = 1;
                switch (c) {
                case '{':
                case '[': {
                    if (t->sdepth >= t->cfg.max_depth)
                        FAIL(LLMJ_TOO_DEEP, ABS, "nesting deeper than max_depth");
                    size_t pb = t->ptr_bound + (c == '[' ? 21 : 0);
                    if (reserve_levels(t, t->sdepth + 1) || reserve_path(t, pb, t->keys_bound))
                        NOMEM_STOP();
                    llmj__level *l = &t->lv[t->sdepth];
                    l->skind = c;
                    l->key_bound = c == '[' ? 21 : 0;
                    l->key_raw = 0;
                    t->ptr_bound = pb;
                    t->sdepth++;
                    if (t->sdepth > t->max_depth_seen)
                        t->max_depth_seen = t->sdepth;
                    i++;
                    t->last_safe = ABS;
                    st = c == '{' ? ST_OBJ_OPEN : ST_ARR_OPEN;
                    continue;
                }
                case '"':
                    t->tok = ABS;
                    t->is_key = 0;
                    t->str_safe = ABS + 1;
                    st = ST_STR;
                    i++;
                    continue;
                case '-':
                    t->tok = ABS;
                    st = ST_NUM_MINUS;
                    i++;
                    continue;
                case 't':
                case 'f':
                case 'n':
                    t->tok = ABS;
                    t->lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
                    t->lit_i = 1;
                    st = ST_LIT;
                    i++;
                    continue;
                default:
                    if (is_digit(c)) {
                        t->tok = ABS;
                        st = c == '0' ? ST_NUM_ZERO : ST_NUM_INT;
                        i++;
                        continue;
                    }
                    break;
                }
            }
            if ((c == ']' && (st == ST_ARR_OPEN || (st == ST_AFTER && t->lv[t->sdepth - 1].skind == '['))) ||
                (c == '}' && (st == ST_OBJ_OPEN || (st == ST_AFTER && t->lv[t->sdepth - 1].skind == '{')))) {
                llmj__level *l = &t->lv[t->sdepth - 1];
                t->ptr_bound -= l->key_bound;
                t->keys_bound -= l->key_raw;
                t->sdepth--;
                i++;
                value_done(t, ABS, &st);
                continue;
            }
            if (c == '"' && (st == ST_OBJ_OPEN || st == ST_KEY)) {
                t->tok = ABS;
                t->is_key = 1;
                t->str_safe = ABS + 1;
                st = ST_STR;
                i++;
                continue;
            }
            if (c == ':' && st == ST_COLON) {
                st = ST_VALUE;
                i++;
                continue;
            }
            if (c == ',' && st == ST_AFTER) {
                st = t->lv[t->sdepth - 1].skind == '[' ? ST_VALUE : ST_KEY;
                i++;
                continue;
            }
            const char *msg;
            switch (st) {
            case ST_VALUE: msg = "value expected"; break;
            case ST_ARR_OPEN: msg = "value or ']' expected"; break;
            case ST_OBJ_OPEN: msg = "string key or '}' expected"; break;
            case ST_KEY: msg = "string key expected"; break;
            case ST_COLON: msg = "':' expected after key"; break;
            case ST_AFTER:
                msg = t->lv[t->sdepth - 1].skind == '[' ? "',' or ']' expected"
                                                         : "',' or '}' expected";
                break;
            default: msg = "unexpected data after the JSON value"; break;
            }
            FAIL(LLMJ_INVALID, ABS, msg);
        }
        }
    }
    t->st = st;
    return n;
#undef ABS
#undef FAIL
#undef NOMEM_STOP
}

/* ---- string chunks --------------------------------------------------------- */

static size_t put_utf8(char *o, unsigned cp)
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

static unsigned hex4(const unsigned char *s)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++)
        v = v * 16 + (unsigned)hex_val(s[k]);
    return v;
}

/* Deliver the decoded content of s[0:n] (whole characters of a string the
 * scanner has validated) as STRING_CHUNK events. */
static void emit_chunks(llmj_tracker *t, const unsigned char *s, size_t n)
{
    char out[512];
    size_t o = 0;
    size_t i = 0;
    while (i < n && !t->muted) {
        if (s[i] != '\\') {
            size_t run = 1;
            while (i + run < n && s[i + run] != '\\')
                run++;
            if (o == 0 && run >= sizeof out / 2) {
                emit(t, LLMJ_EV_STRING_CHUNK, t->ydepth, (const char *)s + i, run);
                t->chunk_len += run;
                i += run;
                continue;
            }
            size_t take = run < sizeof out - o ? run : sizeof out - o;
            if (take < run) /* do not split a UTF-8 sequence */
                while (take > 0 && (s[i + take] & 0xC0) == 0x80)
                    take--;
            memcpy(out + o, s + i, take);
            o += take;
            i += take;
            if (take < run) {
                emit(t, LLMJ_EV_STRING_CHUNK, t->ydepth, out, o);
                t->chunk_len += o;
                o = 0;
            }
            continue;
        }
        if (o + 4 > sizeof out) {
            emit(t, LLMJ_EV_STRING_CHUNK, t->ydepth, out, o);
            t->chunk_len += o;
            o = 0;
        }
        unsigned char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp = hex4(s + i);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo = hex4(s + i + 2);
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o += put_utf8(out + o, cp);
            break;
        }
        default: out[o++] = (char)e; break; /* " \ / */
        }
    }
    if (o && !t->muted) {
        emit(t, LLMJ_EV_STRING_CHUNK, t->ydepth, out, o);
        t->chunk_len += o;
    }
}

/* ---- feeding --------------------------------------------------------------- */

static int in_token(const llmj_tracker *t)
{
    return t->st >= ST_STR;
}

/* Where the bytes handed to yajl may end: before an unfinished token. */
static uint64_t flush_boundary(const llmj_tracker *t)
{
    return in_token(t) ? t->tok : t->pos;
}

/* Hand yajl the complete tokens still held: [fl, boundary). Also called
 * before a salvage, which needs the yajl side's container pointers. */
void llmj__flush(llmj_tracker *t)
{
    uint64_t boundary = flush_boundary(t);
    if (boundary <= t->fl || t->hold.len == 0)
        return;
    size_t k = (size_t)(boundary - t->fl);
    if (k > t->hold.len)
        k = t->hold.len;
    yfeed_at(t, (const unsigned char *)t->hold.data, k, t->fl, 0);
    memmove(t->hold.data, t->hold.data + k, t->hold.len - k);
    t->hold.len -= k;
    t->fl += k;
}

/* Without a callback nobody waits for events, so complete tokens are handed
 * to yajl in batches of this many bytes (one yajl call per tiny piece is
 * what makes small pieces slow), and always before a salvage or finish. */
#define LLMJ_DEFER_BYTES 4096

/* After a piece: hand yajl every complete token, keep the unfinished one,
 * and deliver the chunks of a string value still open. p[0:n] is the piece
 * as taken (n <= its length); t->pos is already past it. */
static void after_piece(llmj_tracker *t, const unsigned char *p, size_t n, int number_closed)
{
    const uint64_t base = t->pos - n;
    uint64_t boundary = flush_boundary(t);

    if (!t->cb && t->status == LLMJ_OK && boundary - t->fl < LLMJ_DEFER_BYTES) {
        uint64_t from = t->fl > base ? t->fl : base;
        if (llmj__buf_append(&t->hold, &t->a, p + (from - base), (size_t)(t->pos - from),
                             SIZE_MAX) == 0)
            return;
        /* no room to defer: hand over now, keep only the unfinished token */
    }

    if (boundary > t->fl) {
        if (t->hold.len && boundary <= base) {
            llmj__flush(t); /* the boundary lies in the held bytes */
        } else if (t->hold.len) {
            /* The held bytes end inside a token that ended in this piece:
             * two calls, so yajl lexes it once (it buffers a token that
             * spans calls). */
            yfeed_at(t, (const unsigned char *)t->hold.data, t->hold.len, t->fl, 0);
            yfeed_at(t, p, (size_t)(boundary - base), base, 1);
            t->hold.len = 0;
        } else {
            yfeed_at(t, p + (t->fl - base), (size_t)(boundary - t->fl), t->fl, 0);
        }
        t->fl = boundary;
    }
    if (number_closed)
        yfeed_at(t, (const unsigned char *)" ", 1, t->fl, 0);

    /* Keep [fl, pos) for the next piece (at most max_token bytes). If that
     * fails the tracker stops here: its scanner state, and so the salvage,
     * still cover the whole piece. */
    if (t->pos > t->fl) {
        uint64_t from = t->fl > base ? t->fl : base;
        if (llmj__buf_append(&t->hold, &t->a, p + (from - base), (size_t)(t->pos - from),
                             SIZE_MAX)) {
            /* After a stop in this piece the stop's error (and so the
             * salvage) stays; the status says the last chunks were lost. */
            if (t->status == LLMJ_OK)
                set_error(t, LLMJ_NOMEM, t->pos, "out of memory");
            else
                t->status = LLMJ_NOMEM;
            return;
        }
    }

    /* Also when the piece stopped inside the string (an error, a runaway):
     * the whole characters before the stop are delivered at any split. */
    if (t->cb && t->cfg.string_chunks && !t->muted && in_token(t) &&
        t->st <= ST_STR_LOW2 && !t->is_key) {
        uint64_t from = t->chunked ? t->chunk_raw : t->tok + 1;
        /* The first delivery may be empty (the piece ended right after the
         * opening quote or inside an escape): a live view learns the string
         * has begun, as the greedy salvage shows it ("" so far). */
        if (t->str_safe > from || !t->chunked) {
            if (!t->chunked) {
                t->chunked = 1;
                t->chunk_len = 0;
            }
            if (value_begin(t) == 0) {
                span(t, t->tok, t->str_safe);
                if (t->str_safe > from)
                    emit_chunks(t, (const unsigned char *)t->hold.data + (from - t->fl),
                                (size_t)(t->str_safe - from));
                else
                    emit(t, LLMJ_EV_STRING_CHUNK, t->ydepth, "", 0);
            }
            t->chunk_raw = t->str_safe;
        }
    }
}

llmj_status llmj_tracker_feed(llmj_tracker *t, const void *buf, size_t len)
{
    if (!t || (!buf && len))
        return LLMJ_MISUSE;
    if (t->finished)
        return LLMJ_MISUSE;
    if (t->status != LLMJ_OK)
        return t->status;
    if (!t->y)
        return t->status = LLMJ_NOMEM;
    if (len == 0)
        return LLMJ_OK;
    const unsigned char *p = buf;

    /* keep_text keeps everything: reserve before taking anything. */
    if (t->cfg.keep_text && (len > SIZE_MAX - t->text.len - 1 ||
                             llmj__buf_reserve(&t->text, &t->a, t->text.len + len + 1, SIZE_MAX))) {
        set_error(t, LLMJ_NOMEM, t->pos, "out of memory");
        return t->status;
    }

    size_t n = len;
    uint64_t rep_hit = UINT64_MAX;
    if (t->rep)
        n = rep_scan(t, p, len, &rep_hit);
    size_t took = scan(t, p, n);
    if (t->status == LLMJ_OK && rep_hit != UINT64_MAX) {
        /* The run's last byte was taken with no error before it. */
        t->status = LLMJ_RUNAWAY_REPEAT;
        t->runaway_at = rep_hit;
    }
    if (t->status == LLMJ_RUNAWAY_REPEAT || t->status == LLMJ_RUNAWAY_WHITESPACE)
        t->runaway_kind = t->status;
    /* e.g. {"a":1] : the 1 is complete (its delimiter is the error);
     * yajl needs a delimiter to deliver it. */
    int number_closed = t->status == LLMJ_INVALID && t->num_end == t->pos + took;
    if (t->cfg.keep_text) {
        memcpy(t->text.data + t->text.len, p, took);
        t->text.len += took;
        t->text.data[t->text.len] = '\0';
    }
    t->pos += took;
    after_piece(t, p, took, number_closed);
    if (t->muted && t->status == LLMJ_OK)
        t->status = LLMJ_ABORTED;
    return t->status;
}

llmj_status llmj_tracker_finish(llmj_tracker *t, llmj_end end)
{
    if (!t)
        return LLMJ_MISUSE;
    if (t->finished)
        return LLMJ_MISUSE;
    t->finished = 1;
    llmj__flush(t);
    if (t->status != LLMJ_OK)
        return t->status;
    if (end == LLMJ_END_NORMAL && t->sdepth == 0 &&
        (t->st == ST_NUM_ZERO || t->st == ST_NUM_INT || t->st == ST_NUM_FRAC ||
         t->st == ST_NUM_EXP)) {
        /* A top-level number that ends the text is complete. */
        int st = t->st;
        value_done(t, t->pos, &st);
        t->st = st;
        yfeed_at(t, (const unsigned char *)t->hold.data, t->hold.len, t->fl, 0);
        t->hold.len = 0;
        t->fl = t->pos;
        t->ybase = t->pos; /* yajl_complete_parse reads one virtual byte there */
        t->ycur = NULL;
        t->yprev = NULL;
        if (!t->yajl_failed && yajl_complete_parse(t->y) != yajl_status_ok) {
            t->yajl_failed = 1;
            if (t->status == LLMJ_OK)
                set_error(t, LLMJ_INVALID, t->pos, "internal: yajl rejected the final number");
        }
    }
    if (t->muted && t->status == LLMJ_OK)
        t->status = LLMJ_ABORTED;
    if (t->status != LLMJ_OK)
        return t->status;
    if (t->st == ST_DONE)
        return LLMJ_OK;
    if (!t->started)
        return LLMJ_EMPTY;
    return LLMJ_TRUNCATED;
}

/* ---- life cycle ------------------------------------------------------------ */

static void state_init(llmj_tracker *t)
{
    t->status = LLMJ_OK;
    memset(&t->err, 0, sizeof t->err);
    t->err.message = "";
    t->errmsg[0] = '\0';
    t->finished = 0;
    t->pos = 0;
    t->st = ST_VALUE;
    t->started = 0;
    t->is_key = 0;
    t->tok = 0;
    t->str_safe = 0;
    t->last_safe = 0;
    t->line = 1;
    t->line_start = 0;
    t->ws_start = 0;
    t->ws_len = 0;
    t->runaway_at = UINT64_MAX;
    t->runaway_kind = LLMJ_OK;
    t->sdepth = 0;
    t->max_depth_seen = 0;
    t->ptr_bound = 0;
    t->keys_bound = 0;
    t->fl = 0;
    t->hold.len = 0;
    t->ydepth = 0;
    t->yajl_failed = 0;
    t->muted = 0;
    t->num_end = UINT64_MAX;
    t->chunked = 0;
    t->chunk_raw = 0;
    t->chunk_len = 0;
    t->chunk_any = 0;
    t->text.len = 0;
    t->repair.len = 0;
    t->repair_valid = 0;
    if (t->ptr.cap) {
        t->ptr.len = 0;
        t->ptr.data[0] = '\0';
    }
    t->keys.len = 0;
    if (t->rep) {
        uint64_t pw = t->rep->pow_win;
        memset(t->rep, 0, sizeof *t->rep);
        t->rep->pow_win = pw;
    }
}

llmj_status llmj_tracker_new(llmj_tracker **out, const llmj_config *cfg, llmj_event_cb cb,
                             void *ctx)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_config c;
    if (cfg)
        c = *cfg;
    else
        llmj_config_init(&c);
    if (c.max_depth < 1 || c.max_token < 16 || (c.repeat_limit && c.repeat_limit < 128))
        return LLMJ_BAD_OPTION;
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, &c.alloc))
        return LLMJ_BAD_OPTION;

    llmj_tracker *t = llmj__malloc(&a, sizeof *t);
    if (!t)
        return LLMJ_NOMEM;
    memset(t, 0, sizeof *t);
    t->cfg = c;
    t->a = a;
    t->cb = cb;
    t->ctx = ctx;
    if (c.repeat_limit) {
        t->rep = llmj__malloc(&a, sizeof *t->rep);
        if (!t->rep)
            goto nomem;
        memset(t->rep, 0, sizeof *t->rep);
        uint64_t pw = 1;
        for (int k = 0; k < LLMJ_REP_WIN; k++)
            pw *= REP_P;
        t->rep->pow_win = pw;
    }
    if (reserve_levels(t, 16 < c.max_depth ? 16 : c.max_depth) || reserve_path(t, 64, 64))
        goto nomem;
    state_init(t);
    if (yajl_open(t))
        goto nomem;
    *out = t;
    return LLMJ_OK;
nomem:
    llmj_tracker_free(t);
    return LLMJ_NOMEM;
}

void llmj_tracker_free(llmj_tracker *t)
{
    if (!t)
        return;
    if (t->y)
        yajl_free(t->y);
    llmj_allocator a = t->a;
    llmj__free(&a, t->lv);
    llmj__free(&a, t->seg);
    llmj__free(&a, t->closed);
    llmj__free(&a, t->closer);
    llmj__free(&a, t->rep);
    llmj__buf_free(&t->hold, &a);
    llmj__buf_free(&t->ptr, &a);
    llmj__buf_free(&t->keys, &a);
    llmj__buf_free(&t->text, &a);
    llmj__buf_free(&t->repair, &a);
    llmj__free(&a, t);
}

llmj_status llmj_tracker_reset(llmj_tracker *t)
{
    if (!t)
        return LLMJ_MISUSE;
    if (t->y)
        yajl_free(t->y);
    t->y = NULL;
    state_init(t);
    if (yajl_open(t)) {
        t->status = LLMJ_NOMEM;
        return LLMJ_NOMEM;
    }
    return LLMJ_OK;
}

/* ---- state accessors ------------------------------------------------------- */

llmj_status llmj_tracker_status(const llmj_tracker *t)
{
    return t ? t->status : LLMJ_MISUSE;
}

const llmj_error *llmj_tracker_error(const llmj_tracker *t)
{
    return t ? &t->err : NULL;
}

size_t llmj_tracker_depth(const llmj_tracker *t)
{
    return t ? t->sdepth : 0;
}

size_t llmj_tracker_max_depth(const llmj_tracker *t)
{
    return t ? t->max_depth_seen : 0;
}

uint64_t llmj_tracker_bytes(const llmj_tracker *t)
{
    return t ? t->pos : 0;
}

uint64_t llmj_tracker_whitespace_run(const llmj_tracker *t)
{
    return t && t->st < ST_STR ? t->ws_len : 0;
}

uint64_t llmj_tracker_runaway_offset(const llmj_tracker *t)
{
    return t ? t->runaway_at : UINT64_MAX;
}

const char *llmj_tracker_text(const llmj_tracker *t, size_t *len)
{
    if (!t || !t->cfg.keep_text) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = t->text.len;
    return t->text.data ? t->text.data : "";
}

llmj_status llmj_tracker_salvage(llmj_tracker *t, llmj_salvage_mode mode, llmj_salvage *out)
{
    if (!t || !out)
        return LLMJ_MISUSE;
    llmj__flush(t);
    return llmj__salvage(t, mode, out);
}

