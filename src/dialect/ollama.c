/* Ollama's native NDJSON stream (/api/chat and /api/generate), one JSON
 * object per line: docs/providers.md, "Ollama".
 *
 * One choice (0). message.content (chat) or response (generate) -> text;
 * message.thinking (chat) or thinking (generate) -> reasoning; message.tool_calls[] arrive
 * whole: TOOL_BEGIN (id if any, function.name), TOOL_ARGS with the exact
 * bytes of function.arguments (an object; a string is taken as its text),
 * TOOL_END. The line with done:true gives the finish (done_reason: stop ->
 * stop, or tool_calls when a tool call was sent; length -> length; load,
 * unload, absent or other -> unknown, raw kept), usage (prompt_eval_count ->
 * input, eval_count -> output) and LD_DONE. {"error":"..."} -> error.
 * logprobs[] (per line, when asked for): each entry, as sent, a logprob. */
#include "pick.h"

#include <string.h>

enum { R_TOOL = 1, R_FINISH, R_LOGPROB };

typedef struct ol_state {
    llmj__dstate d; /* first: picker and lanes */
    /* the line being parsed */
    llmj__str tid, tname, targs;
    size_t targs_at;
    size_t lp_at; /* a logprobs[] entry: where it began */
    int done;
    llmj__str reason, emsg, etype, ecode;
    int has_error;
    llmj_usage u;
} ol_state;

#define T(x) (v->type == LLMJ__PK_##x)
#define IS(pat) llmj__pk_is(p, pat)
#define KEEP(dst) llmj__pk_keep(p, v, &(dst))
#define TC "message.tool_calls.#"

/* A text (kind LLMJ__R_TEXT) or reasoning (LLMJ__R_REASONING) delta. */
static llmj_status push_text(llmj__pk *p, const llmj__pk_val *v, int kind)
{
    if (v->type == LLMJ__PK_NULL)
        return LLMJ_OK;
    if (v->type != LLMJ__PK_STRING)
        return llmj__pk_bad(p, kind == LLMJ__R_TEXT ? "message content is not a string"
                                                    : "thinking is not a string");
    llmj__rec *r = llmj__pk_push(p, kind);
    if (!r)
        return LLMJ_NOMEM;
    r->choice = 0;
    return llmj__pk_keep(p, v, &r->s[0]);
}

/* A message or response line: the choice exists. */
static llmj_status announce(llmj__pk *p)
{
    llmj__rec *r = llmj__pk_push(p, LLMJ__R_ANNOUNCE);
    if (!r)
        return LLMJ_NOMEM;
    r->choice = 0;
    return LLMJ_OK;
}

static llmj_status ol_value(void *ctx, llmj__pk *p, const llmj__pk_val *v)
{
    ol_state *s = ctx;
    switch (llmj__pk_depth(p)) {
    case 0:
        if (!(T(MAP) || T(END_MAP)))
            return llmj__pk_bad(p, "line is not a JSON object");
        return LLMJ_OK;
    case 1:
        if (IS("response")) {
            llmj_status st = announce(p);
            return st ? st : push_text(p, v, LLMJ__R_TEXT);
        }
        if (IS("thinking"))
            return push_text(p, v, LLMJ__R_REASONING);
        if (IS("done")) {
            if (!(T(BOOL) || T(NULL)))
                return llmj__pk_bad(p, "done is not a boolean");
            s->done = T(BOOL) && v->boolean;
        } else if (IS("done_reason")) {
            return KEEP(s->reason);
        } else if (IS("prompt_eval_count")) {
            return llmj__pk_count(v, &s->u.input_tokens);
        } else if (IS("eval_count")) {
            return llmj__pk_count(v, &s->u.output_tokens);
        } else if (IS("error")) {
            if (T(STRING)) {
                s->has_error = 1;
                return KEEP(s->emsg);
            }
            if (T(MAP))
                s->has_error = 1;
        } else if (IS("message")) {
            if (!(T(MAP) || T(END_MAP) || T(NULL)))
                return llmj__pk_bad(p, "message is not an object");
            if (T(MAP))
                return announce(p);
        }
        return LLMJ_OK;
    case 2:
        if (IS("logprobs.#") && (T(MAP) || T(END_MAP))) { /* one token's entry */
            llmj__rec *r;
            llmj__str e;
            memset(&e, 0, sizeof e);
            llmj_status st = llmj__pk_span(p, v, &s->lp_at, &e, "logprobs[]: cannot locate it");
            if (st || !e.set)
                return st;
            if (!(r = llmj__pk_push(p, R_LOGPROB)))
                return LLMJ_NOMEM;
            r->choice = 0;
            r->s[0] = e;
            return LLMJ_OK;
        }
        if (IS("message.content"))
            return push_text(p, v, LLMJ__R_TEXT);
        if (IS("message.thinking"))
            return push_text(p, v, LLMJ__R_REASONING);
        if (IS("message.tool_calls") && !(T(ARRAY) || T(END_ARRAY) || T(NULL)))
            return llmj__pk_bad(p, "message.tool_calls is not an array");
        if (IS("error.message"))
            return KEEP(s->emsg);
        if (IS("error.type"))
            return KEEP(s->etype);
        if (IS("error.code"))
            return KEEP(s->ecode);
        return LLMJ_OK;
    case 3:
        if (IS(TC)) {
            if (T(MAP)) {
                memset(&s->tid, 0, sizeof s->tid);
                memset(&s->tname, 0, sizeof s->tname);
                memset(&s->targs, 0, sizeof s->targs);
                s->targs_at = 0;
            } else if (T(END_MAP)) {
                llmj__rec *r = llmj__pk_push(p, R_TOOL);
                if (!r)
                    return LLMJ_NOMEM;
                r->choice = 0;
                r->flags = LLMJ__REC_TOOL;
                r->s[0] = s->tid;
                r->s[1] = s->tname;
                r->s[2] = s->targs;
            } else {
                return llmj__pk_bad(p, "message.tool_calls[] holds something other than an "
                                       "object");
            }
        }
        return LLMJ_OK;
    case 4:
        if (IS(TC ".id"))
            return KEEP(s->tid);
        return LLMJ_OK;
    case 5:
        if (IS(TC ".function.name"))
            return KEEP(s->tname);
        if (IS(TC ".function.arguments")) {
            if (T(STRING))
                return KEEP(s->targs);
            return llmj__pk_span(p, v, &s->targs_at, &s->targs,
                                 "tool call arguments: cannot locate the value");
        }
        return LLMJ_OK;
    default:
        return LLMJ_OK;
    }
}

