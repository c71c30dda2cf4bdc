/* llmjson tool — the live terminal view (live.h).
 *
 * Every update builds the whole frame (the answer pretty-printed from the
 * stream's partial documents, wrapped to the terminal's width, then a status
 * line) as rows, and rewrites only the rows that differ from the last frame,
 * in one write with the cursor hidden: no flicker at hundreds of updates a
 * second. The frame keeps to the terminal's height (the last rows show).
 * Without a terminal the view prints one plain line per complete value. */
#define _DEFAULT_SOURCE /* ioctl TIOCGWINSZ */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "live.h"
#include "unicode.h" /* llmj__esc_json */

typedef struct rowset {
    char **v;
    size_t n, cap;
} rowset;

struct cli_live {
    FILE *out;
    cli_live_opts o;
    llmj_stream *s;
    uint64_t events;
    double t0, last;
    rowset prev;
    size_t drawn;  /* rows on screen from the last frame */
    int final;     /* the stream has ended: mark what was cut */
    /* the row being built */
    char *row;
    size_t rlen, rcap;
    int col;
    const char *color; /* the colour open in the row ("" none) */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_live_opts_init(cli_live_opts *o, FILE *out)
{
    memset(o, 0, sizeof *o);
    o->choice = SIZE_MAX;
    o->tty = isatty(fileno(out));
    const char *nc = getenv("NO_COLOR");
    o->color = o->tty && !(nc && *nc);
    llmj_config cfg;
    llmj_config_init(&cfg);
    o->whitespace_limit = cfg.whitespace_limit;
    o->whitespace_indent = cfg.whitespace_indent;
    o->width = 80;
    o->height = 24;
    struct winsize ws;
    if (o->tty && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        o->width = ws.ws_col;
        o->height = ws.ws_row;
    }
    const char *c = getenv("COLUMNS"), *l = getenv("LINES");
    if (c && atoi(c) > 0)
        o->width = atoi(c);
    if (l && atoi(l) > 0)
        o->height = atoi(l);
    if (o->width < 20)
        o->width = 20;
    if (o->height < 4)
        o->height = 4;
}

/* ---- rows ------------------------------------------------------------------ */

static void die_nomem(void)
{
    cli_error("out of memory");
    exit(CLI_EXIT_FAILURE);
}

static void raw(cli_live *v, const char *p, size_t n)
{
    if (v->rlen + n + 1 > v->rcap) {
        size_t cap = (v->rlen + n + 1) * 2;
        char *r = realloc(v->row, cap);
        if (!r)
            die_nomem();
        v->row = r;
        v->rcap = cap;
    }
    memcpy(v->row + v->rlen, p, n);
    v->rlen += n;
    v->row[v->rlen] = '\0';
}

static void rows_add(rowset *rs, char *row)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        char **p = realloc(rs->v, cap * sizeof *p);
        if (!p)
            die_nomem();
        rs->v = p;
        rs->cap = cap;
    }
    rs->v[rs->n++] = row;
}

static void rows_free(rowset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i]);
    free(rs->v);
    memset(rs, 0, sizeof *rs);
}

static void end_row(cli_live *v, rowset *rs)
{
    if (*v->color)
        raw(v, "\033[0m", 4);
    raw(v, "", 0);
    char *r = strdup(v->row);
    if (!r)
        die_nomem();
    rows_add(rs, r);
    v->rlen = 0;
    v->row[0] = '\0';
    v->col = 0;
    if (*v->color)
        raw(v, v->color, strlen(v->color));
}

static void set_color(cli_live *v, const char *c)
{
    if (!v->o.color)
        return;
    if (*v->color)
        raw(v, "\033[0m", 4);
    v->color = c;
    if (*c)
        raw(v, c, strlen(c));
}

/* Visible text, wrapped at the width (counted in code points). */
static void text(cli_live *v, rowset *rs, const char *p, size_t n)
{
    int wrap = v->o.width - 1;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        while (i + k < n && ((unsigned char)p[i + k] & 0xC0) == 0x80)
            k++;
        if (v->col >= wrap)
            end_row(v, rs);
        raw(v, p + i, k);
        v->col++;
        i += k;
    }
}

