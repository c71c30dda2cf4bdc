/* llmjson replay — decode a recorded response stream (SSE, or Ollama's
 * NDJSON) with the stream object: watch its text, list its events, or report
 * every choice, tool call and salvage at the end. */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef enum replay_mode { MODE_WATCH = 0, MODE_EVENTS = 1, MODE_REPORT = 2 } replay_mode;

typedef struct replay_opts {
    llmj_config cfg;
    llmj_dialect dialect;
    llmj_content_mode content;
    int greedy;
    replay_mode mode;
    size_t chunk; /* 0: as read */
    const char *path;
} replay_opts;

static const char replay_help[] =
    "usage: llmjson replay [OPTIONS] [FILE|-]\n"
    "\n"
    "Decode a recorded LLM response stream (SSE; NDJSON for Ollama's native API)\n"
    "as a client would: per choice the text, the tool calls, the finish reason,\n"
    "the usage, any error, and the salvage of each JSON text.\n"
    "\n"
    "By default the text is printed as it streams (tool calls, refusals and\n"
    "other choices under a [bracketed] heading), then one summary line goes to\n"
    "standard error: the dialect, each choice's finish reason and the status of\n"
    "each text.\n"
    "\n"
    "  --dialect NAME        openai, responses, anthropic, gemini, ollama, or auto\n"
    "                        (default: detected from the first event)\n"
    "  --json                the content is JSON (default: when its first\n"
    "                        non-whitespace byte is { or [)\n"
    "  --text                the content is plain text, never JSON\n"
    "  --greedy              greedy salvage in the report (also a partial string\n"
    "                        value or number at the end)\n"
    "  --chunk N             feed at most N bytes at a time (default: as read)\n"
    "  --events              print instead one JSON object per line for every event:\n"
    "                        {\"choice\":0,\"path\":\"/a/0\",\"event\":\"string_chunk\",\n"
    "                         \"text\":\"Mer\"}, begin/end of containers, keys, values\n"
    "                        (\"value\"), text and arguments deltas, tool calls,\n"
    "                        finish, usage, errors, and a last \"end\" object\n"
    "  --report              print instead one JSON object at the end:\n"
    "                        {\"dialect\":D,\"status\":S,\"events\":N,\"bad_events\":N,\n"
    "                         \"choices\":[{\"index\":I,\"finish_reason\":F,\n"
    "                         \"finish_reason_raw\":R,\"content\":T,\"refusal\":T|null,\n"
    "                         \"json\":B,\"complete\":B,\"salvage\":REPORT|null,\n"
    "                         \"tool_calls\":[{\"index\":I,\"id\":S,\"name\":S,\n"
    "                         \"arguments\":T,\"complete\":B,\"salvage\":REPORT}]}],\n"
    "                         \"usage\":{...}|null,\"error\":{...}|null,\"complete\":B}\n"
    "                        (REPORT as printed by llmjson repair --report)\n" CLI_LIMITS_HELP
    "\n"
    "A runaway stops decoding at once. A stream that broke off (no end marker,\n"
    "no finish reason, input ending inside a line) is \"complete\":false and its\n"
    "texts are salvaged as truncated.\n"
    "\n"
    "exit status, from the worst text (a text or tool call that did not end\n"
    "normally counts as truncated, and so does a stream that broke off):\n"
    "0 complete, 2 truncated, 3 invalid, 4 runaway, 5 empty, 1 usage or I/O error.\n";

/* ---- output helpers ----------------------------------------------------- */

static void put_str(FILE *out, const char *s, size_t len)
{
    cli_print_json_string(out, s, len);
}

static void put_cstr(FILE *out, const char *s)
{
    cli_print_json_string(out, s, strlen(s));
}

/* ",\"key\":" */
static void put_key(FILE *out, const char *key)
{
    fputs(key, out);
}

static void put_u64(FILE *out, uint64_t v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    fwrite(buf + i, 1, sizeof buf - i, out);
}

static void put_tokens(FILE *out, int64_t v)
{
    if (v < 0)
        fputs("null", out);
    else
        put_u64(out, (uint64_t)v);
}

