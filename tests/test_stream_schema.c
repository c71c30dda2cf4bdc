/* Schemas on a stream (llmj_stream_set_schema, llmj_stream_set_tool_schema):
 * each choice's JSON content is validated against the response schema and
 * each tool call's arguments against its tool's parameters, by name; the
 * verdicts are the same at every piece size and equal to a lone tracker's
 * on the same text; misuse, reset and allocation failures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llmjson.h>
#include "support/testutil.h"

static const char k_answer_schema[] =
    "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
    "\"days\":{\"type\":\"integer\",\"maximum\":30}},\"required\":[\"city\",\"days\"],"
    "\"additionalProperties\":false}";
static const char k_weather_schema[] =
    "{\"type\":\"object\",\"properties\":{\"unit\":{\"enum\":[\"c\",\"f\"]}},"
    "\"required\":[\"unit\"],\"additionalProperties\":false}";

/* An OpenAI chat chunk with a content delta (JSON-escaped already). */
static void chunk_text(tu_buf *b, const char *esc)
{
    tu_buf_addf(b,
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                "[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}\n\n",
                esc);
}

static void chunk_tool(tu_buf *b, int index, const char *name, const char *args_esc)
{
    if (name)
        tu_buf_addf(b,
                    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                    "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,\"id\":\"call_%d\","
                    "\"type\":\"function\",\"function\":{\"name\":\"%s\",\"arguments\":\"\"}}]},"
                    "\"finish_reason\":null}]}\n\n",
                    index, index, name);
    if (args_esc)
        tu_buf_addf(b,
                    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                    "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,\"function\":"
                    "{\"arguments\":\"%s\"}}]},\"finish_reason\":null}]}\n\n",
                    index, args_esc);
}

static void chunk_finish(tu_buf *b, const char *reason)
{
    tu_buf_addf(b,
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                "[{\"index\":0,\"delta\":{},\"finish_reason\":\"%s\"}]}\n\ndata: [DONE]\n\n",
                reason);
}

static llmj_schema *compile(const char *text)
{
    llmj_schema *s = NULL;
    llmj_schema_error e;
    assert_int_equal(llmj_schema_compile(&s, text, strlen(text), NULL, &e), LLMJ_OK);
    return s;
}

/* A verdict as one line, to compare runs. */
static void verdict(tu_buf *out, llmj_tracker *t)
{
    llmj_schema_result r;
    llmj_status st = t ? llmj_tracker_schema_result(t, &r) : LLMJ_MISUSE;
    if (st != LLMJ_OK) {
        tu_buf_addf(out, "none(%s)\n", llmj_strerror(st));
        return;
    }
    tu_buf_addf(out, "valid=%d", (int)r.valid);
    if (r.violation)
        tu_buf_addf(out, " violation=%s@%llu:%s", r.violation->pointer,
                    (unsigned long long)r.violation->offset, r.violation->keyword);
    for (size_t i = 0; i < r.nmissing; i++)
        tu_buf_addf(out, " missing=%s", r.missing[i]);
    tu_buf_addf(out, " cut=%s\n", r.cut ? r.cut : "-");
}

/* Feed body in pieces of `piece` bytes (0: whole) with the schemas set; the
 * verdict of the content and of every tool call. */
static void run(const tu_buf *body, size_t piece, const llmj_schema *content,
                const llmj_schema *weather, tu_buf *out)
{
    /* content JSON from the start (a tracker made with the choice) or
     * detected from the first byte: the same verdicts */
    llmj_content_mode mode = piece % 2 ? LLMJ_CONTENT_JSON : LLMJ_CONTENT_AUTO;
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, mode, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_stream_set_schema(s, content), LLMJ_OK);
    assert_int_equal(llmj_stream_set_tool_schema(s, "get_weather", 11, weather), LLMJ_OK);
    size_t step = piece ? piece : body->len;
    for (size_t p = 0; p < body->len; p += step)
        assert_int_equal(llmj_stream_feed(s, body->data + p, body->len - p < step ? body->len - p
                                                                                  : step),
                         LLMJ_OK);
    llmj_stream_finish(s);
    size_t nch = llmj_stream_choice_count(s);
    for (size_t ci = 0; ci < nch; ci++) {
        llmj_choice_info info;
        assert_int_equal(llmj_stream_choice(s, ci, &info), LLMJ_OK);
        tu_buf_addf(out, "content: ");
        verdict(out, llmj_stream_tracker(s, ci, LLMJ_NO_TOOL));
        for (size_t ti = 0; ti < info.tool_count; ti++) {
            tu_buf_addf(out, "tool %zu: ", ti);
            verdict(out, llmj_stream_tracker(s, ci, ti));
        }
    }
    llmj_stream_free(s);
}

