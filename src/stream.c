/* The stream object: raw response bytes -> SSE decoder (or NDJSON lines) ->
 * dialect decoder -> per choice texts, tool calls and trackers -> salvage.
 * See include/llmjson/stream.h. */
#include "alloc.h"
#include "doc_int.h"
#include "llmjson/schema.h"
#include "dialect/dialect.h"
#include "redact.h"
#include "sse_int.h"
#include "tracker_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Auto-detection holds at most this many unrecognised events. */
#define STREAM_SNIFF_EVENTS 8

/* Input that is no stream at all (a JSON document, plain text, random
 * bytes) is told apart from a stream that broke off: LLMJ_NOT_A_STREAM,
 * with this message. */
#define NOT_A_STREAM "not an SSE or NDJSON stream: "

/* Line numbers for stream errors: the offsets of the line feeds fed to the
 * SSE decoder since the start of the last event it reported (every position
 * asked for later is at or after it), at most the last LF_RING of them, in a
 * ring that grows from LF_MIN entries on demand and shrinks back to LF_KEEP
 * after a long event. The SSE decoder is fed at most LF_SLICE bytes at a time,
 * so the line of an event start is exact unless the event spans more than
 * LF_RING - LF_SLICE lines. */
#define LF_RING 2048u
#define LF_MIN 16u
#define LF_KEEP 64u
#define LF_SLICE 1024u

typedef struct stream_tool stream_tool;
typedef struct stream_choice stream_choice;

/* What a tracker callback needs to know about its text. */
typedef struct text_ctx {
    llmj_stream *s;
    size_t choice;
    size_t tool;
    llmj_doc *doc; /* llmj_stream_doc(): the partial document, once asked for */
    /* A text's tracker gives events only when the stream has a json
     * callback (a quiet tracker holds less: no decoded strings); without
     * one, the document asked for has a tracker of its own, fed the same
     * bytes right after the text's (see llmj_stream_doc). */
    llmj_tracker *doc_tr;
} text_ctx;

struct stream_tool {
    text_ctx tc;
    size_t index;
    llmj__buf id, name, args;
    llmj_tracker *tr;
    int ended;
    int schema_tried;        /* its parameters' schema looked up (at the first argument byte) */
    llmj_text_status status;
    int complete;
    uint64_t lost, lost_off; /* rejected events that may belong to it; the first's offset */
    llmj__buf type, sig; /* the tool's type ("" : function); its thought signature */
    int text_input;      /* free-text input (a custom tool): no tracker */
};

/* Extras (stream.h, "extras"). */
typedef struct stream_server {
    size_t num; /* the dialect's number for it */
    llmj__buf type, name, id, input, status, result;
} stream_server;

typedef struct stream_citation {
    llmj__buf type, source, title, json;
} stream_citation;

typedef struct stream_extras {
    llmj__buf stop_seq, logprobs; /* logprobs: "[e1,e2,...]" */
    int has_stop_seq;
    size_t nlogprobs;
    stream_server **srv;
    size_t nsrv, capsrv;
    stream_citation **cit;
    size_t ncit, capcit;
} stream_extras;

struct stream_choice {
    text_ctx tc;
    size_t index;
    llmj__buf text, refusal, finish_raw;
    llmj__buf reasoning, signature; /* reasoning text; the last signature */
    uint64_t redacted;              /* redacted or encrypted reasoning parts */
    int has_reasoning;              /* some reasoning item arrived */
    int has_refusal;
    int has_finish;       /* a finish item arrived (finish_raw valid) */
    llmj_finish finish;   /* as the dialect said */
    llmj_finish told;     /* the effective finish last told to the caller */
    int notify;           /* finish to tell at the end of the event */
    int json;             /* -1 undecided, 0 text, 1 JSON */
    size_t ws_run;        /* undecided: whitespace bytes so far */
    llmj_tracker *tr;
    stream_tool **tools;
    size_t ntools, captools, last_tool;
    llmj_text_status status;
    int complete;
    uint64_t lost, lost_off; /* rejected events that may belong to it; the first's offset */
    stream_extras x;
};

typedef enum wire_mode { WIRE_UNDECIDED = 0, WIRE_SSE = 1, WIRE_NDJSON = 2 } wire_mode;

/* A tool's parameters schema, by tool name (llmj_stream_set_tool_schema). */
typedef struct tool_schema {
    char *name;
    size_t len;
    const llmj_schema *schema;
} tool_schema;

struct llmj_stream {
    llmj_allocator a;
    llmj_config cfg;
    llmj_dialect requested;
    llmj_dialect dialect;
    llmj_content_mode content;
    llmj_stream_callbacks cb;
    void *ctx;

    /* schemas (borrowed; kept across resets) */
    const llmj_schema *schema; /* every choice's content */
    tool_schema *tschemas;
    size_t ntschemas;

    wire_mode wire;
    llmj_sse *sse;
    const ld_ops *ops;
    void *dstate;

    /* auto-detection */
    llmj__buf pre;       /* bytes held before the wire format is known */
    size_t bom;          /* BOM bytes at its start */
    llmj__buf pending;   /* events held before the dialect is known */
    size_t npending;

    /* NDJSON */
    llmj__buf line;
    uint64_t line_off;   /* offset of the current line's first byte */
    uint64_t nd_lf;      /* LFs before it */
    uint64_t nd_last_lf; /* offset of the last LF + 1 (0 when none) */

    /* SSE line numbers (see LF_RING): the offsets of line feeds number
     * lf_lo .. lf_n - 1 (counted from the input's start) at lf[number &
     * (lf_cap - 1)]; lf_prev: the offset of line feed lf_lo - 1; no position
     * before lf_floor is asked for (those before it go when room is needed) */
    uint64_t *lf;
    uint64_t lf_n, lf_lo, lf_prev, lf_floor;
    size_t lf_cap;

    /* SSE: the first line that is neither blank nor a comment (see
     * sse_first_line) */
    int fl_state;        /* FL_START, FL_COMMENT, FL_NAME, FL_DONE */
    char fl_name[5];     /* its field name so far */
    size_t fl_len;
    size_t fl_bom;       /* BOM bytes at the start of the input */
    uint64_t fl_off;     /* its first byte */

    stream_choice **ch;
    size_t nch, capch, last_ch;
    int notify;          /* some choice has a finish to tell */

    llmj_status status;  /* sticky stop status, then the final status */
    llmj_error err;
    char errmsg[192];
    int finished, done, cut, had_error;
    uint64_t events, bad_events, bytes;
    uint64_t cur_off;    /* offset of the event being decoded */
    /* rejected events while no text was open: they may be the start of a
     * text that opens later, which is then marked with them */
    uint64_t lost_orphan, lost_orphan_off;
    /* the first rejected event's offset, line and column (its line feeds may
     * be gone from lf by the end, when its position is reported) */
    uint64_t lost1_off, lost1_line, lost1_col;
    int has_lost1;
    uint64_t lost_texts; /* texts marked with a lost event */
    size_t held;         /* bytes allocated under config.max_stream_memory */

    llmj_usage usage;
    int has_usage;
    llmj__buf tier; /* the service tier */
    int has_tier;

    llmj_provider_error perr;
    int has_perr;
    llmj__buf perr_msg, perr_type, perr_code;
    llmj__secrets *secrets; /* provider errors redacted with these (redact.h) */

    uint64_t nerrors;
    llmj__buf field;     /* an `error:` field line, wrapped */
    llmj__buf scratch;
    int in_json;                 /* inside a json callback */
    const llmj__buf *scratch_of; /* the text whose repair scratch holds */
    size_t scratch_valid;        /* scratch.data[0:scratch_valid] == its text's */
};

static const ld_ops *const sse_dialects[] = {
    &llmj__dialect_openai_chat,
    &llmj__dialect_openai_responses,
    &llmj__dialect_anthropic,
    &llmj__dialect_gemini,
};

static const ld_ops *ops_of(llmj_dialect d)
{
    switch (d) {
    case LLMJ_DIALECT_OPENAI_CHAT: return &llmj__dialect_openai_chat;
    case LLMJ_DIALECT_OPENAI_RESPONSES: return &llmj__dialect_openai_responses;
    case LLMJ_DIALECT_ANTHROPIC: return &llmj__dialect_anthropic;
    case LLMJ_DIALECT_GEMINI: return &llmj__dialect_gemini;
    case LLMJ_DIALECT_OLLAMA: return &llmj__dialect_ollama;
    case LLMJ_DIALECT_AUTO: break;
    }
    return NULL;
}

