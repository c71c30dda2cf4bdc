/* Tests of the stream object (src/stream.c): every corpus stream (ours in
 * corpus/streams, the real ones in ../shared/corpus-real) gives the same
 * callbacks and final state at piece sizes 1, 2, 3, 7 and whole; hand-checked
 * texts, finish reasons, truncation flags and salvages; the real streams'
 * texts and finish reasons against corpus/streams/real.expected; runaway,
 * abort, caps, auto-detection, allocation failures, reset and misuse. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include <llmjson.h>
#include "support/testutil.h"

/* ---- recording ------------------------------------------------------------ */

typedef struct rec {
    tu_buf log;
    size_t calls;
    size_t stop_at; /* return non-zero on this call (1-based); 0 never */
    int after_stop; /* calls after the stop */
    int stopped;
} rec;

static int rec_call(rec *r)
{
    if (r->stopped)
        r->after_stop++;
    r->calls++;
    if (r->stop_at && r->calls == r->stop_at) {
        r->stopped = 1;
        return 1;
    }
    return 0;
}

static void str(tu_buf *b, const char *p, size_t n)
{
    tu_buf_add_json_string(b, p ? p : "", p ? n : 0);
}

static int c_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "json %zu %ld %s ", choice, tool == LLMJ_NO_TOOL ? -1L : (long)tool,
                llmj_event_type_name(ev->type));
    str(&r->log, ev->pointer, ev->pointer_len);
    tu_buf_add(&r->log, " ", 1);
    str(&r->log, ev->text, ev->len);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static int c_text(void *ctx, size_t choice, const char *t, size_t n)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "text %zu ", choice);
    str(&r->log, t, n);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static int c_refusal(void *ctx, size_t choice, const char *t, size_t n)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "refusal %zu ", choice);
    str(&r->log, t, n);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static int c_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len,
                        const char *name, size_t name_len)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "tool_begin %zu %zu ", choice, tool);
    str(&r->log, id, id_len);
    tu_buf_add(&r->log, " ", 1);
    str(&r->log, name, name_len);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static int c_tool_args(void *ctx, size_t choice, size_t tool, const char *t, size_t n)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "tool_args %zu %zu ", choice, tool);
    str(&r->log, t, n);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static int c_tool_end(void *ctx, size_t choice, size_t tool)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "tool_end %zu %zu\n", choice, tool);
    return rec_call(r);
}

static int c_finish(void *ctx, size_t choice, llmj_finish f, const char *raw, size_t n)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "finish %zu %s ", choice, llmj_finish_name(f));
    str(&r->log, raw, n);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static int c_usage(void *ctx, const llmj_usage *u)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "usage %lld %lld %lld %lld %lld\n", (long long)u->input_tokens,
                (long long)u->output_tokens, (long long)u->total_tokens,
                (long long)u->cached_tokens, (long long)u->reasoning_tokens);
    return rec_call(r);
}

static int c_error(void *ctx, const llmj_provider_error *e)
{
    rec *r = ctx;
    tu_buf_addf(&r->log, "error %s %llu %llu:%llu ", llmj_strerror(e->status),
                (unsigned long long)e->offset, (unsigned long long)e->line,
                (unsigned long long)e->column);
    str(&r->log, e->message, e->message_len);
    str(&r->log, e->type, e->type_len);
    str(&r->log, e->code, e->code_len);
    tu_buf_add(&r->log, "\n", 1);
    return rec_call(r);
}

static const llmj_stream_callbacks all_cbs = {
    c_json, c_text, c_refusal, c_tool_begin, c_tool_args, c_tool_end, c_finish, c_usage, c_error,
};

/* The final state, written after the callbacks' log. */
static void dump_salvage(tu_buf *b, llmj_stream *s, size_t ci, size_t ti)
{
    for (int m = 0; m < 2; m++) {
        llmj_salvage sv;
        const char *text;
        size_t len;
        llmj_status st = llmj_stream_repair(s, ci, ti, m ? LLMJ_SALVAGE_GREEDY
                                                         : LLMJ_SALVAGE_LOSSLESS,
                                            &sv, &text, &len);
        assert_int_equal(st, LLMJ_OK);
        tu_buf_addf(b, "  salvage %s %llu ", llmj_text_status_name(sv.status),
                    (unsigned long long)sv.bytes_kept);
        str(b, text, len);
        tu_buf_add(b, "\n", 1);
    }
}

static void dump_state(tu_buf *b, llmj_stream *s)
{
    const llmj_error *e = llmj_stream_error(s);
    tu_buf_addf(b, "status %d dialect %s events %llu bad %llu done %d err %d %llu %llu:%llu %s\n",
                (int)llmj_stream_status(s),
                llmj_dialect_name(llmj_stream_dialect(s)),
                (unsigned long long)llmj_stream_events(s),
                (unsigned long long)llmj_stream_bad_events(s), llmj_stream_done(s), e->code,
                (unsigned long long)e->offset, (unsigned long long)e->line,
                (unsigned long long)e->column, e->code ? e->message : "");
    tu_dump_usage(b, s);
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    if (pe) {
        tu_buf_addf(b, "provider_error %llu %llu:%llu ", (unsigned long long)pe->offset,
                    (unsigned long long)pe->line, (unsigned long long)pe->column);
        str(b, pe->message, pe->message_len);
        str(b, pe->type, pe->type_len);
        str(b, pe->code, pe->code_len);
        tu_buf_add(b, "\n", 1);
    }
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, i, &ci), LLMJ_OK);
        tu_buf_addf(b, "choice %zu finish %s ", ci.index, llmj_finish_name(ci.finish));
        str(b, ci.finish_raw, ci.finish_raw_len);
        tu_buf_addf(b, " json %d %s complete %d tools %zu\n  content ", ci.json,
                    llmj_text_status_name(ci.status), ci.complete, ci.tool_count);
        str(b, ci.content, ci.content_len);
        tu_buf_add(b, "\n", 1);
        if (ci.refusal) {
            tu_buf_add(b, "  refusal ", 10);
            str(b, ci.refusal, ci.refusal_len);
            tu_buf_add(b, "\n", 1);
        }
        if (ci.json == 1)
            dump_salvage(b, s, i, LLMJ_NO_TOOL);
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            assert_int_equal(llmj_stream_tool(s, i, j, &ti), LLMJ_OK);
            tu_buf_addf(b, "  tool %zu ", ti.index);
            str(b, ti.id, ti.id_len);
            str(b, ti.name, ti.name_len);
            tu_buf_addf(b, " ended %d %s complete %d ", ti.ended,
                        llmj_text_status_name(ti.status), ti.complete);
            str(b, ti.arguments, ti.arguments_len);
            tu_buf_add(b, "\n   ", 4);
            tu_dump_tool_extras(b, &ti);
            tu_buf_add(b, "\n", 1);
            if (ti.text_input) { /* free text: no tracker, no salvage */
                llmj_salvage sv;
                assert_null(llmj_stream_tracker(s, i, j));
                assert_int_equal(llmj_stream_salvage(s, i, j, LLMJ_SALVAGE_LOSSLESS, &sv),
                                 LLMJ_NOT_JSON);
            } else {
                dump_salvage(b, s, i, j);
            }
        }
        tu_dump_extras(b, s, i);
    }
}

typedef struct run_opts {
    llmj_dialect dialect;
    llmj_content_mode content;
    size_t whitespace_limit; /* 0: the default */
} run_opts;

static const run_opts auto_opts = { LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, 0 };

/* Run a whole stream at one piece size (0: whole); the log of every callback
 * then the final state; returns the finish status. Asserts no leak. */
static llmj_status run(const char *data, size_t len, size_t piece, const run_opts *o,
                       tu_buf *out)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    if (o->whitespace_limit)
        cfg.whitespace_limit = o->whitespace_limit;
    rec r;
    memset(&r, 0, sizeof r);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, &cfg, o->dialect, o->content, &all_cbs, &r), LLMJ_OK);
    size_t step = piece ? piece : (len ? len : 1);
    llmj_status fst = LLMJ_OK;
    for (size_t p = 0; p < len && fst == LLMJ_OK; p += step)
        fst = llmj_stream_feed(s, data + p, len - p < step ? len - p : step);
    llmj_status st = llmj_stream_finish(s);
    if (fst != LLMJ_OK)
        assert_int_equal(st, fst);
    assert_int_equal(llmj_stream_finish(s), st);
    assert_int_equal(llmj_stream_feed(s, "x", 1), LLMJ_MISUSE);
    tu_buf_add(out, r.log.data ? r.log.data : "", r.log.len);
    dump_state(out, s);
    tu_buf_free(&r.log);
    llmj_stream_free(s);
    assert_int_equal(ta.live, 0);
    return st;
}

