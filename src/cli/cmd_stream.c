/* llmjson stream — send one streamed request over HTTP(S) and decode the
 * answer as it arrives: the same output and exit status as `llmjson replay`
 * on the bytes received, with the network's own failures added. */
#include "cli.h"
#include "live.h"
#include "unicode.h" /* llmj__esc_json */

#include <llmjson/http.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADERS 64
#define HEADER_NAME_MAX 256

static const char stream_help[] =
    "usage: llmjson stream [--url URL] [--dialect NAME]\n"
    "                      [--body FILE | --model M --prompt TEXT [--json]]\n"
    "                      [--header 'Name: value']... [--header-file FILE]\n"
    "                      [--secret-header NAME]... [--events|--report] [--greedy]\n"
    "                      [--timeout S] [--stall S] [--idle S] [--connect-timeout S]\n"
    "\n"
    "Send one streamed request to an LLM API and decode the answer as it arrives,\n"
    "as `llmjson replay` decodes a recording: the same output (the text as it\n"
    "streams, --events, or --report) and the same exit status, for the bytes\n"
    "received. A runaway cancels the transfer at once.\n"
    "\n"
    "  --url URL             the endpoint; default by dialect: openai\n"
    "                        $OPENAI_BASE_URL/chat/completions ($OPENAI_BASE_URL:\n"
    "                        https://api.openai.com/v1), responses .../responses,\n"
    "                        anthropic https://api.anthropic.com/v1/messages, gemini\n"
    "                        .../v1beta/models/M:streamGenerateContent?alt=sse,\n"
    "                        ollama http://localhost:11434/api/chat\n"
    "  --body FILE           the JSON request body ('-': standard input)\n"
    "  --model M --prompt TEXT\n"
    "                        or a one-message streaming request in the dialect's shape\n"
    "  --json                the answer is JSON; with --prompt, JSON mode is asked for\n"
    "                        (response_format, text.format, responseMimeType, format)\n"
    "                        and a JSON-mode request whose messages never say \"json\"\n"
    "                        is refused before sending, as the API would refuse it\n"
    "  --header 'Name: value'  an extra request header (repeatable; replaces a default);\n"
    "                        'Name: @env:VAR' takes the value from the environment\n"
    "                        variable VAR, so it is not on the command line (nor in ps)\n"
    "  --header-file FILE    request headers from FILE, one 'Name: value' a line (blank\n"
    "                        lines and lines starting with # skipped)\n"
    "  --secret-header NAME  the value of header NAME is a secret (repeatable)\n"
    "  --timeout S           give up after S seconds in all, decoding included (default:\n"
    "                        never)\n"
    "  --stall S             give up when no byte arrives for S seconds (default: never)\n"
    "  --idle S              give up when no event with data arrives for S seconds;\n"
    "                        keepalive comments do not count, so a trickle cannot\n"
    "                        defeat it (default: never)\n"
    "  --connect-timeout S   give up when not connected within S seconds (default 30)\n"
    "  --dialect NAME, --text, --greedy, --events, --report, --max-depth N,\n"
    "  --whitespace-limit N, --whitespace-indent I, --repeat-limit N,\n"
    "  --schema FILE, --tool-schema NAME=FILE  as for replay (llmjson help replay);\n"
    "                        with --prompt, --schema is checked against the\n"
    "                        provider's rules (llmjson schema lint), then sent as\n"
    "                        Structured Outputs in the dialect's field\n"
    "                        (--schema-name NAME, default response)\n"
    "  --live, --choice N    the live view, as for replay\n";

static const char stream_help_more[] =
    "\n"
    "The key comes from OPENAI_API_KEY (openai, responses, auto), ANTHROPIC_API_KEY\n"
    "or GEMINI_API_KEY and goes only into its header; it is never printed. Without\n"
    "it (or a key header) nothing is sent to OpenAI, Anthropic or Google: one line\n"
    "names the variable (another server's 401 or 403 names it). Neither\n"
    "is the value of a secret header: Authorization, Proxy-Authorization, x-api-key,\n"
    "api-key, x-goog-api-key, every header from @env: or --header-file, and every\n"
    "--secret-header; it shows as [redacted] in every message. A key or secret\n"
    "value shorter than 4 bytes is refused (it could not be told from text). Proxies\n"
    "and TLS follow libcurl's defaults and environment (https_proxy, no_proxy...).\n"
    "A network failure is one line on standard error; when no byte of an answer\n"
    "arrived, nothing else is printed. Ctrl-C cancels the transfer and reports\n"
    "what arrived.\n"
    "\n"
    "exit status, the first that applies: 1 usage or I/O error (a bad URL, no\n"
    "key, a JSON-mode request refused before sending); 8 cancelled; 6 the provider\n"
    "reported an error (an HTTP error status, its message, type, code and\n"
    "Retry-After shown, or an error in the stream); 7 transfer failure or timeout;\n"
    "then as replay's: 9 refused, 4 runaway, 3 invalid, 10 schema violation,\n"
    "2 truncated, 5 empty, 0 complete.\n";

