/* OpenAI Responses API streaming events: docs/providers.md, "OpenAI Responses".
 *
 * One choice (0). response.output_text.delta -> text, response.refusal.delta
 * -> refusal, response.output_item.added with a function_call item -> a tool
 * call (id = call_id, else the item id; tool number = order of function_call
 * items; keyed by output_index, else by item_id),
 * response.function_call_arguments.delta -> arguments, .done and
 * response.output_item.done -> end of the call (their whole "arguments" are
 * emitted only when no delta came). Terminal events: response.completed
 * (finish stop, or tool_calls when a function_call item was produced; raw
 * "completed"), response.incomplete (incomplete_details.reason:
 * max_output_tokens -> length, content_filter -> content_filter, else unknown;
 * raw = the reason), response.failed (its response.error as an error unless
 * an error event came first; finish error, raw "failed", or finish length
 * with raw "max_output_tokens" when its incomplete_details say the token
 * limit cut it); each carries usage and is followed by LD_DONE (this API
 * sends no [DONE]). The error event is read in both shapes: code/message at
 * the top (SDK type) or nested under "error" (real capture).
 *
 * Reasoning: response.reasoning_summary_text.delta and
 * response.reasoning_text.delta -> reasoning; a reasoning item (its
 * output_item.added) and a summary part (reasoning_summary_part.added) begin
 * a new part; a reasoning item's output_item.done gives its summary[].text
 * and content[].text when no delta came for it, and its encrypted_content
 * as a redacted part. */
#include "pick.h"

#include <string.h>

enum { R_BEGIN = 1, R_ARGS, R_END, R_FINISH, R_ERROR, R_RDELTA, R_RTEXT };

#define F_FAILED 1 /* R_ERROR from response.failed */
#define F_HAS_KEY 2

typedef struct rs_state {
    llmj__dstate d; /* first: picker and lanes */
    int errored; /* an error was emitted */
    uint64_t rdelta; /* the item (id hash) of the last reasoning delta */
    /* the event being parsed */
    llmj__str type, delta, item_id, arguments, code, message;
    int64_t output_index;
    llmj__str itype, iid, icall, iname, iargs;
    llmj__str status, reason, rcode, rmsg;
    llmj__str etype, ecode, emsg;
    llmj__str encrypted;
    size_t rtext0; /* first R_RTEXT record of the event */
    int has_usage;
    llmj_usage u;
} rs_state;

#define T(x) (v->type == LLMJ__PK_##x)
#define IS(pat) llmj__pk_is(p, pat)
#define KEEP(dst) llmj__pk_keep(p, v, &(dst))

/* A reasoning item's summary[].text or content[].text (in the item of an
 * output_item event: kept as records, dropped later unless the item is a
 * reasoning item whose text did not come as deltas). */
static llmj_status reasoning_text(llmj__pk *p, const llmj__pk_val *v)
{
    if (v->type != LLMJ__PK_STRING)
        return LLMJ_OK;
    llmj__rec *r = llmj__pk_push(p, R_RTEXT);
    if (!r)
        return LLMJ_NOMEM;
    r->choice = 0;
    return llmj__pk_keep(p, v, &r->s[0]);
}

