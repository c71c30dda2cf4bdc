/* Anthropic Messages streaming events: docs/providers.md, "Anthropic Messages".
 *
 * One choice (0). message_start (usage), content_block_start (tool_use: id,
 * name; tool number = order of tool_use blocks), content_block_delta
 * (text_delta -> text, input_json_delta -> tool arguments; thinking,
 * signature and citations deltas are not items), content_block_stop (ends a
 * tool_use block; input_json_delta of other blocks, like server_tool_use,
 * is not an item), message_delta (stop_reason, cumulative usage),
 * message_stop (done), ping (nothing, anywhere), error (in-band error).
 * The JSON "type" names the event (the SSE event name when it is missing);
 * unknown events are ignored. Usage is merged across message_start and
 * message_delta: input_tokens, output_tokens, cache_read_input_tokens as
 * cached_tokens (Anthropic's input_tokens excludes cached tokens). */
#include "pick.h"

#include <string.h>

enum { R_TEXT = 1, R_BLOCK, R_BEGIN, R_ARGS, R_STOP, R_FINISH, R_USAGE, R_ERROR, R_DONE };

typedef struct an_state {
    llmj__dstate d; /* first: picker and lanes */
    llmj_usage usage; /* merged so far */
    int64_t block;    /* the last content block started, -1 before any */
    int block_tool;   /* it is a tool_use block */
    /* the event being parsed */
    llmj__str type;
    int64_t index;
    llmj__str btype, bid, bname, btext; /* content_block */
    llmj__str dtype, dtext, djson, stop; /* delta */
    int has_usage;
    llmj_usage u;
    llmj__str emsg, etype;
} an_state;

static llmj_finish an_map(const char *s, size_t n)
{
    if (llmj__eq(s, n, "end_turn") || llmj__eq(s, n, "stop_sequence") ||
        llmj__eq(s, n, "pause_turn"))
        return LLMJ_FINISH_STOP;
    if (llmj__eq(s, n, "max_tokens") || llmj__eq(s, n, "model_context_window_exceeded"))
        return LLMJ_FINISH_LENGTH;
    if (llmj__eq(s, n, "tool_use"))
        return LLMJ_FINISH_TOOL_CALLS;
    if (llmj__eq(s, n, "refusal"))
        return LLMJ_FINISH_REFUSAL;
    return LLMJ_FINISH_UNKNOWN;
}

#define T(x) (v->type == LLMJ__PK_##x)
#define IS(pat) llmj__pk_is(p, pat)
#define KEEP(dst) llmj__pk_keep(p, v, &(dst))

static llmj_status count(const llmj__pk_val *v, int64_t *dst)
{
    int64_t x;
    if (T(NUMBER) && llmj__pk_int(v, &x) == 0 && x >= 0)
        *dst = x;
    return LLMJ_OK;
}

/* usage.* of message_delta (prefix "usage") or message_start's
 * message.usage.* (prefix "message.usage"). */
static llmj_status usage_value(an_state *s, llmj__pk *p, const llmj__pk_val *v, int nested)
{
    static const char *const keys[2][3] = {
        { "usage.input_tokens", "usage.output_tokens", "usage.cache_read_input_tokens" },
        { "message.usage.input_tokens", "message.usage.output_tokens",
          "message.usage.cache_read_input_tokens" }
    };
    int64_t *dst[3] = { &s->u.input_tokens, &s->u.output_tokens, &s->u.cached_tokens };
    for (int i = 0; i < 3; i++) {
        if (IS(keys[nested][i])) {
            s->has_usage = 1;
            return count(v, dst[i]);
        }
    }
    return LLMJ_OK;
}

static llmj_status an_value(void *ctx, llmj__pk *p, const llmj__pk_val *v)
{
    an_state *s = ctx;
    size_t d = llmj__pk_depth(p);
    if (d == 0) {
        if (!(T(MAP) || T(END_MAP)))
            return llmj__pk_bad(p, "event payload is not a JSON object");
        return LLMJ_OK;
    }
    if (d == 1) {
        if (IS("type"))
            return T(STRING) ? KEEP(s->type) : llmj__pk_bad(p, "type is not a string");
        if (IS("index")) {
            int64_t x;
            if (llmj__pk_int(v, &x) != 0 || x < 0)
                return llmj__pk_bad(p, "index is not a non-negative integer");
            s->index = x;
        } else if (IS("error") && T(STRING)) {
            return KEEP(s->emsg);
        }
        return LLMJ_OK;
    }
    if (d == 2) {
        if (IS("content_block.type"))
            return KEEP(s->btype);
        if (IS("content_block.id"))
            return KEEP(s->bid);
        if (IS("content_block.name"))
            return KEEP(s->bname);
        if (IS("content_block.text"))
            return KEEP(s->btext);
        if (IS("delta.type"))
            return KEEP(s->dtype);
        if (IS("delta.text")) {
            if (!T(STRING))
                return llmj__pk_bad(p, "delta.text is not a string");
            return KEEP(s->dtext);
        }
        if (IS("delta.partial_json")) {
            if (!T(STRING))
                return llmj__pk_bad(p, "delta.partial_json is not a string");
            return KEEP(s->djson);
        }
        if (IS("delta.stop_reason")) {
            if (T(STRING))
                return KEEP(s->stop);
            return LLMJ_OK;
        }
        if (IS("error.message"))
            return KEEP(s->emsg);
        if (IS("error.type"))
            return KEEP(s->etype);
        return usage_value(s, p, v, 0);
    }
    if (d == 3)
        return usage_value(s, p, v, 1);
    return LLMJ_OK;
}

