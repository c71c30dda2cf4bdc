/* Key ids: the keys a dialect matches, registered once (llmj__pk_keys) and
 * looked up once per map key of an event, so that paths are matched by
 * comparing small ids level by level. See pick.h. */
#include "pick.h"

#include <string.h>

static unsigned pk_khash(const char *k, size_t n)
{
    unsigned h = (unsigned)n * 37u + (unsigned char)k[0] * 11u +
                 (unsigned char)k[n - 1] * 5u + (unsigned char)k[n >> 1];
    return h & (LLMJ__PK_KEYSLOTS - 1);
}

/* a[0..n) == b[0..n), comparing whole words (overlapping at the end) rather
 * than byte by byte: keys are short and of varied lengths. */
int llmj__bytes_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return x0 == y0 && x1 == y1;
    }
    if (n == 0)
        return 1;
    return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1];
}

/* The id of key k (1 .. LLMJ__PK_KEYMAX bytes) in the dialect's table, 0 if
 * none. The table is never full, so the probe ends at an empty slot. */
unsigned llmj__pk_kid_of(const llmj__pk *p, const char *k, size_t n)
{
    if (p->nkeys == 0 || n == 0)
        return 0;
    for (unsigned h = pk_khash(k, n);; h = (h + 1) & (LLMJ__PK_KEYSLOTS - 1)) {
        unsigned id = p->slot[h];
        if (id == 0)
            return 0;
        if (p->keylen[id] == n && llmj__bytes_eq(p->keys[id - 1], k, n))
            return id;
    }
}

void llmj__pk_keys(llmj__pk *p, const char *const *keys, size_t n)
{
    memset(p->slot, 0, sizeof p->slot);
    memset(p->keylen, 0, sizeof p->keylen);
    if (n > LLMJ__PK_KEYIDS)
        n = LLMJ__PK_KEYIDS;
    p->keys = keys;
    p->nkeys = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(keys[i]);
        unsigned id = (unsigned)i + 1;
        p->keylen[id] = (unsigned char)(len <= LLMJ__PK_KEYMAX ? len : 0);
        if (len == 0 || len > LLMJ__PK_KEYMAX)
            continue; /* such a key never matches: leave it out */
        unsigned h = pk_khash(keys[i], len);
        while (p->slot[h])
            h = (h + 1) & (LLMJ__PK_KEYSLOTS - 1);
        p->slot[h] = (unsigned char)id;
    }
    p->nkeys = n;
}
