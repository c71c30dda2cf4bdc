/* Streaming validation. The tracker hands this module every byte it took
 * (so the text is always a valid JSON prefix here); a small lexer finds the
 * values, and each value is checked against the set of conjunctions of
 * schema nodes still possible for it (the compiled DNF, see compile.c).
 * A conjunction dies at the byte at which one of its nodes can no longer be
 * satisfied by any continuation; its parent dies when none of its children
 * is left; the text is in violation when no root conjunction is left.
 * Memory: the stacks hold one record per open value, conjunction and node,
 * so they grow with nesting and schema width, never with the text's length
 * (strings are kept only while a pattern or format needs them, and keys for
 * the pointers, both bounded by max_token). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema_int.h"
#include "schema/format.h"
#include "tracker_int.h"

#define NONE UINT32_MAX
#define PATTERN_PREFIX_MAX 256 /* decoded bytes up to which a pattern is checked on prefixes */
#define MAX_CONJ 4096          /* conjunctions per value */

typedef struct vlev {
    unsigned char kind;  /* '{' '[' '"' '0' (number) */
    uint32_t c0, nc;     /* its conjunctions */
    uint32_t m0;         /* first member record */
    size_t b0;           /* first bit word */
    size_t count;        /* arrays: elements begun */
    size_t key_off, key_len; /* objects: the current key in keys */
    uint64_t sbytes;     /* strings: decoded bytes so far */
    int work;            /* strings: some member looks at the content */
} vlev;

typedef struct vconj {
    uint32_t parent;     /* in the level below, NONE at the root */
    uint32_t m0, nm;
    uint32_t kids;       /* alive conjunctions of the current child value */
    unsigned char alive;
} vconj;

typedef struct vmem {
    uint32_t node;
    uint32_t lo, hi;     /* enum (strings) or property (keys) range */
    uint64_t chars;
    size_t b0;           /* objects: seen bits */
    int32_t prop;        /* objects: the current key's property, -1 none */
} vmem;

enum { L_BETWEEN, L_STR, L_ESC, L_U, L_LOW1, L_LOW2, L_NUM, L_LIT };

typedef struct llmj__sval llmj__sval;
struct llmj__sval {
    const llmj_schema *s;
    llmj_allocator a;
    size_t max_token;
    pcre2_match_data *md;

    int ls;
    unsigned char want_key, in_key;
    int lit_left;
    unsigned u_n, u_val, u_hi, u8_left;
    uint64_t pos, line, line_start;
    int started, done, finished, complete;

    vlev *lv; size_t nlv, lvcap;
    vconj *cj; size_t ncj, cjcap;
    vmem *mm; size_t nmm, mmcap;
    uint64_t *bits; size_t nbits, bitscap;
    uint32_t *scr; size_t scrcap; /* product scratch */
    llmj__buf keys, sbuf, num;
    size_t root_alive;
    int nomem;

    int violated;
    llmj_schema_violation viol;
    llmj__buf vptr;
    char vmsg[320];
    const char *fkw;
    char fmsg[320];
    size_t fdepth;   /* levels whose segments make the failure's pointer */

    llmj__buf out;   /* result pointers, NUL-separated */
    const char **missing; size_t mcap;
};

/* ---- small helpers ---------------------------------------------------------- */

/* Append one byte: 0, or -1 on no memory. */
static int push_byte(llmj__sval *v, llmj__buf *b, unsigned char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = (char)c;
        return 0;
    }
    return llmj__buf_append(b, &v->a, &c, 1, SIZE_MAX);
}

static int grow(llmj__sval *v, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    void *n = llmj__realloc(&v->a, *p, c * size);
    if (!n) {
        v->nomem = 1;
        return -1;
    }
    *p = n;
    *cap = c;
    return 0;
}

static const snode *N(const llmj__sval *v, uint32_t i)
{
    return &v->s->nodes[i];
}

/* Append the pointer of the value at depth d (segments of levels 0..d-1). */
static int build_ptr(llmj__sval *v, llmj__buf *b, size_t d)
{
    for (size_t i = 0; i < d && i < v->nlv; i++) {
        const vlev *l = &v->lv[i];
        if (llmj__buf_append(b, &v->a, "/", 1, SIZE_MAX))
            return -1;
        if (l->kind == '[') {
            char n[24];
            int k = snprintf(n, sizeof n, "%zu", l->count ? l->count - 1 : 0);
            if (llmj__buf_append(b, &v->a, n, (size_t)k, SIZE_MAX))
                return -1;
        } else {
            const char *k = v->keys.data + l->key_off;
            for (size_t j = 0; j < l->key_len; j++) {
                const char *e = k[j] == '~' ? "~0" : k[j] == '/' ? "~1" : k + j;
                if (llmj__buf_append(b, &v->a, e, k[j] == '~' || k[j] == '/' ? 2 : 1, SIZE_MAX))
                    return -1;
            }
        }
    }
    return 0;
}

/* Why the conjunction about to be killed fails; fdepth: how many levels'
 * segments make the pointer of the value concerned. */
