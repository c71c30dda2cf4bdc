/* The live transport: one streamed request per llmj_http on a libcurl easy
 * handle, run on a libcurl multi handle (llmj_http_multi; llmj_http_perform
 * makes a private one). Response bytes go from the write callback straight
 * into the request's stream object; a stop of the stream object (a runaway),
 * a callback's non-zero return or llmj_http_cancel() makes the write
 * callback return a short count, which aborts the transfer at once.
 *
 * Also here: the JSON-mode check before sending, the reading of an HTTP
 * error body (the provider's message, type and code), and the decoding of a
 * 200 response that is not an event stream: the whole JSON response is turned
 * into the events its dialect would have streamed and fed to the stream
 * object, so the caller sees one kind of result either way. Both use a small
 * structural JSON scanner (js_*) that only locates values; the stream object
 * validates whatever is fed to it. */
#include "alloc.h"
#include "dialect/whole.h"
#include "http_int.h"
#include "unicode.h"

#include <llmjson.h>
#include <llmjson/http.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MSG_CAP LLMJ__HTTP_MSG_CAP
#define FIELD_CAP LLMJ__HTTP_FIELD_CAP
#define KEY_CAP 4096
#define DEFAULT_CONNECT_MS 30000
#define DEFAULT_ERROR_BODY (64u << 10)
#define DEFAULT_WHOLE_BODY (64u << 20)
#define OPENAI_DEFAULT_BASE "https://api.openai.com/v1"

enum { MODE_UNDECIDED, MODE_STREAM, MODE_WHOLE, MODE_ERROR };
enum { ST_NEW, ST_RUNNING, ST_DONE };

struct llmj_http {
    llmj_allocator a;
    llmj_config cfg;
    llmj_http_options o; /* strings below are ours, the rest copied */
    char *url;
    char *body;
    size_t body_len;
    llmj__secrets secrets; /* the key and secret header values, for redaction */
    int tls;
    llmj__curl cu; /* libcurl (http_curl.h), ours to close */
    struct curl_slist *hdrs;
    CURL *easy;
    llmj_stream *stream;
    void *ctx;
    llmj_http_multi *multi;
    llmj_http *prev, *next;
    int state;
    int mode;
    int cancel_requested;
    llmj_status stop;    /* why we stopped the transfer (LLMJ_OK: we did not) */
    llmj_status timeout; /* which of our timers fired */
    int got_header;
    uint64_t header_bytes; /* response header bytes seen */
    uint64_t events_seen;  /* the stream object's event count at t_event */
    int64_t t_start, t_last, t_connected, t_end, t_event;
    llmj__buf collect;   /* an error body, or a whole response */
    char content_type[FIELD_CAP];
    char status_line[FIELD_CAP];
    char msg[MSG_CAP];
    char etype[FIELD_CAP];
    char ecode[FIELD_CAP];
    char location[MSG_CAP / 2];
    char errbuf[CURL_ERROR_SIZE];
    llmj_http_result res;
};

struct llmj_http_multi {
    llmj_allocator a;
    llmj__curl cu; /* libcurl (http_curl.h), ours to close */
    CURLM *curl;
    llmj_http *head;
    size_t n;
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Does s[0:n] contain needle (ASCII, case-insensitive)? */
static int icontains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (ieq_n(s + i, needle, k))
            return 1;
    return 0;
}

static char *dup_n(const llmj_allocator *a, const char *s, size_t n)
{
    char *d = llmj__malloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static void wipe_free(const llmj_allocator *a, char *p, size_t n)
{
    if (!p)
        return;
    volatile char *v = p;
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
    llmj__free(a, p);
}

/* Copy text into a fixed field: at most cap-1 bytes, cut at a UTF-8 boundary,
 * control bytes turned into spaces (a message stays on one line). */
static void set_field(char *dst, size_t cap, const char *src, size_t n)
{
    if (n > cap - 1) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    dst[n] = 0;
}

static void set_fieldf(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_fieldf(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

/* ==== a structural JSON scanner ===========================================
 * Walks a JSON text and reports where each value is: its path (object keys
 * raw, as written between the quotes; array indexes), and its span in the
 * text. It does not validate (malformed input gives some spans, or stops). */

#define JS_MAXD 16

typedef struct js_seg {
    int is_array;
    int expect_key;
    const char *key;
    size_t key_len;
    size_t index;
    size_t start;
} js_seg;

/* One located value. */
typedef struct js_val {
    size_t path_off, path_len; /* in js_doc.paths */
    size_t start, len;         /* the value's span in the text */
    size_t key_start;          /* offset of its key's opening quote, SIZE_MAX if none */
    char kind;                 /* '"', '{', '[', or 'n' (number, true, false, null) */
} js_val;

typedef struct js_doc {
    const llmj_allocator *a;
    const char *text;
    size_t len;
    llmj__buf vals;  /* js_val[] */
    llmj__buf paths; /* "/a/0/b" strings, back to back */
    size_t maxdepth; /* values deeper than this are not recorded */
    int nomem;
} js_doc;

static void js_record(js_doc *d, const js_seg *st, size_t depth, size_t start, size_t end, char kind)
{
    if (depth > d->maxdepth || d->nomem)
        return;
    size_t off = d->paths.len;
    for (size_t i = 0; i < depth; i++) {
        char num[32];
        const char *seg;
        size_t sl;
        if (st[i].is_array) {
            sl = (size_t)snprintf(num, sizeof num, "%zu", st[i].index);
            seg = num;
        } else {
            seg = st[i].key ? st[i].key : "";
            sl = st[i].key ? st[i].key_len : 0;
        }
        if (llmj__buf_append(&d->paths, d->a, "/", 1, SIZE_MAX) != 0 ||
            llmj__buf_append(&d->paths, d->a, seg, sl, SIZE_MAX) != 0) {
            d->nomem = 1;
            return;
        }
    }
    js_val v;
    v.path_off = off;
    v.path_len = d->paths.len - off;
    v.start = start;
    v.len = end - start;
    v.kind = kind;
    v.key_start = (depth > 0 && !st[depth - 1].is_array && st[depth - 1].key)
                      ? (size_t)(st[depth - 1].key - d->text) - 1
                      : SIZE_MAX;
    if (llmj__buf_append(&d->vals, d->a, &v, sizeof v, SIZE_MAX) != 0)
        d->nomem = 1;
}

/* Scan text; 0, or -1 when out of memory. */
static int js_scan(js_doc *d, const llmj_allocator *a, const char *s, size_t n, size_t maxdepth)
{
    memset(d, 0, sizeof *d);
    d->a = a;
    d->text = s;
    d->len = n;
    d->maxdepth = maxdepth;
    js_seg st[JS_MAXD + 1];
    size_t depth = 0; /* open containers (may exceed JS_MAXD: then untracked) */
    size_t i = 0;
    while (i < n && !d->nomem) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':') {
            if (c == ',' && depth > 0 && depth <= JS_MAXD) {
                if (st[depth - 1].is_array)
                    st[depth - 1].index++;
                else
                    st[depth - 1].expect_key = 1;
            } else if (c == ':' && depth > 0 && depth <= JS_MAXD) {
                st[depth - 1].expect_key = 0;
            }
            i++;
        } else if (c == '{' || c == '[') {
            if (depth < JS_MAXD) {
                js_seg *f = &st[depth];
                f->is_array = c == '[';
                f->expect_key = c == '{';
                f->key = NULL;
                f->key_len = 0;
                f->index = 0;
                f->start = i;
            }
            depth++;
            i++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                break;
            depth--;
            if (depth < JS_MAXD)
                js_record(d, st, depth, st[depth].start, i + 1, st[depth].is_array ? '[' : '{');
            i++;
        } else if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (j >= n)
                break;
            if (depth > 0 && depth <= JS_MAXD && !st[depth - 1].is_array && st[depth - 1].expect_key) {
                st[depth - 1].key = s + i + 1;
                st[depth - 1].key_len = j - i - 1;
            } else if (depth <= JS_MAXD) {
                js_record(d, st, depth, i, j + 1, '"');
            }
            i = j + 1;
        } else {
            size_t j = i;
            while (j < n && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ' ' && s[j] != '\n' &&
                   s[j] != '\r' && s[j] != '\t')
                j++;
            if (depth <= JS_MAXD)
                js_record(d, st, depth, i, j, 'n');
            i = j;
        }
    }
    return d->nomem ? -1 : 0;
}

