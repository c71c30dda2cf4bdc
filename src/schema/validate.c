/* Streaming validation. The tracker hands this module every byte it took
 * (so the text is always a valid JSON prefix here); a small lexer finds the
 * values, and each value is checked against the set of conjunctions of
 * schema nodes still possible for it (the compiled DNF, see compile.c).
 * A conjunction dies at the byte at which one of its nodes can no longer be
 * satisfied by any continuation; its parent dies when none of its children
 * is left; the text is in violation when no root conjunction is left.
 *
 * Speed: with no event callback, the common case (one conjunction of at
 * most one member per level) is taken by fast_loop(), which goes down and
 * up the levels with each level's records at hand and hands anything else,
 * anything that fails included, to the general path below. There, the
 * bytes of strings and keys are handled in runs (everything up to
 * the next quote or backslash at once), a string no keyword looks into is
 * skipped eight bytes at a time, and patterns run as automata (regex.h).
 * While several conjunctions of a value are alive (an anyOf not yet
 * decided) its runs are taken one byte at a time, so that the branch left is
 * known at its byte. Every result is the same whatever the piece sizes, so
 * with no event callback small pieces are held and validated together (see
 * llmj__schema_feed).
 *
 * Memory: the stacks hold one record per open value, conjunction and node,
 * so they grow with nesting and schema width, never with the text's length
 * (strings are kept only while a PCRE2 pattern or a format needs them, and
 * keys for the pointers, both bounded by max_token). */
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema_int.h"
#include "schema/format.h"
#include "tracker_int.h"
#include "unicode.h"

#define NONE UINT32_MAX
#if defined(__GNUC__)
#define HOT static inline __attribute__((always_inline)) /* on the per-token path */
#else
#define HOT static inline
#endif
#define PATTERN_PREFIX_MAX 256 /* PCRE2 patterns: decoded bytes up to which prefixes are checked */
#define MAX_CONJ 4096          /* conjunctions per value */
#define HOLD_CAP 4096          /* bytes of small pieces held before they are validated */

/* vlev.work: what the members of a string value look at: the content, its
 * bytes kept in sbuf, an enum, the character count, the code points */
enum { W_LOOK = 1, W_KEEP = 2, W_ENUM = 4, W_LEN = 8, W_CP = 16 };

/* The W_* a node's str_checks need. */
static unsigned str_work(unsigned sc)
{
    return !sc ? 0u
               : W_LOOK | (sc & SC_ENUM ? W_ENUM : 0u) | (sc & SC_LEN ? W_LEN : 0u) |
                     (sc & (SC_PCRE | SC_FORMAT) ? W_KEEP : 0u) | (sc & (SC_RX | SC_PCRE | SC_FORMAT) ? W_CP : 0u);
}

typedef struct vlev {
    unsigned char kind;      /* '{' '[' '"' '0' (number) */
    unsigned char work;      /* strings: W_* */
    unsigned char resolved;  /* strings: the enum event was sent */
    unsigned char decided;   /* the branch event was sent */
    uint32_t c0, nc;         /* its conjunctions */
    uint32_t alive;          /* how many of them are alive */
    uint32_t m0;             /* first member record */
    size_t b0;               /* first bit word */
    size_t count;            /* arrays: elements begun */
    size_t key_off, key_len; /* objects: the current key in keys */
    const char *kext;        /* or there: a property's name it equals (not copied) */
    uint64_t sbytes;         /* strings: decoded bytes so far */
    uint64_t chars;          /* strings: characters begun */
    uint64_t dec_off;        /* where one conjunction was left */
} vlev;

typedef struct vconj {
    uint32_t parent;     /* in the level below, NONE at the root */
    uint32_t m0, nm;
    uint32_t kids;       /* alive conjunctions of the current child value */
    uint32_t label, bix; /* the anyOf branch it came through (NONE: none) */
    unsigned char alive;
} vconj;

typedef struct vmem {
    uint32_t node;
    uint32_t lo, hi;     /* enum (strings) or property (keys) range */
    int32_t prop;        /* objects: the current key's property, -1 none */
    int32_t last;        /* objects: declaration index of the last declared member begun */
    size_t b0;           /* objects: seen bits */
    llmj__re_state rs;   /* strings: the pattern's automaton */
} vmem;

enum { L_BETWEEN, L_STR, L_ESC, L_U, L_LOW1, L_LOW2, L_NUM, L_LIT };

typedef struct llmj__sval llmj__sval;
struct llmj__sval {
    const llmj_schema *s;
    llmj_tracker *t;
    llmj_allocator a;
    pcre2_match_data *md;
    llmj_schema_event_cb cb;
    void *cbctx;

    int ls;
    unsigned char want_key, in_key;
    int lit_left;
    unsigned u_n, u_val, u_hi;
    unsigned u8_left;    /* a string value's raw UTF-8: continuation bytes still due */
    uint32_t cp;         /* and the code point so far */
    uint64_t pos, line, line_start;
    int started, done, finished, complete;
    int dec_pending;     /* some level may have one conjunction left */
    int flat;            /* the string or number being read has no level (nothing to check) */
    uint32_t kmem;       /* the key being read: see key_begin() */
    uint64_t pos_now;    /* the offset of the value being begun */
    size_t plain_tail;   /* the piece being fed has no quote or backslash from here on (SIZE_MAX: not known) */
    const snode *nodes;  /* s->nodes */

    vlev *lv; size_t nlv, lvcap;
    vconj *cj; size_t ncj, cjcap;
    vmem *mm; size_t nmm, mmcap;
    uint64_t *bits; size_t nbits, bitscap;
    llmj__buf keys, sbuf, num;
    int nomem;

    int violated;
    llmj_schema_violation viol;
    llmj__buf vptr;
    char vmsg[320];
    const char *fkw;
    char fmsg[320];
    size_t fdepth;   /* levels whose segments make the failure's pointer */

    llmj__buf evp;   /* an event's pointer */
    llmj__buf out;   /* result pointers, NUL-separated */
    size_t *offs; size_t offcap;
    const char **plist; size_t pcap;

    /* small pieces held for one call of feed_now() (see llmj__schema_feed) */
    unsigned char *hold; size_t nhold;
    int hold_refused;    /* its allocation failed: every piece at once */
};

/* ---- small helpers ---------------------------------------------------------- */

