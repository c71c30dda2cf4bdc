/* The partial document (llmj_doc): its JSON equals the tracker's greedy
 * repair (whitespace outside strings removed, strings in one canonical form)
 * after every piece of every corpus/json document and of the generated
 * documents, at piece sizes 1, 7 and whole; lookups by pointer, walking,
 * open flags; per choice and per tool call on a stream; every allocation
 * refused in turn. */
#include "ref/ref_docs.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <llmjson.h>
#include "support/testutil.h"

/* ---- the canonical form of a (valid) JSON text -------------------------------- */

static unsigned hexv(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static void canon_string(tu_buf *o, const char *s, size_t *i, size_t n)
{
    /* decode, then write as the document does */
    tu_buf dec = { 0 };
    size_t j = *i + 1;
    while (j < n && s[j] != '"') {
        if (s[j] != '\\') {
            tu_buf_add(&dec, s + j, 1);
            j++;
            continue;
        }
        char e = s[j + 1];
        j += 2;
        char c = e;
        switch (e) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': {
            unsigned cp = hexv(s[j]) << 12 | hexv(s[j + 1]) << 8 | hexv(s[j + 2]) << 4 | hexv(s[j + 3]);
            j += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo = hexv(s[j + 2]) << 12 | hexv(s[j + 3]) << 8 | hexv(s[j + 4]) << 4 |
                              hexv(s[j + 5]);
                j += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            unsigned char u[4];
            size_t ul;
            if (cp < 0x80) {
                u[0] = (unsigned char)cp;
                ul = 1;
            } else if (cp < 0x800) {
                u[0] = (unsigned char)(0xC0 | cp >> 6);
                u[1] = (unsigned char)(0x80 | (cp & 63));
                ul = 2;
            } else if (cp < 0x10000) {
                u[0] = (unsigned char)(0xE0 | cp >> 12);
                u[1] = (unsigned char)(0x80 | (cp >> 6 & 63));
                u[2] = (unsigned char)(0x80 | (cp & 63));
                ul = 3;
            } else {
                u[0] = (unsigned char)(0xF0 | cp >> 18);
                u[1] = (unsigned char)(0x80 | (cp >> 12 & 63));
                u[2] = (unsigned char)(0x80 | (cp >> 6 & 63));
                u[3] = (unsigned char)(0x80 | (cp & 63));
                ul = 4;
            }
            tu_buf_add(&dec, u, ul);
            continue;
        }
        default: break;
        }
        tu_buf_add(&dec, &c, 1);
    }
    *i = j + 1;
    tu_buf_add(o, "\"", 1);
    for (size_t k = 0; k < dec.len; k++) {
        unsigned char c = (unsigned char)dec.data[k];
        switch (c) {
        case '"': tu_buf_add(o, "\\\"", 2); break;
        case '\\': tu_buf_add(o, "\\\\", 2); break;
        case '\b': tu_buf_add(o, "\\b", 2); break;
        case '\f': tu_buf_add(o, "\\f", 2); break;
        case '\n': tu_buf_add(o, "\\n", 2); break;
        case '\r': tu_buf_add(o, "\\r", 2); break;
        case '\t': tu_buf_add(o, "\\t", 2); break;
        default:
            if (c < 0x20)
                tu_buf_addf(o, "\\u%04x", c);
            else
                tu_buf_add(o, &dec.data[k], 1);
        }
    }
    tu_buf_add(o, "\"", 1);
    tu_buf_free(&dec);
}

static void canon(tu_buf *o, const char *s, size_t n)
{
    o->len = 0;
    tu_buf_add(o, "", 0);
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
        } else if (c == '"') {
            canon_string(o, s, &i, n);
        } else {
            tu_buf_add(o, &c, 1);
            i++;
        }
    }
}

/* ---- the property ---------------------------------------------------------------- */

typedef struct prop_stats {
    size_t docs, checks, partial_number;
} prop_stats;

