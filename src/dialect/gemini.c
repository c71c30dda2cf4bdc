/* Google Gemini streamGenerateContent?alt=sse chunks: docs/providers.md,
 * "Google Gemini".
 *
 * Per candidate (candidates[].index; its position in the array when absent,
 * which is 0 for the usual single candidate): content.parts[].text deltas
 * (parts with thought:true are reasoning; a part's thoughtSignature is the
 * reasoning's signature), functionCall parts, finishReason (once
 * per candidate; STOP becomes tool_calls when the candidate made a call).
 * usageMetadata on any chunk (counts-free ones, like Vertex's
 * {"trafficType":..}, are skipped); promptFeedback.blockReason with no
 * candidates -> finish content_filter on choice 0 (raw = the reason); a
 * missing parts key is fine; {"error":{code,message,status}} -> error
 * (type = status, code = code). No end marker (no LD_DONE).
 *
 * Function calls. A whole call {name, args} (Gemini API) gives TOOL_BEGIN
 * (id = functionCall.id if any), TOOL_ARGS with the exact bytes of the args
 * value as sent ("{}" when args is absent), TOOL_END.
 * Vertex streamed arguments: {name, willContinue:true} begins a call; parts
 * {partialArgs:[{jsonPath, stringValue|numberValue|boolValue|nullValue,
 * willContinue}], willContinue} continue it; a functionCall without
 * willContinue (the capture's empty {}) ends it, as does the candidate's
 * finishReason or the next named call. The arguments are rebuilt as JSON
 * text, fragment by fragment, from the leaf paths in the order they come:
 * containers along a path are opened and closed as the paths move on
 * (paths "$.a", "$.a.b", "$.a[0]", "$['k']", "$[\"k\"]"; at most 32 levels
 * and 1 KiB of keys); a stringValue with willContinue leaves its string open
 * for the next fragment of the same path (raw JSON string content is copied,
 * escapes as sent); numberValue is copied as written. The rebuilt text is
 * exact for paths that arrive in document order (as they do); array
 * elements are taken in arrival order. One streamed call is open at a time. */
#include "pick.h"

#include <string.h>

enum { R_PARG = 1, R_FC, R_FINISH, R_BLOCKED, R_EXTRA, R_CODE, R_RESULT };

#define F_WILL 1      /* willContinue: true */
#define F_HAS_ARGS 2  /* R_FC: args present */

enum { V_NONE = 0, V_STRING, V_NUMBER, V_TRUE, V_FALSE, V_NULL };

#define GM_SEGS 32
#define GM_KEYS 1024

typedef struct gm_seg {
    unsigned char is_index;
    size_t koff, klen;
    int64_t idx;
} gm_seg;

/* The streamed function call in progress. */
typedef struct gm_stream {
    int open;
    int64_t choice;
    size_t tool;   /* position in the lanes' tool table */
    int rooted;    /* "{" written */
    int str_open;  /* the leaf's string is open */
    size_t nopen;  /* containers open below the root */
    size_t nleaf;  /* segments of the last leaf path */
    gm_seg seg[GM_SEGS];
    unsigned char members[GM_SEGS + 1];
    unsigned char isarr[GM_SEGS + 1];
    char keys[GM_KEYS];
} gm_stream;

typedef struct gm_state {
    llmj__dstate d; /* first: picker and lanes */
    gm_stream g;
    /* the event being parsed */
    size_t rec0;
    int64_t cindex;
    llmj__str finish;
    size_t ncand;
    llmj__str ptext, psig;
    int thought;
    /* current functionCall */
    llmj__str fname, fid, fargs;
    int fwill, fhas_args;
    size_t fargs_at, parg0;
    /* current partialArgs element */
    llmj__str path, pval;
    int pkind, pwill;
    int has_usage;
    llmj_usage u;
    llmj__str block, emsg, estatus, ecode;
    int has_error;
    /* extras: the current executableCode / codeExecutionResult part, the
     * current grounding chunk or citation source, a logprobsResult */
    int pcode, presult;
    llmj__str code, cid, outcome;
    size_t cit_at, lp_at;
    const char *cit_type;
    llmj__str cit_json, cit_uri, cit_title;
} gm_state;

/* ---- finish reasons ------------------------------------------------------ */