static int grow_to(llmj__sval *v, void **p, size_t *cap, size_t need, size_t size)
{
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

/* Room for need elements of size bytes in *p (capacity *cap): 0, or -1 (no
 * memory: nomem is set). */
static inline int grow(llmj__sval *v, void **p, size_t *cap, size_t need, size_t size)
{
    return need <= *cap ? 0 : grow_to(v, p, cap, need, size);
}

static inline int append(llmj__sval *v, llmj__buf *b, const void *p, size_t n)
{
    if (b->len + n < b->cap) {
        if (n <= 16) {
            /* keys and numbers are short: no library call */
            unsigned char *o = (unsigned char *)b->data + b->len;
            const unsigned char *q = p;
            for (size_t k = 0; k < n; k++)
                o[k] = q[k];
        } else {
            memcpy(b->data + b->len, p, n);
        }
        b->len += n;
        return 0;
    }
    if (llmj__buf_append(b, &v->a, p, n, SIZE_MAX) == 0)
        return 0;
    v->nomem = 1;
    return -1;
}

static inline const snode *N(const llmj__sval *v, uint32_t i)
{
    return &v->nodes[i];
}

/* The bytes of the current key of the object level L. */
static inline const char *key_text(const llmj__sval *v, const vlev *L)
{
    return L->kext ? L->kext : v->keys.data ? v->keys.data + L->key_off : ""; /* no key stored yet: an empty one */
}

/* Append "/" and one escaped segment. */
static int put_seg(llmj__sval *v, llmj__buf *b, const char *k, size_t n)
{
    if (append(v, b, "/", 1))
        return -1;
    for (size_t j = 0; j < n; j++) {
        int esc = k[j] == '~' || k[j] == '/';
        if (append(v, b, esc ? (k[j] == '~' ? "~0" : "~1") : k + j, esc ? 2 : 1))
            return -1;
    }
    return 0;
}

/* Append the pointer of the value at depth d (segments of levels 0..d-1). */
static int build_ptr(llmj__sval *v, llmj__buf *b, size_t d)
{
    for (size_t i = 0; i < d && i < v->nlv; i++) {
        const vlev *l = &v->lv[i];
        if (l->kind == '[') {
            char n[24];
            int k = snprintf(n, sizeof n, "%zu", l->count ? l->count - 1 : 0);
            if (append(v, b, "/", 1) || append(v, b, n, (size_t)k))
                return -1;
        } else if (put_seg(v, b, key_text(v, l), l->key_len)) {
            return -1;
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

/* ---- events -------------------------------------------------------------------- */

const char *llmj_schema_event_name(llmj_schema_event_type type)
{
    switch (type) {
    case LLMJ_SCHEMA_EV_VIOLATION: return "schema_violation";
    case LLMJ_SCHEMA_EV_ENUM: return "enum_resolved";
    case LLMJ_SCHEMA_EV_BRANCH: return "branch_decided";
    }
    return "unknown";
}

static int want_events(const llmj__sval *v)
{
    return v->cb && !v->t->muted;
}

/* Deliver ev about the value at depth d, certain at byte off. */
static void emit(llmj__sval *v, llmj_schema_event *ev, size_t d, uint64_t off)
{
    v->evp.len = 0;
    if (build_ptr(v, &v->evp, d) || append(v, &v->evp, "", 1))
        return;
    ev->pointer = v->evp.data;
    ev->offset = off;
    ev->line = v->line;
    ev->column = off - v->line_start + 1;
    if (v->cb(v->cbctx, ev))
        v->t->muted = 1; /* the tracker stops: LLMJ_ABORTED, no more callbacks */
}

static void violation(llmj__sval *v, uint64_t off)
{
    v->violated = 1;
    v->vptr.len = 0;
    if (build_ptr(v, &v->vptr, v->fdepth) || append(v, &v->vptr, "", 1)) {
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
    if (want_events(v)) {
        llmj_schema_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = LLMJ_SCHEMA_EV_VIOLATION;
        ev.violation = &v->viol;
        emit(v, &ev, v->fdepth, off);
    }
}

/* Conjunction ci of level d can no longer be satisfied (set_fail said why). */
static void kill(llmj__sval *v, size_t d, uint32_t ci, uint64_t off)
{
    for (;;) {
        vconj *c = &v->cj[ci];
        if (!c->alive)
            return;
        c->alive = 0;
        vlev *L = &v->lv[d];
        if (--L->alive == 1 && L->nc > 1 && !L->decided) {
            v->dec_pending = 1;
            L->dec_off = off;
        }
        if (c->parent == NONE) {
            if (L->alive == 0 && !v->violated)
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

/* The levels left with one conjunction (after the byte that did it): the
 * branch it came through is decided. */
static void flush_decided(llmj__sval *v)
{
    v->dec_pending = 0;
    for (size_t d = 0; d < v->nlv; d++) {
        vlev *L = &v->lv[d];
        if (L->alive != 1 || L->nc <= 1 || L->decided)
            continue;
        L->decided = 1;
        uint32_t ci = L->c0;
        while (!v->cj[ci].alive)
            ci++;
        if (v->cj[ci].label == NONE || !want_events(v))
            continue;
        llmj_schema_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = LLMJ_SCHEMA_EV_BRANCH;
        ev.branch = v->cj[ci].bix;
        ev.schema = llmj__schema_node_ptr(v->s, v->cj[ci].label);
        emit(v, &ev, d, L->dec_off);
    }
}

/* The string value at depth d can only become val (from byte off on). */
static void tell_resolved(llmj__sval *v, size_t d, const sstr *val, uint64_t off)
{
    v->lv[d].resolved = 1;
    if (!want_events(v))
        return;
    llmj_schema_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = LLMJ_SCHEMA_EV_ENUM;
    ev.value = val->s;
    ev.value_len = val->len;
    emit(v, &ev, d, off);
}

/* The string value on top (depth d) can only become one enum value, when
 * every alive conjunction has a member whose enum came down to the same
 * single value: tell once. */
static void check_resolved(llmj__sval *v, size_t d, uint64_t off)
{
    vlev *L = &v->lv[d];
    const sstr *val = NULL;
    for (uint32_t ci = L->c0; ci < L->c0 + L->nc; ci++) {
        if (!v->cj[ci].alive)
            continue;
        const sstr *one = NULL;
        for (uint32_t mi = v->cj[ci].m0; mi < v->cj[ci].m0 + v->cj[ci].nm && !one; mi++) {
            const vmem *m = &v->mm[mi];
            const snode *n = N(v, m->node);
            if ((n->str_checks & SC_ENUM) && m->hi - m->lo == 1)
                one = &n->es[m->lo];
        }
        if (!one || (val && (val->len != one->len || memcmp(val->s, one->s, one->len))))
            return;
        val = one;
    }
    if (val)
        tell_resolved(v, d, val, off);
}

/* ---- values begin ------------------------------------------------------------ */

/* The SK_* bits of a value kind ('{' '[' '"' '0' 't' 'f' 'n'), by table: it
 * is asked once per value. */
static const unsigned char k_kbits[256] = {
    ['{'] = SK_OBJ, ['['] = SK_ARR, ['"'] = SK_STR, ['0'] = SK_INT | SK_NUM, ['t'] = SK_BOOL, ['f'] = SK_BOOL,
    ['n'] = SK_NULL,
};

/* The VK_* of a value by its first byte (or its kind), for snode.fk. */
static const unsigned char k_kix[256] = {
    ['"'] = VK_STR, ['-'] = VK_NUM, ['0'] = VK_NUM, ['1'] = VK_NUM, ['2'] = VK_NUM, ['3'] = VK_NUM,
    ['4'] = VK_NUM, ['5'] = VK_NUM, ['6'] = VK_NUM, ['7'] = VK_NUM, ['8'] = VK_NUM, ['9'] = VK_NUM,
    ['t'] = VK_BOOL, ['f'] = VK_BOOL, ['n'] = VK_NULL, ['{'] = VK_OBJ, ['['] = VK_ARR,
};

static inline unsigned kind_bits(unsigned char k)
{
    return k_kbits[k];
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

static vconj *new_conj(llmj__sval *v, uint32_t parent, uint32_t label, uint32_t bix)
{
    if (grow(v, (void **)&v->cj, &v->cjcap, v->ncj + 1, sizeof *v->cj))
        return NULL;
    vconj *c = &v->cj[v->ncj++];
    c->parent = parent;
    c->m0 = (uint32_t)v->nmm;
    c->nm = 0;
    c->kids = 0;
    c->label = label;
    c->bix = bix;
    c->alive = 1;
    return c;
}

/* Append the atoms of alternative a of node cn as members of conjunction c
 * (whose members are the last ones). */
static int add_atoms(llmj__sval *v, uint32_t c, const snode *cn, size_t a)
{
    uint32_t na = cn->alt_off[a + 1] - cn->alt_off[a];
    if (grow(v, (void **)&v->mm, &v->mmcap, v->nmm + na, sizeof *v->mm))
        return -1;
    for (uint32_t j = 0; j < na; j++) {
        vmem *m = &v->mm[v->nmm++];
        memset(m, 0, sizeof *m);
        m->node = cn->atoms[cn->alt_off[a] + j];
        m->prop = -1;
        m->last = -1;
    }
    v->cj[c].nm += na;
    return 0;
}

/* The schema of the value being begun for member pm of a conjunction of its
 * parent P; *kw names the keyword it comes from. */
static uint32_t child_schema(const llmj__sval *v, const vlev *P, const vmem *pm, const char **kw)
{
    const snode *pn = N(v, pm->node);
    if (P->kind == '{') {
        int inp = pm->prop >= 0 && pn->props[pm->prop].in_props;
        *kw = inp ? "properties" : "additionalProperties";
        return inp ? pn->props[pm->prop].node : pn->addl;
    }
    size_t ix = P->count - 1;
    *kw = ix < pn->nprefix ? "prefixItems" : "items";
    return ix < pn->nprefix ? pn->prefix[ix] : pn->items;
}

/* Push the conjunctions of the value on top (depth d = nlv - 1): for each
 * alive conjunction of the parent (the root: the root schema alone), the
 * product over its members of their child schemas' alternatives. Returns -1
 * on no memory. */
static int expand(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    L->c0 = (uint32_t)v->ncj;
    L->m0 = (uint32_t)v->nmm;
    const vlev *P = d ? &v->lv[d - 1] : NULL;
    uint32_t pc0 = P ? P->c0 : 0, pnc = P ? P->nc : 1;
    for (uint32_t ci = pc0; ci < pc0 + pnc; ci++) {
        if (P && !v->cj[ci].alive)
            continue;
        size_t first = v->ncj;
        if (!new_conj(v, P ? ci : NONE, NONE, 0))
            return -1;
        const char *why = NULL;
        uint32_t nmem = P ? v->cj[ci].nm : 1;
        for (uint32_t k = 0; k < nmem; k++) {
            const char *kw = "false";
            uint32_t child = P ? child_schema(v, P, &v->mm[v->cj[ci].m0 + k], &kw) : 2;
            const snode *cn = N(v, child);
            if (cn->nalt == 1 && cn->alt_off[1] == 0)
                continue; /* accepts everything */
            if (cn->nalt == 0) {
                why = kw;
                v->nmm = v->cj[first].m0;
                v->ncj = first;
                break;
            }
            if (v->ncj - first == 1 && cn->nalt == 1) {
                /* the common case: one conjunction, one alternative */
                if (add_atoms(v, (uint32_t)first, cn, 0))
                    return -1;
                continue;
            }
            /* every conjunction so far x every alternative of cn */
            size_t from = first, to = v->ncj;
            for (size_t a = 0; a < cn->nalt; a++) {
                for (size_t j = from; j < to; j++) {
                    if (v->ncj - first >= MAX_CONJ) {
                        v->nomem = 1;
                        return -1;
                    }
                    uint32_t label = v->cj[j].label != NONE ? v->cj[j].label : cn->alt_label[a];
                    uint32_t bix = v->cj[j].label != NONE ? v->cj[j].bix : cn->alt_bix[a];
                    uint32_t om0 = v->cj[j].m0, onm = v->cj[j].nm;
                    vconj *c = new_conj(v, P ? ci : NONE, label, bix);
                    if (!c || grow(v, (void **)&v->mm, &v->mmcap, v->nmm + onm, sizeof *v->mm))
                        return -1;
                    if (onm)
                        memcpy(&v->mm[v->nmm], &v->mm[om0], onm * sizeof *v->mm);
                    v->nmm += onm;
                    v->cj[v->ncj - 1].nm = onm;
                    if (add_atoms(v, (uint32_t)(v->ncj - 1), cn, a))
                        return -1;
                }
            }
            /* drop the old ones [from, to): move the new ones down */
            size_t nnew = v->ncj - to;
            memmove(&v->cj[from], &v->cj[to], nnew * sizeof *v->cj);
            v->ncj = from + nnew;
        }
        uint32_t kids = (uint32_t)(v->ncj - first);
        if (!P)
            break;
        v->cj[ci].kids = kids;
        if (kids == 0) {
            if (P->kind == '{')
                set_fail(v, d, why ? why : "false", "property '%.*s' is not allowed%s",
                         SHOW(key_text(v, P), P->key_len),
                         why && why[0] == 'a' ? "" : " (false schema)");
            else
                set_fail(v, d, why ? why : "false", "no element allowed at index %zu", P->count - 1);
            kill(v, d - 1, ci, off);
        }
    }
    L->nc = L->alive = (uint32_t)(v->ncj - L->c0);
    if (!P && L->nc == 0) {
        set_fail(v, 0, "false", "the schema allows no value");
        violation(v, off);
    }
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

HOT void pop_level(llmj__sval *v)
{
    if (v->dec_pending)
        flush_decided(v);
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
    unsigned work = 0;
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
            unsigned sc = n->str_checks;
            if (sc) {
                m->lo = 0;
                m->hi = (uint32_t)n->nes;
                if (sc & SC_RX)
                    llmj__re_init(n->rx, &m->rs);
                work |= str_work(sc);
            }
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
    L->work = (unsigned char)work;
    if (kind == '"') {
        v->sbuf.len = 0;
        v->u8_left = 0;
        if ((work & W_ENUM) && want_events(v))
            check_resolved(v, d, off);
    }
    return 0;
}

/* ---- names: enum strings and property names ------------------------------------ */

#define NAME(i) ((const sstr *)(const void *)(base + (size_t)(i) * stride))

/* Narrow [*lo, *hi) of the sorted names at base (stride bytes apart, each
 * beginning with an sstr), which all begin with the depth bytes read so far,
 * to those that go on with b[0:len) (tab: the names' llmj__first_table, or
 * NULL). Returns the index of the byte at which
 * none is left (len: some are); *one: the index after which exactly one was
 * left, when that happened in this run (else unchanged), *onei: that one. */
static size_t narrow(const char *base, size_t stride, const uint16_t *tab, uint32_t *lo, uint32_t *hi,
                     uint64_t depth, const unsigned char *b, size_t len, size_t *one, uint32_t *onei)
{
    size_t k = 0;
    if (tab && depth == 0 && len) {
        /* the first byte, by table (the range is still all the names) */
        uint32_t a = tab[b[0]], e = tab[b[0] + 1];
        *lo = a;
        *hi = e;
        if (a == e)
            return 0;
        if (e - a == 1) {
            *one = 0;
            *onei = a;
        }
        k = 1;
    }
    for (; k < len; k++) {
        uint32_t l = *lo, h = *hi;
        uint64_t dk = depth + k;
        if (h - l == 1) {
            /* one candidate: compare the rest at once */
            const sstr *x = NAME(l);
            size_t avail = x->len > dk ? (size_t)(x->len - dk) : 0;
            size_t cn = len - k < avail ? len - k : avail, j = 0;
            while (j < cn && (unsigned char)x->s[dk + j] == b[k + j])
                j++;
            if (j == len - k)
                return len;
            *hi = l;
            return k + j;
        }
        if (h == l)
            return k;
        unsigned char c = b[k];
        while (l < h && NAME(l)->len <= dk)
            l++;
        uint32_t a = l, e = h;
        while (a < e) { /* the first whose byte is >= c */
            uint32_t mid = a + (e - a) / 2;
            if ((unsigned char)NAME(mid)->s[dk] < c)
                a = mid + 1;
            else
                e = mid;
        }
        uint32_t f = h;
        e = a;
        while (e < f) { /* the first whose byte is > c */
            uint32_t mid = e + (f - e) / 2;
            if ((unsigned char)NAME(mid)->s[dk] <= c)
                e = mid + 1;
            else
                f = mid;
        }
        *lo = a;
        *hi = e;
        if (a == e)
            return k;
        if (e - a == 1) {
            *one = k;
            *onei = a;
        }
    }
    return len;
}

/* The index of the name equal to b[0:len) among the n sorted names at base
 * (tab as for narrow()), NONE when there is none. */
static uint32_t find_name(const char *base, size_t stride, const uint16_t *tab, size_t n,
                          const unsigned char *b, size_t len)
{
    uint32_t lo = 0, hi = (uint32_t)n;
    if (tab && len) {
        lo = tab[b[0]];
        hi = tab[b[0] + 1];
    }
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const sstr *x = NAME(mid);
        size_t cl = x->len < len ? x->len : len, j = 0;
        while (j < cl && (unsigned char)x->s[j] == b[j])
            j++;
        int r = j < cl ? ((unsigned char)x->s[j] < b[j] ? -1 : 1) : x->len < len ? -1 : x->len > len;
        if (r == 0)
            return mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NONE;
}

/* ---- strings ------------------------------------------------------------------ */

static int pattern_viable(llmj__sval *v, const snode *n, size_t len, int partial)
{
    int rc = pcre2_match(n->re, (PCRE2_SPTR)v->sbuf.data, len, 0, partial ? PCRE2_PARTIAL_HARD : 0, v->md, NULL);
    if (rc == PCRE2_ERROR_NOMEMORY || rc == PCRE2_ERROR_HEAPLIMIT) {
        v->nomem = 1; /* not a verdict */
        return 1;
    }
    return rc >= 0 || rc == PCRE2_ERROR_PARTIAL;
}

/* A character of a string value begins with an escape at off (maxLength). */
static void str_escape_start(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    L->chars++;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        const snode *n = N(v, v->mm[mi].node);
        if (L->chars > n->max_len) {
            set_fail(v, d, "maxLength", "longer than %llu characters", (unsigned long long)n->max_len);
            kill(v, d, ci, off);
            break;
        }
    }
}

/* Why a member fails in a run, by priority at the same byte. */
enum { WHY_LEN, WHY_ENUM, WHY_RX, WHY_FORMAT, WHY_NONE };

/* What member m (node n) of the string on top makes of its decoded bytes
 * b[0:len) (raw: the text as written, whose UTF-8 makes the characters;
 * else one escaped character, counted at its backslash; whole: b is the
 * whole string); sb0: the bytes of sbuf before b (when kept). Returns the index of the byte at which m fails
 * (len: none) with *why; *one: where its enum came down to one value. */
static size_t str_member(llmj__sval *v, const vlev *L, vmem *m, const snode *n, const unsigned char *b,
                         size_t len, int raw, int whole, size_t sb0, int *why, size_t *one,
                         const sstr **onev)
{
    unsigned sc = n->str_checks;
    size_t best = len;
    if ((sc & SC_LEN) && raw && n->max_len != UINT64_MAX && L->chars + len > n->max_len) {
        uint64_t ch = L->chars;
        for (size_t k = 0; k < len; k++)
            if ((b[k] & 0xC0) != 0x80 && ++ch > n->max_len) {
                best = k;
                *why = WHY_LEN;
                break;
            }
    }
    uint32_t exact = NONE;
    if ((sc & SC_ENUM) && whole && !want_events(v) &&
        (exact = find_name((const char *)n->es, sizeof(sstr), n->efirst, n->nes, b, len)) != NONE) {
        /* the whole string is a value: no prefix of it failed */
        m->lo = exact;
        m->hi = exact + 1;
    } else if (sc & SC_ENUM) {
        size_t o = len;
        uint32_t oi = 0;
        size_t f = narrow((const char *)n->es, sizeof(sstr), n->efirst, &m->lo, &m->hi, L->sbytes, b, len, &o, &oi);
        if (o < *one) {
            *one = o;
            *onev = &n->es[oi];
        }
        if (f < best) {
            best = f;
            *why = WHY_ENUM;
        }
    }
    if ((sc & (SC_RX | SC_FORMAT)) == SC_RX) {
        /* the automaton alone: the whole run in one call */
        unsigned need = raw ? v->u8_left : 0;
        uint32_t cp = raw ? v->cp : 0;
        size_t f = llmj__re_run(n->rx, &m->rs, b, best, &need, &cp);
        if (f < best) {
            best = f;
            *why = WHY_RX;
        }
    } else if (sc & (SC_RX | SC_PCRE | SC_FORMAT)) {
        unsigned need = raw ? v->u8_left : 0;
        uint32_t cp = raw ? v->cp : 0;
        for (size_t k = 0; k < best; k++) {
            if (!llmj__utf8_step(b[k], &need, &cp))
                continue;
            /* a character ends at b[k] */
            size_t sl = sb0 + k + 1;
            int w = WHY_NONE;
            if (sc & SC_RX) {
                llmj__re_step(n->rx, &m->rs, cp);
                if (!llmj__re_viable(n->rx, &m->rs))
                    w = WHY_RX;
            } else if ((sc & SC_PCRE) && n->re_anchored && sl <= PATTERN_PREFIX_MAX && !pattern_viable(v, n, sl, 1)) {
                w = WHY_RX;
            }
            if (w == WHY_NONE && (sc & SC_FORMAT) && !llmj__format_prefix(n->format, v->sbuf.data, sl))
                w = WHY_FORMAT;
            if (w != WHY_NONE) {
                if (k < best || w < *why) {
                    best = k;
                    *why = w;
                }
                break;
            }
        }
    }
    return best;
}

/* The decoded bytes b[0:len) of the string on top, at its conjunctions. */
static void str_run1(llmj__sval *v, size_t d, const unsigned char *b, size_t len, uint64_t off0, int raw,
                     int whole, size_t sb0)
{
    vlev *L = &v->lv[d];
    int single = L->alive <= 1;
    FOR_ALIVE(L, ci) {
        size_t best = len, one = len;
        const sstr *onev = NULL;
        int why = WHY_NONE;
        const snode *bn = NULL;
        FOR_MEM(ci, mi) {
            vmem *m = &v->mm[mi];
            const snode *n = N(v, m->node);
            if (!n->str_checks)
                continue;
            int w = WHY_NONE;
            size_t f = str_member(v, L, m, n, b, len, raw, whole, sb0, &w, &one, &onev);
            if (f < best || (f == best && f < len && w < why)) {
                best = f;
                why = w;
                bn = n;
            }
        }
        if (single && one < best && !L->resolved && want_events(v))
            tell_resolved(v, d, onev, raw ? off0 + one : off0);
        if (best < len) {
            if (why == WHY_LEN)
                set_fail(v, d, "maxLength", "longer than %llu characters", (unsigned long long)bn->max_len);
            else if (why == WHY_ENUM)
                set_fail(v, d, bn->has_enum == 2 ? "const" : "enum", "the string cannot become any allowed value");
            else if (why == WHY_RX)
                set_fail(v, d, "pattern", "the string can no longer match the pattern");
            else
                set_fail(v, d, "format", "the string can no longer be a valid %s", llmj__format_name(bn->format));
            kill(v, d, ci, raw ? off0 + best : off0);
        }
    }
    L->sbytes += len;
    if (raw && (L->work & (W_LEN | W_CP))) {
        unsigned need = v->u8_left;
        uint32_t cp = v->cp;
        for (size_t k = 0; k < len; k++) {
            L->chars += (b[k] & 0xC0) != 0x80; /* a character begins */
            llmj__utf8_step(b[k], &need, &cp);
        }
        v->u8_left = need;
        v->cp = cp;
    }
}

/* Decoded bytes of a string value (raw: as written at off0, off0 + 1, ...;
 * else one escaped character, all at off0; whole: its closing quote
 * follows). */
static void str_run(llmj__sval *v, const unsigned char *b, size_t len, uint64_t off0, int raw, int whole)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    size_t sb0 = v->sbuf.len;
    if ((L->work & W_KEEP) && append(v, &v->sbuf, b, len))
        return;
    size_t k = 0;
    while (raw && L->alive > 1 && k < len) {
        /* branches still open: one byte at a time */
        str_run1(v, d, b + k, 1, off0 + k, 1, 0, sb0 + k);
        if (v->dec_pending)
            flush_decided(v);
        if ((L->work & W_ENUM) && !L->resolved && want_events(v))
            check_resolved(v, d, off0 + k);
        k++;
    }
    if (k < len)
        str_run1(v, d, b + k, len - k, raw ? off0 + k : off0, raw, whole && k == 0 && L->sbytes == 0, sb0 + k);
}

static void str_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (L->work & W_LOOK) {
        FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
            vmem *m = &v->mm[mi];
            const snode *n = N(v, m->node);
            unsigned sc = n->str_checks;
            if (!sc)
                continue;
            if (L->chars < n->min_len) {
                set_fail(v, d, "minLength", "shorter than %llu characters", (unsigned long long)n->min_len);
                kill(v, d, ci, off);
                break;
            }
            /* the candidates go on with the string: the exact one sorts first */
            if ((sc & SC_ENUM) && !(m->lo < m->hi && n->es[m->lo].len == L->sbytes)) {
                set_fail(v, d, n->has_enum == 2 ? "const" : "enum", "the string is not an allowed value");
                kill(v, d, ci, off);
                break;
            }
            if (((sc & SC_RX) && !llmj__re_accepts(n->rx, &m->rs)) ||
                ((sc & SC_PCRE) && !pattern_viable(v, n, v->sbuf.len, 0))) {
                set_fail(v, d, "pattern", "the string does not match the pattern");
                kill(v, d, ci, off);
                break;
            }
            if ((sc & SC_FORMAT) && !llmj__format_check(n->format, v->sbuf.data, v->sbuf.len)) {
                set_fail(v, d, "format", "not a valid %s", llmj__format_name(n->format));
                kill(v, d, ci, off);
                break;
            }
        }
    }
    v->sbuf.len = 0;
    pop_level(v);
}

/* ---- keys ------------------------------------------------------------------- */

/* A key begins: v->kmem is its object's member when the object has one
 * conjunction, alive, of one member with properties (the common case); else
 * KEY_FREE when nothing looks at the key, KEY_ALL for the general path. */
#define KEY_FREE (UINT32_MAX - 1)
#define KEY_ALL UINT32_MAX

static void key_begin(llmj__sval *v)
{
    vlev *L = &v->lv[v->nlv - 1];
    v->keys.len = L->key_off;
    L->key_len = 0;
    L->kext = NULL;
    if (L->nc == 1) {
        const vconj *c = &v->cj[L->c0];
        vmem *m = &v->mm[c->m0];
        if (!c->alive || c->nm == 0 || (c->nm == 1 && !N(v, m->node)->nprops && !N(v, m->node)->addl_false)) {
            v->kmem = KEY_FREE;
            return;
        }
        if (c->nm == 1) {
            m->lo = 0;
            m->hi = (uint32_t)N(v, m->node)->nprops;
            v->kmem = c->m0;
            return;
        }
    }
    v->kmem = KEY_ALL;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        v->mm[mi].lo = 0;
        v->mm[mi].hi = (uint32_t)N(v, v->mm[mi].node)->nprops;
    }
}

/* Member m of the object at depth d reads the key's bytes b[0:len): the
 * index of the byte at which no allowed property begins so (len: none). */
static size_t key_narrow(llmj__sval *v, const vlev *L, vmem *m, const unsigned char *b, size_t len)
{
    const snode *n = N(v, m->node);
    if (!n->nprops)
        return n->addl_false ? 0 : len; /* no key at all */
    size_t one;
    uint32_t onei;
    size_t f = narrow((const char *)n->props, sizeof(sprop), n->pfirst, &m->lo, &m->hi, L->key_len, b, len, &one,
                      &onei);
    return n->addl_false ? f : len;
}

static void key_fail(llmj__sval *v, size_t d, uint32_t ci, size_t at, uint64_t off)
{
    const vlev *L = &v->lv[d];
    set_fail(v, d, "additionalProperties", "property '%.*s...' is not allowed (no allowed property begins so)",
             SHOW(key_text(v, L), L->key_len + at + 1));
    kill(v, d, ci, off);
}

/* Decoded key bytes b[0:len) (stored already), at the conjunctions. */
static void key_run1(llmj__sval *v, size_t d, const unsigned char *b, size_t len, uint64_t off0, int raw)
{
    vlev *L = &v->lv[d];
    FOR_ALIVE(L, ci) {
        size_t best = len;
        FOR_MEM(ci, mi) {
            size_t f = key_narrow(v, L, &v->mm[mi], b, len);
            if (f < best)
                best = f;
        }
        if (best < len)
            key_fail(v, d, ci, best, raw ? off0 + best : off0);
    }
    L->key_len += len;
}

/* Key bytes b[0:len) (raw: as written at off0, off0 + 1, ...; else one
 * escaped character, all at off0). */
static void key_run(llmj__sval *v, const unsigned char *b, size_t len, uint64_t off0, int raw)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (append(v, &v->keys, b, len))
        return;
    if (v->kmem == KEY_FREE) {
        L->key_len += len;
        return;
    }
    if (v->kmem != KEY_ALL) {
        size_t f = v->cj[L->c0].alive ? key_narrow(v, L, &v->mm[v->kmem], b, len) : len;
        if (f < len)
            key_fail(v, d, L->c0, f, raw ? off0 + f : off0);
        L->key_len += len;
        return;
    }
    size_t k = 0;
    while (raw && L->alive > 1 && k < len) {
        key_run1(v, d, b + k, 1, off0 + k, 1);
        if (v->dec_pending)
            flush_decided(v);
        k++;
    }
    if (k < len)
        key_run1(v, d, b + k, len - k, raw ? off0 + k : off0, raw);
}

/* Is the property name s (8 zero bytes follow it) b[0:len) (avail bytes may
 * be read at b)? */
static inline int name_equal(const char *s, const unsigned char *b, size_t len, size_t avail)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len <= 8 && avail >= 8) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, b, 8);
        static const uint64_t k_mask[9] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFull,
                                           0xFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFull, ~0ull};
        return ((x ^ y) & k_mask[len]) == 0;
    }
