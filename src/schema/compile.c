/* Schema compilation: the schema text is read into a small tree (yajl, with
 * the configured allocator), then every subschema becomes one node; $refs
 * are resolved, and each node's disjunctive normal form over anyOf and $ref
 * is computed once, so the validator only ever walks flat lists. A keyword
 * outside the supported subset is an error naming it and its pointer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "schema/schema_int.h"

/* ---- the schema text as a tree ------------------------------------------- */

typedef struct jv {
    unsigned char t;      /* 'o' 'a' 's' 'n' 't' 'f' 'z' */
    char *s; size_t len;  /* string, number text */
    struct jv **kid; char **key; size_t *klen; size_t n, cap;
    int kpending;         /* key[n] is allocated, its value not yet seen */
} jv;

typedef struct dom {
    const llmj_allocator *a;
    jv *root;
    jv *stack[64 + 2];
    size_t depth;
    int fail; /* 1 nomem, 2 too deep */
} dom;

static void jv_free(const llmj_allocator *a, jv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        jv_free(a, v->kid[i]);
        if (v->key)
            llmj__free(a, v->key[i]);
    }
    if (v->kpending)
        llmj__free(a, v->key[v->n]);
    llmj__free(a, v->kid);
    llmj__free(a, v->key);
    llmj__free(a, v->klen);
    llmj__free(a, v->s);
    llmj__free(a, v);
}

static char *dupn(const llmj_allocator *a, const void *s, size_t n)
{
    char *d = llmj__malloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A property name or an enum string: as dupn(), and zeros after it to 8
 * bytes past its end (the validator compares names 8 bytes at a time). */
static char *dup_name(const llmj_allocator *a, const void *s, size_t n)
{
    char *d = llmj__malloc(a, n + 8);
    if (d) {
        memcpy(d, s, n);
        memset(d + n, 0, 8);
    }
    return d;
}

static jv *dom_add(dom *d, unsigned char t, const void *s, size_t len)
{
    if (d->fail)
        return NULL;
    jv *v = llmj__malloc(d->a, sizeof *v);
    if (!v) {
        d->fail = 1;
        return NULL;
    }
    memset(v, 0, sizeof *v);
    v->t = t;
    if (s) {
        v->s = dupn(d->a, s, len);
        v->len = len;
        if (!v->s) {
            llmj__free(d->a, v);
            d->fail = 1;
            return NULL;
        }
    }
    if (d->depth == 0) {
        d->root = v;
        return v;
    }
    jv *p = d->stack[d->depth - 1];
    if (p->t == 'o' && !p->kpending) {
        d->fail = 1; /* a value with no key: cannot happen with yajl */
        jv_free(d->a, v);
        return NULL;
    }
    if (p->t == 'a' && p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        jv **k = llmj__realloc(d->a, p->kid, cap * sizeof *k);
        if (!k) {
            d->fail = 1;
            jv_free(d->a, v);
            return NULL;
        }
        p->kid = k;
        p->cap = cap;
    }
    p->kpending = 0;
    p->kid[p->n++] = v;
    return v;
}

static int d_null(void *c) { return dom_add(c, 'z', NULL, 0) != NULL; }
static int d_bool(void *c, int b) { return dom_add(c, b ? 't' : 'f', NULL, 0) != NULL; }
static int d_num(void *c, const char *s, size_t n) { return dom_add(c, 'n', s, n) != NULL; }
static int d_str(void *c, const unsigned char *s, size_t n) { return dom_add(c, 's', s, n) != NULL; }

static int d_open(dom *d, unsigned char t)
{
    if (d->depth >= 64) {
        d->fail = 2;
        return 0;
    }
    jv *v = dom_add(d, t, NULL, 0);
    if (!v)
        return 0;
    d->stack[d->depth++] = v;
    return 1;
}

static int d_map(void *c) { return d_open(c, 'o'); }
static int d_arr(void *c) { return d_open(c, 'a'); }
static int d_end(void *c) { ((dom *)c)->depth--; return 1; }

static int d_key(void *c, const unsigned char *k, size_t n)
{
    dom *d = c;
    jv *p = d->stack[d->depth - 1];
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        jv **kid = llmj__realloc(d->a, p->kid, cap * sizeof *kid);
        if (!kid)
            return d->fail = 1, 0;
        p->kid = kid;
        char **key = llmj__realloc(d->a, p->key, (cap + 1) * sizeof *key);
        if (!key)
            return d->fail = 1, 0;
        p->key = key;
        size_t *kl = llmj__realloc(d->a, p->klen, cap * sizeof *kl);
        if (!kl)
            return d->fail = 1, 0;
        p->klen = kl;
        p->cap = cap;
    }
    p->key[p->n] = dupn(d->a, k, n);
    if (!p->key[p->n])
        return d->fail = 1, 0;
    p->klen[p->n] = n;
    p->kpending = 1;
    return 1;
}

static const yajl_callbacks k_dom_cb = {
    d_null, d_bool, NULL, NULL, d_num, d_str, d_map, d_key, d_end, d_arr, d_end,
};


/* ---- errors ---------------------------------------------------------------- */

typedef struct comp {
    llmj_schema *s;
    llmj_schema_error *err;
    char ptr[1024];
    size_t plen;
    jv *root;
    llmj_status st;
    char **srcptr; /* the pointer of node i + 2, once compiled */
    size_t nsrc;
} comp;

static void ptr_show(const comp *c, char *out, size_t cap)
{
    snprintf(out, cap, "%.*s", (int)c->plen, c->ptr);
}

static int fail(comp *c, llmj_status code, const char *kw, const char *fmt, ...)
{
    if (c->st != LLMJ_OK)
        return -1;
    c->st = code;
    if (!c->err)
        return -1;
    llmj_schema_error *e = c->err;
    e->code = code;
    ptr_show(c, e->pointer, sizeof e->pointer);
    snprintf(e->keyword, sizeof e->keyword, "%s", kw);
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(e->message, sizeof e->message, "%.200s at %.170s", what, e->pointer[0] ? e->pointer : "/ (the root)");
    return -1;
}

static int nomem(comp *c)
{
    return fail(c, LLMJ_NOMEM, "", "out of memory");
}

