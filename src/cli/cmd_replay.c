/* llmjson replay — decode a recorded response stream (SSE, or Ollama's
 * NDJSON) with the stream object: watch its text, list its events, or report
 * every choice, tool call and salvage at the end. Its output (the callbacks
 * and the end) is shared with `llmjson stream` through cli.h
 * (cli_replay_*). */
#include "cli.h"
#include "live.h"
#include "unicode.h" /* llmj__esc_json, llmj__utf8_seq */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct replay_opts {
    cli_replay_opts r; /* the options llmjson stream shares */
    cli_live_args live; /* --live, --pace, --choice (live.c) */
    size_t chunk;      /* 0: as read */
    const char *path;
} replay_opts;

static const char replay_help[] =
    "usage: llmjson replay [OPTIONS] [FILE|-]\n"
    "\n"
    "Decode a recorded LLM response stream (SSE; NDJSON for Ollama's native API)\n"
    "as a client would: per choice the text, the tool calls, the finish reason,\n"
    "the usage, any error, and the salvage of each JSON text.\n"
    "\n"
    "By default the text is printed as it streams (reasoning, tool calls, refusals,\n"
    "tools the provider ran itself and other choices under a [bracketed] heading;\n"
    "with several choices the first streams and each other one is shown whole\n"
    "when the one before it finishes), then one summary line goes to standard\n"
    "error: the dialect, each choice's finish reason and the status of each text.\n"
    "\n"
    CLI_REPLAY_OPTIONS_HELP;

static const char replay_help_more[] =
    CLI_STREAM_SCHEMA_HELP
    "  --chunk N             feed at most N bytes at a time (default: as read)\n" CLI_LIVE_HELP
    CLI_LIMITS_HELP
    "\n"
    "A runaway stops decoding at once. A stream that broke off (no end marker,\n"
    "no finish reason, input ending inside a line) is \"stream_complete\":false\n"
    "and its texts are salvaged as truncated. Input that is no stream (a JSON\n"
    "document, text) is one line: \"...: not an SSE or NDJSON stream: ...\".\n"
    "\n"
    "exit status, the first that applies (the same in every dialect and mode):\n"
    "1 usage or I/O error; 6 the provider reported an error (in the stream, or a\n"
    "finish reason \"error\"); 9 the model refused or the content was filtered;\n"
    "4 runaway; 3 invalid (also no stream at all); 10 a text violates its schema\n"
    "(--schema, --tool-schema); 2 truncated (a text that did not end normally, a\n"
    "stream that broke off); 5 empty; 0 complete.\n";

/* ---- output ----------------------------------------------------------------
 * Everything goes through a 64 KiB buffer (stdio's per-call cost dominated
 * --events); the salvage objects are printed by the shared printer
 * (cli_print_report) after a flush, so the two never interleave. */

typedef struct outbuf {
    FILE *out;
    size_t len;
    char buf[1 << 16];
} outbuf;

static void ob_flush(outbuf *o)
{
    if (o->len)
        fwrite(o->buf, 1, o->len, o->out);
    o->len = 0;
}

static void ob_put(outbuf *o, const char *p, size_t n)
{
    if (n > sizeof o->buf - o->len) {
        ob_flush(o);
        if (n > sizeof o->buf) {
            fwrite(p, 1, n, o->out);
            return;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void ob_cstr(outbuf *o, const char *s)
{
    ob_put(o, s, strlen(s));
}

#define OB_LIT(o, lit) ob_put((o), (lit), sizeof(lit) - 1)

/* s[0:len] as a JSON string literal, escaped exactly as
 * cli_print_json_string() does it (the report's other strings use that). */
static void ob_str(outbuf *o, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    OB_LIT(o, "\"");
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] >= 0x20 && s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
            j++;
        ob_put(o, str + i, j - i);
        if (j == len)
            break;
        i = j;
        char e[8];
        size_t k = llmj__esc_json(e, s[i]);
        if (k) {
            ob_put(o, e, k);
            i++;
            continue;
        }
        size_t n = llmj__utf8_seq(s + i, len - i); /* s[i] >= 0x80 */
        if (n) {
            ob_put(o, str + i, n);
            i += n;
        } else {
            OB_LIT(o, "\\ufffd");
            i++;
        }
    }
    OB_LIT(o, "\"");
}

static void ob_cjson(outbuf *o, const char *s)
{
    ob_str(o, s, strlen(s));
}

static void ob_u64(outbuf *o, uint64_t v)
{
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ob_put(o, buf + i, sizeof buf - i);
}

static void ob_tokens(outbuf *o, int64_t v)
{
    if (v < 0)
        OB_LIT(o, "null");
    else
        ob_u64(o, (uint64_t)v);
}

static void put_usage(outbuf *o, const llmj_usage *u)
{
    if (!u) {
        OB_LIT(o, "null");
        return;
    }
    OB_LIT(o, "{\"input_tokens\":");
    ob_tokens(o, u->input_tokens);
    OB_LIT(o, ",\"output_tokens\":");
    ob_tokens(o, u->output_tokens);
    OB_LIT(o, ",\"total_tokens\":");
    ob_tokens(o, u->total_tokens);
    OB_LIT(o, ",\"cached_tokens\":");
    ob_tokens(o, u->cached_tokens);
    OB_LIT(o, ",\"reasoning_tokens\":");
    ob_tokens(o, u->reasoning_tokens);
    OB_LIT(o, "}");
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
    case LLMJ_TIMEOUT_IDLE: return "timeout_idle";
    case LLMJ_CANCELLED: return "cancelled";
    case LLMJ_IO: return "io";
    case LLMJ_JSON_MODE_PROMPT: return "json_mode_prompt";
    case LLMJ_SCHEMA_UNSUPPORTED: return "schema_unsupported";
    case LLMJ_SCHEMA_VIOLATION: return "schema_violation";
    case LLMJ_NOT_A_STREAM: return "not_a_stream";
    case LLMJ_NOT_JSON: return "not_json";
    }
    return "error";
}

