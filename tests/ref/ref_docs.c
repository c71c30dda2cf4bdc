/* Documents for the tracker's property tests: 30+ generated in code (LLM-like
 * objects, deep nesting, every escape, surrogate pairs, raw UTF-8 of 2/3/4
 * bytes, numbers of every form, whitespace everywhere, random trees) plus
 * corpus/json/NAME.json when present. Include this file (it includes
 * ref_salvage.c) from a test; tests/ref/ is not globbed by the Makefile. */
#include "ref_salvage.c"

#include <dirent.h>

typedef struct ref_doc {
    char name[96];
    char *data;
    size_t len;
} ref_doc;

typedef struct ref_docs {
    ref_doc *v;
    size_t n, cap;
} ref_docs;

/* xorshift64*: deterministic, seeded per document */
typedef struct ref_rng {
    uint64_t s;
} ref_rng;

uint64_t ref_rand(ref_rng *r);
size_t ref_randn(ref_rng *r, size_t n);
void ref_docs_add(ref_docs *d, const char *name, const void *data, size_t len);
void ref_docs_generated(ref_docs *d);
size_t ref_docs_corpus(ref_docs *d, const char *root);
void ref_docs_free(ref_docs *d);
void ref_gen_llm_object(ref_rng *r, rbuf *b, size_t target);

uint64_t ref_rand(ref_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

size_t ref_randn(ref_rng *r, size_t n)
{
    return n ? (size_t)(ref_rand(r) % n) : 0;
}

void ref_docs_add(ref_docs *d, const char *name, const void *data, size_t len)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = ref_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    ref_doc *doc = &d->v[d->n++];
    snprintf(doc->name, sizeof doc->name, "%s", name);
    doc->data = ref_memdup(data, len);
    doc->len = len;
}

void ref_docs_free(ref_docs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].data);
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* ---- random pieces --------------------------------------------------------- */

typedef struct gen {
    ref_rng r;
    int ws;      /* whitespace between every token */
    int unicode; /* raw UTF-8 and \u escapes in strings */
    int escapes; /* every kind of escape in strings */
    int bignum;  /* long integers */
    size_t max_depth;
} gen;

static void gen_ws(gen *g, rbuf *b)
{
    if (!g->ws)
        return;
    static const char ws[] = " \t\n\r";
    size_t n = ref_randn(&g->r, 4);
    for (size_t i = 0; i < n; i++)
        rb_addc(b, ws[ref_randn(&g->r, 4)]);
}

static void gen_codepoint_utf8(gen *g, rbuf *b)
{
    unsigned long v;
    switch (ref_randn(&g->r, 4)) {
    case 0: v = 0x80 + ref_randn(&g->r, 0x800 - 0x80); break;            /* 2 bytes */
    case 1: v = 0x800 + ref_randn(&g->r, 0xD800 - 0x800); break;         /* 3 bytes */
    case 2: v = 0xE000 + ref_randn(&g->r, 0x10000 - 0xE000); break;      /* 3 bytes */
    default: v = 0x10000 + ref_randn(&g->r, 0x110000 - 0x10000); break;  /* 4 bytes */
    }
    put_utf8(b, v);
}

static void gen_u_escape(gen *g, rbuf *b, unsigned v)
{
    char tmp[8];
    snprintf(tmp, sizeof tmp, ref_randn(&g->r, 2) ? "\\u%04x" : "\\u%04X", v);
    rb_add(b, tmp, 6);
}

static void gen_string_body(gen *g, rbuf *b, size_t len)
{
    static const char *words[] = { "the", "model", "said", "hello", "JSON", "a", "b",
                                   "value", "x", "42", "tool_call", "ok", " ", ", " };
    for (size_t i = 0; i < len; i++) {
        size_t pick = ref_randn(&g->r, 10);
        if (g->escapes && pick == 0) {
            static const char *esc[] = { "\\\"", "\\\\", "\\/", "\\b", "\\f",
                                         "\\n", "\\r", "\\t" };
            rb_add(b, esc[ref_randn(&g->r, 8)], 2);
        } else if (g->escapes && pick == 1) {
            unsigned v = (unsigned)ref_randn(&g->r, 0xD800);
            if (ref_randn(&g->r, 4) == 0)
                v = (unsigned)ref_randn(&g->r, 0x20); /* control chars, \u0000 too */
            gen_u_escape(g, b, v);
        } else if (g->unicode && pick == 2) {
            unsigned long v = 0x10000 + ref_randn(&g->r, 0x100000);
            gen_u_escape(g, b, (unsigned)(0xD800 + ((v - 0x10000) >> 10)));
            gen_u_escape(g, b, (unsigned)(0xDC00 + ((v - 0x10000) & 0x3FF)));
        } else if (g->unicode && pick <= 4) {
            gen_codepoint_utf8(g, b);
        } else if (g->unicode && pick == 5) {
            unsigned v = 0xE000 + (unsigned)ref_randn(&g->r, 0x2000);
            gen_u_escape(g, b, v);
        } else {
            const char *w = words[ref_randn(&g->r, sizeof words / sizeof *words)];
            rb_add(b, w, strlen(w));
        }
    }
}

