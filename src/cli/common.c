/* llmjson tool — helpers shared by the subcommands: diagnostics, options,
 * input, feeding, positions (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_exit_status(llmj_text_status status)
{
    switch (status) {
    case LLMJ_TEXT_COMPLETE: return CLI_EXIT_COMPLETE;
    case LLMJ_TEXT_TRUNCATED: return CLI_EXIT_TRUNCATED;
    case LLMJ_TEXT_INVALID: return CLI_EXIT_INVALID;
    case LLMJ_TEXT_RUNAWAY: return CLI_EXIT_RUNAWAY;
    case LLMJ_TEXT_EMPTY: return CLI_EXIT_EMPTY;
    }
    return CLI_EXIT_FAILURE;
}

int cli_exit_worst(int a, int b)
{
    /* first wins */
    static const int order[] = { CLI_EXIT_FAILURE,  CLI_EXIT_CANCELLED, CLI_EXIT_PROVIDER,
                                 CLI_EXIT_TRANSFER, CLI_EXIT_REFUSED,   CLI_EXIT_RUNAWAY,
                                 CLI_EXIT_INVALID,  CLI_EXIT_SCHEMA,    CLI_EXIT_TRUNCATED,
                                 CLI_EXIT_EMPTY,    CLI_EXIT_COMPLETE };
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (a == order[i] || b == order[i])
            return order[i];
    return a;
}

const char *cli_exit_word(int status)
{
    switch (status) {
    case CLI_EXIT_COMPLETE: return "complete";
    case CLI_EXIT_FAILURE: return "failure";
    case CLI_EXIT_TRUNCATED: return "truncated";
    case CLI_EXIT_INVALID: return "invalid";
    case CLI_EXIT_RUNAWAY: return "runaway";
    case CLI_EXIT_EMPTY: return "empty";
    case CLI_EXIT_PROVIDER: return "provider_error";
    case CLI_EXIT_TRANSFER: return "transfer";
    case CLI_EXIT_CANCELLED: return "cancelled";
    case CLI_EXIT_REFUSED: return "refused";
    case CLI_EXIT_SCHEMA: return "schema";
    }
    return "failure";
}

/* ---- diagnostics ---------------------------------------------------------- */

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("llmjson: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "llmjson %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'llmjson help %s')\n", cmd);
    return CLI_EXIT_FAILURE;
}

void cli_diag(const char *name, uint64_t line, uint64_t column, uint64_t offset,
              const char *what, const char *message)
{
    fflush(stdout);
    if (line > 0)
        fprintf(stderr, "llmjson: %s:%" PRIu64 ":%" PRIu64 ": %s: %s (offset %" PRIu64 ")\n",
                name, line, column, what, message, offset);
    else
        fprintf(stderr, "llmjson: %s: %s: %s (offset %" PRIu64 ")\n", name, what, message,
                offset);
}

void cli_diag_salvage(const char *name, const llmj_salvage *s, uint64_t runaway_line,
                      uint64_t runaway_column)
{
    if (s->status == LLMJ_TEXT_INVALID) {
        const char *msg = s->error.message != NULL ? s->error.message
                                                   : llmj_strerror(s->error.code);
        cli_diag(name, s->error.line, s->error.column, s->error.offset, "invalid", msg);
    } else if (s->status == LLMJ_TEXT_RUNAWAY) {
        cli_diag(name, runaway_line, runaway_column, s->runaway_offset, "runaway",
                 llmj_strerror(s->runaway));
    }
}

/* ---- options -------------------------------------------------------------- */

int cli_is_option(const char *arg)
{
    return arg[0] == '-' && arg[1] != '\0';
}

int cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *name,
                     const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);

    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "option %s needs a value", name);
        return -1;
    }
    *i += 1;
    *value = argv[*i];
    return 1;
}

int cli_parse_size(const char *cmd, const char *opt, const char *text, size_t min,
                   size_t *out)
{
    const char *p = text;
    size_t v = 0;

    if (*p == '\0')
        goto bad;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        size_t d = (size_t)(*p - '0');
        if (v > (SIZE_MAX - d) / 10) {
            cli_usage_error(cmd, "%s: '%s' is too large", opt, text);
            return -1;
        }
        v = v * 10 + d;
    }
    if (v < min)
        goto bad;
    *out = v;
    return 0;
bad:
    cli_usage_error(cmd, "%s: expected a whole number >= %zu, got '%s'", opt, min, text);
    return -1;
}

int cli_size_option(const char *cmd, int argc, char **argv, int *i, const char *name,
                    size_t min, size_t *out)
{
    const char *value;
    int r = cli_option_value(cmd, argc, argv, i, name, &value);
    if (r <= 0)
        return r;
    return cli_parse_size(cmd, name, value, min, out) == 0 ? 1 : -1;
}

