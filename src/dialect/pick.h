/* Internal: what every dialect decoder shares, by file:
 *   picker.c        the picker: yajl callbacks, paths, parse, integers
 *   yajl_memory.c   yajl's memory (blocks dropped whole on failure)
 *   key_ids.c       the dialect's key table, looked up once per map key
 *   string_decode.c strings located in the event and decoded (llmj__str)
 *   records.c       records and the event's arena
 *   usage.c         token counts
 *   hash.c          comparing and hashing bytes
 *   lanes.c         per-choice and per-tool state, the decoder state
 *   emit.c          emitting items, and the record loop every decoder runs
 *   skim.c          the skimmer (sniff, and the pieces of a fast path)
 *   whole.c         a whole JSON answer as its dialect's events (whole.h)
 *
 * 1. The picker (llmj__pk): one yajl push parser per decoder, shared by the
 *    events of one feed and given back between feeds (ld_ops.rest), whose
 *    callbacks report every value of one event's JSON with its path (no
 *    DOM). The dialect matches paths ("choices.#.index")
 *    and keeps the strings it wants, decoded by our own code (yajl's decoder
 *    mangles lone surrogate escapes), into a per-event arena; it pushes
 *    records (llmj__rec) that are turned into ld_items only once the whole
 *    event has parsed — a malformed event emits nothing and changes nothing.
 *    yajl allocates through the decoder's allocator; yajl does not check its
 *    own allocations, so a failure inside yajl unwinds (longjmp) back to the
 *    picker, which drops that yajl handle's memory and reports LLMJ_NOMEM.
 *
 * 2. Lanes (llmj__lanes): the state kept between events per choice and per
 *    tool call — finish seen, tool begun/ended, tool numbering, and a high
 *    surrogate escape held back at the end of a delta until its low half
 *    arrives at the start of the next delta of the same lane.
 *
 * 3. A non-allocating skimmer over the members of a JSON object, for
 *    sniff() and for a dialect's fast path: OpenAI chat reads its usual
 *    chunk by skimming it, has yajl check it without callbacks
 *    (llmj__yj_valid), and walks with the picker any event it does not
 *    read whole the same way. */
#ifndef LLMJ_DIALECT_PICK_H
#define LLMJ_DIALECT_PICK_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "alloc.h"
#include "dialect.h"
#include "scan.h"    /* llmj__swar_eq */
#include "unicode.h" /* llmj__utf8_put, llmj__hex4 */

/* ---- strings kept from an event ------------------------------------------ */

/* A string picked from the current event, decoded. Either in the event's
 * data (ptr != NULL: it had no escapes) or in the arena at off (with at least
 * LLMJ__PK_HEAD writable bytes before it, for a surrogate joined in front).
 * A lone high-surrogate escape at the very end is not in the bytes but in
 * trail_high, a lone low-surrogate escape at the very start in lead_low; any
 * other lone surrogate decodes to U+FFFD. */
typedef struct llmj__str {
    const char *ptr;
    size_t off;
    size_t len;
    uint16_t lead_low;
    uint16_t trail_high;
    unsigned char set;
} llmj__str;

#define LLMJ__PK_HEAD 8

/* ---- records ------------------------------------------------------------- */

/* One thing a dialect will emit once the event has parsed. kind and the
 * meaning of the fields are the dialect's. */
typedef struct llmj__rec {
    int kind;
    int64_t choice;
    int64_t key;
    int64_t num;
    int flags;
    llmj__str s[5];
    llmj_usage usage;
} llmj__rec;

/* ---- the picker ---------------------------------------------------------- */

typedef enum llmj__pk_type {
    LLMJ__PK_STRING = 1,
    LLMJ__PK_NUMBER = 2, /* ptr/len: the number's text */
    LLMJ__PK_BOOL = 3,   /* boolean */
    LLMJ__PK_NULL = 4,
    LLMJ__PK_MAP = 5,    /* a map begins (path: the map's own) */
    LLMJ__PK_END_MAP = 6,
    LLMJ__PK_ARRAY = 7,
    LLMJ__PK_END_ARRAY = 8
} llmj__pk_type;

typedef struct llmj__pk_val {
    llmj__pk_type type;
    const char *ptr; /* LLMJ__PK_STRING: yajl's decoding (use llmj__pk_keep) */
    size_t len;
    int boolean;
} llmj__pk_val;

typedef struct llmj__pk llmj__pk;

