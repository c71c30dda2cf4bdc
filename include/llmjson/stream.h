/* llmjson — streams: API dialects, finish reasons, usage, and the stream
 * object (raw response bytes in; per-choice texts, tool calls, trackers and
 * salvage out). Included by <llmjson.h>. */
#ifndef LLMJSON_STREAM_H
#define LLMJSON_STREAM_H

#include "common.h"
#include "tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum llmj_dialect {
    LLMJ_DIALECT_AUTO = 0,        /* detect from the first event */
    LLMJ_DIALECT_OPENAI_CHAT = 1, /* Chat Completions and the servers that copy it */
    LLMJ_DIALECT_OPENAI_RESPONSES = 2,
    LLMJ_DIALECT_ANTHROPIC = 3,   /* Messages */
    LLMJ_DIALECT_GEMINI = 4,      /* streamGenerateContent?alt=sse */
    LLMJ_DIALECT_OLLAMA = 5       /* native /api/chat and /api/generate (NDJSON) */
} llmj_dialect;

/* "auto", "openai", "responses", "anthropic", "gemini", "ollama". */
LLMJ_API const char *llmj_dialect_name(llmj_dialect d);
/* The dialect of a name above (LLMJ_OK), or LLMJ_UNKNOWN_DIALECT. */
LLMJ_API llmj_status llmj_dialect_from_name(const char *name, llmj_dialect *out);

/* Finish reasons, normalised (docs/providers.md, "Finish reasons"). */
typedef enum llmj_finish {
    LLMJ_FINISH_NONE = 0,       /* no finish reason (yet) */
    LLMJ_FINISH_STOP = 1,
    LLMJ_FINISH_LENGTH = 2,
    LLMJ_FINISH_TOOL_CALLS = 3,
    LLMJ_FINISH_CONTENT_FILTER = 4,
    LLMJ_FINISH_REFUSAL = 5,
    LLMJ_FINISH_ERROR = 6,
    LLMJ_FINISH_UNKNOWN = 7,
    LLMJ_FINISH_PAUSE_TURN = 8  /* appended: the provider paused a long turn (Anthropic
                                   pause_turn): send the response back to let it go on;
                                   its texts did not end normally */
} llmj_finish;

/* "none", "stop", "length", "tool_calls", "content_filter", "refusal",
 * "error", "unknown", "pause_turn". */
LLMJ_API const char *llmj_finish_name(llmj_finish f);

/* Token counts; -1 where the provider did not say. */
typedef struct llmj_usage {
    int64_t input_tokens;
    int64_t output_tokens;
    int64_t total_tokens;
    int64_t cached_tokens;
    int64_t reasoning_tokens;
} llmj_usage;

/* ---- the stream object --------------------------------------------------
 *
 * Raw response bytes in (SSE for every dialect but Ollama native, which is
 * NDJSON: one JSON object per line); per choice out: the accumulated text, a
 * tracker for text that is JSON, a tracker per tool call's arguments (always
 * JSON), the refusal text, the finish reason (normalised and raw), the usage,
 * any in-band error, and at the end a lossless salvage of each JSON text.
 *
 *   llmj_stream *s;
 *   llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, &cbs, ctx);
 *   while (more bytes) if (llmj_stream_feed(s, buf, len) != LLMJ_OK) break;
 *   llmj_stream_finish(s);          (then the accessors below)
 *   llmj_stream_free(s);
 *
 * Choices are addressed by position (0 .. llmj_stream_choice_count() - 1, in
 * the order of their provider index), tool calls by position inside their
 * choice (in the order they began). Everything the stream hands
 * out is borrowed and valid until its next non-const call.
 *
 * Any split of the input into pieces (one byte included) gives the same
 * callbacks with the same data and the same final state.
 *
 * The old llama-server `error: {...}` SSE field line (not `data:`), which a
 * strict SSE parser ignores, is surfaced as a provider error: its value is
 * decoded as the payload {"error": VALUE} would be, or taken whole as the
 * message when the dialect makes no error of it.
 */

typedef struct llmj_stream llmj_stream;

/* Whether a choice's content is JSON (tracked, salvaged) or plain text. */
typedef enum llmj_content_mode {
    LLMJ_CONTENT_AUTO = 0, /* JSON when the first non-whitespace byte is { or [
                              (a whitespace run as long as config.whitespace_limit
                              before any other byte is JSON too: a runaway) */
    LLMJ_CONTENT_JSON = 1, /* always JSON (the caller asked for JSON mode) */
    LLMJ_CONTENT_TEXT = 2  /* never JSON */
} llmj_content_mode;

