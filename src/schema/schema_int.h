/* Internal: the compiled schema (compile.c) and the streaming validator
 * (validate.c). A compiled schema is read-only after compilation. */
#ifndef LLMJ_SCHEMA_INT_H
#define LLMJ_SCHEMA_INT_H

#include <stdint.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "alloc.h"
#include "schema/regex.h"

/* The integer nearest x (a tie goes away from zero), without libm: a double
 * of magnitude 2^52 or more is an integer already, as are the infinities;
 * NaN stays NaN. For the multipleOf and integer tests of compile.c and
 * validate.c, so that the library links without -lm. */
static inline double llmj__nearest(double x)
{
    if (!(x > -0x1p52 && x < 0x1p52))
        return x;
    double r = (double)(int64_t)x; /* toward zero; exact below 2^52 */
    if (x - r >= 0.5)              /* exact: x and r are less than 1 apart */
        r += 1;
    else if (r - x >= 0.5)
        r -= 1;
    return r;
}

/* x is an integer (the infinities included, NaN not). */
static inline int llmj__is_integer(double x)
{
    return x == llmj__nearest(x);
}

/* JSON types, as bits. */
enum {
    SK_NULL = 1, SK_BOOL = 2, SK_INT = 4, SK_NUM = 8, SK_STR = 16, SK_ARR = 32, SK_OBJ = 64,
    SK_ALL = 127
};

/* Node 0 accepts everything (the schema `true`), node 1 nothing (`false`). */
#define SN_TRUE 0u
#define SN_FALSE 1u

typedef struct sstr {
    char *s;
    size_t len;
} sstr;

typedef struct sprop {
    sstr nm;           /* first: props and enum strings are searched alike; 8
                        * zero bytes follow the name */
    uint32_t node;     /* its schema (SN_TRUE when only listed in required) */
    uint32_t order;    /* its index in properties as written (UINT32_MAX: only in required) */
    unsigned char in_props; /* listed in properties */
    unsigned char required;
    unsigned char plain; /* no quote or backslash in the name: a key is it when
                          * its bytes as written are the name's, then a quote */
} sprop;

/* The i-th declared property as the validator's common case reads a key:
 * word holds the first 8 bytes of its name as written followed by the
 * closing quote (then zeros), mask the bytes of word that count (all 0 when
 * the name and quote do not fit in 8 bytes or the name has a quote or a
 * backslash: the general comparison then). Both are in memory order, so
 * that an 8-byte load of the text compares with them whatever the
 * endianness. */
typedef struct sdkey {
    uint64_t word, mask;
    uint64_t bit;      /* 1 << (prop % 64), its bit in its word of seen bits */
    const char *name;  /* props[prop].nm.s */
    uint32_t prop;     /* its index in props */
    uint32_t node;     /* props[prop].node */
    uint32_t len;      /* props[prop].nm.len */
} sdkey;

typedef struct sscalar { /* a non-string enum/const value */
    unsigned char type;  /* SK_NULL, SK_BOOL (b), SK_NUM (num) */
    unsigned char b;
    double num;
} sscalar;

enum { SF_NONE, SF_DATE_TIME, SF_DATE, SF_TIME, SF_DURATION, SF_EMAIL, SF_HOSTNAME,
       SF_IPV4, SF_IPV6, SF_UUID };

