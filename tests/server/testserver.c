/* llmj-testserver — a loopback HTTP/1.1 server for the tests, the benchmark
 * and the demo. It serves recorded streams (corpus/streams/, then
 * tests/server/fixtures/) as chunked event streams on an ephemeral 127.0.0.1
 * port, with the faults real servers produce, chosen per request.
 *
 *   llmj-testserver [--dir DIR]... [--default NAME] [--idle S] [--life S]
 *
 * Prints the port on stdout (one line) when ready. Exits by itself after S
 * seconds with no connection (--idle, default 30) and after --life seconds in
 * all (default 600); SIGTERM/SIGINT end it at once. Binds 127.0.0.1 only.
 *
 * Controls: query parameters of the request target, and/or a request header
 * "X-Llmj-Test: k=v&k=v" (same syntax; the header wins). Any method.
 *   file=NAME      the file to serve (else the target's path without its
 *                  leading '/', else --default); NAME is [A-Za-z0-9._/-], no ".."
 *   id=TEXT        the record's name (else "r<N>", sent back in X-Llmj-Id)
 *   pace=N         body bytes per write (default 16384)
 *   delay=MS, udelay=US   pause between writes (default 0)
 *   slow_at=N      pace and delay apply from body byte N on (before: one write)
 *   hold=MS        pause before the status line
 *   cut=N          close the connection after N body bytes (no final chunk)
 *   stall_at=N, stall=MS  after N body bytes send nothing for MS ms (0: until
 *                  the client leaves, at most 60 s)
 *   status=CODE    answer with this status; the body is the file if one is
 *                  named, else a JSON error in the style err=openai|anthropic|
 *                  gemini|ollama (default openai), or err=raw: the message alone
 *   retry_after=V  send "Retry-After: V"
 *   emsg=, etype=, ecode=   the JSON error body's message, type (status
 *                  word for gemini) and code instead of the status's own
 *   location=URL   send "Location: URL" (with status=302, a redirect)
 *   bighdr=N       send one header line "X-Llmj-Big: " with N bytes of value
 *   ctype=TYPE     the Content-Type (default by extension: .sse
 *                  text/event-stream, .json application/json, .ndjson
 *                  application/x-ndjson)
 *   gen=ws|repeat  an endless OpenAI-chat stream: a role chunk, one chunk with
 *                  prefix=TEXT, then chunks with unit=TEXT forever (ws: "{\"a\": 1,"
 *                  then "\n\n\n\n"; repeat: "{\"text\": \"" then "la ")
 *   max=N          cap on a generated body (default 64 MiB): then cut
 *   enc=gzip       Content-Encoding: gzip (stored deflate blocks, one per write)
 *   framing=chunked|length|close   (default chunked; errors: length)
 *
 * Control endpoints (GET):
 *   /_record?id=X[&wait=MS]  the record of request X as JSON, waiting up to MS
 *                  for it to finish: state, outcome (complete, client_closed,
 *                  cut, limit, error), body_bytes/wire_bytes/writes sent,
 *                  client_closed_early, the request's head and body
 *   /_stats        counters over all stream requests
 *   /_info         {"port":P,"blackhole":B}: B is a 127.0.0.1 port whose
 *                  accept queue is full, so a connect to it hangs
 *   /_quit         exit after answering
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define MAX_HEAD 65536
#define MAX_REQ_BODY (8u << 20)
#define MAX_FILE (64u << 20)
#define NRECS 8192
#define KEEP_HEAD 4096
#define KEEP_BODY 65536
#define MAX_DIRS 8
#define SLICE 65536 /* body bytes one connection may send per loop turn */

typedef int64_t usec;

static usec now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (usec)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- records ------------------------------------------------------------ */

typedef struct rec {
    int used;
    int done;
    char id[64];
    char target[256];
    const char *outcome;
    int status;
    uint64_t body_bytes;  /* body (payload) bytes handed to the kernel */
    uint64_t wire_bytes;  /* every byte handed to the kernel, headers included */
    uint64_t writes;      /* body writes */
    int64_t body_total;   /* the whole body's size, -1 for a generated one */
    int client_closed_early;
    usec t0, t1;
    char *head;           /* request head (first KEEP_HEAD bytes) */
    size_t head_len;
    char *body;           /* request body (first KEEP_BODY bytes) */
    size_t body_len;
    size_t req_body_bytes;
} rec;

/* ---- connections ---------------------------------------------------------- */

enum { C_READ, C_HOLD, C_SEND, C_DRAIN, C_WAIT };
enum { F_CHUNKED, F_LENGTH, F_CLOSE };
enum { G_NONE, G_GEN };

typedef struct params {
    char file[256];
    char id[64];
    size_t pace;
    usec delay;
    uint64_t slow_at;  /* pace and delay apply from this body byte on */
    usec hold;
    uint64_t cut;      /* UINT64_MAX: none */
    uint64_t stall_at; /* UINT64_MAX: none */
    usec stall;        /* -1: until the client leaves */
    int status;
    char retry_after[64];
    char location[256];
    char emsg[2048], etype[256], ecode[256]; /* override the error body's */
    size_t bighdr;
    char err[16];
    char ctype[128];
    char gen[16];
    char prefix[256];
    char unit[256];
    uint64_t max;
    int gzip;
    int framing; /* -1: default */
    /* control endpoints */
    usec wait;
} params;

typedef struct conn {
    int fd;
    int state;
    usec t_accept;
    /* request */
    char *in;
    size_t in_len, in_cap;
    size_t head_len;   /* 0 until the head is complete */
    size_t body_need;  /* Content-Length */
    int sent_continue;
    /* response */
    params p;
    int rec;           /* index in recs, -1 for control */
    char *out;         /* pending bytes (one frame at a time) */
    size_t out_len, out_off, out_cap;
    size_t out_payload; /* body bytes in the pending frame */
    char *src;         /* the body when it is in memory */
    size_t src_len, src_pos;
    int kind;
    char *gen_chunk;   /* generator: one repeated event */
    size_t gen_chunk_len;
    uint64_t body_sent;
    usec next_at;
    int stalled;
    int finished;      /* the final frame is queued */
    int gz_started;
    uint32_t gz_crc;
    uint64_t gz_size;
    usec deadline;     /* C_DRAIN, C_WAIT */
} conn;

