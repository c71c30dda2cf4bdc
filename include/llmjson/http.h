/* llmjson — the live transport: a streamed request over HTTP(S) with
 * libcurl, its response bytes fed to a stream object (stream.h) as they
 * arrive, one request at a time (llmj_http_perform) or hundreds at once in one
 * thread (llmj_http_multi). Included by <llmjson.h>. A program that uses it
 * needs no libcurl header and no -lcurl: it links with
 * `cc app.c $(pkg-config --cflags --libs llmjson)`.
 *
 * libcurl is loaded at run time: llmjson is not linked with it, but opens it
 * (dlopen, "libcurl.so.4", else "libcurl.so") the first time
 * llmj_global_init(), llmj_http_new() or llmj_http_multi_new() needs it, and
 * it then stays loaded to the end of the process. A program that sends no
 * request never loads it. Where it cannot be loaded (absent, or lacking a
 * function llmjson calls: libcurl 7.66 or later is needed), those three
 * return LLMJ_TRANSFER; the rest of the library works. A library built with
 * `make CURL=link` is linked with libcurl instead (then it is always there).
 *
 *   llmj_global_init();                           once, before any thread starts
 *   llmj_http_options o;  llmj_http_options_init(&o);
 *   o.dialect = LLMJ_DIALECT_OPENAI_CHAT;  o.body = json;  o.body_len = n;
 *   llmj_http *h;  llmj_http_new(&h, &cfg, &o, &callbacks, ctx);
 *   llmj_status st = llmj_http_perform(h);        events arrive meanwhile
 *   ... llmj_http_get_result(h), llmj_http_stream(h) (choices, salvage) ...
 *   llmj_http_free(h);
 *   llmj_global_cleanup();                        once, at the end
 *
 * Global state: libcurl keeps some (its TLS library's, among others), set
 * up by llmj_global_init() (which loads libcurl, then calls
 * curl_global_init) and released by llmj_global_cleanup()
 * (curl_global_cleanup, when libcurl was loaded at all); nothing else in
 * llmjson is global. The rule, which is libcurl's
 * (curl_global_init(3)): call llmj_global_init() once in the program's main
 * thread while no other thread runs (it is not thread-safe), before the first
 * llmj_http_new() or llmj_http_multi_new(); call llmj_global_cleanup() once
 * at the end, after every request and multi is freed, again while no other
 * thread runs. Calls nest: each init is undone by one cleanup, and a program
 * (or another library in it) that also calls curl_global_init() itself may
 * keep doing so. Without llmj_global_init(), libcurl initialises itself on
 * the first request, which is only safe when one thread uses the library.
 * Both functions are also in a library built without HTTP (make HTTP=0),
 * where they do nothing, so a program builds against either.
 *
 * Without HTTP: a library built with `make HTTP=0` has no llmj_http_*
 * functions (a program calling them does not link) and needs no libcurl; its
 * llmjson.pc adds -DLLMJ_NO_HTTP to the compiler flags, so a program can test
 * `#ifdef LLMJ_NO_HTTP` and bring its own transport (feeding the bytes to a
 * stream object, stream.h).
 *
 * Memory: every allocation of llmjson's own goes through the configured
 * llmj_allocator. libcurl's own allocations (its handles, connection cache,
 * header lists, TLS) are libcurl's: malloc, or the functions a program gave
 * to curl_global_init_mem() before calling llmj_global_init() (a program
 * linked with libcurl: llmjson's dlopen() finds that same libcurl).
 *
 * Secrets: an API key is only ever put in its request header. It never
 * appears in a message, a result or a log (the library does not log, and
 * libcurl's verbose mode is never turned on). The copies llmjson makes are
 * zeroed before they are freed.
 *
 * Network settings: proxies (http_proxy, https_proxy, no_proxy, ...) and TLS
 * (the CA bundle, certificate checks) are libcurl's defaults and environment;
 * only http:// and https:// URLs are accepted; compressed responses are
 * accepted (every Content-Encoding libcurl supports); redirects are not
 * followed. */
#ifndef LLMJSON_HTTP_H
#define LLMJSON_HTTP_H

#include "common.h"
#include "stream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llmj_http llmj_http;
typedef struct llmj_http_multi llmj_http_multi;

/* ---- global state ---------------------------------------------------------- */

