/* llmjson tool — the live terminal view (live.c): the answer redrawn in
 * place as it arrives, from the stream's partial documents. */
#ifndef LLMJ_CLI_LIVE_H
#define LLMJ_CLI_LIVE_H

#include <stdio.h>
#include <llmjson.h>

typedef struct cli_live cli_live;

/* What the view shows. choice: the provider's choice index to show, or
 * SIZE_MAX for all. tty: redraw in place (else plain lines, one per
 * complete value). color: ANSI colours. width/height: the terminal's.
 * whitespace_limit/whitespace_indent: the stream's config, for the status
 * line's runaway margin (the limit at depth d is limit + indent * d). */
typedef struct cli_live_opts {
    size_t choice;
    int tty;
    int color;
    int width;
    int height;
    size_t whitespace_limit;
    size_t whitespace_indent;
} cli_live_opts;

/* Fill o for out: tty when out is a terminal, colour unless NO_COLOR is set,
 * the terminal's size (COLUMNS/LINES, else the window, else 80x24), the
 * default whitespace limits. */
void cli_live_opts_init(cli_live_opts *o, FILE *out);

/* NULL: no memory. The view reads s; give its callbacks to the stream with
 * cli_live_callbacks (ctx: the view), then call cli_live_attach once the
 * stream exists. */
cli_live *cli_live_new(FILE *out, const cli_live_opts *o);
const llmj_stream_callbacks *cli_live_callbacks(void);
void cli_live_attach(cli_live *v, llmj_stream *s);
void cli_live_free(cli_live *v);

/* Redraw what changed (tty), or print the values completed since the last
 * call (plain). force: even when called again within 30 ms. */
void cli_live_update(cli_live *v, int force);

/* After llmj_stream_finish: the last frame with the cut parts marked, then
 * the verdict and the salvage of every text shown. */
void cli_live_end(cli_live *v);

/* llmjson replay --live: the options it adds, and the run. */
typedef struct cli_live_args {
    int live;          /* --live */
    unsigned pace_ms;  /* --pace MS: a pause after every event (0: none) */
    size_t choice;     /* --choice N: the provider's index (SIZE_MAX: all) */
} cli_live_args;

void cli_live_args_init(cli_live_args *a);
/* --live, --pace MS, --choice N: 1 taken, 0 not one of them, -1 usage error. */
int cli_live_option(const char *cmd, int argc, char **argv, int *i, cli_live_args *a);
#define CLI_LIVE_HELP                                                                      \
    "  --live                redraw the answer in place as it arrives (a terminal),\n"     \
    "                        pretty-printed, strings growing, with a status line; then\n" \
    "                        the verdict and the salvage (plain lines without a terminal;\n" \
    "                        NO_COLOR turns colours off)\n"                                \
    "  --pace MS             with --live: pause MS milliseconds after every event\n"      \
    "  --choice N            with --live: show only the choice with index N\n"

struct cli_replay_opts;
int cli_live_replay(const struct cli_replay_opts *r, const cli_live_args *la, const char *path);

#endif