static void text_s(cli_live *v, rowset *rs, const char *s)
{
    text(v, rs, s, strlen(s));
}

static void newline(cli_live *v, rowset *rs)
{
    set_color(v, "");
    end_row(v, rs);
}

/* A JSON string's inside, escaped as JSON (one row stays one row). */
static void json_chars(cli_live *v, rowset *rs, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[8];
        size_t m = llmj__esc_json(e, c);
        if (m) {
            text(v, rs, e, m);
        } else {
            size_t k = 1;
            while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
                k++;
            text(v, rs, s + i, k);
            i += k - 1;
        }
    }
}

#define C_KEY "\033[36m"
#define C_STR "\033[32m"
#define C_NUM "\033[33m"
#define C_LIT "\033[35m"
#define C_DIM "\033[2m"
#define C_HEAD "\033[1m"
#define C_BAR "\033[7m"

static void indent(cli_live *v, rowset *rs, size_t depth)
{
    for (size_t i = 0; i < depth; i++)
        text(v, rs, "  ", 2);
}

static void cut_mark(cli_live *v, rowset *rs)
{
    set_color(v, C_DIM);
    text_s(v, rs, v->final ? "  \xe2\x86\x90 cut" : "\xe2\x96\x8c"); /* "← cut" or "▌" */
    set_color(v, "");
}

/* The value at node n, pretty-printed from the current row on. */
static void value(cli_live *v, rowset *rs, const llmj_doc *d, llmj_node n, size_t depth)
{
    llmj_doc_type t = llmj_doc_type_of(d, n);
    size_t len;
    const char *s = llmj_doc_text(d, n, &len);
    if (t == LLMJ_DOC_OBJECT || t == LLMJ_DOC_ARRAY) {
        int obj = t == LLMJ_DOC_OBJECT;
        text_s(v, rs, obj ? "{" : "[");
        llmj_node c = llmj_doc_first(d, n);
        int open = llmj_doc_is_open(d, n);
        if (c == LLMJ_DOC_NONE && !open) {
            text_s(v, rs, obj ? "}" : "]");
            return;
        }
        if (c == LLMJ_DOC_NONE && open) {
            cut_mark(v, rs);
            return;
        }
        for (; c != LLMJ_DOC_NONE; c = llmj_doc_next(d, c)) {
            newline(v, rs);
            indent(v, rs, depth + 1);
            if (obj) {
                size_t kl;
                const char *k = llmj_doc_key(d, c, &kl);
                set_color(v, C_KEY);
                text_s(v, rs, "\"");
                json_chars(v, rs, k, kl);
                text_s(v, rs, "\"");
                set_color(v, "");
                text_s(v, rs, ": ");
            }
            value(v, rs, d, c, depth + 1);
            if (llmj_doc_next(d, c) != LLMJ_DOC_NONE)
                text_s(v, rs, ",");
        }
        if (open) {
            if (!v->final)
                return; /* still arriving */
            newline(v, rs);
            indent(v, rs, depth);
            set_color(v, C_DIM);
            text_s(v, rs, obj ? "}" : "]");
            cut_mark(v, rs);
            return;
        }
        newline(v, rs);
        indent(v, rs, depth);
        text_s(v, rs, obj ? "}" : "]");
        return;
    }
    if (t == LLMJ_DOC_STRING) {
        set_color(v, C_STR);
        text_s(v, rs, "\"");
        json_chars(v, rs, s, len);
        if (llmj_doc_is_open(d, n)) {
            if (v->final)
                text_s(v, rs, "\"");
            set_color(v, "");
            cut_mark(v, rs);
            return;
        }
        text_s(v, rs, "\"");
        set_color(v, "");
        return;
    }
    set_color(v, t == LLMJ_DOC_NUMBER ? C_NUM : C_LIT);
    text(v, rs, s, len);
    set_color(v, "");
}

static void heading(cli_live *v, rowset *rs, const char *h)
{
    set_color(v, C_HEAD);
    text_s(v, rs, h);
    newline(v, rs);
}

