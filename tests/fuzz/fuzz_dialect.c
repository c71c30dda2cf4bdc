// seeds: corpus/streams ../shared/corpus-real corpus/sse tests/fuzz/regress
/* libFuzzer target: the dialect decoders (src/dialect/), through the ld_ops
 * interface of src/dialect/dialect.h, as the stream object drives them.
 *
 * Input: header bytes (fuzz_common.h), then a response body: SSE (split
 * into events by the library's SSE decoder) or, for Ollama, NDJSON lines.
 *   header byte 0, bits 0-2: the dialect: 1 OpenAI chat, 2 Responses,
 *     3 Anthropic, 4 Gemini, 5 Ollama; otherwise detected like the stream
 *     does (NDJSON when the body starts with '{', else the best sniff of the
 *     first events); bit 3: a run whose emit callback stops at item number
 *     (header byte 2) + 1; bit 4: a run whose (header byte 1) + 1-th
 *     allocation fails; bit 5: config max_depth 3.
 *   With no header: the dialect is detected and both extra runs are made
 *   with numbers taken from the body length.
 *
 * Checked:
 * - event() returns only OK or BAD_EVENT (and ABORTED / NOMEM in the runs
 *   that cause them), or TOO_LONG with a message when a configured limit
 *   (max_choices, max_tool_calls) is reached: the stream stops there, so
 *   the other checks are made on the events before that one; message()
 *   is a string after a failure; sniff() returns 0, 1 or 2 for every
 *   event and every dialect;
 * - items are sane: a known kind, non-NULL strings where a length is given,
 *   text, refusal, arguments, ids, names and error type/code valid UTF-8
 *   (an error message may be an unreadable event's raw bytes), finish
 *   reasons and usage counts in range;
 * - "a malformed event emits nothing and changes nothing": a BAD_EVENT event
 *   emits no item, and feeding only the events that were accepted gives
 *   exactly the same items;
 * - a failed allocation: event() (or create()) returns LLMJ_NOMEM, emits
 *   nothing, changes nothing (the rest of the events, without the failed
 *   ones, give the same items as a clean run over the same events), and
 *   nothing leaks;
 * - OpenAI chat: the decoder without its fast path (every event walked by
 *   the picker) gives the same statuses and items;
 * - a stop: event() returns LLMJ_ABORTED, no item after the stop, the items
 *   so far are a prefix of the full run's;
 * - nothing leaks (counting allocator: live == 0 after destroy).
 * FD_DEBUG=1 in the environment prints every event's status in the full and
 * the clean run (to read a failure of the "changes nothing" check). */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

/* FZ_FAST (tests/fuzz/fuzz_*_fast.c): the same invariants without the
 * slow cross-checks (see those files), for many more inputs a second. */
#ifndef FZ_FAST
#define FZ_FAST 0
#endif
#include "dialect/dialect.h"

#define FD_MAX_INPUT 65536
#define FD_MAX_EVENTS 1024

/* ---- the events ----------------------------------------------------------- */

typedef struct fd_event {
    char *type; /* NULL: none */
    size_t type_len;
    char *data;
    size_t data_len;
} fd_event;

typedef struct fd_events {
    fd_event v[FD_MAX_EVENTS];
    size_t n;
} fd_events;

static char *fd_dup(const void *p, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        abort();
    if (n)
        memcpy(d, p, n);
    d[n] = '\0';
    return d;
}

static void fd_push(fd_events *e, const char *type, size_t tl, const char *data, size_t dl)
{
    if (e->n >= FD_MAX_EVENTS)
        return;
    fd_event *v = &e->v[e->n++];
    v->type = type ? fd_dup(type, tl) : NULL;
    v->type_len = type ? tl : 0;
    v->data = fd_dup(data, dl);
    v->data_len = dl;
}

static int fd_on_sse(void *ctx, const llmj_sse_event *ev)
{
    const char *type = ev->type;
    size_t tl = ev->type_len;
    if (tl == 7 && memcmp(type, "message", 7) == 0)
        type = NULL, tl = 0; /* as the stream does */
    fd_push(ctx, type, tl, ev->data, ev->data_len);
    return 0;
}