/* Load libcurl (it stays loaded) and set up its global state (the rule
 * above: once, before any other thread starts). LLMJ_OK; LLMJ_TRANSFER when
 * libcurl could not be loaded (the top of this file), LLMJ_NOMEM or
 * LLMJ_TRANSFER when it could not start (either way HTTP requests then
 * fail; the rest of the library works). Always LLMJ_OK in a library built
 * without HTTP. */
LLMJ_API llmj_status llmj_global_init(void);

/* Undo one llmj_global_init() (the rule above: at the end, every request and
 * multi freed, no other thread running). When libcurl was never loaded in
 * the process there is nothing to undo, and nothing is loaded. */
LLMJ_API void llmj_global_cleanup(void);

/* ---- options ------------------------------------------------------------- */

/* One request. Start from llmj_http_options_init(); members are only ever
 * appended. Strings are copied by llmj_http_new(). */
typedef struct llmj_http_options {
    /* The URL, http:// or https://. NULL: the dialect's default:
     *   openai     $OPENAI_BASE_URL/chat/completions
     *   responses  $OPENAI_BASE_URL/responses
     *              ($OPENAI_BASE_URL defaults to https://api.openai.com/v1)
     *   anthropic  https://api.anthropic.com/v1/messages
     *   gemini     https://generativelanguage.googleapis.com/v1beta/models/
     *              MODEL:streamGenerateContent?alt=sse (model required)
     *   ollama     http://localhost:11434/api/chat
     *   auto       as openai. */
    const char *url;
    /* The API dialect: chooses the authentication header, the default URL,
     * the JSON-mode check, and how the stream object decodes the response
     * (LLMJ_DIALECT_AUTO: OpenAI-style authentication, the response's
     * dialect detected). */
    llmj_dialect dialect;
    /* Whether the content is JSON (passed to the stream object). */
    llmj_content_mode content;
    /* The API key. NULL: from the environment (OPENAI_API_KEY for openai,
     * responses and auto; ANTHROPIC_API_KEY; GEMINI_API_KEY; none for
     * ollama). "": send no key. It goes out as
     *   openai, responses, auto, ollama:  Authorization: Bearer KEY
     *   anthropic:  x-api-key: KEY  (and anthropic-version: 2023-06-01)
     *   gemini:     x-goog-api-key: KEY
     * unless `headers` already carries that header (then nothing is added). */
    const char *api_key;
    /* The model, for the Gemini default URL only (NULL otherwise). */
    const char *model;
    /* Extra request header lines "Name: value", NULL-terminated; NULL for
     * none. They come after the defaults (Content-Type: application/json,
     * Accept: text/event-stream) and replace a default of the same name. */
    const char *const *headers;
    /* The JSON request body (copied). NULL with 0: a GET. */
    const char *body;
    size_t body_len;
    /* Timeouts in milliseconds, each reported with its own status:
     * connect_ms: no connection by then (LLMJ_TIMEOUT_CONNECT; default 30000;
     *   0: libcurl's own default, 300 s);
     * total_ms: the whole transfer (LLMJ_TIMEOUT_TOTAL; default 0: none);
     * stall_ms: no byte received for this long, once connected
     * (LLMJ_TIMEOUT_STALL; default 0: none). Negative values are
     * LLMJ_BAD_OPTION. */
    long connect_ms;
    long total_ms;
    long stall_ms;
    /* Refuse a JSON-mode request (response_format or text.format of type
     * json_object) none of whose messages mentions "json", as the API would
     * (LLMJ_JSON_MODE_PROMPT), before sending anything (default 1). */
    int check_json_mode;
    /* Caps, in bytes, on what is collected whole: an HTTP error body (default
     * 64 KiB; the transfer stops there, still reported as the HTTP error) and a 200 response that is not an event
     * stream (default 64 MiB; over it the transfer is cancelled with reason
     * LLMJ_TOO_LONG). */
    size_t max_error_body;
    size_t max_whole_body;
    /* Called with the response body bytes as they arrive (decompressed),
     * before the stream object sees them; not for an HTTP error's body. Return
     * 0 to go on, non-zero to cancel the transfer (reason LLMJ_ABORTED). May
     * be NULL. ctx is the ctx given to llmj_http_new(). */
    int (*on_bytes)(void *ctx, const char *buf, size_t len);
    /* Called once when the transfer is over, whatever the outcome, after
     * the stream was finished (llmj_http_perform and llmj_http_multi_run).
     * Not called when a request is refused before it starts. May be NULL. */
    void (*on_done)(void *ctx, llmj_http *h);
    /* Names of request headers (in `headers`) whose values are secrets, NULL-
     * terminated; NULL for none. The values of Authorization,
     * Proxy-Authorization, x-api-key, api-key and x-goog-api-key are always
     * secrets, as is api_key. A secret is never shown: in every message,
     * error type and code (the result's, and the stream object's provider
     * error, in-band errors included) it is replaced by "[redacted]", and a
     * field that ends with its first 4 or more bytes (a secret cut at the
     * field's edge) has that end replaced too. A secret shorter than 4 bytes
     * is LLMJ_BAD_OPTION (it could not be told apart from ordinary text); so
     * is an Authorization token shorter than 4 bytes. */
    const char *const *secret_headers;
    /* idle_ms: no event with data for this long, from the start of the
     * transfer or from the last such event (LLMJ_TIMEOUT_IDLE; default 0:
     * none). Keepalive comments, empty events and bytes that complete no
     * event do not reset it, so a trickle cannot defeat it; an HTTP error
     * body or a whole JSON response (no events until it is complete) must
     * arrive within it. Negative: LLMJ_BAD_OPTION. */
    long idle_ms;
} llmj_http_options;