static void set_fail(llmj__sval *v, size_t fdepth, const char *kw, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void set_fail(llmj__sval *v, size_t fdepth, const char *kw, const char *fmt, ...)
{
    v->fkw = kw;
    v->fdepth = fdepth;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->fmsg, sizeof v->fmsg, fmt, ap);
    va_end(ap);
}

/* At most 80 bytes of s[0:n], for messages. */
#define SHOW(s, n) (int)((n) < 80 ? (n) : 80), (s)

static void violation(llmj__sval *v, uint64_t off)
{
    v->violated = 1;
    v->vptr.len = 0;
    if (build_ptr(v, &v->vptr, v->fdepth) || llmj__buf_append(&v->vptr, &v->a, "", 1, SIZE_MAX)) {
        v->nomem = 1;
        v->viol.pointer = "";
    } else {
        v->viol.pointer = v->vptr.data;
    }
    v->viol.offset = off;
    v->viol.line = v->line;
    v->viol.column = off - v->line_start + 1;
    v->viol.keyword = v->fkw;
    memcpy(v->vmsg, v->fmsg, sizeof v->vmsg);
    v->viol.message = v->vmsg;
}

/* Conjunction ci of level d can no longer be satisfied (set_fail said why). */
static void kill(llmj__sval *v, size_t d, uint32_t ci, uint64_t off)
{
    for (;;) {
        vconj *c = &v->cj[ci];
        if (!c->alive)
            return;
        c->alive = 0;
        if (c->parent == NONE) {
            if (--v->root_alive == 0 && !v->violated)
                violation(v, off);
            return;
        }
        vconj *p = &v->cj[c->parent];
        if (--p->kids != 0)
            return;
        ci = c->parent;
        d--;
    }
}

/* ---- values begin ------------------------------------------------------------ */

static unsigned kind_bits(unsigned char k)
{
    switch (k) {
    case '{': return SK_OBJ;
    case '[': return SK_ARR;
    case '"': return SK_STR;
    case '0': return SK_INT | SK_NUM;
    case 't': case 'f': return SK_BOOL;
    default: return SK_NULL;
    }
}

static const char *kind_name(unsigned char k)
{
    switch (k) {
    case '{': return "object";
    case '[': return "array";
    case '"': return "string";
    case '0': return "number";
    case 't': case 'f': return "boolean";
    default: return "null";
    }
}