/* Append "/key" (escaped) to the pointer; returns the old length. */
static size_t ptr_push(comp *c, const char *k, size_t n)
{
    size_t old = c->plen;
    if (c->plen < sizeof c->ptr - 1)
        c->ptr[c->plen++] = '/';
    for (size_t i = 0; i < n && c->plen < sizeof c->ptr - 2; i++) {
        if (k[i] == '~' || k[i] == '/') {
            c->ptr[c->plen++] = '~';
            c->ptr[c->plen++] = k[i] == '~' ? '0' : '1';
        } else {
            c->ptr[c->plen++] = k[i];
        }
    }
    return old;
}

static size_t ptr_push_index(comp *c, size_t i)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%zu", i);
    return ptr_push(c, b, (size_t)n);
}

/* ---- nodes ----------------------------------------------------------------- */

static long new_node(comp *c)
{
    llmj_schema *s = c->s;
    if (s->nnodes == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        snode *n = llmj__realloc(&s->a, s->nodes, cap * sizeof *n);
        if (!n)
            return nomem(c);
        s->nodes = n;
        s->cap = cap;
    }
    snode *n = &s->nodes[s->nnodes];
    memset(n, 0, sizeof *n);
    n->types = SK_ALL;
    n->addl = SN_TRUE;
    n->items = SN_TRUE;
    n->max_items = UINT64_MAX;
    n->max_len = UINT64_MAX;
    return (long)s->nnodes++;
}

static int push_u32(comp *c, uint32_t **arr, size_t *n, uint32_t v)
{
    uint32_t *p = llmj__realloc(&c->s->a, *arr, (*n + 1) * sizeof *p);
    if (!p)
        return nomem(c);
    p[(*n)++] = v;
    *arr = p;
    return 0;
}

static int keyis(const jv *o, size_t i, const char *k)
{
    return o->klen[i] == strlen(k) && memcmp(o->key[i], k, o->klen[i]) == 0;
}

static int get_count(comp *c, const jv *v, const char *kw, uint64_t *out)
{
    if (v->t != 'n')
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw, "'%s' must be a non-negative integer", kw);
    char *end;
    double d = strtod(v->s, &end);
    if (d < 0 || !llmj__is_integer(d) || d > 1e18)
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw, "'%s' must be a non-negative integer", kw);
    *out = (uint64_t)d;
    return 0;
}

static int get_num(comp *c, const jv *v, const char *kw, double *out)
{
    if (v->t != 'n')
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw, "'%s' must be a number", kw);
    *out = strtod(v->s, NULL);
    return 0;
}

static int type_bit(const jv *v)
{
    static const char *names[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
    static const int bits[] = {SK_NULL, SK_BOOL, SK_INT, SK_NUM | SK_INT, SK_STR, SK_ARR, SK_OBJ};
    if (v->t != 's')
        return -1;
    for (int i = 0; i < 7; i++)
        if (strlen(names[i]) == v->len && memcmp(names[i], v->s, v->len) == 0)
            return bits[i];
    return -1;
}

static int cmp_sstr(const void *x, const void *y)
{
    const sstr *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int r = memcmp(a->s, b->s, n);
    return r ? r : (a->len < b->len ? -1 : a->len > b->len);
}

static int cmp_prop(const void *x, const void *y)
{
    return cmp_sstr(&((const sprop *)x)->nm, &((const sprop *)y)->nm);
}

/* One enum/const value into node n. */
static int add_enum_value(comp *c, uint32_t ni, const jv *v, const char *kw)
{
    snode *n = &c->s->nodes[ni];
    if (v->t == 's') {
        sstr *es = llmj__realloc(&c->s->a, n->es, (n->nes + 1) * sizeof *es);
        if (!es)
            return nomem(c);
        n->es = es;
        es[n->nes].s = dup_name(&c->s->a, v->s, v->len);
        if (!es[n->nes].s)
            return nomem(c);
        es[n->nes++].len = v->len;
        n->enum_types |= SK_STR;
        return 0;
    }
    if (v->t == 'o' || v->t == 'a')
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw,
                    "'%s' with an %s value is not supported (only strings, numbers, booleans and null)",
                    kw, v->t == 'o' ? "object" : "array");
    sscalar *eo = llmj__realloc(&c->s->a, n->eo, (n->neo + 1) * sizeof *eo);
    if (!eo)
        return nomem(c);
    n->eo = eo;
    sscalar *e = &eo[n->neo++];
    memset(e, 0, sizeof *e);
    if (v->t == 'n') {
        e->type = SK_NUM;
        e->num = strtod(v->s, NULL);
        n->enum_types |= SK_NUM | SK_INT;
    } else if (v->t == 'z') {
        e->type = SK_NULL;
        n->enum_types |= SK_NULL;
    } else {
        e->type = SK_BOOL;
        e->b = v->t == 't';
        n->enum_types |= SK_BOOL;
    }
    return 0;
}

static int finish_enum(comp *c, uint32_t ni)
{
    snode *n = &c->s->nodes[ni];
    n->has_enum = 1;
    n->has_own = 1;
    if (n->nes > 1) {
        qsort(n->es, n->nes, sizeof *n->es, cmp_sstr);
        size_t w = 1;
        for (size_t i = 1; i < n->nes; i++) {
            if (cmp_sstr(&n->es[i], &n->es[w - 1]) == 0)
                llmj__free(&c->s->a, n->es[i].s);
            else
                n->es[w++] = n->es[i];
        }
        n->nes = w;
    }
    return 0;
}

static int format_id(const jv *v)
{
    static const char *names[] = {"date-time", "date", "time", "duration", "email",
                                  "hostname", "ipv4", "ipv6", "uuid"};
    for (int i = 0; i < 9; i++)
        if (strlen(names[i]) == v->len && memcmp(names[i], v->s, v->len) == 0)
            return SF_DATE_TIME + i;
    return -1;
}

/* Refs are resolved after the whole tree is compiled: pending[i] is the
 * node whose conj gets the target of ref text refs[i]. */
typedef struct pref {
    uint32_t node;
    const jv *ref;
    char ptr[256];
} pref;

typedef struct comp2 {
    comp c;
    pref *refs; size_t nrefs;
    /* the pointer in the schema text of every compiled subschema */
    const jv **src; char **srcptr; size_t nsrc, srccap;
} comp2;

static long compile_node(comp2 *k, const jv *v);

static long compile_sub(comp2 *k, const jv *v, const char *seg, size_t seglen)
{
    size_t old = ptr_push(&k->c, seg, seglen);
    long r = compile_node(k, v);
    k->c.plen = old;
    return r;
}

