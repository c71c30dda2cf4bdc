/* Salvage (docs/salvage.md) through the tracker, checked against an
 * independent reference (tests/ref/ref_salvage.c):
 * - the examples table of docs/salvage.md, row by row;
 * - every prefix of every document (generated here, corpus/json, and
 *   JSONTestSuite when found), both modes, both end kinds: status, cut,
 *   closer, closed pointers, error position; R valid JSON; R = S[0:k]+closer;
 *   lossless R a sub-tree of the full document;
 * - the reference itself against the table, corpus/json/NAME.expect and
 *   JSONTestSuite's y_/n_ verdicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ref/ref_docs.c"

#include <yajl/yajl_tree.h>

#include <llmjson.h>
#include "support/testutil.h"

/* ---- reporting ------------------------------------------------------------ */

#define MAX_REPORTS 12

typedef struct report {
    size_t mismatches;
    size_t printed;
    size_t checks;
} report;

static void show_bytes(const char *label, const char *s, size_t n)
{
    fprintf(stderr, "    %s (%zu bytes): \"", label, n);
    size_t from = 0;
    if (n > 160) {
        from = n - 120;
        fprintf(stderr, "...");
    }
    for (size_t i = from; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "\"\n");
}

/* Count a mismatch and print it (the first MAX_REPORTS); 1 when printed. */
static int mismatch(report *rp, const char *doc, const char *s, size_t n, const char *fmt, ...)
{
    rp->mismatches++;
    if (rp->printed >= MAX_REPORTS)
        return 0;
    rp->printed++;
    fprintf(stderr, "MISMATCH [%s] ", doc);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    show_bytes("S", s, n);
    return 1;
}

static void report_end(report *rp, const char *what)
{
    fprintf(stderr, "%s: %zu checks, %zu mismatches\n", what, rp->checks, rp->mismatches);
    assert_int_equal(rp->mismatches, 0);
}

static const char *mode_name(int greedy)
{
    return greedy ? "greedy" : "lossless";
}

/* Compare a tracker salvage with the reference's. 0 when equal. */
static int cmp_salvage(report *rp, const char *doc, const char *s, size_t n, const char *how,
                       int greedy, const llmj_salvage *got, const ref_salv *exp)
{
    rp->checks++;
    char why[512];
    why[0] = '\0';
    if ((int)got->status != exp->status)
        snprintf(why, sizeof why, "status %s, expected %s",
                 llmj_text_status_name(got->status),
                 llmj_text_status_name((llmj_text_status)exp->status));
    else if (got->bytes_kept != exp->k)
        snprintf(why, sizeof why, "bytes_kept %llu, expected %zu",
                 (unsigned long long)got->bytes_kept, exp->k);
    else if (got->closer_len != exp->closer_len ||
             (exp->closer_len && memcmp(got->closer, exp->closer, exp->closer_len) != 0))
        snprintf(why, sizeof why, "closer \"%.*s\", expected \"%s\"", (int)got->closer_len,
                 got->closer ? got->closer : "", exp->closer);
    else if (got->nclosed != exp->nclosed)
        snprintf(why, sizeof why, "%zu closed pointers, expected %zu", got->nclosed,
                 exp->nclosed);
    else if (got->error.code != (llmj_status)exp->err_code)
        snprintf(why, sizeof why, "error code %d, expected %d", (int)got->error.code,
                 exp->err_code);
    else if (exp->err_code != LLMJ_OK &&
             (got->error.offset != exp->err_offset || got->error.line != exp->err_line ||
              got->error.column != exp->err_column))
        snprintf(why, sizeof why,
                 "error at %llu (line %llu col %llu), expected %zu (line %zu col %zu)",
                 (unsigned long long)got->error.offset, (unsigned long long)got->error.line,
                 (unsigned long long)got->error.column, exp->err_offset, exp->err_line,
                 exp->err_column);
    else if (exp->err_code != LLMJ_OK && (!got->error.message || !got->error.message[0]))
        snprintf(why, sizeof why, "error without a message");
    else if (exp->status == LLMJ_TEXT_RUNAWAY &&
             (got->runaway != LLMJ_RUNAWAY_WHITESPACE ||
              got->runaway_offset != (uint64_t)exp->runaway_offset))
        snprintf(why, sizeof why, "runaway %d at %llu, expected whitespace at %zu",
                 (int)got->runaway, (unsigned long long)got->runaway_offset,
                 exp->runaway_offset);
    if (!why[0]) {
        for (size_t i = 0; i < exp->nclosed; i++) {
            if (got->closed_len[i] != exp->closed_len[i] ||
                memcmp(got->closed_pointer, exp->closed[i], exp->closed_len[i]) != 0) {
                snprintf(why, sizeof why, "closed[%zu] \"%.*s\", expected \"%s\"", i,
                         (int)got->closed_len[i], got->closed_pointer, exp->closed[i]);
                break;
            }
        }
    }
    if (!why[0])
        return 0;
    mismatch(rp, doc, s, n, "%s %s: %s (expected R = S[0:%zu] + \"%s\")", how,
             mode_name(greedy), why, exp->k, exp->closer);
    return 1;
}

/* ---- R checks ---------------------------------------------------------------- */

static const char *ystr(yajl_val v)
{
    return v && v->type == yajl_t_string && v->u.string ? v->u.string : "";
}

static const char *ynum(yajl_val v)
{
    return v && v->type == yajl_t_number && v->u.number.r ? v->u.number.r : "";
}

/* R must be a text yajl's tree parser accepts (and strict RFC 8259 too). */
static int r_is_valid(const char *r, size_t len)
{
    if (len == 0)
        return 1;
    if (!ref_is_json(r, len))
        return 0;
    char err[256];
    yajl_val v = yajl_tree_parse(r, err, sizeof err);
    if (!v)
        return 0;
    yajl_tree_free(v);
    return 1;
}

