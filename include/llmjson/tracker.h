/* llmjson — the JSON tracker: an incremental, strict (RFC 8259) JSON reader
 * fed in pieces of any size, with live events, runaway detection and an
 * O(depth) salvage of the longest valid prefix (docs/salvage.md).
 * Included by <llmjson.h>. */
#ifndef LLMJSON_TRACKER_H
#define LLMJSON_TRACKER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llmj_tracker llmj_tracker;

/* ---- events ------------------------------------------------------------ */

typedef enum llmj_event_type {
    LLMJ_EV_BEGIN_OBJECT = 1, /* text: none */
    LLMJ_EV_END_OBJECT = 2,
    LLMJ_EV_BEGIN_ARRAY = 3,
    LLMJ_EV_END_ARRAY = 4,
    LLMJ_EV_KEY = 5,          /* text: the decoded key; pointer: the member's */
    LLMJ_EV_STRING_CHUNK = 6, /* text: the next decoded piece of a string value */
    LLMJ_EV_STRING = 7,       /* text: the whole decoded string value */
    LLMJ_EV_NUMBER = 8,       /* text: the number exactly as written */
    LLMJ_EV_TRUE = 9,         /* text: "true" */
    LLMJ_EV_FALSE = 10,       /* text: "false" */
    LLMJ_EV_NULL = 11         /* text: "null" */
} llmj_event_type;

/* "begin_object", "string_chunk", ... */
LLMJ_API const char *llmj_event_type_name(llmj_event_type type);

/* One step of a path: an object member (key != NULL, not NUL-terminated,
 * decoded) or an array element (key == NULL, index from 0). */
typedef struct llmj_segment {
    const char *key;
    size_t key_len;
    size_t index;
} llmj_segment;

/* Everything an event carries is borrowed: valid only during the callback.
 * - pointer: the RFC 6901 JSON Pointer of the value ("" is the root),
 *   NUL-terminated; for END_* it is the container's own pointer.
 * - segments[0..depth-1]: the same path, decoded, outermost first.
 * - text/len: see llmj_event_type. Decoded strings are valid UTF-8 and may
 *   hold NUL bytes (from \u0000).
 * String values arrive as zero or more STRING_CHUNK events (when
 * config.string_chunks is set) whose concatenation is the value, then one
 * STRING event with the whole value. Chunks hold whole code points only; where
 * they split depends on the piece boundaries, nothing else does. */
typedef struct llmj_event {
    llmj_event_type type;
    const char *pointer;
    size_t pointer_len;
    const llmj_segment *segments;
    size_t depth;
    const char *text;
    size_t len;
    /* Appended: where the value is in the text, [offset, end) in bytes from
     * the first byte ever fed. A scalar, string or key: its token (quotes
     * included); BEGIN_*: the bracket; END_*: the whole container; a
     * STRING_CHUNK: from the string's opening quote to the end of the text
     * its chunks have covered so far. */
    uint64_t offset;
    uint64_t end;
    /* STRING_CHUNK: 1 on the first chunk of a string value (it may be empty:
     * the string has just begun), so a view can open a new cell; STRING: 1
     * when no chunk of it came before (string_chunks off, or an empty string
     * read whole). 0 otherwise. */
    int first;
} llmj_event;

/* Return 0 to go on, non-zero to stop: the tracker then reports LLMJ_ABORTED
 * and calls no callback again. (yajl's convention is the opposite; the
 * tracker translates.) */
typedef int (*llmj_event_cb)(void *ctx, const llmj_event *ev);

/* ---- life cycle -------------------------------------------------------- */

/* Create a tracker. cfg may be NULL (defaults); it is copied. Every
 * allocation goes through cfg->alloc. One exception is forced by yajl, which
 * never checks its allocations: when the allocator refuses one of yajl's
 * requests, the tracker serves it from the C library instead of crashing
 * (yajl's needs are bounded by max_depth and max_token), so a capped
 * allocator caps the tracker's own memory, not yajl's. cb may be NULL
 * (no events). On success *out is the tracker and LLMJ_OK is returned;
 * otherwise *out is NULL and the status is LLMJ_NOMEM, LLMJ_BAD_OPTION or
 * LLMJ_MISUSE (out NULL). */
LLMJ_API llmj_status llmj_tracker_new(llmj_tracker **out, const llmj_config *cfg,
                                      llmj_event_cb cb, void *ctx);

/* Free a tracker and everything it owns. NULL is a no-op. */
LLMJ_API void llmj_tracker_free(llmj_tracker *t);

/* Forget the text: ready for a new one, same configuration and callback. */
LLMJ_API llmj_status llmj_tracker_reset(llmj_tracker *t);

/* ---- input ------------------------------------------------------------- */

/* Feed the next len bytes of the text (any split, one byte included, gives
 * the same events, errors and salvage). Returns LLMJ_OK while the text is
 * still viable. Otherwise the status sticks and later feeds return it again:
 * LLMJ_INVALID, LLMJ_TOO_DEEP, LLMJ_TOO_LONG (see llmj_tracker_error();
 * TOO_LONG is reported at the byte that would make a string, key or number
 * longer than max_token, whatever that byte is),
 * LLMJ_RUNAWAY_WHITESPACE, LLMJ_RUNAWAY_REPEAT, LLMJ_ABORTED.
 * LLMJ_NOMEM (the tracker stopped at a byte boundary, llmj_tracker_bytes(),
 * and is consistent there: salvage still works; reset or free it).
 * LLMJ_MISUSE: after finish, or t NULL, or buf NULL with len > 0.
 * A stop by a callback (LLMJ_ABORTED) still takes the whole piece: no
 * callback is called again, but the tracker's state (and so its salvage)
 * covers every byte fed. */
