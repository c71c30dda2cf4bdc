/* Anthropic Messages streaming events: docs/providers.md, "Anthropic Messages".
 *
 * One choice (0). message_start (usage; tool_use and text blocks already in
 * message.content), content_block_start (tool_use: id, name, and its input
 * when it is not the empty {} placeholder: then whole, with no deltas;
 * thinking and redacted_thinking begin a reasoning part; tool number = order
 * of tool_use blocks), content_block_delta (text_delta -> text,
 * input_json_delta -> tool arguments, thinking_delta -> reasoning,
 * signature_delta -> the reasoning's signature; citations deltas are not
 * items), content_block_stop (ends a tool_use block: a call with no input
 * at all gets {}; input_json_delta of other blocks, like server_tool_use, is
 * not an item), message_delta (stop_reason, cumulative usage), message_stop
 * (done), ping (nothing, anywhere), error (in-band error).
 *
 * A message_start while a message is open (no message_stop since the last)
 * is a spliced stream: an error (type "invalid_stream"), and every event
 * after it is ignored. A message_start after message_stop (recordings of
 * several turns, back to back) goes on in the same choice: its blocks and
 * tool calls follow the earlier ones, and its finish reason replaces theirs.
 *
 * The JSON "type" names the event (the SSE event name when it is missing);
 * unknown events are ignored. Usage is merged across message_start and
 * message_delta: input_tokens, output_tokens, cache_read_input_tokens as
 * cached_tokens (Anthropic's input_tokens excludes cached tokens). */
#include "pick.h"

#include <string.h>

enum { R_BLOCK = 1, R_BEGIN, R_ARGS, R_STOP, R_FINISH, R_USAGE, R_START, R_SPLICED, R_WHOLE, R_END,
       R_SBEGIN, R_SRESULT, R_EXTRA };

typedef struct an_state {
    llmj__dstate d; /* first: picker and lanes */
    llmj_usage usage; /* merged so far */
    int64_t block;    /* the last content block started, -1 before any */
    int block_tool;   /* it is a tool_use block */
    int block_server; /* it is a server_tool_use / mcp_tool_use block */
    size_t snum;      /* its server tool number */
    int sinput;       /* some input came for it */
    size_t nserver;   /* server tools numbered so far */
    int open;         /* a message_start came, its message_stop not yet */
    int spliced;      /* a message_start came while a message was open */
    /* the event being parsed */
    llmj__str type;
    int64_t index;
    llmj__str btype, bid, bname, btext, binput, bthink, bsig, bdata; /* content_block */
    size_t binput_at;
    llmj__str dtype, dtext, djson, dthink, dsig, stop; /* delta */
    llmj__str buse, bctype, dstopseq, tier;           /* result block's tool_use_id, content.type */
    int berror;                                       /* content_block.is_error: true */
    llmj__str cite, ctype, curl, ctitle, cdoc;         /* delta.citation */
    size_t cite_at;
    /* message_start's message.content[] element */
    llmj__str mtype, mid, mname, mtext, minput;
    size_t minput_at;
    int has_usage;
    llmj_usage u;
    llmj__str emsg, etype;
} an_state;

