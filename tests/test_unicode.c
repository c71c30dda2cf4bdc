/* The library's one set of UTF-8 and JSON-escape helpers (src/unicode.h),
 * which every stage that reads or writes JSON strings uses:
 * - llmj__hex4: every 4-digit value in both cases reads back; a byte that is
 *   not a hex digit in any position gives -1;
 * - llmj__esc_byte: exactly the eight one-letter escapes of RFC 8259, with
 *   the bytes they stand for;
 * - llmj__esc_json: every byte is written so that reading it back gives the
 *   byte (short forms for the seven that have one, \u00XX for the other
 *   control bytes, nothing for the rest);
 * - the surrogate helpers: their ranges, known pairs, and every pair of
 *   the 1,048,576 giving a distinct code point in order;
 * - llmj__utf8_put and llmj__utf8_seq: every scalar value's encoding is one
 *   sequence of its length; surrogates, overlong forms and bytes past
 *   U+10FFFF are not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "unicode.h"

static void test_hex4(void **state)
{
    (void)state;
    for (unsigned v = 0; v <= 0xFFFF; v++) {
        char s[8];
        snprintf(s, sizeof s, "%04x", v);
        assert_int_equal(llmj__hex4((const unsigned char *)s), (int)v);
        snprintf(s, sizeof s, "%04X", v);
        assert_int_equal(llmj__hex4((const unsigned char *)s), (int)v);
    }
    for (int c = 0; c < 256; c++) {
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        assert_int_equal(llmj__hex_val((unsigned char)c) >= 0, hex);
        if (hex)
            continue;
        for (int at = 0; at < 4; at++) {
            unsigned char s[4] = { '0', 'a', 'F', '9' };
            s[at] = (unsigned char)c;
            assert_int_equal(llmj__hex4(s), -1);
        }
    }
}

static void test_esc_byte(void **state)
{
    (void)state;
    static const char letters[] = "\"\\/bfnrt";
    static const char bytes[] = "\"\\/\b\f\n\r\t";
    int accepted = 0;
    for (int c = 0; c < 256; c++) {
        int d = llmj__esc_byte((unsigned char)c);
        const char *at = c ? strchr(letters, c) : NULL;
        if (!at) {
            assert_int_equal(d, -1);
            continue;
        }
        accepted++;
        assert_int_equal(d, (unsigned char)bytes[at - letters]);
    }
    assert_int_equal(accepted, 8);
    assert_int_equal(llmj__esc_byte('u'), -1); /* four hex digits follow */
}

static void test_esc_json_round_trip(void **state)
{
    (void)state;
    int short_forms = 0, long_forms = 0;
    for (int c = 0; c < 256; c++) {
        char e[8];
        memset(e, 0, sizeof e);
        size_t k = llmj__esc_json(e, (unsigned char)c);
        if (c >= 0x20 && c != '"' && c != '\\') {
            assert_int_equal(k, 0); /* written as it is, UTF-8 bytes too */
            continue;
        }
        assert_int_equal(e[0], '\\');
        if (k == 2) {
            short_forms++;
            assert_int_equal(llmj__esc_byte((unsigned char)e[1]), c);
            assert_true(e[1] != '/'); /* a slash needs no escape */
        } else {
            long_forms++;
            assert_int_equal(k, 6);
            assert_int_equal(e[1], 'u');
            assert_int_equal(llmj__hex4((const unsigned char *)e + 2), c);
            /* lower-case hex, as the library writes it everywhere */
            for (int i = 2; i < 6; i++)
                assert_true((e[i] >= '0' && e[i] <= '9') || (e[i] >= 'a' && e[i] <= 'f'));
        }
    }
    assert_int_equal(short_forms, 7);  /* " \ \b \f \n \r \t */
    assert_int_equal(long_forms, 27); /* the other control bytes */
}

static void test_surrogates(void **state)
{
    (void)state;
    assert_false(llmj__is_high(0xD7FF));
    assert_true(llmj__is_high(0xD800));
    assert_true(llmj__is_high(0xDBFF));
    assert_false(llmj__is_high(0xDC00));
    assert_false(llmj__is_low(0xDBFF));
    assert_true(llmj__is_low(0xDC00));
    assert_true(llmj__is_low(0xDFFF));
    assert_false(llmj__is_low(0xE000));
    assert_int_equal(llmj__pair(0xD800, 0xDC00), 0x10000);
    assert_int_equal(llmj__pair(0xD83D, 0xDE00), 0x1F600); /* the grinning face */
    assert_int_equal(llmj__pair(0xDBFF, 0xDFFF), 0x10FFFF);
    unsigned long prev = 0xFFFF;
    for (unsigned hi = 0xD800; hi <= 0xDBFF; hi++)
        for (unsigned lo = 0xDC00; lo <= 0xDFFF; lo++) {
            unsigned long cp = llmj__pair(hi, lo);
            if (cp != prev + 1)
                fail_msg("pair(%04X, %04X) = %lX after %lX", hi, lo, cp, prev);
            prev = cp;
        }
    assert_int_equal(prev, 0x10FFFF);
}

static void test_utf8_round_trip(void **state)
{
    (void)state;
    for (unsigned long cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char o[8] = { 0 }; /* (utf8_bad reads 8 at a time where it may) */
        size_t n = llmj__utf8_put(o, cp);
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n != want || llmj__utf8_seq((const unsigned char *)o, n) != n ||
            llmj__utf8_bad(o, n) != n)
            fail_msg("U+%04lX: %zu bytes, not one valid sequence of %zu", cp, n, want);
        if (n > 1 && llmj__utf8_seq((const unsigned char *)o, n - 1) != 0)
            fail_msg("U+%04lX: a cut sequence counted as whole", cp);
    }
    static const unsigned char bad[][8] = {
        { 0xED, 0xA0, 0x80 },       /* U+D800, a surrogate */
        { 0xED, 0xBF, 0xBF },       /* U+DFFF */
        { 0xC0, 0x80 },             /* an overlong NUL */
        { 0xE0, 0x9F, 0xBF },       /* an overlong U+07FF */
        { 0xF0, 0x8F, 0xBF, 0xBF }, /* an overlong U+FFFF */
        { 0xF4, 0x90, 0x80, 0x80 }, /* U+110000 */
        { 0xF5, 0x80, 0x80, 0x80 },
        { 0x80 },                   /* a continuation byte alone */
        { 0xC2, 0x41 },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(llmj__utf8_seq(bad[k], 4), 0);
        assert_int_equal(llmj__utf8_bad((const char *)bad[k], 4), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex4),
        cmocka_unit_test(test_esc_byte),
        cmocka_unit_test(test_esc_json_round_trip),
        cmocka_unit_test(test_surrogates),
        cmocka_unit_test(test_utf8_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