#ifndef LLMJ_NO_HTTP

#include "http_curl.h" /* why libcurl could not be loaded */

typedef struct stream_opts {
    cli_replay_opts r;
    const char *url;
    const char *body_path;
    const char *model;
    const char *prompt;
    const char *schema_name;  /* --schema-name (default "response") */
    const char *headers[MAX_HEADERS + 1];
    size_t nheaders;
    char *owned[MAX_HEADERS]; /* header lines built here (@env:, --header-file) */
    size_t nowned;
    const char *secret[MAX_HEADERS]; /* --secret-header names */
    size_t nsecret;
    long timeout_ms, stall_ms, idle_ms, connect_ms; /* 0: not given */
    cli_live_args live;                    /* --live, --choice (live.c) */
} stream_opts;

static void opts_free(stream_opts *o)
{
    for (size_t i = 0; i < o->nowned; i++) {
        volatile char *v = o->owned[i];
        for (size_t k = 0; o->owned[i][k]; k++)
            v[k] = 0;
        free(o->owned[i]);
    }
    o->nowned = 0;
}

/* SIGINT / SIGTERM: cancel the transfer (the only global of the tool). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- building the request body --------------------------------------------- */

typedef struct sbuf {
    char *data;
    size_t len, cap;
    int nomem;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            b->nomem = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/* s as a JSON string literal. */
static void sb_json(sbuf *b, const char *s)
{
    sb_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        size_t k = llmj__esc_json(tmp, *p);
        if (k)
            sb_add(b, tmp, k);
        else
            sb_add(b, (const char *)p, 1);
    }
    sb_add(b, "\"", 1);
}

/* "name":NAME,"strict":true,"schema":SCHEMA: OpenAI's json_schema format
 * (Chat Completions and Responses alike). */
static void sb_strict_schema(sbuf *b, const char *name, const char *schema, size_t len)
{
    sb_puts(b, "\"name\":");
    sb_json(b, name);
    sb_puts(b, ",\"strict\":true,\"schema\":");
    sb_add(b, schema, len);
}

/* One user message asking for a streamed answer, in the dialect's shape.
 * schema (JSON text, already compiled so known to be JSON) and its name:
 * Structured Outputs in the dialect's own field; else json: JSON mode. */