int cli_limit_option(const char *cmd, int argc, char **argv, int *i, llmj_config *cfg)
{
    int r;
    size_t v;

    if ((r = cli_size_option(cmd, argc, argv, i, "--max-depth", 1, &cfg->max_depth)) != 0)
        return r;
    if ((r = cli_size_option(cmd, argc, argv, i, "--whitespace-limit", 0,
                             &cfg->whitespace_limit)) != 0)
        return r;
    if ((r = cli_size_option(cmd, argc, argv, i, "--whitespace-indent", 0,
                             &cfg->whitespace_indent)) != 0)
        return r;
    if ((r = cli_size_option(cmd, argc, argv, i, "--repeat-limit", 0, &v)) != 0) {
        if (r < 0)
            return r;
        if (v != 0 && v < 128) {
            cli_usage_error(cmd, "--repeat-limit: expected 0 (off) or a number >= 128, got %zu",
                            v);
            return -1;
        }
        cfg->repeat_limit = v;
        return 1;
    }
    return 0;
}

/* ---- input ---------------------------------------------------------------- */

int cli_input_open(cli_input *in, const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        in->fp = stdin;
        in->name = "<stdin>";
        in->is_stdin = 1;
        return 0;
    }
    in->name = path;
    in->is_stdin = 0;
    in->fp = fopen(path, "rb");
    if (in->fp == NULL) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

size_t cli_input_read(cli_input *in, void *buf, size_t cap, int *err)
{
    /* read(2), not fread: a pipe's bytes are handed on as they arrive, so a
     * runaway on a live stream is seen without waiting for a full buffer. */
    int fd = fileno(in->fp);
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n >= 0)
            return (size_t)n;
        if (errno == EINTR)
            continue;
        cli_error("%s: read error: %s", in->name, strerror(errno));
        *err = 1;
        return 0;
    }
}

char *cli_input_read_all(cli_input *in, size_t *len)
{
    char *text = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    for (;;) {
        if (cap - n < CLI_READ_SIZE) {
            char *grown = realloc(text, cap + CLI_READ_SIZE + 1);
            if (!grown) {
                free(text);
                cli_error("out of memory");
                return NULL;
            }
            text = grown;
            cap += CLI_READ_SIZE;
        }
        size_t got = cli_input_read(in, text + n, cap - n, &err);
        if (err) {
            free(text);
            return NULL;
        }
        if (got == 0)
            break;
        n += got;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

void cli_input_close(cli_input *in)
{
    if (in->fp != NULL && !in->is_stdin)
        fclose(in->fp);
    in->fp = NULL;
}

llmj_status cli_feed(llmj_tracker *t, const char *buf, size_t len, size_t chunk)
{
    if (len == 0)
        return llmj_tracker_feed(t, buf, 0);
    if (chunk == 0 || chunk > len)
        chunk = len;
    /* whole pieces, then the rest (at --chunk 4 this loop runs per 4 bytes) */
    const char *p = buf, *whole_end = buf + (len - len % chunk);
    for (; p < whole_end; p += chunk) {
        llmj_status st = llmj_tracker_feed(t, p, chunk);
        if (st != LLMJ_OK)
            return st;
    }
    return p < buf + len ? llmj_tracker_feed(t, p, len % chunk) : LLMJ_OK;
}

/* ---- positions ------------------------------------------------------------ */

void cli_pos_init(cli_pos *p)
{
    memset(p, 0, sizeof *p);
    p->line = 1;
    p->column = 1;
}

/* offset, line and column past buf[0:len]: line feeds found with memchr
 * (this runs over every byte `check` and `repair` read). */
static void pos_move(cli_pos *p, const char *buf, size_t len)
{
    const char *end = buf + len, *q = buf, *lf;
    while (q < end && (lf = memchr(q, '\n', (size_t)(end - q))) != NULL) {
        p->line++;
        q = lf + 1;
    }
    if (q == buf)
        p->column += len;
    else
        p->column = 1 + (uint64_t)(end - q);
    p->offset += len;
}

static int is_json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void cli_pos_advance(cli_pos *p, const char *buf, size_t len)
{
    if (!len)
        return;
    /* only the whitespace run the bytes end with matters: where it began */
    size_t k = len;
    while (k > 0 && is_json_ws(buf[k - 1]))
        k--;
    if (k == len) {
        pos_move(p, buf, len);
        p->in_ws = 0;
        return;
    }
    if (k > 0 || !p->in_ws) {
        pos_move(p, buf, k);
        p->ws_start = p->offset;
        p->ws_line = p->line;
        p->ws_column = p->column;
    }
    pos_move(p, buf + k, len - k);
    p->in_ws = 1;
}

int cli_pos_locate(const cli_pos *before, const char *buf, size_t len, uint64_t offset,
                   uint64_t *line, uint64_t *column)
{
    if (offset >= before->offset && offset - before->offset <= len) {
        cli_pos p = *before;
        cli_pos_advance(&p, buf, (size_t)(offset - before->offset));
        *line = p.line;
        *column = p.column;
        return 0;
    }
    if (before->in_ws && offset == before->ws_start) {
        *line = before->ws_line;
        *column = before->ws_column;
        return 0;
    }
    *line = 0;
    *column = 0;
    return -1;
}