#endif
    (void)avail;
    return memcmp(s, b, len) == 0;
}

/* key_whole()'s commonest success, in few steps: the object's one member m
 * (node n, its conjunction alive) reads a key whose first byte is b[0]
 * (avail bytes may be read at b), and it is the property declared after the
 * last one begun, not seen yet: its name as written, then the closing quote
 * (no scan for the quote: the name has none, nor a backslash). Returns the
 * member's schema and *len the key's; NONE when it is not that case, with
 * nothing changed (key_whole() takes the key). */
HOT uint32_t key_next(llmj__sval *v, vlev *L, vmem *m, const snode *n, const unsigned char *b, size_t avail,
                      size_t *len)
{
    size_t nx = (size_t)(m->last + 1);
    if (nx >= n->ndecl)
        return NONE;
    uint32_t f0 = n->decl[nx];
    const sprop *pr = &n->props[f0]; /* in properties: it was declared */
    size_t k = pr->nm.len;
    uint64_t *w = &v->bits[m->b0 + f0 / 64];
    uint64_t bit = 1ull << (f0 % 64);
    if (!pr->plain || k >= avail || b[k] != '"' || !name_equal(pr->nm.s, b, k, avail) || (*w & bit))
        return NONE;
    *len = k;
    v->keys.len = L->key_off;
    L->kext = pr->nm.s; /* the same bytes: kept by the schema */
    L->key_len = k;
    m->lo = f0;
    m->prop = (int32_t)f0;
    m->hi = f0 + 1;
    *w |= bit;
    m->last = (int32_t)pr->order;
    return pr->node;
}