static const size_t pieces[] = { 1, 2, 3, 7 };

/* The log at every piece size equals the whole-input log. */
static llmj_status check_pieces(const char *name, const char *data, size_t len,
                                const run_opts *o, tu_buf *whole)
{
    llmj_status st = run(data, len, 0, o, whole);
    for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        tu_buf b = { 0 };
        assert_int_equal(run(data, len, pieces[i], o, &b), st);
        if (b.len != whole->len || memcmp(b.data, whole->data, b.len) != 0) {
            fprintf(stderr, "%s: piece size %zu differs\n--- whole\n%s\n--- pieces\n%s\n", name,
                    pieces[i], whole->data, b.data);
            fail();
        }
        tu_buf_free(&b);
    }
    return st;
}

static char *read_stream(const char *name, size_t *len)
{
    char rel[512];
    snprintf(rel, sizeof rel, "corpus/streams/%s", name);
    char *d = tu_read_file(rel, len);
    if (!d)
        fprintf(stderr, "cannot read %s\n", rel);
    assert_non_null(d);
    return d;
}

/* Run one corpus stream (auto everything, pieces checked); the whole log in
 * *out. */
static llmj_status corpus(const char *name, const run_opts *o, tu_buf *out)
{
    size_t len;
    char *d = read_stream(name, &len);
    llmj_status st = check_pieces(name, d, len, o ? o : &auto_opts, out);
    free(d);
    return st;
}

static void expect_in(const tu_buf *b, const char *needle)
{
    if (!b->data || !strstr(b->data, needle)) {
        fprintf(stderr, "expected to find:\n%s\nin:\n%s\n", needle, b->data ? b->data : "");
        fail();
    }
}

/* ---- the corpus at every piece size ---------------------------------------- */

static void test_corpus_pieces(void **state)
{
    (void)state;
    size_t mlen;
    char *manifest = tu_read_file("corpus/streams/MANIFEST", &mlen);
    assert_non_null(manifest);
    int n = 0;
    for (char *line = strtok(manifest, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        char name[128];
        int exitc;
        assert_int_equal(sscanf(line, "%127s %d", name, &exitc), 2);
        run_opts o = auto_opts;
        if (strstr(line, "--json"))
            o.content = LLMJ_CONTENT_JSON;
        if (strstr(line, "--text"))
            o.content = LLMJ_CONTENT_TEXT;
        tu_buf b = { 0 };
        corpus(name, &o, &b);
        tu_buf_free(&b);
        /* the dialect named gives the same as the detected one */
        n++;
    }
    free(manifest);
    assert_true(n >= 25);
}

static const char *real_dir(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/../shared/corpus-real", tu_root());
    DIR *d = opendir(buf);
    if (!d)
        return NULL;
    closedir(d);
    return buf;
}

static void test_real_pieces(void **state)
{
    (void)state;
    char dir[1024];
    if (!real_dir(dir, sizeof dir)) {
        printf("NOTICE: %s/../shared/corpus-real is absent: real streams not tested\n", tu_root());
        skip();
    }
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".sse") != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *data = tu_read_file(path, &len);
        assert_non_null(data);
        tu_buf b = { 0 };
        llmj_status st = check_pieces(e->d_name, data, len, &auto_opts, &b);
        /* every real stream is detected and decoded, none is unreadable */
        if (st == LLMJ_UNKNOWN_DIALECT || strstr(b.data, "bad 0 ") == NULL) {
            fprintf(stderr, "%s:\n%s\n", e->d_name, b.data);
            fail();
        }
        tu_buf_free(&b);
        free(data);
        n++;
    }
    closedir(d);
    assert_true(n >= 20);
}

/* ---- the real streams' texts and finish reasons ------------------------------ */

static const char *tstr(yajl_val obj, const char *key)
{
    const char *path[] = { key, NULL };
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);
    return v ? YAJL_GET_STRING(v) : NULL;
}

static yajl_val tget(yajl_val obj, const char *key)
{
    const char *path[] = { key, NULL };
    return yajl_tree_get(obj, path, yajl_t_any);
}

/* One line of real.expected: {"file":..,"dialect":..,"status":..,"choices":[
 * {"index":N,"finish":..,"content":..,"refusal":..|null,"tools":[{"name":..,
 * "arguments":..,"complete":B}]}]} */
static int check_real(const char *dir, yajl_val x)
{
    const char *file = tstr(x, "file");
    assert_non_null(file);
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    size_t len;
    char *data = tu_read_file(path, &len);
    assert_non_null(data);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    llmj_stream_feed(s, data, len);
    llmj_status st = llmj_stream_finish(s);
    int ok = 1;
#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "%s: ", file);                 \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
            ok = 0;                                        \
        }                                                  \
    } while (0)
    CHECK(strcmp(llmj_dialect_name(llmj_stream_dialect(s)), tstr(x, "dialect")) == 0,
          "dialect %s", llmj_dialect_name(llmj_stream_dialect(s)));
    const char *want = tstr(x, "status");
    llmj_status want_st = strcmp(want, "ok") == 0      ? LLMJ_OK
                          : strcmp(want, "error") == 0 ? LLMJ_PROVIDER_ERROR
                          : strcmp(want, "cut") == 0   ? LLMJ_SSE_CUT
                                                       : LLMJ_TRUNCATED;
    CHECK(st == want_st, "status %s", llmj_strerror(st));
    yajl_val choices = tget(x, "choices");
    assert_true(YAJL_IS_ARRAY(choices));
    CHECK(llmj_stream_choice_count(s) == YAJL_GET_ARRAY(choices)->len, "%zu choices",
          llmj_stream_choice_count(s));
    for (size_t i = 0; ok && i < YAJL_GET_ARRAY(choices)->len; i++) {
        yajl_val c = YAJL_GET_ARRAY(choices)->values[i];
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, i, &ci), LLMJ_OK);
        CHECK((long long)ci.index == YAJL_GET_INTEGER(tget(c, "index")), "index %zu", ci.index);
        CHECK(strcmp(llmj_finish_name(ci.finish), tstr(c, "finish")) == 0, "choice %zu finish %s",
              i, llmj_finish_name(ci.finish));
        const char *content = tstr(c, "content");
        CHECK(ci.content_len == strlen(content) && memcmp(ci.content, content, ci.content_len) == 0,
              "choice %zu content:\n%s\nexpected:\n%s", i, ci.content, content);
        const char *refusal = tstr(c, "refusal");
        CHECK((refusal == NULL) == (ci.refusal == NULL) &&
                  (!refusal || strcmp(refusal, ci.refusal) == 0),
              "choice %zu refusal %s", i, ci.refusal ? ci.refusal : "(none)");
        yajl_val tools = tget(c, "tools");
        CHECK(ci.tool_count == YAJL_GET_ARRAY(tools)->len, "choice %zu: %zu tools", i,
              ci.tool_count);
        for (size_t j = 0; ok && j < ci.tool_count; j++) {
            yajl_val t = YAJL_GET_ARRAY(tools)->values[j];
            llmj_tool_info ti;
            assert_int_equal(llmj_stream_tool(s, i, j, &ti), LLMJ_OK);
            CHECK(strcmp(ti.name, tstr(t, "name")) == 0, "tool %zu name %s", j, ti.name);
            CHECK(strcmp(ti.arguments, tstr(t, "arguments")) == 0, "tool %zu arguments %s", j,
                  ti.arguments);
            CHECK(ti.complete == YAJL_IS_TRUE(tget(t, "complete")), "tool %zu complete %d", j,
                  ti.complete);
        }
    }
#undef CHECK
    llmj_stream_free(s);
    free(data);
    return ok;
}

