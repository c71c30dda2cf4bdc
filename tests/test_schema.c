/* Schema compilation and streaming validation: every supported keyword,
 * each "certain at this byte" case (the violation's offset is asserted),
 * the prefix property (a conforming text has no violation on any prefix),
 * whole and 1 byte at a time, missing/cut, refusals by compilation with
 * their message, recursion, and the allocator (nothing left live). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <llmjson.h>
#include "support/testutil.h"
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "schema/regex.h"
#include "schema/schema_int.h"

static llmj_schema *compile_ok(tu_alloc *ta, const char *schema)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    llmj_schema *s = NULL;
    llmj_schema_error e;
    llmj_status st = llmj_schema_compile(&s, schema, strlen(schema), &cfg, &e);
    if (st != LLMJ_OK)
        fail_msg("schema %.200s: %s", schema, e.message);
    return s;
}

/* The verdict of text against s, fed in pieces of `piece` bytes (0: whole);
 * *off gets the violation's offset (UINT64_MAX when none). kw: its keyword. */
typedef struct verdict {
    int valid;
    uint64_t off;
    uint64_t line, column;
    char kw[64];
    char ptr[256];
    char msg[320];
    char missing[512]; /* space-separated */
    char cut[256];
    int has_cut;
    char upcoming[512];
} verdict;

static verdict verdict_of(llmj_tracker *t);

static verdict run(tu_alloc *ta, const llmj_schema *s, const char *text, size_t piece, int end_normal)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    llmj_tracker *t = NULL;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_tracker_set_schema(t, s), LLMJ_OK);
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        size_t k = piece ? piece : n;
        if (k > n - i)
            k = n - i;
        llmj_tracker_feed(t, text + i, k);
        i += k;
    }
    if (end_normal >= 0)
        llmj_tracker_finish(t, end_normal ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
    verdict v = verdict_of(t);
    llmj_tracker_free(t);
    return v;
}

/* The tracker's schema result now, as a verdict. */
static verdict verdict_of(llmj_tracker *t)
{
    llmj_schema_result r;
    assert_int_equal(llmj_tracker_schema_result(t, &r), LLMJ_OK);
    verdict v;
    memset(&v, 0, sizeof v);
    v.valid = r.valid;
    v.off = r.violation ? r.violation->offset : UINT64_MAX;
    if (r.violation) {
        v.line = r.violation->line;
        v.column = r.violation->column;
        snprintf(v.kw, sizeof v.kw, "%s", r.violation->keyword);
        snprintf(v.ptr, sizeof v.ptr, "%s", r.violation->pointer);
        snprintf(v.msg, sizeof v.msg, "%s", r.violation->message);
    }
    for (size_t i = 0; i < r.nmissing; i++) {
        size_t l = strlen(v.missing);
        snprintf(v.missing + l, sizeof v.missing - l, "%s%s", i ? " " : "", r.missing[i]);
    }
    if (r.cut) {
        v.has_cut = 1;
        snprintf(v.cut, sizeof v.cut, "%s", r.cut);
    }
    for (size_t i = 0; i < r.nupcoming; i++) {
        size_t l = strlen(v.upcoming);
        snprintf(v.upcoming + l, sizeof v.upcoming - l, "%s%s", i ? " " : "", r.upcoming[i]);
    }
    return v;
}

/* text must give (valid, offset, keyword, pointer) whole and 1 byte at a
 * time; when it conforms, no prefix may have a violation. */
static void expect(const char *schema, const char *text, int valid, long off, const char *kw,
                   const char *ptr)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, schema);
    char msg0[320] = "";
    for (size_t piece = 0; piece <= 1; piece++) {
        verdict v = run(&ta, s, text, piece, 1);
        if (piece == 0)
            snprintf(msg0, sizeof msg0, "%s", v.msg);
        else if (strcmp(msg0, v.msg))
            fail_msg("schema %s text %s: message '%s' whole, '%s' one byte at a time", schema, text, msg0, v.msg);
        if (v.valid != valid || (off >= 0 ? v.off != (uint64_t)off : v.off != UINT64_MAX) ||
            (kw && strcmp(v.kw, kw)) || (ptr && strcmp(v.ptr, ptr)))
            fail_msg("schema %s text %s (pieces %zu): valid %d offset %lld keyword '%s' pointer '%s' (%s); "
                     "want valid %d offset %ld keyword '%s' pointer '%s'",
                     schema, text, piece, v.valid, v.off == UINT64_MAX ? -1LL : (long long)v.off, v.kw,
                     v.ptr, v.msg, valid, off, kw ? kw : "", ptr ? ptr : "");
    }
    /* the prefix property; and a violation on a prefix is the same one */
    size_t n = strlen(text);
    char *pre = malloc(n + 1);
    for (size_t k = 0; k < n; k++) {
        memcpy(pre, text, k);
        pre[k] = '\0';
        verdict v = run(&ta, s, pre, 1, -1);
        if (valid == 1 && v.off != UINT64_MAX)
            fail_msg("schema %s: prefix %s of a conforming text has a violation at %llu (%s)", schema,
                     pre, (unsigned long long)v.off, v.msg);
        if (valid == 0 && (long)k <= off && v.off != UINT64_MAX)
            fail_msg("schema %s: prefix %s has a violation at %llu before the certain byte %ld", schema,
                     pre, (unsigned long long)v.off, off);
        if (valid == 0 && (long)k > off && v.off != (uint64_t)off)
            fail_msg("schema %s: prefix %s: violation at %lld, want %ld", schema, pre,
                     v.off == UINT64_MAX ? -1LL : (long long)v.off, off);
    }
    free(pre);
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

#define OK(schema, text) expect(schema, text, 1, -1, NULL, NULL)
#define BAD(schema, text, off, kw, ptr) expect(schema, text, 0, off, kw, ptr)

static void test_type(void **state)
{
    (void)state;
    OK("{\"type\":\"string\"}", "\"x\"");
    BAD("{\"type\":\"string\"}", "  12", 2, "type", "");
    OK("{\"type\":[\"string\",\"null\"]}", "null");
    BAD("{\"type\":[\"string\",\"null\"]}", "true", 0, "type", "");
    OK("{\"type\":\"integer\"}", "12");
    OK("{\"type\":\"integer\"}", "1.0"); /* JSON Schema: 1.0 is an integer */
    OK("{\"type\":\"integer\"}", "1e2");
    BAD("{\"type\":\"integer\"}", "[1.5]", 0, "type", "");
    BAD("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", "[1.5]", 4, "type", "/0");
    BAD("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}", "[1.5e0,2]", 6, "type", "/0");
    OK("{\"type\":\"number\"}", "-0.5e-3");
    OK("{\"type\":\"object\"}", "{\"a\":[1,{}]}");
    BAD("{\"type\":\"object\"}", "[]", 0, "type", "");
    OK("{\"type\":\"boolean\"}", "false");
    BAD("{\"type\":\"null\"}", "false", 0, "type", "");
    OK("true", "[1]");
    BAD("false", "[1]", 0, "false", "");
    OK("{}", "{\"x\":\"y\"}");
}

static void test_enum_const(void **state)
{
    (void)state;
    const char *e = "{\"enum\":[\"cat\",\"dog\",\"doge\",null,3]}";
    OK(e, "\"dog\"");
    OK(e, "\"doge\"");
    OK(e, "null");
    OK(e, "3.0");
    BAD(e, "\"do\"", 3, "enum", "");
    BAD(e, "\"dox\"", 3, "enum", "");  /* at the x: no value begins "dox" */
    BAD(e, "\"doges\"", 5, "enum", "");
    BAD(e, "true", 0, "enum", "");
    BAD(e, "[]", 0, "enum", "");
    BAD(e, "4", 1, "enum", ""); /* a number is certain at its end */
    OK("{\"enum\":[\"caf\\u00e9\"]}", "\"caf\\u00e9\"");
    OK("{\"enum\":[\"caf\\u00e9\"]}", "\"café\"");
    BAD("{\"const\":\"abc\"}", "\"abd\"", 3, "const", "");
    BAD("{\"const\":true}", "false", 0, "const", "");
    OK("{\"const\":false}", "false");
    BAD("{\"type\":\"object\",\"properties\":{\"k\":{\"enum\":[\"a\",\"b\"]}}}", "{\"k\":\"c\"}", 6,
        "enum", "/k");
    /* string enums in members and elements, whole in the piece (validate.c,
     * enum_few: at most 8 values; else find_name) */
    const char *m = "{\"type\":\"object\",\"properties\":{\"k\":{\"enum\":[\"a\",\"ab\",\"a-longer-value\",7]},"
                    "\"c\":{\"const\":\"x\"},\"n\":{\"type\":\"array\",\"items\":{\"enum\":[\"v1\",\"v2\",\"v3\",\"v4\","
                    "\"v5\",\"v6\",\"v7\",\"v8\",\"v9\"]}}}}";
    OK(m, "{\"k\":\"ab\",\"c\":\"x\",\"n\":[\"v9\",\"v1\"]}");
    OK(m, "{\"c\":\"x\",\"k\":\"a-longer-value\"}");
    OK(m, "{\"k\":\"a\",\"c\":\"x\"}");
    OK(m, "{\"k\":7}");
    OK(m, "{\"k\":\"\\u0061b\"}");
    BAD(m, "{\"k\":\"abc\"}", 8, "enum", "/k");
    BAD(m, "{\"k\":\"a-longer-valuf\"}", 19, "enum", "/k");
    BAD(m, "{\"c\":\"y\"}", 6, "const", "/c");
    BAD(m, "{\"n\":[\"v2\",\"v0\"]}", 13, "enum", "/n/1");
    BAD(m, "{\"k\":\"\"}", 6, "enum", "/k");
}