static int an_type_is(const an_state *s, const char *lit)
{
    return llmj__pk_seq(&s->d.pk, &s->type, lit);
}

static llmj_status an_records(an_state *s)
{
    llmj__pk *p = &s->d.pk;
    llmj__rec *r;
#define PUSH(k)                        \
    do {                               \
        if (!(r = llmj__pk_push(p, k))) \
            return LLMJ_NOMEM;         \
        r->choice = 0;                 \
        r->key = s->index;             \
    } while (0)
    if (an_type_is(s, "message_start")) {
        PUSH(LLMJ__R_ANNOUNCE);
        if (s->has_usage) {
            PUSH(R_USAGE);
            r->choice = -1;
            r->usage = s->u;
        }
    } else if (an_type_is(s, "content_block_start")) {
        PUSH(R_BLOCK);
        r->flags = llmj__pk_seq(p, &s->btype, "tool_use");
        if (r->flags) {
            PUSH(R_BEGIN);
            r->flags = LLMJ__REC_TOOL;
            r->s[0] = s->bid;
            r->s[1] = s->bname;
        } else if (s->btext.set && s->btext.len &&
                   (!s->btype.set || llmj__pk_seq(p, &s->btype, "text"))) {
            PUSH(R_TEXT);
            r->s[0] = s->btext;
        }
    } else if (an_type_is(s, "content_block_delta")) {
        if (s->dtext.set && (!s->dtype.set || llmj__pk_seq(p, &s->dtype, "text_delta"))) {
            PUSH(R_TEXT);
            r->s[0] = s->dtext;
        } else if (s->djson.set &&
                   (!s->dtype.set || llmj__pk_seq(p, &s->dtype, "input_json_delta"))) {
            PUSH(R_ARGS);
            r->flags = LLMJ__REC_TOOL | LLMJ__REC_TOOL_KEY;
            r->s[0] = s->djson;
        }
    } else if (an_type_is(s, "content_block_stop")) {
        PUSH(R_STOP);
    } else if (an_type_is(s, "message_delta")) {
        if (s->stop.set) {
            PUSH(R_FINISH);
            r->s[0] = s->stop;
        }
        if (s->has_usage) {
            PUSH(R_USAGE);
            r->choice = -1;
            r->usage = s->u;
        }
    } else if (an_type_is(s, "message_stop")) {
        PUSH(R_DONE);
        r->choice = -1;
    } else if (an_type_is(s, "error")) {
        PUSH(R_ERROR);
        r->choice = -1;
        r->s[0] = s->emsg;
        r->s[1] = s->etype;
    }
#undef PUSH
    return LLMJ_OK;
}

static void merge(llmj_usage *into, const llmj_usage *u)
{
    if (u->input_tokens >= 0)
        into->input_tokens = u->input_tokens;
    if (u->output_tokens >= 0)
        into->output_tokens = u->output_tokens;
    if (u->total_tokens >= 0)
        into->total_tokens = u->total_tokens;
    if (u->cached_tokens >= 0)
        into->cached_tokens = u->cached_tokens;
    if (u->reasoning_tokens >= 0)
        into->reasoning_tokens = u->reasoning_tokens;
}