static void type_names(unsigned m, char *out, size_t cap)
{
    static const char *names[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
    static const unsigned bits[] = {SK_NULL, SK_BOOL, SK_INT, SK_NUM, SK_STR, SK_ARR, SK_OBJ};
    size_t o = 0;
    out[0] = '\0';
    for (int i = 0; i < 7; i++) {
        if (!(m & bits[i]) || (bits[i] == SK_INT && (m & SK_NUM)))
            continue;
        int k = snprintf(out + o, cap - o, "%s%s", o ? " or " : "", names[i]);
        if (k < 0 || (size_t)k >= cap - o)
            break;
        o += (size_t)k;
    }
}

/* Push the conjunctions of a new value at depth d = v->nlv (the level must
 * already be pushed): the product over the parent conjunctions' members of
 * the child schemas. Returns -1 on no memory. */
static int expand(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    L->c0 = (uint32_t)v->ncj;
    L->m0 = (uint32_t)v->nmm;
    L->nc = 0;
    if (d == 0) {
        const snode *r = N(v, 2);
        for (size_t i = 0; i < r->nalt; i++) {
            if (grow(v, (void **)&v->cj, &v->cjcap, v->ncj + 1, sizeof *v->cj))
                return -1;
            uint32_t na = r->alt_off[i + 1] - r->alt_off[i];
            if (grow(v, (void **)&v->mm, &v->mmcap, v->nmm + na, sizeof *v->mm))
                return -1;
            vconj *c = &v->cj[v->ncj++];
            c->parent = NONE;
            c->m0 = (uint32_t)v->nmm;
            c->nm = na;
            c->alive = 1;
            c->kids = 0;
            for (uint32_t j = 0; j < na; j++) {
                vmem *m = &v->mm[v->nmm++];
                memset(m, 0, sizeof *m);
                m->node = r->atoms[r->alt_off[i] + j];
                m->prop = -1;
            }
        }
        L->nc = (uint32_t)(v->ncj - L->c0);
        v->root_alive = L->nc;
        if (L->nc == 0) {
            set_fail(v, 0, "false", "the schema allows no value");
            violation(v, off);
        }
        return 0;
    }
    vlev *P = &v->lv[d - 1];
    for (uint32_t ci = P->c0; ci < P->c0 + P->nc; ci++) {
        if (!v->cj[ci].alive)
            continue;
        /* product, built in scr as [count, atoms...] records */
        size_t first = v->ncj;
        /* start: one empty conjunction */
        if (grow(v, (void **)&v->cj, &v->cjcap, v->ncj + 1, sizeof *v->cj))
            return -1;
        vconj *c0 = &v->cj[v->ncj++];
        c0->parent = ci;
        c0->m0 = (uint32_t)v->nmm;
        c0->nm = 0;
        c0->alive = 1;
        c0->kids = 0;
        const char *why = NULL;
        uint32_t pm0 = v->cj[ci].m0, pnm = v->cj[ci].nm;
        for (uint32_t mi = pm0; mi < pm0 + pnm; mi++) {
            const vmem *pm = &v->mm[mi];
            const snode *pn = N(v, pm->node);
            uint32_t child;
            const char *kw;
            if (P->kind == '{') {
                int inp = pm->prop >= 0 && pn->props[pm->prop].in_props;
                child = inp ? pn->props[pm->prop].node : pn->addl;
                kw = inp ? "properties" : "additionalProperties";
            } else {
                size_t ix = P->count - 1;
                child = ix < pn->nprefix ? pn->prefix[ix] : pn->items;
                kw = ix < pn->nprefix ? "prefixItems" : "items";
            }
            const snode *cn = N(v, child);
            if (cn->nalt == 1 && cn->alt_off[1] == 0)
                continue; /* accepts everything */
            if (cn->nalt == 0) {
                why = kw;
                v->ncj = first;
                break;
            }
            /* every conjunction so far x every alternative of cn */
            size_t from = first, to = v->ncj;
            for (size_t a = 0; a < cn->nalt; a++) {
                uint32_t na = cn->alt_off[a + 1] - cn->alt_off[a];
                for (size_t k = from; k < to; k++) {
                    if (v->ncj - first >= MAX_CONJ) {
                        v->nomem = 1;
                        return -1;
                    }
                    uint32_t om0 = v->cj[k].m0, onm = v->cj[k].nm;
                    if (grow(v, (void **)&v->cj, &v->cjcap, v->ncj + 1, sizeof *v->cj) ||
                        grow(v, (void **)&v->mm, &v->mmcap, v->nmm + onm + na, sizeof *v->mm))
                        return -1;
                    vconj *c = &v->cj[v->ncj++];
                    c->parent = ci;
                    c->m0 = (uint32_t)v->nmm;
                    c->nm = onm + na;
                    c->alive = 1;
                    c->kids = 0;
                    for (uint32_t j = 0; j < onm; j++)
                        v->mm[v->nmm++] = v->mm[om0 + j];
                    for (uint32_t j = 0; j < na; j++) {
                        vmem *m = &v->mm[v->nmm++];
                        memset(m, 0, sizeof *m);
                        m->node = cn->atoms[cn->alt_off[a] + j];
                        m->prop = -1;
                    }
                }
            }
            /* drop the old ones [from, to): move the new ones down */
            size_t nnew = v->ncj - to;
            memmove(&v->cj[from], &v->cj[to], nnew * sizeof *v->cj);
            v->ncj = from + nnew;
        }
        uint32_t kids = (uint32_t)(v->ncj - first);
        v->cj[ci].kids = kids;
        if (kids == 0) {
            if (P->kind == '{')
                set_fail(v, d, why ? why : "false", "property '%.*s' is not allowed%s",
                         SHOW(v->keys.data + P->key_off, P->key_len),
                         why && why[0] == 'a' ? "" : " (false schema)");
            else
                set_fail(v, d, why ? why : "false", "no element allowed at index %zu", P->count - 1);
            kill(v, d - 1, ci, off);
        }
    }
    L->nc = (uint32_t)(v->ncj - L->c0);
    return 0;
}

static int push_level(llmj__sval *v, unsigned char kind, uint64_t off)
{
    if (v->nlv) {
        vlev *P = &v->lv[v->nlv - 1];
        if (P->kind == '[')
            P->count++;
    }
    if (grow(v, (void **)&v->lv, &v->lvcap, v->nlv + 1, sizeof *v->lv))
        return -1;
    vlev *L = &v->lv[v->nlv++];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->b0 = v->nbits;
    L->key_off = v->keys.len;
    if (v->nlv > 1 && v->lv[v->nlv - 2].kind == '[') {
        /* maxItems before the element's schemas */
        vlev *P = &v->lv[v->nlv - 2];
        for (uint32_t ci = P->c0; ci < P->c0 + P->nc; ci++) {
            if (!v->cj[ci].alive)
                continue;
            for (uint32_t mi = v->cj[ci].m0; mi < v->cj[ci].m0 + v->cj[ci].nm; mi++) {
                const snode *n = N(v, v->mm[mi].node);
                if (P->count > n->max_items) {
                    set_fail(v, v->nlv - 2, "maxItems", "more than %llu items", (unsigned long long)n->max_items);
                    kill(v, v->nlv - 2, ci, off);
                    break;
                }
            }
        }
    }
    return expand(v, off);
}

static void pop_level(llmj__sval *v)
{
    vlev *L = &v->lv[--v->nlv];
    v->ncj = L->c0;
    v->nmm = L->m0;
    v->nbits = L->b0;
    v->keys.len = L->key_off;
    if (v->nlv == 0)
        v->done = 1;
}

#define FOR_ALIVE(L, ci)                                                                    \
    for (uint32_t ci = (L)->c0; ci < (L)->c0 + (L)->nc; ci++)                              \
        if (v->cj[ci].alive)
#define FOR_MEM(ci, mi) for (uint32_t mi = v->cj[ci].m0; mi < v->cj[ci].m0 + v->cj[ci].nm && v->cj[ci].alive; mi++)

/* First-byte checks of the value on top: type, the types of enum values. */
static int first_byte(llmj__sval *v, unsigned char kind, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    unsigned kb = kind_bits(kind);
    int work = 0;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (!(n->types & kb)) {
            char want[96];
            type_names(n->types, want, sizeof want);
            if (n->types == 0)
                set_fail(v, d, "false", "no value allowed here (false schema)");
            else
                set_fail(v, d, "type", "expected %s, got %s", want, kind_name(kind));
            kill(v, d, ci, off);
            break;
        }
        if (n->has_enum && !(n->enum_types & kb)) {
            set_fail(v, d, n->has_enum == 2 ? "const" : "enum", "a %s cannot be any allowed value", kind_name(kind));
            kill(v, d, ci, off);
            break;
        }
        if (kind == 't' || kind == 'f' || kind == 'n') {
            if (n->has_enum) {
                int hit = 0;
                for (size_t k = 0; k < n->neo; k++)
                    hit |= (kind == 'n' && n->eo[k].type == SK_NULL) ||
                           (kind != 'n' && n->eo[k].type == SK_BOOL && n->eo[k].b == (kind == 't'));
                if (!hit) {
                    set_fail(v, d, n->has_enum == 2 ? "const" : "enum", "%s is not an allowed value",
                             kind == 't' ? "true" : kind == 'f' ? "false" : "null");
                    kill(v, d, ci, off);
                    break;
                }
            }
        } else if (kind == '"') {
            m->lo = 0;
            m->hi = (uint32_t)n->nes;
            m->chars = 0;
            if (n->has_enum || n->re || n->format || n->min_len || n->max_len != UINT64_MAX)
                work |= 1;
            if (n->re || n->format)
                work |= 2;
        } else if (kind == '{') {
            m->b0 = v->nbits;
            size_t words = (n->nprops + 63) / 64;
            if (words) {
                if (grow(v, (void **)&v->bits, &v->bitscap, v->nbits + words, sizeof *v->bits))
                    return -1;
                memset(v->bits + v->nbits, 0, words * sizeof *v->bits);
                v->nbits += words;
            }
        }
    }
    L->work = work;
    return 0;
}

