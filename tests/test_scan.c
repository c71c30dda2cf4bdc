/* The structural scanner's paths (src/scan.h): portable, SSE2, AVX2.
 * - the classifier of every supported path against a byte-by-byte
 *   reference: every byte value at every position of a block, and random
 *   blocks;
 * - choosing a path: LLMJ_SCAN names one, an unknown or unsupported name
 *   gives the best the CPU has;
 * - the tracker on every path gives the same transcript (events with their
 *   pointers, offsets and texts, the status after every piece, the error,
 *   both salvages, the whitespace run) for documents built to put escapes,
 *   UTF-8 sequences, quotes, whitespace runs, token limits and errors at
 *   and around the 64-byte block boundaries, the generated documents and
 *   corpus/json, whole and at several splits, under several configurations;
 * - on every path, the tracker without a callback (whose yajl side is given
 *   string values as "") gives the same statuses, errors and salvages as
 *   with one;
 * - every STRING and KEY event's span is exactly its string token;
 * - on every path, the salvage at every prefix of those documents equals
 *   the independent reference's (tests/ref). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ref/ref_docs.c"

#include <llmjson.h>
#include "scan.h"
#include "support/testutil.h"

static int npaths_supported(int *paths)
{
    int n = 0;
    for (int k = 0; k < LLMJ__SCAN_PATHS; k++)
        if (llmj__scan_path_supported(k))
            paths[n++] = k;
    return n;
}

/* ---- the classifier --------------------------------------------------------------- */

static llmj__masks ref_classify(const unsigned char *p)
{
    llmj__masks m = { 0, 0 };
    for (int k = 0; k < 64; k++) {
        unsigned char c = p[k];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            m.special |= (uint64_t)1 << k;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            m.ws |= (uint64_t)1 << k;
    }
    return m;
}

static size_t check_block(int path, const unsigned char *p, size_t *bad)
{
    llmj__masks got = llmj__classify(path, p), exp = ref_classify(p);
    if (got.special != exp.special || got.ws != exp.ws) {
        if (++*bad <= 5)
            fprintf(stderr, "MISMATCH [%s] special %016llx/%016llx ws %016llx/%016llx\n",
                    llmj__scan_path_name(path), (unsigned long long)got.special,
                    (unsigned long long)exp.special, (unsigned long long)got.ws,
                    (unsigned long long)exp.ws);
    }
    return 1;
}

static void test_classify_paths(void **state)
{
    (void)state;
    int paths[LLMJ__SCAN_PATHS];
    int np = npaths_supported(paths);
    assert_true(np >= 1);
    assert_true(llmj__scan_path_supported(LLMJ__SCAN_PORTABLE));
#ifdef LLMJ__SCAN_X86
    assert_true(llmj__scan_path_supported(LLMJ__SCAN_SSE2));
#endif
    /* a byte buffer with room on both sides: blocks at every alignment */
    unsigned char buf[64 + 64];
    size_t checks = 0, bad = 0;
    for (int pi = 0; pi < np; pi++) {
        int path = paths[pi];
        /* every byte value at every position, in a plain background and in a
         * background of whitespace */
        for (int bg = 0; bg < 2; bg++)
            for (int pos = 0; pos < 64; pos++)
                for (int v = 0; v < 256; v++) {
                    memset(buf, bg ? ' ' : 'a', sizeof buf);
                    buf[pos + 7] = (unsigned char)v;
                    checks += check_block(path, buf + 7, &bad);
                }
        /* random blocks: every byte, and JSON-like bytes */
        ref_rng r = { 0xC0FFEEULL + (uint64_t)path };
        static const char json_bytes[] = "\"\\ \t\n\r{}[]:,0123456789.eE+-tfnulrsa\x01\x1f\x7f\x80\xbf\xc3\xe2\xf0\xff";
        for (int k = 0; k < 20000; k++) {
            for (size_t j = 0; j < sizeof buf; j++)
                buf[j] = k % 2 ? (unsigned char)ref_rand(&r)
                               : (unsigned char)json_bytes[ref_randn(&r, sizeof json_bytes - 1)];
            checks += check_block(path, buf + ref_randn(&r, 64), &bad);
        }
    }
    fprintf(stderr, "classifier: %d paths, %zu blocks, %zu mismatches\n", np, checks, bad);
    assert_int_equal(bad, 0);
}