static llmj_finish gm_map(const char *s, size_t n)
{
    static const char *const filter[] = { "SAFETY", "RECITATION", "BLOCKLIST",
                                          "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                                          "MODEL_ARMOR", "IMAGE_PROHIBITED_CONTENT",
                                          "IMAGE_RECITATION" };
    static const char *const error[] = { "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL",
                                         "TOO_MANY_TOOL_CALLS" };
    if (llmj__eq(s, n, "STOP"))
        return LLMJ_FINISH_STOP;
    if (llmj__eq(s, n, "MAX_TOKENS"))
        return LLMJ_FINISH_LENGTH;
    for (size_t i = 0; i < sizeof filter / sizeof *filter; i++)
        if (llmj__eq(s, n, filter[i]))
            return LLMJ_FINISH_CONTENT_FILTER;
    for (size_t i = 0; i < sizeof error / sizeof *error; i++)
        if (llmj__eq(s, n, error[i]))
            return LLMJ_FINISH_ERROR;
    return LLMJ_FINISH_UNKNOWN;
}

/* ---- picking --------------------------------------------------------------- */

#define T(x) (v->type == LLMJ__PK_##x)
#define IS(pat) llmj__pk_is(p, pat)
#define KEEP(dst) llmj__pk_keep(p, v, &(dst))
#define PART "candidates.#.content.parts.#"
#define FC PART ".functionCall"
#define PA FC ".partialArgs.#"

static llmj_status keep_raw(llmj__pk *p, const llmj__pk_val *v, llmj__str *out)
{
    const char *raw;
    size_t n;
    memset(out, 0, sizeof *out);
    if (v->type == LLMJ__PK_NUMBER) {
        raw = v->ptr;
        n = v->len;
    } else if (llmj__pk_raw(p, v, &raw, &n) != 0) {
        return llmj__pk_bad(p, "cannot locate a string in the event");
    }
    out->ptr = raw;
    out->len = n;
    out->set = 1;
    return LLMJ_OK;
}

/* An extra (citation, logprobs) of the candidate: s[0] its JSON, s[1] type,
 * s[2] source, s[3] title, as llmj__emit_extra takes them. */
static llmj_status push_extra(llmj__pk *p, ld_kind kind, const llmj__str *json, const char *type,
                              const llmj__str *source, const llmj__str *title)
{
    llmj__rec *r = llmj__pk_push(p, R_EXTRA);
    if (!r)
        return LLMJ_NOMEM;
    r->num = kind;
    r->s[0] = *json;
    if (type)
        r->s[1] = llmj__str_lit(type);
    if (source)
        r->s[2] = *source;
    if (title)
        r->s[3] = *title;
    return LLMJ_OK;
}

#define GC "candidates.#.groundingMetadata.groundingChunks.#"
#define CS "candidates.#.citationMetadata.citationSources.#"
#define CV "candidates.#.citationMetadata.citations.#" /* Vertex's name */
#define EC PART ".executableCode"
#define CR PART ".codeExecutionResult"

/* The extras of a candidate (docs/providers.md, "Extras"): grounding chunks
 * and citation sources -> citations, logprobsResult -> logprobs,
 * executableCode / codeExecutionResult parts -> a server tool. None is text. */
static llmj_status gm_extras(gm_state *s, llmj__pk *p, const llmj__pk_val *v, size_t d)
{
    llmj__rec *r;
    if (d == 3 && IS("candidates.#.logprobsResult")) {
        if (!(T(MAP) || T(END_MAP)))
            return LLMJ_OK;
        llmj__str e;
        memset(&e, 0, sizeof e);
        llmj_status st = llmj__pk_span(p, v, &s->lp_at, &e, "logprobsResult: cannot locate it");
        return st || !e.set ? st : push_extra(p, LD_LOGPROB, &e, NULL, NULL, NULL);
    }
    if (d == 5 && (IS(GC) || IS(CS) || IS(CV))) {
        if (!(T(MAP) || T(END_MAP)))
            return LLMJ_OK;
        if (T(MAP)) {
            memset(&s->cit_uri, 0, sizeof s->cit_uri);
            s->cit_title = s->cit_uri;
            s->cit_type = IS(GC) ? NULL : "citation_source";
        }
        llmj_status st = llmj__pk_span(p, v, &s->cit_at, &s->cit_json,
                                       "a citation: cannot locate it");
        if (st || !T(END_MAP) || !s->cit_type || !(s->cit_uri.set || s->cit_title.set))
            return st;
        return push_extra(p, LD_CITATION, &s->cit_json, s->cit_type, &s->cit_uri,
                          &s->cit_title);
    }
    if (d == 6) {
        if (IS(CS ".uri") || IS(CV ".uri"))
            return T(STRING) ? KEEP(s->cit_uri) : LLMJ_OK;
        if (IS(CS ".title") || IS(CV ".title"))
            return T(STRING) ? KEEP(s->cit_title) : LLMJ_OK;
        if (T(MAP) && IS(GC ".web"))
            s->cit_type = "url";
        else if (T(MAP) && IS(GC ".retrievedContext"))
            s->cit_type = "retrieved_context";
        else if (T(MAP) && IS(GC ".maps"))
            s->cit_type = "maps";
        if (IS(EC) || IS(CR)) {
            int code = IS(EC);
            if (T(MAP)) {
                memset(&s->code, 0, sizeof s->code);
                s->cid = s->outcome = s->code;
                return LLMJ_OK;
            }
            if (!T(END_MAP))
                return llmj__pk_bad(p, code ? "parts[].executableCode is not an object"
                                            : "parts[].codeExecutionResult is not an object");
            if (!(r = llmj__pk_push(p, code ? R_CODE : R_RESULT)))
                return LLMJ_NOMEM;
            r->s[0] = code ? s->code : s->outcome;
            r->s[1] = s->cid;
        }
        return LLMJ_OK;
    }
    if (d == 7) {
        if (IS(GC ".web.uri") || IS(GC ".retrievedContext.uri") || IS(GC ".maps.uri"))
            return T(STRING) ? KEEP(s->cit_uri) : LLMJ_OK;
        if (IS(GC ".web.title") || IS(GC ".retrievedContext.title") || IS(GC ".maps.title"))
            return T(STRING) ? KEEP(s->cit_title) : LLMJ_OK;
        if (IS(EC ".code"))
            return T(STRING) ? KEEP(s->code) : LLMJ_OK;
        if (IS(EC ".id"))
            return T(STRING) ? KEEP(s->cid) : LLMJ_OK;
        if (IS(CR ".outcome"))
            return T(STRING) ? KEEP(s->outcome) : LLMJ_OK;
    }
    return LLMJ_OK;
}