typedef struct server {
    int lfd, port;
    int bfd, bport;          /* the blackhole listener */
    int bclients[3];
    char dirs[MAX_DIRS][1024];
    int ndirs;
    char deflt[256];
    usec idle, life;
    conn *conns[MAX_CONNS];
    int nconns;
    rec recs[NRECS];
    uint64_t nreq;
    uint64_t n_complete, n_closed, n_cut, n_limit, n_error;
    uint32_t crc_table[256];
    int quit;
} server;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "llmj-testserver: out of memory\n");
        exit(3);
    }
    return p;
}

static void *xrealloc(void *q, size_t n)
{
    void *p = realloc(q, n ? n : 1);
    if (!p) {
        fprintf(stderr, "llmj-testserver: out of memory\n");
        exit(3);
    }
    return p;
}

/* ---- small helpers --------------------------------------------------------- */

static void crc_init(server *s)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        s->crc_table[i] = c;
    }
}

static uint32_t crc_update(const server *s, uint32_t crc, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = s->crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void out_add(conn *c, const void *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + n)
            cap *= 2;
        c->out = xrealloc(c->out, cap);
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
}

static void out_addf(conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_addf(conn *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = (int)sizeof buf - 1;
    out_add(c, buf, (size_t)n);
}

/* Append s as JSON string contents (no quotes) to a malloc'd buffer. */
static void json_escape(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char tmp[8];
        size_t k;
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)ch;
            k = 2;
        } else if (ch == '\n') {
            memcpy(tmp, "\\n", 2);
            k = 2;
        } else if (ch == '\r') {
            memcpy(tmp, "\\r", 2);
            k = 2;
        } else if (ch == '\t') {
            memcpy(tmp, "\\t", 2);
            k = 2;
        } else if (ch < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", ch);
            k = 6;
        } else {
            tmp[0] = (char)ch;
            k = 1;
        }
        if (*len + k + 1 > *cap) {
            *cap = (*cap ? *cap : 256) * 2 + k;
            *buf = xrealloc(*buf, *cap);
        }
        memcpy(*buf + *len, tmp, k);
        *len += k;
        (*buf)[*len] = 0;
    }
}

static void sbuf_add(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*cap ? *cap : 256) * 2 + n;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = 0;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decode src[0:n] ('+' is a space) into dst (cap bytes, NUL-terminated). */
static void url_decode(char *dst, size_t cap, const char *src, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (src[i] == '%' && i + 2 < n + 0 && hexval(src[i + 1]) >= 0 && hexval(src[i + 2]) >= 0) {
            dst[o++] = (char)(hexval(src[i + 1]) * 16 + hexval(src[i + 2]));
            i += 2;
        } else if (src[i] == '+') {
            dst[o++] = ' ';
        } else {
            dst[o++] = src[i];
        }
    }
    dst[o] = 0;
}

static uint64_t parse_u64(const char *v, uint64_t dflt)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || end == v || *end)
        return dflt;
    return (uint64_t)x;
}

/* Copy a string, truncated to fit. */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void params_default(params *p)
{
    memset(p, 0, sizeof *p);
    p->pace = 16384;
    p->cut = UINT64_MAX;
    p->stall_at = UINT64_MAX;
    p->status = 200;
    p->max = 64u << 20;
    p->framing = -1;
    strcpy(p->err, "openai");
}

static void param_set(params *p, const char *k, size_t kn, const char *v)
{
#define KEY(name) (kn == sizeof(name) - 1 && memcmp(k, name, kn) == 0)
#define COPY(field) copy_str(p->field, sizeof p->field, v)
    if (KEY("file"))
        COPY(file);
    else if (KEY("id"))
        COPY(id);
    else if (KEY("pace")) {
        p->pace = (size_t)parse_u64(v, 16384);
        if (p->pace == 0)
            p->pace = 1;
    } else if (KEY("delay"))
        p->delay = (usec)parse_u64(v, 0) * 1000;
    else if (KEY("slow_at"))
        p->slow_at = parse_u64(v, 0);
    else if (KEY("udelay"))
        p->delay = (usec)parse_u64(v, 0);
    else if (KEY("hold"))
        p->hold = (usec)parse_u64(v, 0) * 1000;
    else if (KEY("cut"))
        p->cut = parse_u64(v, UINT64_MAX);
    else if (KEY("stall_at"))
        p->stall_at = parse_u64(v, UINT64_MAX);
    else if (KEY("stall")) {
        uint64_t ms = parse_u64(v, 0);
        p->stall = ms ? (usec)ms * 1000 : -1;
        if (p->stall_at == UINT64_MAX)
            p->stall_at = 0;
    } else if (KEY("status"))
        p->status = (int)parse_u64(v, 200);
    else if (KEY("retry_after"))
        COPY(retry_after);
    else if (KEY("emsg"))
        COPY(emsg);
    else if (KEY("etype"))
        COPY(etype);
    else if (KEY("ecode"))
        COPY(ecode);
    else if (KEY("location"))
        COPY(location);
    else if (KEY("bighdr"))
        p->bighdr = (size_t)parse_u64(v, 0) < (4u << 20) ? (size_t)parse_u64(v, 0) : (4u << 20);
    else if (KEY("err"))
        COPY(err);
    else if (KEY("ctype"))
        COPY(ctype);
    else if (KEY("gen"))
        COPY(gen);
    else if (KEY("prefix"))
        COPY(prefix);
    else if (KEY("unit"))
        COPY(unit);
    else if (KEY("max"))
        p->max = parse_u64(v, 64u << 20);
    else if (KEY("enc"))
        p->gzip = strcmp(v, "gzip") == 0;
    else if (KEY("framing"))
        p->framing = strcmp(v, "length") == 0 ? F_LENGTH : strcmp(v, "close") == 0 ? F_CLOSE : F_CHUNKED;
    else if (KEY("wait"))
        p->wait = (usec)parse_u64(v, 0) * 1000;
#undef KEY
#undef COPY
}