static void test_choose_path(void **state)
{
    (void)state;
    int best = LLMJ__SCAN_PORTABLE;
    for (int k = 0; k < LLMJ__SCAN_PATHS; k++)
        if (llmj__scan_path_supported(k))
            best = k;
    unsetenv("LLMJ_SCAN");
    assert_int_equal(llmj__scan_path_default(), best);
    setenv("LLMJ_SCAN", "no-such-path", 1);
    assert_int_equal(llmj__scan_path_default(), best);
    for (int k = 0; k < LLMJ__SCAN_PATHS; k++) {
        setenv("LLMJ_SCAN", llmj__scan_path_name(k), 1);
        assert_int_equal(llmj__scan_path_default(), llmj__scan_path_supported(k) ? k : best);
    }
    unsetenv("LLMJ_SCAN");
    assert_string_equal(llmj__scan_path_name(LLMJ__SCAN_AVX2), "avx2");
}

/* ---- documents around the block boundaries --------------------------------------- */

static void add_doc(ref_docs *d, const char *name, const rbuf *b)
{
    ref_docs_add(d, name, b->d, b->n);
}

/* Strings, whitespace and tokens with the interesting byte at offsets around
 * 64 and 128 (whole pieces put the blocks at 0, 64, ...; pieces of 65 and 127
 * move them). */
static void boundary_docs(ref_docs *d)
{
    static const char *const specials[] = {
        "\"",           "\\n",           "\\\"",        "\\\\",       "\\/",
        "\\u00e9",      "\\ud83d\\ude00", "\\ud83d",     "\\udc00",    "\\u12G4",
        "\xc3\xa9",     "\xe2\x82\xac",   "\xf0\x9f\x98\x80", "\xe0\xa0\x80", "\xed\x9f\xbf",
        "\xc0\xaf",     "\xed\xa0\x80",   "\xf4\x90\x80\x80", "\xc3",      "\xe2\x82",
        "\t",           "\x01",           "\x7f",        "\\x",
    };
    rbuf b = { 0 };
    char name[64];
    for (size_t s = 0; s < sizeof specials / sizeof *specials; s++) {
        for (size_t k = 52; k < 140; k += (k >= 70 && k < 118) ? 12 : 1) {
            b.n = 0;
            rb_add(&b, "{\"k\":\"", 6);
            for (size_t j = 0; j < k; j++)
                rb_addc(&b, (char)('a' + j % 26));
            rb_add(&b, specials[s], strlen(specials[s]));
            for (size_t j = 0; j < 70; j++)
                rb_addc(&b, (char)('A' + j % 26));
            rb_add(&b, "\",\"n\":[1,2.5e3,true,null]}", 26);
            snprintf(name, sizeof name, "str-%02zu-at-%zu", s, k);
            add_doc(d, name, &b);
        }
    }
    /* whitespace runs crossing blocks, LFs here and there, then tokens */
    for (size_t run = 1; run < 300; run += run < 70 ? 3 : 37) {
        b.n = 0;
        rb_add(&b, "[1,", 3);
        for (size_t j = 0; j < run; j++)
            rb_addc(&b, j % 17 == 5 ? '\n' : j % 5 == 0 ? '\t' : j % 7 == 0 ? '\r' : ' ');
        rb_add(&b, "\"x\",", 4);
        for (size_t j = 0; j < run; j++)
            rb_addc(&b, j % 9 == 8 ? '\n' : ' ');
        rb_add(&b, "{\"a\"  :  \"b\"}  ]   ", 19);
        snprintf(name, sizeof name, "ws-%zu", run);
        add_doc(d, name, &b);
    }
    /* escaped quotes followed by other escapes: a string's start is not
     * always its decoded length before its end */
    static const char *const quoted[] = {
        "{\"k\":\"\\\"\\n\",\"m\":[\"\\\"\\\\\",\"x\\\"\\t\\\"\\\\n\"]}",
        "[\"\\\"\\u00e9\",\"\\\"\\ud83d\\ude00\\n\",{\"\\\"\\n\":\"\\\"\\r\\n\"}]",
    };
    for (size_t q = 0; q < sizeof quoted / sizeof *quoted; q++) {
        snprintf(name, sizeof name, "quoted-%zu", q);
        ref_docs_add(d, name, quoted[q], strlen(quoted[q]));
    }
    /* many small tokens, so that every kind meets a boundary */
    b.n = 0;
    rb_addc(&b, '[');
    for (int j = 0; j < 60; j++)
        rb_add(&b, j % 4 == 0 ? "\"s\"," : j % 4 == 1 ? "12," : j % 4 == 2 ? "false," : "{\"q\":[]},", j % 4 == 0 ? 4 : j % 4 == 1 ? 3 : j % 4 == 2 ? 6 : 9);
    rb_add(&b, "null]", 5);
    add_doc(d, "small-tokens", &b);
    /* a pretty-printed LLM-like answer */
    rbuf llm = { 0 };
    ref_rng r = { 77 };
    ref_gen_llm_object(&r, &llm, 3000);
    tu_buf pretty = { 0 };
    tu_pretty_json(&pretty, llm.d, llm.n);
    ref_docs_add(d, "llm-pretty", pretty.data, pretty.len);
    tu_buf_free(&pretty);
    add_doc(d, "llm-compact", &llm);
    free(llm.d);
    free(b.d);
}

