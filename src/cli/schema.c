/* llmjson tool — --schema FILE on repair, check and replay: loading the
 * schema, the report's "schema" member, --events (the schema's events) and
 * exit status 10. */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int cli_schema_option(const char *cmd, int argc, char **argv, int *i, const char **path)
{
    return cli_option_value(cmd, argc, argv, i, "--schema", path);
}

llmj_schema *cli_schema_load(const char *path, const llmj_config *cfg)
{
    cli_input in;
    if (cli_input_open(&in, path) != 0)
        return NULL;
    size_t len = 0;
    char *text = cli_input_read_all(&in, &len);
    llmj_schema *s = NULL;
    if (text) {
        llmj_schema_error e;
        llmj_status st = llmj_schema_compile(&s, text, len, cfg, &e);
        if (st == LLMJ_SCHEMA_UNSUPPORTED && e.line)
            cli_diag(in.name, e.line, e.column, e.offset, "schema", e.message);
        else if (st == LLMJ_SCHEMA_UNSUPPORTED)
            cli_error("%s: schema: %s", in.name, e.message);
        else if (st != LLMJ_OK)
            cli_error("%s: %s", in.name, llmj_strerror(st));
    }
    free(text);
    cli_input_close(&in);
    return s;
}

/* --events: one line per schema event, at the byte it happens. */
static int print_schema_event(void *ctx, const llmj_schema_event *ev)
{
    FILE *out = ctx;
    const char *name = llmj_schema_event_name(ev->type);
    fputs("{\"event\":", out);
    cli_print_json_string(out, name, strlen(name));
    fputs(",\"path\":", out);
    cli_print_json_string(out, ev->pointer, strlen(ev->pointer));
    fprintf(out, ",\"offset\":%" PRIu64 ",\"line\":%" PRIu64 ",\"column\":%" PRIu64, ev->offset, ev->line,
            ev->column);
    if (ev->type == LLMJ_SCHEMA_EV_ENUM) {
        fputs(",\"value\":", out);
        cli_print_json_string(out, ev->value, ev->value_len);
    } else if (ev->type == LLMJ_SCHEMA_EV_BRANCH) {
        fprintf(out, ",\"branch\":%zu,\"schema\":", ev->branch);
        cli_print_json_string(out, ev->schema, strlen(ev->schema));
    } else if (ev->type == LLMJ_SCHEMA_EV_VIOLATION) {
        fputs(",\"keyword\":", out);
        cli_print_json_string(out, ev->violation->keyword, strlen(ev->violation->keyword));
        fputs(",\"message\":", out);
        cli_print_json_string(out, ev->violation->message, strlen(ev->violation->message));
    }
    fputs("}\n", out);
    fflush(out);
    return ferror(out) ? 1 : 0;
}

llmj_status cli_schema_attach(llmj_tracker *t, const llmj_schema *s, int events)
{
    return llmj_tracker_set_schema_cb(t, s, events ? print_schema_event : NULL, stdout);
}

int cli_print_schema_member(FILE *out, llmj_tracker *t)
{
    llmj_schema_result r;
    if (llmj_tracker_schema_result(t, &r) != LLMJ_OK) {
        fputs(",\"schema\":null", out);
        return ferror(out) ? -1 : 0;
    }
    fprintf(out, ",\"schema\":{\"valid\":%s,\"violation\":",
            r.valid == LLMJ_SCHEMA_CONFORMING ? "true" : r.valid == LLMJ_SCHEMA_NONCONFORMING ? "false" : "null");
    if (r.violation) {
        const llmj_schema_violation *v = r.violation;
        fputs("{\"pointer\":", out);
        cli_print_json_string(out, v->pointer, strlen(v->pointer));
        fprintf(out, ",\"offset\":%" PRIu64 ",\"line\":%" PRIu64 ",\"column\":%" PRIu64 ",\"keyword\":",
                v->offset, v->line, v->column);
        cli_print_json_string(out, v->keyword, strlen(v->keyword));
        fputs(",\"message\":", out);
        cli_print_json_string(out, v->message, strlen(v->message));
        putc('}', out);
    } else {
        fputs("null", out);
    }
    fputs(",\"missing\":[", out);
    for (size_t i = 0; i < r.nmissing; i++) {
        if (i)
            putc(',', out);
        cli_print_json_string(out, r.missing[i], strlen(r.missing[i]));
    }
    fputs("],\"cut\":", out);
    if (r.cut)
        cli_print_json_string(out, r.cut, strlen(r.cut));
    else
        fputs("null", out);
    putc('}', out);
    return ferror(out) ? -1 : 0;
}

int cli_schema_exit(const char *name, llmj_tracker *t, int status)
{
    llmj_schema_result r;
    if (llmj_tracker_schema_result(t, &r) != LLMJ_OK || !r.violation)
        return status;
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s (at %s)", r.violation->keyword, r.violation->message,
             r.violation->pointer[0] ? r.violation->pointer : "the root");
    cli_diag(name, r.violation->line, r.violation->column, r.violation->offset, "schema violation", msg);
    if (status == CLI_EXIT_INVALID || status == CLI_EXIT_RUNAWAY || status == CLI_EXIT_FAILURE)
        return status;
    return CLI_EXIT_SCHEMA;
}