/* Write the defaults into *o (all NULL/0 but connect_ms 30000,
 * check_json_mode 1, max_error_body 64 KiB, max_whole_body 64 MiB). */
LLMJ_API void llmj_http_options_init(llmj_http_options *o);

/* ---- the request object ---------------------------------------------------- */

/* Create a request: copies the options, creates its stream object
 * (llmj_stream_new with cfg, the options' dialect and content mode, cbs and
 * ctx) and its libcurl easy handle. Nothing is sent yet. cfg may be NULL
 * (defaults; its allocator is used for everything of ours). Returns LLMJ_OK
 * (*out set), LLMJ_NOMEM, LLMJ_BAD_OPTION (a URL that is not http(s), a
 * negative timeout, the Gemini default URL without a model, a header line
 * without a colon or with a CR/LF, a bad config), LLMJ_MISUSE (out or o
 * NULL, body NULL with body_len > 0), LLMJ_TRANSFER (libcurl could not be
 * loaded, or could not create a handle); *out is then NULL. */
LLMJ_API llmj_status llmj_http_new(llmj_http **out, const llmj_config *cfg,
                                   const llmj_http_options *o,
                                   const llmj_stream_callbacks *cbs, void *ctx);

/* Free a request (a transfer still in a multi is removed from it first).
 * NULL is a no-op. */
LLMJ_API void llmj_http_free(llmj_http *h);

/* Run the request to its end in this thread (on a private multi handle) and
 * return its status, also in llmj_http_get_result(h)->status:
 * - what llmj_stream_finish() returned, when the transfer completed:
 *   LLMJ_OK, LLMJ_TRUNCATED, LLMJ_PROVIDER_ERROR, LLMJ_SSE_CUT, LLMJ_EMPTY...;
 * - LLMJ_HTTP_ERROR: the server answered with a status outside 2xx; the
 *   result carries the provider's message, type and code and Retry-After;
 * - LLMJ_CANCELLED: the transfer was cut short on purpose, the moment it was
 *   decided: a runaway or another stop of the stream object, a callback that
 *   returned non-zero, llmj_http_cancel(); result.cancel_reason says which;
 * - LLMJ_TIMEOUT_CONNECT, LLMJ_TIMEOUT_TOTAL (it also covers the decoding
 *   of a whole JSON response), LLMJ_TIMEOUT_STALL, LLMJ_TIMEOUT_IDLE;
 * - LLMJ_TRANSFER: a network or protocol failure (refused, reset, closed
 *   mid-body, TLS, a bad response);
 * - LLMJ_JSON_MODE_PROMPT: refused before sending (check_json_mode);
 * - LLMJ_MISUSE: h NULL, or h already started; LLMJ_NOMEM.
 * In every case after the start, the stream object has been finished: what
 * arrived is decoded and salvaged (llmj_http_stream()). */
LLMJ_API llmj_status llmj_http_perform(llmj_http *h);