/* ---- transcripts ------------------------------------------------------------------ */

/* The text being fed to the tracker whose events log_event checks. */
static const char *g_doc;
static size_t g_doc_len, g_bad_spans;

/* [off, end) of doc is exactly one string token: a '"' not preceded by a
 * backslash, no unescaped '"' inside, a closing '"'. */
static int is_string_span(const char *doc, size_t n, uint64_t off, uint64_t end)
{
    if (end > n || end < off + 2 || doc[off] != '"' || doc[end - 1] != '"')
        return 0;
    if (off > 0 && doc[off - 1] == '\\')
        return 0;
    for (uint64_t i = off + 1; i < end - 1; i++) {
        if (doc[i] == '\\')
            i++;
        else if (doc[i] == '"')
            return 0;
    }
    return 1;
}

static int log_event(void *ctx, const llmj_event *ev)
{
    tu_buf *b = ctx;
    if ((ev->type == LLMJ_EV_STRING || ev->type == LLMJ_EV_KEY) && g_doc &&
        !is_string_span(g_doc, g_doc_len, ev->offset, ev->end) && ++g_bad_spans <= 5)
        fprintf(stderr, "MISMATCH: a %s event's span [%llu, %llu) is not its string token\n",
                llmj_event_type_name(ev->type), (unsigned long long)ev->offset,
                (unsigned long long)ev->end);
    tu_buf_addf(b, "E%d d%zu o%llu-%llu f%d ", (int)ev->type, ev->depth,
                (unsigned long long)ev->offset, (unsigned long long)ev->end, ev->first);
    tu_buf_add(b, ev->pointer, ev->pointer_len);
    tu_buf_add(b, " ", 1);
    if (ev->text)
        tu_buf_add(b, ev->text, ev->len);
    tu_buf_add(b, "\n", 1);
    return 0;
}

static void log_salvage(tu_buf *b, llmj_tracker *t, int mode)
{
    llmj_salvage sv;
    llmj_status st = llmj_tracker_salvage(t, (llmj_salvage_mode)mode, &sv);
    tu_buf_addf(b, "S%d st%d %d k%llu c%.*s e%d@%llu:%llu:%llu ro%llu", mode, (int)st,
                (int)sv.status, (unsigned long long)sv.bytes_kept, (int)sv.closer_len, sv.closer,
                (int)sv.error.code, (unsigned long long)sv.error.offset,
                (unsigned long long)sv.error.line, (unsigned long long)sv.error.column,
                (unsigned long long)sv.runaway_offset);
    for (size_t i = 0; i < sv.nclosed; i++) {
        tu_buf_add(b, " ", 1);
        tu_buf_add(b, sv.closed_pointer, sv.closed_len[i]);
    }
    tu_buf_addf(b, " %s\n", sv.error.message ? sv.error.message : "");
}

static int silent_event(void *ctx, const llmj_event *ev)
{
    (void)ctx;
    (void)ev;
    return 0;
}

/* The tracker's transcript for s[0:n] in pieces from sizes[] (cycled; 0:
 * whole), with a callback that logs (with_cb 1), one that does not (2: the
 * transcript of a quiet tracker, with the callback's yajl side) or none,
 * on the path LLMJ_SCAN names. */