static llmj_status rs_value(void *ctx, llmj__pk *p, const llmj__pk_val *v)
{
    rs_state *s = ctx;
    switch (llmj__pk_depth(p)) {
    case 0:
        if (!(T(MAP) || T(END_MAP)))
            return llmj__pk_bad(p, "event payload is not a JSON object");
        return LLMJ_OK;
    case 1:
        if (IS("type"))
            return T(STRING) ? KEEP(s->type) : llmj__pk_bad(p, "type is not a string");
        if (IS("delta")) {
            if (T(STRING))
                return KEEP(s->delta);
            return LLMJ_OK; /* other events use delta for other things */
        }
        if (IS("output_index")) {
            int64_t x;
            if (T(NULL))
                return LLMJ_OK;
            if (llmj__pk_int(v, &x) != 0 || x < 0)
                return llmj__pk_bad(p, "output_index is not a non-negative integer");
            s->output_index = x;
            return LLMJ_OK;
        }
        if (IS("item_id"))
            return KEEP(s->item_id);
        if (IS("arguments"))
            return KEEP(s->arguments);
        if (IS("code"))
            return KEEP(s->code);
        if (IS("message"))
            return KEEP(s->message);
        if (IS("error") && T(STRING))
            return KEEP(s->emsg);
        return LLMJ_OK;
    case 2:
        if (IS("item.type"))
            return KEEP(s->itype);
        if (IS("item.id"))
            return KEEP(s->iid);
        if (IS("item.call_id"))
            return KEEP(s->icall);
        if (IS("item.name"))
            return KEEP(s->iname);
        if (IS("item.arguments"))
            return KEEP(s->iargs);
        if (IS("item.encrypted_content"))
            return T(STRING) ? KEEP(s->encrypted) : LLMJ_OK;
        if (IS("response.status"))
            return KEEP(s->status);
        if (IS("response.usage")) {
            if (T(MAP))
                s->has_usage = 1;
            return LLMJ_OK;
        }
        if (IS("error.type"))
            return KEEP(s->etype);
        if (IS("error.code"))
            return KEEP(s->ecode);
        if (IS("error.message"))
            return KEEP(s->emsg);
        return LLMJ_OK;
    case 3:
        if (IS("response.usage.input_tokens"))
            return llmj__pk_count(v, &s->u.input_tokens);
        if (IS("response.usage.output_tokens"))
            return llmj__pk_count(v, &s->u.output_tokens);
        if (IS("response.usage.total_tokens"))
            return llmj__pk_count(v, &s->u.total_tokens);
        if (IS("response.incomplete_details.reason"))
            return KEEP(s->reason);
        if (IS("response.error.code"))
            return KEEP(s->rcode);
        if (IS("response.error.message"))
            return KEEP(s->rmsg);
        return LLMJ_OK;
    case 4:
        if (IS("item.summary.#.text") || IS("item.content.#.text"))
            return reasoning_text(p, v);
        if (IS("response.usage.input_tokens_details.cached_tokens"))
            return llmj__pk_count(v, &s->u.cached_tokens);
        if (IS("response.usage.output_tokens_details.reasoning_tokens"))
            return llmj__pk_count(v, &s->u.reasoning_tokens);
        return LLMJ_OK;
    default:
        return LLMJ_OK;
    }
}

static int type_is(const rs_state *s, const char *lit)
{
    return llmj__pk_seq(&s->d.pk, &s->type, lit);
}