static void build_body(sbuf *b, llmj_dialect d, const char *model, const char *prompt, int json,
                       const char *schema, size_t schema_len, const char *name)
{
    switch (d) {
    case LLMJ_DIALECT_GEMINI:
        sb_puts(b, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":");
        sb_json(b, prompt);
        sb_puts(b, "}]}]");
        if (schema) {
            sb_puts(b, ",\"generationConfig\":{\"responseMimeType\":\"application/json\","
                       "\"responseJsonSchema\":");
            sb_add(b, schema, schema_len);
            sb_puts(b, "}");
        } else if (json) {
            sb_puts(b, ",\"generationConfig\":{\"responseMimeType\":\"application/json\"}");
        }
        sb_puts(b, "}");
        return;
    case LLMJ_DIALECT_OPENAI_RESPONSES:
        sb_puts(b, "{\"model\":");
        sb_json(b, model);
        sb_puts(b, ",\"stream\":true,\"input\":");
        sb_json(b, prompt);
        if (schema) {
            sb_puts(b, ",\"text\":{\"format\":{\"type\":\"json_schema\",");
            sb_strict_schema(b, name, schema, schema_len);
            sb_puts(b, "}}");
        } else if (json) {
            sb_puts(b, ",\"text\":{\"format\":{\"type\":\"json_object\"}}");
        }
        sb_puts(b, "}");
        return;
    case LLMJ_DIALECT_ANTHROPIC:
        sb_puts(b, "{\"model\":");
        sb_json(b, model);
        sb_puts(b, ",\"max_tokens\":4096,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":");
        sb_json(b, prompt);
        sb_puts(b, "}]");
        if (schema) {
            sb_puts(b, ",\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":");
            sb_add(b, schema, schema_len);
            sb_puts(b, "}}");
        }
        sb_puts(b, "}");
        return;
    case LLMJ_DIALECT_OLLAMA:
        sb_puts(b, "{\"model\":");
        sb_json(b, model);
        sb_puts(b, ",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":");
        sb_json(b, prompt);
        sb_puts(b, "}]");
        if (schema) {
            sb_puts(b, ",\"format\":");
            sb_add(b, schema, schema_len);
        } else if (json) {
            sb_puts(b, ",\"format\":\"json\"");
        }
        sb_puts(b, "}");
        return;
    case LLMJ_DIALECT_AUTO:
    case LLMJ_DIALECT_OPENAI_CHAT:
    default:
        sb_puts(b, "{\"model\":");
        sb_json(b, model);
        sb_puts(b, ",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                   "\"messages\":[{\"role\":\"user\",\"content\":");
        sb_json(b, prompt);
        sb_puts(b, "}]");
        if (schema) {
            sb_puts(b, ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{");
            sb_strict_schema(b, name, schema, schema_len);
            sb_puts(b, "}}");
        } else if (json) {
            sb_puts(b, ",\"response_format\":{\"type\":\"json_object\"}");
        }
        sb_puts(b, "}");
        return;
    }
}

/* Read a whole file ("-": stdin) into b. 0, or -1 after a message. */
static int read_body(sbuf *b, const char *path)
{
    cli_input in;
    if (cli_input_open(&in, path) != 0)
        return -1;
    char buf[CLI_READ_SIZE];
    int err = 0;
    size_t n;
    while ((n = cli_input_read(&in, buf, sizeof buf, &err)) > 0)
        sb_add(b, buf, n);
    cli_input_close(&in);
    if (err)
        return -1;
    if (b->nomem) {
        cli_error("out of memory");
        return -1;
    }
    sb_add(b, "", 0);
    return 0;
}

/* ---- options ------------------------------------------------------------------ */

/* Seconds ("2.5") to milliseconds; -1 after a usage error. */
static long seconds_ms(const char *cmd, const char *opt, const char *v)
{
    char *end;
    double s = strtod(v, &end);
    if (end == v || *end || !(s > 0) || s > 86400 * 365) {
        cli_usage_error(cmd, "%s: expected a number of seconds > 0, got '%s'", opt, v);
        return -1;
    }
    long ms = (long)(s * 1000.0 + 0.5);
    return ms > 0 ? ms : 1;
}

/* Add a header line (line[0:n]): 'Name: value', the value '@env:VAR' taken
 * from the environment. A value from @env: or from a file (secret set)
 * makes its header secret. 0, or -1 after a message. */
static int add_header_line(const char *cmd, stream_opts *o, const char *line, size_t n, const char *where,
                           int secret)
{
    const char *colon = memchr(line, ':', n);
    if (!colon || colon == line || memchr(line, '\r', n) || memchr(line, '\n', n)) {
        cli_usage_error(cmd, "%s: expected 'Name: value'", where);
        return -1;
    }
    if (o->nheaders == MAX_HEADERS || o->nowned == MAX_HEADERS) {
        cli_usage_error(cmd, "at most %d request headers", MAX_HEADERS);
        return -1;
    }
    size_t nl = (size_t)(colon - line);
    if (nl >= HEADER_NAME_MAX) {
        cli_usage_error(cmd, "%s: a header name of %zu bytes (at most %d)", where, nl, HEADER_NAME_MAX - 1);
        return -1;
    }
    const char *v = colon + 1;
    size_t vn = n - nl - 1;
    while (vn > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vn--;
    }
    if (vn > 5 && memcmp(v, "@env:", 5) == 0) {
        char var[256];
        if (vn - 5 >= sizeof var) {
            cli_usage_error(cmd, "%s: variable name too long", where);
            return -1;
        }
        memcpy(var, v + 5, vn - 5);
        var[vn - 5] = 0;
        const char *ev = getenv(var);
        if (!ev) {
            cli_usage_error(cmd, "%s: header %.*s: the environment variable %s is not set", where, (int)nl, line,
                            var);
            return -1;
        }
        if (strpbrk(ev, "\r\n")) {
            cli_usage_error(cmd, "%s: header %.*s: the value of %s holds a line break", where, (int)nl, line, var);
            return -1;
        }
        v = ev;
        vn = strlen(ev);
        secret = 1;
    } else if (!secret) {
        o->headers[o->nheaders++] = line; /* argv, as it is */
        return 0;
    }
    char *built = malloc(nl + 2 + vn + 1);
    if (!built) {
        cli_error("out of memory");
        return -1;
    }
    memcpy(built, line, nl);
    memcpy(built + nl, ": ", 2);
    memcpy(built + nl + 2, v, vn);
    built[nl + 2 + vn] = 0;
    o->owned[o->nowned++] = built;
    o->headers[o->nheaders++] = built;
    return 0;
}

/* --header-file: every line a header, each one secret. 0, or -1 after a
 * message. */
static int read_header_file(const char *cmd, stream_opts *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error("%s: --header-file %s: cannot open", cmd, path);
        return -1;
    }
    char line[8192];
    unsigned lineno = 0;
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            cli_usage_error(cmd, "--header-file %s: line %u is too long", path, lineno);
            rc = -1;
            break;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        size_t i = 0;
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == n || line[i] == '#')
            continue;
        char where[64];
        snprintf(where, sizeof where, "--header-file line %u", lineno);
        rc = add_header_line(cmd, o, line + i, n - i, where, 1);
    }
    if (rc == 0 && ferror(f)) {
        cli_error("%s: --header-file %s: read error", cmd, path);
        rc = -1;
    }
    volatile char *vl = line;
    for (size_t k = 0; k < sizeof line; k++)
        vl[k] = 0;
    fclose(f);
    return rc;
}

static int parse_args(int argc, char **argv, stream_opts *o)
{
    const char *cmd = argv[0];
    memset(o, 0, sizeof *o);
    cli_replay_opts_init(&o->r);
    cli_live_args_init(&o->live);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        int r;
        if (!cli_is_option(a)) {
            cli_usage_error(cmd, "unexpected argument '%s' (the request is --body FILE or "
                                 "--model/--prompt)", a);
            return -1;
        }
        if ((r = cli_replay_option(cmd, argc, argv, &i, &o->r)) != 0) {
            if (r < 0)
                return -1;
        } else if (strcmp(a, "--pace") != 0 && (r = cli_live_option(cmd, argc, argv, &i, &o->live)) != 0) {
            if (r < 0)
                return -1;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--url", &v)) != 0) {
            if (r < 0)
                return -1;
            o->url = v;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--body", &v)) != 0) {
            if (r < 0)
                return -1;
            o->body_path = v;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--model", &v)) != 0) {
            if (r < 0)
                return -1;
            o->model = v;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--prompt", &v)) != 0) {
            if (r < 0)
                return -1;
            o->prompt = v;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--schema-name", &v)) != 0) {
            if (r < 0)
                return -1;
            /* the name OpenAI accepts: a-z, A-Z, 0-9, _ and -, at most 64 */
            if (!*v || strlen(v) > 64 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                   "0123456789_-") != strlen(v)) {
                cli_usage_error(cmd, "--schema-name '%s': letters, digits, '_' and '-', at most 64", v);
                return -1;
            }
            o->schema_name = v;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--header", &v)) != 0) {
            if (r < 0)
                return -1;
            if (add_header_line(cmd, o, v, strlen(v), "--header", 0) != 0)
                return -1;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--header-file", &v)) != 0) {
            if (r < 0 || read_header_file(cmd, o, v) != 0)
                return -1;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--secret-header", &v)) != 0) {
            if (r < 0)
                return -1;
            if (!*v || strpbrk(v, ": \t\r\n")) {
                cli_usage_error(cmd, "--secret-header: expected a header name, got '%s'", v);
                return -1;
            }
            if (o->nsecret == MAX_HEADERS) {
                cli_usage_error(cmd, "at most %d --secret-header options", MAX_HEADERS);
                return -1;
            }
            o->secret[o->nsecret++] = v;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--timeout", &v)) != 0) {
            if (r < 0 || (o->timeout_ms = seconds_ms(cmd, "--timeout", v)) < 0)
                return -1;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--idle", &v)) != 0) {
            if (r < 0 || (o->idle_ms = seconds_ms(cmd, "--idle", v)) < 0)
                return -1;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--stall", &v)) != 0) {
            if (r < 0 || (o->stall_ms = seconds_ms(cmd, "--stall", v)) < 0)
                return -1;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--connect-timeout", &v)) != 0) {
            if (r < 0 || (o->connect_ms = seconds_ms(cmd, "--connect-timeout", v)) < 0)
                return -1;
        } else {
            cli_usage_error(cmd, "unknown option '%s'", a);
            return -1;
        }
    }
    if (o->body_path && (o->model || o->prompt)) {
        cli_usage_error(cmd, "--body and --model/--prompt do not go together");
        return -1;
    }
    if (!o->body_path && (!o->model || !o->prompt)) {
        cli_usage_error(cmd, "the request: --body FILE, or --model M and --prompt TEXT");
        return -1;
    }
    if (o->schema_name && (!o->r.schema_path || o->body_path)) {
        cli_usage_error(cmd, "--schema-name names the --schema of a --prompt request");
        return -1;
    }
    if (o->r.schema_path && !o->body_path)
        o->r.content = LLMJ_CONTENT_JSON;
    return 0;
}

