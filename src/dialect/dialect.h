/* Internal: the interface between the stream object and the dialect
 * decoders. A dialect decoder is fed one SSE event at a time (for Ollama's
 * NDJSON, one line at a time, with type NULL) and emits normalised items. It
 * parses each event's JSON with a yajl push parser and callbacks that pick
 * the fields out (no DOM), through the configured allocator. */
#ifndef LLMJ_DIALECT_H
#define LLMJ_DIALECT_H

#include <llmjson.h>

typedef enum ld_kind {
    LD_TEXT = 1,       /* choice; text = a content delta (decoded); len 0 (once,
                          before anything else of the choice): the choice exists */
    LD_REFUSAL = 2,    /* choice; text = a refusal delta */
    LD_TOOL_BEGIN = 3, /* choice, tool; id, name (either may be empty) */
    LD_TOOL_ARGS = 4,  /* choice, tool; text = an arguments fragment (JSON text) */
    LD_TOOL_END = 5,   /* choice, tool: the provider says the arguments are whole */
    LD_FINISH = 6,     /* choice; finish, text = the raw reason string */
    LD_USAGE = 7,      /* usage (the latest counts; replace, do not add) */
    LD_ERROR = 8,      /* text = message; id = error type; name = error code */
    LD_DONE = 9,       /* the stream's own end marker ([DONE], message_stop, ...) */
    LD_REASONING = 10, /* choice; text = a reasoning delta (decoded), never content */
    LD_REASONING_SIGNATURE = 11, /* choice; text = a reasoning signature, whole */
    LD_REASONING_REDACTED = 12   /* choice; text = a redacted or encrypted reasoning part's
                                    opaque data (may be empty) */
} ld_kind;

typedef struct ld_item {
    ld_kind kind;
    size_t choice;
    size_t tool;
    const char *text;
    size_t len;
    const char *id;
    size_t id_len;
    const char *name;
    size_t name_len;
    llmj_finish finish;
    llmj_usage usage;
} ld_item;

/* Return 0 to go on, non-zero to stop (the decoder returns LLMJ_ABORTED). */
typedef int (*ld_emit)(void *ctx, const ld_item *it);

typedef struct ld_ops {
    llmj_dialect dialect;
    /* Allocate the decoder state (*state) with a; LLMJ_OK or LLMJ_NOMEM. */
    llmj_status (*create)(void **state, const llmj_allocator *a, const llmj_config *cfg);
    void (*destroy)(void *state);
    /* One event: type (NULL/0 for NDJSON lines and for SSE events with no
     * event field), data. Returns LLMJ_OK, LLMJ_BAD_EVENT (payload not the
     * dialect's JSON; the stream goes on), LLMJ_ABORTED, LLMJ_NOMEM, or
     * LLMJ_TOO_LONG (a choice index or a choice's tool calls beyond
     * config.max_choices / max_tool_calls). On any status but LLMJ_ABORTED
     * nothing was emitted and the decoder is unchanged. */
    llmj_status (*event)(void *state, const char *type, size_t type_len,
                         const char *data, size_t data_len, ld_emit emit, void *ctx);
    /* How likely an event is this dialect's (0 no, 1 maybe, 2 sure), for
     * auto-detection from the first event. */
    int (*sniff)(const char *type, size_t type_len, const char *data, size_t data_len);
    /* Why the last event() did not return LLMJ_OK (NUL-terminated, held by
     * the state until its next call; "" if nothing to say). */
    const char *(*message)(void *state);
} ld_ops;

extern const ld_ops llmj__dialect_openai_chat;
extern const ld_ops llmj__dialect_openai_responses;
extern const ld_ops llmj__dialect_anthropic;
extern const ld_ops llmj__dialect_gemini;
extern const ld_ops llmj__dialect_ollama;

#endif