/* ,"lost_events":N,"lost_offset":X|null */
static void put_lost(outbuf *o, uint64_t n, uint64_t off)
{
    OB_LIT(o, ",\"lost_events\":");
    ob_u64(o, n);
    OB_LIT(o, ",\"lost_offset\":");
    if (n)
        ob_u64(o, off);
    else
        OB_LIT(o, "null");
}

/* {"status":"provider_error","type":..,"code":..,"message":..,"offset":..,..} */
static void put_provider_error(outbuf *o, const llmj_provider_error *e)
{
    OB_LIT(o, "{\"status\":");
    ob_cjson(o, status_word(e->status));
    OB_LIT(o, ",\"type\":");
    ob_str(o, e->type, e->type_len);
    OB_LIT(o, ",\"code\":");
    ob_str(o, e->code, e->code_len);
    OB_LIT(o, ",\"message\":");
    ob_str(o, e->message, e->message_len);
    OB_LIT(o, ",\"offset\":");
    ob_u64(o, e->offset);
    OB_LIT(o, ",\"line\":");
    ob_u64(o, e->line);
    OB_LIT(o, ",\"column\":");
    ob_u64(o, e->column);
    OB_LIT(o, "}");
}

/* The stream-level error: null, or {"status":..,"message":..,"offset":..,..} */
static void put_stream_error(outbuf *o, const llmj_stream *s)
{
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    if (pe) {
        put_provider_error(o, pe);
        return;
    }
    const llmj_error *e = llmj_stream_error(s);
    if (!e || e->code == LLMJ_OK || e->code == LLMJ_EMPTY) {
        OB_LIT(o, "null");
        return;
    }
    OB_LIT(o, "{\"status\":");
    ob_cjson(o, status_word(e->code));
    OB_LIT(o, ",\"message\":");
    ob_cjson(o, e->message && *e->message ? e->message : llmj_strerror(e->code));
    OB_LIT(o, ",\"offset\":");
    ob_u64(o, e->offset);
    OB_LIT(o, ",\"line\":");
    ob_u64(o, e->line);
    OB_LIT(o, ",\"column\":");
    ob_u64(o, e->column);
    OB_LIT(o, "}");
}

/* ---- callbacks: --events ------------------------------------------------ */

typedef struct watch_lane watch_lane;

typedef struct replay_ctx {
    outbuf *ob;     /* (first member: a cli_replay_out is its replay_ctx) */
    /* watch mode: what was printed last (in a lane: into its buffer) */
    int section;      /* 0 nothing yet, 1 content, 2 refusal, 3 tool, 4 reasoning */
    size_t sec_choice, sec_tool;
    int at_bol;       /* the last byte printed was a newline (or nothing yet) */
    int plain_ok;     /* choice 0's text may start with no heading (the first lane) */
    /* the root only */
    size_t only;      /* --choice N: the provider's index shown (SIZE_MAX: all) */
    watch_lane *lanes; /* watch mode: one per choice, in order of appearance */
    size_t nlanes, caplanes;
    size_t live;      /* the lane printed as it streams (SIZE_MAX: none yet) */
} replay_ctx;

/* Watch mode with several choices: the first choice to appear streams
 * live; what the others print meanwhile is held, each in its own buffer,
 * and shown whole, in order, when the live one finishes (or at the end). */
struct watch_lane {
    size_t choice;
    replay_ctx rc;  /* its own sections; rc.ob: the main output once live */
    outbuf *held;   /* while held: a buffer over a memory stream */
    FILE *mem;
    char *mem_data;
    size_t mem_len;
    int finished;
    int shown;      /* live now, or done */
};

/* Not the --choice asked for: not shown. */
static int skip_choice(void *ctx, size_t choice)
{
    const replay_ctx *rc = ctx;
    return rc->only != SIZE_MAX && rc->only != choice;
}

static int ob_failed(const outbuf *o)
{
    return ferror(o->out) ? 1 : 0;
}

static void ev_head(outbuf *o, size_t choice, size_t tool)
{
    OB_LIT(o, "{\"choice\":");
    ob_u64(o, choice);
    if (tool != LLMJ_NO_TOOL) {
        OB_LIT(o, ",\"tool\":");
        ob_u64(o, tool);
    }
}

static int ev_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, tool);
    OB_LIT(o, ",\"path\":");
    ob_str(o, ev->pointer, ev->pointer_len);
    OB_LIT(o, ",\"event\":\"");
    ob_cstr(o, llmj_event_type_name(ev->type));
    OB_LIT(o, "\"");
    switch (ev->type) {
    case LLMJ_EV_KEY:
    case LLMJ_EV_STRING_CHUNK:
        OB_LIT(o, ",\"text\":");
        ob_str(o, ev->text, ev->len);
        break;
    case LLMJ_EV_STRING:
        OB_LIT(o, ",\"value\":");
        ob_str(o, ev->text, ev->len);
        break;
    case LLMJ_EV_NUMBER:
    case LLMJ_EV_TRUE:
    case LLMJ_EV_FALSE:
    case LLMJ_EV_NULL:
        OB_LIT(o, ",\"value\":");
        ob_put(o, ev->text, ev->len);
        break;
    default:
        break;
    }
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_delta(replay_ctx *rc, const char *what, size_t choice, size_t tool,
                    const char *text, size_t len)
{
    if (skip_choice(rc, choice))
        return 0;
    outbuf *o = rc->ob;
    ev_head(o, choice, tool);
    OB_LIT(o, ",\"event\":\"");
    ob_cstr(o, what);
    OB_LIT(o, "\",\"text\":");
    ob_str(o, text, len);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_text(void *ctx, size_t choice, const char *text, size_t len)
{
    return ev_delta(ctx, "text", choice, LLMJ_NO_TOOL, text, len);
}

static int ev_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    return ev_delta(ctx, "refusal", choice, LLMJ_NO_TOOL, text, len);
}

static int ev_reasoning(void *ctx, size_t choice, const char *text, size_t len)
{
    return ev_delta(ctx, "reasoning", choice, LLMJ_NO_TOOL, text, len);
}

