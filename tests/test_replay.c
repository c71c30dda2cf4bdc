/* Tests of `llmjson replay` ($LLMJ_TOOL): every corpus/streams/MANIFEST
 * case gives its hand-written report, byte for byte, and its exit status, at
 * --chunk 1, 2, 3, 7 and whole; --events is the same at every chunk size and
 * every line is JSON; the watched text and the summary line; stdin; a
 * runaway stops reading; usage errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <yajl/yajl_tree.h>

#include <llmjson.h>
#include "support/testutil.h"

static const char *tool(void)
{
    return tu_tool();
}

/* Run a shell command; its stdout in *out; returns the exit status. */
static int sh(tu_buf *out, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        tu_buf_add(out, buf, n);
    if (!out->data)
        tu_buf_add(out, "", 0);
    int st = pclose(p);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static char *stream_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/corpus/streams/%s", tu_root(), name);
    return buf;
}

static void test_manifest_reports(void **state)
{
    (void)state;
    size_t mlen;
    char *manifest = tu_read_file("corpus/streams/MANIFEST", &mlen);
    assert_non_null(manifest);
    static const char *chunks[] = { "", "--chunk 1", "--chunk 2", "--chunk 3", "--chunk 7" };
    int n = 0, bad = 0;
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || !line[0])
            continue;
        char name[128], report[128];
        int want_exit, used = 0;
        assert_int_equal(sscanf(line, "%127s %d %127s %n", name, &want_exit, report, &used), 3);
        const char *args = line + used;
        char rel[256], path[2048];
        snprintf(rel, sizeof rel, "corpus/streams/%s", report);
        size_t elen;
        char *want = tu_read_file(rel, &elen);
        assert_non_null(want);
        stream_path(path, sizeof path, name);
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
            tu_buf out = { 0 };
            int rc = sh(&out, "'%s' replay --report %s %s '%s'", tool(), args, chunks[c], path);
            if (rc != want_exit || out.len != elen || memcmp(out.data, want, elen) != 0) {
                fprintf(stderr, "%s %s %s: exit %d (want %d)\n got: %s want: %s", name, args,
                        chunks[c], rc, want_exit, out.data, want);
                bad++;
            }
            tu_buf_free(&out);
        }
        free(want);
        n++;
    }
    free(manifest);
    assert_true(n >= 30);
    assert_int_equal(bad, 0);
}

/* --events: identical at every chunk size, one JSON object per line, the
 * last an "end" object. */
static void check_events(const char *name, const char *args, tu_buf *whole)
{
    char path[2048];
    stream_path(path, sizeof path, name);
    int rc = sh(whole, "'%s' replay --events %s '%s'", tool(), args, path);
    static const char *chunks[] = { "--chunk 1", "--chunk 2", "--chunk 3", "--chunk 7" };
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        tu_buf b = { 0 };
        assert_int_equal(sh(&b, "'%s' replay --events %s %s '%s'", tool(), args, chunks[c], path),
                         rc);
        assert_string_equal(b.data, whole->data);
        tu_buf_free(&b);
    }
    char *copy = strdup(whole->data), *save = NULL, *last = NULL;
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char err[128];
        yajl_val v = yajl_tree_parse(l, err, sizeof err);
        if (!v)
            fprintf(stderr, "%s: not JSON: %s\n", name, l);
        assert_non_null(v);
        assert_true(YAJL_IS_OBJECT(v));
        yajl_tree_free(v);
        last = l;
    }
    assert_non_null(last);
    assert_non_null(strstr(last, "{\"event\":\"end\","));
    free(copy);
}

static void expect_line(const tu_buf *b, const char *line)
{
    char *want = malloc(strlen(line) + 3);
    sprintf(want, "\n%s\n", line);
    int found = strstr(b->data, want) != NULL || strncmp(b->data, want + 1, strlen(line) + 1) == 0;
    if (!found)
        fprintf(stderr, "missing line %s in:\n%s\n", line, b->data);
    assert_true(found);
    free(want);
}