/* The tool position of a choice's own content in the calls below. */
#define LLMJ_NO_TOOL ((size_t)-1)

/* An error reported in the stream, or an event the dialect could not read.
 * - status: LLMJ_PROVIDER_ERROR (the provider's in-band error) or
 *   LLMJ_BAD_EVENT (an event whose payload is not the dialect's; the stream
 *   goes on);
 * - offset/line/column: the first byte of the event (or NDJSON line) in the
 *   input, as in llmj_error;
 * - message, type, code: the provider's strings ("" when it gave none; for
 *   LLMJ_BAD_EVENT, message is the library's). Not NUL-terminated in a
 *   callback; NUL-terminated from llmj_stream_provider_error(). */
typedef struct llmj_provider_error {
    llmj_status status;
    uint64_t offset;
    uint64_t line;
    uint64_t column;
    const char *message;
    size_t message_len;
    const char *type;
    size_t type_len;
    const char *code;
    size_t code_len;
} llmj_provider_error;

/* What the stream tells its caller as it goes. Every member may be NULL.
 * Each returns 0 to go on, non-zero to stop: the stream then reports
 * LLMJ_ABORTED and calls nothing again. choice is the provider's choice index
 * (not a position); tool is the tool call's number in its choice (0, 1, ...
 * in the order the calls began), or LLMJ_NO_TOOL for the choice's content.
 * All data is borrowed for the call only. */
/* Extras (defined below, with their accessors). */
typedef struct llmj_server_tool_info llmj_server_tool_info;
typedef struct llmj_citation_info llmj_citation_info;

struct llmj_schema_event; /* <llmjson/schema.h> */

typedef struct llmj_stream_callbacks {
    /* A tracker event of a choice's JSON content (tool == LLMJ_NO_TOOL) or
     * of a tool call's arguments (see llmj_event). */
    int (*json)(void *ctx, size_t choice, size_t tool, const llmj_event *ev);
    /* The next piece of a choice's content (decoded text), before its JSON
     * events. Empty deltas are not delivered. */
    int (*text)(void *ctx, size_t choice, const char *text, size_t len);
    /* The next piece of a choice's refusal text. */
    int (*refusal)(void *ctx, size_t choice, const char *text, size_t len);
    /* A tool call begins (once per call). id and name may be empty
     * (len 0) when the provider gives them later or never. */
    int (*tool_begin)(void *ctx, size_t choice, size_t tool, const char *id,
                      size_t id_len, const char *name, size_t name_len);
    /* The next piece of a tool call's arguments (JSON text), before its JSON
     * events. Empty pieces are not delivered. */
    int (*tool_args)(void *ctx, size_t choice, size_t tool, const char *text, size_t len);
    /* The provider says the tool call's arguments are whole (not every
     * dialect says so; once per call). */
    int (*tool_end)(void *ctx, size_t choice, size_t tool);
    /* A choice's finish reason, when it first arrives and whenever it
     * changes (raw: the provider's own string, may be empty). */
    int (*finish)(void *ctx, size_t choice, llmj_finish finish, const char *raw,
                  size_t raw_len);
    /* Token counts, when they first arrive and whenever they change. */
    int (*usage)(void *ctx, const llmj_usage *usage);
    /* An in-band provider error, or an unreadable event (see above). */
    int (*error)(void *ctx, const llmj_provider_error *err);
    /* An unreadable event (offset: its first byte) may have belonged to this
     * text (tool LLMJ_NO_TOOL: the choice's content and refusal), which is
     * then never complete (see lost_events below). Its JSON did not parse,
     * so it cannot be attributed: every text still open is told (a choice
     * without a finish reason, a tool call its provider has not closed);
     * when none is open, it is counted for every text that opens later
     * (told at once, not then). Called after error for that event. */
    int (*lost)(void *ctx, size_t choice, size_t tool, uint64_t offset);
    /* Appended: at llmj_stream_finish, once per JSON text (a choice's
     * content, tool == LLMJ_NO_TOOL, then each tool call's arguments), its
     * greedy salvage after the finish: sv->status is the text's verdict and
     * sv->closed_pointer/closed_len name the containers that were cut, the
     * innermost first (none for a complete text). Nothing can be stopped
     * any more, so it returns nothing. */
    void (*text_end)(void *ctx, size_t choice, size_t tool, const llmj_salvage *sv);
    /* Appended: the next piece of a choice's reasoning (the model's thinking
     * or its summary, as the provider streams it: see llmj_stream_reasoning).
     * Reasoning is never part of the content: no tracker, no salvage. */
    int (*reasoning)(void *ctx, size_t choice, const char *text, size_t len);
    /* Appended: a tool the provider ran itself (see llmj_server_tool_info):
     * when it begins, when its status changes, and when its input is whole.
     * Not a tool call: never run it. */
    int (*server_tool)(void *ctx, size_t choice, const llmj_server_tool_info *info);
    /* Appended: a new citation attached to the choice's text. */
    int (*citation)(void *ctx, size_t choice, const llmj_citation_info *info);
    /* Appended: an event of the text's schema (llmj_stream_set_schema,
     * llmj_stream_set_tool_schema; <llmjson/schema.h>): its first violation,
     * an enum value resolved, an anyOf branch decided, at the byte it became
     * certain (tool LLMJ_NO_TOOL: the content). */
    int (*schema_event)(void *ctx, size_t choice, size_t tool,
                        const struct llmj_schema_event *ev);
} llmj_stream_callbacks;

