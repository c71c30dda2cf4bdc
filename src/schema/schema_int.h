/* Internal: the compiled schema (compile.c) and the streaming validator
 * (validate.c). A compiled schema is read-only after compilation. */
#ifndef LLMJ_SCHEMA_INT_H
#define LLMJ_SCHEMA_INT_H

#include <stdint.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "alloc.h"

/* JSON types, as bits. */
enum {
    SK_NULL = 1, SK_BOOL = 2, SK_INT = 4, SK_NUM = 8, SK_STR = 16, SK_ARR = 32, SK_OBJ = 64,
    SK_ALL = 127
};

/* Node 0 accepts everything (the schema `true`), node 1 nothing (`false`). */
#define SN_TRUE 0u
#define SN_FALSE 1u

typedef struct sprop {
    char *name;
    size_t len;
    uint32_t node;     /* its schema (SN_TRUE when only listed in required) */
    unsigned char in_props; /* listed in properties */
    unsigned char required;
} sprop;

typedef struct sstr {
    char *s;
    size_t len;
} sstr;

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
    sstr *es; size_t nes;    /* string values, sorted bytewise, unique */
    sscalar *eo; size_t neo; /* other values */
    /* objects */
    sprop *props; size_t nprops;   /* sorted by name */
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
    int re_anchored;         /* only an anchored pattern can fail on a prefix */
    int format;
    /* ---- composition ---- */
    uint32_t *conj; size_t nconj;  /* $ref targets (and a const beside an enum) */
    uint32_t *any; size_t nany;    /* anyOf branches */
    /* The disjunctive normal form: alternatives, each a conjunction of nodes
     * whose own keywords apply: alt i is atoms[alt_off[i] .. alt_off[i+1]). */
    uint32_t *alt_off; size_t nalt;
    uint32_t *atoms;
    int dnf_state;           /* 0 not yet, 1 in progress, 2 done */
} snode;

struct llmj_schema {
    llmj_allocator a;
    snode *nodes;
    size_t nnodes, cap;
    pcre2_general_context *gctx;
};

#endif