/* Ask a running transfer to stop (from any callback, or between
 * llmj_http_multi_run() calls in the same thread). It stops at its next
 * write or at the next run, reported as LLMJ_CANCELLED with reason
 * LLMJ_CANCELLED. No-op when it is not running. */
LLMJ_API void llmj_http_cancel(llmj_http *h);

/* The URL the request goes to (the dialect's default when none was given),
 * NUL-terminated, owned by h. It may hold what the caller put in it (a query
 * string); the key added by the library is never in it. */
LLMJ_API const char *llmj_http_url(const llmj_http *h);

/* The request's stream object (never NULL for a request made by
 * llmj_http_new): choices, tool calls, usage, salvage. Owned by h. */
LLMJ_API llmj_stream *llmj_http_stream(const llmj_http *h);

/* The outcome so far. Strings are NUL-terminated, owned by h, valid until it
 * is freed, and never hold the API key. */
typedef struct llmj_http_result {
    llmj_status status;         /* LLMJ_OK while running; see llmj_http_perform */
    int done;                   /* 1 once the transfer is over */
    long http_status;           /* the response's status code, 0 before one */
    const char *content_type;   /* the response's Content-Type ("" none) */
    int whole;                  /* 1 when a 200 that was not an event stream
                                   (Content-Type application/json or +json)
                                   was decoded as one whole JSON response; a
                                   body under that type that is not one JSON
                                   value (SSE, NDJSON) is decoded as a stream,
                                   whole 0 */
    uint64_t bytes_received;    /* response body bytes (decompressed) */
    llmj_status cancel_reason;  /* for LLMJ_CANCELLED: LLMJ_RUNAWAY_WHITESPACE,
                                   LLMJ_RUNAWAY_REPEAT, another status that
                                   stopped the stream object (LLMJ_TOO_LONG,
                                   LLMJ_UNKNOWN_DIALECT, LLMJ_NOMEM...),
                                   LLMJ_ABORTED (a callback returned non-zero)
                                   or LLMJ_CANCELLED (llmj_http_cancel);
                                   LLMJ_OK otherwise */
    const char *message;        /* what went wrong, in English ("" when all
                                   went well): libcurl's explanation, the
                                   provider's error message, the JSON-mode
                                   explanation... */
    const char *error_type;     /* the provider's error type or status word
                                   ("rate_limit_error", "RESOURCE_EXHAUSTED";
                                   "" none) */
    const char *error_code;     /* the provider's error code, as text ("" none) */
    long retry_after;           /* seconds from Retry-After, -1 when absent */
    double seconds;             /* wall time from start to end (or to now) */
} llmj_http_result;

LLMJ_API const llmj_http_result *llmj_http_get_result(const llmj_http *h);

/* ---- many requests in one thread -------------------------------------------- */

/* Create a multi: a set of transfers run together by llmj_http_multi_run().
 * cfg may be NULL; its allocator is used for the multi itself. LLMJ_OK,
 * LLMJ_NOMEM, LLMJ_BAD_OPTION, LLMJ_TRANSFER (libcurl could not be loaded,
 * or failed), LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_http_multi_new(llmj_http_multi **out, const llmj_config *cfg);

/* Free a multi; transfers still running are stopped (each reported as
 * cancelled, reason LLMJ_CANCELLED, its on_done called) and removed, not
 * freed. NULL is a no-op. */
LLMJ_API void llmj_http_multi_free(llmj_http_multi *m);

/* Start h in m (nothing moves until llmj_http_multi_run). LLMJ_OK;
 * LLMJ_JSON_MODE_PROMPT (refused, see check_json_mode; h is then done and
 * not added); LLMJ_MISUSE (NULL, or h already started); LLMJ_NOMEM;
 * LLMJ_TRANSFER. */
LLMJ_API llmj_status llmj_http_multi_add(llmj_http_multi *m, llmj_http *h);

/* Move every transfer on: wait up to timeout_ms (0: do not wait) for network
 * activity or the next timeout, read what arrived (each transfer's stream
 * callbacks are called as its bytes arrive), and end the transfers that are
 * over (each one's on_done is called). *running (may be NULL) is the number
 * still running; call again while it is not 0. Returns LLMJ_OK, or
 * LLMJ_TRANSFER when libcurl's multi handle failed (every transfer is then
 * ended with that status), LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_http_multi_run(llmj_http_multi *m, int timeout_ms, size_t *running);

#ifdef __cplusplus
}
#endif
#endif