static void fd_split_sse(fd_events *e, const unsigned char *s, size_t n)
{
    llmj_sse *d = NULL;
    CHECK(llmj_sse_new(&d, NULL, fd_on_sse, e) == LLMJ_OK, "sse_new");
    llmj_sse_feed(d, s, n);
    llmj_sse_finish(d);
    llmj_sse_free(d);
}

static void fd_split_ndjson(fd_events *e, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const unsigned char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t len = end - i;
        if (len && s[i + len - 1] == '\r')
            len--;
        if (len)
            fd_push(e, NULL, 0, (const char *)s + i, len);
        i = end + 1;
    }
}

static void fd_events_free(fd_events *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].type);
        free(e->v[i].data);
    }
    e->n = 0;
}

/* ---- items ----------------------------------------------------------------- */

typedef struct fd_log {
    fz_buf b;
    size_t items;   /* items so far */
    size_t stop_at; /* stop on this item (1-based); 0 never */
    int stopped;
} fd_log;

static void fd_str(fz_buf *b, const char *what, const char *p, size_t n, int utf8)
{
    CHECK(n == 0 || p != NULL, "%s: NULL with length %zu", what, n);
    if (utf8)
        CHECK(fz_utf8_ok((const unsigned char *)p, n), "%s is not UTF-8: '%.*s'", what, (int)n, p);
    fz_add_lp(b, p, n);
}

static int fd_emit(void *ctx, const ld_item *it)
{
    fd_log *l = ctx;
    CHECK(!l->stopped, "an item after the emit callback asked to stop");
    CHECK(it->kind >= LD_TEXT && it->kind <= LD_STOP_SEQUENCE, "item kind %d", (int)it->kind);
    l->items++;
    fz_addf(&l->b, "k=%d c=%zu t=%zu ", (int)it->kind, it->choice, it->tool);
    switch (it->kind) {
    case LD_TEXT:
    case LD_REFUSAL:
    case LD_TOOL_ARGS:
    case LD_REASONING:
    case LD_REASONING_SIGNATURE:
    case LD_REASONING_REDACTED:
        fd_str(&l->b, "text", it->text, it->len, 1);
        break;
    case LD_TOOL_BEGIN:
        fd_str(&l->b, "tool id", it->id, it->id_len, 1);
        fd_str(&l->b, "tool name", it->name, it->name_len, 1);
        fd_str(&l->b, "tool type", it->type, it->type_len, 1);
        fz_addf(&l->b, "fl=%u ", it->flags);
        break;
    case LD_TOOL_SIGNATURE:
    case LD_SERVER_TOOL:
    case LD_CITATION:
    case LD_LOGPROB:
    case LD_SERVICE_TIER:
    case LD_STOP_SEQUENCE:
        fd_str(&l->b, "extra text", it->text, it->len, 1);
        fd_str(&l->b, "extra type", it->type, it->type_len, 1);
        fd_str(&l->b, "extra id", it->id, it->id_len, 1);
        fd_str(&l->b, "extra name", it->name, it->name_len, 1);
        fd_str(&l->b, "extra status", it->status, it->status_len, 1);
        fz_addf(&l->b, "fl=%u ", it->flags);
        break;
    case LD_FINISH:
        CHECK(it->finish >= LLMJ_FINISH_NONE && it->finish <= LLMJ_FINISH_PAUSE_TURN, "finish %d",
              (int)it->finish);
        fz_addf(&l->b, "f=%d ", (int)it->finish);
        fd_str(&l->b, "finish raw", it->text, it->len, 1);
        break;
    case LD_USAGE: {
        const int64_t *u[5] = { &it->usage.input_tokens, &it->usage.output_tokens,
                                &it->usage.total_tokens, &it->usage.cached_tokens,
                                &it->usage.reasoning_tokens };
        for (int i = 0; i < 5; i++) {
            CHECK(*u[i] >= -1, "usage count %lld", (long long)*u[i]);
            fz_addf(&l->b, "%lld ", (long long)*u[i]);
        }
        break;
    }
    case LD_ERROR:
        /* an unreadable "error" event is passed on whole, as its raw bytes
         * (llmj__emit_raw_error): the message need not be UTF-8 */
        fd_str(&l->b, "error message", it->text, it->len, 0);
        fd_str(&l->b, "error type", it->id, it->id_len, 1);
        fd_str(&l->b, "error code", it->name, it->name_len, 1);
        break;
    default:
        break;
    }
    fz_add(&l->b, ";", 1);
    if (l->stop_at && l->items == l->stop_at) {
        l->stopped = 1;
        return 1;
    }
    return 0;
}