static llmj_status rs_records(rs_state *s)
{
    llmj__pk *p = &s->d.pk;
    llmj__rec *r;
    const llmj__str *item_id = s->item_id.set ? &s->item_id : &s->iid;
    uint64_t aux = item_id->set ? llmj__hash(llmj__pk_sptr(p, item_id), item_id->len) : 0;
#define PUSH(k)                                                  \
    do {                                                         \
        if (!(r = llmj__pk_push(p, k)))                           \
            return LLMJ_NOMEM;                                   \
        r->choice = 0;                                           \
        r->key = s->output_index;                                \
        r->num = (int64_t)aux;                                   \
        if (s->output_index >= 0)                                \
            r->flags |= F_HAS_KEY;                               \
    } while (0)
    /* how find_tool() will find the call of an ARGS or END record */
#define CONTINUES(r)                                                            \
    (((r)->flags & F_HAS_KEY) ? LLMJ__REC_TOOL_KEY : (r)->num == 0 ? LLMJ__REC_TOOL_LAST : 0)
    int terminal = 0;
    int reasoning_item = llmj__pk_seq(p, &s->itype, "reasoning");
    if (!(reasoning_item && type_is(s, "response.output_item.done"))) {
        for (size_t i = s->rtext0; i < p->nrec; i++)
            if (p->recs[i].kind == R_RTEXT)
                p->recs[i].kind = 0; /* not a reasoning item's own text */
    } else {
        for (size_t i = s->rtext0; i < p->nrec; i++)
            p->recs[i].num = (int64_t)aux;
    }
    if (type_is(s, "response.created")) {
        PUSH(LLMJ__R_ANNOUNCE);
    } else if (type_is(s, "response.output_text.delta")) {
        PUSH(LLMJ__R_TEXT);
        r->s[0] = s->delta;
    } else if (type_is(s, "response.refusal.delta")) {
        PUSH(LLMJ__R_REFUSAL);
        r->s[0] = s->delta;
    } else if (type_is(s, "response.reasoning_summary_text.delta") ||
               type_is(s, "response.reasoning_text.delta")) {
        PUSH(R_RDELTA);
        r->s[0] = s->delta;
    } else if (type_is(s, "response.reasoning_summary_part.added")) {
        PUSH(LLMJ__R_RPART);
    } else if (type_is(s, "response.output_item.added") && reasoning_item) {
        PUSH(LLMJ__R_RPART);
    } else if (type_is(s, "response.output_item.done") && reasoning_item) {
        if (s->encrypted.set) {
            PUSH(LLMJ__R_REDACTED);
            r->s[0] = s->encrypted;
        }
    } else if (type_is(s, "response.output_item.added")) {
        if (llmj__pk_seq(p, &s->itype, "function_call")) {
            PUSH(R_BEGIN);
            r->flags |= LLMJ__REC_TOOL;
            r->s[0] = s->icall.set ? s->icall : s->iid;
            r->s[1] = s->iname;
            r->s[2] = s->iargs;
        }
    } else if (type_is(s, "response.function_call_arguments.delta")) {
        PUSH(R_ARGS);
        r->flags |= LLMJ__REC_TOOL | CONTINUES(r);
        r->s[0] = s->delta;
    } else if (type_is(s, "response.function_call_arguments.done")) {
        PUSH(R_END);
        r->flags |= LLMJ__REC_TOOL | CONTINUES(r);
        r->s[0] = s->arguments;
    } else if (type_is(s, "response.output_item.done")) {
        if (llmj__pk_seq(p, &s->itype, "function_call")) {
            PUSH(R_END);
            r->flags |= LLMJ__REC_TOOL | CONTINUES(r);
            r->s[0] = s->iargs;
            r->s[1] = s->icall.set ? s->icall : s->iid;
            r->s[2] = s->iname;
        }
    } else if (type_is(s, "response.completed")) {
        terminal = 1;
        PUSH(R_FINISH);
        r->num = -1; /* stop or tool_calls: decided when emitting */
        r->s[0] = llmj__str_lit("completed");
    } else if (type_is(s, "response.incomplete")) {
        terminal = 1;
        PUSH(R_FINISH);
        if (llmj__pk_seq(p, &s->reason, "max_output_tokens"))
            r->num = LLMJ_FINISH_LENGTH;
        else if (llmj__pk_seq(p, &s->reason, "content_filter"))
            r->num = LLMJ_FINISH_CONTENT_FILTER;
        else
            r->num = LLMJ_FINISH_UNKNOWN;
        r->s[0] = s->reason.set ? s->reason : llmj__str_lit("incomplete");
    } else if (type_is(s, "response.failed")) {
        terminal = 1;
        if (s->rmsg.set || s->rcode.set) {
            PUSH(R_ERROR);
            r->choice = -1;
            r->flags = F_FAILED;
            r->s[0] = s->rmsg;
            r->s[2] = s->rcode;
        }
        PUSH(R_FINISH);
        if (llmj__pk_seq(p, &s->reason, "max_output_tokens")) {
            r->num = LLMJ_FINISH_LENGTH; /* failed, and cut by the token limit */
            r->s[0] = s->reason;
        } else {
            r->num = LLMJ_FINISH_ERROR;
            r->s[0] = llmj__str_lit("failed");
        }
    } else if (type_is(s, "error")) {
        PUSH(R_ERROR);
        r->choice = -1;
        r->s[0] = s->message.set ? s->message : s->emsg;
        r->s[1] = s->etype;
        r->s[2] = s->code.set ? s->code : s->ecode;
    }
    if (terminal) {
        if (s->has_usage && llmj__usage_any(&s->u)) {
            PUSH(LLMJ__R_USAGE);
            r->choice = -1;
            r->usage = s->u;
        }
        PUSH(LLMJ__R_DONE);
        r->choice = -1;
    }
#undef PUSH
#undef CONTINUES
    return LLMJ_OK;
}

/* The call an event is about: by output_index, else by item id. */
static llmj__tool *find_tool(llmj__lanes *l, const llmj__rec *r)
{
    if (r->flags & F_HAS_KEY)
        return llmj__lanes_tool(l, 0, r->key, 0);
    if (r->num == 0)
        return llmj__lanes_last_tool(l, 0);
    for (size_t i = l->nt; i-- > 0;)
        if (l->t[i].live && l->t[i].aux == (uint64_t)r->num)
            return &l->t[i];
    return NULL;
}

