/* The library's one UTF-8 encoder and one \u hex decoder (internal; every
 * stage that decodes JSON strings uses these). */
#ifndef LLMJ_UNICODE_H
#define LLMJ_UNICODE_H

#include <stddef.h>

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

#endif