/* Calling the library from a callback, and threads.
 * - From inside any callback of a stream, every const accessor of that
 *   stream may be called (llmj_stream_choice, _tool, _tracker, _usage,
 *   _choice_position...), and so may llmj_stream_salvage, llmj_stream_repair
 *   and llmj_stream_doc (they read a text's state, which is consistent at
 *   every callback; repair and doc results are valid until the next call).
 *   A json callback sees the stream's partial documents with its event
 *   already applied. Do not call llmj_stream_feed, _finish, _reset or _free
 *   on the same stream from its callbacks (LLMJ_MISUSE is not guaranteed:
 *   the behaviour is undefined); return non-zero to stop instead.
 * - No object has hidden shared state: different streams, trackers and
 *   documents may be used from different threads at once. One object must
 *   not be used by two threads at the same time (lock around it); the
 *   allocator you configure is called from whichever thread uses the object.
 * - Callbacks run on the thread that called feed or finish, before it
 *   returns. */

/* Create a stream. cfg may be NULL (defaults; copied): its allocator, its
 * tracker settings (depth, token, whitespace and repetition limits, string
 * chunks) apply to every tracker, max_event to SSE events and NDJSON lines.
 * The stream's caps are config.max_choices, max_tool_calls, max_text and
 * max_stream_memory.
 * dialect: the API dialect, or LLMJ_DIALECT_AUTO to detect it from the first
 * event (NDJSON when the first byte after an optional UTF-8 BOM and
 * whitespace is '{', SSE otherwise). Input that is no stream at all stops
 * the stream with LLMJ_NOT_A_STREAM, at the first byte of the line that
 * shows it (before anything of it is decoded):
 * - SSE (auto or named): the first line that is neither blank nor a comment
 *   (':') is no data, event, id or retry field (nor llama-server's error:
 *   line), as in "hello", "[{...", "<!DOCTYPE html>" or random bytes;
 * - NDJSON detected (auto): the first line is no Ollama event (no "done"
 *   with its message/response or model, no string "error"), as a JSON
 *   document is; or it is longer than config.max_event bytes (a named
 *   Ollama dialect gets LLMJ_TOO_LONG instead).
 * content: see llmj_content_mode. cbs may
 * be NULL (no callbacks); it is copied. Returns LLMJ_OK (*out set), or
 * LLMJ_NOMEM, LLMJ_BAD_OPTION (a bad config, dialect or mode), LLMJ_MISUSE
 * (out NULL); *out is then NULL. */
LLMJ_API llmj_status llmj_stream_new(llmj_stream **out, const llmj_config *cfg,
                                     llmj_dialect dialect, llmj_content_mode content,
                                     const llmj_stream_callbacks *cbs, void *ctx);

/* Free a stream and everything it owns. NULL is a no-op. */
LLMJ_API void llmj_stream_free(llmj_stream *s);