static llmj_status gm_value(void *ctx, llmj__pk *p, const llmj__pk_val *v)
{
    {
        size_t d = llmj__pk_depth(p);
        if (d >= 3 && d <= 7) {
            llmj_status st = gm_extras(ctx, p, v, d);
            if (st != LLMJ_OK)
                return st;
        }
    }
    gm_state *s = ctx;
    llmj__rec *r;
    switch (llmj__pk_depth(p)) {
    case 0:
        if (!(T(MAP) || T(END_MAP)))
            return llmj__pk_bad(p, "event payload is not a JSON object");
        if (T(END_MAP)) {
            if (s->ncand == 0 && s->block.set && s->block.len) {
                if (!(r = llmj__pk_push(p, R_BLOCKED)))
                    return LLMJ_NOMEM;
                r->choice = 0;
                r->s[0] = s->block;
            }
            if (s->has_usage && llmj__usage_any(&s->u)) {
                if (!(r = llmj__pk_push(p, LLMJ__R_USAGE)))
                    return LLMJ_NOMEM;
                r->usage = s->u;
            }
            if (s->has_error) {
                if (!(r = llmj__pk_push(p, LLMJ__R_ERROR)))
                    return LLMJ_NOMEM;
                r->s[0] = s->emsg;
                r->s[1] = s->estatus;
                r->s[2] = s->ecode;
            }
        }
        return LLMJ_OK;
    case 1:
        if (IS("candidates")) {
            if (!(T(ARRAY) || T(END_ARRAY) || T(NULL)))
                return llmj__pk_bad(p, "candidates is not an array");
        } else if (IS("usageMetadata")) {
            if (T(MAP))
                s->has_usage = 1;
        } else if (IS("error")) {
            if (T(MAP)) {
                s->has_error = 1;
            } else if (T(STRING)) {
                s->has_error = 1;
                return KEEP(s->emsg);
            }
        }
        return LLMJ_OK;
    case 2:
        if (IS("candidates.#")) {
            if (T(MAP)) {
                s->rec0 = p->nrec;
                s->cindex = -1;
                s->ncand++;
                memset(&s->finish, 0, sizeof s->finish);
                return llmj__pk_push(p, LLMJ__R_ANNOUNCE) ? LLMJ_OK : LLMJ_NOMEM;
            }
            if (!T(END_MAP))
                return llmj__pk_bad(p, "candidates[] holds something other than an object");
            int64_t ci = s->cindex >= 0 ? s->cindex : llmj__pk_index(p, 1);
            for (size_t i = s->rec0; i < p->nrec; i++)
                p->recs[i].choice = ci;
            if (s->finish.set && s->finish.len) {
                if (!(r = llmj__pk_push(p, R_FINISH)))
                    return LLMJ_NOMEM;
                r->choice = ci;
                r->s[0] = s->finish;
            }
            return LLMJ_OK;
        }
        if (IS("usageMetadata.promptTokenCount"))
            return llmj__pk_count(v, &s->u.input_tokens);
        if (IS("usageMetadata.candidatesTokenCount"))
            return llmj__pk_count(v, &s->u.output_tokens);
        if (IS("usageMetadata.totalTokenCount"))
            return llmj__pk_count(v, &s->u.total_tokens);
        if (IS("usageMetadata.cachedContentTokenCount"))
            return llmj__pk_count(v, &s->u.cached_tokens);
        if (IS("usageMetadata.thoughtsTokenCount"))
            return llmj__pk_count(v, &s->u.reasoning_tokens);
        if (IS("promptFeedback.blockReason"))
            return KEEP(s->block);
        if (IS("error.message"))
            return KEEP(s->emsg);
        if (IS("error.status"))
            return KEEP(s->estatus);
        if (IS("error.code"))
            return KEEP(s->ecode);
        return LLMJ_OK;
    case 3:
        if (IS("candidates.#.index")) {
            int64_t x;
            if (llmj__pk_int(v, &x) != 0 || x < 0)
                return llmj__pk_bad(p, "candidates[].index is not a non-negative integer");
            s->cindex = x;
        } else if (IS("candidates.#.finishReason")) {
            if (T(STRING))
                return KEEP(s->finish);
        } else if (IS("candidates.#.content")) {
            if (!(T(MAP) || T(END_MAP) || T(NULL)))
                return llmj__pk_bad(p, "candidates[].content is not an object");
        }
        return LLMJ_OK;
    case 4:
        if (IS("candidates.#.content.parts") && !(T(ARRAY) || T(END_ARRAY) || T(NULL)))
            return llmj__pk_bad(p, "content.parts is not an array");
        return LLMJ_OK;
    case 5:
        if (IS(PART)) {
            if (T(MAP)) {
                memset(&s->ptext, 0, sizeof s->ptext);
                s->psig = s->ptext;
                s->thought = 0;
            } else if (T(END_MAP)) {
                if (s->ptext.set) {
                    if (!(r = llmj__pk_push(p, s->thought ? LLMJ__R_REASONING : LLMJ__R_TEXT)))
                        return LLMJ_NOMEM;
                    r->s[0] = s->ptext;
                }
                if (s->psig.set && s->psig.len) {
                    if (!(r = llmj__pk_push(p, LLMJ__R_SIGNATURE)))
                        return LLMJ_NOMEM;
                    r->s[0] = s->psig;
                }
            } else {
                return llmj__pk_bad(p, "content.parts[] holds something other than an object");
            }
        }
        return LLMJ_OK;
    case 6:
        if (IS(PART ".text")) {
            if (!T(STRING))
                return llmj__pk_bad(p, "parts[].text is not a string");
            return KEEP(s->ptext);
        }
        if (IS(PART ".thoughtSignature"))
            return T(STRING) ? KEEP(s->psig) : LLMJ_OK;
        if (IS(PART ".thought")) {
            s->thought = T(BOOL) && v->boolean;
        } else if (IS(FC)) {
            if (T(MAP)) {
                memset(&s->fname, 0, sizeof s->fname);
                memset(&s->fid, 0, sizeof s->fid);
                memset(&s->fargs, 0, sizeof s->fargs);
                s->fwill = s->fhas_args = 0;
                s->parg0 = p->nrec;
            } else if (T(END_MAP)) {
                size_t parg0 = s->parg0, nparg = p->nrec - parg0;
                if (!(r = llmj__pk_push(p, R_FC)))
                    return LLMJ_NOMEM;
                r->flags = LLMJ__REC_TOOL | (s->fwill ? F_WILL : 0) |
                           (s->fhas_args ? F_HAS_ARGS : 0);
                /* an unnamed piece of a call left open continues it */
                if (s->g.open && !(s->fname.set && s->fname.len) && !(s->fid.set && s->fid.len))
                    r->flags |= LLMJ__REC_TOOL_LAST;
                r->num = (int64_t)parg0;
                r->key = (int64_t)nparg;
                r->s[0] = s->fname;
                r->s[1] = s->fid;
                r->s[2] = s->fargs;
            } else {
                return llmj__pk_bad(p, "parts[].functionCall is not an object");
            }
        }
        return LLMJ_OK;
    case 7:
        if (IS(FC ".name"))
            return KEEP(s->fname);
        if (IS(FC ".id"))
            return KEEP(s->fid);
        if (IS(FC ".willContinue")) {
            s->fwill = T(BOOL) && v->boolean;
        } else if (IS(FC ".args")) {
            if (T(MAP) || T(ARRAY) || T(END_MAP) || T(END_ARRAY)) {
                s->fhas_args |= T(END_MAP) || T(END_ARRAY);
                return llmj__pk_span(p, v, &s->fargs_at, &s->fargs,
                                     "functionCall.args: cannot locate the value");
            } else if (!T(NULL)) {
                return llmj__pk_bad(p, "functionCall.args is not an object");
            }
        } else if (IS(FC ".partialArgs") && !(T(ARRAY) || T(END_ARRAY) || T(NULL))) {
            return llmj__pk_bad(p, "functionCall.partialArgs is not an array");
        }
        return LLMJ_OK;
    case 8:
        if (IS(PA)) {
            if (T(MAP)) {
                memset(&s->path, 0, sizeof s->path);
                memset(&s->pval, 0, sizeof s->pval);
                s->pkind = V_NONE;
                s->pwill = 0;
            } else if (T(END_MAP)) {
                if (!s->path.set)
                    return llmj__pk_bad(p, "partialArgs[] without a jsonPath");
                if (!(r = llmj__pk_push(p, R_PARG)))
                    return LLMJ_NOMEM;
                r->num = s->pkind;
                r->flags = s->pwill ? F_WILL : 0;
                r->s[0] = s->path;
                r->s[1] = s->pval;
            } else {
                return llmj__pk_bad(p, "partialArgs[] holds something other than an object");
            }
        }
        return LLMJ_OK;
    case 9:
        if (IS(PA ".jsonPath")) {
            if (!T(STRING))
                return llmj__pk_bad(p, "partialArgs[].jsonPath is not a string");
            return KEEP(s->path);
        }
        if (IS(PA ".stringValue")) {
            if (!T(STRING))
                return llmj__pk_bad(p, "partialArgs[].stringValue is not a string");
            s->pkind = V_STRING;
            return keep_raw(p, v, &s->pval);
        }
        if (IS(PA ".numberValue")) {
            if (!T(NUMBER))
                return llmj__pk_bad(p, "partialArgs[].numberValue is not a number");
            s->pkind = V_NUMBER;
            return keep_raw(p, v, &s->pval);
        }
        if (IS(PA ".boolValue")) {
            if (!T(BOOL))
                return llmj__pk_bad(p, "partialArgs[].boolValue is not a boolean");
            s->pkind = v->boolean ? V_TRUE : V_FALSE;
        } else if (IS(PA ".nullValue")) {
            s->pkind = V_NULL;
        } else if (IS(PA ".willContinue")) {
            s->pwill = T(BOOL) && v->boolean;
        }
        return LLMJ_OK;
    default:
        return LLMJ_OK;
    }
}

