/* Tests of the dialect decoders (src/dialect/) through their ld_ops:
 * every real recorded stream of ../shared/corpus-real (expected values read
 * off the files by hand and, for long texts, their length and FNV-1a hash
 * computed from the files with an independent script), hand-made events for
 * each quirk of docs/providers.md, surrogate halves split across events,
 * malformed events, the callback stop, sniff(), and allocation failures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llmjson.h>
#include "dialect/dialect.h"
#include "dialect/pick.h" /* llmj__sk_string_ok */
#include "dialect/whole.h"
#include "support/testutil.h"

/* ---- collecting items ------------------------------------------------------ */

#define MAXC 4
#define MAXT 8

typedef struct tool_log {
    int nbegin, nend;
    tu_buf id, name, args;
} tool_log;

typedef struct col {
    tu_buf text[MAXC], refusal[MAXC];
    tu_buf reasoning[MAXC], signature[MAXC]; /* reasoning text; the last signature */
    int redacted[MAXC];
    tool_log tool[MAXC][MAXT];
    int nfinish[MAXC];
    int seen[MAXC]; /* some item for the choice came */
    llmj_finish finish[MAXC];
    tu_buf fraw[MAXC];
    int nusage;
    llmj_usage usage;
    int nerror;
    tu_buf emsg, etype, ecode;
    int ndone;
    size_t nitems, stop_at; /* stop_at: return non-zero at that item (1-based) */
    tu_buf log;             /* every item, for comparing runs */
    tu_buf bad;             /* rule violations seen */
    size_t nextras;         /* extras items (server tools, citations, ...) */
    tu_buf extras;          /* and their log */
} col;

static void col_free(col *c)
{
    for (int i = 0; i < MAXC; i++) {
        tu_buf_free(&c->text[i]);
        tu_buf_free(&c->refusal[i]);
        tu_buf_free(&c->reasoning[i]);
        tu_buf_free(&c->signature[i]);
        tu_buf_free(&c->fraw[i]);
        for (int j = 0; j < MAXT; j++) {
            tu_buf_free(&c->tool[i][j].id);
            tu_buf_free(&c->tool[i][j].name);
            tu_buf_free(&c->tool[i][j].args);
        }
    }
    tu_buf_free(&c->extras);
    tu_buf_free(&c->emsg);
    tu_buf_free(&c->etype);
    tu_buf_free(&c->ecode);
    tu_buf_free(&c->log);
    tu_buf_free(&c->bad);
    memset(c, 0, sizeof *c);
}

static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static void log_bytes(tu_buf *b, const char *p, size_t n)
{
    tu_buf_add(b, "[", 1);
    tu_buf_add(b, p, n);
    tu_buf_add(b, "]", 1);
}

static int on_item(void *ctx, const ld_item *it)
{
    col *c = ctx;
    c->nitems++;
    if (it->len && !it->text)
        tu_buf_addf(&c->bad, "item %zu: text NULL\n", c->nitems);
    if (it->kind >= LD_TOOL_SIGNATURE && it->kind <= LD_STOP_SEQUENCE) {
        /* the extras: logged (kind, text, type, id, name, status, flags); a
         * server tool's number is the dialect's, not a tool call's */
        if (!utf8_ok((const unsigned char *)it->text, it->len))
            tu_buf_addf(&c->bad, "item %zu: extra not UTF-8\n", c->nitems);
        c->nextras++;
        tu_buf_addf(&c->extras, "%d:%zu", (int)it->kind, it->choice);
        log_bytes(&c->extras, it->text, it->len);
        log_bytes(&c->extras, it->type, it->type_len);
        log_bytes(&c->extras, it->id, it->id_len);
        log_bytes(&c->extras, it->name, it->name_len);
        log_bytes(&c->extras, it->status, it->status_len);
        tu_buf_addf(&c->extras, "%u\n", it->flags);
        return c->stop_at && c->nitems >= c->stop_at;
    }
    if (it->choice >= MAXC || it->tool >= MAXT) {
        tu_buf_addf(&c->bad, "item %zu: choice %zu tool %zu out of the test's range\n",
                    c->nitems, it->choice, it->tool);
        return c->stop_at && c->nitems >= c->stop_at;
    }
    tool_log *t = &c->tool[it->choice][it->tool];
    int seen = c->seen[it->choice];
    if (it->kind != LD_USAGE && it->kind != LD_ERROR && it->kind != LD_DONE)
        c->seen[it->choice] = 1;
    tu_buf_addf(&c->log, "%d:%zu.%zu", (int)it->kind, it->choice, it->tool);
    switch (it->kind) {
    case LD_TEXT:
    case LD_REFUSAL:
        if (!utf8_ok((const unsigned char *)it->text, it->len))
            tu_buf_addf(&c->bad, "item %zu: text not UTF-8\n", c->nitems);
        /* an empty text only as the first item of its choice (the choice
         * exists); never an empty refusal */
        if (it->len == 0 && (it->kind == LD_REFUSAL || seen))
            tu_buf_addf(&c->bad, "item %zu: empty delta\n", c->nitems);
        tu_buf_add(it->kind == LD_TEXT ? &c->text[it->choice] : &c->refusal[it->choice],
                   it->text, it->len);
        log_bytes(&c->log, it->text, it->len);
        break;
    case LD_TOOL_BEGIN:
        if (t->nbegin++)
            tu_buf_addf(&c->bad, "item %zu: second TOOL_BEGIN\n", c->nitems);
        tu_buf_add(&t->id, it->id, it->id_len);
        tu_buf_add(&t->name, it->name, it->name_len);
        log_bytes(&c->log, it->id, it->id_len);
        log_bytes(&c->log, it->name, it->name_len);
        break;
    case LD_TOOL_ARGS:
        if (!t->nbegin || t->nend)
            tu_buf_addf(&c->bad, "item %zu: TOOL_ARGS outside BEGIN..END\n", c->nitems);
        if (!utf8_ok((const unsigned char *)it->text, it->len) || it->len == 0)
            tu_buf_addf(&c->bad, "item %zu: args not UTF-8 or empty\n", c->nitems);
        tu_buf_add(&t->args, it->text, it->len);
        log_bytes(&c->log, it->text, it->len);
        break;
    case LD_TOOL_END:
        if (!t->nbegin || t->nend++)
            tu_buf_addf(&c->bad, "item %zu: TOOL_END without BEGIN, or twice\n", c->nitems);
        break;
    case LD_FINISH:
        if (c->nfinish[it->choice]++)
            tu_buf_addf(&c->bad, "item %zu: second FINISH\n", c->nitems);
        c->finish[it->choice] = it->finish;
        c->fraw[it->choice].len = 0;
        tu_buf_add(&c->fraw[it->choice], it->text, it->len);
        tu_buf_addf(&c->log, "%d", (int)it->finish);
        log_bytes(&c->log, it->text, it->len);
        break;
    case LD_USAGE:
        c->nusage++;
        c->usage = it->usage;
        tu_buf_addf(&c->log, "%lld,%lld,%lld,%lld,%lld", (long long)it->usage.input_tokens,
                    (long long)it->usage.output_tokens, (long long)it->usage.total_tokens,
                    (long long)it->usage.cached_tokens, (long long)it->usage.reasoning_tokens);
        break;
    case LD_ERROR:
        c->nerror++;
        c->emsg.len = c->etype.len = c->ecode.len = 0;
        tu_buf_add(&c->emsg, it->text, it->len);
        tu_buf_add(&c->etype, it->id, it->id_len);
        tu_buf_add(&c->ecode, it->name, it->name_len);
        log_bytes(&c->log, it->text, it->len);
        log_bytes(&c->log, it->id, it->id_len);
        log_bytes(&c->log, it->name, it->name_len);
        break;
    case LD_DONE:
        c->ndone++;
        break;
    case LD_REASONING:
        if (!utf8_ok((const unsigned char *)it->text, it->len) || it->len == 0)
            tu_buf_addf(&c->bad, "item %zu: reasoning not UTF-8 or empty\n", c->nitems);
        tu_buf_add(&c->reasoning[it->choice], it->text, it->len);
        log_bytes(&c->log, it->text, it->len);
        break;
    case LD_REASONING_SIGNATURE:
        c->signature[it->choice].len = 0;
        tu_buf_add(&c->signature[it->choice], it->text, it->len);
        log_bytes(&c->log, it->text, it->len);
        break;
    case LD_REASONING_REDACTED:
        c->redacted[it->choice]++;
        log_bytes(&c->log, it->text, it->len);
        break;
    default:
        tu_buf_addf(&c->bad, "item %zu: unknown kind %d\n", c->nitems, (int)it->kind);
    }
    tu_buf_add(&c->log, "\n", 1);
    return c->stop_at && c->nitems >= c->stop_at;
}

static const char *str(const tu_buf *b)
{
    return b->data ? b->data : "";
}

#define assert_buf(b, s) assert_string_equal(str(&(b)), (s))
#define assert_clean(c) assert_string_equal(str(&(c).bad), "")

/* ---- a decoder under test ------------------------------------------------ */

typedef struct dec {
    const ld_ops *ops;
    void *st;
    tu_alloc ta;
    llmj_allocator a;
    col c;
    int nbad, nother;
    unsigned nev; /* events fed by evn() */
} dec;

static void dec_open_cfg(dec *d, const ld_ops *ops, llmj_config *cfg)
{
    memset(d, 0, sizeof *d);
    d->ops = ops;
    d->a = tu_allocator(&d->ta);
    llmj_config local;
    if (!cfg) {
        llmj_config_init(&local);
        cfg = &local;
    }
    cfg->alloc = d->a;
    assert_int_equal(ops->create(&d->st, &d->a, cfg), LLMJ_OK);
    assert_non_null(d->st);
}

static void dec_open(dec *d, const ld_ops *ops)
{
    dec_open_cfg(d, ops, NULL);
}

static void dec_close(dec *d)
{
    d->ops->destroy(d->st);
    assert_int_equal(d->ta.live, 0);
    col_free(&d->c);
}

static llmj_status evn(dec *d, const char *type, const char *data, size_t n)
{
    llmj_status st = d->ops->event(d->st, type, type ? strlen(type) : 0, data, n, on_item, &d->c);
    if (st == LLMJ_BAD_EVENT) {
        d->nbad++;
        const char *m = d->ops->message(d->st);
        assert_non_null(m);
        assert_true(strlen(m) > 0);
    } else if (st != LLMJ_OK) {
        d->nother++;
    }
    /* every other event, the memory only an event needs is given back, as
     * the stream does between feeds: it changes no result, nor the message */
    if (d->ops->rest && (d->nev++ & 1)) {
        char m[256];
        snprintf(m, sizeof m, "%s", d->ops->message(d->st));
        d->ops->rest(d->st);
        assert_string_equal(m, d->ops->message(d->st));
    }
    return st;
}

static llmj_status ev(dec *d, const char *type, const char *data)
{
    return evn(d, type, data, strlen(data));
}

#define EV_OK(d, type, data) assert_int_equal(ev((d), (type), (data)), LLMJ_OK)

/* ---- feeding a recorded stream ------------------------------------------- */

static int on_sse(void *ctx, const llmj_sse_event *e)
{
    dec *d = ctx;
    const char *type = e->type;
    size_t tl = e->type_len;
    if (tl == 7 && memcmp(type, "message", 7) == 0) {
        type = NULL;
        tl = 0;
    }
    llmj_status st = d->ops->event(d->st, type, tl, e->data, e->data_len, on_item, &d->c);
    if (st == LLMJ_BAD_EVENT)
        d->nbad++;
    else if (st != LLMJ_OK)
        d->nother++;
    if (st != LLMJ_OK)
        print_message("event at %llu: status %d: %s\n", (unsigned long long)e->offset, (int)st,
                      d->ops->message(d->st));
    return 0;
}

static void feed_file(dec *d, const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "../shared/corpus-real/%s", name);
    size_t n;
    char *buf = tu_read_file(rel, &n);
    if (!buf)
        fail_msg("cannot read %s (LLMJ_ROOT=%s)", rel, tu_root());
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = d->a;
    llmj_sse *s;
    assert_int_equal(llmj_sse_new(&s, &cfg, on_sse, d), LLMJ_OK);
    assert_int_equal(llmj_sse_feed(s, buf, n), LLMJ_OK);
    /* A file whose last line has no line end (anthropic-max-tokens-tool-
     * input.sse): end that line, as the SDK's own test harness does. */
    if (n && buf[n - 1] != '\n' && buf[n - 1] != '\r')
        assert_int_equal(llmj_sse_feed(s, "\n", 1), LLMJ_OK);
    assert_int_equal(llmj_sse_finish(s), LLMJ_OK);
    llmj_sse_free(s);
    free(buf);
    assert_int_equal(d->nbad, 0);
    assert_int_equal(d->nother, 0);
    assert_clean(d->c);
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void assert_usage(const llmj_usage *u, int64_t in, int64_t out, int64_t total,
                         int64_t cached, int64_t reasoning)
{
    assert_int_equal(u->input_tokens, in);
    assert_int_equal(u->output_tokens, out);
    assert_int_equal(u->total_tokens, total);
    assert_int_equal(u->cached_tokens, cached);
    assert_int_equal(u->reasoning_tokens, reasoning);
}