/* Forget everything fed: ready for a new response with the same settings
 * and callbacks (an auto-detected dialect is detected again). LLMJ_OK,
 * LLMJ_NOMEM (the stream is then unusable but can be freed or reset again),
 * LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_stream_reset(llmj_stream *s);

/* Feed the next len bytes of the response body, any split. Returns LLMJ_OK
 * while decoding goes on (an in-band provider error or an unreadable event
 * does not stop it: see the error callback). Otherwise decoding has stopped,
 * the status sticks (later feeds return it again) and llmj_stream_error()
 * tells where:
 * - LLMJ_RUNAWAY_WHITESPACE, LLMJ_RUNAWAY_REPEAT: a tracker detected a
 *   runaway; decoding stopped at once (an HTTP caller should cancel the
 *   transfer);
 * - LLMJ_TOO_LONG: an SSE event or line, or an NDJSON line, went over
 *   config.max_event; a text (content, refusal, arguments, id, name) over
 *   config.max_text; everything the stream holds (see
 *   config.max_stream_memory) over that budget; a choice index reached
 *   config.max_choices, or a
 *   choice's tool calls went over config.max_tool_calls (0 in any of the
 *   last three: the default);
 * - LLMJ_UNKNOWN_DIALECT: auto-detection found no dialect in the first
 *   events (8 events or max_event bytes of them);
 * - LLMJ_NOT_A_STREAM: the input is no SSE or NDJSON stream (see
 *   llmj_stream_new); the error's message says why;
 * - LLMJ_ABORTED: a callback returned non-zero;
 * - LLMJ_NOMEM: an allocation failed; what was taken before it stays (the
 *   accessors, salvage and finish work on it) but no byte more is taken;
 * - LLMJ_MISUSE: s NULL, buf NULL with len > 0, or a feed after finish. */
LLMJ_API llmj_status llmj_stream_feed(llmj_stream *s, const void *buf, size_t len);

/* The end of the response body. Finishes every tracker: a choice's texts
 * "ended normally" (LLMJ_END_NORMAL) only when its finish reason is stop,
 * tool_calls or refusal; a tool call's arguments also when the provider said
 * they are whole; everything else is salvaged as truncated. Returns the
 * stream's final status, the first that applies:
 * - the sticky status of a stopped feed (above);
 * - LLMJ_PROVIDER_ERROR: the provider reported an error in the stream;
 * - LLMJ_SSE_CUT: the input ended inside an SSE line or NDJSON line;
 * - LLMJ_TRUNCATED: some text lost an unreadable event (lost_events in
 *   llmj_choice_info / llmj_tool_info; the error's offset is the first), or
 *   the stream broke off: no end marker ([DONE],
 *   message_stop, response.completed, Ollama's done) for the dialects that
 *   send one, or a choice without a finish reason;
 * - LLMJ_EMPTY: no event at all;
 * - LLMJ_OK: the stream ended as it should.
 * Finishing twice returns the same status; LLMJ_MISUSE for s NULL. The
 * callbacks are called for a last event that lacked its blank line (or a
 * last NDJSON line without its LF); nothing else calls back. */
LLMJ_API llmj_status llmj_stream_finish(llmj_stream *s);

/* ---- state ------------------------------------------------------------- */

/* The current status: LLMJ_OK while going on, a sticky feed status, or
 * after finish the status finish returned. */
LLMJ_API llmj_status llmj_stream_status(const llmj_stream *s);

/* Where and why decoding stopped (or the stream broke off); code LLMJ_OK
 * when it did not. Offsets are in the input bytes. Valid until the next
 * non-const call. */
LLMJ_API const llmj_error *llmj_stream_error(const llmj_stream *s);

/* The dialect: the one given, or the detected one (LLMJ_DIALECT_AUTO while
 * not detected yet). */
LLMJ_API llmj_dialect llmj_stream_dialect(const llmj_stream *s);

/* Events decoded: SSE events dispatched to the dialect (or NDJSON lines),
 * comments and blank lines not counted. */
LLMJ_API uint64_t llmj_stream_events(const llmj_stream *s);

/* Events (or lines) the dialect could not read (LLMJ_BAD_EVENT). */
LLMJ_API uint64_t llmj_stream_bad_events(const llmj_stream *s);

/* Bytes fed so far. */
LLMJ_API uint64_t llmj_stream_bytes(const llmj_stream *s);

/* 1 when the stream's end marker arrived, else 0. */
LLMJ_API int llmj_stream_done(const llmj_stream *s);

/* The latest token counts, or NULL when the provider sent none. */
LLMJ_API const llmj_usage *llmj_stream_usage(const llmj_stream *s);