static void transcript(tu_buf *out, const char *s, size_t n, const size_t *sizes, size_t nsizes,
                       const llmj_config *cfg, int with_cb, int salvage_each)
{
    llmj_tracker *t;
    llmj_event_cb cb = with_cb == 1 ? log_event : with_cb == 2 ? silent_event : NULL;
    assert_int_equal(llmj_tracker_new(&t, cfg, cb, out), LLMJ_OK);
    g_doc = s;
    g_doc_len = n;
    size_t off = 0, k = 0;
    llmj_status st = LLMJ_OK;
    while (off < n && st == LLMJ_OK) {
        size_t step = sizes[k++ % nsizes];
        if (step == 0 || step > n - off)
            step = n - off;
        st = llmj_tracker_feed(t, s + off, step);
        off += step;
        tu_buf_addf(out, "F%d b%llu d%zu w%llu\n", (int)st,
                    (unsigned long long)llmj_tracker_bytes(t), llmj_tracker_depth(t),
                    (unsigned long long)llmj_tracker_whitespace_run(t));
        if (salvage_each)
            log_salvage(out, t, 1);
    }
    st = llmj_tracker_finish(t, LLMJ_END_NORMAL);
    const llmj_error *e = llmj_tracker_error(t);
    tu_buf_addf(out, "END %d max%zu err%d@%llu %s\n", (int)st, llmj_tracker_max_depth(t),
                (int)e->code, (unsigned long long)e->offset, e->message ? e->message : "");
    log_salvage(out, t, 0);
    log_salvage(out, t, 1);
    llmj_tracker_free(t);
}

static void test_paths_agree(void **state)
{
    (void)state;
    int paths[LLMJ__SCAN_PATHS];
    int np = npaths_supported(paths);
    ref_docs docs = { 0 };
    boundary_docs(&docs);
    ref_docs_generated(&docs);
    ref_docs_corpus(&docs, tu_root());

    llmj_config cfgs[4];
    for (int c = 0; c < 4; c++)
        llmj_config_init(&cfgs[c]);
    cfgs[1].max_token = 70;
    cfgs[2].whitespace_limit = 40;
    cfgs[2].whitespace_indent = 3;
    cfgs[3].repeat_limit = 128;
    cfgs[3].string_chunks = 0;

    static const size_t splits[][4] = {
        { 0 }, { 64 }, { 65 }, { 127 }, { 1, 200, 3, 61 }, { 300, 5, 64, 129 },
    };
    size_t checks = 0, bad = 0, quiet_checks = 0;
    tu_buf base = { 0 }, got = { 0 };
    for (size_t d = 0; d < docs.n; d++) {
        const ref_doc *doc = &docs.v[d];
        for (int c = 0; c < 4; c++)
            for (size_t sp = 0; sp < sizeof splits / sizeof *splits; sp++)
                for (int cb = 0; cb <= 1; cb++) {
                    size_t ns = splits[sp][1] ? 4 : 1;
                    /* salvage after every piece only at the small splits */
                    int each = sp == 4 && doc->len < 20000;
                    base.len = 0;
                    setenv("LLMJ_SCAN", "portable", 1);
                    transcript(&base, doc->data, doc->len, splits[sp], ns, &cfgs[c], cb, each);
                    for (int pi = 0; pi < np; pi++) {
                        if (paths[pi] == LLMJ__SCAN_PORTABLE && cb)
                            continue;
                        got.len = 0;
                        setenv("LLMJ_SCAN", llmj__scan_path_name(paths[pi]), 1);
                        /* quiet on the portable path: against a silent callback */
                        int quiet_ref = paths[pi] == LLMJ__SCAN_PORTABLE;
                        transcript(&got, doc->data, doc->len, splits[sp], ns, &cfgs[c],
                                   quiet_ref ? 2 : cb, each);
                        checks++;
                        quiet_checks += quiet_ref;
                        if (got.len != base.len || memcmp(got.data, base.data, got.len) != 0) {
                            size_t at = 0;
                            while (at < got.len && at < base.len && got.data[at] == base.data[at])
                                at++;
                            if (++bad <= 8)
                                fprintf(stderr,
                                        "MISMATCH [%s] %s cfg %d split %zu cb %d: portable and %s "
                                        "differ at transcript byte %zu: \"%.60s\" / \"%.60s\"\n",
                                        doc->name, "", c, sp, cb,
                                        quiet_ref ? "portable with a silent callback"
                                                  : llmj__scan_path_name(paths[pi]),
                                        at,
                                        at < base.len ? base.data + at : "",
                                        at < got.len ? got.data + at : "");
                        }
                    }
                }
    }
    unsetenv("LLMJ_SCAN");
    fprintf(stderr,
            "paths agree: %zu documents, %d paths, %zu comparisons (%zu quiet against a silent "
            "callback), %zu mismatches; %zu string spans wrong\n",
            docs.n, np, checks, quiet_checks, bad, g_bad_spans);
    assert_int_equal(g_bad_spans, 0);
    tu_buf_free(&base);
    tu_buf_free(&got);
    ref_docs_free(&docs);
    assert_int_equal(bad, 0);
}