static void assert_finish(const col *c, size_t ch, llmj_finish f, const char *raw)
{
    assert_int_equal(c->nfinish[ch], 1);
    assert_int_equal(c->finish[ch], f);
    assert_string_equal(str(&c->fraw[ch]), raw);
}

static void assert_tool(const col *c, size_t ch, size_t t, const char *id, const char *name,
                        const char *args, int ended)
{
    const tool_log *x = &c->tool[ch][t];
    assert_int_equal(x->nbegin, 1);
    assert_string_equal(str(&x->id), id);
    assert_string_equal(str(&x->name), name);
    assert_string_equal(str(&x->args), args);
    assert_int_equal(x->nend, ended);
}

static void assert_no_tool(const col *c, size_t ch, size_t t)
{
    assert_int_equal(c->tool[ch][t].nbegin, 0);
}

/* ---- corpus: OpenAI Chat Completions and copies ---------------------------- */

static void test_corpus_openai_text(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openai-chat-text.sse");
    assert_buf(d.c.text[0], "I'm unable to provide real-time weather updates. To get the current "
                            "weather in San Francisco, I recommend checking a reliable weather "
                            "website or a weather app.");
    assert_int_equal(d.c.text[0].len, 159);
    assert_buf(d.c.refusal[0], "");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "stop");
    assert_int_equal(d.c.nusage, 1);
    assert_usage(&d.c.usage, 14, 30, 44, -1, 0);
    assert_int_equal(d.c.ndone, 1);
    assert_int_equal(d.c.nerror, 0);
    assert_no_tool(&d.c, 0, 0);
    dec_close(&d);
}

static void test_corpus_openai_length_refusal(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openai-chat-length.sse");
    assert_buf(d.c.text[0], "{\"");
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "length");
    assert_usage(&d.c.usage, 79, 1, 80, -1, 0);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openai-chat-refusal.sse");
    assert_buf(d.c.text[0], "");
    assert_buf(d.c.refusal[0], "I'm sorry, I can't assist with that request.");
    /* the raw finish is stop: the stream object turns it into a refusal */
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "stop");
    assert_usage(&d.c.usage, 79, 11, 90, -1, 0);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);
}

static void test_corpus_openai_tool_calls(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openai-chat-tool-calls.sse");
    assert_buf(d.c.text[0], "");
    assert_tool(&d.c, 0, 0, "call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs",
                "{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}", 1);
    assert_tool(&d.c, 0, 1, "call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price",
                "{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}", 1);
    assert_no_tool(&d.c, 0, 2);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "tool_calls");
    assert_usage(&d.c.usage, 149, 60, 209, -1, 0);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);
}

static void test_corpus_openai_n3(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openai-chat-n3-choices.sse");
    assert_buf(d.c.text[0], "{\"city\":\"San Francisco\",\"temperature\":65,\"units\":\"f\"}");
    assert_buf(d.c.text[1], "{\"city\":\"San Francisco\",\"temperature\":61,\"units\":\"f\"}");
    assert_buf(d.c.text[2], "{\"city\":\"San Francisco\",\"temperature\":59,\"units\":\"f\"}");
    for (size_t i = 0; i < 3; i++)
        assert_finish(&d.c, i, LLMJ_FINISH_STOP, "stop");
    assert_int_equal(d.c.nfinish[3], 0);
    assert_int_equal(d.c.nusage, 1);
    assert_usage(&d.c.usage, 79, 42, 121, -1, 0);
    dec_close(&d);
}

static void test_corpus_openai_json_object(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openai-chat-json-object.sse");
    const tu_buf *t = &d.c.text[0];
    assert_int_equal(t->len, 615);
    assert_true(fnv(t->data, t->len) == 0x957827f371a4948dull);
    assert_memory_equal(t->data, "\n  {\n    \"location\": \"San Francisco, CA\"", 40);
    assert_non_null(strstr(t->data, "\xC2\xB0")); /* raw UTF-8 degree sign */
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "stop");
    assert_usage(&d.c.usage, 19, 177, 196, -1, 0);
    dec_close(&d);
}

static void test_corpus_azure_deepseek_vllm(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "azure-chat-content-filter-results.sse");
    assert_buf(d.c.text[0], "Capital of Denmark.");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "stop");
    /* the first chunk (choices:[], prompt_filter_results) is no usage */
    assert_int_equal(d.c.nusage, 1);
    assert_usage(&d.c.usage, 15, 78, 93, 0, 64);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "deepseek-chat-length.sse");
    const tu_buf *t = &d.c.text[0];
    assert_int_equal(t->len, 1859);
    assert_true(fnv(t->data, t->len) == 0x36425cb852765145ull);
    assert_memory_equal(t->data, "## **Holiday Name:** Starlight Remembrance", 42);
    assert_string_equal(t->data + t->len - 40, " observe 15 minutes of silent looking at");
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "length");
    assert_int_equal(d.c.nusage, 1); /* on the finish chunk */
    assert_usage(&d.c.usage, 13, 400, 413, 0, -1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "vllm-chat-usage.sse");
    assert_buf(d.c.text[0], "1, 2, 3, 4, 5");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "stop");
    assert_usage(&d.c.usage, 46, 14, 60, 0, -1);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);
}

static void test_corpus_openrouter_groq(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "openrouter-keepalive-length-error.sse");
    assert_buf(d.c.text[0], ""); /* only reasoning and empty content */
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "length"); /* the repeat is dropped */
    assert_int_equal(d.c.nusage, 1);
    assert_usage(&d.c.usage, 43, 10, 53, 0, 11);
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "Token limit reached");
    assert_buf(d.c.etype, "");
    assert_buf(d.c.ecode, "400");
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_openai_chat);
    feed_file(&d, "groq-midstream-error-event.sse");
    assert_buf(d.c.text[0], "");
    /* only reasoning and then the error: choice 0 still exists (announced
     * by an empty text as its first item) */
    assert_int_equal(d.c.seen[0], 1);
    assert_memory_equal(str(&d.c.log), "1:0.0[]\n", 8);
    assert_int_equal(d.c.nfinish[0], 0);
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "Tool call validation failed: tool call validation failed: parameters "
                         "for tool get_something_by_name did not match schema: errors: [missing "
                         "properties: 'name', additionalProperties 'invalid_param' not allowed]");
    assert_buf(d.c.etype, "invalid_request_error");
    assert_buf(d.c.ecode, "tool_use_failed");
    assert_int_equal(d.c.ndone, 0);
    dec_close(&d);
}

/* ---- corpus: Responses, Anthropic, Gemini --------------------------------- */

static void test_corpus_responses(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_responses);
    feed_file(&d, "openai-responses-text.sse");
    assert_buf(d.c.text[0], "pong");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "completed");
    assert_int_equal(d.c.nusage, 1);
    assert_usage(&d.c.usage, 11, 5, 16, 0, 0);
    assert_int_equal(d.c.ndone, 1);
    assert_no_tool(&d.c, 0, 0);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_openai_responses);
    feed_file(&d, "openai-responses-function-call.sse");
    assert_buf(d.c.text[0], "");
    assert_tool(&d.c, 0, 0, "call_kL0PCQV7M2WMoVX8V8OtYSAL", "get_capital",
                "{\"country\":\"France\"}", 1);
    assert_no_tool(&d.c, 0, 1);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "completed");
    assert_usage(&d.c.usage, 255, 16, 271, 0, 0);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_openai_responses);
    feed_file(&d, "openai-responses-error.sse");
    assert_int_equal(d.c.nerror, 1); /* response.failed repeats it: once */
    assert_buf(d.c.emsg, "You exceeded your current quota, please check your plan and billing "
                         "details. For more information on this error, read the docs: "
                         "https://platform.openai.com/docs/guides/error-codes/api-errors.");
    assert_buf(d.c.etype, "insufficient_quota");
    assert_buf(d.c.ecode, "insufficient_quota");
    assert_finish(&d.c, 0, LLMJ_FINISH_ERROR, "failed");
    assert_int_equal(d.c.nusage, 0);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);
}

static void test_corpus_anthropic(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_anthropic);
    feed_file(&d, "anthropic-text.sse");
    assert_buf(d.c.text[0], "2");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "end_turn");
    assert_int_equal(d.c.nusage, 2);
    assert_usage(&d.c.usage, 20, 5, -1, 0, -1);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_anthropic);
    feed_file(&d, "anthropic-input-json-delta.sse");
    assert_buf(d.c.text[0], "");
    assert_tool(&d.c, 0, 0, "toolu_019Zvehfe1XQWweT1pm7okyt", "weather",
                "{\"location\": \"San Francisco\"}", 1);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "tool_use");
    assert_usage(&d.c.usage, 843, 28, -1, 0, -1);
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_anthropic);
    feed_file(&d, "anthropic-json-output-format.sse");
    assert_buf(d.c.text[0],
               "{\"name\": \"Biscuit\", \"age\": 4, \"bio\": \"Biscuit is a golden retriever with "
               "a gentle soul and boundless enthusiasm. He greets every person with a wagging "
               "tail and has an uncanny ability to sense when someone needs comfort. His "
               "favorite activities include playing fetch at the beach, napping in sunny "
               "spots, and stealing socks to add to his secret collection under the bed.\"}");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "end_turn");
    assert_usage(&d.c.usage, 230, 94, -1, 0, -1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_anthropic);
    feed_file(&d, "anthropic-max-tokens-tool-input.sse");
    assert_buf(d.c.text[0], "I'll create a comprehensive tax guide for someone with multiple W2s "
                            "and save it in a file called taxes.txt. Let me do that for you now.");
    /* block 1 is tool 0; cut by max_tokens: no content_block_stop, no END */
    assert_tool(&d.c, 0, 0, "toolu_01EKqbqmZrGRXy18eN7m9kvY", "make_file",
                "{\"filename\": \"taxes.txt\", \"lines_of_text\": [\n\"# COMPREHENSIVE TAX "
                "GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s\",\n\"\",\n\"## INTRODUCTION\",\n"
                "\"\",\n\"Filing taxes",
                0);
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "max_tokens");
    assert_usage(&d.c.usage, 450, 124, -1, 0, -1);
    assert_int_equal(d.c.ndone, 1); /* the unterminated last event counts */
    dec_close(&d);
}

static void test_corpus_gemini(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_gemini);
    feed_file(&d, "gemini-text.sse");
    assert_buf(d.c.text[0], "The capital of France is Paris.\n");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "STOP");
    assert_int_equal(d.c.nusage, 3);
    assert_usage(&d.c.usage, 13, 8, 21, -1, -1); /* the last, though it went down */
    assert_int_equal(d.c.ndone, 0);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_gemini);
    feed_file(&d, "gemini-json-mode.sse");
    assert_buf(d.c.text[0], "{\n  \"city\": \"Mexico City\",\n  \"country\": \"Mexico\"\n} ");
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "STOP");
    assert_usage(&d.c.usage, 128, 21, 179, -1, 30);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_gemini);
    feed_file(&d, "gemini-function-call.sse");
    assert_buf(d.c.text[0], "");
    /* the args value's bytes exactly as sent */
    assert_tool(&d.c, 0, 0, "", "get_capital", "{\"country\": \"France\"}", 1);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "STOP");
    assert_usage(&d.c.usage, 52, 5, 57, -1, -1);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_gemini);
    feed_file(&d, "gemini-vertex-partial-args.sse");
    assert_tool(&d.c, 0, 0, "", "getWeather", "{\"location\":\"Boston\"}", 1);
    assert_tool(&d.c, 0, 1, "", "getWeather", "{\"location\":\"San Francisco\"}", 1);
    assert_no_tool(&d.c, 0, 2);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "STOP");
    assert_int_equal(d.c.nusage, 1); /* {"trafficType":..} alone is no usage */
    assert_usage(&d.c.usage, 26, 23, 181, -1, 132);
    dec_close(&d);

    dec_open(&d, &llmj__dialect_gemini);
    feed_file(&d, "gemini-prompt-blocked.sse");
    assert_buf(d.c.text[0], "");
    assert_finish(&d.c, 0, LLMJ_FINISH_CONTENT_FILTER, "SAFETY");
    assert_int_equal(d.c.nusage, 0);
    dec_close(&d);
}

/* ---- sniff ------------------------------------------------------------------- */

typedef struct first_ev {
    int got;
    char type[64];
    char data[65536];
    size_t data_len;
} first_ev;

static int grab_first(void *ctx, const llmj_sse_event *e)
{
    first_ev *f = ctx;
    if (f->got)
        return 0;
    f->got = 1;
    size_t tl = e->type_len < sizeof f->type - 1 ? e->type_len : sizeof f->type - 1;
    memcpy(f->type, e->type, tl);
    f->type[tl] = 0;
    if (!strcmp(f->type, "message"))
        f->type[0] = 0;
    f->data_len = e->data_len < sizeof f->data ? e->data_len : sizeof f->data;
    memcpy(f->data, e->data, f->data_len);
    return 0;
}