static int shown(const cli_live *v, size_t index)
{
    return v->o.choice == SIZE_MAX || v->o.choice == index;
}

/* A plain text, its lines wrapped. */
static void plain_block(cli_live *v, rowset *rs, const char *plain, size_t plain_len)
{
    for (size_t i = 0; i < plain_len;) {
        size_t e = i;
        while (e < plain_len && plain[e] != '\n')
            e++;
        text(v, rs, plain + i, e - i);
        newline(v, rs);
        i = e + 1;
    }
}

/* One text: its document, or the text itself when it is not JSON. */
static void block(cli_live *v, rowset *rs, size_t ci, size_t ti, const char *plain,
                  size_t plain_len)
{
    llmj_doc *d = NULL;
    if (llmj_stream_tracker(v->s, ci, ti) && llmj_stream_doc(v->s, ci, ti, &d) == LLMJ_OK) {
        llmj_node r = llmj_doc_root(d);
        if (r != LLMJ_DOC_NONE) {
            value(v, rs, d, r, 0);
            newline(v, rs);
        }
        return;
    }
    plain_block(v, rs, plain, plain_len);
}

static void status_line(cli_live *v, rowset *rs)
{
    char buf[256];
    double dt = now_s() - v->t0;
    size_t depth = 0;
    uint64_t wsrun = 0;
    const char *finish = "-";
    size_t nch = llmj_stream_choice_count(v->s);
    for (size_t ci = 0; ci < nch; ci++) {
        llmj_choice_info info;
        if (llmj_stream_choice(v->s, ci, &info) != LLMJ_OK || !shown(v, info.index))
            continue;
        llmj_tracker *t = llmj_stream_tracker(v->s, ci, LLMJ_NO_TOOL);
        if (t) {
            depth = llmj_tracker_depth(t);
            wsrun = llmj_tracker_whitespace_run(t);
        }
        if (info.finish != LLMJ_FINISH_NONE)
            finish = llmj_finish_name(info.finish);
        break;
    }
    /* the run's limit: a whitespace run leaves the depth as it was at its
     * first byte, so the depth now is the one the limit grows with */
    char limit[32] = "off";
    if (v->o.whitespace_limit)
        snprintf(limit, sizeof limit, "%zu",
                 v->o.whitespace_limit + v->o.whitespace_indent * depth);
    snprintf(buf, sizeof buf, " %" PRIu64 " bytes  %.0f events/s  depth %zu  whitespace %" PRIu64
             "/%s  finish %s ",
             llmj_stream_bytes(v->s), dt > 0 ? (double)v->events / dt : 0.0, depth, wsrun,
             limit, finish);
    set_color(v, C_BAR);
    text_s(v, rs, buf);
    newline(v, rs);
}

