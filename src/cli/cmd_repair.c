/* llmjson repair — the salvage of a truncated or broken JSON text
 * (docs/salvage.md): print R, or the report object; --lines does the same
 * for a file of texts, one JSON string per line, in memory bounded by
 * --max-line. */
#include "cli.h"
#include "unicode.h" /* llmj__hex4, surrogates */

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

typedef struct repair_opts {
    llmj_config cfg;
    int greedy;
    int complete;
    int report;
    int lines;
    size_t chunk; /* 0: as read */
    size_t max_line; /* --lines: longest line kept (0: config.max_token) */
    const char *path;
    const char *schema_path; /* --schema */
    llmj_schema *schema;
    int events;              /* --events */
} repair_opts;

static const char repair_help[] =
    "usage: llmjson repair [OPTIONS] [FILE|-]\n"
    "       llmjson repair --lines [OPTIONS] [FILE|-]\n"
    "\n"
    "Salvage the longest valid prefix of a JSON text and print it, R, followed\n"
    "by a newline (nothing when R is empty). The exact rule: docs/salvage.md.\n"
    "\n"
    "  --greedy              also keep a partial string value at the end (never\n"
    "                        a partial number, key or literal)\n"
    "  --complete            the text ended normally (a top-level number at the end\n"
    "                        is complete); default: it was cut off\n"
    "  --report              print instead one JSON object on one line:\n"
    "                        {\"status\":S,\"bytes_kept\":K,\"closed\":[POINTERS],\n"
    "                         \"error\":null|{\"offset\":O,\"line\":L,\"column\":C,\n"
    "                         \"message\":M},\"text\":R}\n"
    "  --lines               every input line is a JSON string holding one text;\n"
    "                        print one report object per line (exit 0 unless usage\n"
    "                        or I/O failed)\n"
    "  --max-line N          --lines: a line of more than N bytes (without its LF)\n"
    "                        is reported as invalid and skipped, in bounded memory\n"
    "                        (default: the token limit, 64 MiB)\n"
    "  --chunk N             feed the tracker at most N bytes at a time (default:\n"
    "                        as read)\n"
    "  --schema FILE         validate against a JSON Schema (docs/schema.md); the\n"
    "                        report gains \"schema\":{\"valid\",\"violation\",\n"
    "                        \"missing\",\"cut\"}\n"
    "  --events              with --schema (not --lines): first, one JSON object per\n"
    "                        line for each schema event at the byte it happens\n"
    "                        (schema_violation, enum_resolved, branch_decided;\n"
    "                        docs/schema.md)\n" CLI_LIMITS_HELP
    "\n"
    "exit status: 0 complete, 2 truncated, 3 invalid, 4 runaway, 5 empty,\n"
    "10 schema violation, 1 usage or I/O error.\n";

static int parse_args(int argc, char **argv, repair_opts *o)
{
    const char *cmd = argv[0];
    int operands_only = 0;

    memset(o, 0, sizeof *o);
    llmj_config_init(&o->cfg);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (!operands_only && cli_is_option(a)) {
            if (strcmp(a, "--") == 0) {
                operands_only = 1;
                continue;
            }
            if (strcmp(a, "--greedy") == 0)
                o->greedy = 1;
            else if (strcmp(a, "--complete") == 0)
                o->complete = 1;
            else if (strcmp(a, "--report") == 0)
                o->report = 1;
            else if (strcmp(a, "--lines") == 0)
                o->lines = 1;
            else if (strcmp(a, "--events") == 0)
                o->events = 1;
            else if ((r = cli_schema_option(cmd, argc, argv, &i, &o->schema_path)) != 0) {
                if (r < 0)
                    return -1;
            } else if ((r = cli_size_option(cmd, argc, argv, &i, "--chunk", 1, &o->chunk)) != 0) {
                if (r < 0)
                    return -1;
            } else if ((r = cli_size_option(cmd, argc, argv, &i, "--max-line", 1,
                                            &o->max_line)) != 0) {
                if (r < 0)
                    return -1;
            } else if ((r = cli_limit_option(cmd, argc, argv, &i, &o->cfg)) != 0) {
                if (r < 0)
                    return -1;
            } else {
                cli_usage_error(cmd, "unknown option '%s'", a);
                return -1;
            }
            continue;
        }
        if (o->path != NULL) {
            cli_usage_error(cmd, "one input at most ('%s' and '%s')", o->path, a);
            return -1;
        }
        o->path = a;
    }
    return 0;
}

