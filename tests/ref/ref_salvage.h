/* A reference implementation of docs/salvage.md and of the tracker's
 * events, written for obviousness, not speed (O(n) per call, recursion per
 * nesting level). It shares no code with src/: the tests compare the tracker
 * with it. Include ref_salvage.c from a test file (tests/ref/ is not globbed
 * by the Makefile).
 *
 * How it works: a recursive-descent reader of RFC 8259 that looks at one byte
 * at a time and knows three outcomes: the text is complete, it ran out of
 * input (every prefix it accepted can still be continued), or the byte at
 * position e can continue no valid text (e, by docs/salvage.md's definition). While
 * it reads, it records every safe point (docs/salvage.md, lossless rules 1 and 2)
 * and every complete value (the events). The containers open at the cut k are
 * found by reading S[0:k] again and looking at the open containers when the
 * input runs out. Whitespace runaways are found by a separate scan that counts
 * brackets outside strings to know the depth at each run's first byte. */
#ifndef LLMJ_REF_SALVAGE_H
#define LLMJ_REF_SALVAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct ref_cfg {
    size_t max_depth;        /* TOO_DEEP when a container would be deeper */
    size_t max_token;        /* TOO_LONG when a string/key/number exceeds it */
    size_t whitespace_limit; /* W; 0: off */
    size_t whitespace_indent; /* I: a run at depth d is a runaway at W + I * d bytes */
} ref_cfg;

/* The tracker's defaults: 512, 64 MiB, 256, 8. */
void ref_cfg_default(ref_cfg *c);

/* Status values are llmj_text_status's; error codes are llmj_status's. */
typedef struct ref_salv {
    int status;
    size_t k;                /* bytes kept */
    char *closer;
    size_t closer_len;
    size_t nclosed;
    char **closed;           /* closed[i][0:closed_len[i]], innermost first */
    size_t *closed_len;
    int err_code;            /* LLMJ_OK unless status is invalid */
    size_t err_offset, err_line, err_column;
    size_t e;                /* first non-viable byte (n when viable) */
    size_t runaway_offset;   /* SIZE_MAX when none */
} ref_salv;

/* Salvage of s[0:n]. greedy: 0 lossless, 1 greedy. end_normal: 0 the text
 * was truncated (or not finished yet), 1 it ended normally. 0 on success,
 * -1 when the reference cannot handle the input (nesting beyond its own
 * recursion cap of REF_MAX_RECURSION). */
#define REF_MAX_RECURSION 20000
int ref_salvage(const void *s, size_t n, int greedy, int end_normal, const ref_cfg *cfg,
                ref_salv *out);
void ref_salv_free(ref_salv *r);

/* The events a strict reader delivers for s[0:n] (STRING_CHUNK excluded):
 * every container begin/end, key and scalar value complete before the
 * reading stopped (a number is complete when a delimiter follows it, or at
 * the end of a top-level number with end_normal). type is llmj_event_type. */
typedef struct ref_event {
    int type;
    char *pointer;
    size_t pointer_len;
    char *text;
    size_t len;
    size_t depth;
} ref_event;

typedef struct ref_events {
    ref_event *v;
    size_t n, cap;
} ref_events;

int ref_events_of(const void *s, size_t n, int end_normal, const ref_cfg *cfg, ref_events *out);
void ref_events_free(ref_events *ev);

/* 1 when s[0:n] is exactly one valid JSON number (RFC 8259). */
int ref_is_number(const char *s, size_t n);
/* 1 when s[0:n] is valid UTF-8 (RFC 3629: no overlongs, no surrogates, at
 * most U+10FFFF); NUL bytes allowed. */
int ref_is_utf8(const void *s, size_t n);
/* 1 when s[0:n] is one valid JSON text (whitespace around allowed). */
int ref_is_json(const void *s, size_t n);

#endif