static llmj_status rs_record(void *state, llmj__out *o, const llmj__rec *r, llmj__choice *c)
{
    rs_state *s = state;
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj__tool *t;
    llmj_status st = LLMJ_OK;
    switch (r->kind) {
    case R_RDELTA:
        s->rdelta = (uint64_t)r->num;
        return llmj__emit_reasoning(o, p, c, &r->s[0]);
    case R_RTEXT:
        if (r->num && s->rdelta == (uint64_t)r->num)
            return LLMJ_OK; /* its deltas came */
        return llmj__emit_reasoning(o, p, c, &r->s[0]);
    case R_BEGIN:
        if (!(t = llmj__lanes_new_tool(l, 0, r->key, (uint64_t)r->num)))
            return LLMJ_TOO_LONG;
        st = llmj__emit_begin(o, p, c, t, &r->s[0], &r->s[1]);
        return st == LLMJ_OK ? llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[2]) : st;
    case R_ARGS:
    case R_END:
        t = find_tool(l, r);
        if (!t) { /* no output_item.added seen for it */
            if (!(t = llmj__lanes_new_tool(l, 0, r->key, (uint64_t)r->num)))
                return LLMJ_TOO_LONG;
            st = llmj__emit_begin(o, p, c, t, &r->s[1], &r->s[2]);
        }
        if (st != LLMJ_OK || t->ended)
            return st;
        if (r->kind == R_ARGS || !t->args)
            st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[0]);
        return st == LLMJ_OK && r->kind == R_END ? llmj__emit_end(o, t) : st;
    case R_FINISH: {
        llmj_finish f = (llmj_finish)r->num;
        if (r->num < 0)
            f = c->tools ? LLMJ_FINISH_TOOL_CALLS : LLMJ_FINISH_STOP;
        return llmj__emit_finish(o, p, l, c, f, &r->s[0], NULL,
                                 f == LLMJ_FINISH_STOP || f == LLMJ_FINISH_TOOL_CALLS);
    }
    case R_ERROR:
        if ((r->flags & F_FAILED) && s->errored)
            return LLMJ_OK; /* response.failed repeats the error event */
        s->errored = 1;
        return llmj__emit_error(o, p, &r->s[0], &r->s[1], &r->s[2]);
    default:
        return LLMJ_OK;
    }
}

static llmj_status rs_create(void **state, const llmj_allocator *a, const llmj_config *cfg)
{
    return llmj__dstate_new(state, sizeof(rs_state), a, cfg);
}

static llmj_status rs_event(void *state, const char *type, size_t type_len, const char *data,
                            size_t data_len, ld_emit emit, void *ctx)
{
    rs_state *s = state;
    llmj__out o = { emit, ctx };
    llmj__str *clear[] = { &s->type, &s->delta, &s->item_id, &s->arguments, &s->code,
                           &s->message, &s->itype, &s->iid, &s->icall, &s->iname,
                           &s->iargs, &s->status, &s->reason, &s->rcode, &s->rmsg,
                           &s->etype, &s->ecode, &s->emsg, &s->encrypted };
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        memset(clear[i], 0, sizeof *clear[i]);
    s->output_index = -1;
    s->has_usage = 0;
    s->rtext0 = 0;
    llmj__usage_none(&s->u);
    int raw, go;
    llmj_status st = llmj__parse_event(&s->d, type, type_len, data, data_len, rs_value, s, &o,
                                       &raw, &go);
    if (raw)
        s->errored = 1;
    if (!go)
        return st;
    if (!s->type.set && type && type_len) {
        s->type.ptr = type;
        s->type.len = type_len;
        s->type.set = 1;
    }
    if ((st = rs_records(s)) != LLMJ_OK)
        return st;
    return llmj__emit_records(&s->d, &o, rs_record, s);
}

static int rs_sniff(const char *type, size_t type_len, const char *data, size_t data_len)
{
    if (type && type_len > 9 && memcmp(type, "response.", 9) == 0)
        return 2;
    if (llmj__skim_prefix(data, data_len, "type", "response."))
        return 2;
    const char *v;
    size_t n;
    if (llmj__skim_str(data, data_len, "type", "error") &&
        llmj__skim(data, data_len, "sequence_number", &v, &n))
        return 1;
    return 0;
}

const ld_ops llmj__dialect_openai_responses = {
    LLMJ_DIALECT_OPENAI_RESPONSES, rs_create, llmj__dstate_free, rs_event, rs_sniff, llmj__dstate_message
};
