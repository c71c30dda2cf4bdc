/* Allocation through the configured allocator; the growable buffer. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static void *std_malloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *std_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void std_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

int llmj__alloc_resolve(llmj_allocator *a, const llmj_allocator *cfg)
{
    if (!cfg || (!cfg->malloc && !cfg->realloc && !cfg->free)) {
        a->malloc = std_malloc;
        a->realloc = std_realloc;
        a->free = std_free;
        a->ctx = NULL;
        return 0;
    }
    if (!cfg->malloc || !cfg->realloc || !cfg->free)
        return -1;
    *a = *cfg;
    return 0;
}

void *llmj__malloc(const llmj_allocator *a, size_t size)
{
    return a->malloc(a->ctx, size ? size : 1);
}

void *llmj__realloc(const llmj_allocator *a, void *ptr, size_t size)
{
    return a->realloc(a->ctx, ptr, size ? size : 1);
}

void llmj__free(const llmj_allocator *a, void *ptr)
{
    if (ptr)
        a->free(a->ctx, ptr);
}

typedef struct yhdr {
    size_t size;
    size_t fallback;
} yhdr;

void *llmj__yajl_malloc(void *ctx, size_t size)
{
    if (size > SIZE_MAX - sizeof(yhdr))
        return NULL;
    yhdr *h = llmj__malloc(ctx, sizeof *h + size);
    size_t fb = 0;
    if (!h) {
        h = malloc(sizeof *h + size);
        fb = 1;
        if (!h)
            return NULL;
    }
    h->size = size;
    h->fallback = fb;
    return h + 1;
}

void llmj__yajl_free(void *ctx, void *ptr)
{
    if (!ptr)
        return;
    yhdr *h = (yhdr *)ptr - 1;
    if (h->fallback)
        free(h);
    else
        llmj__free(ctx, h);
}

void *llmj__yajl_realloc(void *ctx, void *ptr, size_t size)
{
    if (!ptr)
        return llmj__yajl_malloc(ctx, size);
    yhdr *h = (yhdr *)ptr - 1;
    void *n = llmj__yajl_malloc(ctx, size);
    if (!n)
        return NULL;
    memcpy(n, ptr, h->size < size ? h->size : size);
    llmj__yajl_free(ctx, ptr);
    return n;
}

int llmj__buf_reserve(llmj__buf *b, const llmj_allocator *a, size_t need, size_t limit)
{
    if (need <= b->cap)
        return 0;
    if (need > limit)
        return -2;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    if (cap > limit && limit != SIZE_MAX)
        cap = limit < need ? need : limit;
    char *d = llmj__realloc(a, b->data, cap);
    if (!d)
        return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

int llmj__buf_append(llmj__buf *b, const llmj_allocator *a, const void *p, size_t n,
                     size_t limit)
{
    if (n > SIZE_MAX - b->len)
        return -2;
    int rc = llmj__buf_reserve(b, a, b->len + n, limit);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

void llmj__buf_free(llmj__buf *b, const llmj_allocator *a)
{
    llmj__free(a, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void llmj__buf_shrink(llmj__buf *b, const llmj_allocator *a, size_t keep)
{
    if (b->cap <= keep || b->len > keep || keep == 0)
        return;
    char *d = llmj__realloc(a, b->data, keep);
    if (!d)
        return;
    b->data = d;
    b->cap = keep;
}

int llmj__buf_repair_inc(llmj__buf *b, const llmj_allocator *a, const char *text,
                         const llmj_salvage *sv, size_t *valid)
{
    size_t k = (size_t)sv->bytes_kept;
    size_t v = *valid < k ? *valid : k;
    if (v > b->len)
        v = b->len;
    if (sv->closer_len > SIZE_MAX - k - 1 ||
        llmj__buf_reserve(b, a, k + sv->closer_len + 1, SIZE_MAX))
        return -1;
    if (k > v)
        memcpy(b->data + v, text + v, k - v);
    if (sv->closer_len)
        memcpy(b->data + k, sv->closer, sv->closer_len);
    b->len = k + sv->closer_len;
    b->data[b->len] = '\0';
    *valid = k;
    return 0;
}

int llmj__buf_repair(llmj__buf *b, const llmj_allocator *a, const char *text,
                     const llmj_salvage *sv)
{
    size_t valid = 0;
    return llmj__buf_repair_inc(b, a, text, sv, &valid);
}