static llmj_status ol_record(void *state, llmj__out *o, const llmj__rec *r, llmj__choice *c)
{
    ol_state *s = state;
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj__tool *t;
    llmj_status st;
    if (r->kind == R_TOOL) {
        if (!(t = llmj__lanes_new_tool(l, 0, -1, 0)))
            return LLMJ_TOO_LONG;
        st = llmj__emit_begin(o, p, c, t, &r->s[0], &r->s[1]);
        if (st == LLMJ_OK)
            st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[2]);
        return st == LLMJ_OK ? llmj__emit_end(o, t) : st;
    }
    if (r->kind == R_LOGPROB)
        return llmj__emit_extra(o, p, LD_LOGPROB, c, 0, r->s);
    /* R_FINISH */
    const char *raw = llmj__pk_sptr(p, &r->s[0]);
    size_t n = r->s[0].len;
    llmj_finish f = LLMJ_FINISH_UNKNOWN;
    if (llmj__eq(raw, n, "stop"))
        f = c->tools ? LLMJ_FINISH_TOOL_CALLS : LLMJ_FINISH_STOP;
    else if (llmj__eq(raw, n, "length"))
        f = LLMJ_FINISH_LENGTH;
    return llmj__emit_finish(o, p, l, c, f, &r->s[0], NULL, 0);
}

/* The line's end: its finish, usage, error and end after its texts. */
static llmj_status ol_records(ol_state *s)
{
    llmj__pk *p = &s->d.pk;
    llmj__rec *r;
    if (s->done) {
        if (!(r = llmj__pk_push(p, R_FINISH)))
            return LLMJ_NOMEM;
        r->choice = 0;
        r->s[0] = s->reason;
        if (llmj__usage_any(&s->u)) {
            if (!(r = llmj__pk_push(p, LLMJ__R_USAGE)))
                return LLMJ_NOMEM;
            r->usage = s->u;
        }
    }
    if (s->has_error) {
        if (!(r = llmj__pk_push(p, LLMJ__R_ERROR)))
            return LLMJ_NOMEM;
        r->s[0] = s->emsg;
        r->s[1] = s->etype;
        r->s[2] = s->ecode;
    }
    if (s->done && !(r = llmj__pk_push(p, LLMJ__R_DONE)))
        return LLMJ_NOMEM;
    return LLMJ_OK;
}

static llmj_status ol_create(void **state, const llmj_allocator *a, const llmj_config *cfg)
{
    return llmj__dstate_new(state, sizeof(ol_state), a, cfg);
}

static llmj_status ol_event(void *state, const char *type, size_t type_len, const char *data,
                            size_t data_len, ld_emit emit, void *ctx)
{
    ol_state *s = state;
    llmj__out o = { emit, ctx };
    s->done = 0;
    s->has_error = 0;
    memset(&s->reason, 0, sizeof s->reason);
    memset(&s->emsg, 0, sizeof s->emsg);
    memset(&s->etype, 0, sizeof s->etype);
    memset(&s->ecode, 0, sizeof s->ecode);
    llmj__usage_none(&s->u);
    int go;
    llmj_status st = llmj__parse_event(&s->d, type, type_len, data, data_len, ol_value, s, &o,
                                       NULL, &go);
    if (!go)
        return st;
    if ((st = ol_records(s)) != LLMJ_OK)
        return st;
    return llmj__emit_records(&s->d, &o, ol_record, s);
}

static int ol_sniff(const char *type, size_t type_len, const char *data, size_t data_len)
{
    const char *v;
    size_t n;
    (void)type;
    (void)type_len;
    int has_done = llmj__skim(data, data_len, "done", &v, &n);
    if (has_done && llmj__skim(data, data_len, "created_at", &v, &n) &&
        llmj__skim(data, data_len, "model", &v, &n))
        return 2;
    if (has_done && (llmj__skim(data, data_len, "message", &v, &n) ||
                     llmj__skim(data, data_len, "response", &v, &n)))
        return 2;
    if (llmj__skim(data, data_len, "error", &v, &n) && n && v[0] == '"')
        return 1;
    return 0;
}

const ld_ops llmj__dialect_ollama = {
    LLMJ_DIALECT_OLLAMA, ol_create, llmj__dstate_free, ol_event, ol_sniff, llmj__dstate_message,
    llmj__dstate_rest
};
