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
 * overlong UTF-8, unpaired surrogate escapes). Without a callback
 * (quiet) nothing reads a string value on the yajl side, so yajl is handed
 * each one as "" once the scanner has validated it (see "the quiet yajl
 * side" below). */
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "tracker_int.h"
#include "unicode.h"

/* ---- character classes ---------------------------------------------------- */

/* 1 for bytes that end the plain run inside a string: '"', '\\', controls,
 * and every non-ASCII byte (the special mask of src/scan.h, byte by byte). */
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

static inline unsigned ctz64(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
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

/* memcpy(d, s, k), without a call for the few bytes of a token-sized piece
 * or a key. */
static inline void copy_small(char *d, const unsigned char *s, size_t k)
{
    if (k - 4 <= 4) { /* 4..8 */
        memcpy(d, s, 4);
        memcpy(d + k - 4, s + k - 4, 4);
    } else if (k - 8 <= 8) { /* 9..16 */
        memcpy(d, s, 8);
        memcpy(d + k - 8, s + k - 8, 8);
    } else if (k < 4) {
        for (size_t j = 0; j < k; j++)
            d[j] = (char)s[j];
    } else {
        memcpy(d, s, k);
    }
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

/* 1 when no byte of the readable text in [from, to) is a backslash. */
static int ybytes_plain(const llmj_tracker *t, uint64_t from, uint64_t to)
{
    if (from >= to)
        return 1;
    if (from < t->ybase) { /* the part in yprev */
        uint64_t e = to < t->ybase ? to : t->ybase;
        if (memchr(t->yprev + (from - t->yprev_base), '\\', (size_t)(e - from)))
            return 0;
        from = e;
    }
    return from >= to || !memchr(t->ycur + (from - t->ybase), '\\', (size_t)(to - from));
}

/* Inside a yajl callback for a string or key of decoded length len ending
 * at end (after its closing quote): its opening quote. Without escapes it
 * sits len + 2 bytes before end: when that byte is a '"' and no backslash
 * follows it in the string, it is the opening quote (an escaped quote
 * there would need more escape bytes before it than the bytes before it
 * can hold). Otherwise it is found backwards (the byte before an unescaped
 * '"' is never a backslash outside a string, so the first '"' preceded by
 * an even run of backslashes is the opening one). */
static uint64_t ystring_start(const llmj_tracker *t, uint64_t end, size_t len)
{
    /* the readable bytes: [lo, ybase) in yprev, [ybase, ybase + ycur_len) */
    uint64_t lo = t->yprev ? t->yprev_base : t->ybase;
    if (t->yprev && t->yprev_base + t->yprev_len != t->ybase)
        lo = t->ybase; /* not contiguous: only the current buffer */
#define YBYTE(o) ((o) >= t->ybase ? t->ycur[(o) - t->ybase] : t->yprev[(o) - t->yprev_base])
    if (!t->ycur || end < lo + 2)
        return lo;
    if (end - lo >= (uint64_t)len + 2) {
        uint64_t q = end - 2 - len;
        if (YBYTE(q) == '"' && ybytes_plain(t, q + 1, end - 1))
            return q;
    }
    for (uint64_t i = end - 1; i > lo;) {
        /* the previous '"', a segment at a time */
        if (i > t->ybase) {
            uint64_t seg = lo > t->ybase ? lo : t->ybase;
            while (i > seg && t->ycur[i - 1 - t->ybase] != '"')
                i--;
            if (i == seg)
                continue; /* on to yprev (or done) */
        } else {
            while (i > lo && t->yprev[i - 1 - t->yprev_base] != '"')
                i--;
            if (i == lo)
                break;
        }
        i--; /* YBYTE(i) == '"' */
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

/* Append "/" + the decimal index to the pointer. */
static int put_index_segment(llmj_tracker *t, size_t index)
{
    char num[24];
    size_t n = 0;
    size_t v = index;
    char tmp[24];
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    num[0] = '/';
    for (size_t i = 0; i < n; i++)
        num[1 + i] = tmp[n - 1 - i];
    return put(&t->ptr, num, n + 1);
}

/* Append "/" + the key, escaped by RFC 6901 ('~' -> "~0", '/' -> "~1"), to
 * the pointer. */
static int put_key_segment(llmj_tracker *t, const unsigned char *key, size_t len)
{
    if (put(&t->ptr, "/", 1))
        return -1;
    size_t from = 0;
    int plain = 1;
    for (size_t i = 0; i < len && plain; i++)
        plain = key[i] != '~' && key[i] != '/';
    for (size_t i = 0; !plain && i < len; i++) {
        if (key[i] == '~' || key[i] == '/') {
            if (put(&t->ptr, key + from, i - from) ||
                put(&t->ptr, key[i] == '~' ? "~0" : "~1", 2))
                return -1;
            from = i + 1;
        }
    }
    return put(&t->ptr, key + from, len - from);
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
    ptr_truncate(t, l->ptr_len);
    if (put_index_segment(t, l->index))
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
    uint64_t start = ystring_start(t, end, len);
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
    if (put_key_segment(t, key, len) || put(&t->keys, key, len))
        return !internal_fail(t);
    t->seg[t->ydepth - 1].key = t->keys.data + l->key_off;
    t->seg[t->ydepth - 1].key_len = len;
    t->seg[t->ydepth - 1].index = 0;
    uint64_t end = ytok_end(t);
    span(t, ystring_start(t, end, len), end);
    emit(t, LLMJ_EV_KEY, t->ydepth, (const char *)key, len);
    return 1;
}

static const yajl_callbacks k_ycb = {
    y_null, y_boolean, NULL, NULL, y_number, y_string,
    y_start_map, y_map_key, y_end_container, y_start_array, y_end_container,
};

/* ---- the quiet yajl side (no callback) ---------------------------------------
 * Only containers and keys: yajl decodes no string value and calls nothing
 * for scalars. A salvage's pointers are written by quiet_path(), from the
 * keys and the scanner's array indexes (sidx), when it asks for them.
 *
 * Nothing reads a string value's content there, so yajl is not given it:
 * every string value reaches yajl as "" (q_open(), at its opening quote),
 * the rest of the text (structure, keys, numbers, literals) byte for byte.
 * yajl still parses every token of the document's structure in order; what
 * it skips is the per-byte lexing of string contents that the scanner has
 * already done more strictly (escapes, UTF-8, controls, max_token). Every
 * status, error, offset and salvage comes from the scanner (and the
 * containers and keys from yajl), so they are the same as with the whole
 * text: tests/test_scan.c compares the quiet and the callback trackers'
 * salvages at every piece. hold is then that shortened stream: complete
 * tokens, then the raw bytes of an unfinished key, number or literal
 * (quiet_pending()); an unfinished string value is already there as "".
 * It is handed to yajl in batches of about LLMJ_DEFER_BYTES (one yajl call
 * per tiny piece is what makes small pieces slow), and always before a
 * salvage or finish. */

/* Without a callback nobody waits for events, so complete tokens are handed
 * to yajl in batches of this many bytes (t->q_defer). */
#define LLMJ_DEFER_BYTES 4096
/* A stretch between string values longer than this (t->q_direct) goes to
 * yajl from the piece, not through hold; hold's room (q_hold(), reserved by
 * the first feed_scan). */
#define LLMJ_Q_DIRECT 512

static inline size_t q_hold(const llmj_tracker *t)
{
    return t->q_defer + t->q_direct + 64;
}

static int q_start(llmj_tracker *t, unsigned char kind)
{
    if (t->ydepth >= t->lv_cap)
        return !internal_fail(t);
    llmj__level *l = &t->lv[t->ydepth++];
    l->kind = kind;
    l->key_off = t->keys.len;
    t->ptr_stale = 1;
    return 1;
}

static int q_start_map(void *ctx)
{
    return q_start(ctx, '{');
}

static int q_start_array(void *ctx)
{
    return q_start(ctx, '[');
}

static int q_end(void *ctx)
{
    llmj_tracker *t = ctx;
    if (t->ydepth == 0)
        return !internal_fail(t);
    t->ydepth--;
    t->keys.len = t->lv[t->ydepth].key_off;
    t->ptr_stale = 1;
    return 1;
}

static int q_map_key(void *ctx, const unsigned char *key, size_t len)
{
    llmj_tracker *t = ctx;
    if (t->ydepth == 0)
        return !internal_fail(t);
    llmj__buf *b = &t->keys;
    b->len = t->lv[t->ydepth - 1].key_off;
    if (b->len + len + 1 > b->cap)
        return !internal_fail(t);
    copy_small(b->data + b->len, key, len);
    b->len += len;
    return 1;
}

static const yajl_callbacks k_ycb_quiet = {
    NULL, NULL, NULL, NULL, NULL, NULL, q_start_map, q_map_key, q_end, q_start_array, q_end,
};

/* Quiet: write the pointer of every open container (lv[].ptr_len) and, in
 * ptr, the innermost one's; an open container's key or index in its parent
 * cannot change while it is open. The room was reserved by the scanner. */
static void quiet_path(llmj_tracker *t)
{
    if (!t->ptr.cap)
        return;
    ptr_truncate(t, 0);
    for (size_t j = 0; j < t->ydepth; j++) {
        llmj__level *l = &t->lv[j];
        l->ptr_len = t->ptr.len;
        if (j + 1 == t->ydepth)
            break;
        int rc = l->kind == '['
                     ? put_index_segment(t, l->sidx)
                     : put_key_segment(t, (const unsigned char *)t->keys.data + l->key_off,
                                       t->lv[j + 1].key_off - l->key_off);
        if (rc) { /* not expected: the scanner reserved the room */
            internal_fail(t);
            break;
        }
    }
    t->ptr_stale = 0;
}

/* Hand yajl n more bytes (complete tokens only), which sit at offset at of
 * the text; cont: they continue the bytes of the previous call (a token
 * may span both). */
static void yfeed_at(llmj_tracker *t, const unsigned char *p, size_t n, uint64_t at, int cont)
{
    if (n == 0 || t->yajl_failed || !t->y)
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

/* Quiet: the raw bytes at hold's end that belong to the unfinished token
 * (a key, number or literal; a string value's "" is complete). */
static inline uint64_t quiet_pending(const llmj_tracker *t)
{
    if (t->st < ST_STR || (t->st <= ST_STR_LOW2 && !t->is_key))
        return 0;
    return t->pos - t->tok;
}

/* Quiet: hand yajl hold but its last keep bytes. */
static void quiet_flush(llmj_tracker *t, uint64_t keep)
{
    llmj__buf *h = &t->hold;
    if (h->len <= keep)
        return;
    size_t k = h->len - (size_t)keep;
    yfeed_at(t, (const unsigned char *)h->data, k, t->fl, 0);
    memmove(h->data, h->data + k, (size_t)keep);
    h->len = (size_t)keep;
}

/* Quiet, at a string value's opening quote (inside the scanner, which does
 * not allocate): s[0:k] (the text since q_from, complete tokens) and ""
 * to the stream; the string's content and closing quote are skipped. */
static void q_open(llmj_tracker *t, const unsigned char *s, size_t k)
{
    llmj__buf *h = &t->hold;
    if (k > t->q_direct || h->cap - h->len < k + 2) {
        quiet_flush(t, 0);
        if (k > t->q_direct || h->cap < k + 2) {
            yfeed_at(t, s, k, t->fl, 0);
            k = 0;
        }
        if (h->cap < 2) { /* not expected: feed_scan reserved it */
            yfeed_at(t, (const unsigned char *)"\"\"", 2, t->fl, 0);
            t->q_from = LLMJ_Q_SKIP;
            return;
        }
    }
    copy_small(h->data + h->len, s, k);
    h->data[h->len + k] = '"';
    h->data[h->len + k + 1] = '"';
    h->len += k + 2;
    t->q_from = LLMJ_Q_SKIP;
}

static int yajl_open(llmj_tracker *t)
{
    /* yajl never sees a refusal: see llmj__yajl_malloc() (alloc.h) */
    t->yaf.malloc = llmj__yajl_malloc;
    t->yaf.realloc = llmj__yajl_realloc;
    t->yaf.free = llmj__yajl_free;
    t->yaf.ctx = &t->a;
    t->y = yajl_alloc(t->quiet ? &k_ycb_quiet : &k_ycb, &t->yaf, t);
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
    size_t cap = t->lv_cap ? t->lv_cap : 4;
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
    if (t->keys.data != old && !t->quiet)
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
    uint64_t w = t->cfg.whitespace_limit, id, sum;
    if (__builtin_mul_overflow((uint64_t)t->cfg.whitespace_indent, (uint64_t)t->sdepth, &id) ||
        __builtin_add_overflow(w, id, &sum))
        return UINT64_MAX;
    return sum;
}

static const char *unexpected_msg(const llmj_tracker *t, int st)
{
    switch (st) {
    case ST_VALUE: return "value expected";
    case ST_ARR_OPEN: return "value or ']' expected";
    case ST_OBJ_OPEN: return "string key or '}' expected";
    case ST_KEY: return "string key expected";
    case ST_COLON: return "':' expected after key";
    case ST_AFTER:
        return t->lv[t->sdepth - 1].skind == '[' ? "',' or ']' expected" : "',' or '}' expected";
    default: return "unexpected data after the JSON value";
    }
}

/* The LFs of p[i:j] (whitespace at offset base + i): lines and their starts. */
static inline void count_lines(llmj_tracker *t, const unsigned char *p, size_t i, size_t j,
                               uint64_t base)
{
    for (size_t k = i; k < j; k++)
        if (p[k] == '\n') {
            t->line++;
            t->line_start = base + k + 1;
        }
}

/* Reserve what a container opening at depth sdepth needs (the fast check
 * inline, the growth in the functions). */
static inline int reserve_open(llmj_tracker *t, size_t pb)
{
    if (t->sdepth + 1 <= t->lv_cap && pb < t->ptr.cap && t->keys_bound < t->keys.cap)
        return 0;
    return reserve_levels(t, t->sdepth + 1) || reserve_path(t, pb, t->keys_bound);
}

/* The classifier of the path (a constant in each copy of the scanner). */
#ifdef LLMJ__SCAN_X86
#define CLASSIFY(path, q)                                                      \
    ((path) == LLMJ__SCAN_AVX2   ? llmj__classify_avx2(q)                      \
     : (path) == LLMJ__SCAN_SSE2 ? llmj__classify_sse2(q)                      \
                                 : llmj__classify_portable(q))
#else
#define CLASSIFY(path, q) ((void)(path), llmj__classify_portable(q))
#endif

/* Returns the number of bytes taken; sets t->status on a stop.
 *
 * The scanner jumps between labels, one per place in the grammar, so the
 * state it is in is where the code is (st follows, for the stops and the
 * piece's end):
 * - L_VALUE, L_ARR_OPEN, L_OBJ_OPEN, L_KEY, L_COLON, L_AFTER, L_DONE: between
 *   tokens (st < ST_STR), each testing only the bytes it can accept, and ws
 *   for a whitespace run;
 * - string (st == ST_STR): plain runs skipped by the masks; escapes and
 *   UTF-8 sequences that are whole before the token's limit checked in
 *   place;
 * - slow (every other token state), byte by byte: numbers, literals split
 *   by the piece, and whatever part of a string the fast path left (a split
 *   escape or sequence, an error).
 *
 * Where the piece has 64 bytes or more it is read through blocks of masks
 * (src/scan.h): m holds the masks of p[bb:bb+64], be = bb + 64 (0: none
 * yet); a block starts at the byte that needs it, or at n - 64 at the
 * piece's end, so it never reads past the piece. Shorter pieces are read
 * byte by byte with the same classes.
 *
 * ws_len is set to 0 where a run ends before a byte of this piece (not at
 * every byte between tokens): it is non-zero only while the last byte taken
 * was whitespace between tokens. */
static inline __attribute__((always_inline)) size_t scan_impl(llmj_tracker *t,
                                                              const unsigned char *p, size_t n,
                                                              int path, int small)
{
    /* small: n < 64, blocks compiled out */
    const int blocks = !small && n >= 64;
    const uint64_t base = t->pos;
    llmj__masks m = { 0, 0 };
    size_t bb = 0, be = 0;
    int st = t->st;
    size_t i = 0;
    unsigned char c;

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
#define BLOCK_AT(k)                                                            \
    do {                                                                       \
        bb = n - (k) >= 64 ? (k) : n - 64;                                     \
        be = bb + 64;                                                          \
        m = CLASSIFY(path, p + bb);                                            \
    } while (0)
/* A value ended at end: after it, ',' or a closer, or nothing at the top. */
#define VALUE_DONE(end)                                                        \
    do {                                                                       \
        t->last_safe = (end);                                                  \
        if (t->sdepth) {                                                       \
            st = ST_AFTER;                                                     \
            goto L_AFTER;                                                      \
        }                                                                      \
        st = ST_DONE;                                                          \
        goto L_DONE;                                                           \
    } while (0)

    if (n == 0)
        goto done;
    if (t->ws_len && st < ST_STR && !is_ws(p[0]))
        t->ws_len = 0; /* the run of the last piece ended there */
resume:
    if (st == ST_STR)
        goto string;
    switch (st) {
    case ST_VALUE: goto L_VALUE;
    case ST_ARR_OPEN: goto L_ARR_OPEN;
    case ST_OBJ_OPEN: goto L_OBJ_OPEN;
    case ST_KEY: goto L_KEY;
    case ST_COLON: goto L_COLON;
    case ST_AFTER: goto L_AFTER;
    case ST_DONE: goto L_DONE;
    case ST_STR: goto string;
    default: goto slow;
    }

    /* ---- between tokens ---- */
L_VALUE:
    if (i >= n)
        goto done;
    c = p[i];
    goto value_start;
L_ARR_OPEN:
    if (i >= n)
        goto done;
    c = p[i];
    if (c == ']')
        goto close;
value_start: /* st is ST_VALUE or ST_ARR_OPEN, c = p[i] */
    if (c == '"') {
        t->started = 1;
        t->is_key = 0;
        if (t->quiet) /* yajl gets "" for it (the quiet yajl side) */
            q_open(t, p + (size_t)(t->q_from - base), (size_t)(ABS - t->q_from));
        goto str_begin;
    }
    if (is_ws(c))
        goto ws;
    t->started = 1;
    switch (c) {
    case '{':
    case '[': {
        if (t->sdepth >= t->cfg.max_depth)
            FAIL(LLMJ_TOO_DEEP, ABS, "nesting deeper than max_depth");
        size_t pb = t->ptr_bound + (c == '[' ? 21 : 0);
        if (reserve_open(t, pb))
            NOMEM_STOP();
        llmj__level *l = &t->lv[t->sdepth];
        l->skind = c;
        l->key_bound = c == '[' ? 21 : 0;
        l->key_raw = 0;
        l->sidx = 0;
        t->ptr_bound = pb;
        t->sdepth++;
        if (t->sdepth > t->max_depth_seen)
            t->max_depth_seen = t->sdepth;
        i++;
        t->last_safe = ABS;
        if (c == '{') {
            st = ST_OBJ_OPEN;
            goto L_OBJ_OPEN;
        }
        st = ST_ARR_OPEN;
        goto L_ARR_OPEN;
    }
    case '-':
        t->tok = ABS;
        st = ST_NUM_MINUS;
        i++;
        goto slow;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        t->tok = ABS;
        st = c == '0' ? ST_NUM_ZERO : ST_NUM_INT;
        i++;
        goto slow;
    case 't':
    case 'f':
    case 'n': {
        const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t len = c == 'f' ? 5 : 4;
        t->tok = ABS;
        if (n - i >= len && p[i + 1] == lit[1] && p[i + 2] == lit[2] && p[i + 3] == lit[3] &&
            (len == 4 || p[i + 4] == lit[4])) {
            i += len;
            VALUE_DONE(ABS);
        }
        t->lit = lit;
        t->lit_i = 1;
        st = ST_LIT;
        i++;
        goto slow;
    }
    default:
        goto unexpected;
    }
L_OBJ_OPEN:
    if (i >= n)
        goto done;
    c = p[i];
    if (c == '"')
        goto key_begin;
    if (c == '}')
        goto close;
    if (is_ws(c))
        goto ws;
    goto unexpected;
L_KEY:
    if (i >= n)
        goto done;
    c = p[i];
    if (c == '"')
        goto key_begin;
    if (is_ws(c))
        goto ws;
    goto unexpected;
L_COLON:
    if (i >= n)
        goto done;
    c = p[i];
    if (c == ':') {
        st = ST_VALUE;
        i++;
        goto L_VALUE;
    }
    if (is_ws(c))
        goto ws;
    goto unexpected;
L_AFTER:
    if (i >= n)
        goto done;
    c = p[i];
    if (c == ',') {
        llmj__level *l = &t->lv[t->sdepth - 1];
        i++;
        if (l->skind == '[') {
            l->sidx++;
            st = ST_VALUE;
            goto L_VALUE;
        }
        st = ST_KEY;
        goto L_KEY;
    }
    if (c == ']' || c == '}') {
        if (t->lv[t->sdepth - 1].skind == (c == ']' ? '[' : '{'))
            goto close;
        goto unexpected;
    }
    if (is_ws(c))
        goto ws;
    goto unexpected;
L_DONE:
    if (i >= n)
        goto done;
    c = p[i];
    if (is_ws(c))
        goto ws;
    goto unexpected;

close: { /* c closes the innermost container */
    llmj__level *l = &t->lv[t->sdepth - 1];
    t->ptr_bound -= l->key_bound;
    t->keys_bound -= l->key_raw;
    t->sdepth--;
    i++;
    VALUE_DONE(ABS);
}

key_begin:
    t->is_key = 1;
str_begin: /* p[i] is the opening quote */
    t->tok = ABS;
    i++;
    st = ST_STR;
    goto string;

ws: { /* p[i] is whitespace between tokens: one segment of the run, up to
       * its end or the block's end (the next segment is the next turn) */
    size_t j;
    int ended; /* the run ends at p[j] */
    if (blocks) {
        if (i >= be)
            BLOCK_AT(i);
        uint64_t other = ~m.ws >> (i - bb);
        j = other ? i + ctz64(other) : be;
        ended = other != 0 || (j < n && !is_ws(p[j]));
    } else {
        j = i + 1;
        while (j < n && is_ws(p[j]))
            j++;
        ended = j < n;
    }
    const uint64_t wlim = t->cfg.whitespace_limit;
    if (ended && t->ws_len == 0 && (wlim == 0 || j - i < wlim)) {
        /* the whole run, shorter than any limit (W + I * d >= W): the
         * common case, indentation */
        count_lines(t, p, i, j, base);
        i = j;
        goto resume;
    }
    if (t->ws_len == 0)
        t->ws_start = ABS;
    int hit = 0;
    if (wlim) {
        uint64_t left = ws_limit(t) - t->ws_len; /* > 0 */
        if (left <= (uint64_t)(j - i)) {
            j = i + (size_t)left; /* the byte that reaches the limit is the last */
            hit = 1;
        }
    }
    count_lines(t, p, i, j, base);
    t->ws_len += j - i;
    i = j;
    if (hit) {
        t->st = st;
        t->runaway_at = t->ws_start;
        t->status = LLMJ_RUNAWAY_WHITESPACE;
        return i;
    }
    if (ended)
        t->ws_len = 0;
    if (i >= n)
        goto done;
    goto resume;
}

unexpected:
    if (st == ST_VALUE || st == ST_ARR_OPEN)
        t->started = 1;
    FAIL(LLMJ_INVALID, ABS, unexpected_msg(t, st));

    /* ---- inside a string (st == ST_STR), at a character boundary ---- */
string:
    if (i >= n) {
        t->str_safe = ABS;
        goto done;
    }
    {
        /* A token may not grow past max_token bytes: lim is the first byte
         * this one may not have. */
        const uint64_t maxtok = t->cfg.max_token;
        uint64_t used = ABS - t->tok;
        size_t lim = n;
        if (used + (n - i) > maxtok) {
            if (used >= maxtok) {
                t->str_safe = ABS;
                FAIL(LLMJ_TOO_LONG, ABS, "token longer than max_token");
            }
            lim = i + (size_t)(maxtok - used);
        }
        for (;;) {
            /* the next byte that ends the plain run */
            if (blocks) {
                for (;;) {
                    if (i >= be) {
                        if (i >= n)
                            break;
                        BLOCK_AT(i);
                    }
                    uint64_t mm = m.special >> (i - bb);
                    if (mm) {
                        i += ctz64(mm);
                        break;
                    }
                    i = be;
                }
            } else {
                while (i < n && !k_str_special[p[i]])
                    i++;
            }
            if (i >= lim) {
                i = lim;
                t->str_safe = ABS;
                if (lim < n)
                    FAIL(LLMJ_TOO_LONG, ABS, "token longer than max_token");
                goto done;
            }
            c = p[i];
            if (c == '"')
                break;
            if (c == '\\') {
                if (i + 1 < lim) {
                    if (llmj__esc_byte(p[i + 1]) >= 0) {
                        i += 2;
                        continue;
                    }
                    if (p[i + 1] == 'u' && i + 5 < lim) {
                        int v = llmj__hex4(p + i + 2);
                        if (v >= 0 && (v < 0xD800 || v > 0xDFFF)) {
                            i += 6;
                            continue;
                        }
                        if (v >= 0 && llmj__is_high((unsigned)v) && i + 11 < lim &&
                            p[i + 6] == '\\' && p[i + 7] == 'u') {
                            int w = llmj__hex4(p + i + 8);
                            if (w >= 0 && llmj__is_low((unsigned)w)) {
                                i += 12;
                                continue;
                            }
                        }
                    }
                }
            } else if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 < lim && (p[i + 1] & 0xC0) == 0x80) {
                    i += 2;
                    continue;
                }
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 < lim) {
                    unsigned char c1 = p[i + 1];
                    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
                    if (c1 >= lo && c1 <= hi && (p[i + 2] & 0xC0) == 0x80) {
                        i += 3;
                        continue;
                    }
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 < lim) {
                    unsigned char c1 = p[i + 1];
                    unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
                    if (c1 >= lo && c1 <= hi && (p[i + 2] & 0xC0) == 0x80 &&
                        (p[i + 3] & 0xC0) == 0x80) {
                        i += 4;
                        continue;
                    }
                }
            }
            /* byte by byte from here: c = p[i] at a character boundary */
            t->str_safe = ABS;
            if (c == '\\') {
                st = ST_STR_ESC;
                i++;
                goto slow;
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
            goto slow;
        }
    }
    /* the closing quote, at i < lim */
    if (t->is_key) {
        /* The key's segment will need room in the pointer. */
        llmj__level *l = &t->lv[t->sdepth - 1];
        size_t raw = (size_t)(ABS - t->tok - 1);
        size_t bound = 1 + 2 * raw;
        size_t pb = t->ptr_bound - l->key_bound + bound;
        size_t kb = t->keys_bound - l->key_raw + raw;
        if ((pb >= t->ptr.cap || kb >= t->keys.cap) && reserve_path(t, pb, kb))
            NOMEM_STOP();
        t->ptr_bound = pb;
        t->keys_bound = kb;
        l->key_bound = bound;
        l->key_raw = raw;
        i++;
        st = ST_COLON;
        goto L_COLON;
    }
    i++;
    if (t->quiet)
        t->q_from = ABS; /* the stream goes on after the closing quote */
    VALUE_DONE(ABS);

    /* ---- every other token state, byte by byte ---- */
slow:
    while (i < n) {
        c = p[i];

        /* A token may not grow past max_token bytes (a number's delimiter is
         * not part of it). */
        if (ABS - t->tok >= t->cfg.max_token &&
            !(LLMJ_IS_NUM_STATE(st) && !is_digit(c) && c != '.' && c != 'e' && c != 'E' &&
              c != '+' && c != '-'))
            FAIL(LLMJ_TOO_LONG, ABS, "token longer than max_token");

        switch (st) {
        case ST_STR_UTF8:
            if (c < t->u8_lo || c > t->u8_hi)
                FAIL(LLMJ_INVALID, ABS, "invalid UTF-8 in string");
            t->u8_lo = 0x80;
            t->u8_hi = 0xBF;
            i++;
            if (--t->u8_need == 0) {
                st = ST_STR;
                goto string;
            }
            break;
        case ST_STR_ESC:
            if (llmj__esc_byte(c) >= 0) {
                st = ST_STR;
                i++;
                goto string;
            }
            if (c != 'u')
                FAIL(LLMJ_INVALID, ABS, "invalid escape in string");
            st = ST_STR_U;
            t->u_n = 0;
            t->u_val = 0;
            t->u_low = 0;
            i++;
            break;
        case ST_STR_U: {
            int h = llmj__hex_val(c);
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
                if (!t->u_low && llmj__is_high(t->u_val)) {
                    st = ST_STR_LOW1;
                } else {
                    st = ST_STR;
                    goto string;
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
            while (i < n && is_digit(p[i]) && ABS - t->tok < t->cfg.max_token)
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
                t->num_end = ABS; /* the delimiter is read next */
                VALUE_DONE(ABS);
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
                t->num_end = ABS;
                VALUE_DONE(ABS);
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
                VALUE_DONE(ABS);
            break;
        default: /* not reached: st > ST_STR here */
            FAIL(LLMJ_INVALID, ABS, "internal: scanner state");
        }
    }

done:
    t->st = st;
    return n;
#undef ABS
#undef FAIL
#undef NOMEM_STOP
#undef BLOCK_AT
#undef VALUE_DONE
}

/* One copy of the scanner per path, the classifier inlined in each, and one
 * for pieces under 64 bytes (byte by byte on every path). */
static size_t scan_small(llmj_tracker *t, const unsigned char *p, size_t n)
{
    return scan_impl(t, p, n, LLMJ__SCAN_PORTABLE, 1);
}

static size_t scan_portable(llmj_tracker *t, const unsigned char *p, size_t n)
{
    return scan_impl(t, p, n, LLMJ__SCAN_PORTABLE, 0);
}

#ifdef LLMJ__SCAN_X86
static size_t scan_sse2(llmj_tracker *t, const unsigned char *p, size_t n)
{
    return scan_impl(t, p, n, LLMJ__SCAN_SSE2, 0);
}

__attribute__((target("avx2"))) static size_t scan_avx2(llmj_tracker *t,
                                                         const unsigned char *p, size_t n)
{
    return scan_impl(t, p, n, LLMJ__SCAN_AVX2, 0);
}
#endif

static void scan_choose(llmj_tracker *t)
{
    t->scan_path = llmj__scan_path_default();
    t->scan = scan_portable;
#ifdef LLMJ__SCAN_X86
    if (t->scan_path == LLMJ__SCAN_SSE2)
        t->scan = scan_sse2;
    else if (t->scan_path == LLMJ__SCAN_AVX2)
        t->scan = scan_avx2;
#endif
}

/* ---- string chunks --------------------------------------------------------- */

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
            if (o == 0 && (run >= sizeof out / 2 || i + run == n)) {
                /* nothing waiting in out: the run goes as it is */
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
        if (e != 'u') {
            out[o++] = (char)llmj__esc_byte(e); /* the scanner checked it */
            continue;
        }
        unsigned long cp = (unsigned)llmj__hex4(s + i);
        i += 4;
        if (llmj__is_high((unsigned)cp)) {
            cp = llmj__pair((unsigned)cp, (unsigned)llmj__hex4(s + i + 2));
            i += 6;
        }
        o += llmj__utf8_put(out + o, cp);
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

/* Hand yajl the complete tokens still held: [fl, boundary). */
static void flush_held(llmj_tracker *t)
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

/* Before a salvage, which needs the yajl side's container pointers: the held
 * tokens to yajl, and (quiet) the pointers written. */
void llmj__flush(llmj_tracker *t)
{
    if (!t->quiet) {
        flush_held(t);
        return;
    }
    quiet_flush(t, quiet_pending(t));
    if (t->ptr_stale)
        quiet_path(t);
}

/* Append p[0:k] to the hold buffer when it has the room (small pieces are
 * copied inline: the fixed cost of a feed is what counts at token-sized
 * pieces); 0, or -1 when it must grow. */
static inline int hold_put(llmj_tracker *t, const unsigned char *p, size_t k)
{
    if (k == 0)
        return 0;
    if (t->hold.cap - t->hold.len < k)
        return -1;
    copy_small(t->hold.data + t->hold.len, p, k);
    t->hold.len += k;
    return 0;
}

/* hold_put, growing the buffer when needed; 0 or -1 (out of memory). */
static inline int hold_append(llmj_tracker *t, const unsigned char *p, size_t k)
{
    if (hold_put(t, p, k) == 0)
        return 0;
    return llmj__buf_append(&t->hold, &t->a, p, k, SIZE_MAX) ? -1 : 0;
}

/* quiet_after() without the room for the text since q_from, s[0:k], in
 * hold: hand yajl the held tokens and the piece's complete ones from the
 * piece; hold keeps only the unfinished token (growing for a long one). */
static __attribute__((noinline)) void quiet_take_long(llmj_tracker *t, const unsigned char *s,
                                                      size_t k)
{
    const uint64_t pend = quiet_pending(t);
    if (pend <= k) {
        quiet_flush(t, 0);
        yfeed_at(t, s, k - (size_t)pend, t->fl, 0);
        s += k - (size_t)pend;
        k = (size_t)pend;
    }
    if (hold_append(t, s, k)) {
        /* as in after_piece: the scanner's state still covers the piece */
        if (t->status == LLMJ_OK)
            set_error(t, LLMJ_NOMEM, t->pos, "out of memory");
        else
            t->status = LLMJ_NOMEM;
        return;
    }
    if (t->hold.len - pend >= t->q_defer)
        quiet_flush(t, pend);
}

/* A batch for yajl: hold's complete tokens. */
static __attribute__((noinline)) void quiet_batch(llmj_tracker *t)
{
    quiet_flush(t, quiet_pending(t));
}

/* Quiet, after a piece: the text since q_from (unless a string value's
 * content) to the stream, and the stream's complete tokens to yajl once
 * they make a batch. p[0:n] is the piece as taken (n <= its length);
 * t->pos is already past it. */
static inline void quiet_after(llmj_tracker *t, const unsigned char *p, size_t n)
{
    llmj__buf *h = &t->hold;
    if (t->q_from != LLMJ_Q_SKIP) {
        const size_t from = (size_t)(t->q_from - (t->pos - n)), k = n - from;
        t->q_from = t->pos;
        if (h->cap - h->len < k) {
            quiet_take_long(t, p + from, k);
            return;
        }
        copy_small(h->data + h->len, p + from, k);
        h->len += k;
    }
    if (h->len >= t->q_defer)
        quiet_batch(t);
}

/* After a piece (with a callback): hand yajl every complete token, keep the
 * unfinished one, and deliver the chunks of a string value still open.
 * p[0:n] is the piece as taken (n <= its length); t->pos is already past
 * it. */
static void after_piece(llmj_tracker *t, const unsigned char *p, size_t n, int number_closed)
{
    const uint64_t base = t->pos - n;
    uint64_t boundary = flush_boundary(t);

    if (boundary > t->fl) {
        if (t->hold.len && boundary <= base) {
            flush_held(t); /* the boundary lies in the held bytes */
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
        if (hold_append(t, p + (from - base), (size_t)(t->pos - from))) {
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

/* The piece goes on with a string and holds no byte that ends a plain run
 * (most token-sized pieces): the scanner's state moves by its length. */
static inline int plain_string_piece(const llmj_tracker *t, const unsigned char *p, size_t len)
{
    if (t->st != ST_STR || len >= 64 || t->pos - t->tok + len > t->cfg.max_token)
        return 0;
    unsigned any = 0; /* no early exit: a few bytes, one branch */
    if (len == 4)
        any = k_str_special[p[0]] | k_str_special[p[1]] | k_str_special[p[2]] |
              k_str_special[p[3]];
    else
        for (size_t k = 0; k < len; k++)
            any |= k_str_special[p[k]];
    return !any;
}

/* feed_scan() for a lean tracker (quiet, no keep_text, no repeat limit, no
 * schema, hold's room reserved: what most pieces of `llmjson check` and of
 * a stream without callbacks meet): the same steps, with the tests of what
 * it lacks left out. A stop (an error, a whitespace runaway) is handled as
 * there: quiet, a number closed by the error needs no event. */
static __attribute__((noinline)) llmj_status feed_lean(llmj_tracker *t, const unsigned char *p,
                                                       size_t len)
{
    size_t took = len < 64 ? scan_impl(t, p, len, LLMJ__SCAN_PORTABLE, 1) : t->scan(t, p, len);
    if (t->status == LLMJ_RUNAWAY_WHITESPACE)
        t->runaway_kind = t->status;
    t->pos += took;
    quiet_after(t, p, took);
    return t->status;
}

/* llmj_tracker_feed past its checks and its fast path: the scanner. */
static __attribute__((noinline)) llmj_status feed_scan(llmj_tracker *t, const unsigned char *p,
                                                       size_t len)
{
    if (!t->y)
        return t->status = LLMJ_NOMEM;

    /* Quiet: the room q_open() takes inside the scanner, reserved at the
     * first piece that reaches the scanner (an idle tracker holds none). */
    if (t->quiet && t->hold.cap < q_hold(t) &&
        llmj__buf_reserve(&t->hold, &t->a, q_hold(t), SIZE_MAX)) {
        set_error(t, LLMJ_NOMEM, t->pos, "out of memory");
        return t->status;
    }
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
    size_t took = n < 64 ? scan_small(t, p, n) : t->scan(t, p, n);
    int number_closed = 0;
    if (t->status != LLMJ_OK || rep_hit != UINT64_MAX) { /* a stop: one test on the way */
        if (t->status == LLMJ_OK) {
            /* The run's last byte was taken with no error before it. */
            t->status = LLMJ_RUNAWAY_REPEAT;
            t->runaway_at = rep_hit;
        }
        if (t->status == LLMJ_RUNAWAY_REPEAT || t->status == LLMJ_RUNAWAY_WHITESPACE)
            t->runaway_kind = t->status;
        /* e.g. {"a":1] : the 1 is complete (its delimiter is the error);
         * yajl needs a delimiter to deliver it. */
        number_closed = t->status == LLMJ_INVALID && t->num_end == t->pos + took;
    }
    if (t->cfg.keep_text) {
        memcpy(t->text.data + t->text.len, p, took);
        t->text.len += took;
        t->text.data[t->text.len] = '\0';
    }
    if (t->schema) /* schema validation (src/schema/validate.c) */
        llmj__schema_feed(t->schema, p, took);
    t->pos += took;
    if (t->quiet)
        quiet_after(t, p, took); /* (no number event to close) */
    else
        after_piece(t, p, took, number_closed);
    if (t->muted && t->status == LLMJ_OK)
        t->status = LLMJ_ABORTED;
    t->lean = t->quiet && t->plain_ok && t->hold.cap >= q_hold(t);
    return t->status;
}

/* A plain piece of a string (plain_string_piece), t->pos already past it,
 * that is not a quiet value's: to the held key (quiet) or to after_piece. */
static __attribute__((noinline)) llmj_status plain_after(llmj_tracker *t, const unsigned char *p,
                                                         size_t len)
{
    if (t->quiet) {
        quiet_after(t, p, len); /* a key: yajl gets it */
        return t->status;
    }
    after_piece(t, p, len, 0);
    if (t->muted && t->status == LLMJ_OK)
        t->status = LLMJ_ABORTED;
    return t->status;
}

llmj_status llmj_tracker_feed(llmj_tracker *t, const void *buf, size_t len)
{
    if (!t || (!buf && len) || t->finished)
        return LLMJ_MISUSE;
    if (t->status != LLMJ_OK || len == 0)
        return t->status;
    const unsigned char *p = buf;

    /* The fixed cost of a feed is what counts at token-sized pieces, so this
     * function calls nothing but in its last step (no frame to set up): a
     * piece inside a string skips the scanner, and a quiet value's is
     * dropped (the quiet yajl side never sees a value's content). */
    if (t->plain_ok && plain_string_piece(t, p, len)) {
        t->pos += len;
        t->str_safe = t->pos;
        if (t->quiet && !t->is_key)
            return LLMJ_OK;
        return plain_after(t, p, len);
    }
    if (t->lean)
        return feed_lean(t, p, len);
    return feed_scan(t, p, len);
}

/* Finished, the tracker needs yajl no more (what a salvage reads is the
 * scanner's and the yajl side's levels and keys, all complete by then): its
 * handle and buffers (about 2.5 KiB once it has lexed) go back. */
static llmj_status finished(llmj_tracker *t, llmj_status st)
{
    if (t->y)
        yajl_free(t->y);
    t->y = NULL;
    return st;
}

static llmj_status finish(llmj_tracker *t, llmj_end end);

llmj_status llmj_tracker_finish(llmj_tracker *t, llmj_end end)
{
    if (!t)
        return LLMJ_MISUSE;
    if (t->finished)
        return LLMJ_MISUSE;
    return finished(t, finish(t, end));
}

static llmj_status finish(llmj_tracker *t, llmj_end end)
{
    t->finished = 1;
    llmj__flush(t);
    if (t->status != LLMJ_OK) {
        if (t->schema)
            llmj__schema_finish(t->schema, 0, 0);
        return t->status;
    }
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
    if (t->schema)
        llmj__schema_finish(t->schema, end == LLMJ_END_NORMAL, t->status == LLMJ_OK && t->st == ST_DONE);
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
    t->lean = 0;
    t->ptr_stale = 0;
    t->q_from = 0;
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
    t->quiet = cb == NULL;
    t->q_defer = LLMJ_DEFER_BYTES;
    t->q_direct = LLMJ_Q_DIRECT;
    t->plain_ok = !c.keep_text && !c.repeat_limit;
    scan_choose(t);
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
    if (reserve_levels(t, 4 < c.max_depth ? 4 : c.max_depth) || reserve_path(t, 64, 64))
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
    llmj__schema_free(t->schema);
    llmj__free(&a, t);
}

void llmj__tracker_set_validator(llmj_tracker *t, struct llmj__sval *v)
{
    llmj__schema_free(t->schema);
    t->schema = v;
    t->plain_ok = !v && !t->cfg.keep_text && !t->cfg.repeat_limit;
    t->lean = 0; /* until feed_scan() sets it again */
}

void llmj__tracker_small_batches(llmj_tracker *t)
{
    t->q_defer = 256;
    t->q_direct = 128;
}

llmj_status llmj_tracker_reset(llmj_tracker *t)
{
    if (!t)
        return LLMJ_MISUSE;
    if (t->y)
        yajl_free(t->y);
    t->y = NULL;
    state_init(t);
    llmj__schema_reset(t->schema);
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