/* The greedy repair of the document's own tracker, in canonical form. The
 * rule that a number appears only once complete is the document's; while
 * the tracker's greedy salvage still keeps a partial number, that prefix is
 * compared with the lossless repair instead (counted and reported). */
static void expected(llmj_tracker *t, tu_buf *want, prop_stats *ps)
{
    llmj_salvage g, l;
    const char *r;
    size_t rl;
    assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_GREEDY, &g), LLMJ_OK);
    int partial_string = g.closer_len && g.closer[0] == '"'; /* closer: until the next call */
    assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_LOSSLESS, &l), LLMJ_OK);
    llmj_salvage_mode mode = LLMJ_SALVAGE_GREEDY;
    if (g.bytes_kept != l.bytes_kept && !partial_string) {
        ps->partial_number++;
        mode = LLMJ_SALVAGE_LOSSLESS;
    }
    assert_int_equal(llmj_tracker_repair(t, mode, NULL, &r, &rl), LLMJ_OK);
    canon(want, r, rl);
}

static void compare(llmj_doc *d, const char *name, size_t piece, size_t at, prop_stats *ps)
{
    tu_buf want = { 0 };
    expected(llmj_doc_tracker(d), &want, ps);
    const char *j;
    size_t jl;
    assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
    if (jl != want.len || memcmp(j, want.data, jl) != 0) {
        fprintf(stderr, "%s, pieces of %zu, after %zu bytes:\n  doc:    %.*s\n  repair: %.*s\n",
                name, piece, at, (int)jl, j, (int)want.len, want.data);
        fail();
    }
    ps->checks++;
    tu_buf_free(&want);
}

static void prop_doc(const char *name, const char *s, size_t n, prop_stats *ps)
{
    const size_t pieces[] = { 1, 7, n ? n : 1 };
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.keep_text = 1;
    for (size_t p = 0; p < 3; p++) {
        llmj_doc *d;
        assert_int_equal(llmj_doc_new(&d, &cfg), LLMJ_OK);
        compare(d, name, pieces[p], 0, ps);
        for (size_t off = 0; off < n; off += pieces[p]) {
            size_t k = n - off < pieces[p] ? n - off : pieces[p];
            llmj_doc_feed(d, s + off, k);
            assert_int_equal(llmj_doc_status(d), LLMJ_OK);
            compare(d, name, pieces[p], off + k, ps);
        }
        llmj_doc_finish(d, LLMJ_END_NORMAL);
        compare(d, name, pieces[p], n, ps);
        llmj_doc_free(d);
    }
    ps->docs++;
}

static void test_doc_equals_greedy_repair(void **state)
{
    (void)state;
    ref_docs docs = { 0 };
    size_t nc = ref_docs_corpus(&docs, tu_root());
    assert_true(nc > 50); /* corpus/json is part of the repository */
    ref_docs_generated(&docs);
    prop_stats ps = { 0 };
    for (size_t i = 0; i < docs.n; i++) {
        /* piece size 1 writes the whole document after every byte: keep the
         * generated giants to their first 16 KB (every prefix of those) */
        size_t n = docs.v[i].len < 16384 ? docs.v[i].len : 16384;
        prop_doc(docs.v[i].name, docs.v[i].data, n, &ps);
    }
    fprintf(stderr, "doc == greedy repair: %zu documents (%zu from corpus/json), %zu comparisons",
            ps.docs, nc, ps.checks);
    if (ps.partial_number)
        fprintf(stderr, "; NOTICE: at %zu of them the tracker's greedy salvage kept a partial "
                        "number, so they were compared with its lossless repair (the document "
                        "shows a number only once complete)",
                ps.partial_number);
    fprintf(stderr, "\n");
    ref_docs_free(&docs);
}

/* ---- reading ------------------------------------------------------------------------ */

static llmj_doc *doc_of(const char *text)
{
    llmj_doc *d;
    assert_int_equal(llmj_doc_new(&d, NULL), LLMJ_OK);
    assert_int_equal(llmj_doc_feed(d, text, strlen(text)), LLMJ_OK);
    return d;
}

