/* llmjson tool — what every subcommand shares: the command signature, the
 * exit statuses, option parsing, input, diagnostics and the JSON report
 * printer (report.c). Not part of the library: the tool may print.
 *
 * Adding a subcommand NAME:
 *   1. write src/cli/cmd_NAME.c defining
 *        const cli_command cli_cmd_NAME = { "NAME", run, "summary", "help" };
 *   2. add the one line  X(NAME)  to CLI_COMMANDS in src/cli/main.c.
 * The dispatcher then handles `llmjson NAME ...`, `llmjson help NAME`,
 * `llmjson NAME --help` and the command list of `llmjson --help`. */
#ifndef LLMJ_CLI_H
#define LLMJ_CLI_H

#include <stdint.h>
#include <stdio.h>
#include <llmjson.h>

/* ---- exit statuses ------------------------------------------------------ */

enum {
    CLI_EXIT_COMPLETE = 0,  /* the text is one complete JSON value (or --lines ran) */
    CLI_EXIT_FAILURE = 1,   /* usage error, unreadable input, write error, no memory */
    CLI_EXIT_TRUNCATED = 2, /* viable but unfinished */
    CLI_EXIT_INVALID = 3,   /* not JSON at some offset (also too deep / too long), or
                               no stream at all */
    CLI_EXIT_RUNAWAY = 4,   /* a whitespace or repetition runaway */
    CLI_EXIT_EMPTY = 5,     /* nothing but whitespace */
    /* streams (replay, stream) */
    CLI_EXIT_PROVIDER = 6,  /* the provider reported an error: an HTTP error status,
                               an error inside the stream, a finish reason "error" */
    CLI_EXIT_TRANSFER = 7,  /* the transfer failed (connection, reset, cut) or timed out */
    CLI_EXIT_CANCELLED = 8, /* the transfer was cancelled (interrupted) */
    CLI_EXIT_REFUSED = 9,   /* the model refused, or the content was filtered */
    /* --schema */
    CLI_EXIT_SCHEMA = 10    /* the text does not conform to its schema */
};

/* The exit status of a text status (complete 0, truncated 2, ...). */
int cli_exit_status(llmj_text_status status);

/* Of two outcomes that both apply, the exit status that wins, in the order
 * 1, 8, 6, 7, 9, 4, 3, 10, 2, 5, 0 (README.md, "Exit status and messages",
 * says why). */
int cli_exit_worst(int a, int b);

/* The word of an exit status for JSON output ("complete", "truncated",
 * "provider_error", "refused", ...). */
const char *cli_exit_word(int status);

/* ---- commands ----------------------------------------------------------- */

/* Run a subcommand. argv[0] is the command's name, argv[1..argc-1] its
 * arguments (`--help` is handled by the dispatcher before the call). Returns
 * the process exit status. */
typedef int (*cli_run_fn)(int argc, char **argv);

typedef struct cli_command {
    const char *name;    /* "repair" */
    cli_run_fn run;
    const char *summary; /* one line for `llmjson --help`, no newline */
    const char *help;    /* the full text of `llmjson help NAME`, ends with '\n' */
    const char *help_more; /* NULL, or its continuation (a C string literal has
                              at most 4095 bytes in ISO C) */
} cli_command;

/* ---- diagnostics (stderr, one line each) -------------------------------- */

/* "llmjson: <message>\n". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "llmjson <cmd>: <message> (try 'llmjson help <cmd>')\n", one line;
 * returns CLI_EXIT_FAILURE, so `return cli_usage_error(...)` ends a command. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A problem at a position of input `name`:
 *   "llmjson: NAME:LINE:COL: WHAT: MESSAGE (offset N)\n"
 * or, when line is 0 (position unknown), "llmjson: NAME: WHAT: MESSAGE (offset N)\n".
 * WHAT is a status word ("invalid", "runaway"). */
void cli_diag(const char *name, uint64_t line, uint64_t column, uint64_t offset,
              const char *what, const char *message);

