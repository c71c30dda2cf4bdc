/* OpenAI Chat Completions streaming chunks, and the servers that copy them
 * (Azure, vLLM, llama-server, DeepSeek, OpenRouter, Groq, Mistral, Z.ai,
 * Together, Snowflake, Ollama /v1, ...): docs/providers.md,
 * "OpenAI Chat Completions".
 *
 * Per choice (choices[].index; its position when absent): delta.content
 * (a string, or Mistral's array of typed parts: the "text" parts), delta.
 * refusal (an empty string is no refusal), delta.tool_calls[] keyed by their
 * index (a new id at the same index starts a new call; an id and name sent
 * again are ignored, a name or id first sent in a later chunk is taken),
 * the legacy delta.function_call, finish_reason (once per
 * choice). Usage wherever a chunk carries it; in-band errors ({"error":{..}},
 * {"error":"..."}, beside choices, or flat {"object":"error",...}); data
 * [DONE]. Reasoning: delta.reasoning_content, else delta.reasoning (servers
 * that send both send the same text: it is taken once, and reasoning_content
 * wins when they differ), and Mistral's content parts of type "thinking"
 * (their thinking[].text), interleaved with the text parts. Extras: logprobs.
 * content[] entries, service_tier, Perplexity / xAI citations, a tool call's
 * extra_content.google.thought_signature, vLLM's stop_reason when it is a
 * string (the stop sequence matched). */
#include "pick.h"

#include <string.h>

enum { R_TOOL = 1, R_FINISH, R_EXTRA };

#define LLMJ__OC_SHAPE 256 /* bytes kept of the fast path's last plain chunk */

#define F_HAS_INDEX 1

typedef struct oc_state {
    llmj__dstate d; /* first: picker and lanes */
    /* the event being parsed */
    size_t rec0;      /* first record of the current choice */
    int64_t cindex;   /* its index, -1 until seen */
    llmj__str finish; /* its finish_reason */
    int64_t tindex;   /* current tool call: index, -1 until seen */
    llmj__str tid, tname, targs, tsig; /* tsig: extra_content.google.thought_signature */
    size_t lp_at; /* a logprobs.content[] element: where it began */
    size_t targs_at;  /* arguments given as an object: where it began */
    llmj__str ptext, ptype; /* current content part */
    int64_t rrec;      /* the delta's reasoning record, -1: none yet */
    int rrec_content;  /* it holds reasoning_content */
    int has_usage;
    llmj_usage u;
    int64_t cache_hit;
    int has_error;
    int error_event; /* the SSE event type was "error" */
    llmj__str emsg, etype, ecode;
    llmj__str object, fmsg, ftype, fcode;
    llmj__yj check;  /* the fast path's yajl without callbacks (its handle
                        made on first use, dropped between events) */
    int walk_only;   /* no fast path (llmj__dialect_openai_chat_walk) */
    /* the fast path's last plain chunk (one choice, a content string and
     * nothing else to emit): its bytes before and after the content string
     * (pre, then suf), and its choice; pre + suf == 0: none. When the chunk
     * had one top-level "obfuscation" string after the content (OpenAI pads
     * each chunk with a random one), that string is a second hole: the
     * bytes after the content are mid bytes, the string, then suf bytes. */
    size_t cs, ce; /* the current event's content string (ce == 0: none) */
    size_t os, oe; /* its obfuscation string (oe == 0: none; SIZE_MAX: two) */
    size_t pre, mid, suf;
    int64_t shape_ci;
    char shape[LLMJ__OC_SHAPE];
} oc_state;

static llmj_finish oc_map(const char *s, size_t n)
{
    if (llmj__eq(s, n, "stop"))
        return LLMJ_FINISH_STOP;
    if (llmj__eq(s, n, "length") || llmj__eq(s, n, "model_length"))
        return LLMJ_FINISH_LENGTH;
    if (llmj__eq(s, n, "tool_calls") || llmj__eq(s, n, "function_call"))
        return LLMJ_FINISH_TOOL_CALLS;
    if (llmj__eq(s, n, "content_filter"))
        return LLMJ_FINISH_CONTENT_FILTER;
    if (llmj__eq(s, n, "error") || llmj__eq(s, n, "insufficient_system_resource"))
        return LLMJ_FINISH_ERROR;
    return LLMJ_FINISH_UNKNOWN;
}

/* The keys matched, by id (llmj__pk_keys): paths are matched by comparing
 * ids level by level instead of key text. */
enum {
    K_CHOICES = 1, K_USAGE, K_ERROR, K_OBJECT, K_MESSAGE, K_TYPE, K_CODE,
    K_PROMPT_TOKENS, K_COMPLETION_TOKENS, K_TOTAL_TOKENS, K_PROMPT_CACHE_HIT_TOKENS,
    K_PROMPT_TOKENS_DETAILS, K_CACHED_TOKENS, K_COMPLETION_TOKENS_DETAILS,
    K_REASONING_TOKENS, K_INDEX, K_FINISH_REASON, K_DELTA, K_CONTENT, K_REFUSAL,
    K_TOOL_CALLS, K_FUNCTION_CALL, K_TEXT, K_NAME, K_ARGUMENTS, K_ID, K_FUNCTION,
    K_REASONING_CONTENT, K_REASONING, K_THINKING, K_LOGPROBS, K_SERVICE_TIER, K_CITATIONS,
    K_EXTRA_CONTENT, K_GOOGLE, K_THOUGHT_SIGNATURE, K_STOP_REASON, K_OBFUSCATION
};

