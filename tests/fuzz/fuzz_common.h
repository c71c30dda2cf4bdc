/* Helpers shared by the libFuzzer targets in tests/fuzz/ (not part of the
 * library). Each target includes this file once; everything here is static.
 *
 * The targets check invariants, not only "no crash": a failed CHECK prints
 * what went wrong and aborts, so libFuzzer keeps the input as a crash.
 *
 * The input's first bytes may choose the configuration and the piece sizes:
 * every leading byte 0x80-0xBF (a UTF-8 continuation byte; at most
 * FZ_HEADER_MAX of them) is a header byte carrying 6 bits, the rest is the
 * input proper. No JSON text and no SSE stream can usefully start with a
 * continuation byte (a JSON text is invalid there; the SSE targets lose
 * nothing the rest of the input cannot give them), and a UTF-8 BOM (EF BB BF)
 * is not a header, so the corpus files (plain JSON and SSE) are seeds as
 * they are: no header, default configuration and piece sizes. */
#ifndef LLMJ_FUZZ_COMMON_H
#define LLMJ_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llmjson.h>

/* The counting allocator of the tests (tu_alloc, tu_allocator). */
#include "support/testutil.c"

#define FZ_HEADER_MAX 8

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "\nINVARIANT FAILED at %s:%d: %s\n  ", __FILE__,   \
                    __LINE__, #cond);                                          \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* ---- the header ---------------------------------------------------------- */

typedef struct fz_input {
    unsigned char hdr[FZ_HEADER_MAX]; /* low 6 bits of each header byte */
    size_t nhdr;
    const unsigned char *text;
    size_t len;
} fz_input;

static inline void fz_split_input(fz_input *in, const uint8_t *data, size_t size)
{
    in->nhdr = 0;
    while (in->nhdr < FZ_HEADER_MAX && in->nhdr < size && (data[in->nhdr] & 0xC0) == 0x80) {
        in->hdr[in->nhdr] = data[in->nhdr] & 0x3F;
        in->nhdr++;
    }
    in->text = data + in->nhdr;
    in->len = size - in->nhdr;
}

/* The configuration bits: header byte 0 (0 when there is no header). */
static inline unsigned fz_flags(const fz_input *in)
{
    return in->nhdr ? in->hdr[0] : 0;
}

/* Piece sizes: header bytes 1.. (each 1..64), cycled; one byte at a time
 * when there are none. */
typedef struct fz_splits {
    size_t size[FZ_HEADER_MAX];
    size_t n;
} fz_splits;

static inline void fz_get_splits(const fz_input *in, fz_splits *sp)
{
    sp->n = 0;
    for (size_t i = 1; i < in->nhdr; i++)
        sp->size[sp->n++] = (size_t)in->hdr[i] + 1;
    if (sp->n == 0)
        sp->size[sp->n++] = 1;
}

/* The size of the k-th piece. */
static inline size_t fz_piece(const fz_splits *sp, size_t k)
{
    return sp->size[k % sp->n];
}

/* ---- a growable byte buffer (aborts when malloc fails) ------------------- */

typedef struct fz_buf {
    char *d;
    size_t n, cap;
} fz_buf;

static inline void fz_add(fz_buf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *d = realloc(b->d, cap);
        if (!d)
            abort();
        b->d = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->d + b->n, p, n);
    b->n += n;
    b->d[b->n] = '\0';
}

static inline void fz_addf(fz_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k > 0)
        fz_add(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* n as 8 bytes, then the bytes: an unambiguous log record. */
static inline void fz_add_lp(fz_buf *b, const void *p, size_t n)
{
    uint64_t v = n;
    fz_add(b, &v, sizeof v);
    fz_add(b, p, n);
}

static inline void fz_free(fz_buf *b)
{
    free(b->d);
    b->d = NULL;
    b->n = b->cap = 0;
}

static inline int fz_eq(const fz_buf *a, const fz_buf *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->d, b->d, a->n) == 0);
}

/* FNV-1a of the bytes. */
static inline uint64_t fz_hash(const fz_buf *b)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < b->n; i++)
        h = (h ^ (unsigned char)b->d[i]) * 0x100000001b3ULL;
    return h;
}

/* 1 when a is a prefix of b. */
static inline int fz_is_prefix(const fz_buf *a, const fz_buf *b)
{
    return a->n <= b->n && (a->n == 0 || memcmp(a->d, b->d, a->n) == 0);
}

/* The offset of the first difference of two logs (for the message). */
static inline size_t fz_diff_at(const fz_buf *a, const fz_buf *b)
{
    size_t i = 0;
    while (i < a->n && i < b->n && a->d[i] == b->d[i])
        i++;
    return i;
}

/* ---- UTF-8 --------------------------------------------------------------- */

/* 1 when s[0:n] is valid UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF). NUL bytes are allowed. */
static inline int fz_utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2, lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            need = 2;
        } else if (c == 0xED) {
            need = 2, hi = 0x9F;
        } else if (c == 0xF0) {
            need = 3, lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3, hi = 0x8F;
        } else {
            return 0;
        }
        if (n - i - 1 < need)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += need + 1;
    }
    return 1;
}

#endif