/* Called for every value; return LLMJ_OK to go on, or a status to stop the
 * parse with (llmj__pk_bad() for a shape error). */
typedef llmj_status (*llmj__pk_fn)(void *ctx, llmj__pk *p, const llmj__pk_val *v);

#define LLMJ__PK_LEVELS 12 /* path levels kept; deeper values match no pattern */
#define LLMJ__PK_KEYMAX 40 /* key bytes kept per level; longer keys match nothing */

#define LLMJ__PK_KEYIDS 64    /* keys a dialect may register (llmj__pk_keys) */
#define LLMJ__PK_KEYSLOTS 256 /* their hash table (a power of two) */

typedef struct llmj__pk_seg {
    int64_t index; /* array: the current element; map: -1 */
    unsigned char is_array;
    unsigned char key_len; /* LLMJ__PK_KEYMAX + 1: too long to keep */
    unsigned char kid;     /* map: the current key's id (llmj__pk_keys), 0: none */
    const char *kp;        /* the key's bytes: in the event's data, or key[] */
    char key[LLMJ__PK_KEYMAX];
} llmj__pk_seg;

/* A yajl handle and the memory it holds (yajl_memory.c): a list of blocks,
 * dropped whole when an allocation fails inside yajl. Alone, it is the
 * fast paths' check (llmj__yj_valid); in a picker, the walk's parser. */
typedef struct llmj__yj {
    llmj_allocator a;
    yajl_handle h; /* made on first use, and again after an error */
    yajl_alloc_funcs yaf;
    void *blocks;
    int armed;
    int grown;     /* a block grew past its cap: dropped after the event */
    jmp_buf *jb;   /* while yajl runs (armed): where a failed allocation
                      unwinds to, on the stack of the call that runs it */
} llmj__yj;

struct llmj__pk {
    llmj_allocator a;
    size_t max_depth;
    llmj__yj y; /* yajl, with the picker's callbacks */
    /* the current event */
    const char *data;
    size_t data_len;
    llmj__pk_fn fn;
    void *ctx;
    llmj_status st;
    size_t depth;   /* containers open */
    int values;     /* top-level values begun */
    size_t end;     /* offset just after the top-level value */
    llmj__pk_seg *seg; /* LLMJ__PK_LEVELS path levels, on the stack of
                          llmj__pk_parse while it runs (NULL after) */
    llmj__buf arena;
    llmj__rec *recs;
    size_t nrec, caprec;
    /* the dialect's key table: ids 1..nkeys, looked up once per map key */
    const char *const *keys;
    size_t nkeys;
    unsigned char keylen[LLMJ__PK_KEYIDS + 1];
    unsigned char slot[LLMJ__PK_KEYSLOTS]; /* id, 0: empty */
    /* the last error's message */
    const char *msg;
    char msgbuf[160];
};

/* Set up (p is embedded in the decoder's state; llmj__pk_rest tears down).
 * cfg may be NULL (defaults). LLMJ_OK or LLMJ_NOMEM (nothing left
 * allocated). */
llmj_status llmj__pk_init(llmj__pk *p, const llmj_allocator *a, const llmj_config *cfg);
/* Between events, and to tear down: drop the yajl handle (yajl keeps its
 * lexer's 2 KiB buffer for as long as a handle lives), the records and the
 * arena; the next event makes them again. The key table, settings and
 * message stay; nothing is left allocated. */
void llmj__pk_rest(llmj__pk *p);

/* Parse one event's JSON: exactly one JSON value, calling fn for every
 * value. Clears the arena and the records first. Returns LLMJ_OK,
 * LLMJ_BAD_EVENT (not JSON, not one value, too deep, or fn said so; message
 * in llmj__pk_message), LLMJ_NOMEM, or any other status fn returned. Data
 * that is empty or only whitespace gives LLMJ_OK with no callback at all
 * (*empty = 1). */
llmj_status llmj__pk_parse(llmj__pk *p, const char *data, size_t len, llmj__pk_fn fn,
                           void *ctx, int *empty);

/* yajl alone, without callbacks, over data (y's handle is made on first
 * use; llmj__yj_drop gives it back between events): LLMJ_OK if yajl accepts
 * data as JSON text (one or more values) and data is UTF-8 (RFC 3629, which
 * yajl alone is not strict about), LLMJ_BAD_EVENT if not, LLMJ_NOMEM. The
 * cheapest check that a text a dialect's fast path skimmed is JSON; y needs
 * no picker around it. */