static long compile_sub_index(comp2 *k, const jv *v, const char *kw, size_t i)
{
    size_t o1 = ptr_push(&k->c, kw, strlen(kw));
    size_t o2 = ptr_push_index(&k->c, i);
    (void)o2;
    long r = compile_node(k, v);
    k->c.plen = o1;
    return r;
}

/* Node ni is the schema v at the current pointer: src[ni - 2] and
 * srcptr[ni - 2] (NULL for the nodes compilation adds by itself). */
static int remember(comp2 *k, const jv *v, uint32_t ni)
{
    size_t at = ni - 2;
    if (at >= k->srccap) {
        size_t cap = k->srccap ? k->srccap * 2 : 16;
        while (cap <= at)
            cap *= 2;
        const jv **s = llmj__realloc(&k->c.s->a, (void *)k->src, cap * sizeof *s);
        if (!s)
            return nomem(&k->c);
        k->src = s;
        char **sp = llmj__realloc(&k->c.s->a, k->srcptr, cap * sizeof *sp);
        if (!sp)
            return nomem(&k->c);
        k->srcptr = sp;
        k->srccap = cap;
    }
    while (k->nsrc <= at) {
        k->src[k->nsrc] = NULL;
        k->srcptr[k->nsrc++] = NULL;
    }
    k->srcptr[at] = dupn(&k->c.s->a, k->c.ptr, k->c.plen);
    if (!k->srcptr[at])
        return nomem(&k->c);
    k->src[at] = v;
    return 0;
}

static int compile_regex(comp *c, uint32_t ni, const jv *v)
{
    if (v->t != 's')
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "pattern", "'pattern' must be a string");
    int ec;
    PCRE2_SIZE eo;
    pcre2_compile_context *cc = pcre2_compile_context_create(c->s->gctx);
    if (!cc)
        return nomem(c);
    pcre2_set_newline(cc, PCRE2_NEWLINE_LF); /* `.` is anything but LF, whatever the build */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)v->s, v->len,
                                   PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY, &ec, &eo, cc);
    pcre2_compile_context_free(cc);
    if (!re && c->s->pc_refused)
        return nomem(c);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "pattern", "'pattern' is not a valid regular expression (%s, at character %zu)",
                    (const char *)msg, (size_t)eo);
    }
    c->s->nodes[ni].re = re;
    uint32_t opts = 0;
    pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &opts);
    c->s->nodes[ni].re_anchored = (opts & PCRE2_ANCHORED) != 0;
    c->s->nodes[ni].has_own = 1;
    /* the automaton where the pattern is in its subset (PCRE2 otherwise) */
    if (llmj__re_compile(&c->s->a, v->s, v->len, &c->s->nodes[ni].rx) < 0)
        return nomem(c);
    return 0;
}

static const char *const k_ignored[] = {"title", "description", "default", "examples", "$comment",
                                        "$schema", "$anchor", "deprecated", "readOnly",
                                        "writeOnly", "propertyOrdering", NULL};

static long compile_node(comp2 *k, const jv *v)
{
    comp *c = &k->c;
    if (c->st != LLMJ_OK)
        return -1;
    if (v->t == 't')
        return SN_TRUE;
    if (v->t == 'f')
        return SN_FALSE;
    if (v->t != 'o')
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "", "a schema must be an object or a boolean");
    long nil = new_node(c);
    if (nil < 0)
        return -1;
    uint32_t ni = (uint32_t)nil;
    if (remember(k, v, ni))
        return -1;