/* ---- strings ------------------------------------------------------------------ */

static int enum_narrow(const snode *n, vmem *m, uint64_t depth, unsigned char c)
{
    if (m->hi - m->lo == 1) /* one candidate left: compare */
        return n->es[m->lo].len > depth && (unsigned char)n->es[m->lo].s[depth] == c ? 1 : (m->hi = m->lo, 0);
    /* es[lo..hi) share the first depth bytes; keep those whose byte depth is c */
    uint32_t lo = m->lo, hi = m->hi;
    while (lo < hi && n->es[lo].len <= depth)
        lo++;
    /* lower bound of c */
    uint32_t a = lo, b = hi;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if ((unsigned char)n->es[mid].s[depth] < c)
            a = mid + 1;
        else
            b = mid;
    }
    uint32_t e = a, f = hi;
    while (e < f) {
        uint32_t mid = e + (f - e) / 2;
        if ((unsigned char)n->es[mid].s[depth] <= c)
            e = mid + 1;
        else
            f = mid;
    }
    m->lo = a;
    m->hi = e;
    return a < e;
}

static int pattern_viable(llmj__sval *v, const snode *n, int partial)
{
    int rc = pcre2_match(n->re, (PCRE2_SPTR)v->sbuf.data, v->sbuf.len, 0,
                         partial ? PCRE2_PARTIAL_HARD : 0, v->md, NULL);
    return rc >= 0 || rc == PCRE2_ERROR_PARTIAL;
}

/* A character of a string value begins at off (maxLength). */
static void str_char_start(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (++m->chars > n->max_len) {
            set_fail(v, d, "maxLength", "longer than %llu characters", (unsigned long long)n->max_len);
            kill(v, d, ci, off);
            break;
        }
    }
}

/* One decoded byte of a string value; starts: it begins a character; ends:
 * it ends one. */
static void str_byte(llmj__sval *v, unsigned char c, int starts, int ends, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (L->work & 2) {
        if (push_byte(v, &v->sbuf, c)) {
            v->nomem = 1;
            return;
        }
    }
    uint64_t depth = L->sbytes++;
    if (starts)
        str_char_start(v, off);
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (n->has_enum && !enum_narrow(n, m, depth, c)) {
            set_fail(v, d, n->has_enum == 2 ? "const" : "enum", "the string cannot become any allowed value");
            kill(v, d, ci, off);
            break;
        }
        if (ends && n->re && n->re_anchored && v->sbuf.len <= PATTERN_PREFIX_MAX && !pattern_viable(v, n, 1)) {
            set_fail(v, d, "pattern", "the string can no longer match the pattern");
            kill(v, d, ci, off);
            break;
        }
        if (ends && n->format && !llmj__format_prefix(n->format, v->sbuf.data, v->sbuf.len)) {
            set_fail(v, d, "format", "the string can no longer be a valid %s", llmj__format_name(n->format));
            kill(v, d, ci, off);
            break;
        }
    }
}

