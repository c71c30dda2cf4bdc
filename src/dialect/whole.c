/* A whole JSON answer as the events its dialect streams (see whole.h).
 *
 * The scanner only locates values (the stream object validates whatever is
 * fed to it): it walks the text once, keeping the path of the open
 * containers, and calls a visitor for every value of depth <= W_MAXD when
 * the value ends (a container when it closes), with the value's span and its
 * key. Per dialect:
 * - OpenAI chat: the chat.completion as one chunk, each choice's "message"
 *   key renamed "delta" (the text is copied up to each such key as its value
 *   closes), then [DONE];
 * - Gemini: each element of a top-level array as one event (as it closes),
 *   or the one object as one event;
 * - Ollama: the object as one NDJSON line;
 * - Anthropic: message_start from the top-level members (first scan), then
 *   for each content block, as it closes, its start, delta and stop (second
 *   scan), then message_delta and message_stop;
 * - OpenAI Responses: for each output item, as it closes, item added, the
 *   deltas of its content parts (a scan of that item's own text), item done;
 *   then the terminal event with the whole response.
 * Every value is visited a bounded number of times (a Responses item's
 * parts twice), so the work is linear in the text. */
#include "whole.h"

#include "alloc.h"
#include "unicode.h" /* llmj__esc_json */

#include <stdio.h>
#include <string.h>

#define W_MAXD 6 /* deepest path visited; deeper values are skipped over */

typedef struct w_seg {
    int is_array;
    int expect_key;
    const char *key; /* raw key bytes (between the quotes), NULL: none yet */
    size_t key_len;
    size_t index;
    size_t start;
} w_seg;

/* depth: the value's path length; seg[0..depth): its path; key_start: the
 * offset of its key's opening quote (SIZE_MAX: none). Return non-zero to
 * stop the scan. */
typedef int (*w_visit)(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                       char kind, size_t key_start);

typedef struct w_scan {
    const char *s;
    size_t n;
    w_visit fn;
    void *ctx;
    size_t roots;
    uint64_t *ops;
} w_scan;

static int w_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int w_call(w_scan *sc, const w_seg *st, size_t depth, size_t start, size_t end, char kind)
{
    if (depth == 0)
        sc->roots++;
    if (depth > W_MAXD)
        return 0;
    if (sc->ops)
        ++*sc->ops;
    size_t ks = (depth > 0 && !st[depth - 1].is_array && st[depth - 1].key)
                    ? (size_t)(st[depth - 1].key - sc->s) - 1
                    : SIZE_MAX;
    return sc->fn(sc->ctx, depth, st, start, end, kind, ks);
}

/* Scan s[0:n]; 0, or 1 when the visitor stopped it. */
static int w_run(w_scan *sc)
{
    const char *s = sc->s;
    size_t n = sc->n;
    w_seg st[W_MAXD + 1];
    size_t depth = 0; /* open containers (may exceed W_MAXD: then untracked) */
    size_t i = 0;
    sc->roots = 0;
    while (i < n) {
        char c = s[i];
        if (sc->ops)
            ++*sc->ops;
        if (w_is_ws(c) || c == ',' || c == ':') {
            if (c == ',' && depth > 0 && depth <= W_MAXD) {
                if (st[depth - 1].is_array)
                    st[depth - 1].index++;
                else
                    st[depth - 1].expect_key = 1;
            } else if (c == ':' && depth > 0 && depth <= W_MAXD) {
                st[depth - 1].expect_key = 0;
            }
            i++;
        } else if (c == '{' || c == '[') {
            if (depth < W_MAXD + 1) {
                w_seg *f = &st[depth];
                f->is_array = c == '[';
                f->expect_key = c == '{';
                f->key = NULL;
                f->key_len = 0;
                f->index = 0;
                f->start = i;
            }
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                break;
            depth--;
            if (depth < W_MAXD + 1 &&
                w_call(sc, st, depth, st[depth].start, i + 1, st[depth].is_array ? '[' : '{'))
                return 1;
            i++;
        } else if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (sc->ops)
                *sc->ops += j - i;
            if (j >= n)
                break;
            if (depth > 0 && depth <= W_MAXD + 1 && !st[depth - 1].is_array &&
                st[depth - 1].expect_key) {
                st[depth - 1].key = s + i + 1;
                st[depth - 1].key_len = j - i - 1;
            } else if (w_call(sc, st, depth, i, j + 1, '"')) {
                return 1;
            }
            i = j + 1;
        } else {
            size_t j = i;
            while (j < n && s[j] != ',' && s[j] != '}' && s[j] != ']' && !w_is_ws(s[j]))
                j++;
            if (sc->ops)
                *sc->ops += j - i;
            if (w_call(sc, st, depth, i, j, 'n'))
                return 1;
            i = j;
        }
    }
    return 0;
}