static void test_real_texts(void **state)
{
    (void)state;
    char dir[1024];
    if (!real_dir(dir, sizeof dir)) {
        printf("NOTICE: %s/../shared/corpus-real is absent: real streams not tested\n", tu_root());
        skip();
    }
    size_t len;
    char *exp = tu_read_file("corpus/streams/real.expected", &len);
    assert_non_null(exp);
    int n = 0, bad = 0;
    for (char *line = strtok(exp, "\n"); line; line = strtok(NULL, "\n")) {
        char err[256];
        yajl_val x = yajl_tree_parse(line, err, sizeof err);
        if (!x)
            fprintf(stderr, "real.expected: %s\n", err);
        assert_non_null(x);
        bad += !check_real(dir, x);
        yajl_tree_free(x);
        n++;
    }
    free(exp);
    assert_true(n >= 20);
    assert_int_equal(bad, 0);
}

/* ---- hand-checked cases ---------------------------------------------------- */

static void test_surrogate_pair(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    assert_int_equal(corpus("openai-surrogate.sse", NULL, &b), LLMJ_OK);
    /* U+1F600 is F0 9F 98 80; the log escapes nothing above 0x7f */
    expect_in(&b, "  content \"{\\\"emoji\\\":\\\"smile \xF0\x9F\x98\x80!\\\"}\"\n");
    expect_in(&b, "json 0 -1 string \"/emoji\" \"smile \xF0\x9F\x98\x80!\"\n");
    expect_in(&b, "json 0 -1 end_object \"\" \"\"\n");
    assert_null(strstr(b.data, "\xEF\xBF\xBD")); /* no U+FFFD */
    tu_buf_free(&b);
}