/* ---- JSON paths of partialArgs ----------------------------------------- */

typedef struct gm_q {
    unsigned char is_index;
    const char *k;
    size_t klen;
    int64_t idx;
} gm_q;

typedef struct gm_path {
    size_t n;
    gm_q q[GM_SEGS];
} gm_path;

/* "$.a.b[0]['c d']": 0, or -1 when not such a path (or too long). */
static int gm_parse_path(const char *s, size_t n, gm_path *out)
{
    size_t i = 1, keys = 0;
    out->n = 0;
    if (n == 0 || s[0] != '$')
        return -1;
    while (i < n) {
        if (out->n == GM_SEGS)
            return -1;
        gm_q *q = &out->q[out->n];
        memset(q, 0, sizeof *q);
        if (s[i] == '.') {
            size_t b = ++i;
            while (i < n && s[i] != '.' && s[i] != '[')
                i++;
            if (i == b)
                return -1;
            q->k = s + b;
            q->klen = i - b;
        } else if (s[i] == '[') {
            i++;
            if (i < n && (s[i] == '\'' || s[i] == '"')) {
                char quote = s[i];
                size_t b = ++i;
                while (i < n && s[i] != quote)
                    i++;
                if (i + 1 >= n || s[i + 1] != ']')
                    return -1;
                q->k = s + b;
                q->klen = i - b;
                i += 2;
            } else {
                int64_t x = 0;
                size_t b = i;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                    if (x > (INT64_MAX - 9) / 10)
                        return -1;
                    x = x * 10 + (s[i] - '0');
                    i++;
                }
                if (i == b || i >= n || s[i] != ']')
                    return -1;
                i++;
                q->is_index = 1;
                q->idx = x;
            }
        } else {
            return -1;
        }
        keys += q->klen;
        out->n++;
    }
    if (out->n == 0 || out->q[0].is_index || keys > GM_KEYS)
        return -1;
    return 0;
}