/* {"type":..,"name":..,"id":..,"input":..,"status":..[,"result":..]} */
static void put_server_tool(outbuf *o, const llmj_server_tool_info *v)
{
    OB_LIT(o, "{\"type\":");
    ob_str(o, v->type, v->type_len);
    OB_LIT(o, ",\"name\":");
    ob_str(o, v->name, v->name_len);
    OB_LIT(o, ",\"id\":");
    ob_str(o, v->id, v->id_len);
    OB_LIT(o, ",\"input\":");
    ob_str(o, v->input, v->input_len);
    OB_LIT(o, ",\"status\":");
    ob_str(o, v->status, v->status_len);
    if (v->result_len) {
        OB_LIT(o, ",\"result\":");
        ob_str(o, v->result, v->result_len);
    }
    OB_LIT(o, "}");
}

/* {"type":..,"source":..,"title":..} */
static void put_citation(outbuf *o, const llmj_citation_info *v)
{
    OB_LIT(o, "{\"type\":");
    ob_str(o, v->type, v->type_len);
    OB_LIT(o, ",\"source\":");
    ob_str(o, v->source, v->source_len);
    OB_LIT(o, ",\"title\":");
    ob_str(o, v->title, v->title_len);
    OB_LIT(o, "}");
}

static int ev_server_tool(void *ctx, size_t choice, const llmj_server_tool_info *v)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, LLMJ_NO_TOOL);
    OB_LIT(o, ",\"event\":\"server_tool\",\"server_tool\":");
    ob_u64(o, v->index);
    OB_LIT(o, ",\"info\":");
    put_server_tool(o, v);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_citation(void *ctx, size_t choice, const llmj_citation_info *v)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, LLMJ_NO_TOOL);
    OB_LIT(o, ",\"event\":\"citation\",\"citation\":");
    put_citation(o, v);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_tool_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    return ev_delta(ctx, "arguments", choice, tool, text, len);
}

static int ev_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len,
                         const char *name, size_t name_len)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, tool);
    OB_LIT(o, ",\"event\":\"tool_call\",\"id\":");
    ob_str(o, id, id_len);
    OB_LIT(o, ",\"name\":");
    ob_str(o, name, name_len);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_tool_end(void *ctx, size_t choice, size_t tool)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, tool);
    OB_LIT(o, ",\"event\":\"tool_call_end\"}\n");
    return ob_failed(o);
}

static int ev_finish(void *ctx, size_t choice, llmj_finish finish, const char *raw,
                     size_t raw_len)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, LLMJ_NO_TOOL);
    OB_LIT(o, ",\"event\":\"finish\",\"finish_reason\":");
    ob_cjson(o, llmj_finish_name(finish));
    OB_LIT(o, ",\"finish_reason_raw\":");
    ob_str(o, raw, raw_len);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_usage(void *ctx, const llmj_usage *u)
{
    outbuf *o = ((replay_ctx *)ctx)->ob;
    OB_LIT(o, "{\"event\":\"usage\",\"usage\":");
    put_usage(o, u);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_error(void *ctx, const llmj_provider_error *e)
{
    outbuf *o = ((replay_ctx *)ctx)->ob;
    OB_LIT(o, "{\"event\":\"error\",\"error\":");
    put_provider_error(o, e);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

/* An unreadable event that may have belonged to this text. */
static int ev_lost(void *ctx, size_t choice, size_t tool, uint64_t offset)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, tool);
    OB_LIT(o, ",\"event\":\"lost\",\"offset\":");
    ob_u64(o, offset);
    OB_LIT(o, "}\n");
    return ob_failed(o);
}

static int ev_schema(void *ctx, size_t choice, size_t tool, const llmj_schema_event *ev)
{
    if (skip_choice(ctx, choice))
        return 0;
    outbuf *o = ((replay_ctx *)ctx)->ob;
    ev_head(o, choice, tool);
    OB_LIT(o, ",");
    ob_flush(o); /* the shared printer writes to the stream itself */
    cli_print_schema_event(o->out, ev);
    fputs("}\n", o->out);
    return ferror(o->out) ? 1 : 0;
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
    .lost = ev_lost,
    .reasoning = ev_reasoning,
    .server_tool = ev_server_tool,
    .citation = ev_citation,
    .schema_event = ev_schema,
};

/* ---- callbacks: watching the text --------------------------------------- */

static void watch_write(replay_ctx *rc, const char *p, size_t n)
{
    if (!n)
        return;
    ob_put(rc->ob, p, n);
    rc->at_bol = p[n - 1] == '\n';
}

/* Print a heading when the text switches to another section. */
static void watch_section(replay_ctx *rc, int section, size_t choice, size_t tool,
                          const char *name, size_t name_len)
{
    if (rc->section == section && rc->sec_choice == choice && rc->sec_tool == tool)
        return;
    int first = rc->section == 0;
    outbuf *o = rc->ob;
    rc->section = section;
    rc->sec_choice = choice;
    rc->sec_tool = tool;
    if (first && section == 1 && choice == 0 && rc->plain_ok)
        return; /* the plain case: choice 0's text first, no heading */
    if (!rc->at_bol)
        OB_LIT(o, "\n");
    if (section == 1) {
        OB_LIT(o, "[choice ");
    } else if (section == 2) {
        OB_LIT(o, "[refusal, choice ");
    } else if (section == 4) {
        OB_LIT(o, "[reasoning, choice ");
    } else if (section == 5) {
        OB_LIT(o, "[server tool ");
        ob_u64(o, tool);
        OB_LIT(o, " (run by the provider), choice ");
    } else {
        OB_LIT(o, "[tool call ");
        ob_u64(o, tool);
        if (name_len) {
            OB_LIT(o, " ");
            ob_put(o, name, name_len);
        }
        OB_LIT(o, ", choice ");
    }
    ob_u64(o, choice);
    OB_LIT(o, "]\n");
    rc->at_bol = 1;
}