static void str_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (m->chars < n->min_len) {
            set_fail(v, d, "minLength", "shorter than %llu characters", (unsigned long long)n->min_len);
            kill(v, d, ci, off);
            break;
        }
        if (n->has_enum) {
            uint32_t lo = m->lo;
            while (lo < m->hi && n->es[lo].len < L->sbytes)
                lo++;
            if (!(lo < m->hi && n->es[lo].len == L->sbytes)) {
                set_fail(v, d, n->has_enum == 2 ? "const" : "enum", "the string is not an allowed value");
                kill(v, d, ci, off);
                break;
            }
        }
        if (n->re && !pattern_viable(v, n, 0)) {
            set_fail(v, d, "pattern", "the string does not match the pattern");
            kill(v, d, ci, off);
            break;
        }
        if (n->format && !llmj__format_check(n->format, v->sbuf.data, v->sbuf.len)) {
            set_fail(v, d, "format", "not a valid %s", llmj__format_name(n->format));
            kill(v, d, ci, off);
            break;
        }
    }
    v->sbuf.len = 0;
    pop_level(v);
}

/* ---- keys ------------------------------------------------------------------- */

static void key_begin(llmj__sval *v)
{
    vlev *L = &v->lv[v->nlv - 1];
    v->keys.len = L->key_off;
    L->key_len = 0;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        v->mm[mi].lo = 0;
        v->mm[mi].hi = (uint32_t)N(v, v->mm[mi].node)->nprops;
    }
}

static int prop_narrow(const snode *n, vmem *m, uint64_t depth, unsigned char c)
{
    if (m->hi - m->lo == 1)
        return n->props[m->lo].len > depth && (unsigned char)n->props[m->lo].name[depth] == c ? 1 : (m->hi = m->lo, 0);
    uint32_t lo = m->lo, hi = m->hi;
    while (lo < hi && n->props[lo].len <= depth)
        lo++;
    uint32_t a = lo, b = hi;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if ((unsigned char)n->props[mid].name[depth] < c)
            a = mid + 1;
        else
            b = mid;
    }
    uint32_t e = a, f = hi;
    while (e < f) {
        uint32_t mid = e + (f - e) / 2;
        if ((unsigned char)n->props[mid].name[depth] <= c)
            e = mid + 1;
        else
            f = mid;
    }
    m->lo = a;
    m->hi = e;
    return a < e;
}

static void key_byte(llmj__sval *v, unsigned char c, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (push_byte(v, &v->keys, c)) {
        v->nomem = 1;
        return;
    }
    uint64_t depth = L->key_len++;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (n->addl_false && !prop_narrow(n, m, depth, c)) {
            set_fail(v, d, "additionalProperties", "property '%.*s...' is not allowed (no allowed property begins so)",
                     SHOW(v->keys.data + L->key_off, L->key_len));
            kill(v, d, ci, off);
            break;
        }
    }
}

static void key_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    const char *k = v->keys.data + L->key_off;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        m->prop = -1;
        size_t a = 0, b = n->nprops;
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            const sprop *p = &n->props[mid];
            size_t l = p->len < L->key_len ? p->len : L->key_len;
            int r = memcmp(p->name, k, l);
            if (r == 0)
                r = p->len < L->key_len ? -1 : p->len > L->key_len;
            if (r == 0) {
                m->prop = (int32_t)mid;
                break;
            }
            if (r < 0)
                a = mid + 1;
            else
                b = mid;
        }
        if (n->addl_false && (m->prop < 0 || !n->props[m->prop].in_props)) {
            set_fail(v, d + 1, "additionalProperties", "property '%.*s' is not allowed", SHOW(k, L->key_len));
            kill(v, d, ci, off);
            break;
        }
        if (m->prop >= 0) {
            uint64_t *w = &v->bits[m->b0 + (size_t)m->prop / 64];
            uint64_t bit = 1ull << (m->prop % 64);
            if (*w & bit) {
                set_fail(v, d + 1, "properties", "duplicate member '%.*s'", SHOW(k, L->key_len));
                kill(v, d, ci, off);
                break;
            }
            *w |= bit;
        }
    }
}

/* ---- containers end, numbers ---------------------------------------------- */

static void obj_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (!n->nrequired)
            continue;
        for (size_t j = 0; j < n->nprops; j++) {
            if (n->props[j].required && !(v->bits[m->b0 + j / 64] & (1ull << (j % 64)))) {
                set_fail(v, d, "required", "required property '%.*s' is missing",
                         SHOW(n->props[j].name, n->props[j].len));
                kill(v, d, ci, off);
                break;
            }
        }
    }
    pop_level(v);
}

static void arr_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        const snode *n = N(v, v->mm[mi].node);
        if (L->count < n->min_items) {
            set_fail(v, d, "minItems", "fewer than %llu items", (unsigned long long)n->min_items);
            kill(v, d, ci, off);
            break;
        }
    }
    pop_level(v);
}