/* Is tree a (from R) the same as tree b (from the full document), except that
 * on the right-most spine (partial) containers may be shorter, and in greedy
 * mode the right-most scalar may be a prefix? */
static int tree_match(yajl_val a, yajl_val b, int partial, int greedy, int end_normal)
{
    if (!a || !b)
        return a == b;
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case yajl_t_string: {
        const char *x = ystr(a), *y = ystr(b);
        if (partial && greedy)
            return strncmp(x, y, strlen(x)) == 0;
        return strcmp(x, y) == 0;
    }
    case yajl_t_number: {
        /* greedy keeps no partial number: only a top-level number at the end
         * of a text that ended normally may be a prefix (end_normal) */
        const char *x = ynum(a), *y = ynum(b);
        if (partial && end_normal)
            return strncmp(x, y, strlen(x)) == 0;
        return strcmp(x, y) == 0;
    }
    case yajl_t_object: {
        size_t na = a->u.object.len, nb = b->u.object.len;
        if (na > nb || (!partial && na != nb))
            return 0;
        for (size_t i = 0; i < na; i++) {
            if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0)
                return 0;
            if (!tree_match(a->u.object.values[i], b->u.object.values[i],
                            partial && i + 1 == na, greedy, end_normal))
                return 0;
        }
        return 1;
    }
    case yajl_t_array: {
        size_t na = a->u.array.len, nb = b->u.array.len;
        if (na > nb || (!partial && na != nb))
            return 0;
        for (size_t i = 0; i < na; i++)
            if (!tree_match(a->u.array.values[i], b->u.array.values[i],
                            partial && i + 1 == na, greedy, end_normal))
                return 0;
        return 1;
    }
    default:
        return 1; /* true, false, null: the type says it all */
    }
}

static int r_is_subtree(const char *r, size_t len, yajl_val full, int greedy, int end_normal)
{
    if (len == 0)
        return 1;
    char err[256];
    yajl_val v = yajl_tree_parse(r, err, sizeof err);
    if (!v)
        return 0;
    int ok = tree_match(v, full, 1, greedy, end_normal);
    yajl_tree_free(v);
    return ok;
}

/* ---- the tracker side ---------------------------------------------------------- */

static llmj_tracker *new_tracker(tu_alloc *ta, const ref_cfg *rc, int keep_text)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    cfg.keep_text = keep_text;
    cfg.max_depth = rc->max_depth;
    cfg.max_token = rc->max_token;
    cfg.whitespace_limit = rc->whitespace_limit;
    cfg.whitespace_indent = rc->whitespace_indent;
    llmj_tracker *t = NULL;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
    assert_non_null(t);
    return t;
}

/* The status feed/finish should return for a text whose salvage is exp. */
static llmj_status expected_feed_status(const ref_salv *exp)
{
    switch (exp->status) {
    case LLMJ_TEXT_INVALID: return (llmj_status)exp->err_code;
    case LLMJ_TEXT_RUNAWAY: return LLMJ_RUNAWAY_WHITESPACE;
    default: return LLMJ_OK;
    }
}

static llmj_status expected_finish_status(const ref_salv *exp)
{
    switch (exp->status) {
    case LLMJ_TEXT_COMPLETE: return LLMJ_OK;
    case LLMJ_TEXT_TRUNCATED: return LLMJ_TRUNCATED;
    case LLMJ_TEXT_EMPTY: return LLMJ_EMPTY;
    default: return expected_feed_status(exp);
    }
}

/* The salvage alone (a tracker without keep_text has no repair text). */
static void check_salvage_ref(report *rp, const char *doc, llmj_tracker *t, const char *s,
                              size_t n, const ref_salv refs[2], const char *how)
{
    for (int greedy = 0; greedy <= 1; greedy++) {
        llmj_salvage got;
        memset(&got, 0, sizeof got);
        llmj_status st = llmj_tracker_salvage(t, (llmj_salvage_mode)greedy, &got);
        if (st != LLMJ_OK) {
            mismatch(rp, doc, s, n, "%s %s: llmj_tracker_salvage returned %s", how,
                     mode_name(greedy), llmj_strerror(st));
            continue;
        }
        ref_salv exp = refs[greedy];
        cmp_salvage(rp, doc, s, n, how, greedy, &got, &exp);
    }
}

/* Salvage and repair of t in both modes, checked against the reference for
 * s[0:n] (end_normal as given); full: the full document's tree or NULL. */
static void check_tracker_ref(report *rp, const char *doc, llmj_tracker *t, const char *s,
                              size_t n, int end_normal, const ref_salv refs[2], yajl_val full,
                              const char *how)
{
    check_salvage_ref(rp, doc, t, s, n, refs, how);
    for (int greedy = 0; greedy <= 1; greedy++) {
        ref_salv exp = refs[greedy];
        llmj_salvage info;
        const char *r = NULL;
        size_t rlen = 0;
        llmj_status st = llmj_tracker_repair(t, (llmj_salvage_mode)greedy, &info, &r, &rlen);
        rp->checks++;
        if (st != LLMJ_OK || !r) {
            mismatch(rp, doc, s, n, "%s %s: llmj_tracker_repair returned %s", how,
                     mode_name(greedy), llmj_strerror(st));
            continue;
        }
        cmp_salvage(rp, doc, s, n, how, greedy, &info, &exp);
        /* R = S[0:k] + closer, NUL-terminated */
        if (rlen != exp.k + exp.closer_len || memcmp(r, s, exp.k) != 0 ||
            memcmp(r + exp.k, exp.closer, exp.closer_len) != 0 || r[rlen] != '\0') {
            if (mismatch(rp, doc, s, n, "%s %s: repair text is not S[0:%zu] + \"%s\"", how,
                         mode_name(greedy), exp.k, exp.closer))
                show_bytes("R", r, rlen);
        } else if (!r_is_valid(r, rlen)) {
            if (mismatch(rp, doc, s, n, "%s %s: R is not valid JSON", how, mode_name(greedy)))
                show_bytes("R", r, rlen);
        } else if (full && !r_is_subtree(r, rlen, full, greedy, end_normal)) {
            /* (with end_normal on a prefix, the caller says a top-level
             * number ends there: it may be a prefix of the document's) */
            if (mismatch(rp, doc, s, n, "%s %s: R holds a value the document does not have",
                         how, mode_name(greedy)))
                show_bytes("R", r, rlen);
        }
    }
}