/* Dialects whose streams end with a marker of their own (Gemini's do not). */
static int has_end_marker(llmj_dialect d)
{
    return d != LLMJ_DIALECT_GEMINI;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ---- errors ------------------------------------------------------------ */

/* The number (counted from the input's start) of the first line feed kept
 * at or after offset off: lf_lo + the count of kept ones before it. */
static uint64_t lf_below(const llmj_stream *s, uint64_t off)
{
    uint64_t lo = s->lf_lo, hi = s->lf_n, mask = s->lf_cap - 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (s->lf[mid & mask] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Line and column of an input offset in the SSE input (see LF_RING). */
static void sse_line_col(const llmj_stream *s, uint64_t off, uint64_t *line, uint64_t *col)
{
    uint64_t lo = lf_below(s, off), mask = s->lf_cap - 1;
    *line = lo + 1;
    *col = lo == 0 ? off + 1 : off - (lo == s->lf_lo ? s->lf_prev : s->lf[(lo - 1) & mask]);
}

/* Drop the line feeds before lf_floor (but for the last one, in lf_prev). */
static void lf_trim(llmj_stream *s)
{
    uint64_t lo = lf_below(s, s->lf_floor);
    if (lo > s->lf_lo) {
        s->lf_prev = s->lf[(lo - 1) & (s->lf_cap - 1)];
        s->lf_lo = lo;
    }
}

/* Move the line feeds kept into a ring of cap entries (0, or -1: out of
 * memory, nothing changed). */
static int lf_move(llmj_stream *s, size_t cap)
{
    uint64_t *v = llmj__malloc(&s->a, cap * sizeof *v);
    if (!v)
        return -1;
    for (uint64_t i = s->lf_lo; i < s->lf_n; i++)
        v[i & (cap - 1)] = s->lf[i & (s->lf_cap - 1)];
    llmj__free(&s->a, s->lf);
    s->lf = v;
    s->lf_cap = cap;
    return 0;
}

/* The ring is full: make room for one more. 0, or -1 (out of memory). */
static int lf_room(llmj_stream *s)
{
    lf_trim(s);
    if (s->lf_n - s->lf_lo < s->lf_cap)
        return 0;
    if (s->lf_cap < LF_RING)
        return lf_move(s, s->lf_cap ? s->lf_cap * 2 : LF_MIN);
    s->lf_prev = s->lf[s->lf_lo & (LF_RING - 1)];
    s->lf_lo++; /* the oldest goes */
    return 0;
}

/* Record a line feed at offset off: 0, or -1 (out of memory). */
static inline int lf_add(llmj_stream *s, uint64_t off)
{
    if (s->lf_n - s->lf_lo == s->lf_cap && lf_room(s))
        return -1;
    s->lf[s->lf_n & (s->lf_cap - 1)] = off;
    s->lf_n++;
    return 0;
}

/* An event starting at off was reported: no position before off is asked
 * for any more. A ring grown for a long event shrinks back (if it cannot,
 * it stays as it is). */
static inline void lf_forget(llmj_stream *s, uint64_t off)
{
    s->lf_floor = off;
    if (s->lf_cap > LF_KEEP) {
        lf_trim(s);
        if (s->lf_n - s->lf_lo <= LF_KEEP / 2)
            (void)lf_move(s, LF_KEEP);
    }
}

static void lf_reset(llmj_stream *s)
{
    s->lf_n = s->lf_lo = s->lf_prev = s->lf_floor = 0;
}

static void pos_of(const llmj_stream *s, uint64_t off, uint64_t *line, uint64_t *col)
{
    if (s->wire == WIRE_NDJSON) {
        /* only called for the current line */
        *line = s->nd_lf + 1;
        *col = off - s->nd_last_lf + 1;
    } else {
        sse_line_col(s, off, line, col);
    }
}

#ifdef __GNUC__
__attribute__((format(printf, 4, 5)))
#endif
/* Stop decoding with status st at input offset off (the first stop wins). */
static void stop(llmj_stream *s, llmj_status st, uint64_t off, const char *fmt, ...)
{
    if (s->status != LLMJ_OK)
        return;
    s->status = st;
    s->err.code = st;
    s->err.offset = off;
    pos_of(s, off, &s->err.line, &s->err.column);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    s->err.message = s->errmsg;
}

static void stop_nomem(llmj_stream *s)
{
    stop(s, LLMJ_NOMEM, s->cur_off, "out of memory");
}

/* ---- texts ------------------------------------------------------------- */

/* Make room for need bytes in b (at most limit), within what is left of
 * config.max_stream_memory, which is charged with the growth. 0, or -1 (out
 * of memory), -3 (over the budget); b is then unchanged. */
static int budget_reserve(llmj_stream *s, llmj__buf *b, size_t need, size_t limit)
{
    if (need <= b->cap)
        return 0;
    size_t left = s->cfg.max_stream_memory - s->held;
    size_t room = b->cap + left; /* b->cap <= held: no overflow */
    if (need > room)
        return -3;
    size_t old = b->cap;
    int rc = llmj__buf_reserve(b, &s->a, need, room < limit ? room : limit);
    if (rc == -2)
        return -3;
    if (rc)
        return rc;
    s->held += b->cap - old;
    return 0;
}

/* Append to a NUL-terminated text buffer capped at config.max_text.
 * 0, or -1 (out of memory), -2 (too long), -3 (over the stream's memory
 * budget); the buffer is then unchanged. */
static int text_add(llmj_stream *s, llmj__buf *b, const char *p, size_t n)
{
    if (n > s->cfg.max_text - b->len)
        return -2;
    int rc = budget_reserve(s, b, b->len + n + 1, s->cfg.max_text + 1);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* text_add, stopping the stream on failure; 0 or -1 (stopped). */
static int text_add_or_stop(llmj_stream *s, llmj__buf *b, const char *p, size_t n,
                            const char *what, size_t choice)
{
    int rc = text_add(s, b, p, n);
    if (rc == -1) {
        stop_nomem(s);
        return -1;
    }
    if (rc == -2) {
        stop(s, LLMJ_TOO_LONG, s->cur_off, "%s of choice %zu over the text limit", what,
             choice);
        return -1;
    }
    if (rc == -3) {
        stop(s, LLMJ_TOO_LONG, s->cur_off,
             "the stream's memory budget (config.max_stream_memory, %zu bytes) is spent: %s of "
             "choice %zu not taken",
             s->cfg.max_stream_memory, what, choice);
        return -1;
    }
    return 0;
}

static int on_json(void *ctx, const llmj_event *ev)
{
    text_ctx *tc = ctx;
    llmj_stream *s = tc->s;
    if (s->status != LLMJ_OK)
        return 1;
    if (tc->doc && llmj_doc_event(tc->doc, ev) == LLMJ_NOMEM) {
        stop_nomem(s);
        return 1;
    }
    s->in_json++;
    int stop_here = s->cb.json && s->cb.json(s->ctx, tc->choice, tc->tool, ev);
    s->in_json--;
    if (stop_here) {
        stop(s, LLMJ_ABORTED, s->cur_off, "a callback stopped the stream");
        return 1;
    }
    return 0;
}

/* At the end: each JSON text of choice c with its greedy salvage (what was
 * cut: the closed pointers). */
static void tell_text_end(llmj_stream *s, stream_choice *c)
{
    if (!s->cb.text_end)
        return;
    llmj_salvage sv;
    if (c->json == 1 && llmj_tracker_salvage(c->tr, LLMJ_SALVAGE_GREEDY, &sv) == LLMJ_OK)
        s->cb.text_end(s->ctx, c->index, LLMJ_NO_TOOL, &sv);
    for (size_t j = 0; j < c->ntools; j++)
        if (llmj_tracker_salvage(c->tools[j]->tr, LLMJ_SALVAGE_GREEDY, &sv) == LLMJ_OK)
            s->cb.text_end(s->ctx, c->index, j, &sv);
}

static int new_tracker(llmj_stream *s, llmj_tracker **out, text_ctx *tc)
{
    /* Without a json callback nobody needs the events: a quiet tracker,
     * with the small batches of a tracker fed deltas. */
    llmj_status st = llmj_tracker_new(out, &s->cfg, s->cb.json ? on_json : NULL, tc);
    if (st == LLMJ_OK) {
        if (!s->cb.json)
            llmj__tracker_small_batches(*out);
        return 0;
    }
    if (st == LLMJ_NOMEM)
        stop_nomem(s);
    else
        stop(s, st, s->cur_off, "cannot create a tracker");
    return -1;
}

/* A schema event of a text: to the caller's callback. */
static int on_schema_event(void *ctx, const llmj_schema_event *ev)
{
    text_ctx *tc = ctx;
    llmj_stream *s = tc->s;
    if (s->status != LLMJ_OK)
        return 1;
    s->in_json++;
    int stop_here = s->cb.schema_event(s->ctx, tc->choice, tc->tool, ev);
    s->in_json--;
    if (stop_here) {
        stop(s, LLMJ_ABORTED, s->cur_off, "a callback stopped the stream");
        return 1;
    }
    return 0;
}

/* Validate a text's tracker against sch, its events to the callback. */
static llmj_status set_text_schema(llmj_stream *s, llmj_tracker *tr, text_ctx *tc,
                                   const llmj_schema *sch)
{
    return llmj_tracker_set_schema_cb(tr, sch, s->cb.schema_event ? on_schema_event : NULL, tc);
}

/* The tracker of a choice's JSON content, validating against the response
 * schema when one is set; 0, or -1 when the stream stopped. */
static int new_content_tracker(llmj_stream *s, stream_choice *c)
{
    if (new_tracker(s, &c->tr, &c->tc))
        return -1;
    if (s->schema && set_text_schema(s, c->tr, &c->tc, s->schema) != LLMJ_OK) {
        llmj_tracker_free(c->tr);
        c->tr = NULL;
        stop_nomem(s);
        return -1;
    }
    return 0;
}

/* Feed a text's tracker (and its document's own, when it has one); 0 to go
 * on, -1 when the stream stopped. */
static int track(llmj_stream *s, llmj_tracker *tr, text_ctx *tc, const char *p, size_t n,
                 size_t choice, size_t tool)
{
    if (!n)
        return 0;
    llmj_status st = llmj_tracker_feed(tr, p, n);
    if (tc->doc_tr) {
        /* the same bytes, so the same state; the document's events */
        llmj_tracker_feed(tc->doc_tr, p, n);
        if (llmj_doc_status(tc->doc) == LLMJ_NOMEM) {
            stop_nomem(s);
            return -1;
        }
    }
    switch (st) {
    case LLMJ_OK:
    case LLMJ_INVALID:
    case LLMJ_TOO_DEEP:
    case LLMJ_TOO_LONG:
        return 0; /* the text's own verdict; the stream goes on */
    case LLMJ_RUNAWAY_WHITESPACE:
    case LLMJ_RUNAWAY_REPEAT:
        if (tool == LLMJ_NO_TOOL)
            stop(s, st, s->cur_off, "runaway in the content of choice %zu (text offset %zu)",
                 choice, (size_t)llmj_tracker_runaway_offset(tr));
        else
            stop(s, st, s->cur_off, "runaway in the arguments of tool call %zu of choice %zu",
                 tool, choice);
        return -1;
    case LLMJ_ABORTED:
        stop(s, LLMJ_ABORTED, s->cur_off, "a callback stopped the stream");
        return -1;
    case LLMJ_NOMEM:
        stop_nomem(s);
        return -1;
    default:
        stop(s, st, s->cur_off, "tracker failure");
        return -1;
    }
}

/* ---- choices and tools ------------------------------------------------- */

static void tool_free(llmj_stream *s, stream_tool *t)
{
    if (!t)
        return;
    llmj_tracker_free(t->tr);
    llmj_tracker_free(t->tc.doc_tr);
    llmj_doc_free(t->tc.doc);
    llmj__buf_free(&t->id, &s->a);
    llmj__buf_free(&t->name, &s->a);
    llmj__buf_free(&t->args, &s->a);
    llmj__buf_free(&t->type, &s->a);
    llmj__buf_free(&t->sig, &s->a);
    llmj__free(&s->a, t);
}

static void extras_free(llmj_stream *s, stream_extras *x)
{
    for (size_t i = 0; i < x->nsrv; i++) {
        stream_server *v = x->srv[i];
        llmj__buf *b[] = { &v->type, &v->name, &v->id, &v->input, &v->status, &v->result };
        for (size_t k = 0; k < sizeof b / sizeof *b; k++)
            llmj__buf_free(b[k], &s->a);
        llmj__free(&s->a, v);
    }
    for (size_t i = 0; i < x->ncit; i++) {
        stream_citation *v = x->cit[i];
        llmj__buf *b[] = { &v->type, &v->source, &v->title, &v->json };
        for (size_t k = 0; k < sizeof b / sizeof *b; k++)
            llmj__buf_free(b[k], &s->a);
        llmj__free(&s->a, v);
    }
    llmj__free(&s->a, x->srv);
    llmj__free(&s->a, x->cit);
    llmj__buf_free(&x->stop_seq, &s->a);
    llmj__buf_free(&x->logprobs, &s->a);
}

static void choice_free(llmj_stream *s, stream_choice *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ntools; i++)
        tool_free(s, c->tools[i]);
    llmj__free(&s->a, c->tools);
    llmj_tracker_free(c->tr);
    llmj_tracker_free(c->tc.doc_tr);
    llmj_doc_free(c->tc.doc);
    llmj__buf_free(&c->text, &s->a);
    llmj__buf_free(&c->refusal, &s->a);
    llmj__buf_free(&c->finish_raw, &s->a);
    llmj__buf_free(&c->reasoning, &s->a);
    llmj__buf_free(&c->signature, &s->a);
    extras_free(s, &c->x);
    llmj__free(&s->a, c);
}

/* Where the choice with provider index idx is, or would go (choices are
 * kept in index order). */
static size_t choice_slot(const llmj_stream *s, size_t idx)
{
    size_t lo = 0, hi = s->nch;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->ch[mid]->index < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The choice with provider index idx, created when new; NULL when the
 * stream stopped. */
static stream_choice *get_choice(llmj_stream *s, size_t idx)
{
    if (s->last_ch < s->nch && s->ch[s->last_ch]->index == idx)
        return s->ch[s->last_ch];
    size_t lo = choice_slot(s, idx);
    if (lo < s->nch && s->ch[lo]->index == idx) {
        s->last_ch = lo;
        return s->ch[lo];
    }
    if (idx >= s->cfg.max_choices) {
        stop(s, LLMJ_TOO_LONG, s->cur_off, "choice index %zu beyond max_choices", idx);
        return NULL;
    }
    if (s->nch == s->capch) {
        size_t cap = s->capch ? s->capch * 2 : 4;
        stream_choice **n = llmj__realloc(&s->a, s->ch, cap * sizeof *n);
        if (!n) {
            stop_nomem(s);
            return NULL;
        }
        s->ch = n;
        s->capch = cap;
    }
    stream_choice *c = llmj__malloc(&s->a, sizeof *c);
    if (!c) {
        stop_nomem(s);
        return NULL;
    }
    memset(c, 0, sizeof *c);
    c->tc.s = s;
    c->tc.choice = idx;
    c->tc.tool = LLMJ_NO_TOOL;
    c->index = idx;
    c->json = s->content == LLMJ_CONTENT_JSON ? 1 : s->content == LLMJ_CONTENT_TEXT ? 0 : -1;
    c->status = LLMJ_TEXT_TRUNCATED;
    c->lost = s->lost_orphan;
    c->lost_off = s->lost_orphan_off;
    s->lost_texts += c->lost > 0;
    if (c->json == 1 && new_content_tracker(s, c)) {
        llmj__free(&s->a, c);
        return NULL;
    }
    memmove(s->ch + lo + 1, s->ch + lo, (s->nch - lo) * sizeof *s->ch);
    s->ch[lo] = c;
    s->nch++;
    s->last_ch = lo;
    return c;
}

/* The tool call with provider index idx of choice c; *created tells whether
 * it is new. NULL when the stream stopped. */
static stream_tool *get_tool(llmj_stream *s, stream_choice *c, size_t idx, int *created)
{
    *created = 0;
    if (c->last_tool < c->ntools && c->tools[c->last_tool]->index == idx)
        return c->tools[c->last_tool];
    size_t lo = 0, hi = c->ntools;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->tools[mid]->index < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->ntools && c->tools[lo]->index == idx) {
        c->last_tool = lo;
        return c->tools[lo];
    }
    if (c->ntools >= s->cfg.max_tool_calls) {
        stop(s, LLMJ_TOO_LONG, s->cur_off, "more than %zu tool calls in choice %zu",
             s->cfg.max_tool_calls, c->index);
        return NULL;
    }
    if (c->ntools == c->captools) {
        size_t cap = c->captools ? c->captools * 2 : 4;
        stream_tool **n = llmj__realloc(&s->a, c->tools, cap * sizeof *n);
        if (!n) {
            stop_nomem(s);
            return NULL;
        }
        c->tools = n;
        c->captools = cap;
    }
    stream_tool *t = llmj__malloc(&s->a, sizeof *t);
    if (!t) {
        stop_nomem(s);
        return NULL;
    }
    memset(t, 0, sizeof *t);
    t->tc.s = s;
    t->tc.choice = c->index;
    t->tc.tool = idx;
    t->index = idx;
    t->status = LLMJ_TEXT_TRUNCATED;
    t->lost = s->lost_orphan;
    t->lost_off = s->lost_orphan_off;
    s->lost_texts += t->lost > 0;
    if (new_tracker(s, &t->tr, &t->tc)) {
        llmj__free(&s->a, t);
        return NULL;
    }
    memmove(c->tools + lo + 1, c->tools + lo, (c->ntools - lo) * sizeof *c->tools);
    c->tools[lo] = t;
    c->ntools++;
    c->last_tool = lo;
    *created = 1;
    return t;
}

/* The finish reason to tell: a stop with refusal text is a refusal, a stop
 * with tool calls is tool_calls (docs/providers.md, "Finish reasons"). */
static llmj_finish effective_finish(const stream_choice *c)
{
    if (c->finish == LLMJ_FINISH_STOP && c->has_refusal)
        return LLMJ_FINISH_REFUSAL;
    if (c->finish == LLMJ_FINISH_STOP && c->ntools > 0)
        return LLMJ_FINISH_TOOL_CALLS;
    return c->finish;
}

static int ended_normally(llmj_finish f)
{
    return f == LLMJ_FINISH_STOP || f == LLMJ_FINISH_TOOL_CALLS || f == LLMJ_FINISH_REFUSAL;
}

/* Mark a choice whose effective finish may have changed. */
static void finish_touch(llmj_stream *s, stream_choice *c)
{
    if (c->has_finish && effective_finish(c) != c->told) {
        c->notify = 1;
        s->notify = 1;
    }
}

/* Tell the finish reasons that changed during the last event. */
static int flush_finish(llmj_stream *s)
{
    if (!s->notify)
        return 0;
    s->notify = 0;
    for (size_t i = 0; i < s->nch && s->status == LLMJ_OK; i++) {
        stream_choice *c = s->ch[i];
        if (!c->notify)
            continue;
        c->notify = 0;
        c->told = effective_finish(c);
        if (s->cb.finish &&
            s->cb.finish(s->ctx, c->index, c->told, c->finish_raw.data ? c->finish_raw.data : "",
                         c->finish_raw.len)) {
            stop(s, LLMJ_ABORTED, s->cur_off, "a callback stopped the stream");
            return -1;
        }
    }
    return s->status == LLMJ_OK ? 0 : -1;
}

/* ---- items from the dialect -------------------------------------------- */

static int cb_stop(llmj_stream *s, int rc)
{
    if (rc)
        stop(s, LLMJ_ABORTED, s->cur_off, "a callback stopped the stream");
    return rc ? 1 : 0;
}

static int item_text(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    if (!it->len)
        return 0;
    if (text_add_or_stop(s, &c->text, it->text, it->len, "content", c->index))
        return 1;
    if (s->cb.text && cb_stop(s, s->cb.text(s->ctx, c->index, it->text, it->len)))
        return 1;
    if (c->json == 0)
        return 0;
    if (c->json == 1)
        return track(s, c->tr, &c->tc, it->text, it->len, c->index, LLMJ_NO_TOOL) ? 1 : 0;
    /* undecided: everything before this delta was whitespace */
    size_t p = 0;
    while (p < it->len && is_ws((unsigned char)it->text[p]))
        p++;
    if (p == it->len) {
        c->ws_run += it->len;
        if (!s->cfg.whitespace_limit || c->ws_run < s->cfg.whitespace_limit)
            return 0;
        /* a whitespace run long enough for a runaway: treat it as JSON */
    } else if (it->text[p] != '{' && it->text[p] != '[') {
        c->json = 0;
        return 0;
    }
    if (new_content_tracker(s, c))
        return 1; /* still undecided: no tracker, so no JSON claimed */
    c->json = 1;
    return track(s, c->tr, &c->tc, c->text.data, c->text.len, c->index, LLMJ_NO_TOOL) ? 1 : 0;
}

static int item_refusal(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    if (!it->len)
        return 0; /* an empty refusal (Snowflake sends one on every delta) is none */
    if (text_add_or_stop(s, &c->refusal, it->text, it->len, "refusal", c->index))
        return 1;
    c->has_refusal = 1;
    finish_touch(s, c);
    if (s->cb.refusal && cb_stop(s, s->cb.refusal(s->ctx, c->index, it->text, it->len)))
        return 1;
    return 0;
}

/* Reasoning: its own text, never the content's (no tracker sees it). */
static int item_reasoning(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    c->has_reasoning = 1;
    switch (it->kind) {
    case LD_REASONING_SIGNATURE:
        c->signature.len = 0;
        return text_add_or_stop(s, &c->signature, it->text, it->len, "reasoning signature",
                                c->index)
                   ? 1
                   : 0;
    case LD_REASONING_REDACTED:
        c->redacted++;
        return 0;
    default:
        break;
    }
    if (!it->len)
        return 0;
    if (text_add_or_stop(s, &c->reasoning, it->text, it->len, "reasoning", c->index))
        return 1;
    if (s->cb.reasoning && cb_stop(s, s->cb.reasoning(s->ctx, c->index, it->text, it->len)))
        return 1;
    return 0;
}

static int tool_begin_cb(llmj_stream *s, stream_choice *c, stream_tool *t)
{
    finish_touch(s, c);
    if (!s->cb.tool_begin)
        return 0;
    return cb_stop(s, s->cb.tool_begin(s->ctx, c->index, t->index, t->id.data ? t->id.data : "",
                                       t->id.len, t->name.data ? t->name.data : "",
                                       t->name.len));
}

static int item_tool_begin(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    int created;
    stream_tool *t = get_tool(s, c, it->tool, &created);
    if (!t)
        return 1;
    /* the first id and name given stick (some servers resend them) */
    if (!t->id.len && it->id_len &&
        text_add_or_stop(s, &t->id, it->id, it->id_len, "tool call id", c->index))
        return 1;
    if (!t->name.len && it->name_len &&
        text_add_or_stop(s, &t->name, it->name, it->name_len, "tool call name", c->index))
        return 1;
    if (!t->type.len && it->type_len &&
        text_add_or_stop(s, &t->type, it->type, it->type_len, "tool call type", c->index))
        return 1;
    if ((it->flags & LD_F_TEXT_INPUT) && !t->text_input && !t->args.len) {
        /* free-text input (a custom tool): not JSON, so no tracker */
        llmj_tracker_free(t->tr);
        t->tr = NULL;
        llmj_tracker_free(t->tc.doc_tr);
        t->tc.doc_tr = NULL;
        if (t->tc.doc)
            llmj__doc_attach(t->tc.doc, NULL);
        t->text_input = 1;
    }
    return created ? tool_begin_cb(s, c, t) : 0;
}

/* Before a tool call's first argument byte: its parameters' schema, by the
 * name known by then. 0 to go on, 1 when the stream stopped. */
static int tool_schema_set(llmj_stream *s, stream_tool *t)
{
    t->schema_tried = 1;
    for (size_t i = 0; i < s->ntschemas; i++) {
        const tool_schema *e = &s->tschemas[i];
        if (e->len != t->name.len || (e->len && memcmp(e->name, t->name.data, e->len) != 0))
            continue;
        if (set_text_schema(s, t->tr, &t->tc, e->schema) != LLMJ_OK) {
            stop_nomem(s);
            return 1;
        }
        return 0;
    }
    return 0;
}

static int item_tool_args(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    int created;
    stream_tool *t = get_tool(s, c, it->tool, &created);
    if (!t)
        return 1;
    if (created && tool_begin_cb(s, c, t))
        return 1;
    if (!it->len)
        return 0;
    if (text_add_or_stop(s, &t->args, it->text, it->len, "tool call arguments", c->index))
        return 1;
    if (s->cb.tool_args &&
        cb_stop(s, s->cb.tool_args(s->ctx, c->index, t->index, it->text, it->len)))
        return 1;
    if (!t->tr)
        return 0; /* free-text input: no tracker, no schema */
    if (!t->schema_tried && tool_schema_set(s, t))
        return 1;
    return track(s, t->tr, &t->tc, it->text, it->len, c->index, t->index) ? 1 : 0;
}

static int item_tool_end(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    int created;
    stream_tool *t = get_tool(s, c, it->tool, &created);
    if (!t)
        return 1;
    if (created && tool_begin_cb(s, c, t))
        return 1;
    if (t->ended)
        return 0;
    t->ended = 1;
    if (s->cb.tool_end && cb_stop(s, s->cb.tool_end(s->ctx, c->index, t->index)))
        return 1;
    return 0;
}

static int item_finish(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    int raw_same = c->has_finish && c->finish_raw.len == it->len &&
                   (!it->len || memcmp(c->finish_raw.data, it->text, it->len) == 0);
    if (raw_same && c->finish == it->finish)
        return 0; /* a repeated finish chunk (OpenRouter) */
    if (!raw_same) {
        c->finish_raw.len = 0;
        if (text_add_or_stop(s, &c->finish_raw, it->text, it->len, "finish reason", c->index))
            return 1;
    }
    c->finish = it->finish;
    c->has_finish = 1;
    c->notify = 1;
    s->notify = 1;
    return 0;
}

static int usage_same(const llmj_usage *a, const llmj_usage *b)
{
    return a->input_tokens == b->input_tokens && a->output_tokens == b->output_tokens &&
           a->total_tokens == b->total_tokens && a->cached_tokens == b->cached_tokens &&
           a->reasoning_tokens == b->reasoning_tokens;
}

static int item_usage(llmj_stream *s, const ld_item *it)
{
    if (s->has_usage && usage_same(&s->usage, &it->usage))
        return 0;
    s->usage = it->usage;
    s->has_usage = 1;
    if (s->cb.usage && cb_stop(s, s->cb.usage(s->ctx, &s->usage)))
        return 1;
    return 0;
}

static int copy_str(llmj_stream *s, llmj__buf *b, const char *p, size_t n)
{
    b->len = 0;
    int rc = text_add(s, b, p, n);
    if (rc == 0 && !b->data)
        rc = text_add(s, b, "", 0);
    return rc;
}

static int item_error(llmj_stream *s, const ld_item *it)
{
    llmj_provider_error e;
    memset(&e, 0, sizeof e);
    e.status = LLMJ_PROVIDER_ERROR;
    e.offset = s->cur_off;
    pos_of(s, s->cur_off, &e.line, &e.column);
    e.message = it->text ? it->text : "";
    e.message_len = it->text ? it->len : 0;
    e.type = it->id ? it->id : "";
    e.type_len = it->id ? it->id_len : 0;
    e.code = it->name ? it->name : "";
    e.code_len = it->name ? it->name_len : 0;
    if (llmj__redact_error(s->secrets, &e) != 0) {
        stop_nomem(s);
        return 1;
    }
    s->had_error = 1;
    s->nerrors++;
    if (!s->has_perr) {
        int rc = copy_str(s, &s->perr_msg, e.message, e.message_len);
        if (!rc)
            rc = copy_str(s, &s->perr_type, e.type, e.type_len);
        if (!rc)
            rc = copy_str(s, &s->perr_code, e.code, e.code_len);
        if (rc == -1) {
            stop_nomem(s);
            return 1;
        }
        if (rc == -2) {
            stop(s, LLMJ_TOO_LONG, s->cur_off, "provider error message over the text limit");
            return 1;
        }
        if (rc == -3) {
            stop(s, LLMJ_TOO_LONG, s->cur_off,
                 "the stream's memory budget (config.max_stream_memory, %zu bytes) is spent: the "
                 "provider error not taken",
                 s->cfg.max_stream_memory);
            return 1;
        }
        s->perr = e;
        s->perr.message = s->perr_msg.data;
        s->perr.type = s->perr_type.data;
        s->perr.code = s->perr_code.data;
        s->has_perr = 1;
    }
    if (s->cb.error && cb_stop(s, s->cb.error(s->ctx, &e)))
        return 1;
    return 0;
}

static int item_server_tool(llmj_stream *s, const ld_item *it);
static int item_citation(llmj_stream *s, const ld_item *it);
static int item_extra(llmj_stream *s, const ld_item *it);

static int on_item(void *ctx, const ld_item *it)
{
    llmj_stream *s = ctx;
    if (s->status != LLMJ_OK)
        return 1;
    switch (it->kind) {
    case LD_TEXT: return item_text(s, it);
    case LD_REFUSAL: return item_refusal(s, it);
    case LD_TOOL_BEGIN: return item_tool_begin(s, it);
    case LD_TOOL_ARGS: return item_tool_args(s, it);
    case LD_TOOL_END: return item_tool_end(s, it);
    case LD_FINISH: return item_finish(s, it);
    case LD_USAGE: return item_usage(s, it);
    case LD_ERROR: return item_error(s, it);
    case LD_DONE: s->done = 1; return 0;
    case LD_REASONING:
    case LD_REASONING_SIGNATURE:
    case LD_REASONING_REDACTED: return item_reasoning(s, it);
    case LD_SERVER_TOOL: return item_server_tool(s, it);
    case LD_CITATION: return item_citation(s, it);
    case LD_TOOL_SIGNATURE:
    case LD_LOGPROB:
    case LD_STOP_SEQUENCE:
    case LD_SERVICE_TIER: return item_extra(s, it);
    }
    return 0;
}

/* ---- events ------------------------------------------------------------ */

/* One more lost event in a text (choice content and refusal: tool
 * LLMJ_NO_TOOL); tells the caller. 0, or 1 when a callback stopped. */
static int lose(llmj_stream *s, uint64_t *lost, uint64_t *lost_off, size_t choice, size_t tool,
                uint64_t off)
{
    if ((*lost)++ == 0) {
        *lost_off = off;
        s->lost_texts++;
    }
    return s->cb.lost ? cb_stop(s, s->cb.lost(s->ctx, choice, tool, off)) : 0;
}

/* A rejected event cannot be attributed (its JSON did not parse): it may
 * belong to any text still open (a choice without its finish reason, a tool
 * call the provider has not closed), so each is marked. With none open, it
 * may be the start of a text that opens later. */
static int lose_open(llmj_stream *s, uint64_t off)
{
    int open = 0;
    if (!s->has_lost1) {
        s->has_lost1 = 1;
        s->lost1_off = off;
        pos_of(s, off, &s->lost1_line, &s->lost1_col);
    }
    for (size_t i = 0; i < s->nch; i++) {
        stream_choice *c = s->ch[i];
        if (c->has_finish)
            continue;
        open = 1;
        if (lose(s, &c->lost, &c->lost_off, c->index, LLMJ_NO_TOOL, off))
            return 1;
        for (size_t j = 0; j < c->ntools; j++) {
            stream_tool *t = c->tools[j];
            if (!t->ended && lose(s, &t->lost, &t->lost_off, c->index, t->index, off))
                return 1;
        }
    }
    if (!open && s->lost_orphan++ == 0)
        s->lost_orphan_off = off;
    return 0;
}

static int bad_event(llmj_stream *s, uint64_t off)
{
    s->bad_events++;
    if (!s->cb.error)
        return lose_open(s, off);
    char msg[160];
    const char *why = s->ops->message ? s->ops->message(s->dstate) : NULL;
    int n = snprintf(msg, sizeof msg, "the %s decoder could not read this event%s%s",
                     llmj_dialect_name(s->dialect), why && *why ? ": " : "", why ? why : "");
    if (n >= (int)sizeof msg)
        n = (int)sizeof msg - 1;
    llmj_provider_error e;
    memset(&e, 0, sizeof e);
    e.status = LLMJ_BAD_EVENT;
    e.offset = off;
    pos_of(s, off, &e.line, &e.column);
    e.message = msg;
    e.message_len = n > 0 ? (size_t)n : 0;
    e.type = "";
    e.code = "";
    if (cb_stop(s, s->cb.error(s->ctx, &e)))
        return 1;
    return lose_open(s, off);
}

/* Decode one event with the known dialect. Returns 0 to go on, 1 when the
 * stream stopped; *bad is set for an unreadable event. */
static int dispatch(llmj_stream *s, const char *type, size_t type_len, const char *data,
                    size_t data_len, uint64_t off, int *bad)
{
    s->events++;
    s->cur_off = off;
    llmj_status st = s->ops->event(s->dstate, type, type_len, data, data_len, on_item, s);
    if (bad)
        *bad = st == LLMJ_BAD_EVENT;
    if (s->status != LLMJ_OK)
        return 1;
    switch (st) {
    case LLMJ_OK:
        break;
    case LLMJ_BAD_EVENT:
        if (bad_event(s, off))
            return 1;
        break;
    case LLMJ_NOMEM:
        stop_nomem(s);
        return 1;
    default: {
        const char *m = s->ops->message ? s->ops->message(s->dstate) : NULL;
        stop(s, st, off, "%s", m && *m ? m : "the dialect decoder failed");
        return 1;
    }
    }
    return flush_finish(s) ? 1 : 0;
}

static int start_dialect(llmj_stream *s, const ld_ops *ops)
{
    llmj_status st = ops->create(&s->dstate, &s->a, &s->cfg);
    if (st != LLMJ_OK) {
        s->dstate = NULL;
        if (st == LLMJ_NOMEM)
            stop_nomem(s);
        else
            stop(s, st, s->cur_off, "cannot create the dialect decoder");
        return -1;
    }
    s->ops = ops;
    s->dialect = ops->dialect;
    return 0;
}

/* A held event: header then type and data bytes. */
typedef struct held_event {
    uint64_t off;
    size_t type_len;
    size_t data_len;
    int has_type;
} held_event;

static int hold_event(llmj_stream *s, const char *type, size_t type_len, const char *data,
                      size_t data_len, uint64_t off)
{
    /* at most STREAM_SNIFF_EVENTS events, of max_event bytes in all */
    size_t held = s->pending.len - s->npending * sizeof(held_event);
    if (s->npending >= STREAM_SNIFF_EVENTS || type_len > s->cfg.max_event ||
        data_len > s->cfg.max_event - type_len || type_len + data_len > s->cfg.max_event - held) {
        stop(s, LLMJ_UNKNOWN_DIALECT, off, "no known dialect in the first %zu events",
             s->npending + 1);
        return 1;
    }
    held_event h = { off, type_len, data_len, type != NULL };
    int rc = budget_reserve(s, &s->pending, s->pending.len + sizeof h + type_len + data_len,
                            SIZE_MAX);
    if (rc == -3) {
        stop(s, LLMJ_TOO_LONG, off,
             "the stream's memory budget (config.max_stream_memory, %zu bytes) is spent: an "
             "event held for detection not taken",
             s->cfg.max_stream_memory);
        return 1;
    }
    if (rc) {
        stop_nomem(s);
        return 1;
    }
    memcpy(s->pending.data + s->pending.len, &h, sizeof h);
    s->pending.len += sizeof h;
    if (type_len)
        memcpy(s->pending.data + s->pending.len, type, type_len);
    s->pending.len += type_len;
    if (data_len)
        memcpy(s->pending.data + s->pending.len, data, data_len);
    s->pending.len += data_len;
    s->npending++;
    return 0;
}

static int replay_held(llmj_stream *s)
{
    size_t p = 0;
    while (p < s->pending.len) {
        held_event h;
        memcpy(&h, s->pending.data + p, sizeof h);
        p += sizeof h;
        const char *type = h.has_type ? s->pending.data + p : NULL;
        p += h.type_len;
        const char *data = s->pending.data + p;
        p += h.data_len;
        if (dispatch(s, type, h.type_len, data, h.data_len, h.off, NULL))
            return 1;
    }
    s->pending.len = 0;
    s->npending = 0;
    return 0;
}

/* An SSE event, or an NDJSON line (type NULL). */
static int on_event(llmj_stream *s, const char *type, size_t type_len, const char *data,
                    size_t data_len, uint64_t off, int *bad)
{
    if (s->status != LLMJ_OK)
        return 1;
    if (!s->ops) {
        if (s->wire == WIRE_NDJSON) {
            /* detected from a '{': a first line that is no Ollama line is a
             * JSON document, not a stream */
            if (s->requested == LLMJ_DIALECT_AUTO &&
                !llmj__dialect_ollama.sniff(type, type_len, data, data_len)) {
                stop(s, LLMJ_NOT_A_STREAM, off,
                     NOT_A_STREAM "this line starts with '{' but is no Ollama event (a JSON "
                     "document?)");
                return 1;
            }
            if (start_dialect(s, &llmj__dialect_ollama))
                return 1;
        } else {
            const ld_ops *best = NULL;
            int score = 0;
            for (size_t i = 0; i < sizeof sse_dialects / sizeof *sse_dialects; i++) {
                int sc = sse_dialects[i]->sniff(type, type_len, data, data_len);
                if (sc > score) {
                    score = sc;
                    best = sse_dialects[i];
                }
            }
            if (!best)
                return hold_event(s, type, type_len, data, data_len, off);
            if (start_dialect(s, best) || replay_held(s))
                return 1;
        }
    }
    return dispatch(s, type, type_len, data, data_len, off, bad);
}

static int on_sse(void *ctx, const llmj_sse_event *ev)
{
    llmj_stream *s = ctx;
    const char *type = ev->type;
    size_t type_len = ev->type_len;
    if (!type || (type_len == 7 && memcmp(type, "message", 7) == 0)) {
        type = NULL;
        type_len = 0;
    }
    if (s->npending == 0) /* no earlier event held for detection: none before it is asked for */
        lf_forget(s, ev->offset);
    return on_event(s, type, type_len, ev->data, ev->data_len, ev->offset, NULL);
}

/* The old llama-server `error: {...}` field line (not `data:`): decoded as
 * the payload {"error": VALUE} would be, and when the dialect makes no error
 * of that, the value itself is the message. */
static int on_field(void *ctx, const char *name, size_t name_len, const char *value,
                    size_t value_len, uint64_t off)
{
    llmj_stream *s = ctx;
    if (s->status != LLMJ_OK)
        return 1;
    if (name_len != 5 || memcmp(name, "error", 5) != 0)
        return 0;
    static const char pre[] = "{\"error\":";
    s->field.len = 0;
    if (llmj__buf_append(&s->field, &s->a, pre, sizeof pre - 1, SIZE_MAX) ||
        llmj__buf_append(&s->field, &s->a, value, value_len, SIZE_MAX) ||
        llmj__buf_append(&s->field, &s->a, "}", 1, SIZE_MAX)) {
        s->cur_off = off;
        stop_nomem(s);
        return 1;
    }
    if (!s->ops) /* not detected yet: an event like any other */
        return on_event(s, NULL, 0, s->field.data, s->field.len, off, NULL);
    uint64_t before = s->nerrors;
    s->events++;
    s->cur_off = off;
    llmj_status st = s->ops->event(s->dstate, NULL, 0, s->field.data, s->field.len, on_item, s);
    if (s->status != LLMJ_OK)
        return 1;
    if (st == LLMJ_NOMEM) {
        stop_nomem(s);
        return 1;
    }
    if (s->nerrors == before) {
        ld_item it;
        memset(&it, 0, sizeof it);
        it.kind = LD_ERROR;
        it.text = value;
        it.len = value_len;
        if (item_error(s, &it))
            return 1;
    }
    return flush_finish(s) ? 1 : 0;
}

/* ---- wire formats ------------------------------------------------------ */

enum { FL_START = 0, FL_COMMENT, FL_NAME, FL_DONE };

/* Does s[0:n] begin one of the field names an event stream starts with:
 * the spec's data, event, id, retry, and old llama-server's error? *exact:
 * it is one. */
static int sse_field_prefix(const char *s, size_t n, int *exact)
{
    static const char *const names[] = { "data", "event", "id", "retry", "error" };
    *exact = 0;
    int any = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t l = strlen(names[i]);
        if (n <= l && memcmp(s, names[i], n) == 0) {
            any = 1;
            if (n == l)
                *exact = 1;
        }
    }
    return any;
}

/* The first line of an SSE stream that is neither blank nor a comment must
 * be one of those fields (its name ends at ':' or at the line end); any
 * other line there means the input is no event stream. Decided within the
 * first 6 bytes of that line, before the SSE decoder sees them, in any
 * split. 0 to go on, -1 when the stream stopped. */
static int sse_first_line(llmj_stream *s, const char *p, size_t n, uint64_t off)
{
    for (size_t i = 0; i < n && s->fl_state != FL_DONE; i++) {
        unsigned char c = (unsigned char)p[i];
        uint64_t at = off + i;
        int eol = c == '\n' || c == '\r';
        if (s->fl_state == FL_COMMENT) {
            if (eol)
                s->fl_state = FL_START;
            continue;
        }
        if (s->fl_state == FL_START) {
            if (at < 3 && at == s->fl_bom && c == (unsigned char)"\xEF\xBB\xBF"[at]) {
                s->fl_bom++;
                continue;
            }
            if (eol)
                continue;
            if (c == ':') {
                s->fl_state = FL_COMMENT;
                continue;
            }
            s->fl_state = FL_NAME;
            s->fl_off = at;
            s->fl_len = 0;
        }
        int exact;
        if (c == ':' || eol) {
            if (sse_field_prefix(s->fl_name, s->fl_len, &exact) && exact) {
                s->fl_state = FL_DONE;
                return 0;
            }
        } else if (s->fl_len < sizeof s->fl_name) {
            s->fl_name[s->fl_len++] = (char)c;
            if (sse_field_prefix(s->fl_name, s->fl_len, &exact))
                continue;
        }
        stop(s, LLMJ_NOT_A_STREAM, s->fl_off,
             NOT_A_STREAM "this line is neither an SSE field (data:, event:, id:, retry:) nor a "
             "comment");
        return -1;
    }
    return 0;
}

/* Take the SSE decoder's status: 0 to go on, -1 when the stream stopped. */
static int sse_status(llmj_stream *s, llmj_status st)
{
    if (s->status != LLMJ_OK)
        return -1; /* stopped from a callback */
    if (st == LLMJ_OK)
        return 0;
    const llmj_error *e = llmj_sse_error(s->sse);
    if (st == LLMJ_NOMEM) {
        stop_nomem(s);
    } else if (e && e->code != LLMJ_OK) {
        stop(s, st, e->offset, "%s", e->message ? e->message : llmj_strerror(st));
        s->err.line = e->line;
        s->err.column = e->column;
    } else {
        stop(s, st, s->bytes, "%s", llmj_strerror(st));
    }
    return -1;
}

static int feed_sse(llmj_stream *s, const char *p, size_t n, uint64_t off)
{
    while (n) {
        size_t k = n < LF_SLICE ? n : LF_SLICE;
        const char *q = p, *end = p + k;
        uint64_t nlf = s->lf_n, lim = s->lf_lo + s->lf_cap; /* lf_add, unrolled */
        while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
            if (nlf == lim) {
                s->lf_n = nlf;
                if (lf_room(s)) {
                    stop_nomem(s);
                    return -1;
                }
                lim = s->lf_lo + s->lf_cap;
            }
            s->lf[nlf & (s->lf_cap - 1)] = off + (uint64_t)(q - p);
            nlf++;
            q++;
        }
        s->lf_n = nlf;
        if (s->fl_state != FL_DONE && sse_first_line(s, p, k, off))
            return -1;
        if (sse_status(s, llmj_sse_feed(s->sse, p, k)))
            return -1;
        p += k;
        n -= k;
        off += k;
    }
    return 0;
}

static int nd_line(llmj_stream *s, const char *p, size_t n, int *bad)
{
    uint64_t off = s->line_off;
    if (off == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    size_t i = 0;
    while (i < n && is_ws((unsigned char)p[i]))
        i++;
    if (i == n)
        return 0; /* blank line */
    return on_event(s, NULL, 0, p, n, off, bad);
}

/* An NDJSON line over config.max_event: LLMJ_TOO_LONG, or, for the first
 * line of an auto-detected stream, no stream at all (a JSON document). */
static void nd_too_long(llmj_stream *s)
{
    if (s->requested == LLMJ_DIALECT_AUTO && !s->ops)
        stop(s, LLMJ_NOT_A_STREAM, s->line_off,
             NOT_A_STREAM "this first line is longer than %zu bytes (config.max_event)",
             s->cfg.max_event);
    else
        stop(s, LLMJ_TOO_LONG, s->line_off, "NDJSON line longer than %zu bytes",
             s->cfg.max_event);
}

static int feed_ndjson(llmj_stream *s, const char *p, size_t n, uint64_t off)
{
    while (n) {
        size_t i = 0;
        while (i < n && p[i] != '\n' && p[i] != '\r')
            i++;
        if (i == n) {
            if (s->line.len + n > s->cfg.max_event) {
                nd_too_long(s);
                return -1;
            }
            if (llmj__buf_append(&s->line, &s->a, p, n, SIZE_MAX)) {
                stop_nomem(s);
                return -1;
            }
            return 0;
        }
        int rc;
        if (s->line.len) {
            if (s->line.len + i > s->cfg.max_event) {
                nd_too_long(s);
                return -1;
            }
            if (llmj__buf_append(&s->line, &s->a, p, i, SIZE_MAX)) {
                stop_nomem(s);
                return -1;
            }
            rc = nd_line(s, s->line.data, s->line.len, NULL);
            s->line.len = 0;
        } else {
            if (i > s->cfg.max_event) {
                nd_too_long(s);
                return -1;
            }
            rc = nd_line(s, p, i, NULL);
        }
        if (rc)
            return -1;
        if (p[i] == '\n') {
            s->nd_lf++;
            s->nd_last_lf = off + i + 1;
        }
        s->line_off = off + i + 1;
        p += i + 1;
        n -= i + 1;
        off += i + 1;
    }
    return 0;
}

static int feed_wire(llmj_stream *s, const char *p, size_t n, uint64_t off)
{
    return s->wire == WIRE_NDJSON ? feed_ndjson(s, p, n, off) : feed_sse(s, p, n, off);
}

/* Before the wire format is known (auto): hold a BOM and whitespace, decide
 * on the first other byte ('{': NDJSON, anything else: SSE). Returns the bytes
 * of p consumed (all of them while undecided), or (size_t)-1 when the stream
 * stopped. */
static size_t sniff_wire(llmj_stream *s, const char *p, size_t n, uint64_t off)
{
    size_t i = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        size_t pos = s->pre.len + i;
        if (pos < 3 && pos == s->bom && c == (unsigned char)"\xEF\xBB\xBF"[pos]) {
            s->bom++;
            continue;
        }
        if (!is_ws(c))
            break;
        if (c == '\n' && lf_add(s, off + i)) {
            s->cur_off = off + i;
            stop_nomem(s);
            return (size_t)-1;
        }
    }
    if (i == n) {
        if (n > s->cfg.max_event - s->pre.len) {
            s->cur_off = off + n;
            stop(s, LLMJ_TOO_LONG, off + n, "more than %zu bytes before the first event",
                 s->cfg.max_event);
            return (size_t)-1;
        }
        if (llmj__buf_append(&s->pre, &s->a, p, n, SIZE_MAX)) {
            s->cur_off = off;
            stop_nomem(s);
            return (size_t)-1;
        }
        return n;
    }
    s->wire = p[i] == '{' ? WIRE_NDJSON : WIRE_SSE;
    lf_reset(s);
    if (s->pre.len) {
        int rc = feed_wire(s, s->pre.data, s->pre.len, 0);
        llmj__buf_free(&s->pre, &s->a);
        if (rc)
            return (size_t)-1;
    }
    return 0;
}

/* ---- life cycle -------------------------------------------------------- */

static void clear(llmj_stream *s)
{
    for (size_t i = 0; i < s->nch; i++)
        choice_free(s, s->ch[i]);
    llmj__free(&s->a, s->ch);
    s->ch = NULL;
    s->nch = s->capch = s->last_ch = 0;
    s->scratch_of = NULL; /* a new text may reuse a freed one's address */
    if (s->ops && s->dstate)
        s->ops->destroy(s->dstate);
    s->dstate = NULL;
    s->ops = NULL;
    llmj__buf_free(&s->pre, &s->a);
    llmj__buf_free(&s->pending, &s->a);
    llmj__buf_free(&s->line, &s->a);
    llmj__buf_free(&s->perr_msg, &s->a);
    llmj__buf_free(&s->perr_type, &s->a);
    llmj__buf_free(&s->perr_code, &s->a);
    llmj__buf_free(&s->scratch, &s->a);
    llmj__buf_free(&s->field, &s->a);
    llmj__buf_free(&s->tier, &s->a);
    s->has_tier = 0;
}

static llmj_status start(llmj_stream *s)
{
    s->npending = 0;
    s->bom = 0;
    s->line_off = s->nd_lf = s->nd_last_lf = 0;
    lf_reset(s);
    s->fl_state = FL_START;
    s->fl_len = s->fl_bom = 0;
    s->fl_off = 0;
    s->notify = 0;
    s->status = LLMJ_OK;
    memset(&s->err, 0, sizeof s->err);
    s->errmsg[0] = '\0';
    s->err.message = s->errmsg;
    s->finished = s->done = s->cut = s->had_error = 0;
    s->events = s->bad_events = s->bytes = s->cur_off = s->nerrors = 0;
    s->lost_orphan = s->lost_orphan_off = s->lost_texts = 0;
    s->has_lost1 = 0;
    s->held = 0;
    s->has_usage = 0;
    memset(&s->usage, 0, sizeof s->usage);
    s->has_perr = 0;
    memset(&s->perr, 0, sizeof s->perr);
    s->dialect = s->requested;
    s->wire = s->requested == LLMJ_DIALECT_AUTO ? WIRE_UNDECIDED
              : s->requested == LLMJ_DIALECT_OLLAMA ? WIRE_NDJSON : WIRE_SSE;
    if (s->requested != LLMJ_DIALECT_AUTO && start_dialect(s, ops_of(s->requested)))
        return s->status;
    return LLMJ_OK;
}

llmj_status llmj_stream_new(llmj_stream **out, const llmj_config *cfg, llmj_dialect dialect,
                            llmj_content_mode content, const llmj_stream_callbacks *cbs,
                            void *ctx)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_config c;
    if (cfg)
        c = *cfg;
    else
        llmj_config_init(&c);
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, &c.alloc))
        return LLMJ_BAD_OPTION;
    if ((dialect != LLMJ_DIALECT_AUTO && !ops_of(dialect)) ||
        (content != LLMJ_CONTENT_AUTO && content != LLMJ_CONTENT_JSON &&
         content != LLMJ_CONTENT_TEXT) ||
        c.max_event == 0)
        return LLMJ_BAD_OPTION;
    /* 0 means the default, as the dialect decoders read it */
    if (c.max_choices == 0)
        c.max_choices = 128;
    if (c.max_tool_calls == 0)
        c.max_tool_calls = 128;
    if (c.max_text == 0 || c.max_text > SIZE_MAX - 2)
        c.max_text = c.max_text ? SIZE_MAX - 2 : (size_t)256 << 20;
    if (c.max_stream_memory == 0)
        c.max_stream_memory = (size_t)256 << 20;
    c.alloc = a;
    llmj_stream *s = llmj__malloc(&a, sizeof *s);
    if (!s)
        return LLMJ_NOMEM;
    memset(s, 0, sizeof *s);
    s->a = a;
    s->cfg = c;
    s->requested = dialect;
    s->content = content;
    if (cbs)
        s->cb = *cbs;
    s->ctx = ctx;
    /* check the tracker settings once, so a bad one fails here */
    llmj_tracker *probe = NULL;
    llmj_status st = llmj_tracker_new(&probe, &s->cfg, NULL, NULL);
    llmj_tracker_free(probe);
    if (st != LLMJ_OK) {
        llmj__free(&a, s);
        return st;
    }
    st = llmj_sse_new(&s->sse, &s->cfg, on_sse, s);
    if (st == LLMJ_OK)
        st = llmj_sse_set_field_cb(s->sse, on_field, s);
    if (st == LLMJ_OK)
        st = start(s);
    if (st != LLMJ_OK) {
        llmj_stream_free(s);
        return st;
    }
    *out = s;
    return LLMJ_OK;
}