static void js_free(js_doc *d)
{
    llmj__buf_free(&d->vals, d->a);
    llmj__buf_free(&d->paths, d->a);
}

static size_t js_count(const js_doc *d)
{
    return d->vals.len / sizeof(js_val);
}

static const js_val *js_at(const js_doc *d, size_t i)
{
    return (const js_val *)(const void *)d->vals.data + i;
}

/* The value at an exact path ("" is the root), or NULL. */
static const js_val *js_get(const js_doc *d, const char *path)
{
    size_t pl = strlen(path);
    for (size_t i = 0; i < js_count(d); i++) {
        const js_val *v = js_at(d, i);
        if (v->path_len == pl && memcmp(d->paths.data + v->path_off, path, pl) == 0)
            return v;
    }
    return NULL;
}

static const js_val *js_getf(const js_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const js_val *js_getf(const js_doc *d, const char *fmt, ...)
{
    char path[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof path)
        return NULL;
    return js_get(d, path);
}

/* Is v a string equal to lit (compared raw, without the quotes)? */
static int js_is(const js_doc *d, const js_val *v, const char *lit)
{
    size_t k = strlen(lit);
    return v && v->kind == '"' && v->len == k + 2 && memcmp(d->text + v->start + 1, lit, k) == 0;
}

static long hex4(const char *s, size_t n)
{
    return n < 4 ? -1 : llmj__hex4((const unsigned char *)s);
}

/* Decode the JSON string literal s[0:n] (with its quotes) into out (at most
 * cap-1 bytes, NUL-terminated); returns the length. A number or literal is
 * copied as written. */
static size_t js_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    if (n < 2 || s[0] != '"') {
        set_field(out, cap, s, n);
        return strlen(out);
    }
    s++;
    n -= 2;
    for (size_t i = 0; i < n && o + 4 < cap;) {
        char c = s[i];
        if (c != '\\') {
            out[o++] = c;
            i++;
            continue;
        }
        if (i + 1 >= n)
            break;
        char e = s[i + 1];
        i += 2;
        if (e != 'u') {
            int d = llmj__esc_byte((unsigned char)e);
            out[o++] = d < 0 ? e : (char)d;
            continue;
        }
        long u = hex4(s + i, n - i);
        if (u < 0)
            continue;
        i += 4;
        unsigned long cp = (unsigned long)u;
        if (llmj__is_high((unsigned)u) && i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u') {
            long lo = hex4(s + i + 2, n - i - 2);
            if (lo >= 0 && llmj__is_low((unsigned)lo)) {
                cp = llmj__pair((unsigned)u, (unsigned)lo);
                i += 6;
            }
        }
        if (cp >= 0xD800 && cp < 0xE000)
            cp = 0xFFFD;
        o += llmj__utf8_put(out + o, cp);
    }
    out[o] = 0;
    return o;
}

/* ==== the JSON-mode check ================================================== */

/* Does any string under prefix (a path prefix such as "/messages") contain
 * "json" in any case? */
static int mentions_json(const js_doc *d, const char *prefix)
{
    size_t pl = strlen(prefix);
    char tmp[512];
    for (size_t i = 0; i < js_count(d); i++) {
        const js_val *v = js_at(d, i);
        if (v->kind != '"' || v->path_len < pl || memcmp(d->paths.data + v->path_off, prefix, pl) != 0)
            continue;
        if (v->path_len > pl && d->paths.data[v->path_off + pl] != '/')
            continue;
        const char *s = d->text + v->start;
        if (icontains(s, v->len, "json"))
            return 1;
        if (memchr(s, '\\', v->len)) {
            /* escaped letters: decode (in windows, so a long text is fine) */
            size_t step = 400;
            for (size_t off = 1; off + 1 < v->len; off += step) {
                size_t end = off + step + 16 < v->len - 1 ? off + step + 16 : v->len - 1;
                /* re-quote the window; an escape cut at its edge only loses
                 * that one character */
                char win[440];
                size_t wl = 0;
                win[wl++] = '"';
                memcpy(win + wl, s + off, end - off);
                wl += end - off;
                win[wl++] = '"';
                size_t k = js_decode(win, wl, tmp, sizeof tmp);
                if (icontains(tmp, k, "json"))
                    return 1;
            }
        }
    }
    return 0;
}

static const char CHAT_JSON_MODE_MSG[] =
    "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
    "'json_object'.";
static const char RESPONSES_JSON_MODE_MSG[] =
    "Response input messages must contain the word 'json' in some form to use 'text.format' of "
    "type 'json_object'.";