static void build(cli_live *v, rowset *rs)
{
    v->rlen = 0;
    raw(v, "", 0);
    v->col = 0;
    v->color = "";
    size_t nch = llmj_stream_choice_count(v->s), nshown = 0;
    for (size_t ci = 0; ci < nch; ci++) {
        llmj_choice_info info;
        if (llmj_stream_choice(v->s, ci, &info) == LLMJ_OK && shown(v, info.index))
            nshown++;
    }
    char h[160];
    for (size_t ci = 0; ci < nch; ci++) {
        llmj_choice_info info;
        if (llmj_stream_choice(v->s, ci, &info) != LLMJ_OK || !shown(v, info.index))
            continue;
        if (nshown > 1) {
            snprintf(h, sizeof h, "-- choice %zu --", info.index);
            heading(v, rs, h);
        }
        /* reasoning apart from the answer, dimmed, above it */
        llmj_reasoning_info ri;
        if (llmj_stream_reasoning(v->s, ci, &ri) == LLMJ_OK && ri.present) {
            heading(v, rs, "-- reasoning --");
            set_color(v, C_DIM);
            plain_block(v, rs, ri.text, ri.text_len);
            if (ri.redacted) {
                snprintf(h, sizeof h, "(%" PRIu64 " redacted part%s)", ri.redacted,
                         ri.redacted == 1 ? "" : "s");
                text_s(v, rs, h);
                newline(v, rs);
            }
            set_color(v, "");
            heading(v, rs, "-- answer --");
        }
        block(v, rs, ci, LLMJ_NO_TOOL, info.content, info.content_len);
        /* tools the provider ran: one line each, not calls to run */
        llmj_choice_extras x;
        if (llmj_stream_extras(v->s, ci, &x) == LLMJ_OK) {
            for (size_t k = 0; k < x.server_tool_count; k++) {
                llmj_server_tool_info st;
                if (llmj_stream_server_tool(v->s, ci, k, &st) != LLMJ_OK)
                    continue;
                snprintf(h, sizeof h, "-- server tool %zu: %.*s %.*s (%.*s) --", k,
                         (int)(st.type_len > 40 ? 40 : st.type_len), st.type,
                         (int)(st.name_len > 40 ? 40 : st.name_len), st.name,
                         (int)(st.status_len > 20 ? 20 : st.status_len), st.status);
                heading(v, rs, h);
            }
        }
        for (size_t ti = 0; ti < info.tool_count; ti++) {
            llmj_tool_info tool;
            if (llmj_stream_tool(v->s, ci, ti, &tool) != LLMJ_OK)
                continue;
            snprintf(h, sizeof h, "-- tool call %zu: %.*s --", ti,
                     (int)(tool.name_len > 100 ? 100 : tool.name_len), tool.name);
            heading(v, rs, h);
            block(v, rs, ci, ti, tool.arguments, tool.arguments_len);
        }
    }
    status_line(v, rs);
}

/* ---- drawing ----------------------------------------------------------------- */

static void draw(cli_live *v)
{
    rowset cur = { 0 };
    build(v, &cur);
    size_t keep = (size_t)v->o.height - 1;
    size_t from = cur.n > keep ? cur.n - keep : 0;
    size_t nnew = cur.n - from;
    char mv[32];
    fputs("\033[?25l", v->out);
    if (v->drawn) {
        snprintf(mv, sizeof mv, "\033[%zuA", v->drawn);
        fputs(mv, v->out);
    }
    fputs("\r", v->out);
    size_t nmax = nnew > v->drawn ? nnew : v->drawn;
    for (size_t i = 0; i < nmax; i++) {
        if (i < nnew) {
            const char *r = cur.v[from + i];
            /* on screen, row i showed prev.v[i] (the last frame's visible rows) */
            if (i >= v->prev.n || strcmp(v->prev.v[i], r) != 0) {
                fputs("\033[2K", v->out);
                fputs(r, v->out);
            }
        } else {
            fputs("\033[2K", v->out);
        }
        fputs("\n", v->out);
    }
    if (nmax > nnew) {
        snprintf(mv, sizeof mv, "\033[%zuA", nmax - nnew);
        fputs(mv, v->out);
    }
    fputs("\033[?25h", v->out);
    fflush(v->out);
    /* keep the visible rows for the next diff */
    for (size_t i = 0; i < from; i++)
        free(cur.v[i]);
    memmove(cur.v, cur.v + from, nnew * sizeof *cur.v);
    cur.n = nnew;
    rows_free(&v->prev);
    v->prev = cur;
    v->drawn = nnew;
}

/* ---- plain lines --------------------------------------------------------------- */

static int on_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    cli_live *v = ctx;
    v->events++;
    if (v->o.tty || !shown(v, choice))
        return 0;
    switch (ev->type) {
    case LLMJ_EV_STRING:
    case LLMJ_EV_NUMBER:
    case LLMJ_EV_TRUE:
    case LLMJ_EV_FALSE:
    case LLMJ_EV_NULL: {
        fprintf(v->out, "choice %zu", choice);
        if (tool != LLMJ_NO_TOOL)
            fprintf(v->out, " tool %zu", tool);
        fprintf(v->out, " %s = ", ev->pointer_len ? ev->pointer : "\"\"");
        if (ev->type == LLMJ_EV_STRING) {
            fputc('"', v->out);
            for (size_t i = 0; i < ev->len; i++) {
                char e[8];
                size_t m = llmj__esc_json(e, (unsigned char)ev->text[i]);
                if (m)
                    fwrite(e, 1, m, v->out);
                else
                    fputc(ev->text[i], v->out);
            }
            fputc('"', v->out);
        } else {
            fwrite(ev->text, 1, ev->len, v->out);
        }
        fputc('\n', v->out);
        break;
    }
    default:
        break;
    }
    return 0;
}

