/* yajl's memory for the picker: yajl allocates through the decoder's
 * allocator, in blocks kept on a list; yajl does not check its own
 * allocations, so a failure inside yajl unwinds (longjmp) back here, and
 * every block of that handle is dropped at once. See pick.h.
 *
 * yajl never gives back what its buffers grew to (its decode buffer grows to
 * the longest string with escapes, e.g. a whole answer in a final event):
 * after an event for which some block grew past PK_KEEP, the handle is
 * dropped and the next event makes a new one. Events that need no more than
 * that (all but rare long ones) reuse the handle. */
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

static void pk_link(llmj__pk *p, pk_blk *b)
{
    b->prev = NULL;
    b->next = p->blocks;
    if (b->next)
        b->next->prev = b;
    p->blocks = b;
}

static void pk_unlink(llmj__pk *p, pk_blk *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        p->blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

/* yajl never checks an allocation: while it runs (armed), a failure unwinds
 * to the picker, which drops every block of the handle. */
static void *pk_yfail(llmj__pk *p)
{
    if (p->armed)
        longjmp(p->jb, 1);
    return NULL;
}

static void *pk_ymalloc(void *ctx, size_t n)
{
    llmj__pk *p = ctx;
    if (n > SIZE_MAX - PK_HDR)
        return pk_yfail(p);
    pk_blk *b = p->a.malloc(p->a.ctx, PK_HDR + n);
    if (!b)
        return pk_yfail(p);
    pk_link(p, b); /* yajl's first blocks are small: they grow by realloc */
    return (char *)b + PK_HDR;
}

static void *pk_yrealloc(void *ctx, void *ptr, size_t n)
{
    llmj__pk *p = ctx;
    if (!ptr)
        return pk_ymalloc(ctx, n);
    if (n > SIZE_MAX - PK_HDR)
        return pk_yfail(p);
    pk_blk *b = (pk_blk *)((char *)ptr - PK_HDR);
    pk_unlink(p, b);
    pk_blk *nb = p->a.realloc(p->a.ctx, b, PK_HDR + (n ? n : 1));
    if (!nb) {
        pk_link(p, b);
        return pk_yfail(p);
    }
    if (n > PK_KEEP)
        p->grown = 1;
    pk_link(p, nb);
    return (char *)nb + PK_HDR;
}

static void pk_yfree(void *ctx, void *ptr)
{
    llmj__pk *p = ctx;
    if (!ptr)
        return;
    pk_blk *b = (pk_blk *)((char *)ptr - PK_HDR);
    pk_unlink(p, b);
    p->a.free(p->a.ctx, b);
}

static void pk_drop_blocks(llmj__pk *p)
{
    pk_blk *b = p->blocks;
    while (b) {
        pk_blk *n = b->next;
        p->a.free(p->a.ctx, b);
        b = n;
    }
    p->blocks = NULL;
    p->h = NULL;
    p->grown = 0;
}

static void pk_drop_handle(llmj__pk *p)
{
    if (p->h)
        yajl_free(p->h);
    p->h = NULL;
    pk_drop_blocks(p); /* nothing left, unless yajl leaked */
}

void llmj__yajl_mem_init(llmj__pk *p)
{
    p->yaf.malloc = pk_ymalloc;
    p->yaf.realloc = pk_yrealloc;
    p->yaf.free = pk_yfree;
    p->yaf.ctx = p;
}

void llmj__pk_drop_handle(llmj__pk *p)
{
    pk_drop_handle(p);
}

llmj_status llmj__pk_new_handle(llmj__pk *p, const yajl_callbacks *cb)
{
    yajl_handle h = NULL;
    if (setjmp(p->jb) != 0) {
        p->armed = 0;
        pk_drop_blocks(p);
        return LLMJ_NOMEM;
    }
    p->armed = 1;
    h = yajl_alloc(cb, &p->yaf, p);
    if (h)
        yajl_config(h, yajl_allow_multiple_values, 1);
    p->armed = 0;
    if (!h) {
        pk_drop_blocks(p);
        return LLMJ_NOMEM;
    }
    p->h = h;
    return LLMJ_OK;
}

/* The event's own memory (arena and records, empty when an event begins)
 * that a long event made grow is given back before the next one. */
#define PK_ARENA_KEEP ((size_t)4096)
#define PK_RECS_KEEP ((size_t)64)

static void pk_trim(llmj__pk *p)
{
    if (p->arena.cap > 4 * PK_ARENA_KEEP)
        llmj__buf_shrink(&p->arena, &p->a, PK_ARENA_KEEP);
    if (p->caprec > PK_RECS_KEEP && p->nrec == 0) {
        llmj__free(&p->a, p->recs);
        p->recs = NULL;
        p->caprec = 0;
    }
}

/* Runs yajl over the event: 0 and *out, or -1 when an allocation inside
 * yajl failed (its memory is then dropped). After an event that parsed, a
 * handle whose buffers grew past PK_KEEP is dropped (p->h NULL: the next
 * event makes a new one). Before it, an arena or record array that a long
 * event made grow shrinks back (pk_trim). */
int llmj__pk_run(llmj__pk *p, const char *data, size_t len, yajl_status *out)
{
    yajl_status ys;
    if (p->arena.cap > 4 * PK_ARENA_KEEP || p->caprec > PK_RECS_KEEP)
        pk_trim(p);
    if (setjmp(p->jb) != 0) {
        p->armed = 0;
        pk_drop_blocks(p);
        return -1;
    }
    p->armed = 1;
    ys = yajl_parse(p->h, (const unsigned char *)data, len);
    if (ys == yajl_status_ok)
        ys = yajl_complete_parse(p->h);
    p->armed = 0;
    *out = ys;
    if (p->grown && ys == yajl_status_ok)
        pk_drop_handle(p); /* a long event is over: its buffers go */
    return 0;
}