static void test_objects(void **state)
{
    (void)state;
    const char *s = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                    "\"age\":{\"type\":\"integer\"}},\"required\":[\"name\",\"age\"],"
                    "\"additionalProperties\":false}";
    OK(s, "{\"name\":\"a\",\"age\":3}");
    OK(s, "{\n  \"age\": 3,\n  \"name\": \"\"\n}");
    /* '}' with a required member missing */
    BAD(s, "{\"name\":\"a\"}", 11, "required", "");
    /* a key no allowed property begins with */
    BAD(s, "{\"nx\":1}", 3, "additionalProperties", "");
    /* a key that is a prefix of an allowed one, then ends */
    BAD(s, "{\"nam\":1}", 5, "additionalProperties", "/nam");
    /* a duplicate member, at the closing quote of its key */
    BAD(s, "{\"age\":1,\"age\":2}", 13, "properties", "/age");
    /* wrong type in a member */
    BAD(s, "{\"name\":1}", 8, "type", "/name");
    /* additionalProperties as a schema */
    const char *a = "{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"number\"}}";
    OK(a, "{\"a\":\"x\",\"b\":2}");
    BAD(a, "{\"a\":\"x\",\"b\":\"2\"}", 13, "type", "/b");
    /* required without properties */
    OK("{\"required\":[\"x\"]}", "{\"x\":null}");
    BAD("{\"required\":[\"x\"]}", "{\"y\":null}", 9, "required", "");
    /* an explicit null is present */
    OK("{\"required\":[\"x\"],\"properties\":{\"x\":{\"type\":[\"null\",\"string\"]}}}", "{\"x\":null}");
    /* no properties at all: a key is refused at its first byte, the empty key at its end */
    BAD("{\"additionalProperties\":false}", "{\"a\":1}", 2, "additionalProperties", "");
    BAD("{\"additionalProperties\":false}", "{\"\":1}", 2, "additionalProperties", "/");
    OK("{\"additionalProperties\":false}", "{}");
    /* a key that stops being a prefix in the middle, whole or split */
    BAD(s, "{\"agx\":1}", 4, "additionalProperties", "");
    /* Gemini's propertyOrdering is an annotation */
    OK("{\"properties\":{\"a\":{}},\"propertyOrdering\":[\"a\"]}", "{\"a\":1}");
    /* escaped keys */
    OK("{\"properties\":{\"a/b\":{\"type\":\"string\"}},\"additionalProperties\":false}", "{\"a\\/b\":\"v\"}");
    BAD("{\"properties\":{\"a/b\":{\"type\":\"string\"}},\"additionalProperties\":false}",
        "{\"a/b\":1}", 7, "type", "/a~1b");
    /* keys taken at once when they are the next declared property as
     * written (validate.c, key_next): a name with a quote or a backslash, a
     * key the next name is a prefix of or that is a prefix of it, the next
     * name again (a duplicate), a name of 8 bytes and more, a key written
     * with an escape, out of order */
    const char *q = "{\"type\":\"object\",\"properties\":{\"a\\\"b\":{\"type\":\"integer\"},"
                    "\"c\\\\d\":{\"type\":\"integer\"},\"id\":{\"type\":\"integer\"},"
                    "\"idx\":{\"type\":\"string\"},\"eightchr\":{\"type\":\"integer\"},"
                    "\"a-longer-name\":{\"type\":\"integer\"}},\"additionalProperties\":false}";
    OK(q, "{\"a\\\"b\":1,\"c\\\\d\":2,\"id\":3,\"idx\":\"s\",\"eightchr\":4,\"a-longer-name\":5}");
    BAD(q, "{\"a\\\"b\":1,\"c\\\\d\":2,\"idx\":4}", 25, "type", "/idx");
    BAD(q, "{\"a\\\"b\":1,\"c\\\\d\":2,\"i\":4}", 21, "additionalProperties", "/i");
    BAD(q, "{\"a\\\"b\":1,\"c\\\\d\":2,\"id\":3,\"idx\":\"s\",\"eightchrs\":4}", 45, "additionalProperties",
        "");
    BAD(q, "{\"id\":3,\"id\":3}", 11, "properties", "/id");
    OK(q, "{\"\\u0069d\":3,\"idx\":\"s\",\"a-longer-name\":5,\"eightchr\":4}");
    BAD(q, "{\"\\u0069d\":3,\"idx\":\"s\",\"a-longer-name\":5,\"eightchr\":\"4\"}", 52, "type", "/eightchr");
    /* "key":{ and "key":[ begun in the members' loop, an object's first key
     * taken at once (validate.c) */
    const char *o = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{"
                    "\"b\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1},"
                    "\"c\":{\"type\":\"object\",\"additionalProperties\":false}},\"required\":[\"b\"],"
                    "\"additionalProperties\":false},\"d\":{\"type\":\"string\"}},\"additionalProperties\":false}";
    OK(o, "{\"a\":{\"b\":[1,2],\"c\":{}},\"d\":\"x\"}");
    OK(o, "{\"a\": {\"b\": [1]}, \"d\":\"x\"}");
    BAD(o, "{\"a\":{\"x\":1}}", 7, "additionalProperties", "/a");
    BAD(o, "{\"a\":{\"b\":[]}}", 11, "minItems", "/a/b");
    BAD(o, "{\"a\":{\"b\":[1],\"c\":{\"z\":1}}}", 20, "additionalProperties", "/a/c");
    BAD(o, "{\"a\":{\"c\":{}}}", 12, "required", "/a");
    BAD(o, "{\"a\":[],\"d\":1}", 5, "type", "/a");
    BAD(o, "{\"d\":{},\"a\":{}}", 5, "type", "/d");
}

static void test_arrays(void **state)
{
    (void)state;
    const char *s = "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":2,\"maxItems\":3}";
    OK(s, "[\"a\",\"b\"]");
    OK(s, "[\"a\",\"b\",\"c\"]");
    BAD(s, "[\"a\"]", 4, "minItems", "");
    BAD(s, "[\"a\",\"b\",\"c\",\"d\"]", 13, "maxItems", "");
    BAD(s, "[\"a\",2]", 5, "type", "/1");
    const char *p = "{\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"items\":false}";
    OK(p, "[1,\"x\"]");
    OK(p, "[1]");
    BAD(p, "[1,\"x\",3]", 7, "items", "/2");
    BAD(p, "[\"x\"]", 1, "type", "/0");
    /* the elements after the first are taken in one loop (validate.c):
     * prefixItems, then items, then maxItems */
    const char *p2 = "{\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"items\":{\"type\":\"boolean\"},"
                     "\"maxItems\":4}";
    OK(p2, "[1,\"x\",true,false]");
    BAD(p2, "[1,\"x\",true,false,true]", 18, "maxItems", "");
    BAD(p2, "[1,2]", 3, "type", "/1");
    BAD(p2, "[1,\"x\",true,3]", 12, "type", "/3");
}

static void test_numbers2(void **state)
{
    (void)state;
    const char *s = "{\"type\":\"array\",\"items\":{\"minimum\":1,\"maximum\":10}}";
    OK(s, "[1,10,5.5]");
    BAD(s, "[11]", 3, "maximum", "/0");
    BAD(s, "[0.5 ]", 4, "minimum", "/0");
    const char *x = "{\"type\":\"array\",\"items\":{\"exclusiveMinimum\":1,\"exclusiveMaximum\":10}}";
    OK(x, "[1.1,9.9]");
    BAD(x, "[1]", 2, "exclusiveMinimum", "/0");
    BAD(x, "[10]", 3, "exclusiveMaximum", "/0");
    const char *m = "{\"type\":\"array\",\"items\":{\"multipleOf\":0.01}}";
    OK(m, "[0.07,19.99,100]");
    BAD(m, "[0.075]", 6, "multipleOf", "/0");
    /* a top-level number is complete only at a normal end */
    OK("{\"maximum\":5}", "5");
    /* the value of a number is exactly strtod's (the const is read by strtod) */
    static const char *const nums[] = {"0.1", "123.456", "-0.0001", "1e-3", "9007199254740993", "0.3",
                                       "4.35", "999999999999999.9", "1.7976931348623157e308", "5e-324",
                                       "0.1000000000000000055511151231257827", "2.5"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char sch[128], arr[96];
        snprintf(sch, sizeof sch, "{\"type\":\"array\",\"items\":{\"const\":%s}}", nums[i]);
        snprintf(arr, sizeof arr, "[%s]", nums[i]);
        OK(sch, arr);
    }
    OK("{\"type\":\"array\",\"items\":{\"exclusiveMaximum\":0.3}}", "[0.2999]");
    BAD("{\"type\":\"array\",\"items\":{\"exclusiveMaximum\":0.3}}", "[0.3]", 4, "exclusiveMaximum", "/0");
    /* short numbers in members and elements are checked in place
     * (validate.c, scalar_child): the type integer, the bounds at equality */
    const char *b = "{\"type\":\"object\",\"properties\":{\"i\":{\"type\":\"integer\",\"minimum\":-2},"
                    "\"n\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100},"
                    "\"a\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"maximum\":3}}}}";
    OK(b, "{\"i\":1.0,\"n\":0,\"a\":[3,3.00,-7]}");
    OK(b, "{\"i\":-2,\"n\":100.0}");
    OK(b, "{\"n\":-0.0,\"i\":-2.0}");
    OK(b, "{\"n\":99.999}");
    BAD(b, "{\"i\":1.5,\"n\":1}", 8, "type", "/i");
    BAD(b, "{\"i\":-3.00,\"n\":1}", 10, "minimum", "/i");
    BAD(b, "{\"i\":-3,\"n\":1}", 7, "minimum", "/i");
    BAD(b, "{\"n\":100.01,\"i\":1}", 11, "maximum", "/n");
    BAD(b, "{\"n\":-0.5,\"i\":1}", 9, "minimum", "/n");
    BAD(b, "{\"a\":[1,3.5,2]}", 11, "type", "/a/1");
    BAD(b, "{\"a\":[1,4,2]}", 9, "maximum", "/a/1");
}

static void test_strings(void **state)
{
    (void)state;
    const char *s = "{\"type\":\"array\",\"items\":{\"minLength\":2,\"maxLength\":3}}";
    OK(s, "[\"ab\",\"abc\",\"\\u00e9\\u00e9\"]");
    BAD(s, "[\"a\"]", 3, "minLength", "/0");
    BAD(s, "[\"abcd\"]", 5, "maxLength", "/0");
    BAD(s, "[\"ééé\\n\"]", 8, "maxLength", "/0"); /* é is 2 bytes: the \ starts the 4th char */
    const char *p = "{\"type\":\"array\",\"items\":{\"pattern\":\"^[a-z]+-[0-9]{2}$\"}}";
    OK(p, "[\"ab-12\"]");
    BAD(p, "[\"ab-1x\"]", 6, "pattern", "/0");
    BAD(p, "[\"ab-1\"]", 6, "pattern", "/0");
    BAD(p, "[\"1\"]", 2, "pattern", "/0");
    OK("{\"pattern\":\"a\"}", "\"xxaxx\""); /* unanchored */
}

static void test_formats(void **state)
{
    (void)state;
    OK("{\"format\":\"date\"}", "\"2024-02-29\"");
    BAD("{\"format\":\"date\"}", "\"2023-02-29\"", 11, "format", "");
    BAD("{\"format\":\"date\"}", "\"2023/\"", 5, "format", "");
    OK("{\"format\":\"date-time\"}", "\"2024-01-02T03:04:05.5+01:00\"");
    BAD("{\"format\":\"date-time\"}", "\"2024-01-02 03\"", 11, "format", "");
    OK("{\"format\":\"time\"}", "\"23:59:60Z\"");
    OK("{\"format\":\"duration\"}", "\"P1DT2H\"");
    BAD("{\"format\":\"duration\"}", "\"PT\"", 3, "format", "");
    OK("{\"format\":\"email\"}", "\"a.b@example.com\"");
    BAD("{\"format\":\"email\"}", "\"a..b@example.com\"", 17, "format", "");
    OK("{\"format\":\"hostname\"}", "\"a-1.example\"");
    OK("{\"format\":\"ipv4\"}", "\"192.168.0.1\"");
    BAD("{\"format\":\"ipv4\"}", "\"192.168.0.x\"", 11, "format", "");
    OK("{\"format\":\"ipv6\"}", "\"::ffff:1.2.3.4\"");
    OK("{\"format\":\"ipv6\"}", "\"2001:db8::1\"");
    OK("{\"format\":\"uuid\"}", "\"123e4567-e89b-12d3-a456-426614174000\"");
    BAD("{\"format\":\"uuid\"}", "\"123e4567-e89bx\"", 14, "format", "");
}

static void test_anyof_ref(void **state)
{
    (void)state;
    const char *a = "{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"cat\":{\"type\":\"string\"}},"
                    "\"required\":[\"cat\"],\"additionalProperties\":false},"
                    "{\"type\":\"object\",\"properties\":{\"dog\":{\"type\":\"integer\"}},"
                    "\"required\":[\"dog\"],\"additionalProperties\":false}]}";
    OK(a, "{\"cat\":\"x\"}");
    OK(a, "{\"dog\":1}");
    BAD(a, "{\"cow\":1}", 3, "additionalProperties", "");
    BAD(a, "{\"dog\":\"x\"}", 7, "type", "/dog");
    BAD(a, "[]", 0, "type", "");
    /* recursion through # and $defs */
    const char *r = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                    "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}},\"required\":[\"name\"],"
                    "\"additionalProperties\":false}";
    OK(r, "{\"name\":\"a\",\"kids\":[{\"name\":\"b\",\"kids\":[{\"name\":\"c\"}]}]}");
    BAD(r, "{\"name\":\"a\",\"kids\":[{\"name\":\"b\",\"kids\":[{}]}]}", 41, "required",
        "/kids/0/kids/0");
    const char *d = "{\"$defs\":{\"id\":{\"type\":\"string\",\"pattern\":\"^[0-9]+$\"}},"
                    "\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/id\"}}";
    OK(d, "[\"12\",\"3\"]");
    BAD(d, "[\"12\",\"3a\"]", 8, "pattern", "/1");
    /* anyOf of scalars with a null */
    const char *n = "{\"anyOf\":[{\"type\":\"string\",\"enum\":[\"x\"]},{\"type\":\"null\"}]}";
    OK(n, "null");
    OK(n, "\"x\"");
    BAD(n, "\"y\"", 1, "enum", "");
}

static void test_missing_cut(void **state)
{
    (void)state;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                                     "\"b\":{\"type\":\"object\",\"properties\":{\"c\":{},\"d\":{}},"
                                     "\"required\":[\"c\",\"d\"]},\"e\":{}},\"required\":[\"a\",\"b\",\"e\"]}");
    verdict v = run(&ta, s, "{\"a\":\"x\",\"b\":{\"c\":\"partial", 1, 0);
    assert_int_equal(v.valid, -1);
    assert_string_equal(v.missing, "/e /b/d");
    assert_int_equal(v.has_cut, 1);
    assert_string_equal(v.cut, "/b/c");
    v = run(&ta, s, "{\"a\":\"\",\"b\":{", 1, 0);
    assert_string_equal(v.missing, "/e /b/c /b/d");
    assert_string_equal(v.cut, "/b");
    v = run(&ta, s, "{\"a\":\"x\",\"b\":{\"c\":1,\"d\":2},\"e\":3}", 0, 1);
    assert_int_equal(v.valid, 1);
    assert_string_equal(v.missing, "");
    assert_int_equal(v.has_cut, 0);
    v = run(&ta, s, "{\"a\":\"x\",\"b\":{\"c\":1,\"d\":2},\"e\":tr", 0, 0);
    assert_string_equal(v.cut, "/e");
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

/* llmj__nearest (schema_int.h), the library's own rounding (it links
 * without libm), against libm's round(): the same on every double, 0.5
 * steps, both sides of 2^52 and 2^53, the extremes, the infinities and NaN;
 * llmj__is_integer against floor(). Then what uses them, through schemas. */
static void nearest_is_round(double x)
{
    double got = llmj__nearest(x), want = round(x);
    if (isnan(want)) {
        if (!isnan(got))
            fail_msg("llmj__nearest(NaN) = %.17g", got);
        assert_false(llmj__is_integer(x));
        return;
    }
    if (got != want)
        fail_msg("llmj__nearest(%.17g) = %.17g, round() says %.17g", x, got, want);
    if (llmj__is_integer(x) != (x == floor(x)))
        fail_msg("llmj__is_integer(%.17g) = %d", x, llmj__is_integer(x));
}

static void test_nearest(void **state)
{
    (void)state;
    static const double edge[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994,
                                  -0.49999999999999994, 4503599627370495.5, -4503599627370495.5,
                                  4503599627370496.0, 4503599627370497.0, 9007199254740993.0,
                                  1e300, -1e300, 1.7976931348623157e308, 5e-324, -5e-324,
                                  2.2250738585072014e-308, 0x1p52 - 0.75, -0x1p52 + 0.25, 0x1p63,
                                  -0x1p63, 0x1p64};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        nearest_is_round(edge[i]);
    nearest_is_round(HUGE_VAL);
    nearest_is_round(-HUGE_VAL);
    nearest_is_round(NAN);
    for (int k = -2000; k <= 2000; k++)
        nearest_is_round(k * 0.25);
    /* random bit patterns (every exponent), then random magnitudes near an integer */
    uint64_t r = 88172645463325252u;
    for (int i = 0; i < 200000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        double x;
        memcpy(&x, &r, sizeof x);
        nearest_is_round(x);
        double m = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
        nearest_is_round((m - 0.5) * (double)(1u << (i % 31)) * 1e6);
    }

    /* through schemas: an integer written with a negative exponent, multipleOf
     * on large and negative values, a count that must be a whole number */
    OK("{\"type\":\"integer\"}", "20e-1");
    BAD("{\"type\":\"integer\"}", "[25e-1]", 0, "type", "");
    OK("{\"type\":\"array\",\"items\":{\"multipleOf\":1}}", "[1e300,-3,4503599627370497]");
    OK("{\"type\":\"array\",\"items\":{\"multipleOf\":0.5}}", "[-2.5,7.5,0]");
    BAD("{\"type\":\"array\",\"items\":{\"multipleOf\":0.5}}", "[-2.25]", 6, "multipleOf", "/0");
    OK("{\"type\":\"array\",\"items\":{\"multipleOf\":3}}", "[-9,3e3]");
    BAD("{\"type\":\"array\",\"items\":{\"multipleOf\":3}}", "[-10]", 4, "multipleOf", "/0");
    OK("{\"type\":\"array\",\"minItems\":2.0}", "[1,2]");
    BAD("{\"type\":\"array\",\"minItems\":2.0}", "[1]", 2, "minItems", "");
}

static void refused(const char *schema, const char *keyword, const char *pointer, const char *message)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_schema *s = NULL;
    llmj_schema_error e;
    assert_int_equal(llmj_schema_compile(&s, schema, strlen(schema), &cfg, &e), LLMJ_SCHEMA_UNSUPPORTED);
    assert_null(s);
    assert_string_equal(e.keyword, keyword);
    assert_string_equal(e.pointer, pointer);
    if (message)
        assert_string_equal(e.message, message);
    if (ta.live)
        fail_msg("schema %s: %zu blocks left", schema, ta.live);
}