static void gen_string(gen *g, rbuf *b, size_t len)
{
    rb_addc(b, '"');
    gen_string_body(g, b, len);
    rb_addc(b, '"');
}

static void gen_number(gen *g, rbuf *b)
{
    if (ref_randn(&g->r, 2))
        rb_addc(b, '-');
    if (ref_randn(&g->r, 5) == 0) {
        rb_addc(b, '0');
    } else {
        size_t nd = 1 + ref_randn(&g->r, g->bignum ? 40 : 6);
        rb_addc(b, (char)('1' + ref_randn(&g->r, 9)));
        for (size_t i = 1; i < nd; i++)
            rb_addc(b, (char)('0' + ref_randn(&g->r, 10)));
    }
    if (ref_randn(&g->r, 3) == 0) {
        rb_addc(b, '.');
        size_t nd = 1 + ref_randn(&g->r, 5);
        for (size_t i = 0; i < nd; i++)
            rb_addc(b, (char)('0' + ref_randn(&g->r, 10)));
    }
    if (ref_randn(&g->r, 4) == 0) {
        rb_addc(b, ref_randn(&g->r, 2) ? 'e' : 'E');
        size_t s = ref_randn(&g->r, 3);
        if (s == 1)
            rb_addc(b, '+');
        else if (s == 2)
            rb_addc(b, '-');
        size_t nd = 1 + ref_randn(&g->r, 3);
        for (size_t i = 0; i < nd; i++)
            rb_addc(b, (char)('0' + ref_randn(&g->r, 10)));
    }
}

static void gen_value(gen *g, rbuf *b, size_t depth);

static void gen_key(gen *g, rbuf *b, size_t i)
{
    static const char *keys[] = { "id", "name", "a/b", "t~1", "", "arguments", "\\u00e9t\\u00e9",
                                  "k\\\"q", "x\\/y", "\xe2\x82\xac", "~", "/", "\\u0000nul" };
    rb_addc(b, '"');
    const char *k = keys[ref_randn(&g->r, sizeof keys / sizeof *keys)];
    rb_add(b, k, strlen(k));
    char num[24];
    int len = snprintf(num, sizeof num, "%zu", i); /* keys stay unique */
    rb_add(b, num, (size_t)len);
    rb_addc(b, '"');
}

static void gen_value(gen *g, rbuf *b, size_t depth)
{
    size_t pick = ref_randn(&g->r, depth >= g->max_depth ? 6 : 9);
    switch (pick) {
    case 0: case 1: gen_string(g, b, ref_randn(&g->r, 12)); break;
    case 2: case 3: gen_number(g, b); break;
    case 4: {
        static const char *lit[] = { "true", "false", "null" };
        const char *l = lit[ref_randn(&g->r, 3)];
        rb_add(b, l, strlen(l));
        break;
    }
    case 5: gen_string(g, b, 0); break;
    case 6: case 7: {
        size_t n = ref_randn(&g->r, 5);
        rb_addc(b, '{');
        for (size_t i = 0; i < n; i++) {
            if (i) {
                gen_ws(g, b);
                rb_addc(b, ',');
            }
            gen_ws(g, b);
            gen_key(g, b, i);
            gen_ws(g, b);
            rb_addc(b, ':');
            gen_ws(g, b);
            gen_value(g, b, depth + 1);
        }
        gen_ws(g, b);
        rb_addc(b, '}');
        break;
    }
    default: {
        size_t n = ref_randn(&g->r, 5);
        rb_addc(b, '[');
        for (size_t i = 0; i < n; i++) {
            if (i) {
                gen_ws(g, b);
                rb_addc(b, ',');
            }
            gen_ws(g, b);
            gen_value(g, b, depth + 1);
        }
        gen_ws(g, b);
        rb_addc(b, ']');
        break;
    }
    }
}