/* Parse "k=v&k=v" (URL-encoded). */
static void params_parse(params *p, const char *q, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        size_t eq = i;
        while (eq < j && q[eq] != '=')
            eq++;
        if (eq > i) {
            char key[64], val[2048];
            url_decode(key, sizeof key, q + i, eq - i);
            url_decode(val, sizeof val, eq < j ? q + eq + 1 : q + j, eq < j ? j - eq - 1 : 0);
            param_set(p, key, strlen(key), val);
        }
        i = j + 1;
    }
}

/* Case-insensitive header lookup in a request head; the value, trimmed. */
static int header_get(const char *head, size_t len, const char *name, const char **v, size_t *vn)
{
    size_t nl = strlen(name);
    const char *p = memchr(head, '\n', len);
    while (p && (size_t)(p - head) + 1 < len) {
        const char *line = p + 1;
        const char *e = memchr(line, '\n', len - (size_t)(line - head));
        if (!e)
            break;
        if ((size_t)(e - line) > nl && line[nl] == ':') {
            size_t k = 0;
            while (k < nl) {
                char a = line[k], b = name[k];
                if (a >= 'A' && a <= 'Z')
                    a = (char)(a + 32);
                if (b >= 'A' && b <= 'Z')
                    b = (char)(b + 32);
                if (a != b)
                    break;
                k++;
            }
            if (k == nl) {
                const char *s = line + nl + 1, *t = e;
                while (s < t && (*s == ' ' || *s == '\t'))
                    s++;
                while (t > s && (t[-1] == '\r' || t[-1] == ' ' || t[-1] == '\t'))
                    t--;
                *v = s;
                *vn = (size_t)(t - s);
                return 1;
            }
        }
        p = e;
    }
    return 0;
}

static int name_ok(const char *n)
{
    if (!*n || *n == '/' || strstr(n, ".."))
        return 0;
    for (const char *p = n; *p; p++) {
        char ch = *p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-' || ch == '/'))
            return 0;
    }
    return 1;
}

/* Read NAME from the first directory that has it. */
static char *load_file(const server *s, const char *name, size_t *len)
{
    if (!name_ok(name))
        return NULL;
    for (int i = 0; i < s->ndirs; i++) {
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", s->dirs[i], name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        struct stat st;
        if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
            fclose(f);
            continue;
        }
        char *d = xmalloc((size_t)st.st_size + 1);
        size_t n = fread(d, 1, (size_t)st.st_size, f);
        fclose(f);
        d[n] = 0;
        *len = n;
        return d;
    }
    return NULL;
}

static const char *reason_phrase(int st)
{
    switch (st) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Overloaded";
    default: return "Status";
    }
}

/* A JSON error body in a provider's style, for status st. */
static char *error_body(const params *p, size_t *len)
{
    const char *msg, *otype, *ocode, *atype, *gstatus;
    switch (p->status) {
    case 400:
        msg = "Invalid value for 'temperature': expected a number.";
        otype = "invalid_request_error"; ocode = "invalid_value";
        atype = "invalid_request_error"; gstatus = "INVALID_ARGUMENT";
        break;
    case 401:
        msg = "Incorrect API key provided.";
        otype = "invalid_request_error"; ocode = "invalid_api_key";
        atype = "authentication_error"; gstatus = "UNAUTHENTICATED";
        break;
    case 403:
        msg = "You are not allowed to use this model.";
        otype = "invalid_request_error"; ocode = "model_not_allowed";
        atype = "permission_error"; gstatus = "PERMISSION_DENIED";
        break;
    case 404:
        msg = "The model `gpt-nonexistent` does not exist or you do not have access to it.";
        otype = "invalid_request_error"; ocode = "model_not_found";
        atype = "not_found_error"; gstatus = "NOT_FOUND";
        break;
    case 429:
        msg = "Rate limit reached for requests. Please try again in 7s.";
        otype = "requests"; ocode = "rate_limit_exceeded";
        atype = "rate_limit_error"; gstatus = "RESOURCE_EXHAUSTED";
        break;
    case 500:
        msg = "The server had an error while processing your request.";
        otype = "server_error"; ocode = NULL;
        atype = "api_error"; gstatus = "INTERNAL";
        break;
    case 503:
        msg = "The engine is currently overloaded, please try again later.";
        otype = "server_error"; ocode = "overloaded";
        atype = "overloaded_error"; gstatus = "UNAVAILABLE";
        break;
    case 529:
        msg = "Overloaded";
        otype = "server_error"; ocode = "overloaded";
        atype = "overloaded_error"; gstatus = "UNAVAILABLE";
        break;
    default:
        msg = "Something went wrong.";
        otype = "server_error"; ocode = "unknown";
        atype = "api_error"; gstatus = "UNKNOWN";
        break;
    }
    if (p->emsg[0])
        msg = p->emsg;
    if (p->etype[0])
        otype = atype = gstatus = p->etype;
    if (p->ecode[0])
        ocode = p->ecode;
    char *b = xmalloc(4096);
    int n;
    if (strcmp(p->err, "anthropic") == 0)
        n = snprintf(b, 4096,
                     "{\"type\":\"error\",\"error\":{\"type\":\"%s\",\"message\":\"%s\"},"
                     "\"request_id\":\"req_loopback\"}",
                     atype, msg);
    else if (strcmp(p->err, "gemini") == 0)
        n = snprintf(b, 4096,
                     "{\n  \"error\": {\n    \"code\": %d,\n    \"message\": \"%s\",\n"
                     "    \"status\": \"%s\"\n  }\n}\n",
                     p->status, msg, gstatus);
    else if (strcmp(p->err, "raw") == 0)
        n = snprintf(b, 4096, "%s", msg);
    else if (strcmp(p->err, "ollama") == 0)
        n = snprintf(b, 4096, "{\"error\":\"%s\"}", msg);
    else if (ocode)
        n = snprintf(b, 4096,
                     "{\n  \"error\": {\n    \"message\": \"%s\",\n    \"type\": \"%s\",\n"
                     "    \"param\": null,\n    \"code\": \"%s\"\n  }\n}\n",
                     msg, otype, ocode);
    else
        n = snprintf(b, 4096,
                     "{\n  \"error\": {\n    \"message\": \"%s\",\n    \"type\": \"%s\",\n"
                     "    \"param\": null,\n    \"code\": null\n  }\n}\n",
                     msg, otype);
    *len = (size_t)(n < 0 ? 0 : n);
    return b;
}