/* The key of the object at depth d is complete: member m's property; 0, or
 * -1 when m fails (set_fail said why). */
HOT int key_member(llmj__sval *v, size_t d, vmem *m)
{
    const vlev *L = &v->lv[d];
    const snode *n = N(v, m->node);
    const char *k = key_text(v, L);
    /* the candidates go on with the key: the exact one sorts first */
    m->prop = n->nprops && m->lo < m->hi && n->props[m->lo].nm.len == L->key_len ? (int32_t)m->lo : -1;
    if (n->addl_false && (m->prop < 0 || !n->props[m->prop].in_props)) {
        set_fail(v, d + 1, "additionalProperties", "property '%.*s' is not allowed", SHOW(k, L->key_len));
        return -1;
    }
    if (m->prop >= 0) {
        uint64_t *w = &v->bits[m->b0 + (size_t)m->prop / 64];
        uint64_t bit = 1ull << (m->prop % 64);
        if (*w & bit) {
            set_fail(v, d + 1, "properties", "duplicate member '%.*s'", SHOW(k, L->key_len));
            return -1;
        }
        *w |= bit;
        if (n->props[m->prop].in_props)
            m->last = (int32_t)n->props[m->prop].order;
    }
    return 0;
}

/* A whole key b[0:len) (no escapes) whose first byte is at off0, in one go:
 * 1 when done, 0 for the general path (an object with several members or
 * conjunctions). *child: the schema of the member's value when the object's
 * conjunction is still alive (fast_child()'s answer), else NONE. avail: the
 * bytes that may be read at b (len and more). */
typedef struct kctx { /* the object on top, for key_whole() */
    size_t d;
    vlev *L;
    const vconj *c;
} kctx;

/* The object on top has one conjunction of at most one member (key_whole()
 * may take its keys)? k stays valid while no level is pushed or popped. */
HOT int key_ctx(llmj__sval *v, kctx *k)
{
    k->d = v->nlv - 1;
    k->L = &v->lv[k->d];
    k->c = &v->cj[k->L->c0];
    return k->L->nc == 1 && k->c->nm <= 1;
}

HOT int key_whole(llmj__sval *v, const kctx *k, const unsigned char *b, size_t len, size_t avail, uint64_t off0,
                  uint32_t *child)
{
    *child = NONE;
    size_t d = k->d;
    vlev *L = k->L;
    const vconj *c = k->c;
    v->keys.len = L->key_off;
    L->kext = NULL;
    if (!c->alive || c->nm == 0) {
        L->key_len = 0;
        if (append(v, &v->keys, b, len) == 0)
            L->key_len = len;
        if (c->alive)
            *child = SN_TRUE;
        return 1;
    }
    vmem *m = &v->mm[c->m0];
    const snode *n = N(v, m->node);
    /* answers mostly follow the schema's order: try the property declared
     * after the last one seen before searching (names are unique, so a hit
     * is find_name's answer) */
    uint32_t f0 = NONE;
    size_t nx = (size_t)(m->last + 1);
    if (nx < n->ndecl) {
        const sstr *x = &n->props[n->decl[nx]].nm;
        if (x->len == len && name_equal(x->s, b, len, avail))
            f0 = n->decl[nx];
    }
    if (f0 == NONE)
        f0 = find_name((const char *)n->props, sizeof(sprop), n->pfirst, n->nprops, b, len);
    if (f0 != NONE) {
        const sprop *pr = &n->props[f0];
        L->kext = pr->nm.s; /* the same bytes: kept by the schema */
        L->key_len = len;
        uint64_t *w = &v->bits[m->b0 + f0 / 64];
        uint64_t bit = 1ull << (f0 % 64);
        if ((pr->in_props || !n->addl_false) && !(*w & bit)) {
            /* key_member()'s success, at once */
            m->lo = f0;
            m->prop = (int32_t)f0;
            m->hi = f0 + 1;
            *w |= bit;
            if (pr->in_props)
                m->last = (int32_t)pr->order;
            *child = pr->in_props ? pr->node : n->addl;
            return 1;
        }
    } else {
        L->key_len = 0;
        if (append(v, &v->keys, b, len))
            return 1;
        L->key_len = len;
    }
    m->lo = f0 == NONE ? 0 : f0;
    m->hi = f0 == NONE ? 0 : f0 + 1;
    if (f0 == NONE && n->addl_false) {
        /* not a property: where that became certain */
        m->lo = 0;
        m->hi = (uint32_t)n->nprops;
        L->key_len = 0;
        size_t f = key_narrow(v, L, m, b, len);
        if (f < len)
            key_fail(v, d, L->c0, f, off0 + f);
        L->key_len = len;
        if (f < len)
            return 1;
    }
    if (key_member(v, d, m))
        kill(v, d, L->c0, off0 + len);
    else
        *child = m->prop >= 0 && n->props[m->prop].in_props ? n->props[m->prop].node : n->addl;
    return 1;
}

static void key_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (v->kmem == KEY_FREE)
        return;
    if (v->kmem != KEY_ALL) {
        if (v->cj[L->c0].alive && key_member(v, d, &v->mm[v->kmem]))
            kill(v, d, L->c0, off);
        return;
    }
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        if (key_member(v, d, &v->mm[mi])) {
            kill(v, d, ci, off);
            break;
        }
    }
}

/* ---- containers end, numbers ---------------------------------------------- */

static void obj_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (L->nc == 1 && v->cj[L->c0].nm == 1 && v->cj[L->c0].alive) {
        /* the common case: every required member seen, one word */
        const vmem *m = &v->mm[v->cj[L->c0].m0];
        const snode *n = N(v, m->node);
        if (!n->nrequired || (n->nprops <= 64 && !(n->reqmask[0] & ~v->bits[m->b0]))) {
            pop_level(v);
            return;
        }
    }
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        const vmem *m = &v->mm[mi];
        const snode *n = N(v, m->node);
        if (!n->nrequired)
            continue;
        for (size_t w = 0; w < (n->nprops + 63) / 64; w++) {
            uint64_t miss = n->reqmask[w] & ~v->bits[m->b0 + w];
            if (!miss)
                continue;
            size_t j = w * 64;
            while (!(miss & 1)) {
                miss >>= 1;
                j++;
            }
            set_fail(v, d, "required", "required property '%.*s' is missing", SHOW(n->props[j].nm.s, n->props[j].nm.len));
            kill(v, d, ci, off);
            break;
        }
    }
    pop_level(v);
}

static void arr_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (L->nc == 1 && v->cj[L->c0].nm <= 1) {
        /* the common case: one conjunction of at most one member */
        const vconj *c = &v->cj[L->c0];
        if (!c->alive || c->nm == 0 || L->count >= N(v, v->mm[c->m0].node)->min_items) {
            pop_level(v);
            return;
        }
    }
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

/* Is the number text s[0:n] an integer value (1.0 and 1e2 are)? A
 * mantissa with no fraction digits but zeros is decided by its text when the
 * exponent is not negative, else by its value (1e-3 is not, 1000e-3 is). */