/* LLMJ_OK, LLMJ_JSON_MODE_PROMPT (msg set) or LLMJ_NOMEM. */
static llmj_status check_json_mode(llmj_http *h)
{
    if (!h->body || !h->body_len)
        return LLMJ_OK;
    js_doc d;
    if (js_scan(&d, &h->a, h->body, h->body_len, 12) != 0) {
        js_free(&d);
        return LLMJ_NOMEM;
    }
    llmj_status st = LLMJ_OK;
    if (js_is(&d, js_get(&d, "/response_format/type"), "json_object") && !mentions_json(&d, "/messages")) {
        set_field(h->msg, sizeof h->msg, CHAT_JSON_MODE_MSG, sizeof CHAT_JSON_MODE_MSG - 1);
        st = LLMJ_JSON_MODE_PROMPT;
    } else if (js_is(&d, js_get(&d, "/text/format/type"), "json_object") && !mentions_json(&d, "/input")) {
        set_field(h->msg, sizeof h->msg, RESPONSES_JSON_MODE_MSG, sizeof RESPONSES_JSON_MODE_MSG - 1);
        st = LLMJ_JSON_MODE_PROMPT;
    }
    js_free(&d);
    if (st == LLMJ_JSON_MODE_PROMPT) {
        set_field(h->etype, sizeof h->etype, "invalid_request_error", 21);
        h->ecode[0] = 0;
    }
    return st;
}

/* ==== global state ========================================================== */

/* libcurl's global state is the only global state under llmjson; libcurl
 * counts the calls, so each init is undone by one cleanup (http.h). Loaded
 * at run time, libcurl stays once loaded (RTLD_NODELETE, http_curl.h), and
 * its global state with it: the table is only needed for the call. */
llmj_status llmj_global_init(void)
{
    llmj__curl cu;
    if (llmj__curl_open(&cu, NULL, NULL, 0) != 0)
        return LLMJ_TRANSFER;
    CURLcode rc = cu.global_init(CURL_GLOBAL_DEFAULT);
    llmj__curl_close(&cu);
    if (rc == CURLE_OK)
        return LLMJ_OK;
    return rc == CURLE_OUT_OF_MEMORY ? LLMJ_NOMEM : LLMJ_TRANSFER;
}

/* A libcurl that was never loaded has no global state to release. */
void llmj_global_cleanup(void)
{
    llmj__curl cu;
    if (llmj__curl_open_loaded(&cu) != 0)
        return;
    cu.global_cleanup();
    llmj__curl_close(&cu);
}

/* ==== options, creation ===================================================== */

void llmj_http_options_init(llmj_http_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->dialect = LLMJ_DIALECT_AUTO;
    o->content = LLMJ_CONTENT_AUTO;
    o->connect_ms = DEFAULT_CONNECT_MS;
    o->check_json_mode = 1;
    o->max_error_body = DEFAULT_ERROR_BODY;
    o->max_whole_body = DEFAULT_WHOLE_BODY;
}

/* The length of a header line's name (before ':'), or 0 when it has none. */
static size_t header_name_len(const char *line)
{
    const char *c = strchr(line, ':');
    if (!c || c == line)
        return 0;
    return (size_t)(c - line);
}

static int user_has_header(const llmj_http_options *o, const char *name)
{
    size_t nl = strlen(name);
    if (!o->headers)
        return 0;
    for (const char *const *p = o->headers; *p; p++)
        if (header_name_len(*p) == nl && ieq_n(*p, name, nl))
            return 1;
    return 0;
}

static int add_header(const llmj__curl *cu, struct curl_slist **list, const char *line)
{
    struct curl_slist *l = cu->slist_append(*list, line);
    if (!l)
        return -1;
    *list = l;
    return 0;
}

/* Free a header list, zeroing every line first (one carries the key). */
static void free_headers(const llmj__curl *cu, struct curl_slist *l)
{
    if (!l)
        return;
    for (struct curl_slist *p = l; p; p = p->next) {
        volatile char *v = p->data;
        for (size_t i = 0; p->data[i]; i++)
            v[i] = 0;
    }
    cu->slist_free_all(l);
}

static int starts_with_http(const char *u)
{
    return ieq_n(u, "http://", 7) || ieq_n(u, "https://", 8);
}