/* One OpenAI chat chunk event whose delta content is text. */
static char *gen_event(const char *delta_json, size_t *len)
{
    char *b = NULL;
    size_t n = 0, cap = 0;
    sbuf_add(&b, &n, &cap,
             "data: {\"id\":\"chatcmpl-loopback\",\"object\":\"chat.completion.chunk\","
             "\"created\":1700000000,\"model\":\"loopback\",\"choices\":[{\"index\":0,\"delta\":");
    sbuf_add(&b, &n, &cap, delta_json);
    sbuf_add(&b, &n, &cap, ",\"finish_reason\":null}]}\n\n");
    *len = n;
    return b;
}

static char *gen_content_event(const char *text, size_t *len)
{
    char *d = NULL;
    size_t n = 0, cap = 0;
    sbuf_add(&d, &n, &cap, "{\"content\":\"");
    json_escape(&d, &n, &cap, text, strlen(text));
    sbuf_add(&d, &n, &cap, "\"}");
    char *e = gen_event(d, len);
    free(d);
    return e;
}

/* ---- records ------------------------------------------------------------ */

static int rec_new(server *s, conn *c, const char *target, size_t tn)
{
    int i = (int)(s->nreq % NRECS);
    rec *r = &s->recs[i];
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof *r);
    r->used = 1;
    s->nreq++;
    if (c->p.id[0])
        snprintf(r->id, sizeof r->id, "%s", c->p.id);
    else
        snprintf(r->id, sizeof r->id, "r%llu", (unsigned long long)s->nreq);
    snprintf(r->target, sizeof r->target, "%.*s", (int)(tn < 255 ? tn : 255), target);
    r->outcome = "open";
    r->status = c->p.status;
    r->body_total = -1;
    r->t0 = now_us();
    r->head_len = c->head_len < KEEP_HEAD ? c->head_len : KEEP_HEAD;
    r->head = xmalloc(r->head_len + 1);
    memcpy(r->head, c->in, r->head_len);
    r->req_body_bytes = c->body_need;
    r->body_len = c->body_need < KEEP_BODY ? c->body_need : KEEP_BODY;
    r->body = xmalloc(r->body_len + 1);
    memcpy(r->body, c->in + c->head_len, r->body_len);
    return i;
}

static rec *rec_find(server *s, const char *id)
{
    /* newest first */
    for (uint64_t k = 0; k < s->nreq && k < NRECS; k++) {
        rec *r = &s->recs[(s->nreq - 1 - k) % NRECS];
        if (r->used && strcmp(r->id, id) == 0)
            return r;
    }
    return NULL;
}

static void rec_finish(server *s, conn *c, const char *outcome)
{
    if (c->rec < 0)
        return;
    rec *r = &s->recs[c->rec];
    if (r->done)
        return;
    r->done = 1;
    r->outcome = outcome;
    r->t1 = now_us();
    if (strcmp(outcome, "complete") == 0)
        s->n_complete++;
    else if (strcmp(outcome, "client_closed") == 0) {
        s->n_closed++;
        r->client_closed_early = 1;
    } else if (strcmp(outcome, "cut") == 0)
        s->n_cut++;
    else if (strcmp(outcome, "limit") == 0)
        s->n_limit++;
    else
        s->n_error++;
}

static char *rec_json(const rec *r, size_t *len)
{
    char *b = NULL;
    size_t n = 0, cap = 0;
    char tmp[1024];
    sbuf_add(&b, &n, &cap, "{\"id\":\"");
    json_escape(&b, &n, &cap, r->id, strlen(r->id));
    sbuf_add(&b, &n, &cap, "\",\"target\":\"");
    json_escape(&b, &n, &cap, r->target, strlen(r->target));
    snprintf(tmp, sizeof tmp,
             "\",\"state\":\"%s\",\"outcome\":\"%s\",\"status\":%d,\"body_bytes\":%llu,"
             "\"wire_bytes\":%llu,\"writes\":%llu,\"body_total\":%lld,"
             "\"client_closed_early\":%s,\"ms\":%lld,\"request_body_bytes\":%llu,\"head\":\"",
             r->done ? "done" : "open", r->outcome, r->status, (unsigned long long)r->body_bytes,
             (unsigned long long)r->wire_bytes, (unsigned long long)r->writes,
             (long long)r->body_total, r->client_closed_early ? "true" : "false",
             (long long)(((r->done ? r->t1 : now_us()) - r->t0) / 1000),
             (unsigned long long)r->req_body_bytes);
    sbuf_add(&b, &n, &cap, tmp);
    json_escape(&b, &n, &cap, r->head, r->head_len);
    sbuf_add(&b, &n, &cap, "\",\"body\":\"");
    json_escape(&b, &n, &cap, r->body, r->body_len);
    sbuf_add(&b, &n, &cap, "\"}\n");
    *len = n;
    return b;
}

/* ---- connection life ---------------------------------------------------------- */

static void conn_close(server *s, int idx)
{
    conn *c = s->conns[idx];
    close(c->fd);
    free(c->in);
    free(c->out);
    free(c->src);
    free(c->gen_chunk);
    free(c);
    s->conns[idx] = s->conns[--s->nconns];
    s->conns[s->nconns] = NULL;
}

