/* Benchmark: the tracker alone and the tracker validating against a schema
 * (nested objects, arrays, enums, a pattern, number bounds) on the same
 * ~1 MB answer that conforms, whole and in 64-byte pieces; and compiling a
 * schema of 5,000 properties over 10 levels (plain, and all required).
 * Printed side by side, not asserted (the goal: at most 30 % overhead).
 * `bench_schema --once PIECE` makes one validated pass, for callgrind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <llmjson.h>
#include "support/testutil.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char k_schema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]{3}-[0-9]+$\"},"
    "\"kind\":{\"enum\":[\"book\",\"film\",\"song\",\"game\"]},"
    "\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100},"
    "\"count\":{\"type\":\"integer\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":8},"
    "\"note\":{\"type\":[\"string\",\"null\"]},"
    "\"meta\":{\"type\":\"object\",\"properties\":{\"lang\":{\"enum\":[\"en\",\"fr\",\"de\"]},"
    "\"ok\":{\"type\":\"boolean\"}},\"required\":[\"lang\",\"ok\"],\"additionalProperties\":false}},"
    "\"required\":[\"id\",\"kind\",\"score\",\"count\",\"tags\",\"note\",\"meta\"],"
    "\"additionalProperties\":false}}},\"required\":[\"items\"],\"additionalProperties\":false}";

static char *make_doc(size_t target, size_t *len)
{
    tu_buf b = {0};
    static const char *kinds[] = {"book", "film", "song", "game"};
    static const char *langs[] = {"en", "fr", "de"};
    tu_buf_addf(&b, "{\"items\":[");
    for (size_t i = 0; b.len < target; i++) {
        tu_buf_addf(&b, "%s{\"id\":\"abc-%zu\",\"kind\":\"%s\",\"score\":%zu.%zu,\"count\":%zu,"
                        "\"tags\":[\"alpha\",\"beta gamma\",\"delta\"],"
                        "\"note\":%s,\"meta\":{\"lang\":\"%s\",\"ok\":%s}}",
                    i ? "," : "", i, kinds[i % 4], i % 100, i % 10, i * 7,
                    i % 3 ? "\"a fairly ordinary sentence written by the model, with some words\"" : "null",
                    langs[i % 3], i % 2 ? "true" : "false");
    }
    tu_buf_addf(&b, "]}");
    *len = b.len;
    return b.data;
}

static double run(const char *doc, size_t n, size_t piece, const llmj_schema *s, int reps, int *valid)
{
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        llmj_tracker *t;
        if (llmj_tracker_new(&t, NULL, NULL, NULL) != LLMJ_OK)
            abort();
        if (s && llmj_tracker_set_schema(t, s) != LLMJ_OK)
            abort();
        double t0 = now_s();
        for (size_t off = 0; off < n;) {
            size_t k = piece && piece < n - off ? piece : n - off;
            llmj_tracker_feed(t, doc + off, k);
            off += k;
        }
        llmj_tracker_finish(t, LLMJ_END_NORMAL);
        double dt = now_s() - t0;
        if (s) {
            llmj_schema_result res;
            llmj_tracker_schema_result(t, &res);
            *valid = res.valid;
        }
        llmj_tracker_free(t);
        if (dt < best)
            best = dt;
    }
    return best;
}

int main(int argc, char **argv)
{
    size_t n;
    char *doc = make_doc(1 << 20, &n);
    llmj_schema *s;
    llmj_schema_error e;
    if (llmj_schema_compile(&s, k_schema, strlen(k_schema), NULL, &e) != LLMJ_OK) {
        fprintf(stderr, "schema: %s\n", e.message);
        return 1;
    }
    if (argc == 3 && strcmp(argv[1], "--once-plain") == 0) {
        /* the same pass without the schema, for callgrind */
        int valid = -2;
        run(doc, n, (size_t)strtoul(argv[2], NULL, 10), NULL, 1, &valid);
        llmj_schema_free(s);
        free(doc);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--once") == 0) {
        /* one validated pass in pieces of argv[2] bytes (0: whole), for
         * valgrind --tool=callgrind: the inclusive cost of llmj__schema_feed
         * against that of llmj_tracker_feed less it is the overhead */
        int valid = -2;
        run(doc, n, (size_t)strtoul(argv[2], NULL, 10), s, 1, &valid);
        llmj_schema_free(s);
        free(doc);
        return valid != 1;
    }
    printf("schema validation on a %.2f MB conforming answer (best of 5):\n", n / 1e6);
    printf("  %-12s %12s %12s %9s\n", "pieces", "tracker", "+ schema", "overhead");
    size_t pieces[] = {0, 4096, 64};
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        int valid = -2;
        double a = run(doc, n, pieces[i], NULL, 5, &valid);
        double b = run(doc, n, pieces[i], s, 5, &valid);
        char name[32];
        snprintf(name, sizeof name, pieces[i] ? "%zu B" : "whole", pieces[i]);
        printf("  %-12s %9.2f ms %9.2f ms %8.1f %%%s\n", name, a * 1e3, b * 1e3, (b / a - 1) * 100,
               valid == 1 ? "" : "  (NOT CONFORMING: bench broken)");
        bad |= valid != 1;
    }
    llmj_schema_free(s);
    free(doc);

    /* compilation: 5,000 properties, 10 levels; then the same in OpenAI's
     * strict form (every property required, additionalProperties false) */
    for (int strict = 0; strict <= 1; strict++) {
        tu_buf b = {0};
        tu_buf_addf(&b, "{\"type\":\"object\",\"properties\":{");
        for (int i = 0; i < 5000; i++)
            tu_buf_addf(&b, "%s\"p%d\":{\"type\":\"string\",\"enum\":[\"a\",\"b\",\"c\"]}", i ? "," : "", i);
        tu_buf_addf(&b, ",\"deep\":");
        for (int i = 0; i < 9; i++)
            tu_buf_addf(&b, "{\"type\":\"object\",\"properties\":{\"x\":");
        tu_buf_addf(&b, "{}");
        for (int i = 0; i < 9; i++)
            tu_buf_addf(&b, strict ? "},\"required\":[\"x\"],\"additionalProperties\":false}" : "}}");
        tu_buf_addf(&b, "}");
        if (strict) {
            tu_buf_addf(&b, ",\"required\":[");
            for (int i = 0; i < 5000; i++)
                tu_buf_addf(&b, "\"p%d\",", i);
            tu_buf_addf(&b, "\"deep\"],\"additionalProperties\":false");
        }
        tu_buf_addf(&b, "}");
        double best = 1e9;
        for (int r = 0; r < 5; r++) {
            double t0 = now_s();
            if (llmj_schema_compile(&s, b.data, b.len, NULL, &e) != LLMJ_OK) {
                fprintf(stderr, "schema: %s\n", e.message);
                return 1;
            }
            double dt = now_s() - t0;
            llmj_schema_free(s);
            if (dt < best)
                best = dt;
        }
        printf("compile a schema of 5,000 properties and 10 levels%s (%zu bytes): %.2f ms\n",
               strict ? ", all required, strict" : "", b.len, best * 1e3);
        tu_buf_free(&b);
    }
    return bad;
}