/* Path level lvl is the key lit. */
static int w_key(const w_seg *seg, size_t lvl, const char *lit)
{
    size_t k = strlen(lit);
    return !seg[lvl].is_array && seg[lvl].key && seg[lvl].key_len == k &&
           memcmp(seg[lvl].key, lit, k) == 0;
}

/* ---- output ---------------------------------------------------------------- */

typedef struct w_span {
    size_t start, len;
    char kind; /* 0: absent */
} w_span;

typedef struct w_out {
    const llmj_allocator *a;
    const char *text;
    llmj__buf b;
    llmj__whole_sink sink;
    void *ctx;
    llmj_status st; /* LLMJ_OK, or why output stopped */
    uint64_t *ops;
    /* the top-level members (first scan) */
    w_span id, model, usage, stop_reason, stop_sequence, status, type, object;
    int has_candidates, has_feedback, has_output, has_done, has_choices;
    /* the current Anthropic block / Responses item and part (second scan) */
    w_span f_type, f_text, f_id, f_name, f_input, f_call, f_args, f_refusal;
    size_t seq;  /* Responses: sequence numbers */
    size_t last; /* OpenAI chat: text copied up to here */
    size_t item; /* Responses: the item whose parts are scanned */
    size_t part_base;
} w_out;

static int w_flush(w_out *o)
{
    if (o->st == LLMJ_OK && o->b.len && o->sink(o->ctx, o->b.data, o->b.len))
        o->st = LLMJ_ABORTED;
    o->b.len = 0;
    return o->st != LLMJ_OK;
}

/* Output bytes, in pieces: the buffer never holds more than
 * LLMJ__WHOLE_PIECE bytes. */
static int w_put(w_out *o, const char *p, size_t n)
{
    while (n > 0) {
        if (o->st != LLMJ_OK)
            return -1;
        size_t k = LLMJ__WHOLE_PIECE - o->b.len;
        if (k > n)
            k = n;
        if (llmj__buf_append(&o->b, o->a, p, k, LLMJ__WHOLE_PIECE) != 0) {
            o->st = LLMJ_NOMEM;
            return -1;
        }
        p += k;
        n -= k;
        if (o->b.len == LLMJ__WHOLE_PIECE && w_flush(o))
            return -1;
    }
    return o->st != LLMJ_OK ? -1 : 0;
}

static int w_lit(w_out *o, const char *lit)
{
    return w_put(o, lit, strlen(lit));
}

static int w_num(w_out *o, size_t x)
{
    char num[32];
    int k = snprintf(num, sizeof num, "%zu", x);
    return w_put(o, num, (size_t)k);
}

/* Text without its CR and LF bytes (outside strings they are whitespace;
 * inside a valid string they cannot occur): it fits on one data line. */
static int w_oneline(w_out *o, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\r' && s[j] != '\n')
            j++;
        if (w_put(o, s + i, j - i) != 0)
            return -1;
        i = j + 1;
    }
    return 0;
}

static int w_val(w_out *o, const w_span *v, const char *dflt)
{
    return v->kind ? w_oneline(o, o->text + v->start, v->len) : w_lit(o, dflt);
}

/* A JSON string literal holding the raw text of v (tool input). */
static int w_quoted(w_out *o, const w_span *v, const char *dflt)
{
    if (!v->kind)
        return w_lit(o, dflt);
    const char *s = o->text + v->start;
    if (w_lit(o, "\""))
        return -1;
    size_t run = 0;
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        char tmp[8];
        size_t k = llmj__esc_json(tmp, c);
        if (w_put(o, s + run, i - run) || w_put(o, tmp, k))
            return -1;
        run = i + 1;
    }
    return w_put(o, s + run, v->len - run) || w_lit(o, "\"");
}