/* Show a held lane: its buffer, whole, on the main output; it is live from
 * now on. */
static void lane_show(replay_ctx *root, watch_lane *l, int main_at_bol)
{
    l->shown = 1;
    if (l->held) {
        ob_flush(l->held);
        fflush(l->mem);
        if (l->mem_len) {
            if (!main_at_bol)
                OB_LIT(root->ob, "\n");
            ob_put(root->ob, l->mem_data, l->mem_len);
        } else {
            l->rc.at_bol = main_at_bol;
        }
        fclose(l->mem);
        free(l->mem_data);
        free(l->held);
        l->held = NULL;
        l->mem = NULL;
        l->mem_data = NULL;
    }
    l->rc.ob = root->ob;
}

/* The live lane has finished: the next ones in order are shown, up to the
 * first still streaming, which becomes live. */
static void lanes_advance(replay_ctx *root)
{
    while (root->live < root->nlanes && root->lanes[root->live].finished) {
        int at_bol = root->lanes[root->live].rc.at_bol;
        size_t next = root->live + 1;
        while (next < root->nlanes && root->lanes[next].shown)
            next++;
        if (next >= root->nlanes) {
            root->live = SIZE_MAX; /* the next choice to appear streams live */
            root->at_bol = at_bol;
            return;
        }
        lane_show(root, &root->lanes[next], at_bol);
        root->live = next;
    }
}

/* The end of the stream: every lane still held, in order. */
static void lanes_flush(replay_ctx *root)
{
    int at_bol = root->live < root->nlanes ? root->lanes[root->live].rc.at_bol : root->at_bol;
    for (size_t i = 0; i < root->nlanes; i++) {
        watch_lane *l = &root->lanes[i];
        if (l->shown)
            continue;
        lane_show(root, l, at_bol);
        at_bol = l->rc.at_bol;
    }
    root->at_bol = at_bol;
    root->live = SIZE_MAX;
}

static void lanes_free(replay_ctx *root)
{
    for (size_t i = 0; i < root->nlanes; i++) {
        watch_lane *l = &root->lanes[i];
        if (l->mem)
            fclose(l->mem);
        free(l->mem_data);
        free(l->held);
    }
    free(root->lanes);
    root->lanes = NULL;
    root->nlanes = root->caplanes = 0;
}

/* What a callback of choice writes into: the live lane (the main output) or
 * its held buffer. NULL: a choice not shown (--choice). */
static replay_ctx *lane_rc(void *ctx, size_t choice)
{
    replay_ctx *root = ctx;
    if (skip_choice(ctx, choice))
        return NULL;
    for (size_t i = 0; i < root->nlanes; i++)
        if (root->lanes[i].choice == choice) {
            watch_lane *l = &root->lanes[i];
            if (l->shown || root->live != SIZE_MAX)
                return &l->rc;
            /* held, and nothing is live any more: it goes live */
            lane_show(root, l, root->at_bol);
            root->live = i;
            return &l->rc;
        }
    if (root->nlanes == root->caplanes) {
        size_t cap = root->caplanes ? 2 * root->caplanes : 4;
        watch_lane *n = realloc(root->lanes, cap * sizeof *n);
        if (!n)
            return root; /* no memory: straight to the output, as it comes */
        root->lanes = n;
        root->caplanes = cap;
    }
    watch_lane *l = &root->lanes[root->nlanes];
    memset(l, 0, sizeof *l);
    l->choice = choice;
    l->rc.at_bol = 1;
    l->rc.plain_ok = root->nlanes == 0;
    l->rc.only = SIZE_MAX;
    l->rc.live = SIZE_MAX;
    if (root->live == SIZE_MAX) {
        l->rc.at_bol = root->at_bol;
        l->rc.ob = root->ob;
        l->shown = 1;
        root->live = root->nlanes;
    } else {
        l->held = malloc(sizeof *l->held);
        l->mem = l->held ? open_memstream(&l->mem_data, &l->mem_len) : NULL;
        if (!l->mem) {
            free(l->held);
            return root; /* no memory: straight to the output, as it comes */
        }
        l->held->out = l->mem;
        l->held->len = 0;
        l->rc.ob = l->held;
    }
    return &root->lanes[root->nlanes++].rc;
}

static int w_finish(void *ctx, size_t choice, llmj_finish finish, const char *raw, size_t raw_len)
{
    replay_ctx *root = ctx;
    (void)finish;
    (void)raw;
    (void)raw_len;
    if (skip_choice(ctx, choice))
        return 0;
    for (size_t i = 0; i < root->nlanes; i++)
        if (root->lanes[i].choice == choice) {
            root->lanes[i].finished = 1;
            if (i == root->live)
                lanes_advance(root);
            break;
        }
    return ob_failed(root->ob);
}

static int w_text(void *ctx, size_t choice, const char *text, size_t len)
{
    replay_ctx *rc = lane_rc(ctx, choice);
    if (!rc)
        return 0;
    watch_section(rc, 1, choice, LLMJ_NO_TOOL, NULL, 0);
    watch_write(rc, text, len);
    return ob_failed(rc->ob);
}

static int w_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    replay_ctx *rc = lane_rc(ctx, choice);
    if (!rc)
        return 0;
    watch_section(rc, 2, choice, LLMJ_NO_TOOL, NULL, 0);
    watch_write(rc, text, len);
    return ob_failed(rc->ob);
}

static int w_reasoning(void *ctx, size_t choice, const char *text, size_t len)
{
    replay_ctx *rc = lane_rc(ctx, choice);
    if (!rc)
        return 0;
    watch_section(rc, 4, choice, LLMJ_NO_TOOL, NULL, 0);
    watch_write(rc, text, len);
    return ob_failed(rc->ob);
}

static int w_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len,
                        const char *name, size_t name_len)
{
    replay_ctx *rc = lane_rc(ctx, choice);
    if (!rc)
        return 0;
    (void)id;
    (void)id_len;
    watch_section(rc, 3, choice, tool, name, name_len);
    return ob_failed(rc->ob);
}