static int num_is_integer(const char *s, size_t n, double (*value)(void *), void *ctx)
{
    size_t dot = n, e = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dot = i;
        else if (s[i] == 'e' || s[i] == 'E')
            e = i;
    }
    if (dot == n && e == n)
        return 1;
    long long exp = e < n ? strtoll(s + e + 1, NULL, 10) : 0;
    if (dot == n) {
        double x = value(ctx);
        return exp >= 0 || llmj__is_integer(x);
    }
    /* the position of the last non-zero fraction digit, from the point */
    long long last = 0;
    for (size_t i = dot + 1; i < e; i++)
        if (s[i] != '0')
            last = (long long)(i - dot);
    return last <= exp;
}

/* The value of the number text s[0:n] (NUL-terminated): exactly, without
 * strtod, when it has at most 15 significant digits, at most 22 after the
 * point and no exponent (the digits and the power of ten are then exact
 * doubles, and one division rounds correctly, as strtod does). */
static const double k_p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static double num_value(const char *s, size_t n)
{
    size_t i = s[0] == '-';
    uint64_t m = 0;
    int sig = 0, frac = 0, dot = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            dot = 1;
            continue;
        }
        if (c < '0' || c > '9')
            return strtod(s, NULL); /* an exponent */
        if (sig || c != '0')
            sig++;
        m = m * 10 + (uint64_t)(c - '0');
        frac += dot;
        if (sig > 15 || frac > 22)
            return strtod(s, NULL);
    }
    double x = (double)m / k_p10[frac];
    return s[0] == '-' ? -x : x;
}

/* The number being ended, its value computed the first time it is needed. */
typedef struct numv {
    const char *s;
    size_t len;
    int have;
    double x;
} numv;

static double numv_value(void *ctx)
{
    numv *nv = ctx;
    if (!nv->have) {
        nv->x = num_value(nv->s, nv->len);
        nv->have = 1;
    }
    return nv->x;
}

/* What of node n the number nv fails (NULL: none; *integral caches the
 * integer test, -1 not yet; *lim: the bound crossed). */
static const char *num_check(const snode *n, numv *nv, int *integral, double *lim)
{
    if ((n->types & SK_INT) && !(n->types & SK_NUM)) {
        if (*integral < 0)
            *integral = num_is_integer(nv->s, nv->len, numv_value, nv);
        if (!*integral)
            return "type";
    }
    if (!(n->has_min | n->has_max | n->has_xmin | n->has_xmax | n->has_mult | n->has_enum))
        return NULL;
#define X() numv_value(nv)
    if (n->has_min && X() < n->min)
        return *lim = n->min, "minimum";
    if (n->has_max && X() > n->max)
        return *lim = n->max, "maximum";
    if (n->has_xmin && X() <= n->xmin)
        return *lim = n->xmin, "exclusiveMinimum";
    if (n->has_xmax && X() >= n->xmax)
        return *lim = n->xmax, "exclusiveMaximum";
    if (n->has_mult) {
        double q = X() / n->mult;
        if (!(isfinite(q) && fabs(q - llmj__nearest(q)) <= 1e-9 * (fabs(q) > 1 ? fabs(q) : 1)))
            return "multipleOf";
    }
    if (n->has_enum) {
        int hit = 0;
        for (size_t k = 0; k < n->neo && !hit; k++)
            hit = n->eo[k].type == SK_NUM && n->eo[k].num == X();
        if (!hit)
            return n->has_enum == 2 ? "const" : "enum";
    }
#undef X
    return NULL;
}

static void num_end(llmj__sval *v, uint64_t off)
{
    size_t d = v->nlv - 1;
    vlev *L = &v->lv[d];
    if (append(v, &v->num, "", 1))
        return;
    const char *s = v->num.data;
    size_t len = v->num.len - 1;
    numv nv = {s, len, 0, 0};
    int integral = -1;
    FOR_ALIVE(L, ci) FOR_MEM(ci, mi) {
        const snode *n = N(v, v->mm[mi].node);
        double lim = 0;
        const char *kw = num_check(n, &nv, &integral, &lim);
        if (!kw)
            continue;
        if (!strcmp(kw, "type"))
            set_fail(v, d, "type", "expected integer, got %.*s", SHOW(s, len));
        else if (!strcmp(kw, "multipleOf"))
            set_fail(v, d, kw, "%.*s is not a multiple of %.17g", SHOW(s, len), n->mult);
        else if (!strcmp(kw, "enum") || !strcmp(kw, "const"))
            set_fail(v, d, kw, "%.*s is not an allowed value", SHOW(s, len));
        else
            set_fail(v, d, kw, "%.*s is out of range (%s %.17g)", SHOW(s, len), kw, lim);
        kill(v, d, ci, off);
        break;
    }
    v->num.len = 0;
    pop_level(v);
}

/* ---- the lexer ----------------------------------------------------------------- */

/* An escape's character (code point cp) ends at off. */
static void esc_out(llmj__sval *v, unsigned cp, uint64_t off)
{
    char c[4];
    size_t n = llmj__utf8_put(c, cp);
    const unsigned char *o = (const unsigned char *)c;
    if (v->in_key)
        key_run(v, o, n, off, 0);
    else if (!v->flat && (v->lv[v->nlv - 1].work & W_LOOK))
        str_run(v, o, n, off, 0, 0);
}

/* The child schema of the value beginning in P's only conjunction, alive,
 * of at most one member (0: the general path). */
HOT int fast_child(const llmj__sval *v, const vlev *P, uint32_t *child)
{
    if (P->nc != 1)
        return 0;
    const vconj *pc = &v->cj[P->c0];
    if (!pc->alive || pc->nm > 1)
        return 0;
    *child = SN_TRUE;
    if (pc->nm == 1) {
        const vmem *pm = &v->mm[pc->m0];
        const snode *pn = N(v, pm->node);
        if (P->kind == '{') {
            *child = pm->prop >= 0 && pn->props[pm->prop].in_props ? pn->props[pm->prop].node : pn->addl;
        } else {
            if (P->count >= pn->max_items)
                return 0;
            *child = P->count < pn->nprefix ? pn->prefix[P->count] : pn->items;
        }
    }
    return 1;
}

/* The common case of a value beginning, in a few steps: its parent has one
 * conjunction, alive, of at most one member, whose child schema is one node
 * (or true) that takes this kind of value with nothing to check at its first
 * byte beyond that. 1 when done with a level pushed (or out of memory), 2
 * when done with no level (a scalar with nothing to check), 0 to take the
 * general path. */
HOT int start_child(llmj__sval *v, uint32_t child, unsigned char kind);

HOT int fast_start(llmj__sval *v, unsigned char kind)
{
    uint32_t child;
    return fast_child(v, &v->lv[v->nlv - 1], &child) ? start_child(v, child, kind) : 0;
}

/* fast_start() when the child schema is known (fast_child()'s answer). */
HOT int start_child(llmj__sval *v, uint32_t child, unsigned char kind)
{
    size_t pd = v->nlv - 1;
    vlev *P = &v->lv[pd];
    uint32_t pci = P->c0;
    const snode *cn = N(v, child);
    unsigned fk = cn->fk[k_kix[kind]];
    if (fk == FK_FLAT) {
        /* a scalar with nothing more to check: no level */
        P->count += P->kind == '[';
        return 2;
    }
    if (fk == FK_GENERAL)
        return 0;
    uint32_t atom = cn->simple;
    const snode *a = N(v, atom);
    if ((v->nlv >= v->lvcap || v->ncj >= v->cjcap || v->nmm >= v->mmcap) &&
        (grow(v, (void **)&v->lv, &v->lvcap, v->nlv + 1, sizeof *v->lv) ||
         grow(v, (void **)&v->cj, &v->cjcap, v->ncj + 1, sizeof *v->cj) ||
         grow(v, (void **)&v->mm, &v->mmcap, v->nmm + 1, sizeof *v->mm)))
        return 1;
    P = &v->lv[pd];
    P->count += P->kind == '[';
    v->cj[pci].kids = 1;
    vlev *L = &v->lv[v->nlv++];
    L->kind = kind;
    L->work = L->resolved = L->decided = 0;
    L->c0 = (uint32_t)v->ncj;
    L->nc = L->alive = 1;
    L->m0 = (uint32_t)v->nmm;
    L->b0 = v->nbits;
    L->count = 0;
    L->key_off = v->keys.len;
    L->key_len = 0;
    L->kext = NULL;
    L->sbytes = L->chars = 0;
    vconj *c = &v->cj[v->ncj++];
    c->parent = pci;
    c->m0 = (uint32_t)v->nmm;
    c->nm = atom != SN_TRUE;
    c->kids = 0;
    c->label = NONE;
    c->bix = 0;
    c->alive = 1;
    if (kind == '"') {
        v->sbuf.len = 0;
        v->u8_left = 0;
    }
    if (atom == SN_TRUE)
        return 1;
    vmem *m = &v->mm[v->nmm++];
    m->node = atom;
    m->lo = m->hi = 0;
    m->prop = m->last = -1;
    m->b0 = 0;
    if (kind == '"' && a->str_checks) {
        unsigned sc = a->str_checks;
        m->hi = (uint32_t)a->nes;
        if (sc & SC_RX)
            llmj__re_init(a->rx, &m->rs);
        L->work = (unsigned char)str_work(sc);
        if ((sc & SC_ENUM) && a->nes == 1 && want_events(v))
            check_resolved(v, v->nlv - 1, v->pos_now);
    } else if (kind == '{' && a->nprops <= 64 && a->nprops && v->nbits < v->bitscap) {
        /* the common case: one word of seen bits, room for it */
        m->b0 = v->nbits;
        v->bits[v->nbits++] = 0;
    } else if (kind == '{' && a->nprops) {
        size_t words = (a->nprops + 63) / 64;
        if (grow(v, (void **)&v->bits, &v->bitscap, v->nbits + words, sizeof *v->bits))
            return 1;
        m->b0 = v->nbits;
        for (size_t k = 0; k < words; k++)
            v->bits[v->nbits + k] = 0;
        v->nbits += words;
    }
    return 1;
}

/* A value of this kind begins at off: 1 when it has a level, 0 when not. */
HOT int value_start(llmj__sval *v, unsigned char kind, uint64_t off)
{
    v->pos_now = off;
    int r = v->nlv ? fast_start(v, kind) : 0;
    if (r)
        return r == 1;
    if (push_level(v, kind, off) == 0)
        first_byte(v, kind, off);
    return 1;
}

/* The kind ('"' 't' 'f' 'n', '0': a number) of a scalar beginning with a
 * byte (0: none). */
static const unsigned char k_skind[256] = {
    ['"'] = '"', ['t'] = 't', ['f'] = 'f', ['n'] = 'n', ['-'] = '0', ['0'] = '0', ['1'] = '0', ['2'] = '0',
    ['3'] = '0', ['4'] = '0', ['5'] = '0', ['6'] = '0', ['7'] = '0', ['8'] = '0', ['9'] = '0',
};

/* Bytes between tokens, by what the lexer does with them. */
enum { C_VALUE, C_WS, C_NL, C_COMMA, C_COLON, C_OEND, C_AEND };
static const unsigned char k_cls[256] = {
    [' '] = C_WS, ['\t'] = C_WS, ['\r'] = C_WS, ['\n'] = C_NL,
    [','] = C_COMMA, [':'] = C_COLON, ['}'] = C_OEND, [']'] = C_AEND,
};

/* The first quote or backslash in p[i:n) (n when none): 16 bytes at a time
 * with SSE2 (the last ones in a load that ends at n), else 8. */