/* The first in-band provider error (strings NUL-terminated), or NULL. */
LLMJ_API const llmj_provider_error *llmj_stream_provider_error(
    const llmj_stream *s);

/* ---- choices and tool calls -------------------------------------------- */

/* Number of choices seen so far. */
LLMJ_API size_t llmj_stream_choice_count(const llmj_stream *s);

/* Callbacks name a choice by the provider's index; the accessors by its
 * position (0 .. count-1, in index order). The position of the choice with
 * provider index index, or SIZE_MAX when there is none (yet). */
LLMJ_API size_t llmj_stream_choice_position(const llmj_stream *s, size_t index);

/* A choice, as it stands. Strings are borrowed (valid until the next
 * non-const call), NUL-terminated, and may hold NUL bytes.
 * - index: the provider's choice index;
 * - content: the accumulated text ("" when none);
 * - refusal: the accumulated refusal text, NULL when none arrived;
 * - finish, finish_raw: normalised and raw (NULL when none); a stop with
 *   refusal text is LLMJ_FINISH_REFUSAL, a stop with tool calls
 *   LLMJ_FINISH_TOOL_CALLS, and after finish a choice that has none in a
 *   stream that carried a provider error gets LLMJ_FINISH_ERROR. The model
 *   refused, or a filter stopped the content, when refusal is not NULL or
 *   finish is LLMJ_FINISH_REFUSAL or LLMJ_FINISH_CONTENT_FILTER (a blocked
 *   Gemini prompt included); the provider reported an error when finish is
 *   LLMJ_FINISH_ERROR (llmjson's exit statuses 9 and 6);
 * - json: 1 when the content is JSON (it has a tracker), 0 when plain text,
 *   -1 while undecided (LLMJ_CONTENT_AUTO, only whitespace so far);
 * - status: after finish, the content's status: for JSON its salvage
 *   status; for plain text LLMJ_TEXT_EMPTY (nothing), LLMJ_TEXT_COMPLETE
 *   (ended normally) or LLMJ_TEXT_TRUNCATED; before finish
 *   LLMJ_TEXT_TRUNCATED;
 * - complete: after finish, 1 when the content ended normally and (for
 *   JSON) is one complete value; 0 otherwise, and always 0 before finish;
 * - tool_count: tool calls seen. */
typedef struct llmj_choice_info {
    size_t index;
    const char *content;
    size_t content_len;
    const char *refusal;
    size_t refusal_len;
    llmj_finish finish;
    const char *finish_raw;
    size_t finish_raw_len;
    int json;
    llmj_text_status status;
    int complete;
    size_t tool_count;
    /* unreadable events that may have belonged to the content or refusal
     * (see the lost callback), and the first one's offset: when non-zero,
     * complete is 0 (a plain text is LLMJ_TEXT_TRUNCATED; a JSON text keeps
     * the salvage status of what was kept) */
    uint64_t lost_events;
    uint64_t lost_offset;
} llmj_choice_info;

/* Fill *out for the choice at position ci. LLMJ_OK, or LLMJ_MISUSE (s or
 * out NULL, ci out of range). */
LLMJ_API llmj_status llmj_stream_choice(const llmj_stream *s, size_t ci,
                                        llmj_choice_info *out);

/* A tool call, as it stands (strings as for llmj_choice_info).
 * - index: the tool call's number in its choice (0, 1, ... in the order
 *   the calls began, as in the callbacks); id, name ("" when none);
 * - arguments: the accumulated arguments text (JSON);
 * - ended: 1 when the provider said the arguments are whole;
 * - status: after finish, the arguments' salvage status (before finish
 *   LLMJ_TEXT_TRUNCATED);
 * - complete: after finish, 1 when the arguments ended (the provider said
 *   so, or the choice finished normally) and are one complete JSON value;
 *   a call cut off is 0 even when its salvaged arguments parse. */
typedef struct llmj_tool_info {
    size_t index;
    const char *id;
    size_t id_len;
    const char *name;
    size_t name_len;
    const char *arguments;
    size_t arguments_len;
    int ended;
    llmj_text_status status;
    int complete;
    uint64_t lost_events; /* as for llmj_choice_info: complete is then 0 */
    uint64_t lost_offset;
    /* Appended:
     * - type: the kind of tool the call is for: "function", or for the
     *   Responses API's other client tools "custom", "local_shell", "shell",
     *   "apply_patch" (their name is then the type; their arguments are the
     *   action the provider sent: item.action or item.operation, JSON);
     * - text_input: 1 when the arguments are free text, not JSON (a custom
     *   tool's input): no tracker, no salvage (llmj_stream_tracker gives
     *   NULL), status as for a plain-text content;
     * - signature: the call's thought signature (OpenAI-compatible
     *   tool_calls[].extra_content.google.thought_signature), NULL when none. */
    const char *type;
    size_t type_len;
    int text_input;
    const char *signature;
    size_t signature_len;
} llmj_tool_info;

