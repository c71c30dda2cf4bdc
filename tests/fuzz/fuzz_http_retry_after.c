// seeds: tests/fuzz/seeds-http
/* libFuzzer target: the Retry-After value (llmj__retry_after, src/http.c),
 * under UBSan (a huge number once overflowed converting to long).
 *
 * Checked: the result is -1 or >= 0; for delay-seconds (digits, optionally
 * '.' and digits) it equals a reference computed here digit by digit with
 * saturation at LONG_MAX (a non-zero fraction rounds up); anything else that
 * does not start with a digit is -1 or a date's seconds from now (>= 0).
 * libcurl (for its date parser) is loaded once, by the first input. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "http_int.h"

static long ra_reference(const char *s, size_t n)
{
    size_t i = 0;
    unsigned long long v = 0;
    int big = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        unsigned long long d = (unsigned long long)(s[i] - '0');
        if (!big && v > ((unsigned long long)LONG_MAX - d) / 10)
            big = 1;
        else if (!big)
            v = v * 10 + d;
        i++;
    }
    if (i == 0)
        return -2; /* not delay-seconds */
    int frac = 0;
    if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            frac |= s[i] != '0';
    }
    if (i != n)
        return -1;
    if (big)
        return LONG_MAX;
    if (frac && v < (unsigned long long)LONG_MAX)
        v++;
    return (long)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* as on_header gives it: trimmed, one header value (no CR/LF, no NUL) */
    if (size >= 127)
        size = 126;
    for (size_t i = 0; i < size; i++)
        if (data[i] < 0x20 || data[i] == 0x7f)
            return 0;
    static llmj__curl cu;
    static int loaded;
    if (!loaded) {
        char why[256];
        CHECK(llmj__curl_open(&cu, NULL, why, sizeof why) == 0, "%s", why);
        loaded = 1;
    }
    const char *s = (const char *)data;
    long r = llmj__retry_after(&cu, s, size);
    CHECK(r >= -1, "Retry-After '%.*s' gave %ld", (int)size, s, r);
    long want = ra_reference(s, size);
    if (want != -2)
        CHECK(r == want, "Retry-After '%.*s' gave %ld, expected %ld", (int)size, s, r, want);
    return 0;
}