static void put_usage(FILE *out, const llmj_usage *u)
{
    if (!u) {
        fputs("null", out);
        return;
    }
    fputs("{\"input_tokens\":", out);
    put_tokens(out, u->input_tokens);
    fputs(",\"output_tokens\":", out);
    put_tokens(out, u->output_tokens);
    fputs(",\"total_tokens\":", out);
    put_tokens(out, u->total_tokens);
    fputs(",\"cached_tokens\":", out);
    put_tokens(out, u->cached_tokens);
    fputs(",\"reasoning_tokens\":", out);
    put_tokens(out, u->reasoning_tokens);
    putc('}', out);
}

/* A short word for a status, for the JSON output. */
static const char *status_word(llmj_status st)
{
    switch (st) {
    case LLMJ_OK: return "ok";
    case LLMJ_TRUNCATED: return "truncated";
    case LLMJ_INVALID: return "invalid";
    case LLMJ_TOO_DEEP: return "too_deep";
    case LLMJ_TOO_LONG: return "too_long";
    case LLMJ_RUNAWAY_WHITESPACE: return "runaway_whitespace";
    case LLMJ_RUNAWAY_REPEAT: return "runaway_repeat";
    case LLMJ_ABORTED: return "aborted";
    case LLMJ_NOMEM: return "nomem";
    case LLMJ_MISUSE: return "misuse";
    case LLMJ_BAD_OPTION: return "bad_option";
    case LLMJ_EMPTY: return "empty";
    case LLMJ_SSE_CUT: return "sse_cut";
    case LLMJ_BAD_EVENT: return "bad_event";
    case LLMJ_PROVIDER_ERROR: return "provider_error";
    case LLMJ_UNKNOWN_DIALECT: return "unknown_dialect";
    case LLMJ_HTTP_ERROR: return "http_error";
    case LLMJ_TRANSFER: return "transfer";
    case LLMJ_TIMEOUT_CONNECT: return "timeout_connect";
    case LLMJ_TIMEOUT_TOTAL: return "timeout_total";
    case LLMJ_TIMEOUT_STALL: return "timeout_stall";
    case LLMJ_CANCELLED: return "cancelled";
    case LLMJ_IO: return "io";
    case LLMJ_JSON_MODE_PROMPT: return "json_mode_prompt";
    }
    return "error";
}

/* {"status":"provider_error","type":..,"code":..,"message":..,"offset":..,..} */
static void put_provider_error(FILE *out, const llmj_provider_error *e)
{
    fputs("{\"status\":", out);
    put_cstr(out, status_word(e->status));
    fputs(",\"type\":", out);
    put_str(out, e->type, e->type_len);
    fputs(",\"code\":", out);
    put_str(out, e->code, e->code_len);
    fputs(",\"message\":", out);
    put_str(out, e->message, e->message_len);
    fputs(",\"offset\":", out);
    put_u64(out, e->offset);
    fputs(",\"line\":", out);
    put_u64(out, e->line);
    fputs(",\"column\":", out);
    put_u64(out, e->column);
    putc('}', out);
}

/* The stream-level error: null, or {"status":..,"message":..,"offset":..,..} */
static void put_stream_error(FILE *out, const llmj_stream *s)
{
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    if (pe) {
        put_provider_error(out, pe);
        return;
    }
    const llmj_error *e = llmj_stream_error(s);
    if (!e || e->code == LLMJ_OK || e->code == LLMJ_EMPTY) {
        fputs("null", out);
        return;
    }
    fputs("{\"status\":", out);
    put_cstr(out, status_word(e->code));
    fputs(",\"message\":", out);
    put_cstr(out, e->message && *e->message ? e->message : llmj_strerror(e->code));
    fputs(",\"offset\":", out);
    put_u64(out, e->offset);
    fputs(",\"line\":", out);
    put_u64(out, e->line);
    fputs(",\"column\":", out);
    put_u64(out, e->column);
    putc('}', out);
}

/* ---- callbacks: --events ------------------------------------------------ */

