/* llmjson check — stream through a JSON text of any size without keeping it
 * and print a one-line report: status, bytes, depth, error, runaway. */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct check_opts {
    llmj_config cfg;
    int truncated;
    size_t chunk; /* 0: as read */
    const char *path;
    const char *schema_path; /* --schema */
    int events;              /* --events */
} check_opts;

static const char check_help[] =
    "usage: llmjson check [OPTIONS] [FILE|-]\n"
    "\n"
    "Read a JSON text of any size in fixed buffers (memory stays flat; nothing\n"
    "is kept) and print one JSON object on one line:\n"
    "  {\"status\":S,\"bytes\":N,\"max_depth\":D,\"error\":E,\"runaway\":W}\n"
    "  status     complete, truncated, invalid, runaway or empty\n"
    "  bytes      bytes read (all of the input; reading stops early at an\n"
    "             error or a runaway)\n"
    "  max_depth  the deepest nesting seen\n"
    "  error      null, or {\"offset\":O,\"line\":L,\"column\":C,\"message\":M} for\n"
    "             status invalid (offset from 0, line and column from 1)\n"
    "  runaway    null, or {\"kind\":\"whitespace\"|\"repeat\",\"offset\":O} for\n"
    "             status runaway (O: the offset of the run's first byte)\n"
    "\n"
    "  --truncated           the text was cut off (a number at the end is not\n"
    "                        complete); default: the end of the input is the end\n"
    "                        of the text\n"
    "  --chunk N             feed the tracker at most N bytes at a time\n"
    "  --schema FILE         validate against a JSON Schema (docs/schema.md); the\n"
    "                        report gains \"schema\":{\"valid\",\"violation\",\n"
    "                        \"missing\",\"cut\"}\n"
    "  --events              with --schema: first, one JSON object per line for each\n"
    "                        schema event at the byte it happens (schema_violation,\n"
    "                        enum_resolved, branch_decided; docs/schema.md)\n" CLI_LIMITS_HELP
    "\n"
    "exit status: 0 complete, 2 truncated, 3 invalid, 4 runaway, 5 empty,\n"
    "10 schema violation, 1 usage or I/O error.\n";

static int parse_args(int argc, char **argv, check_opts *o)
{
    const char *cmd = argv[0];
    int operands_only = 0;

    memset(o, 0, sizeof *o);
    llmj_config_init(&o->cfg);
    o->cfg.keep_text = 0;
    o->cfg.string_chunks = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (!operands_only && cli_is_option(a)) {
            if (strcmp(a, "--") == 0)
                operands_only = 1;
            else if (strcmp(a, "--truncated") == 0)
                o->truncated = 1;
            else if (strcmp(a, "--events") == 0)
                o->events = 1;
            else if ((r = cli_schema_option(cmd, argc, argv, &i, &o->schema_path)) != 0) {
                if (r < 0)
                    return -1;
            } else if ((r = cli_size_option(cmd, argc, argv, &i, "--chunk", 1, &o->chunk)) != 0) {
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

static int run_check(int argc, char **argv)
{
    check_opts o;
    llmj_tracker *t = NULL;
    cli_input in;
    char *buf = NULL;
    int status = CLI_EXIT_FAILURE;
    uint64_t bytes = 0, rline = 0, rcol = 0;
    cli_pos pos;
    llmj_schema *schema = NULL;

    if (parse_args(argc, argv, &o) != 0)
        return CLI_EXIT_FAILURE;
    if (o.events && !o.schema_path)
        return cli_usage_error(argv[0], "--events needs --schema FILE");
    if (o.schema_path && !(schema = cli_schema_load(o.schema_path, &o.cfg)))
        return CLI_EXIT_FAILURE;
    llmj_status st = llmj_tracker_new(&t, &o.cfg, NULL, NULL);
    if (st == LLMJ_OK && schema)
        st = cli_schema_attach(t, schema, o.events);
    if (st != LLMJ_OK) {
        llmj_tracker_free(t);
        llmj_schema_free(schema);
        if (st == LLMJ_BAD_OPTION)
            return cli_usage_error(argv[0], "option out of range: %s", llmj_strerror(st));
        cli_error("%s", llmj_strerror(st));
        return CLI_EXIT_FAILURE;
    }
    if (cli_input_open(&in, o.path) != 0) {
        llmj_tracker_free(t);
        llmj_schema_free(schema);
        return CLI_EXIT_FAILURE;
    }
    /* Reads are a whole number of chunks, so every piece but the last has
     * exactly --chunk bytes when the input is a file. */
    size_t rsize = CLI_READ_SIZE;
    if (o.chunk > 0 && o.chunk < rsize)
        rsize -= rsize % o.chunk;
    buf = malloc(CLI_READ_SIZE);
    if (buf == NULL) {
        cli_error("out of memory");
        goto out;
    }
    cli_pos_init(&pos);
    for (;;) {
        int err = 0;
        size_t n = cli_input_read(&in, buf, rsize, &err);
        if (err)
            goto out;
        if (n == 0)
            break;
        bytes += n;
        cli_pos before = pos;
        cli_pos_advance(&pos, buf, n);
        st = cli_feed(t, buf, n, o.chunk);
        if (st == LLMJ_OK)
            continue;
        if (st == LLMJ_RUNAWAY_WHITESPACE || st == LLMJ_RUNAWAY_REPEAT) {
            cli_pos_locate(&before, buf, n, llmj_tracker_runaway_offset(t), &rline, &rcol);
            break;
        }
        if (st == LLMJ_INVALID || st == LLMJ_TOO_DEEP || st == LLMJ_TOO_LONG)
            break;
        cli_error("%s: %s", in.name, llmj_strerror(st));
        goto out;
    }
    llmj_tracker_finish(t, o.truncated ? LLMJ_END_TRUNCATED : LLMJ_END_NORMAL);
    llmj_salvage info;
    st = llmj_tracker_salvage(t, LLMJ_SALVAGE_LOSSLESS, &info);
    if (st != LLMJ_OK) {
        cli_error("%s: %s", in.name, llmj_strerror(st));
        goto out;
    }
    const char *name = llmj_text_status_name(info.status);
    fputs("{\"status\":", stdout);
    cli_print_json_string(stdout, name, strlen(name));
    printf(",\"bytes\":%" PRIu64 ",\"max_depth\":%zu,\"error\":", bytes,
           llmj_tracker_max_depth(t));
    cli_print_error(stdout, info.status == LLMJ_TEXT_INVALID ? &info.error : NULL);
    fputs(",\"runaway\":", stdout);
    if (info.status == LLMJ_TEXT_RUNAWAY)
        printf("{\"kind\":\"%s\",\"offset\":%" PRIu64 "}",
               info.runaway == LLMJ_RUNAWAY_REPEAT ? "repeat" : "whitespace",
               info.runaway_offset);
    else
        fputs("null", stdout);
    if (schema)
        cli_print_schema_member(stdout, t);
    fputs("}\n", stdout);
    cli_diag_salvage(in.name, &info, rline, rcol);
    status = cli_exit_status(info.status);
    if (schema)
        status = cli_schema_exit(in.name, t, status);
out:
    free(buf);
    cli_input_close(&in);
    llmj_tracker_free(t);
    llmj_schema_free(schema);
    return status;
}

const cli_command cli_cmd_check = {
    "check", run_check,
    "validate a JSON text of any size in flat memory, report its status",
    check_help};