/* The same verdicts at piece sizes 1, 3, 7 and whole; returns the whole's. */
static char *verdicts(const tu_buf *body, const llmj_schema *content, const llmj_schema *weather)
{
    tu_buf whole = { 0 };
    run(body, 0, content, weather, &whole);
    static const size_t pieces[] = { 1, 3, 7 };
    for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        tu_buf b = { 0 };
        run(body, pieces[i], content, weather, &b);
        assert_int_equal(b.len, whole.len);
        assert_memory_equal(b.data, whole.data, whole.len);
        tu_buf_free(&b);
    }
    tu_buf_add(&whole, "", 1);
    return whole.data;
}

/* The verdict of a lone tracker on text, as verdict() writes it. */
static char *lone(const llmj_schema *sch, const char *text, int complete)
{
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, NULL, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_tracker_set_schema(t, sch), LLMJ_OK);
    llmj_tracker_feed(t, text, strlen(text));
    llmj_tracker_finish(t, complete ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
    tu_buf b = { 0 };
    verdict(&b, t);
    tu_buf_add(&b, "", 1);
    llmj_tracker_free(t);
    return b.data;
}

static void test_content_conforms_and_violates(void **state)
{
    (void)state;
    llmj_schema *sch = compile(k_answer_schema);
    /* conforming */
    tu_buf b = { 0 };
    chunk_text(&b, "{\\\"city\\\":\\\"Lis");
    chunk_text(&b, "bon\\\",\\\"days\\\":3}");
    chunk_finish(&b, "stop");
    char *got = verdicts(&b, sch, NULL);
    char *want = lone(sch, "{\"city\":\"Lisbon\",\"days\":3}", 1);
    char line[512];
    snprintf(line, sizeof line, "content: %s", want);
    assert_string_equal(got, line);
    assert_non_null(strstr(got, "valid=1"));
    free(got);
    free(want);
    tu_buf_free(&b);
    /* a violation: days over its maximum, at the byte it becomes certain */
    chunk_text(&b, "{\\\"city\\\":\\\"Lisbon\\\",\\\"days\\\":31");
    chunk_text(&b, "}");
    chunk_finish(&b, "stop");
    got = verdicts(&b, sch, NULL);
    assert_non_null(strstr(got, "valid=0 violation=/days@"));
    assert_non_null(strstr(got, ":maximum"));
    want = lone(sch, "{\"city\":\"Lisbon\",\"days\":31}", 1);
    snprintf(line, sizeof line, "content: %s", want);
    assert_string_equal(got, line);
    free(got);
    free(want);
    tu_buf_free(&b);
    /* cut by the token limit: what the answer still lacks */
    chunk_text(&b, "{\\\"city\\\":\\\"Lis");
    chunk_finish(&b, "length");
    got = verdicts(&b, sch, NULL);
    assert_string_equal(got, "content: valid=-1 missing=/days cut=/city\n");
    free(got);
    tu_buf_free(&b);
    llmj_schema_free(sch);
}

static void test_tool_arguments_by_name(void **state)
{
    (void)state;
    llmj_schema *w = compile(k_weather_schema);
    tu_buf b = { 0 };
    chunk_tool(&b, 0, "get_weather", "{\\\"unit\\\":\\\"k");   /* no enum value starts with k */
    chunk_tool(&b, 0, NULL, "\\\"}");
    chunk_tool(&b, 1, "get_time", "{\\\"zone\\\":\\\"UTC\\\"}"); /* no schema for it */
    chunk_tool(&b, 2, "get_weather", "{\\\"unit\\\":\\\"c\\\"}");
    chunk_finish(&b, "tool_calls");
    char *got = verdicts(&b, NULL, w);
    char *t0 = lone(w, "{\"unit\":\"k\"}", 1);
    char *t2 = lone(w, "{\"unit\":\"c\"}", 1);
    char want[1024];
    snprintf(want, sizeof want,
             "content: none(%s)\ntool 0: %stool 1: none(%s)\ntool 2: %s",
             llmj_strerror(LLMJ_MISUSE), t0, llmj_strerror(LLMJ_MISUSE), t2);
    assert_string_equal(got, want);
    assert_non_null(strstr(t0, "valid=0 violation=/unit@9:enum"));
    assert_non_null(strstr(t2, "valid=1"));
    free(got);
    free(t0);
    free(t2);
    tu_buf_free(&b);
    llmj_schema_free(w);
}

