/* The partial document: a tree of the value so far, built from tracker
 * events (include/llmjson/doc.h).
 *
 * Nodes live in one array and are linked (parent, first/last child, next
 * sibling), so adding a value is O(1) amortised. Keys, numbers and string
 * text live in one character arena; the string being written is always at
 * the arena's end (nothing else arrives while it is open), so its chunks are
 * appended in place. */
#include <string.h>

#include "alloc.h"
#include "doc_int.h"
#include "unicode.h" /* llmj__esc_json */

typedef struct dnode {
    unsigned char type; /* llmj_doc_type */
    unsigned char open;
    size_t parent, first, last, next, count;
    size_t key_off, key_len;
    size_t txt_off, txt_len;
} dnode;

typedef struct dlevel {
    size_t node;
    size_t key_off, key_len;
    int has_key;
} dlevel;

struct llmj_doc {
    llmj_allocator a;
    llmj_tracker *own;            /* the own tracker, or NULL */
    const llmj_tracker *attached; /* a tracker whose errors the writer honours */
    llmj_status status;           /* sticky LLMJ_NOMEM */

    dnode *nodes;
    size_t n, ncap;
    size_t root;
    dlevel *stack;
    size_t sp, scap;
    size_t open_str;              /* the string being written, or NONE */
    llmj__buf chars;
    llmj__buf out;
};

const char *llmj_doc_type_name(llmj_doc_type type)
{
    switch (type) {
    case LLMJ_DOC_OBJECT: return "object";
    case LLMJ_DOC_ARRAY: return "array";
    case LLMJ_DOC_STRING: return "string";
    case LLMJ_DOC_NUMBER: return "number";
    case LLMJ_DOC_TRUE: return "true";
    case LLMJ_DOC_FALSE: return "false";
    case LLMJ_DOC_NULL: return "null";
    default: return "nothing";
    }
}

/* ---- life cycle ------------------------------------------------------------ */

static void clear_tree(llmj_doc *d)
{
    d->n = 0;
    d->root = LLMJ_DOC_NONE;
    d->sp = 0;
    d->open_str = LLMJ_DOC_NONE;
    d->chars.len = 0;
    d->status = LLMJ_OK;
}

static llmj_status doc_alloc(llmj_doc **out, const llmj_config *cfg)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_config def;
    if (!cfg) {
        llmj_config_init(&def);
        cfg = &def;
    }
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, &cfg->alloc))
        return LLMJ_BAD_OPTION;
    llmj_doc *d = llmj__malloc(&a, sizeof *d);
    if (!d)
        return LLMJ_NOMEM;
    memset(d, 0, sizeof *d);
    d->a = a;
    clear_tree(d);
    *out = d;
    return LLMJ_OK;
}

llmj_status llmj_doc_new_detached(llmj_doc **out, const llmj_config *cfg)
{
    return doc_alloc(out, cfg);
}

llmj_status llmj_doc_new(llmj_doc **out, const llmj_config *cfg)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_doc *d;
    llmj_status st = doc_alloc(&d, cfg);
    if (st != LLMJ_OK)
        return st;
    llmj_config c;
    if (cfg)
        c = *cfg;
    else
        llmj_config_init(&c);
    c.string_chunks = 1;
    st = llmj_tracker_new(&d->own, &c, llmj_doc_event_cb, d);
    if (st != LLMJ_OK) {
        llmj_doc_free(d);
        return st;
    }
    d->attached = d->own;
    *out = d;
    return LLMJ_OK;
}

void llmj_doc_free(llmj_doc *d)
{
    if (!d)
        return;
    llmj_tracker_free(d->own);
    llmj__free(&d->a, d->nodes);
    llmj__free(&d->a, d->stack);
    llmj__buf_free(&d->chars, &d->a);
    llmj__buf_free(&d->out, &d->a);
    llmj_allocator a = d->a;
    llmj__free(&a, d);
}

llmj_status llmj_doc_reset(llmj_doc *d)
{
    if (!d)
        return LLMJ_MISUSE;
    clear_tree(d);
    return d->own ? llmj_tracker_reset(d->own) : LLMJ_OK;
}