static void test_text_and_usage(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    assert_int_equal(corpus("openai-text.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "text 0 \"Hel\"\ntext 0 \"lo,\"\n");
    expect_in(&b, "finish 0 stop \"stop\"\nusage 12 7 19 4 0\n");
    expect_in(&b, "choice 0 finish stop \"stop\" json 0 complete complete 1 tools 0\n"
                  "  content \"Hello, world! \xC3\x87" "a va \xE2\x9C\x93\"\n");
    expect_in(&b, "status 0 dialect openai events 10 bad 0 done 1");
    tu_buf_free(&b);
}

static void test_json_mode(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    assert_int_equal(corpus("openai-json.sse", NULL, &b), LLMJ_OK);
    /* a text delta first, then the JSON events it completes */
    expect_in(&b, "text 0 \"\\n\"\ntext 0 \"{\\\"\"\njson 0 -1 begin_object \"\" \"\"\n"
                  "text 0 \"planets\"\ntext 0 \"\\\":[\"\n"
                  "json 0 -1 key \"/planets\" \"planets\"\n"
                  "json 0 -1 begin_array \"/planets\" \"\"\n");
    expect_in(&b, "text 0 \"0\"\ntext 0 \"},{\\\"name\\\":\\\"Ven\"\n"
                  "json 0 -1 number \"/planets/0/moons\" \"0\"\n"
                  "json 0 -1 end_object \"/planets/0\" \"\"\n"
                  "json 0 -1 begin_object \"/planets/1\" \"\"\n");
    expect_in(&b, "json 0 -1 string_chunk \"/planets/0/name\" \"Mer\"\n");
    expect_in(&b, "json 0 -1 string \"/planets/0/name\" \"Mercury\"\n");
    expect_in(&b, "json 0 -1 number \"/planets/1/moons\" \"0\"\n");
    const char *doc = "{\\\"planets\\\":[{\\\"name\\\":\\\"Mercury\\\",\\\"moons\\\":0},"
                      "{\\\"name\\\":\\\"Venus\\\",\\\"moons\\\":0}]}";
    char want[512];
    snprintf(want, sizeof want, "json 1 complete complete 1 tools 0\n  content \"\\n%s\"\n"
             "  salvage complete 70 \"\\n%s\"\n", doc, doc);
    expect_in(&b, want);
    tu_buf_free(&b);

    /* the same stream as plain text: no tracker, no JSON event */
    run_opts o = auto_opts;
    o.content = LLMJ_CONTENT_TEXT;
    assert_int_equal(corpus("openai-json.sse", &o, &b), LLMJ_OK);
    assert_null(strstr(b.data, "json 0 -1"));
    expect_in(&b, "json 0 complete complete 1");
    tu_buf_free(&b);

    /* a plain text said to be JSON is invalid */
    o.content = LLMJ_CONTENT_JSON;
    assert_int_equal(corpus("openai-text.sse", &o, &b), LLMJ_OK);
    expect_in(&b, "json 1 invalid complete 0");
    tu_buf_free(&b);
}

static void test_tool_calls(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    assert_int_equal(corpus("openai-tools.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "tool_begin 0 0 \"call_a\" \"get_weather\"\n");
    expect_in(&b, "tool_args 0 0 \"{\\\"ci\"\n");
    expect_in(&b, "json 0 0 string \"/city\" \"Paris\"\n");
    expect_in(&b, "json 0 1 true \"/h24\" \"true\"\n");
    /* the finish says the calls are whole: they end first */
    expect_in(&b, "tool_end 0 0\ntool_end 0 1\nfinish 0 tool_calls \"tool_calls\"\n");
    expect_in(&b, "  tool 0 \"call_a\"\"get_weather\" ended 1 complete complete 1 "
                  "\"{\\\"city\\\": \\\"Paris\\\"}\"\n");
    expect_in(&b, "  tool 1 \"call_b\"\"get_time\" ended 1 complete complete 1 "
                  "\"{\\\"tz\\\": \\\"CET\\\", \\\"h24\\\": true}\"\n");
    tu_buf_free(&b);
}

static void test_truncation_never_hidden(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    /* length: the JSON is cut, salvaged lossless */
    assert_int_equal(corpus("openai-length.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "choice 0 finish length \"length\" json 1 truncated complete 0");
    expect_in(&b, "  salvage truncated 28 \"{\\\"name\\\":\\\"Mercury\\\",\\\"moons\\\":[{}]}\"\n");
    expect_in(&b, "  salvage truncated 36 "
                  "\"{\\\"name\\\":\\\"Mercury\\\",\\\"moons\\\":[{\\\"n\\\":\\\"Mer\\\"}]}\"\n");
    tu_buf_free(&b);

    /* no finish reason, no [DONE]: truncated */
    assert_int_equal(corpus("openai-noend.sse", NULL, &b), LLMJ_TRUNCATED);
    expect_in(&b, "choice 0 finish none \"\" json 0 truncated complete 0");
    tu_buf_free(&b);

    /* the input ends inside a line: cut; the JSON so far is salvaged */
    assert_int_equal(corpus("openai-cut.sse", NULL, &b), LLMJ_SSE_CUT);
    expect_in(&b, "json 1 truncated complete 0");
    expect_in(&b, "  salvage truncated 16 \"{\\\"list\\\":[\\\"x\\\",\\\"y\\\"]}\"\n");
    tu_buf_free(&b);

    /* a tool call cut off by max_tokens is not complete, even salvaged */
    assert_int_equal(corpus("anthropic-max-tokens.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "finish length \"max_tokens\"");
    expect_in(&b, "ended 0 truncated complete 0 \"{\\\"path\\\": \\\"notes.txt\\\", "
                  "\\\"lines\\\": [\\\"first\\\", \\\"sec\"\n");
    expect_in(&b, "  salvage truncated 39 \"{\\\"path\\\": \\\"notes.txt\\\", "
                  "\\\"lines\\\": [\\\"first\\\"]}\"\n");
    tu_buf_free(&b);
}

static void test_n2_refusal(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    assert_int_equal(corpus("openai-n2.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "choice 0 finish stop \"stop\" json 0 complete complete 1 tools 0\n"
                  "  content \"Yes.\"\n");
    expect_in(&b, "choice 1 finish length \"length\" json 1 truncated complete 0 tools 0\n"
                  "  content \"{\\\"a\\\":[1,2\"\n  salvage truncated 7 \"{\\\"a\\\":[1]}\"\n"
                  "  salvage truncated 7 \"{\\\"a\\\":[1]}\"\n"); /* greedy: no partial number */
    tu_buf_free(&b);

    assert_int_equal(corpus("openai-refusal.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "refusal 0 \"I'm sorry\"\n");
    expect_in(&b, "finish 0 refusal \"stop\"\n");
    expect_in(&b, "  refusal \"I'm sorry, I cannot help with that.\"\n");
    expect_in(&b, "choice 0 finish refusal \"stop\" json 0 empty complete 1");
    tu_buf_free(&b);
}

static void test_errors(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    size_t len;
    char *d = read_stream("openai-error.sse", &len);
    const char *line = strstr(d, "data: {\"error\"");
    assert_non_null(line);
    size_t off = (size_t)(line - d), lines = 1;
    for (size_t i = 0; i < off; i++)
        lines += d[i] == '\n';
    free(d);
    assert_int_equal(corpus("openai-error.sse", NULL, &b), LLMJ_PROVIDER_ERROR);
    char want[256];
    snprintf(want, sizeof want, "provider_error %zu %zu:1 \"The server had an error while "
             "processing your request.\"\"server_error\"\"\"\n", off, lines);
    expect_in(&b, want);
    expect_in(&b, "choice 0 finish error \"\" json 0 truncated complete 0");
    tu_buf_free(&b);

    /* the old llama-server `error:` field */
    d = read_stream("llama-error-field.sse", &len);
    line = strstr(d, "error: {");
    off = (size_t)(line - d);
    lines = 1;
    for (size_t i = 0; i < off; i++)
        lines += d[i] == '\n';
    free(d);
    assert_int_equal(corpus("llama-error-field.sse", NULL, &b), LLMJ_PROVIDER_ERROR);
    snprintf(want, sizeof want, "provider_error %zu %zu:1 \"context shift is disabled\"", off,
             lines);
    expect_in(&b, want);
    tu_buf_free(&b);

    /* Ollama's error line */
    assert_int_equal(corpus("ollama-error.ndjson", NULL, &b), LLMJ_PROVIDER_ERROR);
    expect_in(&b, "provider_error 239 3:1 \"an error was encountered while running the model\"");
    expect_in(&b, "  content \"Half an\"\n");
    tu_buf_free(&b);
}

/* CRLF, CR only and a BOM decode like LF. */
static void test_line_ends(void **state)
{
    (void)state;
    tu_buf b = { 0 };
    assert_int_equal(corpus("openai-keepalive-crlf.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "choice 0 finish stop \"stop\" json 1 complete complete 1 tools 0\n"
                  "  content \"[1, 2, 3]\"\n");
    tu_buf_free(&b);
    assert_int_equal(corpus("openai-cr.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "json 1 complete complete 1 tools 0\n  content \"{\\\"ok\\\":true}\"\n");
    tu_buf_free(&b);
    assert_int_equal(corpus("openai-bom.sse", NULL, &b), LLMJ_OK);
    expect_in(&b, "dialect openai events 5 bad 0 done 1");
    expect_in(&b, "  content \"BOM\"\n");
    tu_buf_free(&b);
}

/* A runaway stops decoding at once: nothing after it is decoded. */
static void test_runaway(void **state)
{
    (void)state;
    size_t len;
    char *d = read_stream("openai-runaway.sse", &len);
    tu_buf b = { 0 };
    assert_int_equal(check_pieces("openai-runaway.sse", d, len, &auto_opts, &b),
                     LLMJ_RUNAWAY_WHITESPACE);
    assert_null(strstr(b.data, "\"b\""));
    assert_null(strstr(b.data, "finish 0"));
    expect_in(&b, "  salvage runaway 6 \"{\\\"a\\\":1}\"\n");
    tu_buf_free(&b);

    /* the feed that holds the runaway returns it, and the next ones too */
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    const char *eighth = strstr(d, "\n\n");
    for (int i = 0; i < 8; i++)
        eighth = strstr(eighth + 2, "\n\n");
    /* events 1..9: role, {"a":1 and seven runs of 32 spaces: 224 < 256 + 8 */
    size_t upto = (size_t)(eighth - d) + 2;
    assert_int_equal(llmj_stream_feed(s, d, upto), LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, d + upto, len - upto), LLMJ_RUNAWAY_WHITESPACE);
    assert_int_equal(llmj_stream_events(s), 11); /* the 9th run: 288 >= 256 + 8 * 1 */
    assert_int_equal(llmj_stream_feed(s, "data: x\n\n", 9), LLMJ_RUNAWAY_WHITESPACE);
    assert_int_equal(llmj_stream_finish(s), LLMJ_RUNAWAY_WHITESPACE);
    llmj_choice_info ci;
    assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
    assert_int_equal(ci.status, LLMJ_TEXT_RUNAWAY);
    assert_int_equal(ci.complete, 0);
    llmj_stream_free(s);
    free(d);

    /* a plain text never decided to be JSON: a long whitespace run is JSON */
    run_opts o = auto_opts;
    o.whitespace_limit = 16;
    const char *ws = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"          \"}}]}\n\n";
    tu_buf in = { 0 };
    tu_buf_add(&in, ws, strlen(ws));
    tu_buf_add(&in, ws, strlen(ws));
    assert_int_equal(check_pieces("whitespace", in.data, in.len, &o, &b), LLMJ_RUNAWAY_WHITESPACE);
    tu_buf_free(&b);
    tu_buf_free(&in);
}

/* A callback returning non-zero stops everything, at any callback. */
static void test_abort(void **state)
{
    (void)state;
    size_t len;
    char *d = read_stream("openai-tools.sse", &len);
    /* count the callbacks */
    rec r;
    memset(&r, 0, sizeof r);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &all_cbs, &r),
                     LLMJ_OK);
    llmj_stream_feed(s, d, len);
    llmj_stream_finish(s);
    llmj_stream_free(s);
    size_t total = r.calls;
    tu_buf_free(&r.log);
    assert_true(total > 20);
    for (size_t k = 1; k <= total; k++) {
        memset(&r, 0, sizeof r);
        r.stop_at = k;
        assert_int_equal(
            llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &all_cbs, &r),
            LLMJ_OK);
        llmj_status st = LLMJ_OK;
        for (size_t p = 0; p < len && st == LLMJ_OK; p += 5)
            st = llmj_stream_feed(s, d + p, len - p < 5 ? len - p : 5);
        if (st == LLMJ_OK)
            st = llmj_stream_finish(s);
        assert_int_equal(st, LLMJ_ABORTED);
        assert_int_equal(llmj_stream_feed(s, d, 1), LLMJ_ABORTED);
        assert_int_equal(llmj_stream_finish(s), LLMJ_ABORTED);
        assert_int_equal(r.calls, k);
        assert_int_equal(r.after_stop, 0);
        assert_int_equal(llmj_stream_error(s)->code, LLMJ_ABORTED);
        llmj_stream_free(s);
        tu_buf_free(&r.log);
    }
    free(d);
}

/* Every allocation failing in turn: LLMJ_NOMEM (or, where the library could
 * do without that allocation, the very same result as with none failing),
 * nothing leaks, the stream stays readable. */
static llmj_status sweep_run(const char *d, size_t len, tu_alloc *ta, tu_buf *out)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    rec r;
    memset(&r, 0, sizeof r);
    llmj_stream *s = NULL;
    llmj_status st = llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &all_cbs, &r);
    if (st != LLMJ_OK) {
        assert_null(s);
        return st;
    }
    for (size_t p = 0; p < len && st == LLMJ_OK; p += 64)
        st = llmj_stream_feed(s, d + p, len - p < 64 ? len - p : 64);
    llmj_status fst = llmj_stream_finish(s);
    if (st == LLMJ_OK)
        st = fst;
    tu_buf_add(out, r.log.data ? r.log.data : "", r.log.len);
    tu_buf_free(&r.log);
    /* readable after a failure; salvage may fail for want of memory too */
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, i, &ci), LLMJ_OK);
        tu_buf_addf(out, "choice %zu %s ", ci.index, llmj_finish_name(ci.finish));
        str(out, ci.content, ci.content_len);
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            assert_int_equal(llmj_stream_tool(s, i, j, &ti), LLMJ_OK);
            str(out, ti.arguments, ti.arguments_len);
            const char *t;
            size_t tl;
            llmj_status rs = llmj_stream_repair(s, i, j, LLMJ_SALVAGE_LOSSLESS, NULL, &t, &tl);
            assert_true(rs == LLMJ_OK || rs == LLMJ_NOMEM);
            if (rs == LLMJ_NOMEM)
                st = LLMJ_NOMEM;
            else
                str(out, t, tl);
        }
    }
    llmj_stream_free(s);
    return st;
}