HOT size_t scan_plain(const unsigned char *p, size_t i, size_t n)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)));
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
        i += 16;
    }
    if (i < n && n >= 16) {
        /* the last 16 bytes of the piece, those before i shifted out */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)));
        mask >>= 16 - (n - i);
        return mask ? i + (size_t)__builtin_ctz(mask) : n;
    }
#endif
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= n) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        if ((((q - ones) & ~q) | ((b - ones) & ~b)) & highs)
            break;
        i += 8;
    }
    while (i < n && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

/* scan_plain() in the piece being fed, knowing where the piece's plain tail
 * begins when a step before found it (a string going on into the next piece
 * is looked at by several steps in turn): v->plain_tail. */
HOT size_t scan_run(llmj__sval *v, const unsigned char *p, size_t i, size_t n)
{
    if (i >= v->plain_tail)
        return n;
    size_t j = scan_plain(p, i, n);
    if (j == n)
        v->plain_tail = i;
    return j;
}

static int num_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Is b[0:len) (avail bytes may be read at b) one of node a's at most 8
 * string enum values? One by one, 8 bytes at a time. */
HOT int enum_few(const snode *a, const unsigned char *b, size_t len, size_t avail)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (len <= 8 && avail >= 8) {
        /* name_equal()'s load of b once (8 zero bytes follow each value) */
        static const uint64_t k_mask[9] = {0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFull,
                                           0xFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFull, ~0ull};
        uint64_t x, y, mk = k_mask[len];
        memcpy(&x, b, 8);
        x &= mk;
        for (size_t k = 0; k < a->nes; k++) {
            memcpy(&y, a->es[k].s, 8);
            if (a->es[k].len == len && (y & mk) == x)
                return 1;
        }
        return 0;
    }
#endif
    for (size_t k = 0; k < a->nes; k++)
        if (a->es[k].len == len && name_equal(a->es[k].s, b, len, avail))
            return 1;
    return 0;
}

/* Does the whole string b[0:len) (no escapes, raw UTF-8; avail bytes may be
 * read at b) pass node a's checks (str_member and str_end would find
 * nothing)? 0 also when it is not a case decided here. */
static int str_passes(const snode *a, const unsigned char *b, size_t len, size_t avail)
{
    unsigned sc = a->str_checks;
    if (sc & ~(unsigned)(SC_ENUM | SC_LEN | SC_RX))
        return 0;
    if (sc & SC_LEN) {
        uint64_t ch = 0;
        for (size_t k = 0; k < len; k++)
            ch += (b[k] & 0xC0) != 0x80;
        if (ch < a->min_len || ch > a->max_len)
            return 0;
    }
    if (sc & SC_ENUM) {
        /* a few values: one by one, 8 bytes at a time */
        if (a->nes <= 8 ? !enum_few(a, b, len, avail)
                        : find_name((const char *)a->es, sizeof(sstr), a->efirst, a->nes, b, len) == NONE)
            return 0;
    }
    if (sc & SC_RX) {
        int w = llmj__re_whole(a->rx, b, len);
        if (w >= 0)
            return w;
        llmj__re_state rs;
        unsigned need = 0;
        uint32_t cp = 0;
        llmj__re_init(a->rx, &rs);
        if (llmj__re_run(a->rx, &rs, b, len, &need, &cp) < len || !llmj__re_accepts(a->rx, &rs))
            return 0;
    }
    return 1;
}

/* A string or number value of schema child (fast_child()'s) begins with
 * p[i - 1] and ends in this piece, in the common case (fast_start's), and
 * passes its checks: taken whole with no
 * level; returns the index past it (a closing quote; a number's delimiter is
 * read next). Else 0 and nothing changed: the states below take it, and
 * report what fails where they always did. */
/* scalar_child() but for the level on top's records: the index past the
 * value, *flat set when it had nothing to check (0: not taken). */
HOT size_t scalar_take_k(llmj__sval *v, const snode *cn, unsigned char c, unsigned fk, const unsigned char *p,
                         size_t i, size_t n, int *flat);

HOT size_t scalar_take(llmj__sval *v, const snode *cn, const unsigned char *p, size_t i, size_t n, int *flat)
{
    unsigned char c = p[i - 1];
    return scalar_take_k(v, cn, c, cn->fk[k_kix[c]], p, i, n, flat);
}

/* scalar_take() knowing the first byte c (p[i - 1]) and cn->fk[] for it. */
HOT size_t scalar_take_k(llmj__sval *v, const snode *cn, unsigned char c, unsigned fk, const unsigned char *p,
                         size_t i, size_t n, int *flat)
{
    size_t j = i;
    unsigned char kind = k_skind[c];
    if (fk == FK_FLAT) {
        /* nothing to check (value_byte's flat path, at once) */
        if (kind == '"') {
            j = scan_plain(p, i, n);
            if (j >= n || p[j] != '"') {
                v->plain_tail = j >= n ? i : v->plain_tail;
                return 0;
            }
            j++;
        } else if (kind == '0') {
            while (j < n && num_byte(p[j]))
                j++;
            if (j >= n)
                return 0;
            v->num.len = 0;
        } else {
            j += c == 'f' ? 4 : 3;
            if (j > n)
                return 0;
        }
        *flat = 1;
        return j;
    }
    if (fk != FK_ENUM && fk != FK_STR && fk != FK_NUM)
        return 0; /* not a scalar, or not a case taken here: the general path */
    uint32_t atom = cn->simple;
    const snode *a = N(v, atom);
    if (fk == FK_ENUM && a->epack && n - i >= 8) {
        /* each value and its closing quote against one load (no quote or
         * backslash in them: a hit is the whole string, as written; a miss
         * is enum_few()'s) */
        uint64_t x;
        memcpy(&x, p + i, 8);
        size_t k = 0;
        while (k < a->nes && ((x ^ a->epack[2 * k]) & a->epack[2 * k + 1]))
            k++;
        if (k == a->nes)
            return 0;
        j = i + a->es[k].len + 1;
        v->sbuf.len = 0;
        v->u8_left = 0;
    } else if (kind == '"') {
        j = scan_plain(p, i, n);
        if (j >= n || p[j] != '"') {
            v->plain_tail = j >= n ? i : v->plain_tail;
            return 0;
        }
        if (!(fk == FK_ENUM ? enum_few(a, p + i, j - i, n - i) : str_passes(a, p + i, j - i, n - i)))
            return 0; /* (a few values: at once, no call) */
        j++;
        v->sbuf.len = 0;
        v->u8_left = 0;
    } else {
        /* the digits' value as num_value() finds it (exact while at most
         * 15 bytes with no exponent), and whether a fraction digit is not 0
         * (num_is_integer()'s answer with no exponent) */
        int expo = 0, dot = 0, frac = 0, fracnz = 0;
        uint64_t mv = c == '-' ? 0 : (uint64_t)(c - '0');
        for (; j < n; j++) {
            unsigned dg = (unsigned)p[j] - '0';
            if (dg <= 9) {
                mv = mv * 10 + dg;
                frac += dot;
                fracnz |= dot & (dg != 0);
            } else if (p[j] == '.') {
                dot = 1;
            } else if ((p[j] | 0x20) == 'e' || p[j] == '+' || p[j] == '-') {
                expo = 1;
            } else {
                break;
            }
        }
        if (j >= n)
            return 0;
        {
            /* in place when num_value() and num_is_integer() need no NUL
             * (no exponent, at most 15 bytes: no strtod) */
            const char *s = (const char *)p + i - 1;
            size_t len = j - i + 1;
            int inplace = len <= 15 && !expo;
            v->num.len = 0;
            numv nv = {s, len, 0, 0};
            int integral = -1;
            if (!inplace) {
                if (append(v, &v->num, s, len) || append(v, &v->num, "", 1))
                    return 0;
                nv.s = v->num.data;
            } else {
                double x = (double)mv / k_p10[frac];
                nv.x = c == '-' ? -x : x;
                nv.have = 1;
                integral = !fracnz;
                /* num_check()'s verdict at once for the type and plain
                 * bounds (no strtod, nothing to cache) */
                if (!(a->has_xmin | a->has_xmax | a->has_mult | a->has_enum)) {
                    if (((a->types & SK_INT) && !(a->types & SK_NUM) && !integral) ||
                        (a->has_min && nv.x < a->min) || (a->has_max && nv.x > a->max))
                        return 0;
                    goto passed;
                }
            }
            double lim = 0;
            const char *kw = num_check(a, &nv, &integral, &lim);
            v->num.len = 0;
            if (kw)
                return 0;
        }
    }
passed:
    *flat = 0;
    return j;
}

HOT size_t scalar_child(llmj__sval *v, uint32_t child, const unsigned char *p, size_t i, size_t n)
{
    int flat;
    size_t j = scalar_take(v, N(v, child), p, i, n, &flat);
    if (!j)
        return 0;
    vlev *P = &v->lv[v->nlv - 1];
    v->started = 1; /* (pos_now is not set: only first_byte's checks read it) */
    P->count += P->kind == '[';
    if (!flat)
        v->cj[P->c0].kids = 1;
    return j;
}

/* scalar_child() for the value beginning on top (the common case: see
 * fast_child()). */
HOT size_t scalar_whole(llmj__sval *v, const unsigned char *p, size_t i, size_t n)
{
    uint32_t child;
    return fast_child(v, &v->lv[v->nlv - 1], &child) ? scalar_child(v, child, p, i, n) : 0;
}

/* Can c begin a scalar (a value scalar_whole() may take)? */
static inline int scalar_start(unsigned char c)
{
    return k_skind[c] != 0;
}

/* A value begins with byte c at off (not a key). A scalar with nothing to
 * check gets no level (flat); a literal never keeps one. */
HOT void value_byte(llmj__sval *v, unsigned char c, uint64_t off)
{
    v->started = 1;
    switch (c) {
    case '{':
        value_start(v, '{', off);
        v->want_key = 1;
        break;
    case '[':
        value_start(v, '[', off);
        break;
    case '"':
        v->flat = !value_start(v, '"', off);
        v->ls = L_STR;
        break;
    case 't':
    case 'f':
    case 'n':
        if (value_start(v, c, off) && !v->nomem)
            pop_level(v);
        v->lit_left = c == 'f' ? 4 : 3;
        v->ls = L_LIT;
        break;
    default:
        v->flat = !value_start(v, '0', off);
        v->num.len = 0;
        if (!v->flat)
            append(v, &v->num, &c, 1);
        v->ls = L_NUM;
        break;
    }
}

/* The between-tokens state's common case, its level's records in locals:
 * the value on top is an object of one conjunction, alive, of one member,
 * or an array of one of at most one, and no event is wanted. Whitespace,
 * separators, keys that are the property declared next, values that
 * scalar_child() or start_child() take and container ends that pass are
 * taken here, going down and up the levels; at anything else it returns
 * the index of the byte the general path takes next, the state as that
 * path would have left it (no decision pending: nothing here kills). */
