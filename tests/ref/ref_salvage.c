/* Reference implementation of docs/salvage.md: see ref_salvage.h.
 * Deliberately naive; shares no code with src/. */
#include "ref_salvage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llmjson/tracker.h>

/* ---- small growable buffers (test code: abort on OOM) -------------------- */

typedef struct rbuf {
    char *d;
    size_t n, cap;
} rbuf;

static void *ref_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "ref_salvage: out of memory\n");
        abort();
    }
    return q;
}

static void rb_add(rbuf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->d = ref_xrealloc(b->d, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->d + b->n, p, n);
    b->n += n;
    b->d[b->n] = '\0';
}

static void rb_addc(rbuf *b, char c)
{
    rb_add(b, &c, 1);
}

static char *ref_memdup(const void *p, size_t n)
{
    char *d = ref_xrealloc(NULL, n + 1);
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

/* ---- the reader ---------------------------------------------------------- */

enum { RS_GO = 0, RS_MORE = 1, RS_ERR = 2, RS_OK = 3 };
enum { TOK_NONE = 0, TOK_STRING = 1, TOK_NUMBER = 2, TOK_KEY = 3, TOK_LITERAL = 4 };

typedef struct rseg {
    int is_key;
    rbuf key;
    size_t index;
} rseg;

typedef struct rcon {
    char type;   /* '{' or '[' */
    size_t nseg; /* its path is seg[0:nseg] */
} rcon;

typedef struct ref_parser {
    const unsigned char *s;
    size_t n, p;
    const ref_cfg *cfg;
    int end_normal;
    int outcome;       /* RS_MORE, RS_ERR or RS_OK once done */
    size_t epos;
    int ecode;
    int ref_fail;      /* nesting beyond REF_MAX_RECURSION */
    size_t rec;
    rseg *seg;
    size_t nseg, segcap;
    rcon *con;
    size_t ncon, concap;
    int have_safe;
    size_t last_safe;
    /* when the input ran out */
    int eof_tok;
    size_t eof_tok_start;
    rbuf eof_closer;
    size_t eof_nclosed;
    char **eof_closed;
    size_t *eof_closed_len;
    ref_events *ev;
} ref_parser;

static int is_ws(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_delim(unsigned c)
{
    return is_ws(c) || c == ',' || c == ']' || c == '}';
}

static int is_digit(unsigned c)
{
    return c >= '0' && c <= '9';
}

static int hexval(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (int)(c - 'A' + 10);
    return -1;
}

/* The JSON Pointer of seg[0:m]. */
static void path_of(const ref_parser *p, size_t m, rbuf *out)
{
    rb_add(out, "", 0);
    for (size_t i = 0; i < m; i++) {
        rb_addc(out, '/');
        if (p->seg[i].is_key) {
            for (size_t j = 0; j < p->seg[i].key.n; j++) {
                char c = p->seg[i].key.d[j];
                if (c == '~')
                    rb_add(out, "~0", 2);
                else if (c == '/')
                    rb_add(out, "~1", 2);
                else
                    rb_addc(out, c);
            }
        } else {
            char num[32];
            int len = snprintf(num, sizeof num, "%zu", p->seg[i].index);
            rb_add(out, num, (size_t)len);
        }
    }
}

static void push_seg(ref_parser *p, int is_key, const rbuf *key, size_t index)
{
    if (p->nseg == p->segcap) {
        p->segcap = p->segcap ? p->segcap * 2 : 16;
        p->seg = ref_xrealloc(p->seg, p->segcap * sizeof *p->seg);
    }
    rseg *s = &p->seg[p->nseg++];
    memset(s, 0, sizeof *s);
    s->is_key = is_key;
    s->index = index;
    if (is_key)
        rb_add(&s->key, key->d, key->n);
}

static void pop_seg(ref_parser *p)
{
    p->nseg--;
    free(p->seg[p->nseg].key.d);
}

static void emit(ref_parser *p, int type, const void *text, size_t len)
{
    if (!p->ev)
        return;
    ref_events *ev = p->ev;
    if (ev->n == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 64;
        ev->v = ref_xrealloc(ev->v, ev->cap * sizeof *ev->v);
    }
    ref_event *e = &ev->v[ev->n++];
    rbuf ptr = { 0 };
    path_of(p, p->nseg, &ptr);
    e->type = type;
    e->pointer = ptr.d;
    e->pointer_len = ptr.n;
    e->text = ref_memdup(text, len);
    e->len = len;
    e->depth = p->nseg;
}

static int stop_err(ref_parser *p, int code)
{
    p->outcome = RS_ERR;
    p->epos = p->p;
    p->ecode = code;
    return RS_ERR;
}

/* The input ran out: remember the token we are in and the open containers. */
static int stop_more(ref_parser *p, int tok, size_t start)
{
    p->outcome = RS_MORE;
    p->eof_tok = tok;
    p->eof_tok_start = start;
    rb_add(&p->eof_closer, "", 0);
    p->eof_nclosed = p->ncon;
    p->eof_closed = ref_xrealloc(NULL, (p->ncon + 1) * sizeof(char *));
    p->eof_closed_len = ref_xrealloc(NULL, (p->ncon + 1) * sizeof(size_t));
    for (size_t i = 0; i < p->ncon; i++) {
        const rcon *c = &p->con[p->ncon - 1 - i];
        rb_addc(&p->eof_closer, c->type == '{' ? '}' : ']');
        rbuf ptr = { 0 };
        path_of(p, c->nseg, &ptr);
        p->eof_closed[i] = ptr.d;
        p->eof_closed_len[i] = ptr.n;
    }
    return RS_MORE;
}

static int at_eof(const ref_parser *p)
{
    return p->p >= p->n;
}

static unsigned cur(const ref_parser *p)
{
    return p->s[p->p];
}

/* Take the current byte as part of the token that began at start. */
static int take(ref_parser *p, size_t start)
{
    if (p->p - start + 1 > p->cfg->max_token)
        return stop_err(p, LLMJ_TOO_LONG);
    p->p++;
    return RS_GO;
}

/* A byte that is wrong inside a token. The tracker's rule: at the byte that
 * would make the token longer than max_token it reports LLMJ_TOO_LONG,
 * whatever that byte is (for a number: when it is a number character, since
 * another byte is not part of the number). */
static int bad_tok(ref_parser *p, size_t start, int num)
{
    unsigned c = cur(p);
    if (p->p - start + 1 > p->cfg->max_token &&
        (!num || (c && strchr("0123456789.eE+-", (int)c))))
        return stop_err(p, LLMJ_TOO_LONG);
    return stop_err(p, LLMJ_INVALID);
}

static void safe_point(ref_parser *p)
{
    p->have_safe = 1;
    p->last_safe = p->p;
}

static void skip_ws(ref_parser *p)
{
    while (!at_eof(p) && is_ws(cur(p)))
        p->p++;
}

static int parse_value(ref_parser *p);

static int parse_literal(ref_parser *p, const char *word, int type)
{
    size_t start = p->p;
    for (size_t i = 0; word[i]; i++) {
        if (at_eof(p))
            return stop_more(p, TOK_LITERAL, start);
        if (cur(p) != (unsigned char)word[i])
            return stop_err(p, LLMJ_INVALID);
        p->p++;
    }
    safe_point(p);
    emit(p, type, word, strlen(word));
    return RS_GO;
}

/* s[start:p] is a whole number; decide whether it is complete. */
static int number_end(ref_parser *p, size_t start)
{
    if (at_eof(p)) {
        if (p->end_normal && p->ncon == 0) {
            safe_point(p);
            emit(p, LLMJ_EV_NUMBER, p->s + start, p->p - start);
            return RS_GO;
        }
        return stop_more(p, TOK_NUMBER, start);
    }
    if (is_delim(cur(p))) {
        safe_point(p);
        emit(p, LLMJ_EV_NUMBER, p->s + start, p->p - start);
    } else if (p->p - start + 1 > p->cfg->max_token && strchr("0123456789.eE+-", (int)cur(p)) &&
               cur(p)) {
        return stop_err(p, LLMJ_TOO_LONG); /* e.g. "01" with the 1 at the cap */
    }
    /* anything else ends the number too; the caller rejects it */
    return RS_GO;
}

#define TAKE(p, start)                \
    do {                              \
        int r_ = take((p), (start));  \
        if (r_)                       \
            return r_;                \
    } while (0)

static int parse_number(ref_parser *p)
{
    size_t start = p->p;
    if (cur(p) == '-') {
        TAKE(p, start);
        if (at_eof(p))
            return stop_more(p, TOK_NUMBER, start);
    }
    if (cur(p) == '0') {
        TAKE(p, start);
    } else if (cur(p) >= '1' && cur(p) <= '9') {
        TAKE(p, start);
        while (!at_eof(p) && is_digit(cur(p)))
            TAKE(p, start);
    } else {
        return bad_tok(p, start, 1);
    }
    if (at_eof(p))
        return number_end(p, start);
    if (cur(p) == '.') {
        TAKE(p, start);
        if (at_eof(p))
            return stop_more(p, TOK_NUMBER, start);
        if (!is_digit(cur(p)))
            return bad_tok(p, start, 1);
        while (!at_eof(p) && is_digit(cur(p)))
            TAKE(p, start);
        if (at_eof(p))
            return number_end(p, start);
    }
    if (cur(p) == 'e' || cur(p) == 'E') {
        TAKE(p, start);
        if (at_eof(p))
            return stop_more(p, TOK_NUMBER, start);
        if (cur(p) == '+' || cur(p) == '-') {
            TAKE(p, start);
            if (at_eof(p))
                return stop_more(p, TOK_NUMBER, start);
        }
        if (!is_digit(cur(p)))
            return bad_tok(p, start, 1);
        while (!at_eof(p) && is_digit(cur(p)))
            TAKE(p, start);
    }
    return number_end(p, start);
}

static void put_utf8(rbuf *b, unsigned long v)
{
    unsigned char u[4];
    if (v < 0x80) {
        u[0] = (unsigned char)v;
        rb_add(b, u, 1);
    } else if (v < 0x800) {
        u[0] = (unsigned char)(0xC0 | (v >> 6));
        u[1] = (unsigned char)(0x80 | (v & 0x3F));
        rb_add(b, u, 2);
    } else if (v < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (v >> 12));
        u[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (v & 0x3F));
        rb_add(b, u, 3);
    } else {
        u[0] = (unsigned char)(0xF0 | (v >> 18));
        u[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (v & 0x3F));
        rb_add(b, u, 4);
    }
}

/* Four hex digits of a \u escape. want_low: this must be the low half of a
 * pair (\uDC00-\uDFFF). Otherwise a low surrogate is rejected at the digit
 * that makes it one (the second), since no text can pair it then. */
static int parse_hex4(ref_parser *p, size_t start, int tok, int want_low, unsigned long *v)
{
    int first = 0;
    *v = 0;
    for (int i = 0; i < 4; i++) {
        if (at_eof(p))
            return stop_more(p, tok, start);
        int h = hexval(cur(p));
        if (h < 0)
            return bad_tok(p, start, 0);
        if (i == 0) {
            first = h;
            if (want_low && h != 0xD)
                return bad_tok(p, start, 0);
        }
        if (i == 1 && first == 0xD) {
            if (want_low && h < 0xC)
                return bad_tok(p, start, 0);
            if (!want_low && h >= 0xC)
                return bad_tok(p, start, 0);
        }
        *v = *v * 16 + (unsigned long)h;
        TAKE(p, start);
    }
    return RS_GO;
}

static int parse_string(ref_parser *p, int is_key, rbuf *out)
{
    int tok = is_key ? TOK_KEY : TOK_STRING;
    size_t start = p->p;
    rb_add(out, "", 0);
    TAKE(p, start); /* the opening quote */
    for (;;) {
        if (at_eof(p))
            return stop_more(p, tok, start);
        unsigned c = cur(p);
        if (c == '"') {
            TAKE(p, start);
            return RS_GO;
        }
        if (c == '\\') {
            TAKE(p, start);
            if (at_eof(p))
                return stop_more(p, tok, start);
            c = cur(p);
            const char *simple = "\"\\/bfnrt";
            const char *dec = "\"\\/\b\f\n\r\t";
            const char *hit = c ? strchr(simple, (int)c) : NULL;
            if (hit) {
                rb_addc(out, dec[hit - simple]);
                TAKE(p, start);
                continue;
            }
            if (c != 'u')
                return bad_tok(p, start, 0);
            TAKE(p, start);
            unsigned long v, lo;
            int r = parse_hex4(p, start, tok, 0, &v);
            if (r)
                return r;
            if (v >= 0xD800 && v <= 0xDBFF) {
                if (at_eof(p))
                    return stop_more(p, tok, start);
                if (cur(p) != '\\')
                    return bad_tok(p, start, 0);
                TAKE(p, start);
                if (at_eof(p))
                    return stop_more(p, tok, start);
                if (cur(p) != 'u')
                    return bad_tok(p, start, 0);
                TAKE(p, start);
                r = parse_hex4(p, start, tok, 1, &lo);
                if (r)
                    return r;
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(out, v);
            continue;
        }
        if (c < 0x20)
            return bad_tok(p, start, 0);
        if (c < 0x80) {
            rb_addc(out, (char)c);
            TAKE(p, start);
            continue;
        }
        int ncont;
        unsigned lo, hi;
        if (c >= 0xC2 && c <= 0xDF) {
            ncont = 1; lo = 0x80; hi = 0xBF;
        } else if (c == 0xE0) {
            ncont = 2; lo = 0xA0; hi = 0xBF;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            ncont = 2; lo = 0x80; hi = 0xBF;
        } else if (c == 0xED) {
            ncont = 2; lo = 0x80; hi = 0x9F;
        } else if (c == 0xF0) {
            ncont = 3; lo = 0x90; hi = 0xBF;
        } else if (c >= 0xF1 && c <= 0xF3) {
            ncont = 3; lo = 0x80; hi = 0xBF;
        } else if (c == 0xF4) {
            ncont = 3; lo = 0x80; hi = 0x8F;
        } else {
            return bad_tok(p, start, 0);
        }
        size_t seq = p->p;
        TAKE(p, start);
        for (int j = 0; j < ncont; j++) {
            if (at_eof(p))
                return stop_more(p, tok, start);
            unsigned b = cur(p);
            unsigned l = j == 0 ? lo : 0x80, h = j == 0 ? hi : 0xBF;
            if (b < l || b > h)
                return bad_tok(p, start, 0);
            TAKE(p, start);
        }
        rb_add(out, p->s + seq, p->p - seq);
    }
}

static int open_container(ref_parser *p, char type)
{
    if (p->ncon + 1 > p->cfg->max_depth)
        return stop_err(p, LLMJ_TOO_DEEP);
    if (p->ncon + 1 > REF_MAX_RECURSION) {
        p->ref_fail = 1;
        return stop_err(p, LLMJ_INVALID);
    }
    if (p->ncon == p->concap) {
        p->concap = p->concap ? p->concap * 2 : 16;
        p->con = ref_xrealloc(p->con, p->concap * sizeof *p->con);
    }
    p->con[p->ncon].type = type;
    p->con[p->ncon].nseg = p->nseg;
    p->ncon++;
    p->p++;
    safe_point(p);
    emit(p, type == '{' ? LLMJ_EV_BEGIN_OBJECT : LLMJ_EV_BEGIN_ARRAY, "", 0);
    return RS_GO;
}

static void close_container(ref_parser *p)
{
    char type = p->con[p->ncon - 1].type;
    p->ncon--;
    p->p++;
    safe_point(p);
    emit(p, type == '{' ? LLMJ_EV_END_OBJECT : LLMJ_EV_END_ARRAY, "", 0);
}

static int parse_array(ref_parser *p)
{
    int r = open_container(p, '[');
    if (r)
        return r;
    skip_ws(p);
    if (at_eof(p))
        return stop_more(p, TOK_NONE, 0);
    if (cur(p) == ']') {
        close_container(p);
        return RS_GO;
    }
    for (size_t idx = 0;; idx++) {
        push_seg(p, 0, NULL, idx);
        r = parse_value(p);
        if (r)
            return r;
        pop_seg(p);
        skip_ws(p);
        if (at_eof(p))
            return stop_more(p, TOK_NONE, 0);
        if (cur(p) == ']') {
            close_container(p);
            return RS_GO;
        }
        if (cur(p) != ',')
            return stop_err(p, LLMJ_INVALID);
        p->p++;
        skip_ws(p);
        if (at_eof(p))
            return stop_more(p, TOK_NONE, 0);
    }
}

static int parse_object(ref_parser *p)
{
    int r = open_container(p, '{');
    if (r)
        return r;
    skip_ws(p);
    if (at_eof(p))
        return stop_more(p, TOK_NONE, 0);
    if (cur(p) == '}') {
        close_container(p);
        return RS_GO;
    }
    for (;;) {
        if (cur(p) != '"')
            return stop_err(p, LLMJ_INVALID);
        rbuf key = { 0 };
        r = parse_string(p, 1, &key);
        if (r) {
            free(key.d);
            return r;
        }
        push_seg(p, 1, &key, 0);
        emit(p, LLMJ_EV_KEY, key.d, key.n);
        free(key.d);
        skip_ws(p);
        if (at_eof(p))
            return stop_more(p, TOK_NONE, 0);
        if (cur(p) != ':')
            return stop_err(p, LLMJ_INVALID);
        p->p++;
        skip_ws(p);
        if (at_eof(p))
            return stop_more(p, TOK_NONE, 0);
        r = parse_value(p);
        if (r)
            return r;
        pop_seg(p);
        skip_ws(p);
        if (at_eof(p))
            return stop_more(p, TOK_NONE, 0);
        if (cur(p) == '}') {
            close_container(p);
            return RS_GO;
        }
        if (cur(p) != ',')
            return stop_err(p, LLMJ_INVALID);
        p->p++;
        skip_ws(p);
        if (at_eof(p))
            return stop_more(p, TOK_NONE, 0);
    }
}

/* Called on a non-whitespace byte. */
static int parse_value(ref_parser *p)
{
    switch (cur(p)) {
    case '{':
        return parse_object(p);
    case '[':
        return parse_array(p);
    case '"': {
        rbuf str = { 0 };
        int r = parse_string(p, 0, &str);
        if (!r) {
            safe_point(p);
            emit(p, LLMJ_EV_STRING, str.d, str.n);
        }
        free(str.d);
        return r;
    }
    case 't':
        return parse_literal(p, "true", LLMJ_EV_TRUE);
    case 'f':
        return parse_literal(p, "false", LLMJ_EV_FALSE);
    case 'n':
        return parse_literal(p, "null", LLMJ_EV_NULL);
    default:
        if (cur(p) == '-' || is_digit(cur(p)))
            return parse_number(p);
        return stop_err(p, LLMJ_INVALID);
    }
}

static void run(ref_parser *p, const void *s, size_t n, int end_normal, const ref_cfg *cfg,
                ref_events *ev)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    p->n = n;
    p->cfg = cfg;
    p->end_normal = end_normal;
    p->ev = ev;
    skip_ws(p);
    if (at_eof(p)) {
        stop_more(p, TOK_NONE, 0);
        return;
    }
    if (parse_value(p))
        return;
    skip_ws(p);
    if (at_eof(p)) {
        p->outcome = RS_OK;
        return;
    }
    stop_err(p, LLMJ_INVALID);
}

static void rp_free(ref_parser *p)
{
    while (p->nseg)
        pop_seg(p);
    free(p->seg);
    free(p->con);
    free(p->eof_closer.d);
    for (size_t i = 0; i < p->eof_nclosed; i++)
        free(p->eof_closed[i]);
    free(p->eof_closed);
    free(p->eof_closed_len);
}

/* ---- salvage --------------------------------------------------------------- */

void ref_cfg_default(ref_cfg *c)
{
    c->max_depth = 512;
    c->max_token = (size_t)64 << 20;
    c->whitespace_limit = 256;
    c->whitespace_indent = 8;
}

/* Offset of the first byte of the first run of whitespace bytes outside
 * strings that reaches W + I * d bytes (d: containers open at its first byte)
 * before e; SIZE_MAX when none. s[0:e] is a viable text, so a plain
 * quote/backslash scan finds the strings and every bracket outside them opens
 * or closes a container. */
static size_t find_runaway(const unsigned char *s, size_t e, size_t W, size_t I)
{
    int in_str = 0, esc = 0;
    size_t run = 0, r = 0, depth = 0, limit = W;
    for (size_t i = 0; i < e; i++) {
        unsigned c = s[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (is_ws(c)) {
            if (run == 0) {
                r = i;
                /* W + I * depth, saturating */
                limit = I && depth > (SIZE_MAX - W) / I ? SIZE_MAX : W + I * depth;
            }
            if (++run == limit)
                return r;
            continue;
        }
        run = 0;
        if (c == '"')
            in_str = 1;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            depth--;
    }
    return SIZE_MAX;
}

/* Length of the longest prefix of a partial string's content made of whole
 * characters, whole escapes and whole surrogate-pair escapes. */
static size_t whole_units(const unsigned char *c, size_t len)
{
    size_t i = 0, last = 0;
    while (i < len) {
        if (c[i] == '\\') {
            if (i + 1 >= len)
                break;
            if (c[i + 1] != 'u') {
                i += 2;
                last = i;
                continue;
            }
            if (i + 6 > len)
                break;
            int h0 = hexval(c[i + 2]), h1 = hexval(c[i + 3]);
            if (h0 == 0xD && h1 >= 0x8) { /* high surrogate: needs its pair */
                if (i + 12 > len)
                    break;
                i += 12;
            } else {
                i += 6;
            }
            last = i;
            continue;
        }
        size_t l = c[i] < 0x80 ? 1 : c[i] < 0xE0 ? 2 : c[i] < 0xF0 ? 3 : 4;
        if (i + l > len)
            break;
        i += l;
        last = i;
    }
    return last;
}

int ref_is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return 0;
    if (s[i] == '0') {
        i++;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    } else {
        return 0;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !is_digit((unsigned char)s[i]))
            return 0;
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit((unsigned char)s[i]))
            return 0;
        while (i < n && is_digit((unsigned char)s[i]))
            i++;
    }
    return i == n;
}

