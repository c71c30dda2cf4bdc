/* The skimmer: a non-allocating look at the members of a JSON object, for
 * auto-detection (ld_ops.sniff) and for a dialect's fast path over text yajl
 * checks. See pick.h. */
#include "pick.h"

#include <string.h>

/* ---- skimming -------------------------------------------------------------- */

size_t llmj__sk_string(const char *d, size_t n, size_t i)
{
    int esc = 0;
    return llmj__sk_string_esc(d, n, i, &esc);
}

int llmj__sk_string_ok(const char *d, size_t n)
{
    const unsigned char *u = (const unsigned char *)d;
    if (n < 2 || u[0] != '"')
        return 0;
    for (size_t i = 1; i < n;) {
        if (n - i >= 8) { /* a plain run: 8 bytes at a time */
            uint64_t x;
            memcpy(&x, u + i, 8);
            if (!llmj__swar_special(x)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = u[i];
        if (c == '"')
            return i + 1 == n;
        if (c == '\\') {
            if (n - i < 2)
                return 0;
            c = u[i + 1];
            if (c == 'u') {
                if (n - i < 6 || llmj__hex4(u + i + 2) < 0)
                    return 0;
                i += 6;
            } else if (llmj__esc_byte(c) >= 0) {
                i += 2;
            } else {
                return 0;
            }
        } else if (c < 0x20) {
            return 0;
        } else if (c < 0x80) {
            i++;
        } else {
            size_t k = llmj__utf8_seq(u + i, n - i);
            if (!k)
                return 0;
            i += k;
        }
    }
    return 0; /* no closing quote */
}

size_t llmj__sk_value(const char *d, size_t n, size_t i, size_t *nest)
{
    *nest = 0;
    if (i >= n)
        return n;
    if (d[i] == '"')
        return llmj__sk_string(d, n, i);
    if (d[i] == '{' || d[i] == '[') {
        size_t depth = 0;
        while (i < n) {
            char c = d[i];
            if (c == '"') {
                i = llmj__sk_string(d, n, i);
                continue;
            }
            if (c == '{' || c == '[') {
                if (++depth > *nest)
                    *nest = depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return n;
    }
    while (i < n && d[i] != ',' && d[i] != '}' && d[i] != ']' && !llmj__ws(d[i]))
        i++;
    return i;
}

int llmj__skim(const char *d, size_t n, const char *key, const char **val, size_t *vlen)
{
    size_t klen = strlen(key);
    size_t i = llmj__sk_ws(d, n, 0);
    if (i >= n || d[i] != '{')
        return 0;
    i++;
    for (;;) {
        i = llmj__sk_ws(d, n, i);
        if (i >= n || d[i] != '"')
            return 0;
        size_t ks = i + 1;
        i = llmj__sk_string(d, n, i);
        if (i > n || i < ks + 1)
            return 0;
        size_t ke = i - 1;
        i = llmj__sk_ws(d, n, i);
        if (i >= n || d[i] != ':')
            return 0;
        i = llmj__sk_ws(d, n, i + 1);
        size_t vs = i, nest;
        i = llmj__sk_value(d, n, i, &nest);
        if (ke - ks == klen && memcmp(d + ks, key, klen) == 0) {
            *val = d + vs;
            *vlen = i - vs;
            return 1;
        }
        i = llmj__sk_ws(d, n, i);
        if (i >= n || d[i] != ',')
            return 0;
        i++;
    }
}

int llmj__skim_str(const char *d, size_t n, const char *key, const char *lit)
{
    const char *v;
    size_t vn, m = strlen(lit);
    if (!llmj__skim(d, n, key, &v, &vn))
        return 0;
    return vn == m + 2 && v[0] == '"' && memcmp(v + 1, lit, m) == 0 && v[m + 1] == '"';
}

int llmj__skim_prefix(const char *d, size_t n, const char *key, const char *prefix)
{
    const char *v;
    size_t vn, m = strlen(prefix);
    if (!llmj__skim(d, n, key, &v, &vn))
        return 0;
    return vn >= m + 2 && v[0] == '"' && memcmp(v + 1, prefix, m) == 0;
}