static int w_is(const w_out *o, const w_span *v, const char *lit)
{
    size_t k = strlen(lit);
    return v->kind == '"' && v->len == k + 2 && memcmp(o->text + v->start + 1, lit, k) == 0;
}

static void w_set(w_span *v, size_t start, size_t end, char kind)
{
    if (v->kind)
        return; /* the first one counts */
    v->start = start;
    v->len = end - start;
    v->kind = kind;
}

/* The members a visitor keeps: key -> the w_span member of w_out. */
typedef struct w_field {
    const char *key;
    size_t off;
} w_field;

#define W_FIELD(k, m) { k, offsetof(w_out, m) }

/* If path level lvl is one of the keys, keep the value (offsets + base). */
static void w_take(w_out *o, const w_field *f, size_t n, const w_seg *seg, size_t lvl, size_t base,
                   size_t start, size_t end, char kind)
{
    for (size_t i = 0; i < n; i++)
        if (w_key(seg, lvl, f[i].key)) {
            w_set((w_span *)(void *)((char *)o + f[i].off), base + start, base + end, kind);
            return;
        }
}

/* For the elements of the array at top-level key arr: keeps their members
 * (fields) and returns 1 when an element closes (its index in seg[1]), else
 * 0. */
static int w_element(w_out *o, const char *arr, const w_field *f, size_t n, size_t depth,
                     const w_seg *seg, size_t base, size_t start, size_t end, char kind)
{
    if (depth < 2 || !w_key(seg, 0, arr) || !seg[1].is_array)
        return 0;
    if (depth == 3)
        w_take(o, f, n, seg, 2, base, start, end, kind);
    return depth == 2;
}

#define W_N(a) (sizeof a / sizeof *a)

static int w_event(w_out *o, const char *name)
{
    return w_lit(o, "event: ") || w_lit(o, name) || w_lit(o, "\ndata: ");
}

/* ---- the first scan: top-level members ---------------------------------------- */

static int top_visit(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                     char kind, size_t key_start)
{
    w_out *o = ctx;
    (void)key_start;
    if (depth != 1 || seg[0].is_array)
        return 0;
    static const w_field top[] = {
        W_FIELD("id", id),         W_FIELD("model", model),   W_FIELD("usage", usage),
        W_FIELD("stop_reason", stop_reason), W_FIELD("stop_sequence", stop_sequence),
        W_FIELD("status", status), W_FIELD("type", type),     W_FIELD("object", object),
    };
    w_take(o, top, W_N(top), seg, 0, 0, start, end, kind);
    o->has_candidates |= w_key(seg, 0, "candidates");
    o->has_feedback |= w_key(seg, 0, "promptFeedback");
    o->has_output |= w_key(seg, 0, "output");
    o->has_done |= w_key(seg, 0, "done");
    o->has_choices |= w_key(seg, 0, "choices");
    return 0;
}

/* ---- the second scan, per dialect --------------------------------------------- */

static int chat_visit(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                      char kind, size_t key_start)
{
    w_out *o = ctx;
    (void)start;
    (void)end;
    (void)kind;
    /* /choices/N/message */
    if (depth != 3 || key_start == SIZE_MAX || !w_key(seg, 0, "choices") || !seg[1].is_array ||
        !w_key(seg, 2, "message") || key_start < o->last)
        return 0;
    if (w_oneline(o, o->text + o->last, key_start - o->last) || w_lit(o, "\"delta\""))
        return 1;
    o->last = key_start + 9; /* "message" with its quotes */
    return 0;
}

static int gemini_visit(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                        char kind, size_t key_start)
{
    w_out *o = ctx;
    (void)seg;
    (void)kind;
    (void)key_start;
    if (depth != 1)
        return 0;
    return w_lit(o, "data: ") || w_oneline(o, o->text + start, end - start) || w_lit(o, "\r\n\r\n");
}

