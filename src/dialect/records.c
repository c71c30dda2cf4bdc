/* Records (what a dialect will emit once the event has parsed) and the
 * event's arena of kept strings. See pick.h. */
#include "pick.h"

#include <string.h>

llmj__rec *llmj__pk_push(llmj__pk *p, int kind)
{
    if (p->nrec == p->caprec) {
        size_t cap = p->caprec ? p->caprec * 2 : 4;
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
    r->s[3] = none;
    r->s[4] = none;
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