typedef struct replay_ctx {
    FILE *out;
    /* watch mode: what was printed last */
    int section;      /* 0 nothing yet, 1 content, 2 refusal, 3 tool */
    size_t sec_choice, sec_tool;
    int at_bol;       /* the last byte printed was a newline (or nothing yet) */
    const llmj_stream *stream;
} replay_ctx;

static void ev_head(FILE *out, size_t choice, size_t tool)
{
    fputs("{\"choice\":", out);
    put_u64(out, choice);
    if (tool != LLMJ_NO_TOOL) {
        fputs(",\"tool\":", out);
        put_u64(out, tool);
    }
}

static int ev_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    FILE *out = ((replay_ctx *)ctx)->out;
    ev_head(out, choice, tool);
    fputs(",\"path\":", out);
    put_str(out, ev->pointer, ev->pointer_len);
    fputs(",\"event\":\"", out);
    fputs(llmj_event_type_name(ev->type), out);
    putc('"', out);
    switch (ev->type) {
    case LLMJ_EV_KEY:
    case LLMJ_EV_STRING_CHUNK:
        put_key(out, ",\"text\":");
        put_str(out, ev->text, ev->len);
        break;
    case LLMJ_EV_STRING:
        put_key(out, ",\"value\":");
        put_str(out, ev->text, ev->len);
        break;
    case LLMJ_EV_NUMBER:
    case LLMJ_EV_TRUE:
    case LLMJ_EV_FALSE:
    case LLMJ_EV_NULL:
        put_key(out, ",\"value\":");
        fwrite(ev->text, 1, ev->len, out);
        break;
    default:
        break;
    }
    fputs("}\n", out);
    return ferror(out) ? 1 : 0;
}

static int ev_delta(replay_ctx *rc, const char *what, size_t choice, size_t tool,
                    const char *text, size_t len)
{
    FILE *out = rc->out;
    ev_head(out, choice, tool);
    fputs(",\"event\":\"", out);
    fputs(what, out);
    fputs("\",\"text\":", out);
    put_str(out, text, len);
    fputs("}\n", out);
    return ferror(out) ? 1 : 0;
}

static int ev_text(void *ctx, size_t choice, const char *text, size_t len)
{
    return ev_delta(ctx, "text", choice, LLMJ_NO_TOOL, text, len);
}

static int ev_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    return ev_delta(ctx, "refusal", choice, LLMJ_NO_TOOL, text, len);
}

static int ev_tool_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    return ev_delta(ctx, "arguments", choice, tool, text, len);
}

static int ev_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len,
                         const char *name, size_t name_len)
{
    FILE *out = ((replay_ctx *)ctx)->out;
    ev_head(out, choice, tool);
    fputs(",\"event\":\"tool_call\",\"id\":", out);
    put_str(out, id, id_len);
    fputs(",\"name\":", out);
    put_str(out, name, name_len);
    fputs("}\n", out);
    return ferror(out) ? 1 : 0;
}

static int ev_tool_end(void *ctx, size_t choice, size_t tool)
{
    FILE *out = ((replay_ctx *)ctx)->out;
    ev_head(out, choice, tool);
    fputs(",\"event\":\"tool_call_end\"}\n", out);
    return ferror(out) ? 1 : 0;
}

static int ev_finish(void *ctx, size_t choice, llmj_finish finish, const char *raw,
                     size_t raw_len)
{
    FILE *out = ((replay_ctx *)ctx)->out;
    ev_head(out, choice, LLMJ_NO_TOOL);
    fputs(",\"event\":\"finish\",\"finish_reason\":", out);
    put_cstr(out, llmj_finish_name(finish));
    fputs(",\"finish_reason_raw\":", out);
    put_str(out, raw, raw_len);
    fputs("}\n", out);
    return ferror(out) ? 1 : 0;
}

static int ev_usage(void *ctx, const llmj_usage *u)
{
    FILE *out = ((replay_ctx *)ctx)->out;
    fputs("{\"event\":\"usage\",\"usage\":", out);
    put_usage(out, u);
    fputs("}\n", out);
    return ferror(out) ? 1 : 0;
}