static void sniff_file(const char *name, const ld_ops *want)
{
    static const ld_ops *const all[] = { &llmj__dialect_openai_chat,
                                         &llmj__dialect_openai_responses,
                                         &llmj__dialect_anthropic, &llmj__dialect_gemini,
                                         &llmj__dialect_ollama };
    char rel[512];
    snprintf(rel, sizeof rel, "../shared/corpus-real/%s", name);
    size_t n;
    char *buf = tu_read_file(rel, &n);
    assert_non_null(buf);
    static first_ev f;
    memset(&f, 0, sizeof f);
    llmj_sse *s;
    assert_int_equal(llmj_sse_new(&s, NULL, grab_first, &f), LLMJ_OK);
    assert_int_equal(llmj_sse_feed(s, buf, n), LLMJ_OK);
    if (n && buf[n - 1] != '\n' && buf[n - 1] != '\r')
        assert_int_equal(llmj_sse_feed(s, "\n", 1), LLMJ_OK);
    assert_int_equal(llmj_sse_finish(s), LLMJ_OK);
    llmj_sse_free(s);
    free(buf);
    assert_true(f.got);
    const char *type = f.type[0] ? f.type : NULL;
    size_t tl = f.type[0] ? strlen(f.type) : 0;
    int best = want->sniff(type, tl, f.data, f.data_len);
    if (best != 2)
        fail_msg("%s: sniff of its own dialect gave %d", name, best);
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        if (all[i] == want)
            continue;
        int sc = all[i]->sniff(type, tl, f.data, f.data_len);
        if (sc >= best)
            fail_msg("%s: dialect %d scores %d against %d", name, (int)all[i]->dialect, sc, best);
    }
}

static void test_sniff_corpus(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        const ld_ops *ops;
    } cases[] = {
        { "openai-chat-text.sse", &llmj__dialect_openai_chat },
        { "openai-chat-json-object.sse", &llmj__dialect_openai_chat },
        { "openai-chat-length.sse", &llmj__dialect_openai_chat },
        { "openai-chat-tool-calls.sse", &llmj__dialect_openai_chat },
        { "openai-chat-refusal.sse", &llmj__dialect_openai_chat },
        { "openai-chat-n3-choices.sse", &llmj__dialect_openai_chat },
        { "azure-chat-content-filter-results.sse", &llmj__dialect_openai_chat },
        { "deepseek-chat-length.sse", &llmj__dialect_openai_chat },
        { "openrouter-keepalive-length-error.sse", &llmj__dialect_openai_chat },
        { "groq-midstream-error-event.sse", &llmj__dialect_openai_chat },
        { "vllm-chat-usage.sse", &llmj__dialect_openai_chat },
        { "openai-responses-text.sse", &llmj__dialect_openai_responses },
        { "openai-responses-function-call.sse", &llmj__dialect_openai_responses },
        { "openai-responses-error.sse", &llmj__dialect_openai_responses },
        { "anthropic-text.sse", &llmj__dialect_anthropic },
        { "anthropic-input-json-delta.sse", &llmj__dialect_anthropic },
        { "anthropic-max-tokens-tool-input.sse", &llmj__dialect_anthropic },
        { "anthropic-json-output-format.sse", &llmj__dialect_anthropic },
        { "gemini-text.sse", &llmj__dialect_gemini },
        { "gemini-json-mode.sse", &llmj__dialect_gemini },
        { "gemini-function-call.sse", &llmj__dialect_gemini },
        { "gemini-vertex-partial-args.sse", &llmj__dialect_gemini },
        { "gemini-prompt-blocked.sse", &llmj__dialect_gemini },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        sniff_file(cases[i].file, cases[i].ops);
}

static void test_sniff_handmade(void **state)
{
    (void)state;
    const char *ol = "{\"model\":\"llama3.2\",\"created_at\":\"2024-07-22T20:33:28.123Z\","
                     "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}";
    assert_int_equal(llmj__dialect_ollama.sniff(NULL, 0, ol, strlen(ol)), 2);
    assert_int_equal(llmj__dialect_openai_chat.sniff(NULL, 0, ol, strlen(ol)), 0);
    assert_int_equal(llmj__dialect_gemini.sniff(NULL, 0, ol, strlen(ol)), 0);
    const char *gen = "{\"model\":\"m\",\"response\":\"x\",\"done\":true}";
    assert_int_equal(llmj__dialect_ollama.sniff(NULL, 0, gen, strlen(gen)), 2);
    assert_int_equal(llmj__dialect_openai_chat.sniff(NULL, 0, "[DONE]", 6), 1);
    const char *an = "{\"type\":\"message_start\",\"message\":{}}";
    assert_int_equal(llmj__dialect_anthropic.sniff(NULL, 0, an, strlen(an)), 2);
    assert_int_equal(llmj__dialect_anthropic.sniff("message_start", 13, "{}", 2), 2);
    assert_int_equal(llmj__dialect_openai_responses.sniff("response.created", 16, "{}", 2), 2);
    const char *ge = "{\"error\":{\"code\":429,\"message\":\"m\",\"status\":\"RESOURCE_EXHAUSTED\"}}";
    assert_int_equal(llmj__dialect_gemini.sniff(NULL, 0, ge, strlen(ge)), 2);
    const char *oe = "{\"error\":{\"message\":\"m\",\"type\":\"server_error\"}}";
    assert_int_equal(llmj__dialect_openai_chat.sniff(NULL, 0, oe, strlen(oe)), 1);
    assert_int_equal(llmj__dialect_gemini.sniff(NULL, 0, oe, strlen(oe)), 0);
    /* not JSON, or unrelated JSON: nobody */
    const char *junk[] = { "hello", "{", "[1,2]", "{\"foo\":1}", "" };
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        size_t n = strlen(junk[i]);
        assert_int_equal(llmj__dialect_openai_chat.sniff(NULL, 0, junk[i], n), 0);
        assert_int_equal(llmj__dialect_openai_responses.sniff(NULL, 0, junk[i], n), 0);
        assert_int_equal(llmj__dialect_anthropic.sniff(NULL, 0, junk[i], n), 0);
        assert_int_equal(llmj__dialect_gemini.sniff(NULL, 0, junk[i], n), 0);
        assert_int_equal(llmj__dialect_ollama.sniff(NULL, 0, junk[i], n), 0);
    }
}

/* ---- OpenAI chat quirks ---------------------------------------------------- */

#define CH(delta) "{\"choices\":[{\"index\":0,\"delta\":" delta "}]}"

static void test_openai_quirks(void **state)
{
    (void)state;
    dec d;
    /* Mistral: content as an array of typed parts; only text parts count */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, CH("{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\","
                       "\"text\":\"Okay\"}]}]}"));
    EV_OK(&d, NULL, CH("{\"content\":[{\"type\":\"text\",\"text\":\"Hel\"},{\"text\":\"lo\"}]}"));
    EV_OK(&d, NULL, CH("{\"content\":\"!\"}"));
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":"
                    "\"model_length\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
                    "\"total_tokens\":7}}");
    assert_buf(d.c.text[0], "Hello!");
    assert_buf(d.c.reasoning[0], "Okay"); /* the thinking part: reasoning */
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "model_length");
    assert_usage(&d.c.usage, 3, 4, 7, -1, -1);
    assert_clean(d.c);
    dec_close(&d);

    /* Snowflake: refusal "" on every delta is no refusal; no finish at all */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, "{\"id\":\"\",\"created\":0,\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    "\"assistant\",\"content\":\"Hi\",\"refusal\":\"\"}}]}");
    EV_OK(&d, NULL, CH("{\"content\":\" there\",\"refusal\":\"\"}"));
    EV_OK(&d, NULL, "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                    "\"total_tokens\":3}}");
    EV_OK(&d, NULL, "[DONE]");
    assert_buf(d.c.text[0], "Hi there");
    assert_buf(d.c.refusal[0], "");
    assert_int_equal(d.c.nfinish[0], 0);
    assert_int_equal(d.c.ndone, 1);
    assert_clean(d.c);
    dec_close(&d);

    /* Novita: id and name sent again on every fragment: one call */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"type\":\"function\","
                       "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"));
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"type\":\"function\","
                       "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}"));
    EV_OK(&d, NULL, "[DONE]");
    assert_tool(&d.c, 0, 0, "c1", "f", "{}", 0); /* no finish: not said to be whole */
    assert_no_tool(&d.c, 0, 1);
    assert_clean(d.c);
    dec_close(&d);

    /* a new id at the same index is a new call; no index: the latest call */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\","
                       "\"arguments\":\"{\\\"x\\\":1}\"}}]}"));
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"g\","
                       "\"arguments\":\"{\"}}]}"));
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"function\":{\"arguments\":\"}\"}}]}"));
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"h\","
                       "\"arguments\":{\"k\": [1, 2]}}}]}"));
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
    assert_tool(&d.c, 0, 0, "a", "f", "{\"x\":1}", 1);
    assert_tool(&d.c, 0, 1, "b", "g", "{}", 1);
    assert_tool(&d.c, 0, 2, "c", "h", "{\"k\": [1, 2]}", 1); /* arguments as an object */
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "tool_calls");
    assert_clean(d.c);
    dec_close(&d);

    /* legacy function_call; finish function_call */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, CH("{\"function_call\":{\"name\":\"get\",\"arguments\":\"\"}}"));
    EV_OK(&d, NULL, CH("{\"function_call\":{\"arguments\":\"{\\\"a\\\":\"}}"));
    EV_OK(&d, NULL, CH("{\"function_call\":{\"arguments\":\"2}\"}}"));
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"function_call\"}]}");
    assert_tool(&d.c, 0, 0, "", "get", "{\"a\":2}", 1);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "function_call");
    assert_clean(d.c);
    dec_close(&d);

    /* duplicate finish chunks, index after delta (Azure key order), text on
     * the finish chunk (vLLM), finish on a length cut keeps calls open */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, "{\"choices\":[{\"content_filter_results\":{},\"delta\":{\"tool_calls\":[{"
                    "\"function\":{\"arguments\":\"[1\",\"name\":\"n\"},\"id\":\"i\",\"index\":0}]},"
                    "\"index\":1}]}");
    EV_OK(&d, NULL, "{\"choices\":[{\"delta\":{\"content\":\"end\"},\"finish_reason\":\"length\","
                    "\"index\":1}]}");
    EV_OK(&d, NULL, "{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\",\"index\":1}]}");
    assert_tool(&d.c, 1, 0, "i", "n", "[1", 0);
    assert_buf(d.c.text[1], "end");
    assert_finish(&d.c, 1, LLMJ_FINISH_LENGTH, "length");
    assert_int_equal(d.c.nfinish[0], 0);
    assert_clean(d.c);
    dec_close(&d);

    /* every finish value */
    static const struct {
        const char *raw;
        llmj_finish f;
    } fins[] = {
        { "stop", LLMJ_FINISH_STOP },
        { "length", LLMJ_FINISH_LENGTH },
        { "tool_calls", LLMJ_FINISH_TOOL_CALLS },
        { "function_call", LLMJ_FINISH_TOOL_CALLS },
        { "content_filter", LLMJ_FINISH_CONTENT_FILTER },
        { "insufficient_system_resource", LLMJ_FINISH_ERROR },
        { "model_length", LLMJ_FINISH_LENGTH },
        { "error", LLMJ_FINISH_ERROR },
        { "eos", LLMJ_FINISH_UNKNOWN },
    };
    for (size_t i = 0; i < sizeof fins / sizeof *fins; i++) {
        char buf[256];
        snprintf(buf, sizeof buf,
                 "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"%s\"}]}",
                 fins[i].raw);
        dec_open(&d, &llmj__dialect_openai_chat);
        EV_OK(&d, NULL, buf);
        assert_finish(&d.c, 0, fins[i].f, fins[i].raw);
        dec_close(&d);
    }

    /* error shapes: nested, string, flat old vLLM, and a non-JSON error event */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,"
                    "\"code\":null}}");
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "boom");
    assert_buf(d.c.etype, "server_error");
    assert_buf(d.c.ecode, "");
    EV_OK(&d, NULL, "{\"error\":\"plain words\"}");
    assert_int_equal(d.c.nerror, 2);
    assert_buf(d.c.emsg, "plain words");
    EV_OK(&d, NULL, "{\"object\":\"error\",\"message\":\"bad \\u00e9\",\"type\":\"BadRequestError\","
                    "\"param\":null,\"code\":400}");
    assert_int_equal(d.c.nerror, 3);
    assert_buf(d.c.emsg, "bad \xC3\xA9");
    assert_buf(d.c.etype, "BadRequestError");
    assert_buf(d.c.ecode, "400");
    EV_OK(&d, "error", "Internal Server Error ");
    assert_int_equal(d.c.nerror, 4);
    assert_buf(d.c.emsg, "Internal Server Error");
    EV_OK(&d, "error", "{\"message\":\"overloaded\"}");
    assert_int_equal(d.c.nerror, 5);
    assert_buf(d.c.emsg, "overloaded");
    /* a moderation chunk after usage: empty choices, nothing to say */
    EV_OK(&d, NULL, "{\"choices\":[],\"moderation\":{\"input\":{},\"output\":{}}}");
    assert_int_equal(d.c.nusage, 0);
    assert_int_equal(d.c.nerror, 5);
    assert_clean(d.c);
    dec_close(&d);

    /* empty data (keepalive) is nothing */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, "");
    EV_OK(&d, NULL, "  \r\n");
    assert_int_equal(d.c.nitems, 0);
    dec_close(&d);
}