#define N (&c->s->nodes[ni])
    const jv *req = NULL, *props = NULL, *cst = NULL, *enm = NULL;
    for (size_t i = 0; i < v->n && c->st == LLMJ_OK; i++) {
        const jv *x = v->kid[i];
        char kw[64];
        snprintf(kw, sizeof kw, "%.*s", (int)(v->klen[i] < 63 ? v->klen[i] : 63), v->key[i]);
        size_t old = ptr_push(c, v->key[i], v->klen[i]);
        int ok = 1;
        if (keyis(v, i, "type")) {
            unsigned m = 0;
            if (x->t == 'a') {
                for (size_t j = 0; j < x->n; j++) {
                    int b = type_bit(x->kid[j]);
                    if (b < 0)
                        ok = 0;
                    m |= (unsigned)b;
                }
            } else {
                int b = type_bit(x);
                ok = b >= 0;
                m = (unsigned)b;
            }
            if (!ok) {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "type", "'type' must name JSON types (null, boolean, integer, number, string, array, object)");
                break;
            }
            N->types &= m;
            N->has_own = 1;
        } else if (keyis(v, i, "enum")) {
            enm = x;
        } else if (keyis(v, i, "const")) {
            cst = x;
        } else if (keyis(v, i, "properties")) {
            if (x->t != 'o') {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "properties", "'properties' must be an object");
                break;
            }
            props = x;
        } else if (keyis(v, i, "required")) {
            if (x->t != 'a') {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "required", "'required' must be an array of strings");
                break;
            }
            for (size_t j = 0; j < x->n; j++)
                if (x->kid[j]->t != 's') {
                    fail(c, LLMJ_SCHEMA_UNSUPPORTED, "required", "'required' must be an array of strings");
                    break;
                }
            req = x;
        } else if (keyis(v, i, "additionalProperties")) {
            long s = compile_node(k, x);
            if (s < 0)
                break;
            N->addl = (uint32_t)s;
            N->addl_false = s == SN_FALSE;
            N->has_own = 1;
        } else if (keyis(v, i, "items")) {
            long s = compile_node(k, x);
            if (s < 0)
                break;
            N->items = (uint32_t)s;
            N->has_own = 1;
        } else if (keyis(v, i, "prefixItems")) {
            if (x->t != 'a') {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "prefixItems", "'prefixItems' must be an array of schemas");
                break;
            }
            c->plen = old;
            for (size_t j = 0; j < x->n && c->st == LLMJ_OK; j++) {
                long s = compile_sub_index(k, x->kid[j], "prefixItems", j);
                if (s >= 0)
                    push_u32(c, &N->prefix, &N->nprefix, (uint32_t)s);
            }
            N->has_own = 1;
        } else if (keyis(v, i, "anyOf")) {
            if (x->t != 'a' || x->n == 0) {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "anyOf", "'anyOf' must be a non-empty array of schemas");
                break;
            }
            c->plen = old;
            for (size_t j = 0; j < x->n && c->st == LLMJ_OK; j++) {
                long s = compile_sub_index(k, x->kid[j], "anyOf", j);
                if (s >= 0)
                    push_u32(c, &N->any, &N->nany, (uint32_t)s);
            }
        } else if (keyis(v, i, "$ref")) {
            if (x->t != 's') {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref", "'$ref' must be a string");
                break;
            }
            pref *r = llmj__realloc(&c->s->a, k->refs, (k->nrefs + 1) * sizeof *r);
            if (!r) {
                nomem(c);
                break;
            }
            k->refs = r;
            r[k->nrefs].node = ni;
            r[k->nrefs].ref = x;
            ptr_show(c, r[k->nrefs].ptr, sizeof r[k->nrefs].ptr);
            k->nrefs++;
        } else if (keyis(v, i, "$defs") || keyis(v, i, "definitions")) {
            if (x->t != 'o') {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw, "'%s' must be an object", kw);
                break;
            }
            for (size_t j = 0; j < x->n && c->st == LLMJ_OK; j++)
                compile_sub(k, x->kid[j], x->key[j], x->klen[j]);
        } else if (keyis(v, i, "minItems") || keyis(v, i, "maxItems")) {
            get_count(c, x, kw, kw[1] == 'i' ? &N->min_items : &N->max_items);
            N->has_own = 1;
        } else if (keyis(v, i, "minLength") || keyis(v, i, "maxLength")) {
            get_count(c, x, kw, kw[1] == 'i' ? &N->min_len : &N->max_len);
            N->has_own = 1;
        } else if (keyis(v, i, "minimum")) {
            N->has_min = !get_num(c, x, kw, &N->min);
            N->has_own = 1;
        } else if (keyis(v, i, "maximum")) {
            N->has_max = !get_num(c, x, kw, &N->max);
            N->has_own = 1;
        } else if (keyis(v, i, "exclusiveMinimum")) {
            N->has_xmin = !get_num(c, x, kw, &N->xmin);
            N->has_own = 1;
        } else if (keyis(v, i, "exclusiveMaximum")) {
            N->has_xmax = !get_num(c, x, kw, &N->xmax);
            N->has_own = 1;
        } else if (keyis(v, i, "multipleOf")) {
            N->has_mult = !get_num(c, x, kw, &N->mult);
            if (N->has_mult && !(N->mult > 0))
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw, "'multipleOf' must be greater than 0");
            N->has_own = 1;
        } else if (keyis(v, i, "$id") && old == 0) {
            /* the root's own identifier: '#' refs still mean this document */
        } else if (keyis(v, i, "pattern")) {
            compile_regex(c, ni, x);
        } else if (keyis(v, i, "format")) {
            int f = x->t == 's' ? format_id(x) : -1;
            if (f < 0) {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, "format", "unsupported format '%.*s'",
                     x->t == 's' ? (int)(x->len < 60 ? x->len : 60) : 1, x->t == 's' ? x->s : "?");
                break;
            }
            N->format = f;
            N->has_own = 1;
        } else {
            int ign = 0;
            for (int j = 0; k_ignored[j]; j++)
                ign |= keyis(v, i, k_ignored[j]);
            if (!ign) {
                fail(c, LLMJ_SCHEMA_UNSUPPORTED, kw, "unsupported keyword '%s'", kw);
                break;
            }
        }
        c->plen = old;
    }
    if (c->st != LLMJ_OK)
        return -1;

    /* properties + required, sorted by name */
    size_t np = props ? props->n : 0, nr = req ? req->n : 0;
    if (np + nr) {
        N->props = llmj__malloc(&c->s->a, (np + nr) * sizeof(sprop));
        if (!N->props)
            return nomem(c);
        size_t w = 0;
        for (size_t j = 0; j < np; j++) {
            sprop *p = &N->props[w];
            memset(p, 0, sizeof *p);
            p->nm.s = dup_name(&c->s->a, props->key[j], props->klen[j]);
            if (!p->nm.s)
                return nomem(c);
            p->nm.len = props->klen[j];
            p->plain = !memchr(p->nm.s, '"', p->nm.len) && !memchr(p->nm.s, '\\', p->nm.len);
            p->in_props = 1;
            p->order = (uint32_t)j;
            N->nprops = ++w;
            size_t o1 = ptr_push(c, "properties", 10);
            long s = compile_sub(k, props->kid[j], props->key[j], props->klen[j]);
            c->plen = o1;
            if (s < 0)
                return -1;
            N->props[w - 1].node = (uint32_t)s;
        }
        qsort(N->props, w, sizeof(sprop), cmp_prop);
        for (size_t j = 1; j < w; j++)
            if (cmp_prop(&N->props[j - 1], &N->props[j]) == 0)
                return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "properties", "duplicate property name");
        size_t nin = w;
        for (size_t j = 0; j < nr; j++) {
            const jv *r = req->kid[j];
            sprop key = {{r->s, r->len}, 0, 0, 0, 0};
            sprop *f = nin ? bsearch(&key, N->props, nin, sizeof(sprop), cmp_prop) : NULL;
            if (f) {
                f->required = 1;
                continue;
            }
            sprop *p = &N->props[w];
            memset(p, 0, sizeof *p);
            p->nm.s = dup_name(&c->s->a, r->s, r->len);
            if (!p->nm.s)
                return nomem(c);
            p->nm.len = r->len;
            p->node = SN_TRUE;
            p->order = UINT32_MAX;
            p->required = 1;
            N->nprops = ++w;
        }
        if (w > nin) {
            /* required members not in properties: sorted in, listed once */
            qsort(N->props, w, sizeof(sprop), cmp_prop);
            size_t o = 0;
            for (size_t j = 0; j < w; j++) {
                if (o && cmp_prop(&N->props[o - 1], &N->props[j]) == 0) {
                    llmj__free(&c->s->a, N->props[j].nm.s);
                    continue;
                }
                N->props[o++] = N->props[j];
            }
            N->nprops = w = o;
        }
        size_t words = (w + 63) / 64;
        N->reqmask = llmj__malloc(&c->s->a, words * sizeof(uint64_t));
        N->decl = llmj__malloc(&c->s->a, (nin ? nin : 1) * sizeof(uint32_t));
        if (!N->reqmask || !N->decl)
            return nomem(c);
        memset(N->reqmask, 0, words * sizeof(uint64_t));
        N->ndecl = nin;
        for (size_t j = 0; j < w; j++) {
            if (N->props[j].required) {
                N->reqmask[j / 64] |= 1ull << (j % 64);
                N->nrequired++;
            }
            if (N->props[j].in_props)
                N->decl[N->props[j].order] = (uint32_t)j;
        }
        N->has_own = 1;
    }
    if (enm) {
        size_t old = ptr_push(c, "enum", 4);
        if (enm->t != 'a')
            return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "enum", "'enum' must be an array");
        for (size_t j = 0; j < enm->n; j++)
            if (add_enum_value(c, ni, enm->kid[j], "enum"))
                return -1;
        c->plen = old;
        finish_enum(c, ni);
    }
    if (cst) {
        size_t old = ptr_push(c, "const", 5);
        uint32_t target = ni;
        if (enm) { /* both: the const is a node of its own, in conjunction */
            long cn = new_node(c);
            if (cn < 0)
                return -1;
            target = (uint32_t)cn;
            if (push_u32(c, &N->conj, &N->nconj, target))
                return -1;
        }
        if (add_enum_value(c, target, cst, "const"))
            return -1;
        finish_enum(c, target);
        c->s->nodes[target].has_enum = 2; /* reported as "const" */
        c->plen = old;
    }
    return ni;