/* The URL as shown in messages: no query string (it may hold a key), no
 * user:password. */
static void shown_url(char *out, size_t cap, const char *url)
{
    const char *p = strstr(url, "://");
    const char *host = p ? p + 3 : url;
    const char *end = host + strcspn(host, "/?#");
    const char *at = memchr(host, '@', (size_t)(end - host));
    size_t scheme = (size_t)(host - url);
    const char *rest = at ? at + 1 : host;
    size_t rl = strcspn(rest, "?#");
    snprintf(out, cap, "%.*s%.*s", (int)scheme, url, (int)rl, rest);
}

/* ---- before sending: the URL and the key ----------------------------------------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* a[0:n] and b equal, ASCII case ignored. */
static int ieq(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    for (; i < n && b[i]; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return i == n && !b[i];
}

/* What is wrong with url (an http:// or https:// URL with a host, no
 * spaces or control bytes), written into why; 0 when nothing. */
static int url_problem(const char *url, char *why, size_t cap)
{
    const char *sep = strstr(url, "://");
    size_t sl = sep ? (size_t)(sep - url) : 0;
    if (!sep || sl == 0 || strcspn(url, ":/?# ") != sl) {
        snprintf(why, cap, "not a URL: it starts with no scheme (http:// or https://)");
        return -1;
    }
    if (!ieq(url, sl, "http") && !ieq(url, sl, "https")) {
        snprintf(why, cap, "the scheme is %.*s://, not http:// or https://", (int)(sl > 32 ? 32 : sl), url);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p == 0x7F) {
            snprintf(why, cap, "a %s at byte %zu (a URL holds none; a space is %%20)",
                     *p == ' ' ? "space" : "control byte", (size_t)(p - (const unsigned char *)url));
            return -1;
        }
    const char *host = sep + 3;
    size_t hl = strcspn(host, "/?#");
    const char *at = memchr(host, '@', hl);
    if (at) {
        hl -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    const char *colon = host[0] == '[' ? NULL : memchr(host, ':', hl);
    if (host[0] == '[') {
        const char *close = memchr(host, ']', hl);
        colon = close && (size_t)(close + 1 - host) < hl && close[1] == ':' ? close + 1 : NULL;
    }
    if ((colon ? (size_t)(colon - host) : hl) == 0) {
        snprintf(why, cap, "no host after %.*s://", (int)sl, url);
        return -1;
    }
    if (colon) {
        size_t pl = hl - (size_t)(colon + 1 - host), k = 0;
        while (k < pl && colon[1 + k] >= '0' && colon[1 + k] <= '9')
            k++;
        if (pl == 0 || k != pl || pl > 5) {
            snprintf(why, cap, "the port '%.*s' is not a number", (int)(pl > 32 ? 32 : pl), colon + 1);
            return -1;
        }
    }
    return 0;
}

/* The environment variable a dialect's key comes from; NULL for none
 * (Ollama). */
static const char *key_env(llmj_dialect d)
{
    switch (d) {
    case LLMJ_DIALECT_ANTHROPIC: return "ANTHROPIC_API_KEY";
    case LLMJ_DIALECT_GEMINI: return "GEMINI_API_KEY";
    case LLMJ_DIALECT_OLLAMA: return NULL;
    case LLMJ_DIALECT_AUTO:
    case LLMJ_DIALECT_OPENAI_CHAT:
    case LLMJ_DIALECT_OPENAI_RESPONSES: break;
    }
    return "OPENAI_API_KEY";
}

/* Does the request carry a key without the environment: a header that
 * authenticates, or Gemini's key= in the URL's query? */
static int key_in_request(const stream_opts *o, const char *url)
{
    static const char *const names[] = { "authorization", "x-api-key", "x-goog-api-key", "api-key" };
    for (size_t i = 0; i < o->nheaders; i++) {
        size_t nl = strcspn(o->headers[i], ":");
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (ieq(o->headers[i], nl, names[k]))
                return 1;
    }
    const char *q = strchr(url, '?');
    return q && (strstr(q, "?key=") || strstr(q, "&key="));
}

/* Is url one of the hosted APIs, which answer nothing without a key? */
static int hosted_api(const char *url)
{
    static const char *const hosts[] = { "api.openai.com", "api.anthropic.com",
                                         "generativelanguage.googleapis.com" };
    const char *p = strstr(url, "://");
    const char *host = p ? p + 3 : url;
    size_t hl = strcspn(host, ":/?#");
    for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
        if (ieq(host, hl, hosts[i]))
            return 1;
    return 0;
}

/* ---- the run -------------------------------------------------------------------- */

static int run(int argc, char **argv)
{
    const char *cmd = argv[0];
    stream_opts o;
    if (parse_args(argc, argv, &o) != 0) {
        opts_free(&o);
        return CLI_EXIT_FAILURE;
    }

    cli_stream_schemas ss;
    if (cli_stream_schemas_load(&ss, &o.r) != 0) {
        opts_free(&o);
        return CLI_EXIT_FAILURE;
    }
    /* --schema with --prompt: sent as Structured Outputs, so first checked
     * against the provider's own rules; a schema it would refuse is not sent */
    const char *lint_as = o.r.dialect == LLMJ_DIALECT_ANTHROPIC ? "anthropic"
                          : o.r.dialect == LLMJ_DIALECT_GEMINI  ? "gemini"
                          : o.r.dialect == LLMJ_DIALECT_OLLAMA  ? NULL
                                                                : "openai";
    if (ss.content_text && !o.body_path && lint_as) {
        int problems = cli_schema_lint(stderr, lint_as, o.schema_name ? o.schema_name : "response",
                                       ss.content_text, ss.content_len);
        if (problems) {
            cli_error("%s: refused before sending: the %s API would not take this --schema "
                      "(%d problem%s above; llmjson schema lint --provider %s)",
                      cmd, lint_as, problems, problems == 1 ? "" : "s", lint_as);
            opts_free(&o);
            cli_stream_schemas_free(&ss);
            return CLI_EXIT_FAILURE;
        }
    }
    sbuf body = {0};
    if (o.body_path) {
        if (read_body(&body, o.body_path) != 0) {
            free(body.data);
            opts_free(&o);
            cli_stream_schemas_free(&ss);
            return CLI_EXIT_FAILURE;
        }
    } else {
        build_body(&body, o.r.dialect, o.model, o.prompt, o.r.content == LLMJ_CONTENT_JSON,
                   ss.content_text, ss.content_len, o.schema_name ? o.schema_name : "response");
        if (body.nomem) {
            free(body.data);
            opts_free(&o);
            cli_stream_schemas_free(&ss);
            cli_error("out of memory");
            return CLI_EXIT_FAILURE;
        }
    }

    /* what is wrong with the URL, said before anything is sent */
    char why[160];
    const char *base = getenv("OPENAI_BASE_URL");
    int openai_url = o.r.dialect == LLMJ_DIALECT_AUTO || o.r.dialect == LLMJ_DIALECT_OPENAI_CHAT ||
                     o.r.dialect == LLMJ_DIALECT_OPENAI_RESPONSES;
    if ((o.url && url_problem(o.url, why, sizeof why)) ||
        (!o.url && openai_url && base && *base && url_problem(base, why, sizeof why))) {
        char shown_bad[512];
        shown_url(shown_bad, sizeof shown_bad, o.url ? o.url : base);
        cli_usage_error(cmd, "%s '%s': %s", o.url ? "--url" : "OPENAI_BASE_URL", shown_bad, why);
        free(body.data);
        opts_free(&o);
        cli_stream_schemas_free(&ss);
        return CLI_EXIT_FAILURE;
    }

    if (llmj_global_init() != LLMJ_OK) {
        /* libcurl could not be loaded (the loader says why), or it was and
         * did not start */
        char curl_why[512];
        llmj__curl cu;
        if (llmj__curl_open(&cu, NULL, curl_why, sizeof curl_why) == 0) {
            llmj__curl_close(&cu);
            snprintf(curl_why, sizeof curl_why, "libcurl could not start");
        }
        free(body.data);
        opts_free(&o);
        cli_stream_schemas_free(&ss);
        cli_error("%s", curl_why);
        return CLI_EXIT_FAILURE;
    }
    int status = CLI_EXIT_FAILURE;
    llmj_http *h = NULL;
    llmj_http_multi *m = NULL;
    cli_live *lv = NULL;
    cli_replay_out *ro = NULL;
    if (o.live.live) {
        cli_live_opts lo;
        cli_live_opts_init(&lo, stdout);
        lo.choice = o.live.choice;
        lo.whitespace_limit = o.r.cfg.whitespace_limit;
        lo.whitespace_indent = o.r.cfg.whitespace_indent;
        o.r.mode = CLI_REPLAY_WATCH; /* for the summary line at the end */
        if ((lv = cli_live_new(stdout, &lo)) == NULL) {
            cli_error("out of memory");
            goto out;
        }
    }
    ro = cli_replay_out_new(stdout, o.r.mode, o.r.greedy);
    if (ro == NULL) {
        cli_error("out of memory");
        goto out;
    }
    cli_replay_set_choice(ro, o.live.choice);

    llmj_http_options ho;
    llmj_http_options_init(&ho);
    ho.url = o.url;
    ho.dialect = o.r.dialect;
    ho.content = o.r.content;
    ho.model = o.model;
    o.headers[o.nheaders] = NULL;
    ho.headers = o.nheaders ? o.headers : NULL;
    ho.body = body.data;
    ho.body_len = body.len;
    ho.total_ms = o.timeout_ms;
    ho.stall_ms = o.stall_ms;
    ho.idle_ms = o.idle_ms;
    /* secret headers: the named ones, and every header built from @env: or
     * a file */
    char names[MAX_HEADERS][HEADER_NAME_MAX];
    const char *secret[2 * MAX_HEADERS + 1];
    size_t ns = 0;
    for (size_t i = 0; i < o.nsecret; i++)
        secret[ns++] = o.secret[i];
    for (size_t i = 0; i < o.nowned; i++) {
        size_t nl = strcspn(o.owned[i], ":");
        memcpy(names[i], o.owned[i], nl);
        names[i][nl] = 0;
        secret[ns++] = names[i];
    }
    secret[ns] = NULL;
    ho.secret_headers = ns ? secret : NULL;
    if (o.connect_ms > 0)
        ho.connect_ms = o.connect_ms;
    llmj_status st = lv ? llmj_http_new(&h, &o.r.cfg, &ho, cli_live_callbacks(), lv)
                        : llmj_http_new(&h, &o.r.cfg, &ho, cli_replay_callbacks(ro), ro);
    if (st != LLMJ_OK) {
        if (st == LLMJ_BAD_OPTION && !o.url && o.r.dialect == LLMJ_DIALECT_GEMINI)
            cli_usage_error(cmd, "the Gemini URL needs a model name (letters, digits, '.', '-', '_'): "
                                 "--model, or --url");
        else if (st == LLMJ_BAD_OPTION)
            cli_usage_error(cmd, "bad request options (an http:// or https:// URL, 'Name: value' "
                                 "headers, an API key and secret header values of at least 4 bytes, "
                                 "limits in range): %s", llmj_strerror(st));
        else
            cli_error("%s", llmj_strerror(st));
        goto out;
    }
    if (cli_stream_schemas_attach(&ss, &o.r, llmj_http_stream(h)) != 0)
        goto out;
    if (lv)
        cli_live_attach(lv, llmj_http_stream(h));
    char shown[512];
    shown_url(shown, sizeof shown, o.url ? o.url : llmj_http_url(h));
    /* no key: a hosted API would only answer 401, so nothing is sent; another
     * server (llama.cpp, vLLM, a proxy) may need none, so the request goes
     * out and a 401 or 403 names the variable */
    const char *env = key_env(o.r.dialect);
    const char *key = env ? getenv(env) : NULL;
    int no_key = env && !(key && *key) && !key_in_request(&o, llmj_http_url(h));
    if (no_key && hosted_api(llmj_http_url(h))) {
        cli_error("%s: no API key: %s is not set (nor an authentication header given); nothing sent",
                  cmd, env);
        goto out;
    }

    if ((st = llmj_http_multi_new(&m, &o.r.cfg)) != LLMJ_OK) {
        cli_error("%s", llmj_strerror(st));
        goto out;
    }
    st = llmj_http_multi_add(m, h);
    if (st == LLMJ_JSON_MODE_PROMPT) {
        cli_error("%s: refused before sending: %s", cmd, llmj_http_get_result(h)->message);
        goto out;
    }
    if (st != LLMJ_OK) {
        cli_error("%s", llmj_strerror(st));
        goto out;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    size_t running = 1;
    int cancel_sent = 0;
    while (running > 0) {
        if (interrupted && !cancel_sent) {
            llmj_http_cancel(h);
            cancel_sent = 1;
        }
        if (llmj_http_multi_run(m, 100, &running) != LLMJ_OK)
            break;
        if (lv)
            cli_live_update(lv, 0);
        else
            cli_replay_flush(ro);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    const llmj_http_result *res = llmj_http_get_result(h);
    int net = 0; /* the network's exit status, 0 when it has none */
    switch (res->status) {
    case LLMJ_HTTP_ERROR: net = CLI_EXIT_PROVIDER; break;
    case LLMJ_TRANSFER:
    case LLMJ_TIMEOUT_CONNECT:
    case LLMJ_TIMEOUT_TOTAL:
    case LLMJ_TIMEOUT_STALL:
    case LLMJ_TIMEOUT_IDLE: net = CLI_EXIT_TRANSFER; break;
    case LLMJ_CANCELLED:
        if (res->cancel_reason == LLMJ_CANCELLED)
            net = CLI_EXIT_CANCELLED;
        else if (res->cancel_reason == LLMJ_ABORTED)
            net = CLI_EXIT_FAILURE; /* an output callback failed: a write error */
        break;
    default: break;
    }
    /* replay's output for the bytes received (nothing when none arrived and
     * the network failed) */
    int replay_status = CLI_EXIT_COMPLETE;
    if (!(net && res->bytes_received == 0)) {
        if (lv)
            cli_live_end(lv);
        replay_status = cli_replay_end(ro, llmj_http_stream(h), shown);
        if (replay_status == CLI_EXIT_FAILURE)
            net = CLI_EXIT_FAILURE;
    }
    if (res->status == LLMJ_HTTP_ERROR) {
        fprintf(stderr, "llmjson: %s: HTTP %ld: %s", cmd, res->http_status, res->message);
        if (*res->error_type || *res->error_code) {
            fputs(" (", stderr);
            if (*res->error_type)
                fprintf(stderr, "type %s%s", res->error_type, *res->error_code ? ", " : "");
            if (*res->error_code)
                fprintf(stderr, "code %s", res->error_code);
            fputs(")", stderr);
        }
        if (res->retry_after >= 0)
            fprintf(stderr, "; retry after %ld s", res->retry_after);
        if (no_key && (res->http_status == 401 || res->http_status == 403))
            fprintf(stderr, "; no key was sent (%s is not set)", env);
        fputc('\n', stderr);
    } else if (res->status == LLMJ_CANCELLED || net) {
        fprintf(stderr, "llmjson: %s: %s\n", cmd, res->message);
    }
    if (res->whole)
        fprintf(stderr, "llmjson: %s: the server sent one JSON response (%s), not an event stream; "
                        "decoded whole\n", cmd, res->content_type);
    /* a whole JSON response over the cap was not decoded: it is cut, not
     * empty */
    if (!net && res->status == LLMJ_CANCELLED && res->cancel_reason == LLMJ_TOO_LONG &&
        replay_status == CLI_EXIT_EMPTY)
        replay_status = CLI_EXIT_TRUNCATED;
    /* both apply (an error in the stream, then the connection reset): the
     * order of cli_exit_worst */
    status = cli_exit_worst(net, replay_status);
out:
    llmj_http_multi_free(m);
    llmj_http_free(h);
    cli_replay_out_free(ro);
    cli_live_free(lv);
    free(body.data);
    opts_free(&o);
    cli_stream_schemas_free(&ss);
    llmj_global_cleanup();
    return status;
}

#else /* a library built without HTTP (make HTTP=0): no transport */

static int run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("stream: this llmjson was built without HTTP (make HTTP=0); "
              "'llmjson replay' decodes a recorded stream");
    return CLI_EXIT_FAILURE;
}

#endif

const cli_command cli_cmd_stream = {
    "stream", run, "send a streamed request over HTTP and decode the answer live", stream_help,
    stream_help_more};
