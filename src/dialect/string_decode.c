/* Strings picked from an event: located in the event's data and decoded by
 * our own code (yajl's decoder mangles lone surrogate escapes), into the
 * event's arena only when they hold escapes. See pick.h, llmj__str. */
#include "pick.h"

#include <string.h>

int llmj__pk_raw(const llmj__pk *p, const llmj__pk_val *v, const char **raw, size_t *len)
{
    if (v->type != LLMJ__PK_STRING)
        return -1;
    uintptr_t d0 = (uintptr_t)p->data, d1 = d0 + p->data_len, s = (uintptr_t)v->ptr;
    if (v->len > 0 && s >= d0 && s <= d1 && v->len <= d1 - s) {
        /* yajl passes a string without escapes straight from the input. */
        *raw = v->ptr;
        *len = v->len;
        return 0;
    }
    /* Otherwise the token ends just before the offset yajl has reached: find
     * its opening quote (a quote preceded by an even run of backslashes). */
    size_t end = llmj__pk_offset(p);
    if (end < 2 || end > p->data_len || p->data[end - 1] != '"')
        return -1;
    size_t j = end - 1;
    while (j > 0) {
        j--;
        if (p->data[j] != '"')
            continue;
        size_t k = j;
        while (k > 0 && p->data[k - 1] == '\\')
            k--;
        if (((j - k) & 1) == 0) {
            *raw = p->data + j + 1;
            *len = end - 1 - (j + 1);
            return 0;
        }
    }
    return -1;
}

/* The 4 hex digits at s (checked by the JSON parser before). */
static unsigned hex4(const char *s)
{
    int v = llmj__hex4((const unsigned char *)s);
    return v < 0 ? 0xFFFD : (unsigned)v;
}

/* The first backslash in s[0..n), or NULL. Short runs (the usual delta of a
 * few characters) are scanned in line; memchr pays off on longer ones. */
static const char *pk_backslash(const char *s, size_t n)
{
    if (n >= 32)
        return memchr(s, '\\', n);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\\')
            return s + i;
    return NULL;
}

/* Decode raw JSON string content (validated by yajl) into o; returns the
 * length. The decoded text is never longer than the raw. */
static size_t pk_decode(const char *r, size_t n, char *o, llmj__str *out)
{
    size_t i = 0, w = 0;
    if (n >= 6 && r[0] == '\\' && r[1] == 'u') {
        unsigned u = hex4(r + 2);
        if (llmj__is_low(u)) {
            out->lead_low = (uint16_t)u;
            i = 6;
        }
    }
    while (i < n) {
        if (r[i] != '\\') {
            const char *bs = pk_backslash(r + i, n - i);
            size_t run = bs ? (size_t)(bs - (r + i)) : n - i;
            memcpy(o + w, r + i, run);
            w += run;
            i += run;
            continue;
        }
        if (i + 1 >= n)
            break; /* cannot happen after yajl */
        char e = r[i + 1];
        i += 2;
        if (e != 'u') {
            int d = llmj__esc_byte((unsigned char)e);
            o[w++] = d < 0 ? e : (char)d; /* (yajl let no other letter by) */
            continue;
        }
        if (i + 4 > n)
            return w;
        unsigned u = hex4(r + i);
        i += 4;
        if (llmj__is_high(u)) {
            if (i + 6 <= n && r[i] == '\\' && r[i + 1] == 'u' && llmj__is_low(hex4(r + i + 2))) {
                unsigned lo = hex4(r + i + 2);
                i += 6;
                w += llmj__utf8_put(o + w, llmj__pair(u, lo));
            } else if (i == n) {
                out->trail_high = (uint16_t)u;
            } else {
                w += llmj__utf8_put(o + w, 0xFFFD);
            }
        } else if (llmj__is_low(u)) {
            w += llmj__utf8_put(o + w, 0xFFFD);
        } else {
            w += llmj__utf8_put(o + w, u);
        }
    }
    return w;
}

llmj_status llmj__pk_keep(llmj__pk *p, const llmj__pk_val *v, llmj__str *out)
{
    if (v->type != LLMJ__PK_STRING && v->type != LLMJ__PK_NUMBER)
        return LLMJ_OK;
    memset(out, 0, sizeof *out);
    const char *raw = v->ptr;
    size_t n = v->len;
    int decode = 0;
    if (v->type == LLMJ__PK_STRING) {
        if (llmj__pk_raw(p, v, &raw, &n) == 0) {
            if (!pk_backslash(raw, n)) {
                out->ptr = n ? raw : "";
                out->len = n;
                out->set = 1;
                return LLMJ_OK;
            }
            decode = 1;
        } else {
            raw = v->ptr; /* yajl's own decoding: fine but for lone surrogates */
            n = v->len;
        }
    }
    if (n > SIZE_MAX - LLMJ__PK_HEAD - p->arena.len)
        return LLMJ_NOMEM;
    if (llmj__buf_reserve(&p->arena, &p->a, p->arena.len + LLMJ__PK_HEAD + n, SIZE_MAX))
        return LLMJ_NOMEM;
    size_t off = p->arena.len + LLMJ__PK_HEAD;
    char *o = p->arena.data + off;
    if (decode) {
        out->len = pk_decode(raw, n, o, out);
    } else {
        if (n)
            memcpy(o, raw, n);
        out->len = n;
    }
    out->off = off;
    out->set = 1;
    p->arena.len = off + out->len;
    return LLMJ_OK;
}
