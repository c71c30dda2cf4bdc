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

enum { R_BEGIN = 1, R_ARGS, R_END, R_FINISH, R_ERROR, R_RDELTA, R_RTEXT, R_SERVER, R_EXTRA };

#define F_FAILED 1 /* R_ERROR from response.failed */
#define F_HAS_KEY 2
/* R_BEGIN, R_END: the call's tool type (bits 4-7): a function, else */
#define F_TYPE_SHIFT 4
enum { TT_FUNCTION = 0, TT_CUSTOM, TT_LOCAL_SHELL, TT_SHELL, TT_APPLY_PATCH };
static const char *const tt_names[] = { NULL, "custom", "local_shell", "shell", "apply_patch" };
#define TT_OF(flags) (((flags) >> F_TYPE_SHIFT) & 0xF)

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
    /* other items: custom input, MCP server label, code, status; the action,
     * operation or queries (JSON text); an environment (a container) */
    llmj__str iinput, iserver, icode, istatus, iaction, iop, iqueries;
    size_t iaction_at, iop_at, iqueries_at;
    int ienv;
    /* response.output_text.annotation.added */
    llmj__str annot, atype, aurl, atitle, afile, afname;
    size_t annot_at;
    size_t lp_at; /* a logprobs[] element */
    llmj__str tier;
    size_t nserver; /* server tools numbered so far */
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
        if (IS("annotation"))
            return llmj__pk_span(p, v, &s->annot_at, &s->annot, "annotation: cannot locate it");
        return LLMJ_OK;
    case 2:
        if (IS("logprobs.#")) { /* output_text.delta: one entry per token */
            llmj__str e;
            memset(&e, 0, sizeof e);
            llmj_status st = llmj__pk_span(p, v, &s->lp_at, &e, "logprobs[]: cannot locate it");
            if (st != LLMJ_OK || !e.set)
                return st;
            llmj__rec *r = llmj__pk_push(p, R_EXTRA);
            if (!r)
                return LLMJ_NOMEM;
            r->choice = 0;
            r->num = LD_LOGPROB;
            r->s[0] = e;
            return LLMJ_OK;
        }
        if (IS("annotation.type"))
            return KEEP(s->atype);
        if (IS("annotation.url"))
            return KEEP(s->aurl);
        if (IS("annotation.title"))
            return KEEP(s->atitle);
        if (IS("annotation.file_id"))
            return KEEP(s->afile);
        if (IS("annotation.filename"))
            return KEEP(s->afname);
        if (IS("response.service_tier"))
            return T(STRING) ? KEEP(s->tier) : LLMJ_OK;
        if (IS("item.input"))
            return T(STRING) ? KEEP(s->iinput) : LLMJ_OK;
        if (IS("item.server_label"))
            return T(STRING) ? KEEP(s->iserver) : LLMJ_OK;
        if (IS("item.code"))
            return T(STRING) ? KEEP(s->icode) : LLMJ_OK;
        if (IS("item.status"))
            return T(STRING) ? KEEP(s->istatus) : LLMJ_OK;
        if (IS("item.action"))
            return llmj__pk_span(p, v, &s->iaction_at, &s->iaction, "item.action: cannot locate it");
        if (IS("item.operation"))
            return llmj__pk_span(p, v, &s->iop_at, &s->iop, "item.operation: cannot locate it");
        if (IS("item.queries"))
            return llmj__pk_span(p, v, &s->iqueries_at, &s->iqueries,
                                 "item.queries: cannot locate it");
        if (IS("item.environment")) {
            if (T(MAP))
                s->ienv = 1;
            return LLMJ_OK;
        }
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

/* The tool type of an output item that is a call for the application:
 * TT_*, or -1 when it is not one (a message, reasoning, or a tool the
 * provider ran: a shell_call in a container environment is run by OpenAI). */
static int client_type(const rs_state *s)
{
    const llmj__pk *p = &s->d.pk;
    if (llmj__pk_seq(p, &s->itype, "function_call"))
        return TT_FUNCTION;
    if (llmj__pk_seq(p, &s->itype, "custom_tool_call"))
        return TT_CUSTOM;
    if (llmj__pk_seq(p, &s->itype, "local_shell_call"))
        return TT_LOCAL_SHELL;
    if (llmj__pk_seq(p, &s->itype, "shell_call") && !s->ienv)
        return TT_SHELL;
    if (llmj__pk_seq(p, &s->itype, "apply_patch_call"))
        return TT_APPLY_PATCH;
    return -1;
}

/* An output item that is neither text, reasoning nor a call for the
 * application: a tool the provider ran (or its output). */
static int server_item(const rs_state *s)
{
    const llmj__pk *p = &s->d.pk;
    return s->itype.set && s->itype.len && client_type(s) < 0 &&
           !llmj__pk_seq(p, &s->itype, "message") && !llmj__pk_seq(p, &s->itype, "reasoning");
}

/* A call's input as the item gives it whole: a function's arguments, a
 * custom tool's input, the action or operation of the built-in ones. */