llmj_status llmj__yj_valid(llmj__yj *y, const char *data, size_t len);

/* Depth of the current value's path (0: the top-level value). */
static inline size_t llmj__pk_depth(const llmj__pk *p)
{
    return p->depth;
}

/* Register the keys a dialect matches (keys[i] gets id i + 1; at most
 * LLMJ__PK_KEYIDS keys of 1 .. LLMJ__PK_KEYMAX bytes, all different; the
 * table must outlive p). Every map key of an event is then looked up once,
 * and llmj__pk_kid() gives the id on the current path at a level: a cheaper
 * way to match paths than llmj__pk_is() (which works as well). */
void llmj__pk_keys(llmj__pk *p, const char *const *keys, size_t n);

/* The key id (llmj__pk_keys) of path level lvl of the current value: 0 when
 * that level is an array element, beyond the current depth or the levels
 * kept, or a key not in the table. */
static inline unsigned llmj__pk_kid(const llmj__pk *p, size_t lvl)
{
    return (lvl < p->depth && lvl < LLMJ__PK_LEVELS) ? p->seg[lvl].kid : 0u;
}

/* 1 when path level lvl of the current value is an array element. */
static inline int llmj__pk_arr(const llmj__pk *p, size_t lvl)
{
    return lvl < p->depth && lvl < LLMJ__PK_LEVELS && p->seg[lvl].is_array;
}

/* 1 when the current value's path is exactly pattern: segments separated by
 * '.', "#" for any array element, "*" for any map key, else a key. "" is the
 * top-level value. */
int llmj__pk_is(const llmj__pk *p, const char *pattern);

/* The array index at path level (0-based) of the current value, or -1. */
int64_t llmj__pk_index(const llmj__pk *p, size_t level);

/* Decode the current string value (or copy a number's text) into *out. For
 * any other value *out is left unset. LLMJ_OK or LLMJ_NOMEM. */
llmj_status llmj__pk_keep(llmj__pk *p, const llmj__pk_val *v, llmj__str *out);

/* The current string value's raw JSON content (between the quotes, escapes
 * as written), pointing into the event's data. 0, or -1 if it cannot be
 * located (never with yajl 2.1). */
int llmj__pk_raw(const llmj__pk *p, const llmj__pk_val *v, const char **raw, size_t *len);

/* Byte offset in the event's data just past the current token. Together with
 * LLMJ__PK_MAP/ARRAY and their ends, this captures a container's exact text:
 * start = offset at the begin - 1, end = offset at the end. */
size_t llmj__pk_offset(const llmj__pk *p);

/* Set message (a string literal or copied) and return LLMJ_BAD_EVENT. */
llmj_status llmj__pk_bad(llmj__pk *p, const char *msg);
const char *llmj__pk_message(const llmj__pk *p);

/* A new zeroed record at the end (NULL: out of memory). Records stay valid
 * until the next push; address them by number. */
llmj__rec *llmj__pk_push(llmj__pk *p, int kind);

/* The bytes of a kept string (valid until the next parse). */
const char *llmj__pk_sptr(const llmj__pk *p, const llmj__str *s);

/* 1 if the kept string s equals the NUL-terminated lit. */
int llmj__pk_seq(const llmj__pk *p, const llmj__str *s, const char *lit);

/* Make room for n more bytes in the arena, so that llmj__pk_put() cannot
 * fail for that many bytes. LLMJ_OK or LLMJ_NOMEM. */
llmj_status llmj__pk_reserve(llmj__pk *p, size_t n);
/* Append within reserved room (bytes beyond it are dropped). */
void llmj__pk_put(llmj__pk *p, const char *s, size_t n);

/* An integer number value: 0 and *out, or -1 (not a number, not an integer,
 * or beyond int64). */
int llmj__pk_int(const llmj__pk_val *v, int64_t *out);

/* A non-negative integer count into *dst (anything else leaves it): LLMJ_OK. */
llmj_status llmj__pk_count(const llmj__pk_val *v, int64_t *dst);

/* JSON whitespace. */
static inline int llmj__ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Text bytes equal a NUL-terminated literal. */
int llmj__eq(const char *s, size_t n, const char *lit);

/* 64-bit FNV-1a of bytes, never 0. */
uint64_t llmj__hash(const char *s, size_t n);

