/* `pattern` as a Glushkov position automaton (regex.h): the pattern is
 * parsed into a small tree, each leaf (a character class) becomes one
 * position per copy that repetition needs, and the automaton is the follow
 * relation between positions, one 64-bit set per position. A string is read
 * one code point at a time: the set of positions reached is one word. */
#include <stdlib.h>
#include <string.h>

#include "schema/regex.h"

#define MAXPOS 64
#define RINF UINT32_MAX
#define MAX_REP 64      /* a finite bound above this needs more than 64 positions */
#define MAX_NEST 32
#define UNI_MAX 0x10FFFFu

/* ---- bit sets -------------------------------------------------------------- */

static int ctz64(uint64_t x)
{
    static const unsigned char tab[64] = {
        0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,  62, 55, 59, 36, 53, 51,
        43, 22, 45, 39, 33, 30, 24, 18, 12, 5,  63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21,
        44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6};
    return tab[((x & (0 - x)) * 0x03f79d71b4cb0a89ull) >> 58];
}

/* ---- parsing ----------------------------------------------------------------- */

enum { RN_EMPTY, RN_CLS, RN_CAT, RN_ALT, RN_REP };

typedef struct rnode {
    unsigned char op;
    int a, b;           /* CLS: a = class; CAT/ALT: children; REP: a = child */
    uint32_t min, max;  /* REP */
} rnode;

typedef struct ralt {   /* a top-level alternative */
    int node;
    unsigned char start, end; /* begins with ^, ends with $ */
} ralt;

typedef struct rparse {
    const llmj_allocator *a;
    uint32_t *p;        /* the pattern's code points */
    size_t n, i;
    rnode *nd; size_t nnd, ndcap;
    uint32_t *rg; size_t nrg, rgcap;   /* every class's ranges, pairs [lo, hi] */
    uint32_t *coff; size_t ncl, clcap; /* class k: rg[coff[k] .. coff[k + 1]) */
    uint32_t *tmp; size_t ntmp, tmpcap; /* the class being built */
    ralt alts[MAXPOS]; size_t nalts;
    int leaves, depth;
    int err;            /* 1 outside the subset, -1 no memory */
} rparse;

static int grow_arr(rparse *r, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    void *q = llmj__realloc(r->a, *p, c * size);
    if (!q) {
        r->err = -1;
        return -1;
    }
    *p = q;
    *cap = c;
    return 0;
}

static int unsupported(rparse *r)
{
    if (!r->err)
        r->err = 1;
    return -1;
}

static int new_node(rparse *r, unsigned char op, int a, int b)
{
    if (grow_arr(r, (void **)&r->nd, &r->ndcap, r->nnd + 1, sizeof *r->nd))
        return -1;
    rnode *x = &r->nd[r->nnd];
    memset(x, 0, sizeof *x);
    x->op = op;
    x->a = a;
    x->b = b;
    return (int)r->nnd++;
}

static int tmp_add(rparse *r, uint32_t lo, uint32_t hi)
{
    if (grow_arr(r, (void **)&r->tmp, &r->tmpcap, r->ntmp + 2, sizeof *r->tmp))
        return -1;
    r->tmp[r->ntmp++] = lo;
    r->tmp[r->ntmp++] = hi;
    return 0;
}