static const char *const oc_keys[] = {
    "choices", "usage", "error", "object", "message", "type", "code",
    "prompt_tokens", "completion_tokens", "total_tokens", "prompt_cache_hit_tokens",
    "prompt_tokens_details", "cached_tokens", "completion_tokens_details",
    "reasoning_tokens", "index", "finish_reason", "delta", "content", "refusal",
    "tool_calls", "function_call", "text", "name", "arguments", "id", "function",
    "reasoning_content", "reasoning", "thinking", "logprobs", "service_tier", "citations",
    "extra_content", "google", "thought_signature", "stop_reason", "obfuscation"
};

#define T(x) (v->type == LLMJ__PK_##x)
#define KEEP(dst) llmj__pk_keep(p, v, &(dst))
/* path level l is key K_x / an array element */
#define K(l, x) (llmj__pk_kid(p, l) == K_##x)
#define A(l) llmj__pk_arr(p, l)

static llmj_status push_text(oc_state *s, int kind, const llmj__str *str)
{
    llmj__rec *r = llmj__pk_push(&s->d.pk, kind);
    if (!r)
        return LLMJ_NOMEM;
    r->s[0] = *str;
    return LLMJ_OK;
}

/* A tool_calls[] element or the legacy function_call ends. */
static llmj_status push_tool(oc_state *s, int64_t key, int has_index)
{
    llmj__rec *r = llmj__pk_push(&s->d.pk, R_TOOL);
    if (!r)
        return LLMJ_NOMEM;
    r->key = key;
    r->flags = LLMJ__REC_TOOL | (has_index ? F_HAS_INDEX | LLMJ__REC_TOOL_KEY : LLMJ__REC_TOOL_LAST);
    r->s[0] = s->tid;
    r->s[1] = s->tname;
    r->s[2] = s->targs;
    r->s[3] = s->tsig;
    return LLMJ_OK;
}

/* An extra (citation, logprob entry, service tier): kind, and s[0..3] as
 * llmj__emit_extra takes them. */
static llmj_status push_extra(llmj__pk *p, ld_kind kind, int64_t choice, const llmj__str *text,
                              const llmj__str *type, const llmj__str *source)
{
    llmj__rec *r = llmj__pk_push(p, R_EXTRA);
    if (!r)
        return LLMJ_NOMEM;
    r->num = kind;
    r->choice = choice;
    r->s[0] = *text;
    if (type)
        r->s[1] = *type;
    if (source)
        r->s[2] = *source;
    return LLMJ_OK;
}

/* A bare URL of a top-level citations array (Perplexity, xAI): a citation
 * of choice 0, its JSON the string as sent. */
static llmj_status url_citation(llmj__pk *p, const llmj__pk_val *v)
{
    const char *raw;
    size_t n;
    llmj__str url, json;
    if (v->type != LLMJ__PK_STRING || llmj__pk_raw(p, v, &raw, &n) != 0)
        return LLMJ_OK;
    llmj_status st = llmj__pk_keep(p, v, &url);
    if (st != LLMJ_OK)
        return st;
    json = llmj__str_of(raw - 1, n + 2);
    llmj__str type = llmj__str_lit("url");
    return push_extra(p, LD_CITATION, 0, &json, &type, &url);
}

static void tool_reset(oc_state *s)
{
    s->tindex = -1;
    s->targs_at = 0;
    memset(&s->tid, 0, sizeof s->tid);
    memset(&s->tname, 0, sizeof s->tname);
    memset(&s->targs, 0, sizeof s->targs);
    memset(&s->tsig, 0, sizeof s->tsig);
}

/* function.arguments given as a JSON object or array: keep its text. */
static llmj_status args_container(oc_state *s, llmj__pk *p, const llmj__pk_val *v)
{
    return llmj__pk_span(p, v, &s->targs_at, &s->targs,
                         "tool call arguments: cannot locate the value");
}

/* delta.reasoning_content (content 1) or delta.reasoning: one record per
 * delta, reasoning_content's text when both came. */
static llmj_status reasoning(oc_state *s, llmj__pk *p, const llmj__pk_val *v, int content)
{
    if (T(NULL))
        return LLMJ_OK;
    if (!T(STRING))
        return LLMJ_OK; /* some servers send other shapes: not read */
    if (s->rrec >= 0) {
        if (!content || s->rrec_content)
            return LLMJ_OK; /* the same text twice, or reasoning_content already */
        s->rrec_content = 1;
        return KEEP(p->recs[s->rrec].s[0]);
    }
    llmj__str t;
    llmj_status st = KEEP(t);
    if (st != LLMJ_OK)
        return st;
    s->rrec = (int64_t)p->nrec;
    s->rrec_content = content;
    return push_text(s, LLMJ__R_REASONING, &t);
}