void llmj__usage_none(llmj_usage *u);
int llmj__usage_any(const llmj_usage *u);
/* Take the counts u has (>= 0) into into. */
void llmj__usage_merge(llmj_usage *into, const llmj_usage *u);

/* ---- the picker's parts, between its files -------------------------------- */

/* y with no handle yet, allocating through a. */
void llmj__yj_init(llmj__yj *y, const llmj_allocator *a);
/* A new yajl handle with callbacks cb and their context ctx: LLMJ_OK or
 * LLMJ_NOMEM. */
llmj_status llmj__yj_new(llmj__yj *y, const yajl_callbacks *cb, void *ctx);
/* yajl over data: 0 and *out, or -1 when an allocation inside yajl failed.
 * After an event that parsed, a handle whose memory grew past a cap is
 * dropped (h NULL: the next event makes a new one). */
int llmj__yj_run(llmj__yj *y, const char *data, size_t len, yajl_status *out);
/* The handle and all its memory go (h NULL). */
void llmj__yj_drop(llmj__yj *y);
/* The id of key k in the dialect's table, 0 if none. */
unsigned llmj__pk_kid_of(const llmj__pk *p, const char *k, size_t n);
/* a[0:n) == b[0:n), compared word by word. */
int llmj__bytes_eq(const char *a, const char *b, size_t n);

/* ---- lanes --------------------------------------------------------------- */

/* Records with choice >= 0 touch the lanes; LLMJ__REC_TOOL marks one that
 * may start a tool call (dialects keep their own flags below 0x100). */
#define LLMJ__REC_TOOL 0x100
/* With LLMJ__REC_TOOL: the record continues the live call of its choice
 * with its key when there is one (an arguments delta of an existing call),
 * or continues the choice's last live call when there is one. Only records
 * that start a call count against config.max_tool_calls. */
#define LLMJ__REC_TOOL_KEY 0x200
#define LLMJ__REC_TOOL_LAST 0x400
#define LLMJ__REC_STARTS 0x800 /* set by llmj__lanes_prepare: it starts a call */

/* Record kinds every dialect handles the same way (llmj__emit_records); a
 * dialect's own kinds are below LLMJ__R_SHARED. */
enum {
    LLMJ__R_SHARED = 90,
    LLMJ__R_TEXT = 90,      /* choice; s[0]: a content delta */
    LLMJ__R_REFUSAL = 91,   /* choice; s[0]: a refusal delta */
    LLMJ__R_REASONING = 92, /* choice; s[0]: a reasoning delta */
    LLMJ__R_SIGNATURE = 93, /* choice; s[0]: a reasoning signature, whole */
    LLMJ__R_REDACTED = 94,  /* choice; s[0]: redacted / encrypted reasoning (may be unset) */
    LLMJ__R_USAGE = 95,     /* usage: the latest counts */
    LLMJ__R_ERROR = 96,     /* s[0] message, s[1] type, s[2] code */
    LLMJ__R_DONE = 97,      /* the stream's end marker */
    LLMJ__R_RPART = 98,     /* choice: a new reasoning part (block, item, summary part)
                               begins: its text is set apart from the last with "\n\n" */
    LLMJ__R_ANNOUNCE = 99   /* choice: it exists (a choice object, a message start, ...) */
};

typedef struct llmj__choice {
    int64_t index;
    uint16_t pend[3]; /* held-back high surrogate: [0] text, [1] refusal, [2] reasoning */
    unsigned char finished;
    unsigned char seen;  /* some item for this choice was emitted */
    unsigned char tools; /* some tool call began */
    unsigned char reasoned; /* some reasoning text was emitted */
    unsigned char rpart;    /* a new reasoning part began */
    size_t ntools;       /* tool numbers handed out in this choice */
    size_t nserver;      /* server tool numbers handed out (dialects that number them per
                            choice) */
} llmj__choice;

typedef struct llmj__tool {
    int64_t choice;
    int64_t key;    /* the dialect's handle for the call */
    uint64_t aux;   /* a second handle (a hash) or 0 */
    uint64_t idhash; /* the call id's hash, 0 if none */
    size_t num;     /* ld_item.tool */
    uint16_t pend;
    unsigned char begun, ended, args, live;
    unsigned char named; /* a non-empty name was emitted */
    unsigned char whole; /* its arguments came whole (Anthropic: in the block's start) */
    unsigned char text;  /* its input is free text (no "{}" for none) */
} llmj__tool;