/* ---- Responses quirks ------------------------------------------------------ */

static void test_responses_quirks(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_openai_responses);
    /* the type from the SSE event name when the JSON has none */
    EV_OK(&d, "response.refusal.delta", "{\"delta\":\"No\",\"output_index\":0}");
    EV_OK(&d, NULL, "{\"type\":\"response.refusal.delta\",\"delta\":\", sorry.\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.incomplete\",\"response\":{\"status\":\"incomplete\","
                    "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"usage\":{"
                    "\"input_tokens\":5,\"output_tokens\":9,\"total_tokens\":14}}}");
    assert_buf(d.c.refusal[0], "No, sorry.");
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "max_output_tokens");
    assert_usage(&d.c.usage, 5, 9, 14, -1, -1);
    assert_int_equal(d.c.ndone, 1);
    assert_clean(d.c);
    dec_close(&d);

    static const struct {
        const char *reason;
        llmj_finish f;
        const char *raw;
    } inc[] = { { "\"content_filter\"", LLMJ_FINISH_CONTENT_FILTER, "content_filter" },
                { "\"whatever\"", LLMJ_FINISH_UNKNOWN, "whatever" },
                { "null", LLMJ_FINISH_UNKNOWN, "incomplete" } };
    for (size_t i = 0; i < sizeof inc / sizeof *inc; i++) {
        char buf[256];
        snprintf(buf, sizeof buf,
                 "{\"type\":\"response.incomplete\",\"response\":{\"incomplete_details\":{"
                 "\"reason\":%s},\"usage\":null}}",
                 inc[i].reason);
        dec_open(&d, &llmj__dialect_openai_responses);
        EV_OK(&d, NULL, buf);
        assert_finish(&d.c, 0, inc[i].f, inc[i].raw);
        assert_int_equal(d.c.nusage, 0);
        dec_close(&d);
    }

    /* error event, top-level shape; then failed with its own error: once */
    dec_open(&d, &llmj__dialect_openai_responses);
    EV_OK(&d, "error", "{\"type\":\"error\",\"code\":\"rate_limit\",\"message\":\"slow down\","
                       "\"param\":null,\"sequence_number\":1}");
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "slow down");
    assert_buf(d.c.etype, "");
    assert_buf(d.c.ecode, "rate_limit");
    EV_OK(&d, NULL, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"c\","
                    "\"message\":\"m\"}}}");
    assert_int_equal(d.c.nerror, 1);
    assert_finish(&d.c, 0, LLMJ_FINISH_ERROR, "failed");
    dec_close(&d);
    /* failed alone: its error is reported */
    dec_open(&d, &llmj__dialect_openai_responses);
    EV_OK(&d, NULL, "{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"server_error\","
                    "\"message\":\"oops\"}}}");
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "oops");
    assert_buf(d.c.ecode, "server_error");
    assert_finish(&d.c, 0, LLMJ_FINISH_ERROR, "failed");
    assert_int_equal(d.c.ndone, 1);
    dec_close(&d);

    /* arguments only in .done; two calls keyed by output_index, interleaved */
    dec_open(&d, &llmj__dialect_openai_responses);
    EV_OK(&d, NULL, "{\"type\":\"response.output_item.added\",\"output_index\":1,\"item\":{"
                    "\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\","
                    "\"name\":\"a\",\"arguments\":\"\"}}");
    EV_OK(&d, NULL, "{\"type\":\"response.output_item.added\",\"output_index\":2,\"item\":{"
                    "\"type\":\"function_call\",\"id\":\"fc_2\",\"name\":\"b\"}}");
    EV_OK(&d, NULL, "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":2,"
                    "\"delta\":\"{\\\"y\\\"\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.function_call_arguments.done\",\"output_index\":1,"
                    "\"arguments\":\"{\\\"x\\\":1}\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_2\","
                    "\"delta\":\":2}\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.function_call_arguments.done\",\"output_index\":2,"
                    "\"arguments\":\"{\\\"y\\\":2}\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.output_item.done\",\"output_index\":2,\"item\":{"
                    "\"type\":\"function_call\",\"id\":\"fc_2\",\"arguments\":\"{\\\"y\\\":2}\"}}");
    EV_OK(&d, NULL, "{\"type\":\"response.reasoning_summary_text.delta\",\"delta\":\"hmm\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}");
    assert_tool(&d.c, 0, 0, "call_1", "a", "{\"x\":1}", 1);
    assert_tool(&d.c, 0, 1, "fc_2", "b", "{\"y\":2}", 1);
    assert_buf(d.c.text[0], "");
    assert_buf(d.c.reasoning[0], "hmm");
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "completed");
    assert_clean(d.c);
    dec_close(&d);
}

/* ---- Anthropic quirks ----------------------------------------------------- */

static void test_anthropic_quirks(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_anthropic);
    EV_OK(&d, "message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{"
                               "\"input_tokens\":7,\"cache_read_input_tokens\":3,"
                               "\"output_tokens\":1}}   }");
    EV_OK(&d, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                                     "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}");
    EV_OK(&d, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{"
                                     "\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}");
    EV_OK(&d, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{"
                                     "\"type\":\"signature_delta\",\"signature\":\"xx\"}}");
    EV_OK(&d, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0 }");
    EV_OK(&d, "content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
                                     "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    EV_OK(&d, "ping", "{\"type\": \"ping\"}");
    EV_OK(&d, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{"
                                     "\"type\":\"text_delta\",\"text\":\"Hi\"}}");
    EV_OK(&d, "ping", "{\"type\": \"ping\"}");
    EV_OK(&d, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}");
    /* two tool_use blocks: tools 0 and 1 in block order */
    EV_OK(&d, NULL, "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":"
                    "\"tool_use\",\"id\":\"t2\",\"name\":\"a\",\"input\":{}}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":"
                    "\"input_json_delta\",\"partial_json\":\"\"}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":"
                    "\"input_json_delta\",\"partial_json\":\"{}\"}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_stop\",\"index\":2}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_start\",\"index\":3,\"content_block\":{\"type\":"
                    "\"tool_use\",\"id\":\"t3\",\"name\":\"b\",\"input\":{}}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":"
                    "\"input_json_delta\",\"partial_json\":\"[true]\"}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_stop\",\"index\":3}");
    /* a server tool's input is not a call of the caller's */
    EV_OK(&d, NULL, "{\"type\":\"content_block_start\",\"index\":4,\"content_block\":{\"type\":"
                    "\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\"}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_delta\",\"index\":4,\"delta\":{\"type\":"
                    "\"input_json_delta\",\"partial_json\":\"{\\\"query\\\":1}\"}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_stop\",\"index\":4}");
    EV_OK(&d, NULL, "{\"type\":\"some_new_event\",\"x\":1}");
    EV_OK(&d, NULL, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\","
                    "\"stop_details\":{\"type\":\"refusal\"}},\"usage\":{\"output_tokens\":9}}");
    EV_OK(&d, NULL, "{\"type\":\"message_stop\"}");
    assert_buf(d.c.text[0], "Hi");
    assert_buf(d.c.reasoning[0], "hmm"); /* thinking: reasoning, never text */
    assert_buf(d.c.signature[0], "xx");
    assert_tool(&d.c, 0, 0, "t2", "a", "{}", 1);
    assert_tool(&d.c, 0, 1, "t3", "b", "[true]", 1);
    assert_no_tool(&d.c, 0, 2);
    assert_finish(&d.c, 0, LLMJ_FINISH_REFUSAL, "refusal");
    assert_int_equal(d.c.nusage, 2);
    assert_usage(&d.c.usage, 7, 9, -1, 3, -1); /* merged */
    assert_int_equal(d.c.ndone, 1);
    assert_clean(d.c);
    dec_close(&d);

    static const struct {
        const char *raw;
        llmj_finish f;
    } fins[] = { { "end_turn", LLMJ_FINISH_STOP },
                 { "stop_sequence", LLMJ_FINISH_STOP },
                 { "pause_turn", LLMJ_FINISH_PAUSE_TURN },
                 { "max_tokens", LLMJ_FINISH_LENGTH },
                 { "model_context_window_exceeded", LLMJ_FINISH_LENGTH },
                 { "tool_use", LLMJ_FINISH_TOOL_CALLS },
                 { "refusal", LLMJ_FINISH_REFUSAL },
                 { "compaction", LLMJ_FINISH_UNKNOWN },
                 { "terminated", LLMJ_FINISH_UNKNOWN } };
    for (size_t i = 0; i < sizeof fins / sizeof *fins; i++) {
        char buf[256];
        snprintf(buf, sizeof buf,
                 "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\"}}", fins[i].raw);
        dec_open(&d, &llmj__dialect_anthropic);
        EV_OK(&d, "message_delta", buf);
        assert_finish(&d.c, 0, fins[i].f, fins[i].raw);
        dec_close(&d);
    }

    /* in-band error; a non-JSON error event */
    dec_open(&d, &llmj__dialect_anthropic);
    EV_OK(&d, "error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                       "\"message\":\"Overloaded\"}}");
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "Overloaded");
    assert_buf(d.c.etype, "overloaded_error");
    EV_OK(&d, "error", "upstream connect error");
    assert_int_equal(d.c.nerror, 2);
    assert_buf(d.c.emsg, "upstream connect error");
    assert_clean(d.c);
    dec_close(&d);
}

/* ---- Gemini quirks -------------------------------------------------------- */

static void test_gemini_quirks(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_gemini);
    /* thought parts skipped; two candidates with and without index; parts
     * missing; MAX_TOKENS; a whole call with an id and without args */
    EV_OK(&d, NULL, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"plan\","
                    "\"thought\": true},{\"text\": \"A\"}],\"role\": \"model\"},\"index\": 0},"
                    "{\"content\": {\"parts\": [{\"text\": \"B\"}]},\"index\": 1}]}");
    EV_OK(&d, NULL, "{\"candidates\": [{\"content\": {\"role\": \"model\"},\"finishReason\": "
                    "\"MAX_TOKENS\",\"index\": 0},{\"content\":{\"parts\":[{\"functionCall\":{"
                    "\"id\":\"x1\",\"name\":\"ping\"}}]},\"finishReason\":\"STOP\",\"index\":1}]}");
    assert_buf(d.c.text[0], "A");
    assert_buf(d.c.reasoning[0], "plan"); /* the thought part */
    assert_buf(d.c.text[1], "B");
    assert_finish(&d.c, 0, LLMJ_FINISH_LENGTH, "MAX_TOKENS");
    assert_tool(&d.c, 1, 0, "x1", "ping", "{}", 1);
    assert_finish(&d.c, 1, LLMJ_FINISH_TOOL_CALLS, "STOP");
    assert_clean(d.c);
    dec_close(&d);

    static const struct {
        const char *raw;
        llmj_finish f;
    } fins[] = { { "STOP", LLMJ_FINISH_STOP },
                 { "MAX_TOKENS", LLMJ_FINISH_LENGTH },
                 { "SAFETY", LLMJ_FINISH_CONTENT_FILTER },
                 { "RECITATION", LLMJ_FINISH_CONTENT_FILTER },
                 { "BLOCKLIST", LLMJ_FINISH_CONTENT_FILTER },
                 { "PROHIBITED_CONTENT", LLMJ_FINISH_CONTENT_FILTER },
                 { "SPII", LLMJ_FINISH_CONTENT_FILTER },
                 { "IMAGE_SAFETY", LLMJ_FINISH_CONTENT_FILTER },
                 { "MODEL_ARMOR", LLMJ_FINISH_CONTENT_FILTER },
                 { "MALFORMED_FUNCTION_CALL", LLMJ_FINISH_ERROR },
                 { "UNEXPECTED_TOOL_CALL", LLMJ_FINISH_ERROR },
                 { "TOO_MANY_TOOL_CALLS", LLMJ_FINISH_ERROR },
                 { "OTHER", LLMJ_FINISH_UNKNOWN },
                 { "LANGUAGE", LLMJ_FINISH_UNKNOWN },
                 { "FINISH_REASON_UNSPECIFIED", LLMJ_FINISH_UNKNOWN } };
    for (size_t i = 0; i < sizeof fins / sizeof *fins; i++) {
        char buf[256];
        snprintf(buf, sizeof buf, "{\"candidates\":[{\"finishReason\":\"%s\"}]}", fins[i].raw);
        dec_open(&d, &llmj__dialect_gemini);
        EV_OK(&d, NULL, buf);
        assert_finish(&d.c, 0, fins[i].f, fins[i].raw);
        dec_close(&d);
    }

    /* the bare error object */
    dec_open(&d, &llmj__dialect_gemini);
    EV_OK(&d, NULL, "{\"error\": {\"code\": 429,\"message\": \"Resource exhausted\",\"status\": "
                    "\"RESOURCE_EXHAUSTED\",\"details\": []}}");
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "Resource exhausted");
    assert_buf(d.c.etype, "RESOURCE_EXHAUSTED");
    assert_buf(d.c.ecode, "429");
    dec_close(&d);

    /* streamed arguments rebuilt along nested paths, arrays, numbers,
     * booleans, null, a string in three pieces, a key needing escapes; the
     * finish closes the open call */
    dec_open(&d, &llmj__dialect_gemini);
#define GP(fc) "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":" fc "}]}}]}"
    EV_OK(&d, NULL, GP("{\"name\":\"plan\",\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.trip.city\",\"stringValue\":\"Ne\","
                       "\"willContinue\":true}],\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.trip.city\",\"stringValue\":\"w \\\"Y\","
                       "\"willContinue\":true}],\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.trip.city\",\"stringValue\":\"ork\"},"
                       "{\"jsonPath\":\"$.trip.days\",\"numberValue\":3},"
                       "{\"jsonPath\":\"$.trip.stops[0]\",\"stringValue\":\"a\"},"
                       "{\"jsonPath\":\"$.trip.stops[1]\",\"stringValue\":\"b\"}],"
                       "\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.fast\",\"boolValue\":false},"
                       "{\"jsonPath\":\"$['odd \\\"key']\",\"nullValue\":null},"
                       "{\"jsonPath\":\"$.n[0][1]\",\"numberValue\":-1.5e3}],"
                       "\"willContinue\":true}"));
    EV_OK(&d, NULL, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}]},"
                    "\"finishReason\":\"STOP\"}]}");
    assert_tool(&d.c, 0, 0, "", "plan",
                "{\"trip\":{\"city\":\"New \\\"York\",\"days\":3,\"stops\":[\"a\",\"b\"]},"
                "\"fast\":false,\"odd \\\"key\":null,\"n\":[[-1.5e3]]}",
                1);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "STOP");
    assert_clean(d.c);
    /* a path this decoder cannot follow: the event is refused, state kept */
    assert_int_equal(ev(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"location\","
                                     "\"stringValue\":\"x\"}]}")),
                     LLMJ_BAD_EVENT);
    dec_close(&d);

    /* streamed call that ends with willContinue absent in the same part;
     * then a named call while one is open closes it */
    dec_open(&d, &llmj__dialect_gemini);
    EV_OK(&d, NULL, GP("{\"name\":\"f\",\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.a\",\"stringValue\":\"1\"}]}"));
    EV_OK(&d, NULL, GP("{\"name\":\"g\",\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.b\",\"numberValue\":2,"
                       "\"willContinue\":false}],\"willContinue\":true}"));
    EV_OK(&d, NULL, GP("{\"name\":\"h\",\"args\":{ \"c\" : [ 1 ] }}"));
    assert_tool(&d.c, 0, 0, "", "f", "{\"a\":\"1\"}", 1);
    assert_tool(&d.c, 0, 1, "", "g", "{\"b\":2}", 1);
    assert_tool(&d.c, 0, 2, "", "h", "{ \"c\" : [ 1 ] }", 1);
    assert_int_equal(d.c.nfinish[0], 0);
    assert_clean(d.c);
    dec_close(&d);