static int seg_eq(const gm_stream *g, const gm_seg *a, const gm_q *b)
{
    if (a->is_index != b->is_index)
        return 0;
    if (a->is_index)
        return a->idx == b->idx;
    return a->klen == b->klen && memcmp(g->keys + a->koff, b->k, b->klen) == 0;
}

static void seg_set(gm_stream *g, size_t k, const gm_q *q)
{
    gm_seg *a = &g->seg[k];
    a->is_index = q->is_index;
    a->idx = q->idx;
    a->koff = k ? g->seg[k - 1].koff + g->seg[k - 1].klen : 0;
    a->klen = q->klen;
    if (q->klen)
        memcpy(g->keys + a->koff, q->k, q->klen);
}

/* ---- rebuilding the arguments ----------------------------------------- */

static void put(llmj__pk *p, const char *s)
{
    llmj__pk_put(p, s, strlen(s));
}

static void put_key(llmj__pk *p, const char *k, size_t n)
{
    put(p, "\"");
    for (size_t i = 0; i < n; i++) {
        char e[8];
        size_t m = llmj__esc_json(e, (unsigned char)k[i]);
        if (m)
            llmj__pk_put(p, e, m);
        else
            llmj__pk_put(p, k + i, 1);
    }
    put(p, "\":");
}