/* ---- runs ------------------------------------------------------------------- */

#define FD_SKIPPED ((llmj_status)-1)

typedef struct fd_run_opts {
    const ld_ops *ops;
    const llmj_config *cfg;
    size_t fail_at;             /* allocation to fail (0 none) */
    size_t stop_at;             /* item to stop at (0 none) */
    const unsigned char *use;   /* per event: 1 feed it, 0 skip it (NULL: all) */
    unsigned rest_every;        /* ops->rest after every this many events (0 never): the
                                   runs compared use different ones, so giving back the
                                   event memory is shown to change nothing */
} fd_run_opts;

typedef struct fd_run_out {
    fd_log log;
    llmj_status st[FD_MAX_EVENTS];
    uint64_t msg[FD_MAX_EVENTS]; /* a hash of the message after each event (0: OK) */
    llmj_status create_st;
    size_t failed;              /* allocations refused */
} fd_run_out;

static void fd_run(const fd_events *ev, const fd_run_opts *o, fd_run_out *out)
{
    memset(out, 0, sizeof *out);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    ta.fail_at = o->fail_at;
    llmj_allocator a = tu_allocator(&ta);
    void *state = NULL;
    out->log.stop_at = o->stop_at;
    out->create_st = o->ops->create(&state, &a, o->cfg);
    if (out->create_st != LLMJ_OK) {
        CHECK(out->create_st == LLMJ_NOMEM && ta.failed > 0, "create returned %s",
              llmj_strerror(out->create_st));
        CHECK(ta.live == 0, "create failed and left %zu blocks", ta.live);
        out->failed = ta.failed;
        return;
    }
    for (size_t i = 0; i < ev->n; i++) {
        out->st[i] = FD_SKIPPED;
        if (o->use && !o->use[i])
            continue;
        const fd_event *e = &ev->v[i];
        size_t before = out->log.items;
        size_t failed_before = ta.failed;
        llmj_status st =
            o->ops->event(state, e->type, e->type_len, e->data, e->data_len, fd_emit, &out->log);
        out->st[i] = st;
        if (o->rest_every && (i + 1) % o->rest_every == 0 && o->ops->rest)
            o->ops->rest(state);
        switch (st) {
        case LLMJ_OK:
            break;
        case LLMJ_BAD_EVENT:
            CHECK(out->log.items == before, "a bad event emitted %zu items",
                  out->log.items - before);
            break;
        case LLMJ_NOMEM:
            CHECK(ta.failed > failed_before, "NOMEM with no failed allocation");
            CHECK(out->log.items == before, "a NOMEM event emitted %zu items",
                  out->log.items - before);
            break;
        case LLMJ_ABORTED:
            CHECK(out->log.stopped, "ABORTED without a stop");
            break;
        case LLMJ_TOO_LONG:
            /* a configured limit (max_choices, max_tool_calls, ...): the
             * stream stops there, so the run does too */
            break;
        default:
            CHECK(0, "event %zu returned %s: %s", i, llmj_strerror(st), o->ops->message(state));
        }
        if (out->log.stopped)
            CHECK(st == LLMJ_ABORTED, "the emit callback stopped, event returned %s",
                  llmj_strerror(st));
        if (st != LLMJ_OK) {
            const char *m = o->ops->message(state);
            CHECK(m != NULL, "no message after %s", llmj_strerror(st));
            uint64_t h = 1469598103934665603ULL; /* FNV-1a */
            for (const char *c = m; *c; c++)
                h = (h ^ (unsigned char)*c) * 1099511628211ULL;
            out->msg[i] = h;
        }
        if (st == LLMJ_ABORTED || st == LLMJ_TOO_LONG) {
            for (size_t j = i + 1; j < ev->n; j++)
                out->st[j] = FD_SKIPPED;
            break;
        }
    }
    o->ops->destroy(state);
    out->failed = ta.failed;
    CHECK(ta.live == 0, "%zu blocks leaked", ta.live);
}