static void test_events(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    check_events("openai-json.sse", "", &b);
    expect_line(&b, "{\"choice\":0,\"event\":\"text\",\"text\":\"Mer\"}");
    expect_line(&b, "{\"choice\":0,\"path\":\"/planets/0/name\",\"event\":\"string_chunk\","
                    "\"text\":\"Mer\"}");
    expect_line(&b, "{\"choice\":0,\"path\":\"/planets/0/name\",\"event\":\"string\","
                    "\"value\":\"Mercury\"}");
    expect_line(&b, "{\"choice\":0,\"path\":\"/planets\",\"event\":\"begin_array\"}");
    expect_line(&b, "{\"choice\":0,\"path\":\"/planets/1/moons\",\"event\":\"number\",\"value\":0}");
    expect_line(&b, "{\"choice\":0,\"path\":\"\",\"event\":\"end_object\"}");
    expect_line(&b, "{\"choice\":0,\"event\":\"finish\",\"finish_reason\":\"stop\","
                    "\"finish_reason_raw\":\"stop\"}");
    expect_line(&b, "{\"event\":\"end\",\"dialect\":\"openai\",\"status\":\"ok\",\"worst_text\":"
                    "\"complete\",\"error\":null,\"stream_complete\":true,\"verdict\":\"complete\"}");
    tu_buf_free(&b);

    check_events("openai-tools.sse", "", &b);
    expect_line(&b, "{\"choice\":0,\"tool\":0,\"event\":\"tool_call\",\"id\":\"call_a\","
                    "\"name\":\"get_weather\"}");
    expect_line(&b, "{\"choice\":0,\"tool\":0,\"event\":\"arguments\",\"text\":\"ty\\\": \\\"Par\"}");
    expect_line(&b, "{\"choice\":0,\"tool\":1,\"path\":\"/h24\",\"event\":\"true\",\"value\":true}");
    expect_line(&b, "{\"choice\":0,\"tool\":1,\"event\":\"tool_call_end\"}");
    expect_line(&b, "{\"event\":\"usage\",\"usage\":{\"input_tokens\":40,\"output_tokens\":30,"
                    "\"total_tokens\":70,\"cached_tokens\":null,\"reasoning_tokens\":null}}");
    tu_buf_free(&b);

    check_events("anthropic-error.sse", "", &b);
    /* the error's position: the first byte of its event's first line */
    size_t len;
    char *d = tu_read_file("corpus/streams/anthropic-error.sse", &len);
    assert_non_null(d);
    size_t off = (size_t)(strstr(d, "event: error\n") - d), line = 1;
    for (size_t i = 0; i < off; i++)
        line += d[i] == '\n';
    free(d);
    char want[512];
    snprintf(want, sizeof want, "{\"event\":\"error\",\"error\":{\"status\":\"provider_error\","
             "\"type\":\"overloaded_error\",\"code\":\"\",\"message\":\"Overloaded\","
             "\"offset\":%zu,\"line\":%zu,\"column\":1}}", off, line);
    expect_line(&b, want);
    tu_buf_free(&b);

    const char *more[] = { "openai-n2.sse", "openai-refusal.sse", "openai-surrogate.sse",
                           "openai-runaway.sse", "openai-cut.sse", "responses-tools.sse",
                           "anthropic-tools.sse", "gemini-function.sse", "ollama-tools.ndjson",
                           "openai-keepalive-crlf.sse", "openai-cr.sse", "openai-bom.sse",
                           "openai-n2-refusal-runaway.sse", "gemini-safety.sse",
                           "responses-failed.sse", "noise-random.bin", "noise-object.json" };
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        check_events(more[i], "", &b);
        tu_buf_free(&b);
    }
}