/* A complete small response (control endpoints). */
static void respond_simple(conn *c, int status, const char *ctype, const char *body, size_t n)
{
    c->out_len = c->out_off = 0;
    out_addf(c, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
             status, reason_phrase(status), ctype, n);
    out_add(c, body, n);
    c->finished = 1;
    c->state = C_SEND;
    c->next_at = 0;
}

static void control(server *s, conn *c, const char *path, size_t pn)
{
    char buf[512];
    int n;
    c->rec = -1;
#define IS(x) (pn == sizeof(x) - 1 && memcmp(path, x, pn) == 0)
    if (IS("/_record")) {
        rec *r = rec_find(s, c->p.id);
        if (!r) {
            if (c->p.wait > 0) {
                c->state = C_WAIT;
                c->deadline = now_us() + c->p.wait;
                return;
            }
            respond_simple(c, 404, "application/json", "{\"error\":\"no such record\"}\n", 27);
            return;
        }
        if (!r->done && c->p.wait > 0) {
            c->state = C_WAIT;
            c->deadline = now_us() + c->p.wait;
            return;
        }
        size_t len;
        char *j = rec_json(r, &len);
        respond_simple(c, 200, "application/json", j, len);
        free(j);
    } else if (IS("/_stats")) {
        size_t active = 0;
        for (int i = 0; i < s->nconns; i++)
            if (s->conns[i]->rec >= 0 && !s->recs[s->conns[i]->rec].done)
                active++;
        n = snprintf(buf, sizeof buf,
                     "{\"requests\":%llu,\"active\":%zu,\"complete\":%llu,\"client_closed\":%llu,"
                     "\"cut\":%llu,\"limit\":%llu,\"error\":%llu}\n",
                     (unsigned long long)s->nreq, active, (unsigned long long)s->n_complete,
                     (unsigned long long)s->n_closed, (unsigned long long)s->n_cut,
                     (unsigned long long)s->n_limit, (unsigned long long)s->n_error);
        respond_simple(c, 200, "application/json", buf, (size_t)n);
    } else if (IS("/_info")) {
        n = snprintf(buf, sizeof buf, "{\"port\":%d,\"blackhole\":%d}\n", s->port, s->bport);
        respond_simple(c, 200, "application/json", buf, (size_t)n);
    } else if (IS("/_quit")) {
        s->quit = 1;
        respond_simple(c, 200, "application/json", "{\"quit\":true}\n", 14);
    } else {
        respond_simple(c, 404, "application/json", "{\"error\":\"no such endpoint\"}\n", 29);
    }
#undef IS
}

static void start_headers(server *s, conn *c)
{
    const params *p = &c->p;
    rec *r = &s->recs[c->rec];
    const char *ctype = p->ctype[0] ? p->ctype : "text/event-stream";
    if (!p->ctype[0] && c->kind == G_NONE) {
        size_t fl = strlen(p->file);
        if (p->status != 200 || (fl > 5 && strcmp(p->file + fl - 5, ".json") == 0))
            ctype = "application/json";
        else if (fl > 7 && strcmp(p->file + fl - 7, ".ndjson") == 0)
            ctype = "application/x-ndjson";
    }
    int framing = p->framing >= 0 ? p->framing : (p->status != 200 ? F_LENGTH : F_CHUNKED);
    if (framing == F_LENGTH && c->kind != G_NONE)
        framing = F_CHUNKED;
    c->p.framing = framing;
    out_addf(c, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nCache-Control: no-cache\r\nConnection: close\r\n"
                "X-Llmj-Id: %s\r\n",
             p->status, reason_phrase(p->status), ctype, r->id);
    if (p->retry_after[0])
        out_addf(c, "Retry-After: %s\r\n", p->retry_after);
    if (p->location[0])
        out_addf(c, "Location: %s\r\n", p->location);
    if (p->bighdr) {
        out_addf(c, "X-Llmj-Big: ");
        for (size_t i = 0; i < p->bighdr; i++)
            out_add(c, "a", 1);
        out_addf(c, "\r\n");
    }
    if (p->gzip)
        out_addf(c, "Content-Encoding: gzip\r\n");
    if (framing == F_CHUNKED) {
        out_addf(c, "Transfer-Encoding: chunked\r\n");
    } else if (framing == F_LENGTH) {
        uint64_t total = c->src_len; /* a cut leaves it promised but unsent */
        if (p->gzip) {
            uint64_t nblocks = (c->src_len + p->pace - 1) / p->pace;
            total = 10 + nblocks * 5 + c->src_len + 5 + 8;
        }
        out_addf(c, "Content-Length: %llu\r\n", (unsigned long long)total);
    }
    out_addf(c, "\r\n");
}

/* Set up the response of a stream request. */
static void stream_request(server *s, conn *c, const char *target, size_t tn, const char *path, size_t pn)
{
    params *p = &c->p;
    int explicit_file = p->file[0] != 0;
    if (!explicit_file && p->status == 200) {
        /* the path names the file, else the default */
        if (pn > 1) {
            snprintf(p->file, sizeof p->file, "%.*s", (int)(pn - 1 < 255 ? pn - 1 : 255), path + 1);
            c->src = load_file(s, p->file, &c->src_len);
        }
        if (!c->src && s->deflt[0])
            snprintf(p->file, sizeof p->file, "%s", s->deflt);
    }
    if (p->gzip && p->pace > 65535)
        p->pace = 65535;
    c->rec = rec_new(s, c, target, tn);
    c->kind = G_NONE;
    if (p->gen[0] && p->status == 200) {
        c->kind = G_GEN;
        free(c->src);
        int ws = strcmp(p->gen, "ws") == 0;
        const char *prefix = p->prefix[0] ? p->prefix : ws ? "{\"a\": 1," : "{\"text\": \"";
        const char *unit = p->unit[0] ? p->unit : ws ? "\n\n\n\n" : "la ";
        size_t l1, l2;
        char *e1 = gen_event("{\"role\":\"assistant\",\"content\":\"\"}", &l1);
        char *e2 = gen_content_event(prefix, &l2);
        c->src = xmalloc(l1 + l2);
        memcpy(c->src, e1, l1);
        memcpy(c->src + l1, e2, l2);
        c->src_len = l1 + l2;
        free(e1);
        free(e2);
        c->gen_chunk = gen_content_event(unit, &c->gen_chunk_len);
        if (p->cut == UINT64_MAX || p->cut > p->max)
            p->cut = p->max;
    } else if (!c->src && p->file[0] && (p->status == 200 || explicit_file)) {
        c->src = load_file(s, p->file, &c->src_len);
        if (!c->src && p->status == 200) {
            fprintf(stderr, "llmj-testserver: no file %s\n", p->file);
            p->status = 404;
            s->recs[c->rec].status = 404;
            char msg[600];
            int n = snprintf(msg, sizeof msg,
                             "{\"error\":{\"message\":\"llmj-testserver: no file named %s\","
                             "\"type\":\"not_found\",\"code\":\"no_file\"}}\n",
                             p->file);
            c->src = xmalloc((size_t)n + 1);
            memcpy(c->src, msg, (size_t)n + 1);
            c->src_len = (size_t)n;
        }
    }
    if (!c->src)
        c->src = error_body(p, &c->src_len);
    if (c->kind == G_NONE)
        s->recs[c->rec].body_total = (int64_t)c->src_len;
    c->state = p->hold > 0 ? C_HOLD : C_SEND;
    c->next_at = now_us() + p->hold;
    if (c->state == C_SEND)
        start_headers(s, c);
}