static void nomem_sweep(const char *name)
{
    size_t len;
    char *d = read_stream(name, &len);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    tu_buf ref = { 0 };
    llmj_status ref_st = sweep_run(d, len, &ta, &ref);
    assert_int_equal(ta.live, 0);
    size_t n = 0;
    for (size_t k = 1;; k++) {
        memset(&ta, 0, sizeof ta);
        ta.fail_at = k;
        tu_buf b = { 0 };
        llmj_status st = sweep_run(d, len, &ta, &b);
        assert_int_equal(ta.live, 0);
        if (ta.failed == 0) {
            assert_int_equal(st, ref_st);
            tu_buf_free(&b);
            break; /* every allocation of the run has been failed once */
        }
        if (st != LLMJ_NOMEM) {
            assert_int_equal(st, ref_st);
            assert_string_equal(b.data, ref.data);
        } else {
            n++;
        }
        tu_buf_free(&b);
    }
    assert_true(n > 5);
    tu_buf_free(&ref);
    free(d);
}

static void test_nomem(void **state)
{
    (void)state;
    nomem_sweep("openai-tools.sse");
    nomem_sweep("anthropic-tools.sse");
    nomem_sweep("ollama-chat.ndjson");
    nomem_sweep("openai-json.sse");
}

/* Caps: choice indexes, tool calls, text. */
static void test_caps(void **state)
{
    (void)state;
    tu_buf in = { 0 };
    for (int i = 0; i < 130; i++)
        tu_buf_addf(&in, "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":%d,"
                         "\"delta\":{\"content\":\"x\"}}]}\n\n", i);
    tu_buf b = { 0 };
    assert_int_equal(check_pieces("choices", in.data, in.len, &auto_opts, &b), LLMJ_TOO_LONG);
    expect_in(&b, "choice 127 ");
    assert_null(strstr(b.data, "choice 128 "));
    /* the error is at the 129th event (index 128), on line 2 * 128 + 1 */
    const char *last = in.data;
    for (int i = 0; i < 128; i++)
        last = strstr(last, "\n\n") + 2;
    char want[128];
    snprintf(want, sizeof want, "err %d %zu 257:1 ", LLMJ_TOO_LONG, (size_t)(last - in.data));
    expect_in(&b, want);
    tu_buf_free(&b);
    tu_buf_free(&in);

    for (int i = 0; i < 129; i++)
        tu_buf_addf(&in, "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                         "\"delta\":{\"tool_calls\":[{\"index\":%d,\"id\":\"c%d\",\"function\":"
                         "{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\n\n", i, i);
    assert_int_equal(check_pieces("tools", in.data, in.len, &auto_opts, &b), LLMJ_TOO_LONG);
    expect_in(&b, "tools 128\n");
    tu_buf_free(&b);
    tu_buf_free(&in);

    /* max_text: the stream's own cap on accumulated text */
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.max_text = 10;
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_AUTO, NULL,
                                     NULL), LLMJ_OK);
    const char *ev = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abcd\"}}]}\n\n";
    assert_int_equal(llmj_stream_feed(s, ev, strlen(ev)), LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, ev, strlen(ev)), LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, ev, strlen(ev)), LLMJ_TOO_LONG);
    const llmj_error *e = llmj_stream_error(s);
    assert_int_equal(e->code, LLMJ_TOO_LONG);
    assert_int_equal(e->offset, 2 * strlen(ev));
    assert_int_equal(e->line, 5);
    assert_int_equal(e->column, 1);
    assert_non_null(strstr(e->message, "content of choice 0"));
    assert_int_equal(llmj_stream_finish(s), LLMJ_TOO_LONG);
    llmj_choice_info ci;
    assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
    assert_string_equal(ci.content, "abcdabcd");
    llmj_stream_free(s);
}

/* A stream of exactly n tool calls of one choice (dialect's own shapes),
 * each begun, then a second arguments delta for every call: all n calls get
 * their whole arguments (the cap counts calls, not records). */
static void max_tools_run(const char *name, llmj_dialect d, size_t n)
{
    tu_buf in = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (d == LLMJ_DIALECT_OPENAI_CHAT)
            tu_buf_addf(&in, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%zu,"
                             "\"id\":\"c%zu\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]}}]}\n\n",
                        i, i);
        else if (d == LLMJ_DIALECT_ANTHROPIC)
            tu_buf_addf(&in, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%zu,"
                             "\"content_block\":{\"type\":\"tool_use\",\"id\":\"c%zu\",\"name\":\"f\",\"input\":{}}}\n\n"
                             "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%zu,"
                             "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n",
                        i, i, i);
        else
            tu_buf_addf(&in, "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
                             "\"output_index\":%zu,\"item\":{\"type\":\"function_call\",\"id\":\"i%zu\","
                             "\"call_id\":\"c%zu\",\"name\":\"f\",\"arguments\":\"\"}}\n\n"
                             "event: response.function_call_arguments.delta\ndata: {\"type\":"
                             "\"response.function_call_arguments.delta\",\"output_index\":%zu,\"delta\":\"{\\\"a\\\":\"}\n\n",
                        i, i, i, i);
    }
    for (size_t i = 0; i < n; i++) {
        if (d == LLMJ_DIALECT_OPENAI_CHAT)
            tu_buf_addf(&in, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%zu,"
                             "\"function\":{\"arguments\":\"%zu}\"}}]}}]}\n\n", i, i);
        else if (d == LLMJ_DIALECT_ANTHROPIC)
            tu_buf_addf(&in, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%zu,"
                             "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"%zu}\"}}\n\n"
                             "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":%zu}\n\n",
                        i, i, i);
        else
            tu_buf_addf(&in, "event: response.function_call_arguments.delta\ndata: {\"type\":"
                             "\"response.function_call_arguments.delta\",\"output_index\":%zu,\"delta\":\"%zu}\"}\n\n",
                        i, i);
    }
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, d, LLMJ_CONTENT_AUTO, NULL, NULL), LLMJ_OK);
    llmj_status st = llmj_stream_feed(s, in.data, in.len);
    if (st != LLMJ_OK)
        fprintf(stderr, "%s: %s\n", name, llmj_stream_error(s)->message);
    assert_int_equal(st, LLMJ_OK);
    llmj_choice_info ci;
    assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
    assert_int_equal(ci.tool_count, n);
    for (size_t i = 0; i < n; i++) {
        llmj_tool_info ti;
        char want[64];
        assert_int_equal(llmj_stream_tool(s, 0, i, &ti), LLMJ_OK);
        snprintf(want, sizeof want, "{\"a\":%zu}", i);
        assert_string_equal(ti.arguments, want);
    }
    llmj_stream_free(s);
    tu_buf_free(&in);
}

static void test_max_tool_calls_exactly(void **state)
{
    (void)state;
    /* the default cap, 128: the 128th call takes its later deltas */
    max_tools_run("chat", LLMJ_DIALECT_OPENAI_CHAT, 128);
    max_tools_run("anthropic", LLMJ_DIALECT_ANTHROPIC, 128);
    max_tools_run("responses", LLMJ_DIALECT_OPENAI_RESPONSES, 128);
}

typedef struct lost_rec {
    tu_buf log;
} lost_rec;

static int lr_lost(void *ctx, size_t choice, size_t tool, uint64_t off)
{
    lost_rec *r = ctx;
    tu_buf_addf(&r->log, "lost %zu %ld %llu;", choice, tool == LLMJ_NO_TOOL ? -1L : (long)tool,
                (unsigned long long)off);
    return 0;
}

static int lr_error(void *ctx, const llmj_provider_error *e)
{
    lost_rec *r = ctx;
    tu_buf_addf(&r->log, "error %d %llu;", e->status, (unsigned long long)e->offset);
    return 0;
}

/* The example: {"cmd":"ls" + a rejected ,"x":"\xff" + } must not
 * come out as a complete {"cmd":"ls"}: the call and the choice's content are
 * marked (the event cannot be attributed), the stream is truncated, at every
 * piece size. */