/* ---- the reference salvage on every path ------------------------------------------ */

static int same_as_ref(const llmj_salvage *got, const ref_salv *exp)
{
    if ((int)got->status != exp->status || got->bytes_kept != exp->k ||
        got->closer_len != exp->closer_len || got->nclosed != exp->nclosed ||
        (exp->closer_len && memcmp(got->closer, exp->closer, exp->closer_len) != 0) ||
        got->error.code != (llmj_status)exp->err_code)
        return 0;
    if (exp->err_code != LLMJ_OK &&
        (got->error.offset != exp->err_offset || got->error.line != exp->err_line ||
         got->error.column != exp->err_column))
        return 0;
    if (exp->status == LLMJ_TEXT_RUNAWAY && got->runaway_offset != (uint64_t)exp->runaway_offset)
        return 0;
    for (size_t i = 0; i < exp->nclosed; i++)
        if (got->closed_len[i] != exp->closed_len[i] ||
            memcmp(got->closed_pointer, exp->closed[i], exp->closed_len[i]) != 0)
            return 0;
    return 1;
}

static void test_reference_every_path(void **state)
{
    (void)state;
    int paths[LLMJ__SCAN_PATHS];
    int np = npaths_supported(paths);
    ref_docs docs = { 0 };
    boundary_docs(&docs);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.whitespace_limit = 100;
    ref_cfg rc;
    ref_cfg_default(&rc);
    rc.whitespace_limit = 100;
    size_t checks = 0, bad = 0;
    for (int pi = 0; pi < np; pi++) {
        setenv("LLMJ_SCAN", llmj__scan_path_name(paths[pi]), 1);
        for (size_t d = 0; d < docs.n; d++) {
            const ref_doc *doc = &docs.v[d];
            if (doc->len > 4000)
                continue;
            /* every prefix, fed whole: the blocks run over it */
            for (size_t i = 1; i <= doc->len; i += doc->len > 400 ? 7 : 1) {
                llmj_tracker *t;
                assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
                llmj_tracker_feed(t, doc->data, i);
                for (int greedy = 0; greedy <= 1; greedy++) {
                    llmj_salvage sv;
                    ref_salv ex;
                    assert_int_equal(llmj_tracker_salvage(t, (llmj_salvage_mode)greedy, &sv),
                                     LLMJ_OK);
                    if (ref_salvage(doc->data, i, greedy, 0, &rc, &ex) != 0)
                        continue;
                    checks++;
                    if (!same_as_ref(&sv, &ex) && ++bad <= 8)
                        fprintf(stderr,
                                "MISMATCH [%s] %s prefix %zu %s: status %d k %llu, reference %d "
                                "k %zu\n",
                                doc->name, llmj__scan_path_name(paths[pi]), i,
                                greedy ? "greedy" : "lossless", (int)sv.status,
                                (unsigned long long)sv.bytes_kept, ex.status, ex.k);
                    ref_salv_free(&ex);
                }
                llmj_tracker_free(t);
            }
        }
    }
    unsetenv("LLMJ_SCAN");
    fprintf(stderr, "reference salvage on every path: %zu checks, %zu mismatches\n", checks, bad);
    ref_docs_free(&docs);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_paths),
        cmocka_unit_test(test_choose_path),
        cmocka_unit_test(test_paths_agree),
        cmocka_unit_test(test_reference_every_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