void llmj_stream_free(llmj_stream *s)
{
    if (!s)
        return;
    clear(s);
    llmj_sse_free(s->sse);
    llmj__free(&s->a, s->lf);
    for (size_t i = 0; i < s->ntschemas; i++)
        llmj__free(&s->a, s->tschemas[i].name);
    llmj__free(&s->a, s->tschemas);
    llmj_allocator a = s->a;
    llmj__free(&a, s);
}

llmj_status llmj_stream_reset(llmj_stream *s)
{
    if (!s)
        return LLMJ_MISUSE;
    clear(s);
    llmj_status st = llmj_sse_reset(s->sse);
    if (st != LLMJ_OK) {
        s->status = st;
        return st;
    }
    return start(s);
}

/* Between feeds the decoder gives back what only its events needed (its
 * yajl handles, records, kept strings), and the SSE decoder what a large
 * piece made its buffers grow to: a stream waiting for the network holds
 * only what it keeps. Within a feed, its events share them. */
static void rest_dialect(llmj_stream *s)
{
    if (s->ops && s->ops->rest)
        s->ops->rest(s->dstate);
    if (s->sse)
        llmj__sse_rest(s->sse);
}

llmj_status llmj_stream_feed(llmj_stream *s, const void *buf, size_t len)
{
    if (!s || (!buf && len))
        return LLMJ_MISUSE;
    if (s->finished)
        return LLMJ_MISUSE;
    uint64_t off = s->bytes;
    s->bytes += len; /* every byte passed in, also after a stop: any split */
    if (s->status != LLMJ_OK)
        return s->status;
    const char *p = buf;
    if (s->wire == WIRE_UNDECIDED) {
        size_t k = sniff_wire(s, p, len, off);
        if (k == (size_t)-1) {
            rest_dialect(s);
            return s->status;
        }
        p += k;
        len -= k;
        off += k;
        if (s->wire == WIRE_UNDECIDED)
            return LLMJ_OK;
    }
    feed_wire(s, p, len, off);
    rest_dialect(s);
    return s->status;
}