#undef GP
}

/* ---- Ollama --------------------------------------------------------------- */

static void test_ollama(void **state)
{
    (void)state;
    dec d;
    dec_open(&d, &llmj__dialect_ollama);
    EV_OK(&d, NULL, "{\"model\":\"llama3.2\",\"created_at\":\"2024-07-22T20:33:28Z\",\"message\":{"
                    "\"role\":\"assistant\",\"content\":\"\\u003cb\\u003e \\u0026\"},\"done\":false}");
    EV_OK(&d, NULL, "{\"model\":\"m\",\"created_at\":\"t\",\"message\":{\"role\":\"assistant\","
                    "\"content\":\"\",\"thinking\":\"hmm\",\"tool_calls\":[{\"function\":{\"name\":"
                    "\"get_weather\",\"arguments\":{\"city\": \"Paris\"}}},{\"id\":\"call_2\","
                    "\"function\":{\"index\":1,\"name\":\"t\",\"arguments\":{}}}]},\"done\":false}");
    EV_OK(&d, NULL, "{\"model\":\"m\",\"created_at\":\"t\",\"message\":{\"role\":\"assistant\","
                    "\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,\"total_duration\":1,"
                    "\"prompt_eval_count\":26,\"eval_count\":298}");
    assert_buf(d.c.text[0], "<b> &");
    assert_buf(d.c.reasoning[0], "hmm");
    assert_tool(&d.c, 0, 0, "", "get_weather", "{\"city\": \"Paris\"}", 1);
    assert_tool(&d.c, 0, 1, "call_2", "t", "{}", 1);
    assert_finish(&d.c, 0, LLMJ_FINISH_TOOL_CALLS, "stop");
    assert_usage(&d.c.usage, 26, 298, -1, -1, -1);
    assert_int_equal(d.c.ndone, 1);
    assert_clean(d.c);
    dec_close(&d);

    static const struct {
        const char *line;
        llmj_finish f;
        const char *raw;
    } fins[] = {
        { "{\"response\":\"\",\"done\":true,\"done_reason\":\"stop\"}", LLMJ_FINISH_STOP, "stop" },
        { "{\"response\":\"\",\"done\":true,\"done_reason\":\"length\"}", LLMJ_FINISH_LENGTH,
          "length" },
        { "{\"done_reason\":\"load\",\"response\":\"\",\"done\":true}", LLMJ_FINISH_UNKNOWN,
          "load" },
        { "{\"response\":\"\",\"done\":true,\"done_reason\":\"unload\"}", LLMJ_FINISH_UNKNOWN,
          "unload" },
        { "{\"response\":\"\",\"done\":true}", LLMJ_FINISH_UNKNOWN, "" },
    };
    for (size_t i = 0; i < sizeof fins / sizeof *fins; i++) {
        dec_open(&d, &llmj__dialect_ollama);
        EV_OK(&d, NULL, "{\"model\":\"m\",\"created_at\":\"t\",\"response\":\"The\",\"done\":false}");
        EV_OK(&d, NULL, "{\"model\":\"m\",\"created_at\":\"t\",\"response\":\" sky\",\"done\":false}");
        EV_OK(&d, NULL, fins[i].line);
        assert_buf(d.c.text[0], "The sky");
        assert_finish(&d.c, 0, fins[i].f, fins[i].raw);
        assert_int_equal(d.c.ndone, 1);
        assert_int_equal(d.c.nusage, 0);
        dec_close(&d);
    }

    dec_open(&d, &llmj__dialect_ollama);
    EV_OK(&d, NULL, "{\"error\":\"model 'x' not found\"}");
    assert_int_equal(d.c.nerror, 1);
    assert_buf(d.c.emsg, "model 'x' not found");
    assert_int_equal(ev(&d, NULL, "not json"), LLMJ_BAD_EVENT);
    assert_int_equal(ev(&d, NULL, "{\"message\":\"x\"}"), LLMJ_BAD_EVENT);
    EV_OK(&d, NULL, "{\"message\":{\"content\":\"ok\"},\"done\":false}");
    assert_buf(d.c.text[0], "ok");
    dec_close(&d);
}

/* ---- surrogate halves split across events --------------------------------- */

#define EMOJI "\xF0\x9F\x98\x80" /* U+1F600 = \ud83d\ude00 */
#define FFFD "\xEF\xBF\xBD"

static void test_split_surrogates(void **state)
{
    (void)state;
    dec d;
    /* text, refusal and arguments lanes, in two choices */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, CH("{\"content\":\"ab\\ud83d\"}"));
    EV_OK(&d, NULL, CH("{\"refusal\":\"r\\uD83D\"}"));
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"x\\ud83d\"}}]}");
    EV_OK(&d, NULL, CH("{\"content\":\"\\ude00cd\"}"));
    EV_OK(&d, NULL, CH("{\"refusal\":\"\\uDE00!\"}"));
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\ude00\"}}]}");
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"i\",\"function\":{\"name\":\"n\","
                       "\"arguments\":\"{\\\"e\\\":\\\"\\ud83d\"}}]}"));
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                       "\"\\ude00\\\"}\"}}]}"));
    assert_buf(d.c.text[0], "ab" EMOJI "cd");
    assert_buf(d.c.refusal[0], "r" EMOJI "!");
    assert_buf(d.c.text[1], "x" EMOJI);
    assert_buf(d.c.tool[0][0].args, "{\"e\":\"" EMOJI "\"}");
    /* the joined code point arrives in one delta with the text after it */
    assert_non_null(strstr(str(&d.c.log), "1:0.0[" EMOJI "cd]\n"));
    assert_clean(d.c);
    dec_close(&d);

    /* a pair inside one string, lone halves, a held half flushed as U+FFFD
     * by the next text, by the finish and by [DONE] */
    dec_open(&d, &llmj__dialect_openai_chat);
    EV_OK(&d, NULL, CH("{\"content\":\"<\\ud83d\\ude00>\"}"));
    EV_OK(&d, NULL, CH("{\"content\":\"\\ud83dx\\ude00y\\ud83d\\u0041\"}"));
    EV_OK(&d, NULL, CH("{\"content\":\"\\ud83d\"}"));
    EV_OK(&d, NULL, CH("{\"content\":\"\"}")); /* an empty delta keeps it held */
    EV_OK(&d, NULL, CH("{\"content\":\"z\"}"));
    EV_OK(&d, NULL, CH("{\"content\":\"\\udbff\"}"));
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":1,\"delta\":{\"refusal\":\"\\ud800\"}}]}");
    EV_OK(&d, NULL, "[DONE]");
    assert_buf(d.c.text[0], "<" EMOJI ">" FFFD "x" FFFD "y" FFFD "A" FFFD "z" FFFD);
    assert_buf(d.c.refusal[1], FFFD);
    assert_finish(&d.c, 0, LLMJ_FINISH_STOP, "stop");
    /* the held half is flushed before the finish, not after */
    const char *log = str(&d.c.log);
    const char *fin = strstr(log, "6:0.0");
    assert_non_null(fin);
    assert_true(strstr(log, "1:0.0[" FFFD "]\n6:0.0") != NULL);
    assert_clean(d.c);
    dec_close(&d);

    /* other dialects share the same path */
    dec_open(&d, &llmj__dialect_anthropic);
    EV_OK(&d, NULL, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                    "\"text_delta\",\"text\":\"\\ud83d\"}}");
    EV_OK(&d, NULL, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                    "\"text_delta\",\"text\":\"\\ude00\"}}");
    assert_buf(d.c.text[0], EMOJI);
    dec_close(&d);
    dec_open(&d, &llmj__dialect_gemini);
    EV_OK(&d, NULL, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\\ud83d\"}]}}]}");
    EV_OK(&d, NULL, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\\ude00b\"}]}}]}");
    assert_buf(d.c.text[0], "a" EMOJI "b");
    dec_close(&d);
    dec_open(&d, &llmj__dialect_openai_responses);
    EV_OK(&d, NULL, "{\"type\":\"response.output_text.delta\",\"delta\":\"\\ud83d\"}");
    EV_OK(&d, NULL, "{\"type\":\"response.output_text.delta\",\"delta\":\"\\ude00\"}");
    assert_buf(d.c.text[0], EMOJI);
    dec_close(&d);
    dec_open(&d, &llmj__dialect_ollama);
    EV_OK(&d, NULL, "{\"message\":{\"content\":\"\\ud83d\"},\"done\":false}");
    EV_OK(&d, NULL, "{\"message\":{\"content\":\"\\ude00\"},\"done\":false}");
    assert_buf(d.c.text[0], EMOJI);
    dec_close(&d);
}

/* ---- malformed events ------------------------------------------------------ */

/* Each bad event after a good one: refused, with nothing emitted, and the
 * good one after it read as usual. A second decoder gives back its event
 * memory (ld_ops.rest) before each bad event, so that it meets a new yajl
 * handle where the first meets one that has read a value: the same status
 * and the same message (found by fuzz_stream_fast: a lone '"' was "no JSON
 * value" to the one, "not valid JSON" to the other). */
static void bad_then_good(const ld_ops *ops, const char *const *bad, size_t nbad,
                          const char *good, const char *want_text)
{
    dec d, f;
    dec_open(&d, ops);
    dec_open(&f, ops);
    assert_int_equal(d.ops->event(d.st, NULL, 0, good, strlen(good), on_item, &d.c), LLMJ_OK);
    assert_int_equal(f.ops->event(f.st, NULL, 0, good, strlen(good), on_item, &f.c), LLMJ_OK);
    for (size_t i = 0; i < nbad; i++) {
        size_t before = d.c.nitems, n = strlen(bad[i]);
        llmj_status st = d.ops->event(d.st, NULL, 0, bad[i], n, on_item, &d.c);
        if (st != LLMJ_BAD_EVENT)
            fail_msg("dialect %d: %s gave %d", (int)ops->dialect, bad[i], (int)st);
        assert_int_equal(d.c.nitems, before); /* nothing from a refused event */
        f.ops->rest(f.st);
        assert_int_equal(f.ops->event(f.st, NULL, 0, bad[i], n, on_item, &f.c), LLMJ_BAD_EVENT);
        if (strcmp(d.ops->message(d.st), f.ops->message(f.st)) != 0)
            fail_msg("dialect %d: %s: \"%s\" after a good event, \"%s\" with a new handle",
                     (int)ops->dialect, bad[i], d.ops->message(d.st), f.ops->message(f.st));
        assert_int_equal(d.ops->event(d.st, NULL, 0, good, strlen(good), on_item, &d.c), LLMJ_OK);
        assert_int_equal(f.ops->event(f.st, NULL, 0, good, strlen(good), on_item, &f.c), LLMJ_OK);
    }
    assert_int_equal(d.c.text[0].len, (nbad + 1) * strlen(want_text));
    for (size_t i = 0; i <= nbad; i++)
        assert_memory_equal(d.c.text[0].data + i * strlen(want_text), want_text,
                            strlen(want_text));
    assert_string_equal(str(&d.c.log), str(&f.c.log));
    dec_close(&d);
    dec_close(&f);
}