static void test_misuse_and_reset(void **state)
{
    (void)state;
    llmj_schema *sch = compile(k_answer_schema);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    assert_int_equal(llmj_stream_set_schema(NULL, sch), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_set_tool_schema(s, NULL, 3, sch), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_set_schema(s, sch), LLMJ_OK);
    /* replacing and removing a tool schema */
    assert_int_equal(llmj_stream_set_tool_schema(s, "t", 1, sch), LLMJ_OK);
    assert_int_equal(llmj_stream_set_tool_schema(s, "t", 1, sch), LLMJ_OK);
    assert_int_equal(llmj_stream_set_tool_schema(s, "t", 1, NULL), LLMJ_OK);
    assert_int_equal(llmj_stream_set_tool_schema(s, "u", 1, NULL), LLMJ_OK);
    tu_buf b = { 0 };
    chunk_text(&b, "{\\\"city\\\":1");
    assert_int_equal(llmj_stream_feed(s, b.data, b.len), LLMJ_OK);
    /* too late: a text exists */
    assert_int_equal(llmj_stream_set_schema(s, NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_set_tool_schema(s, "t", 1, sch), LLMJ_MISUSE);
    llmj_schema_result r;
    assert_int_equal(llmj_tracker_schema_result(llmj_stream_tracker(s, 0, LLMJ_NO_TOOL), &r),
                     LLMJ_OK);
    assert_int_equal(r.valid, LLMJ_SCHEMA_NONCONFORMING);
    /* a reset keeps the schema */
    assert_int_equal(llmj_stream_reset(s), LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, b.data, b.len), LLMJ_OK);
    assert_int_equal(llmj_tracker_schema_result(llmj_stream_tracker(s, 0, LLMJ_NO_TOOL), &r),
                     LLMJ_OK);
    assert_int_equal(r.valid, LLMJ_SCHEMA_NONCONFORMING);
    assert_string_equal(r.violation->pointer, "/city");
    tu_buf_free(&b);
    llmj_stream_free(s);
    llmj_schema_free(sch);
}

/* Every allocation failing in turn: NOMEM or absorbed, never a leak. */
static void test_allocation_failures(void **state)
{
    (void)state;
    llmj_schema *sch = compile(k_answer_schema);
    llmj_schema *w = compile(k_weather_schema);
    tu_buf b = { 0 };
    chunk_text(&b, "{\\\"city\\\":\\\"Lisbon\\\"}");
    chunk_tool(&b, 0, "get_weather", "{\\\"unit\\\":\\\"c\\\"}");
    chunk_finish(&b, "stop");
    size_t failed_any = 0;
    for (size_t k = 1; k < 400; k++) {
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        ta.fail_at = k;
        llmj_config cfg;
        llmj_config_init(&cfg);
        cfg.alloc = tu_allocator(&ta);
        llmj_stream *s = NULL;
        llmj_status st = llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL,
                                         NULL);
        if (st == LLMJ_OK) {
            st = llmj_stream_set_schema(s, sch);
            if (st == LLMJ_OK)
                st = llmj_stream_set_tool_schema(s, "get_weather", 11, w);
            if (st == LLMJ_OK)
                st = llmj_stream_feed(s, b.data, b.len);
            if (st == LLMJ_OK)
                st = llmj_stream_finish(s);
            llmj_stream_free(s);
        }
        assert_true(st == LLMJ_OK || st == LLMJ_NOMEM);
        assert_int_equal(ta.live, 0);
        failed_any += ta.failed > 0;
        if (!ta.failed)
            break; /* the run needed fewer than k allocations */
    }
    assert_true(failed_any > 3);
    tu_buf_free(&b);
    llmj_schema_free(sch);
    llmj_schema_free(w);
}

