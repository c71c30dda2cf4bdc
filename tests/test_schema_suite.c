/* The JSON-Schema-Test-Suite (draft 2020-12), the files of the supported
 * keywords: every case whose schema compiles (is inside the subset) must
 * give the suite's verdict on the complete instance, fed whole and one byte
 * at a time; a valid instance fed one byte at a time must have no violation
 * after any byte. Schemas outside the subset are refused by compilation
 * (counted, and the refusal must name a keyword). Skipped with a NOTICE when
 * the suite is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include <llmjson.h>
#include "support/testutil.h"

static const char *const k_files[] = {
    "additionalProperties", "anyOf", "const", "defs", "enum", "exclusiveMaximum",
    "exclusiveMinimum", "infinite-loop-detection", "items", "maxItems", "maxLength", "maximum",
    "minItems", "minLength", "minimum", "multipleOf", "pattern", "prefixItems", "properties",
    "ref", "required", "type", NULL,
};

static void ser(tu_buf *b, yajl_val v)
{
    if (YAJL_IS_OBJECT(v)) {
        tu_buf_add(b, "{", 1);
        for (size_t i = 0; i < v->u.object.len; i++) {
            if (i)
                tu_buf_add(b, ",", 1);
            tu_buf_add_json_string(b, v->u.object.keys[i], strlen(v->u.object.keys[i]));
            tu_buf_add(b, ":", 1);
            ser(b, v->u.object.values[i]);
        }
        tu_buf_add(b, "}", 1);
    } else if (YAJL_IS_ARRAY(v)) {
        tu_buf_add(b, "[", 1);
        for (size_t i = 0; i < v->u.array.len; i++) {
            if (i)
                tu_buf_add(b, ",", 1);
            ser(b, v->u.array.values[i]);
        }
        tu_buf_add(b, "]", 1);
    } else if (YAJL_IS_STRING(v)) {
        tu_buf_add_json_string(b, v->u.string, strlen(v->u.string));
    } else if (YAJL_IS_NUMBER(v)) {
        tu_buf_add(b, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_TRUE(v)) {
        tu_buf_add(b, "true", 4);
    } else if (YAJL_IS_FALSE(v)) {
        tu_buf_add(b, "false", 5);
    } else {
        tu_buf_add(b, "null", 4);
    }
}

static yajl_val get(yajl_val o, const char *k)
{
    const char *path[] = {k, NULL};
    return yajl_tree_get(o, path, yajl_t_any);
}

/* The verdict (1 conforming, 0 not, -1 undecided) and whether a violation
 * appeared on some prefix, feeding `piece` bytes at a time. */
static int verdict(tu_alloc *ta, const llmj_schema *s, const char *text, size_t n, size_t piece,
                   int *prefix_violation)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_tracker_set_schema(t, s), LLMJ_OK);
    llmj_schema_result r;
    *prefix_violation = 0;
    for (size_t i = 0; i < n;) {
        size_t k = piece && piece < n - i ? piece : n - i;
        llmj_tracker_feed(t, text + i, k);
        i += k;
        if (piece == 1 && i < n) {
            assert_int_equal(llmj_tracker_schema_result(t, &r), LLMJ_OK);
            *prefix_violation |= r.violation != NULL;
        }
    }
    llmj_tracker_finish(t, LLMJ_END_NORMAL);
    assert_int_equal(llmj_tracker_schema_result(t, &r), LLMJ_OK);
    int v = r.valid;
    llmj_tracker_free(t);
    return v;
}

static void test_suite(void **state)
{
    (void)state;
    if (!tu_have_shared("json-schema-test-suite/tests/draft2020-12", "the JSON-Schema-Test-Suite run"))
        return;
    size_t cases = 0, agree = 0, refused_groups = 0, groups = 0, refused_cases = 0;
    size_t mismatches = 0;
    for (int f = 0; k_files[f]; f++) {
        char rel[256], path[1024];
        snprintf(rel, sizeof rel, "json-schema-test-suite/tests/draft2020-12/%s.json", k_files[f]);
        tu_shared(path, sizeof path, rel);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        tu_buf txt = {0};
        char chunk[4096];
        size_t got;
        while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
            tu_buf_add(&txt, chunk, got);
        fclose(fp);
        tu_buf_add(&txt, "", 1);
        char err[256];
        yajl_val doc = yajl_tree_parse(txt.data, err, sizeof err);
        assert_non_null(doc);
        assert_true(YAJL_IS_ARRAY(doc));
        for (size_t g = 0; g < doc->u.array.len; g++) {
            yajl_val grp = doc->u.array.values[g];
            yajl_val tests = get(grp, "tests");
            tu_buf sb = {0};
            ser(&sb, get(grp, "schema"));
            tu_alloc ta;
            memset(&ta, 0, sizeof ta);
            llmj_config cfg;
            llmj_config_init(&cfg);
            cfg.alloc = tu_allocator(&ta);
            llmj_schema *s = NULL;
            llmj_schema_error e;
            groups++;
            llmj_status st = llmj_schema_compile(&s, sb.data, sb.len, &cfg, &e);
            if (st != LLMJ_OK) {
                assert_int_equal(st, LLMJ_SCHEMA_UNSUPPORTED);
                assert_true(e.message[0] != '\0');
                refused_groups++;
                refused_cases += tests->u.array.len;
                tu_buf_free(&sb);
                assert_int_equal(ta.live, 0);
                continue;
            }
            for (size_t i = 0; i < tests->u.array.len; i++) {
                yajl_val tc = tests->u.array.values[i];
                int want = YAJL_IS_TRUE(get(tc, "valid"));
                tu_buf ib = {0};
                ser(&ib, get(tc, "data"));
                int pv0, pv1;
                int v0 = verdict(&ta, s, ib.data, ib.len, 0, &pv0);
                int v1 = verdict(&ta, s, ib.data, ib.len, 1, &pv1);
                cases++;
                int ok = v0 == want && v1 == want && !(want && pv1);
                if (ok)
                    agree++;
                else if (mismatches++ < 15)
                    printf("MISMATCH %s: %s / %s: schema %s instance %.*s: want %d, got %d whole, %d bytewise%s\n",
                           k_files[f], YAJL_GET_STRING(get(grp, "description")),
                           YAJL_GET_STRING(get(tc, "description")), sb.data, (int)ib.len, ib.data,
                           want, v0, v1, pv1 ? " (violation on a prefix)" : "");
                tu_buf_free(&ib);
            }
            llmj_schema_free(s);
            assert_int_equal(ta.live, 0);
            tu_buf_free(&sb);
        }
        yajl_tree_free(doc);
        tu_buf_free(&txt);
    }
    printf("JSON-Schema-Test-Suite draft 2020-12: %zu groups, %zu refused (outside the subset, %zu cases); "
           "%zu cases in the subset, %zu agree\n",
           groups, refused_groups, refused_cases, cases, agree);
    assert_int_equal(mismatches, 0);
    assert_true(cases >= 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_suite)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
