/* Secrets out of messages (see redact.h). The output is written into a fresh
 * buffer from left to right and never scanned again while it is written, so
 * it cannot run past its capacity; then it is checked whole: when a marker
 * together with the text around it would show a secret again (a secret that
 * overlaps the marker, such as "acted"), another marker is used, and as a
 * last resort the field becomes the marker alone, or empty. */
#include "redact.h"

#include <string.h>

static const char *const MARKERS[] = {"[redacted]", "**********", "##########", "~~~~~~~~~~"};
#define NMARKERS (sizeof MARKERS / sizeof MARKERS[0])

void llmj__secrets_init(llmj__secrets *k, const llmj_allocator *a)
{
    memset(k, 0, sizeof *k);
    k->a = *a;
}

int llmj__secrets_add(llmj__secrets *k, const char *s, size_t n)
{
    if (n < LLMJ__SECRET_MIN)
        return -2;
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i].n == n && memcmp(k->v[i].s, s, n) == 0)
            return 0;
    if (k->n == LLMJ__SECRETS_MAX)
        return -2;
    char *d = llmj__malloc(&k->a, n + 1);
    if (!d)
        return -1;
    memcpy(d, s, n);
    d[n] = 0;
    k->v[k->n].s = d;
    k->v[k->n].n = n;
    k->n++;
    return 0;
}

static void wipe(char *p, size_t n)
{
    volatile char *v = p;
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
}

void llmj__secrets_free(llmj__secrets *k)
{
    for (size_t i = 0; i < k->n; i++) {
        wipe(k->v[i].s, k->v[i].n);
        llmj__free(&k->a, k->v[i].s);
    }
    for (size_t i = 0; i < 3; i++) {
        if (k->scratch[i].data)
            wipe(k->scratch[i].data, k->scratch[i].cap);
        llmj__buf_free(&k->scratch[i], &k->a);
    }
    k->n = 0;
}

/* The length of the longest secret that starts at s[0:n], or 0. */
static size_t match_at(const llmj__secrets *k, const char *s, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i].n <= n && k->v[i].n > best && s[0] == k->v[i].s[0] && memcmp(s, k->v[i].s, k->v[i].n) == 0)
            best = k->v[i].n;
    return best;
}

/* The length of the longest tail of s[0:n] (at least LLMJ__SECRET_MIN bytes)
 * that is the start of a secret, or 0. */
static size_t tail_prefix(const llmj__secrets *k, const char *s, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; i < k->n; i++) {
        size_t max = k->v[i].n < n ? k->v[i].n : n;
        for (size_t l = max; l >= LLMJ__SECRET_MIN && l > best; l--)
            if (memcmp(s + n - l, k->v[i].s, l) == 0) {
                best = l;
                break;
            }
    }
    return best;
}

/* Does s[0:n] show a secret (whole, or its start at the end)? */
static int shows(const llmj__secrets *k, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (match_at(k, s + i, n - i))
            return 1;
    return tail_prefix(k, s, n) != 0;
}

/* Cut o back to the start of an incomplete UTF-8 sequence at dst[0:o]. */
static size_t utf8_cut(const char *dst, size_t o)
{
    size_t j = o;
    while (j > 0 && ((unsigned char)dst[j - 1] & 0xC0) == 0x80 && o - j < 3)
        j--;
    if (j == 0)
        return o;
    unsigned char lead = (unsigned char)dst[j - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return o - (j - 1) < need ? j - 1 : o;
}

/* One pass with marker m; returns the length written (dst[0:len]). */
static size_t pass(const llmj__secrets *k, const char *src, size_t n, char *dst, size_t cap, const char *m)
{
    size_t ml = strlen(m), o = 0, i = 0;
    int cut = 0;
    while (i < n) {
        size_t hit = match_at(k, src + i, n - i);
        if (hit) {
            if (o + ml > cap - 1) {
                cut = 1;
                break;
            }
            memcpy(dst + o, m, ml);
            o += ml;
            i += hit;
        } else {
            if (o + 1 > cap - 1) {
                cut = 1;
                break;
            }
            dst[o++] = src[i++];
        }
    }
    if (cut)
        o = utf8_cut(dst, o);
    size_t t = tail_prefix(k, dst, o);
    if (t) {
        o -= t;
        if (o + ml <= cap - 1) {
            memcpy(dst + o, m, ml);
            o += ml;
        }
    }
    return o;
}

size_t llmj__redact(const llmj__secrets *k, const char *src, size_t n, char *dst, size_t cap)
{
    static const llmj__secrets none;
    if (cap == 0)
        return 0;
    if (!k)
        k = &none;
    size_t o;
    for (size_t mi = 0; mi < NMARKERS; mi++) {
        o = pass(k, src, n, dst, cap, MARKERS[mi]);
        if (!shows(k, dst, o)) {
            dst[o] = 0;
            return o;
        }
    }
    /* the field as one marker, or nothing */
    for (size_t mi = 0; mi < NMARKERS; mi++) {
        o = strlen(MARKERS[mi]);
        if (o <= cap - 1 && !shows(k, MARKERS[mi], o)) {
            memcpy(dst, MARKERS[mi], o + 1);
            return o;
        }
    }
    dst[0] = 0;
    return 0;
}

void llmj__redact_field(const llmj__secrets *k, char *s, size_t cap)
{
    if (!k || k->n == 0 || cap == 0)
        return;
    char tmp[4096];
    size_t n = strlen(s);
    if (cap > sizeof tmp)
        cap = sizeof tmp;
    llmj__redact(k, s, n < cap ? n : cap - 1, tmp, cap);
    memcpy(s, tmp, strlen(tmp) + 1);
    wipe(tmp, cap);
}

/* Redact src[0:n] into b (NUL-terminated). */
static int redact_buf(llmj__secrets *k, llmj__buf *b, const char *src, size_t n)
{
    /* a marker of 10 bytes for a secret of at least 4: at most 2.5 times */
    size_t need = n / LLMJ__SECRET_MIN * 10 + n + 11;
    if (need < n || llmj__buf_reserve(b, &k->a, need, SIZE_MAX) != 0)
        return -1;
    b->len = llmj__redact(k, src, n, b->data, b->cap);
    return 0;
}

int llmj__redact_error(llmj__secrets *k, llmj_provider_error *e)
{
    if (!k || k->n == 0)
        return 0;
    if (redact_buf(k, &k->scratch[0], e->message ? e->message : "", e->message ? e->message_len : 0) ||
        redact_buf(k, &k->scratch[1], e->type ? e->type : "", e->type ? e->type_len : 0) ||
        redact_buf(k, &k->scratch[2], e->code ? e->code : "", e->code ? e->code_len : 0))
        return -1;
    e->message = k->scratch[0].data;
    e->message_len = k->scratch[0].len;
    e->type = k->scratch[1].data;
    e->type_len = k->scratch[1].len;
    e->code = k->scratch[2].data;
    e->code_len = k->scratch[2].len;
    return 0;
}
