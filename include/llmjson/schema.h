/* llmjson — schema-aware streaming: a JSON Schema (the subset structured
 * outputs use, see docs/schema.md) compiled once, shared read-only by any
 * number of trackers, and checked while the text streams: the first
 * violation is reported at the first byte at which no continuation of the
 * text can conform. Included by <llmjson.h>. */
#ifndef LLMJSON_SCHEMA_H
#define LLMJSON_SCHEMA_H

#include "common.h"
#include "stream.h"
#include "tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct llmj_schema llmj_schema;

/* Why a schema did not compile. pointer is the JSON Pointer, in the schema,
 * of the offending keyword (or value); keyword names it ("" when the schema
 * text itself is not JSON); message says what, e.g.
 * "unsupported keyword 'oneOf' at /properties/pet". offset/line/column are
 * set when the schema text is not JSON. */
typedef struct llmj_schema_error {
    llmj_status code;
    char pointer[256];
    char keyword[64];
    char message[384];
    uint64_t offset;
    uint64_t line;
    uint64_t column;
} llmj_schema_error;

/* Compile a JSON Schema text. cfg may be NULL (defaults; only cfg->alloc is
 * used, and kept: the schema frees through it). err may be NULL. Returns
 * LLMJ_OK (*out set), LLMJ_SCHEMA_UNSUPPORTED (not JSON, not a schema, or a
 * keyword outside the supported subset: err says which and where),
 * LLMJ_NOMEM, LLMJ_BAD_OPTION or LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_schema_compile(llmj_schema **out, const void *text, size_t len,
                                         const llmj_config *cfg, llmj_schema_error *err);

/* Free a compiled schema (no tracker may still use it). NULL is a no-op. */
LLMJ_API void llmj_schema_free(llmj_schema *s);

/* Validate the tracker's text against s (NULL: stop validating). Only before
 * the first byte (or after a reset; a reset keeps the schema). s must outlive
 * the tracker's use of it. LLMJ_OK, LLMJ_NOMEM, LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_tracker_set_schema(llmj_tracker *t, const llmj_schema *s);

/* The first violation: where it became certain, and what. Borrowed. */
typedef struct llmj_schema_violation {
    const char *pointer; /* JSON Pointer of the value in the text */
    uint64_t offset;     /* the byte at which no continuation can conform */
    uint64_t line;
    uint64_t column;
    const char *keyword; /* "type", "required", "enum", ... */
    const char *message;
} llmj_schema_violation;

typedef enum llmj_schema_verdict {
    LLMJ_SCHEMA_UNDECIDED = -1, /* no violation so far, the text is not complete */
    LLMJ_SCHEMA_NONCONFORMING = 0,
    LLMJ_SCHEMA_CONFORMING = 1  /* complete and conforming */
} llmj_schema_verdict;

/* The schema's view of the text so far. Everything is borrowed and valid
 * until the tracker's next non-const call.
 * - missing[0..nmissing-1]: JSON Pointers of the required members absent
 *   from the objects still open (outermost first; a member counts as present
 *   once its key is complete, even if its value was cut; an explicit null
 *   is present);
 * - cut: the pointer of the innermost value still unfinished (NULL when the
 *   text is complete or empty). */
typedef struct llmj_schema_result {
    llmj_schema_verdict valid;
    const llmj_schema_violation *violation; /* NULL: none */
    size_t nmissing;
    const char *const *missing;
    const char *cut;
    /* Appended. The members still to come when the text writes every object's
     * members in the schema's order (as OpenAI's strict mode does), in the
     * order they will come: upcoming[0..nupcoming-1] are the pointers of the
     * properties of the innermost open object declared after its last member
     * begun and not yet present, then those of the next object out, and so
     * on to the outermost (the member being read counts as begun once its key
     * is complete). */
    size_t nupcoming;
    const char *const *upcoming;
} llmj_schema_result;

/* LLMJ_OK, LLMJ_NOMEM, LLMJ_MISUSE (no schema set, or a NULL argument). */
LLMJ_API llmj_status llmj_tracker_schema_result(llmj_tracker *t, llmj_schema_result *out);

/* ---- schema events: what a UI needs at the byte it becomes certain ------- */

typedef enum llmj_schema_event_type {
    LLMJ_SCHEMA_EV_VIOLATION = 1, /* the first violation (violation) */
    LLMJ_SCHEMA_EV_ENUM = 2,      /* a string value still open can only become one
                                     enum or const value (value): the text keeps
                                     only what arrived */
    LLMJ_SCHEMA_EV_BRANCH = 3     /* one anyOf branch is left for the value
                                     (branch, schema) */
} llmj_schema_event_type;

/* "schema_violation", "enum_resolved", "branch_decided". */
LLMJ_API const char *llmj_schema_event_name(llmj_schema_event_type type);

/* Everything is borrowed: valid only during the callback.
 * - pointer: the JSON Pointer of the value in the text;
 * - offset/line/column: the byte at which it became certain (whatever the
 *   piece sizes; one event per value and kind at most);
 * - violation: VIOLATION only (also given by llmj_tracker_schema_result);
 * - value[0:value_len]: ENUM only, the whole value the string will have;
 * - branch, schema: BRANCH only, the index of the branch in its anyOf (the
 *   innermost anyOf when they nest) and its JSON Pointer in the schema, e.g.
 *   "/properties/pet/anyOf/1". OpenAI's strict mode has object branches begin
 *   with different keys, so they decide within the first key. */
typedef struct llmj_schema_event {
    llmj_schema_event_type type;
    const char *pointer;
    uint64_t offset;
    uint64_t line;
    uint64_t column;
    const llmj_schema_violation *violation;
    const char *value;
    size_t value_len;
    size_t branch;
    const char *schema;
} llmj_schema_event;

/* Return 0 to go on, non-zero to stop: as for the tracker's own callback,
 * the tracker then reports LLMJ_ABORTED and calls no callback again. It must
 * not call the tracker. */
typedef int (*llmj_schema_event_cb)(void *ctx, const llmj_schema_event *ev);

/* llmj_tracker_set_schema() with a callback for the schema's events (cb may
 * be NULL: none). The same rules; a reset keeps both. */
LLMJ_API llmj_status llmj_tracker_set_schema_cb(llmj_tracker *t, const llmj_schema *s,
                                                llmj_schema_event_cb cb, void *ctx);

/* ---- on a stream ---------------------------------------------------------
 * The stream validates each choice's JSON content against `content` and each
 * tool call's arguments against the schema set for the tool's name (the name
 * known when its first argument byte arrives; a call whose name comes later,
 * or has no schema, is not validated). Read the verdict of a text with
 * llmj_tracker_schema_result(llmj_stream_tracker(s, choice, tool), ...).
 * Only before the first byte fed (schemas are kept across
 * llmj_stream_reset); the schemas are borrowed and must outlive the
 * stream's use of them. NULL removes a schema. LLMJ_OK, LLMJ_NOMEM,
 * LLMJ_BAD_OPTION (more tool schemas than config.max_tool_calls),
 * LLMJ_MISUSE. */
LLMJ_API llmj_status llmj_stream_set_schema(llmj_stream *s, const llmj_schema *content);
LLMJ_API llmj_status llmj_stream_set_tool_schema(llmj_stream *s, const char *name,
                                                 size_t name_len, const llmj_schema *parameters);

#ifdef __cplusplus
}
#endif
#endif