static llmj__str item_input(const rs_state *s, int tt)
{
    switch (tt) {
    case TT_CUSTOM: return s->iinput;
    case TT_LOCAL_SHELL:
    case TT_SHELL: return s->iaction;
    case TT_APPLY_PATCH: return s->iop;
    default: return s->iargs;
    }
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
    } else if ((type_is(s, "response.output_item.added") ||
                type_is(s, "response.output_item.done")) && server_item(s)) {
        PUSH(R_SERVER);
        r->s[0] = s->iid;
        r->s[1] = s->iname.set ? s->iname : s->iserver;
        r->s[2] = s->iaction.set     ? s->iaction
                  : s->iqueries.set  ? s->iqueries
                  : s->iargs.set     ? s->iargs
                                     : s->icode;
        r->s[3] = s->itype;
        r->s[4] = s->istatus;
    } else if (type_is(s, "response.output_item.added")) {
        int tt = client_type(s);
        if (tt >= 0) {
            PUSH(R_BEGIN);
            r->flags |= LLMJ__REC_TOOL | (tt << F_TYPE_SHIFT);
            r->s[0] = s->icall.set ? s->icall : s->iid;
            r->s[1] = tt_names[tt] && tt != TT_CUSTOM ? llmj__str_lit(tt_names[tt]) : s->iname;
            if (tt == TT_FUNCTION)
                r->s[2] = s->iargs; /* the built-in ones' action comes whole at done */
        }
    } else if (type_is(s, "response.function_call_arguments.delta") ||
               type_is(s, "response.custom_tool_call_input.delta")) {
        PUSH(R_ARGS);
        r->flags |= LLMJ__REC_TOOL | CONTINUES(r);
        r->s[0] = s->delta;
    } else if (type_is(s, "response.function_call_arguments.done")) {
        PUSH(R_END);
        r->flags |= LLMJ__REC_TOOL | CONTINUES(r);
        r->s[0] = s->arguments;
    } else if (type_is(s, "response.custom_tool_call_input.done")) {
        PUSH(R_END);
        r->flags |= LLMJ__REC_TOOL | CONTINUES(r) | (TT_CUSTOM << F_TYPE_SHIFT);
        r->s[0] = s->iinput.set ? s->iinput : s->delta;
    } else if (type_is(s, "response.output_text.annotation.added") && s->annot.set) {
        PUSH(R_EXTRA);
        r->num = LD_CITATION;
        r->s[0] = s->annot;
        r->s[1] = s->atype;
        r->s[2] = s->aurl.set ? s->aurl : s->afile;
        r->s[3] = s->atitle.set ? s->atitle : s->afname;
    } else if (type_is(s, "response.output_item.done")) {
        int tt = client_type(s);
        if (tt >= 0) {
            PUSH(R_END);
            r->flags |= LLMJ__REC_TOOL | CONTINUES(r) | (tt << F_TYPE_SHIFT);
            r->s[0] = item_input(s, tt);
            r->s[1] = s->icall.set ? s->icall : s->iid;
            r->s[2] = tt_names[tt] && tt != TT_CUSTOM ? llmj__str_lit(tt_names[tt]) : s->iname;
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
    if (s->tier.set && s->tier.len) {
        PUSH(R_EXTRA);
        r->choice = -1;
        r->num = LD_SERVICE_TIER;
        r->s[0] = s->tier;
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

/* LD_TOOL_BEGIN for a call of the record's tool type. */
static llmj_status begin_call(llmj__out *o, llmj__pk *p, llmj__choice *c, llmj__tool *t,
                              const llmj__rec *r, const llmj__str *id, const llmj__str *name)
{
    int tt = TT_OF(r->flags);
    return llmj__emit_begin_typed(o, p, c, t, id, name, tt_names[tt],
                                  tt == TT_CUSTOM ? LD_F_TEXT_INPUT : 0);
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
        st = begin_call(o, p, c, t, r, &r->s[0], &r->s[1]);
        return st == LLMJ_OK ? llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[2]) : st;
    case R_ARGS:
    case R_END:
        t = find_tool(l, r);
        if (!t) { /* no output_item.added seen for it */
            if (!(t = llmj__lanes_new_tool(l, 0, r->key, (uint64_t)r->num)))
                return LLMJ_TOO_LONG;
            st = begin_call(o, p, c, t, r, &r->s[1], &r->s[2]);
        }
        if (st != LLMJ_OK || t->ended)
            return st;
        if (r->kind == R_ARGS || !t->args)
            st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[0]);
        return st == LLMJ_OK && r->kind == R_END ? llmj__emit_end(o, t) : st;
    case R_SERVER: {
        /* numbered by the dialect; found again by its id */
        unsigned flags = LD_F_WHOLE | LD_F_TELL;
        return llmj__emit_server(o, p, c, s->nserver++, &r->s[0], &r->s[1], &r->s[3], &r->s[4],
                                 r->s[2].set ? &r->s[2] : NULL, r->s[2].set ? flags : LD_F_TELL);
    }
    case R_EXTRA:
        return llmj__emit_extra(o, p, (ld_kind)r->num, c, 0, r->s);
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
                           &s->etype, &s->ecode, &s->emsg, &s->encrypted, &s->iinput,
                           &s->iserver, &s->icode, &s->istatus, &s->iaction, &s->iop,
                           &s->iqueries, &s->annot, &s->atype, &s->aurl, &s->atitle,
                           &s->afile, &s->afname, &s->tier };
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        memset(clear[i], 0, sizeof *clear[i]);
    s->output_index = -1;
    s->iaction_at = s->iop_at = s->iqueries_at = s->annot_at = s->lp_at = 0;
    s->ienv = 0;
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
    LLMJ_DIALECT_OPENAI_RESPONSES, rs_create, llmj__dstate_free, rs_event, rs_sniff, llmj__dstate_message,
    llmj__dstate_rest
};