static int model_ok(const char *m)
{
    if (!m || !*m)
        return 0;
    for (const char *p = m; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

/* Build the URL (ours, allocated). LLMJ_OK, LLMJ_BAD_OPTION, LLMJ_NOMEM. */
static llmj_status make_url(llmj_http *h, const llmj_http_options *o)
{
    char buf[2048];
    const char *u = o->url;
    if (!u) {
        const char *base = getenv("OPENAI_BASE_URL");
        if (!base || !*base)
            base = OPENAI_DEFAULT_BASE;
        size_t bl = strlen(base);
        while (bl > 0 && base[bl - 1] == '/')
            bl--;
        int n;
        switch (o->dialect) {
        case LLMJ_DIALECT_ANTHROPIC:
            n = snprintf(buf, sizeof buf, "https://api.anthropic.com/v1/messages");
            break;
        case LLMJ_DIALECT_GEMINI:
            if (!model_ok(o->model))
                return LLMJ_BAD_OPTION;
            n = snprintf(buf, sizeof buf,
                         "https://generativelanguage.googleapis.com/v1beta/models/%s:streamGenerateContent?alt=sse",
                         o->model);
            break;
        case LLMJ_DIALECT_OLLAMA:
            n = snprintf(buf, sizeof buf, "http://localhost:11434/api/chat");
            break;
        case LLMJ_DIALECT_OPENAI_RESPONSES:
            n = snprintf(buf, sizeof buf, "%.*s/responses", (int)(bl < 1900 ? bl : 1900), base);
            break;
        case LLMJ_DIALECT_AUTO:
        case LLMJ_DIALECT_OPENAI_CHAT:
        default:
            n = snprintf(buf, sizeof buf, "%.*s/chat/completions", (int)(bl < 1900 ? bl : 1900), base);
            break;
        }
        if (n < 0 || (size_t)n >= sizeof buf)
            return LLMJ_BAD_OPTION;
        u = buf;
    }
    if (!starts_with_http(u) || strpbrk(u, "\r\n"))
        return LLMJ_BAD_OPTION;
    h->tls = ieq_n(u, "https://", 8);
    h->url = dup_n(&h->a, u, strlen(u));
    return h->url ? LLMJ_OK : LLMJ_NOMEM;
}

/* A secret for redaction. LLMJ_OK, LLMJ_NOMEM, LLMJ_BAD_OPTION (too short,
 * too many). */
static llmj_status add_secret(llmj_http *h, const char *s, size_t n)
{
    int r = llmj__secrets_add(&h->secrets, s, n);
    return r == 0 ? LLMJ_OK : r == -1 ? LLMJ_NOMEM : LLMJ_BAD_OPTION;
}

/* A secret header's value (after its colon): the value trimmed, and for
 * "Scheme token" (Authorization: Bearer KEY) the token too. An empty value
 * is no secret. */
static llmj_status add_secret_value(llmj_http *h, const char *v)
{
    size_t n = strlen(v);
    while (n > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n == 0)
        return LLMJ_OK;
    llmj_status st = add_secret(h, v, n);
    const char *sp = memchr(v, ' ', n);
    if (st == LLMJ_OK && sp) {
        while ((size_t)(sp - v) < n && *sp == ' ')
            sp++;
        st = add_secret(h, sp, n - (size_t)(sp - v));
    }
    return st;
}

/* Is the header line's value a secret: a key header, or one the caller
 * named in secret_headers? */
static int is_secret_header(const llmj_http_options *o, const char *line)
{
    static const char *const always[] = {"authorization", "proxy-authorization", "x-api-key", "api-key",
                                         "x-goog-api-key"};
    size_t nl = header_name_len(line);
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        if (strlen(always[i]) == nl && ieq_n(line, always[i], nl))
            return 1;
    if (o->secret_headers)
        for (const char *const *p = o->secret_headers; *p; p++)
            if (strlen(*p) == nl && ieq_n(line, *p, nl))
                return 1;
    return 0;
}

/* The header lines: defaults a user line of the same name replaces, the
 * key, then the user's. */
static llmj_status make_headers(llmj_http *h, const llmj_http_options *o)
{
    if (o->headers) {
        for (const char *const *p = o->headers; *p; p++)
            if (header_name_len(*p) == 0 || strpbrk(*p, "\r\n"))
                return LLMJ_BAD_OPTION;
    }
    static const char *const defaults[][2] = {
        {"Content-Type", "Content-Type: application/json"},
        {"Accept", "Accept: text/event-stream"},
        {"Expect", "Expect:"}, /* no 100-continue round trip */
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        if (!h->body && i == 0)
            continue;
        if (!user_has_header(o, defaults[i][0]) && add_header(&h->cu, &h->hdrs, defaults[i][1]) != 0)
            return LLMJ_NOMEM;
    }
    /* the key */
    const char *key = o->api_key;
    const char *env = NULL, *hname = NULL, *prefix = "";
    switch (o->dialect) {
    case LLMJ_DIALECT_ANTHROPIC:
        env = "ANTHROPIC_API_KEY";
        hname = "x-api-key";
        if (!user_has_header(o, "anthropic-version") &&
            add_header(&h->cu, &h->hdrs, "anthropic-version: 2023-06-01") != 0)
            return LLMJ_NOMEM;
        break;
    case LLMJ_DIALECT_GEMINI:
        env = "GEMINI_API_KEY";
        hname = "x-goog-api-key";
        break;
    case LLMJ_DIALECT_OLLAMA:
        hname = "Authorization";
        prefix = "Bearer ";
        break;
    case LLMJ_DIALECT_AUTO:
    case LLMJ_DIALECT_OPENAI_CHAT:
    case LLMJ_DIALECT_OPENAI_RESPONSES:
    default:
        env = "OPENAI_API_KEY";
        hname = "Authorization";
        prefix = "Bearer ";
        break;
    }
    if (!key && env)
        key = getenv(env);
    if (key && *key && !user_has_header(o, hname)) {
        size_t kl = strlen(key);
        if (kl < LLMJ__SECRET_MIN)
            return LLMJ_BAD_OPTION;
        if (strpbrk(key, "\r\n") || kl > KEY_CAP)
            return LLMJ_BAD_OPTION;
        size_t ll = strlen(hname) + 2 + strlen(prefix) + kl + 1;
        char *line = llmj__malloc(&h->a, ll);
        if (!line)
            return LLMJ_NOMEM;
        snprintf(line, ll, "%s: %s%s", hname, prefix, key);
        int r = add_header(&h->cu, &h->hdrs, line);
        wipe_free(&h->a, line, ll);
        if (r != 0)
            return LLMJ_NOMEM;
        llmj_status ks = add_secret(h, key, kl);
        if (ks != LLMJ_OK)
            return ks;
    }
    if (o->headers)
        for (const char *const *p = o->headers; *p; p++) {
            if (add_header(&h->cu, &h->hdrs, *p) != 0)
                return LLMJ_NOMEM;
            if (is_secret_header(o, *p)) {
                llmj_status ks = add_secret_value(h, *p + header_name_len(*p) + 1);
                if (ks != LLMJ_OK)
                    return ks;
            }
        }
    return LLMJ_OK;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud);
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud);

static llmj_status setup_easy(llmj_http *h)
{
    CURL *e = h->cu.easy_init();
    if (!e)
        return LLMJ_TRANSFER;
    h->easy = e;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                   \
    do {                                                \
        if (rc == CURLE_OK)                             \
            rc = h->cu.easy_setopt(e, opt, val);        \
    } while (0)
    SET(CURLOPT_URL, h->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_USERAGENT, "llmjson/" LLMJ_VERSION_STRING);
    SET(CURLOPT_HTTPHEADER, h->hdrs);
    SET(CURLOPT_WRITEFUNCTION, on_write);
    SET(CURLOPT_WRITEDATA, (void *)h);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, (void *)h);
    SET(CURLOPT_ERRORBUFFER, h->errbuf);
    SET(CURLOPT_PRIVATE, (void *)h);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    if (h->o.connect_ms > 0)
        SET(CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_ms);
    if (h->body) {
        SET(CURLOPT_POST, 1L);
        SET(CURLOPT_POSTFIELDS, h->body);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->body_len);
    }
#undef SET
    if (rc == CURLE_OUT_OF_MEMORY)
        return LLMJ_NOMEM;
    return rc == CURLE_OK ? LLMJ_OK : LLMJ_TRANSFER;
}

static void http_destroy(llmj_http *h)
{
    llmj_allocator a = h->a;
    if (h->easy)
        h->cu.easy_cleanup(h->easy);
    free_headers(&h->cu, h->hdrs);
    llmj_stream_free(h->stream);
    llmj__free(&a, h->url);
    wipe_free(&a, h->body, h->body_len);
    llmj__secrets_free(&h->secrets);
    llmj__buf_free(&h->collect, &a);
    llmj__curl_close(&h->cu);
    llmj__free(&a, h);
}

static void result_refresh(llmj_http *h)
{
    h->res.content_type = h->content_type;
    h->res.message = h->msg;
    h->res.error_type = h->etype;
    h->res.error_code = h->ecode;
}