/* Before a member of container level k: a comma, and the key in an object. */
static void member(gm_stream *g, llmj__pk *p, size_t k, const gm_q *q)
{
    if (g->members[k])
        put(p, ",");
    g->members[k] = 1;
    if (!g->isarr[k])
        put_key(p, q->k, q->klen);
}

static void close_to(gm_stream *g, llmj__pk *p, size_t level)
{
    while (g->nopen > level) {
        put(p, g->isarr[g->nopen] ? "]" : "}");
        g->nopen--;
    }
}

static llmj__tool *stream_tool(gm_state *s)
{
    return s->g.tool < s->d.lanes.nt ? &s->d.lanes.t[s->g.tool] : NULL;
}

/* Emit the arena's bytes from start as an arguments fragment. */
static llmj_status frag(gm_state *s, llmj__out *o, size_t start)
{
    llmj__pk *p = &s->d.pk;
    llmj__tool *t = stream_tool(s);
    llmj__choice *c = t ? llmj__lanes_choice(&s->d.lanes, t->choice, 0) : NULL;
    if (!t || !c)
        return LLMJ_OK;
    return llmj__emit_bytes(o, LD_TOOL_ARGS, c, t, p->arena.data + start, p->arena.len - start);
}

/* One partialArgs element. */
static llmj_status gm_step(gm_state *s, llmj__out *o, const llmj__rec *r)
{
    llmj__pk *p = &s->d.pk;
    gm_stream *g = &s->g;
    gm_path path;
    if (gm_parse_path(llmj__pk_sptr(p, &r->s[0]), r->s[0].len, &path) != 0)
        return LLMJ_OK; /* checked before emitting */
    size_t m = path.n, start = p->arena.len;
    int will = (r->flags & F_WILL) != 0;
    const char *val = llmj__pk_sptr(p, &r->s[1]);
    if (g->str_open) {
        int same = g->nleaf == m;
        for (size_t k = 0; same && k < m; k++)
            same = seg_eq(g, &g->seg[k], &path.q[k]);
        if (same && r->num == V_STRING) {
            llmj__pk_put(p, val, r->s[1].len);
            if (!will) {
                put(p, "\"");
                g->str_open = 0;
            }
            return frag(s, o, start);
        }
        put(p, "\"");
        g->str_open = 0;
    }
    if (!g->rooted) {
        put(p, "{");
        g->rooted = 1;
        g->nopen = 0;
        g->members[0] = 0;
        g->isarr[0] = 0;
    }
    size_t L = 0;
    while (L < g->nopen && L + 1 < m && seg_eq(g, &g->seg[L], &path.q[L]) &&
           g->isarr[L + 1] == path.q[L + 1].is_index)
        L++;
    close_to(g, p, L);
    for (size_t k = g->nopen; k + 1 < m; k++) {
        member(g, p, k, &path.q[k]);
        put(p, path.q[k + 1].is_index ? "[" : "{");
        g->isarr[k + 1] = path.q[k + 1].is_index;
        g->members[k + 1] = 0;
        seg_set(g, k, &path.q[k]);
        g->nopen = k + 1;
    }
    member(g, p, m - 1, &path.q[m - 1]);
    seg_set(g, m - 1, &path.q[m - 1]);
    g->nleaf = m;
    switch (r->num) {
    case V_STRING:
        put(p, "\"");
        llmj__pk_put(p, val, r->s[1].len);
        if (will)
            g->str_open = 1;
        else
            put(p, "\"");
        break;
    case V_NUMBER:
        llmj__pk_put(p, val, r->s[1].len);
        break;
    case V_TRUE:
        put(p, "true");
        break;
    case V_FALSE:
        put(p, "false");
        break;
    case V_NONE:
        if (will) {
            put(p, "\"");
            g->str_open = 1;
            break;
        }
        put(p, "null");
        break;
    default:
        put(p, "null");
        break;
    }
    return frag(s, o, start);
}

