/* Conformance: the tracker against JSONTestSuite (nst/JSONTestSuite, the
 * test_parsing/ files, in the reference folder's jsontestsuite/ when it is
 * there: $LLMJ_SHARED, default ../shared beside the repository).
 *
 * - every y_ file is accepted: finish(LLMJ_END_NORMAL) returns LLMJ_OK and
 *   the salvage says complete, fed whole and one byte at a time;
 * - every n_ file is rejected, with a position: either an error (INVALID,
 *   TOO_DEEP, TOO_LONG) at an offset e inside the text, with line and column
 *   matching e, where S[0:e] is still viable and S[0:e+1] is not (so e is
 *   the first byte that no valid text can have there), or the text is
 *   viable but unfinished (TRUNCATED) or only whitespace (EMPTY), whose
 *   position is the end of the input;
 * - every i_ file gives the answer in k_i_table below (status and error
 *   offset), each checked by hand against RFC 8259 and the library's
 *   documented choices (see docs/reliability.md): integers and exponents of
 *   any size are accepted and delivered verbatim; unpaired surrogate escapes,
 *   invalid UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated, lone
 *   continuation, Latin-1), UTF-16 and a byte order mark are rejected; 500
 *   nested arrays are within the default max_depth of 512;
 * - every prefix of every y_ file salvages, in both modes, unfinished and
 *   finished either way, into R = S[0:k] + closer that is empty or parses
 *   with yajl_tree_parse.
 * With LLMJ_CONFORMANCE_TABLE=1 the results table is printed (markdown) for
 * docs/reliability.md. When the suite is absent, this says so loudly and
 * passes. */
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

/* ---- the documented answers for the implementation-defined files ---------- */

typedef struct i_answer {
    const char *name;
    llmj_status finish; /* finish(LLMJ_END_NORMAL) */
    long offset;        /* error offset, -1 when accepted */
    const char *why;    /* the rule it follows */
} i_answer;