static void test_refused(void **state)
{
    (void)state;
    refused("{\"properties\":{\"pet\":{\"oneOf\":[{}]}}}", "oneOf", "/properties/pet/oneOf",
            "unsupported keyword 'oneOf' at /properties/pet/oneOf");
    refused("{\"allOf\":[{}]}", "allOf", "/allOf", NULL);
    refused("{\"not\":{}}", "not", "/not", NULL);
    refused("{\"if\":{}}", "if", "/if", NULL);
    refused("{\"patternProperties\":{}}", "patternProperties", "/patternProperties", NULL);
    refused("{\"uniqueItems\":true}", "uniqueItems", "/uniqueItems", NULL);
    refused("{\"items\":{\"format\":\"uri\"}}", "format", "/items/format",
            "unsupported format 'uri' at /items/format");
    refused("{\"$ref\":\"http://example.com/s\"}", "$ref", "/$ref", NULL);
    refused("{\"$ref\":\"#/$defs/nope\"}", "$ref", "/$ref", NULL);
    refused("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "$ref", "/$defs/a", NULL);
    refused("{\"pattern\":\"(\"}", "pattern", "/pattern", NULL);
    refused("{\"enum\":[{\"a\":1}]}", "enum", "/enum", NULL);
    refused("{\"type\":\"str\"}", "type", "/type", NULL);
    refused("{\"minItems\":2.5}", "minItems", "/minItems", "'minItems' must be a non-negative integer at /minItems");
    refused("{\"maxLength\":-1}", "maxLength", "/maxLength", NULL);
    refused("{\"type\":", "", "", NULL);
    /* annotations are accepted */
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, "{\"title\":\"t\",\"description\":\"d\",\"default\":1,\"examples\":[1]}");
    llmj_schema_free(s);
}