#undef N
}

/* ---- $ref ------------------------------------------------------------------ */

/* Decode one RFC 6901 segment (~0 ~1, and %XX as in a URI fragment). */
static size_t unescape_seg(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
            out[o++] = s[i + 1] == '0' ? '~' : '/';
            i++;
        } else if (s[i] == '%' && i + 2 < n) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            out[o++] = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

typedef struct srcix srcix;
static int resolve_with(comp2 *k, const srcix *ix, size_t nix);

struct srcix {
    uintptr_t v;
    uint32_t node;
};

static int cmp_srcix(const void *x, const void *y)
{
    uintptr_t a = ((const srcix *)x)->v, b = ((const srcix *)y)->v;
    return a < b ? -1 : a > b;
}

static int resolve_refs(comp2 *k)
{
    comp *c = &k->c;
    if (k->nrefs == 0)
        return 0;
    /* the compiled schemas by their place in the tree, for the lookups */
    srcix *ix = llmj__malloc(&c->s->a, (k->nsrc ? k->nsrc : 1) * sizeof *ix);
    if (!ix)
        return nomem(c);
    size_t nix = 0;
    for (size_t i = 0; i < k->nsrc; i++)
        if (k->src[i]) {
            ix[nix].v = (uintptr_t)k->src[i];
            ix[nix++].node = (uint32_t)(i + 2);
        }
    qsort(ix, nix, sizeof *ix, cmp_srcix);
    int rc = resolve_with(k, ix, nix);
    llmj__free(&c->s->a, ix);
    return rc;
}

static int resolve_with(comp2 *k, const srcix *ix, size_t nix)
{
    comp *c = &k->c;
    for (size_t r = 0; r < k->nrefs; r++) {
        const jv *ref = k->refs[r].ref;
        snprintf(c->ptr, sizeof c->ptr, "%s", k->refs[r].ptr);
        c->plen = strlen(c->ptr);
        if (ref->len == 0 || ref->s[0] != '#')
            return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref",
                        "'$ref' must point into this schema ('#', '#/$defs/NAME', '#/definitions/NAME' or another '#/...' pointer), not '%.*s'",
                        (int)(ref->len < 80 ? ref->len : 80), ref->s);
        /* walk the tree */
        const jv *cur = k->c.root;
        const char *p = ref->s + 1, *end = ref->s + ref->len;
        char seg[1024];
        while (cur && p < end) {
            if (*p != '/')
                return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref", "'$ref' '%.*s' is not a JSON Pointer fragment",
                            (int)(ref->len < 80 ? ref->len : 80), ref->s);
            p++;
            const char *q = memchr(p, '/', (size_t)(end - p));
            if (!q)
                q = end;
            if ((size_t)(q - p) >= sizeof seg)
                return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref", "'$ref' segment too long");
            size_t sl = unescape_seg(p, (size_t)(q - p), seg);
            const jv *next = NULL;
            if (cur->t == 'o') {
                for (size_t i = 0; i < cur->n; i++)
                    if (cur->klen[i] == sl && memcmp(cur->key[i], seg, sl) == 0)
                        next = cur->kid[i];
            } else if (cur->t == 'a') {
                char *e;
                seg[sl] = '\0';
                unsigned long at = strtoul(seg, &e, 10);
                if (*e == '\0' && sl && at < cur->n)
                    next = cur->kid[at];
            }
            cur = next;
            p = q;
        }
        long target = -1;
        if (cur && cur->t == 't')
            target = SN_TRUE;
        else if (cur && cur->t == 'f')
            target = SN_FALSE;
        else if (cur) {
            srcix key = {(uintptr_t)cur, 0};
            const srcix *f = bsearch(&key, ix, nix, sizeof *ix, cmp_srcix);
            if (f)
                target = f->node;
        }
        if (target < 0)
            return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref", "'$ref' '%.*s' does not name a schema in this document",
                        (int)(ref->len < 80 ? ref->len : 80), ref->s);
        snode *n = &c->s->nodes[k->refs[r].node];
        if (push_u32(c, &n->conj, &n->nconj, (uint32_t)target))
            return -1;
    }
    return 0;
}

/* ---- disjunctive normal form ------------------------------------------------ */

#define MAX_ALTS 256
#define MAX_ATOMS 32

/* A DNF under construction: alternatives of atom lists, each with the
 * anyOf branch it came through (label: a node, NO_LABEL when none; bix: its
 * index in that anyOf). */
#define NO_LABEL UINT32_MAX
typedef struct dnf {
    uint32_t atoms[MAX_ALTS][MAX_ATOMS];
    size_t n[MAX_ALTS];
    uint32_t label[MAX_ALTS], bix[MAX_ALTS];
    size_t nalt;
} dnf;

static int dnf_of(comp *c, uint32_t ni);

static void dnf_copy(dnf *to, const dnf *from)
{
    for (size_t i = 0; i < from->nalt; i++) {
        memcpy(to->atoms[i], from->atoms[i], from->n[i] * sizeof(uint32_t));
        to->n[i] = from->n[i];
        to->label[i] = from->label[i];
        to->bix[i] = from->bix[i];
    }
    to->nalt = from->nalt;
}

static int too_many_alts(comp *c)
{
    return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "anyOf", "more than %d alternatives after expanding anyOf and $ref", MAX_ALTS);
}

/* d = d x node ni's DNF. An alternative keeps the label of ni's alternative
 * (the innermost anyOf), else `branch` (ni is branch bix of an anyOf) when
 * that is not NO_LABEL, else d's. */