static const i_answer k_i_table[] = {
    { "i_number_double_huge_neg_exp.json", LLMJ_OK, -1, "any exponent (RFC 8259 grammar)" },
    { "i_number_huge_exp.json", LLMJ_OK, -1, "any exponent" },
    { "i_number_neg_int_huge_exp.json", LLMJ_OK, -1, "any exponent" },
    { "i_number_pos_double_huge_exp.json", LLMJ_OK, -1, "any exponent" },
    { "i_number_real_neg_overflow.json", LLMJ_OK, -1, "beyond double: verbatim" },
    { "i_number_real_pos_overflow.json", LLMJ_OK, -1, "beyond double: verbatim" },
    { "i_number_real_underflow.json", LLMJ_OK, -1, "below double: verbatim" },
    { "i_number_too_big_neg_int.json", LLMJ_OK, -1, "big integer: verbatim" },
    { "i_number_too_big_pos_int.json", LLMJ_OK, -1, "big integer: verbatim" },
    { "i_number_very_big_negative_int.json", LLMJ_OK, -1, "big integer: verbatim" },
    { "i_object_key_lone_2nd_surrogate.json", LLMJ_INVALID, 5, "lone low surrogate escape" },
    { "i_string_1st_surrogate_but_2nd_missing.json", LLMJ_INVALID, 8, "high surrogate escape, no low" },
    { "i_string_1st_valid_surrogate_2nd_invalid.json", LLMJ_INVALID, 10, "high surrogate, then \\u1234" },
    { "i_string_UTF-16LE_with_BOM.json", LLMJ_INVALID, 0, "UTF-16 (RFC 8259 8.1: UTF-8)" },
    { "i_string_UTF-8_invalid_sequence.json", LLMJ_INVALID, 7, "invalid UTF-8 lead byte 0xFA" },
    { "i_string_UTF8_surrogate_U+D800.json", LLMJ_INVALID, 3, "UTF-8 encoded surrogate" },
    { "i_string_incomplete_surrogate_and_escape_valid.json", LLMJ_INVALID, 9, "high surrogate, then \\n" },
    { "i_string_incomplete_surrogate_pair.json", LLMJ_INVALID, 5, "lone low surrogate escape" },
    { "i_string_incomplete_surrogates_escape_valid.json", LLMJ_INVALID, 11, "two high surrogates" },
    { "i_string_invalid_lonely_surrogate.json", LLMJ_INVALID, 8, "high surrogate escape, no low" },
    { "i_string_invalid_surrogate.json", LLMJ_INVALID, 8, "high surrogate escape, then text" },
    { "i_string_invalid_utf-8.json", LLMJ_INVALID, 2, "byte 0xFF" },
    { "i_string_inverted_surrogates_U+1D11E.json", LLMJ_INVALID, 5, "low surrogate first" },
    { "i_string_iso_latin_1.json", LLMJ_INVALID, 3, "Latin-1 0xE9: a lead byte without continuation" },
    { "i_string_lone_second_surrogate.json", LLMJ_INVALID, 5, "lone low surrogate escape" },
    { "i_string_lone_utf8_continuation_byte.json", LLMJ_INVALID, 2, "lone continuation byte" },
    { "i_string_not_in_unicode_range.json", LLMJ_INVALID, 3, "beyond U+10FFFF" },
    { "i_string_overlong_sequence_2_bytes.json", LLMJ_INVALID, 2, "overlong (0xC0)" },
    { "i_string_overlong_sequence_6_bytes.json", LLMJ_INVALID, 2, "6-byte form (0xFC)" },
    { "i_string_overlong_sequence_6_bytes_null.json", LLMJ_INVALID, 2, "6-byte form (0xFC)" },
    { "i_string_truncated-utf-8.json", LLMJ_INVALID, 3, "0xE0 then 0xFF" },
    { "i_string_utf16BE_no_BOM.json", LLMJ_INVALID, 0, "UTF-16 (a NUL byte)" },
    { "i_string_utf16LE_no_BOM.json", LLMJ_INVALID, 1, "UTF-16 (a NUL byte)" },
    { "i_structure_500_nested_arrays.json", LLMJ_OK, -1, "500 <= max_depth 512" },
    { "i_structure_UTF-8_BOM_empty_object.json", LLMJ_INVALID, 0,
      "byte order mark (RFC 8259 8.1 allows rejecting it)" },
};

/* ---- helpers ---------------------------------------------------------------- */

static const char *jts_dir(char *buf, size_t cap, const char *what_is_skipped)
{
    if (!tu_have_shared("jsontestsuite/test_parsing", what_is_skipped))
        return NULL;
    tu_shared(buf, cap, "jsontestsuite/test_parsing");
    DIR *d = opendir(buf);
    if (!d)
        return NULL;
    closedir(d);
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the files of dir starting with prefix, sorted. */
static char **list_files(const char *dir, char prefix, size_t *count)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != prefix || de->d_name[1] != '_')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = realloc(v, cap * sizeof *v);
            assert_non_null(v);
        }
        v[n] = strdup(de->d_name);
        assert_non_null(v[n]);
        n++;
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp_str);
    *count = n;
    return v;
}

static void free_files(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static char *read_case(const char *dir, const char *name, size_t *len)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = tu_read_file(path, len);
    assert_non_null(s);
    return s;
}

typedef struct outcome {
    llmj_status feed;   /* last feed status */
    llmj_status finish;
    llmj_error err;
    uint64_t bytes;
    llmj_text_status salvage;
} outcome;

/* Feed s[0:n] (whole, or one byte at a time), finish with end. */
static void run(const char *s, size_t n, int bytewise, llmj_end end, outcome *o)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
    o->feed = LLMJ_OK;
    if (bytewise) {
        for (size_t i = 0; i < n && o->feed == LLMJ_OK; i++)
            o->feed = llmj_tracker_feed(t, s + i, 1);
    } else {
        o->feed = llmj_tracker_feed(t, s, n);
    }
    o->finish = llmj_tracker_finish(t, end);
    o->err = *llmj_tracker_error(t);
    o->err.message = NULL; /* owned by t */
    o->bytes = llmj_tracker_bytes(t);
    llmj_salvage sv;
    assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
    o->salvage = sv.status;
    llmj_tracker_free(t);
    assert_int_equal(ta.live, 0);
}