static void check_tracker(report *rp, const char *doc, llmj_tracker *t, const char *s, size_t n,
                          int end_normal, const ref_cfg *rc, yajl_val full, const char *how)
{
    ref_salv refs[2];
    for (int g = 0; g <= 1; g++)
        assert_int_equal(ref_salvage(s, n, g, end_normal, rc, &refs[g]), 0);
    check_tracker_ref(rp, doc, t, s, n, end_normal, refs, full, how);
    ref_salv_free(&refs[0]);
    ref_salv_free(&refs[1]);
}

/* Every prefix of one document: an incremental tracker fed byte by byte
 * (salvage before finish = truncated), and for each prefix a tracker fed it
 * whole then finished, once truncated and once normal. stride > 1 checks
 * the finished variants on every stride-th prefix only (long documents).
 * Beside them, two trackers without keep_text or callback (what `llmjson
 * check` and a stream without callbacks run: the quiet, lean path of
 * tracker.c), fed byte by byte and in 4-byte pieces: their salvage too. */
static void prefixes_of(report *rp, const char *doc, const char *s, size_t n, size_t stride)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    ref_cfg rc;
    ref_cfg_default(&rc);

    yajl_val full = NULL;
    char *copy = NULL;
    if (ref_is_json(s, n)) {
        char err[256];
        copy = ref_memdup(s, n);
        full = yajl_tree_parse(copy, err, sizeof err);
        if (!full)
            mismatch(rp, doc, s, n, "yajl_tree_parse rejects the document: %s", err);
    }

    llmj_tracker *inc = new_tracker(&ta, &rc, 1);
    llmj_tracker *fin = new_tracker(&ta, &rc, 1);
    llmj_tracker *lean = new_tracker(&ta, &rc, 0), *lean4 = new_tracker(&ta, &rc, 0);
    for (size_t i = 0; i <= n; i++) {
        /* the reference, once per prefix: [end][greedy] */
        ref_salv refs[2][2];
        int finished_too = stride <= 1 || i % stride == 0 || i == n;
        memset(refs, 0, sizeof refs);
        for (int end = 0; end <= finished_too; end++)
            for (int g = 0; g <= 1; g++)
                assert_int_equal(ref_salvage(s, i, g, end, &rc, &refs[end][g]), 0);
        if (i > 0) {
            llmj_status st = llmj_tracker_feed(inc, s + i - 1, 1);
            rp->checks++;
            if (st != expected_feed_status(&refs[0][0]))
                mismatch(rp, doc, s, i, "byte-by-byte feed returned %s, expected %s",
                         llmj_strerror(st), llmj_strerror(expected_feed_status(&refs[0][0])));
        }
        check_tracker_ref(rp, doc, inc, s, i, 0, refs[0], full, "unfinished, byte by byte");
        if (i > 0)
            llmj_tracker_feed(lean, s + i - 1, 1);
        check_salvage_ref(rp, doc, lean, s, i, refs[0], "quiet, byte by byte");
        if (i % 4 == 0 || i == n) {
            size_t from = i % 4 ? i - i % 4 : i < 4 ? 0 : i - 4;
            llmj_tracker_feed(lean4, s + from, i - from);
            check_salvage_ref(rp, doc, lean4, s, i, refs[0], "quiet, 4-byte pieces");
        }
        for (int end = 0; end <= 1 && finished_too; end++) {
            assert_int_equal(llmj_tracker_reset(fin), LLMJ_OK);
            llmj_tracker_feed(fin, s, i);
            llmj_status st = llmj_tracker_finish(fin, end ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
            rp->checks++;
            if (st != expected_finish_status(&refs[end][0]))
                mismatch(rp, doc, s, i, "finish(%s) returned %s, expected %s",
                         end ? "normal" : "truncated", llmj_strerror(st),
                         llmj_strerror(expected_finish_status(&refs[end][0])));
            check_tracker_ref(rp, doc, fin, s, i, end, refs[end], full,
                              end ? "whole, finish(normal)" : "whole, finish(truncated)");
        }
        for (int end = 0; end <= finished_too; end++)
            for (int g = 0; g <= 1; g++)
                ref_salv_free(&refs[end][g]);
    }
    llmj_tracker_free(inc);
    llmj_tracker_free(fin);
    llmj_tracker_free(lean);
    llmj_tracker_free(lean4);
    assert_int_equal(ta.live, 0);
    if (full)
        yajl_tree_free(full);
    free(copy);
}

/* ---- 1. the examples table of docs/salvage.md ------------------------------------------ */

typedef struct example {
    const char *s;
    size_t spaces;        /* appended spaces */
    const char *lossless; /* R */
    const char *greedy;   /* NULL: same */
    llmj_text_status status;
    const char *closed[4];
    size_t nclosed;
    int64_t error;        /* -1: none */
} example;