static void test_big_schema(void **state)
{
    (void)state;
    /* 5,000 properties over 10 levels compile (the bench times it) */
    tu_buf b = {0};
    tu_buf_add(&b, "{\"type\":\"object\",\"properties\":{", 31);
    for (int i = 0; i < 5000; i++) {
        char p[64];
        int n = snprintf(p, sizeof p, "%s\"p%d\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}", i ? "," : "", i);
        tu_buf_add(&b, p, (size_t)n);
    }
    tu_buf_add(&b, ",\"deep\":", 8);
    for (int i = 0; i < 9; i++)
        tu_buf_add(&b, "{\"type\":\"object\",\"properties\":{\"x\":", 35);
    tu_buf_add(&b, "{}", 2);
    for (int i = 0; i < 9; i++)
        tu_buf_add(&b, "}}", 2);
    tu_buf_add(&b, "}}", 2);
    tu_buf_add(&b, "", 1);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, b.data);
    verdict v = run(&ta, s, "{\"p4999\":\"b\",\"p1\":\"c\"}", 1, 1);
    assert_int_equal(v.valid, 0);
    assert_int_equal(v.off, 19);
    llmj_schema_free(s);
    free(b.data);
    assert_int_equal(ta.live, 0);
}

static void test_after_violation(void **state)
{
    (void)state;
    /* the tracker goes on: salvage still works */
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_tracker_set_schema(t, s), LLMJ_OK);
    assert_int_equal(llmj_tracker_feed(t, "[1,[2,{\"a\":", 11), LLMJ_OK);
    llmj_salvage sv;
    assert_int_equal(llmj_tracker_salvage(t, LLMJ_SALVAGE_LOSSLESS, &sv), LLMJ_OK);
    assert_int_equal(sv.status, LLMJ_TEXT_TRUNCATED);
    llmj_schema_result r;
    assert_int_equal(llmj_tracker_schema_result(t, &r), LLMJ_OK);
    assert_int_equal(r.valid, LLMJ_SCHEMA_NONCONFORMING);
    assert_non_null(r.violation);
    assert_int_equal(r.violation->offset, 1);
    assert_string_equal(r.violation->pointer, "/0");
    assert_int_equal(r.violation->line, 1);
    assert_int_equal(r.violation->column, 2);
    assert_int_equal(llmj_tracker_set_schema(t, s), LLMJ_MISUSE); /* not after the first byte */
    assert_int_equal(llmj_tracker_reset(t), LLMJ_OK);
    assert_int_equal(llmj_tracker_feed(t, "[\"a\"]", 5), LLMJ_OK);
    assert_int_equal(llmj_tracker_finish(t, LLMJ_END_NORMAL), LLMJ_OK);
    assert_int_equal(llmj_tracker_schema_result(t, &r), LLMJ_OK);
    assert_int_equal(r.valid, LLMJ_SCHEMA_CONFORMING);
    llmj_tracker_free(t);
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

/* ---- the pattern automaton against PCRE2 ----------------------------------- */

/* Every string over a small alphabet up to 4 characters: the automaton's
 * verdict on the whole string, and whether a continuation may still match
 * after each prefix, must be PCRE2's (full match; PARTIAL_HARD). */