static int new_tracker(const char *cmd, const repair_opts *o, llmj_tracker **t)
{
    llmj_config cfg = o->cfg;
    cfg.keep_text = 1;
    cfg.string_chunks = 0;
    llmj_status st = llmj_tracker_new(t, &cfg, NULL, NULL);
    if (st == LLMJ_OK && o->schema)
        st = cli_schema_attach(*t, o->schema, o->events);
    if (st == LLMJ_OK)
        return 0;
    llmj_tracker_free(*t);
    *t = NULL;
    if (st == LLMJ_BAD_OPTION)
        cli_usage_error(cmd, "option out of range: %s", llmj_strerror(st));
    else
        cli_error("%s", llmj_strerror(st));
    return -1;
}

/* Finish the text fed to t and print its salvage (R, or the report). */
static int print_salvage(llmj_tracker *t, const repair_opts *o, llmj_salvage *info)
{
    const char *text;
    size_t len;

    llmj_tracker_finish(t, o->complete ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
    llmj_status st = llmj_tracker_repair(
        t, o->greedy ? LLMJ_SALVAGE_GREEDY : LLMJ_SALVAGE_LOSSLESS, info, &text, &len);
    if (st != LLMJ_OK) {
        cli_error("salvage failed: %s", llmj_strerror(st));
        return -1;
    }
    if (o->report || o->lines) {
        cli_print_report_schema(stdout, info, text, len, o->schema ? t : NULL);
        putchar('\n');
    } else if (len > 0) {
        fwrite(text, 1, len, stdout);
        putchar('\n');
    }
    return 0;
}

/* ---- one text --------------------------------------------------------------- */

static int repair_one(const repair_opts *o, const char *cmd)
{
    llmj_tracker *t = NULL;
    cli_input in;
    char *buf = NULL;
    int status = CLI_EXIT_FAILURE;
    uint64_t rline = 0, rcol = 0;
    cli_pos pos;

    if (new_tracker(cmd, o, &t) != 0)
        return CLI_EXIT_FAILURE;
    if (cli_input_open(&in, o->path) != 0) {
        llmj_tracker_free(t);
        return CLI_EXIT_FAILURE;
    }
    buf = malloc(CLI_READ_SIZE);
    if (buf == NULL) {
        cli_error("out of memory");
        goto out;
    }
    /* Reads are a whole number of chunks, so every piece but the last has
     * exactly --chunk bytes when the input is a file. */
    size_t rsize = CLI_READ_SIZE;
    if (o->chunk > 0 && o->chunk < rsize)
        rsize -= rsize % o->chunk;
    cli_pos_init(&pos);
    for (;;) {
        int err = 0;
        size_t n = cli_input_read(&in, buf, rsize, &err);
        if (err)
            goto out;
        if (n == 0)
            break;
        cli_pos before = pos;
        cli_pos_advance(&pos, buf, n);
        llmj_status st = cli_feed(t, buf, n, o->chunk);
        if (st == LLMJ_OK)
            continue;
        if (st == LLMJ_RUNAWAY_WHITESPACE || st == LLMJ_RUNAWAY_REPEAT) {
            cli_pos_locate(&before, buf, n, llmj_tracker_runaway_offset(t), &rline, &rcol);
            break;
        }
        if (st == LLMJ_INVALID || st == LLMJ_TOO_DEEP || st == LLMJ_TOO_LONG)
            break; /* nothing after the error is kept: stop reading */
        cli_error("%s: %s", in.name, llmj_strerror(st));
        goto out;
    }
    llmj_salvage info;
    if (print_salvage(t, o, &info) != 0)
        goto out;
    cli_diag_salvage(in.name, &info, rline, rcol);
    status = cli_exit_status(info.status);
    if (o->schema)
        status = cli_schema_exit(in.name, t, status);
out:
    free(buf);
    cli_input_close(&in);
    llmj_tracker_free(t);
    return status;
}

/* ---- --lines ------------------------------------------------------------------ */

/* Decoding one line (a JSON string) with yajl. */
typedef struct line_text {
    char *data;
    size_t len;
    int nstrings;
    int nomem;
} line_text;

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    line_text *lt = ctx;
    lt->nstrings++;
    free(lt->data);
    lt->data = malloc(len + 1);
    if (lt->data == NULL) {
        lt->nomem = 1;
        return 0;
    }
    memcpy(lt->data, s, len);
    lt->len = len;
    return 1;
}

static const yajl_callbacks line_callbacks = {.yajl_string = on_string};

/* The 4 hex digits at p, or -1. */
static int hex4(const char *p)
{
    return llmj__hex4((const unsigned char *)p);
}

