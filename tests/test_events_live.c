/* Events a live view can key on: every event's [offset, end) span points at
 * its value in the text, the same at any split (chunks aside, whose
 * delivery depends on the pieces); each string value has exactly one event
 * marked first, its first. Over corpus/json and the generated documents at
 * piece sizes 1, 7 and whole. */
#include "ref/ref_docs.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <llmjson.h>
#include "support/testutil.h"

typedef struct ev_log {
    const char *text;
    size_t fed;        /* bytes fed so far */
    tu_buf spans;      /* "type offset end\n" of every non-chunk event */
    int in_string;     /* a chunk came for the current string value */
    size_t firsts, strings;
    size_t begin_off[600];
    size_t depth;
    int bad;
} ev_log;

static int on_ev(void *ctx, const llmj_event *ev)
{
    ev_log *L = ctx;
    const char *s = L->text;
    int ok = ev->offset <= ev->end && ev->end <= L->fed;
    switch (ev->type) {
    case LLMJ_EV_BEGIN_OBJECT:
    case LLMJ_EV_BEGIN_ARRAY:
        ok = ok && ev->end == ev->offset + 1 &&
             s[ev->offset] == (ev->type == LLMJ_EV_BEGIN_OBJECT ? '{' : '[');
        if (L->depth < 600)
            L->begin_off[L->depth] = (size_t)ev->offset;
        L->depth++;
        break;
    case LLMJ_EV_END_OBJECT:
    case LLMJ_EV_END_ARRAY:
        L->depth--;
        ok = ok && s[ev->end - 1] == (ev->type == LLMJ_EV_END_OBJECT ? '}' : ']') &&
             (L->depth >= 600 || L->begin_off[L->depth] == ev->offset);
        break;
    case LLMJ_EV_KEY:
    case LLMJ_EV_STRING:
        ok = ok && ev->end >= ev->offset + 2 && s[ev->offset] == '"' && s[ev->end - 1] == '"' &&
             ev->end - ev->offset - 2 >= ev->len / 4; /* raw is at least a quarter of decoded */
        if (ev->type == LLMJ_EV_STRING) {
            L->strings++;
            L->firsts += ev->first != 0;
            ok = ok && (ev->first != 0) == !L->in_string;
            L->in_string = 0;
        }
        break;
    case LLMJ_EV_STRING_CHUNK:
        ok = ok && s[ev->offset] == '"' && (ev->first != 0) == !L->in_string;
        L->firsts += ev->first != 0;
        L->in_string = 1;
        break;
    default: /* number, literal: exactly as written */
        ok = ok && ev->end - ev->offset == ev->len && memcmp(s + ev->offset, ev->text, ev->len) == 0;
        break;
    }
    if (!ok && !L->bad) {
        fprintf(stderr, "bad span: %s [%llu, %llu) after %zu bytes\n", llmj_event_type_name(ev->type),
                (unsigned long long)ev->offset, (unsigned long long)ev->end, L->fed);
        L->bad = 1;
    }
    if (ev->type != LLMJ_EV_STRING_CHUNK)
        tu_buf_addf(&L->spans, "%d %llu %llu\n", (int)ev->type, (unsigned long long)ev->offset,
                    (unsigned long long)ev->end);
    return 0;
}

static void run_doc(const char *s, size_t n, size_t piece, ev_log *L)
{
    memset(L, 0, sizeof *L);
    L->text = s;
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, NULL, on_ev, L), LLMJ_OK);
    for (size_t off = 0; off < n; off += piece) {
        size_t k = n - off < piece ? n - off : piece;
        L->fed = off + k;
        if (llmj_tracker_feed(t, s + off, k) != LLMJ_OK)
            break;
    }
    L->fed = n;
    llmj_tracker_finish(t, LLMJ_END_NORMAL);
    llmj_tracker_free(t);
    tu_buf_add(&L->spans, "", 0);
}