/* The diagnostic of a salvaged text, if it deserves one: an error for
 * LLMJ_TEXT_INVALID (position from s->error), a runaway for LLMJ_TEXT_RUNAWAY
 * (at runaway_line:runaway_column, 0 when unknown; see cli_pos), nothing
 * otherwise. */
void cli_diag_salvage(const char *name, const llmj_salvage *s, uint64_t runaway_line,
                      uint64_t runaway_column);

/* ---- options ------------------------------------------------------------ */

/* Does argv[*i] name option `name` ("--chunk")? Accepts "--chunk N" (value in
 * the next argument, *i advanced) and "--chunk=N". Returns 1 with *value set,
 * 0 when it is another argument, -1 after printing a usage error (no value). */
int cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *name,
                     const char **value);

/* Parse a decimal size >= min for option opt. 0 on success; -1 after a usage
 * error is printed ("--chunk: expected a number >= 1, got 'x'"). */
int cli_parse_size(const char *cmd, const char *opt, const char *text, size_t min,
                   size_t *out);

/* cli_option_value + cli_parse_size: 1 parsed into *out, 0 not this option,
 * -1 usage error printed. */
int cli_size_option(const char *cmd, int argc, char **argv, int *i, const char *name,
                    size_t min, size_t *out);

/* The tracker limits every JSON command takes:
 *   --max-depth N (>= 1), --whitespace-limit N (0 disables),
 *   --repeat-limit N (0 disables, else >= 128).
 * 1 when argv[*i] was one of them (written into cfg), 0 otherwise, -1 after a
 * usage error. CLI_LIMITS_HELP is the matching help text. */
int cli_limit_option(const char *cmd, int argc, char **argv, int *i, llmj_config *cfg);
#define CLI_LIMITS_HELP                                                              \
    "  --max-depth N         deepest nesting allowed (default 512)\n"               \
    "  --whitespace-limit N  whitespace runaway at N + I * depth consecutive\n"    \
    "                        whitespace bytes outside strings, depth the\n"        \
    "                        containers open at the run's first byte (default\n"   \
    "                        256; 0 disables; docs/salvage.md)\n"                  \
    "  --whitespace-indent I the allowance per open container (default 8)\n"      \
    "  --repeat-limit N      repetition runaway over N bytes (default 0: off;\n"    \
    "                        otherwise at least 128)\n"

/* True for "-x"/"--xyz" (an option), false for "-" (stdin) and operands. */
int cli_is_option(const char *arg);

/* ---- input -------------------------------------------------------------- */

#define CLI_READ_SIZE 65536 /* the fixed read buffer: memory stays flat */

typedef struct cli_input {
    FILE *fp;
    const char *name; /* for messages: the path, or "<stdin>" */
    int is_stdin;
} cli_input;

/* Open path ("-" or NULL: stdin). 0, or -1 after printing
 * "llmjson: NAME: cannot open: <strerror>". */
int cli_input_open(cli_input *in, const char *path);

/* Read up to cap bytes as they come (read(2): a pipe's bytes are passed on
 * without waiting for a full buffer). Returns the count, 0 at the end; on a
 * read error prints "llmjson: NAME: read error: ..." and sets *err. Do not
 * mix with stdio reads of the same input. */
size_t cli_input_read(cli_input *in, void *buf, size_t cap, int *err);

/* Read the rest of the input into one malloc'd, NUL-terminated buffer
 * (*len without the NUL), for small files read whole (a schema). NULL on a
 * read error (printed by cli_input_read) or after printing "out of memory". */
char *cli_input_read_all(cli_input *in, size_t *len);

void cli_input_close(cli_input *in);

/* Feed buf[0:len] to t in pieces of at most chunk bytes (0: all at once),
 * stopping at the first status other than LLMJ_OK, which is returned. */
llmj_status cli_feed(llmj_tracker *t, const char *buf, size_t len, size_t chunk);

/* ---- line and column of a runaway --------------------------------------- */