int ref_is_utf8(const void *sv, size_t n)
{
    const unsigned char *s = sv;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned long v;
        size_t l;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC0 && c < 0xE0) {
            l = 2; v = c & 0x1F;
        } else if (c >= 0xE0 && c < 0xF0) {
            l = 3; v = c & 0x0F;
        } else if (c >= 0xF0 && c < 0xF8) {
            l = 4; v = c & 0x07;
        } else {
            return 0;
        }
        if (i + l > n)
            return 0;
        for (size_t j = 1; j < l; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (s[i + j] & 0x3F);
        }
        if ((l == 2 && v < 0x80) || (l == 3 && v < 0x800) || (l == 4 && v < 0x10000))
            return 0; /* overlong */
        if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
            return 0;
        i += l;
    }
    return 1;
}

int ref_is_json(const void *s, size_t n)
{
    ref_cfg cfg = { SIZE_MAX, SIZE_MAX, 0, 0 };
    ref_parser p;
    run(&p, s, n, 1, &cfg, NULL);
    int ok = p.outcome == RS_OK && !p.ref_fail;
    rp_free(&p);
    return ok;
}

static int all_ws(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_ws(s[i]))
            return 0;
    return 1;
}

void ref_salv_free(ref_salv *r)
{
    free(r->closer);
    for (size_t i = 0; i < r->nclosed; i++)
        free(r->closed[i]);
    free(r->closed);
    free(r->closed_len);
    memset(r, 0, sizeof *r);
}