typedef struct llmj__lanes {
    llmj__choice *c;
    size_t nc, capc;
    llmj__tool *t;
    size_t nt, capt;
    size_t max_choices; /* choice indexes 0 .. max_choices - 1 */
    size_t max_tools;   /* tool calls per choice */
} llmj__lanes;

/* Caps from cfg (max_choices, max_tool_calls; NULL or 0: 128). */
void llmj__lanes_init(llmj__lanes *l, const llmj_config *cfg);
void llmj__lanes_free(llmj__lanes *l, const llmj_allocator *a);

/* What every decoder's state starts with: its picker and its lanes. A
 * decoder's state struct has an llmj__dstate named d as its first member. */
typedef struct llmj__dstate {
    llmj__pk pk;
    llmj__lanes lanes;
} llmj__dstate;

/* Allocate a zeroed decoder state of size bytes (size >= sizeof(llmj__dstate))
 * through a (NULL functions: the C library's), with d.pk and d.lanes ready.
 * LLMJ_OK, LLMJ_BAD_OPTION (a half-set allocator) or LLMJ_NOMEM. */
llmj_status llmj__dstate_new(void **state, size_t size, const llmj_allocator *a,
                             const llmj_config *cfg);
/* Free a state made by llmj__dstate_new (NULL: no-op). */
void llmj__dstate_free(void *state);
/* ld_ops.message for such a state: its picker's message ("" for NULL). */
const char *llmj__dstate_message(void *state);
/* ld_ops.rest for such a state: llmj__pk_rest of its picker. */
void llmj__dstate_rest(void *state);

/* Before emitting an event's records: check the caps (LLMJ_TOO_LONG, with
 * p's message set) and make room, so that lookups with create cannot fail
 * while emitting (LLMJ_NOMEM). Changes nothing visible. */
llmj_status llmj__lanes_prepare(llmj__lanes *l, llmj__pk *p);

/* The choice with this index, created if create (NULL: not found, or cap). */
llmj__choice *llmj__lanes_choice(llmj__lanes *l, int64_t index, int create);

/* The live tool of choice with key (and aux if aux != 0). */
llmj__tool *llmj__lanes_tool(llmj__lanes *l, int64_t choice, int64_t key, uint64_t aux);
/* The most recently created live tool of choice. */
llmj__tool *llmj__lanes_last_tool(llmj__lanes *l, int64_t choice);
/* Retire every live tool of choice (their keys are free for new calls). */
void llmj__lanes_retire(llmj__lanes *l, int64_t choice);
/* A new live tool for choice (numbered in order), NULL at the cap; a live
 * tool with the same key is retired first. */
llmj__tool *llmj__lanes_new_tool(llmj__lanes *l, int64_t choice, int64_t key, uint64_t aux);

/* ---- emitting ------------------------------------------------------------ */

typedef struct llmj__out {
    ld_emit emit;
    void *ctx;
} llmj__out;

/* Emit it; LLMJ_OK or LLMJ_ABORTED. */
llmj_status llmj__emit(llmj__out *o, const ld_item *it);

/* The choice exists: an LD_TEXT of length 0, unless some item for the
 * choice was emitted already (so that a choice that never says anything,
 * e.g. only reasoning before an error, still exists for the stream). */
llmj_status llmj__emit_announce(llmj__out *o, llmj__choice *c);

/* Emit a text/refusal delta of choice c, or an argument delta of tool t
 * (kind LD_TOOL_ARGS), joining surrogate halves across deltas. Nothing is
 * emitted for an empty result. */
llmj_status llmj__emit_text(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                            llmj__tool *t, const llmj__str *s);
/* The same for bytes that need no surrogate joining (flushes a held one). */
llmj_status llmj__emit_bytes(llmj__out *o, ld_kind kind, llmj__choice *c, llmj__tool *t,
                             const char *s, size_t n);

/* LD_TOOL_BEGIN for t (marks it begun; marks its choice as having tools). */
llmj_status llmj__emit_begin(llmj__out *o, llmj__pk *p, llmj__choice *c, llmj__tool *t,
                             const llmj__str *id, const llmj__str *name);
/* The same, for a call of another type than a function: type (a literal),
 * flags LD_F_TEXT_INPUT for free-text input. */
llmj_status llmj__emit_begin_typed(llmj__out *o, llmj__pk *p, llmj__choice *c, llmj__tool *t,
                                   const llmj__str *id, const llmj__str *name, const char *type,
                                   unsigned flags);
