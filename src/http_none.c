/* The library built without a transport (make HTTP=0): no libcurl, no
 * llmj_http_* functions; the global pair of http.h is here and does nothing,
 * so a program that calls it builds against either library. */
#include <llmjson.h>

llmj_status llmj_global_init(void)
{
    return LLMJ_OK;
}

void llmj_global_cleanup(void)
{
}
