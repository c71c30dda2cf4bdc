/* Internal: the parts of src/http.c that the fuzz targets reach directly. */
#ifndef LLMJ_HTTP_INT_H
#define LLMJ_HTTP_INT_H

#include "http_curl.h"
#include "redact.h"

#define LLMJ__HTTP_MSG_CAP 1024
#define LLMJ__HTTP_FIELD_CAP 128

/* A Retry-After value: seconds (digits, a fraction rounded up, clamped to
 * LONG_MAX) or an HTTP date (seconds from now, 0 when past, read with cu's
 * curl_getdate); -1 otherwise. */
long llmj__retry_after(const llmj__curl *cu, const char *v, size_t n);

/* The provider's error from an HTTP error body b[0:n] (the message, type and
 * code, or for a body that is not JSON the status line and a plain-text
 * body's start, and a redirect's Location), redacted with k (may be NULL):
 * into msg (LLMJ__HTTP_MSG_CAP bytes), etype and ecode (LLMJ__HTTP_FIELD_CAP
 * bytes each), NUL-terminated. */
void llmj__http_error_fields(const llmj_allocator *a, const llmj__secrets *k, const char *b, size_t n,
                             const char *content_type, const char *status_line, long http_status,
                             const char *location, char *msg, char *etype, char *ecode);

#endif
