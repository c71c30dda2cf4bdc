/* Status strings, names, version, configuration defaults. */
#include <string.h>

#include <llmjson.h>

#include "unicode.h"

const unsigned char llmj__hex1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

const char *llmj_strerror(llmj_status status)
{
    /* No default: the compiler flags a status without a string. */
    switch (status) {
    case LLMJ_OK: return "no error";
    case LLMJ_TRUNCATED: return "the text ended before its value was complete";
    case LLMJ_INVALID: return "invalid JSON";
    case LLMJ_TOO_DEEP: return "nesting deeper than the configured maximum";
    case LLMJ_TOO_LONG: return "a token, line or event is longer than its configured maximum";
    case LLMJ_RUNAWAY_WHITESPACE: return "whitespace runaway: too many consecutive whitespace bytes";
    case LLMJ_RUNAWAY_REPEAT: return "repetition runaway: the same text repeated over the limit";
    case LLMJ_ABORTED: return "stopped by a callback";
    case LLMJ_NOMEM: return "out of memory";
    case LLMJ_MISUSE: return "API misuse (NULL handle or call out of order)";
    case LLMJ_BAD_OPTION: return "a configuration value is out of range";
    case LLMJ_EMPTY: return "the text holds nothing but whitespace";
    case LLMJ_SSE_CUT: return "the event stream ended inside a line";
    case LLMJ_BAD_EVENT: return "an event's payload is not what its dialect sends";
    case LLMJ_PROVIDER_ERROR: return "the provider reported an error";
    case LLMJ_UNKNOWN_DIALECT: return "unknown or undetectable API dialect";
    case LLMJ_HTTP_ERROR: return "the server answered with an HTTP error status";
    case LLMJ_TRANSFER: return "the transfer failed";
    case LLMJ_TIMEOUT_CONNECT: return "connect timeout";
    case LLMJ_TIMEOUT_TOTAL: return "total timeout";
    case LLMJ_TIMEOUT_STALL: return "stall timeout: no data within the limit";
    case LLMJ_TIMEOUT_IDLE: return "idle timeout: no event with data within the limit";
    case LLMJ_CANCELLED: return "the transfer was cancelled";
    case LLMJ_IO: return "I/O error";
    case LLMJ_JSON_MODE_PROMPT:
        return "JSON mode needs the word \"json\" in a message ('messages' must contain the word "
               "'json' in some form to use 'response_format' of type 'json_object')";
    case LLMJ_SCHEMA_UNSUPPORTED:
        return "the schema is outside the supported subset, or not a schema";
    case LLMJ_SCHEMA_VIOLATION: return "the text does not conform to its schema";
    case LLMJ_NOT_A_STREAM: return "not an SSE or NDJSON stream";
    case LLMJ_NOT_JSON: return "the text is plain text, not JSON";
    }
    return "unknown status";
}

const char *llmj_version(void)
{
    return LLMJ_VERSION_STRING;
}

unsigned llmj_version_num(void)
{
    return LLMJ_VERSION_NUM;
}

void llmj_config_init(llmj_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->max_depth = 512;
    cfg->max_token = (size_t)64 << 20;
    cfg->whitespace_limit = 256;
    cfg->repeat_limit = 0;
    cfg->string_chunks = 1;
    cfg->keep_text = 0;
    cfg->max_event = (size_t)16 << 20;
    cfg->max_choices = 128;
    cfg->max_tool_calls = 128;
    cfg->max_text = (size_t)256 << 20;
    cfg->whitespace_indent = 8;
}

const char *llmj_event_type_name(llmj_event_type type)
{
    switch (type) {
    case LLMJ_EV_BEGIN_OBJECT: return "begin_object";
    case LLMJ_EV_END_OBJECT: return "end_object";
    case LLMJ_EV_BEGIN_ARRAY: return "begin_array";
    case LLMJ_EV_END_ARRAY: return "end_array";
    case LLMJ_EV_KEY: return "key";
    case LLMJ_EV_STRING_CHUNK: return "string_chunk";
    case LLMJ_EV_STRING: return "string";
    case LLMJ_EV_NUMBER: return "number";
    case LLMJ_EV_TRUE: return "true";
    case LLMJ_EV_FALSE: return "false";
    case LLMJ_EV_NULL: return "null";
    }
    return "unknown";
}

const char *llmj_text_status_name(llmj_text_status status)
{
    switch (status) {
    case LLMJ_TEXT_COMPLETE: return "complete";
    case LLMJ_TEXT_TRUNCATED: return "truncated";
    case LLMJ_TEXT_INVALID: return "invalid";
    case LLMJ_TEXT_EMPTY: return "empty";
    case LLMJ_TEXT_RUNAWAY: return "runaway";
    }
    return "unknown";
}

const char *llmj_dialect_name(llmj_dialect d)
{
    switch (d) {
    case LLMJ_DIALECT_AUTO: return "auto";
    case LLMJ_DIALECT_OPENAI_CHAT: return "openai";
    case LLMJ_DIALECT_OPENAI_RESPONSES: return "responses";
    case LLMJ_DIALECT_ANTHROPIC: return "anthropic";
    case LLMJ_DIALECT_GEMINI: return "gemini";
    case LLMJ_DIALECT_OLLAMA: return "ollama";
    }
    return "unknown";
}

llmj_status llmj_dialect_from_name(const char *name, llmj_dialect *out)
{
    static const llmj_dialect all[] = {
        LLMJ_DIALECT_AUTO, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_DIALECT_OPENAI_RESPONSES,
        LLMJ_DIALECT_ANTHROPIC, LLMJ_DIALECT_GEMINI, LLMJ_DIALECT_OLLAMA,
    };
    if (!name || !out)
        return LLMJ_MISUSE;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, llmj_dialect_name(all[i])) == 0) {
            *out = all[i];
            return LLMJ_OK;
        }
    }
    return LLMJ_UNKNOWN_DIALECT;
}

const char *llmj_finish_name(llmj_finish f)
{
    switch (f) {
    case LLMJ_FINISH_NONE: return "none";
    case LLMJ_FINISH_STOP: return "stop";
    case LLMJ_FINISH_LENGTH: return "length";
    case LLMJ_FINISH_TOOL_CALLS: return "tool_calls";
    case LLMJ_FINISH_CONTENT_FILTER: return "content_filter";
    case LLMJ_FINISH_REFUSAL: return "refusal";
    case LLMJ_FINISH_ERROR: return "error";
    case LLMJ_FINISH_UNKNOWN: return "unknown";
    case LLMJ_FINISH_PAUSE_TURN: return "pause_turn";
    }
    return "unknown";
}