/* Close the streamed call: its remaining JSON, then TOOL_END. */
static llmj_status gm_close(gm_state *s, llmj__out *o)
{
    gm_stream *g = &s->g;
    llmj__pk *p = &s->d.pk;
    if (!g->open)
        return LLMJ_OK;
    size_t start = p->arena.len;
    if (!g->rooted) {
        put(p, "{}");
    } else {
        if (g->str_open)
            put(p, "\"");
        close_to(g, p, 0);
        put(p, "}");
    }
    llmj_status st = frag(s, o, start);
    llmj__tool *t = stream_tool(s);
    g->open = 0;
    if (st == LLMJ_OK && t)
        st = llmj__emit_end(o, t);
    return st;
}

static void gm_open(gm_state *s, int64_t choice, const llmj__tool *t)
{
    gm_stream *g = &s->g;
    g->open = 1;
    g->choice = choice;
    g->tool = (size_t)(t - s->d.lanes.t);
    g->rooted = g->str_open = 0;
    g->nopen = g->nleaf = 0;
}

static llmj_status gm_fc(gm_state *s, llmj__out *o, llmj__choice *c, const llmj__rec *r)
{
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj_status st;
    size_t parg0 = (size_t)r->num, nparg = (size_t)r->key;
    int will = (r->flags & F_WILL) != 0;
    int named = (r->s[0].set && r->s[0].len) || (r->s[1].set && r->s[1].len);
    if (s->g.open && (named || s->g.choice != r->choice) && (st = gm_close(s, o)) != LLMJ_OK)
        return st;
    if (!s->g.open && (named || nparg)) {
        llmj__tool *t = llmj__lanes_new_tool(l, r->choice, -1, 0);
        if (!t)
            return LLMJ_TOO_LONG;
        if ((st = llmj__emit_begin(o, p, c, t, &r->s[1], &r->s[0])) != LLMJ_OK)
            return st;
        if (!will && !nparg) { /* a whole call */
            if (r->flags & F_HAS_ARGS)
                st = llmj__emit_bytes(o, LD_TOOL_ARGS, c, t, llmj__pk_sptr(p, &r->s[2]),
                                      r->s[2].len);
            else
                st = llmj__emit_bytes(o, LD_TOOL_ARGS, c, t, "{}", 2);
            return st == LLMJ_OK ? llmj__emit_end(o, t) : st;
        }
        gm_open(s, r->choice, t);
    }
    if (!s->g.open)
        return LLMJ_OK; /* an empty functionCall with nothing open */
    for (size_t i = 0; i < nparg; i++)
        if ((st = gm_step(s, o, &p->recs[parg0 + i])) != LLMJ_OK)
            return st;
    if (!will)
        return gm_close(s, o);
    return LLMJ_OK;
}

/* Before emitting: check the paths, and room for the rebuilt text. */
static llmj_status gm_prepare(gm_state *s)
{
    llmj__pk *p = &s->d.pk;
    size_t need = 0;
    for (size_t i = 0; i < p->nrec; i++) {
        const llmj__rec *r = &p->recs[i];
        size_t add;
        if (r->kind == R_PARG) {
            gm_path path;
            if (gm_parse_path(llmj__pk_sptr(p, &r->s[0]), r->s[0].len, &path) != 0)
                return llmj__pk_bad(p, "partialArgs[].jsonPath is not a path this decoder "
                                       "follows");
            if (r->s[0].len > SIZE_MAX / 8 - r->s[1].len)
                return LLMJ_NOMEM;
            add = 6 * r->s[0].len + r->s[1].len + 8 * GM_SEGS + 16;
        } else if (r->kind == R_FC || r->kind == R_FINISH) {
            add = 2 * GM_SEGS + 8;
        } else {
            continue;
        }
        if (add > SIZE_MAX - need)
            return LLMJ_NOMEM;
        need += add;
    }
    return need ? llmj__pk_reserve(p, need) : LLMJ_OK;
}

/* An executableCode part begins a server tool of the choice (input: its
 * code, whole); a codeExecutionResult part answers the choice's latest one
 * (one without code before it begins one with no input): its outcome is the
 * status, OUTCOME_OK -> completed, OUTCOME_FAILED and
 * OUTCOME_DEADLINE_EXCEEDED -> failed, another as sent. */