static int dnf_and(comp *c, dnf *d, uint32_t ni, dnf *tmp, uint32_t branch, uint32_t bix)
{
    if (dnf_of(c, ni))
        return -1;
    const snode *n = &c->s->nodes[ni];
    tmp->nalt = 0;
    for (size_t i = 0; i < d->nalt; i++)
        for (size_t j = 0; j < n->nalt; j++) {
            if (tmp->nalt == MAX_ALTS)
                return too_many_alts(c);
            size_t a = tmp->nalt++;
            size_t na = d->n[i], nb = n->alt_off[j + 1] - n->alt_off[j];
            if (na + nb > MAX_ATOMS)
                return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref", "more than %d schemas apply to one value", MAX_ATOMS);
            memcpy(tmp->atoms[a], d->atoms[i], na * sizeof(uint32_t));
            memcpy(tmp->atoms[a] + na, n->atoms + n->alt_off[j], nb * sizeof(uint32_t));
            tmp->n[a] = na + nb;
            int inner = n->alt_label[j] != NO_LABEL;
            tmp->label[a] = inner ? n->alt_label[j] : branch != NO_LABEL ? branch : d->label[i];
            tmp->bix[a] = inner ? n->alt_bix[j] : branch != NO_LABEL ? bix : d->bix[i];
        }
    dnf_copy(d, tmp);
    return 0;
}

/* Store d as node ni's DNF. */
static int dnf_store(comp *c, uint32_t ni, const dnf *d)
{
    size_t total = 0;
    for (size_t i = 0; i < d->nalt; i++)
        total += d->n[i];
    snode *n = &c->s->nodes[ni];
    n->alt_off = llmj__malloc(&c->s->a, (d->nalt + 1) * sizeof(uint32_t));
    n->atoms = llmj__malloc(&c->s->a, (total ? total : 1) * sizeof(uint32_t));
    n->alt_label = llmj__malloc(&c->s->a, (d->nalt ? d->nalt : 1) * sizeof(uint32_t));
    n->alt_bix = llmj__malloc(&c->s->a, (d->nalt ? d->nalt : 1) * sizeof(uint32_t));
    if (!n->alt_off || !n->atoms || !n->alt_label || !n->alt_bix)
        return nomem(c);
    size_t w = 0;
    for (size_t i = 0; i < d->nalt; i++) {
        n->alt_off[i] = (uint32_t)w;
        memcpy(n->atoms + w, d->atoms[i], d->n[i] * sizeof(uint32_t));
        w += d->n[i];
        n->alt_label[i] = d->label[i];
        n->alt_bix[i] = d->bix[i];
    }
    n->alt_off[d->nalt] = (uint32_t)w;
    n->nalt = d->nalt;
    n->dnf_state = 2;
    return 0;
}

static int dnf_of(comp *c, uint32_t ni)
{
    snode *n = &c->s->nodes[ni];
    if (n->dnf_state == 2)
        return 0;
    if (n->dnf_state == 1 && ni >= 2 && ni - 2 < c->nsrc && c->srcptr[ni - 2]) {
        snprintf(c->ptr, sizeof c->ptr, "%s", c->srcptr[ni - 2]);
        c->plen = strlen(c->ptr);
    }
    if (n->dnf_state == 1)
        return fail(c, LLMJ_SCHEMA_UNSUPPORTED, "$ref", "'$ref'/'anyOf' cycle that never reaches a value (infinite recursion)");
    if (n->nconj == 0 && n->nany == 0) {
        /* most nodes: one alternative, the node itself (or none: false) */
        uint32_t one[1] = {ni}, off[2] = {0, ni == SN_FALSE ? 0 : n->has_own ? 1u : 0u};
        uint32_t lab[1] = {NO_LABEL};
        n->nalt = ni == SN_FALSE ? 0 : 1;
        n->alt_off = llmj__malloc(&c->s->a, sizeof off);
        n->atoms = llmj__malloc(&c->s->a, sizeof one);
        n->alt_label = llmj__malloc(&c->s->a, sizeof lab);
        n->alt_bix = llmj__malloc(&c->s->a, sizeof lab);
        if (!n->alt_off || !n->atoms || !n->alt_label || !n->alt_bix)
            return nomem(c);
        memcpy(n->alt_off, off, n->nalt ? sizeof off : sizeof off[0]);
        memcpy(n->atoms, one, sizeof one);
        memcpy(n->alt_label, lab, sizeof lab);
        memcpy(n->alt_bix, lab, sizeof lab);
        n->dnf_state = 2;
        return 0;
    }
    n->dnf_state = 1;
    dnf *d = llmj__malloc(&c->s->a, 4 * sizeof *d);
    if (!d)
        return nomem(c);
    dnf *tmp = d + 1, *acc = d + 2, *one = d + 3;
    int rc = 0;
    d->nalt = 1;
    d->n[0] = 0;
    d->label[0] = NO_LABEL;
    d->bix[0] = 0;
    if (ni == SN_FALSE)
        d->nalt = 0;
    else if (n->has_own)
        d->atoms[0][d->n[0]++] = ni;
    size_t nconj = n->nconj;
    for (size_t i = 0; i < nconj && !rc; i++)
        rc = dnf_and(c, d, c->s->nodes[ni].conj[i], tmp, NO_LABEL, 0);
    if (!rc && c->s->nodes[ni].nany) {
        /* d x (b1 | b2 | ...) */
        acc->nalt = 0;
        for (size_t b = 0; b < c->s->nodes[ni].nany && !rc; b++) {
            uint32_t br = c->s->nodes[ni].any[b];
            dnf_copy(one, d);
            rc = dnf_and(c, one, br, tmp, br, (uint32_t)b);
            if (!rc && acc->nalt + one->nalt > MAX_ALTS)
                rc = too_many_alts(c);
            for (size_t i = 0; !rc && i < one->nalt; i++) {
                size_t a = acc->nalt++;
                memcpy(acc->atoms[a], one->atoms[i], one->n[i] * sizeof(uint32_t));
                acc->n[a] = one->n[i];
                acc->label[a] = one->label[i];
                acc->bix[a] = one->bix[i];
            }
        }
        if (!rc)
            dnf_copy(d, acc);
    }
    if (!rc)
        rc = dnf_store(c, ni, d);
    llmj__free(&c->s->a, d);
    return rc;
}

/* What the validator reads most, per node: first-byte tables, what a
 * string or number is checked for, the common single-atom case. */