/* The offset of the first \u escape of s[0:len] that is an unpaired
 * surrogate, or len when there is none. s is a JSON string literal that yajl
 * accepted, so every escape is well formed. */
static size_t lone_surrogate(const char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] != '\\')
            continue;
        if (s[i + 1] != 'u' || i + 6 > len) {
            i++;
            continue;
        }
        int cp = hex4(s + i + 2);
        if (cp >= 0 && llmj__is_low((unsigned)cp))
            return i;
        if (cp >= 0 && llmj__is_high((unsigned)cp)) {
            if (i + 12 > len || s[i + 6] != '\\' || s[i + 7] != 'u')
                return i;
            int lo = hex4(s + i + 8);
            if (lo < 0 || !llmj__is_low((unsigned)lo))
                return i;
            i += 11;
            continue;
        }
        i += 5;
    }
    return len;
}

static int json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Decode line[0:len] (without its LF) into lt. Returns 0; or 1 with err set
 * (col: the 0-based column of the problem); or -1 when memory ran out. */
static int decode_line(const char *line, size_t len, line_text *lt, size_t *col,
                       char *msg, size_t msgcap)
{
    size_t b = 0, e = len;
    while (b < e && json_ws(line[b]))
        b++;
    while (e > b && json_ws(line[e - 1]))
        e--;
    if (b == e || line[b] != '"') {
        *col = b;
        snprintf(msg, msgcap, "not a JSON string: %s",
                 b == e ? "empty line" : "it does not start with '\"'");
        return 1;
    }
    if (line[e - 1] != '"' || e - b < 2) {
        *col = e - 1;
        snprintf(msg, msgcap, "not a JSON string: %s", "it does not end with '\"'");
        return 1;
    }
    yajl_handle h = yajl_alloc(&line_callbacks, NULL, lt);
    if (h == NULL)
        return -1;
    yajl_status ys = yajl_parse(h, (const unsigned char *)line + b, e - b);
    if (ys == yajl_status_ok)
        ys = yajl_complete_parse(h);
    if (lt->nomem) {
        yajl_free(h);
        return -1;
    }
    if (ys != yajl_status_ok || lt->nstrings != 1) {
        size_t at = yajl_get_bytes_consumed(h);
        unsigned char *ye = yajl_get_error(h, 0, (const unsigned char *)line + b, e - b);
        const char *yes = ye != NULL ? (const char *)ye : "unexpected text";
        size_t yl = strlen(yes);
        while (yl > 0 && (yes[yl - 1] == '\n' || yes[yl - 1] == '.' || yes[yl - 1] == ' '))
            yl--;
        snprintf(msg, msgcap, "not a JSON string: %.*s", (int)yl, yes);
        if (ye != NULL)
            yajl_free_error(h, ye);
        yajl_free(h);
        *col = b + (at < e - b ? at : e - b - 1);
        return 1;
    }
    yajl_free(h);
    size_t ls = lone_surrogate(line + b, e - b);
    if (ls < e - b) {
        *col = b + ls;
        snprintf(msg, msgcap, "not a JSON string: %s", "unpaired surrogate escape");
        return 1;
    }
    return 0;
}

/* Lines read in bounded memory: a line is kept up to max bytes; the rest of
 * a longer one is read and dropped up to its LF. */
typedef struct line_reader {
    cli_input *in;
    char *rd;             /* [CLI_READ_SIZE]: bytes read, not yet taken */
    size_t rpos, rlen;
    char *line;           /* the kept line, [cap] with cap <= max + 1 */
    size_t cap, len;
    size_t max;
} line_reader;

/* The next line into lr->line[0:lr->len] (without its LF). *raw: its length
 * in the input, LF included; *too_long: it had more than max bytes (then only
 * max are kept). 1 a line, 0 the end, -1 a read error or no memory (printed). */
