/* Internal: the tracker's state, shared by tracker.c (scanner, yajl bridge,
 * events) and salvage.c (salvage, repair). */
#ifndef LLMJ_TRACKER_INT_H
#define LLMJ_TRACKER_INT_H

#include <stdint.h>
#include <yajl/yajl_parse.h>

#include "alloc.h"

/* Scanner states. */
enum {
    ST_VALUE,     /* a value is expected (top level, after ':' or ',' in an array) */
    ST_ARR_OPEN,  /* after '[': a value or ']' */
    ST_OBJ_OPEN,  /* after '{': a key or '}' */
    ST_KEY,       /* after ',' in an object: a key */
    ST_COLON,     /* after a key: ':' */
    ST_AFTER,     /* after a value in a container: ',' or the closer */
    ST_DONE,      /* after the top-level value: whitespace only */
    ST_STR,       /* inside a string */
    ST_STR_ESC,   /* after '\' */
    ST_STR_U,     /* inside \uXXXX (u_n digits so far) */
    ST_STR_UTF8,  /* inside a multi-byte UTF-8 sequence */
    ST_STR_LOW1,  /* after a high-surrogate escape: '\' expected */
    ST_STR_LOW2,  /* after a high-surrogate escape and '\': 'u' expected */
    ST_NUM_MINUS, /* "-" */
    ST_NUM_ZERO,  /* "0" / "-0" */
    ST_NUM_INT,   /* integer digits */
    ST_NUM_DOT,   /* "1." */
    ST_NUM_FRAC,  /* fraction digits */
    ST_NUM_E,     /* "1e" */
    ST_NUM_ESIGN, /* "1e+" */
    ST_NUM_EXP,   /* exponent digits */
    ST_LIT        /* inside true/false/null */
};

#define LLMJ_Q_SKIP UINT64_MAX

#define LLMJ_IS_NUM_STATE(st) ((st) >= ST_NUM_MINUS && (st) <= ST_NUM_EXP)

/* One open container. The scanner fills kind; the yajl side (which runs
 * behind the scanner, on complete tokens only) fills the rest. */
typedef struct llmj__level {
    unsigned char skind; /* scanner: '{' or '[' */
    unsigned char kind;  /* yajl side: '{' or '[' */
    size_t ptr_len;      /* length of the container's own JSON Pointer */
    size_t index;        /* arrays: elements begun so far */
    size_t written;      /* arrays: index + 1 of the segment in the pointer */
    size_t key_off;      /* objects: offset of the current key in keys */
    size_t key_bound;    /* scanner: upper bound of this level's pointer
                            segment ("/" + index, or "/" + escaped key) */
    size_t key_raw;      /* scanner: raw length of the current key */
    size_t sidx;         /* scanner, arrays: commas so far (the index of the
                            element being read) */
    uint64_t begin_off;  /* yajl side: offset of the opening bracket */
} llmj__level;

/* Repetition detector (config.repeat_limit). */
#define LLMJ_REP_RING 256
#define LLMJ_REP_MAXU 64
#define LLMJ_REP_WIN 64
#define LLMJ_REP_STEP 32

typedef struct llmj__rep {
    unsigned char ring[LLMJ_REP_RING];
    uint64_t hash[LLMJ_REP_RING]; /* prefix hash after each position */
    uint64_t h;                   /* running prefix hash */
    uint64_t pow_win;             /* P^LLMJ_REP_WIN */
    uint64_t period;              /* current period (0: none) */
    uint64_t start;               /* first byte of the current periodic run */
} llmj__rep;

struct llmj_tracker {
    llmj_config cfg;
    llmj_allocator a;
    llmj_event_cb cb;
    void *ctx;

    llmj_status status;   /* sticky status */
    llmj_error err;
    char errmsg[128];
    int finished;

    /* ---- scanner ---- */
    /* tracker.c's scanner, compiled once per classifier path (src/scan.h) */
    size_t (*scan)(struct llmj_tracker *t, const unsigned char *p, size_t n);
    int scan_path;        /* LLMJ__SCAN_PORTABLE, _SSE2 or _AVX2 */
    uint64_t pos;         /* bytes taken */
    int st;
    int started;          /* a non-whitespace byte was seen */
    unsigned char is_key; /* the current string is a key */
    unsigned char u_n;    /* \u hex digits so far */
    unsigned char u_low;  /* this \u must be a low surrogate */
    unsigned char u8_need;
    unsigned char u8_lo, u8_hi; /* range of the next continuation byte */
    unsigned char lit_i;
    const char *lit;      /* "true", "false", "null" */
    unsigned u_val;
    uint64_t tok;         /* first byte of the current token */
    uint64_t str_safe;    /* string: after the last complete character */
    uint64_t last_safe;   /* the latest safe point (lossless cut) */
    uint64_t line;        /* current line (from 1) */
    uint64_t line_start;  /* offset of its first byte */
    uint64_t ws_start;    /* first byte of the current whitespace run */
    uint64_t ws_len;      /* its length */
    uint64_t runaway_at;  /* first byte of the runaway run, UINT64_MAX if none */
    llmj_status runaway_kind; /* LLMJ_RUNAWAY_WHITESPACE or _REPEAT once detected */
    size_t sdepth;        /* containers open (scanner) */
    size_t max_depth_seen;
    size_t ptr_bound;     /* upper bound of the pointer length at sdepth */
    size_t keys_bound;    /* upper bound of the keys stack at sdepth */
    uint64_t num_end;     /* where the last number ended (UINT64_MAX: none) */