void llmj__doc_attach(llmj_doc *d, const llmj_tracker *t)
{
    d->attached = t;
}

/* ---- input ------------------------------------------------------------------- */

llmj_status llmj_doc_feed(llmj_doc *d, const void *buf, size_t len)
{
    if (!d || !d->own)
        return LLMJ_MISUSE;
    return llmj_tracker_feed(d->own, buf, len);
}

llmj_status llmj_doc_finish(llmj_doc *d, llmj_end end)
{
    if (!d || !d->own)
        return LLMJ_MISUSE;
    return llmj_tracker_finish(d->own, end);
}

llmj_status llmj_doc_status(const llmj_doc *d)
{
    return d ? d->status : LLMJ_MISUSE;
}

llmj_tracker *llmj_doc_tracker(const llmj_doc *d)
{
    return d ? d->own : NULL;
}

static int grow(const llmj_allocator *a, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            return -1;
        c *= 2;
    }
    void *q = llmj__realloc(a, *p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* A new value under the innermost open container (or the root). The caller
 * reserved room for one node. */
static size_t add_node(llmj_doc *d, llmj_doc_type type)
{
    size_t id = d->n++;
    dnode *v = &d->nodes[id];
    memset(v, 0, sizeof *v);
    v->type = (unsigned char)type;
    v->first = v->last = v->next = LLMJ_DOC_NONE;
    v->parent = LLMJ_DOC_NONE;
    if (d->sp == 0) {
        d->root = id;
        return id;
    }
    dlevel *l = &d->stack[d->sp - 1];
    dnode *p = &d->nodes[l->node];
    v->parent = l->node;
    if (p->type == LLMJ_DOC_OBJECT) {
        v->key_off = l->key_off;
        v->key_len = l->key_len;
        l->has_key = 0;
    }
    if (p->last != LLMJ_DOC_NONE)
        d->nodes[p->last].next = id;
    else
        p->first = id;
    p->last = id;
    p->count++;
    return id;
}

/* Can a value begin here? (one top-level value; a key before a member) */
static int value_ok(const llmj_doc *d, const llmj_event *ev)
{
    if (ev->depth != d->sp)
        return 0;
    if (d->sp == 0)
        return d->root == LLMJ_DOC_NONE;
    const dlevel *l = &d->stack[d->sp - 1];
    return d->nodes[l->node].type == LLMJ_DOC_ARRAY || l->has_key;
}

static llmj_status nomem(llmj_doc *d)
{
    d->status = LLMJ_NOMEM;
    return LLMJ_NOMEM;
}

llmj_status llmj_doc_event(llmj_doc *d, const llmj_event *ev)
{
    if (!d || !ev)
        return LLMJ_MISUSE;
    if (d->status != LLMJ_OK)
        return d->status;
    llmj_event_type ty = ev->type;
    size_t id;

    if (ty == LLMJ_EV_STRING_CHUNK && d->open_str != LLMJ_DOC_NONE) {
        if (llmj__buf_append(&d->chars, &d->a, ev->text, ev->len, SIZE_MAX))
            return nomem(d);
        d->nodes[d->open_str].txt_len += ev->len;
        return LLMJ_OK;
    }
    if (ty == LLMJ_EV_STRING && d->open_str != LLMJ_DOC_NONE) {
        dnode *v = &d->nodes[d->open_str];
        if (v->txt_len != ev->len) { /* chunks were missed: take the whole value */
            d->chars.len = v->txt_off;
            if (llmj__buf_append(&d->chars, &d->a, ev->text, ev->len, SIZE_MAX))
                return nomem(d);
            v->txt_len = ev->len;
        }
        v->open = 0;
        d->open_str = LLMJ_DOC_NONE;
        return LLMJ_OK;
    }
    if (ty == LLMJ_EV_END_OBJECT || ty == LLMJ_EV_END_ARRAY) {
        if (d->sp == 0 || ev->depth != d->sp - 1)
            return LLMJ_MISUSE;
        d->nodes[d->stack[--d->sp].node].open = 0;
        return LLMJ_OK;
    }
    if (ty == LLMJ_EV_KEY) {
        if (d->sp == 0 || ev->depth != d->sp ||
            d->nodes[d->stack[d->sp - 1].node].type != LLMJ_DOC_OBJECT)
            return LLMJ_MISUSE;
        dlevel *l = &d->stack[d->sp - 1];
        size_t off = d->chars.len;
        if (llmj__buf_append(&d->chars, &d->a, ev->text, ev->len, SIZE_MAX))
            return nomem(d);
        l->key_off = off;
        l->key_len = ev->len;
        l->has_key = 1;
        return LLMJ_OK;
    }

    /* a value begins */
    llmj_doc_type type;
    switch (ty) {
    case LLMJ_EV_BEGIN_OBJECT: type = LLMJ_DOC_OBJECT; break;
    case LLMJ_EV_BEGIN_ARRAY: type = LLMJ_DOC_ARRAY; break;
    case LLMJ_EV_STRING_CHUNK:
    case LLMJ_EV_STRING: type = LLMJ_DOC_STRING; break;
    case LLMJ_EV_NUMBER: type = LLMJ_DOC_NUMBER; break;
    case LLMJ_EV_TRUE: type = LLMJ_DOC_TRUE; break;
    case LLMJ_EV_FALSE: type = LLMJ_DOC_FALSE; break;
    case LLMJ_EV_NULL: type = LLMJ_DOC_NULL; break;
    default: return LLMJ_MISUSE;
    }
    if (!value_ok(d, ev))
        return LLMJ_MISUSE;
    int container = type == LLMJ_DOC_OBJECT || type == LLMJ_DOC_ARRAY;
    int has_text = type == LLMJ_DOC_STRING || type == LLMJ_DOC_NUMBER;
    /* every allocation first, so a refusal leaves the tree as it was */
    if (grow(&d->a, (void **)&d->nodes, &d->ncap, d->n + 1, sizeof *d->nodes) ||
        (container && grow(&d->a, (void **)&d->stack, &d->scap, d->sp + 1, sizeof *d->stack)))
        return nomem(d);
    size_t off = d->chars.len;
    if (has_text && llmj__buf_append(&d->chars, &d->a, ev->text, ev->len, SIZE_MAX))
        return nomem(d);
    id = add_node(d, type);
    dnode *v = &d->nodes[id];
    if (has_text) {
        v->txt_off = off;
        v->txt_len = ev->len;
    }
    if (container) {
        v->open = 1;
        dlevel *l = &d->stack[d->sp++];
        l->node = id;
        l->has_key = 0;
        l->key_off = l->key_len = 0;
    } else if (ty == LLMJ_EV_STRING_CHUNK) {
        v->open = 1;
        d->open_str = id;
    }
    return LLMJ_OK;
}

int llmj_doc_event_cb(void *doc, const llmj_event *ev)
{
    return llmj_doc_event(doc, ev) == LLMJ_NOMEM;
}

/* ---- reading ------------------------------------------------------------------- */

static const dnode *node(const llmj_doc *d, llmj_node n)
{
    return d && n < d->n ? &d->nodes[n] : NULL;
}

llmj_node llmj_doc_root(const llmj_doc *d)
{
    return d ? d->root : LLMJ_DOC_NONE;
}

llmj_doc_type llmj_doc_type_of(const llmj_doc *d, llmj_node n)
{
    const dnode *v = node(d, n);
    return v ? (llmj_doc_type)v->type : LLMJ_DOC_NOTHING;
}

int llmj_doc_is_open(const llmj_doc *d, llmj_node n)
{
    const dnode *v = node(d, n);
    return v ? v->open : 0;
}

/* The document's characters at off; "" while it has none (empty keys and
 * strings only: chars.data is still NULL). */
static const char *chars_at(const llmj_doc *d, size_t off)
{
    return d->chars.data ? d->chars.data + off : "";
}

const char *llmj_doc_text(const llmj_doc *d, llmj_node n, size_t *len)
{
    const dnode *v = node(d, n);
    const char *s = NULL;
    size_t l = 0;
    if (v) {
        switch (v->type) {
        case LLMJ_DOC_STRING:
        case LLMJ_DOC_NUMBER:
            s = chars_at(d, v->txt_off);
            l = v->txt_len;
            break;
        case LLMJ_DOC_TRUE: s = "true"; l = 4; break;
        case LLMJ_DOC_FALSE: s = "false"; l = 5; break;
        case LLMJ_DOC_NULL: s = "null"; l = 4; break;
        default: break;
        }
    }
    if (len)
        *len = l;
    return s;
}

size_t llmj_doc_count(const llmj_doc *d, llmj_node n)
{
    const dnode *v = node(d, n);
    return v ? v->count : 0;
}

llmj_node llmj_doc_first(const llmj_doc *d, llmj_node n)
{
    const dnode *v = node(d, n);
    return v ? v->first : LLMJ_DOC_NONE;
}

llmj_node llmj_doc_next(const llmj_doc *d, llmj_node n)
{
    const dnode *v = node(d, n);
    return v ? v->next : LLMJ_DOC_NONE;
}

llmj_node llmj_doc_parent(const llmj_doc *d, llmj_node n)
{
    const dnode *v = node(d, n);
    return v ? v->parent : LLMJ_DOC_NONE;
}

const char *llmj_doc_key(const llmj_doc *d, llmj_node n, size_t *len)
{
    const dnode *v = node(d, n);
    int member = v && v->parent != LLMJ_DOC_NONE && d->nodes[v->parent].type == LLMJ_DOC_OBJECT;
    if (len)
        *len = member ? v->key_len : 0;
    return member ? chars_at(d, v->key_off) : NULL;
}

size_t llmj_doc_nodes(const llmj_doc *d)
{
    return d ? d->n : 0;
}

/* Does the escaped pointer segment seg[0:n] name key[0:klen]? */
static int seg_is_key(const char *seg, size_t n, const char *key, size_t klen)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++, j++) {
        char c = seg[i];
        if (c == '~') {
            if (i + 1 >= n || (seg[i + 1] != '0' && seg[i + 1] != '1'))
                return 0;
            c = seg[++i] == '0' ? '~' : '/';
        }
        if (j >= klen || key[j] != c)
            return 0;
    }
    return j == klen;
}