static void test_event_spans(void **state)
{
    (void)state;
    ref_docs docs = { 0 };
    assert_true(ref_docs_corpus(&docs, tu_root()) > 50);
    ref_docs_generated(&docs);
    size_t strings = 0;
    for (size_t i = 0; i < docs.n; i++) {
        const char *s = docs.v[i].data;
        size_t n = docs.v[i].len;
        ev_log whole, p1, p7;
        run_doc(s, n, n ? n : 1, &whole);
        run_doc(s, n, 1, &p1);
        run_doc(s, n, 7, &p7);
        if (whole.bad || p1.bad || p7.bad)
            fprintf(stderr, "in %s\n", docs.v[i].name);
        assert_false(whole.bad || p1.bad || p7.bad);
        /* one first per string value */
        assert_int_equal(p1.firsts, p1.strings + p1.in_string);
        assert_int_equal(p7.firsts, p7.strings + p7.in_string);
        assert_int_equal(whole.firsts, whole.strings + whole.in_string);
        /* the same spans at any split */
        if (p1.spans.len != whole.spans.len || memcmp(p1.spans.data, whole.spans.data, whole.spans.len))
            fprintf(stderr, "%s: spans at pieces of 1:\n%.300s\nwhole:\n%.300s\n", docs.v[i].name,
                    p1.spans.data, whole.spans.data);
        assert_int_equal(p1.spans.len, whole.spans.len);
        assert_memory_equal(p1.spans.data, whole.spans.data, whole.spans.len);
        if (p7.spans.len != whole.spans.len || memcmp(p7.spans.data, whole.spans.data, whole.spans.len))
            fprintf(stderr, "%s: spans at pieces of 7:\n%.300s\nwhole:\n%.300s\n", docs.v[i].name,
                    p7.spans.data, whole.spans.data);
        assert_int_equal(p7.spans.len, whole.spans.len);
        assert_memory_equal(p7.spans.data, whole.spans.data, whole.spans.len);
        strings += whole.strings;
        tu_buf_free(&whole.spans);
        tu_buf_free(&p1.spans);
        tu_buf_free(&p7.spans);
    }
    fprintf(stderr, "event spans: %zu documents, %zu string values\n", docs.n, strings);
    ref_docs_free(&docs);
}


/* ---- on a stream: spans in the choice's text, text_end, callbacks calling in -- */

typedef struct st_ctx {
    llmj_stream *s;
    size_t events, bad, ends, repairs, doc_refused;
    llmj_text_status end_status;
    char cut[256];
} st_ctx;

static int st_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    st_ctx *c = ctx;
    (void)tool;
    size_t pos = llmj_stream_choice_position(c->s, choice);
    llmj_choice_info info;
    if (pos == SIZE_MAX || llmj_stream_choice(c->s, pos, &info) != LLMJ_OK ||
        ev->end > info.content_len)
        c->bad++;
    else if (ev->type == LLMJ_EV_KEY && info.content[ev->offset] != '"')
        c->bad++;
    /* the library may be called from here: a repair and the document */
    const char *r;
    size_t rl;
    llmj_doc *d;
    if (llmj_stream_repair(c->s, pos, LLMJ_NO_TOOL, LLMJ_SALVAGE_GREEDY, NULL, &r, &rl) == LLMJ_OK)
        c->repairs++;
    /* a document cannot be first made here (the tracker is mid-piece) */
    if (llmj_stream_doc(c->s, pos, LLMJ_NO_TOOL, &d) == LLMJ_MISUSE)
        c->doc_refused++;
    c->events++;
    return 0;
}

static void st_end(void *ctx, size_t choice, size_t tool, const llmj_salvage *sv)
{
    st_ctx *c = ctx;
    assert_int_equal(choice, 0);
    assert_true(tool == LLMJ_NO_TOOL);
    c->ends++;
    c->end_status = sv->status;
    size_t o = 0;
    for (size_t i = 0; i < sv->nclosed; i++)
        o += (size_t)snprintf(c->cut + o, sizeof c->cut - o, "[%.*s]", (int)sv->closed_len[i],
                              sv->closed_pointer);
}

static void test_stream_events(void **state)
{
    (void)state;
    size_t n;
    char path[512];
    char *body = tu_read_file(tu_path(path, sizeof path, "corpus/streams/openai-length.sse"), &n);
    assert_non_null(body);
    st_ctx c;
    memset(&c, 0, sizeof c);
    llmj_stream_callbacks cbs = { 0 };
    cbs.json = st_json;
    cbs.text_end = st_end;
    llmj_doc *early;
    assert_int_equal(llmj_stream_new(&c.s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &cbs, &c),
                     LLMJ_OK);
    for (size_t off = 0; off < n; off += 3)
        llmj_stream_feed(c.s, body + off, n - off < 3 ? n - off : 3);
    llmj_stream_finish(c.s);
    assert_true(c.events >= 5);
    assert_int_equal(c.bad, 0);
    assert_int_equal(c.repairs, c.events);
    assert_int_equal(c.doc_refused, c.events);
    assert_int_equal(llmj_stream_doc(c.s, 0, LLMJ_NO_TOOL, &early), LLMJ_OK);
    assert_int_equal(c.ends, 1);
    assert_int_equal(c.end_status, LLMJ_TEXT_TRUNCATED);
    assert_true(strlen(c.cut) > 2);                      /* something was cut */
    assert_memory_equal(c.cut + strlen(c.cut) - 2, "[]", 2); /* the root last */
    assert_true(llmj_stream_choice_position(c.s, 7) == SIZE_MAX);
    llmj_stream_free(c.s);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_spans),
        cmocka_unit_test(test_stream_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