static int cmp_range(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* The class in tmp (sorted, merged, complemented when neg) becomes class k;
 * tmp is emptied. Returns a leaf node. */
static int tmp_class(rparse *r, int neg)
{
    size_t np = r->ntmp / 2;
    qsort(r->tmp, np, 2 * sizeof *r->tmp, cmp_range);
    size_t w = 0;
    for (size_t k = 0; k < np; k++) {
        uint32_t lo = r->tmp[2 * k], hi = r->tmp[2 * k + 1];
        if (w && lo <= r->tmp[2 * w - 1] + 1) {
            if (hi > r->tmp[2 * w - 1])
                r->tmp[2 * w - 1] = hi;
        } else {
            r->tmp[2 * w] = lo;
            r->tmp[2 * w + 1] = hi;
            w++;
        }
    }
    if (grow_arr(r, (void **)&r->rg, &r->rgcap, r->nrg + 2 * (w + 1), sizeof *r->rg) ||
        grow_arr(r, (void **)&r->coff, &r->clcap, r->ncl + 2, sizeof *r->coff))
        return -1;
    if (r->ncl == 0)
        r->coff[0] = 0;
    if (!neg) {
        memcpy(r->rg + r->nrg, r->tmp, 2 * w * sizeof *r->rg);
        r->nrg += 2 * w;
    } else {
        uint32_t next = 0; /* the first code point not yet covered */
        for (size_t k = 0; k < w; k++) {
            if (r->tmp[2 * k] > next) {
                r->rg[r->nrg++] = next;
                r->rg[r->nrg++] = r->tmp[2 * k] - 1;
            }
            next = r->tmp[2 * k + 1] + 1;
        }
        if (next <= UNI_MAX) {
            r->rg[r->nrg++] = next;
            r->rg[r->nrg++] = UNI_MAX;
        }
    }
    r->coff[++r->ncl] = (uint32_t)r->nrg;
    r->ntmp = 0;
    if (++r->leaves > MAXPOS)
        return unsupported(r);
    return new_node(r, RN_CLS, (int)r->ncl - 1, 0);
}

static int is_hex(uint32_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static uint32_t hexval(uint32_t c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* \d \w \s (upper case: the complement) into tmp; *neg set for the
 * complement. 1 when e names one, 0 otherwise. */
static int builtin_set(rparse *r, uint32_t e, int *neg)
{
    uint32_t l = e | 0x20;
    if (l != 'd' && l != 'w' && l != 's')
        return 0;
    *neg = e != l;
    if (l == 'd' || l == 'w')
        tmp_add(r, '0', '9');
    if (l == 'w') {
        tmp_add(r, 'A', 'Z');
        tmp_add(r, '_', '_');
        tmp_add(r, 'a', 'z');
    }
    if (l == 's') {
        tmp_add(r, 9, 13);
        tmp_add(r, ' ', ' ');
    }
    return 1;
}

/* The character an escape stands for (the backslash is read; r->i is at the
 * escape's letter). Class escapes are not handled here. -1: outside the
 * subset. in_class: \b is a backspace. */
static long escape_char(rparse *r, int in_class)
{
    if (r->i >= r->n)
        return unsupported(r);
    uint32_t e = r->p[r->i++];
    switch (e) {
    case 't': return 9;
    case 'n': return 10;
    case 'r': return 13;
    case 'f': return 12;
    case 'a': return 7;
    case 'e': return 27;
    case 'b': return in_class ? 8 : unsupported(r);
    case 'U': return 'U';
    case '0':
        if (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '7')
            return unsupported(r); /* octal */
        return 0;
    case 'x':
        if (r->i + 2 <= r->n && is_hex(r->p[r->i]) && is_hex(r->p[r->i + 1])) {
            uint32_t v = hexval(r->p[r->i]) * 16 + hexval(r->p[r->i + 1]);
            r->i += 2;
            return v;
        }
        return 'x';
    case 'u':
        if (r->i + 4 <= r->n && is_hex(r->p[r->i]) && is_hex(r->p[r->i + 1]) &&
            is_hex(r->p[r->i + 2]) && is_hex(r->p[r->i + 3])) {
            uint32_t v = 0;
            for (int k = 0; k < 4; k++)
                v = v * 16 + hexval(r->p[r->i + (size_t)k]);
            r->i += 4;
            if (v >= 0xD800 && v <= 0xDFFF)
                return unsupported(r);
            return v;
        }
        return 'u';
    default:
        if ((e >= '0' && e <= '9') || ((e | 0x20) >= 'a' && (e | 0x20) <= 'z'))
            return unsupported(r); /* \b \B \1 \p \k \h \v \R ... */
        return e;                  /* an escaped punctuation mark: itself */
    }
}

/* [ ... ] (r->i just after the '['). */
static int parse_class(rparse *r)
{
    int neg = 0, first = 1;
    if (r->i < r->n && r->p[r->i] == '^') {
        neg = 1;
        r->i++;
    }
    for (;;) {
        if (r->i >= r->n)
            return unsupported(r);
        uint32_t c = r->p[r->i];
        if (c == ']' && !first) {
            r->i++;
            break;
        }
        first = 0;
        if (c == '[' && r->i + 1 < r->n &&
            (r->p[r->i + 1] == ':' || r->p[r->i + 1] == '.' || r->p[r->i + 1] == '='))
            return unsupported(r); /* POSIX classes */
        long lo;
        if (c == '\\') {
            r->i++;
            int sneg;
            if (r->i < r->n && builtin_set(r, r->p[r->i], &sneg)) {
                r->i++;
                if (sneg) {
                    /* a complemented set inside a class: complement it in place */
                    size_t at = r->ntmp - (r->p[r->i - 1] == 'W' ? 8 : r->p[r->i - 1] == 'S' ? 4 : 2);
                    uint32_t keep[8];
                    size_t nk = r->ntmp - at;
                    memcpy(keep, r->tmp + at, nk * sizeof *keep);
                    r->ntmp = at;
                    uint32_t next = 0;
                    for (size_t k = 0; k < nk; k += 2) {
                        if (keep[k] > next)
                            tmp_add(r, next, keep[k] - 1);
                        next = keep[k + 1] + 1;
                    }
                    tmp_add(r, next, UNI_MAX);
                }
                if (r->i + 1 < r->n && r->p[r->i] == '-' && r->p[r->i + 1] != ']')
                    return unsupported(r); /* [\d-z] */
                continue;
            }
            lo = escape_char(r, 1);
            if (lo < 0)
                return -1;
        } else {
            lo = (long)c;
            r->i++;
        }
        long hi = lo;
        if (r->i + 1 < r->n && r->p[r->i] == '-' && r->p[r->i + 1] != ']') {
            r->i++;
            uint32_t h = r->p[r->i];
            if (h == '\\') {
                r->i++;
                int sneg;
                if (r->i < r->n && builtin_set(r, r->p[r->i], &sneg))
                    return unsupported(r);
                hi = escape_char(r, 1);
                if (hi < 0)
                    return -1;
            } else if (h == '[') {
                return unsupported(r);
            } else {
                hi = (long)h;
                r->i++;
            }
            if (hi < lo)
                return unsupported(r);
            if (r->i + 1 < r->n && r->p[r->i] == '-' && r->p[r->i + 1] != ']')
                return unsupported(r); /* [a-c-e] */
        }
        if (tmp_add(r, (uint32_t)lo, (uint32_t)hi))
            return -1;
    }
    return tmp_class(r, neg);
}

static int parse_alt(rparse *r, int top);

/* One atom, or -2 at the end of a sequence ('|', ')', the end, or a top-level
 * '$' that ends its alternative: *end set). */
static int parse_atom(rparse *r, int top, int *end)
{
    if (r->i >= r->n)
        return -2;
    uint32_t c = r->p[r->i];
    switch (c) {
    case '|':
    case ')':
        return -2;
    case '$':
        if (top && (r->i + 1 == r->n || r->p[r->i + 1] == '|')) {
            r->i++;
            *end = 1;
            return -2;
        }
        return unsupported(r);
    case '^':
    case '*':
    case '+':
    case '?':
    case '{':
        return unsupported(r);
    case '(': {
        r->i++;
        if (r->i < r->n && r->p[r->i] == '?') {
            if (r->i + 1 < r->n && r->p[r->i + 1] == ':')
                r->i += 2;
            else
                return unsupported(r); /* lookaround, names, flags */
        }
        if (r->i < r->n && r->p[r->i] == '*')
            return unsupported(r); /* (*VERB) */
        if (++r->depth > MAX_NEST)
            return unsupported(r);
        int g = parse_alt(r, 0);
        r->depth--;
        if (g < 0)
            return -1;
        if (r->i >= r->n || r->p[r->i] != ')')
            return unsupported(r);
        r->i++;
        return g;
    }
    case '[':
        r->i++;
        return parse_class(r);
    case '.':
        r->i++;
        tmp_add(r, '\n', '\n');
        return tmp_class(r, 1);
    case '\\': {
        r->i++;
        int neg;
        if (r->i < r->n && builtin_set(r, r->p[r->i], &neg)) {
            r->i++;
            return tmp_class(r, neg);
        }
        long ch = escape_char(r, 0);
        if (ch < 0)
            return -1;
        tmp_add(r, (uint32_t)ch, (uint32_t)ch);
        return tmp_class(r, 0);
    }
    default:
        r->i++;
        tmp_add(r, c, c);
        return tmp_class(r, 0);
    }
}

/* A number of a {n,m} quantifier. */
static int parse_count(rparse *r, uint32_t *out)
{
    if (r->i >= r->n || r->p[r->i] < '0' || r->p[r->i] > '9')
        return -1;
    uint32_t v = 0;
    while (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9') {
        if (v > 100000)
            return -1;
        v = v * 10 + (r->p[r->i++] - '0');
    }
    *out = v;
    return 0;
}

/* A quantifier after an atom: 1 (min, max set), 0 none, -1 outside the subset. */
static int parse_quant(rparse *r, uint32_t *min, uint32_t *max)
{
    if (r->i >= r->n)
        return 0;
    uint32_t c = r->p[r->i];
    if (c == '*' || c == '+' || c == '?') {
        *min = c == '+';
        *max = c == '?' ? 1 : RINF;
        r->i++;
    } else if (c == '{') {
        r->i++;
        if (parse_count(r, min))
            return unsupported(r); /* '{' not a quantifier: literal or not by version */
        *max = *min;
        if (r->i < r->n && r->p[r->i] == ',') {
            r->i++;
            *max = RINF;
            if (r->i < r->n && r->p[r->i] != '}' && parse_count(r, max))
                return unsupported(r);
        }
        if (r->i >= r->n || r->p[r->i] != '}')
            return unsupported(r);
        r->i++;
        if (*max < *min || *min > MAX_REP || (*max != RINF && *max > MAX_REP))
            return unsupported(r);
    } else {
        return 0;
    }
    if (r->i < r->n && r->p[r->i] == '?')
        r->i++; /* lazy: the same strings match */
    if (r->i < r->n && (r->p[r->i] == '+' || r->p[r->i] == '*' || r->p[r->i] == '?' ||
                        r->p[r->i] == '{'))
        return unsupported(r); /* possessive, or a quantifier on a quantifier */
    return 1;
}

/* A sequence of quantified atoms up to '|', ')' or the end. */
static int parse_seq(rparse *r, int top, int *end)
{
    int acc = -1;
    for (;;) {
        int at = parse_atom(r, top, end);
        if (at == -2)
            break;
        if (at < 0)
            return -1;
        uint32_t min, max;
        int q = parse_quant(r, &min, &max);
        if (q < 0)
            return -1;
        if (q) {
            int rep = new_node(r, RN_REP, at, 0);
            if (rep < 0)
                return -1;
            r->nd[rep].min = min;
            r->nd[rep].max = max;
            at = rep;
        }
        acc = acc < 0 ? at : new_node(r, RN_CAT, acc, at);
        if (acc < 0)
            return -1;
        if (*end)
            break;
    }
    if (*end && r->i < r->n && r->p[r->i] != '|')
        return unsupported(r);
    return acc < 0 ? new_node(r, RN_EMPTY, 0, 0) : acc;
}

/* Alternatives; at the top level each one is recorded with its anchors. */
static int parse_alt(rparse *r, int top)
{
    int acc = -1;
    for (;;) {
        int start = 0, end = 0;
        if (top && r->i < r->n && r->p[r->i] == '^') {
            start = 1;
            r->i++;
        }
        int s = parse_seq(r, top, &end);
        if (s < 0)
            return -1;
        if (top) {
            if (r->nalts == MAXPOS)
                return unsupported(r);
            r->alts[r->nalts].node = s;
            r->alts[r->nalts].start = (unsigned char)start;
            r->alts[r->nalts].end = (unsigned char)end;
            r->nalts++;
        } else {
            acc = acc < 0 ? s : new_node(r, RN_ALT, acc, s);
            if (acc < 0)
                return -1;
        }
        if (r->i < r->n && r->p[r->i] == '|') {
            r->i++;
            continue;
        }
        break;
    }
    if (top && r->i < r->n)
        return unsupported(r); /* an unmatched ')' */
    return top ? 0 : acc;
}

/* ---- the automaton ------------------------------------------------------------- */

#define DFA_MAX 64        /* states of the table */
#define DFA_DEAD 254
#define DFA_MATCHED 255

struct llmj__re {
    uint64_t follow[MAXPOS];
    uint64_t ascii[128];      /* positions whose class holds the ASCII character */
    uint32_t pcls[MAXPOS];    /* each position's class */
    uint32_t *rg, *coff;      /* the classes' ranges, as in rparse */
    uint64_t nonascii;        /* positions whose class holds a code point >= 128 */
    uint64_t init_anch, init_search, fin_end, fin_any, live;
    unsigned char null_any, null_end_anch, null_end_search, search_viable, start_viable;
    /* the ASCII steps as a table (see build_dfa), or NULL: state q, byte c ->
     * dfa[q * 128 + c], DFA_DEAD or DFA_MATCHED; state 0 is the start */
    unsigned char *dfa;
    unsigned char dfa_acc[DFA_MAX]; /* the whole string matches when it ends in state q */
};

typedef struct gl {
    int nullable;
    uint64_t first, last;
} gl;

typedef struct gbuild {
    const rparse *r;
    llmj__re *re;
    int npos;
} gbuild;

static void gcat(gbuild *b, gl *x, const gl *y)
{
    for (uint64_t s = x->last; s; s &= s - 1)
        b->re->follow[ctz64(s)] |= y->first;
    if (x->nullable)
        x->first |= y->first;
    x->last = y->last | (y->nullable ? x->last : 0);
    x->nullable &= y->nullable;
}

static void gplus(gbuild *b, const gl *g)
{
    for (uint64_t s = g->last; s; s &= s - 1)
        b->re->follow[ctz64(s)] |= g->first;
}

/* The positions of one copy of node k; -1 past 64 positions. */
static int glu(gbuild *b, int k, gl *out)
{
    const rnode *x = &b->r->nd[k];
    gl g, h;
    switch (x->op) {
    case RN_EMPTY:
        out->nullable = 1;
        out->first = out->last = 0;
        return 0;
    case RN_CLS:
        if (b->npos == MAXPOS)
            return -1;
        b->re->pcls[b->npos] = (uint32_t)x->a;
        b->re->follow[b->npos] = 0;
        out->nullable = 0;
        out->first = out->last = 1ull << b->npos;
        b->npos++;
        return 0;
    case RN_CAT:
        if (glu(b, x->a, &g) || glu(b, x->b, &h))
            return -1;
        gcat(b, &g, &h);
        *out = g;
        return 0;
    case RN_ALT:
        if (glu(b, x->a, &g) || glu(b, x->b, &h))
            return -1;
        out->nullable = g.nullable | h.nullable;
        out->first = g.first | h.first;
        out->last = g.last | h.last;
        return 0;
    default: { /* RN_REP */
        gl acc = {1, 0, 0};
        uint32_t copies = x->max == RINF ? (x->min ? x->min - 1 : 0) : x->min;
        for (uint32_t i = 0; i < copies; i++) {
            if (glu(b, x->a, &g))
                return -1;
            gcat(b, &acc, &g);
        }
        if (x->max == RINF) { /* then x+ (x* when min is 0) */
            if (glu(b, x->a, &g))
                return -1;
            gplus(b, &g);
            if (!x->min)
                g.nullable = 1;
            gcat(b, &acc, &g);
        } else {
            for (uint32_t i = x->min; i < x->max; i++) { /* x? x? ... */
                if (glu(b, x->a, &g))
                    return -1;
                g.nullable = 1;
                gcat(b, &acc, &g);
            }
        }
        *out = acc;
        return 0;
    }
    }
}

static int cls_has(const uint32_t *rg, const uint32_t *coff, uint32_t k, uint32_t cp)
{
    size_t lo = coff[k] / 2, hi = coff[k + 1] / 2; /* pairs */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < rg[2 * mid])
            hi = mid;
        else if (cp > rg[2 * mid + 1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static size_t utf8_decode(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    int k = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
    uint32_t v = k == 0 ? c : k == 1 ? c & 0x1Fu : k == 2 ? c & 0x0Fu : c & 0x07u;
    (*i)++;
    for (int j = 0; j < k && *i < n; j++)
        v = (v << 6) | (s[(*i)++] & 0x3Fu);
    return v;
}

/* The ASCII loop of llmj__re_run from a fresh state, as a table: each state
 * is a set of positions reached (state 0: none, no character read yet).
 * Built only when at most DFA_MAX states are reachable; none on no memory
 * (the automaton is then stepped as before). */
static void build_dfa(const llmj_allocator *a, llmj__re *re)
{
    uint64_t set[DFA_MAX];
    unsigned char *t = llmj__malloc(a, (size_t)DFA_MAX * 128);
    if (!t)
        return;
    int ns = 1;
    set[0] = 0;
    for (int q = 0; q < ns; q++) {
        uint64_t f = re->init_search | (q == 0 ? re->init_anch : 0);
        for (uint64_t u = set[q]; u; u &= u - 1)
            f |= re->follow[ctz64(u)];
        for (int c = 0; c < 128; c++) {
            uint64_t sv = f & re->ascii[c];
            int to;
            if (sv & re->fin_any) {
                to = DFA_MATCHED;
            } else if (!re->search_viable && !(sv & re->live)) {
                to = DFA_DEAD;
            } else {
                to = 1;
                while (to < ns && set[to] != sv)
                    to++;
                if (to == ns) {
                    if (ns == DFA_MAX) {
                        llmj__free(a, t);
                        return;
                    }
                    set[ns++] = sv;
                }
            }
            t[(size_t)q * 128 + (size_t)c] = (unsigned char)to;
        }
    }
    for (int q = 0; q < ns; q++)
        re->dfa_acc[q] = (set[q] & re->fin_end) != 0 || re->null_end_search || (q == 0 && re->null_end_anch);
    re->dfa = t;
}

int llmj__re_whole(const llmj__re *re, const unsigned char *b, size_t len)
{
    if (re->null_any)
        return 1;
    const unsigned char *t = re->dfa;
    if (!t)
        return -1;
    unsigned q = 0;
    for (size_t k = 0; k < len; k++) {
        if (b[k] >= 0x80)
            return -1;
        q = t[q * 128 + b[k]];
        if (q >= DFA_DEAD)
            return q == DFA_MATCHED;
    }
    return re->dfa_acc[q];
}

int llmj__re_compile(const llmj_allocator *a, const char *pat, size_t len, llmj__re **out)
{
    *out = NULL;
    rparse r;
    memset(&r, 0, sizeof r);
    r.a = a;
    r.p = llmj__malloc(a, (len ? len : 1) * sizeof *r.p);
    if (!r.p)
        return -1;
    for (size_t i = 0; i < len;)
        r.p[r.n++] = (uint32_t)utf8_decode((const unsigned char *)pat, len, &i);
    parse_alt(&r, 1);
    llmj__re *re = NULL;
    if (!r.err) {
        re = llmj__malloc(a, sizeof *re);
        if (!re)
            r.err = -1;
    }
    if (!r.err) {
        memset(re, 0, sizeof *re);
        gbuild b = {&r, re, 0};
        for (size_t k = 0; k < r.nalts && !r.err; k++) {
            gl g;
            if (glu(&b, r.alts[k].node, &g)) {
                r.err = 1;
                break;
            }
            if (r.alts[k].start)
                re->init_anch |= g.first;
            else
                re->init_search |= g.first;
            if (r.alts[k].end)
                re->fin_end |= g.last;
            else
                re->fin_any |= g.last;
            if (g.nullable && !r.alts[k].end)
                re->null_any = 1;
            else if (g.nullable && r.alts[k].start)
                re->null_end_anch = 1;
            else if (g.nullable)
                re->null_end_search = 1;
        }
        if (!r.err) {
            /* positions from which a final one can be reached */
            uint64_t nonempty = 0;
            for (int p = 0; p < b.npos; p++)
                if (r.coff[re->pcls[p] + 1] > r.coff[re->pcls[p]])
                    nonempty |= 1ull << p;
            uint64_t live = 0, prev;
            do {
                prev = live;
                for (int p = 0; p < b.npos; p++)
                    if ((nonempty >> p & 1) && (((re->fin_end | re->fin_any) >> p & 1) || (re->follow[p] & live)))
                        live |= 1ull << p;
            } while (live != prev);
            re->live = live;
            /* an unanchored alternative that can match: any text can be
             * extended with one of its matches */
            re->search_viable = (re->init_search & live) != 0 || re->null_end_search;
            re->start_viable = re->null_any || re->search_viable || (re->init_anch & live) != 0 ||
                               re->null_end_anch;
            for (int p = 0; p < b.npos; p++) {
                uint32_t k = re->pcls[p];
                for (uint32_t c = 0; c < 128; c++)
                    if (cls_has(r.rg, r.coff, k, c))
                        re->ascii[c] |= 1ull << p;
                if (r.coff[k + 1] > r.coff[k] && r.rg[r.coff[k + 1] - 1] >= 128)
                    re->nonascii |= 1ull << p;
            }
            build_dfa(a, re);
            re->rg = r.rg;
            re->coff = r.coff;
            r.rg = NULL;
            r.coff = NULL;
        }
    }
    llmj__free(a, r.p);
    llmj__free(a, r.nd);
    llmj__free(a, r.rg);
    llmj__free(a, r.coff);
    llmj__free(a, r.tmp);
    if (r.err) {
        llmj__free(a, re);
        return r.err;
    }
    *out = re;
    return 0;
}

void llmj__re_free(const llmj_allocator *a, llmj__re *re)
{
    if (!re)
        return;
    llmj__free(a, re->rg);
    llmj__free(a, re->coff);
    llmj__free(a, re->dfa);
    llmj__free(a, re);
}

void llmj__re_init(const llmj__re *re, llmj__re_state *st)
{
    st->s = 0;
    st->started = 0;
    st->matched = re->null_any;
}

static inline void step(const llmj__re *re, llmj__re_state *st, uint32_t cp)
{
    uint64_t f = re->init_search, s = st->s;
    if (s && !(s & (s - 1)))
        f |= re->follow[ctz64(s)]; /* one position: the common case */
    else
        for (; s; s &= s - 1)
            f |= re->follow[ctz64(s)];
    if (!st->started)
        f |= re->init_anch;
    uint64_t m;
    if (cp < 128) {
        m = re->ascii[cp];
    } else {
        m = 0;
        for (uint64_t t = f & re->nonascii; t; t &= t - 1) {
            int p = ctz64(t);
            if (cls_has(re->rg, re->coff, re->pcls[p], cp))
                m |= 1ull << p;
        }
    }
    st->s = f & m;
    st->started = 1;
    if (st->s & re->fin_any)
        st->matched = 1;
}

void llmj__re_step(const llmj__re *re, llmj__re_state *st, uint32_t cp)
{
    if (!st->matched)
        step(re, st, cp);
}

int llmj__re_viable(const llmj__re *re, const llmj__re_state *st)
{
    if (st->matched || re->search_viable)
        return 1;
    return st->started ? (st->s & re->live) != 0 : re->start_viable;
}

int llmj__re_accepts(const llmj__re *re, const llmj__re_state *st)
{
    return st->matched || (st->s & re->fin_end) != 0 || re->null_end_search ||
           (!st->started && re->null_end_anch);
}

size_t llmj__re_run(const llmj__re *re, llmj__re_state *st, const unsigned char *b, size_t len,
                    unsigned *need, uint32_t *cp)
{
    unsigned nd = *need;
    uint32_t c = *cp;
    size_t k = 0;
    if (nd == 0 && !st->matched) {
        /* ASCII characters, the state in registers (step() for cp < 128) */
        uint64_t sv = st->s;
        int started = st->started, dead = 0;
        for (; k < len && b[k] < 0x80; k++) {
            uint64_t f = re->init_search;
            if (sv && !(sv & (sv - 1)))
                f |= re->follow[ctz64(sv)];
            else
                for (uint64_t t = sv; t; t &= t - 1)
                    f |= re->follow[ctz64(t)];
            if (!started)
                f |= re->init_anch;
            sv = f & re->ascii[b[k]];
            started = 1;
            if (sv & re->fin_any) {
                st->matched = 1;
                k++;
                break;
            }
            if (!re->search_viable && !(sv & re->live)) {
                dead = 1;
                break;
            }
        }
        st->s = sv;
        st->started = (unsigned char)started;
        if (dead || k > 0)
            c = b[dead ? k : k - 1]; /* the last byte read, as llmj__utf8_step leaves it */
        if (dead) {
            *need = 0;
            *cp = c;
            return k;
        }
    }
    for (; k < len; k++) {
        if (!llmj__utf8_step(b[k], &nd, &c))
            continue;
        if (!st->matched) {
            step(re, st, c);
            if (!st->matched && !re->search_viable && !(st->s & re->live))
                break;
        }
    }
    *need = nd;
    *cp = c;
    return k;
}