static void assert_text(llmj_doc *d, const char *ptr, llmj_doc_type type, int open,
                        const char *text)
{
    llmj_node n = llmj_doc_get(d, ptr, strlen(ptr));
    assert_true(n != LLMJ_DOC_NONE);
    assert_int_equal(llmj_doc_type_of(d, n), type);
    assert_int_equal(llmj_doc_is_open(d, n), open);
    if (text) {
        size_t l;
        const char *s = llmj_doc_text(d, n, &l);
        assert_int_equal(l, strlen(text));
        assert_memory_equal(s, text, l);
    }
}

static void test_doc_get_and_walk(void **state)
{
    (void)state;
    llmj_doc *d = doc_of("{\"title\":\"Hel\\u00e9\",\"n\":[1,2.5e3,true,null,{\"a/b\":false,"
                         "\"m~n\":[]}],\"k\":12,\"s\":\"wri");
    assert_text(d, "", LLMJ_DOC_OBJECT, 1, NULL);
    assert_text(d, "/title", LLMJ_DOC_STRING, 0, "Hel\xc3\xa9");
    assert_text(d, "/n", LLMJ_DOC_ARRAY, 0, NULL);
    assert_text(d, "/n/0", LLMJ_DOC_NUMBER, 0, "1");
    assert_text(d, "/n/1", LLMJ_DOC_NUMBER, 0, "2.5e3");
    assert_text(d, "/n/2", LLMJ_DOC_TRUE, 0, "true");
    assert_text(d, "/n/3", LLMJ_DOC_NULL, 0, "null");
    assert_text(d, "/n/4", LLMJ_DOC_OBJECT, 0, NULL);
    assert_text(d, "/n/4/a~1b", LLMJ_DOC_FALSE, 0, "false");
    assert_text(d, "/n/4/m~0n", LLMJ_DOC_ARRAY, 0, NULL);
    assert_text(d, "/k", LLMJ_DOC_NUMBER, 0, "12");
    assert_text(d, "/s", LLMJ_DOC_STRING, 1, "wri");
    /* not there: out of range, leading zero, a scalar's child, bad escape */
    const char *none[] = { "/n/5", "/n/01", "/k/0", "/x", "title", "/n/4/a~2b", "/n/-" };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        assert_true(llmj_doc_get(d, none[i], strlen(none[i])) == LLMJ_DOC_NONE);

    /* walk the root's members in order */
    const char *keys[] = { "title", "n", "k", "s" };
    llmj_node root = llmj_doc_root(d);
    assert_int_equal(llmj_doc_count(d, root), 4);
    size_t i = 0;
    for (llmj_node c = llmj_doc_first(d, root); c != LLMJ_DOC_NONE; c = llmj_doc_next(d, c), i++) {
        size_t kl;
        const char *k = llmj_doc_key(d, c, &kl);
        assert_int_equal(kl, strlen(keys[i]));
        assert_memory_equal(k, keys[i], kl);
        assert_true(llmj_doc_parent(d, c) == root);
    }
    assert_int_equal(i, 4);
    llmj_node arr = llmj_doc_get(d, "/n", 2);
    assert_int_equal(llmj_doc_count(d, arr), 5);
    assert_null(llmj_doc_key(d, llmj_doc_first(d, arr), NULL));

    /* a subtree, and the whole */
    const char *j;
    size_t jl;
    assert_int_equal(llmj_doc_json(d, arr, &j, &jl), LLMJ_OK);
    assert_string_equal(j, "[1,2.5e3,true,null,{\"a/b\":false,\"m~n\":[]}]");
    assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
    assert_string_equal(j, "{\"title\":\"Hel\xc3\xa9\",\"n\":[1,2.5e3,true,null,{\"a/b\":false,"
                           "\"m~n\":[]}],\"k\":12,\"s\":\"wri\"}");
    /* the string grows, then closes; the object closes */
    assert_int_equal(llmj_doc_feed(d, "te\\n\"}", 6), LLMJ_OK);
    assert_text(d, "/s", LLMJ_DOC_STRING, 0, "write\n");
    assert_text(d, "", LLMJ_DOC_OBJECT, 0, NULL);
    assert_int_equal(llmj_doc_finish(d, LLMJ_END_NORMAL), LLMJ_OK);

    /* reset: empty again */
    assert_int_equal(llmj_doc_reset(d), LLMJ_OK);
    assert_true(llmj_doc_root(d) == LLMJ_DOC_NONE);
    assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
    assert_int_equal(jl, 0);
    assert_int_equal(llmj_doc_feed(d, "[\"\"", 3), LLMJ_OK);
    assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
    assert_string_equal(j, "[\"\"]");
    llmj_doc_free(d);
}