static int ev_error(void *ctx, const llmj_provider_error *e)
{
    FILE *out = ((replay_ctx *)ctx)->out;
    fputs("{\"event\":\"error\",\"error\":", out);
    put_provider_error(out, e);
    fputs("}\n", out);
    return ferror(out) ? 1 : 0;
}

static const llmj_stream_callbacks events_callbacks = {
    .json = ev_json,
    .text = ev_text,
    .refusal = ev_refusal,
    .tool_begin = ev_tool_begin,
    .tool_args = ev_tool_args,
    .tool_end = ev_tool_end,
    .finish = ev_finish,
    .usage = ev_usage,
    .error = ev_error,
};

/* ---- callbacks: watching the text --------------------------------------- */

static void watch_write(replay_ctx *rc, const char *p, size_t n)
{
    if (!n)
        return;
    fwrite(p, 1, n, rc->out);
    rc->at_bol = p[n - 1] == '\n';
}

/* Print a heading when the text switches to another section. */
static void watch_section(replay_ctx *rc, int section, size_t choice, size_t tool,
                          const char *name, size_t name_len)
{
    if (rc->section == section && rc->sec_choice == choice && rc->sec_tool == tool)
        return;
    int first = rc->section == 0;
    rc->section = section;
    rc->sec_choice = choice;
    rc->sec_tool = tool;
    if (first && section == 1 && choice == 0)
        return; /* the plain case: choice 0's text, no heading */
    if (!rc->at_bol)
        putc('\n', rc->out);
    if (section == 1)
        fprintf(rc->out, "[choice %zu]\n", choice);
    else if (section == 2)
        fprintf(rc->out, "[refusal, choice %zu]\n", choice);
    else {
        fprintf(rc->out, "[tool call %zu", tool);
        if (name_len) {
            putc(' ', rc->out);
            fwrite(name, 1, name_len, rc->out);
        }
        fprintf(rc->out, ", choice %zu]\n", choice);
    }
    rc->at_bol = 1;
}

static int w_text(void *ctx, size_t choice, const char *text, size_t len)
{
    replay_ctx *rc = ctx;
    watch_section(rc, 1, choice, LLMJ_NO_TOOL, NULL, 0);
    watch_write(rc, text, len);
    return ferror(rc->out) ? 1 : 0;
}

static int w_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    replay_ctx *rc = ctx;
    watch_section(rc, 2, choice, LLMJ_NO_TOOL, NULL, 0);
    watch_write(rc, text, len);
    return ferror(rc->out) ? 1 : 0;
}

static int w_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len,
                        const char *name, size_t name_len)
{
    replay_ctx *rc = ctx;
    (void)id;
    (void)id_len;
    watch_section(rc, 3, choice, tool, name, name_len);
    return ferror(rc->out) ? 1 : 0;
}

static int w_tool_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    replay_ctx *rc = ctx;
    watch_section(rc, 3, choice, tool, NULL, 0);
    watch_write(rc, text, len);
    return ferror(rc->out) ? 1 : 0;
}

static const llmj_stream_callbacks watch_callbacks = {
    .text = w_text,
    .refusal = w_refusal,
    .tool_begin = w_tool_begin,
    .tool_args = w_tool_args,
};

/* ---- the end: report, summary, exit status ------------------------------ */

static int rank(llmj_text_status st)
{
    switch (st) {
    case LLMJ_TEXT_COMPLETE: return 0;
    case LLMJ_TEXT_EMPTY: return 1;
    case LLMJ_TEXT_TRUNCATED: return 2;
    case LLMJ_TEXT_INVALID: return 3;
    case LLMJ_TEXT_RUNAWAY: return 4;
    }
    return 0;
}

static void worse(llmj_text_status *worst, llmj_text_status st)
{
    if (rank(st) > rank(*worst))
        *worst = st;
}

/* A text that did not end normally is truncated, whatever its salvage says. */
static llmj_text_status effective(llmj_text_status st, int complete)
{
    return st == LLMJ_TEXT_COMPLETE && !complete ? LLMJ_TEXT_TRUNCATED : st;
}