/* ---- finish ------------------------------------------------------------ */

static llmj_text_status text_status_of(llmj_status st)
{
    switch (st) {
    case LLMJ_OK: return LLMJ_TEXT_COMPLETE;
    case LLMJ_EMPTY: return LLMJ_TEXT_EMPTY;
    case LLMJ_INVALID:
    case LLMJ_TOO_DEEP:
    case LLMJ_TOO_LONG: return LLMJ_TEXT_INVALID;
    case LLMJ_RUNAWAY_WHITESPACE:
    case LLMJ_RUNAWAY_REPEAT: return LLMJ_TEXT_RUNAWAY;
    default: return LLMJ_TEXT_TRUNCATED;
    }
}

static void finish_texts(llmj_stream *s)
{
    for (size_t i = 0; i < s->nch; i++) {
        stream_choice *c = s->ch[i];
        if (!c->has_finish && s->had_error) {
            c->finish = LLMJ_FINISH_ERROR;
            c->has_finish = 0; /* no raw reason */
        }
        llmj_finish f = effective_finish(c);
        int normal = ended_normally(f);
        int other = c->ntools > 0 || c->has_refusal;
        if (c->json == -1)
            c->json = 0; /* only whitespace ever came: plain text */
        if (c->json == 1) {
            c->status = text_status_of(
                llmj_tracker_finish(c->tr, normal ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED));
            if (c->tc.doc_tr)
                llmj_tracker_finish(c->tc.doc_tr, normal ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
            c->complete = normal && !c->lost && (c->status == LLMJ_TEXT_COMPLETE ||
                                                 (c->status == LLMJ_TEXT_EMPTY && other));
        } else {
            size_t k = 0;
            while (k < c->text.len && is_ws((unsigned char)c->text.data[k]))
                k++;
            c->status = k == c->text.len ? LLMJ_TEXT_EMPTY
                        : normal && !c->lost ? LLMJ_TEXT_COMPLETE : LLMJ_TEXT_TRUNCATED;
            c->complete = normal && !c->lost;
        }
        for (size_t j = 0; j < c->ntools; j++) {
            stream_tool *t = c->tools[j];
            int ended = t->ended || normal;
            if (t->text_input) { /* free text: as a plain-text content */
                t->complete = ended && !t->lost;
                t->status = !t->args.len ? LLMJ_TEXT_EMPTY
                            : t->complete ? LLMJ_TEXT_COMPLETE : LLMJ_TEXT_TRUNCATED;
                continue;
            }
            t->status = text_status_of(
                llmj_tracker_finish(t->tr, ended ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED));
            if (t->tc.doc_tr)
                llmj_tracker_finish(t->tc.doc_tr, ended ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
            t->complete = ended && !t->lost && t->status == LLMJ_TEXT_COMPLETE;
        }
        tell_text_end(s, c);
    }
}

llmj_status llmj_stream_finish(llmj_stream *s)
{
    if (!s)
        return LLMJ_MISUSE;
    if (s->finished)
        return s->status;
    if (s->status == LLMJ_OK) {
        if (s->wire == WIRE_UNDECIDED) {
            /* only a BOM and whitespace came: nothing to decode */
        } else if (s->wire == WIRE_SSE) {
            llmj_status st = llmj_sse_finish(s->sse);
            if (st == LLMJ_SSE_CUT && s->status == LLMJ_OK)
                s->cut = 1;
            else if (st != LLMJ_OK)
                sse_status(s, st);
        } else if (s->line.len) {
            int bad = 0;
            nd_line(s, s->line.data, s->line.len, &bad);
            if (bad && s->status == LLMJ_OK)
                s->cut = 1;
            s->line.len = 0;
        }
        if (s->status == LLMJ_OK && s->npending)
            stop(s, LLMJ_UNKNOWN_DIALECT, s->bytes, "no known dialect in the events");
    }
    s->finished = 1;
    rest_dialect(s);
    finish_texts(s);
    if (s->status != LLMJ_OK)
        return s->status;
    int unfinished = 0;
    for (size_t i = 0; i < s->nch; i++)
        if (s->ch[i]->finish == LLMJ_FINISH_NONE)
            unfinished = 1;
    if (s->has_perr) {
        s->status = LLMJ_PROVIDER_ERROR;
        s->err.code = s->status;
        s->err.offset = s->perr.offset;
        s->err.line = s->perr.line;
        s->err.column = s->perr.column;
        snprintf(s->errmsg, sizeof s->errmsg, "provider error: %s", s->perr.message);
    } else if (s->cut) {
        s->status = LLMJ_SSE_CUT;
        s->err.code = s->status;
        s->err.offset = s->bytes;
        pos_of(s, s->bytes, &s->err.line, &s->err.column);
        snprintf(s->errmsg, sizeof s->errmsg, "the input ended inside a line");
    } else if (s->events == 0) {
        s->status = LLMJ_EMPTY;
    } else if (s->lost_texts) {
        /* a text missing an event is not whole: the first lost event */
        uint64_t first = UINT64_MAX;
        for (size_t i = 0; i < s->nch; i++) {
            const stream_choice *c = s->ch[i];
            if (c->lost && c->lost_off < first)
                first = c->lost_off;
            for (size_t j = 0; j < c->ntools; j++)
                if (c->tools[j]->lost && c->tools[j]->lost_off < first)
                    first = c->tools[j]->lost_off;
        }
        s->status = LLMJ_TRUNCATED;
        s->err.code = s->status;
        s->err.offset = first;
        if (s->has_lost1 && first == s->lost1_off) {
            s->err.line = s->lost1_line;
            s->err.column = s->lost1_col;
        } else {
            pos_of(s, first, &s->err.line, &s->err.column);
        }
        snprintf(s->errmsg, sizeof s->errmsg,
                 "%llu text%s not whole: %llu unreadable event%s may belong to %s (the first at "
                 "byte %llu)",
                 (unsigned long long)s->lost_texts, s->lost_texts == 1 ? " is" : "s are",
                 (unsigned long long)s->bad_events, s->bad_events == 1 ? "" : "s",
                 s->lost_texts == 1 ? "it" : "them", (unsigned long long)first);
    } else if (unfinished || (!s->done && has_end_marker(s->dialect))) {
        s->status = LLMJ_TRUNCATED;
        s->err.code = s->status;
        s->err.offset = s->bytes;
        pos_of(s, s->bytes, &s->err.line, &s->err.column);
        snprintf(s->errmsg, sizeof s->errmsg, "%s",
                 unfinished ? "the stream ended before a choice's finish reason"
                            : "the stream ended without its end marker");
    }
    s->err.message = s->errmsg;
    return s->status;
}

/* ---- accessors --------------------------------------------------------- */

llmj_status llmj_stream_status(const llmj_stream *s)
{
    return s ? s->status : LLMJ_MISUSE;
}

const llmj_error *llmj_stream_error(const llmj_stream *s)
{
    return s ? &s->err : NULL;
}

llmj_dialect llmj_stream_dialect(const llmj_stream *s)
{
    return s ? s->dialect : LLMJ_DIALECT_AUTO;
}

uint64_t llmj_stream_events(const llmj_stream *s)
{
    return s ? s->events : 0;
}

uint64_t llmj_stream_bad_events(const llmj_stream *s)
{
    return s ? s->bad_events : 0;
}

uint64_t llmj_stream_bytes(const llmj_stream *s)
{
    return s ? s->bytes : 0;
}

int llmj_stream_done(const llmj_stream *s)
{
    return s ? s->done : 0;
}

const llmj_usage *llmj_stream_usage(const llmj_stream *s)
{
    return s && s->has_usage ? &s->usage : NULL;
}

void llmj__stream_set_secrets(llmj_stream *s, llmj__secrets *k)
{
    s->secrets = k;
}

const llmj_provider_error *llmj_stream_provider_error(const llmj_stream *s)
{
    return s && s->has_perr ? &s->perr : NULL;
}

size_t llmj_stream_choice_count(const llmj_stream *s)
{
    return s ? s->nch : 0;
}

llmj_status llmj_stream_choice(const llmj_stream *s, size_t ci, llmj_choice_info *out)
{
    if (!s || !out || ci >= s->nch)
        return LLMJ_MISUSE;
    const stream_choice *c = s->ch[ci];
    memset(out, 0, sizeof *out);
    out->index = c->index;
    out->content = c->text.data ? c->text.data : "";
    out->content_len = c->text.len;
    if (c->has_refusal) {
        out->refusal = c->refusal.data;
        out->refusal_len = c->refusal.len;
    }
    out->finish = effective_finish(c);
    if (c->has_finish) {
        out->finish_raw = c->finish_raw.data ? c->finish_raw.data : "";
        out->finish_raw_len = c->finish_raw.len;
    }
    out->json = c->json;
    out->status = c->status;
    out->complete = s->finished ? c->complete : 0;
    out->tool_count = c->ntools;
    out->lost_events = c->lost;
    out->lost_offset = c->lost_off;
    return LLMJ_OK;
}

llmj_status llmj_stream_reasoning(const llmj_stream *s, size_t ci, llmj_reasoning_info *out)
{
    if (!s || !out || ci >= s->nch)
        return LLMJ_MISUSE;
    const stream_choice *c = s->ch[ci];
    memset(out, 0, sizeof *out);
    out->present = c->has_reasoning;
    out->text = c->reasoning.data ? c->reasoning.data : "";
    out->text_len = c->reasoning.len;
    out->signature = c->signature.len ? c->signature.data : NULL;
    out->signature_len = c->signature.len;
    out->redacted = c->redacted;
    return LLMJ_OK;
}

llmj_status llmj_stream_tool(const llmj_stream *s, size_t ci, size_t ti, llmj_tool_info *out)
{
    if (!s || !out || ci >= s->nch || ti >= s->ch[ci]->ntools)
        return LLMJ_MISUSE;
    const stream_tool *t = s->ch[ci]->tools[ti];
    memset(out, 0, sizeof *out);
    out->index = t->index;
    out->id = t->id.data ? t->id.data : "";
    out->id_len = t->id.len;
    out->name = t->name.data ? t->name.data : "";
    out->name_len = t->name.len;
    out->arguments = t->args.data ? t->args.data : "";
    out->arguments_len = t->args.len;
    out->ended = t->ended;
    out->status = t->status;
    out->complete = s->finished ? t->complete : 0;
    out->lost_events = t->lost;
    out->lost_offset = t->lost_off;
    out->type = t->type.len ? t->type.data : "function";
    out->type_len = t->type.len ? t->type.len : 8;
    out->text_input = t->text_input;
    out->signature = t->sig.len ? t->sig.data : NULL;
    out->signature_len = t->sig.len;
    return LLMJ_OK;
}

/* ---- extras ------------------------------------------------------------ */

/* Room for one more pointer in *arr (n used, *cap allocated); 0 or -1 (stopped). */
static int ptrs_grow(llmj_stream *s, void ***arr, size_t n, size_t *cap)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    void **na = llmj__realloc(&s->a, *arr, ncap * sizeof *na);
    if (!na) {
        stop_nomem(s);
        return -1;
    }
    *arr = na;
    *cap = ncap;
    return 0;
}

static void *zalloc_or_stop(llmj_stream *s, size_t n)
{
    void *p = llmj__malloc(&s->a, n);
    if (!p)
        stop_nomem(s);
    else
        memset(p, 0, n);
    return p;
}

/* Replace b's text with p[0:n]. */
static int text_set(llmj_stream *s, llmj__buf *b, const char *p, size_t n, const char *what,
                    size_t choice)
{
    b->len = 0;
    return text_add_or_stop(s, b, p, n, what, choice);
}

static void server_info(const stream_server *v, size_t i, llmj_server_tool_info *out)
{
#define STR(f)                                     \
    do {                                           \
        out->f = v->f.data ? v->f.data : "";       \
        out->f##_len = v->f.len;                   \
    } while (0)
    memset(out, 0, sizeof *out);
    out->index = i;
    STR(type);
    STR(name);
    STR(id);
    STR(input);
    STR(status);
    STR(result);
#undef STR
}

static void citation_info(const stream_citation *v, llmj_citation_info *out)
{
    out->type = v->type.data ? v->type.data : "";
    out->type_len = v->type.len;
    out->source = v->source.data ? v->source.data : "";
    out->source_len = v->source.len;
    out->title = v->title.data ? v->title.data : "";
    out->title_len = v->title.len;
    out->json = v->json.data ? v->json.data : "";
    out->json_len = v->json.len;
}

/* A server tool: found by id (or by the dialect's number when the item has
 * no id), created when new; fields given are set, input appended or
 * replaced. */
static int item_server_tool(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    stream_extras *x = &c->x;
    stream_server *v = NULL;
    size_t i;
    for (i = x->nsrv; i-- > 0;) {
        stream_server *w = x->srv[i];
        if (it->id_len ? (w->id.len == it->id_len && memcmp(w->id.data, it->id, it->id_len) == 0)
                       : w->num == it->tool) {
            v = w;
            break;
        }
    }
    int tell = (it->flags & LD_F_TELL) != 0;
    if (!v) {
        if (ptrs_grow(s, (void ***)&x->srv, x->nsrv, &x->capsrv) ||
            !(v = zalloc_or_stop(s, sizeof *v)))
            return 1;
        v->num = it->tool;
        i = x->nsrv;
        x->srv[x->nsrv++] = v;
        tell = 1;
    }
    size_t ci = c->index;
    if (it->flags & LD_F_RESULT) { /* a result block for it: type is the result's */
        if (it->type_len &&
            text_set(s, &v->result, it->type, it->type_len, "server tool result", ci))
            return 1;
    } else if (it->type_len && !v->type.len &&
               text_set(s, &v->type, it->type, it->type_len, "server tool type", ci)) {
        return 1;
    }
    if ((it->id_len && !v->id.len && text_set(s, &v->id, it->id, it->id_len, "server tool id", ci)) ||
        (it->name_len && !v->name.len &&
         text_set(s, &v->name, it->name, it->name_len, "server tool name", ci)))
        return 1;
    if (it->status_len &&
        !(v->status.len == it->status_len && memcmp(v->status.data, it->status, it->status_len) == 0)) {
        if (text_set(s, &v->status, it->status, it->status_len, "server tool status", ci))
            return 1;
        tell = 1;
    }
    if (it->flags & LD_F_WHOLE) {
        if (text_set(s, &v->input, it->text, it->len, "server tool input", ci))
            return 1;
    } else if (it->len &&
               text_add_or_stop(s, &v->input, it->text, it->len, "server tool input", ci)) {
        return 1;
    }
    if (tell && s->cb.server_tool) {
        llmj_server_tool_info info;
        server_info(v, i, &info);
        if (cb_stop(s, s->cb.server_tool(s->ctx, c->index, &info)))
            return 1;
    }
    return 0;
}

static int item_citation(llmj_stream *s, const ld_item *it)
{
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    stream_extras *x = &c->x;
    for (size_t i = 0; i < x->ncit; i++)
        if (x->cit[i]->json.len == it->len && memcmp(x->cit[i]->json.data, it->text, it->len) == 0)
            return 0; /* sent again (Perplexity repeats its list in every chunk) */
    stream_citation *v;
    if (ptrs_grow(s, (void ***)&x->cit, x->ncit, &x->capcit) || !(v = zalloc_or_stop(s, sizeof *v)))
        return 1;
    x->cit[x->ncit++] = v;
    size_t ci = c->index;
    if (text_set(s, &v->json, it->text, it->len, "citation", ci) ||
        text_set(s, &v->type, it->type, it->type_len, "citation", ci) ||
        text_set(s, &v->source, it->id, it->id_len, "citation", ci) ||
        text_set(s, &v->title, it->name, it->name_len, "citation", ci))
        return 1;
    if (s->cb.citation) {
        llmj_citation_info info;
        citation_info(v, &info);
        if (cb_stop(s, s->cb.citation(s->ctx, c->index, &info)))
            return 1;
    }
    return 0;
}

/* The other extras: a tool call's signature, logprobs, the stop sequence,
 * the service tier. */
static int item_extra(llmj_stream *s, const ld_item *it)
{
    if (it->kind == LD_SERVICE_TIER) {
        s->has_tier = 1;
        return text_set(s, &s->tier, it->text, it->len, "service tier", 0) ? 1 : 0;
    }
    stream_choice *c = get_choice(s, it->choice);
    if (!c)
        return 1;
    stream_extras *x = &c->x;
    if (it->kind == LD_STOP_SEQUENCE) {
        x->has_stop_seq = 1;
        return text_set(s, &x->stop_seq, it->text, it->len, "stop sequence", c->index) ? 1 : 0;
    }
    if (it->kind == LD_LOGPROB) {
        if (x->logprobs.len)
            x->logprobs.len--; /* the closing ] */
        if (text_add_or_stop(s, &x->logprobs, x->nlogprobs ? "," : "[", 1, "logprobs", c->index) ||
            text_add_or_stop(s, &x->logprobs, it->text, it->len, "logprobs", c->index) ||
            text_add_or_stop(s, &x->logprobs, "]", 1, "logprobs", c->index))
            return 1;
        x->nlogprobs++;
        return 0;
    }
    /* LD_TOOL_SIGNATURE */
    int created;
    stream_tool *t = get_tool(s, c, it->tool, &created);
    if (!t || (created && tool_begin_cb(s, c, t)))
        return 1;
    return text_set(s, &t->sig, it->text, it->len, "tool call signature", c->index) ? 1 : 0;
}

llmj_status llmj_stream_extras(const llmj_stream *s, size_t ci, llmj_choice_extras *out)
{
    if (!s || !out || ci >= s->nch)
        return LLMJ_MISUSE;
    const stream_extras *x = &s->ch[ci]->x;
    memset(out, 0, sizeof *out);
    if (x->has_stop_seq) {
        out->stop_sequence = x->stop_seq.data ? x->stop_seq.data : "";
        out->stop_sequence_len = x->stop_seq.len;
    }
    if (x->nlogprobs) {
        out->logprobs = x->logprobs.data;
        out->logprobs_len = x->logprobs.len;
    }
    out->logprob_count = x->nlogprobs;
    out->citation_count = x->ncit;
    out->server_tool_count = x->nsrv;
    return LLMJ_OK;
}

llmj_status llmj_stream_server_tool(const llmj_stream *s, size_t ci, size_t i,
                                    llmj_server_tool_info *out)
{
    if (!s || !out || ci >= s->nch || i >= s->ch[ci]->x.nsrv)
        return LLMJ_MISUSE;
    server_info(s->ch[ci]->x.srv[i], i, out);
    return LLMJ_OK;
}

llmj_status llmj_stream_citation(const llmj_stream *s, size_t ci, size_t i,
                                 llmj_citation_info *out)
{
    if (!s || !out || ci >= s->nch || i >= s->ch[ci]->x.ncit)
        return LLMJ_MISUSE;
    citation_info(s->ch[ci]->x.cit[i], out);
    return LLMJ_OK;
}

const char *llmj_stream_service_tier(const llmj_stream *s)
{
    return s && s->has_tier ? (s->tier.data ? s->tier.data : "") : NULL;
}

/* The tracker and text of (ci, ti), or NULL. */
static llmj_tracker *text_of(const llmj_stream *s, size_t ci, size_t ti, const llmj__buf **text)
{
    if (!s || ci >= s->nch)
        return NULL;
    const stream_choice *c = s->ch[ci];
    if (ti == LLMJ_NO_TOOL) {
        *text = &c->text;
        return c->json == 1 ? c->tr : NULL;
    }
    if (ti >= c->ntools)
        return NULL;
    *text = &c->tools[ti]->args;
    return c->tools[ti]->tr;
}

llmj_tracker *llmj_stream_tracker(const llmj_stream *s, size_t ci, size_t ti)
{
    const llmj__buf *text;
    return text_of(s, ci, ti, &text);
}

/* Why text_of() gave no tracker: LLMJ_NOT_JSON for a choice's content that
 * is plain text (or still undecided) and for a tool call whose input is
 * free text (a custom tool), LLMJ_MISUSE when out of range. */
static llmj_status no_tracker(const llmj_stream *s, size_t ci, size_t ti)
{
    if (!s || ci >= s->nch)
        return LLMJ_MISUSE;
    return ti == LLMJ_NO_TOOL || ti < s->ch[ci]->ntools ? LLMJ_NOT_JSON : LLMJ_MISUSE;
}

llmj_status llmj_stream_salvage(llmj_stream *s, size_t ci, size_t ti, llmj_salvage_mode mode,
                                llmj_salvage *out)
{
    const llmj__buf *text;
    llmj_tracker *tr = text_of(s, ci, ti, &text);
    if (!out)
        return LLMJ_MISUSE;
    if (!tr)
        return no_tracker(s, ci, ti);
    return llmj_tracker_salvage(tr, mode, out);
}

llmj_status llmj_stream_repair(llmj_stream *s, size_t ci, size_t ti, llmj_salvage_mode mode,
                               llmj_salvage *info, const char **text, size_t *len)
{
    const llmj__buf *src;
    llmj_tracker *tr = text_of(s, ci, ti, &src);
    if (!text || !len)
        return LLMJ_MISUSE;
    if (!tr)
        return no_tracker(s, ci, ti);
    llmj_salvage sv;
    llmj_status st = llmj_tracker_salvage(tr, mode, &sv);
    if (st != LLMJ_OK)
        return st;
    size_t k = (size_t)sv.bytes_kept;
    if (k > src->len)
        return LLMJ_MISUSE;
    if (s->scratch_of != src) {
        s->scratch_of = src;
        s->scratch_valid = 0;
    }
    if (llmj__buf_repair_inc(&s->scratch, &s->a, src->data, &sv, &s->scratch_valid))
        return LLMJ_NOMEM;
    /* the scratch buffer is not the tracker's: the salvage stays valid */
    if (info)
        *info = sv;
    *text = s->scratch.data;
    *len = s->scratch.len;
    return LLMJ_OK;
}

/* The partial document of a text, made on first use by reading the text so
 * far once through a tracker of its own (so asking late costs O(text) once),
 * then kept up to date from the live tracker's events. */
llmj_status llmj_stream_doc(llmj_stream *s, size_t ci, size_t ti, llmj_doc **out)
{
    const llmj__buf *src;
    llmj_tracker *tr = text_of(s, ci, ti, &src);
    if (!out || !s || !s->cfg.string_chunks)
        return LLMJ_MISUSE;
    if (!tr)
        return no_tracker(s, ci, ti);
    stream_choice *c = s->ch[ci];
    text_ctx *tc = ti == LLMJ_NO_TOOL ? &c->tc : &c->tools[ti]->tc;
    if (!tc->doc) {
        /* inside a json callback the live tracker is in the middle of a
         * piece: a document read from the text now would run ahead of it */
        if (s->in_json)
            return LLMJ_MISUSE;
        llmj_doc *d;
        llmj_status st = llmj_doc_new_detached(&d, &s->cfg);
        if (st != LLMJ_OK)
            return st;
        llmj_config cfg = s->cfg;
        cfg.keep_text = 0;
        llmj_tracker *rt;
        st = llmj_tracker_new(&rt, &cfg, llmj_doc_event_cb, d);
        if (st == LLMJ_OK) {
            /* what the live tracker has read (a text callback runs before it reads the delta) */
            size_t have = (size_t)llmj_tracker_bytes(tr);
            llmj_tracker_feed(rt, src->data, have < src->len ? have : src->len);
            llmj_salvage live, mine;
            /* a top-level number completed by the live tracker's finish */
            if (llmj_tracker_salvage(tr, LLMJ_SALVAGE_LOSSLESS, &live) == LLMJ_OK &&
                llmj_tracker_salvage(rt, LLMJ_SALVAGE_LOSSLESS, &mine) == LLMJ_OK &&
                live.status == LLMJ_TEXT_COMPLETE && mine.status != LLMJ_TEXT_COMPLETE)
                llmj_tracker_finish(rt, LLMJ_END_NORMAL);
            st = llmj_doc_status(d);
            /* a quiet tracker gives no events: rt goes on for the document
             * while the text is open */
            if (st == LLMJ_OK && tr->quiet && !tr->finished)
                tc->doc_tr = rt;
            else
                llmj_tracker_free(rt);
        }
        if (st != LLMJ_OK) {
            llmj_doc_free(d);
            return st;
        }
        llmj__doc_attach(d, tr);
        tc->doc = d;
    }
    *out = tc->doc;
    return LLMJ_OK;
}

size_t llmj_stream_choice_position(const llmj_stream *s, size_t index)
{
    if (!s)
        return SIZE_MAX;
    size_t lo = choice_slot(s, index);
    return lo < s->nch && s->ch[lo]->index == index ? lo : SIZE_MAX;
}

/* ---- schemas (include/llmjson/schema.h) ---------------------------------- */

/* Before the first byte: nothing has been read, no text exists. */
static int stream_untouched(const llmj_stream *s)
{
    return s->bytes == 0 && s->nch == 0 && !s->finished;
}

llmj_status llmj_stream_set_schema(llmj_stream *s, const llmj_schema *content)
{
    if (!s || !stream_untouched(s))
        return LLMJ_MISUSE;
    s->schema = content;
    return LLMJ_OK;
}

llmj_status llmj_stream_set_tool_schema(llmj_stream *s, const char *name, size_t name_len,
                                        const llmj_schema *parameters)
{
    if (!s || (!name && name_len) || !stream_untouched(s))
        return LLMJ_MISUSE;
    for (size_t i = 0; i < s->ntschemas; i++) {
        tool_schema *e = &s->tschemas[i];
        if (e->len != name_len || (name_len && memcmp(e->name, name, name_len) != 0))
            continue;
        if (parameters) {
            e->schema = parameters;
        } else {
            llmj__free(&s->a, e->name);
            s->tschemas[i] = s->tschemas[--s->ntschemas];
        }
        return LLMJ_OK;
    }
    if (!parameters)
        return LLMJ_OK;
    if (s->ntschemas == s->cfg.max_tool_calls)
        return LLMJ_BAD_OPTION;
    tool_schema *n = llmj__realloc(&s->a, s->tschemas, (s->ntschemas + 1) * sizeof *n);
    if (!n)
        return LLMJ_NOMEM;
    s->tschemas = n;
    char *copy = llmj__malloc(&s->a, name_len + 1);
    if (!copy)
        return LLMJ_NOMEM;
    if (name_len)
        memcpy(copy, name, name_len);
    copy[name_len] = '\0';
    n[s->ntschemas++] = (tool_schema){ copy, name_len, parameters };
    return LLMJ_OK;
}