/* The tracker reports a runaway by the offset of its run's first byte, which
 * may lie in an earlier piece. cli_pos follows the input's lines (LF only,
 * columns in bytes, from 1, as the tracker counts) and remembers where the
 * current whitespace run began, which is enough to place a whitespace runaway
 * anywhere and a repetition runaway that starts in the current piece.
 * Use: pos_before = pos; cli_pos_advance(&pos, piece); feed the piece; on a
 * runaway call cli_pos_locate(&pos_before, piece, offset, &line, &col). */
typedef struct cli_pos {
    uint64_t offset;   /* bytes seen */
    uint64_t line;     /* line of the next byte, from 1 */
    uint64_t column;   /* column of the next byte, from 1 */
    uint64_t ws_start; /* offset of the current whitespace run's first byte */
    uint64_t ws_line, ws_column;
    int in_ws;         /* the last byte seen was whitespace */
} cli_pos;

void cli_pos_init(cli_pos *p);
void cli_pos_advance(cli_pos *p, const char *buf, size_t len);
/* Line and column of byte `offset`, given the state before the current piece
 * buf[0:len]. Returns 0, or -1 when the position is unknown (*line = 0). */
int cli_pos_locate(const cli_pos *before, const char *buf, size_t len, uint64_t offset,
                   uint64_t *line, uint64_t *column);

/* ---- JSON output (report.c) --------------------------------------------- */

/* s[0:len] as a JSON string literal with quotes: '"' and '\' escaped, control
 * bytes as \b \f \n \r \t or \u00XX (lower-case hex), valid UTF-8 as is, each
 * byte of an invalid UTF-8 sequence as \ufffd — the output is always valid
 * JSON. Returns 0, or -1 when the stream has an error. */
int cli_print_json_string(FILE *out, const char *s, size_t len);

/* null, or {"offset":N,"line":N,"column":N,"message":"..."}. NULL or
 * code == LLMJ_OK prints null. */
int cli_print_error(FILE *out, const llmj_error *err);

/* The array of closed JSON Pointers, innermost first: ["/b",""]. */
int cli_print_closed(FILE *out, const llmj_salvage *s);

/* The salvage report object, on one line, no newline after it:
 *   {"status":"truncated","bytes_kept":N,"closed":[...],"error":null,"text":"R"}
 * error is set only for status invalid. text may be NULL (the "text" member
 * is then left out). */
int cli_print_report(FILE *out, const llmj_salvage *s, const char *text, size_t len);

/* The same with the "schema" member of tracker t (which has a schema) before
 * the closing brace; t NULL: cli_print_report. */
int cli_print_report_schema(FILE *out, const llmj_salvage *s, const char *text, size_t len,
                            llmj_tracker *t);

/* ---- --schema FILE (schema.c) ------------------------------------------- */

/* Does argv[*i] name --schema FILE? 1 (with *path), 0, or -1 (usage error
 * printed). */
int cli_schema_option(const char *cmd, int argc, char **argv, int *i, const char **path);

/* Read and compile a schema file; NULL after printing why (the keyword and
 * its pointer for a schema outside the supported subset). */
llmj_schema *cli_schema_load(const char *path, const llmj_config *cfg);
/* The same, and the file's text (malloc'd) in *text, *len when it compiled. */
llmj_schema *cli_schema_load_text(const char *path, const llmj_config *cfg, char **text,
                                  size_t *len);

/* The schema for tracker t, with --events: its events printed on stdout as
 * they happen, one JSON object per line (docs/schema.md). */
llmj_status cli_schema_attach(llmj_tracker *t, const llmj_schema *s, int events);

/* ,"schema":{"valid":true|false|null,"violation":null|{"pointer","offset",
 * "line","column","keyword","message"},"missing":[...],"cut":P|null} */
int cli_print_schema_member(FILE *out, llmj_tracker *t);
/* A schema event's members, "event":..,"path":..,"offset":..,... (no braces):
 * the --events line of check, repair, replay and stream. */
