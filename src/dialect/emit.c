/* Emitting items: text deltas with surrogate halves joined across deltas,
 * tool calls, finish reasons, usage, errors, the end. See pick.h. */
#include "pick.h"

#include <string.h>

/* ---- emitting -------------------------------------------------------------- */

static const char k_fffd[] = "\xEF\xBF\xBD";

static void item_init(ld_item *it, ld_kind kind)
{
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->text = it->id = it->name = it->type = it->status = "";
    llmj__usage_none(&it->usage);
}

llmj_status llmj__emit(llmj__out *o, const ld_item *it)
{
    return o->emit(o->ctx, it) ? LLMJ_ABORTED : LLMJ_OK;
}

llmj_status llmj__emit_bytes(llmj__out *o, ld_kind kind, llmj__choice *c, llmj__tool *t,
                             const char *s, size_t n)
{
    if (n == 0)
        return LLMJ_OK;
    ld_item it;
    item_init(&it, kind);
    it.choice = (size_t)c->index;
    c->seen = 1;
    if (t) {
        it.tool = t->num;
        t->args = 1;
    }
    it.text = s;
    it.len = n;
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_announce(llmj__out *o, llmj__choice *c)
{
    if (c->seen)
        return LLMJ_OK;
    c->seen = 1;
    ld_item it;
    item_init(&it, LD_TEXT);
    it.choice = (size_t)c->index;
    return llmj__emit(o, &it);
}

static llmj_status flush_pend(llmj__out *o, ld_kind kind, llmj__choice *c, llmj__tool *t,
                              uint16_t *pend)
{
    if (!*pend)
        return LLMJ_OK;
    *pend = 0;
    return llmj__emit_bytes(o, kind, c, t, k_fffd, 3);
}

llmj_status llmj__emit_text(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                            llmj__tool *t, const llmj__str *s)
{
    if (!s->set)
        return LLMJ_OK;
    uint16_t *pend = t ? &t->pend : &c->pend[kind == LD_REFUSAL ? 1 : kind == LD_REASONING ? 2 : 0];
    if (s->len == 0 && !s->lead_low && !s->trail_high)
        return LLMJ_OK;
    const char *body = llmj__pk_sptr(p, s);
    const char *text = body;
    size_t n = s->len;
    llmj_status st;
    if (s->lead_low) {
        /* escapes: the string is in the arena, with room before it */
        char *w = p->arena.data + s->off;
        if (*pend) {
            w -= 4;
            llmj__utf8_put(w, llmj__pair(*pend, s->lead_low));
            n += 4;
            *pend = 0;
        } else {
            w -= 3;
            memcpy(w, k_fffd, 3);
            n += 3;
        }
        text = w;
    } else if (*pend && (n > 0 || s->trail_high)) {
        if ((st = flush_pend(o, kind, c, t, pend)) != LLMJ_OK)
            return st;
    }
    if ((st = llmj__emit_bytes(o, kind, c, t, text, n)) != LLMJ_OK)
        return st;
    if (s->trail_high) {
        if ((st = flush_pend(o, kind, c, t, pend)) != LLMJ_OK)
            return st;
        *pend = s->trail_high;
    }
    return LLMJ_OK;
}

llmj_status llmj__emit_begin(llmj__out *o, llmj__pk *p, llmj__choice *c, llmj__tool *t,
                             const llmj__str *id, const llmj__str *name)
{
    return llmj__emit_begin_typed(o, p, c, t, id, name, NULL, 0);
}

/* it->X = the kept string (when set). */
static void put_str(const llmj__pk *p, const llmj__str *s, const char **dst, size_t *len)
{
    if (s && s->set) {
        *dst = llmj__pk_sptr(p, s);
        *len = s->len;
    }
}

llmj_status llmj__emit_server(llmj__out *o, llmj__pk *p, llmj__choice *c, size_t num,
                              const llmj__str *id, const llmj__str *name, const llmj__str *type,
                              const llmj__str *status, const llmj__str *input, unsigned flags)
{
    ld_item it;
    item_init(&it, LD_SERVER_TOOL);
    it.choice = (size_t)c->index;
    it.tool = num;
    it.flags = flags;
    c->seen = 1;
    put_str(p, id, &it.id, &it.id_len);
    put_str(p, name, &it.name, &it.name_len);
    put_str(p, type, &it.type, &it.type_len);
    put_str(p, status, &it.status, &it.status_len);
    put_str(p, input, &it.text, &it.len);
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_extra(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                             size_t tool, const llmj__str *s)
{
    ld_item it;
    item_init(&it, kind);
    if (c) {
        it.choice = (size_t)c->index;
        c->seen = 1;
    }
    it.tool = tool;
    put_str(p, &s[0], &it.text, &it.len);
    put_str(p, &s[1], &it.type, &it.type_len);
    put_str(p, &s[2], &it.id, &it.id_len);
    put_str(p, &s[3], &it.name, &it.name_len);
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_begin_typed(llmj__out *o, llmj__pk *p, llmj__choice *c, llmj__tool *t,
                                   const llmj__str *id, const llmj__str *name, const char *type,
                                   unsigned flags)
{
    ld_item it;
    item_init(&it, LD_TOOL_BEGIN);
    if (type) {
        it.type = type;
        it.type_len = strlen(type);
    }
    it.flags = flags;
    if (flags & LD_F_TEXT_INPUT)
        t->text = 1;
    it.choice = (size_t)c->index;
    it.tool = t->num;
    if (id && id->set) {
        it.id = llmj__pk_sptr(p, id);
        it.id_len = id->len;
        if (id->len)
            t->idhash = llmj__hash(it.id, it.id_len);
    }
    if (name && name->set) {
        it.name = llmj__pk_sptr(p, name);
        it.name_len = name->len;
        t->named |= name->len > 0;
    }
    t->begun = 1;
    c->tools = 1;
    c->seen = 1;
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_end(llmj__out *o, llmj__tool *t)
{
    if (!t->begun || t->ended)
        return LLMJ_OK;
    t->ended = 1;
    ld_item it;
    if (!t->args && !t->text) {
        t->args = 1;
        item_init(&it, LD_TOOL_ARGS);
        it.choice = (size_t)t->choice;
        it.tool = t->num;
        it.text = "{}";
        it.len = 2;
        if (llmj__emit(o, &it) != LLMJ_OK)
            return LLMJ_ABORTED;
    }
    if (t->pend) {
        t->pend = 0;
        item_init(&it, LD_TOOL_ARGS);
        it.choice = (size_t)t->choice;
        it.tool = t->num;
        it.text = k_fffd;
        it.len = 3;
        if (llmj__emit(o, &it) != LLMJ_OK)
            return LLMJ_ABORTED;
    }
    item_init(&it, LD_TOOL_END);
    it.choice = (size_t)t->choice;
    it.tool = t->num;
    return llmj__emit(o, &it);
}

llmj_status llmj__flush_choice(llmj__out *o, llmj__lanes *l, llmj__choice *c)
{
    llmj_status st;
    for (size_t i = 0; i < l->nc; i++) {
        llmj__choice *ci = &l->c[i];
        if (c && ci != c)
            continue;
        if ((st = flush_pend(o, LD_TEXT, ci, NULL, &ci->pend[0])) != LLMJ_OK)
            return st;
        if ((st = flush_pend(o, LD_REFUSAL, ci, NULL, &ci->pend[1])) != LLMJ_OK)
            return st;
        if ((st = flush_pend(o, LD_REASONING, ci, NULL, &ci->pend[2])) != LLMJ_OK)
            return st;
        for (size_t j = 0; j < l->nt; j++) {
            llmj__tool *t = &l->t[j];
            if (t->choice == ci->index &&
                (st = flush_pend(o, LD_TOOL_ARGS, ci, t, &t->pend)) != LLMJ_OK)
                return st;
        }
    }
    return LLMJ_OK;
}

llmj_status llmj__end_tools(llmj__out *o, llmj__lanes *l, llmj__choice *c)
{
    for (size_t j = 0; j < l->nt; j++) {
        llmj__tool *t = &l->t[j];
        if (t->choice == c->index) {
            llmj_status st = llmj__emit_end(o, t);
            if (st != LLMJ_OK)
                return st;
        }
    }
    return LLMJ_OK;
}

llmj_status llmj__emit_finish(llmj__out *o, llmj__pk *p, llmj__lanes *l, llmj__choice *c,
                              llmj_finish f, const llmj__str *raw, const char *rawlit,
                              int end_tools)
{
    if (c->finished)
        return LLMJ_OK;
    llmj_status st = llmj__flush_choice(o, l, c);
    if (st == LLMJ_OK && end_tools)
        st = llmj__end_tools(o, l, c);
    if (st != LLMJ_OK)
        return st;
    c->finished = 1;
    c->seen = 1;
    ld_item it;
    item_init(&it, LD_FINISH);
    it.choice = (size_t)c->index;
    it.finish = f;
    if (raw && raw->set) {
        it.text = llmj__pk_sptr(p, raw);
        it.len = raw->len;
    } else if (rawlit) {
        it.text = rawlit;
        it.len = strlen(rawlit);
    }
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_usage(llmj__out *o, const llmj_usage *u)
{
    ld_item it;
    item_init(&it, LD_USAGE);
    it.usage = *u;
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_error(llmj__out *o, llmj__pk *p, const llmj__str *msg,
                             const llmj__str *type, const llmj__str *code)
{
    ld_item it;
    item_init(&it, LD_ERROR);
    if (msg && msg->set) {
        it.text = llmj__pk_sptr(p, msg);
        it.len = msg->len;
    }
    if (type && type->set) {
        it.id = llmj__pk_sptr(p, type);
        it.id_len = type->len;
    }
    if (code && code->set) {
        it.name = llmj__pk_sptr(p, code);
        it.name_len = code->len;
    }
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_raw_error(llmj__out *o, const char *data, size_t n)
{
    while (n && llmj__ws(data[0])) {
        data++;
        n--;
    }
    while (n && llmj__ws(data[n - 1]))
        n--;
    ld_item it;
    item_init(&it, LD_ERROR);
    it.text = n ? data : "";
    it.len = n;
    return llmj__emit(o, &it);
}

int llmj__is_type(const char *type, size_t type_len, const char *lit)
{
    return type && llmj__eq(type, type_len, lit);
}

llmj_status llmj__emit_done(llmj__out *o, llmj__lanes *l)
{
    llmj_status st = llmj__flush_choice(o, l, NULL);
    if (st != LLMJ_OK)
        return st;
    ld_item it;
    item_init(&it, LD_DONE);
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_reasoning(llmj__out *o, llmj__pk *p, llmj__choice *c,
                                 const llmj__str *s)
{
    if (!s->set || (s->len == 0 && !s->lead_low && !s->trail_high))
        return LLMJ_OK;
    if (c->rpart && c->reasoned) {
        llmj_status st = flush_pend(o, LD_REASONING, c, NULL, &c->pend[2]);
        if (st == LLMJ_OK)
            st = llmj__emit_bytes(o, LD_REASONING, c, NULL, "\n\n", 2);
        if (st != LLMJ_OK)
            return st;
    }
    c->rpart = 0;
    c->reasoned = 1;
    return llmj__emit_text(o, p, LD_REASONING, c, NULL, s);
}

llmj_status llmj__emit_note(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                            const llmj__str *s)
{
    ld_item it;
    item_init(&it, kind);
    it.choice = (size_t)c->index;
    c->seen = 1;
    if (s && s->set) {
        it.text = llmj__pk_sptr(p, s);
        it.len = s->len;
    }
    return llmj__emit(o, &it);
}

llmj_status llmj__emit_records(llmj__dstate *d, llmj__out *o, llmj__rec_fn fn, void *state)
{
    llmj__pk *p = &d->pk;
    llmj__lanes *l = &d->lanes;
    llmj_status st = llmj__lanes_prepare(l, p);
    if (st != LLMJ_OK)
        return st;
    for (size_t i = 0; i < p->nrec; i++) {
        const llmj__rec *r = &p->recs[i];
        llmj__choice *c = NULL;
        if (r->choice >= 0 && !(c = llmj__lanes_choice(l, r->choice, 1)))
            return LLMJ_TOO_LONG;
        switch (r->kind) {
        case LLMJ__R_ANNOUNCE:
            st = llmj__emit_announce(o, c);
            break;
        case LLMJ__R_TEXT:
            st = llmj__emit_text(o, p, LD_TEXT, c, NULL, &r->s[0]);
            break;
        case LLMJ__R_REFUSAL:
            st = llmj__emit_text(o, p, LD_REFUSAL, c, NULL, &r->s[0]);
            break;
        case LLMJ__R_REASONING:
            st = llmj__emit_reasoning(o, p, c, &r->s[0]);
            break;
        case LLMJ__R_RPART:
            c->rpart = 1;
            break;
        case LLMJ__R_SIGNATURE:
            st = r->s[0].set && r->s[0].len
                     ? llmj__emit_note(o, p, LD_REASONING_SIGNATURE, c, &r->s[0])
                     : LLMJ_OK;
            break;
        case LLMJ__R_REDACTED:
            st = llmj__emit_note(o, p, LD_REASONING_REDACTED, c, &r->s[0]);
            break;
        case LLMJ__R_USAGE:
            st = llmj__emit_usage(o, &r->usage);
            break;
        case LLMJ__R_ERROR:
            st = llmj__emit_error(o, p, &r->s[0], &r->s[1], &r->s[2]);
            break;
        case LLMJ__R_DONE:
            st = llmj__emit_done(o, l);
            break;
        default:
            st = fn ? fn(state, o, r, c) : LLMJ_OK;
            break;
        }
        if (st != LLMJ_OK)
            return st;
    }
    return LLMJ_OK;
}

llmj_status llmj__parse_event(llmj__dstate *d, const char *type, size_t type_len,
                              const char *data, size_t data_len, llmj__pk_fn value, void *ctx,
                              llmj__out *o, int *raw, int *go)
{
    int empty;
    *go = 0;
    if (raw)
        *raw = 0;
    llmj_status st = llmj__pk_parse(&d->pk, data, data_len, value, ctx, &empty);
    if (st == LLMJ_BAD_EVENT && raw && llmj__is_type(type, type_len, "error")) {
        *raw = 1;
        return llmj__emit_raw_error(o, data, data_len);
    }
    *go = st == LLMJ_OK && !empty;
    return st;
}

llmj_status llmj__pk_span(llmj__pk *p, const llmj__pk_val *v, size_t *at, llmj__str *out,
                          const char *what)
{
    if (v->type == LLMJ__PK_MAP || v->type == LLMJ__PK_ARRAY) {
        *at = llmj__pk_offset(p);
        return LLMJ_OK;
    }
    if (v->type != LLMJ__PK_END_MAP && v->type != LLMJ__PK_END_ARRAY)
        return LLMJ_OK;
    size_t end = llmj__pk_offset(p);
    if (*at == 0 || end < *at || end > p->data_len)
        return llmj__pk_bad(p, what);
    *out = llmj__str_of(p->data + *at - 1, end - (*at - 1));
    return LLMJ_OK;
}

llmj__str llmj__str_of(const char *s, size_t n)
{
    llmj__str r;
    memset(&r, 0, sizeof r);
    r.ptr = s;
    r.len = n;
    r.set = 1;
    return r;
}

llmj__str llmj__str_lit(const char *lit)
{
    return llmj__str_of(lit, strlen(lit));
}