static void test_lost_event(void **state)
{
    (void)state;
    static const char ev1[] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                              "\"id\":\"c1\",\"function\":{\"name\":\"sh\",\"arguments\":\"{\\\"cmd\\\":\\\"ls\\\"\"}}]}}]}\n\n";
    static const char ev2[] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                              "\"function\":{\"arguments\":\",\\\"x\\\":\\\"\xff\\\"\"}}]}}]}\n\n";
    static const char ev3[] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                              "\"function\":{\"arguments\":\"}\"}}]}}]}\n\n"
                              "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                              "data: [DONE]\n\n";
    tu_buf in = { 0 };
    tu_buf_add(&in, ev1, strlen(ev1));
    tu_buf_add(&in, ev2, strlen(ev2));
    tu_buf_add(&in, ev3, strlen(ev3));
    const uint64_t at = strlen(ev1);
    tu_buf whole = { 0 };
    assert_int_equal(check_pieces("lost", in.data, in.len, &auto_opts, &whole), LLMJ_TRUNCATED);
    tu_buf_free(&whole);
    static const size_t steps[] = { 0, 1, 5 };
    for (size_t k = 0; k < sizeof steps / sizeof *steps; k++) {
        lost_rec r = { { 0 } };
        llmj_stream_callbacks cbs = { 0 };
        cbs.lost = lr_lost;
        cbs.error = lr_error;
        llmj_stream *s;
        assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &cbs, &r),
                         LLMJ_OK);
        size_t step = steps[k] ? steps[k] : in.len;
        for (size_t p = 0; p < in.len; p += step)
            assert_int_equal(llmj_stream_feed(s, in.data + p, in.len - p < step ? in.len - p : step),
                             LLMJ_OK);
        assert_int_equal(llmj_stream_finish(s), LLMJ_TRUNCATED);
        assert_int_equal(llmj_stream_error(s)->offset, at);
        assert_non_null(strstr(llmj_stream_error(s)->message, "not whole"));
        char want[160];
        snprintf(want, sizeof want, "error %d %llu;lost 0 -1 %llu;lost 0 0 %llu;", LLMJ_BAD_EVENT,
                 (unsigned long long)at, (unsigned long long)at, (unsigned long long)at);
        assert_string_equal(r.log.data, want);
        llmj_tool_info ti;
        assert_int_equal(llmj_stream_tool(s, 0, 0, &ti), LLMJ_OK);
        assert_string_equal(ti.arguments, "{\"cmd\":\"ls\"}");
        assert_int_equal(ti.complete, 0);
        assert_int_equal(ti.lost_events, 1);
        assert_int_equal(ti.lost_offset, at);
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
        assert_int_equal(ci.complete, 0);
        assert_int_equal(ci.lost_events, 1);
        llmj_stream_free(s);
        tu_buf_free(&r.log);
    }
    tu_buf_free(&in);

    /* a rejected event after the choice finished touches nothing; one before
     * any choice counts for the texts that open later */
    static const char after[] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                                "\"finish_reason\":\"stop\"}]}\n\ndata: {bad\n\ndata: [DONE]\n\n";
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, after, strlen(after)), LLMJ_OK);
    assert_int_equal(llmj_stream_finish(s), LLMJ_OK);
    llmj_choice_info ci;
    assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
    assert_int_equal(ci.complete, 1);
    assert_int_equal(ci.lost_events, 0);
    assert_int_equal(llmj_stream_bad_events(s), 1);
    llmj_stream_free(s);
    static const char before[] = "data: {bad\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                                 "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, before, strlen(before)), LLMJ_OK);
    assert_int_equal(llmj_stream_finish(s), LLMJ_TRUNCATED);
    assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
    assert_int_equal(ci.complete, 0);
    assert_int_equal(ci.status, LLMJ_TEXT_TRUNCATED);
    assert_int_equal(ci.lost_events, 1);
    assert_int_equal(ci.lost_offset, 0);
    llmj_stream_free(s);
}

/* One memory budget for the whole stream: 128 choices each under max_text
 * still stop at config.max_stream_memory, reported as TOO_LONG naming it,
 * with what was kept (and its salvage) intact; the allocator's peak stays
 * within the budget plus the fixed overhead. */
