#include "testutil.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each block carries its size in a header so the counters stay exact. */
typedef struct { size_t size; size_t pad; } tu_hdr;

static int tu_should_fail(tu_alloc *a)
{
    a->total++;
    if (a->fail_at != 0 && a->total == a->fail_at) {
        a->failed++;
        return 1;
    }
    return 0;
}

static void *tu_malloc(void *ctx, size_t size)
{
    tu_alloc *a = ctx;
    if (tu_should_fail(a))
        return NULL;
    tu_hdr *h = malloc(sizeof *h + size);
    if (!h)
        return NULL;
    h->size = size;
    a->live++;
    a->bytes += size;
    if (a->bytes > a->peak)
        a->peak = a->bytes;
    return h + 1;
}

static void tu_free(void *ctx, void *ptr)
{
    tu_alloc *a = ctx;
    if (!ptr)
        return;
    tu_hdr *h = (tu_hdr *)ptr - 1;
    a->live--;
    a->bytes -= h->size;
    free(h);
}

static void *tu_realloc(void *ctx, void *ptr, size_t size)
{
    tu_alloc *a = ctx;
    if (!ptr)
        return tu_malloc(ctx, size);
    tu_hdr *h = (tu_hdr *)ptr - 1;
    if (size > h->size && tu_should_fail(a))
        return NULL;
    size_t old = h->size;
    tu_hdr *n = realloc(h, sizeof *n + size);
    if (!n)
        return NULL;
    n->size = size;
    a->bytes = a->bytes - old + size;
    if (a->bytes > a->peak)
        a->peak = a->bytes;
    return n + 1;
}

llmj_allocator tu_allocator(tu_alloc *a)
{
    llmj_allocator al = { tu_malloc, tu_realloc, tu_free, a };
    return al;
}

const char *tu_root(void)
{
    const char *r = getenv("LLMJ_ROOT");
    return (r && *r) ? r : ".";
}

const char *tu_path(char *buf, size_t cap, const char *rel)
{
    snprintf(buf, cap, "%s/%s", tu_root(), rel);
    return buf;
}

const char *tu_shared(char *buf, size_t cap, const char *rel)
{
    const char *s = getenv("LLMJ_SHARED");
    if (s && *s)
        snprintf(buf, cap, "%s/%s", s, rel);
    else
        snprintf(buf, cap, "%s/../shared/%s", tu_root(), rel);
    return buf;
}

int tu_have_shared(const char *rel, const char *what_is_skipped)
{
    char p[4096];
    tu_shared(p, sizeof p, rel);
    if (access(p, R_OK) == 0)
        return 1;
    printf("NOTICE: %s is absent: %s skipped\n", p, what_is_skipped);
    fflush(stdout);
    return 0;
}

const char *tu_scratch(char *buf, size_t cap, const char *name)
{
    const char *d = getenv("LLMJ_SCRATCH");
    if (!d || !*d)
        d = getenv("TMPDIR");
    if (!d || !*d)
        d = "/tmp";
    (void)mkdir(d, 0777);
    snprintf(buf, cap, "%s/%s.%ld", d, name, (long)getpid());
    return buf;
}

const char *tu_tool(void)
{
    static char buf[4096];
    const char *t = getenv("LLMJ_TOOL");
    if (t && *t)
        return t;
    return tu_path(buf, sizeof buf, "build/llmjson");
}

unsigned long long tu_callgrind_count(const char *self, const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "valgrind --tool=callgrind --callgrind-out-file=/dev/null "
             "--toggle-collect=counted_run '%s' %s 2>&1",
             self, args);
    fflush(stdout);
    FILE *f = popen(cmd, "r");
    if (!f)
        return 0;
    char line[512];
    unsigned long long ir = 0;
    while (fgets(line, sizeof line, f)) {
        const char *c = strstr(line, "Collected :");
        if (c)
            ir = strtoull(c + strlen("Collected :"), NULL, 10);
    }
    if (pclose(f) != 0)
        return 0;
    return ir;
}

