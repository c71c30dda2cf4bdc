/* Internal: `pattern` as a position automaton (Glushkov) of at most 64
 * positions, stepped one code point at a time. It reads the subset of
 * ECMA-262 syntax whose meaning PCRE2 (UTF, ALT_BSUX, DOLLAR_ENDONLY,
 * newline LF, no UCP) gives exactly: literals, escapes, classes, `.`,
 * groups, alternation, greedy and lazy quantifiers, `^` at the start and `$`
 * at the end of a top-level alternative. After every character it says
 * whether any continuation can still match (exactly, at any length), and at
 * the end whether the string matches. Anything else (lookaround,
 * backreferences, \b, \p, possessive quantifiers, more than 64 positions,
 * ...) is left to PCRE2 (llmj__re_compile returns 1). */
#ifndef LLMJ_SCHEMA_REGEX_H
#define LLMJ_SCHEMA_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "alloc.h"

typedef struct llmj__re llmj__re;

/* One byte of valid UTF-8: *need (continuation bytes still due) and *cp (the
 * code point so far) carry across calls. 1 when c ends a character. */
static inline int llmj__utf8_step(unsigned char c, unsigned *need, uint32_t *cp)
{
    if ((c & 0xC0) != 0x80) {
        *need = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
        *cp = c & (0x7Fu >> *need);
    } else {
        *cp = (*cp << 6) | (c & 0x3Fu);
        (*need)--;
    }
    return *need == 0;
}

/* The state of one string: the positions reached (s), whether a character
 * was read (started), whether a match was already completed that no
 * continuation can undo (matched: an alternative without `$`). */
typedef struct llmj__re_state {
    uint64_t s;
    unsigned char started, matched;
} llmj__re_state;

/* 0: compiled (*out); 1: outside the subset (use PCRE2); -1: no memory.
 * pat[0:len] is UTF-8 that PCRE2 already compiled. */
int llmj__re_compile(const llmj_allocator *a, const char *pat, size_t len, llmj__re **out);
void llmj__re_free(const llmj_allocator *a, llmj__re *re);

void llmj__re_init(const llmj__re *re, llmj__re_state *st);
void llmj__re_step(const llmj__re *re, llmj__re_state *st, uint32_t cp);
/* Can some continuation of the characters read so far match? */
int llmj__re_viable(const llmj__re *re, const llmj__re_state *st);
/* Do the characters read so far, as the whole string, match? */
int llmj__re_accepts(const llmj__re *re, const llmj__re_state *st);
/* Read the UTF-8 bytes b[0:len), a character at a time (*need: continuation
 * bytes still due for the code point *cp so far, carried across calls).
 * Returns the index of the byte ending the first character after which no
 * continuation can match (len: none). */
/* Does the whole string b[0:len) match (1, 0), as llmj__re_run from a
 * fresh state then llmj__re_accepts would say? -1: not decided here (a
 * non-ASCII byte, or no table). */
int llmj__re_whole(const llmj__re *re, const unsigned char *b, size_t len);
size_t llmj__re_run(const llmj__re *re, llmj__re_state *st, const unsigned char *b, size_t len,
                    unsigned *need, uint32_t *cp);

#endif
