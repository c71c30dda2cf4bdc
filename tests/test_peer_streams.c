/* Every stream of ../shared/peer-streams (a peer's recordings and hand-written
 * streams of a dozen providers) decodes at piece sizes 1, 7 and whole with the
 * same result, no unreadable event and no decoder failure; the reasoning the
 * callbacks deliver is the reasoning the accessor holds. Skipped, with a
 * NOTICE, when the folder is absent. */
#include <llmjson.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "support/testutil.h"

#define RUN_CHOICES 8

typedef struct run {
    tu_buf reasoning[RUN_CHOICES]; /* what the reasoning callback delivered, per choice index */
} run;

static int on_reasoning(void *ctx, size_t choice, const char *text, size_t len)
{
    run *r = ctx;
    if (choice < RUN_CHOICES)
        tu_buf_add(&r->reasoning[choice], text, len);
    return 0;
}

static void put_str(tu_buf *b, const char *name, const char *s, size_t n)
{
    tu_buf_addf(b, " %s=", name);
    if (!s) {
        tu_buf_addf(b, "null");
        return;
    }
    tu_buf_addf(b, "%zu[", n);
    tu_buf_add(b, s, n);
    tu_buf_add(b, "]", 1);
}

/* Everything the stream holds after finish, as text. *reasoned: some choice
 * had reasoning. */
static void describe(llmj_stream *s, tu_buf *b, int *reasoned)
{
    tu_buf_addf(b, "status=%d events=%llu bad=%llu done=%d\n", (int)llmj_stream_status(s),
                (unsigned long long)llmj_stream_events(s),
                (unsigned long long)llmj_stream_bad_events(s), llmj_stream_done(s));
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info c;
        llmj_reasoning_info r;
        assert_int_equal(llmj_stream_choice(s, i, &c), LLMJ_OK);
        assert_int_equal(llmj_stream_reasoning(s, i, &r), LLMJ_OK);
        tu_buf_addf(b, "choice %zu finish=%d json=%d complete=%d status=%d", c.index,
                    (int)c.finish, c.json, c.complete, (int)c.status);
        put_str(b, "raw", c.finish_raw, c.finish_raw_len);
        put_str(b, "content", c.content, c.content_len);
        put_str(b, "refusal", c.refusal, c.refusal_len);
        tu_buf_addf(b, " reasoning=%d", r.present);
        put_str(b, "text", r.text, r.text_len);
        put_str(b, "signature", r.signature, r.signature_len);
        tu_buf_addf(b, " redacted=%llu\n", (unsigned long long)r.redacted);
        *reasoned |= r.present;
        for (size_t j = 0; j < c.tool_count; j++) {
            llmj_tool_info t;
            assert_int_equal(llmj_stream_tool(s, i, j, &t), LLMJ_OK);
            tu_buf_addf(b, "  tool %zu ended=%d complete=%d", t.index, t.ended, t.complete);
            put_str(b, "id", t.id, t.id_len);
            put_str(b, "name", t.name, t.name_len);
            put_str(b, "args", t.arguments, t.arguments_len);
            tu_dump_tool_extras(b, &t);
            tu_buf_add(b, "\n", 1);
        }
        tu_dump_extras(b, s, i);
    }
    tu_dump_usage(b, s);
    const llmj_provider_error *e = llmj_stream_provider_error(s);
    if (e) {
        put_str(b, "error", e->message, e->message_len);
        tu_buf_add(b, "\n", 1);
    }
}

/* Decode body in pieces of step bytes (0: whole) into b. */
static void decode(const char *name, const char *body, size_t n, size_t step, tu_buf *b,
                   int *reasoned)
{
    run r;
    memset(&r, 0, sizeof r);
    llmj_stream_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.reasoning = on_reasoning;
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &cb, &r),
                     LLMJ_OK);
    size_t k = step ? step : (n ? n : 1);
    for (size_t i = 0; i < n; i += k)
        (void)llmj_stream_feed(s, body + i, n - i < k ? n - i : k);
    llmj_status st = llmj_stream_finish(s);
    if (st == LLMJ_NOMEM || st == LLMJ_MISUSE || st == LLMJ_UNKNOWN_DIALECT ||
        st == LLMJ_TOO_LONG || st == LLMJ_ABORTED ||
        /* one stream is written to hold an unreadable event */
        (llmj_stream_bad_events(s) != 0 && !strstr(name, "unparsable"))) {
        print_error("%s (piece size %zu): status %s, %llu bad events: %s\n", name, step,
                    llmj_strerror(st), (unsigned long long)llmj_stream_bad_events(s),
                    llmj_stream_error(s)->message ? llmj_stream_error(s)->message : "");
        fail();
    }
    describe(s, b, reasoned);
    /* the pieces the callback gave, joined, are the accessor's text */
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info c;
        llmj_reasoning_info ri;
        llmj_stream_choice(s, i, &c);
        llmj_stream_reasoning(s, i, &ri);
        if (c.index >= RUN_CHOICES)
            continue;
        const tu_buf *got = &r.reasoning[c.index];
        if (got->len != ri.text_len || (ri.text_len && memcmp(got->data, ri.text, ri.text_len))) {
            print_error("%s: choice %zu: the reasoning callbacks differ from the accessor\n",
                        name, c.index);
            fail();
        }
    }
    for (size_t i = 0; i < RUN_CHOICES; i++)
        tu_buf_free(&r.reasoning[i]);
    llmj_stream_free(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_peer_streams(void **state)
{
    (void)state;
    if (!tu_have_shared("peer-streams", "the peer streams test"))
        return;
    char dir[4096];
    tu_shared(dir, sizeof dir, "peer-streams");
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".sse") != 0)
            continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    assert_true(nn >= 100);
    size_t with_reasoning = 0, with_server = 0, with_citations = 0, with_other_tools = 0;
    for (size_t i = 0; i < nn; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t n;
        char *body = tu_read_file(path, &n);
        assert_non_null(body);
        tu_buf whole, one, seven;
        memset(&whole, 0, sizeof whole);
        one = seven = whole;
        int reasoned = 0, r1 = 0, r7 = 0;
        decode(names[i], body, n, 0, &whole, &reasoned);
        decode(names[i], body, n, 1, &one, &r1);
        decode(names[i], body, n, 7, &seven, &r7);
        if (whole.len != one.len || memcmp(whole.data, one.data, whole.len) != 0 ||
            whole.len != seven.len || memcmp(whole.data, seven.data, whole.len) != 0) {
            print_error("%s: the result depends on the piece size\nwhole:\n%.*s\n1:\n%.*s\n",
                        names[i], (int)whole.len, whole.data, (int)one.len, one.data);
            fail();
        }
        with_reasoning += reasoned;
        with_server += strstr(whole.data, "  server tool ") != NULL;
        with_citations += strstr(whole.data, "  citation ") != NULL;
        with_other_tools += strstr(whole.data, " type \"function\"") == NULL &&
                            strstr(whole.data, " type \"") != NULL;
        tu_buf_free(&whole);
        tu_buf_free(&one);
        tu_buf_free(&seven);
        free(body);
        free(names[i]);
    }
    free(names);
    /* the reasoning streams of every dialect (26 differ from the peer for it) */
    assert_true(with_reasoning >= 26);
    /* tools the providers ran (Responses, Anthropic), citations (Responses,
     * Anthropic, Perplexity, xAI), client tools that are not functions */
    if (with_server < 20 || with_citations < 10 || with_other_tools < 6) {
        print_error("server tools in %zu streams, citations in %zu, other client tools in %zu\n",
                    with_server, with_citations, with_other_tools);
        fail();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_peer_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