static int w_tool_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    replay_ctx *rc = lane_rc(ctx, choice);
    if (!rc)
        return 0;
    watch_section(rc, 3, choice, tool, NULL, 0);
    watch_write(rc, text, len);
    return ob_failed(rc->ob);
}

/* A tool the provider ran: one line under its own heading, when it begins
 * and when its status changes. */
static int w_server_tool(void *ctx, size_t choice, const llmj_server_tool_info *v)
{
    replay_ctx *rc = lane_rc(ctx, choice);
    if (!rc)
        return 0;
    watch_section(rc, 5, choice, v->index, NULL, 0);
    ob_put(rc->ob, v->type, v->type_len);
    if (v->name_len) {
        OB_LIT(rc->ob, " ");
        ob_put(rc->ob, v->name, v->name_len);
    }
    if (v->status_len) {
        OB_LIT(rc->ob, ": ");
        ob_put(rc->ob, v->status, v->status_len);
    }
    OB_LIT(rc->ob, "\n");
    rc->at_bol = 1;
    return ob_failed(rc->ob);
}

static const llmj_stream_callbacks watch_callbacks = {
    .text = w_text,
    .refusal = w_refusal,
    .tool_begin = w_tool_begin,
    .tool_args = w_tool_args,
    .reasoning = w_reasoning,
    .server_tool = w_server_tool,
    .finish = w_finish,
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
    case LLMJ_NOT_A_STREAM:
    case LLMJ_UNKNOWN_DIALECT: worse(&worst, LLMJ_TEXT_INVALID); break;
    case LLMJ_SSE_CUT:
    case LLMJ_TRUNCATED:
    case LLMJ_PROVIDER_ERROR: worse(&worst, LLMJ_TEXT_TRUNCATED); break;
    default: break;
    }
    return worst;
}

/* Did the provider report an error: in the stream, or as a choice's finish
 * reason ("error", Responses' "failed", Gemini's MALFORMED_FUNCTION_CALL)? */
static int provider_failed(const llmj_stream *s)
{
    if (llmj_stream_provider_error(s))
        return 1;
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info ci;
        if (llmj_stream_choice(s, i, &ci) == LLMJ_OK && ci.finish == LLMJ_FINISH_ERROR)
            return 1;
    }
    return 0;
}

/* Did the model refuse (refusal text, finish "refusal") or a filter stop
 * the content (finish "content_filter": OpenAI's filter, Gemini's SAFETY and
 * blocked prompt, Responses' content_filter)? */
static int refused(const llmj_stream *s)
{
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info ci;
        if (llmj_stream_choice(s, i, &ci) == LLMJ_OK &&
            (ci.refusal || ci.finish == LLMJ_FINISH_REFUSAL ||
             ci.finish == LLMJ_FINISH_CONTENT_FILTER))
            return 1;
    }
    return 0;
}

/* The exit status of a finished stream: the provider's error 6, a refusal
 * or content filter 9, else the worst text's (in cli_exit_worst's order). */
/* The first schema violation of text (ci, ti), or NULL (no schema, none). */
static const llmj_schema_violation *violation_of(const llmj_stream *s, size_t ci, size_t ti)
{
    llmj_schema_result r;
    llmj_tracker *t = llmj_stream_tracker(s, ci, ti);
    return t && llmj_tracker_schema_result(t, &r) == LLMJ_OK ? r.violation : NULL;
}

/* One diagnostic per text that violates its schema; 1 when there was one. */
static int schema_violations(const llmj_stream *s, const char *name)
{
    int any = 0;
    size_t nch = llmj_stream_choice_count(s);
    for (size_t ci = 0; ci < nch; ci++) {
        llmj_choice_info info;
        if (llmj_stream_choice(s, ci, &info) != LLMJ_OK)
            continue;
        for (size_t ti = 0; ti <= info.tool_count; ti++) {
            size_t tool = ti == info.tool_count ? LLMJ_NO_TOOL : ti;
            const llmj_schema_violation *v = violation_of(s, ci, tool);
            if (!v)
                continue;
            any = 1;
            if (!name)
                continue;
            char msg[512];
            if (tool == LLMJ_NO_TOOL)
                snprintf(msg, sizeof msg, "choice %zu: %s: %s (at %s)", info.index, v->keyword,
                         v->message, v->pointer[0] ? v->pointer : "the root");
            else
                snprintf(msg, sizeof msg, "choice %zu, tool call %zu: %s: %s (at %s)", info.index,
                         tool, v->keyword, v->message, v->pointer[0] ? v->pointer : "the root");
            /* line and column in that text, not in the stream */
            cli_diag(name, v->line, v->column, v->offset, "schema violation", msg);
        }
    }
    return any;
}

static int verdict(const llmj_stream *s, llmj_text_status worst)
{
    int e = cli_exit_status(worst);
    if (schema_violations(s, NULL))
        e = cli_exit_worst(e, CLI_EXIT_SCHEMA);
    if (refused(s))
        e = cli_exit_worst(e, CLI_EXIT_REFUSED);
    if (provider_failed(s))
        e = cli_exit_worst(e, CLI_EXIT_PROVIDER);
    return e;
}

/* ,"stream_complete":B,"verdict":V}\n: the end of the report and of the end
 * event. stream_complete: the stream itself ended as it should (status ok:
 * its end marker, every finish reason, nothing cut, lost or reported as an
 * error), whatever its texts hold; verdict: the exit status's word. */
static void put_tail(outbuf *o, const llmj_stream *s, int exit_status)
{
    if (llmj_stream_status(s) == LLMJ_OK)
        OB_LIT(o, ",\"stream_complete\":true");
    else
        OB_LIT(o, ",\"stream_complete\":false");
    OB_LIT(o, ",\"verdict\":");
    ob_cjson(o, cli_exit_word(exit_status));
    OB_LIT(o, "}\n");
}

/* The salvage object of a JSON text (the shared printer), or null. -1 when
 * it cannot be made. */