void cli_print_schema_event(FILE *out, const llmj_schema_event *ev);
/* `llmjson schema lint` on a schema text (cmd_schema.c): the problems the
 * provider ("openai", "anthropic", "gemini") would refuse, one line each on
 * out, in its own wording (name: the schema's name in OpenAI's messages).
 * Returns how many; -1 when the text is not JSON (said on out), -2 for an
 * unknown provider. */
int cli_schema_lint(FILE *out, const char *provider, const char *name, const char *text,
                    size_t len);

/* The exit status with the schema's verdict: CLI_EXIT_SCHEMA after a
 * violation (unless status already says the text is invalid or runaway),
 * else status. Prints the violation's diagnostic on stderr. */
int cli_schema_exit(const char *name, llmj_tracker *t, int status);

/* The report of a text that could not even be read (repair --lines, a line
 * that is not a JSON string): status invalid, bytes_kept 0, closed [], the
 * given error, text "". */
int cli_print_failed_report(FILE *out, const llmj_error *err);

/* ---- replay's output, shared with `llmjson stream` (cmd_replay.c) ------- */

typedef enum cli_replay_mode {
    CLI_REPLAY_WATCH = 0,  /* the text as it streams, a summary line on stderr */
    CLI_REPLAY_EVENTS = 1, /* --events: one JSON object per event, an "end" object */
    CLI_REPLAY_REPORT = 2  /* --report: one JSON object at the end */
} cli_replay_mode;

/* The options both commands take. */
#define CLI_MAX_TOOL_SCHEMAS 32

typedef struct cli_replay_opts {
    llmj_config cfg;           /* the tracker limits */
    llmj_dialect dialect;      /* --dialect (default auto) */
    llmj_content_mode content; /* --json, --text (default auto) */
    int greedy;                /* --greedy */
    cli_replay_mode mode;      /* --events, --report (default watch) */
    const char *schema_path;   /* --schema FILE: every choice's content */
    size_t ntool_schemas;      /* --tool-schema NAME=FILE, each as given */
    const char *tool_schema[CLI_MAX_TOOL_SCHEMAS];
} cli_replay_opts;

/* The schemas of --schema and --tool-schema, compiled, for a stream
 * (src/cli/schema.c). load: 0, or -1 after printing why (the file, the
 * schema's error). attach: before the first byte; -1 after printing. The
 * schemas must outlive the stream. */
typedef struct cli_stream_schemas {
    llmj_schema *content;
    char *content_text; /* --schema's file, as read */
    size_t content_len;
    size_t n;
    llmj_schema *tool[CLI_MAX_TOOL_SCHEMAS];
} cli_stream_schemas;
int cli_stream_schemas_load(cli_stream_schemas *ss, const cli_replay_opts *o);
int cli_stream_schemas_attach(const cli_stream_schemas *ss, const cli_replay_opts *o,
                              llmj_stream *s);
void cli_stream_schemas_free(cli_stream_schemas *ss);
#define CLI_STREAM_SCHEMA_HELP                                                              \
    "  --schema FILE         validate each choice's JSON content against this JSON\n"     \
    "                        Schema (docs/schema.md): each salvage REPORT gains the\n"     \
    "                        \"schema\" member of llmjson repair --schema; a violation\n"  \
    "                        exits 10\n"                                                   \
    "  --tool-schema NAME=FILE  validate the arguments of tool NAME's calls against\n"   \
    "                        FILE (its parameters schema); repeatable\n"


void cli_replay_opts_init(cli_replay_opts *o);

/* --dialect NAME, --json, --text, --greedy, --events, --report, --schema
 * FILE, --tool-schema NAME=FILE and the tracker limits (cli_limit_option). 1 when argv[*i] was one of them
 * (written into *o, *i advanced past a value), 0 otherwise, -1 after a usage
 * error. CLI_REPLAY_OPTIONS_HELP is the matching help text. */