static void test_regex_vs_pcre2(void **state)
{
    (void)state;
    static const char *const pats[] = {
        "^[a-z]{3}-[0-9]+$", "^\\d{3}-\\d{2}$", "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
        "a", "ab|b-", "^ab|b$", "^(?:ab|b)s?$", "^[^\\s]+$", "^\\w+$", "^.{2,3}$", "b*", "^$",
        "^a?b?-?$", "^[\\u00e9a]+$", "^é+b$", "^\\S\\s\\S$", "^[\\x61-\\x62]+$", "\\.", "^[-a]+$",
        "^[a-]+$", "^[]a]+$", "^\\$?\\d+(\\.\\d)?$", "^(a|ab)(b|-b)$", "^(ab)*$", "^a{0,3}$",
        "^a{2,}$", "^(a+|b)*-$", "^[^a]*$", "^\\D\\W$", "a$", "^a|b$|^$", "(a|)b", "^\\u0061\\x2e$",
        "^[\\d.]+$", "^\\t?a$", "^.$", "^[\\s\\S]{1,2}$", "^\\x$", "^\\u00$", "^a+?b??$",
    };
    static const char *const alpha[] = {"a", "b", "-", "1", ".", "@", "\xc3\xa9", " ", "\n", "\x0b"};
    const size_t na = sizeof alpha / sizeof alpha[0];
    llmj_allocator a;
    llmj__alloc_resolve(&a, NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t own = 0;
    for (size_t pi = 0; pi < sizeof pats / sizeof pats[0]; pi++) {
        int ec;
        PCRE2_SIZE eo;
        pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
        pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)pats[pi], PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY, &ec, &eo, cc);
        pcre2_compile_context_free(cc);
        if (!re)
            fail_msg("PCRE2 refused %s", pats[pi]);
        llmj__re *rx = NULL;
        int rc = llmj__re_compile(&a, pats[pi], strlen(pats[pi]), &rx);
        assert_int_not_equal(rc, -1);
        if (rc == 1) { /* left to PCRE2: fine, but say so */
            print_message("pattern %s: left to PCRE2\n", pats[pi]);
            pcre2_code_free(re);
            continue;
        }
        own++;
        uint32_t opts = 0;
        pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &opts);
        int anchored = (opts & PCRE2_ANCHORED) != 0;
        /* strings as sequences of alphabet indices, 0 to 4 long */
        for (size_t len = 0; len <= 4; len++) {
            size_t total = 1;
            for (size_t k = 0; k < len; k++)
                total *= na;
            for (size_t code = 0; code < total; code++) {
                char str[32];
                size_t sl = 0, c = code;
                llmj__re_state st;
                llmj__re_init(rx, &st);
                for (size_t k = 0; k < len; k++) {
                    const char *ch = alpha[c % na];
                    c /= na;
                    size_t cl = strlen(ch);
                    memcpy(str + sl, ch, cl);
                    sl += cl;
                    size_t at = 0;
                    uint32_t cp = (unsigned char)ch[0];
                    if (cl == 2)
                        cp = ((cp & 0x1Fu) << 6) | ((unsigned char)ch[1] & 0x3Fu);
                    (void)at;
                    llmj__re_step(rx, &st, cp);
                }
                str[sl] = '\0';
                int full = pcre2_match(re, (PCRE2_SPTR)str, sl, 0, 0, md, NULL) >= 0;
                int prc = pcre2_match(re, (PCRE2_SPTR)str, sl, 0, PCRE2_PARTIAL_HARD, md, NULL);
                int part = prc >= 0 || prc == PCRE2_ERROR_PARTIAL;
                if (llmj__re_accepts(rx, &st) != full)
                    fail_msg("pattern %s, string '%s': automaton %d, PCRE2 %d (whole)", pats[pi], str,
                             llmj__re_accepts(rx, &st), full);
                /* PCRE2's partial matching answers "can a continuation match?" only
                 * for an anchored pattern, and never for "" */
                if (!anchored)
                    part = 1;
                if (len && llmj__re_viable(rx, &st) != part)
                    fail_msg("pattern %s, prefix '%s': automaton %d, PCRE2 %d (can still match)", pats[pi],
                             str, llmj__re_viable(rx, &st), part);
            }
        }
        llmj__re_free(&a, rx);
        pcre2_code_free(re);
    }
    pcre2_match_data_free(md);
    assert_true(own >= 35); /* nearly all of them run as automata */
}

/* Outside the automaton's subset: PCRE2 validates them (the same verdicts,
 * checked on prefixes of up to 256 bytes when anchored). */
static void test_regex_fallback(void **state)
{
    (void)state;
    static const char *const pcre_only[] = {
        "^(?=.*\\d)[a-z0-9]+$", "(a)\\1", "\\bword\\b", "^a++$", "^\\p{L}+$", "^a{,3}$",
        "^a{1,100}$", "(?i)abc", "^\\0123$", "^[[:alpha:]]+$", "a^b", "^(a$|b)c",
    };
    llmj_allocator a;
    llmj__alloc_resolve(&a, NULL);
    for (size_t i = 0; i < sizeof pcre_only / sizeof pcre_only[0]; i++) {
        llmj__re *rx = NULL;
        int rc = llmj__re_compile(&a, pcre_only[i], strlen(pcre_only[i]), &rx);
        if (rc != 1)
            fail_msg("pattern %s should be left to PCRE2 (got %d)", pcre_only[i], rc);
        assert_null(rx);
    }
    /* validation through PCRE2: lookaheads */
    const char *s = "{\"type\":\"array\",\"items\":{\"pattern\":\"^(?=.*[0-9])[a-z0-9]+$\"}}";
    OK(s, "[\"ab1\",\"1\"]");
    BAD(s, "[\"abc\"]", 5, "pattern", "/0"); /* a digit may still come: certain at the end */
    const char *t = "{\"type\":\"array\",\"items\":{\"pattern\":\"^(?!-)[a-z-]+$\"}}";
    OK(t, "[\"a-b\"]");
    BAD(t, "[\"-a\"]", 2, "pattern", "/0");
    BAD(t, "[\"a1\"]", 3, "pattern", "/0");
}

/* ---- schema events ---------------------------------------------------------------- */

typedef struct evlog {
    char text[4096];
    size_t n;
    int stop_after; /* stop (return 1) at this event (1-based), 0 never */
} evlog;

static int on_schema_event(void *ctx, const llmj_schema_event *ev)
{
    evlog *l = ctx;
    size_t o = strlen(l->text);
    int k = snprintf(l->text + o, sizeof l->text - o, "%s%s %s @%llu:%llu:%llu", o ? "; " : "",
                     llmj_schema_event_name(ev->type), ev->pointer, (unsigned long long)ev->offset,
                     (unsigned long long)ev->line, (unsigned long long)ev->column);
    o += (size_t)k;
    if (ev->type == LLMJ_SCHEMA_EV_ENUM)
        snprintf(l->text + o, sizeof l->text - o, " =%.*s", (int)ev->value_len, ev->value);
    else if (ev->type == LLMJ_SCHEMA_EV_BRANCH)
        snprintf(l->text + o, sizeof l->text - o, " #%zu %s", ev->branch, ev->schema);
    else if (ev->type == LLMJ_SCHEMA_EV_VIOLATION)
        snprintf(l->text + o, sizeof l->text - o, " %s", ev->violation->keyword);
    l->n++;
    return l->stop_after && l->n == (size_t)l->stop_after;
}

/* The events of text (fed in pieces of `piece` bytes, 0: whole). */
static void events_of(const llmj_schema *s, const char *text, size_t piece, evlog *l, llmj_status *last)
{
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, NULL, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_tracker_set_schema_cb(t, s, on_schema_event, l), LLMJ_OK);
    size_t n = strlen(text);
    llmj_status st = LLMJ_OK;
    for (size_t i = 0; i < n;) {
        size_t k = piece && piece < n - i ? piece : n - i;
        st = llmj_tracker_feed(t, text + i, k);
        i += k;
    }
    if (last)
        *last = st;
    llmj_tracker_free(t);
}

/* The events must be `want` whole and at every piece size up to 7. */
static void expect_events(const char *schema, const char *text, const char *want)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, schema);
    for (size_t piece = 0; piece <= 7; piece++) {
        evlog l;
        memset(&l, 0, sizeof l);
        events_of(s, text, piece, &l, NULL);
        if (strcmp(l.text, want))
            fail_msg("schema %s text %s (pieces %zu):\n got  %s\n want %s", schema, text, piece, l.text, want);
    }
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