static void line_col(const char *s, uint64_t off, uint64_t *line, uint64_t *col)
{
    uint64_t l = 1, start = 0;
    for (uint64_t i = 0; i < off; i++)
        if (s[i] == '\n')
            l++, start = i + 1;
    *line = l;
    *col = off - start + 1;
}

static int is_error_status(llmj_status st)
{
    return st == LLMJ_INVALID || st == LLMJ_TOO_DEEP || st == LLMJ_TOO_LONG;
}

/* ---- y_ ------------------------------------------------------------------------ */

static void test_y_accepted(void **state)
{
    (void)state;
    char dir[4096];
    if (!jts_dir(dir, sizeof dir, "conformance over the y_ files"))
        return;
    size_t n;
    char **files = list_files(dir, 'y', &n);
    assert_true(n >= 95);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *s = read_case(dir, files[i], &len);
        for (int bytewise = 0; bytewise <= 1; bytewise++) {
            outcome o;
            run(s, len, bytewise, LLMJ_END_NORMAL, &o);
            if (o.finish != LLMJ_OK || o.salvage != LLMJ_TEXT_COMPLETE || o.bytes != len) {
                fprintf(stderr, "%s (%s): finish %s, salvage %s\n", files[i],
                        bytewise ? "bytewise" : "whole", llmj_strerror(o.finish),
                        llmj_text_status_name(o.salvage));
                bad++;
            }
        }
        free(s);
    }
    free_files(files, n);
    assert_int_equal(bad, 0);
}

/* ---- n_ ------------------------------------------------------------------------ */

typedef struct n_counts {
    size_t invalid, too_deep, too_long, truncated, empty;
} n_counts;

static void check_n(const char *dir, const char *name, n_counts *c)
{
    size_t len;
    char *s = read_case(dir, name, &len);
    outcome o, ob;
    run(s, len, 0, LLMJ_END_NORMAL, &o);
    run(s, len, 1, LLMJ_END_NORMAL, &ob);
    if (o.finish == LLMJ_OK)
        fprintf(stderr, "%s: ACCEPTED\n", name);
    assert_int_not_equal(o.finish, LLMJ_OK);
    /* the same at one byte per piece */
    assert_int_equal(o.finish, ob.finish);
    assert_int_equal(o.err.code, ob.err.code);
    assert_int_equal(o.err.offset, ob.err.offset);
    assert_int_equal(o.bytes, ob.bytes);
    if (is_error_status(o.finish)) {
        /* a position inside the text, its line and column, and the first
         * byte no valid text can have there */
        uint64_t e = o.err.offset, line, col;
        assert_int_equal(o.err.code, o.finish);
        assert_true(e < len);
        assert_int_equal(o.bytes, e);
        line_col(s, e, &line, &col);
        assert_int_equal(o.err.line, line);
        assert_int_equal(o.err.column, col);
        outcome before, at;
        run(s, (size_t)e, 0, LLMJ_END_TRUNCATED, &before);
        run(s, (size_t)e + 1, 0, LLMJ_END_TRUNCATED, &at);
        if (is_error_status(before.finish))
            fprintf(stderr, "%s: S[0:%llu] already fails\n", name, (unsigned long long)e);
        assert_false(is_error_status(before.finish));
        assert_int_equal(at.finish, o.finish);
        assert_int_equal(at.err.offset, e);
        if (o.finish == LLMJ_INVALID)
            c->invalid++;
        else if (o.finish == LLMJ_TOO_DEEP)
            c->too_deep++;
        else
            c->too_long++;
    } else if (o.finish == LLMJ_TRUNCATED) {
        assert_int_equal(o.salvage, LLMJ_TEXT_TRUNCATED);
        assert_int_equal(o.bytes, len);
        assert_int_equal(o.err.code, LLMJ_OK);
        c->truncated++;
    } else {
        if (o.finish != LLMJ_EMPTY)
            fprintf(stderr, "%s: finish %s\n", name, llmj_strerror(o.finish));
        assert_int_equal(o.finish, LLMJ_EMPTY);
        assert_int_equal(o.bytes, len);
        c->empty++;
    }
    free(s);
}