int cli_replay_option(const char *cmd, int argc, char **argv, int *i, cli_replay_opts *o);
#define CLI_REPLAY_OPTIONS_HELP                                                            \
    "  --dialect NAME        openai, responses, anthropic, gemini, ollama, or auto\n"      \
    "                        (default: detected from the first event)\n"                  \
    "  --json                the content is JSON (default: when its first\n"              \
    "                        non-whitespace byte is { or [)\n"                            \
    "  --text                the content is plain text, never JSON\n"                     \
    "  --greedy              greedy salvage in the report (also a partial string\n"       \
    "                        value or number at the end)\n"                               \
    "  --events              print instead one JSON object per line for every event:\n"   \
    "                        {\"choice\":0,\"path\":\"/a/0\",\"event\":\"string_chunk\",\n"  \
    "                         \"text\":\"Mer\"}, begin/end of containers, keys, values\n"  \
    "                        (\"value\"), text, reasoning and arguments deltas, tool\n" \
    "                        calls, finish, usage, errors, server_tool and citation\n"  \
    "                        events, and a last \"end\" object with \"worst_text\"\n"     \
    "                        and the report's last members\n"                            \
    "  --report              print instead one JSON object at the end:\n"                 \
    "                        {\"dialect\":D,\"status\":S,\"events\":N,\"bad_events\":N,\n" \
    "                         \"choices\":[{\"index\":I,\"finish_reason\":F,\n"           \
    "                         \"finish_reason_raw\":R,\"content\":T,\"refusal\":T|null,\n" \
    "                         \"reasoning\":{\"text\":T,\"signature\":S|null,\n"        \
    "                         \"redacted\":N} (only with reasoning),\n"                  \
    "                         stop_sequence, logprobs, citations, server_tools\n"      \
    "                         (tools the provider ran; each only when sent),\n"         \
    "                         \"json\":B,\"complete\":B,\"salvage\":REPORT|null,\n"       \
    "                         \"tool_calls\":[{\"index\":I,\"id\":S,\"name\":S,\n"        \
    "                         type, text_input, signature (when not a function's),\n" \
    "                         \"arguments\":T,\"complete\":B,\"salvage\":REPORT}]}],\n"   \
    "                         \"usage\":{...}|null,service_tier,\"error\":{...}|null,\n" \
    "                         \"stream_complete\":B,\"verdict\":V}\n"                  \
    "                        (REPORT as printed by llmjson repair --report;\n"          \
    "                        stream_complete: the stream ended as it should, whatever\n"\
    "                        its texts hold; verdict: the exit status's word)\n"

/* What replay prints, for one stream object: create it, give
 * cli_replay_callbacks(ro) and ro (as ctx) to llmj_stream_new() (or
 * llmj_http_new()), call cli_replay_flush() after each piece fed so what was
 * decoded shows at once, then after llmj_stream_finish() cli_replay_end().
 * Output is buffered (64 KiB); free flushes it. */
typedef struct cli_replay_out cli_replay_out;

cli_replay_out *cli_replay_out_new(FILE *out, cli_replay_mode mode, int greedy); /* NULL: no memory */
/* --choice N: show only the choice whose provider index is N, in the watch
 * view and --events (SIZE_MAX: all; the report always has every choice). */
void cli_replay_set_choice(cli_replay_out *ro, size_t index);
void cli_replay_out_free(cli_replay_out *ro);
/* The stream callbacks of the mode (NULL for --report). */
const llmj_stream_callbacks *cli_replay_callbacks(const cli_replay_out *ro);
void cli_replay_flush(cli_replay_out *ro);
/* The end: the report (--report), the "end" object (--events), or the last
 * newline and the summary line "llmjson: NAME: dialect ..." on stderr (for
 * input that is no stream, in every mode, one diagnostic instead:
 * "llmjson: NAME:L:C: invalid: not an SSE or NDJSON stream: ..."). Returns
 * replay's exit status: the provider's error (in the stream, or a choice
 * that finished with "error") 6, a refusal or content filter 9, else the
 * worst text's (cli_exit_status), in cli_exit_worst's order; or
 * CLI_EXIT_FAILURE when the report could not be made. */
int cli_replay_end(cli_replay_out *ro, llmj_stream *s, const char *name);

#endif