LLMJ_API llmj_status llmj_tracker_feed(llmj_tracker *t, const void *buf, size_t len);

typedef enum llmj_end {
    LLMJ_END_TRUNCATED = 0, /* cut off: a number at the very end is not complete */
    LLMJ_END_NORMAL = 1     /* the producer finished: a top-level number at the
                               end is complete */
} llmj_end;

/* Say the text has ended. Returns LLMJ_OK when the text is one complete JSON
 * value, LLMJ_TRUNCATED when it was viable but unfinished, LLMJ_EMPTY when it
 * held only whitespace, or the sticky error status. No feed after finish. */
LLMJ_API llmj_status llmj_tracker_finish(llmj_tracker *t, llmj_end end);

/* ---- state ------------------------------------------------------------- */

LLMJ_API llmj_status llmj_tracker_status(const llmj_tracker *t);
/* The error of an INVALID/TOO_DEEP/TOO_LONG status (code LLMJ_OK otherwise). */
LLMJ_API const llmj_error *llmj_tracker_error(const llmj_tracker *t);
LLMJ_API size_t llmj_tracker_depth(const llmj_tracker *t);     /* open containers */
LLMJ_API size_t llmj_tracker_max_depth(const llmj_tracker *t); /* deepest so far */
LLMJ_API uint64_t llmj_tracker_bytes(const llmj_tracker *t);   /* bytes fed */
/* Length of the whitespace run (outside strings) the text ends with so far,
 * 0 when it ends otherwise: how close it is to a whitespace runaway. */
LLMJ_API uint64_t llmj_tracker_whitespace_run(const llmj_tracker *t);
/* Offset of the first byte of a detected runaway (UINT64_MAX when none). */
LLMJ_API uint64_t llmj_tracker_runaway_offset(const llmj_tracker *t);

/* ---- salvage (docs/salvage.md) ------------------------------------------ */

typedef enum llmj_salvage_mode {
    LLMJ_SALVAGE_LOSSLESS = 0, /* only complete values */
    LLMJ_SALVAGE_GREEDY = 1    /* also a partial string value at the end (never a
                                  partial number, key or literal) */
} llmj_salvage_mode;

typedef enum llmj_text_status {
    LLMJ_TEXT_COMPLETE = 0,
    LLMJ_TEXT_TRUNCATED = 1,
    LLMJ_TEXT_INVALID = 2,
    LLMJ_TEXT_EMPTY = 3,
    LLMJ_TEXT_RUNAWAY = 4
} llmj_text_status;

/* "complete", "truncated", "invalid", "empty", "runaway". */
LLMJ_API const char *llmj_text_status_name(llmj_text_status status);

/* The repaired text is R = S[0:bytes_kept] + closer. Everything points into
 * the tracker and stays valid until its next non-const call.
 * - closed: the JSON Pointers of the containers the closer closes, innermost
 *   first; pointer i is closed_pointer[0:closed_len[i]] (they are prefixes of
 *   one another). A leading '"' in the closer closes a kept partial string.
 * - error: for LLMJ_TEXT_INVALID (code LLMJ_INVALID, LLMJ_TOO_DEEP or
 *   LLMJ_TOO_LONG), else code LLMJ_OK.
 * - runaway/runaway_offset: for LLMJ_TEXT_RUNAWAY, which detector fired and
 *   the offset of its run's first byte. A whitespace runaway salvages
 *   S[0:r+1] (docs/salvage.md); a repetition runaway salvages everything up
 *   to the byte that completed the run (detection happens at absolute offsets
 *   that are multiples of 32 at the latest, so at any split). */
typedef struct llmj_salvage {
    llmj_text_status status;
    uint64_t bytes_kept;
    const char *closer;
    size_t closer_len;
    size_t nclosed;
    const char *closed_pointer;
    const size_t *closed_len;
    llmj_error error;
    llmj_status runaway;
    uint64_t runaway_offset;
} llmj_salvage;

/* Compute the salvage of everything fed so far (at any moment, or after
 * finish; before finish a number at the end is not complete). O(depth).
 * Returns LLMJ_OK, LLMJ_NOMEM or LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_tracker_salvage(llmj_tracker *t, llmj_salvage_mode mode,
                                          llmj_salvage *out);

/* With config.keep_text: the text fed so far (NULL without it). */
LLMJ_API const char *llmj_tracker_text(const llmj_tracker *t, size_t *len);

/* With config.keep_text: the salvage and R itself (*text, *len; borrowed,
 * NUL-terminated, valid until the next non-const call). info may be NULL.
 * LLMJ_MISUSE without keep_text. */
LLMJ_API llmj_status llmj_tracker_repair(llmj_tracker *t, llmj_salvage_mode mode,
                                         llmj_salvage *info, const char **text,
                                         size_t *len);

#ifdef __cplusplus
}
#endif
#endif