static void handle_request(server *s, conn *c)
{
    const char *h = c->in;
    const char *sp1 = memchr(h, ' ', c->head_len);
    const char *target = sp1 ? sp1 + 1 : h;
    const char *sp2 = sp1 ? memchr(target, ' ', c->head_len - (size_t)(target - h)) : NULL;
    size_t tn = sp2 ? (size_t)(sp2 - target) : 0;
    const char *q = memchr(target, '?', tn);
    size_t pn = q ? (size_t)(q - target) : tn;
    params_default(&c->p);
    if (q)
        params_parse(&c->p, q + 1, tn - pn - 1);
    const char *v;
    size_t vn;
    if (header_get(h, c->head_len, "x-llmj-test", &v, &vn))
        params_parse(&c->p, v, vn);
    if (pn >= 2 && target[0] == '/' && target[1] == '_')
        control(s, c, target, pn);
    else
        stream_request(s, c, target, tn, target, pn);
}

/* Queue the next frame: up to pace body bytes, or the final frame. */
static void next_frame(server *s, conn *c)
{
    params *p = &c->p;
    uint64_t limit = p->cut;
    if (p->stall_at != UINT64_MAX && !c->stalled && p->stall_at < limit)
        limit = p->stall_at;
    size_t want = c->body_sent < p->slow_at ? (size_t)(p->slow_at - c->body_sent) : p->pace;
    if (c->body_sent + want > limit)
        want = (size_t)(limit - c->body_sent);
    char *piece = NULL;
    size_t pl = 0;
    char gen_buf[65536];
    if (c->src_pos < c->src_len) {
        pl = c->src_len - c->src_pos < want ? c->src_len - c->src_pos : want;
        piece = c->src + c->src_pos;
        c->src_pos += pl;
    } else if (c->kind == G_GEN && want > 0) {
        /* endless: the repeated event, from where the last piece stopped */
        size_t cap = want < sizeof gen_buf ? want : sizeof gen_buf;
        uint64_t off = (c->body_sent - c->src_len) % c->gen_chunk_len;
        while (pl < cap) {
            size_t k = c->gen_chunk_len - (size_t)off;
            if (k > cap - pl)
                k = cap - pl;
            memcpy(gen_buf + pl, c->gen_chunk + off, k);
            pl += k;
            off = 0;
        }
        piece = gen_buf;
    }
    c->out_len = c->out_off = 0;
    c->out_payload = pl;
    if (pl == 0) {
        /* the end of the body */
        if (p->gzip) {
            unsigned char t[13] = {0x01, 0x00, 0x00, 0xff, 0xff};
            if (!c->gz_started) {
                static const unsigned char gzh[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
                if (p->framing == F_CHUNKED)
                    out_addf(c, "%zx\r\n", (size_t)10);
                out_add(c, gzh, 10);
                if (p->framing == F_CHUNKED)
                    out_add(c, "\r\n", 2);
                c->gz_started = 1;
            }
            for (int i = 0; i < 4; i++) {
                t[5 + i] = (unsigned char)(c->gz_crc >> (8 * i));
                t[9 + i] = (unsigned char)(c->gz_size >> (8 * i));
            }
            if (p->framing == F_CHUNKED)
                out_addf(c, "%zx\r\n", sizeof t);
            out_add(c, t, sizeof t);
            if (p->framing == F_CHUNKED)
                out_add(c, "\r\n", 2);
        }
        if (p->framing == F_CHUNKED)
            out_add(c, "0\r\n\r\n", 5);
        c->finished = 1;
        return;
    }
    size_t framed = pl;
    unsigned char gzhead[10 + 5];
    size_t gzn = 0;
    if (p->gzip) {
        if (!c->gz_started) {
            static const unsigned char gzh[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
            memcpy(gzhead, gzh, 10);
            gzn = 10;
            c->gz_started = 1;
        }
        gzhead[gzn++] = 0x00; /* stored, not final */
        gzhead[gzn++] = (unsigned char)(pl & 0xff);
        gzhead[gzn++] = (unsigned char)(pl >> 8);
        gzhead[gzn++] = (unsigned char)(~pl & 0xff);
        gzhead[gzn++] = (unsigned char)((~pl >> 8) & 0xff);
        c->gz_crc = crc_update(s, c->gz_crc, piece, pl);
        c->gz_size += pl;
        framed += gzn;
    }
    if (p->framing == F_CHUNKED)
        out_addf(c, "%zx\r\n", framed);
    out_add(c, gzhead, gzn);
    out_add(c, piece, pl);
    if (p->framing == F_CHUNKED)
        out_add(c, "\r\n", 2);
}

/* Send what is pending; 1 when all of it went, 0 when the socket is full,
 * -1 when the client is gone. */
static int flush_out(server *s, conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        c->out_off += (size_t)n;
        if (c->rec >= 0)
            s->recs[c->rec].wire_bytes += (uint64_t)n;
    }
    if (c->rec >= 0 && c->out_payload) {
        s->recs[c->rec].body_bytes += c->out_payload;
        s->recs[c->rec].writes++;
        c->body_sent += c->out_payload;
        c->out_payload = 0;
    }
    c->out_len = c->out_off = 0;
    return 1;
}

/* Did the client close its end? Reads and discards anything it sends. */
static int client_gone(conn *c)
{
    char buf[4096];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n > 0)
            continue;
        if (n == 0)
            return 1;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return 1;
    }
}