static const example examples[] = {
    { "{\"a\":1,\"b\":[true,fa", 0, "{\"a\":1,\"b\":[true]}", NULL, LLMJ_TEXT_TRUNCATED, { "/b", "" }, 2, -1 },
    { "{\"a\":1,\"b\":", 0, "{\"a\":1}", NULL, LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "{\"a\":12", 0, "{}", NULL, LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "{\"a\":\"hel", 0, "{}", "{\"a\":\"hel\"}", LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "{\"a\":\"x\\u00", 0, "{}", "{\"a\":\"x\"}", LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "[1,2,", 0, "[1,2]", NULL, LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "[1, 2 ", 0, "[1, 2]", NULL, LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "{\"k", 0, "{}", NULL, LLMJ_TEXT_TRUNCATED, { "" }, 1, -1 },
    { "{\"a\":1,\"b\":x}", 0, "{\"a\":1}", NULL, LLMJ_TEXT_INVALID, { "" }, 1, 11 },
    { "\"abc", 0, "", "\"abc\"", LLMJ_TEXT_TRUNCATED, { NULL }, 0, -1 },
    { "12", 0, "", NULL, LLMJ_TEXT_TRUNCATED, { NULL }, 0, -1 },
    { "{\"a\":1", 300, "{\"a\":1}", NULL, LLMJ_TEXT_RUNAWAY, { "" }, 1, -1 },
    { "[[[[\n", 270, "[[[[]]]]", NULL, LLMJ_TEXT_TRUNCATED, { "/0/0/0", "/0/0", "/0", "" }, 4, -1 },
    { "{\"a\":[]}\n", 0, "{\"a\":[]}", NULL, LLMJ_TEXT_COMPLETE, { NULL }, 0, -1 },
    { "{\"a\":[]} ok", 0, "{\"a\":[]}", NULL, LLMJ_TEXT_INVALID, { NULL }, 0, 9 },
    { "{\"a\":1]", 0, "{\"a\":1}", NULL, LLMJ_TEXT_INVALID, { "" }, 1, 6 },
    { "[1x", 0, "[]", NULL, LLMJ_TEXT_INVALID, { "" }, 1, 2 },
};

static char *example_text(const example *ex, size_t *n)
{
    size_t l = strlen(ex->s);
    char *s = ref_xrealloc(NULL, l + ex->spaces + 1);
    memcpy(s, ex->s, l);
    memset(s + l, ' ', ex->spaces);
    s[l + ex->spaces] = '\0';
    *n = l + ex->spaces;
    return s;
}

static void check_example_salvage(report *rp, const example *ex, const char *s, size_t n,
                                  int greedy, const llmj_salvage *got, const char *r,
                                  size_t rlen, const char *how)
{
    const char *want = greedy && ex->greedy ? ex->greedy : ex->lossless;
    rp->checks++;
    char why[256] = "";
    if (got->status != ex->status)
        snprintf(why, sizeof why, "status %s, expected %s", llmj_text_status_name(got->status),
                 llmj_text_status_name(ex->status));
    else if (rlen != strlen(want) || memcmp(r, want, rlen) != 0)
        snprintf(why, sizeof why, "R \"%.*s\", expected \"%s\"", (int)rlen, r, want);
    else if (got->nclosed != ex->nclosed)
        snprintf(why, sizeof why, "%zu closed, expected %zu", got->nclosed, ex->nclosed);
    else if (ex->error >= 0 && (got->error.code != LLMJ_INVALID ||
                                got->error.offset != (uint64_t)ex->error ||
                                got->error.line != 1 ||
                                got->error.column != (uint64_t)ex->error + 1))
        snprintf(why, sizeof why, "error %d at %llu:%llu:%llu, expected INVALID at %lld:1:%lld",
                 (int)got->error.code, (unsigned long long)got->error.offset,
                 (unsigned long long)got->error.line, (unsigned long long)got->error.column,
                 (long long)ex->error, (long long)ex->error + 1);
    else if (ex->error < 0 && got->error.code != LLMJ_OK)
        snprintf(why, sizeof why, "error %d, expected none", (int)got->error.code);
    else if (ex->status == LLMJ_TEXT_RUNAWAY &&
             (got->runaway != LLMJ_RUNAWAY_WHITESPACE || got->runaway_offset != strlen(ex->s)))
        snprintf(why, sizeof why, "runaway %d at %llu, expected whitespace at %zu",
                 (int)got->runaway, (unsigned long long)got->runaway_offset, strlen(ex->s));
    else if (got->bytes_kept + got->closer_len != rlen)
        snprintf(why, sizeof why, "bytes_kept %llu + closer %zu != |R| %zu",
                 (unsigned long long)got->bytes_kept, got->closer_len, rlen);
    else {
        for (size_t i = 0; i < ex->nclosed; i++)
            if (got->closed_len[i] != strlen(ex->closed[i]) ||
                memcmp(got->closed_pointer, ex->closed[i], got->closed_len[i]) != 0) {
                snprintf(why, sizeof why, "closed[%zu] \"%.*s\", expected \"%s\"", i,
                         (int)got->closed_len[i], got->closed_pointer, ex->closed[i]);
                break;
            }
    }
    if (why[0])
        mismatch(rp, "docs/salvage.md table", s, n, "%s %s: %s", how, mode_name(greedy), why);
}

