/* llmjson — what every stage shares: the status enum, errors, the allocator,
 * the configuration. Included by <llmjson.h>; not meant to be included alone. */
#ifndef LLMJSON_COMMON_H
#define LLMJSON_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LLMJ_BUILDING) && defined(__GNUC__)
#define LLMJ_API __attribute__((visibility("default")))
#else
#define LLMJ_API
#endif

/* One status enum for the whole library. Append-only: a value never changes
 * its number. Every value has a string in llmj_strerror(). */
typedef enum llmj_status {
    LLMJ_OK = 0,                 /* 0: success; for a text, "viable so far" or "complete" */
    LLMJ_TRUNCATED = 1,          /* 1: the text ended before its value was complete */
    LLMJ_INVALID = 2,            /* 2: not JSON (RFC 8259) at the error position */
    LLMJ_TOO_DEEP = 3,           /* 3: nesting deeper than the configured max_depth */
    LLMJ_TOO_LONG = 4,           /* 4: a string, key, number, line or event over its limit */
    LLMJ_RUNAWAY_WHITESPACE = 5, /* 5: a whitespace run of whitespace_limit +
                                    whitespace_indent * depth bytes */
    LLMJ_RUNAWAY_REPEAT = 6,     /* 6: the same unit repeated over repeat_limit bytes */
    LLMJ_ABORTED = 7,            /* 7: a callback returned non-zero */
    LLMJ_NOMEM = 8,              /* 8: an allocation failed; the object is unchanged */
    LLMJ_MISUSE = 9,             /* 9: a NULL handle, or a call out of order */
    LLMJ_BAD_OPTION = 10,        /* 10: a configuration value out of range */
    LLMJ_EMPTY = 11,             /* 11: the text ended holding nothing but whitespace */
    LLMJ_SSE_CUT = 12,           /* 12: the byte stream ended inside an SSE line */
    LLMJ_BAD_EVENT = 13,         /* 13: an event's payload is not what its dialect sends */
    LLMJ_PROVIDER_ERROR = 14,    /* 14: the provider reported an error in the stream */
    LLMJ_UNKNOWN_DIALECT = 15,   /* 15: the dialect could not be detected or is unknown */
    LLMJ_HTTP_ERROR = 16,        /* 16: the server answered with an HTTP error status */
    LLMJ_TRANSFER = 17,          /* 17: the transfer failed (connection, TLS, reset) */
    LLMJ_TIMEOUT_CONNECT = 18,   /* 18: no connection within the connect timeout */
    LLMJ_TIMEOUT_TOTAL = 19,     /* 19: the transfer took longer than the total timeout */
    LLMJ_TIMEOUT_STALL = 20,     /* 20: no byte arrived within the stall timeout */
    LLMJ_CANCELLED = 21,         /* 21: the transfer was cancelled (runaway or callback) */
    LLMJ_IO = 22,                /* 22: reading or writing a file failed */
    LLMJ_JSON_MODE_PROMPT = 23,  /* 23: JSON mode requested, no message mentions "json" */
    LLMJ_TIMEOUT_IDLE = 24,      /* 24: no event with data within the idle timeout */
    LLMJ_SCHEMA_UNSUPPORTED = 25, /* 25: a schema outside the supported subset, or not a schema */
    LLMJ_SCHEMA_VIOLATION = 26,  /* 26: the text does not conform to its schema */
    LLMJ_NOT_A_STREAM = 27,      /* 27: the input is no SSE or NDJSON stream (a JSON
                                    document, plain text, random bytes) */
    LLMJ_NOT_JSON = 28           /* 28: the text is plain text, not JSON: it has no
                                    tracker, no salvage and no document */
} llmj_status;

/* A static English description of a status; never NULL. */
LLMJ_API const char *llmj_strerror(llmj_status status);

/* The library's version as "major.minor.patch", and as LLMJ_VERSION_NUM. */
LLMJ_API const char *llmj_version(void);
LLMJ_API unsigned llmj_version_num(void);

/* Where and what. Offsets count every byte ever fed to the object, from 0;
 * line and column count from 1 (the column in bytes; only LF ends a line).
 * message is owned by the object and valid until its next call. */
typedef struct llmj_error {
    llmj_status code;
    uint64_t offset;
    uint64_t line;
    uint64_t column;
    const char *message;
} llmj_error;

/* The allocator every object uses for every allocation, yajl's included.
 * All three NULL means malloc/realloc/free. ctx is passed first. */
typedef struct llmj_allocator {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} llmj_allocator;

/* Settings shared by every stage. Always start from llmj_config_init(), which
 * writes the defaults; fields are only ever appended. A NULL config pointer
 * anywhere means the defaults. */
typedef struct llmj_config {
    llmj_allocator alloc;    /* default: the C library's */
    size_t max_depth;        /* deepest nesting allowed (default 512, at least 1) */
    size_t max_token;        /* longest string, key or number, in bytes of JSON
                                text (default 64 MiB, at least 16) */
    size_t whitespace_limit; /* whitespace runaway at this many consecutive
                                whitespace bytes outside strings, at depth 0
                                (default 256; 0 off; see whitespace_indent) */
    size_t repeat_limit;     /* repetition runaway: a unit of 1-64 bytes repeated
                                back to back over this many bytes (default 0: off;
                                otherwise at least 128) */
    int string_chunks;       /* deliver LLMJ_EV_STRING_CHUNK events (default 1) */
    int keep_text;           /* the tracker keeps a copy of the text for
                                llmj_tracker_text()/llmj_tracker_repair() (default 0) */
    size_t max_event;        /* SSE: largest event (data buffer) or line in bytes
                                (default 16 MiB) */
    size_t max_choices;      /* stream: most choices (indexes 0..max_choices-1)
                                (default 128) */
    size_t max_tool_calls;   /* stream: most tool calls per choice (default 128) */
    size_t max_text;         /* stream: longest accumulated text (content, refusal,
                                arguments) in bytes (default 256 MiB) */
    size_t max_stream_memory; /* stream: the one budget, in bytes allocated, for
                                everything a stream holds: every choice's content,
                                refusal and finish reason, every tool call's id, name
                                and arguments, the provider error's strings and the
                                events held while the dialect is detected
                                (default 0: 256 MiB) */
    size_t whitespace_indent; /* whitespace runaway: bytes added to whitespace_limit
                                per container open at the run's first byte, so the
                                limit is whitespace_limit + whitespace_indent * depth
                                (default 8; docs/salvage.md) */
} llmj_config;

LLMJ_API void llmj_config_init(llmj_config *cfg);

#ifdef __cplusplus
}
#endif
#endif