static void test_stream_memory_budget(void **state)
{
    (void)state;
    const size_t budget = (size_t)1 << 20;
    char chunk[4096 + 1];
    memset(chunk, 'x', sizeof chunk - 1);
    chunk[sizeof chunk - 1] = 0;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    assert_int_equal(cfg.max_stream_memory, 0); /* 0: the default, 256 MiB */
    cfg.alloc = tu_allocator(&ta);
    cfg.max_stream_memory = budget;
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_TEXT, NULL, NULL),
                     LLMJ_OK);
    tu_buf ev = { 0 };
    llmj_status st = LLMJ_OK;
    size_t fed = 0;
    for (int round = 0; round < 16 && st == LLMJ_OK; round++)
        for (int i = 0; i < 128 && st == LLMJ_OK; i++) {
            ev.len = 0;
            tu_buf_addf(&ev, "data: {\"choices\":[{\"index\":%d,\"delta\":{\"content\":\"%s\"}}]}\n\n", i,
                        chunk);
            st = llmj_stream_feed(s, ev.data, ev.len);
            fed += 4096;
        }
    assert_int_equal(st, LLMJ_TOO_LONG);
    assert_true(fed < 2 * budget / 4096 * 4096 + 4096); /* it stopped near the budget */
    assert_non_null(strstr(llmj_stream_error(s)->message, "max_stream_memory"));
    assert_true(ta.peak < budget + ((size_t)256 << 10));
    assert_int_equal(llmj_stream_finish(s), LLMJ_TOO_LONG);
    size_t kept = 0;
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, i, &ci), LLMJ_OK);
        assert_int_equal(ci.content_len % 4096, 0);
        assert_int_equal(ci.complete, 0);
        kept += ci.content_len;
    }
    assert_true(kept > budget / 4 && kept <= budget);
    llmj_stream_free(s);
    assert_int_equal(ta.live, 0);

    /* a tool call's arguments: the salvage of what was kept */
    memset(&ta, 0, sizeof ta);
    cfg.max_stream_memory = 64 << 10;
    assert_int_equal(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    ev.len = 0;
    tu_buf_addf(&ev, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\","
                     "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":[\"}}]}}]}\n\n");
    st = llmj_stream_feed(s, ev.data, ev.len);
    for (int i = 0; i < 100000 && st == LLMJ_OK; i++) {
        ev.len = 0;
        tu_buf_addf(&ev, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                         "\"function\":{\"arguments\":\"1,\"}}]}}]}\n\n");
        st = llmj_stream_feed(s, ev.data, ev.len);
    }
    assert_int_equal(st, LLMJ_TOO_LONG);
    assert_int_equal(llmj_stream_finish(s), LLMJ_TOO_LONG);
    llmj_salvage sv;
    assert_int_equal(llmj_stream_salvage(s, 0, 0, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
    assert_int_equal(sv.status, LLMJ_TEXT_TRUNCATED);
    assert_true(sv.bytes_kept > 1000);
    llmj_tool_info ti;
    assert_int_equal(llmj_stream_tool(s, 0, 0, &ti), LLMJ_OK);
    assert_int_equal(ti.complete, 0);
    llmj_stream_free(s);
    assert_int_equal(ta.live, 0);
    tu_buf_free(&ev);
}

static llmj_dialect detect(const char *data, size_t len, llmj_status *st)
{
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    llmj_stream_feed(s, data, len);
    *st = llmj_stream_finish(s);
    llmj_dialect d = llmj_stream_dialect(s);
    llmj_stream_free(s);
    return d;
}

static void test_detect(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        llmj_dialect d;
    } cases[] = {
        { "openai-text.sse", LLMJ_DIALECT_OPENAI_CHAT },
        { "openai-bom.sse", LLMJ_DIALECT_OPENAI_CHAT },
        { "openai-keepalive-crlf.sse", LLMJ_DIALECT_OPENAI_CHAT },
        { "responses-text.sse", LLMJ_DIALECT_OPENAI_RESPONSES },
        { "anthropic-text.sse", LLMJ_DIALECT_ANTHROPIC },
        { "gemini-text.sse", LLMJ_DIALECT_GEMINI },
        { "ollama-chat.ndjson", LLMJ_DIALECT_OLLAMA },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *d = read_stream(cases[i].file, &len);
        llmj_status st;
        assert_int_equal(detect(d, len, &st), cases[i].d);
        /* named, the same log as detected */
        tu_buf a = { 0 }, b = { 0 };
        run_opts o = auto_opts;
        run(d, len, 0, &o, &a);
        o.dialect = cases[i].d;
        run(d, len, 0, &o, &b);
        assert_string_equal(a.data, b.data);
        tu_buf_free(&a);
        tu_buf_free(&b);
        free(d);
    }
    llmj_status st;
    assert_int_equal(detect("", 0, &st), LLMJ_DIALECT_AUTO);
    assert_int_equal(st, LLMJ_EMPTY);
    assert_int_equal(detect(" \r\n\n", 4, &st), LLMJ_DIALECT_AUTO);
    assert_int_equal(st, LLMJ_EMPTY);
    assert_int_equal(detect(": keepalive\n\n", 13, &st), LLMJ_DIALECT_AUTO);
    assert_int_equal(st, LLMJ_EMPTY);
    tu_buf in = { 0 };
    for (int i = 0; i < 9; i++)
        tu_buf_add(&in, "data: {\"hello\":1}\n\n", 19);
    assert_int_equal(detect(in.data, in.len, &st), LLMJ_DIALECT_AUTO);
    assert_int_equal(st, LLMJ_UNKNOWN_DIALECT);
    assert_int_equal(detect(in.data, 19 * 3, &st), LLMJ_DIALECT_AUTO);
    assert_int_equal(st, LLMJ_UNKNOWN_DIALECT);
    /* events no dialect claims are held, and decoded once one is detected */
    in.len = 19 * 2;
    size_t len;
    char *d = read_stream("openai-text.sse", &len);
    tu_buf_add(&in, d, len);
    free(d);
    tu_buf b = { 0 };
    assert_int_equal(check_pieces("held", in.data, in.len, &auto_opts, &b), LLMJ_OK);
    expect_in(&b, "status 0 dialect openai events 12 bad 0 done 1");
    expect_in(&b, "  content \"Hello, world! \xC3\x87" "a va \xE2\x9C\x93\"\n");
    tu_buf_free(&b);
    tu_buf_free(&in);
}

/* Input that is no stream: LLMJ_NOT_A_STREAM at the first byte of the line
 * that shows it, nothing decoded, at every piece size; streams that open
 * with comments, blank lines, a BOM, id, retry or llama-server's error:
 * field are streams. */
static void test_not_a_stream(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        llmj_dialect d;
        uint64_t off, line, col; /* line 0: not LLMJ_NOT_A_STREAM */
    } cases[] = {
        { "{\"a\":1}\n", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { " \r\n{\n  \"a\": 1\n}\n", LLMJ_DIALECT_AUTO, 3, 2, 1 },
        { "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[]}", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { "hello world", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { "hello world", LLMJ_DIALECT_OPENAI_CHAT, 0, 1, 1 },
        { "[1,2]", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { "\xEF\xBB\xBFx: 1\n", LLMJ_DIALECT_AUTO, 3, 1, 4 },
        { ": ok\n\n\r\nhello\n", LLMJ_DIALECT_ANTHROPIC, 8, 4, 1 },
        { "datax: 1\n", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { "data x\n", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { "Data: {}\n\n", LLMJ_DIALECT_AUTO, 0, 1, 1 },
        { " data: {}\n\n", LLMJ_DIALECT_GEMINI, 0, 1, 1 },
        /* streams, or the start of one */
        { "dat", LLMJ_DIALECT_AUTO, 0, 0, 0 },
        { "data", LLMJ_DIALECT_AUTO, 0, 0, 0 },
        { "id: 7\n", LLMJ_DIALECT_AUTO, 0, 0, 0 },
        { "retry: 100\n\n", LLMJ_DIALECT_AUTO, 0, 0, 0 },
        { "\xEF\xBB\xBF: hi\n\nevent: ping\n", LLMJ_DIALECT_AUTO, 0, 0, 0 },
        { "error: {\"message\":\"boom\"}\n\n", LLMJ_DIALECT_AUTO, 0, 0, 0 },
        { "{\"a\":1}\n", LLMJ_DIALECT_OLLAMA, 0, 0, 0 },
        { "{\"error\":\"model not found\"}\n", LLMJ_DIALECT_AUTO, 0, 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run_opts o = auto_opts;
        o.dialect = cases[i].d;
        tu_buf b = { 0 };
        llmj_status st = check_pieces(cases[i].in, cases[i].in, strlen(cases[i].in), &o, &b);
        if (cases[i].line == 0) {
            if (st == LLMJ_NOT_A_STREAM)
                fprintf(stderr, "case %zu (%s):\n%s\n", i, cases[i].in, b.data);
            assert_int_not_equal(st, LLMJ_NOT_A_STREAM);
        } else {
            char want[128];
            snprintf(want, sizeof want, "status %d dialect %s events 0 bad 0 done 0 err %d %llu %llu:%llu "
                     "not an SSE or NDJSON stream: ", (int)LLMJ_NOT_A_STREAM,
                     llmj_dialect_name(cases[i].d), (int)LLMJ_NOT_A_STREAM,
                     (unsigned long long)cases[i].off, (unsigned long long)cases[i].line,
                     (unsigned long long)cases[i].col);
            if (st != LLMJ_NOT_A_STREAM)
                fprintf(stderr, "case %zu (%s):\n%s\n", i, cases[i].in, b.data);
            assert_int_equal(st, LLMJ_NOT_A_STREAM);
            expect_in(&b, want);
        }
        tu_buf_free(&b);
    }
    assert_string_equal(llmj_strerror(LLMJ_NOT_A_STREAM), "not an SSE or NDJSON stream");

    /* a first NDJSON line over max_event: no stream when detected, a line too
     * long when the dialect was named; fed a byte at a time */
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.max_event = 64;
    for (int named = 0; named < 2; named++) {
        llmj_stream *s;
        assert_int_equal(llmj_stream_new(&s, &cfg, named ? LLMJ_DIALECT_OLLAMA : LLMJ_DIALECT_AUTO,
                                         LLMJ_CONTENT_AUTO, NULL, NULL),
                         LLMJ_OK);
        llmj_status st = LLMJ_OK;
        const char *head = "{\"text\":\"";
        for (size_t k = 0; k < 200 && st == LLMJ_OK; k++)
            st = llmj_stream_feed(s, k < strlen(head) ? head + k : "x", 1);
        assert_int_equal(st, named ? LLMJ_TOO_LONG : LLMJ_NOT_A_STREAM);
        assert_int_equal(llmj_stream_finish(s), st);
        assert_int_equal(llmj_stream_error(s)->offset, 0);
        if (!named)
            assert_non_null(strstr(llmj_stream_error(s)->message, "longer than 64 bytes"));
        llmj_stream_free(s);
    }
    /* a first line that is an Ollama event, then one that is not: a bad
     * event in a stream, not "no stream" */
    tu_buf b = { 0 };
    const char *two = "{\"model\":\"m\",\"created_at\":\"t\",\"message\":{\"content\":\"hi\"},\"done\":false}\n"
                      "{\"a\":1}\n";
    assert_int_not_equal(check_pieces("two", two, strlen(two), &auto_opts, &b), LLMJ_NOT_A_STREAM);
    expect_in(&b, "dialect ollama events 2");
    tu_buf_free(&b);
}

static void test_reset_and_misuse(void **state)
{
    (void)state;
    size_t len;
    char *d = read_stream("anthropic-tools.sse", &len);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    rec r;
    memset(&r, 0, sizeof r);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &all_cbs, &r),
                     LLMJ_OK);
    tu_buf first = { 0 };
    for (int round = 0; round < 2; round++) {
        assert_int_equal(llmj_stream_feed(s, d, len), LLMJ_OK);
        assert_int_equal(llmj_stream_finish(s), LLMJ_OK);
        dump_state(&r.log, s);
        if (round == 0) {
            tu_buf_add(&first, r.log.data, r.log.len);
            r.log.len = 0;
            assert_int_equal(llmj_stream_reset(s), LLMJ_OK);
            assert_int_equal(llmj_stream_choice_count(s), 0);
            assert_int_equal(llmj_stream_dialect(s), LLMJ_DIALECT_AUTO);
        }
    }
    assert_string_equal(first.data, r.log.data);
    tu_buf_free(&first);
    tu_buf_free(&r.log);

    llmj_choice_info ci;
    llmj_tool_info ti;
    llmj_salvage sv;
    const char *t;
    size_t tl;
    assert_int_equal(llmj_stream_choice(s, 1, &ci), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_choice(s, 0, NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_tool(s, 0, 2, &ti), LLMJ_MISUSE);
    assert_null(llmj_stream_tracker(s, 0, LLMJ_NO_TOOL)); /* plain text */
    assert_non_null(llmj_stream_tracker(s, 0, 0));
    /* a plain text has no salvage, no repair, no document: said so */
    assert_int_equal(llmj_stream_salvage(s, 0, LLMJ_NO_TOOL, LLMJ_SALVAGE_LOSSLESS, &sv),
                     LLMJ_NOT_JSON);
    assert_int_equal(llmj_stream_repair(s, 0, LLMJ_NO_TOOL, LLMJ_SALVAGE_GREEDY, NULL, &t, &tl),
                     LLMJ_NOT_JSON);
    llmj_doc *doc;
    assert_int_equal(llmj_stream_doc(s, 0, LLMJ_NO_TOOL, &doc), LLMJ_NOT_JSON);
    assert_string_equal(llmj_strerror(LLMJ_NOT_JSON), "the text is plain text, not JSON");
    /* out of range stays misuse */
    assert_int_equal(llmj_stream_salvage(s, 1, LLMJ_NO_TOOL, LLMJ_SALVAGE_LOSSLESS, &sv),
                     LLMJ_MISUSE);
    assert_int_equal(llmj_stream_salvage(s, 0, 2, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_doc(s, 0, 2, &doc), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_salvage(NULL, 0, LLMJ_NO_TOOL, LLMJ_SALVAGE_LOSSLESS, &sv),
                     LLMJ_MISUSE);
    assert_int_equal(llmj_stream_salvage(s, 0, 1, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
    assert_int_equal(sv.status, LLMJ_TEXT_COMPLETE);
    assert_int_equal(llmj_stream_repair(s, 0, 1, LLMJ_SALVAGE_LOSSLESS, NULL, &t, &tl), LLMJ_OK);
    assert_string_equal(t, "{\"city\": \"Rome\", \"days\": 3}");
    assert_int_equal(llmj_stream_repair(s, 3, 0, LLMJ_SALVAGE_LOSSLESS, NULL, &t, &tl),
                     LLMJ_MISUSE);
    llmj_stream_free(s);
    assert_int_equal(ta.live, 0);
    free(d);

    llmj_stream_free(NULL);
    assert_int_equal(llmj_stream_new(NULL, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_MISUSE);
    s = (llmj_stream *)&len;
    assert_int_equal(llmj_stream_new(&s, NULL, (llmj_dialect)99, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_BAD_OPTION);
    assert_null(s);
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, (llmj_content_mode)7, NULL, NULL),
                     LLMJ_BAD_OPTION);
    llmj_config_init(&cfg);
    cfg.max_depth = 0;
    assert_int_equal(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_BAD_OPTION);
    assert_int_equal(llmj_stream_feed(NULL, "x", 1), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_finish(NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_reset(NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_status(NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_choice_count(NULL), 0);
    assert_null(llmj_stream_usage(NULL));
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    assert_int_equal(llmj_stream_feed(s, NULL, 1), LLMJ_MISUSE);
    assert_int_equal(llmj_stream_feed(s, NULL, 0), LLMJ_OK);
    llmj_stream_free(s);
}

/* ---- memory between feeds --------------------------------------------------- */

static int count_event(void *ctx, const llmj_event *ev)
{
    (void)ev;
    ++*(size_t *)ctx;
    return 0;
}

static int count_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    (void)choice;
    (void)tool;
    (void)ev;
    ++*(size_t *)ctx;
    return 0;
}

/* What a stream holds between feeds does not depend on how large they were:
 * after a 16 KiB piece it holds at most 1 KiB more than a stream fed the
 * same bytes in 64-byte pieces (its SSE buffers, sized for the piece, go
 * back). Finished, its trackers give back yajl's handle and buffers. With
 * and without a json callback (without one the trackers are quiet). */
static void test_memory_between_feeds(void **state)
{
    (void)state;
    tu_buf answer = { 0 }, sse = { 0 };
    tu_buf_addf(&answer, "{\"items\":[");
    for (int i = 0; i < 120; i++)
        tu_buf_addf(&answer, "%s{\"id\":%d,\"name\":\"item \\\"%d\\\"\",\"tags\":[\"a\",\"b\"]}",
                    i ? "," : "", i, i);
    tu_buf_addf(&answer, "]}");
    tu_openai_sse(&sse, NULL, answer.data, answer.len, 0);
    assert_true(sse.len > 3 * 16384);
    for (int with_cb = 0; with_cb <= 1; with_cb++) {
        llmj_stream_callbacks cbs = { 0 };
        cbs.json = count_json;
        size_t events = 0;
        tu_alloc ta[2];
        llmj_stream *s[2];
        for (int k = 0; k < 2; k++) {
            memset(&ta[k], 0, sizeof ta[k]);
            llmj_config cfg;
            llmj_config_init(&cfg);
            cfg.alloc = tu_allocator(&ta[k]);
            assert_int_equal(llmj_stream_new(&s[k], &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO,
                                             with_cb ? &cbs : NULL, &events),
                             LLMJ_OK);
        }
        size_t upto = 2 * 16384;
        for (size_t off = 0; off < upto; off += 64)
            assert_int_equal(llmj_stream_feed(s[0], sse.data + off, 64), LLMJ_OK);
        assert_int_equal(llmj_stream_feed(s[1], sse.data, 16384), LLMJ_OK);
        assert_int_equal(llmj_stream_feed(s[1], sse.data + 16384, 16384), LLMJ_OK);
        if (ta[1].bytes > ta[0].bytes + 1024)
            fprintf(stderr, "after 16 KiB pieces %zu B, after 64-byte pieces %zu B\n", ta[1].bytes,
                    ta[0].bytes);
        assert_true(ta[1].bytes <= ta[0].bytes + 1024);
        assert_int_equal(llmj_stream_feed(s[1], sse.data + upto, sse.len - upto), LLMJ_OK);
        assert_int_equal(llmj_stream_finish(s[1]), LLMJ_OK);
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s[1], 0, &ci), LLMJ_OK);
        assert_int_equal(ci.status, LLMJ_TEXT_COMPLETE);
        assert_true(with_cb ? events > 0 : events == 0);
        for (int k = 0; k < 2; k++) {
            llmj_stream_free(s[k]);
            assert_int_equal(ta[k].live, 0);
        }
    }
    /* a tracker, finished, holds less than before by yajl's lexer buffer
     * (2 KiB) at least; the salvage after it is the same */
    for (int with_cb = 0; with_cb <= 1; with_cb++) {
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        llmj_config cfg;
        llmj_config_init(&cfg);
        cfg.alloc = tu_allocator(&ta);
        llmj_tracker *t;
        size_t events = 0;
        assert_int_equal(llmj_tracker_new(&t, &cfg, with_cb ? count_event : NULL, &events),
                         LLMJ_OK);
        size_t cut = answer.len - 7;
        for (size_t off = 0; off < cut; off += 5)
            llmj_tracker_feed(t, answer.data + off, cut - off < 5 ? cut - off : 5);
        llmj_salvage a, b;
        assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_GREEDY, &a), LLMJ_OK);
        size_t before = ta.bytes;
        assert_int_equal(llmj_tracker_finish(t, LLMJ_END_TRUNCATED), LLMJ_TRUNCATED);
        if (ta.bytes + 2048 > before)
            fprintf(stderr, "before finish %zu B, after it %zu B\n", before, ta.bytes);
        assert_true(ta.bytes + 2048 <= before);
        assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_GREEDY, &b), LLMJ_OK);
        assert_int_equal(a.bytes_kept, b.bytes_kept);
        assert_int_equal(a.closer_len, b.closer_len);
        assert_memory_equal(a.closer, b.closer, a.closer_len);
        assert_int_equal(llmj_tracker_reset(t), LLMJ_OK);
        assert_int_equal(llmj_tracker_feed(t, "[1]", 3), LLMJ_OK);
        assert_int_equal(llmj_tracker_finish(t, LLMJ_END_NORMAL), LLMJ_OK);
        llmj_tracker_free(t);
        assert_int_equal(ta.live, 0);
    }
    tu_buf_free(&answer);
    tu_buf_free(&sse);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_pieces),
        cmocka_unit_test(test_real_pieces),
        cmocka_unit_test(test_real_texts),
        cmocka_unit_test(test_surrogate_pair),
        cmocka_unit_test(test_text_and_usage),
        cmocka_unit_test(test_json_mode),
        cmocka_unit_test(test_tool_calls),
        cmocka_unit_test(test_truncation_never_hidden),
        cmocka_unit_test(test_n2_refusal),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_runaway),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_nomem),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_max_tool_calls_exactly),
        cmocka_unit_test(test_lost_event),
        cmocka_unit_test(test_stream_memory_budget),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_not_a_stream),
        cmocka_unit_test(test_reset_and_misuse),
        cmocka_unit_test(test_memory_between_feeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