static void begin_drain(conn *c)
{
    shutdown(c->fd, SHUT_WR);
    c->state = C_DRAIN;
    c->deadline = now_us() + 2000000;
}

/* Advance a sending connection as far as it can go now; returns -1 when the
 * connection is to be closed. */
static int pump(server *s, conn *c, int readable)
{
    if (readable && client_gone(c)) {
        rec_finish(s, c, "client_closed");
        return -1;
    }
    if (c->state == C_HOLD) {
        if (now_us() < c->next_at)
            return 0;
        c->state = C_SEND;
        start_headers(s, c);
    }
    size_t budget = SLICE;
    for (;;) {
        int r = flush_out(s, c);
        if (r < 0) {
            rec_finish(s, c, "client_closed");
            return -1;
        }
        if (r == 0)
            return 0;
        if (c->finished) {
            rec_finish(s, c, "complete");
            if (s->quit)
                return -1;
            begin_drain(c);
            return 0;
        }
        if (c->rec < 0)
            return 0;
        const params *p = &c->p;
        if (c->body_sent >= p->cut) {
            rec_finish(s, c, c->kind == G_GEN && p->cut == p->max ? "limit" : "cut");
            return -1;
        }
        usec t = now_us();
        if (p->stall_at != UINT64_MAX && !c->stalled && c->body_sent >= p->stall_at) {
            c->stalled = 1;
            c->next_at = t + (p->stall > 0 ? p->stall : 60000000);
            return 0;
        }
        if (t < c->next_at)
            return 0;
        if (budget == 0) {
            c->next_at = t; /* others first; back at the next turn */
            return 0;
        }
        next_frame(s, c);
        if (c->out_payload == 0 && !c->finished)
            return 0;
        budget = budget > c->out_payload ? budget - c->out_payload : 0;
        c->next_at = t + (c->body_sent < p->slow_at ? 0 : p->delay);
    }
}

/* Read the request; 1 when it is complete, 0 for more, -1 on error. */
static int read_request(conn *c)
{
    for (;;) {
        if (c->in_len + 4096 + 1 > c->in_cap) {
            size_t cap = c->in_cap ? c->in_cap * 2 : 8192;
            c->in = xrealloc(c->in, cap);
            c->in_cap = cap;
        }
        ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len - 1, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -1;
        }
        if (n == 0)
            return -1;
        c->in_len += (size_t)n;
        c->in[c->in_len] = 0;
        if (!c->head_len) {
            char *e = strstr(c->in, "\r\n\r\n");
            if (!e) {
                if (c->in_len > MAX_HEAD)
                    return -1;
                continue;
            }
            c->head_len = (size_t)(e - c->in) + 4;
            const char *v;
            size_t vn;
            if (header_get(c->in, c->head_len, "content-length", &v, &vn)) {
                char num[32];
                snprintf(num, sizeof num, "%.*s", (int)(vn < 31 ? vn : 31), v);
                c->body_need = (size_t)parse_u64(num, 0);
                if (c->body_need > MAX_REQ_BODY)
                    return -1;
            }
            if (header_get(c->in, c->head_len, "expect", &v, &vn) && vn == 12 &&
                strncmp(v, "100-continue", 12) == 0 && c->in_len - c->head_len < c->body_need) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                if (send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL) < 0)
                    return -1;
                c->sent_continue = 1;
            }
        }
        if (c->in_len - c->head_len >= c->body_need)
            return 1;
    }
    if (c->head_len && c->in_len - c->head_len >= c->body_need)
        return 1;
    return 0;
}

/* ---- setup ------------------------------------------------------------------------ */

