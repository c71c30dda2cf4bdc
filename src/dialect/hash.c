/* Comparing and hashing bytes. See pick.h. */
#include "pick.h"

#include <string.h>

int llmj__eq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && (m == 0 || memcmp(s, lit, m) == 0);
}

uint64_t llmj__hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}