llmj_status llmj_http_new(llmj_http **out, const llmj_config *cfg, const llmj_http_options *o,
                          const llmj_stream_callbacks *cbs, void *ctx)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    if (!o || (!o->body && o->body_len > 0))
        return LLMJ_MISUSE;
    if (o->connect_ms < 0 || o->total_ms < 0 || o->stall_ms < 0 || o->idle_ms < 0)
        return LLMJ_BAD_OPTION;
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, cfg ? &cfg->alloc : NULL) != 0)
        return LLMJ_BAD_OPTION;
    llmj_http *h = llmj__malloc(&a, sizeof *h);
    if (!h)
        return LLMJ_NOMEM;
    memset(h, 0, sizeof *h);
    h->a = a;
    llmj__secrets_init(&h->secrets, &a);
    if (cfg)
        h->cfg = *cfg;
    else
        llmj_config_init(&h->cfg);
    h->cfg.alloc = a;
    h->o = *o;
    h->o.url = NULL;
    h->o.api_key = NULL;
    h->o.model = NULL;
    h->o.headers = NULL;
    h->o.body = NULL;
    h->o.secret_headers = NULL;
    if (h->o.max_error_body == 0)
        h->o.max_error_body = DEFAULT_ERROR_BODY;
    if (h->o.max_whole_body == 0)
        h->o.max_whole_body = DEFAULT_WHOLE_BODY;
    h->ctx = ctx;
    h->res.retry_after = -1;
    result_refresh(h);
    llmj_status st = llmj_stream_new(&h->stream, &h->cfg, o->dialect, o->content, cbs, ctx);
    if (st == LLMJ_OK)
        llmj__stream_set_secrets(h->stream, &h->secrets);
    if (st == LLMJ_OK && o->body) {
        h->body = dup_n(&a, o->body, o->body_len);
        h->body_len = o->body_len;
        if (!h->body)
            st = LLMJ_NOMEM;
    }
    if (st == LLMJ_OK)
        st = make_url(h, o);
    if (st == LLMJ_OK && llmj__curl_open(&h->cu, NULL, NULL, 0) != 0)
        st = LLMJ_TRANSFER; /* libcurl could not be loaded */
    if (st == LLMJ_OK)
        st = make_headers(h, o);
    if (st == LLMJ_OK)
        st = setup_easy(h);
    if (st != LLMJ_OK) {
        http_destroy(h);
        return st;
    }
    *out = h;
    return LLMJ_OK;
}

const char *llmj_http_url(const llmj_http *h)
{
    return h ? h->url : NULL;
}

llmj_stream *llmj_http_stream(const llmj_http *h)
{
    return h ? h->stream : NULL;
}

const llmj_http_result *llmj_http_get_result(const llmj_http *h)
{
    if (!h)
        return NULL;
    llmj_http *m = (llmj_http *)h; /* the time is computed on demand */
    if (m->state == ST_RUNNING)
        m->res.seconds = (double)(now_us() - m->t_start) / 1e6;
    return &h->res;
}

void llmj_http_cancel(llmj_http *h)
{
    if (h && h->state == ST_RUNNING)
        h->cancel_requested = 1;
}

/* ==== callbacks ============================================================== */

static void decide_mode(llmj_http *h)
{
    long code = 0;
    h->cu.easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &code);
    h->res.http_status = code;
    if (code < 200 || code > 299) {
        h->mode = MODE_ERROR;
        return;
    }
    /* the media type, without parameters */
    const char *ct = h->content_type;
    size_t n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    int json = (n == 16 && ieq_n(ct, "application/json", 16)) || (n > 5 && ieq_n(ct + n - 5, "+json", 5));
    h->mode = json ? MODE_WHOLE : MODE_STREAM;
}

/* Stop the transfer for `why` (the write callback then returns 0). */
static size_t stop_transfer(llmj_http *h, llmj_status why)
{
    if (h->stop == LLMJ_OK)
        h->stop = why;
    return 0;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
    llmj_http *h = ud;
    size_t n = size * nmemb;
    if (h->stop != LLMJ_OK)
        return 0;
    if (h->cancel_requested)
        return stop_transfer(h, LLMJ_CANCELLED);
    h->t_last = now_us();
    if (h->mode == MODE_UNDECIDED)
        decide_mode(h);
    if (h->mode == MODE_ERROR) {
        /* keep the start of an error body; past the cap, stop reading (it is
         * still reported as the HTTP error it is) */
        size_t room = h->o.max_error_body > h->collect.len ? h->o.max_error_body - h->collect.len : 0;
        size_t k = n < room ? n : room;
        if (k && llmj__buf_append(&h->collect, &h->a, p, k, SIZE_MAX) != 0)
            return stop_transfer(h, LLMJ_NOMEM);
        return k < n ? stop_transfer(h, LLMJ_TOO_LONG) : n;
    }
    h->res.bytes_received += n;
    if (h->o.on_bytes && h->o.on_bytes(h->ctx, p, n) != 0)
        return stop_transfer(h, LLMJ_ABORTED);
    if (h->mode == MODE_WHOLE) {
        int r = llmj__buf_append(&h->collect, &h->a, p, n, h->o.max_whole_body);
        if (r == -2) {
            /* keep what fits: the message says where it was cut */
            size_t room = h->o.max_whole_body - h->collect.len;
            if (room && llmj__buf_append(&h->collect, &h->a, p, room, h->o.max_whole_body) != 0)
                return stop_transfer(h, LLMJ_NOMEM);
            return stop_transfer(h, LLMJ_TOO_LONG);
        }
        if (r != 0)
            return stop_transfer(h, LLMJ_NOMEM);
    } else {
        llmj_status st = llmj_stream_feed(h->stream, p, n);
        uint64_t ev = llmj_stream_events(h->stream);
        if (ev != h->events_seen) {
            h->events_seen = ev;
            h->t_event = h->t_last;
        }
        if (st != LLMJ_OK)
            return stop_transfer(h, st);
    }
    if (h->cancel_requested)
        return stop_transfer(h, LLMJ_CANCELLED);
    return n;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
        (*n)--;
}

/* Retry-After: delay-seconds (digits; a fraction is rounded up; a value
 * over LONG_MAX is LONG_MAX) or an HTTP date; -1 when it is neither. */
long llmj__retry_after(const llmj__curl *cu, const char *v, size_t n)
{
    char buf[FIELD_CAP];
    set_field(buf, sizeof buf, v, n);
    if (buf[0] >= '0' && buf[0] <= '9') {
        size_t i = 0;
        long secs = 0;
        for (; buf[i] >= '0' && buf[i] <= '9'; i++) {
            int dg = buf[i] - '0';
            secs = secs > (LONG_MAX - dg) / 10 ? LONG_MAX : secs * 10 + dg;
        }
        if (buf[i] == '.' && buf[i + 1] >= '0' && buf[i + 1] <= '9') {
            int frac = 0;
            for (i++; buf[i] >= '0' && buf[i] <= '9'; i++)
                frac |= buf[i] != '0';
            if (frac && secs < LONG_MAX)
                secs++;
        }
        return buf[i] == 0 ? secs : -1;
    }
    time_t t = cu->getdate(buf, NULL);
    if (t == (time_t)-1)
        return -1;
    time_t nowt = time(NULL);
    return t > nowt ? (long)(t - nowt) : 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
    llmj_http *h = ud;
    size_t n = size * nmemb;
    h->t_last = now_us();
    h->got_header = 1;
    h->header_bytes += n;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
        /* a new response (after a 100 Continue, say): forget the last one's */
        const char *s = p;
        size_t k = n;
        trim(&s, &k);
        set_field(h->status_line, sizeof h->status_line, s, k);
        h->content_type[0] = 0;
        h->location[0] = 0;
        h->res.retry_after = -1;
        return n;
    }
    const char *colon = memchr(p, ':', n);
    if (!colon)
        return n;
    size_t nl = (size_t)(colon - p);
    const char *v = colon + 1;
    size_t vn = n - nl - 1;
    trim(&v, &vn);
    if (nl == 12 && ieq_n(p, "content-type", 12))
        set_field(h->content_type, sizeof h->content_type, v, vn);
    else if (nl == 11 && ieq_n(p, "retry-after", 11))
        h->res.retry_after = llmj__retry_after(&h->cu, v, vn);
    else if (nl == 8 && ieq_n(p, "location", 8))
        set_field(h->location, sizeof h->location, v, vn);
    return n;
}