static int listen_on(int backlog, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)*port);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* A listener that never accepts, its queue filled by our own connections. */
static void blackhole(server *s)
{
    s->bport = 0;
    s->bfd = listen_on(0, &s->bport);
    for (int i = 0; i < 3; i++) {
        s->bclients[i] = -1;
        if (s->bfd < 0)
            continue;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            continue;
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons((uint16_t)s->bport);
        (void)connect(fd, (struct sockaddr *)&a, sizeof a);
        s->bclients[i] = fd;
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: llmj-testserver [--dir DIR]... [--default NAME] [--idle S] [--life S] [--port N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    server *s = calloc(1, sizeof *s);
    if (!s)
        return 3;
    s->idle = 30 * 1000000LL;
    s->life = 600 * 1000000LL;
    int port = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            if (s->ndirs < MAX_DIRS)
                snprintf(s->dirs[s->ndirs++], sizeof s->dirs[0], "%s", argv[++i]);
            else
                usage();
        } else if (strcmp(argv[i], "--default") == 0 && i + 1 < argc) {
            snprintf(s->deflt, sizeof s->deflt, "%s", argv[++i]);
        } else if (strcmp(argv[i], "--idle") == 0 && i + 1 < argc) {
            s->idle = (usec)(atof(argv[++i]) * 1e6);
        } else if (strcmp(argv[i], "--life") == 0 && i + 1 < argc) {
            s->life = (usec)(atof(argv[++i]) * 1e6);
        } else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = atoi(argv[++i]);
        } else {
            usage();
        }
    }
    if (s->ndirs == 0) {
        const char *root = getenv("LLMJ_ROOT");
        if (!root || !*root)
            root = ".";
        snprintf(s->dirs[s->ndirs++], sizeof s->dirs[0], "%s/corpus/streams", root);
        snprintf(s->dirs[s->ndirs++], sizeof s->dirs[0], "%s/tests/server/fixtures", root);
    }
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max && rl.rlim_cur < MAX_CONNS + 64) {
        rl.rlim_cur = rl.rlim_max < MAX_CONNS + 64 ? rl.rlim_max : MAX_CONNS + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    crc_init(s);
    s->lfd = listen_on(4096, &port);
    if (s->lfd < 0) {
        fprintf(stderr, "llmj-testserver: cannot listen on 127.0.0.1: %s\n", strerror(errno));
        return 1;
    }
    s->port = port;
    blackhole(s);
    printf("%d\n", s->port);
    fflush(stdout);

    usec start = now_us(), last_active = start;
    struct pollfd *pfd = xmalloc(sizeof *pfd * (MAX_CONNS + 1));
    while (!(s->quit && s->nconns == 0)) {
        usec t = now_us();
        if (t - start > s->life) {
            fprintf(stderr, "llmj-testserver: life time limit reached, exiting\n");
            break;
        }
        if (s->nconns > 0)
            last_active = t;
        else if (t - last_active > s->idle)
            break;
        /* the poll timeout: the nearest timer */
        usec wake = t + 200000;
        for (int i = 0; i < s->nconns; i++) {
            conn *c = s->conns[i];
            if ((c->state == C_SEND || c->state == C_HOLD) && c->out_len == c->out_off && c->next_at < wake)
                wake = c->next_at;
            if ((c->state == C_DRAIN || c->state == C_WAIT) && c->deadline < wake)
                wake = c->deadline;
            if (c->state == C_WAIT && t + 5000 < wake)
                wake = t + 5000; /* waiters look again soon */
        }
        int timeout = wake <= t ? 0 : (int)((wake - t + 999) / 1000);
        int n = 0;
        pfd[n].fd = s->quit ? -1 : s->lfd;
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        n++;
        for (int i = 0; i < s->nconns; i++) {
            conn *c = s->conns[i];
            pfd[n].fd = c->fd;
            pfd[n].events = POLLIN;
            if (c->state == C_SEND && c->out_off < c->out_len)
                pfd[n].events |= POLLOUT;
            pfd[n].revents = 0;
            n++;
        }
        if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR) {
            perror("llmj-testserver: poll");
            break;
        }
        /* new connections */
        if (pfd[0].revents & POLLIN) {
            for (;;) {
                int fd = accept(s->lfd, NULL, NULL);
                if (fd < 0)
                    break;
                if (s->nconns >= MAX_CONNS) {
                    close(fd);
                    continue;
                }
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                conn *c = calloc(1, sizeof *c);
                if (!c) {
                    close(fd);
                    continue;
                }
                c->fd = fd;
                c->state = C_READ;
                c->rec = -1;
                c->t_accept = now_us();
                s->conns[s->nconns++] = c;
            }
        }
        /* existing ones; the array is compacted on close, so walk by fd */
        int base = 1;
        int count = n - base;
        for (int k = 0; k < count; k++) {
            int fd = pfd[base + k].fd;
            short re = pfd[base + k].revents;
            int idx = -1;
            /* conns[k] is fd unless an earlier close moved things */
            if (k < s->nconns && s->conns[k]->fd == fd)
                idx = k;
            else
                for (int i = 0; i < s->nconns; i++)
                    if (s->conns[i]->fd == fd) {
                        idx = i;
                        break;
                    }
            if (idx < 0)
                continue;
            conn *c = s->conns[idx];
            int drop = 0;
            usec tn = now_us();
            switch (c->state) {
            case C_READ:
                if (re & (POLLIN | POLLHUP | POLLERR)) {
                    int r = read_request(c);
                    if (r < 0)
                        drop = 1;
                    else if (r > 0) {
                        handle_request(s, c);
                        if (c->state == C_SEND && pump(s, c, 0) < 0)
                            drop = 1;
                    }
                } else if (tn - c->t_accept > 10000000) {
                    drop = 1; /* a client that never sends a request */
                }
                break;
            case C_HOLD:
            case C_SEND:
                if (pump(s, c, (re & (POLLIN | POLLHUP | POLLERR)) != 0) < 0)
                    drop = 1;
                break;
            case C_DRAIN:
                if ((re & (POLLIN | POLLHUP | POLLERR)) && client_gone(c))
                    drop = 1;
                else if (tn >= c->deadline)
                    drop = 1;
                break;
            case C_WAIT: {
                rec *r = rec_find(s, c->p.id);
                if ((r && r->done) || tn >= c->deadline) {
                    if (r) {
                        size_t len;
                        char *j = rec_json(r, &len);
                        respond_simple(c, 200, "application/json", j, len);
                        free(j);
                    } else {
                        respond_simple(c, 404, "application/json", "{\"error\":\"no such record\"}\n", 27);
                    }
                    if (pump(s, c, 0) < 0)
                        drop = 1;
                } else if ((re & (POLLIN | POLLHUP | POLLERR)) && client_gone(c)) {
                    drop = 1;
                }
                break;
            }
            }
            if (drop) {
                if (c->rec >= 0 && !s->recs[c->rec].done)
                    rec_finish(s, c, "error");
                conn_close(s, idx);
            }
        }
    }
    free(pfd);
    while (s->nconns > 0) {
        conn *c = s->conns[s->nconns - 1];
        if (c->rec >= 0 && !s->recs[c->rec].done)
            rec_finish(s, c, "error");
        conn_close(s, s->nconns - 1);
    }
    for (int i = 0; i < NRECS; i++) {
        free(s->recs[i].head);
        free(s->recs[i].body);
    }
    for (int i = 0; i < 3; i++)
        if (s->bclients[i] >= 0)
            close(s->bclients[i]);
    if (s->bfd >= 0)
        close(s->bfd);
    close(s->lfd);
    free(s);
    return 0;
}