static void test_doc_partial_values(void **state)
{
    (void)state;
    /* a number appears only once complete; a pending key is not a member;
     * an empty partial string is shown as "" */
    const char *cases[][2] = {
        { "{\"a\":12", "{}" },
        { "{\"a\":12,", "{\"a\":12}" },
        { "{\"a\":1,\"b\":", "{\"a\":1}" },
        { "{\"a\":\"", "{\"a\":\"\"}" },
        { "{\"a\":\"x\\u00", "{\"a\":\"x\"}" },
        { "[tr", "[]" },
        { "\"abc", "\"abc\"" },
        { "12", "" },
        { "{\"k", "{}" },
        /* empty keys and strings before any character was kept */
        { "{\"\":1,\"b\":", "{\"\":1}" },
        { "{\"\":\"", "{\"\":\"\"}" },
        { "[\"\",{\"\":[]}", "[\"\",{\"\":[]}]" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        llmj_doc *d = doc_of(cases[i][0]);
        const char *j;
        size_t jl;
        assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
        if (strcmp(j, cases[i][1]) != 0)
            fprintf(stderr, "%s -> %s, expected %s\n", cases[i][0], j, cases[i][1]);
        assert_string_equal(j, cases[i][1]);
        llmj_doc_free(d);
    }
    /* the empty key of a document that holds no character: "", not NULL */
    llmj_doc *d = doc_of("{\"\":[");
    llmj_node e = llmj_doc_get(d, "/", 1);
    assert_true(e != LLMJ_DOC_NONE);
    size_t kl = 99;
    const char *k = llmj_doc_key(d, e, &kl);
    assert_non_null(k);
    assert_int_equal(kl, 0);
    llmj_doc_free(d);
    /* a top-level number is complete when the text ended normally */
    d = doc_of("12");
    assert_int_equal(llmj_doc_finish(d, LLMJ_END_NORMAL), LLMJ_OK);
    assert_text(d, "", LLMJ_DOC_NUMBER, 0, "12");
    llmj_doc_free(d);
    /* an invalid text: the open string is left out, as the greedy repair does */
    d = doc_of("[\"ab");
    assert_int_equal(llmj_doc_feed(d, "\x01", 1), LLMJ_INVALID);
    const char *j;
    size_t jl;
    assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
    assert_string_equal(j, "[]");
    llmj_doc_free(d);
}

static void test_doc_misuse(void **state)
{
    (void)state;
    assert_int_equal(llmj_doc_new(NULL, NULL), LLMJ_MISUSE);
    llmj_doc *d;
    assert_int_equal(llmj_doc_new_detached(&d, NULL), LLMJ_OK);
    assert_int_equal(llmj_doc_feed(d, "[]", 2), LLMJ_MISUSE);
    assert_null(llmj_doc_tracker(d));
    /* an event that cannot follow: END with nothing open, a key at top */
    llmj_event ev = { 0 };
    ev.type = LLMJ_EV_END_ARRAY;
    assert_int_equal(llmj_doc_event(d, &ev), LLMJ_MISUSE);
    ev.type = LLMJ_EV_KEY;
    assert_int_equal(llmj_doc_event(d, &ev), LLMJ_MISUSE);
    assert_int_equal(llmj_doc_status(d), LLMJ_OK);
    const char *j;
    size_t jl;
    assert_int_equal(llmj_doc_json(d, 12345, &j, &jl), LLMJ_MISUSE);
    assert_true(llmj_doc_type_of(d, 12345) == LLMJ_DOC_NOTHING);
    assert_string_equal(llmj_doc_type_name(LLMJ_DOC_STRING), "string");
    llmj_doc_free(d);
    llmj_doc_free(NULL);
}

/* ---- on a stream -------------------------------------------------------------------- */

/* Every JSON text's document against its greedy repair, at offset off. */
static void docs_equal_repairs(llmj_stream *s, const char *file, size_t off, size_t *checks,
                               size_t *tools_seen)
{
    for (size_t ci = 0; ci < llmj_stream_choice_count(s); ci++) {
        llmj_choice_info info;
        assert_int_equal(llmj_stream_choice(s, ci, &info), LLMJ_OK);
        for (size_t ti = 0; ti <= info.tool_count; ti++) {
            size_t tool = ti == info.tool_count ? LLMJ_NO_TOOL : ti;
            if (!llmj_stream_tracker(s, ci, tool))
                continue;
            if (tool != LLMJ_NO_TOOL && ti + 1 > *tools_seen)
                *tools_seen = ti + 1;
            llmj_doc *d;
            assert_int_equal(llmj_stream_doc(s, ci, tool, &d), LLMJ_OK);
            const char *r, *j;
            size_t rl, jl;
            assert_int_equal(llmj_stream_repair(s, ci, tool, LLMJ_SALVAGE_GREEDY, NULL, &r, &rl),
                             LLMJ_OK);
            tu_buf want = { 0 };
            canon(&want, r, rl);
            assert_int_equal(llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl), LLMJ_OK);
            if (jl != want.len || memcmp(j, want.data, jl) != 0)
                fprintf(stderr, "%s at %zu, choice %zu tool %zu:\n  doc:    %s\n  repair: %s\n",
                        file, off, ci, tool, j, want.data);
            assert_int_equal(jl, want.len);
            assert_memory_equal(j, want.data, jl);
            tu_buf_free(&want);
            ++*checks;
        }
    }
}