llmj_node llmj_doc_get(const llmj_doc *d, const char *pointer, size_t len)
{
    if (!d || (!pointer && len))
        return LLMJ_DOC_NONE;
    llmj_node cur = d->root;
    size_t i = 0;
    while (i < len && cur != LLMJ_DOC_NONE) {
        if (pointer[i] != '/')
            return LLMJ_DOC_NONE;
        size_t s = ++i;
        while (i < len && pointer[i] != '/')
            i++;
        const char *seg = pointer + s;
        size_t n = i - s;
        const dnode *v = &d->nodes[cur];
        llmj_node c = v->first;
        if (v->type == LLMJ_DOC_ARRAY) {
            if (n == 0 || (n > 1 && seg[0] == '0'))
                return LLMJ_DOC_NONE;
            size_t idx = 0;
            for (size_t k = 0; k < n; k++) {
                if (seg[k] < '0' || seg[k] > '9' || idx > (SIZE_MAX - 9) / 10)
                    return LLMJ_DOC_NONE;
                idx = idx * 10 + (size_t)(seg[k] - '0');
            }
            if (idx >= v->count)
                return LLMJ_DOC_NONE;
            while (idx--)
                c = d->nodes[c].next;
        } else if (v->type == LLMJ_DOC_OBJECT) {
            /* the last member of that name wins, as in most JSON readers */
            llmj_node found = LLMJ_DOC_NONE;
            for (; c != LLMJ_DOC_NONE; c = d->nodes[c].next)
                if (seg_is_key(seg, n, chars_at(d, d->nodes[c].key_off), d->nodes[c].key_len))
                    found = c;
            c = found;
        } else {
            return LLMJ_DOC_NONE;
        }
        cur = c;
    }
    return cur;
}