/* The worst text of the stream, the stream's own state included. */
static llmj_text_status worst_status(const llmj_stream *s)
{
    llmj_text_status worst = LLMJ_TEXT_COMPLETE;
    size_t n = llmj_stream_choice_count(s);
    if (n == 0)
        worst = LLMJ_TEXT_EMPTY;
    for (size_t i = 0; i < n; i++) {
        llmj_choice_info ci;
        llmj_stream_choice(s, i, &ci);
        int others = ci.tool_count > 0 || ci.refusal != NULL;
        if (!(ci.status == LLMJ_TEXT_EMPTY && others))
            worse(&worst, effective(ci.status, ci.complete));
        if (ci.refusal != NULL && !ci.complete)
            worse(&worst, LLMJ_TEXT_TRUNCATED);
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            llmj_stream_tool(s, i, j, &ti);
            worse(&worst, ti.status == LLMJ_TEXT_EMPTY ? LLMJ_TEXT_EMPTY
                                                       : effective(ti.status, ti.complete));
        }
    }
    switch (llmj_stream_status(s)) {
    case LLMJ_RUNAWAY_WHITESPACE:
    case LLMJ_RUNAWAY_REPEAT: worse(&worst, LLMJ_TEXT_RUNAWAY); break;
    case LLMJ_TOO_LONG:
    case LLMJ_UNKNOWN_DIALECT: worse(&worst, LLMJ_TEXT_INVALID); break;
    case LLMJ_SSE_CUT:
    case LLMJ_TRUNCATED:
    case LLMJ_PROVIDER_ERROR:
        if (n > 0)
            worse(&worst, LLMJ_TEXT_TRUNCATED);
        break;
    default: break;
    }
    return worst;
}

/* The salvage object of a JSON text, or null. -1 when it cannot be made. */
static int put_salvage(FILE *out, llmj_stream *s, size_t ci, size_t ti, llmj_salvage_mode mode)
{
    if (!llmj_stream_tracker(s, ci, ti)) {
        fputs("null", out);
        return 0;
    }
    llmj_salvage sv;
    const char *text;
    size_t len;
    llmj_status st = llmj_stream_repair(s, ci, ti, mode, &sv, &text, &len);
    if (st != LLMJ_OK) {
        cli_error("salvage failed: %s", llmj_strerror(st));
        return -1;
    }
    return cli_print_report(out, &sv, text, len);
}

static int put_report(FILE *out, llmj_stream *s, const replay_opts *o)
{
    llmj_salvage_mode mode = o->greedy ? LLMJ_SALVAGE_GREEDY : LLMJ_SALVAGE_LOSSLESS;
    fputs("{\"dialect\":", out);
    put_cstr(out, llmj_dialect_name(llmj_stream_dialect(s)));
    fputs(",\"status\":", out);
    put_cstr(out, status_word(llmj_stream_status(s)));
    fputs(",\"events\":", out);
    put_u64(out, llmj_stream_events(s));
    fputs(",\"bad_events\":", out);
    put_u64(out, llmj_stream_bad_events(s));
    fputs(",\"choices\":[", out);
    size_t n = llmj_stream_choice_count(s);
    for (size_t i = 0; i < n; i++) {
        llmj_choice_info ci;
        llmj_stream_choice(s, i, &ci);
        if (i)
            putc(',', out);
        fputs("{\"index\":", out);
        put_u64(out, ci.index);
        fputs(",\"finish_reason\":", out);
        put_cstr(out, llmj_finish_name(ci.finish));
        fputs(",\"finish_reason_raw\":", out);
        if (ci.finish_raw)
            put_str(out, ci.finish_raw, ci.finish_raw_len);
        else
            fputs("null", out);
        fputs(",\"content\":", out);
        put_str(out, ci.content, ci.content_len);
        fputs(",\"refusal\":", out);
        if (ci.refusal)
            put_str(out, ci.refusal, ci.refusal_len);
        else
            fputs("null", out);
        fputs(ci.json == 1 ? ",\"json\":true" : ",\"json\":false", out);
        fputs(ci.complete ? ",\"complete\":true" : ",\"complete\":false", out);
        fputs(",\"salvage\":", out);
        if (put_salvage(out, s, i, LLMJ_NO_TOOL, mode))
            return -1;
        fputs(",\"tool_calls\":[", out);
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            llmj_stream_tool(s, i, j, &ti);
            if (j)
                putc(',', out);
            fputs("{\"index\":", out);
            put_u64(out, ti.index);
            fputs(",\"id\":", out);
            put_str(out, ti.id, ti.id_len);
            fputs(",\"name\":", out);
            put_str(out, ti.name, ti.name_len);
            fputs(",\"arguments\":", out);
            put_str(out, ti.arguments, ti.arguments_len);
            fputs(ti.complete ? ",\"complete\":true" : ",\"complete\":false", out);
            fputs(",\"salvage\":", out);
            if (put_salvage(out, s, i, j, mode))
                return -1;
            putc('}', out);
        }
        fputs("]}", out);
    }
    fputs("],\"usage\":", out);
    put_usage(out, llmj_stream_usage(s));
    fputs(",\"error\":", out);
    put_stream_error(out, s);
    fputs(llmj_stream_status(s) == LLMJ_OK ? ",\"complete\":true}\n" : ",\"complete\":false}\n",
          out);
    return ferror(out) ? -1 : 0;
}