static void test_events(void **state)
{
    (void)state;
    /* an enum resolved once one value is left, while the string is open */
    expect_events("{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"book\",\"film\",\"fish\"]}}}",
                  "{\"kind\":\"fis", "enum_resolved /kind @11:1:12 =fish");
    expect_events("{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"book\",\"film\",\"fish\"]}}}",
                  "{\"kind\":\"b", "enum_resolved /kind @9:1:10 =book");
    /* a const is resolved at its opening quote; a value closed is not partial */
    expect_events("{\"const\":\"yes\"}", "\"y", "enum_resolved  @0:1:1 =yes");
    expect_events("{\"enum\":[\"a\",\"ab\"]}", "\"a\"", "");
    expect_events("{\"enum\":[\"a\",\"ab\"]}", "\"ab", "enum_resolved  @2:1:3 =ab");
    /* then a violation */
    expect_events("{\"enum\":[\"book\",\"bold\"]}", "\"boo!",
                  "enum_resolved  @3:1:4 =book; schema_violation  @4:1:5 enum");
    /* anyOf object branches decide at the first key byte that differs */
    const char *pets = "{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"cat\":{\"type\":\"string\"}},"
                       "\"required\":[\"cat\"],\"additionalProperties\":false},"
                       "{\"type\":\"object\",\"properties\":{\"dog\":{\"type\":\"integer\"}},"
                       "\"required\":[\"dog\"],\"additionalProperties\":false}]}";
    expect_events(pets, "{\"dog\":1}", "branch_decided  @2:1:3 #1 /anyOf/1");
    expect_events(pets, "{\n \"cat\":\"x\"}", "branch_decided  @4:2:3 #0 /anyOf/0");
    expect_events(pets, "{\"cow\":1}", "branch_decided  @2:1:3 #0 /anyOf/0; schema_violation  @3:1:4 additionalProperties");
    /* a type decides at the value's first byte; nested, through $ref */
    expect_events("{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/v\"},\"$defs\":{\"v\":"
                  "{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"null\"},{\"anyOf\":[{\"type\":\"integer\"},"
                  "{\"type\":\"boolean\"}]}]}}}",
                  "[null,\"x\",true]",
                  "branch_decided /0 @1:1:2 #1 /$defs/v/anyOf/1; branch_decided /1 @6:1:7 #0 /$defs/v/anyOf/0; "
                  "branch_decided /2 @10:1:11 #1 /$defs/v/anyOf/2/anyOf/1");
    /* a branch left when the other fails later; two failing at the same byte decide nothing */
    expect_events("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"string\",\"maxLength\":1},{\"type\":\"null\"}]}",
                  "\"ab\"", "branch_decided  @2:1:3 #0 /anyOf/0");
    expect_events("{\"anyOf\":[{\"type\":\"string\",\"maxLength\":1},{\"type\":\"string\",\"maxLength\":1,"
                  "\"pattern\":\"a\"},{\"type\":\"null\"}]}",
                  "\"bb\"", "schema_violation  @2:1:3 maxLength");
    /* an enum resolved across branches: every branch left agrees */
    expect_events("{\"anyOf\":[{\"enum\":[\"red\",\"green\"]},{\"enum\":[\"gray\",\"green\"]}]}", "\"gre",
                  "enum_resolved  @3:1:4 =green");
    /* a callback that stops: the tracker aborts */
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, pets);
    evlog l;
    memset(&l, 0, sizeof l);
    l.stop_after = 1;
    llmj_status st;
    events_of(s, "{\"dog\":1,", 1, &l, &st);
    assert_int_equal(st, LLMJ_ABORTED);
    assert_int_equal(l.n, 1);
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

/* What is still to come when members are written in schema order. */
static void upcoming_of(const llmj_schema *s, const char *text, char *out, size_t cap)
{
    llmj_tracker *t;
    assert_int_equal(llmj_tracker_new(&t, NULL, NULL, NULL), LLMJ_OK);
    assert_int_equal(llmj_tracker_set_schema(t, s), LLMJ_OK);
    for (size_t i = 0; text[i]; i++) /* one byte at a time */
        llmj_tracker_feed(t, text + i, 1);
    llmj_schema_result r;
    assert_int_equal(llmj_tracker_schema_result(t, &r), LLMJ_OK);
    out[0] = '\0';
    for (size_t i = 0; i < r.nupcoming; i++) {
        size_t o = strlen(out);
        snprintf(out + o, cap - o, "%s%s", i ? " " : "", r.upcoming[i]);
    }
    llmj_tracker_free(t);
}