static void summarize(comp *c)
{
    llmj_schema *s = c->s;
    for (size_t i = 0; i < s->nnodes && c->st == LLMJ_OK; i++) {
        snode *n = &s->nodes[i];
        int pack = n->nes >= 1 && n->nes <= 8;
        for (size_t j = 0; pack && j < n->nes; j++)
            pack = n->es[j].len < 8 && !memchr(n->es[j].s, '"', n->es[j].len) &&
                   !memchr(n->es[j].s, '\\', n->es[j].len);
        if (pack) {
            /* the string enum values, packed (see snode.epack) */
            if (!(n->epack = llmj__malloc(&s->a, 2 * n->nes * sizeof *n->epack))) {
                nomem(c);
                break;
            }
            for (size_t j = 0; j < n->nes; j++) {
                unsigned char w[8] = {0}, m[8] = {0};
                memcpy(w, n->es[j].s, n->es[j].len);
                w[n->es[j].len] = '"';
                memset(m, 0xFF, n->es[j].len + 1);
                memcpy(&n->epack[2 * j], w, 8);
                memcpy(&n->epack[2 * j + 1], m, 8);
            }
        }
        if (n->ndecl) {
            /* the declared properties' keys, packed (see sdkey) */
            if (!(n->dkey = llmj__malloc(&s->a, n->ndecl * sizeof *n->dkey))) {
                nomem(c);
                break;
            }
            for (size_t j = 0; j < n->ndecl; j++) {
                sdkey *k = &n->dkey[j];
                const sprop *pr = &n->props[n->decl[j]];
                unsigned char w[8] = {0}, m[8] = {0};
                k->word = k->mask = 0;
                if (pr->plain && pr->nm.len < 8) {
                    memcpy(w, pr->nm.s, pr->nm.len);
                    w[pr->nm.len] = '"';
                    memset(m, 0xFF, pr->nm.len + 1);
                    memcpy(&k->word, w, 8);
                    memcpy(&k->mask, m, 8);
                }
                k->bit = 1ull << (n->decl[j] % 64);
                k->name = pr->nm.s;
                k->prop = n->decl[j];
                k->node = pr->node;
                k->len = (uint32_t)pr->nm.len;
            }
        }
        /* first-byte tables where a search would take a few steps */
        if (n->nprops >= 4 && !(n->pfirst = llmj__first_table(&s->a, n->props, sizeof *n->props, n->nprops)) &&
            n->nprops < 65536)
            nomem(c);
        if (n->nes >= 8 && !(n->efirst = llmj__first_table(&s->a, n->es, sizeof *n->es, n->nes)) && n->nes < 65536)
            nomem(c);
        n->str_checks = (unsigned char)((n->has_enum ? SC_ENUM : 0) |
                                        (n->min_len || n->max_len != UINT64_MAX ? SC_LEN : 0) |
                                        (n->rx ? SC_RX : n->re ? SC_PCRE : 0) | (n->format ? SC_FORMAT : 0));
        n->num_checks = ((n->types & SK_INT) && !(n->types & SK_NUM)) || n->has_min || n->has_max ||
                        n->has_xmin || n->has_xmax || n->has_mult || n->has_enum;
    }
    for (size_t i = 0; i < s->nnodes && c->st == LLMJ_OK; i++) {
        snode *n = &s->nodes[i];
        n->simple = n->nalt == 1 && n->alt_off[1] == 0 ? SN_TRUE
                    : n->nalt == 1 && n->alt_off[1] == 1 ? n->atoms[0] : UINT32_MAX;
        if (n->simple == SN_TRUE) {
            n->flat_kinds = SK_NULL | SK_BOOL | SK_NUM | SK_STR;
        } else if (n->simple != UINT32_MAX) {
            const snode *at = &s->nodes[n->simple];
            if (!at->has_enum)
                n->flat_kinds = (unsigned char)((at->types & (SK_NULL | SK_BOOL)) |
                                                ((at->types & SK_NUM) && !at->num_checks ? SK_NUM : 0) |
                                                ((at->types & SK_STR) && !at->str_checks ? SK_STR : 0));
        }
        static const unsigned kbits[] = {0, SK_STR, SK_INT | SK_NUM, SK_BOOL, SK_NULL, SK_OBJ, SK_ARR};
        memset(n->fk, FK_GENERAL, sizeof n->fk);
        for (int k = VK_STR; k <= VK_ARR; k++) {
            unsigned kb = kbits[k];
            const snode *at = n->simple < s->nnodes && n->simple != SN_TRUE ? &s->nodes[n->simple] : NULL;
            if (n->flat_kinds & kb)
                n->fk[k] = FK_FLAT;
            else if (n->simple == SN_TRUE)
                n->fk[k] = FK_OPEN;
            else if (!at || !(at->types & kb) ||
                     (at->has_enum && (!(at->enum_types & kb) || k == VK_BOOL || k == VK_NULL)))
                n->fk[k] = FK_GENERAL;
            else if (k == VK_STR)
                n->fk[k] = at->str_checks == SC_ENUM && at->nes <= 8 ? FK_ENUM : FK_STR;
            else if (k == VK_NUM)
                n->fk[k] = FK_NUM;
            else
                n->fk[k] = FK_OPEN;
        }
    }
}

/* ---- public ---------------------------------------------------------------- */

/* PCRE2's memory, from the schema's allocator; a refusal while compiling is
 * remembered (PCRE2 reports it as a compile error like any other). Once
 * compiled, the schema is shared read-only: trackers' match data come from
 * here too, and nothing is written then. */
static void *pc_malloc(size_t n, void *ctx)
{
    llmj_schema *s = ctx;
    void *p = llmj__malloc(&s->a, n);
    if (!p && s->compiling)
        s->pc_refused = 1;
    return p;
}

static void pc_free(void *p, void *ctx)
{
    llmj__free(&((llmj_schema *)ctx)->a, p);
}

uint16_t *llmj__first_table(const llmj_allocator *a, const void *names, size_t stride, size_t n)
{
    if (n < 4 || n >= 65536)
        return NULL;
    uint16_t *t = llmj__malloc(a, 257 * sizeof *t);
    if (!t)
        return NULL;
    const char *base = names;
#define NAME(i) ((const sstr *)(const void *)(base + (size_t)(i) * stride))
    size_t j = 0;
    while (j < n && NAME(j)->len == 0)
        j++;
    for (unsigned c = 0; c <= 256; c++) {
        while (j < n && (unsigned char)NAME(j)->s[0] < c)
            j++;
        t[c] = (uint16_t)j;
    }
#undef NAME
    return t;
}