    llmj__level *lv;      /* [lv_cap] */
    size_t lv_cap;
    char *closer;         /* [lv_cap + 2]: salvage scratch */
    size_t *closed;       /* [lv_cap]: salvage scratch */
    llmj_segment *seg;    /* [lv_cap]: event path segments */

    llmj__rep *rep;       /* NULL when repeat_limit is 0 */

    /* ---- yajl side ---- */
    yajl_handle y;
    yajl_alloc_funcs yaf;
    uint64_t fl;          /* bytes handed to yajl */
    llmj__buf hold;       /* bytes [fl, pos) not yet handed to yajl; quiet:
                             the shortened stream for yajl (see q_from) */
    size_t ydepth;        /* containers open (yajl side) */
    llmj__buf ptr;        /* JSON Pointer of the current value (NUL-terminated) */
    llmj__buf keys;       /* decoded keys of the open objects, a stack */
    int yajl_failed;
    int muted;            /* a callback asked to stop: no more events */
    /* Without a callback (quiet) yajl is given no scalar callbacks (so it
     * decodes no strings) and the yajl side keeps only the containers and
     * their keys; the pointers a salvage names are written when it asks
     * (ptr_stale: a container opened or closed since). */
    int quiet;
    int ptr_stale;
    /* Quiet: the first byte of the text not yet appended to hold, or
     * LLMJ_Q_SKIP inside a string value (whose content yajl never sees:
     * tracker.c, "the quiet yajl side"). */
    uint64_t q_from;
    /* Quiet: complete tokens go to yajl in batches of q_defer bytes; a
     * stretch between string values over q_direct bytes goes from the piece
     * (hold's room: q_defer + q_direct + 64, reserved at the first feed that
     * reaches the scanner). llmj__tracker_small_batches() makes them small. */
    size_t q_defer, q_direct;
    int plain_ok;         /* no keep_text, no repeat_limit, no schema:
                             llmj_tracker_feed may skip the scanner inside a
                             string */
    int lean;             /* quiet and plain_ok, hold's room reserved: a piece
                             takes feed_lean() (tracker.c) */

    /* string chunks of the string value still open at a piece's end */
    int chunked;          /* chunks were delivered for the pending string */
    uint64_t chunk_raw;   /* raw offset up to which chunks were delivered */
    size_t chunk_len;     /* decoded bytes delivered so far */

    llmj__buf text;       /* keep_text: the text */
    llmj__buf repair;     /* keep_text: R */
    size_t repair_valid;  /* repair.data[0:repair_valid] == text.data[0:repair_valid] */

    /* event spans: where the bytes yajl is reading sit in the text */
    uint64_t ybase;                /* offset of ycur[0] */
    const unsigned char *ycur;     /* the buffer of the current yajl_parse */
    size_t ycur_len;
    const unsigned char *yprev;    /* the one before, when a token spans both */
    size_t yprev_len;
    uint64_t yprev_base;
    uint64_t ev_off, ev_end;       /* the span of the event being delivered */
    int chunk_any;                 /* a chunk of the current string value was delivered */

    struct llmj__sval *schema; /* llmj_tracker_set_schema (src/schema/validate.c), or NULL */
};

/* tracker.c: hand yajl the complete tokens still held (before a salvage). */
void llmj__flush(llmj_tracker *t);

/* For a tracker fed small pieces (a stream's deltas), before its first feed:
 * quiet batches of 256 bytes instead of 4 KiB, so its hold buffer is about
 * 450 bytes, not 4.6 KiB. Nothing else changes: the batches are complete
 * tokens, whatever their size. */
void llmj__tracker_small_batches(llmj_tracker *t);

/* src/schema/validate.c: the validator sees every byte the scanner took. */
struct llmj__sval;
/* The schema's validator from now on (NULL: none); the old one is freed. */
void llmj__tracker_set_validator(llmj_tracker *t, struct llmj__sval *v);
void llmj__schema_feed(struct llmj__sval *v, const unsigned char *p, size_t n);
void llmj__schema_finish(struct llmj__sval *v, int end_normal, int complete);
void llmj__schema_reset(struct llmj__sval *v);
void llmj__schema_free(struct llmj__sval *v);

/* salvage.c */
llmj_status llmj__salvage(llmj_tracker *t, llmj_salvage_mode mode, llmj_salvage *out);

#endif