static llmj_status oc_value(void *ctx, llmj__pk *p, const llmj__pk_val *v)
{
    oc_state *s = ctx;
    size_t d = llmj__pk_depth(p);
    if (d == 0) {
        if (T(MAP))
            return LLMJ_OK;
        if (!T(END_MAP))
            return llmj__pk_bad(p, "event payload is not a JSON object");
        /* the chunk ends: usage and errors after its choices */
        if (s->has_usage && llmj__usage_any(&s->u)) {
            llmj__rec *r = llmj__pk_push(p, LLMJ__R_USAGE);
            if (!r)
                return LLMJ_NOMEM;
            if (s->u.cached_tokens < 0 && s->cache_hit >= 0)
                s->u.cached_tokens = s->cache_hit;
            r->usage = s->u;
        }
        if (s->has_error || llmj__pk_seq(p, &s->object, "error") || s->error_event) {
            llmj__rec *r = llmj__pk_push(p, LLMJ__R_ERROR);
            if (!r)
                return LLMJ_NOMEM;
            if (s->has_error) {
                r->s[0] = s->emsg;
                r->s[1] = s->etype;
                r->s[2] = s->ecode;
            } else {
                r->s[0] = s->fmsg;
                r->s[1] = s->ftype;
                r->s[2] = s->fcode;
            }
        }
        return LLMJ_OK;
    }
    if (d == 1) {
        switch (llmj__pk_kid(p, 0)) {
        case K_CHOICES:
            if (!(T(ARRAY) || T(END_ARRAY) || T(NULL)))
                return llmj__pk_bad(p, "choices is not an array");
            break;
        case K_USAGE:
            if (T(MAP)) {
                s->has_usage = 1;
                llmj__usage_none(&s->u);
                s->cache_hit = -1;
            } else if (!(T(END_MAP) || T(NULL))) {
                return llmj__pk_bad(p, "usage is not an object");
            }
            break;
        case K_ERROR:
            if (T(MAP)) {
                s->has_error = 1;
            } else if (T(STRING)) {
                s->has_error = 1;
                return KEEP(s->emsg);
            }
            break;
        case K_OBJECT:
            return KEEP(s->object);
        case K_MESSAGE:
            return KEEP(s->fmsg);
        case K_TYPE:
            return KEEP(s->ftype);
        case K_CODE:
            return KEEP(s->fcode);
        case K_SERVICE_TIER:
            if (T(STRING)) {
                llmj__str t;
                llmj_status st = KEEP(t);
                return st ? st : push_extra(p, LD_SERVICE_TIER, -1, &t, NULL, NULL);
            }
            break;
        default:
            break;
        }
        return LLMJ_OK;
    }
    /* below choices[] */
    if (!K(0, CHOICES)) {
        if (d == 2 && K(0, CITATIONS) && A(1))
            return url_citation(p, v);
        if (d == 2) {
            if (K(0, USAGE)) {
                switch (llmj__pk_kid(p, 1)) {
                case K_PROMPT_TOKENS:
                    return llmj__pk_count(v, &s->u.input_tokens);
                case K_COMPLETION_TOKENS:
                    return llmj__pk_count(v, &s->u.output_tokens);
                case K_TOTAL_TOKENS:
                    return llmj__pk_count(v, &s->u.total_tokens);
                case K_PROMPT_CACHE_HIT_TOKENS:
                    return llmj__pk_count(v, &s->cache_hit);
                default:
                    break;
                }
            } else if (K(0, ERROR)) {
                switch (llmj__pk_kid(p, 1)) {
                case K_MESSAGE:
                    return KEEP(s->emsg);
                case K_TYPE:
                    return KEEP(s->etype);
                case K_CODE:
                    return KEEP(s->ecode);
                default:
                    break;
                }
            }
        } else if (d == 3 && K(0, USAGE)) {
            if (K(1, PROMPT_TOKENS_DETAILS) && K(2, CACHED_TOKENS))
                return llmj__pk_count(v, &s->u.cached_tokens);
            if (K(1, COMPLETION_TOKENS_DETAILS) && K(2, REASONING_TOKENS))
                return llmj__pk_count(v, &s->u.reasoning_tokens);
        }
        return LLMJ_OK;
    }
    /* choices is an array here (anything else was refused above), so level 1
     * is an element; still checked where a path names it, like a pattern. */
    switch (d) {
    case 2: /* choices.# */
        if (T(MAP)) {
            s->rec0 = p->nrec;
            s->cindex = -1;
            memset(&s->finish, 0, sizeof s->finish);
            return llmj__pk_push(p, LLMJ__R_ANNOUNCE) ? LLMJ_OK : LLMJ_NOMEM;
        }
        if (T(END_MAP)) {
            int64_t ci = s->cindex >= 0 ? s->cindex : llmj__pk_index(p, 1);
            for (size_t i = s->rec0; i < p->nrec; i++)
                p->recs[i].choice = ci;
            if (s->finish.set && s->finish.len) {
                llmj__rec *r = llmj__pk_push(p, R_FINISH);
                if (!r)
                    return LLMJ_NOMEM;
                r->choice = ci;
                r->s[0] = s->finish;
            }
            return LLMJ_OK;
        }
        return llmj__pk_bad(p, "choices[] holds something other than an object");
    case 3:
        if (!A(1))
            return LLMJ_OK;
        switch (llmj__pk_kid(p, 2)) {
        case K_INDEX: {
            int64_t x;
            if (llmj__pk_int(v, &x) != 0 || x < 0)
                return llmj__pk_bad(p, "choices[].index is not a non-negative integer");
            s->cindex = x;
            break;
        }
        case K_FINISH_REASON:
            if (T(STRING))
                return KEEP(s->finish);
            if (!T(NULL))
                return llmj__pk_bad(p, "choices[].finish_reason is not a string");
            break;
        case K_STOP_REASON: /* vLLM: the stop string matched (or a token id: not kept) */
            if (T(STRING)) {
                llmj__str stop;
                memset(&stop, 0, sizeof stop);
                llmj_status st = KEEP(stop);
                return st || !stop.len ? st : push_extra(p, LD_STOP_SEQUENCE, 0, &stop, NULL, NULL);
            }
            break;
        case K_DELTA:
            if (!(T(MAP) || T(END_MAP) || T(NULL)))
                return llmj__pk_bad(p, "choices[].delta is not an object");
            s->rrec = -1;
            break;
        default:
            break;
        }
        return LLMJ_OK;
    case 4:
        if (!A(1) || !K(2, DELTA))
            return LLMJ_OK;
        switch (llmj__pk_kid(p, 3)) {
        case K_CONTENT:
            if (T(STRING)) {
                llmj__str t;
                llmj_status st = KEEP(t);
                return st ? st : push_text(s, LLMJ__R_TEXT, &t);
            }
            if (!(T(NULL) || T(ARRAY) || T(END_ARRAY)))
                return llmj__pk_bad(p, "delta.content is not a string, an array or null");
            break;
        case K_REFUSAL:
            if (T(STRING)) {
                llmj__str t;
                llmj_status st = KEEP(t);
                return st ? st : push_text(s, LLMJ__R_REFUSAL, &t);
            }
            if (!T(NULL))
                return llmj__pk_bad(p, "delta.refusal is not a string or null");
            break;
        case K_TOOL_CALLS:
            if (!(T(ARRAY) || T(END_ARRAY) || T(NULL)))
                return llmj__pk_bad(p, "delta.tool_calls is not an array");
            break;
        case K_REASONING_CONTENT:
            return reasoning(s, p, v, 1);
        case K_REASONING:
            return reasoning(s, p, v, 0);
        case K_FUNCTION_CALL:
            if (T(MAP))
                tool_reset(s);
            else if (T(END_MAP))
                return push_tool(s, -2, 1);
            else if (!T(NULL))
                return llmj__pk_bad(p, "delta.function_call is not an object");
            break;
        default:
            break;
        }
        return LLMJ_OK;
    case 5:
        if (A(1) && K(2, LOGPROBS) && K(3, CONTENT) && A(4)) { /* one token's entry */
            llmj__str e;
            memset(&e, 0, sizeof e);
            llmj_status st = llmj__pk_span(p, v, &s->lp_at, &e, "logprobs.content[]: cannot locate it");
            return st || !e.set ? st : push_extra(p, LD_LOGPROB, 0, &e, NULL, NULL);
        }
        if (!A(1) || !K(2, DELTA))
            return LLMJ_OK;
        if (K(3, CONTENT) && A(4)) {
            if (T(MAP)) {
                memset(&s->ptext, 0, sizeof s->ptext);
                memset(&s->ptype, 0, sizeof s->ptype);
            } else if (T(END_MAP)) {
                if (s->ptext.set && (!s->ptype.set || llmj__pk_seq(p, &s->ptype, "text")))
                    return push_text(s, LLMJ__R_TEXT, &s->ptext);
            } else if (T(STRING)) {
                llmj__str t;
                llmj_status st = KEEP(t);
                return st ? st : push_text(s, LLMJ__R_TEXT, &t);
            }
        } else if (K(3, TOOL_CALLS) && A(4)) {
            if (T(MAP))
                tool_reset(s);
            else if (T(END_MAP))
                return push_tool(s, s->tindex, s->tindex >= 0);
            else
                return llmj__pk_bad(p, "delta.tool_calls[] holds something other than an object");
        } else if (K(3, FUNCTION_CALL) && K(4, NAME)) {
            return KEEP(s->tname);
        } else if (K(3, FUNCTION_CALL) && K(4, ARGUMENTS)) {
            if (T(STRING))
                return KEEP(s->targs);
            if (T(MAP) || T(END_MAP) || T(ARRAY) || T(END_ARRAY))
                return args_container(s, p, v);
        }
        return LLMJ_OK;
    case 6:
        if (!A(1) || !K(2, DELTA) || !A(4))
            return LLMJ_OK;
        if (K(3, CONTENT) && K(5, TEXT)) {
            if (T(STRING))
                return KEEP(s->ptext);
        } else if (K(3, CONTENT) && K(5, TYPE)) {
            return KEEP(s->ptype);
        } else if (K(3, TOOL_CALLS) && K(5, INDEX)) {
            int64_t x;
            if (T(NULL))
                return LLMJ_OK;
            if (llmj__pk_int(v, &x) != 0 || x < 0)
                return llmj__pk_bad(p, "tool_calls[].index is not a non-negative integer");
            s->tindex = x;
        } else if (K(3, TOOL_CALLS) && K(5, ID)) {
            if (T(STRING))
                return KEEP(s->tid);
        }
        return LLMJ_OK;
    case 8: /* Mistral: delta.content[].thinking[].text */
        if (A(1) && K(2, DELTA) && K(3, TOOL_CALLS) && A(4) && K(5, EXTRA_CONTENT) &&
            K(6, GOOGLE) && K(7, THOUGHT_SIGNATURE) && T(STRING))
            return KEEP(s->tsig); /* Gemini's OpenAI compatibility */
        if (A(1) && K(2, DELTA) && K(3, CONTENT) && A(4) && K(5, THINKING) && A(6) &&
            K(7, TEXT) && T(STRING)) {
            llmj__str t;
            llmj_status st = KEEP(t);
            return st ? st : push_text(s, LLMJ__R_REASONING, &t);
        }
        return LLMJ_OK;
    case 7:
        if (!A(1) || !K(2, DELTA) || !K(3, TOOL_CALLS) || !A(4) || !K(5, FUNCTION))
            return LLMJ_OK;
        if (K(6, NAME)) {
            if (T(STRING))
                return KEEP(s->tname);
        } else if (K(6, ARGUMENTS)) {
            if (T(STRING))
                return KEEP(s->targs);
            if (T(MAP) || T(END_MAP) || T(ARRAY) || T(END_ARRAY))
                return args_container(s, p, v);
            if (!T(NULL))
                return llmj__pk_bad(p, "tool call arguments are not a string");
        }
        return LLMJ_OK;
    default:
        return LLMJ_OK;
    }
}