static void test_bad_events(void **state)
{
    (void)state;
    static const char *const oc_bad[] = {
        "not json",
        "[1,2]",
        "\"str\"",
        "42",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]} garbage",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}{\"a\":1}",
        "{\"choices\":5}",
        "{\"choices\":[1]}",
        "{\"choices\":[{\"index\":\"0\",\"delta\":{\"content\":\"hi\"}}]}",
        "{\"choices\":[{\"index\":-1,\"delta\":{\"content\":\"hi\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":5}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":\"x\"}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\",\"tool_calls\":[7]}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bad \\x\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xff\"}}]}",
        "{\"usage\":7}",
        /* found by fuzz_dialect: the start of a token that never ends after
         * the value was accepted and glued to the next event */
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\"x",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\"x}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]} tr",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n-",
        /* found by fuzz_dialect: an event that only begins a string, after
         * a handle had read a value, was kept in yajl's lexer and glued to
         * the next event */
        "\"",
        " \"unterminated {",
        /* found by fuzz_dialect: UTF-8 that yajl lets through (an overlong
         * form, a surrogate, a code point above U+10FFFF), in the content,
         * in a member the fast path skips, and in a key */
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xc0\x9c\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xed\xa0\x80\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xf4\x90\x80\x80\"}}]}",
        "{\"model\":\"\xe0\x80\x80\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
        "{\"\xc1\xbf\":1,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
    };
    bad_then_good(&llmj__dialect_openai_chat, oc_bad, sizeof oc_bad / sizeof *oc_bad,
                  CH("{\"content\":\"ok\"}"), "ok");
    static const char *const an_bad[] = {
        "nope",
        "[]",
        "{\"type\":5}",
        "{\"type\":\"content_block_delta\",\"index\":\"0\"}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
        "\"text\":7}}",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
        "\"text\":\"x\"}",
        "\"",
        "\"{\\\"",
        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
        "\"text\":\"\xc0\x9c\"}}",
    };
    bad_then_good(&llmj__dialect_anthropic, an_bad, sizeof an_bad / sizeof *an_bad,
                  "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                  "\"text_delta\",\"text\":\"ok\"}}",
                  "ok");
    static const char *const rs_bad[] = {
        "{\"type\":\"response.output_text.delta\",\"delta\":\"x\"",
        "{\"type\":[],\"delta\":\"x\"}",
        "{\"type\":\"response.output_text.delta\",\"output_index\":\"x\",\"delta\":\"x\"}",
        "\"",
        "{\"type\":\"response.output_text.delta\",\"delta\":\"\xed\xbf\xbf\"}",
    };
    bad_then_good(&llmj__dialect_openai_responses, rs_bad, sizeof rs_bad / sizeof *rs_bad,
                  "{\"type\":\"response.output_text.delta\",\"delta\":\"ok\"}", "ok");
    static const char *const gm_bad[] = {
        "{\"candidates\": {}}",
        "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": 1}]}}]}",
        "{\"candidates\": [{\"content\": {\"parts\": {}}}]}",
        "{\"candidates\": [{\"index\": 0.5}]}",
        "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]",
        "{\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"partialArgs\": "
        "[{\"stringValue\": \"x\"}]}}]}}]}",
        "\"",
        "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\", \"thoughtSignature\": "
        "\"\xc0\x9c\"}]}}]}",
    };
    bad_then_good(&llmj__dialect_gemini, gm_bad, sizeof gm_bad / sizeof *gm_bad,
                  "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"ok\"}]}}]}", "ok");
    static const char *const ol_bad[] = {
        "{\"message\":{\"content\":1},\"done\":false}",
        "{\"response\":[],\"done\":false}",
        "{\"done\":\"yes\"}",
        "\"",
        "{\"response\":\"\xf5\x80\x80\x80\",\"done\":false}",
    };
    bad_then_good(&llmj__dialect_ollama, ol_bad, sizeof ol_bad / sizeof *ol_bad,
                  "{\"response\":\"ok\",\"done\":false}", "ok");

    /* nesting deeper than max_depth */
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.max_depth = 4;
    dec d;
    dec_open_cfg(&d, &llmj__dialect_openai_chat, &cfg);
    assert_int_equal(ev(&d, NULL, "{\"x\":[[[[[1]]]]]}"), LLMJ_BAD_EVENT);
    EV_OK(&d, NULL, CH("{\"content\":\"ok\"}"));
    assert_buf(d.c.text[0], "ok");
    dec_close(&d);

    /* caps: choice indexes and tool calls per choice */
    llmj_config_init(&cfg);
    cfg.max_choices = 2;
    cfg.max_tool_calls = 1;
    dec_open_cfg(&d, &llmj__dialect_openai_chat, &cfg);
    assert_int_equal(ev(&d, NULL, "{\"choices\":[{\"index\":2,\"delta\":{\"content\":\"x\"}}]}"),
                     LLMJ_TOO_LONG);
    EV_OK(&d, NULL, "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"x\"}}]}");
    EV_OK(&d, NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\"}}]}"));
    assert_int_equal(ev(&d, NULL, CH("{\"tool_calls\":[{\"index\":1,\"id\":\"b\","
                                     "\"function\":{\"name\":\"g\"}}]}")),
                     LLMJ_TOO_LONG);
    assert_true(strlen(d.ops->message(d.st)) > 0);
    assert_buf(d.c.text[1], "x");
    assert_int_equal(d.c.tool[0][0].nbegin, 1);
    assert_int_equal(d.c.tool[0][1].nbegin, 0);
    dec_close(&d);
}

/* ---- the callback stop -------------------------------------------------- */

static void test_callback_stop(void **state)
{
    (void)state;
    const char *multi = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},{\"index\":1,"
                        "\"delta\":{\"content\":\"b\"}},{\"index\":2,\"delta\":{\"content\":\"c\"},"
                        "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1}}";
    for (size_t stop = 1; stop <= 5; stop++) {
        dec d;
        dec_open(&d, &llmj__dialect_openai_chat);
        d.c.stop_at = stop;
        llmj_status st = ev(&d, NULL, multi);
        assert_int_equal(st, LLMJ_ABORTED);
        assert_int_equal(d.c.nitems, stop);
        dec_close(&d);
    }
    /* and from the [DONE] path and every other dialect */
    struct {
        const ld_ops *ops;
        const char *type, *data;
    } one[] = {
        { &llmj__dialect_openai_chat, NULL, "[DONE]" },
        { &llmj__dialect_openai_responses, NULL,
          "{\"type\":\"response.output_text.delta\",\"delta\":\"x\"}" },
        { &llmj__dialect_anthropic, "message_stop", "{\"type\":\"message_stop\"}" },
        { &llmj__dialect_gemini, NULL, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]}}]}" },
        { &llmj__dialect_ollama, NULL, "{\"response\":\"x\",\"done\":false}" },
    };
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        dec d;
        dec_open(&d, one[i].ops);
        d.c.stop_at = 1;
        assert_int_equal(ev(&d, one[i].type, one[i].data), LLMJ_ABORTED);
        assert_int_equal(d.c.nitems, 1);
        dec_close(&d);
    }
}

/* ---- allocation failures ---------------------------------------------------- */

typedef struct scen_ev {
    const char *type, *data;
} scen_ev;

/* Run the events; an event that fails with LLMJ_NOMEM is given again (the
 * decoder must be unchanged by the failure). Returns the item log. */
static void run_scenario(const ld_ops *ops, const scen_ev *evs, size_t n, size_t fail_at,
                         tu_buf *log, size_t *allocs, int *nomem)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    ta.fail_at = fail_at;
    llmj_allocator a = tu_allocator(&ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = a;
    col c;
    memset(&c, 0, sizeof c);
    void *st = NULL;
    *nomem = 0;
    llmj_status s = ops->create(&st, &a, &cfg);
    if (s == LLMJ_NOMEM) {
        *nomem = 1;
        assert_int_equal(ta.live, 0);
        s = ops->create(&st, &a, &cfg);
    }
    assert_int_equal(s, LLMJ_OK);
    for (size_t i = 0; i < n; i++) {
        const char *type = evs[i].type;
        size_t tl = type ? strlen(type) : 0;
        s = ops->event(st, type, tl, evs[i].data, strlen(evs[i].data), on_item, &c);
        if (s == LLMJ_NOMEM) {
            (*nomem)++;
            s = ops->event(st, type, tl, evs[i].data, strlen(evs[i].data), on_item, &c);
        }
        if (s != LLMJ_OK && s != LLMJ_BAD_EVENT)
            fail_msg("fail_at %zu: event %zu gave %d", fail_at, i, (int)s);
    }
    ops->destroy(st);
    assert_int_equal(ta.live, 0);
    assert_string_equal(str(&c.bad), "");
    tu_buf_add(log, str(&c.log), c.log.len);
    *allocs = ta.total;
    col_free(&c);
}

static void sweep(const ld_ops *ops, const scen_ev *evs, size_t n)
{
    tu_buf ref = { 0 };
    size_t total;
    int nomem;
    run_scenario(ops, evs, n, 0, &ref, &total, &nomem);
    assert_int_equal(nomem, 0);
    assert_true(total > 3);
    size_t failures = 0;
    for (size_t k = 1; k <= total; k++) {
        tu_buf log = { 0 };
        size_t t;
        run_scenario(ops, evs, n, k, &log, &t, &nomem);
        if (nomem)
            failures++;
        assert_string_equal(str(&log), str(&ref));
        tu_buf_free(&log);
    }
    /* every allocation, yajl's included, failed once and was survived */
    assert_int_equal(failures, total);
    tu_buf_free(&ref);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    static const scen_ev oc[] = {
        { NULL, "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}" },
        { NULL, CH("{\"content\":\"caf\\u00e9 \\ud83d\"}") },
        { NULL, CH("{\"content\":\"\\ude00 with escapes \\\"quoted\\\" and more text to grow "
                   "the buffers a little\"}") },
        { NULL, CH("{\"content\":[{\"type\":\"text\",\"text\":\"part\"}]}") },
        { NULL, "not json" },
        { NULL, CH("{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"function\":{\"name\":\"f\","
                   "\"arguments\":\"{\\\"a\\\":\"}},{\"index\":1,\"id\":\"c2\",\"function\":{"
                   "\"name\":\"g\",\"arguments\":{\"b\":[1,2,{\"c\":null}]}}}]}") },
        { NULL, "{\"choices\":[{\"index\":1,\"delta\":{\"refusal\":\"no\"}},{\"index\":2,\"delta\":"
                "{\"content\":\"x\"}},{\"index\":3,\"delta\":{\"content\":\"y\"}}]}" },
        { NULL, "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}],"
                "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}" },
        { "error", "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"code\":5}}" },
        { NULL, "[DONE]" },
    };
    sweep(&llmj__dialect_openai_chat, oc, sizeof oc / sizeof *oc);

#define GP(fc) "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":" fc "}]}}]}"
    static const scen_ev gm[] = {
        { NULL, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\\n\\ud83d\"}]}}],"
                "\"usageMetadata\": {\"promptTokenCount\": 3}}" },
        { NULL, GP("{\"name\":\"plan\",\"willContinue\":true}") },
        { NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.trip.city\",\"stringValue\":\"Ne\","
                   "\"willContinue\":true}],\"willContinue\":true}") },
        { NULL, GP("{\"partialArgs\":[{\"jsonPath\":\"$.trip.city\",\"stringValue\":\"w\"},"
                   "{\"jsonPath\":\"$.trip.stops[0]\",\"numberValue\":1}],\"willContinue\":true}") },
        { NULL, GP("{}") },
        { NULL, GP("{\"name\":\"whole\",\"args\":{\"k\":\"v\"}}") },
        { NULL, "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\\ude00\"}]},"
                "\"finishReason\": \"STOP\"}]}" },
    };
    sweep(&llmj__dialect_gemini, gm, sizeof gm / sizeof *gm);