static int ignore_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    (void)choice;
    (void)tool;
    (void)ev;
    ++*(size_t *)ctx;
    return 0;
}

/* The documents of a recorded stream, first asked for half-way (read from
 * the text so far), then kept up by the stream, against the repairs every 7
 * bytes and after finish; with and without a json callback (without one the
 * text's tracker is quiet and the document has a tracker of its own). */
static void stream_docs_match(const char *file, size_t expect_tools)
{
    size_t n;
    char path[512];
    char *body = tu_read_file(tu_path(path, sizeof path, file), &n);
    assert_non_null(body);
    for (int with_cb = 0; with_cb <= 1; with_cb++) {
        llmj_stream_callbacks cbs = { 0 };
        cbs.json = ignore_json;
        size_t events = 0;
        llmj_stream *s;
        assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO,
                                         with_cb ? &cbs : NULL, &events),
                         LLMJ_OK);
        size_t half = n / 2, checks = 0, tools_seen = 0;
        llmj_stream_feed(s, body, half);
        for (size_t off = half; off <= n; off += 7) {
            docs_equal_repairs(s, file, off, &checks, &tools_seen);
            if (off == n)
                break;
            size_t k = n - off < 7 ? n - off : 7;
            llmj_stream_feed(s, body + off, k);
            if (off + 7 > n)
                off = n - 7;
        }
        size_t before = checks;
        llmj_stream_finish(s);
        docs_equal_repairs(s, file, n, &checks, &tools_seen);
        assert_true(checks > before);
        assert_int_equal(tools_seen, expect_tools);
        assert_true(with_cb ? events > 0 : events == 0);
        llmj_stream_free(s);
    }
    free(body);
}