/* ---- the fast path ----------------------------------------------------------
 * The usual chunk, {"id":..,"object":"chat.completion.chunk",..,"choices":[{
 * "index":0,"delta":{"role":..,"content":".."},"finish_reason":null}]}, is
 * skimmed for its few members (llmj__sk_*, key ids looked up once each) and
 * checked whole by yajl without callbacks (no string decoded twice, no
 * callback per token). It makes exactly the records the walk above
 * (oc_value) would make. Whatever else the walk reads — usage, errors, tool
 * calls, reasoning, refusals, logprobs, content parts, stop strings,
 * citations, an escaped key, a key repeated, nesting beyond max_depth, text
 * that is not one JSON object, an out-of-memory — sends the event to the
 * walk, which also gives its messages. */

#define FAST_NO 1    /* not the fast path's: walk the event */
#define FAST_NOMEM 2 /* out of memory */

/* The id of a key the fast path tells apart (0: any other), by its length
 * and bytes (no hashing): exactly the ids llmj__pk_kid_of gives them. */
static unsigned fast_key(const char *k, size_t n)
{
#define IS(lit) (memcmp(k, lit, sizeof lit - 1) == 0)
    switch (n) {
    case 5:
        return IS("index") ? K_INDEX : IS("delta") ? K_DELTA : IS("usage") ? K_USAGE
               : IS("error") ? K_ERROR : 0;
    case 6:
        return IS("object") ? K_OBJECT : 0;
    case 7:
        return IS("content") ? K_CONTENT : IS("choices") ? K_CHOICES : IS("refusal") ? K_REFUSAL : 0;
    case 8:
        return IS("logprobs") ? K_LOGPROBS : 0;
    case 9:
        return IS("reasoning") ? K_REASONING : IS("citations") ? K_CITATIONS : 0;
    case 10:
        return IS("tool_calls") ? K_TOOL_CALLS : 0;
    case 11:
        return IS("stop_reason") ? K_STOP_REASON : IS("obfuscation") ? K_OBFUSCATION : 0;
    case 12:
        return IS("service_tier") ? K_SERVICE_TIER : 0;
    case 13:
        return IS("finish_reason") ? K_FINISH_REASON : IS("function_call") ? K_FUNCTION_CALL : 0;
    case 17:
        return IS("reasoning_content") ? K_REASONING_CONTENT : 0;
    default:
        return 0;
    }
#undef IS
}