static llmj_finish an_map(const char *s, size_t n)
{
    if (llmj__eq(s, n, "end_turn") || llmj__eq(s, n, "stop_sequence"))
        return LLMJ_FINISH_STOP;
    if (llmj__eq(s, n, "pause_turn"))
        return LLMJ_FINISH_PAUSE_TURN;
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

/* The input {} that tool_use blocks start with, to be filled by deltas. */
static int placeholder(const llmj__pk *p, const llmj__str *in)
{
    const char *t = llmj__pk_sptr(p, in);
    size_t n = in->len, i = 0;
    while (i < n && llmj__ws(t[i]))
        i++;
    if (i == n || t[i++] != '{')
        return 0;
    while (i < n && llmj__ws(t[i]))
        i++;
    return i + 1 == n && t[i] == '}';
}

/* A block for a tool the provider runs itself. */
static int server_block(const llmj__pk *p, const llmj__str *t)
{
    return llmj__pk_seq(p, t, "server_tool_use") || llmj__pk_seq(p, t, "mcp_tool_use");
}

/* A block holding such a tool's result (web_search_tool_result,
 * mcp_tool_result, bash_code_execution_tool_result, ...). */
static int result_block(const llmj__pk *p, const llmj__str *t)
{
    return t->set && t->len > 12 &&
           memcmp(llmj__pk_sptr(p, t) + t->len - 12, "_tool_result", 12) == 0;
}

/* A tool_use or text block of message_start's message.content ends. */
static llmj_status message_block(an_state *s, llmj__pk *p)
{
    llmj__rec *r;
    if (llmj__pk_seq(p, &s->mtype, "tool_use")) {
        if (!(r = llmj__pk_push(p, R_WHOLE)))
            return LLMJ_NOMEM;
        r->choice = 0;
        r->key = -1;
        r->flags = LLMJ__REC_TOOL;
        r->s[0] = s->mid;
        r->s[1] = s->mname;
        r->s[2] = s->minput;
    } else if (llmj__pk_seq(p, &s->mtype, "text") && s->mtext.set && s->mtext.len) {
        if (!(r = llmj__pk_push(p, LLMJ__R_TEXT)))
            return LLMJ_NOMEM;
        r->choice = 0;
        r->s[0] = s->mtext;
    }
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
    if (IS(nested ? "message.usage.service_tier" : "usage.service_tier"))
        return v->type == LLMJ__PK_STRING ? KEEP(s->tier) : LLMJ_OK;
    for (int i = 0; i < 3; i++) {
        if (IS(keys[nested][i])) {
            s->has_usage = 1;
            return llmj__pk_count(v, dst[i]);
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
        if (IS("content_block.thinking"))
            return T(STRING) ? KEEP(s->bthink) : LLMJ_OK;
        if (IS("content_block.signature"))
            return T(STRING) ? KEEP(s->bsig) : LLMJ_OK;
        if (IS("content_block.data"))
            return T(STRING) ? KEEP(s->bdata) : LLMJ_OK;
        if (IS("content_block.input"))
            return llmj__pk_span(p, v, &s->binput_at, &s->binput,
                                 "content_block.input: cannot locate the value");
        if (IS("content_block.tool_use_id"))
            return T(STRING) ? KEEP(s->buse) : LLMJ_OK;
        if (IS("content_block.is_error")) {
            s->berror = T(BOOL) && v->boolean;
            return LLMJ_OK;
        }
        if (IS("delta.stop_sequence"))
            return T(STRING) ? KEEP(s->dstopseq) : LLMJ_OK;
        if (IS("delta.citation"))
            return llmj__pk_span(p, v, &s->cite_at, &s->cite, "delta.citation: cannot locate it");
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
        if (IS("delta.thinking")) {
            if (!T(STRING))
                return llmj__pk_bad(p, "delta.thinking is not a string");
            return KEEP(s->dthink);
        }
        if (IS("delta.signature"))
            return T(STRING) ? KEEP(s->dsig) : LLMJ_OK;
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
    if (d == 3) {
        if (IS("content_block.content.type"))
            return T(STRING) ? KEEP(s->bctype) : LLMJ_OK;
        if (IS("delta.citation.type"))
            return T(STRING) ? KEEP(s->ctype) : LLMJ_OK;
        if (IS("delta.citation.url"))
            return T(STRING) ? KEEP(s->curl) : LLMJ_OK;
        if (IS("delta.citation.title"))
            return T(STRING) ? KEEP(s->ctitle) : LLMJ_OK;
        if (IS("delta.citation.document_title"))
            return T(STRING) ? KEEP(s->cdoc) : LLMJ_OK;
        if (IS("message.content.#")) {
            if (T(MAP)) {
                memset(&s->mtype, 0, sizeof s->mtype);
                s->mid = s->mname = s->mtext = s->minput = s->mtype;
                s->minput_at = 0;
            } else if (T(END_MAP)) {
                return message_block(s, p);
            }
            return LLMJ_OK;
        }
        return usage_value(s, p, v, 1);
    }
    if (d == 4) {
        if (IS("message.content.#.type"))
            return KEEP(s->mtype);
        if (IS("message.content.#.id"))
            return KEEP(s->mid);
        if (IS("message.content.#.name"))
            return KEEP(s->mname);
        if (IS("message.content.#.text"))
            return T(STRING) ? KEEP(s->mtext) : LLMJ_OK;
        if (IS("message.content.#.input"))
            return llmj__pk_span(p, v, &s->minput_at, &s->minput,
                                 "message.content[].input: cannot locate the value");
    }
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
    size_t blocks = p->nrec; /* message_start's content, pushed while parsing */
#define PUSH(k)                        \
    do {                               \
        if (!(r = llmj__pk_push(p, k))) \
            return LLMJ_NOMEM;         \
        r->choice = 0;                 \
        r->key = s->index;             \
    } while (0)
    if (an_type_is(s, "message_start") && s->open) {
        p->nrec = 0; /* none of the second message's blocks */
        PUSH(R_SPLICED);
        r->choice = -1;
    } else if (an_type_is(s, "message_start")) {
        PUSH(R_START);
        if (s->has_usage) {
            PUSH(R_USAGE);
            r->choice = -1;
            r->usage = s->u;
        }
        /* the start first, the blocks of message.content after it */
        if (blocks) {
            size_t n = p->nrec - blocks; /* R_START and R_USAGE */
            llmj__rec head[2];
            memcpy(head, &p->recs[blocks], n * sizeof *head);
            memmove(&p->recs[n], &p->recs[0], blocks * sizeof *p->recs);
            memcpy(&p->recs[0], head, n * sizeof *head);
        }
    } else if (an_type_is(s, "content_block_start")) {
        PUSH(R_BLOCK);
        r->flags = llmj__pk_seq(p, &s->btype, "tool_use");
        if (server_block(p, &s->btype)) {
            PUSH(R_SBEGIN);
            r->s[0] = s->bid;
            r->s[1] = s->bname;
            if (s->binput.set && !placeholder(p, &s->binput))
                r->s[2] = s->binput;
            r->s[3] = s->btype;
        } else if (result_block(p, &s->btype)) {
            PUSH(R_SRESULT);
            r->s[0] = s->buse;
            r->s[3] = s->btype;
            r->flags = s->berror || (s->bctype.set && s->bctype.len >= 6 &&
                                     memcmp(llmj__pk_sptr(p, &s->bctype) + s->bctype.len - 6,
                                            "_error", 6) == 0);
        } else if (r->flags) {
            PUSH(R_BEGIN);
            r->flags = LLMJ__REC_TOOL;
            r->s[0] = s->bid;
            r->s[1] = s->bname;
            if (s->binput.set && !placeholder(p, &s->binput))
                r->s[2] = s->binput;
        } else if (llmj__pk_seq(p, &s->btype, "thinking")) {
            PUSH(LLMJ__R_RPART);
            PUSH(LLMJ__R_REASONING);
            r->s[0] = s->bthink;
            PUSH(LLMJ__R_SIGNATURE);
            r->s[0] = s->bsig;
        } else if (llmj__pk_seq(p, &s->btype, "redacted_thinking")) {
            PUSH(LLMJ__R_RPART);
            PUSH(LLMJ__R_REDACTED);
            r->s[0] = s->bdata;
        } else if (s->btext.set && s->btext.len &&
                   (!s->btype.set || llmj__pk_seq(p, &s->btype, "text"))) {
            PUSH(LLMJ__R_TEXT);
            r->s[0] = s->btext;
        }
    } else if (an_type_is(s, "content_block_delta")) {
        if (s->dtext.set && (!s->dtype.set || llmj__pk_seq(p, &s->dtype, "text_delta"))) {
            PUSH(LLMJ__R_TEXT);
            r->s[0] = s->dtext;
        } else if (s->djson.set &&
                   (!s->dtype.set || llmj__pk_seq(p, &s->dtype, "input_json_delta"))) {
            PUSH(R_ARGS);
            r->flags = LLMJ__REC_TOOL | LLMJ__REC_TOOL_KEY;
            r->s[0] = s->djson;
        } else if (s->dthink.set) {
            PUSH(LLMJ__R_REASONING);
            r->s[0] = s->dthink;
        } else if (s->dsig.set) {
            PUSH(LLMJ__R_SIGNATURE);
            r->s[0] = s->dsig;
        } else if (s->cite.set) {
            PUSH(R_EXTRA);
            r->num = LD_CITATION;
            r->s[0] = s->cite;
            r->s[1] = s->ctype;
            r->s[2] = s->curl;
            r->s[3] = s->ctitle.set ? s->ctitle : s->cdoc;
        }
    } else if (an_type_is(s, "content_block_stop")) {
        PUSH(R_STOP);
    } else if (an_type_is(s, "message_delta")) {
        if (s->dstopseq.set) {
            PUSH(R_EXTRA);
            r->num = LD_STOP_SEQUENCE;
            r->s[0] = s->dstopseq;
        }
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
        PUSH(R_END);
        r->choice = -1;
    } else if (an_type_is(s, "error")) {
        PUSH(LLMJ__R_ERROR);
        r->choice = -1;
        r->s[0] = s->emsg;
        r->s[1] = s->etype;
    }
    if (s->tier.set && s->tier.len) {
        PUSH(R_EXTRA);
        r->choice = -1;
        r->num = LD_SERVICE_TIER;
        r->s[0] = s->tier;
    }
#undef PUSH
    return LLMJ_OK;
}

/* A tool call whose whole input came at once (input: its text, unset: {}). */
static llmj_status whole_call(an_state *s, llmj__out *o, llmj__choice *c, const llmj__rec *r)
{
    llmj__pk *p = &s->d.pk;
    llmj__tool *t = llmj__lanes_new_tool(&s->d.lanes, 0, r->key, 0);
    if (!t)
        return LLMJ_TOO_LONG;
    llmj_status st = llmj__emit_begin(o, p, c, t, &r->s[0], &r->s[1]);
    if (st == LLMJ_OK)
        st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[2]);
    return st == LLMJ_OK ? llmj__emit_end(o, t) : st;
}

static llmj_status an_record(void *state, llmj__out *o, const llmj__rec *r, llmj__choice *c)
{
    an_state *s = state;
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj__tool *t;
    llmj_status st = LLMJ_OK;
    switch (r->kind) {
    case R_START:
        /* a later message of a recording of several goes on in choice 0 */
        llmj__lanes_retire(l, 0);
        c->finished = 0;
        s->open = 1;
        s->block = -1;
        return llmj__emit_announce(o, c);
    case R_SPLICED: {
        llmj__str msg = llmj__str_lit("a message_start while a message is open: the stream "
                                      "holds two responses spliced together");
        llmj__str type = llmj__str_lit("invalid_stream");
        s->spliced = 1;
        return llmj__emit_error(o, p, &msg, &type, NULL);
    }
    case R_WHOLE:
        return whole_call(s, o, c, r);
    case R_END:
        s->open = 0;
        return llmj__emit_done(o, l);
    case R_BEGIN:
        if (!(t = llmj__lanes_new_tool(l, 0, r->key, 0)))
            return LLMJ_TOO_LONG;
        st = llmj__emit_begin(o, p, c, t, &r->s[0], &r->s[1]);
        if (st == LLMJ_OK && r->s[2].set) {
            t->whole = 1; /* its input came whole: deltas would repeat it */
            st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[2]);
        }
        return st;
    case R_BLOCK:
        s->block = r->key;
        s->block_tool = r->flags;
        s->block_server = 0;
        return LLMJ_OK;
    case R_SBEGIN: {
        llmj__str st_lit = llmj__str_lit("in_progress");
        s->block_server = 1;
        s->snum = s->nserver++;
        s->sinput = r->s[2].set;
        return llmj__emit_server(o, p, c, s->snum, &r->s[0], &r->s[1], &r->s[3], &st_lit,
                                 &r->s[2], LD_F_TELL | (r->s[2].set ? LD_F_WHOLE : 0));
    }
    case R_SRESULT: {
        llmj__str st_lit = llmj__str_lit(r->flags ? "error" : "completed");
        return llmj__emit_server(o, p, c, SIZE_MAX, &r->s[0], NULL, &r->s[3], &st_lit, NULL,
                                 LD_F_RESULT | LD_F_TELL);
    }
    case R_EXTRA:
        return llmj__emit_extra(o, p, (ld_kind)r->num, c, 0, r->s);
    case R_ARGS:
        t = llmj__lanes_tool(l, 0, r->key, 0);
        if (!t && r->key == s->block && s->block_server) {
            /* a server tool's input: reported apart, not a call */
            if (!r->s[0].len)
                return LLMJ_OK;
            s->sinput = 1;
            return llmj__emit_server(o, p, c, s->snum, NULL, NULL, NULL, NULL, &r->s[0], 0);
        }
        if (!t && r->key == s->block && !s->block_tool)
            return LLMJ_OK; /* other blocks' input: not the caller's calls */
        if (!t) { /* no content_block_start seen for it */
            if (!(t = llmj__lanes_new_tool(l, 0, r->key, 0)))
                return LLMJ_TOO_LONG;
            st = llmj__emit_begin(o, p, c, t, NULL, NULL);
        }
        if (st == LLMJ_OK && !t->ended && !t->whole)
            st = llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[0]);
        return st;
    case R_STOP:
        if (r->key == s->block && s->block_server) { /* its input is whole */
            llmj__str none = llmj__str_lit("{}");
            s->block_server = 0;
            return llmj__emit_server(o, p, c, s->snum, NULL, NULL, NULL, NULL,
                                     s->sinput ? NULL : &none,
                                     LD_F_TELL | (s->sinput ? 0 : LD_F_WHOLE));
        }
        t = llmj__lanes_tool(l, 0, r->key, 0);
        return t ? llmj__emit_end(o, t) : LLMJ_OK;
    case R_FINISH:
        return llmj__emit_finish(o, p, l, c, an_map(llmj__pk_sptr(p, &r->s[0]), r->s[0].len),
                                 &r->s[0], NULL, 0);
    case R_USAGE:
        llmj__usage_merge(&s->usage, &r->usage);
        return llmj__emit_usage(o, &s->usage);
    default:
        return LLMJ_OK;
    }
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
    if (s->spliced)
        return LLMJ_OK; /* nothing after a spliced message_start is read */
    llmj__str *clear[] = { &s->type,  &s->btype, &s->bid,   &s->bname, &s->btext, &s->binput,
                           &s->bthink, &s->bsig, &s->bdata, &s->dtype, &s->dtext, &s->djson,
                           &s->dthink, &s->dsig, &s->stop,  &s->emsg,  &s->etype,
                           &s->buse,   &s->bctype, &s->dstopseq, &s->tier, &s->cite,
                           &s->ctype,  &s->curl, &s->ctitle, &s->cdoc };
    for (size_t i = 0; i < sizeof clear / sizeof *clear; i++)
        memset(clear[i], 0, sizeof *clear[i]);
    s->binput_at = 0;
    s->cite_at = 0;
    s->berror = 0;
    s->index = 0;
    s->has_usage = 0;
    llmj__usage_none(&s->u);
    int raw, go;
    llmj_status st = llmj__parse_event(&s->d, type, type_len, data, data_len, an_value, s, &o,
                                       &raw, &go);
    if (!go)
        return st;
    if (!s->type.set && type && type_len)
        s->type = llmj__str_of(type, type_len); /* no "type" in the JSON: the SSE event name */
    if ((st = an_records(s)) != LLMJ_OK)
        return st;
    return llmj__emit_records(&s->d, &o, an_record, s);
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
    LLMJ_DIALECT_ANTHROPIC, an_create, llmj__dstate_free, an_event, an_sniff, llmj__dstate_message,
    llmj__dstate_rest
};