static llmj_status gm_code(llmj__out *o, llmj__pk *p, llmj__choice *c, const llmj__rec *r)
{
    llmj__str type = llmj__str_lit("code_execution");
    llmj__str running = llmj__str_lit("in_progress");
    llmj__str none = llmj__str_lit("");
    llmj_status st;
    if (r->kind == R_CODE || c->nserver == 0) {
        int code = r->kind == R_CODE;
        if ((st = llmj__emit_server(o, p, c, c->nserver++, code ? &r->s[1] : NULL, NULL, &type,
                                    &running, code ? &r->s[0] : &none,
                                    LD_F_TELL | LD_F_WHOLE)) != LLMJ_OK || code)
            return st;
    }
    const char *out = llmj__pk_sptr(p, &r->s[0]);
    size_t n = r->s[0].len;
    llmj__str status = r->s[0], result = llmj__str_lit("codeExecutionResult");
    if (llmj__eq(out, n, "OUTCOME_OK"))
        status = llmj__str_lit("completed");
    else if (llmj__eq(out, n, "OUTCOME_FAILED") || llmj__eq(out, n, "OUTCOME_DEADLINE_EXCEEDED"))
        status = llmj__str_lit("failed");
    return llmj__emit_server(o, p, c, c->nserver - 1, NULL, NULL, &result, &status, NULL,
                             LD_F_RESULT | LD_F_TELL);
}

static llmj_status gm_record(void *state, llmj__out *o, const llmj__rec *r, llmj__choice *c)
{
    gm_state *s = state;
    llmj__pk *p = &s->d.pk;
    llmj__lanes *l = &s->d.lanes;
    llmj_status st;
    switch (r->kind) {
    case R_FC:
        return gm_fc(s, o, c, r);
    case R_FINISH: {
        if (s->g.open && s->g.choice == r->choice && (st = gm_close(s, o)) != LLMJ_OK)
            return st;
        llmj_finish f = gm_map(llmj__pk_sptr(p, &r->s[0]), r->s[0].len);
        if (f == LLMJ_FINISH_STOP && c->tools)
            f = LLMJ_FINISH_TOOL_CALLS;
        return llmj__emit_finish(o, p, l, c, f, &r->s[0], NULL, 0);
    }
    case R_BLOCKED:
        return llmj__emit_finish(o, p, l, c, LLMJ_FINISH_CONTENT_FILTER, &r->s[0], NULL, 0);
    case R_EXTRA:
        return llmj__emit_extra(o, p, (ld_kind)r->num, c, 0, r->s);
    case R_CODE:
    case R_RESULT:
        return gm_code(o, p, c, r);
    default: /* R_PARG: taken by its R_FC */
        return LLMJ_OK;
    }
}

/* ---- ops ------------------------------------------------------------------- */

static llmj_status gm_create(void **state, const llmj_allocator *a, const llmj_config *cfg)
{
    return llmj__dstate_new(state, sizeof(gm_state), a, cfg);
}

static llmj_status gm_event(void *state, const char *type, size_t type_len, const char *data,
                            size_t data_len, ld_emit emit, void *ctx)
{
    gm_state *s = state;
    llmj__out o = { emit, ctx };
    s->ncand = 0;
    s->has_usage = 0;
    s->has_error = 0;
    llmj__usage_none(&s->u);
    memset(&s->block, 0, sizeof s->block);
    memset(&s->emsg, 0, sizeof s->emsg);
    memset(&s->estatus, 0, sizeof s->estatus);
    memset(&s->ecode, 0, sizeof s->ecode);
    int raw, go;
    llmj_status st = llmj__parse_event(&s->d, type, type_len, data, data_len, gm_value, s, &o,
                                       &raw, &go);
    if (go)
        st = gm_prepare(s);
    return go && st == LLMJ_OK ? llmj__emit_records(&s->d, &o, gm_record, s) : st;
}

static int gm_sniff(const char *type, size_t type_len, const char *data, size_t data_len)
{
    const char *v;
    size_t n;
    (void)type;
    (void)type_len;
    if (llmj__skim(data, data_len, "candidates", &v, &n) ||
        llmj__skim(data, data_len, "promptFeedback", &v, &n))
        return 2;
    if (llmj__skim(data, data_len, "error", &v, &n)) {
        const char *w;
        size_t wn;
        if (llmj__skim(v, n, "status", &w, &wn))
            return 2; /* google.rpc.Status: {code, message, status} */
    }
    if (llmj__skim(data, data_len, "usageMetadata", &v, &n))
        return 1;
    return 0;
}

const ld_ops llmj__dialect_gemini = {
    LLMJ_DIALECT_GEMINI, gm_create, llmj__dstate_free, gm_event, gm_sniff, llmj__dstate_message,
    llmj__dstate_rest
};