static int next_line(line_reader *lr, uint64_t *raw, int *too_long)
{
    lr->len = 0;
    *raw = 0;
    *too_long = 0;
    for (;;) {
        if (lr->rpos == lr->rlen) {
            int err = 0;
            lr->rlen = cli_input_read(lr->in, lr->rd, CLI_READ_SIZE, &err);
            lr->rpos = 0;
            if (err)
                return -1;
            if (lr->rlen == 0)
                return *raw > 0 ? 1 : 0;
        }
        const char *p = lr->rd + lr->rpos;
        size_t avail = lr->rlen - lr->rpos;
        const char *lf = memchr(p, '\n', avail);
        size_t take = lf ? (size_t)(lf - p) : avail;
        size_t keep = take;
        if (lr->len + keep > lr->max) {
            *too_long = 1;
            keep = lr->max - lr->len;
        }
        if (lr->len + keep + 1 > lr->cap) {
            size_t want = lr->cap ? lr->cap : 4096;
            while (want < lr->len + keep + 1)
                want *= 2;
            if (want > lr->max + 1)
                want = lr->max + 1;
            char *nl = realloc(lr->line, want);
            if (nl == NULL) {
                cli_error("out of memory");
                return -1;
            }
            lr->line = nl;
            lr->cap = want;
        }
        memcpy(lr->line + lr->len, p, keep);
        lr->len += keep;
        *raw += take + (lf ? 1 : 0);
        lr->rpos += take + (lf ? 1 : 0);
        if (lf)
            return 1;
    }
}

static int repair_lines(const repair_opts *o, const char *cmd)
{
    llmj_tracker *t = NULL;
    cli_input in;
    uint64_t lineno = 0, offset = 0;
    int status = CLI_EXIT_FAILURE;
    line_reader lr = {0};

    lr.max = o->max_line ? o->max_line : o->cfg.max_token;
    if (new_tracker(cmd, o, &t) != 0)
        return CLI_EXIT_FAILURE;
    if (cli_input_open(&in, o->path) != 0) {
        llmj_tracker_free(t);
        return CLI_EXIT_FAILURE;
    }
    lr.in = &in;
    lr.rd = malloc(CLI_READ_SIZE);
    if (lr.rd == NULL) {
        cli_error("out of memory");
        goto out;
    }
    for (;;) {
        uint64_t raw;
        int too_long;
        int got = next_line(&lr, &raw, &too_long);
        if (got < 0)
            goto out;
        if (got == 0)
            break;
        const char *line = lr.line;
        size_t len = lr.len;
        uint64_t line_offset = offset;
        offset += raw;
        lineno++;

        line_text lt = {0};
        size_t col = 0;
        char msg[256];
        int r;
        if (too_long) {
            col = lr.max;
            snprintf(msg, sizeof msg, "line longer than %zu bytes (--max-line)", lr.max);
            r = 1;
        } else {
            r = decode_line(line, len, &lt, &col, msg, sizeof msg);
        }
        if (r < 0) {
            free(lt.data);
            cli_error("out of memory");
            goto out;
        }
        if (r > 0) {
            llmj_error err = {too_long ? LLMJ_TOO_LONG : LLMJ_INVALID, line_offset + col, lineno,
                              col + 1, msg};
            cli_print_failed_report(stdout, &err);
            putchar('\n');
            fflush(stdout);
            free(lt.data);
            continue;
        }
        llmj_status st = llmj_tracker_reset(t);
        if (st == LLMJ_OK && lt.len > 0) {
            st = cli_feed(t, lt.data, lt.len, o->chunk);
            if (st == LLMJ_INVALID || st == LLMJ_TOO_DEEP || st == LLMJ_TOO_LONG ||
                st == LLMJ_RUNAWAY_WHITESPACE || st == LLMJ_RUNAWAY_REPEAT)
                st = LLMJ_OK;
        }
        free(lt.data);
        if (st != LLMJ_OK) {
            cli_error("%s:%llu: %s", in.name, (unsigned long long)lineno, llmj_strerror(st));
            goto out;
        }
        llmj_salvage info;
        if (print_salvage(t, o, &info) != 0)
            goto out;
        fflush(stdout);
        if (ferror(stdout))
            goto out;
    }
    status = CLI_EXIT_COMPLETE;
out:
    free(lr.rd);
    free(lr.line);
    cli_input_close(&in);
    llmj_tracker_free(t);
    return status;
}

static int run_repair(int argc, char **argv)
{
    repair_opts o;
    if (parse_args(argc, argv, &o) != 0)
        return CLI_EXIT_FAILURE;
    if (o.events && (!o.schema_path || o.lines))
        return cli_usage_error(argv[0], o.lines ? "--events does not go with --lines" : "--events needs --schema FILE");
    if (o.schema_path && !(o.schema = cli_schema_load(o.schema_path, &o.cfg)))
        return CLI_EXIT_FAILURE;
    int status = o.lines ? repair_lines(&o, argv[0]) : repair_one(&o, argv[0]);
    llmj_schema_free(o.schema);
    return status;
}

const cli_command cli_cmd_repair = {
    "repair", run_repair,
    "salvage a truncated or broken JSON text (the longest valid prefix)",
    repair_help};