/* ---- schema events through the stream's callback ------------------------- */

typedef struct ev_log {
    tu_buf b;
    size_t n, stop_at;
} ev_log;

static int on_schema_ev(void *ctx, size_t choice, size_t tool, const llmj_schema_event *ev)
{
    ev_log *l = ctx;
    tu_buf_addf(&l->b, "%zu %ld %s %s @%llu", choice, tool == LLMJ_NO_TOOL ? -1L : (long)tool,
                llmj_schema_event_name(ev->type), ev->pointer, (unsigned long long)ev->offset);
    if (ev->type == LLMJ_SCHEMA_EV_ENUM)
        tu_buf_addf(&l->b, " =%.*s", (int)ev->value_len, ev->value);
    tu_buf_addf(&l->b, "\n");
    return l->stop_at && ++l->n == l->stop_at;
}

static llmj_status events_run(const tu_buf *body, size_t piece, const llmj_schema *content,
                              const llmj_schema *weather, ev_log *l)
{
    llmj_stream_callbacks cbs;
    memset(&cbs, 0, sizeof cbs);
    cbs.schema_event = on_schema_ev;
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &cbs, l),
                     LLMJ_OK);
    assert_int_equal(llmj_stream_set_schema(s, content), LLMJ_OK);
    assert_int_equal(llmj_stream_set_tool_schema(s, "get_weather", 11, weather), LLMJ_OK);
    size_t step = piece ? piece : body->len;
    llmj_status st = LLMJ_OK;
    for (size_t p = 0; p < body->len && st == LLMJ_OK; p += step)
        st = llmj_stream_feed(s, body->data + p, body->len - p < step ? body->len - p : step);
    if (st == LLMJ_OK)
        st = llmj_stream_finish(s);
    else
        llmj_stream_finish(s);
    llmj_stream_free(s);
    tu_buf_add(&l->b, "", 1);
    return st;
}

static void test_schema_events(void **state)
{
    (void)state;
    llmj_schema *sch = compile("{\"type\":\"object\",\"properties\":{\"mood\":{\"enum\":"
                               "[\"sunny\",\"stormy\"]},\"n\":{\"type\":\"integer\"}}}");
    llmj_schema *w = compile(k_weather_schema);
    tu_buf b = { 0 };
    chunk_text(&b, "{\\\"mood\\\":\\\"st");
    chunk_text(&b, "ormy\\\",\\\"n\\\":1.5}");
    chunk_tool(&b, 0, "get_weather", "{\\\"unit\\\":\\\"f");
    chunk_tool(&b, 0, NULL, "\\\"}");
    chunk_finish(&b, "stop");
    ev_log whole = { 0 };
    assert_int_equal(events_run(&b, 0, sch, w, &whole), LLMJ_OK);
    assert_string_equal(whole.b.data, "0 -1 enum_resolved /mood @10 =stormy\n"
                                      "0 -1 schema_violation /n @24\n" /* 1.5e1 is an integer: known at its end */
                                      "0 0 enum_resolved /unit @9 =f\n");
    static const size_t pieces[] = { 1, 2, 7 };
    for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        ev_log l = { 0 };
        assert_int_equal(events_run(&b, pieces[i], sch, w, &l), LLMJ_OK);
        assert_string_equal(l.b.data, whole.b.data);
        tu_buf_free(&l.b);
    }
    /* a callback that stops: the stream stops, no event after it */
    ev_log l = { 0 };
    l.stop_at = 1;
    assert_int_equal(events_run(&b, 3, sch, w, &l), LLMJ_ABORTED);
    assert_string_equal(l.b.data, "0 -1 enum_resolved /mood @10 =stormy\n");
    tu_buf_free(&l.b);
    tu_buf_free(&whole.b);
    tu_buf_free(&b);
    llmj_schema_free(sch);
    llmj_schema_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_conforms_and_violates),
        cmocka_unit_test(test_tool_arguments_by_name),
        cmocka_unit_test(test_misuse_and_reset),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_schema_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