static size_t fast_loop(llmj__sval *v, const unsigned char *p, size_t i, size_t n, uint64_t base)
{
    unsigned char wk = v->want_key;
    vlev *L;
    vconj *c;
    vmem *m;
    const snode *on, *an, *cn;
    unsigned char ch;
    uint32_t child;
    unsigned fk;
    size_t e;
    int flat;
    while (i < n && v->nlv) {
        L = &v->lv[v->nlv - 1];
        c = &v->cj[L->c0];
        if (L->nc != 1 || !c->alive || c->nm > 1)
            break;
        if (L->kind == '{') {
            if (c->nm != 1)
                break;
            m = &v->mm[c->m0];
            on = N(v, m->node);
        enter_obj:
            for (;;) {
                if (i >= n)
                    goto out;
                ch = p[i];
                if (ch == '"' && wk) {
                    size_t kl, nx;
                key:
                    nx = (size_t)(m->last + 1);
                    if (nx < on->ndecl && n - i > 8 && on->dkey[nx].mask) {
                        /* key_next() by one load */
                        const sdkey *dk = &on->dkey[nx];
                        uint64_t x, *w = &v->bits[m->b0 + dk->prop / 64];
                        memcpy(&x, p + i + 1, 8);
                        if (((x ^ dk->word) & dk->mask) || (*w & dk->bit))
                            goto out;
                        /* (key_next()'s lo and hi are not read again
                         * before key_begin() or key_whole() sets them) */
                        kl = dk->len;
                        v->keys.len = L->key_off;
                        L->kext = dk->name;
                        L->key_len = kl;
                        m->prop = (int32_t)dk->prop;
                        *w |= dk->bit;
                        m->last = (int32_t)nx;
                        child = dk->node;
                    } else if ((child = key_next(v, L, m, on, p + i + 1, n - i - 1, &kl)) == NONE) {
                        goto out;
                    }
                    i += kl + 2;
                    wk = 0;
                    if (i + 1 >= n || p[i] != ':')
                        continue;
                    ch = p[++i];
                    if (k_cls[ch] != C_VALUE)
                        continue;
                    goto value;
                }
                switch (k_cls[ch]) {
                case C_WS:
                case C_COLON:
                    i++;
                    continue;
                case C_NL:
                    i++;
                    v->line++;
                    v->line_start = base + i;
                    continue;
                case C_COMMA:
                    i++;
                    wk = 1;
                    continue;
                case C_OEND:
                oend:
                    if (on->nrequired && !(on->nprops <= 64 && !(on->reqmask[0] & ~v->bits[m->b0])))
                        goto out;
                    pop_level(v);
                    i++;
                    goto next_level;
                case C_AEND:
                    goto out;
                default:
                    break;
                }
                child = m->prop >= 0 && on->props[m->prop].in_props ? on->props[m->prop].node : on->addl;
            value:
                cn = N(v, child);
                fk = cn->fk[k_kix[ch]];
                if (ch == '{' || ch == '[')
                    goto open;
                if (!(e = scalar_take_k(v, cn, ch, fk, p, i + 1, n, &flat)))
                    goto out;
                if (!flat)
                    c->kids = 1;
                i = e;
                if (i + 1 < n && p[i] == ',' && p[i + 1] == '"') {
                    i++;
                    wk = 1;
                    goto key;
                }
                if (i < n && p[i] == '}')
                    goto oend;
            }
        } else {
            an = c->nm ? N(v, v->mm[c->m0].node) : NULL;
        enter_arr:
            for (;;) {
                if (i >= n)
                    goto out;
                ch = p[i];
                switch (k_cls[ch]) {
                case C_WS:
                    i++;
                    continue;
                case C_NL:
                    i++;
                    v->line++;
                    v->line_start = base + i;
                    continue;
                case C_COMMA:
                    i++;
                    wk = 0;
                    continue;
                case C_AEND:
                aend:
                    if (an && L->count < an->min_items)
                        goto out;
                    pop_level(v);
                    i++;
                    goto next_level;
                case C_OEND:
                case C_COLON:
                    goto out;
                default:
                    break;
                }
            elem:
                child = SN_TRUE;
                if (an) {
                    if (L->count >= an->max_items)
                        goto out;
                    child = L->count < an->nprefix ? an->prefix[L->count] : an->items;
                }
                cn = N(v, child);
                fk = cn->fk[k_kix[ch]];
                if (ch == '{' || ch == '[')
                    goto open;
                if (!(e = scalar_take_k(v, cn, ch, fk, p, i + 1, n, &flat)))
                    goto out;
                L->count++;
                if (!flat)
                    c->kids = 1;
                i = e;
                if (i + 1 < n && p[i] == ',' && k_cls[p[i + 1]] == C_VALUE) {
                    wk = 0;
                    ch = p[++i];
                    goto elem;
                }
                if (i < n && p[i] == ']')
                    goto aend;
            }
        }
    open:
        /* a container, in the level on top (L, c): start_child()'s push,
         * then the new level's loop at once (one conjunction, alive, of
         * at most one member: what the checks above would find) */
        if (fk != FK_OPEN)
            goto out; /* (start_child() would return 0: push_level()) */
        v->pos_now = base + i;
        start_child(v, child, ch);
        if (v->nomem)
            goto out;
        i++;
        L = &v->lv[v->nlv - 1];
        c = &v->cj[L->c0];
        if (ch == '{') {
            wk = 1;
            if (c->nm != 1)
                goto out;
            m = &v->mm[c->m0];
            on = N(v, m->node);
            goto enter_obj;
        }
        wk = 0;
        an = c->nm ? N(v, v->mm[c->m0].node) : NULL;
        goto enter_arr;
    next_level:;
    }
out:
    v->want_key = wk;
    return i;
}

