/* Lanes: the state a decoder keeps between events per choice and per tool
 * call, and the decoder state that holds them with its picker. See pick.h. */
#include "pick.h"

#include <string.h>

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

void llmj__lanes_retire(llmj__lanes *l, int64_t choice)
{
    for (size_t i = 0; i < l->nt; i++)
        if (l->t[i].choice == choice)
            l->t[i].live = 0;
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
    llmj__pk_rest(&d->pk);
    llmj__free(&a, d);
}

const char *llmj__dstate_message(void *state)
{
    llmj__dstate *d = state;
    return d ? llmj__pk_message(&d->pk) : "";
}

void llmj__dstate_rest(void *state)
{
    llmj__dstate *d = state;
    if (d)
        llmj__pk_rest(&d->pk);
}