static void test_examples_table(void **state)
{
    (void)state;
    report rp = { 0 };
    ref_cfg rc;
    ref_cfg_default(&rc);
    for (size_t e = 0; e < sizeof examples / sizeof *examples; e++) {
        const example *ex = &examples[e];
        size_t n;
        char *s = example_text(ex, &n);
        for (int greedy = 0; greedy <= 1; greedy++) {
            /* the reference agrees with the table */
            ref_salv exp;
            assert_int_equal(ref_salvage(s, n, greedy, 0, &rc, &exp), 0);
            const char *want = greedy && ex->greedy ? ex->greedy : ex->lossless;
            int ok = exp.status == (int)ex->status && exp.k + exp.closer_len == strlen(want) &&
                     memcmp(want, s, exp.k) == 0 && strcmp(want + exp.k, exp.closer) == 0 &&
                     exp.nclosed == ex->nclosed &&
                     (ex->error < 0 ? exp.err_code == LLMJ_OK
                                    : exp.err_code == LLMJ_INVALID &&
                                          exp.err_offset == (size_t)ex->error &&
                                          exp.err_line == 1 &&
                                          exp.err_column == (size_t)ex->error + 1);
            for (size_t i = 0; ok && i < exp.nclosed; i++)
                ok = strcmp(exp.closed[i], ex->closed[i]) == 0;
            rp.checks++;
            if (!ok)
                mismatch(&rp, "docs/salvage.md table", s, n, "REFERENCE %s: %s k=%zu closer=%s",
                         mode_name(greedy),
                         llmj_text_status_name((llmj_text_status)exp.status), exp.k,
                         exp.closer);
            ref_salv_free(&exp);

            /* the tracker, fed whole and byte by byte */
            for (int bytewise = 0; bytewise <= 1; bytewise++) {
                tu_alloc ta;
                memset(&ta, 0, sizeof ta);
                llmj_tracker *t = new_tracker(&ta, &rc, 1);
                if (bytewise)
                    for (size_t i = 0; i < n; i++)
                        llmj_tracker_feed(t, s + i, 1);
                else
                    llmj_tracker_feed(t, s, n);
                llmj_salvage got, info;
                assert_int_equal(llmj_tracker_salvage(t, (llmj_salvage_mode)greedy, &got), LLMJ_OK);
                const char *r = NULL;
                size_t rlen = 0;
                assert_int_equal(
                    llmj_tracker_repair(t, (llmj_salvage_mode)greedy, &info, &r, &rlen), LLMJ_OK);
                const char *how = bytewise ? "tracker, byte by byte" : "tracker, whole";
                check_example_salvage(&rp, ex, s, n, greedy, &got, r, rlen, how);
                check_example_salvage(&rp, ex, s, n, greedy, &info, r, rlen, how);
                /* finished as truncated: the same answer */
                llmj_tracker_finish(t, LLMJ_END_TRUNCATED);
                assert_int_equal(
                    llmj_tracker_repair(t, (llmj_salvage_mode)greedy, &info, &r, &rlen), LLMJ_OK);
                check_example_salvage(&rp, ex, s, n, greedy, &info, r, rlen,
                                      bytewise ? "tracker, byte by byte, finished"
                                               : "tracker, whole, finished");
                llmj_tracker_free(t);
                assert_int_equal(ta.live, 0);
            }
        }
        free(s);
    }
    report_end(&rp, "docs/salvage.md examples");
}

/* ---- 2. every prefix of every document -------------------------------------------- */

static void test_prefixes_generated(void **state)
{
    (void)state;
    report rp = { 0 };
    ref_docs d = { 0 };
    ref_docs_generated(&d);
    assert_true(d.n >= 30);
    /* under valgrind (make valgrind sets LLMJ_VALGRIND), long documents are
     * finished at every 7th prefix only; every prefix is still salvaged */
    size_t stride = getenv("LLMJ_VALGRIND") ? 7 : 1;
    if (stride > 1)
        fprintf(stderr, "NOTE: LLMJ_VALGRIND: finished variants at every %zu-th prefix of "
                        "documents over 300 bytes\n", stride);
    for (size_t i = 0; i < d.n; i++)
        prefixes_of(&rp, d.v[i].name, d.v[i].data, d.v[i].len, d.v[i].len > 300 ? stride : 1);
    fprintf(stderr, "%zu generated documents\n", d.n);
    ref_docs_free(&d);
    report_end(&rp, "prefixes of generated documents");
}

static void test_prefixes_corpus(void **state)
{
    (void)state;
    report rp = { 0 };
    ref_docs d = { 0 };
    size_t got = ref_docs_corpus(&d, tu_root());
    fprintf(stderr, "corpus/json: %zu documents\n", got);
    if (got == 0)
        fprintf(stderr, "NOTE: corpus/json has no documents yet; only generated ones tested\n");
    for (size_t i = 0; i < d.n; i++)
        prefixes_of(&rp, d.v[i].name, d.v[i].data, d.v[i].len, d.v[i].len > 4096 ? 7 : 1);
    ref_docs_free(&d);
    report_end(&rp, "prefixes of corpus/json");
}

/* JSONTestSuite's parsing cases: whole and byte by byte, both modes and ends
 * (the files are small; many are invalid, which the corpus has less of). */
static const char *jts_dir(char *buf, size_t cap)
{
    if (!tu_have_shared("jsontestsuite/test_parsing", "the JSONTestSuite salvage cases"))
        return NULL;
    return tu_shared(buf, cap, "jsontestsuite/test_parsing");
}

