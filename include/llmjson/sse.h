/* llmjson — Server-Sent Events decoder (WHATWG HTML "event stream" parsing
 * rules). Included by <llmjson.h>.
 *
 * Bytes in, events out. The rules, as the decoder applies them:
 * - a UTF-8 BOM (EF BB BF) as the very first bytes is skipped; nowhere else;
 * - lines end in CRLF, LF or CR; a CR ending one piece and an LF starting the
 *   next are one line end; a CR as the last byte of the input ends a line;
 * - a line starting with ':' is a comment (a keepalive): counted, nothing else;
 * - "name:value" sets field name to value, without one space after the colon
 *   if there is one; a line with no colon is a field with an empty value;
 *   "data" appends value + LF to the data buffer; "event" sets the event type;
 *   "id" sets the last event ID unless the value holds a NUL byte; "retry"
 *   sets the retry time if the value is one or more ASCII digits (saturating
 *   at INT64_MAX); any other field is ignored;
 * - an empty line dispatches: with an empty data buffer nothing is dispatched
 *   (the type is reset); otherwise the final LF is stripped, the event goes
 *   out (type "message" when none was set) and type and data are reset; the
 *   last event ID persists.
 * The decoder works on bytes, not decoded text: invalid UTF-8 and NUL bytes
 * pass through unchanged (no U+FFFD replacement), so type, data and id are
 * byte strings that may hold NUL (id never does).
 *
 * Unlike the specification, which drops an event that never got its blank
 * line, llmj_sse_finish() dispatches it (unterminated = 1): real servers end
 * that way. Input that ends inside a line is reported (LLMJ_SSE_CUT).
 *
 * Any split of the input into pieces, one byte at a time included, gives the
 * same events, counts and errors. */
#ifndef LLMJSON_SSE_H
#define LLMJSON_SSE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llmj_sse llmj_sse;

/* One dispatched event. All pointers are borrowed for the callback only, and
 * none is NUL-terminated (use the lengths).
 * - type: the event field, or "message" when the event had none (or an
 *   empty one);
 * - data: the data lines joined with LF (no trailing LF); may be empty (an
 *   event of one "data" line with an empty value);
 * - id: the last event ID (it persists across events, as the spec says;
 *   "" before any id line);
 * - offset: byte offset of the event's first line: the first field line
 *   (not a comment, not empty) after the previous empty line;
 * - unterminated: 1 when dispatched by llmj_sse_finish() without its blank
 *   line, else 0. */
typedef struct llmj_sse_event {
    const char *type;
    size_t type_len;
    const char *data;
    size_t data_len;
    const char *id;
    size_t id_len;
    uint64_t offset;
    int unterminated;
} llmj_sse_event;

/* Return 0 to go on, non-zero to stop: the decoder then reports LLMJ_ABORTED
 * and calls back no more. The callbacks must not call the decoder's
 * feed, finish, reset, set_field_cb or free (all but free return
 * LLMJ_MISUSE; free is not checked). */
typedef int (*llmj_sse_cb)(void *ctx, const llmj_sse_event *ev);

/* Called for each field line the spec ignores: a name other than data,
 * event, id and retry (e.g. the "error: {...}" lines of old llama-server
 * builds). name and value are borrowed like an event's; value is without the
 * one space dropped after the colon (empty when the line has no colon);
 * offset is that of the line's first byte. Return 0 to go on, non-zero to
 * stop (LLMJ_ABORTED, error offset = that line). */
typedef int (*llmj_sse_field_cb)(void *ctx, const char *name, size_t name_len,
                                 const char *value, size_t value_len, uint64_t offset);

/* Create a decoder. cfg may be NULL (defaults); it is read now, not kept:
 * cfg->alloc for every allocation, cfg->max_event (at least 1) for the cap
 * on a line and on an event's data. cb may be NULL (events are only counted).
 * Returns LLMJ_OK with *out set; otherwise *out is NULL and the status is
 * LLMJ_MISUSE (out NULL), LLMJ_BAD_OPTION (max_event 0, or an allocator with
 * only some of its functions set) or LLMJ_NOMEM. */
