/* yajl and its memory (llmj__yj: the picker's parser, and the fast paths'
 * check): yajl allocates through the decoder's allocator, in blocks kept on
 * a list; yajl does not check its own allocations, so a failure inside yajl
 * unwinds (longjmp) back here, and every block of that handle is dropped at
 * once. See pick.h.
 *
 * yajl never gives back what its buffers grew to (its decode buffer grows to
 * the longest string with escapes, e.g. a whole answer in a final event):
 * after an event for which some block grew past PK_KEEP, the handle is
 * dropped and the next event makes a new one. Events that need no more than
 * that (all but rare long ones) reuse the handle, until the stream's feed
 * is over (ld_ops.rest drops it: a stream between feeds holds none). */
#include "pick.h"

#include <string.h>

typedef struct pk_blk {
    struct pk_blk *prev, *next;
} pk_blk;

typedef union pk_hdr {
    pk_blk b;
    max_align_t align;
} pk_hdr;

#define PK_HDR sizeof(pk_hdr)

/* A handle with a block larger than this is dropped after the event. yajl's
 * buffers start at 2 KiB and double. */
#define PK_KEEP ((size_t)8192)

static void pk_link(llmj__yj *y, pk_blk *b)
{
    b->prev = NULL;
    b->next = y->blocks;
    if (b->next)
        b->next->prev = b;
    y->blocks = b;
}

static void pk_unlink(llmj__yj *y, pk_blk *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        y->blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

/* yajl never checks an allocation: while it runs (armed), a failure unwinds
 * to the picker, which drops every block of the handle. */
static void *pk_yfail(llmj__yj *y)
{
    if (y->armed)
        longjmp(*y->jb, 1);
    return NULL;
}

static void *pk_ymalloc(void *ctx, size_t n)
{
    llmj__yj *y = ctx;
    if (n > SIZE_MAX - PK_HDR)
        return pk_yfail(y);
    pk_blk *b = y->a.malloc(y->a.ctx, PK_HDR + n);
    if (!b)
        return pk_yfail(y);
    pk_link(y, b); /* yajl's first blocks are small: they grow by realloc */
    return (char *)b + PK_HDR;
}

static void *pk_yrealloc(void *ctx, void *ptr, size_t n)
{
    llmj__yj *y = ctx;
    if (!ptr)
        return pk_ymalloc(ctx, n);
    if (n > SIZE_MAX - PK_HDR)
        return pk_yfail(y);
    pk_blk *b = (pk_blk *)((char *)ptr - PK_HDR);
    pk_unlink(y, b);
    pk_blk *nb = y->a.realloc(y->a.ctx, b, PK_HDR + (n ? n : 1));
    if (!nb) {
        pk_link(y, b);
        return pk_yfail(y);
    }
    if (n > PK_KEEP)
        y->grown = 1;
    pk_link(y, nb);
    return (char *)nb + PK_HDR;
}

static void pk_yfree(void *ctx, void *ptr)
{
    llmj__yj *y = ctx;
    if (!ptr)
        return;
    pk_blk *b = (pk_blk *)((char *)ptr - PK_HDR);
    pk_unlink(y, b);
    y->a.free(y->a.ctx, b);
}

static void pk_drop_blocks(llmj__yj *y)
{
    pk_blk *b = y->blocks;
    while (b) {
        pk_blk *n = b->next;
        y->a.free(y->a.ctx, b);
        b = n;
    }
    y->blocks = NULL;
    y->h = NULL;
    y->grown = 0;
}

void llmj__yj_drop(llmj__yj *y)
{
    if (y->h)
        yajl_free(y->h);
    y->h = NULL;
    pk_drop_blocks(y); /* nothing left, unless yajl leaked */
}

void llmj__yj_init(llmj__yj *y, const llmj_allocator *a)
{
    memset(y, 0, sizeof *y);
    y->a = *a;
    y->yaf.malloc = pk_ymalloc;
    y->yaf.realloc = pk_yrealloc;
    y->yaf.free = pk_yfree;
    y->yaf.ctx = y;
}

llmj_status llmj__yj_new(llmj__yj *y, const yajl_callbacks *cb, void *ctx)
{
    yajl_handle h = NULL;
    jmp_buf jb;
    y->jb = &jb;
    if (setjmp(jb) != 0) {
        y->armed = 0;
        pk_drop_blocks(y);
        return LLMJ_NOMEM;
    }
    y->armed = 1;
    h = yajl_alloc(cb, &y->yaf, ctx);
    if (h)
        yajl_config(h, yajl_allow_multiple_values, 1);
    y->armed = 0;
    if (!h) {
        pk_drop_blocks(y);
        return LLMJ_NOMEM;
    }
    y->h = h;
    return LLMJ_OK;
}

/* Runs yajl over the event: 0 and *out, or -1 when an allocation inside
 * yajl failed (its memory is then dropped). After an event that parsed, a
 * handle whose buffers grew past PK_KEEP is dropped (y->h NULL: the next
 * event makes a new one). */
int llmj__yj_run(llmj__yj *y, const char *data, size_t len, yajl_status *out)
{
    yajl_status ys;
    jmp_buf jb;
    y->jb = &jb;
    if (setjmp(jb) != 0) {
        y->armed = 0;
        pk_drop_blocks(y);
        return -1;
    }
    y->armed = 1;
    ys = yajl_parse(y->h, (const unsigned char *)data, len);
    if (ys == yajl_status_ok)
        ys = yajl_complete_parse(y->h);
    y->armed = 0;
    *out = ys;
    if (y->grown && ys == yajl_status_ok)
        llmj__yj_drop(y); /* a long event is over: its buffers go */
    return 0;
}

llmj_status llmj__yj_valid(llmj__yj *y, const char *data, size_t len)
{
    /* no callbacks: yajl then only lexes and checks the grammar (it decodes
     * no string), as fast as it goes */
    if (!y->h && llmj__yj_new(y, NULL, NULL) != LLMJ_OK)
        return LLMJ_NOMEM;
    yajl_status ys;
    if (llmj__yj_run(y, data, len, &ys) != 0)
        return LLMJ_NOMEM;
    if (ys != yajl_status_ok) {
        llmj__yj_drop(y);
        return LLMJ_BAD_EVENT;
    }
    /* yajl's own UTF-8 check lets overlong forms, surrogates and code
     * points above U+10FFFF through (the picker refuses them too) */
    return llmj__utf8_bad(data, len) < len ? LLMJ_BAD_EVENT : LLMJ_OK;
}