static void test_jsontestsuite(void **state)
{
    (void)state;
    report rp = { 0 };
    char dir[4096];
    if (!jts_dir(dir, sizeof dir))
        return;
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *de;
    size_t files = 0;
    ref_cfg rc;
    ref_cfg_default(&rc);
    while ((de = readdir(dp)) != NULL) {
        char c0 = de->d_name[0];
        if (c0 != 'y' && c0 != 'n' && c0 != 'i')
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n;
        char *s = tu_read_file(path, &n);
        assert_non_null(s);
        files++;
        /* the reference's own verdict */
        ref_salv exp;
        assert_int_equal(ref_salvage(s, n, 0, 1, &rc, &exp), 0);
        rp.checks++;
        if (c0 == 'y' && exp.status != LLMJ_TEXT_COMPLETE)
            mismatch(&rp, de->d_name, s, n, "REFERENCE rejects a y_ case");
        if (c0 == 'n' && exp.status == LLMJ_TEXT_COMPLETE)
            mismatch(&rp, de->d_name, s, n, "REFERENCE accepts an n_ case");
        ref_salv_free(&exp);

        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        for (int end = 0; end <= 1; end++) {
            for (int bytewise = 0; bytewise <= 1; bytewise++) {
                llmj_tracker *t = new_tracker(&ta, &rc, 1);
                if (bytewise)
                    for (size_t i = 0; i < n; i++)
                        llmj_tracker_feed(t, s + i, 1);
                else
                    llmj_tracker_feed(t, s, n);
                llmj_status st = llmj_tracker_finish(t, end ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
                assert_int_equal(ref_salvage(s, n, 0, end, &rc, &exp), 0);
                rp.checks++;
                if (st != expected_finish_status(&exp))
                    mismatch(&rp, de->d_name, s, n, "finish returned %s, expected %s",
                             llmj_strerror(st), llmj_strerror(expected_finish_status(&exp)));
                ref_salv_free(&exp);
                check_tracker(&rp, de->d_name, t, s, n, end, &rc, NULL,
                              bytewise ? "byte by byte, finished" : "whole, finished");
                llmj_tracker_free(t);
            }
        }
        assert_int_equal(ta.live, 0);
        free(s);
    }
    closedir(dp);
    fprintf(stderr, "JSONTestSuite: %zu files from %s\n", files, dir);
    assert_true(files > 300);
    report_end(&rp, "JSONTestSuite");
}

/* ---- the reference against corpus/json/NAME.expect ------------------------------- */

static yajl_val get_key(yajl_val obj, const char *key)
{
    const char *path[] = { key, NULL };
    return yajl_tree_get(obj, path, yajl_t_any);
}

static void test_reference_vs_corpus_expect(void **state)
{
    (void)state;
    report rp = { 0 };
    ref_docs d = { 0 };
    size_t got = ref_docs_corpus(&d, tu_root());
    ref_cfg rc;
    ref_cfg_default(&rc);
    size_t compared = 0;
    for (size_t i = 0; i < got; i++) {
        char path[512];
        /* corpus/NAME.json -> corpus/json/NAME.expect */
        snprintf(path, sizeof path, "corpus/json/%.*s.expect",
                 (int)(strlen(d.v[i].name) - 12), d.v[i].name + 7);
        size_t elen;
        char *expect = tu_read_file(path, &elen);
        if (!expect)
            continue;
        char *line = expect;
        for (int greedy = 0; greedy <= 1 && line && *line; greedy++) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            char err[256];
            yajl_val v = yajl_tree_parse(line, err, sizeof err);
            if (!v) {
                mismatch(&rp, d.v[i].name, d.v[i].data, d.v[i].len, "unreadable .expect: %s", err);
                break;
            }
            ref_salv exp;
            assert_int_equal(ref_salvage(d.v[i].data, d.v[i].len, greedy, 0, &rc, &exp), 0);
            compared++;
            rp.checks++;
            yajl_val st = get_key(v, "status"), bk = get_key(v, "bytes_kept");
            yajl_val cl = get_key(v, "closed"), er = get_key(v, "error");
            yajl_val tx = get_key(v, "text");
            const char *sname = llmj_text_status_name((llmj_text_status)exp.status);
            char rtext[1 << 16];
            snprintf(rtext, sizeof rtext, "%.*s%s", (int)exp.k, d.v[i].data, exp.closer);
            int ok = YAJL_IS_STRING(st) && strcmp(ystr(st), sname) == 0 &&
                     YAJL_IS_NUMBER(bk) && (size_t)YAJL_GET_INTEGER(bk) == exp.k &&
                     YAJL_IS_ARRAY(cl) && cl->u.array.len == exp.nclosed &&
                     YAJL_IS_STRING(tx) && strcmp(ystr(tx), rtext) == 0;
            for (size_t j = 0; ok && j < exp.nclosed; j++)
                ok = YAJL_IS_STRING(cl->u.array.values[j]) &&
                     strcmp(ystr(cl->u.array.values[j]), exp.closed[j]) == 0;
            if (ok && exp.err_code != LLMJ_OK) {
                yajl_val off = er ? get_key(er, "offset") : NULL;
                yajl_val ln = er ? get_key(er, "line") : NULL;
                yajl_val co = er ? get_key(er, "column") : NULL;
                ok = off && ln && co && (size_t)YAJL_GET_INTEGER(off) == exp.err_offset &&
                     (size_t)YAJL_GET_INTEGER(ln) == exp.err_line &&
                     (size_t)YAJL_GET_INTEGER(co) == exp.err_column;
            } else if (ok) {
                ok = er == NULL || YAJL_IS_NULL(er);
            }
            if (!ok)
                mismatch(&rp, d.v[i].name, d.v[i].data, d.v[i].len,
                         "REFERENCE vs .expect line %d (%s): reference says %s k=%zu R=\"%s\" "
                         "err=%d@%zu; .expect: %s",
                         greedy + 1, mode_name(greedy), sname, exp.k, rtext, exp.err_code,
                         exp.err_offset, line);
            ref_salv_free(&exp);
            yajl_tree_free(v);
            line = nl ? nl + 1 : NULL;
        }
        free(expect);
    }
    ref_docs_free(&d);
    fprintf(stderr, "reference vs corpus .expect: %zu lines compared\n", compared);
    report_end(&rp, "reference vs corpus/json .expect");
}

/* ---- small cases the properties might miss -------------------------------------- */

typedef struct small_case {
    const char *s;
    size_t n; /* 0: strlen */
} small_case;