/* ==== the end of a transfer ===================================================== */

/* The provider's error from an HTTP error body b[0:n], redacted with k:
 * into msg (MSG_CAP bytes), etype and ecode (FIELD_CAP bytes each). */
void llmj__http_error_fields(const llmj_allocator *a, const llmj__secrets *k, const char *b, size_t n,
                             const char *content_type, const char *status_line, long http_status,
                             const char *location, char *msg, char *etype, char *ecode)
{
    msg[0] = etype[0] = ecode[0] = 0;
    js_doc d;
    int ok = 0;
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    if (i < n && (b[i] == '{' || b[i] == '[') && js_scan(&d, a, b, n, 4) == 0) {
        /* OpenAI, vLLM, OpenRouter, Gemini: {"error":{...}}; Anthropic:
         * {"type":"error","error":{...}}; Ollama: {"error":"..."}; Gemini may
         * wrap it in an array; FastAPI-style servers: {"detail":"..."}. */
        const char *pre = b[i] == '[' ? "/0" : "";
        const js_val *vm = js_getf(&d, "%s/error/message", pre);
        if (!vm) {
            const js_val *e = js_getf(&d, "%s/error", pre);
            if (e && e->kind == '"')
                vm = e;
        }
        if (!vm)
            vm = js_getf(&d, "%s/message", pre);
        if (!vm) {
            const js_val *e = js_getf(&d, "%s/detail", pre);
            if (e && e->kind == '"')
                vm = e;
        }
        const js_val *type = js_getf(&d, "%s/error/type", pre);
        if (!type)
            type = js_getf(&d, "%s/error/status", pre);
        const js_val *code = js_getf(&d, "%s/error/code", pre);
        if (vm && vm->kind == '"') {
            js_decode(b + vm->start, vm->len, msg, MSG_CAP);
            set_field(msg, MSG_CAP, msg, strlen(msg));
            ok = 1;
        }
        if (type && type->kind == '"')
            js_decode(b + type->start, type->len, etype, FIELD_CAP);
        if (code && (code->kind == '"' || (code->kind == 'n' && !(code->len == 4 && memcmp(b + code->start, "null", 4) == 0))))
            js_decode(b + code->start, code->len, ecode, FIELD_CAP);
        set_field(etype, FIELD_CAP, etype, strlen(etype));
        set_field(ecode, FIELD_CAP, ecode, strlen(ecode));
        js_free(&d);
    }
    if (!ok) {
        /* not JSON (a proxy's HTML page, plain text): the status line, and
         * a plain-text body's start */
        char st[FIELD_CAP];
        llmj__redact(k, status_line, strlen(status_line), st, sizeof st);
        const char *s = st;
        size_t sl = strlen(s);
        char line[MSG_CAP];
        if (sl == 0) {
            set_fieldf(line, sizeof line, "HTTP %ld", http_status);
        } else {
            /* "HTTP/1.1 503 Service Unavailable" -> "HTTP 503 Service Unavailable" */
            const char *sp = memchr(s, ' ', sl);
            set_fieldf(line, sizeof line, "HTTP %s", sp ? sp + 1 : s);
        }
        if (n > 0 && icontains(content_type, strlen(content_type), "text/plain")) {
            size_t take = n < 300 ? n : 300;
            const char *t = b;
            trim(&t, &take);
            set_fieldf(msg, MSG_CAP, "%s: %.*s", line, (int)take, t);
            set_field(msg, MSG_CAP, msg, strlen(msg));
        } else {
            set_field(msg, MSG_CAP, line, strlen(line));
        }
    }
    if (location && *location && http_status >= 300 && http_status < 400) {
        char tmp[MSG_CAP];
        set_fieldf(tmp, sizeof tmp, "%s; Location: %s (redirects are not followed)", msg, location);
        set_field(msg, MSG_CAP, tmp, strlen(tmp));
    }
    llmj__redact_field(k, msg, MSG_CAP);
    llmj__redact_field(k, etype, FIELD_CAP);
    llmj__redact_field(k, ecode, FIELD_CAP);
}

static void read_error_body(llmj_http *h)
{
    llmj__http_error_fields(&h->a, &h->secrets, h->collect.data ? h->collect.data : "", h->collect.len,
                            h->content_type, h->status_line, h->res.http_status, h->location, h->msg, h->etype,
                            h->ecode);
}

/* The sink of the whole-answer decoder: its events go to the stream. A stop
 * of the stream sticks (finish reports it) and ends the decoding. */
static int past_total(const llmj_http *h);

static int whole_sink(void *ctx, const char *p, size_t n)
{
    llmj_http *h = ctx;
    return llmj_stream_feed(h->stream, p, n) != LLMJ_OK || past_total(h);
}

static int past_total(const llmj_http *h)
{
    return h->o.total_ms > 0 && now_us() - h->t_start >= (int64_t)h->o.total_ms * 1000;
}

/* The total timeout covers decoding a whole response too: past it, the
 * stream object is finished with what it was fed. LLMJ_OK to go on. */
static llmj_status whole_deadline(llmj_http *h)
{
    if (!past_total(h))
        return LLMJ_OK;
    set_fieldf(h->msg, sizeof h->msg,
               "the transfer took longer than %ld ms (total timeout) while decoding the whole response of %llu bytes",
               h->o.total_ms, (unsigned long long)h->res.bytes_received);
    (void)llmj_stream_finish(h->stream);
    return LLMJ_TIMEOUT_TOTAL;
}

/* A 200 that was not an event stream: decode the whole JSON response as the
 * events its dialect streams (src/dialect/whole.c: linear, bounded), then
 * finish the stream. */
