/* llmjson — the partial document: a tree of the JSON value so far, built
 * from a tracker's events as they arrive, for live views and bindings.
 * Included by <llmjson.h>.
 *
 * What the tree holds at any moment is the greedy salvage of the text so far
 * (see llmj_salvage_mode): every complete value; every container begun, still
 * open; a string value being written, with its whole characters so far, still
 * open; a number, true, false and null only once complete (a number prefix is
 * a different value, never shown). A member whose key arrived but whose value
 * has not begun is not in the tree. llmj_doc_json() writes the tree as compact
 * JSON, which equals the tracker's greedy repair with the whitespace outside
 * strings removed and strings written in one canonical form (below).
 *
 * Cost: O(1) amortised per event plus the bytes it carries; nothing is ever
 * re-parsed. Memory: the decoded text once, plus one small node per value.
 * Every allocation goes through the configured allocator. */
#ifndef LLMJSON_DOC_H
#define LLMJSON_DOC_H

#include "common.h"
#include "tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llmj_doc llmj_doc;

/* A node of the tree: an index, valid until the document is reset or freed.
 * LLMJ_DOC_NONE stands for "no such node". */
typedef size_t llmj_node;
#define LLMJ_DOC_NONE ((llmj_node)-1)

typedef enum llmj_doc_type {
    LLMJ_DOC_NOTHING = 0, /* LLMJ_DOC_NONE, or a document with no value yet */
    LLMJ_DOC_OBJECT = 1,
    LLMJ_DOC_ARRAY = 2,
    LLMJ_DOC_STRING = 3,
    LLMJ_DOC_NUMBER = 4,
    LLMJ_DOC_TRUE = 5,
    LLMJ_DOC_FALSE = 6,
    LLMJ_DOC_NULL = 7
} llmj_doc_type;

/* "nothing", "object", "array", "string", "number", "true", "false", "null". */
LLMJ_API const char *llmj_doc_type_name(llmj_doc_type type);

/* ---- life cycle ----------------------------------------------------------- */

/* A document with its own tracker (created with cfg, string_chunks forced
 * on): feed it text with llmj_doc_feed(). cfg may be NULL (defaults).
 * LLMJ_OK, LLMJ_NOMEM, LLMJ_BAD_OPTION or LLMJ_MISUSE (out NULL). */
LLMJ_API llmj_status llmj_doc_new(llmj_doc **out, const llmj_config *cfg);

/* A document without a tracker, for events from elsewhere (a tracker of your
 * own whose callback calls llmj_doc_event(), with config.string_chunks set,
 * or see llmj_stream_doc()). Only cfg->alloc is used. */
LLMJ_API llmj_status llmj_doc_new_detached(llmj_doc **out, const llmj_config *cfg);

LLMJ_API void llmj_doc_free(llmj_doc *d);

/* Forget the value (and the own tracker's text): ready for a new text. */
LLMJ_API llmj_status llmj_doc_reset(llmj_doc *d);

/* ---- input ---------------------------------------------------------------- */

/* Own tracker: feed the next len bytes of the text / say it ended. The
 * tracker's status is returned (llmj_tracker_feed, llmj_tracker_finish);
 * when the document ran out of memory the tracker stopped (LLMJ_ABORTED) and
 * llmj_doc_status() says LLMJ_NOMEM. LLMJ_MISUSE for a detached document. */
LLMJ_API llmj_status llmj_doc_feed(llmj_doc *d, const void *buf, size_t len);
LLMJ_API llmj_status llmj_doc_finish(llmj_doc *d, llmj_end end);

/* Apply one tracker event. Events must come from one tracker, in order, with
 * config.string_chunks set. LLMJ_OK, LLMJ_NOMEM (the document keeps what it
 * had and refuses every later event: sticky), LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_doc_event(llmj_doc *d, const llmj_event *ev);

/* The same as an llmj_event_cb (ctx is the document): returns non-zero, so
 * the tracker stops, when the document ran out of memory. */
LLMJ_API int llmj_doc_event_cb(void *doc, const llmj_event *ev);

/* LLMJ_OK, or the sticky LLMJ_NOMEM. */
LLMJ_API llmj_status llmj_doc_status(const llmj_doc *d);

/* The own tracker (NULL for a detached document): its salvage, errors... */
LLMJ_API llmj_tracker *llmj_doc_tracker(const llmj_doc *d);

/* ---- reading -------------------------------------------------------------- */

/* The top-level value, LLMJ_DOC_NONE before it begins. */
LLMJ_API llmj_node llmj_doc_root(const llmj_doc *d);

/* The node at an RFC 6901 JSON Pointer (pointer[0:len], "" is the root;
 * "~0" and "~1" are decoded; an array index is decimal without leading
 * zeros), or LLMJ_DOC_NONE. Cost: the members and elements walked past. */
LLMJ_API llmj_node llmj_doc_get(const llmj_doc *d, const char *pointer, size_t len);

LLMJ_API llmj_doc_type llmj_doc_type_of(const llmj_doc *d, llmj_node n);

/* 1 while a container has not closed or a string is still being written. */
LLMJ_API int llmj_doc_is_open(const llmj_doc *d, llmj_node n);

/* A string's decoded text so far (may hold NUL bytes), a number as written,
 * "true", "false", "null"; NULL (and *len 0) for containers. Borrowed until
 * the next event. len may be NULL. */
LLMJ_API const char *llmj_doc_text(const llmj_doc *d, llmj_node n, size_t *len);

/* Members of an object and elements of an array, in order. */
LLMJ_API size_t llmj_doc_count(const llmj_doc *d, llmj_node n);
LLMJ_API llmj_node llmj_doc_first(const llmj_doc *d, llmj_node n);
LLMJ_API llmj_node llmj_doc_next(const llmj_doc *d, llmj_node n);
LLMJ_API llmj_node llmj_doc_parent(const llmj_doc *d, llmj_node n);

/* The decoded key of an object member (NULL when n is not one). */
LLMJ_API const char *llmj_doc_key(const llmj_doc *d, llmj_node n, size_t *len);

/* Nodes in the tree. */
LLMJ_API size_t llmj_doc_nodes(const llmj_doc *d);

/* Write node n (LLMJ_DOC_NONE: the root) as compact JSON into a buffer the
 * document owns (*out, *len; NUL-terminated, valid until the next call that
 * is not a reading one). Open containers are closed and an open string is
 * closed, as in a greedy repair; an empty document writes "". Strings are
 * written with \" \\ \b \f \n \r \t, \u00XX for the other control
 * characters, and every other character as itself (UTF-8). When the own or
 * attached tracker found the text invalid, an open string is left out (the
 * greedy rule keeps a partial string only while the text is viable).
 * LLMJ_OK, LLMJ_NOMEM, LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_doc_json(llmj_doc *d, llmj_node n, const char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