static int put_salvage(outbuf *o, llmj_stream *s, size_t ci, size_t ti, llmj_salvage_mode mode)
{
    if (!llmj_stream_tracker(s, ci, ti)) {
        OB_LIT(o, "null");
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
    ob_flush(o);
    llmj_tracker *t = llmj_stream_tracker(s, ci, ti);
    llmj_schema_result r;
    /* --schema / --tool-schema: the text's verdict, as repair --schema prints it */
    return cli_print_report_schema(o->out, &sv, text, len,
                                   llmj_tracker_schema_result(t, &r) == LLMJ_OK ? t : NULL);
}

/* ,"reasoning":{"text":..,"signature":..|null,"redacted":N}, only for a
 * choice with reasoning. */
static void put_reasoning(outbuf *o, const llmj_stream *s, size_t ci)
{
    llmj_reasoning_info ri;
    if (llmj_stream_reasoning(s, ci, &ri) != LLMJ_OK || !ri.present)
        return;
    OB_LIT(o, ",\"reasoning\":{\"text\":");
    ob_str(o, ri.text, ri.text_len);
    OB_LIT(o, ",\"signature\":");
    if (ri.signature)
        ob_str(o, ri.signature, ri.signature_len);
    else
        OB_LIT(o, "null");
    OB_LIT(o, ",\"redacted\":");
    ob_u64(o, ri.redacted);
    OB_LIT(o, "}");
}

/* A tool call's appended fields, only where they say something: its type
 * when not a function, free-text input, its thought signature. */
static void put_tool_extras(outbuf *o, const llmj_tool_info *ti)
{
    if (!(ti->type_len == 8 && memcmp(ti->type, "function", 8) == 0)) {
        OB_LIT(o, ",\"type\":");
        ob_str(o, ti->type, ti->type_len);
    }
    if (ti->text_input)
        OB_LIT(o, ",\"text_input\":true");
    if (ti->signature) {
        OB_LIT(o, ",\"signature\":");
        ob_str(o, ti->signature, ti->signature_len);
    }
}

/* A choice's extras, each only when the provider sent it:
 * ,"stop_sequence":..,"logprobs":[..],"citations":[..],"server_tools":[..] */
static void put_choice_extras(outbuf *o, const llmj_stream *s, size_t ci)
{
    llmj_choice_extras x;
    if (llmj_stream_extras(s, ci, &x) != LLMJ_OK)
        return;
    if (x.stop_sequence) {
        OB_LIT(o, ",\"stop_sequence\":");
        ob_str(o, x.stop_sequence, x.stop_sequence_len);
    }
    if (x.logprobs) {
        OB_LIT(o, ",\"logprobs\":");
        ob_put(o, x.logprobs, x.logprobs_len); /* the provider's JSON, as sent */
    }
    if (x.citation_count) {
        OB_LIT(o, ",\"citations\":[");
        for (size_t i = 0; i < x.citation_count; i++) {
            llmj_citation_info v;
            llmj_stream_citation(s, ci, i, &v);
            if (i)
                OB_LIT(o, ",");
            put_citation(o, &v);
        }
        OB_LIT(o, "]");
    }
    if (x.server_tool_count) {
        OB_LIT(o, ",\"server_tools\":[");
        for (size_t i = 0; i < x.server_tool_count; i++) {
            llmj_server_tool_info v;
            llmj_stream_server_tool(s, ci, i, &v);
            if (i)
                OB_LIT(o, ",");
            put_server_tool(o, &v);
        }
        OB_LIT(o, "]");
    }
}

static int put_report(outbuf *o, llmj_stream *s, int greedy, int exit_status)
{
    llmj_salvage_mode mode = greedy ? LLMJ_SALVAGE_GREEDY : LLMJ_SALVAGE_LOSSLESS;
    OB_LIT(o, "{\"dialect\":");
    ob_cjson(o, llmj_dialect_name(llmj_stream_dialect(s)));
    OB_LIT(o, ",\"status\":");
    ob_cjson(o, status_word(llmj_stream_status(s)));
    OB_LIT(o, ",\"events\":");
    ob_u64(o, llmj_stream_events(s));
    OB_LIT(o, ",\"bad_events\":");
    ob_u64(o, llmj_stream_bad_events(s));
    OB_LIT(o, ",\"choices\":[");
    size_t n = llmj_stream_choice_count(s);
    for (size_t i = 0; i < n; i++) {
        llmj_choice_info ci;
        llmj_stream_choice(s, i, &ci);
        if (i)
            OB_LIT(o, ",");
        OB_LIT(o, "{\"index\":");
        ob_u64(o, ci.index);
        OB_LIT(o, ",\"finish_reason\":");
        ob_cjson(o, llmj_finish_name(ci.finish));
        OB_LIT(o, ",\"finish_reason_raw\":");
        if (ci.finish_raw)
            ob_str(o, ci.finish_raw, ci.finish_raw_len);
        else
            OB_LIT(o, "null");
        OB_LIT(o, ",\"content\":");
        ob_str(o, ci.content, ci.content_len);
        OB_LIT(o, ",\"refusal\":");
        if (ci.refusal)
            ob_str(o, ci.refusal, ci.refusal_len);
        else
            OB_LIT(o, "null");
        put_reasoning(o, s, i);
        put_choice_extras(o, s, i);
        if (ci.json == 1)
            OB_LIT(o, ",\"json\":true");
        else
            OB_LIT(o, ",\"json\":false");
        if (ci.complete)
            OB_LIT(o, ",\"complete\":true");
        else
            OB_LIT(o, ",\"complete\":false");
        put_lost(o, ci.lost_events, ci.lost_offset);
        OB_LIT(o, ",\"salvage\":");
        if (put_salvage(o, s, i, LLMJ_NO_TOOL, mode))
            return -1;
        OB_LIT(o, ",\"tool_calls\":[");
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            llmj_stream_tool(s, i, j, &ti);
            if (j)
                OB_LIT(o, ",");
            OB_LIT(o, "{\"index\":");
            ob_u64(o, ti.index);
            OB_LIT(o, ",\"id\":");
            ob_str(o, ti.id, ti.id_len);
            OB_LIT(o, ",\"name\":");
            ob_str(o, ti.name, ti.name_len);
            put_tool_extras(o, &ti);
            OB_LIT(o, ",\"arguments\":");
            ob_str(o, ti.arguments, ti.arguments_len);
            if (ti.complete)
                OB_LIT(o, ",\"complete\":true");
            else
                OB_LIT(o, ",\"complete\":false");
            put_lost(o, ti.lost_events, ti.lost_offset);
            OB_LIT(o, ",\"salvage\":");
            if (put_salvage(o, s, i, j, mode))
                return -1;
            OB_LIT(o, "}");
        }
        OB_LIT(o, "]}");
    }
    OB_LIT(o, "],\"usage\":");
    put_usage(o, llmj_stream_usage(s));
    if (llmj_stream_service_tier(s)) {
        OB_LIT(o, ",\"service_tier\":");
        ob_cjson(o, llmj_stream_service_tier(s));
    }
    OB_LIT(o, ",\"error\":");
    put_stream_error(o, s);
    put_tail(o, s, exit_status);
    ob_flush(o);
    return ferror(o->out) ? -1 : 0;
}