/* Is the number text an integer value (1.0 and 1e2 are)? */
static int num_is_integer(const char *s, size_t n)
{
    long long exp = 0;
    const char *e = memchr(s, 'e', n);
    if (!e)
        e = memchr(s, 'E', n);
    size_t mlen = e ? (size_t)(e - s) : n;
    if (e)
        exp = strtoll(e + 1, NULL, 10);
    /* digits after the point that are not zero, counted from the point */
    const char *dot = memchr(s, '.', mlen);
    if (!dot)
        return exp >= 0 || 1; /* an integer mantissa: a negative exponent may still leave zeros */
    long long last = 0; /* position of the last non-zero fraction digit */
    for (size_t i = (size_t)(dot - s) + 1; i < mlen; i++)
        if (s[i] != '0')
            last = (long long)(i - (size_t)(dot - s));
    return last <= exp;
}

static void num_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (llmj__buf_append(&v->num, &v->a, "", 1, SIZE_MAX)) {
        v->nomem = 1;
        return;
    }
    const char *s = v->num.data;
    size_t len = v->num.len - 1;
    double x = strtod(s, NULL);
    int integral = -1;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        const snode *n = N(v, v->mm[mi].node);
        if ((n->types & SK_INT) && !(n->types & SK_NUM)) {
            if (integral < 0) {
                integral = num_is_integer(s, len);
                if (integral && !memchr(s, '.', len) && (memchr(s, 'e', len) || memchr(s, 'E', len)))
                    integral = x == floor(x);
            }
            if (!integral) {
                set_fail(v, d, "type", "expected integer, got %.*s", SHOW(s, len));
                kill(v, d, ci, off);
                break;
            }
        }
        const char *kw = NULL;
        double lim = 0;
        if (n->has_min && x < n->min)
            kw = "minimum", lim = n->min;
        else if (n->has_max && x > n->max)
            kw = "maximum", lim = n->max;
        else if (n->has_xmin && x <= n->xmin)
            kw = "exclusiveMinimum", lim = n->xmin;
        else if (n->has_xmax && x >= n->xmax)
            kw = "exclusiveMaximum", lim = n->xmax;
        if (kw) {
            set_fail(v, d, kw, "%.*s is out of range (%s %.17g)", SHOW(s, len), kw, lim);
            kill(v, d, ci, off);
            break;
        }
        if (n->has_mult) {
            double q = x / n->mult;
            int ok = isfinite(q) && fabs(q - nearbyint(q)) <= 1e-9 * (fabs(q) > 1 ? fabs(q) : 1);
            if (!ok) {
                set_fail(v, d, "multipleOf", "%.*s is not a multiple of %.17g", SHOW(s, len), n->mult);
                kill(v, d, ci, off);
                break;
            }
        }
        if (n->has_enum) {
            int hit = 0;
            for (size_t k = 0; k < n->neo && !hit; k++)
                hit = n->eo[k].type == SK_NUM && n->eo[k].num == x;
            if (!hit) {
                set_fail(v, d, n->has_enum == 2 ? "const" : "enum", "%.*s is not an allowed value", SHOW(s, len));
                kill(v, d, ci, off);
                break;
            }
        }
    }
    v->num.len = 0;
    pop_level(v);
}

/* ---- the lexer ----------------------------------------------------------------- */

static void utf8_out(llmj__sval *v, unsigned cp, uint64_t off)
{
    unsigned char o[4];
    int n;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (unsigned char)(0xF0 | (cp >> 18));
        o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    for (int i = 0; i < n; i++) {
        if (v->in_key)
            key_byte(v, o[i], off);
        else
            str_byte(v, o[i], 0, i == n - 1, off);
    }
}