/* The next member from *at: 1 with its key's id (fast_key) and *at at its
 * value; 0 at the object's end; FAST_NO otherwise (an escaped key may
 * decode to any key). */
static int fast_member(const char *d, size_t n, size_t *at, unsigned *kid)
{
    const char *k;
    size_t kn;
    int r = llmj__sk_member(d, n, at, &k, &kn);
    if (r == 1)
        *kid = fast_key(k, kn);
    return r == 1 ? 1 : r == 0 ? 0 : -1;
}

/* Past the value at vs (one the fast path does not go into), with the
 * nesting it reaches from level lvl (its container's) into *deep. */
static size_t fast_skip(const char *d, size_t n, size_t vs, size_t lvl, size_t *deep)
{
    size_t nest, end = llmj__sk_value(d, n, vs, &nest);
    if (lvl + nest > *deep)
        *deep = lvl + nest;
    return end;
}

/* The string value d[vs..ve) kept (decoded as the walk keeps it). */
static int fast_keep(llmj__pk *p, const char *d, size_t vs, size_t ve, llmj__str *out)
{
    memset(out, 0, sizeof *out);
    if (ve - vs <= 2) {
        out->ptr = "";
        out->set = 1;
        return 0;
    }
    llmj__pk_val v = { LLMJ__PK_STRING, d + vs + 1, ve - vs - 2, 0 };
    return llmj__pk_keep(p, &v, out) == LLMJ_OK ? 0 : FAST_NOMEM;
}

/* A string value without escapes at vs: its end, or n. */
static size_t fast_plain(const char *d, size_t n, size_t vs)
{
    int esc = 0;
    size_t ve = llmj__sk_string_esc(d, n, vs, &esc);
    return esc ? n : ve;
}

/* Past the null at vs, as fast_skip; n when the value there is not null
 * (the walk reads it). */
static size_t fast_null(const char *d, size_t n, size_t vs, size_t lvl, size_t *deep)
{
    return d[vs] == 'n' ? fast_skip(d, n, vs, lvl, deep) : n;
}

/* choices[].delta's members, from *at (past its '{'), at level 4. */
static int fast_delta(oc_state *s, const char *d, size_t n, size_t *at, size_t *deep)
{
    llmj__pk *p = &s->d.pk;
    unsigned kid, seen = 0;
    int r;
    while ((r = fast_member(d, n, at, &kid)) == 1) {
        size_t vs = *at, ve;
        switch (kid) {
        case K_CONTENT:
            if (seen++)
                return FAST_NO;
            if (d[vs] == '"') {
                llmj__str t;
                ve = llmj__sk_string(d, n, vs);
                if (ve >= n)
                    return FAST_NO;
                if (fast_keep(p, d, vs, ve, &t) || push_text(s, LLMJ__R_TEXT, &t) != LLMJ_OK)
                    return FAST_NOMEM;
                s->cs = vs;
                s->ce = ve;
                break;
            }
            ve = fast_null(d, n, vs, 4, deep);
            break;
        case K_REFUSAL:
        case K_TOOL_CALLS:
        case K_REASONING_CONTENT:
        case K_REASONING:
        case K_FUNCTION_CALL:
            ve = fast_null(d, n, vs, 4, deep);
            break;
        default:
            ve = fast_skip(d, n, vs, 4, deep);
            break;
        }
        if (ve >= n)
            return FAST_NO;
        *at = ve;
    }
    return r == 0 ? 0 : FAST_NO;
}

/* A choices[] element's members, from *at (past its '{'), at level 3; pos:
 * its place in the array. */