/* The last line of --events. worst_text: the worst text's status (a text
 * that did not end normally counts as truncated). */
static void put_end_event(outbuf *o, const llmj_stream *s, llmj_text_status worst,
                          int exit_status)
{
    OB_LIT(o, "{\"event\":\"end\",\"dialect\":");
    ob_cjson(o, llmj_dialect_name(llmj_stream_dialect(s)));
    OB_LIT(o, ",\"status\":");
    ob_cjson(o, status_word(llmj_stream_status(s)));
    OB_LIT(o, ",\"worst_text\":");
    ob_cjson(o, llmj_text_status_name(worst));
    OB_LIT(o, ",\"error\":");
    put_stream_error(o, s);
    put_tail(o, s, exit_status);
    ob_flush(o);
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
        /* the provider's own word of a filter or an error (SAFETY, failed) */
        const char *fname = llmj_finish_name(ci.finish);
        if ((ci.finish == LLMJ_FINISH_CONTENT_FILTER || ci.finish == LLMJ_FINISH_ERROR) &&
            ci.finish_raw && ci.finish_raw_len &&
            !(ci.finish_raw_len == strlen(fname) && memcmp(ci.finish_raw, fname, ci.finish_raw_len) == 0))
            fprintf(e, " (%.*s)", (int)(ci.finish_raw_len > 64 ? 64 : ci.finish_raw_len),
                    ci.finish_raw);
        fprintf(e, ", %s %s", ci.json == 1 ? "json" : "text", text_word(ci.status, ci.complete));
        if (ci.lost_events)
            fprintf(e, " (%llu lost events, the first at byte %llu)",
                    (unsigned long long)ci.lost_events, (unsigned long long)ci.lost_offset);
        if (ci.refusal)
            fprintf(e, ", refusal %s", ci.complete ? "complete" : "truncated");
        for (size_t j = 0; j < ci.tool_count; j++) {
            llmj_tool_info ti;
            llmj_stream_tool(s, i, j, &ti);
            fprintf(e, ", tool call %zu %.*s %s", ti.index, (int)(ti.name_len > 64 ? 64 : ti.name_len),
                    ti.name, text_word(ti.status, ti.complete));
            if (ti.lost_events)
                fprintf(e, " (%llu lost events, the first at byte %llu)",
                        (unsigned long long)ti.lost_events, (unsigned long long)ti.lost_offset);
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

/* ---- the shared output (cli.h) ------------------------------------------- */

struct cli_replay_out {
    replay_ctx rc; /* first: the callbacks' ctx is the cli_replay_out itself */
    cli_replay_mode mode;
    int greedy;
    outbuf ob;
};

cli_replay_out *cli_replay_out_new(FILE *out, cli_replay_mode mode, int greedy)
{
    cli_replay_out *ro = malloc(sizeof *ro);
    if (ro == NULL)
        return NULL;
    memset(&ro->rc, 0, sizeof ro->rc);
    ro->rc.at_bol = 1;
    ro->rc.plain_ok = 1;
    ro->rc.only = SIZE_MAX;
    ro->rc.live = SIZE_MAX;
    ro->rc.ob = &ro->ob;
    ro->ob.out = out;
    ro->ob.len = 0;
    ro->mode = mode;
    ro->greedy = greedy;
    return ro;
}

void cli_replay_out_free(cli_replay_out *ro)
{
    if (ro == NULL)
        return;
    ob_flush(&ro->ob);
    lanes_free(&ro->rc);
    free(ro);
}

void cli_replay_set_choice(cli_replay_out *ro, size_t index)
{
    ro->rc.only = index;
}

const llmj_stream_callbacks *cli_replay_callbacks(const cli_replay_out *ro)
{
    return ro->mode == CLI_REPLAY_EVENTS  ? &events_callbacks
           : ro->mode == CLI_REPLAY_WATCH ? &watch_callbacks
                                          : NULL;
}

void cli_replay_flush(cli_replay_out *ro)
{
    if (ro->mode != CLI_REPLAY_REPORT) {
        ob_flush(&ro->ob); /* what was decoded so far shows now */
        fflush(ro->ob.out);
    }
}

int cli_replay_end(cli_replay_out *ro, llmj_stream *s, const char *name)
{
    llmj_text_status worst = worst_status(s);
    int exit_status = verdict(s, worst);
    /* input that is no stream: one diagnostic, as for any invalid input */
    const llmj_error *er = llmj_stream_error(s);
    int no_stream = llmj_stream_status(s) == LLMJ_NOT_A_STREAM;
    if (ro->mode == CLI_REPLAY_REPORT) {
        if (put_report(&ro->ob, s, ro->greedy, exit_status) != 0)
            return CLI_EXIT_FAILURE;
    } else if (ro->mode == CLI_REPLAY_EVENTS) {
        put_end_event(&ro->ob, s, worst, exit_status);
    } else {
        lanes_flush(&ro->rc);
        if (!ro->rc.at_bol)
            OB_LIT(&ro->ob, "\n");
        ob_flush(&ro->ob);
        fflush(ro->ob.out);
        if (!no_stream)
            summary(name, s);
    }
    if (no_stream)
        cli_diag(name, er->line, er->column, er->offset, "invalid", er->message);
    schema_violations(s, name);
    return exit_status;
}

void cli_replay_opts_init(cli_replay_opts *o)
{
    memset(o, 0, sizeof *o);
    llmj_config_init(&o->cfg);
    o->dialect = LLMJ_DIALECT_AUTO;
    o->content = LLMJ_CONTENT_AUTO;
    o->mode = CLI_REPLAY_WATCH;
}

int cli_replay_option(const char *cmd, int argc, char **argv, int *i, cli_replay_opts *o)
{
    const char *a = argv[*i];
    const char *v;
    int r;
    if (strcmp(a, "--json") == 0)
        o->content = LLMJ_CONTENT_JSON;
    else if (strcmp(a, "--text") == 0)
        o->content = LLMJ_CONTENT_TEXT;
    else if (strcmp(a, "--greedy") == 0)
        o->greedy = 1;
    else if (strcmp(a, "--events") == 0 || strcmp(a, "--report") == 0) {
        cli_replay_mode m = a[2] == 'e' ? CLI_REPLAY_EVENTS : CLI_REPLAY_REPORT;
        if (o->mode != CLI_REPLAY_WATCH && o->mode != m) {
            cli_usage_error(cmd, "--events and --report do not go together (one JSON object per "
                                 "event, or one at the end)");
            return -1;
        }
        o->mode = m;
    } else if ((r = cli_schema_option(cmd, argc, argv, i, &o->schema_path)) != 0) {
        if (r < 0)
            return -1;
    } else if ((r = cli_option_value(cmd, argc, argv, i, "--tool-schema", &v)) != 0) {
        if (r < 0)
            return -1;
        const char *eq = strchr(v, '=');
        if (!eq || eq == v || !eq[1]) {
            cli_usage_error(cmd, "--tool-schema takes NAME=FILE, not '%s'", v);
            return -1;
        }
        if (o->ntool_schemas == CLI_MAX_TOOL_SCHEMAS) {
            cli_usage_error(cmd, "at most %d --tool-schema options", CLI_MAX_TOOL_SCHEMAS);
            return -1;
        }
        o->tool_schema[o->ntool_schemas++] = v;
    } else if ((r = cli_option_value(cmd, argc, argv, i, "--dialect", &v)) != 0) {
        if (r < 0)
            return -1;
        if (llmj_dialect_from_name(v, &o->dialect) != LLMJ_OK) {
            cli_usage_error(cmd, "unknown dialect '%s' (openai, responses, anthropic, "
                                 "gemini, ollama or auto)", v);
            return -1;
        }
    } else if ((r = cli_limit_option(cmd, argc, argv, i, &o->cfg)) != 0) {
        return r < 0 ? -1 : 1;
    } else {
        return 0;
    }
    return 1;
}

/* ---- options and the run ------------------------------------------------ */

static int parse_args(int argc, char **argv, replay_opts *o)
{
    const char *cmd = argv[0];
    int operands_only = 0;

    memset(o, 0, sizeof *o);
    cli_replay_opts_init(&o->r);
    cli_live_args_init(&o->live);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r;
        if (!operands_only && cli_is_option(a)) {
            if (strcmp(a, "--") == 0) {
                operands_only = 1;
                continue;
            }
            if ((r = cli_replay_option(cmd, argc, argv, &i, &o->r)) != 0) {
                if (r < 0)
                    return -1;
            } else if ((r = cli_size_option(cmd, argc, argv, &i, "--chunk", 1, &o->chunk)) != 0) {
                if (r < 0)
                    return -1;
            } else if ((r = cli_live_option(cmd, argc, argv, &i, &o->live)) != 0) {
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
    if (o.live.live)
        return cli_live_replay(&o.r, &o.live, o.path);

    cli_stream_schemas ss;
    if (cli_stream_schemas_load(&ss, &o.r) != 0)
        return CLI_EXIT_FAILURE;
    cli_replay_out *ro = cli_replay_out_new(stdout, o.r.mode, o.r.greedy);
    if (ro == NULL) {
        cli_stream_schemas_free(&ss);
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    cli_replay_set_choice(ro, o.live.choice);
    llmj_stream *s = NULL;
    llmj_status st = llmj_stream_new(&s, &o.r.cfg, o.r.dialect, o.r.content, cli_replay_callbacks(ro), ro);
    if (st != LLMJ_OK) {
        cli_replay_out_free(ro);
        cli_stream_schemas_free(&ss);
        if (st == LLMJ_BAD_OPTION)
            return cli_usage_error(cmd, "option out of range: %s", llmj_strerror(st));
        cli_error("%s", llmj_strerror(st));
        return CLI_EXIT_FAILURE;
    }
    if (cli_stream_schemas_attach(&ss, &o.r, s) != 0) {
        llmj_stream_free(s);
        cli_replay_out_free(ro);
        cli_stream_schemas_free(&ss);
        return CLI_EXIT_FAILURE;
    }

    cli_input in;
    if (cli_input_open(&in, o.path) != 0) {
        llmj_stream_free(s);
        cli_replay_out_free(ro);
        cli_stream_schemas_free(&ss);
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
        cli_replay_flush(ro);
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
    status = cli_replay_end(ro, s, in.name);
out:
    cli_replay_out_free(ro);
    free(buf);
    cli_input_close(&in);
    llmj_stream_free(s);
    cli_stream_schemas_free(&ss);
    return status;
}

const cli_command cli_cmd_replay = {
    "replay", run, "decode a recorded response stream: its text, events, or a report",
    replay_help, replay_help_more};