/* An LLM-like object: short keys, strings of 20-200 characters, numbers,
 * booleans, some unicode, a nested array of records. About target bytes. */
void ref_gen_llm_object(ref_rng *r, rbuf *b, size_t target)
{
    gen g = { *r, 0, 1, 0, 0, 3 };
    static const char *keys[] = { "id", "name", "text", "score", "tags", "ok", "lang",
                                  "summary", "title", "note" };
    rb_add(b, "{\"items\":[", 10);
    size_t start = b->n;
    for (size_t i = 0; b->n - start < target; i++) {
        if (i)
            rb_addc(b, ',');
        rb_addc(b, '{');
        size_t nk = 3 + ref_randn(&g.r, 6);
        for (size_t j = 0; j < nk; j++) {
            if (j)
                rb_addc(b, ',');
            char kb[40];
            int kl = snprintf(kb, sizeof kb, "\"%s%zu\":", keys[j % 10], j / 10);
            rb_add(b, kb, (size_t)kl);
            switch ((i + j) % 5) {
            case 0: case 1: {
                size_t len = 20 + ref_randn(&g.r, 181);
                rb_addc(b, '"');
                size_t s0 = b->n;
                while (b->n - s0 < len) {
                    if (ref_randn(&g.r, 40) == 0)
                        gen_codepoint_utf8(&g, b);
                    else if (ref_randn(&g.r, 60) == 0)
                        rb_add(b, "\\n", 2);
                    else
                        rb_addc(b, (char)("abcdefghijklmnopqrstuvwxyz    .,"[ref_randn(&g.r, 32)]));
                }
                rb_addc(b, '"');
                break;
            }
            case 2: gen_number(&g, b); break;
            case 3: {
                int t = (int)ref_randn(&g.r, 2);
                rb_add(b, t ? "true" : "false", t ? 4 : 5);
                break;
            }
            default: {
                rb_addc(b, '[');
                size_t nt = ref_randn(&g.r, 4);
                for (size_t t = 0; t < nt; t++) {
                    if (t)
                        rb_addc(b, ',');
                    gen_string(&g, b, 1 + ref_randn(&g.r, 3));
                }
                rb_addc(b, ']');
            }
            }
        }
        rb_addc(b, '}');
    }
    rb_add(b, "],\"done\":true}", 14);
    *r = g.r;
}