static const ld_ops *const k_sse_ops[] = {
    &llmj__dialect_openai_chat,
    &llmj__dialect_openai_responses,
    &llmj__dialect_anthropic,
    &llmj__dialect_gemini,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_split_input(&in, data, size);
    unsigned f = fz_flags(&in);
    const unsigned char *s = in.text;
    size_t n = in.len < FD_MAX_INPUT ? in.len : FD_MAX_INPUT;

    static fd_events ev; /* large: not on the stack */
    ev.n = 0;
    const ld_ops *ops = NULL;
    switch (f & 7) {
    case 1: ops = &llmj__dialect_openai_chat; break;
    case 2: ops = &llmj__dialect_openai_responses; break;
    case 3: ops = &llmj__dialect_anthropic; break;
    case 4: ops = &llmj__dialect_gemini; break;
    case 5: ops = &llmj__dialect_ollama; break;
    default: break;
    }
    int ndjson;
    if (ops) {
        ndjson = ops == &llmj__dialect_ollama;
    } else {
        size_t i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        ndjson = i < n && s[i] == '{';
    }
    if (ndjson)
        fd_split_ndjson(&ev, s, n);
    else
        fd_split_sse(&ev, s, n);

    /* sniff: every dialect, every event; pick like the stream does */
    for (size_t i = 0; i < ev.n; i++) {
        int best = 0;
        for (size_t d = 0; d < sizeof k_sse_ops / sizeof *k_sse_ops; d++) {
            int sc = k_sse_ops[d]->sniff(ev.v[i].type, ev.v[i].type_len, ev.v[i].data,
                                         ev.v[i].data_len);
            CHECK(sc >= 0 && sc <= 2, "sniff returned %d", sc);
            if (!ops && !ndjson && sc > best) {
                best = sc;
                ops = k_sse_ops[d];
            }
        }
        int sc = llmj__dialect_ollama.sniff(ev.v[i].type, ev.v[i].type_len, ev.v[i].data,
                                            ev.v[i].data_len);
        CHECK(sc >= 0 && sc <= 2, "ollama sniff returned %d", sc);
    }
    if (!ops)
        ops = ndjson ? &llmj__dialect_ollama : &llmj__dialect_openai_chat;

    llmj_config cfg;
    llmj_config_init(&cfg);
    if (f & 32)
        cfg.max_depth = 3;

    /* 1. everything */
    static fd_run_out full, other;
    fd_run_opts o = { ops, &cfg, 0, 0, NULL };
    fd_run(&ev, &o, &full);
    CHECK(full.create_st == LLMJ_OK, "create failed");
    /* a limit reached: the stream stops at that event, so the checks
     * below are made on the events before it */
    for (size_t i = 0; i < ev.n; i++) {
        if (full.st[i] != LLMJ_TOO_LONG)
            continue;
        for (size_t j = i; j < ev.n; j++) {
            free(ev.v[j].type);
            free(ev.v[j].data);
        }
        ev.n = i;
        fz_free(&full.log.b);
        fd_run(&ev, &o, &full);
        CHECK(full.create_st == LLMJ_OK, "create failed");
        break;
    }
    for (size_t i = 0; i < ev.n; i++)
        CHECK(full.st[i] == LLMJ_OK || full.st[i] == LLMJ_BAD_EVENT, "event %zu: %s", i,
              llmj_strerror(full.st[i]));

    /* 1b. the same events, the event memory given back after every one
     * (a new yajl handle for each, as when every feed holds one event):
     * the same statuses, messages and items */
    o.rest_every = 1;
    fd_run(&ev, &o, &other);
    o.rest_every = 0;
    if (getenv("FD_DEBUG"))
        for (size_t i = 0; i < ev.n; i++)
            fprintf(stderr, "%zu: %d %llx | %d %llx\n", i, (int)full.st[i],
                    (unsigned long long)full.msg[i], (int)other.st[i],
                    (unsigned long long)other.msg[i]);
    for (size_t i = 0; i < ev.n; i++)
        CHECK(other.st[i] == full.st[i] && other.msg[i] == full.msg[i],
              "event %zu: %s, then %s with the event memory given back before it: %s", i,
              llmj_strerror(full.st[i]), llmj_strerror(other.st[i]), "messages or statuses differ");
    CHECK(fz_eq(&full.log.b, &other.log.b), "giving back the event memory changed the items");
    fz_free(&other.log.b);

    /* 2. only the accepted events: the same items */
    static unsigned char use[FD_MAX_EVENTS];
    for (size_t i = 0; i < ev.n; i++)
        use[i] = full.st[i] == LLMJ_OK;
    o.use = use;
    o.rest_every = 1;
    fd_run(&ev, &o, &other);
    if (getenv("FD_DEBUG"))
        for (size_t i = 0; i < ev.n; i++)
            fprintf(stderr, "%zu: full %d clean %d type %.*s data %.*s\n", i, (int)full.st[i],
                    (int)other.st[i], (int)ev.v[i].type_len, ev.v[i].type ? ev.v[i].type : "",
                    (int)(ev.v[i].data_len < 300 ? ev.v[i].data_len : 300), ev.v[i].data);
    for (size_t i = 0; i < ev.n; i++)
        CHECK(!use[i] || other.st[i] == LLMJ_OK, "event %zu accepted once, then %s", i,
              llmj_strerror(other.st[i]));
    CHECK(fz_eq(&full.log.b, &other.log.b), "a rejected event changed what came after it");
    fz_free(&other.log.b);
    o.use = NULL;
    o.rest_every = 3;

    /* 2b. OpenAI chat: its fast path for the usual chunk gives what the
     * picker's walk alone gives, status by status and item by item */
    if (ops == &llmj__dialect_openai_chat) {
        fd_run_opts w = { &llmj__dialect_openai_chat_walk, &cfg, 0, 0, NULL, 2 };
        fd_run(&ev, &w, &other);
        for (size_t i = 0; i < ev.n; i++)
            CHECK(other.st[i] == full.st[i], "event %zu: fast path %s, walk %s", i,
                  llmj_strerror(full.st[i]), llmj_strerror(other.st[i]));
        CHECK(fz_eq(&full.log.b, &other.log.b), "the fast path and the walk differ");
        fz_free(&other.log.b);
    }

    /* 3. a stop */
    int no_header = in.nhdr == 0;
    if (!FZ_FAST && ((f & 8) || no_header) && full.log.items > 0) {
        o.stop_at = (size_t)(in.nhdr > 2 ? in.hdr[2] : n) % full.log.items + 1;
        fd_run(&ev, &o, &other);
        CHECK(other.log.stopped, "the stop was not reached");
        CHECK(fz_is_prefix(&other.log.b, &full.log.b), "items before a stop differ");
        fz_free(&other.log.b);
        o.stop_at = 0;
    }

    /* 4. a failed allocation */
    if (!FZ_FAST && ((f & 16) || no_header)) {
        o.fail_at = (size_t)(in.nhdr > 1 ? in.hdr[1] : n % 64) + 1;
        fd_run(&ev, &o, &other);
        if (other.create_st == LLMJ_OK) {
            /* the same events minus the failed ones, without failures */
            for (size_t i = 0; i < ev.n; i++)
                use[i] = other.st[i] == LLMJ_OK;
            fz_buf failed_log = other.log.b;
            memset(&other.log.b, 0, sizeof other.log.b);
            fd_run_opts c = { ops, &cfg, 0, 0, use };
            fd_run(&ev, &c, &other);
            CHECK(fz_eq(&failed_log, &other.log.b),
                  "a failed allocation changed what came after it (fail_at %zu)", o.fail_at);
            fz_free(&failed_log);
        }
        fz_free(&other.log.b);
    }
    fz_free(&full.log.b);
    fd_events_free(&ev);
    return 0;
}
