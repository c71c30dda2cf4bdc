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
    LD_REASONING_REDACTED = 12,  /* choice; text = a redacted or encrypted reasoning part's
                                    opaque data (may be empty) */
    /* the extras (none is content; none changes a text) */
    LD_TOOL_SIGNATURE = 13, /* choice, tool; text = the call's thought signature, whole */
    LD_SERVER_TOOL = 14,    /* choice; a tool the provider ran itself: tool = the dialect's
                               number for it, id, name, type, status (empty: unchanged),
                               text = input appended (LD_F_WHOLE: replaces it); LD_F_TELL:
                               tell the caller (begun, status, input whole) */
    LD_CITATION = 15,       /* choice; text = the citation as sent (JSON), type, id = its
                               source (URL, file id), name = its title */
    LD_LOGPROB = 16,        /* choice; text = one token's logprob entry as sent (JSON) */
    LD_SERVICE_TIER = 17,   /* text = the service tier */
    LD_STOP_SEQUENCE = 18   /* choice; text = the stop sequence that ended it */
} ld_kind;

/* ld_item.flags */
#define LD_F_TEXT_INPUT 1u /* LD_TOOL_BEGIN: the call's input is free text, not JSON */
#define LD_F_WHOLE 2u      /* LD_SERVER_TOOL: text is the whole input */
#define LD_F_TELL 4u       /* LD_SERVER_TOOL: tell the caller */
#define LD_F_RESULT 8u     /* LD_SERVER_TOOL: a result for it (type: the result's type) */

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
    /* LD_TOOL_BEGIN (the tool's type, "" for a function), LD_SERVER_TOOL,
     * LD_CITATION */
    const char *type;
    size_t type_len;
    const char *status; /* LD_SERVER_TOOL */
    size_t status_len;
    unsigned flags;     /* LD_F_* */
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
    /* Between events (NULL: nothing to do): give back the memory that only
     * an event needs (its parser, records and kept strings), so that an open
     * stream holds only what it keeps from event to event. The stream calls
     * it at the end of every feed and at finish; a decoder gives the same
     * results, statuses and messages whether it is called or not. */
    void (*rest)(void *state);
} ld_ops;

extern const ld_ops llmj__dialect_openai_chat;
/* The same decoder without its fast path for the usual chunk: every event
 * walked by the picker (tests check that both give the same results). */
extern const ld_ops llmj__dialect_openai_chat_walk;
extern const ld_ops llmj__dialect_openai_responses;
extern const ld_ops llmj__dialect_anthropic;
extern const ld_ops llmj__dialect_gemini;
extern const ld_ops llmj__dialect_ollama;

#endif