static llmj_status an_emit(an_state *s, llmj__out *o)
{
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj_status st = llmj__lanes_prepare(l, p);
    if (st != LLMJ_OK)
        return st;
    for (size_t i = 0; i < p->nrec; i++) {
        const llmj__rec *r = &p->recs[i];
        llmj__choice *c = NULL;
        llmj__tool *t;
        if (r->choice >= 0 && !(c = llmj__lanes_choice(l, r->choice, 1)))
            return LLMJ_TOO_LONG;
        st = LLMJ_OK;
        switch (r->kind) {
        case LLMJ__R_ANNOUNCE:
            st = llmj__emit_announce(o, c);
            break;
        case R_TEXT:
            st = llmj__emit_text(o, p, LD_TEXT, c, NULL, &r->s[0]);
            break;
        case R_BEGIN:
            if (!(t = llmj__lanes_new_tool(l, 0, r->key, 0)))
                return LLMJ_TOO_LONG;
            st = llmj__emit_begin(o, p, c, t, &r->s[0], &r->s[1]);
            break;
        case R_BLOCK:
            s->block = r->key;
            s->block_tool = r->flags;
            break;
        case R_ARGS:
            t = llmj__lanes_tool(l, 0, r->key, 0);
            if (!t && r->key == s->block && !s->block_tool)
                break; /* server_tool_use and the like: not the caller's calls */
            if (!t) { /* no content_block_start seen for it */
                if (!(t = llmj__lanes_new_tool(l, 0, r->key, 0)))
                    return LLMJ_TOO_LONG;
                st = llmj__emit_begin(o, p, c, t, NULL, NULL);
            }
            if (st == LLMJ_OK && !t->ended)
                st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[0]);
            break;
        case R_STOP:
            t = llmj__lanes_tool(l, 0, r->key, 0);
            if (t)
                st = llmj__emit_end(o, t);
            break;
        case R_FINISH:
            st = llmj__emit_finish(o, p, l, c, an_map(llmj__pk_sptr(p, &r->s[0]), r->s[0].len),
                                   &r->s[0], NULL, 0);
            break;
        case R_USAGE:
            merge(&s->usage, &r->usage);
            st = llmj__emit_usage(o, &s->usage);
            break;
        case R_ERROR:
            st = llmj__emit_error(o, p, &r->s[0], &r->s[1], NULL);
            break;
        case R_DONE:
            st = llmj__emit_done(o, l);
            break;
        default:
            break;
        }
        if (st != LLMJ_OK)
            return st;
    }
    return LLMJ_OK;
}

static llmj_status an_create(void **state, const llmj_allocator *a, const llmj_config *cfg)
{
    llmj_status st = llmj__dstate_new(state, sizeof(an_state), a, cfg);
    if (st != LLMJ_OK)
        return st;
    an_state *s = *state;
    llmj__usage_none(&s->usage);
    s->block = -1;
    return LLMJ_OK;
}

static llmj_status an_event(void *state, const char *type, size_t type_len, const char *data,
                            size_t data_len, ld_emit emit, void *ctx)
{
    an_state *s = state;
    llmj__out o = { emit, ctx };
    memset(&s->type, 0, sizeof s->type);
    memset(&s->btype, 0, sizeof s->btype);
    memset(&s->bid, 0, sizeof s->bid);
    memset(&s->bname, 0, sizeof s->bname);
    memset(&s->btext, 0, sizeof s->btext);
    memset(&s->dtype, 0, sizeof s->dtype);
    memset(&s->dtext, 0, sizeof s->dtext);
    memset(&s->djson, 0, sizeof s->djson);
    memset(&s->stop, 0, sizeof s->stop);
    memset(&s->emsg, 0, sizeof s->emsg);
    memset(&s->etype, 0, sizeof s->etype);
    s->index = 0;
    s->has_usage = 0;
    llmj__usage_none(&s->u);
    int empty;
    llmj_status st = llmj__pk_parse(&s->d.pk, data, data_len, an_value, s, &empty);
    if (st == LLMJ_BAD_EVENT && llmj__is_type(type, type_len, "error"))
        return llmj__emit_raw_error(&o, data, data_len);
    if (st != LLMJ_OK || empty)
        return st;
    if (!s->type.set && type && type_len) {
        /* no "type" in the JSON: the SSE event name says it */
        s->type.ptr = type;
        s->type.len = type_len;
        s->type.set = 1;
    }
    if ((st = an_records(s)) != LLMJ_OK)
        return st;
    return an_emit(s, &o);
}

static int an_known(const char *t, size_t n)
{
    static const char *const names[] = { "message_start", "content_block_start",
                                         "content_block_delta", "content_block_stop",
                                         "message_delta", "message_stop" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (llmj__eq(t, n, names[i]))
            return 1;
    return 0;
}

static int an_sniff(const char *type, size_t type_len, const char *data, size_t data_len)
{
    if (type && an_known(type, type_len))
        return 2;
    const char *v;
    size_t n;
    if (llmj__skim(data, data_len, "type", &v, &n) && n >= 2 && v[0] == '"') {
        if (an_known(v + 1, n - 2))
            return 2;
        if (llmj__eq(v + 1, n - 2, "ping"))
            return 1;
        if (llmj__eq(v + 1, n - 2, "error") && !llmj__skim(data, data_len, "sequence_number", &v, &n))
            return 1;
    }
    if (llmj__is_type(type, type_len, "ping"))
        return 1;
    return 0;
}

const ld_ops llmj__dialect_anthropic = {
    LLMJ_DIALECT_ANTHROPIC, an_create, llmj__dstate_free, an_event, an_sniff, llmj__dstate_message
};