static const llmj_stream_callbacks k_cbs = { .json = on_json };

const llmj_stream_callbacks *cli_live_callbacks(void)
{
    return &k_cbs;
}

/* ---- life cycle ---------------------------------------------------------------- */

cli_live *cli_live_new(FILE *out, const cli_live_opts *o)
{
    cli_live *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->out = out;
    v->o = *o;
    v->t0 = now_s();
    v->last = -1;
    v->color = "";
    return v;
}

void cli_live_attach(cli_live *v, llmj_stream *s)
{
    v->s = s;
}

void cli_live_free(cli_live *v)
{
    if (!v)
        return;
    rows_free(&v->prev);
    free(v->row);
    free(v);
}

void cli_live_update(cli_live *v, int force)
{
    if (!v->o.tty)
        return;
    double t = now_s();
    if (!force && v->last >= 0 && t - v->last < 0.03)
        return;
    v->last = t;
    draw(v);
}

void cli_live_end(cli_live *v)
{
    v->final = 1;
    if (v->o.tty)
        draw(v);
    FILE *o = v->out;
    size_t nch = llmj_stream_choice_count(v->s);
    for (size_t ci = 0; ci < nch; ci++) {
        llmj_choice_info info;
        if (llmj_stream_choice(v->s, ci, &info) != LLMJ_OK || !shown(v, info.index))
            continue;
        for (size_t k = 0; k <= info.tool_count; k++) {
            size_t ti = k == 0 ? LLMJ_NO_TOOL : k - 1;
            llmj_salvage sv;
            const char *r;
            size_t rl;
            if (!llmj_stream_tracker(v->s, ci, ti) ||
                llmj_stream_repair(v->s, ci, ti, LLMJ_SALVAGE_GREEDY, &sv, &r, &rl) != LLMJ_OK)
                continue;
            fprintf(o, "%sverdict:%s choice %zu", v->o.color ? C_HEAD : "",
                    v->o.color ? "\033[0m" : "", info.index);
            if (ti != LLMJ_NO_TOOL)
                fprintf(o, " tool call %zu", ti);
            fprintf(o, ": %s, finish %s", llmj_text_status_name(sv.status),
                    llmj_finish_name(info.finish));
            if (sv.nclosed) {
                fputs("; cut:", o);
                for (size_t i = 0; i < sv.nclosed; i++) {
                    if (sv.closed_len[i])
                        fprintf(o, " %.*s", (int)sv.closed_len[i], sv.closed_pointer);
                    else
                        fputs(" \"\"", o);
                }
            }
            fputc('\n', o);
            /* the salvage compact (the document's JSON: the greedy repair
             * without its whitespace), so it fits under the view */
            llmj_doc *d;
            const char *j = r;
            size_t jl = rl;
            if (llmj_stream_doc(v->s, ci, ti, &d) != LLMJ_OK ||
                llmj_doc_json(d, LLMJ_DOC_NONE, &j, &jl) != LLMJ_OK) {
                j = r;
                jl = rl;
            }
            fprintf(o, "%ssalvage:%s %.*s\n", v->o.color ? C_HEAD : "",
                    v->o.color ? "\033[0m" : "", (int)jl, j);
        }
    }
    fflush(o);
}

/* ---- llmjson replay --live ------------------------------------------------------ */

static void pause_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

