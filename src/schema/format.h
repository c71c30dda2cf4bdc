/* Internal: the string formats of the schema subset (docs/schema.md). */
#ifndef LLMJ_SCHEMA_FORMAT_H
#define LLMJ_SCHEMA_FORMAT_H

#include <stddef.h>

/* Is s[0:n] a valid value of format f (SF_*)? */
int llmj__format_check(int f, const char *s, size_t n);
/* Can s[0:n] still become one (0 only when certain it cannot)? */
int llmj__format_prefix(int f, const char *s, size_t n);
/* "date-time", ... */
const char *llmj__format_name(int f);

#endif