/* A few fixed names are used by tests to find special documents. */
void ref_docs_generated(ref_docs *d)
{
    static const char *fixed[] = {
        /* LLM-like answers */
        "{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3},\"confidence\":0.93,\"ok\":true,\"note\":null}",
        "{\n  \"answer\": \"The capital of France is Paris.\",\n  \"sources\": [\n    {\"title\": \"Paris\", \"url\": \"https://en.wikipedia.org/wiki/Paris\"},\n    {\"title\": \"France\", \"score\": 0.87}\n  ],\n  \"follow_up\": []\n}\n",
        "[{\"role\":\"assistant\",\"content\":\"Sure! Here is the list:\\n1. apples\\n2. pears\"},{\"role\":\"tool\",\"content\":\"{\\\"x\\\":1}\"}]",
        /* every escape, \u0000, control characters as escapes */
        "{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"u\":\"\\u0041\\u00e9\\u20AC\\uFFFF\\u0000end\",\"ctl\":\"\\u0001\\u001f\\u007F\"}",
        /* surrogate pairs, both cases */
        "[\"\\ud83d\\ude00\",\"\\uD834\\uDD1E\",\"a\\uDBFF\\uDFFFz\",\"\\ud800\\udc00\",{\"\\uD83D\\uDE80\":\"\\ud83d\\ude80\"}]",
        /* raw UTF-8 of 2, 3 and 4 bytes */
        "{\"fr\":\"\xc3\xa9t\xc3\xa9\",\"euro\":\"\xe2\x82\xac 5\",\"cjk\":\"\xe4\xb8\xad\xe6\x96\x87\",\"emoji\":\"\xf0\x9f\x98\x80\xf0\x9f\x9a\x80\",\"max\":\"\xf4\x8f\xbf\xbf\",\"\xc3\xa9\":1}",
        /* numbers of every form */
        "[0,-0,1,-1,12,-12,1.5,-0.25,0.0,1e5,1E5,1e+5,1e-5,1E-05,1.5e10,-0.0e-0,123456789012345678901234567890,-98765432109876543210.123456789e-100]",
        "12", "-0.5e+7", "0", "-0", "1234567890123456789012345678901234567890", "3.14159",
        /* top-level scalars */
        "\"just a string\"", "true", "false", "null", "\"\"",
        /* whitespace everywhere */
        " \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r[ \t\n\r1 \t\n\r, \t\n\rtrue \t\n\r, \t\n\r\"s\" \t\n\r] \t\n\r, \"b\"\n:\r{}\t} \t\n\r",
        "\n\n[\n  1,\n  2\n]\n\n",
        /* empty containers */
        "{}", "[]", "[[]]", "{\"a\":{}}", "[{},[],{\"\":[]}]",
        /* keys with / ~ escapes, empty keys */
        "{\"a/b\":{\"m~n\":{\"\":{\"~1\":[{\"/\":0}]}}},\"\\u002f\":1,\"\\u007e\":2}",
        /* deep nesting */
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{\"a\":[[[[[[[[[[{\"b\":{\"c\":{\"d\":[1,[2,[3,[4]]]]}}}]]]]]]]]]]}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        char name[32];
        snprintf(name, sizeof name, "fixed-%02zu", i);
        ref_docs_add(d, name, fixed[i], strlen(fixed[i]));
    }

    rbuf b = { 0 };
    /* 100 levels of alternating objects and arrays */
    for (size_t i = 0; i < 100; i++)
        rb_add(&b, i % 2 ? "[" : "{\"k\":", i % 2 ? 1 : 5);
    rb_add(&b, "\"deep\"", 6);
    for (size_t i = 100; i-- > 0;)
        rb_add(&b, i % 2 ? "]" : "}", 1);
    ref_docs_add(d, "deep-100", b.d, b.n);
    b.n = 0;

    /* random trees with different flavours */
    for (unsigned seed = 1; seed <= 24; seed++) {
        gen g = { { 0x9E3779B97F4A7C15ULL * seed + 1 }, (int)(seed % 3 == 0),
                  (int)(seed % 2 == 0), (int)(seed % 4 != 1), (int)(seed % 5 == 0),
                  2 + seed % 6 };
        b.n = 0;
        if (g.ws)
            gen_ws(&g, &b);
        /* an object at the top, as LLMs mostly answer */
        rb_addc(&b, '{');
        size_t nk = 2 + ref_randn(&g.r, 6);
        for (size_t i = 0; i < nk; i++) {
            if (i)
                rb_addc(&b, ',');
            gen_ws(&g, &b);
            gen_key(&g, &b, i);
            gen_ws(&g, &b);
            rb_addc(&b, ':');
            gen_ws(&g, &b);
            gen_value(&g, &b, 1);
        }
        gen_ws(&g, &b);
        rb_addc(&b, '}');
        gen_ws(&g, &b);
        char name[32];
        snprintf(name, sizeof name, "random-%02u", seed);
        ref_docs_add(d, name, b.d, b.n);
    }

    /* LLM-like objects of about 1.5 KB */
    for (unsigned seed = 1; seed <= 3; seed++) {
        ref_rng r = { 0xC0FFEEULL * seed };
        b.n = 0;
        ref_gen_llm_object(&r, &b, 1200);
        char name[32];
        snprintf(name, sizeof name, "llm-%u", seed);
        ref_docs_add(d, name, b.d, b.n);
    }
    free(b.d);
}

static int ref_name_cmp(const void *a, const void *b)
{
    return strcmp(((const ref_doc *)a)->name, ((const ref_doc *)b)->name);
}

/* corpus/json/NAME.json under root; returns how many were added. */
size_t ref_docs_corpus(ref_docs *d, const char *root)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpus/json", root);
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    size_t first = d->n;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        rbuf b = { 0 };
        char tmp[65536];
        size_t got;
        while ((got = fread(tmp, 1, sizeof tmp, f)) > 0)
            rb_add(&b, tmp, got);
        fclose(f);
        char name[96];
        snprintf(name, sizeof name, "corpus/%.80s", de->d_name);
        ref_docs_add(d, name, b.d ? b.d : "", b.n);
        free(b.d);
    }
    closedir(dp);
    qsort(d->v + first, d->n - first, sizeof *d->v, ref_name_cmp);
    return d->n - first;
}