static int fast_choice(oc_state *s, const char *d, size_t n, size_t *at, int64_t pos,
                       size_t *deep)
{
    llmj__pk *p = &s->d.pk;
    size_t rec0 = p->nrec;
    if (!llmj__pk_push(p, LLMJ__R_ANNOUNCE))
        return FAST_NOMEM;
    int64_t ci = -1;
    llmj__str fin;
    memset(&fin, 0, sizeof fin);
    unsigned kid, seen = 0;
    int r;
    while ((r = fast_member(d, n, at, &kid)) == 1) {
        size_t vs = *at, ve;
        switch (kid) {
        case K_INDEX: {
            ve = fast_skip(d, n, vs, 3, deep);
            llmj__pk_val v = { LLMJ__PK_NUMBER, d + vs, ve - vs, 0 };
            if ((seen & 1) || llmj__pk_int(&v, &ci) != 0 || ci < 0)
                return FAST_NO;
            seen |= 1;
            break;
        }
        case K_FINISH_REASON:
            if (seen & 2)
                return FAST_NO;
            seen |= 2;
            if (d[vs] == '"') {
                ve = fast_plain(d, n, vs);
                if (ve < n)
                    fin = llmj__str_of(d + vs + 1, ve - vs - 2);
            } else {
                ve = fast_null(d, n, vs, 3, deep);
            }
            break;
        case K_DELTA:
            if (seen & 4)
                return FAST_NO;
            seen |= 4;
            if (d[vs] == '{') {
                ve = vs + 1;
                if (*deep < 4)
                    *deep = 4;
                if ((r = fast_delta(s, d, n, &ve, deep)) != 0)
                    return r;
            } else {
                ve = fast_null(d, n, vs, 3, deep);
            }
            break;
        case K_STOP_REASON:
            if (d[vs] == '"')
                return FAST_NO;
            ve = fast_skip(d, n, vs, 3, deep);
            break;
        case K_LOGPROBS:
            ve = fast_null(d, n, vs, 3, deep);
            break;
        default:
            ve = fast_skip(d, n, vs, 3, deep);
            break;
        }
        if (ve >= n)
            return FAST_NO;
        *at = ve;
    }
    if (r != 0)
        return FAST_NO;
    if (ci < 0)
        ci = pos;
    for (size_t i = rec0; i < p->nrec; i++)
        p->recs[i].choice = ci;
    if (fin.len) {
        llmj__rec *rf = llmj__pk_push(p, R_FINISH);
        if (!rf)
            return FAST_NOMEM;
        rf->choice = ci;
        rf->s[0] = fin;
    }
    return 0;
}

/* The choices array at *at (its '['), at level 2: *at past it. */
static int fast_choices(oc_state *s, const char *d, size_t n, size_t *at, size_t *deep)
{
    size_t i = *at;
    if (*deep < 2)
        *deep = 2;
    for (int64_t pos = 0;; pos++) {
        i = llmj__sk_ws(d, n, i + 1); /* past '[' or ',' */
        if (i >= n)
            return FAST_NO;
        if (d[i] == ']' && pos == 0)
            break;
        if (d[i] != '{')
            return FAST_NO;
        if (*deep < 3)
            *deep = 3;
        i++;
        int r = fast_choice(s, d, n, &i, pos, deep);
        if (r)
            return r;
        i = llmj__sk_ws(d, n, i);
        if (i >= n)
            return FAST_NO;
        if (d[i] == ']')
            break;
        if (d[i] != ',')
            return FAST_NO;
    }
    *at = i + 1;
    return 0;
}

/* The yajl check of the fast path: 0, FAST_NO (not JSON: the walk says
 * why), FAST_NOMEM. */
static int fast_check(oc_state *s, const char *d, size_t n)
{
    llmj_status st = llmj__yj_valid(&s->check, d, n);
    return st == LLMJ_OK ? 0 : st == LLMJ_NOMEM ? FAST_NOMEM : FAST_NO;
}

/* A chunk of the last plain chunk's shape: the same bytes but for its
 * content string (and its obfuscation string). Read from the same state,
 * those bytes read the same, so its records are the last one's with this
 * content. Only the new string tokens are checked: the last chunk, which
 * yajl accepted whole, with one string token replaced by another that yajl
 * accepts is JSON again (the bytes around lex and parse as before), and if
 * yajl refuses the token it would have refused the chunk. The check is
 * llmj__sk_string_ok, which accepts exactly the string tokens yajl and the
 * UTF-8 check do, without a yajl handle. 0, FAST_NO (another shape, or a
 * token that is not a JSON string: the walk says why), FAST_NOMEM. */
static int fast_shape(oc_state *s, const char *d, size_t n)
{
    llmj__pk *p = &s->d.pk;
    size_t pre = s->pre, mid = s->mid, suf = s->suf;
    if (pre + suf == 0 || n < pre + mid + suf + 2 || d[pre] != '"' ||
        memcmp(d, s->shape, pre) != 0)
        return FAST_NO;
    size_t ve = llmj__sk_string(d, n, pre), os = ve, oe = ve;
    if (mid) {
        if (n - ve < mid + 2 + suf || memcmp(d + ve, s->shape + pre, mid) != 0 ||
            d[ve + mid] != '"')
            return FAST_NO;
        os = ve + mid;
        oe = llmj__sk_string(d, n, os);
    }
    if (n - oe != suf || memcmp(d + oe, s->shape + pre + mid, suf) != 0)
        return FAST_NO;
    llmj__str t;
    llmj__rec *r = llmj__pk_push(p, LLMJ__R_ANNOUNCE);
    if (!r)
        return FAST_NOMEM;
    r->choice = s->shape_ci;
    if (fast_keep(p, d, pre, ve, &t) || push_text(s, LLMJ__R_TEXT, &t) != LLMJ_OK)
        return FAST_NOMEM;
    p->recs[1].choice = s->shape_ci;
    if (!llmj__sk_string_ok(d + pre, ve - pre) || (mid && !llmj__sk_string_ok(d + os, oe - os)))
        return FAST_NO;
    return 0;
}

