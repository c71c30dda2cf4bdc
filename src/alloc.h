/* Internal: allocation through the configured llmj_allocator, with overflow
 * checks. Every allocation in the library goes through these. */
#ifndef LLMJ_ALLOC_H
#define LLMJ_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <llmjson.h>

void *llmj__malloc(const llmj_allocator *a, size_t size);
void *llmj__realloc(const llmj_allocator *a, void *ptr, size_t size);
void llmj__free(const llmj_allocator *a, void *ptr);

/* Fill a with the C library's functions where cfg leaves them NULL; 0 on
 * success, -1 when only some of the three are set. */
int llmj__alloc_resolve(llmj_allocator *a, const llmj_allocator *cfg);

/* yajl's allocation functions (yajl_alloc_funcs, ctx: a const
 * llmj_allocator *). yajl does not check its allocations: each block carries
 * a header saying which allocator it came from, the configured one or, when
 * that refuses, the C library's, so yajl never sees NULL (its needs are
 * bounded by what it parses). */
void *llmj__yajl_malloc(void *ctx, size_t size);
void *llmj__yajl_realloc(void *ctx, void *ptr, size_t size);
void llmj__yajl_free(void *ctx, void *ptr);

/* A growable byte buffer. Capacity grows geometrically; cap is a hard limit
 * on len (SIZE_MAX for none). Functions return 0, or -1 on allocation failure
 * (the buffer is then unchanged), or -2 when cap would be exceeded. */
typedef struct llmj__buf {
    char *data;
    size_t len;
    size_t cap;
} llmj__buf;

int llmj__buf_reserve(llmj__buf *b, const llmj_allocator *a, size_t need, size_t limit);
int llmj__buf_append(llmj__buf *b, const llmj_allocator *a, const void *p, size_t n,
                     size_t limit);
void llmj__buf_free(llmj__buf *b, const llmj_allocator *a);
/* Give back what b grew to: when its capacity is over keep and its bytes
 * fit in keep, it becomes keep bytes (if that allocation fails, b stays as
 * it is). */
void llmj__buf_shrink(llmj__buf *b, const llmj_allocator *a, size_t keep);

/* b = text[0:sv->bytes_kept] + sv->closer, NUL-terminated: the repaired text
 * R of a salvage. 0, or -1 on allocation failure (b unchanged). */
int llmj__buf_repair(llmj__buf *b, const llmj_allocator *a, const char *text,
                     const llmj_salvage *sv);

/* The same, incrementally: b->data[0:*valid] already equals text[0:*valid]
 * (the caller keeps *valid, 0 at first and whenever text is replaced), so
 * only text[*valid:bytes_kept] and the closer are written: O(delta + depth)
 * per call while the kept prefix grows. *valid becomes bytes_kept. */
int llmj__buf_repair_inc(llmj__buf *b, const llmj_allocator *a, const char *text,
                         const llmj_salvage *sv, size_t *valid);

#endif