static int anthropic_block(w_out *o, size_t k)
{
    int r = 0;
    if (w_is(o, &o->f_type, "text")) {
        r = w_event(o, "content_block_start") ||
            w_lit(o, "{\"type\":\"content_block_start\",\"index\":") || w_num(o, k) ||
            w_lit(o, ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n") ||
            w_event(o, "content_block_delta") ||
            w_lit(o, "{\"type\":\"content_block_delta\",\"index\":") || w_num(o, k) ||
            w_lit(o, ",\"delta\":{\"type\":\"text_delta\",\"text\":") || w_val(o, &o->f_text, "\"\"") ||
            w_lit(o, "}}\n\n");
    } else if (w_is(o, &o->f_type, "tool_use")) {
        r = w_event(o, "content_block_start") ||
            w_lit(o, "{\"type\":\"content_block_start\",\"index\":") || w_num(o, k) ||
            w_lit(o, ",\"content_block\":{\"type\":\"tool_use\",\"id\":") || w_val(o, &o->f_id, "\"\"") ||
            w_lit(o, ",\"name\":") || w_val(o, &o->f_name, "\"\"") || w_lit(o, ",\"input\":{}}}\n\n") ||
            w_event(o, "content_block_delta") ||
            w_lit(o, "{\"type\":\"content_block_delta\",\"index\":") || w_num(o, k) ||
            w_lit(o, ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":") ||
            w_quoted(o, &o->f_input, "\"{}\"") || w_lit(o, "}}\n\n");
    } else {
        return 0; /* thinking and the like: not content */
    }
    return r || w_event(o, "content_block_stop") ||
           w_lit(o, "{\"type\":\"content_block_stop\",\"index\":") || w_num(o, k) || w_lit(o, "}\n\n");
}

static void clear_fields(w_out *o)
{
    memset(&o->f_type, 0, sizeof o->f_type);
    o->f_text = o->f_id = o->f_name = o->f_input = o->f_call = o->f_args = o->f_refusal = o->f_type;
}

static int anthropic_visit(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                           char kind, size_t key_start)
{
    w_out *o = ctx;
    (void)key_start;
    static const w_field block[] = { W_FIELD("type", f_type), W_FIELD("text", f_text),
                                     W_FIELD("id", f_id), W_FIELD("name", f_name),
                                     W_FIELD("input", f_input) };
    if (!w_element(o, "content", block, W_N(block), depth, seg, 0, start, end, kind))
        return 0;
    int r = anthropic_block(o, seg[1].index);
    clear_fields(o);
    return r;
}

/* Responses: a content part of the item being emitted (a scan of the item's
 * own text: paths relative to it). */
static int part_visit(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                      char kind, size_t key_start)
{
    w_out *o = ctx;
    (void)key_start;
    static const w_field part[] = { W_FIELD("type", f_type), W_FIELD("text", f_text),
                                    W_FIELD("refusal", f_refusal) };
    if (!w_element(o, "content", part, W_N(part), depth, seg, o->part_base, start, end, kind))
        return 0;
    const char *ev = NULL;
    const w_span *text = NULL;
    if (w_is(o, &o->f_type, "output_text")) {
        ev = "response.output_text.delta";
        text = &o->f_text;
    } else if (w_is(o, &o->f_type, "refusal")) {
        ev = "response.refusal.delta";
        text = &o->f_refusal;
    }
    int r = 0;
    if (ev)
        r = w_event(o, ev) || w_lit(o, "{\"type\":\"") || w_lit(o, ev) || w_lit(o, "\",\"item_id\":") ||
            w_val(o, &o->f_id, "\"\"") || w_lit(o, ",\"output_index\":") || w_num(o, o->item) ||
            w_lit(o, ",\"content_index\":") || w_num(o, seg[1].index) || w_lit(o, ",\"delta\":") ||
            w_val(o, text, "\"\"") || w_lit(o, ",\"sequence_number\":") || w_num(o, o->seq++) ||
            w_lit(o, "}\n\n");
    memset(&o->f_type, 0, sizeof o->f_type);
    o->f_text = o->f_refusal = o->f_type;
    return r;
}

static int responses_item(w_out *o, size_t i, size_t start, size_t end)
{
    const w_span item = { start, end - start, '{' };
    if (w_event(o, "response.output_item.added") ||
        w_lit(o, "{\"type\":\"response.output_item.added\",\"output_index\":") || w_num(o, i) ||
        w_lit(o, ",\"item\":"))
        return -1;
    if (w_is(o, &o->f_type, "function_call")) {
        /* the item with empty arguments, then the arguments as a delta */
        if (w_lit(o, "{\"type\":\"function_call\",\"id\":") || w_val(o, &o->f_id, "\"\"") ||
            w_lit(o, ",\"call_id\":") || w_val(o, &o->f_call, "\"\"") || w_lit(o, ",\"name\":") ||
            w_val(o, &o->f_name, "\"\"") || w_lit(o, ",\"arguments\":\"\"},\"sequence_number\":") ||
            w_num(o, o->seq++) || w_lit(o, "}\n\n") ||
            w_event(o, "response.function_call_arguments.delta") ||
            w_lit(o, "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":") ||
            w_val(o, &o->f_id, "\"\"") || w_lit(o, ",\"output_index\":") || w_num(o, i) ||
            w_lit(o, ",\"delta\":") || w_val(o, &o->f_args, "\"\"") || w_lit(o, ",\"sequence_number\":") ||
            w_num(o, o->seq++) || w_lit(o, "}\n\n"))
            return -1;
    } else {
        if (w_lit(o, "{\"type\":") || w_val(o, &o->f_type, "\"message\"") || w_lit(o, ",\"id\":") ||
            w_val(o, &o->f_id, "\"\"") || w_lit(o, ",\"content\":[]},\"sequence_number\":") ||
            w_num(o, o->seq++) || w_lit(o, "}\n\n"))
            return -1;
        {
            /* the item's own fields, kept over the parts' scan */
            w_span type = o->f_type, text = o->f_text, refusal = o->f_refusal;
            w_scan sc = { o->text + start, end - start, part_visit, o, 0, o->ops };
            o->item = i;
            o->part_base = start;
            memset(&o->f_type, 0, sizeof o->f_type);
            o->f_text = o->f_refusal = o->f_type;
            int stopped = w_run(&sc);
            o->f_type = type;
            o->f_text = text;
            o->f_refusal = refusal;
            if (stopped || o->st != LLMJ_OK)
                return -1;
        }
    }
    return w_event(o, "response.output_item.done") ||
           w_lit(o, "{\"type\":\"response.output_item.done\",\"output_index\":") || w_num(o, i) ||
           w_lit(o, ",\"item\":") || w_val(o, &item, "{}") || w_lit(o, ",\"sequence_number\":") ||
           w_num(o, o->seq++) || w_lit(o, "}\n\n");
}

static int responses_visit(void *ctx, size_t depth, const w_seg *seg, size_t start, size_t end,
                           char kind, size_t key_start)
{
    w_out *o = ctx;
    (void)key_start;
    static const w_field item[] = { W_FIELD("type", f_type), W_FIELD("id", f_id),
                                    W_FIELD("call_id", f_call), W_FIELD("name", f_name),
                                    W_FIELD("arguments", f_args) };
    if (!w_element(o, "output", item, W_N(item), depth, seg, 0, start, end, kind))
        return 0;
    int r = kind == '{' ? responses_item(o, seg[1].index, start, end) != 0 : 0;
    clear_fields(o);
    return r;
}

/* ---- the dialects' frames --------------------------------------------------- */

static llmj_dialect detect(const w_out *o, const char *text, size_t first)
{
    if (text[first] == '[' || o->has_candidates || o->has_feedback)
        return LLMJ_DIALECT_GEMINI;
    if (w_is(o, &o->object, "response") || o->has_output)
        return LLMJ_DIALECT_OPENAI_RESPONSES;
    if (w_is(o, &o->type, "message") || o->stop_reason.kind)
        return LLMJ_DIALECT_ANTHROPIC;
    if (o->has_done && !o->has_choices)
        return LLMJ_DIALECT_OLLAMA;
    return LLMJ_DIALECT_OPENAI_CHAT;
}

static int second_scan(w_out *o, size_t len, w_visit fn)
{
    w_scan sc = { o->text, len, fn, o, 0, o->ops };
    return w_run(&sc) || o->st != LLMJ_OK;
}

static int emit_dialect(w_out *o, llmj_dialect d, size_t len, size_t first)
{
    const char *text = o->text;
    switch (d) {
    case LLMJ_DIALECT_GEMINI:
        if (text[first] == '[')
            return second_scan(o, len, gemini_visit);
        return w_lit(o, "data: ") || w_oneline(o, text, len) || w_lit(o, "\r\n\r\n");
    case LLMJ_DIALECT_OLLAMA:
        return w_oneline(o, text, len) || w_lit(o, "\n");
    case LLMJ_DIALECT_ANTHROPIC:
        if (w_event(o, "message_start") || w_lit(o, "{\"type\":\"message_start\",\"message\":{\"id\":") ||
            w_val(o, &o->id, "\"\"") || w_lit(o, ",\"type\":\"message\",\"role\":\"assistant\",\"model\":") ||
            w_val(o, &o->model, "\"\"") ||
            w_lit(o, ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":") ||
            w_val(o, &o->usage, "{}") || w_lit(o, "}}\n\n") || second_scan(o, len, anthropic_visit))
            return -1;
        return w_event(o, "message_delta") ||
               w_lit(o, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":") ||
               w_val(o, &o->stop_reason, "null") || w_lit(o, ",\"stop_sequence\":") ||
               w_val(o, &o->stop_sequence, "null") || w_lit(o, "},\"usage\":") || w_val(o, &o->usage, "{}") ||
               w_lit(o, "}\n\n") || w_event(o, "message_stop") || w_lit(o, "{\"type\":\"message_stop\"}\n\n");
    case LLMJ_DIALECT_OPENAI_RESPONSES: {
        if (second_scan(o, len, responses_visit))
            return -1;
        const char *term = w_is(o, &o->status, "incomplete") ? "response.incomplete"
                           : w_is(o, &o->status, "failed")   ? "response.failed"
                                                             : "response.completed";
        return w_event(o, term) || w_lit(o, "{\"type\":\"") || w_lit(o, term) || w_lit(o, "\",\"response\":") ||
               w_oneline(o, text, len) || w_lit(o, ",\"sequence_number\":") || w_num(o, o->seq) ||
               w_lit(o, "}\n\n");
    }
    case LLMJ_DIALECT_AUTO:
    case LLMJ_DIALECT_OPENAI_CHAT:
    default:
        if (w_lit(o, "data: ") || second_scan(o, len, chat_visit))
            return -1;
        return w_oneline(o, text + o->last, len - o->last) || w_lit(o, "\n\ndata: [DONE]\n\n");
    }
}

llmj_status llmj__whole_events(const llmj_allocator *a, llmj_dialect dialect, const char *text,
                               size_t len, llmj__whole_sink sink, void *ctx, int *whole,
                               llmj_dialect *used, uint64_t *ops)
{
    w_out o;
    memset(&o, 0, sizeof o);
    o.a = a;
    o.text = text ? text : "";
    o.sink = sink;
    o.ctx = ctx;
    o.st = LLMJ_OK;
    o.ops = ops;
    *whole = 1;
    *used = dialect;
    size_t first = 0;
    while (first < len && w_is_ws(o.text[first]))
        first++;
    if (first == len)
        return LLMJ_OK; /* an empty body stays empty */
    w_scan sc = { o.text, len, top_visit, &o, 0, ops };
    (void)w_run(&sc);
    if (sc.roots != 1 || (o.text[first] != '{' && o.text[first] != '[')) {
        /* not one JSON value: the body as it is */
        *whole = 0;
        return sink(ctx, o.text, len) ? LLMJ_ABORTED : LLMJ_OK;
    }
    if (dialect == LLMJ_DIALECT_AUTO)
        *used = dialect = detect(&o, o.text, first);
    if (emit_dialect(&o, dialect, len, first) == 0)
        w_flush(&o);
    llmj__buf_free(&o.b, a);
    return o.st;
}