#undef GP

    static const scen_ev an[] = {
        { "message_start", "{\"type\":\"message_start\",\"message\":{\"usage\":{"
                           "\"input_tokens\":7}}   }" },
        { NULL, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                "\"text_delta\",\"text\":\"\\ud83d\"}}" },
        { NULL, "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
                "\"text_delta\",\"text\":\"\\ude00\"}}" },
        { NULL, "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":"
                "\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":{}}}" },
        { NULL, "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
                "\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}" },
        { NULL, "{\"type\":\"content_block_stop\",\"index\":1}" },
        { NULL, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
                "\"usage\":{\"output_tokens\":3}}" },
        { NULL, "{\"type\":\"message_stop\"}" },
    };
    sweep(&llmj__dialect_anthropic, an, sizeof an / sizeof *an);

    static const scen_ev rs[] = {
        { NULL, "{\"type\":\"response.created\",\"response\":{}}" },
        { NULL, "{\"type\":\"response.output_text.delta\",\"delta\":\"caf\\u00e9\"}" },
        { NULL, "{\"type\":\"response.output_item.added\",\"output_index\":1,\"item\":{"
                "\"type\":\"function_call\",\"id\":\"fc\",\"call_id\":\"c\",\"name\":\"f\"}}" },
        { NULL, "{\"type\":\"response.function_call_arguments.delta\",\"output_index\":1,"
                "\"delta\":\"{}\"}" },
        { NULL, "{\"type\":\"response.function_call_arguments.done\",\"output_index\":1,"
                "\"arguments\":\"{}\"}" },
        { NULL, "{\"type\":\"response.completed\",\"response\":{\"usage\":{"
                "\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3}}}" },
    };
    sweep(&llmj__dialect_openai_responses, rs, sizeof rs / sizeof *rs);

    static const scen_ev ol[] = {
        { NULL, "{\"model\":\"m\",\"message\":{\"content\":\"\\u003cx\"},\"done\":false}" },
        { NULL, "{\"message\":{\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":"
                "\"f\",\"arguments\":{\"a\":[1]}}}]},\"done\":false}" },
        { NULL, "{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                "\"prompt_eval_count\":1,\"eval_count\":2}" },
    };
    sweep(&llmj__dialect_ollama, ol, sizeof ol / sizeof *ol);
}

/* ---- whole answers (src/dialect/whole.c) ------------------------------------------- */

typedef struct wsink {
    llmj_stream *s; /* NULL: count only */
    size_t calls, bytes;
} wsink;

static int wsink_fn(void *ctx, const char *p, size_t n)
{
    wsink *w = ctx;
    w->calls++;
    w->bytes += n;
    return w->s ? llmj_stream_feed(w->s, p, n) != LLMJ_OK : 0;
}

/* Run a whole body through the decoder into a fresh stream (given dialect or
 * auto); returns the stream (finished) and the work done in *ops. */
static llmj_stream *whole_run(const char *body, size_t len, llmj_dialect d, llmj_dialect *used,
                              uint64_t *ops, llmj_status *fin)
{
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, d, LLMJ_CONTENT_AUTO, NULL, NULL), LLMJ_OK);
    wsink w = { s, 0, 0 };
    int whole = 0;
    uint64_t n = 0;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_allocator a = tu_allocator(&ta);
    assert_int_equal(llmj__whole_events(&a, d, body, len, wsink_fn, &w, &whole, used, &n), LLMJ_OK);
    assert_int_equal(whole, 1);
    assert_int_equal(ta.live, 0);
    if (ops)
        *ops = n;
    *fin = llmj_stream_finish(s);
    return s;
}

static void test_whole_dialects(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        llmj_dialect dialect; /* the one detected */
        const char *content, *args;
        llmj_finish finish;
    } cases[] = {
        { "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          "\"assistant\",\"content\":\"Hi \\u00e9\",\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"type\":"
          "\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},\"finish_reason\":"
          "\"tool_calls\"}]}",
          LLMJ_DIALECT_OPENAI_CHAT, "Hi \xC3\xA9", "{\"a\":1}", LLMJ_FINISH_TOOL_CALLS },
        { "{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
          "\"text\":\"Hi\\n\"},{\"type\":\"thinking\",\"thinking\":\"x\"},{\"type\":\"tool_use\",\"id\":"
          "\"t\",\"name\":\"f\",\"input\":{\"a\":\"q\\\"\\n\"}}],\"model\":\"x\",\"stop_reason\":\"tool_use\","
          "\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}",
          LLMJ_DIALECT_ANTHROPIC, "Hi\n", "{\"a\":\"q\\\"\\n\"}", LLMJ_FINISH_TOOL_CALLS },
        { "{\"id\":\"r\",\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":"
          "\"message\",\"id\":\"m\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\"},{\"type\":"
          "\"output_text\",\"text\":\"!\"}]},{\"type\":\"function_call\",\"id\":\"fc\",\"call_id\":\"c\","
          "\"name\":\"f\",\"arguments\":\"{\\\"a\\\":2}\"}]}",
          LLMJ_DIALECT_OPENAI_RESPONSES, "Hi!", "{\"a\":2}", LLMJ_FINISH_TOOL_CALLS },
        { "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},\"index\":0}]},"
          "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" you\"}],\"role\":\"model\"},"
          "\"finishReason\":\"STOP\",\"index\":0}]}]",
          LLMJ_DIALECT_GEMINI, "Hi you", NULL, LLMJ_FINISH_STOP },
        { "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Yo\"}],\"role\":\"model\"},"
          "\"finishReason\":\"STOP\",\"index\":0}]}",
          LLMJ_DIALECT_GEMINI, "Yo", NULL, LLMJ_FINISH_STOP },
        { "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hey\"},\"done\":true,"
          "\"done_reason\":\"stop\"}",
          LLMJ_DIALECT_OLLAMA, "Hey", NULL, LLMJ_FINISH_STOP },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        llmj_dialect used;
        llmj_status fin;
        llmj_stream *s = whole_run(cases[i].body, strlen(cases[i].body), LLMJ_DIALECT_AUTO, &used, NULL, &fin);
        assert_int_equal(used, cases[i].dialect);
        if (fin != LLMJ_OK)
            fprintf(stderr, "case %zu: %s\n", i, llmj_stream_error(s)->message);
        assert_int_equal(fin, LLMJ_OK);
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
        assert_string_equal(ci.content, cases[i].content);
        assert_int_equal(ci.finish, cases[i].finish);
        if (cases[i].args) {
            llmj_tool_info ti;
            assert_int_equal(ci.tool_count, 1);
            assert_int_equal(llmj_stream_tool(s, 0, 0, &ti), LLMJ_OK);
            assert_string_equal(ti.arguments, cases[i].args);
            assert_int_equal(ti.complete, 1);
        }
        llmj_stream_free(s);
    }
    /* not one JSON value: passed on as it is */
    wsink w = { NULL, 0, 0 };
    int whole = 1;
    llmj_dialect used;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_allocator a = tu_allocator(&ta);
    assert_int_equal(llmj__whole_events(&a, LLMJ_DIALECT_AUTO, "{}\n{}\n", 6, wsink_fn, &w, &whole, &used,
                                        NULL), LLMJ_OK);
    assert_int_equal(whole, 0);
    assert_int_equal(w.bytes, 6);
    /* only whitespace: nothing */
    w.bytes = 0;
    assert_int_equal(llmj__whole_events(&a, LLMJ_DIALECT_AUTO, " \n", 2, wsink_fn, &w, &whole, &used, NULL),
                     LLMJ_OK);
    assert_int_equal(whole, 1);
    assert_int_equal(w.bytes, 0);
}

/* Whole answers of 100k and 200k elements: the work (scanner steps) is at
 * most a small constant per body byte, and the decoder's own memory stays
 * under a fixed budget (its output goes out in pieces). Before, every
 * value was looked up by scanning every value: quadratic. */
static void whole_body(tu_buf *b, int kind, size_t n)
{
    b->len = 0;
    if (kind == 0) { /* Gemini: a top-level array */
        tu_buf_add(b, "[", 1);
        for (size_t i = 0; i < n; i++)
            tu_buf_add(b, i ? ",{}" : "{}", i ? 3 : 2);
        tu_buf_add(b, "]", 1);
    } else if (kind == 1) { /* Anthropic: content blocks */
        tu_buf_addf(b, "{\"id\":\"m\",\"type\":\"message\",\"content\":[");
        for (size_t i = 0; i < n; i++)
            tu_buf_addf(b, "%s{\"type\":\"text\",\"text\":\"a\"}", i ? "," : "");
        tu_buf_addf(b, "],\"stop_reason\":\"end_turn\",\"usage\":{}}");
    } else if (kind == 2) { /* Responses: output items */
        tu_buf_addf(b, "{\"object\":\"response\",\"status\":\"completed\",\"output\":[");
        for (size_t i = 0; i < n; i++)
            tu_buf_addf(b, "%s{\"type\":\"message\",\"id\":\"m\",\"content\":[{\"type\":\"output_text\","
                           "\"text\":\"a\"}]}", i ? "," : "");
        tu_buf_addf(b, "]}");
    } else { /* OpenAI chat: one choice, a long array in the message */
        tu_buf_addf(b, "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"x\":[");
        for (size_t i = 0; i < n; i++)
            tu_buf_addf(b, "%s1", i ? "," : "");
        tu_buf_addf(b, "],\"content\":\"a\"},\"finish_reason\":\"stop\"}]}");
    }
}

static void test_whole_linear(void **state)
{
    (void)state;
    static const llmj_dialect dialects[] = { LLMJ_DIALECT_GEMINI, LLMJ_DIALECT_ANTHROPIC,
                                             LLMJ_DIALECT_OPENAI_RESPONSES, LLMJ_DIALECT_OPENAI_CHAT };
    tu_buf b = { 0 };
    for (int kind = 0; kind < 4; kind++) {
        for (size_t n = 100000; n <= 200000; n += 100000) {
            whole_body(&b, kind, n);
            tu_alloc ta;
            memset(&ta, 0, sizeof ta);
            llmj_allocator a = tu_allocator(&ta);
            wsink w = { NULL, 0, 0 };
            int whole = 0;
            llmj_dialect used;
            uint64_t ops = 0;
            assert_int_equal(llmj__whole_events(&a, LLMJ_DIALECT_AUTO, b.data, b.len, wsink_fn, &w, &whole,
                                                &used, &ops), LLMJ_OK);
            assert_int_equal(whole, 1);
            assert_int_equal(used, dialects[kind]);
            /* two scans (a Responses item's parts three times), each step a
             * byte or a value: linear */
            if (ops > 6 * (uint64_t)b.len) {
                fprintf(stderr, "kind %d n %zu: %llu steps for %zu bytes\n", kind, n,
                        (unsigned long long)ops, b.len);
                fail();
            }
            assert_true(ta.peak <= LLMJ__WHOLE_PIECE);
            assert_int_equal(ta.live, 0);
            assert_true(w.bytes >= b.len);
            assert_true(w.calls >= w.bytes / (2 * LLMJ__WHOLE_PIECE));
        }
    }
    /* and the whole 100k-element Gemini answer decodes as a stream */
    whole_body(&b, 0, 100000);
    llmj_dialect used;
    llmj_status fin;
    llmj_stream *s = whole_run(b.data, b.len, LLMJ_DIALECT_GEMINI, &used, NULL, &fin);
    assert_int_equal(used, LLMJ_DIALECT_GEMINI);
    assert_int_equal(llmj_stream_events(s), 100000);
    llmj_stream_free(s);
    tu_buf_free(&b);
}

/* ---- OpenAI chat: the fast path against the walk ------------------------- */

/* Every event fed to both the decoder (with its fast path for the usual
 * chunk) and llmj__dialect_openai_chat_walk (every event walked): the same
 * status and the same items, event by event. */
typedef struct twin {
    dec fast, walk;
    size_t events;
} twin;

static void twin_event(twin *w, const char *type, size_t tl, const char *data, size_t n)
{
    size_t a0 = w->fast.c.log.len, b0 = w->walk.c.log.len;
    llmj_status a = w->fast.ops->event(w->fast.st, type, tl, data, n, on_item, &w->fast.c);
    llmj_status b = w->walk.ops->event(w->walk.st, type, tl, data, n, on_item, &w->walk.c);
    w->events++;
    /* the fast decoder gives back its event memory after every event, the
     * walk after every third: the results stay the same */
    w->fast.ops->rest(w->fast.st);
    if (w->events % 3 == 0)
        w->walk.ops->rest(w->walk.st);
    if (a != b || w->fast.c.log.len - a0 != w->walk.c.log.len - b0 ||
        memcmp(str(&w->fast.c.log) + a0, str(&w->walk.c.log) + b0, w->fast.c.log.len - a0) != 0)
        fail_msg("event %zu (%.*s): statuses %s (fast path) and %s (walk), or their items, differ", w->events, (int)(n < 200 ? n : 200), data,
                 llmj_strerror(a), llmj_strerror(b));
    if (a == LLMJ_BAD_EVENT)
        assert_string_equal(w->fast.ops->message(w->fast.st), w->walk.ops->message(w->walk.st));
}

static int twin_sse(void *ctx, const llmj_sse_event *e)
{
    const char *type = e->type;
    size_t tl = e->type_len;
    if (tl == 7 && memcmp(type, "message", 7) == 0) {
        type = NULL;
        tl = 0;
    }
    twin_event(ctx, type, tl, e->data, e->data_len);
    return 0;
}

static void twin_open(twin *w)
{
    memset(w, 0, sizeof *w);
    dec_open(&w->fast, &llmj__dialect_openai_chat);
    dec_open(&w->walk, &llmj__dialect_openai_chat_walk);
}

static void twin_close(twin *w)
{
    assert_string_equal(str(&w->fast.c.bad), str(&w->walk.c.bad));
    assert_string_equal(str(&w->fast.c.log), str(&w->walk.c.log));
    dec_close(&w->fast);
    dec_close(&w->walk);
}