static void test_small_cases(void **state)
{
    (void)state;
    report rp = { 0 };
    static const small_case cases[] = {
        { "\"\\uDC", 0 }, { "\"\\udc00\"", 0 }, { "\"\\uD800x", 0 }, { "\"\\uD800\\n", 0 },
        { "\"\\uD800\\u0041\"", 0 }, { "\"\\uD800\\uD800\"", 0 }, { "\"\\uD800\\uDB", 0 },
        { "[\"\\ud83d\\ude00\\ud83d", 0 }, { "[\"\\ud83d\\", 0 }, { "[\"\\ud83d\\u", 0 },
        { "[\"\\ud83d\\uDE0", 0 }, { "[\"a\\", 0 }, { "[\"a\\u", 0 }, { "[\"a\\u12", 0 },
        { "[\"\xe2\x82", 0 }, { "[\"\xf0\x9f\x98", 0 }, { "[\"\xc3", 0 },
        { "[\"\xc0\x80\"]", 0 }, { "[\"\xc1\xbf\"]", 0 }, { "[\"\xe0\x80\x80\"]", 0 },
        { "[\"\xe0\x9f\xbf\"]", 0 }, { "[\"\xed\xa0\x80\"]", 0 }, { "[\"\xed\xbf\xbf\"]", 0 },
        { "[\"\xf0\x80\x80\x80\"]", 0 }, { "[\"\xf0\x8f\xbf\xbf\"]", 0 },
        { "[\"\xf4\x90\x80\x80\"]", 0 }, { "[\"\xf5\x80\x80\x80\"]", 0 }, { "[\"\xff\"]", 0 },
        { "[\"\x80\"]", 0 }, { "[\"\xe2\x82\"]", 0 }, { "[\"\xe2\"]", 0 },
        { "[\"\xf0\x9f\x98\x80\x80\"]", 0 }, { "[\"\x01\"]", 0 }, { "[\"\x1f\"]", 0 },
        { "[\"\t\"]", 0 }, { "[\"\x7f\"]", 0 }, { "[1,\x00]", 5 }, { "\x00", 1 },
        { "{\"a\":1}\x00", 8 }, { "[\"a\x00b\"]", 8 }, { "\f[]", 0 }, { "[1,\f2]", 0 },
        { "[1\f]", 0 }, { "{} \f", 0 }, { "[\"\\a\"]", 0 }, { "[\"\\x41\"]", 0 },
        { "[\"\\U0041\"]", 0 }, { "[\"\\u00G0\"]", 0 }, { "[\"\\'\"]", 0 },
        { "-", 0 }, { "[-", 0 }, { "[-]", 0 }, { "[-a]", 0 }, { "[01]", 0 }, { "[-01]", 0 },
        { "[00]", 0 }, { "[1.]", 0 }, { "[1.e5]", 0 }, { "[.5]", 0 }, { "[1e]", 0 },
        { "[1e+]", 0 }, { "[1E-", 0 }, { "[+1]", 0 }, { "[1.5e3x]", 0 }, { "1 2", 0 },
        { "1x", 0 }, { "1 x", 0 }, { "1e5]", 0 }, { "truex", 0 }, { "[truex", 0 },
        { "[tRue]", 0 }, { "[nul", 0 }, { "[nulx", 0 }, { "[True]", 0 }, { "{,}", 0 },
        { "{\"a\"}", 0 }, { "{\"a\":}", 0 }, { "{\"a\" 1}", 0 }, { "{\"a\":1,}", 0 },
        { "[1,]", 0 }, { "[,1]", 0 }, { "[1 2]", 0 }, { "{\"a\":1 \"b\":2}", 0 },
        { "{1:2}", 0 }, { "{'a':1}", 0 }, { "]", 0 }, { "}", 0 }, { "[}", 0 }, { "{]", 0 },
        { "[[]", 0 }, { "[{}", 0 }, { "[{\"\":", 0 }, { "[{\"\": ", 0 }, { "[{\"\":[", 0 },
        { "{\"a\":{\"b\":[1,{\"c\":\"d", 0 }, { "{\"a\":{\"b\":[1,{\"c\":\"d\"", 0 },
        { "{\"a\":{\"b\":[1,{\"c\":\"d\"}", 0 }, { "\n\n  [\n1,\n 2x", 0 },
        { "\r\n{\"a\":\n\n1]", 0 }, { " ", 0 }, { "", 0 }, { "\t\n\r ", 0 },
        { "\"", 0 }, { "\"\\", 0 }, { "\"\\\"", 0 }, { "[\"\"", 0 }, { "{\"\":\"", 0 },
        { "{\"a~b/c\":[{\"\\u00e9\":[[", 0 }, { "{\"\\u0000\":[", 0 },
        { "[1.5e+10 ", 0 }, { "[-0.0e-0,", 0 }, { "-0", 0 }, { "-0.", 0 }, { "0e", 0 },
        { "123456789012345678901234567890", 0 }, { "[123456789012345678901234567890]", 0 },
    };
    ref_cfg rc;
    ref_cfg_default(&rc);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        size_t n = cases[c].n ? cases[c].n : strlen(cases[c].s);
        const char *s = cases[c].s;
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        for (int end = 0; end <= 1; end++) {
            for (int bytewise = 0; bytewise <= 1; bytewise++) {
                llmj_tracker *t = new_tracker(&ta, &rc, 1);
                if (bytewise)
                    for (size_t i = 0; i < n; i++)
                        llmj_tracker_feed(t, s + i, 1);
                else
                    llmj_tracker_feed(t, s, n);
                check_tracker(&rp, "small", t, s, n, 0, &rc, NULL,
                              bytewise ? "byte by byte" : "whole");
                llmj_status st = llmj_tracker_finish(t, end ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
                ref_salv exp;
                assert_int_equal(ref_salvage(s, n, 0, end, &rc, &exp), 0);
                rp.checks++;
                if (st != expected_finish_status(&exp))
                    mismatch(&rp, "small", s, n, "finish returned %s, expected %s",
                             llmj_strerror(st), llmj_strerror(expected_finish_status(&exp)));
                ref_salv_free(&exp);
                check_tracker(&rp, "small", t, s, n, end, &rc, NULL,
                              end ? "finished normal" : "finished truncated");
                llmj_tracker_free(t);
            }
        }
        assert_int_equal(ta.live, 0);
    }
    report_end(&rp, "small cases");
}