static llmj_status decode_whole(llmj_http *h)
{
    const char *text = h->collect.data ? h->collect.data : "";
    int whole = 1;
    llmj_dialect used;
    if (whole_deadline(h) != LLMJ_OK)
        return LLMJ_TIMEOUT_TOTAL;
    llmj_status st = llmj__whole_events(&h->a, llmj_stream_dialect(h->stream), text, h->collect.len,
                                        whole_sink, h, &whole, &used, NULL);
    h->res.whole = whole;
    if (st == LLMJ_NOMEM)
        return LLMJ_NOMEM;
    if (whole_deadline(h) != LLMJ_OK)
        return LLMJ_TIMEOUT_TOTAL;
    return llmj_stream_finish(h->stream);
}

static llmj_http *multi_unlink(llmj_http_multi *m, llmj_http *h)
{
    if (h->prev)
        h->prev->next = h->next;
    else
        m->head = h->next;
    if (h->next)
        h->next->prev = h->prev;
    h->prev = h->next = NULL;
    m->n--;
    return h;
}

/* The transfer is over (rc: libcurl's result). Sets the result, finishes the
 * stream, calls on_done. h must not be touched after. */
static void end_transfer(llmj_http *h, CURLcode rc)
{
    llmj_http_multi *m = h->multi;
    if (m) {
        m->cu.multi_remove_handle(m->curl, h->easy);
        multi_unlink(m, h);
        h->multi = NULL;
    }
    h->t_end = now_us();
    h->state = ST_DONE;
    long code = 0;
    h->cu.easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &code);
    h->res.http_status = code;
    if (h->mode == MODE_UNDECIDED && rc == CURLE_OK && code > 0)
        decide_mode(h);
    llmj_status st;
    int finished = 0;
    if (h->mode == MODE_ERROR && code > 0) {
        st = LLMJ_HTTP_ERROR;
        read_error_body(h);
    } else if (h->stop != LLMJ_OK) {
        st = LLMJ_CANCELLED;
        h->res.cancel_reason = h->stop;
        const char *why;
        switch (h->stop) {
        case LLMJ_RUNAWAY_WHITESPACE: why = "whitespace runaway"; break;
        case LLMJ_RUNAWAY_REPEAT: why = "repetition runaway"; break;
        case LLMJ_ABORTED: why = "a callback asked to stop"; break;
        case LLMJ_CANCELLED: why = "cancelled by the caller"; break;
        default: why = llmj_strerror(h->stop); break;
        }
        if (h->stop == LLMJ_TOO_LONG && h->mode == MODE_WHOLE)
            set_fieldf(h->msg, sizeof h->msg,
                       "transfer cancelled: the JSON response is longer than max_whole_body; cut at %zu bytes "
                       "(%llu received), nothing decoded",
                       h->collect.len, (unsigned long long)h->res.bytes_received);
        else
            set_fieldf(h->msg, sizeof h->msg, "transfer cancelled after %llu bytes: %s",
                       (unsigned long long)h->res.bytes_received, why);
    } else if (h->timeout != LLMJ_OK) {
        st = h->timeout;
        if (st == LLMJ_TIMEOUT_STALL)
            set_fieldf(h->msg, sizeof h->msg, "no data for %ld ms (stall timeout) after %llu bytes",
                       h->o.stall_ms, (unsigned long long)h->res.bytes_received);
        else if (st == LLMJ_TIMEOUT_IDLE)
            set_fieldf(h->msg, sizeof h->msg,
                       "no event with data for %ld ms (idle timeout) after %llu bytes and %llu events",
                       h->o.idle_ms, (unsigned long long)h->res.bytes_received,
                       (unsigned long long)h->events_seen);
        else
            set_fieldf(h->msg, sizeof h->msg, "the transfer took longer than %ld ms (total timeout) after %llu bytes",
                       h->o.total_ms, (unsigned long long)h->res.bytes_received);
    } else if (rc == CURLE_OPERATION_TIMEDOUT && !h->got_header) {
        st = LLMJ_TIMEOUT_CONNECT;
        if (h->o.connect_ms > 0)
            set_fieldf(h->msg, sizeof h->msg, "no connection within %ld ms (connect timeout): %s", h->o.connect_ms,
                       h->errbuf[0] ? h->errbuf : h->cu.easy_strerror(rc));
        else
            set_fieldf(h->msg, sizeof h->msg, "no connection (connect timeout): %s",
                       h->errbuf[0] ? h->errbuf : h->cu.easy_strerror(rc));
    } else if (rc == CURLE_OUT_OF_MEMORY && h->got_header && h->mode == MODE_UNDECIDED) {
        /* libcurl refuses a header line over its limit (100 KiB) as "out of
         * memory" */
        st = LLMJ_TRANSFER;
        set_fieldf(h->msg, sizeof h->msg,
                   "a response header line is longer than libcurl accepts (100 KiB), after %llu header bytes",
                   (unsigned long long)h->header_bytes);
    } else if (rc != CURLE_OK) {
        st = LLMJ_TRANSFER;
        set_fieldf(h->msg, sizeof h->msg, "%s%s%s (after %llu bytes)", h->cu.easy_strerror(rc),
                   h->errbuf[0] ? ": " : "", h->errbuf, (unsigned long long)h->res.bytes_received);
    } else if (h->mode == MODE_WHOLE) {
        st = decode_whole(h);
        finished = 1;
    } else {
        st = llmj_stream_finish(h->stream);
        finished = 1;
    }
    if (!finished)
        (void)llmj_stream_finish(h->stream); /* what arrived, salvaged */
    llmj__redact_field(&h->secrets, h->msg, sizeof h->msg);
    llmj__redact_field(&h->secrets, h->etype, sizeof h->etype);
    llmj__redact_field(&h->secrets, h->ecode, sizeof h->ecode);
    llmj__redact_field(&h->secrets, h->content_type, sizeof h->content_type);
    h->res.status = st;
    h->res.done = 1;
    h->res.seconds = (double)(h->t_end - h->t_start) / 1e6;
    result_refresh(h);
    if (h->o.on_done)
        h->o.on_done(h->ctx, h);
}

/* ==== multi ========================================================================== */

llmj_status llmj_http_multi_new(llmj_http_multi **out, const llmj_config *cfg)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, cfg ? &cfg->alloc : NULL) != 0)
        return LLMJ_BAD_OPTION;
    llmj_http_multi *m = llmj__malloc(&a, sizeof *m);
    if (!m)
        return LLMJ_NOMEM;
    memset(m, 0, sizeof *m);
    m->a = a;
    if (llmj__curl_open(&m->cu, NULL, NULL, 0) != 0) {
        llmj__free(&a, m); /* libcurl could not be loaded */
        return LLMJ_TRANSFER;
    }
    m->curl = m->cu.multi_init();
    if (!m->curl) {
        llmj__curl_close(&m->cu);
        llmj__free(&a, m);
        return LLMJ_TRANSFER;
    }
    *out = m;
    return LLMJ_OK;
}