char *tu_read_file(const char *path, size_t *len)
{
    char full[4096];
    if (path[0] != '/')
        path = tu_path(full, sizeof full, path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            fclose(f);
            return NULL;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            continue;
        }
        buf = nb;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

void tu_buf_add(tu_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d)
            abort();
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void tu_buf_addf(tu_buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        tu_buf_add(b, tmp, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        abort();
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tu_buf_add(b, big, (size_t)n);
    free(big);
}

void tu_buf_free(tu_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void tu_buf_add_json_string(tu_buf *b, const char *s, size_t n)
{
    tu_buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': tu_buf_add(b, "\\\"", 2); break;
        case '\\': tu_buf_add(b, "\\\\", 2); break;
        case '\n': tu_buf_add(b, "\\n", 2); break;
        case '\r': tu_buf_add(b, "\\r", 2); break;
        case '\t': tu_buf_add(b, "\\t", 2); break;
        default:
            if (c < 0x20)
                tu_buf_addf(b, "\\u%04x", c);
            else
                tu_buf_add(b, &s[i], 1);
        }
    }
    tu_buf_add(b, "\"", 1);
}

size_t tu_openai_sse(tu_buf *sse, tu_buf *payloads, const char *answer, size_t n, size_t step)
{
    return tu_openai_sse_obf(sse, payloads, answer, n, step, 0);
}

size_t tu_openai_sse_obf(tu_buf *sse, tu_buf *payloads, const char *answer, size_t n, size_t step,
                         int obfuscate)
{
    static const char head[] =
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\","
        "\"choices\":[{\"index\":0,\"delta\":{\"content\":";
    static const char tail[] = "},\"finish_reason\":null}]}\n\n";
    static const char tail_obf[] = "},\"finish_reason\":null}],\"obfuscation\":\"";
    static const char pad[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    uint32_t rng = 2463534242u;
    size_t chunks = 0;
    for (size_t p = 0; p < n; chunks++) {
        size_t k = step ? step : (chunks & 1) ? 4 : 3;
        if (k > n - p)
            k = n - p;
        size_t start = sse->len;
        tu_buf_add(sse, head, sizeof head - 1);
        tu_buf_add_json_string(sse, answer + p, k);
        if (obfuscate) {
            tu_buf_add(sse, tail_obf, sizeof tail_obf - 1);
            rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
            for (size_t j = 0, len = 1 + rng % 16; j < len; j++)
                tu_buf_add(sse, &pad[(rng >> (j % 4 * 6)) % (sizeof pad - 1)], 1);
            tu_buf_add(sse, "\"}\n\n", 4);
        } else {
            tu_buf_add(sse, tail, sizeof tail - 1);
        }
        if (payloads) {
            tu_buf_add(payloads, sse->data + start + 6, sse->len - start - 6 - 2);
            tu_buf_add(payloads, "\n", 1);
        }
        p += k;
    }
    static const char end[] =
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
        "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        "data: [DONE]\n\n";
    tu_buf_add(sse, end, sizeof end - 1);
    return chunks + 2;
}

static void tu_indent(tu_buf *out, size_t depth)
{
    tu_buf_add(out, "\n", 1);
    for (size_t k = 0; k < depth; k++)
        tu_buf_add(out, "  ", 2);
}

void tu_pretty_json(tu_buf *out, const char *s, size_t n)
{
    int in_str = 0, esc = 0;
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            tu_buf_add(out, &c, 1);
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            tu_buf_add(out, &c, 1);
            break;
        case '{':
        case '[':
            tu_buf_add(out, &c, 1);
            tu_indent(out, ++depth);
            break;
        case '}':
        case ']':
            tu_indent(out, --depth);
            tu_buf_add(out, &c, 1);
            break;
        case ',':
            tu_buf_add(out, &c, 1);
            tu_indent(out, depth);
            break;
        case ':':
            tu_buf_add(out, ": ", 2);
            break;
        default:
            tu_buf_add(out, &c, 1);
        }
    }
}

int tu_have_dir(const char *rel, const char *what_is_skipped)
{
    char full[4096];
    DIR *d = opendir(tu_path(full, sizeof full, rel));
    if (d) {
        closedir(d);
        return 1;
    }
    printf("NOTICE: %s not found: %s skipped\n", full, what_is_skipped);
    fflush(stdout);
    return 0;
}

void tu_dump_usage(tu_buf *b, const llmj_stream *s)
{
    const llmj_usage *u = llmj_stream_usage(s);
    if (u)
        tu_buf_addf(b, "usage %lld %lld %lld %lld %lld\n", (long long)u->input_tokens,
                    (long long)u->output_tokens, (long long)u->total_tokens,
                    (long long)u->cached_tokens, (long long)u->reasoning_tokens);
}

void tu_dump_extras(tu_buf *b, const llmj_stream *s, size_t ci)
{
    llmj_choice_extras x;
    if (llmj_stream_extras(s, ci, &x) != LLMJ_OK) {
        tu_buf_addf(b, "  extras: misuse\n");
        return;
    }
    if (x.stop_sequence) {
        tu_buf_addf(b, "  stop_sequence ");
        tu_buf_add_json_string(b, x.stop_sequence, x.stop_sequence_len);
        tu_buf_add(b, "\n", 1);
    }
    if (x.logprobs) {
        tu_buf_addf(b, "  logprobs %zu ", x.logprob_count);
        tu_buf_add(b, x.logprobs, x.logprobs_len);
        tu_buf_add(b, "\n", 1);
    }
    for (size_t i = 0; i < x.citation_count; i++) {
        llmj_citation_info v;
        if (llmj_stream_citation(s, ci, i, &v) != LLMJ_OK) {
            tu_buf_addf(b, "  citation %zu: misuse\n", i);
            continue;
        }
        tu_buf_addf(b, "  citation ");
        tu_buf_add_json_string(b, v.type, v.type_len);
        tu_buf_add_json_string(b, v.source, v.source_len);
        tu_buf_add_json_string(b, v.title, v.title_len);
        tu_buf_add(b, v.json, v.json_len);
        tu_buf_add(b, "\n", 1);
    }
    for (size_t i = 0; i < x.server_tool_count; i++) {
        llmj_server_tool_info v;
        if (llmj_stream_server_tool(s, ci, i, &v) != LLMJ_OK || v.index != i) {
            tu_buf_addf(b, "  server tool %zu: misuse\n", i);
            continue;
        }
        tu_buf_addf(b, "  server tool %zu ", i);
        tu_buf_add_json_string(b, v.type, v.type_len);
        tu_buf_add_json_string(b, v.name, v.name_len);
        tu_buf_add_json_string(b, v.id, v.id_len);
        tu_buf_add_json_string(b, v.input, v.input_len);
        tu_buf_add_json_string(b, v.status, v.status_len);
        tu_buf_add_json_string(b, v.result, v.result_len);
        tu_buf_add(b, "\n", 1);
    }
}

void tu_dump_tool_extras(tu_buf *b, const llmj_tool_info *t)
{
    tu_buf_addf(b, " type ");
    tu_buf_add_json_string(b, t->type, t->type_len);
    tu_buf_addf(b, " text_input %d", t->text_input);
    if (t->signature) {
        tu_buf_addf(b, " signature ");
        tu_buf_add_json_string(b, t->signature, t->signature_len);
    }
}