static int hexv(unsigned char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void value_start(llmj__sval *v, unsigned char kind, uint64_t off)
{
    if (push_level(v, kind, off) == 0)
        first_byte(v, kind, off);
}

void llmj__schema_feed(llmj__sval *v, const unsigned char *p, size_t n)
{
    if (!v || v->nomem)
        return;
    uint64_t base = v->pos;
    size_t i = 0;
#define OFF (base + i)
    while (i < n && !v->nomem) {
        unsigned char c = p[i];
        switch (v->ls) {
        case L_STR: {
            vlev *L = &v->lv[v->nlv - 1];
            if (!v->in_key && !L->work) {
                while (i < n && p[i] != '"' && p[i] != '\\')
                    i++;
                if (i == n)
                    break;
                c = p[i];
            }
            if (c == '"') {
                if (v->in_key) {
                    key_end(v, OFF);
                    v->in_key = 0;
                    v->want_key = 0;
                } else {
                    str_end(v, OFF);
                }
                v->ls = L_BETWEEN;
            } else if (c == '\\') {
                v->ls = L_ESC;
                if (!v->in_key && L->work)
                    str_char_start(v, OFF); /* an escape is one character */
            } else if (v->in_key) {
                key_byte(v, c, OFF);
            } else {
                /* a raw UTF-8 byte: a character starts at its lead byte and
                 * ends at its last continuation byte */
                int starts = (c & 0xC0) != 0x80, ends;
                if (starts) {
                    v->u8_left = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
                    ends = v->u8_left == 0;
                } else {
                    ends = v->u8_left > 0 && --v->u8_left == 0;
                }
                str_byte(v, c, starts, ends, OFF);
            }
            i++;
            break;
        }
        case L_ESC: {
            unsigned char d = 0;
            switch (c) {
            case 'b': d = '\b'; break;
            case 'f': d = '\f'; break;
            case 'n': d = '\n'; break;
            case 'r': d = '\r'; break;
            case 't': d = '\t'; break;
            case 'u': v->ls = L_U; v->u_n = 0; v->u_val = 0; i++; continue;
            default: d = c; break;
            }
            v->ls = L_STR;
            vlev *L = &v->lv[v->nlv - 1];
            if (v->in_key || L->work)
                utf8_out(v, d, OFF);
            i++;
            break;
        }
        case L_U:
            v->u_val = v->u_val * 16 + (unsigned)hexv(c);
            if (++v->u_n == 4) {
                if (v->u_hi) {
                    unsigned cp = 0x10000 + ((v->u_hi - 0xD800) << 10) + (v->u_val - 0xDC00);
                    v->u_hi = 0;
                    v->ls = L_STR;
                    if (v->in_key || v->lv[v->nlv - 1].work)
                        utf8_out(v, cp, OFF);
                } else if (v->u_val >= 0xD800 && v->u_val <= 0xDBFF) {
                    v->u_hi = v->u_val;
                    v->ls = L_LOW1;
                } else {
                    v->ls = L_STR;
                    if (v->in_key || v->lv[v->nlv - 1].work)
                        utf8_out(v, v->u_val, OFF);
                }
            }
            i++;
            break;
        case L_LOW1:
            v->ls = L_LOW2;
            i++;
            break;
        case L_LOW2:
            v->ls = L_U;
            v->u_n = 0;
            v->u_val = 0;
            i++;
            break;
        case L_NUM:
            if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                if (push_byte(v, &v->num, c))
                    v->nomem = 1;
                i++;
                break;
            }
            num_end(v, OFF);
            v->ls = L_BETWEEN;
            break; /* the delimiter is read next */
        case L_LIT:
            i++;
            if (--v->lit_left == 0)
                v->ls = L_BETWEEN;
            break;
        default:
            i++;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (c == '\n') {
                    v->line++;
                    v->line_start = OFF;
                }
                break;
            }
            v->started = 1;
            if (c == ',') {
                v->want_key = v->nlv && v->lv[v->nlv - 1].kind == '{';
                break;
            }
            if (c == ':')
                break;
            if (c == '}' ) {
                obj_end(v, OFF - 1);
                break;
            }
            if (c == ']') {
                arr_end(v, OFF - 1);
                break;
            }
            if (c == '"' && v->want_key) {
                v->in_key = 1;
                key_begin(v);
                v->ls = L_STR;
                break;
            }
            if (c == '{') {
                value_start(v, '{', OFF - 1);
                v->want_key = 1;
            } else if (c == '[') {
                value_start(v, '[', OFF - 1);
            } else if (c == '"') {
                value_start(v, '"', OFF - 1);
                v->ls = L_STR;
            } else if (c == 't' || c == 'f' || c == 'n') {
                value_start(v, c, OFF - 1);
                if (!v->nomem)
                    pop_level(v);
                v->lit_left = c == 'f' ? 4 : 3;
                v->ls = L_LIT;
            } else {
                value_start(v, '0', OFF - 1);
                v->num.len = 0;
                if (push_byte(v, &v->num, c))
                    v->nomem = 1;
                v->ls = L_NUM;
            }
            break;
        }
    }
    v->pos = base + n;
#undef OFF
}

/* ---- life cycle, results ------------------------------------------------------ */

static void sval_state(llmj__sval *v)
{
    v->ls = L_BETWEEN;
    v->want_key = v->in_key = 0;
    v->lit_left = 0;
    v->u_n = v->u_val = v->u_hi = v->u8_left = 0;
    v->pos = 0;
    v->line = 1;
    v->line_start = 0;
    v->started = v->done = v->finished = v->complete = 0;
    v->nlv = v->ncj = v->nmm = v->nbits = 0;
    v->keys.len = v->sbuf.len = v->num.len = 0;
    v->root_alive = 0;
    v->nomem = 0;
    v->violated = 0;
}

void llmj__schema_reset(llmj__sval *v)
{
    if (v)
        sval_state(v);
}

void llmj__schema_free(llmj__sval *v)
{
    if (!v)
        return;
    llmj_allocator a = v->a;
    if (v->md)
        pcre2_match_data_free(v->md);
    llmj__free(&a, v->lv);
    llmj__free(&a, v->cj);
    llmj__free(&a, v->mm);
    llmj__free(&a, v->bits);
    llmj__free(&a, v->scr);
    llmj__free(&a, v->missing);
    llmj__buf_free(&v->keys, &a);
    llmj__buf_free(&v->sbuf, &a);
    llmj__buf_free(&v->num, &a);
    llmj__buf_free(&v->vptr, &a);
    llmj__buf_free(&v->out, &a);
    llmj__free(&a, v);
}