const char *llmj__schema_node_ptr(const llmj_schema *s, uint32_t i)
{
    return i >= 2 && i - 2 < s->nptrs && s->ptrs[i - 2] ? s->ptrs[i - 2] : "";
}

void llmj_schema_free(llmj_schema *s)
{
    if (!s)
        return;
    llmj_allocator a = s->a;
    for (size_t i = 0; i < s->nnodes; i++) {
        snode *n = &s->nodes[i];
        for (size_t j = 0; j < n->nes; j++)
            llmj__free(&a, n->es[j].s);
        for (size_t j = 0; j < n->nprops; j++)
            llmj__free(&a, n->props[j].nm.s);
        llmj__free(&a, n->es);
        llmj__free(&a, n->eo);
        llmj__free(&a, n->props);
        llmj__free(&a, n->prefix);
        llmj__free(&a, n->conj);
        llmj__free(&a, n->any);
        llmj__free(&a, n->alt_off);
        llmj__free(&a, n->atoms);
        llmj__free(&a, n->alt_label);
        llmj__free(&a, n->alt_bix);
        llmj__free(&a, n->decl);
        llmj__free(&a, n->dkey);
        llmj__free(&a, n->epack);
        llmj__free(&a, n->reqmask);
        llmj__free(&a, n->pfirst);
        llmj__free(&a, n->efirst);
        llmj__re_free(&a, n->rx);
        if (n->re)
            pcre2_code_free(n->re);
    }
    for (size_t i = 0; i < s->nptrs; i++)
        llmj__free(&a, s->ptrs[i]);
    llmj__free(&a, s->ptrs);
    llmj__free(&a, s->nodes);
    if (s->gctx)
        pcre2_general_context_free(s->gctx);
    llmj__free(&a, s);
}

llmj_status llmj_schema_compile(llmj_schema **out, const void *text, size_t len,
                                const llmj_config *cfg, llmj_schema_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
    }
    if (!out || (!text && len))
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, cfg ? &cfg->alloc : NULL))
        return LLMJ_BAD_OPTION;
    llmj_schema *s = llmj__malloc(&a, sizeof *s);
    if (!s)
        return LLMJ_NOMEM;
    memset(s, 0, sizeof *s);
    s->a = a;
    s->compiling = 1;
    s->gctx = pcre2_general_context_create(pc_malloc, pc_free, s);
    comp2 k;
    memset(&k, 0, sizeof k);
    k.c.s = s;
    k.c.err = err;
    k.c.st = LLMJ_OK;
    if (!s->gctx) {
        llmj_schema_free(s);
        return LLMJ_NOMEM;
    }

    /* 1. the tree */
    dom d;
    memset(&d, 0, sizeof d);
    d.a = &s->a;
    /* yajl never sees a refusal: see llmj__yajl_malloc() */
    yajl_alloc_funcs yaf = {llmj__yajl_malloc, llmj__yajl_realloc, llmj__yajl_free, &s->a};
    yajl_handle y = yajl_alloc(&k_dom_cb, &yaf, &d);
    if (!y) {
        llmj_schema_free(s);
        return LLMJ_NOMEM;
    }
    yajl_status ys = yajl_parse(y, text, len);
    if (ys == yajl_status_ok)
        ys = yajl_complete_parse(y);
    if (ys != yajl_status_ok || !d.root) {
        if (d.fail == 1)
            nomem(&k.c);
        else if (d.fail == 2)
            fail(&k.c, LLMJ_SCHEMA_UNSUPPORTED, "", "the schema nests deeper than 64 levels");
        else {
            size_t off = yajl_get_bytes_consumed(y);
            fail(&k.c, LLMJ_SCHEMA_UNSUPPORTED, "", "the schema is not JSON (near offset %zu)", off);
            if (err) {
                const unsigned char *p = text;
                err->offset = off;
                err->line = 1;
                size_t ls = 0;
                for (size_t i = 0; i < off && i < len; i++)
                    if (p[i] == '\n') {
                        err->line++;
                        ls = i + 1;
                    }
                err->column = off - ls + 1;
            }
        }
    }
    yajl_free(y);
    if (k.c.st == LLMJ_OK) {
        k.c.root = d.root;
        /* 2. nodes 0 (true) and 1 (false), then the tree */
        new_node(&k.c);
        new_node(&k.c);
        if (k.c.st == LLMJ_OK) {
            s->nodes[SN_FALSE].types = 0;
            s->nodes[SN_FALSE].has_own = 1;
        }
        if (compile_node(&k, d.root) >= 0 && resolve_refs(&k) == 0) {
            k.c.srcptr = k.srcptr;
            k.c.nsrc = k.nsrc;
            k.c.plen = 0;
            long root = d.root->t == 'o' ? 2 : d.root->t == 't' ? SN_TRUE : SN_FALSE;
            (void)root;
            for (size_t i = 0; i < s->nnodes && k.c.st == LLMJ_OK; i++) {
                if (i >= 2 && i - 2 < k.nsrc && k.srcptr[i - 2]) {
                    snprintf(k.c.ptr, sizeof k.c.ptr, "%s", k.srcptr[i - 2]);
                    k.c.plen = strlen(k.c.ptr);
                }
                dnf_of(&k.c, (uint32_t)i);
            }
            /* the root's index: node 2, or true/false */
            if (k.c.st == LLMJ_OK && d.root->t != 'o') {
                /* a boolean root: make node 2 an alias */
                long n2 = new_node(&k.c);
                if (n2 >= 0) {
                    push_u32(&k.c, &s->nodes[n2].conj, &s->nodes[n2].nconj,
                             d.root->t == 't' ? SN_TRUE : SN_FALSE);
                    dnf_of(&k.c, (uint32_t)n2);
                }
            }
        }
    }
    jv_free(&s->a, d.root);
    /* the schema keeps the pointers (schema events name the branches) */
    s->ptrs = k.srcptr;
    s->nptrs = k.nsrc;
    llmj__free(&s->a, (void *)k.src);
    llmj__free(&s->a, k.refs);
    if (k.c.st == LLMJ_OK)
        summarize(&k.c);
    if (k.c.st != LLMJ_OK) {
        llmj_status st = k.c.st;
        llmj_schema_free(s);
        return st;
    }
    s->compiling = 0;
    *out = s;
    return LLMJ_OK;
}