/* The last line of --events. */
static void put_end_event(FILE *out, const llmj_stream *s, llmj_text_status worst)
{
    fputs("{\"event\":\"end\",\"dialect\":", out);
    put_cstr(out, llmj_dialect_name(llmj_stream_dialect(s)));
    fputs(",\"status\":", out);
    put_cstr(out, status_word(llmj_stream_status(s)));
    fputs(",\"worst\":", out);
    put_cstr(out, llmj_text_status_name(worst));
    fputs(",\"error\":", out);
    put_stream_error(out, s);
    fputs(llmj_stream_status(s) == LLMJ_OK ? ",\"complete\":true}\n" : ",\"complete\":false}\n",
          out);
}

static const char *text_word(llmj_text_status st, int complete)
{
    return llmj_text_status_name(effective(st, complete));
}

/* One line on stderr: dialect, finish reasons, the status of every text. */
static void summary(const char *name, const llmj_stream *s)
{
    FILE *e = stderr;
    fprintf(e, "llmjson: %s: dialect %s", name, llmj_dialect_name(llmj_stream_dialect(s)));
    size_t n = llmj_stream_choice_count(s);
    if (n == 0)
        fputs("; no choice", e);
    for (size_t i = 0; i < n; i++) {
        llmj_choice_info ci;
        llmj_stream_choice(s, i, &ci);
        fprintf(e, "; choice %zu: finish %s", ci.index, llmj_finish_name(ci.finish));
        fprintf(e, ", %s %s", ci.json == 1 ? "json" : "text", text_word(ci.status, ci.complete));
        if (ci.refusal)
            fprintf(e, ", refusal %s", ci.complete ? "complete" : "truncated");
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            llmj_stream_tool(s, i, j, &ti);
            fprintf(e, ", tool call %zu %.*s %s", ti.index, (int)(ti.name_len > 64 ? 64 : ti.name_len),
                    ti.name, text_word(ti.status, ti.complete));
        }
    }
    llmj_status st = llmj_stream_status(s);
    fprintf(e, "; stream %s", status_word(st));
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    const llmj_error *er = llmj_stream_error(s);
    if (pe)
        fprintf(e, " (%.*s at line %" PRIu64 ")", (int)(pe->message_len > 200 ? 200 : pe->message_len),
                pe->message, pe->line);
    else if (er && er->code != LLMJ_OK && er->code != LLMJ_EMPTY)
        fprintf(e, " (%s at %" PRIu64 ":%" PRIu64 ")", er->message, er->line, er->column);
    fputc('\n', e);
}

/* ---- options and the run ------------------------------------------------ */