static n_counts g_n;
static size_t g_n_files;

static void test_n_rejected(void **state)
{
    (void)state;
    char dir[4096];
    if (!jts_dir(dir, sizeof dir, "conformance over the n_ files"))
        return;
    size_t n;
    char **files = list_files(dir, 'n', &n);
    assert_true(n >= 188);
    memset(&g_n, 0, sizeof g_n);
    for (size_t i = 0; i < n; i++)
        check_n(dir, files[i], &g_n);
    g_n_files = n;
    assert_int_equal(g_n.invalid + g_n.too_deep + g_n.too_long + g_n.truncated + g_n.empty, n);
    free_files(files, n);
}

/* ---- i_ ------------------------------------------------------------------------ */

static void test_i_table(void **state)
{
    (void)state;
    char dir[4096];
    if (!jts_dir(dir, sizeof dir, "conformance over the i_ files"))
        return;
    size_t n;
    char **files = list_files(dir, 'i', &n);
    size_t ntable = sizeof k_i_table / sizeof *k_i_table;
    /* every file has an answer, and every answer a file */
    assert_int_equal(n, ntable);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const i_answer *a = NULL;
        for (size_t j = 0; j < ntable; j++)
            if (strcmp(k_i_table[j].name, files[i]) == 0)
                a = &k_i_table[j];
        if (!a)
            fprintf(stderr, "%s: not in the table\n", files[i]);
        assert_non_null(a);
        size_t len;
        char *s = read_case(dir, files[i], &len);
        for (int bytewise = 0; bytewise <= 1; bytewise++) {
            outcome o;
            run(s, len, bytewise, LLMJ_END_NORMAL, &o);
            long off = is_error_status(o.finish) ? (long)o.err.offset : -1;
            if (o.finish != a->finish || off != a->offset) {
                fprintf(stderr, "%s: finish %s at %ld, the table says %s at %ld\n", files[i],
                        llmj_strerror(o.finish), off, llmj_strerror(a->finish), a->offset);
                bad++;
            }
        }
        free(s);
    }
    free_files(files, n);
    assert_int_equal(bad, 0);
}

/* ---- every prefix of every y_ file salvages into JSON ---------------------------- */

static void check_r(const char *name, size_t prefix, const char *how, const char *r, size_t rl)
{
    if (rl == 0)
        return;
    char err[256];
    yajl_val v = yajl_tree_parse(r, err, sizeof err);
    if (!v)
        fprintf(stderr, "%s, prefix %zu, %s: R does not parse: %s (%s)\n", name, prefix, how, r,
                err);
    assert_non_null(v);
    yajl_tree_free(v);
}

static size_t g_prefixes;