/* 0: the event's records are made; FAST_NO: walk it; FAST_NOMEM. */
static int oc_fast(oc_state *s, const char *d, size_t n)
{
    llmj__pk *p = &s->d.pk;
    p->data = d;
    p->data_len = n;
    p->arena.len = 0;
    p->nrec = 0;
    s->ce = 0;
    s->oe = 0;
    int r = fast_shape(s, d, n);
    if (r != FAST_NO || p->nrec)
        return r; /* read, out of memory, or of that shape but not JSON */
    size_t at = llmj__sk_ws(d, n, 0), deep = 1;
    if (at >= n || d[at] != '{')
        return FAST_NO;
    at++;
    unsigned kid, seen = 0;
    while ((r = fast_member(d, n, &at, &kid)) == 1) {
        size_t vs = at, ve;
        switch (kid) {
        case K_CHOICES:
            if (seen & 1)
                return FAST_NO;
            seen |= 1;
            ve = vs;
            if (d[vs] == '[') {
                if ((r = fast_choices(s, d, n, &ve, &deep)) != 0)
                    return r;
            } else {
                ve = fast_null(d, n, vs, 1, &deep);
            }
            break;
        case K_OBJECT:
            if ((seen & 2) || d[vs] != '"')
                return FAST_NO;
            seen |= 2;
            ve = fast_plain(d, n, vs);
            if (ve < n && llmj__eq(d + vs + 1, ve - vs - 2, "error"))
                return FAST_NO;
            break;
        case K_SERVICE_TIER:
            if (d[vs] == '"') {
                llmj__str t;
                ve = llmj__sk_string(d, n, vs);
                if (ve >= n)
                    return FAST_NO;
                if (fast_keep(p, d, vs, ve, &t) ||
                    push_extra(p, LD_SERVICE_TIER, -1, &t, NULL, NULL) != LLMJ_OK)
                    return FAST_NOMEM;
            } else {
                ve = fast_skip(d, n, vs, 1, &deep);
            }
            break;
        case K_USAGE:
        case K_ERROR:
            ve = fast_null(d, n, vs, 1, &deep);
            break;
        case K_CITATIONS:
            return FAST_NO;
        case K_OBFUSCATION: /* read by nobody: only its place, for the shape */
            if (d[vs] == '"') {
                ve = llmj__sk_string(d, n, vs);
                s->os = vs;
                s->oe = s->oe ? SIZE_MAX : ve;
            } else {
                ve = fast_skip(d, n, vs, 1, &deep);
            }
            break;
        default: /* id, model, created, ...; message, type and code count only in an error */
            ve = fast_skip(d, n, vs, 1, &deep);
            break;
        }
        if (ve >= n)
            return FAST_NO;
        at = ve;
    }
    if (r != 0 || llmj__sk_ws(d, n, at) != n || deep > p->max_depth)
        return FAST_NO;
    if ((r = fast_check(s, d, n)) != 0)
        return r;
    /* a plain chunk: its shape for the next one */
    s->pre = s->mid = s->suf = 0;
    /* the obfuscation string is a hole when it is the only one, after the
     * content string */
    size_t os = s->oe && s->oe != SIZE_MAX && s->os >= s->ce ? s->os : n;
    size_t oe = os < n ? s->oe : n;
    if (s->ce && p->nrec == 2 && p->recs[0].kind == LLMJ__R_ANNOUNCE &&
        p->recs[1].kind == LLMJ__R_TEXT && s->cs + (os - s->ce) + (n - oe) <= sizeof s->shape) {
        s->pre = s->cs;
        s->mid = os < n ? os - s->ce : 0;
        s->suf = os < n ? n - oe : n - s->ce;
        s->shape_ci = p->recs[0].choice;
        memcpy(s->shape, d, s->pre);
        memcpy(s->shape + s->pre, d + s->ce, s->mid);
        memcpy(s->shape + s->pre + s->mid, d + (os < n ? oe : s->ce), s->suf);
    }
    return 0;
}

static llmj_status oc_tool(oc_state *s, llmj__out *o, const llmj__rec *r)
{
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj__choice *c = llmj__lanes_choice(l, r->choice, 1);
    if (!c)
        return LLMJ_TOO_LONG;
    llmj__tool *t = (r->flags & F_HAS_INDEX) ? llmj__lanes_tool(l, r->choice, r->key, 0)
                                             : llmj__lanes_last_tool(l, r->choice);
    const llmj__str *id = &r->s[0];
    if (t && id->set && id->len && t->idhash &&
        t->idhash != llmj__hash(llmj__pk_sptr(p, id), id->len))
        t = NULL; /* a new call at the same index */
    if (!t) {
        t = llmj__lanes_new_tool(l, r->choice, (r->flags & F_HAS_INDEX) ? r->key : INT64_MIN, 0);
        if (!t) {
            p->msg = "more tool calls in a choice than config.max_tool_calls";
            return LLMJ_TOO_LONG;
        }
    }
    llmj_status st;
    if (!t->begun && (st = llmj__emit_begin(o, p, c, t, id, &r->s[1])) != LLMJ_OK)
        return st;
    /* a name (or id) that comes in a later chunk than the call's first */
    if (t->begun && ((!t->named && r->s[1].set && r->s[1].len) ||
                     (!t->idhash && id->set && id->len)) &&
        (st = llmj__emit_begin(o, p, c, t, id, &r->s[1])) != LLMJ_OK)
        return st;
    if (r->s[3].set && r->s[3].len) {
        llmj__str sig[4];
        memset(sig, 0, sizeof sig);
        sig[0] = r->s[3];
        if ((st = llmj__emit_extra(o, p, LD_TOOL_SIGNATURE, c, t->num, sig)) != LLMJ_OK)
            return st;
    }
    if (t->ended)
        return LLMJ_OK;
    return llmj__emit_text(o, p, LD_TOOL_ARGS, c, t, &r->s[2]);
}