static void test_upcoming(void **state)
{
    (void)state;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    /* declared order zeta, alpha, mid (not sorted), and a nested object */
    llmj_schema *s = compile_ok(&ta, "{\"type\":\"object\",\"properties\":{\"zeta\":{\"type\":\"string\"},"
                                     "\"alpha\":{\"type\":\"object\",\"properties\":{\"x\":{},\"y\":{}},"
                                     "\"required\":[\"x\",\"y\"],\"additionalProperties\":false},"
                                     "\"mid\":{\"type\":\"integer\"}},\"required\":[\"zeta\",\"alpha\",\"mid\"],"
                                     "\"additionalProperties\":false}");
    char u[512];
    upcoming_of(s, "", u, sizeof u);
    assert_string_equal(u, "");
    upcoming_of(s, "{", u, sizeof u);
    assert_string_equal(u, "/zeta /alpha /mid");
    upcoming_of(s, "{\"ze", u, sizeof u); /* a key being read is not begun */
    assert_string_equal(u, "/zeta /alpha /mid");
    upcoming_of(s, "{\"zeta\"", u, sizeof u);
    assert_string_equal(u, "/alpha /mid");
    upcoming_of(s, "{\"zeta\":\"v\",\"alpha\":{", u, sizeof u);
    assert_string_equal(u, "/alpha/x /alpha/y /mid"); /* innermost first: the order they come in */
    upcoming_of(s, "{\"zeta\":\"v\",\"alpha\":{\"x\":1,\"y\":2}", u, sizeof u);
    assert_string_equal(u, "/mid");
    upcoming_of(s, "{\"zeta\":\"v\",\"alpha\":{\"x\":1,\"y\":2},\"mid\":3}", u, sizeof u);
    assert_string_equal(u, "");
    /* out of order: what comes after the last member begun */
    upcoming_of(s, "{\"alpha\":{\"x\":1,\"y\":2},", u, sizeof u);
    assert_string_equal(u, "/mid");
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

/* A configuration whose allocator (ta, reset) refuses its k-th allocation. */
static llmj_config failing_config(tu_alloc *ta, size_t k)
{
    memset(ta, 0, sizeof *ta);
    ta->fail_at = k;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    return cfg;
}

/* Every allocation can fail: compilation reports LLMJ_NOMEM, validation
 * LLMJ_NOMEM from the result; nothing leaks, nothing crashes. */
static void test_no_memory(void **state)
{
    (void)state;
    const char *schema =
        "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]+-[0-9]+$\"},"
        "\"p\":{\"pattern\":\"^(?!x)\"},\"kind\":{\"enum\":[\"a\",\"b\",\"cc\",\"dd\",\"e\",\"f\",\"g\",\"h\"]},"
        "\"when\":{\"format\":\"date\"},\"pet\":{\"anyOf\":[{\"$ref\":\"#/$defs/cat\"},{\"type\":\"null\"}]}},"
        "\"required\":[\"id\",\"kind\"],\"additionalProperties\":false,"
        "\"$defs\":{\"cat\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}}}";
    const char *text = "{\"id\":\"ab-12\",\"p\":\"y\",\"kind\":\"cc\",\"when\":\"2024-01-02\",\"pet\":{\"name\":\"x\"}}";
    int compiled = 0;
    for (size_t k = 1; !compiled; k++) {
        tu_alloc ta;
        llmj_config cfg = failing_config(&ta, k);
        llmj_schema *s = NULL;
        llmj_status st = llmj_schema_compile(&s, schema, strlen(schema), &cfg, NULL);
        if (st == LLMJ_OK) {
            compiled = ta.failed == 0;
            llmj_schema_free(s);
        } else {
            assert_int_equal(st, LLMJ_NOMEM);
            assert_null(s);
        }
        if (ta.live)
            fail_msg("compile, allocation %zu refused: %zu blocks left", k, ta.live);
    }
    tu_alloc sa;
    memset(&sa, 0, sizeof sa);
    llmj_schema *s = compile_ok(&sa, schema);
    int done = 0;
    for (size_t k = 1; !done; k++) {
        tu_alloc ta;
        llmj_config cfg = failing_config(&ta, k);
        llmj_tracker *t = NULL;
        if (llmj_tracker_new(&t, &cfg, NULL, NULL) != LLMJ_OK || llmj_tracker_set_schema(t, s) != LLMJ_OK) {
            llmj_tracker_free(t);
            assert_int_equal(ta.live, 0);
            continue;
        }
        for (size_t i = 0; text[i]; i++)
            llmj_tracker_feed(t, text + i, 1);
        llmj_tracker_finish(t, LLMJ_END_NORMAL);
        llmj_schema_result r;
        llmj_status st = llmj_tracker_schema_result(t, &r);
        if (st == LLMJ_OK && ta.failed == 0) {
            assert_int_equal(r.valid, LLMJ_SCHEMA_CONFORMING);
            done = 1;
        } else if (st == LLMJ_OK) {
            assert_int_not_equal(r.valid, LLMJ_SCHEMA_NONCONFORMING); /* a refusal is never a violation */
        } else {
            assert_int_equal(st, LLMJ_NOMEM);
        }
        llmj_tracker_free(t);
        if (ta.live)
            fail_msg("validate, allocation %zu refused: %zu blocks left", k, ta.live);
    }
    llmj_schema_free(s);
    assert_int_equal(sa.live, 0);
}

static int no_op_event(void *ctx, const llmj_schema_event *ev)
{
    (void)ctx;
    (void)ev;
    return 0;
}

static void verdicts_equal(const verdict *a, const verdict *b, const char *what, size_t piece, size_t at)
{
    if (a->valid != b->valid || a->off != b->off || a->line != b->line || a->column != b->column ||
        strcmp(a->kw, b->kw) || strcmp(a->ptr, b->ptr) ||
        strcmp(a->msg, b->msg) || strcmp(a->missing, b->missing) || a->has_cut != b->has_cut ||
        strcmp(a->cut, b->cut) || strcmp(a->upcoming, b->upcoming))
        fail_msg("%s, pieces of %zu, at byte %zu: held: valid %d offset %lld '%s' '%s' missing '%s' upcoming '%s'; "
                 "at once: valid %d offset %lld '%s' '%s' missing '%s' upcoming '%s'",
                 what, piece, at, a->valid, (long long)a->off, a->ptr, a->msg, a->missing, a->upcoming, b->valid,
                 (long long)b->off, b->ptr, b->msg, b->missing, b->upcoming);
}

/* With no event callback small pieces are held and validated together
 * (validate.c, HOLD_CAP); with one (that never stops the tracker) each piece
 * is validated as it comes. Both must give the same result at every query,
 * whatever the pieces, the violation and where it is. */
static void test_held_pieces(void **state)
{
    (void)state;
    static const char schema[] =
        "{\"type\":\"object\",\"properties\":{"
        "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
        "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]{3}-[0-9]+$\"},"
        "\"kind\":{\"enum\":[\"book\",\"film\",\"song\",\"game\"]},"
        "\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100},"
        "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":3},"
        "\"meta\":{\"type\":\"object\",\"properties\":{\"lang\":{\"enum\":[\"en\",\"fr\"]}},"
        "\"required\":[\"lang\"],\"additionalProperties\":false}},"
        "\"required\":[\"id\",\"kind\",\"score\",\"tags\",\"meta\"],\"additionalProperties\":false}}},"
        "\"required\":[\"items\"],\"additionalProperties\":false}";
    /* the faults, each put into one element */
    static const char *const faults[] = {
        NULL,
        "{\"id\":\"abc-1\",\"kind\":\"boox\",\"score\":1,\"tags\":[],\"meta\":{\"lang\":\"en\"}}",
        "{\"id\":\"ab1\",\"kind\":\"book\",\"score\":1,\"tags\":[],\"meta\":{\"lang\":\"en\"}}",
        "{\"id\":\"abc-1\",\"kind\":\"book\",\"score\":101,\"tags\":[],\"meta\":{\"lang\":\"en\"}}",
        "{\"id\":\"abc-1\",\"kind\":\"book\",\"score\":1,\"tags\":[\"a\",\"b\",\"c\",\"d\"],\"meta\":{\"lang\":\"en\"}}",
        "{\"id\":\"abc-1\",\"kind\":\"book\",\"score\":1,\"tags\":[],\"meta\":{\"lang\":\"en\",\"zz\":1}}",
        "{\"id\":\"abc-1\",\"kind\":\"book\",\"score\":1,\"tags\":[],\"meta\":{}}",
        "{\"id\":\"abc-1\",\"kind\":\"bo\\u006fk\",\"score\":1,\"tags\":[],\"meta\":{\"lang\":\"fr\"},\"x\":2}",
    };
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_schema *s = compile_ok(&ta, schema);
    for (size_t f = 0; f < sizeof faults / sizeof *faults; f++) {
        for (size_t at = 0; at < 3; at++) {
            tu_buf b = {0};
            tu_buf_addf(&b, "{\"items\":[");
            size_t bad = at == 0 ? 3 : at == 1 ? 70 : 139;
            for (size_t i = 0; i < 140; i++) {
                if (i)
                    tu_buf_addf(&b, ", ");
                if (faults[f] && i == bad)
                    tu_buf_addf(&b, "%s", faults[f]);
                else
                    tu_buf_addf(&b, "{\"id\":\"abc-%zu\",\"kind\":\"%s\",\"score\":%zu.5,\"tags\":[\"t\\\"q\",\"u\"],"
                                    "\"meta\":{\"lang\":\"%s\"}}",
                                i, i % 2 ? "film" : "song", i % 100, i % 3 ? "en" : "fr");
            }
            tu_buf_addf(&b, "]}");
            static const size_t pieces[] = {1, 2, 7, 64, 1000, 4095, 4096, 5000};
            for (size_t pi = 0; pi < sizeof pieces / sizeof *pieces; pi++) {
                size_t piece = pieces[pi];
                for (size_t every = 0; every < 3; every++) {
                    /* queries: none before the end, every 97 pieces, after each piece */
                    llmj_tracker *t[2];
                    for (int k = 0; k < 2; k++) {
                        llmj_config cfg;
                        llmj_config_init(&cfg);
                        cfg.alloc = tu_allocator(&ta);
                        assert_int_equal(llmj_tracker_new(&t[k], &cfg, NULL, NULL), LLMJ_OK);
                        assert_int_equal(k ? llmj_tracker_set_schema_cb(t[k], s, no_op_event, NULL)
                                           : llmj_tracker_set_schema(t[k], s),
                                         LLMJ_OK);
                    }
                    size_t np = 0;
                    for (size_t i = 0; i < b.len; np++) {
                        size_t k = piece < b.len - i ? piece : b.len - i;
                        for (int j = 0; j < 2; j++)
                            llmj_tracker_feed(t[j], b.data + i, k);
                        i += k;
                        if ((every == 1 && np % 97 == 96) || (every == 2 && (piece > 1 || np % 13 == 0))) {
                            verdict x = verdict_of(t[0]), y = verdict_of(t[1]);
                            verdicts_equal(&x, &y, faults[f] ? faults[f] : "no fault", piece, i);
                        }
                    }
                    for (int j = 0; j < 2; j++)
                        llmj_tracker_finish(t[j], LLMJ_END_NORMAL);
                    verdict x = verdict_of(t[0]), y = verdict_of(t[1]);
                    verdicts_equal(&x, &y, faults[f] ? faults[f] : "no fault", piece, b.len);
                    assert_int_equal(x.valid, faults[f] ? LLMJ_SCHEMA_NONCONFORMING : LLMJ_SCHEMA_CONFORMING);
                    for (int j = 0; j < 2; j++)
                        llmj_tracker_free(t[j]);
                }
            }
            tu_buf_free(&b);
        }
    }
    llmj_schema_free(s);
    assert_int_equal(ta.live, 0);
}

/* The validator's fast paths (the between-tokens loop with its level's
 * records in locals, keys compared by one load, the per-kind table of what
 * a value needs) against its general path: with an event callback every
 * byte takes the general path, without one the fast paths take what they
 * can. Each text below and every variant of it with one byte inserted,
 * deleted or replaced must give the same result both ways, whole, one byte
 * at a time and in pieces of 7 with a query after each piece (which
 * validates the held bytes: the fast paths then meet every piece end). */
static verdict fp_run(const llmj_schema *s, tu_alloc *ta, const char *text, size_t n, int cb, size_t piece,
                      verdict *steps, size_t *nsteps)
{
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    llmj_tracker *t = NULL;
    assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
    assert_int_equal(cb ? llmj_tracker_set_schema_cb(t, s, no_op_event, NULL) : llmj_tracker_set_schema(t, s),
                     LLMJ_OK);
    size_t ns = 0;
    for (size_t i = 0; i < n;) {
        size_t k = piece && piece < n - i ? piece : n - i;
        llmj_tracker_feed(t, text + i, k);
        i += k;
        if (piece && steps)
            steps[ns++] = verdict_of(t);
    }
    llmj_tracker_finish(t, LLMJ_END_NORMAL);
    verdict v = verdict_of(t);
    llmj_tracker_free(t);
    if (nsteps)
        *nsteps = ns;
    return v;
}