void llmj_http_multi_free(llmj_http_multi *m)
{
    if (!m)
        return;
    while (m->head) {
        llmj_http *h = m->head;
        if (h->stop == LLMJ_OK)
            h->stop = LLMJ_CANCELLED;
        end_transfer(h, CURLE_ABORTED_BY_CALLBACK);
    }
    m->cu.multi_cleanup(m->curl);
    llmj__curl_close(&m->cu);
    llmj_allocator a = m->a;
    llmj__free(&a, m);
}

llmj_status llmj_http_multi_add(llmj_http_multi *m, llmj_http *h)
{
    if (!m || !h || h->state != ST_NEW)
        return LLMJ_MISUSE;
    if (h->o.check_json_mode) {
        llmj_status st = check_json_mode(h);
        if (st != LLMJ_OK) {
            if (st == LLMJ_JSON_MODE_PROMPT) {
                h->state = ST_DONE;
                h->res.status = st;
                h->res.done = 1;
                result_refresh(h);
            }
            return st;
        }
    }
    CURLMcode mc = m->cu.multi_add_handle(m->curl, h->easy);
    if (mc != CURLM_OK)
        return mc == CURLM_OUT_OF_MEMORY ? LLMJ_NOMEM : LLMJ_TRANSFER;
    h->multi = m;
    h->next = m->head;
    h->prev = NULL;
    if (m->head)
        m->head->prev = h;
    m->head = h;
    m->n++;
    h->state = ST_RUNNING;
    h->t_start = h->t_last = h->t_event = now_us();
    return LLMJ_OK;
}

/* Our timers and requests: cancellations asked from outside a transfer's own
 * callbacks, the total and stall timeouts. Ends the transfers concerned. */
static void check_timers(llmj_http_multi *m, int64_t now)
{
    llmj_http *h = m->head;
    while (h) {
        llmj_http *next = h->next;
        if (h->cancel_requested && h->stop == LLMJ_OK) {
            h->stop = LLMJ_CANCELLED;
            end_transfer(h, CURLE_ABORTED_BY_CALLBACK);
        } else if (h->o.total_ms > 0 && now - h->t_start >= (int64_t)h->o.total_ms * 1000) {
            h->timeout = LLMJ_TIMEOUT_TOTAL;
            end_transfer(h, CURLE_ABORTED_BY_CALLBACK);
        } else if (h->o.idle_ms > 0 && now - h->t_event >= (int64_t)h->o.idle_ms * 1000) {
            h->timeout = LLMJ_TIMEOUT_IDLE;
            end_transfer(h, CURLE_ABORTED_BY_CALLBACK);
        } else if (h->o.stall_ms > 0) {
            if (!h->t_connected) {
                curl_off_t c = 0, s = 0;
                h->cu.easy_getinfo(h->easy, CURLINFO_CONNECT_TIME_T, &c);
                h->cu.easy_getinfo(h->easy, CURLINFO_APPCONNECT_TIME_T, &s);
                if (h->got_header || (c > 0 && (!h->tls || s > 0)))
                    h->t_connected = now;
            }
            if (h->t_connected) {
                int64_t last = h->t_last > h->t_connected ? h->t_last : h->t_connected;
                if (now - last >= (int64_t)h->o.stall_ms * 1000) {
                    h->timeout = LLMJ_TIMEOUT_STALL;
                    end_transfer(h, CURLE_ABORTED_BY_CALLBACK);
                }
            }
        }
        h = next;
    }
}

/* Milliseconds until the nearest of our timers (or cap). */
static int next_timer_ms(const llmj_http_multi *m, int64_t now, int cap)
{
    int64_t best = (int64_t)cap * 1000;
    for (const llmj_http *h = m->head; h; h = h->next) {
        if (h->cancel_requested)
            return 0;
        if (h->o.total_ms > 0) {
            int64_t left = h->t_start + (int64_t)h->o.total_ms * 1000 - now;
            if (left < best)
                best = left;
        }
        if (h->o.idle_ms > 0) {
            int64_t left = h->t_event + (int64_t)h->o.idle_ms * 1000 - now;
            if (left < best)
                best = left;
        }
        if (h->o.stall_ms > 0) {
            /* before the connection is seen, look again every 50 ms */
            int64_t left = h->t_connected ? (h->t_last > h->t_connected ? h->t_last : h->t_connected) +
                                                (int64_t)h->o.stall_ms * 1000 - now
                                          : 50000;
            if (left < best)
                best = left;
        }
    }
    if (best < 0)
        best = 0;
    return (int)((best + 999) / 1000);
}

static llmj_status drive(llmj_http_multi *m)
{
    int still = 0;
    CURLMcode mc = m->cu.multi_perform(m->curl, &still);
    CURLMsg *msg;
    int left;
    while ((msg = m->cu.multi_info_read(m->curl, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        char *priv = NULL;
        m->cu.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        llmj_http *h = (llmj_http *)(void *)priv;
        if (h && h->multi == m)
            end_transfer(h, msg->data.result);
    }
    check_timers(m, now_us());
    if (mc != CURLM_OK) {
        while (m->head) {
            llmj_http *h = m->head;
            end_transfer(h, CURLE_RECV_ERROR);
        }
        return LLMJ_TRANSFER;
    }
    return LLMJ_OK;
}

llmj_status llmj_http_multi_run(llmj_http_multi *m, int timeout_ms, size_t *running)
{
    if (!m)
        return LLMJ_MISUSE;
    llmj_status st = drive(m);
    if (st == LLMJ_OK && m->n > 0 && timeout_ms > 0) {
        int wait = next_timer_ms(m, now_us(), timeout_ms);
        if (wait > 0) {
            CURLMcode mc = m->cu.multi_poll(m->curl, NULL, 0, wait, NULL);
            (void)mc;
        }
        st = drive(m);
    }
    if (running)
        *running = m->n;
    return st;
}

llmj_status llmj_http_perform(llmj_http *h)
{
    if (!h || h->state != ST_NEW)
        return LLMJ_MISUSE;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = h->a;
    llmj_http_multi *m;
    llmj_status st = llmj_http_multi_new(&m, &cfg);
    if (st != LLMJ_OK)
        return st;
    st = llmj_http_multi_add(m, h);
    if (st != LLMJ_OK) {
        llmj_http_multi_free(m);
        return st;
    }
    size_t running = 1;
    while (running > 0) {
        st = llmj_http_multi_run(m, 1000, &running);
        if (st != LLMJ_OK)
            break;
    }
    llmj_http_multi_free(m);
    return h->res.status;
}

void llmj_http_free(llmj_http *h)
{
    if (!h)
        return;
    if (h->multi) {
        h->multi->cu.multi_remove_handle(h->multi->curl, h->easy);
        multi_unlink(h->multi, h);
        h->multi = NULL;
    }
    http_destroy(h);
}
