/* Internal: keeping secrets (API keys, the values of secret request headers)
 * out of every message the library hands back. A secret is replaced by a
 * marker ("[redacted]"), and a field that ends with the first 4 or more bytes
 * of a secret (a secret cut at the field's edge) has that tail replaced too.
 * Secrets shorter than LLMJ__SECRET_MIN bytes are refused by the caller: a
 * string that short cannot be told apart from ordinary text. */
#ifndef LLMJ_REDACT_H
#define LLMJ_REDACT_H

#include "alloc.h"

#define LLMJ__SECRET_MIN 4
#define LLMJ__SECRETS_MAX 32

typedef struct llmj__secrets {
    llmj_allocator a;
    struct {
        char *s; /* ours; zeroed before it is freed */
        size_t n;
    } v[LLMJ__SECRETS_MAX];
    size_t n;
    llmj__buf scratch[3]; /* llmj__redact_error's copies */
} llmj__secrets;

void llmj__secrets_init(llmj__secrets *k, const llmj_allocator *a);
/* Add a secret (copied; a duplicate is ignored). 0; -1 no memory; -2 too
 * short (under LLMJ__SECRET_MIN bytes) or too many secrets. */
int llmj__secrets_add(llmj__secrets *k, const char *s, size_t n);
void llmj__secrets_free(llmj__secrets *k);

/* Write src[0:n] into dst (cap >= 1 bytes), NUL-terminated, cut at cap-1 on
 * a UTF-8 boundary, every secret replaced by a marker. The result never
 * contains a secret, nor ends with a 4-byte-or-longer start of one. Returns
 * its length. dst must not overlap src. */
size_t llmj__redact(const llmj__secrets *k, const char *src, size_t n, char *dst, size_t cap);

/* Redact a fixed field in place (through a copy). */
void llmj__redact_field(const llmj__secrets *k, char *s, size_t cap);

/* Redact the message, type and code of a provider error: afterwards they
 * point into k's scratch buffers (valid until the next call), NUL-terminated.
 * 0, or -1 when out of memory. */
int llmj__redact_error(llmj__secrets *k, llmj_provider_error *e);

/* Hook for src/stream.c: a stream object that redacts every provider error
 * with k before it is reported or kept (k outlives s; NULL: none). */
void llmj__stream_set_secrets(llmj_stream *s, llmj__secrets *k);

#endif