typedef struct snode {
    /* ---- own keywords ---- */
    unsigned types;          /* SK_* mask */
    unsigned has_own;        /* any own keyword besides $ref/anyOf */
    /* enum/const */
    unsigned char has_enum;
    unsigned enum_types;     /* types of the allowed values */
    sstr *es; size_t nes;    /* string values, sorted bytewise, unique; 8 zero bytes follow each */
    sscalar *eo; size_t neo; /* other values */
    uint64_t *epack;         /* or NULL: when there are 1 to 8 string values, each
                              * shorter than 8 bytes with no quote or backslash,
                              * value i and its closing quote as sdkey packs a
                              * name (epack[2 i] the bytes, epack[2 i + 1] the mask) */
    /* objects */
    sprop *props; size_t nprops;   /* sorted by name */
    uint32_t *decl; size_t ndecl;  /* props[decl[i]] is the i-th property as written */
    sdkey *dkey;                   /* ndecl of them, or NULL: see sdkey */
    uint64_t *reqmask;             /* bit j: props[j] is required ((nprops + 63) / 64 words) */
    uint16_t *pfirst, *efirst;     /* or NULL: see llmj__first_table() */
    size_t nrequired;
    uint32_t addl;           /* SN_TRUE when absent */
    unsigned char addl_false;
    /* arrays */
    uint32_t *prefix; size_t nprefix;
    uint32_t items;          /* SN_TRUE when absent */
    uint64_t min_items, max_items; /* max UINT64_MAX: none */
    /* numbers */
    unsigned char has_min, has_max, has_xmin, has_xmax, has_mult;
    double min, max, xmin, xmax, mult;
    /* strings */
    uint64_t min_len, max_len;
    pcre2_code *re;
    llmj__re *rx;            /* the pattern as an automaton (regex.h), or NULL: PCRE2 */
    int re_anchored;         /* only an anchored pattern can fail on a prefix (PCRE2) */
    int format;
    unsigned char str_checks; /* SC_* : what a string value is checked for */
    unsigned char num_checks; /* a number is checked at its end (integer, bounds, enum) */
    /* for the validator's common case: the DNF's only atom when it has one
     * alternative of one atom (SN_TRUE: of none; UINT32_MAX: otherwise), and
     * the SK_* kinds of scalar (SK_NUM: a number) that it takes with nothing
     * more to check after their first byte */
    uint32_t simple;
    unsigned char flat_kinds;
    /* and what that case does with a value beginning of each kind (VK_*):
     * FK_*, from flat_kinds, simple and the atom's own keywords */
    unsigned char fk[8];
    /* ---- composition ---- */
    uint32_t *conj; size_t nconj;  /* $ref targets (and a const beside an enum) */
    uint32_t *any; size_t nany;    /* anyOf branches */
    /* The disjunctive normal form: alternatives, each a conjunction of nodes
     * whose own keywords apply: alt i is atoms[alt_off[i] .. alt_off[i+1]). */
    uint32_t *alt_off; size_t nalt;
    uint32_t *atoms;
    /* alt i came through the anyOf branch alt_label[i] (a node, UINT32_MAX:
     * none), the alt_bix[i]-th of its anyOf (the innermost one) */
    uint32_t *alt_label, *alt_bix;
    int dnf_state;           /* 0 not yet, 1 in progress, 2 done */
} snode;

/* The kinds of value, by first byte, for snode.fk */
enum { VK_NONE, VK_STR, VK_NUM, VK_BOOL, VK_NULL, VK_OBJ, VK_ARR };
/* snode.fk: nothing to check (no level: a scalar taken whole), the general
 * path (several alternatives, a type or enum that fails at the first byte,
 * a literal an enum looks at), or one level of one member for simple's
 * atom, whose common checks are FK_ENUM (a string, at most 8 enum values,
 * nothing else), FK_STR (another string), FK_NUM (a number), FK_OPEN (a
 * container, or a literal) */
enum { FK_GENERAL, FK_FLAT, FK_ENUM, FK_STR, FK_NUM, FK_OPEN };

/* snode.str_checks */
enum { SC_ENUM = 1, SC_LEN = 2, SC_RX = 4, SC_PCRE = 8, SC_FORMAT = 16 };

struct llmj_schema {
    llmj_allocator a;
    snode *nodes;
    size_t nnodes, cap;
    pcre2_general_context *gctx;
    int compiling, pc_refused; /* the allocator refused PCRE2 during compilation */
    char **ptrs; size_t nptrs; /* ptrs[i]: the JSON Pointer of node i + 2 in the schema text */
};

/* For a sorted array of n names (each element stride bytes, beginning with
 * an sstr), 4 <= n < 65536: tab[c] (c = 0..256) is the index of the first
 * name whose first byte is c or more (the empty name sorts before all), so
 * the names beginning with byte c are [tab[c], tab[c + 1]). NULL: no memory
 * or n out of range. */
uint16_t *llmj__first_table(const llmj_allocator *a, const void *names, size_t stride, size_t n);

/* The JSON Pointer in the schema text of node i ("" when it has none). */
const char *llmj__schema_node_ptr(const llmj_schema *s, uint32_t i);

#endif