static llmj_status oc_record(void *state, llmj__out *o, const llmj__rec *r, llmj__choice *c)
{
    oc_state *s = state;
    llmj__pk *p = &s->d.pk;
    if (r->kind == R_TOOL)
        return oc_tool(s, o, r);
    if (r->kind == R_EXTRA)
        return llmj__emit_extra(o, p, (ld_kind)r->num, c, 0, r->s);
    /* R_FINISH */
    llmj_finish f = oc_map(llmj__pk_sptr(p, &r->s[0]), r->s[0].len);
    return llmj__emit_finish(o, p, &s->d.lanes, c, f, &r->s[0], NULL,
                             f == LLMJ_FINISH_STOP || f == LLMJ_FINISH_TOOL_CALLS);
}

static llmj_status oc_create(void **state, const llmj_allocator *a, const llmj_config *cfg)
{
    llmj_status st = llmj__dstate_new(state, sizeof(oc_state), a, cfg);
    if (st != LLMJ_OK)
        return st;
    oc_state *s = *state;
    llmj__pk_keys(&s->d.pk, oc_keys, sizeof oc_keys / sizeof oc_keys[0]);
    llmj__yj_init(&s->check, &s->d.pk.a);
    return LLMJ_OK;
}

static void oc_destroy(void *state)
{
    oc_state *s = state;
    if (s)
        llmj__yj_drop(&s->check);
    llmj__dstate_free(state);
}

static void oc_rest(void *state)
{
    oc_state *s = state;
    llmj__yj_drop(&s->check);
    llmj__dstate_rest(state);
}

static int is_done(const char *d, size_t n)
{
    if (n && d[0] == '{')
        return 0; /* the usual chunk */
    while (n && (d[0] == ' ' || d[0] == '\t' || d[0] == '\r' || d[0] == '\n')) {
        d++;
        n--;
    }
    while (n && (d[n - 1] == ' ' || d[n - 1] == '\t' || d[n - 1] == '\r' || d[n - 1] == '\n'))
        n--;
    return llmj__eq(d, n, "[DONE]");
}

static llmj_status oc_event(void *state, const char *type, size_t type_len, const char *data,
                            size_t data_len, ld_emit emit, void *ctx)
{
    oc_state *s = state;
    llmj__out o = { emit, ctx };
    s->d.pk.msg = NULL;
    if (is_done(data, data_len))
        return llmj__emit_done(&o, &s->d.lanes);
    s->error_event = llmj__is_type(type, type_len, "error");
    int fast = s->error_event || s->walk_only ? FAST_NO : oc_fast(s, data, data_len);
    if (fast == 0)
        return llmj__emit_records(&s->d, &o, oc_record, s);
    if (fast == FAST_NOMEM) {
        s->d.pk.msg = "out of memory";
        return LLMJ_NOMEM;
    }
    /* the walk's own state */
    s->has_usage = 0;
    s->has_error = 0;
    s->cache_hit = -1;
    s->lp_at = 0;
    llmj__usage_none(&s->u);
    memset(&s->emsg, 0, sizeof s->emsg);
    memset(&s->etype, 0, sizeof s->etype);
    memset(&s->ecode, 0, sizeof s->ecode);
    memset(&s->object, 0, sizeof s->object);
    memset(&s->fmsg, 0, sizeof s->fmsg);
    memset(&s->ftype, 0, sizeof s->ftype);
    memset(&s->fcode, 0, sizeof s->fcode);
    int raw, go;
    llmj_status st = llmj__parse_event(&s->d, type, type_len, data, data_len, oc_value, s, &o,
                                       &raw, &go);
    return go ? llmj__emit_records(&s->d, &o, oc_record, s) : st;
}

static int oc_sniff(const char *type, size_t type_len, const char *data, size_t data_len)
{
    (void)type_len;
    if (is_done(data, data_len))
        return 1;
    if (llmj__skim_str(data, data_len, "object", "chat.completion.chunk"))
        return 2;
    const char *v;
    size_t n;
    if (llmj__skim(data, data_len, "choices", &v, &n) && n && v[0] == '[')
        return 2;
    if (llmj__skim_str(data, data_len, "object", "error"))
        return 1;
    if (!llmj__skim(data, data_len, "type", &v, &n) &&
        llmj__skim(data, data_len, "error", &v, &n))
        return 1; /* {"error":{...}}: also Gemini's shape; ties go to this dialect */
    (void)type;
    return 0;
}

const ld_ops llmj__dialect_openai_chat = {
    LLMJ_DIALECT_OPENAI_CHAT, oc_create, oc_destroy, oc_event, oc_sniff, llmj__dstate_message,
    oc_rest
};

static llmj_status oc_create_walk(void **state, const llmj_allocator *a, const llmj_config *cfg)
{
    llmj_status st = oc_create(state, a, cfg);
    if (st == LLMJ_OK)
        ((oc_state *)*state)->walk_only = 1;
    return st;
}

const ld_ops llmj__dialect_openai_chat_walk = {
    LLMJ_DIALECT_OPENAI_CHAT, oc_create_walk, oc_destroy, oc_event, oc_sniff, llmj__dstate_message,
    oc_rest
};