static void test_openai_fast_path_is_the_walk(void **state)
{
    (void)state;
    /* the project's own recordings of OpenAI-compatible streams */
    static const char *const files[] = {
        "llama-error-field.sse", "mistral-thinking.sse", "openai-bom.sse", "openai-content-filter.sse",
        "openai-cr.sse", "openai-cut.sse", "openai-empty.sse", "openai-error.sse",
        "openai-finish-error.sse", "openai-json-filtered.sse", "openai-json.sse",
        "openai-keepalive-crlf.sse", "openai-length.sse", "openai-logprobs.sse",
        "openai-lost-event.sse", "openai-n2-refusal-runaway.sse", "openai-n2.sse", "openai-noend.sse",
        "openai-reasoning.sse", "openai-refusal-error.sse", "openai-refusal.sse", "openai-runaway.sse",
        "openai-surrogate.sse", "openai-text.sse", "openai-tool-quirks.sse", "openai-tools.sse",
        "vllm-stop-reason.sse",
    };
    size_t total = 0;
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "corpus/streams/%s", files[k]);
        size_t n;
        char *buf = tu_read_file(rel, &n);
        if (!buf)
            fail_msg("cannot read %s (LLMJ_ROOT=%s)", rel, tu_root());
        twin w;
        twin_open(&w);
        llmj_config cfg;
        llmj_config_init(&cfg);
        llmj_sse *s;
        assert_int_equal(llmj_sse_new(&s, &cfg, twin_sse, &w), LLMJ_OK);
        (void)llmj_sse_feed(s, buf, n);
        (void)llmj_sse_finish(s);
        llmj_sse_free(s);
        free(buf);
        total += w.events;
        twin_close(&w);
    }
    assert_true(total > 100);

    /* hand-made chunks around the fast path's edges, in one stream so that
     * the shape cache is exercised: the same shape with other contents
     * (escapes, unicode, an empty string, a quote), members moved, added
     * or repeated, other values where the fast path reads null, and text
     * that is not JSON */
#define FCH(rest) "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," rest "}"
#define DELTA(content) FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":" content "},\"finish_reason\":null}]")
    static const char *const evs[] = {
        DELTA("\"He\""), DELTA("\"llo\""), DELTA("\"\""), DELTA("\"a\\\"b\""), DELTA("\"\\n\\t\""),
        DELTA("\"\\u00e9\\ud83d\\ude00\""), DELTA("\"\\ud83d\""), DELTA("\"\xc3\xa9\""), DELTA("\"\xc3\""),
        DELTA("\"x\"  "), DELTA("\"\x01\""), DELTA("\"\\x\""), DELTA("\"\\u12\""),
        DELTA("\"tab\there\""), DELTA("\"\xed\xa0\x80\""), DELTA("\"\xf4\x90\x80\x80\""),
        DELTA("\"\\\""), DELTA("null"), DELTA("7"), DELTA("\"1\",\"content\":\"2\""),
        DELTA("\"ok\",\"role\":\"assistant\""), DELTA("\"ok\",\"refusal\":null"),
        DELTA("\"ok\",\"refusal\":\"no\""), DELTA("\"ok\",\"reasoning_content\":\"hm\""),
        DELTA("\"ok\",\"tool_calls\":[]"),
        FCH("\"choices\":[{\"index\":1,\"delta\":{\"content\":\"two\"},\"finish_reason\":null}]"),
        FCH("\"choices\":[{\"delta\":{\"content\":\"noindex\"},\"index\":0,\"finish_reason\":null}]"),
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"finish_reason\":null}],\"usage\":null"),
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"finish_reason\":null}],\"obfuscation\":\"Xq\""),
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"finish_reason\":null}],\"obfuscation\":\"Yz1\""),
        /* the obfuscation string as the shape's second hole: other strings
         * there, bad ones (an escape, a control byte, UTF-8 yajl lets
         * through), then two of them, one before the content, a number */
#define OBF(content, obf) FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":" content "},\"finish_reason\":null}],\"obfuscation\":" obf)
        OBF("\"p\"", "\"abc\""), OBF("\"q\"", "\"\""), OBF("\"r\"", "\"a\\\"b\""),
        OBF("\"s\"", "\"\\x\""), OBF("\"t\"", "\"\x02\""), OBF("\"u\"", "\"\xc0\x9c\""),
        OBF("\"v\"", "\"\xed\xa0\x80\""), OBF("\"w\"", "\"unterminated"),
        OBF("\"x\"", "\"ok\",\"obfuscation\":\"twice\""), OBF("\"y\"", "7"),
        FCH("\"obfuscation\":\"first\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"z\"},\"finish_reason\":null}]"),
        FCH("\"obfuscation\":\"again\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"z2\"},\"finish_reason\":null}]"),
        OBF("\"1\"", "\"a\""), OBF("\"2\"", "\"bb\""), OBF("\"\\u00e9\"", "\"\\u00e9\""),
#undef OBF
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"logprobs\":null,\"finish_reason\":null}]"),
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"logprobs\":{\"content\":[]},\"finish_reason\":null}]"),
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"finish_reason\":\"stop\"}]"),
        FCH("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]"),
        FCH("\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}"),
        FCH("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"o\"},\"finish_reason\":null}],\"error\":{\"message\":\"boom\"}"),
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bare\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"bare\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"cont\\u0065nt\":\"escaped key\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"dup\"}}],\"choices\":[]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut\"}}]",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"trail\"}}]}x",
        "{\"choices\":[{\"index\":-1,\"delta\":{\"content\":\"neg\"}}]}",
        "{\"choices\":[{\"index\":99999999999999999999,\"delta\":{\"content\":\"big\"}}]}",
        "{\"choices\":[{\"index\":0.5,\"delta\":{\"content\":\"frac\"}}]}",
        "{\"choices\":{\"index\":0}}", "[]", "null", "", "not json",
        DELTA("\"after all that\""), DELTA("\"and again\""),
    };
#undef DELTA
#undef FCH
    twin w;
    twin_open(&w);
    for (size_t i = 0; i < sizeof evs / sizeof *evs; i++)
        twin_event(&w, NULL, 0, evs[i], strlen(evs[i]));
    twin_event(&w, NULL, 0, "[DONE]", 6);
    twin_close(&w);
}

/* llmj__sk_string_ok, the fast path's check of a string token, against
 * yajl and the UTF-8 check themselves: a token is accepted exactly when
 * yajl parses it as the whole text (one string) and it is RFC 3629 UTF-8.
 * Every byte in every place that matters (alone, after a backslash, in a
 * \u escape, after each lead byte of a multi-byte sequence), then 300,000
 * pseudo-random tokens over an alphabet of the bytes that count. */
/* what yajl reported: [0] strings, [1] numbers, [2] anything else */
static int count_other(void *ctx)
{
    ((int *)ctx)[2]++;
    return 1;
}
static int count_str(void *ctx, const unsigned char *v, size_t n)
{
    (void)v;
    (void)n;
    ((int *)ctx)[0]++;
    return 1;
}
static int count_num(void *ctx, const char *v, size_t n)
{
    (void)v;
    (void)n;
    ((int *)ctx)[1]++;
    return 1;
}
static int count_bool(void *ctx, int b)
{
    (void)b;
    return count_other(ctx);
}
static int count_key(void *ctx, const unsigned char *v, size_t n)
{
    (void)v;
    (void)n;
    return count_other(ctx);
}

/* yajl's verdict, with t in the place the fast path has it (a value
 * followed by other tokens): "[" t ",0]" parses as one string, then the
 * number (the number proves t closed nothing early: yajl takes an
 * unterminated string after a complete text for the end of input). */
static int yajl_says_string(const unsigned char *t, size_t n)
{
    static const yajl_callbacks cb = { count_other, count_bool, NULL,      NULL,
                                       count_num,   count_str,  count_other, count_key,
                                       count_other, count_other, count_other };
    int seen[3] = { 0, 0, 0 };
    yajl_handle h = yajl_alloc(&cb, NULL, seen);
    assert_non_null(h);
    int ok = yajl_parse(h, (const unsigned char *)"[", 1) == yajl_status_ok &&
             yajl_parse(h, t, n) == yajl_status_ok &&
             yajl_parse(h, (const unsigned char *)",0]", 3) == yajl_status_ok &&
             yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok && seen[0] == 1 && seen[1] == 1 && seen[2] == 2 && n >= 2 && t[0] == '"' &&
           t[n - 1] == '"' && llmj__utf8_bad((const char *)t, n) == n;
}

static void check_token(const unsigned char *t, size_t n, size_t *accepted)
{
    int want = yajl_says_string(t, n), got = llmj__sk_string_ok((const char *)t, n);
    if (want != got) {
        char hex[3 * 64 + 1] = "";
        for (size_t i = 0; i < n && i < 64; i++)
            snprintf(hex + 3 * i, 4, "%02x ", t[i]);
        fail_msg("token %s: yajl says %d, llmj__sk_string_ok says %d", hex, want, got);
    }
    *accepted += (size_t)want;
}

static void test_string_token_check_is_yajls(void **state)
{
    (void)state;
    size_t ok = 0, total = 0;
    unsigned char t[64];
    for (unsigned b = 0; b < 256; b++) {
        /* the byte alone, after a backslash, in each place of a \u escape,
         * unterminated, and after 7 plain bytes (the 8-byte runs' edge) */
        const unsigned char c = (unsigned char)b;
        const unsigned char forms[][12] = {
            { '"', c, '"' }, { '"', '\\', c, '"' }, { '"', '\\', 'u', c, '0', '0', '0', '"' },
            { '"', '\\', 'u', '0', '0', '0', c, '"' }, { '"', 'a', c },
            { '"', 'a', 'b', 'c', 'd', 'e', 'f', 'g', c, 'h', '"' },
        };
        const size_t lens[] = { 3, 4, 8, 8, 3, 11 };
        for (size_t f = 0; f < sizeof lens / sizeof *lens; f++, total++)
            check_token(forms[f], lens[f], &ok);
        /* a lead byte and every second byte, then every third after the
         * edge values of the second */
        for (unsigned b2 = 0; b2 < 256; b2++, total++) {
            unsigned char two[] = { '"', c, (unsigned char)b2, '"' };
            check_token(two, sizeof two, &ok);
        }
        static const unsigned char edge[] = { 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff };
        for (size_t e = 0; e < sizeof edge; e++)
            for (unsigned b3 = 0x70; b3 < 0xd0; b3++, total++) {
                unsigned char three[] = { '"', c, edge[e], (unsigned char)b3, '"' };
                check_token(three, sizeof three, &ok);
                unsigned char four[] = { '"', c, edge[e], 0x80, (unsigned char)b3, '"' };
                check_token(four, sizeof four, &ok);
                total++;
            }
    }
    /* pseudo-random tokens over the bytes that count */
    static const unsigned char alpha[] = { 'a', 'Z', '0', '9', 'u', 'n', 't', '/', '"', '\\', 0x1f,
                                           0x7f, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xf0, 0x9f, 0xbf,
                                           0xf4, 0x90, ' ', 'F' };
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < 300000; k++, total++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t n = 2 + (size_t)(x % 40);
        t[0] = '"';
        for (size_t i = 1; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            t[i] = alpha[x % sizeof alpha];
        }
        t[n - 1] = (x >> 40) % 8 ? '"' : t[n - 1];
        check_token(t, n, &ok);
    }
    /* both answers came often */
    assert_true(ok > total / 50);
    assert_true(ok < total - total / 50);
}

int main(void)
{
    const struct CMUnitTest real[] = {
        cmocka_unit_test(test_corpus_openai_text),
        cmocka_unit_test(test_corpus_openai_length_refusal),
        cmocka_unit_test(test_corpus_openai_tool_calls),
        cmocka_unit_test(test_corpus_openai_n3),
        cmocka_unit_test(test_corpus_openai_json_object),
        cmocka_unit_test(test_corpus_azure_deepseek_vllm),
        cmocka_unit_test(test_corpus_openrouter_groq),
        cmocka_unit_test(test_corpus_responses),
        cmocka_unit_test(test_corpus_anthropic),
        cmocka_unit_test(test_corpus_gemini),
        cmocka_unit_test(test_sniff_corpus),
    };
    const struct CMUnitTest own[] = {
        cmocka_unit_test(test_sniff_handmade),
        cmocka_unit_test(test_openai_quirks),
        cmocka_unit_test(test_openai_fast_path_is_the_walk),
        cmocka_unit_test(test_string_token_check_is_yajls),
        cmocka_unit_test(test_responses_quirks),
        cmocka_unit_test(test_anthropic_quirks),
        cmocka_unit_test(test_gemini_quirks),
        cmocka_unit_test(test_ollama),
        cmocka_unit_test(test_split_surrogates),
        cmocka_unit_test(test_bad_events),
        cmocka_unit_test(test_whole_dialects),
        cmocka_unit_test(test_whole_linear),
        cmocka_unit_test(test_callback_stop),
        cmocka_unit_test(test_alloc_failures),
    };
    int failed = 0;
    if (tu_have_dir("../shared/corpus-real", "the 11 tests over the real recorded streams"))
        failed += cmocka_run_group_tests_name("dialects: real recorded streams", real, NULL, NULL);
    failed += cmocka_run_group_tests_name("dialects: hand-made events", own, NULL, NULL);
    return failed;
}