/* A choice's reasoning, as it stands (docs/providers.md says what each
 * dialect reads as reasoning). Strings as for llmj_choice_info.
 * - present: 1 when the provider sent any reasoning for the choice (text, a
 *   signature or a redacted part), else 0;
 * - text: the reasoning text ("" when none); parts (Anthropic thinking
 *   blocks, Responses reasoning items and summary parts) are joined with
 *   "\n\n", the only bytes the library adds;
 * - signature: the last reasoning signature (Anthropic signature_delta or a
 *   thinking block's signature, Gemini thoughtSignature), NULL when none;
 * - redacted: reasoning parts that came without text (Anthropic
 *   redacted_thinking blocks, Responses reasoning items' encrypted_content). */
typedef struct llmj_reasoning_info {
    int present;
    const char *text;
    size_t text_len;
    const char *signature;
    size_t signature_len;
    uint64_t redacted;
} llmj_reasoning_info;

/* Fill *out for the choice at position ci. LLMJ_OK, or LLMJ_MISUSE (s or
 * out NULL, ci out of range). */
LLMJ_API llmj_status llmj_stream_reasoning(const llmj_stream *s, size_t ci,
                                           llmj_reasoning_info *out);

/* Fill *out for tool call ti of choice ci (positions). LLMJ_OK, or
 * LLMJ_MISUSE (NULL, out of range). */
LLMJ_API llmj_status llmj_stream_tool(const llmj_stream *s, size_t ci, size_t ti,
                                      llmj_tool_info *out);

/* ---- extras: what the provider sends beside the texts -------------------
 * (docs/providers.md, "Extras"). None of it is part of a text. */

/* A tool the provider ran itself (Responses web_search_call,
 * file_search_call, code_interpreter_call, mcp_call, mcp_list_tools,
 * image_generation_call, ...; Anthropic server_tool_use, mcp_tool_use; Gemini
 * executableCode parts, answered by codeExecutionResult parts): not
 * a call for the application, which must not run it, reported so that it
 * does not lose sight of it. Strings as for llmj_choice_info.
 * - index: its number in the choice (0, 1, ... in the order they began);
 * - type: the provider's item or block type ("web_search_call",
 *   "server_tool_use", ...; Gemini: "code_execution"); name: the tool's
 *   name where the provider gives one (Anthropic's name, an MCP tool's name
 *   or server label), else "";
 * - id: the provider's id for it;
 * - input: what it ran with, as sent (JSON text of a Responses item's action
 *   or queries, the arguments or code string of mcp_call or
 *   code_interpreter_call; Anthropic's input, streamed; Gemini's code), ""
 *   when none;
 * - status: the provider's last status ("in_progress", "searching",
 *   "completed", "failed", ...); Anthropic: "in_progress" from its block,
 *   then "completed", or "error" when its result block says so; Gemini:
 *   "in_progress", then "completed" or "failed" from the result's outcome;
 * - result: the type of the block that gave its result (Anthropic
 *   "web_search_tool_result", ..., Gemini "codeExecutionResult"), "" when
 *   none came. */
struct llmj_server_tool_info {
    size_t index;
    const char *type;
    size_t type_len;
    const char *name;
    size_t name_len;
    const char *id;
    size_t id_len;
    const char *input;
    size_t input_len;
    const char *status;
    size_t status_len;
    const char *result;
    size_t result_len;
};

/* A citation or annotation attached to a choice's text (Responses
 * annotations: url_citation, file_citation, container_file_citation,
 * file_path; Anthropic citations_delta; the citations arrays of Perplexity
 * and xAI chat chunks, type "url"; Gemini grounding chunks, type "url" for a
 * web source, and citation sources, type "citation_source"). Identical
 * citations are kept once.
 * - type: the provider's type ("url_citation", "char_location", "url");
 * - source: its URL or file id ("" when none); title: its title, file name
 *   or document title ("" when none);
 * - json: the citation as the provider sent it (JSON text: an object, or
 *   for a bare URL its string), with its offsets into the text if any. */