static void fp_compare(const llmj_schema *s, tu_alloc *ta, const char *text, size_t n)
{
    verdict ref = fp_run(s, ta, text, n, 1, 0, NULL, NULL);
    verdict w = fp_run(s, ta, text, n, 0, 0, NULL, NULL);
    verdicts_equal(&w, &ref, text, 0, n);
    static verdict a[600], b[600];
    assert_true(n < 600);
    static const size_t pieces[] = {1, 7};
    for (size_t pi = 0; pi < 2; pi++) {
        size_t na = 0, nb = 0;
        verdict x = fp_run(s, ta, text, n, 0, pieces[pi], a, &na);
        verdict y = fp_run(s, ta, text, n, 1, pieces[pi], b, &nb);
        verdicts_equal(&x, &ref, text, pieces[pi], n);
        verdicts_equal(&y, &ref, text, pieces[pi], n);
        assert_int_equal(na, nb);
        for (size_t k = 0; k < na; k++)
            verdicts_equal(&a[k], &b[k], text, pieces[pi], k);
    }
}

static void test_fast_paths(void **state)
{
    (void)state;
    static const char *const schemas[] = {
        /* the bench's */
        "{\"type\":\"object\",\"properties\":{"
        "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
        "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]{3}-[0-9]+$\"},"
        "\"kind\":{\"enum\":[\"book\",\"film\",\"song\",\"game\"]},"
        "\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100},"
        "\"count\":{\"type\":\"integer\"},"
        "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":3,\"minItems\":1},"
        "\"note\":{\"type\":[\"string\",\"null\"]},"
        "\"meta\":{\"type\":\"object\",\"properties\":{\"lang\":{\"enum\":[\"en\",\"fr\",\"de\"]},"
        "\"ok\":{\"type\":\"boolean\"}},\"required\":[\"lang\",\"ok\"],\"additionalProperties\":false}},"
        "\"required\":[\"id\",\"kind\",\"score\",\"count\",\"tags\",\"note\",\"meta\"],"
        "\"additionalProperties\":false}}},\"required\":[\"items\"],\"additionalProperties\":false}",
        /* long names (8 bytes and more), enums of 8 and 9 values, long values, prefixItems, a
         * property only in required, additional properties with a schema, a const, nested arrays */
        "{\"type\":\"object\",\"properties\":{"
        "\"abcdefg\":{\"type\":\"integer\",\"maximum\":5},"
        "\"abcdefgh\":{\"enum\":[\"a\",\"bb\",\"ccc\",\"dddd\",\"eeeee\",\"ffffff\",\"ggggggg\",\"hhhhhhhh\"]},"
        "\"a-very-long-property-name\":{\"enum\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"iiiiiiiiii\"]},"
        "\"t\":{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"const\":3}],\"items\":{\"type\":\"array\","
        "\"items\":{\"type\":\"number\",\"exclusiveMinimum\":0}}},"
        "\"\":{\"type\":\"null\"},\"q\\\"x\":{\"type\":\"boolean\"}},"
        "\"required\":[\"abcdefg\",\"zz\"],\"additionalProperties\":{\"type\":\"string\",\"maxLength\":3}}",
        /* an anyOf (the general path) beside common members */
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"anyOf\":[{\"type\":\"string\"},"
        "{\"type\":\"object\",\"properties\":{\"c\":{\"type\":\"integer\"}},\"required\":[\"c\"]}]},"
        "\"d\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"e\":{\"type\":\"string\"}},"
        "\"additionalProperties\":false}}},\"additionalProperties\":false}",
    };
    static const char *const texts[][6] = {
        {"{\"items\":[{\"id\":\"abc-1\",\"kind\":\"book\",\"score\":1.5,\"count\":7,\"tags\":[\"x\",\"y z\"],"
         "\"note\":null,\"meta\":{\"lang\":\"en\",\"ok\":true}},{\"id\":\"abd-22\",\"kind\":\"game\",\"score\":100,"
         "\"count\":-3,\"tags\":[\"\"],\"note\":\"n\",\"meta\":{\"lang\":\"de\",\"ok\":false}}]}",
         "{ \"items\" : [ { \"kind\" : \"film\" , \"id\":\"xyz-9\",\"score\":0,\"count\":1e2,\"tags\":[\"a\\\"\"],"
         "\"note\":null,\"meta\":{\"ok\":true,\"lang\":\"fr\"} } ,\n{\"id\":\"abc-1\",\"kind\":\"song\",\"score\":"
         "2.25,\"count\":3,\"tags\":[\"a\",\"b\",\"c\"],\"note\":\"\\u00e9\",\"meta\":{\"lang\":\"en\",\"ok\":null}}\n]}",
         "{\"items\":[{\"id\":\"abc-1\",\"id\":\"abc-2\"}]}",
         "{\"items\":[{\"id\":\"abc-1\",\"kind\":\"book\",\"kind\":\"book\"}]}",
         "{\"items\":[{\"note\":null,\"id\":\"abc-1\",\"tags\":[\"x\"],\"note\":\"y\"}]}",
         "{\"items\":[{\"id\":\"abc-1\",\"kind\":\"book\",\"score\":1,\"count\":2.5,\"tags\":[],\"note\":1,"
         "\"meta\":{}}]}"},
        {"{\"abcdefg\":5,\"abcdefgh\":\"hhhhhhhh\",\"a-very-long-property-name\":\"iiiiiiiiii\","
         "\"t\":[\"s\",3,[1,2.5],[]],\"\":null,\"q\\\"x\":true,\"zz\":\"abc\",\"other\":\"ab\"}",
         "{\"abcdefgh\":\"ggggggg\",\"abcdefg\":6,\"t\":[1],\"zz\":\"abcd\",\"a-very-long-property-name\":\"h\"}",
         "{\"abcdefg\":1,\"abcdefgh\":\"eeeee\",\"abcdefgh\":\"a\",\"t\":[\"\",4],\"zz\":\"\"}",
         "{\"abcdefg\":0,\"abcdefgh\":\"dddd\",\"a-very-long-property-name\":\"iiiiiiiii\",\"t\":[\"a\",3,[0]]}"},
        {"{\"a\":1,\"b\":{\"c\":2},\"d\":[{\"e\":\"x\"},{}]}",
         "{\"a\":1,\"b\":\"s\",\"d\":[{\"e\":\"x\",\"f\":1}]}",
         "{\"d\":[{\"e\":\"x\"}],\"b\":{\"c\":1},\"a\":2,\"b\":\"s\"}",
         "{\"a\":1.5,\"b\":[],\"d\":[]}"},
    };
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    static const char repl[] = " \n\"x1}],:{[\\";
    for (size_t si = 0; si < sizeof schemas / sizeof *schemas; si++) {
        llmj_schema *s = compile_ok(&ta, schemas[si]);
        for (size_t ti = 0; ti < 6 && texts[si][ti]; ti++) {
            const char *text = texts[si][ti];
            size_t n = strlen(text);
            char *buf = malloc(n + 2);
            fp_compare(s, &ta, text, n);
            for (size_t k = 0; k <= n; k++) {
                for (size_t r = 0; r < sizeof repl - 1; r++) {
                    /* insert repl[r] before byte k */
                    memcpy(buf, text, k);
                    buf[k] = repl[r];
                    memcpy(buf + k + 1, text + k, n - k);
                    buf[n + 1] = '\0';
                    fp_compare(s, &ta, buf, n + 1);
                    if (k == n)
                        continue;
                    /* replace byte k */
                    memcpy(buf, text, n + 1);
                    buf[k] = repl[r];
                    fp_compare(s, &ta, buf, n);
                }
                if (k < n) {
                    /* delete byte k */
                    memcpy(buf, text, k);
                    memcpy(buf + k, text + k + 1, n - k);
                    fp_compare(s, &ta, buf, n - 1);
                }
            }
            free(buf);
        }
        llmj_schema_free(s);
    }
    assert_int_equal(ta.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type),        cmocka_unit_test(test_enum_const),
        cmocka_unit_test(test_objects),     cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_numbers2),    cmocka_unit_test(test_strings),
        cmocka_unit_test(test_formats),     cmocka_unit_test(test_anyof_ref),
        cmocka_unit_test(test_missing_cut), cmocka_unit_test(test_refused),
        cmocka_unit_test(test_big_schema),  cmocka_unit_test(test_after_violation),
        cmocka_unit_test(test_regex_vs_pcre2), cmocka_unit_test(test_regex_fallback),
        cmocka_unit_test(test_events),      cmocka_unit_test(test_upcoming),
        cmocka_unit_test(test_no_memory),   cmocka_unit_test(test_held_pieces),
        cmocka_unit_test(test_fast_paths),  cmocka_unit_test(test_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
