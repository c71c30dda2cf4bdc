/* Token counts as the dialects read them. See pick.h. */
#include "pick.h"

void llmj__usage_none(llmj_usage *u)
{
    u->input_tokens = u->output_tokens = u->total_tokens = -1;
    u->cached_tokens = u->reasoning_tokens = -1;
}

int llmj__usage_any(const llmj_usage *u)
{
    return u->input_tokens >= 0 || u->output_tokens >= 0 || u->total_tokens >= 0 ||
           u->cached_tokens >= 0 || u->reasoning_tokens >= 0;
}

void llmj__usage_merge(llmj_usage *into, const llmj_usage *u)
{
    if (u->input_tokens >= 0)
        into->input_tokens = u->input_tokens;
    if (u->output_tokens >= 0)
        into->output_tokens = u->output_tokens;
    if (u->total_tokens >= 0)
        into->total_tokens = u->total_tokens;
    if (u->cached_tokens >= 0)
        into->cached_tokens = u->cached_tokens;
    if (u->reasoning_tokens >= 0)
        into->reasoning_tokens = u->reasoning_tokens;
}

llmj_status llmj__pk_count(const llmj__pk_val *v, int64_t *dst)
{
    int64_t x;
    if (v->type == LLMJ__PK_NUMBER && llmj__pk_int(v, &x) == 0 && x >= 0)
        *dst = x;
    return LLMJ_OK;
}