/* Only LF ends a line; the column counts bytes from 1. */
static void test_error_line_column(void **state)
{
    (void)state;
    const char *s = "{\r\n\"a\":\n  [1,\n\t\xc3\xa9x";
    /* raw UTF-8 outside a string is not a value: the error is at its first
     * byte, offset 15: line 4 (three LFs before it), column 2 (after a tab) */
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    ref_cfg rc;
    ref_cfg_default(&rc);
    llmj_tracker *t = new_tracker(&ta, &rc, 0);
    assert_int_equal(llmj_tracker_feed(t, s, strlen(s)), LLMJ_INVALID);
    const llmj_error *e = llmj_tracker_error(t);
    assert_int_equal(e->code, LLMJ_INVALID);
    assert_int_equal(e->offset, 15);
    assert_int_equal(e->line, 4);
    assert_int_equal(e->column, 2);
    llmj_salvage sv;
    assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
    assert_int_equal(sv.status, LLMJ_TEXT_INVALID);
    assert_int_equal(sv.error.offset, 15);
    assert_int_equal(sv.error.line, 4);
    assert_int_equal(sv.error.column, 2);
    assert_int_equal(sv.bytes_kept, 12); /* after "1", the ',' delimits it */
    llmj_tracker_free(t);
    assert_int_equal(ta.live, 0);
}

/* ---- the whitespace allowance per depth ---------------------------------------------- */

/* json.dumps(x, indent=4) of depth nested arrays around 1. */
static char *pretty_nested(size_t depth, size_t *n)
{
    rbuf b = { 0 };
    for (size_t i = 0; i < depth; i++) {
        for (size_t j = 0; j < 4 * i; j++)
            rb_addc(&b, ' ');
        rb_add(&b, "[\n", 2);
    }
    for (size_t j = 0; j < 4 * depth; j++)
        rb_addc(&b, ' ');
    rb_add(&b, "1\n", 2);
    for (size_t i = depth; i-- > 0;) {
        for (size_t j = 0; j < 4 * i; j++)
            rb_addc(&b, ' ');
        rb_addc(&b, ']');
        if (i)
            rb_addc(&b, '\n');
    }
    *n = b.n;
    return b.d;
}

/* A pretty-printed text 70 deep (runs of an LF and 280 spaces) is no runaway
 * with the default allowance (256 + 8 * 70) and is one without it (I = 0):
 * the tracker, fed byte by byte and whole, agrees with the reference on every
 * prefix around the deepest runs, both modes. */
static void test_pretty_deep_indent(void **state)
{
    (void)state;
    report rp = { 0 };
    size_t n;
    char *s = pretty_nested(70, &n);
    /* the deepest runs: from the last '[' to the first ']' */
    size_t lo = 0, hi = n;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '[')
            lo = i;
    for (size_t i = lo; i < n; i++)
        if (s[i] == ']') {
            hi = i + 2;
            break;
        }
    assert_true(lo > 0 && hi < n);
    for (int indent = 8; indent >= 0; indent -= 8) {
        tu_alloc ta;
        memset(&ta, 0, sizeof ta);
        ref_cfg rc;
        ref_cfg_default(&rc);
        rc.whitespace_indent = (size_t)indent;
        llmj_tracker *inc = new_tracker(&ta, &rc, 1);
        llmj_tracker *fin = new_tracker(&ta, &rc, 1);
        for (size_t i = 0; i <= n; i++) {
            if (i > 0)
                llmj_tracker_feed(inc, s + i - 1, 1);
            /* every prefix around the deepest runs, and the whole text */
            if ((i < lo || i > hi) && i != n)
                continue;
            char how[64];
            snprintf(how, sizeof how, "indent %d, byte by byte", indent);
            check_tracker(&rp, "pretty-70", inc, s, i, 0, &rc, NULL, how);
            assert_int_equal(llmj_tracker_reset(fin), LLMJ_OK);
            llmj_tracker_feed(fin, s, i);
            llmj_tracker_finish(fin, LLMJ_END_NORMAL);
            snprintf(how, sizeof how, "indent %d, whole, finish(normal)", indent);
            check_tracker(&rp, "pretty-70", fin, s, i, 1, &rc, NULL, how);
        }
        llmj_salvage sv;
        assert_int_equal(llmj_tracker_salvage(inc, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
        if (indent) {
            assert_int_equal(sv.status, LLMJ_TEXT_COMPLETE);
            assert_int_equal(llmj_tracker_finish(inc, LLMJ_END_NORMAL), LLMJ_OK);
            assert_int_equal(llmj_tracker_salvage(inc, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
            assert_int_equal(sv.status, LLMJ_TEXT_COMPLETE);
            assert_int_equal(sv.bytes_kept, n);
        } else {
            /* the first run of 256 bytes: the LF after the 64th '[' and
             * 4 * 64 spaces; the cut is right after that '[' */
            size_t r = 0;
            for (size_t i = 0, opened = 0; i < n && opened < 64; i++)
                if (s[i] == '[' && ++opened == 64)
                    r = i + 1;
            assert_int_equal(sv.status, LLMJ_TEXT_RUNAWAY);
            assert_int_equal(sv.runaway_offset, r);
            assert_int_equal(sv.bytes_kept, r);
        }
        llmj_tracker_free(inc);
        llmj_tracker_free(fin);
        assert_int_equal(ta.live, 0);
    }
    free(s);
    report_end(&rp, "pretty text 70 deep");
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]); /* e.g. "test_deep*" */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_table),
        cmocka_unit_test(test_error_line_column),
        cmocka_unit_test(test_small_cases),
        cmocka_unit_test(test_reference_vs_corpus_expect),
        cmocka_unit_test(test_prefixes_generated),
        cmocka_unit_test(test_prefixes_corpus),
        cmocka_unit_test(test_jsontestsuite),
        cmocka_unit_test(test_pretty_deep_indent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