/* A tool the provider ran itself (LD_SERVER_TOOL; see dialect.h): num, and
 * id, name, type, status, input (each may be NULL or unset). */
llmj_status llmj__emit_server(llmj__out *o, llmj__pk *p, llmj__choice *c, size_t num,
                              const llmj__str *id, const llmj__str *name, const llmj__str *type,
                              const llmj__str *status, const llmj__str *input, unsigned flags);
/* An item of kind with s[0] as its text, s[1] its type, s[2] its id and s[3] its
 * name (s: four strings, each may be unset), choice c (NULL: none), tool: for
 * the extras (citations, logprobs, ...). */
llmj_status llmj__emit_extra(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                             size_t tool, const llmj__str *s);

/* LD_TOOL_END for t if begun and not ended (after flushing a held surrogate);
 * a call that got no arguments at all gets "{}" first: a call its provider
 * finished with empty arguments takes none. */
llmj_status llmj__emit_end(llmj__out *o, llmj__tool *t);

/* Flush held surrogates (as U+FFFD) of choice c's text and refusal lanes and
 * of all its tools; all choices if c == NULL. */
llmj_status llmj__flush_choice(llmj__out *o, llmj__lanes *l, llmj__choice *c);

/* End every begun, unended tool of choice c. */
llmj_status llmj__end_tools(llmj__out *o, llmj__lanes *l, llmj__choice *c);

/* LD_FINISH for c unless it already had one: flushes held surrogates first;
 * with end_tools, ends its open tool calls first. raw may be NULL. */
llmj_status llmj__emit_finish(llmj__out *o, llmj__pk *p, llmj__lanes *l, llmj__choice *c,
                              llmj_finish f, const llmj__str *raw, const char *rawlit,
                              int end_tools);

llmj_status llmj__emit_usage(llmj__out *o, const llmj_usage *u);
llmj_status llmj__emit_error(llmj__out *o, llmj__pk *p, const llmj__str *msg,
                             const llmj__str *type, const llmj__str *code);
llmj_status llmj__emit_done(llmj__out *o, llmj__lanes *l);
/* LD_ERROR with the whole (trimmed) payload as the message: for an `error`
 * event whose data is not JSON. */
llmj_status llmj__emit_raw_error(llmj__out *o, const char *data, size_t n);

/* A reasoning delta of c: LD_REASONING items, preceded by "\n\n" when it is
 * the first text of a new part (LLMJ__R_RPART) after earlier reasoning. */
llmj_status llmj__emit_reasoning(llmj__out *o, llmj__pk *p, llmj__choice *c,
                                 const llmj__str *s);

/* An item with s (may be unset: empty) as its text, even when empty: for
 * LD_REASONING_SIGNATURE and LD_REASONING_REDACTED. */
llmj_status llmj__emit_note(llmj__out *o, llmj__pk *p, ld_kind kind, llmj__choice *c,
                            const llmj__str *s);

/* What a dialect does with a record of its own kind (below LLMJ__R_SHARED);
 * c is its choice (created), NULL for a record with no choice. */
typedef llmj_status (*llmj__rec_fn)(void *state, llmj__out *o, const llmj__rec *r,
                                    llmj__choice *c);

/* Emit the event's records in order, after llmj__lanes_prepare: the shared
 * kinds here, the others through fn. The first status that is not LLMJ_OK. */
llmj_status llmj__emit_records(llmj__dstate *d, llmj__out *o, llmj__rec_fn fn, void *state);

/* Parse one event with value as the picker's callback (ctx: the decoder's
 * state). An `error` SSE event whose payload is not JSON is emitted whole as
 * an error (*raw = 1) when raw is not NULL. Returns the parse's status; *go = 1
 * when the event parsed and holds something (its records are to be made
 * and emitted). */
llmj_status llmj__parse_event(llmj__dstate *d, const char *type, size_t type_len,
                              const char *data, size_t data_len, llmj__pk_fn value, void *ctx,
                              llmj__out *o, int *raw, int *go);

/* The exact text of a container value into *out: call it at the value's
 * begin (LLMJ__PK_MAP/ARRAY: its offset into *at) and at its end
 * (END_MAP/END_ARRAY). LLMJ_OK, or LLMJ_BAD_EVENT with what as the message. */
llmj_status llmj__pk_span(llmj__pk *p, const llmj__pk_val *v, size_t *at, llmj__str *out,
                          const char *what);

