/* llmjson — streams: API dialects, finish reasons, usage, and the stream
 * object (raw response bytes in; per-choice texts, tool calls, trackers and
 * salvage out). Included by <llmjson.h>. */
#ifndef LLMJSON_STREAM_H
#define LLMJSON_STREAM_H

#include "common.h"
#include "tracker.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum llmj_dialect {
    LLMJ_DIALECT_AUTO = 0,        /* detect from the first event */
    LLMJ_DIALECT_OPENAI_CHAT = 1, /* Chat Completions and the servers that copy it */
    LLMJ_DIALECT_OPENAI_RESPONSES = 2,
    LLMJ_DIALECT_ANTHROPIC = 3,   /* Messages */
    LLMJ_DIALECT_GEMINI = 4,      /* streamGenerateContent?alt=sse */
    LLMJ_DIALECT_OLLAMA = 5       /* native /api/chat and /api/generate (NDJSON) */
} llmj_dialect;

/* "auto", "openai", "responses", "anthropic", "gemini", "ollama". */
LLMJ_API const char *llmj_dialect_name(llmj_dialect d);
/* The dialect of a name above (LLMJ_OK), or LLMJ_UNKNOWN_DIALECT. */
LLMJ_API llmj_status llmj_dialect_from_name(const char *name, llmj_dialect *out);

/* Finish reasons, normalised (shared/PROVIDERS.md section 6). */
typedef enum llmj_finish {
    LLMJ_FINISH_NONE = 0,       /* no finish reason (yet) */
    LLMJ_FINISH_STOP = 1,
    LLMJ_FINISH_LENGTH = 2,
    LLMJ_FINISH_TOOL_CALLS = 3,
    LLMJ_FINISH_CONTENT_FILTER = 4,
    LLMJ_FINISH_REFUSAL = 5,
    LLMJ_FINISH_ERROR = 6,
    LLMJ_FINISH_UNKNOWN = 7
} llmj_finish;

/* "none", "stop", "length", "tool_calls", "content_filter", "refusal",
 * "error", "unknown". */
LLMJ_API const char *llmj_finish_name(llmj_finish f);

/* Token counts; -1 where the provider did not say. */
typedef struct llmj_usage {
    int64_t input_tokens;
    int64_t output_tokens;
    int64_t total_tokens;
    int64_t cached_tokens;
    int64_t reasoning_tokens;
} llmj_usage;

/* (the stream object's API follows: issue 3) */

#ifdef __cplusplus
}
#endif
#endif