struct llmj_citation_info {
    const char *type;
    size_t type_len;
    const char *source;
    size_t source_len;
    const char *title;
    size_t title_len;
    const char *json;
    size_t json_len;
};

/* A choice's extras.
 * - stop_sequence: the stop sequence that ended it (Anthropic
 *   stop_sequence, vLLM's stop_reason when a string), NULL when none;
 * - logprobs: the token logprob entries the provider sent, as a JSON array
 *   of its own entries (OpenAI chat choices[].logprobs.content[], Responses
 *   output_text.delta logprobs[], Ollama logprobs[]: one per token; Gemini
 *   candidates[].logprobsResult: one per chunk), NULL when none;
 *   logprob_count: entries;
 * - citation_count, server_tool_count: see llmj_stream_citation and
 *   llmj_stream_server_tool. */
typedef struct llmj_choice_extras {
    const char *stop_sequence;
    size_t stop_sequence_len;
    const char *logprobs;
    size_t logprobs_len;
    size_t logprob_count;
    size_t citation_count;
    size_t server_tool_count;
} llmj_choice_extras;

/* Fill *out for the choice at position ci. LLMJ_OK, or LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_stream_extras(const llmj_stream *s, size_t ci,
                                        llmj_choice_extras *out);
/* Server tool i of choice ci (positions). LLMJ_OK, or LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_stream_server_tool(const llmj_stream *s, size_t ci, size_t i,
                                             llmj_server_tool_info *out);
/* Citation i of choice ci (positions). LLMJ_OK, or LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_stream_citation(const llmj_stream *s, size_t ci, size_t i,
                                          llmj_citation_info *out);
/* The service tier the provider says served the response (OpenAI chat
 * service_tier, Responses response.service_tier, Anthropic usage.service_tier;
 * the latest), NUL-terminated, or NULL when none. */
LLMJ_API const char *llmj_stream_service_tier(const llmj_stream *s);

/* The tracker of choice ci's content (ti == LLMJ_NO_TOOL) or of its tool
 * call ti's arguments; NULL when that text is not JSON or out of range. For
 * its state (depth, bytes, error); do not feed, finish or free it. */
LLMJ_API llmj_tracker *llmj_stream_tracker(const llmj_stream *s, size_t ci, size_t ti);

/* The partial document (llmj_doc) of choice ci's JSON content (ti ==
 * LLMJ_NO_TOOL) or of tool call ti's arguments (positions). Made on the
 * first call (from the text so far, read once), then kept up to date as
 * events arrive, before the json callback sees them; owned by the stream
 * (do not free it; valid until llmj_stream_reset or llmj_stream_free).
 * Needs config.string_chunks (the default). The first call for a text may
 * not be made from inside a json callback (later calls may). LLMJ_OK,
 * LLMJ_NOMEM, LLMJ_NOT_JSON (a plain-text content, or a tool call whose
 * input is free text: text_input), or LLMJ_MISUSE (NULL,
 * out of range, string_chunks off, a first call inside a json callback). */
LLMJ_API llmj_status llmj_stream_doc(llmj_stream *s, size_t ci, size_t ti, llmj_doc **out);

/* The salvage (docs/salvage.md) of choice ci's JSON content (ti ==
 * LLMJ_NO_TOOL) or of tool call ti's arguments: at any moment, or after
 * finish (then with the end the finish decided). Pointers in *out are valid
 * until the next non-const call. LLMJ_OK, LLMJ_NOMEM, LLMJ_NOT_JSON (the
 * choice's content is plain text, or still undecided, or the tool call's
 * input is free text: no tracker), or LLMJ_MISUSE (NULL, out of range). */
LLMJ_API llmj_status llmj_stream_salvage(llmj_stream *s, size_t ci, size_t ti,
                                         llmj_salvage_mode mode, llmj_salvage *out);

/* The same, and the repaired text R = S[0:bytes_kept] + closer itself in
 * *text and *len (borrowed, NUL-terminated, valid until the next non-const
 * call). info may be NULL. LLMJ_OK, LLMJ_NOMEM, LLMJ_NOT_JSON, LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_stream_repair(llmj_stream *s, size_t ci, size_t ti,
                                        llmj_salvage_mode mode, llmj_salvage *info,
                                        const char **text, size_t *len);


#ifdef __cplusplus
}
#endif
#endif