static int parse_args(int argc, char **argv, replay_opts *o)
{
    const char *cmd = argv[0];
    int operands_only = 0;

    memset(o, 0, sizeof *o);
    llmj_config_init(&o->cfg);
    o->dialect = LLMJ_DIALECT_AUTO;
    o->content = LLMJ_CONTENT_AUTO;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        int r;
        if (!operands_only && cli_is_option(a)) {
            if (strcmp(a, "--") == 0) {
                operands_only = 1;
                continue;
            }
            if (strcmp(a, "--json") == 0)
                o->content = LLMJ_CONTENT_JSON;
            else if (strcmp(a, "--text") == 0)
                o->content = LLMJ_CONTENT_TEXT;
            else if (strcmp(a, "--greedy") == 0)
                o->greedy = 1;
            else if (strcmp(a, "--events") == 0)
                o->mode = MODE_EVENTS;
            else if (strcmp(a, "--report") == 0)
                o->mode = MODE_REPORT;
            else if ((r = cli_option_value(cmd, argc, argv, &i, "--dialect", &v)) != 0) {
                if (r < 0)
                    return -1;
                if (llmj_dialect_from_name(v, &o->dialect) != LLMJ_OK) {
                    cli_usage_error(cmd, "unknown dialect '%s' (openai, responses, anthropic, "
                                         "gemini, ollama or auto)", v);
                    return -1;
                }
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

static int run(int argc, char **argv)
{
    replay_opts o;
    const char *cmd = argv[0];
    if (parse_args(argc, argv, &o) != 0)
        return CLI_EXIT_FAILURE;

    replay_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.out = stdout;
    rc.at_bol = 1;
    const llmj_stream_callbacks *cbs = o.mode == MODE_EVENTS ? &events_callbacks
                                       : o.mode == MODE_WATCH ? &watch_callbacks
                                                              : NULL;
    llmj_stream *s = NULL;
    llmj_status st = llmj_stream_new(&s, &o.cfg, o.dialect, o.content, cbs, &rc);
    if (st != LLMJ_OK) {
        if (st == LLMJ_BAD_OPTION)
            return cli_usage_error(cmd, "option out of range: %s", llmj_strerror(st));
        cli_error("%s", llmj_strerror(st));
        return CLI_EXIT_FAILURE;
    }
    rc.stream = s;

    cli_input in;
    if (cli_input_open(&in, o.path) != 0) {
        llmj_stream_free(s);
        return CLI_EXIT_FAILURE;
    }
    int status = CLI_EXIT_FAILURE;
    char *buf = malloc(CLI_READ_SIZE);
    if (buf == NULL) {
        cli_error("out of memory");
        goto out;
    }
    size_t rsize = CLI_READ_SIZE;
    if (o.chunk > 0 && o.chunk < rsize)
        rsize -= rsize % o.chunk;
    st = LLMJ_OK;
    while (st == LLMJ_OK) {
        int err = 0;
        size_t n = cli_input_read(&in, buf, rsize, &err);
        if (err)
            goto out;
        if (n == 0)
            break;
        size_t step = o.chunk ? o.chunk : n;
        for (size_t p = 0; p < n && st == LLMJ_OK; p += step)
            st = llmj_stream_feed(s, buf + p, n - p < step ? n - p : step);
        if (o.mode != MODE_REPORT)
            fflush(stdout); /* what was decoded so far shows now */
    }
    /* a runaway (or any stop) ends decoding: the rest is not read */
    st = llmj_stream_finish(s);
    if (st == LLMJ_NOMEM) {
        cli_error("%s: %s", in.name, llmj_strerror(st));
        goto out;
    }
    if (st == LLMJ_ABORTED) {
        cli_error("%s: error writing the output", in.name);
        goto out;
    }
    llmj_text_status worst = worst_status(s);
    if (o.mode == MODE_REPORT) {
        if (put_report(stdout, s, &o) != 0)
            goto out;
    } else if (o.mode == MODE_EVENTS) {
        put_end_event(stdout, s, worst);
    } else {
        if (!rc.at_bol)
            putc('\n', stdout);
        fflush(stdout);
        summary(in.name, s);
    }
    status = cli_exit_status(worst);
out:
    free(buf);
    cli_input_close(&in);
    llmj_stream_free(s);
    return status;
}

const cli_command cli_cmd_replay = {
    "replay", run, "decode a recorded response stream: its text, events, or a report",
    replay_help};