static void test_stream_doc(void **state)
{
    (void)state;
    stream_docs_match("corpus/streams/openai-length.sse", 0);
    stream_docs_match("corpus/streams/openai-tools.sse", 2);
    /* not JSON, out of range */
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    llmj_doc *d;
    assert_int_equal(llmj_stream_doc(s, 0, LLMJ_NO_TOOL, &d), LLMJ_MISUSE);
    llmj_stream_free(s);
}

/* ---- every allocation refused in turn --------------------------------------------- */

/* One pass: the document's JSON after every 5-byte piece, appended to log.
 * Returns 1 when LLMJ_NOMEM was reported. */
static int oom_pass(const llmj_allocator *a, const char *text, tu_buf *log)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = *a;
    llmj_doc *d;
    llmj_status st = llmj_doc_new(&d, &cfg);
    if (st == LLMJ_NOMEM)
        return 1;
    assert_int_equal(st, LLMJ_OK);
    int nomem = 0;
    size_t n = strlen(text);
    for (size_t off = 0; off < n && !nomem; off += 5) {
        size_t k = n - off < 5 ? n - off : 5;
        st = llmj_doc_feed(d, text + off, k);
        if (st == LLMJ_NOMEM || llmj_doc_status(d) == LLMJ_NOMEM) {
            nomem = 1; /* the tree stays as it was: nothing more to compare */
            break;
        }
        const char *j;
        size_t jl;
        st = llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl);
        if (st == LLMJ_NOMEM) {
            nomem = 1;
        } else {
            assert_int_equal(st, LLMJ_OK);
            tu_buf_add(log, j, jl);
            tu_buf_add(log, "\n", 1);
        }
    }
    llmj_doc_free(d);
    return nomem;
}

static void test_doc_oom(void **state)
{
    (void)state;
    const char *text = "{\"name\":\"caf\\u00e9 long text to grow the arena beyond its first "
                       "block, and more\",\"items\":[1,2,{\"deep\":[[[[[[[[[[[[[[[[[[[[\"x\"]]]]"
                       "]]]]]]]]]]]]]]]]}],\"t\":true,\"s\":\"partial";
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_allocator a = tu_allocator(&ta);
    tu_buf ref = { 0 };
    assert_int_equal(oom_pass(&a, text, &ref), 0);
    assert_int_equal(ta.live, 0);
    size_t total = ta.total, nomem_runs = 0;
    assert_true(total > 5);
    for (size_t k = 1; k <= total; k++) {
        memset(&ta, 0, sizeof ta);
        ta.fail_at = k;
        a = tu_allocator(&ta);
        tu_buf log = { 0 };
        int nomem = oom_pass(&a, text, &log);
        assert_int_equal(ta.live, 0);
        assert_int_equal(ta.failed, 1);
        if (nomem) {
            nomem_runs++;
            /* what was written before the refusal is what the unfailed run wrote */
            assert_true(log.len <= ref.len);
            if (log.len)
                assert_memory_equal(log.data, ref.data, log.len);
        } else {
            /* a refusal to yajl, which the tracker absorbs: the same result */
            assert_int_equal(log.len, ref.len);
            assert_memory_equal(log.data, ref.data, ref.len);
        }
        tu_buf_free(&log);
    }
    assert_true(nomem_runs > 0);
    fprintf(stderr, "doc OOM sweep: %zu allocations refused in turn, %zu reported NOMEM\n", total,
            nomem_runs);
    tu_buf_free(&ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_equals_greedy_repair),
        cmocka_unit_test(test_doc_get_and_walk),
        cmocka_unit_test(test_doc_partial_values),
        cmocka_unit_test(test_doc_misuse),
        cmocka_unit_test(test_stream_doc),
        cmocka_unit_test(test_doc_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
