/* llmjson tool — --schema FILE on repair, check, replay and stream (and
 * --tool-schema NAME=FILE on the last two): loading the schemas, the
 * report's "schema" member, --events on repair and check (the schema's
 * events) and exit status 10. */
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
    return cli_schema_load_text(path, cfg, NULL, NULL);
}

llmj_schema *cli_schema_load_text(const char *path, const llmj_config *cfg, char **keep,
                                  size_t *keep_len)
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
    if (s && keep) {
        *keep = text;
        *keep_len = len;
        text = NULL;
    }
    free(text);
    cli_input_close(&in);
    return s;
}

/* --events: one line per schema event, at the byte it happens. */
void cli_print_schema_event(FILE *out, const llmj_schema_event *ev)
{
    const char *name = llmj_schema_event_name(ev->type);
    fputs("\"event\":", out);
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
}

static int print_schema_event(void *ctx, const llmj_schema_event *ev)
{
    FILE *out = ctx;
    putc('{', out);
    cli_print_schema_event(out, ev);
    fputs("}\n", out);
    fflush(out);
    return ferror(out) ? 1 : 0;
}

llmj_status cli_schema_attach(llmj_tracker *t, const llmj_schema *s, int events)
{
    return llmj_tracker_set_schema_cb(t, s, events ? print_schema_event : NULL, stdout);
}

void cli_stream_schemas_free(cli_stream_schemas *ss)
{
    llmj_schema_free(ss->content);
    free(ss->content_text);
    for (size_t i = 0; i < ss->n; i++)
        llmj_schema_free(ss->tool[i]);
    memset(ss, 0, sizeof *ss);
}

int cli_stream_schemas_load(cli_stream_schemas *ss, const cli_replay_opts *o)
{
    memset(ss, 0, sizeof *ss);
    if (o->schema_path && !(ss->content = cli_schema_load_text(o->schema_path, &o->cfg,
                                                               &ss->content_text,
                                                               &ss->content_len)))
        return -1;
    for (size_t i = 0; i < o->ntool_schemas; i++) {
        const char *eq = strchr(o->tool_schema[i], '=');
        if (!(ss->tool[i] = cli_schema_load(eq + 1, &o->cfg))) {
            cli_stream_schemas_free(ss);
            return -1;
        }
        ss->n = i + 1;
    }
    return 0;
}

int cli_stream_schemas_attach(const cli_stream_schemas *ss, const cli_replay_opts *o,
                              llmj_stream *s)
{
    llmj_status st = llmj_stream_set_schema(s, ss->content);
    for (size_t i = 0; i < ss->n && st == LLMJ_OK; i++) {
        const char *name = o->tool_schema[i];
        st = llmj_stream_set_tool_schema(s, name, (size_t)(strchr(name, '=') - name), ss->tool[i]);
    }
    if (st != LLMJ_OK) {
        cli_error("cannot set the schemas: %s", llmj_strerror(st));
        return -1;
    }
    return 0;
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
