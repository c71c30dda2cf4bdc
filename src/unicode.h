/* The library's one UTF-8 encoder, UTF-8 check, \u hex decoder and JSON
 * string escapes, both ways (internal; every stage that reads or writes JSON
 * strings uses these). */
#ifndef LLMJ_UNICODE_H
#define LLMJ_UNICODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 1 + the value of a hex digit, 0 for any other byte (src/util.c). */
extern const unsigned char llmj__hex1[256];

/* The value of a hex digit, -1 for any other byte. */
static inline int llmj__hex_val(unsigned char c)
{
    return (int)llmj__hex1[c] - 1;
}

/* The value of the 4 hex digits at s (0..0xFFFF), or -1 when one is not a
 * hex digit. */
static inline int llmj__hex4(const unsigned char *s)
{
    unsigned a = llmj__hex1[s[0]], b = llmj__hex1[s[1]], c = llmj__hex1[s[2]], d = llmj__hex1[s[3]];
    if (!a || !b || !c || !d)
        return -1;
    return (int)((a - 1) << 12 | (b - 1) << 8 | (c - 1) << 4 | (d - 1));
}

/* UTF-16 surrogates, as \u escapes write them: a high one (D800-DBFF) and
 * the low one (DC00-DFFF) after it make one code point above U+FFFF. */
static inline int llmj__is_high(unsigned u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

static inline int llmj__is_low(unsigned u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

static inline unsigned long llmj__pair(unsigned hi, unsigned lo)
{
    return 0x10000 + ((unsigned long)(hi - 0xD800) << 10) + (lo - 0xDC00);
}

/* The byte that the one-letter JSON escape \e stands for (\" \\ \/ \b \f
 * \n \r \t), or -1 for any other letter, 'u' included (\uXXXX has four hex
 * digits more). */
static inline int llmj__esc_byte(unsigned char e)
{
    switch (e) {
    case '"': case '\\': case '/': return e;
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return -1;
    }
}

/* How byte c is written inside a JSON string: its escape in o (room for 6
 * bytes: \" \\ \b \f \n \r \t, \u00XX for another control byte) and the
 * escape's length, or 0 when c is written as it is. */
static inline size_t llmj__esc_json(char *o, unsigned char c)
{
    static const char letter[32] = {
        ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
    };
    static const char hex[] = "0123456789abcdef";
    if (c >= 0x20 && c != '"' && c != '\\')
        return 0;
    o[0] = '\\';
    if (c == '"' || c == '\\') {
        o[1] = (char)c;
        return 2;
    }
    if (letter[c]) {
        o[1] = letter[c];
        return 2;
    }
    memcpy(o + 1, "u00", 3);
    o[4] = hex[c >> 4];
    o[5] = hex[c & 15];
    return 6;
}

/* Code point cp (at most 0x10FFFF) as UTF-8 at o, which has room for 4
 * bytes; returns its length. */
static inline size_t llmj__utf8_put(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the valid UTF-8 sequence at s[0:len] (len >= 1; RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 when it is
 * not one. */
static inline size_t llmj__utf8_seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* The offset of the first byte of s[0:len] that begins no valid UTF-8
 * sequence (llmj__utf8_seq), or len when all of it is UTF-8. ASCII goes 8
 * bytes at a time. */
static inline size_t llmj__utf8_bad(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        size_t n = llmj__utf8_seq(u + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

#endif