static void test_watch(void **state)
{
    (void)state;
    char path[2048], errf[2100];
    stream_path(path, sizeof path, "openai-text.sse");
    tu_scratch(errf, sizeof errf, "test_replay.stderr");
    tu_buf b = { 0 };
    assert_int_equal(sh(&b, "'%s' replay '%s' 2>'%s'", tool(), path, errf), 0);
    assert_string_equal(b.data, "Hello, world! \xC3\x87" "a va \xE2\x9C\x93\n");
    tu_buf_free(&b);
    char *err = tu_read_file(errf, NULL);
    assert_non_null(err);
    assert_non_null(strstr(err, "dialect openai; choice 0: finish stop, text complete; stream ok"));
    assert_int_equal(strchr(err, '\n') - err + 1, strlen(err)); /* one line */
    free(err);

    /* tool calls and other choices get a heading */
    stream_path(path, sizeof path, "openai-tools.sse");
    assert_int_equal(sh(&b, "'%s' replay '%s' 2>'%s'", tool(), path, errf), 0);
    assert_string_equal(b.data, "[tool call 0 get_weather, choice 0]\n{\"city\": \"Paris\"}\n"
                                "[tool call 1 get_time, choice 0]\n{\"tz\": \"CET\", \"h24\": true}\n");
    tu_buf_free(&b);
    err = tu_read_file(errf, NULL);
    assert_non_null(strstr(err, "tool call 0 get_weather complete, tool call 1 get_time complete"));
    free(err);

    /* from standard input, the dialect named */
    stream_path(path, sizeof path, "anthropic-text.sse");
    assert_int_equal(sh(&b, "'%s' replay --dialect anthropic - < '%s' 2>'%s'", tool(), path, errf),
                     0);
    assert_string_equal(b.data, "Bonjour le monde.\n");
    tu_buf_free(&b);
    err = tu_read_file(errf, NULL);
    assert_non_null(strstr(err, "<stdin>: dialect anthropic; choice 0: finish stop"));
    free(err);
    remove(errf);
}

static void test_runaway_stops_reading(void **state)
{
    (void)state;
    char path[2048];
    stream_path(path, sizeof path, "openai-runaway.sse");
    tu_buf b = { 0 };
    /* an endless stream after the runaway: replay must stop by itself */
    int rc = sh(&b, "(cat '%s'; yes 'data: {}') | timeout 20 '%s' replay --report -", path, tool());
    assert_int_equal(rc, 4);
    assert_non_null(strstr(b.data, "\"status\":\"runaway_whitespace\""));
    tu_buf_free(&b);
}

static void test_usage_errors(void **state)
{
    (void)state;
    char path[2048];
    stream_path(path, sizeof path, "openai-text.sse");
    tu_buf b = { 0 };
    assert_int_equal(sh(&b, "'%s' replay --bogus '%s' 2>/dev/null", tool(), path), 1);
    assert_int_equal(sh(&b, "'%s' replay --dialect klingon '%s' 2>/dev/null", tool(), path), 1);
    assert_int_equal(sh(&b, "'%s' replay --chunk 0 '%s' 2>/dev/null", tool(), path), 1);
    assert_int_equal(sh(&b, "'%s' replay '%s' '%s' 2>/dev/null", tool(), path, path), 1);
    assert_int_equal(sh(&b, "'%s' replay /nonexistent/x.sse 2>/dev/null", tool()), 1);
    assert_int_equal(sh(&b, "'%s' replay --whitespace-limit 5 --report '%s'", tool(), path), 0);
    tu_buf_free(&b);
    assert_int_equal(sh(&b, "'%s' help replay", tool()), 0);
    assert_non_null(strstr(b.data, "usage: llmjson replay"));
    tu_buf_free(&b);
    /* nothing at all: empty */
    assert_int_equal(sh(&b, "'%s' replay --report < /dev/null", tool()), 5);
    assert_non_null(strstr(b.data, "\"status\":\"empty\",\"events\":0"));
    tu_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_manifest_reports),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_runaway_stops_reading),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