static void feed_now(llmj__sval *v, const unsigned char *p, size_t n)
{
    if (v->nomem)
        return;
    uint64_t base = v->pos;
    size_t i = 0;
    v->plain_tail = SIZE_MAX;
    /* events wanted: only the callback can mute the tracker, so a feed that
     * begins without them has none */
    const int ev = want_events(v);
#define OFF (base + i)
    while (i < n && !v->nomem) {
        unsigned char c = p[i];
        switch (v->ls) {
        case L_STR: {
            size_t j = scan_run(v, p, i, n);
            if (j > i) {
                if (v->in_key)
                    key_run(v, p + i, j - i, OFF, 1);
                else if (!v->flat && (v->lv[v->nlv - 1].work & W_LOOK))
                    str_run(v, p + i, j - i, OFF, 1, j < n && p[j] == '"');
                i = j;
                if (i == n)
                    break;
            }
            if (p[i] == '"') {
                if (v->in_key) {
                    key_end(v, OFF);
                    v->in_key = 0;
                    v->want_key = 0;
                } else if (v->flat) {
                    v->flat = 0;
                } else {
                    str_end(v, OFF);
                }
                v->ls = L_BETWEEN;
            } else {
                v->ls = L_ESC;
                if (!v->in_key && !v->flat && (v->lv[v->nlv - 1].work & W_LOOK))
                    str_escape_start(v, OFF); /* an escape is one character */
            }
            i++;
            break;
        }
        case L_ESC: {
            if (c == 'u') {
                v->ls = L_U;
                v->u_n = 0;
                v->u_val = 0;
                i++;
                continue;
            }
            int b = llmj__esc_byte(c);
            unsigned d = b < 0 ? c : (unsigned)b;
            v->ls = L_STR;
            esc_out(v, d, OFF);
            i++;
            break;
        }
        case L_U:
            v->u_val = v->u_val * 16 + (unsigned)llmj__hex_val(c);
            if (++v->u_n == 4) {
                if (v->u_hi) {
                    unsigned cp = (unsigned)llmj__pair(v->u_hi, v->u_val);
                    v->u_hi = 0;
                    v->ls = L_STR;
                    esc_out(v, cp, OFF);
                } else if (llmj__is_high(v->u_val)) {
                    v->u_hi = v->u_val;
                    v->ls = L_LOW1;
                } else {
                    v->ls = L_STR;
                    esc_out(v, v->u_val, OFF);
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
        case L_NUM: {
            size_t j = i;
            while (j < n && num_byte(p[j]))
                j++;
            if (j > i && !v->flat && append(v, &v->num, p + i, j - i))
                break;
            i = j;
            if (i < n) {
                if (v->flat)
                    v->flat = 0;
                else
                    num_end(v, OFF);
                v->ls = L_BETWEEN; /* the delimiter is read next */
            }
            break;
        }
        case L_LIT:
            i++;
            if (--v->lit_left == 0)
                v->ls = L_BETWEEN;
            break;
        default:
            /* between tokens: whitespace, separators, container ends, whole
             * keys and unchecked strings, until a token needs another state */
            while (i < n) {
                if (!ev && v->nlv) {
                    i = fast_loop(v, p, i, n, base);
                    if (i >= n || v->nomem)
                        break;
                }
                c = p[i++];
                switch (k_cls[c]) {
                case C_WS:
                    continue;
                case C_NL:
                    v->line++;
                    v->line_start = OFF;
                    continue;
                case C_COMMA:
                    v->want_key = v->nlv && v->lv[v->nlv - 1].kind == '{';
                    continue;
                case C_COLON:
                    continue;
                case C_OEND:
                    obj_end(v, OFF - 1);
                    break;
                case C_AEND:
                    arr_end(v, OFF - 1);
                    break;
                default:
                    if (c == '"' && v->want_key) {
                        for (;;) { /* an object's keys, from the one begun at i */
                            kctx kc;
                            int kfast = key_ctx(v, &kc);
                            /* the object's one member, alive, for key_next(); it
                             * stays in place while no level is pushed */
                            vmem *km = kfast && kc.c->alive && kc.c->nm == 1 ? &v->mm[kc.c->m0] : NULL;
                            const snode *kn = km ? N(v, km->node) : NULL;
                            int inner = 0; /* an object value's first key is next */
                            for (;;) {
                                size_t kl;
                                uint32_t child;
                                if (km && (child = key_next(v, kc.L, km, kn, p + i, n - i, &kl)) != NONE) {
                                    /* nothing failed, nothing was stored: no
                                     * decision is pending (none was when the loop
                                     * began, none is after a scalar_child() or a
                                     * value_byte() it went on after) */
                                    i += kl + 1;
                                    v->want_key = 0;
                                } else {
                                    size_t j = scan_plain(p, i, n);
                                    if (!(kfast && j < n && p[j] == '"' &&
                                          key_whole(v, &kc, p + i, j - i, n - i, OFF, &child))) {
                                        v->plain_tail = j >= n ? i : v->plain_tail;
                                        v->in_key = 1;
                                        key_begin(v);
                                        v->ls = L_STR;
                                        break;
                                    }
                                    i = j + 1; /* the whole key at once */
                                    v->want_key = 0;
                                    if (child == NONE || v->dec_pending || v->nomem)
                                        break;
                                }
                                /* the common member "key":scalar, then ,"key: the
                                 * colon, the value and the comma as the loop
                                 * would take them (no level is pushed: the
                                 * object stays on top); or "key":{ and "key":[ */
                                if (i + 1 >= n || p[i] != ':' || ev)
                                    break;
                                if (p[i + 1] == '{' || p[i + 1] == '[') {
                                    /* begun as the loop begins it; an object's
                                     * first key is taken at once again */
                                    unsigned char o = p[i + 1];
                                    uint64_t off = base + i + 1;
                                    /* value_byte() with fast_child()'s answer known */
                                    v->started = 1;
                                    v->pos_now = off;
                                    if (!start_child(v, child, o) && push_level(v, o, off) == 0)
                                        first_byte(v, o, off);
                                    v->want_key = o == '{';
                                    i += 2;
                                    inner = o == '{' && !v->dec_pending && !v->nomem && i < n && p[i] == '"';
                                    i += (size_t)inner;
                                    break;
                                }
                                if (!scalar_start(p[i + 1]))
                                    break;
                                size_t e = scalar_child(v, child, p, i + 2, n);
                                if (!e)
                                    break;
                                i = e;
                                if (i + 1 >= n || p[i] != ',' || p[i + 1] != '"')
                                    break;
                                v->want_key = 1;
                                i += 2;
                            }
                            if (!inner)
                                break;
                        }
                        break;
                    }
                    if (v->nlv && c != '{' && c != '[' && !ev) {
                        size_t e = scalar_whole(v, p, i, n);
                        if (e) {
                            /* the next elements of an array: ,scalar, with
                             * fast_child()'s checks made once (scalar_child()
                             * changes none of what they read but the count) */
                            const vlev *P = &v->lv[v->nlv - 1];
                            const vconj *pc = &v->cj[P->c0];
                            if (P->kind == '[' && P->nc == 1 && pc->alive && pc->nm <= 1) {
                                const snode *pn = pc->nm ? N(v, v->mm[pc->m0].node) : NULL;
                                while (e + 1 < n && p[e] == ',' && scalar_start(p[e + 1])) {
                                    uint32_t child = SN_TRUE;
                                    if (pn) {
                                        if (P->count >= pn->max_items)
                                            break;
                                        child = P->count < pn->nprefix ? pn->prefix[P->count] : pn->items;
                                    }
                                    size_t f = scalar_child(v, child, p, e + 2, n);
                                    if (!f)
                                        break;
                                    e = f;
                                }
                            }
                            i = e;
                            continue;
                        }
                    }
                    if (v->nomem)
                        break;
                    value_byte(v, c, OFF - 1);
                    if (v->dec_pending || v->nomem)
                        break;
                    /* a scalar that ends in this piece: to its end at once,
                     * as the states below would take it */
                    if (v->ls == L_STR) {
                        size_t j = scan_run(v, p, i, n);
                        if (j < n && p[j] == '"') {
                            if (v->flat) {
                                v->flat = 0; /* a string nothing looks into */
                            } else {
                                if (j > i && (v->lv[v->nlv - 1].work & W_LOOK))
                                    str_run(v, p + i, j - i, OFF, 1, 1);
                                str_end(v, base + j);
                            }
                            i = j + 1;
                            v->ls = L_BETWEEN;
                        }
                    } else if (v->ls == L_NUM) {
                        size_t j = i;
                        while (j < n && num_byte(p[j]))
                            j++;
                        if (j < n) {
                            if (v->flat)
                                v->flat = 0;
                            else if (j == i || !append(v, &v->num, p + i, j - i))
                                num_end(v, base + j);
                            if (!v->nomem) {
                                i = j; /* the delimiter is read next */
                                v->ls = L_BETWEEN;
                            }
                        }
                    } else if (v->ls == L_LIT && (size_t)v->lit_left <= n - i) {
                        i += v->lit_left;
                        v->lit_left = 0;
                        v->ls = L_BETWEEN;
                    }
                    break;
                }
                if (v->ls != L_BETWEEN || v->dec_pending || v->nomem)
                    break;
            }
            break;
        }
        if (v->dec_pending)
            flush_decided(v);
    }
    v->pos = base + n;
#undef OFF
}

/* The held pieces, validated now. */
static void flush_hold(llmj__sval *v)
{
    if (v->nhold) {
        size_t n = v->nhold;
        v->nhold = 0;
        feed_now(v, v->hold, n);
    }
}

/* Results are the same whatever the piece sizes, and with no event
 * callback nothing sees the validator between feeds but what flushes the
 * held bytes first (llmj_tracker_schema_result, llmj__schema_finish). So
 * small pieces are held, up to HOLD_CAP bytes, and validated together: each
 * call has its fixed cost, and a key or string cut by a piece's end leaves
 * the fast paths of feed_now() for the general ones. */
void llmj__schema_feed(llmj__sval *v, const unsigned char *p, size_t n)
{
    if (!v || v->nomem)
        return;
    if (!v->cb && !v->hold_refused && n < HOLD_CAP) {
        if (!v->hold && !(v->hold = llmj__malloc(&v->a, HOLD_CAP)))
            v->hold_refused = 1;
        if (v->hold) {
            if (v->nhold + n > HOLD_CAP)
                flush_hold(v);
            memcpy(v->hold + v->nhold, p, n);
            v->nhold += n;
            return;
        }
    }
    flush_hold(v);
    feed_now(v, p, n);
}

/* ---- life cycle, results ------------------------------------------------------ */

static void sval_state(llmj__sval *v)
{
    v->ls = L_BETWEEN;
    v->want_key = v->in_key = 0;
    v->lit_left = 0;
    v->u_n = v->u_val = v->u_hi = v->u8_left = 0;
    v->cp = 0;
    v->pos = 0;
    v->line = 1;
    v->line_start = 0;
    v->started = v->done = v->finished = v->complete = 0;
    v->dec_pending = 0;
    v->flat = 0;
    v->nlv = v->ncj = v->nmm = v->nbits = 0;
    v->keys.len = v->sbuf.len = v->num.len = 0;
    v->nomem = 0;
    v->violated = 0;
    v->nhold = 0;
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
    llmj__free(&a, v->offs);
    llmj__free(&a, v->plist);
    llmj__free(&a, v->hold);
    llmj__buf_free(&v->keys, &a);
    llmj__buf_free(&v->sbuf, &a);
    llmj__buf_free(&v->num, &a);
    llmj__buf_free(&v->vptr, &a);
    llmj__buf_free(&v->evp, &a);
    llmj__buf_free(&v->out, &a);
    llmj__free(&a, v);
}

void llmj__schema_finish(llmj__sval *v, int end_normal, int complete)
{
    if (!v || v->finished)
        return;
    flush_hold(v);
    v->finished = 1;
    if (!v->nomem && v->ls == L_NUM && end_normal && v->nlv == 1 && !v->flat)
        num_end(v, v->pos);
    v->complete = complete;
}

llmj_status llmj_tracker_set_schema_cb(llmj_tracker *t, const llmj_schema *s, llmj_schema_event_cb cb,
                                       void *ctx)
{
    if (!t || t->pos != 0 || t->finished)
        return LLMJ_MISUSE;
    if (!s) {
        llmj__tracker_set_validator(t, NULL);
        return LLMJ_OK;
    }
    llmj__sval *v = llmj__malloc(&t->a, sizeof *v);
    if (!v)
        return LLMJ_NOMEM;
    memset(v, 0, sizeof *v);
    v->s = s;
    v->nodes = s->nodes;
    v->t = t;
    v->a = t->a;
    v->cb = cb;
    v->cbctx = ctx;
    /* the match data comes from the schema's PCRE2 context (its allocator) */
    v->md = pcre2_match_data_create(1, s->gctx);
    if (!v->md) {
        llmj__free(&t->a, v);
        return LLMJ_NOMEM;
    }
    sval_state(v);
    llmj__tracker_set_validator(t, v);
    return LLMJ_OK;
}

llmj_status llmj_tracker_set_schema(llmj_tracker *t, const llmj_schema *s)
{
    return llmj_tracker_set_schema_cb(t, s, NULL, NULL);
}

/* Record a result pointer: the value at depth d, then extra as a segment. */
static int out_ptr(llmj__sval *v, size_t *nout, size_t d, const char *extra, size_t elen)
{
    if (grow(v, (void **)&v->offs, &v->offcap, *nout + 1, sizeof *v->offs))
        return -1;
    v->offs[(*nout)++] = v->out.len;
    if (build_ptr(v, &v->out, d) || (extra && put_seg(v, &v->out, extra, elen)) || append(v, &v->out, "", 1))
        return -1;
    return 0;
}

/* The first member with properties of the first alive conjunction of the
 * object at depth d (NULL: none). */
static const vmem *obj_member(const llmj__sval *v, size_t d)
{
    const vlev *L = &v->lv[d];
    for (uint32_t ci = L->c0; ci < L->c0 + L->nc; ci++) {
        if (!v->cj[ci].alive)
            continue;
        for (uint32_t mi = v->cj[ci].m0; mi < v->cj[ci].m0 + v->cj[ci].nm; mi++)
            if (N(v, v->mm[mi].node)->nprops)
                return &v->mm[mi];
        return NULL;
    }
    return NULL;
}

static int seen(const llmj__sval *v, const vmem *m, size_t j)
{
    return (v->bits[m->b0 + j / 64] >> (j % 64)) & 1;
}

llmj_status llmj_tracker_schema_result(llmj_tracker *t, llmj_schema_result *out)
{
    if (!t || !out || !t->schema)
        return LLMJ_MISUSE;
    llmj__sval *v = t->schema;
    flush_hold(v);
    memset(out, 0, sizeof *out);
    if (v->nomem)
        return LLMJ_NOMEM;
    out->violation = v->violated ? &v->viol : NULL;
    out->valid = v->violated ? LLMJ_SCHEMA_NONCONFORMING
                 : v->complete ? LLMJ_SCHEMA_CONFORMING : LLMJ_SCHEMA_UNDECIDED;
    v->out.len = 0;
    /* offsets first (missing, then upcoming, then cut), pointers after: out
     * may move while it grows */
    size_t no = 0;
    for (size_t d = 0; d < v->nlv && !v->violated; d++) {
        if (v->lv[d].kind != '{')
            continue;
        /* missing: a key being read is not yet present */
        const vlev *L = &v->lv[d];
        uint32_t ci = L->c0;
        while (ci < L->c0 + L->nc && !v->cj[ci].alive)
            ci++;
        if (ci == L->c0 + L->nc)
            continue;
        for (uint32_t mi = v->cj[ci].m0; mi < v->cj[ci].m0 + v->cj[ci].nm; mi++) {
            const vmem *m = &v->mm[mi];
            const snode *n = N(v, m->node);
            for (size_t j = 0; n->nrequired && j < n->nprops; j++)
                if (n->props[j].required && !seen(v, m, j) && out_ptr(v, &no, d, n->props[j].nm.s, n->props[j].nm.len))
                    return LLMJ_NOMEM;
        }
    }
    size_t nm = no;
    for (size_t d = v->nlv; d-- > 0 && !v->violated;) {
        /* upcoming: innermost object first */
        const vmem *m = v->lv[d].kind == '{' ? obj_member(v, d) : NULL;
        if (!m)
            continue;
        const snode *n = N(v, m->node);
        for (size_t i = (size_t)(m->last + 1); i < n->ndecl; i++) {
            const sprop *p = &n->props[n->decl[i]];
            if (!seen(v, m, n->decl[i]) && out_ptr(v, &no, d, p->nm.s, p->nm.len))
                return LLMJ_NOMEM;
        }
    }
    size_t nu = no - nm;
    int has_cut = !v->complete && v->started;
    if (has_cut) {
        size_t d = v->nlv;
        /* a literal (or a scalar with nothing to check) has no level; inside
         * a container between its values: the container itself; else the
         * value being read */
        if (v->ls != L_LIT && !v->flat && d > 0)
            d--;
        if (out_ptr(v, &no, d, NULL, 0))
            return LLMJ_NOMEM;
    }
    if (grow(v, (void **)&v->plist, &v->pcap, no ? no : 1, sizeof *v->plist))
        return LLMJ_NOMEM;
    for (size_t i = 0; i < no; i++)
        v->plist[i] = v->out.data + v->offs[i];
    out->nmissing = nm;
    out->missing = v->plist;
    out->nupcoming = nu;
    out->upcoming = v->plist + nm;
    out->cut = has_cut ? v->plist[no - 1] : NULL;
    return LLMJ_OK;
}