static void test_y_prefixes_salvage(void **state)
{
    (void)state;
    char dir[4096];
    if (!jts_dir(dir, sizeof dir, "conformance over the prefixes"))
        return;
    size_t n;
    char **files = list_files(dir, 'y', &n);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    cfg.keep_text = 1;
    g_prefixes = 0;
    for (size_t f = 0; f < n; f++) {
        size_t len;
        char *s = read_case(dir, files[f], &len);
        /* one tracker fed byte by byte, repaired after every byte */
        llmj_tracker *inc;
        assert_int_equal(llmj_tracker_new(&inc, &cfg, NULL, NULL), LLMJ_OK);
        for (size_t p = 0; p <= len; p++) {
            if (p > 0)
                assert_int_equal(llmj_tracker_feed(inc, s + p - 1, 1), LLMJ_OK);
            for (int m = 0; m <= 1; m++) {
                llmj_salvage info;
                const char *r;
                size_t rl;
                assert_int_equal(llmj_tracker_repair(inc, (llmj_salvage_mode)m, &info, &r, &rl),
                                 LLMJ_OK);
                assert_true(info.bytes_kept <= p);
                assert_int_equal(rl, info.bytes_kept + info.closer_len);
                assert_memory_equal(r, s, (size_t)info.bytes_kept);
                check_r(files[f], p, m ? "greedy, unfinished" : "lossless, unfinished", r, rl);
            }
            /* a fresh tracker for this prefix, finished both ways */
            for (int end = 0; end <= 1; end++) {
                llmj_tracker *t;
                assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
                assert_int_equal(llmj_tracker_feed(t, s, p), LLMJ_OK);
                llmj_tracker_finish(t, (llmj_end)end);
                for (int m = 0; m <= 1; m++) {
                    const char *r;
                    size_t rl;
                    assert_int_equal(llmj_tracker_repair(t, (llmj_salvage_mode)m, NULL, &r, &rl),
                                     LLMJ_OK);
                    check_r(files[f], p, end ? "finished normally" : "finished truncated", r, rl);
                }
                llmj_tracker_free(t);
            }
            g_prefixes++;
        }
        llmj_tracker_free(inc);
        free(s);
    }
    free_files(files, n);
    assert_int_equal(ta.live, 0);
    fprintf(stderr, "JSONTestSuite: %zu prefixes of the y_ files salvaged, in both modes, "
                    "unfinished and finished both ways: every R parses or is empty\n",
            g_prefixes);
}

/* ---- the table for the README ----------------------------------------------------- */

static void test_print_table(void **state)
{
    (void)state;
    char dir[4096];
    if (!getenv("LLMJ_CONFORMANCE_TABLE") || !jts_dir(dir, sizeof dir, "the conformance table"))
        return;
    size_t ny, ni;
    char **y = list_files(dir, 'y', &ny);
    char **i = list_files(dir, 'i', &ni);
    printf("| category | files | result |\n| --- | --- | --- |\n");
    printf("| y_ (must accept) | %zu | %zu accepted (complete), whole and one byte at a time |\n",
           ny, ny);
    printf("| n_ (must reject) | %zu | %zu rejected: %zu invalid, %zu too deep, %zu too long "
           "(each at the first byte no valid text can have), %zu truncated, %zu empty |\n",
           g_n_files, g_n_files, g_n.invalid, g_n.too_deep, g_n.too_long, g_n.truncated,
           g_n.empty);
    size_t acc = 0;
    for (size_t k = 0; k < sizeof k_i_table / sizeof *k_i_table; k++)
        acc += k_i_table[k].finish == LLMJ_OK;
    printf("| i_ (implementation-defined) | %zu | %zu accepted, %zu rejected (table below) |\n",
           ni, acc, ni - acc);
    printf("| y_ prefixes salvaged | %zu | every R (both modes, unfinished and finished) "
           "parses with yajl_tree_parse or is empty |\n\n", g_prefixes);
    printf("| i_ file | answer | why |\n| --- | --- | --- |\n");
    for (size_t k = 0; k < sizeof k_i_table / sizeof *k_i_table; k++) {
        const i_answer *a = &k_i_table[k];
        if (a->finish == LLMJ_OK)
            printf("| %s | accepted | %s |\n", a->name, a->why);
        else
            printf("| %s | rejected at byte %ld | %s |\n", a->name, a->offset, a->why);
    }
    free_files(y, ny);
    free_files(i, ni);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_y_accepted),
        cmocka_unit_test(test_n_rejected),
        cmocka_unit_test(test_i_table),
        cmocka_unit_test(test_y_prefixes_salvage),
        cmocka_unit_test(test_print_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
