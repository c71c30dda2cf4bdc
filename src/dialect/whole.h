/* Internal: a whole JSON answer (a 200 application/json body from a server
 * that ignored `stream: true`) turned into the events its dialect streams,
 * so that the stream object decodes both the same way.
 *
 * Linear in the body and bounded in memory by construction: two scans of
 * the text (one for the top-level members, one that writes the events as the
 * values close), each visiting every value once; nothing is kept per value,
 * and the events go out through a sink in pieces of at most
 * LLMJ__WHOLE_PIECE bytes, the decoder's only allocation. */
#ifndef LLMJ_DIALECT_WHOLE_H
#define LLMJ_DIALECT_WHOLE_H

#include <stddef.h>
#include <stdint.h>

#include <llmjson.h>

#define LLMJ__WHOLE_PIECE ((size_t)64 << 10)

/* Where the events go: return 0 to go on, non-zero to stop (then
 * llmj__whole_events returns LLMJ_ABORTED). */
typedef int (*llmj__whole_sink)(void *ctx, const char *p, size_t n);

/* Turn text[0:len] into events for the stream object, through sink:
 * - one JSON object or array (after whitespace): the events of dialect (or,
 *   for LLMJ_DIALECT_AUTO, of the dialect its top-level members show:
 *   *used tells which), *whole = 1;
 * - anything else (an event stream or NDJSON under a JSON content type):
 *   the text as it is, *whole = 0;
 * - only whitespace: nothing, *whole = 1.
 * ops, when not NULL, counts the scanner's steps (bytes looked at and values
 * visited): a measure of the work, for tests.
 * LLMJ_OK, LLMJ_NOMEM or LLMJ_ABORTED. */
llmj_status llmj__whole_events(const llmj_allocator *a, llmj_dialect dialect, const char *text,
                               size_t len, llmj__whole_sink sink, void *ctx, int *whole,
                               llmj_dialect *used, uint64_t *ops);

#endif