/* ---- writing ------------------------------------------------------------------- */

static int put(llmj_doc *d, const char *p, size_t n)
{
    return llmj__buf_append(&d->out, &d->a, p, n, SIZE_MAX);
}

static int put_string(llmj_doc *d, const char *s, size_t n)
{
    if (put(d, "\"", 1))
        return -1;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        char e[8];
        size_t el = llmj__esc_json(e, (unsigned char)s[i]);
        if (!el)
            continue;
        if (put(d, s + from, i - from) || put(d, e, el))
            return -1;
        from = i + 1;
    }
    return put(d, s + from, n - from) || put(d, "\"", 1) ? -1 : 0;
}

/* An open string of a text found invalid is not part of the greedy salvage. */
static int left_out(const llmj_doc *d, llmj_node n)
{
    if (n == LLMJ_DOC_NONE || n != d->open_str || !d->attached)
        return 0;
    llmj_status c = llmj_tracker_error(d->attached)->code;
    return c == LLMJ_INVALID || c == LLMJ_TOO_DEEP || c == LLMJ_TOO_LONG;
}

static llmj_node next_written(const llmj_doc *d, llmj_node n)
{
    return left_out(d, n) ? LLMJ_DOC_NONE : n;
}

llmj_status llmj_doc_json(llmj_doc *d, llmj_node n, const char **out, size_t *len)
{
    if (!d || !out || !len)
        return LLMJ_MISUSE;
    if (n == LLMJ_DOC_NONE)
        n = d->root;
    d->out.len = 0;
    if (put(d, "", 0))
        return LLMJ_NOMEM;
    if (n != LLMJ_DOC_NONE && n >= d->n)
        return LLMJ_MISUSE;
    llmj_node cur = next_written(d, n);
    /* depth first without a stack: down to the first child, on to the next
     * sibling, up to the parent (writing its closer) */
    while (cur != LLMJ_DOC_NONE) {
        const dnode *v = &d->nodes[cur];
        if (cur != n && v->parent != LLMJ_DOC_NONE &&
            d->nodes[v->parent].type == LLMJ_DOC_OBJECT &&
            (put_string(d, chars_at(d, v->key_off), v->key_len) || put(d, ":", 1)))
            return LLMJ_NOMEM;
        int rc = 0;
        switch (v->type) {
        case LLMJ_DOC_OBJECT: rc = put(d, "{", 1); break;
        case LLMJ_DOC_ARRAY: rc = put(d, "[", 1); break;
        case LLMJ_DOC_STRING: rc = put_string(d, chars_at(d, v->txt_off), v->txt_len); break;
        case LLMJ_DOC_NUMBER: rc = put(d, chars_at(d, v->txt_off), v->txt_len); break;
        default: {
            size_t l;
            const char *t = llmj_doc_text(d, cur, &l);
            rc = put(d, t, l);
            break;
        }
        }
        if (rc)
            return LLMJ_NOMEM;
        llmj_node down = v->type == LLMJ_DOC_OBJECT || v->type == LLMJ_DOC_ARRAY
                             ? next_written(d, v->first)
                             : LLMJ_DOC_NONE;
        if (down != LLMJ_DOC_NONE) {
            cur = down;
            continue;
        }
        /* no child: close this container, then climb until a sibling */
        for (;;) {
            const dnode *w = &d->nodes[cur];
            if ((w->type == LLMJ_DOC_OBJECT || w->type == LLMJ_DOC_ARRAY) &&
                put(d, w->type == LLMJ_DOC_OBJECT ? "}" : "]", 1))
                return LLMJ_NOMEM;
            if (cur == n) {
                cur = LLMJ_DOC_NONE;
                break;
            }
            llmj_node sib = next_written(d, w->next);
            if (sib != LLMJ_DOC_NONE) {
                if (put(d, ",", 1))
                    return LLMJ_NOMEM;
                cur = sib;
                break;
            }
            cur = w->parent;
        }
    }
    if (put(d, "", 0) || llmj__buf_reserve(&d->out, &d->a, d->out.len + 1, SIZE_MAX))
        return LLMJ_NOMEM;
    d->out.data[d->out.len] = '\0';
    *out = d->out.data;
    *len = d->out.len;
    return LLMJ_OK;
}