int cli_live_replay(const cli_replay_opts *r, const cli_live_args *la, const char *path)
{
    cli_live_opts lo;
    cli_live_opts_init(&lo, stdout);
    lo.choice = la->choice;
    lo.whitespace_limit = r->cfg.whitespace_limit;
    lo.whitespace_indent = r->cfg.whitespace_indent;
    cli_stream_schemas ss;
    if (cli_stream_schemas_load(&ss, r) != 0)
        return CLI_EXIT_FAILURE;
    cli_live *v = cli_live_new(stdout, &lo);
    cli_replay_out *ro = cli_replay_out_new(stdout, CLI_REPLAY_WATCH, r->greedy);
    if (!v || !ro) {
        cli_live_free(v);
        cli_replay_out_free(ro);
        cli_stream_schemas_free(&ss);
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    llmj_stream *s = NULL;
    llmj_status st = llmj_stream_new(&s, &r->cfg, r->dialect, r->content, cli_live_callbacks(), v);
    if (st == LLMJ_OK && cli_stream_schemas_attach(&ss, r, s) != 0) {
        llmj_stream_free(s);
        st = LLMJ_MISUSE;
    } else if (st != LLMJ_OK) {
        cli_error("%s", llmj_strerror(st));
    }
    if (st != LLMJ_OK) {
        cli_live_free(v);
        cli_replay_out_free(ro);
        cli_stream_schemas_free(&ss);
        return CLI_EXIT_FAILURE;
    }
    cli_live_attach(v, s);
    cli_input in;
    int status = CLI_EXIT_FAILURE;
    char *buf = malloc(CLI_READ_SIZE);
    if (!buf || cli_input_open(&in, path) != 0) {
        if (!buf)
            cli_error("out of memory");
        free(buf);
        llmj_stream_free(s);
        cli_live_free(v);
        cli_replay_out_free(ro);
        cli_stream_schemas_free(&ss);
        return CLI_EXIT_FAILURE;
    }
    st = LLMJ_OK;
    int at_bol = 1;
    while (st == LLMJ_OK) {
        int err = 0;
        size_t n = cli_input_read(&in, buf, CLI_READ_SIZE, &err);
        if (err)
            goto out;
        if (n == 0)
            break;
        if (!la->pace_ms) {
            st = llmj_stream_feed(s, buf, n);
            cli_live_update(v, 0);
            continue;
        }
        /* paced: one line at a time, a pause after each event (a blank line
         * ends an SSE event; an NDJSON line is one) */
        for (size_t p = 0; p < n && st == LLMJ_OK;) {
            size_t e = p;
            while (e < n && buf[e] != '\n')
                e++;
            if (e < n)
                e++;
            int blank = at_bol && (buf[p] == '\n' || (buf[p] == '\r' && p + 1 < e));
            int ndjson = at_bol && buf[p] == '{';
            st = llmj_stream_feed(s, buf + p, e - p);
            at_bol = buf[e - 1] == '\n';
            if (at_bol && (blank || ndjson)) {
                cli_live_update(v, 1);
                pause_ms(la->pace_ms);
            }
            p = e;
        }
    }
    st = llmj_stream_finish(s);
    if (st == LLMJ_NOMEM) {
        cli_error("%s: %s", in.name, llmj_strerror(st));
        goto out;
    }
    cli_live_end(v);
    status = cli_replay_end(ro, s, in.name);
out:
    cli_replay_out_free(ro);
    free(buf);
    cli_input_close(&in);
    llmj_stream_free(s);
    cli_live_free(v);
    cli_stream_schemas_free(&ss);
    return status;
}

void cli_live_args_init(cli_live_args *a)
{
    memset(a, 0, sizeof *a);
    a->choice = SIZE_MAX;
}

int cli_live_option(const char *cmd, int argc, char **argv, int *i, cli_live_args *a)
{
    size_t v;
    int r;
    if (strcmp(argv[*i], "--live") == 0) {
        a->live = 1;
        return 1;
    }
    if ((r = cli_size_option(cmd, argc, argv, i, "--pace", 0, &v)) != 0) {
        if (r < 0)
            return -1;
        if (v > 60000) {
            cli_usage_error(cmd, "--pace %zu: at most 60000 ms", v);
            return -1;
        }
        a->pace_ms = (unsigned)v;
        return 1;
    }
    if ((r = cli_size_option(cmd, argc, argv, i, "--choice", 0, &v)) != 0) {
        if (r < 0)
            return -1;
        a->choice = v;
        return 1;
    }
    return 0;
}
