/* llmjson — Server-Sent Events decoder (WHATWG "event stream" parsing rules).
 * Included by <llmjson.h>. */
#ifndef LLMJSON_SSE_H
#define LLMJSON_SSE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llmj_sse llmj_sse;

/* One dispatched event. All pointers are borrowed for the callback only.
 * - type: the event field, or "message" when the event had none;
 * - data: the data lines joined with LF (no trailing LF);
 * - id: the last event ID (it persists across events, as the spec says);
 * - offset: byte offset of the event's first line in the input;
 * - unterminated: 1 when dispatched at the end of input without its blank line. */
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

/* Return 0 to go on, non-zero to stop (the decoder then reports LLMJ_ABORTED). */
typedef int (*llmj_sse_cb)(void *ctx, const llmj_sse_event *ev);

LLMJ_API llmj_status llmj_sse_new(llmj_sse **out, const llmj_config *cfg,
                                  llmj_sse_cb cb, void *ctx);
LLMJ_API void llmj_sse_free(llmj_sse *s);
LLMJ_API llmj_status llmj_sse_reset(llmj_sse *s);

/* Feed the next bytes, any split. LLMJ_OK, or a sticky LLMJ_TOO_LONG (a line
 * or event over config.max_event), LLMJ_ABORTED, LLMJ_NOMEM, LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_sse_feed(llmj_sse *s, const void *buf, size_t len);

/* End of input. An event whose last line ended but which never got its blank
 * line is dispatched with unterminated = 1. Returns LLMJ_OK, or LLMJ_SSE_CUT
 * when the input ended inside a line (that partial event is not dispatched). */
LLMJ_API llmj_status llmj_sse_finish(llmj_sse *s);

LLMJ_API uint64_t llmj_sse_comments(const llmj_sse *s); /* comment lines seen */
LLMJ_API uint64_t llmj_sse_events(const llmj_sse *s);   /* events dispatched */
LLMJ_API int64_t llmj_sse_retry(const llmj_sse *s);     /* last retry, -1 if none */
LLMJ_API const llmj_error *llmj_sse_error(const llmj_sse *s);

#ifdef __cplusplus
}
#endif
#endif