void llmj__schema_finish(llmj__sval *v, int end_normal, int complete)
{
    if (!v || v->finished)
        return;
    v->finished = 1;
    if (!v->nomem && v->ls == L_NUM && end_normal && v->nlv == 1)
        num_end(v, v->pos);
    v->complete = complete;
}

llmj_status llmj_tracker_set_schema(llmj_tracker *t, const llmj_schema *s)
{
    if (!t || t->pos != 0 || t->finished)
        return LLMJ_MISUSE;
    if (!s) {
        llmj__schema_free(t->schema);
        t->schema = NULL;
        return LLMJ_OK;
    }
    llmj__sval *v = llmj__malloc(&t->a, sizeof *v);
    if (!v)
        return LLMJ_NOMEM;
    memset(v, 0, sizeof *v);
    v->s = s;
    v->a = t->a;
    v->max_token = t->cfg.max_token;
    /* the match data comes from the schema's PCRE2 context (its allocator) */
    v->md = pcre2_match_data_create(1, s->gctx);
    if (!v->md) {
        llmj__free(&t->a, v);
        return LLMJ_NOMEM;
    }
    sval_state(v);
    llmj__schema_free(t->schema);
    t->schema = v;
    return LLMJ_OK;
}

static int out_ptr(llmj__sval *v, size_t d, const char *extra, size_t elen, size_t *at)
{
    *at = v->out.len;
    if (build_ptr(v, &v->out, d))
        return -1;
    if (extra) {
        if (llmj__buf_append(&v->out, &v->a, "/", 1, SIZE_MAX))
            return -1;
        for (size_t j = 0; j < elen; j++) {
            const char *e = extra[j] == '~' ? "~0" : extra[j] == '/' ? "~1" : extra + j;
            if (llmj__buf_append(&v->out, &v->a, e, extra[j] == '~' || extra[j] == '/' ? 2 : 1, SIZE_MAX))
                return -1;
        }
    }
    return llmj__buf_append(&v->out, &v->a, "", 1, SIZE_MAX);
}

llmj_status llmj_tracker_schema_result(llmj_tracker *t, llmj_schema_result *out)
{
    if (!t || !out || !t->schema)
        return LLMJ_MISUSE;
    llmj__sval *v = t->schema;
    memset(out, 0, sizeof *out);
    if (v->nomem)
        return LLMJ_NOMEM;
    out->violation = v->violated ? &v->viol : NULL;
    out->valid = v->violated ? LLMJ_SCHEMA_NONCONFORMING
                 : v->complete ? LLMJ_SCHEMA_CONFORMING : LLMJ_SCHEMA_UNDECIDED;
    v->out.len = 0;
    /* offsets first, pointers after: out may move while it grows */
    size_t offs[1024];
    size_t nm = 0, cut_at = SIZE_MAX;
    for (size_t d = 0; d < v->nlv && !v->violated; d++) {
        const vlev *L = &v->lv[d];
        if (L->kind != '{')
            continue;
        uint32_t ci = L->c0;
        while (ci < L->c0 + L->nc && !v->cj[ci].alive)
            ci++;
        if (ci == L->c0 + L->nc)
            continue;
        for (uint32_t mi = v->cj[ci].m0; mi < v->cj[ci].m0 + v->cj[ci].nm; mi++) {
            const vmem *m = &v->mm[mi];
            const snode *n = N(v, m->node);
            for (size_t j = 0; n->nrequired && j < n->nprops && nm < 1024; j++) {
                if (!n->props[j].required || (v->bits[m->b0 + j / 64] & (1ull << (j % 64))))
                    continue;
                /* a key being read is not yet present */
                if (out_ptr(v, d, n->props[j].name, n->props[j].len, &offs[nm]))
                    return LLMJ_NOMEM;
                nm++;
            }
        }
    }
    if (!v->complete && v->started) {
        size_t d = v->nlv;
        int lit = v->ls == L_LIT;
        /* inside a container between its values: the container itself */
        if (!lit && d > 0 && (v->lv[d - 1].kind == '{' || v->lv[d - 1].kind == '['))
            d--;
        else if (!lit && d > 0)
            d--;
        if (lit)
            d = v->nlv;
        if (out_ptr(v, d, NULL, 0, &cut_at))
            return LLMJ_NOMEM;
    }
    if (nm > v->mcap) {
        const char **m = llmj__realloc(&v->a, v->missing, nm * sizeof *m);
        if (!m)
            return LLMJ_NOMEM;
        v->missing = m;
        v->mcap = nm;
    }
    for (size_t i = 0; i < nm; i++)
        v->missing[i] = v->out.data + offs[i];
    out->nmissing = nm;
    out->missing = v->missing;
    out->cut = cut_at == SIZE_MAX ? NULL : v->out.data + cut_at;
    return LLMJ_OK;
}