/* A kept string holding the literal lit (or the bytes s[0:n]). */
llmj__str llmj__str_lit(const char *lit);
llmj__str llmj__str_of(const char *s, size_t n);

/* 1 if the SSE event type (may be NULL) equals lit. */
int llmj__is_type(const char *type, size_t type_len, const char *lit);

/* ---- skimming (sniff) ---------------------------------------------------- */

/* The value of top-level member key of the JSON object in data (raw text of
 * the value, strings with their quotes): 1 found, 0 not (or not an object).
 * Never allocates. */
int llmj__skim(const char *data, size_t len, const char *key, const char **val, size_t *vlen);
/* 1 if top-level member key is a string equal to lit (no escapes compared). */
int llmj__skim_str(const char *data, size_t len, const char *key, const char *lit);
/* 1 if top-level member key is a string that starts with prefix. */
int llmj__skim_prefix(const char *data, size_t len, const char *key, const char *prefix);

/* The pieces, over JSON text d[0..n) (not validated: the caller has it
 * validated by yajl, or treats a result as a guess): past whitespace from i;
 * past the string at d[i] == '"'; past the value at i, with *nest the
 * deepest nesting of containers in it (0: a scalar, 1: a flat container). n
 * when the text ends first. */
static inline size_t llmj__sk_ws(const char *d, size_t n, size_t i)
{
    while (i < n && (unsigned char)d[i] <= ' ' && llmj__ws(d[i]))
        i++;
    return i;
}
/* The first '"' or '\\' in d[i..n), n if none: 8 bytes at a time. */
static inline size_t llmj__sk_stop(const char *d, size_t n, size_t i)
{
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, d + i, 8);
        uint64_t m = llmj__swar_eq(x, LLMJ__REP('"')) | llmj__swar_eq(x, LLMJ__REP('\\'));
        if (m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return i + ((unsigned)__builtin_ctzll(m) >> 3);
#else
            break;
#endif
        }
    }
    while (i < n && d[i] != '"' && d[i] != '\\')
        i++;
    return i;
}

/* Past the string starting at d[i] == '"' (n if unterminated); *esc = 1 if
 * it holds an escape. */
static inline size_t llmj__sk_string_esc(const char *d, size_t n, size_t i, int *esc)
{
    for (i++;;) {
        i = llmj__sk_stop(d, n, i);
        if (i >= n)
            return n;
        if (d[i] == '"')
            return i + 1;
        *esc = 1;
        i += 2;
    }
}

size_t llmj__sk_string(const char *d, size_t n, size_t i);
/* 1 if d[0..n) is exactly one JSON string token that yajl's lexer accepts
 * (escapes \" \\ \/ \b \f \n \r \t and \u with four hex digits, no byte
 * below 0x20) and that is RFC 3629 UTF-8 (llmj__utf8_seq); 0 if not. yajl
 * and llmj__utf8_bad accept exactly these tokens, so a fast path may check
 * a string token with this instead of running yajl over it. */
int llmj__sk_string_ok(const char *d, size_t n);
size_t llmj__sk_value(const char *d, size_t n, size_t i, size_t *nest);
/* The next member of an object whose members are read from *at (just past
 * its '{', or past the previous member's value): 1 with its key (raw, as
 * written between the quotes) and *at at its value (2: the same, for a key
 * written with escapes); 0 at the closing '}' (*at past it); -1 when the
 * text is not an object there. */
static inline int llmj__sk_member(const char *d, size_t n, size_t *at, const char **key, size_t *klen)
{
    size_t i = llmj__sk_ws(d, n, *at);
    if (i < n && d[i] == ',')
        i = llmj__sk_ws(d, n, i + 1);
    if (i >= n)
        return -1;
    if (d[i] == '}') {
        *at = i + 1;
        return 0;
    }
    if (d[i] != '"')
        return -1;
    size_t ks = i + 1;
    int esc = 0;
    i = llmj__sk_string_esc(d, n, i, &esc);
    if (i >= n)
        return -1;
    *key = d + ks;
    *klen = i - 1 - ks;
    if (d[i] != ':') {
        i = llmj__sk_ws(d, n, i);
        if (i >= n || d[i] != ':')
            return -1;
    }
    *at = llmj__sk_ws(d, n, i + 1);
    return *at >= n ? -1 : esc ? 2 : 1;
}


#endif
