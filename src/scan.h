/* Internal: the structural classifier in front of the tracker's scanner.
 *
 * classify() reads exactly 64 bytes and returns two bit masks, bit k for
 * byte k: the bytes that end a plain run inside a string ('"', '\\', the
 * controls below 0x20 and every byte >= 0x80) and the JSON whitespace
 * (space, tab, LF, CR). One implementation per path: portable C
 * (8 bytes at a time), SSE2 (every x86-64) and AVX2 (chosen at run time
 * when the CPU has it). Every path returns the same masks for the same
 * bytes; the scanner only ever reads the masks, so its results are the same
 * on every path (tests/test_scan.c and tests/fuzz/fuzz_scan.c check both). */
#ifndef LLMJ_SCAN_H
#define LLMJ_SCAN_H

#include <stdint.h>

/* LLMJ_NO_SIMD (a build option, -DLLMJ_NO_SIMD) builds the portable path
 * alone, as on a machine that is not x86-64. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(LLMJ_NO_SIMD)
#define LLMJ__SCAN_X86 1
#include <immintrin.h>
#endif

typedef struct llmj__masks {
    uint64_t special; /* '"', '\\', < 0x20, >= 0x80 */
    uint64_t ws;      /* ' ', '\t', '\n', '\r' */
} llmj__masks;

enum {
    LLMJ__SCAN_PORTABLE = 0,
    LLMJ__SCAN_SSE2 = 1,
    LLMJ__SCAN_AVX2 = 2,
    LLMJ__SCAN_PATHS = 3
};

/* 1 when this build and this CPU can run the path. */
int llmj__scan_path_supported(int path);

/* The path a new tracker uses: the best one supported, or the one named by
 * the environment variable LLMJ_SCAN ("portable", "sse2", "avx2": a test
 * and benchmark hook) when it is supported. */
int llmj__scan_path_default(void);

/* The masks of p[0:64] on a supported path (tests compare the paths; the
 * scanner inlines the classifiers below, one copy of it per path). */
llmj__masks llmj__classify(int path, const unsigned char *p);

/* "portable", "sse2", "avx2". */
const char *llmj__scan_path_name(int path);

/* ---- portable: 8 bytes at a time in a 64-bit word -------------------------- */

#define LLMJ__L7 0x7F7F7F7F7F7F7F7FULL
#define LLMJ__H8 0x8080808080808080ULL
#define LLMJ__REP(c) (0x0101010101010101ULL * (uint64_t)(c))

/* 0x80 in every byte of x equal to the byte of c (exact: no carry crosses a
 * byte). */
static inline uint64_t llmj__swar_eq(uint64_t x, uint64_t c)
{
    uint64_t t = x ^ c;
    return ~(((t & LLMJ__L7) + LLMJ__L7) | t) & LLMJ__H8;
}

/* The high bits of the 8 bytes of h (only high bits set) as 8 bits. */
static inline uint64_t llmj__swar_bits(uint64_t h)
{
    return ((h >> 7) * 0x0102040810204080ULL) >> 56;
}

/* 0x80 in every byte of x that ends a plain run inside a string ('"',
 * '\\', < 0x20, >= 0x80), 0 in the others. */
static inline uint64_t llmj__swar_special(uint64_t x)
{
    uint64_t lt20 = ~(((x & LLMJ__L7) + LLMJ__REP(0x60)) | x) & LLMJ__H8; /* bytes < 0x20 */
    return llmj__swar_eq(x, LLMJ__REP('"')) | llmj__swar_eq(x, LLMJ__REP('\\')) | lt20 |
           (x & LLMJ__H8);
}

static inline llmj__masks llmj__classify_portable(const unsigned char *p)
{
    uint64_t sp = 0, ws = 0;
    for (int k = 0; k < 8; k++) {
        const unsigned char *q = p + 8 * k;
        /* little-endian assembly: byte j is bits 8j..8j+7 on every machine */
        uint64_t x = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
                     (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 | (uint64_t)q[5] << 40 |
                     (uint64_t)q[6] << 48 | (uint64_t)q[7] << 56;
        uint64_t s = llmj__swar_special(x);
        uint64_t w = llmj__swar_eq(x, LLMJ__REP('\n')) | llmj__swar_eq(x, LLMJ__REP(' ')) |
                     llmj__swar_eq(x, LLMJ__REP('\t')) | llmj__swar_eq(x, LLMJ__REP('\r'));
        sp |= llmj__swar_bits(s) << (8 * k);
        ws |= llmj__swar_bits(w) << (8 * k);
    }
    llmj__masks m = { sp, ws };
    return m;
}

#ifdef LLMJ__SCAN_X86

/* ---- SSE2: 16 bytes at a time (every x86-64) ------------------------------ */

static inline llmj__masks llmj__classify_sse2(const unsigned char *p)
{
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i tab = _mm_set1_epi8('\t');
    uint64_t sp = 0, ws = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        /* signed v < 0x20: the controls and every byte >= 0x80 */
        __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                 _mm_cmplt_epi8(v, space));
        __m128i w = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, lf)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, tab)));
        sp |= (uint64_t)(unsigned)_mm_movemask_epi8(s) << (16 * k);
        ws |= (uint64_t)(unsigned)_mm_movemask_epi8(w) << (16 * k);
    }
    llmj__masks m = { sp, ws };
    return m;
}

/* ---- AVX2: 32 bytes at a time (chosen at run time) ------------------------- */

__attribute__((target("avx2"))) static inline llmj__masks llmj__classify_avx2(const unsigned char *p)
{
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i bslash = _mm256_set1_epi8('\\');
    const __m256i below = _mm256_set1_epi8(0x20);
    /* whitespace by its low nibble: tbl[c & 15] == c only for ' ', '\t',
     * '\n', '\r' (a byte >= 0x80 gives 0 from the shuffle) */
    const __m256i tbl = _mm256_setr_epi8(' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0,
                                         ' ', 0, 0, 0, 0, 0, 0, 0, 0, '\t', '\n', 0, 0, '\r', 0, 0);
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    __m256i s0 = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v0, quote), _mm256_cmpeq_epi8(v0, bslash)),
        _mm256_cmpgt_epi8(below, v0));
    __m256i s1 = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v1, quote), _mm256_cmpeq_epi8(v1, bslash)),
        _mm256_cmpgt_epi8(below, v1));
    __m256i w0 = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, v0), v0);
    __m256i w1 = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(tbl, v1), v1);
    uint64_t sp = (uint64_t)(uint32_t)_mm256_movemask_epi8(s0) |
                  (uint64_t)(uint32_t)_mm256_movemask_epi8(s1) << 32;
    uint64_t ws = (uint64_t)(uint32_t)_mm256_movemask_epi8(w0) |
                  (uint64_t)(uint32_t)_mm256_movemask_epi8(w1) << 32;
    llmj__masks m = { sp, ws };
    return m;
}

#endif

#endif