int ref_salvage(const void *sv, size_t n, int greedy, int end_normal, const ref_cfg *cfg,
                ref_salv *out)
{
    const unsigned char *s = sv;
    memset(out, 0, sizeof *out);
    out->runaway_offset = SIZE_MAX;
    ref_parser a;
    run(&a, s, n, end_normal, cfg, NULL);
    if (a.ref_fail) {
        rp_free(&a);
        return -1;
    }
    size_t e = a.outcome == RS_ERR ? a.epos : n;

    if (cfg->whitespace_limit) {
        size_t r = find_runaway(s, e, cfg->whitespace_limit, cfg->whitespace_indent);
        if (r != SIZE_MAX) {
            rp_free(&a);
            ref_cfg c2 = *cfg;
            c2.whitespace_limit = 0;
            if (ref_salvage(s, r + 1, greedy, end_normal, &c2, out))
                return -1;
            out->status = LLMJ_TEXT_RUNAWAY;
            out->err_code = LLMJ_OK;
            out->err_offset = out->err_line = out->err_column = 0;
            out->runaway_offset = r;
            out->e = e;
            return 0;
        }
    }

    out->e = e;
    if (a.outcome == RS_ERR)
        out->status = LLMJ_TEXT_INVALID;
    else if (a.outcome == RS_OK)
        out->status = LLMJ_TEXT_COMPLETE;
    else if (all_ws(s, n))
        out->status = LLMJ_TEXT_EMPTY;
    else
        out->status = LLMJ_TEXT_TRUNCATED;

    size_t k = a.have_safe ? a.last_safe : 0;
    int string_cut = 0;
    if (greedy && a.outcome == RS_MORE) {
        if (a.eof_tok == TOK_STRING) {
            size_t c0 = a.eof_tok_start + 1;
            k = c0 + whole_units(s + c0, n - c0);
            string_cut = 1;
        }
        /* a partial number, literal or key is dropped as in lossless mode */
    }
    out->k = k;

    rbuf closer = { 0 };
    rb_add(&closer, "", 0);
    if (string_cut)
        rb_addc(&closer, '"');
    out->closed = ref_xrealloc(NULL, sizeof(char *));
    out->closed_len = ref_xrealloc(NULL, sizeof(size_t));
    if (k > 0) {
        ref_parser b;
        ref_cfg c3 = *cfg;
        c3.whitespace_limit = 0;
        run(&b, s, k, 0, &c3, NULL);
        if (b.outcome == RS_MORE) {
            rb_add(&closer, b.eof_closer.d, b.eof_closer.n);
            out->nclosed = b.eof_nclosed;
            out->closed = ref_xrealloc(out->closed, (b.eof_nclosed + 1) * sizeof(char *));
            out->closed_len =
                ref_xrealloc(out->closed_len, (b.eof_nclosed + 1) * sizeof(size_t));
            for (size_t i = 0; i < b.eof_nclosed; i++) {
                out->closed[i] = ref_memdup(b.eof_closed[i], b.eof_closed_len[i]);
                out->closed_len[i] = b.eof_closed_len[i];
            }
        } else if (b.outcome != RS_OK) {
            fprintf(stderr, "ref_salvage: internal error: S[0:%zu] not viable\n", k);
            abort();
        }
        rp_free(&b);
    }
    out->closer = closer.d;
    out->closer_len = closer.n;

    if (a.outcome == RS_ERR) {
        out->err_code = a.ecode;
        out->err_offset = e;
        size_t line = 1, col = 1;
        for (size_t i = 0; i < e; i++) {
            if (s[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        out->err_line = line;
        out->err_column = col;
    } else {
        out->err_code = LLMJ_OK;
    }
    rp_free(&a);
    return 0;
}

/* ---- events ------------------------------------------------------------------ */

void ref_events_free(ref_events *ev)
{
    for (size_t i = 0; i < ev->n; i++) {
        free(ev->v[i].pointer);
        free(ev->v[i].text);
    }
    free(ev->v);
    memset(ev, 0, sizeof *ev);
}

int ref_events_of(const void *sv, size_t n, int end_normal, const ref_cfg *cfg, ref_events *out)
{
    const unsigned char *s = sv;
    memset(out, 0, sizeof *out);
    ref_parser a;
    run(&a, s, n, end_normal, cfg, NULL);
    if (a.ref_fail) {
        rp_free(&a);
        return -1;
    }
    size_t e = a.outcome == RS_ERR ? a.epos : n;
    rp_free(&a);
    size_t upto = n;
    if (cfg->whitespace_limit) {
        size_t r = find_runaway(s, e, cfg->whitespace_limit, cfg->whitespace_indent);
        if (r != SIZE_MAX)
            upto = r + 1;
    }
    run(&a, s, upto, end_normal, cfg, out);
    rp_free(&a);
    return 0;
}