LLMJ_API llmj_status llmj_sse_new(llmj_sse **out, const llmj_config *cfg,
                                  llmj_sse_cb cb, void *ctx);

/* Free a decoder and everything it owns. NULL is a no-op. */
LLMJ_API void llmj_sse_free(llmj_sse *s);

/* Forget the input, the counts, the last event ID, the retry time and any
 * error: ready for a new stream, same configuration and callback. Memory is
 * kept for reuse. LLMJ_OK, or LLMJ_MISUSE (NULL, or inside the callback). */
LLMJ_API llmj_status llmj_sse_reset(llmj_sse *s);

/* Set (or, with cb NULL, remove) the callback for ignored fields; it is
 * not called by default. LLMJ_OK, or LLMJ_MISUSE (NULL, or inside a
 * callback). Kept across llmj_sse_reset(). */
LLMJ_API llmj_status llmj_sse_set_field_cb(llmj_sse *s, llmj_sse_field_cb cb, void *ctx);

/* Feed the next len bytes of the stream (any split; buf may be NULL when len
 * is 0). Events complete in these bytes are dispatched before it returns.
 * Returns LLMJ_OK, or:
 * - LLMJ_TOO_LONG (sticky): a line (without its line end) longer than
 *   config.max_event bytes, or an event whose data buffer (each value plus
 *   its LF) would pass max_event bytes. The error offset is that of the
 *   first byte that does not fit; no buffer grows past max_event bytes;
 * - LLMJ_ABORTED (sticky): the callback asked to stop; the error offset is
 *   that of the empty line that dispatched the event (or of the field line,
 *   for the field callback);
 * - LLMJ_NOMEM (not sticky): nothing of this piece was taken (no event was
 *   dispatched, nothing changed) and the same piece may be fed again;
 * - LLMJ_MISUSE: NULL decoder, NULL buf with len > 0, inside the callback,
 *   or after llmj_sse_finish().
 * Once a sticky status is set, every later feed returns it and does nothing.
 * Memory: a line lying wholly inside the piece is read in place; only the
 * unfinished tail of the piece is copied. */
LLMJ_API llmj_status llmj_sse_feed(llmj_sse *s, const void *buf, size_t len);

/* End of input. An event whose last line ended but which never got its blank
 * line is dispatched with unterminated = 1 (if its data buffer is not empty).
 * Returns LLMJ_OK; LLMJ_SSE_CUT when the input ended inside a line (bytes
 * after the last line end, a partial BOM included): that partial event is not
 * dispatched, and the error offset is the end of the input; LLMJ_ABORTED if
 * the event callback stopped on the unterminated event (error offset: the end of
 * the input); the sticky status of an earlier feed; LLMJ_MISUSE for a NULL
 * decoder, inside the callback, or a second call. No feed after finish. */
LLMJ_API llmj_status llmj_sse_finish(llmj_sse *s);

/* Comment lines (starting with ':') seen so far. 0 for NULL. */
LLMJ_API uint64_t llmj_sse_comments(const llmj_sse *s);
/* Events dispatched so far (the one a callback stopped on included). */
LLMJ_API uint64_t llmj_sse_events(const llmj_sse *s);
/* The last valid retry value in milliseconds, -1 if none (or NULL). */
LLMJ_API int64_t llmj_sse_retry(const llmj_sse *s);
/* The sticky error (LLMJ_TOO_LONG, LLMJ_ABORTED, LLMJ_SSE_CUT) with its
 * offset (counting every byte fed, BOM included, from 0), line and column
 * (from 1; only LF counts as a line end here); code LLMJ_OK and an empty
 * message when there is none. Owned by the decoder; NULL for NULL. */
LLMJ_API const llmj_error *llmj_sse_error(const llmj_sse *s);

#ifdef __cplusplus
}
#endif
#endif
