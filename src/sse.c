/* The Server-Sent Events decoder: bytes in, events out, following the
 * WHATWG HTML "event stream" parsing rules (section "Interpreting an event
 * stream"), on bytes rather than decoded text.
 *
 * How a piece is taken:
 * - lines wholly inside the piece are read where they lie; only a line that
 *   the piece leaves open (its tail) is copied, into the line buffer;
 * - line ends are found with memchr, one cached search for LF and one for CR,
 *   so each byte is looked at a bounded number of times whatever the mix;
 * - every allocation a piece can need is made before the piece is read
 *   (reserve_for()): a piece is either refused whole with LLMJ_NOMEM and
 *   nothing changed, or read through without allocating. Small pieces reserve
 *   a cheap upper bound; large ones are measured first by a light pass over
 *   their line ends (plan()), so memory follows the events, not the piece. */
#include "alloc.h"
#include "sse_int.h"

#include <string.h>

#define SSE_DEFAULT_MAX ((size_t)16 * 1024 * 1024)
/* Pieces whose bound is at most this reserve the bound without measuring. */
#define SSE_CHEAP_BOUND ((size_t)64 * 1024)
/* bom: bytes of the BOM matched so far (0-2), or BOM_DONE once decided. */
#define BOM_DONE 3

static const unsigned char utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

struct llmj_sse {
    llmj_allocator alloc;
    llmj_sse_cb cb;
    void *ctx;
    llmj_sse_field_cb field_cb; /* lines with a field name the spec ignores */
    void *field_ctx;
    size_t max;           /* config.max_event */

    llmj__buf line;       /* the open line carried over from earlier pieces */
    llmj__buf data;       /* the data buffer: each data value followed by LF */
    llmj__buf type;       /* the event type buffer */
    llmj__buf id;         /* the last event ID buffer */

    uint64_t pos;         /* bytes fed so far = offset of the next byte */
    uint64_t line_start;  /* offset of the open line's first byte */
    uint64_t ev_start;    /* offset of the current event's first field line */
    uint64_t nlf;         /* LF bytes seen (error positions count lines by LF) */
    uint64_t lf_end;      /* offset just past the last LF */
    uint64_t comments;
    uint64_t events;
    int64_t retry;

    int bom;              /* 0-2 BOM bytes matched and held, or BOM_DONE */
    int in_line;          /* an open line exists (its bytes are in line) */
    int skip_lf;          /* the last line ended with CR: an LF next is its pair */
    int ev_open;          /* a field line was seen since the last empty line */
    int in_cb;            /* inside the callback: re-entry is refused */
    int finished;
    llmj_status status;   /* sticky: LLMJ_OK, TOO_LONG, ABORTED, SSE_CUT */
    llmj_error err;
};

/* ---- small helpers ------------------------------------------------------ */

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Record a sticky error at offset off, which lies on the line that starts
 * after the last LF seen (true for every error this file reports). */
static llmj_status fail(llmj_sse *s, llmj_status code, uint64_t off, const char *msg)
{
    s->status = code;
    s->err.code = code;
    s->err.offset = off;
    s->err.line = s->nlf + 1;
    s->err.column = off - s->lf_end + 1;
    s->err.message = msg;
    return code;
}

/* A cursor over one piece that finds the next CR or LF. Each of the two
 * searches is cached, so the piece is scanned once for each byte value. */
typedef struct eol_scan {
    const char *end;
    const char *lf;       /* next LF at or after the last query, or end; NULL unknown */
    const char *cr;
} eol_scan;

static const char *find_eol(eol_scan *sc, const char *p)
{
    const char *end = sc->end;
    if (!sc->lf || sc->lf < p) {
        const char *q = memchr(p, '\n', (size_t)(end - p));
        sc->lf = q ? q : end;
    }
    if (!sc->cr || sc->cr < p) {
        const char *q = memchr(p, '\r', (size_t)(end - p));
        sc->cr = q ? q : end;
    }
    return sc->lf < sc->cr ? sc->lf : sc->cr;
}

/* ---- event dispatch and field lines -------------------------------------- */

static llmj_status dispatch(llmj_sse *s, int unterminated, uint64_t off)
{
    s->ev_open = 0;
    if (s->data.len == 0) {
        s->type.len = 0;
        return LLMJ_OK;
    }
    llmj_sse_event ev;
    ev.type = s->type.len ? s->type.data : "message";
    ev.type_len = s->type.len ? s->type.len : 7;
    ev.data = s->data.data;
    ev.data_len = s->data.len - 1; /* the last LF is not part of the data */
    ev.id = s->id.len ? s->id.data : "";
    ev.id_len = s->id.len;
    ev.offset = s->ev_start;
    ev.unterminated = unterminated;
    s->events++;
    int stop = 0;
    if (s->cb) {
        s->in_cb = 1;
        stop = s->cb(s->ctx, &ev);
        s->in_cb = 0;
    }
    s->data.len = 0;
    s->type.len = 0;
    if (stop)
        return fail(s, LLMJ_ABORTED, off, "the event callback asked to stop");
    return LLMJ_OK;
}

/* reserve_for() sized every buffer for the whole piece before reading it;
 * this only guards that promise. Growing here would be a bug in plan(): it
 * would still never overflow a buffer, but an allocation failing here is
 * reported as a sticky LLMJ_NOMEM (part of the piece was taken). */
static int room(llmj_sse *s, llmj__buf *b, size_t need, uint64_t off)
{
    if (need <= b->cap || llmj__buf_reserve(b, &s->alloc, need, SIZE_MAX) == 0)
        return 1;
    fail(s, LLMJ_NOMEM, off, "out of memory in the middle of a piece");
    return 0;
}

/* Copy v[0:n] into b; off is where v lies, for an error. */
static llmj_status buf_set(llmj_sse *s, llmj__buf *b, const char *v, size_t n, uint64_t off)
{
    if (!room(s, b, n, off))
        return LLMJ_NOMEM;
    if (n)
        memcpy(b->data, v, n);
    b->len = n;
    return LLMJ_OK;
}

/* One whole line l[0:n] (no line end) that starts at offset start. */
static llmj_status take_line(llmj_sse *s, const char *l, size_t n, uint64_t start)
{
    if (n == 0)
        return dispatch(s, 0, start);
    if (l[0] == ':') {
        s->comments++;
        return LLMJ_OK;
    }
    const char *colon = memchr(l, ':', n);
    size_t name_len = colon ? (size_t)(colon - l) : n;
    const char *v = colon ? colon + 1 : l + n;
    size_t vn = colon ? n - name_len - 1 : 0;
    if (vn && *v == ' ') {
        v++;
        vn--;
    }
    if (!s->ev_open) {
        s->ev_open = 1;
        s->ev_start = start;
    }
    int known = 1;
    llmj_status st = LLMJ_OK;
    switch (name_len) {
    case 4:
        known = memcmp(l, "data", 4) == 0;
        if (known) {
            /* The buffer would hold data.len + vn + 1 bytes; at most max. */
            if (vn >= s->max - s->data.len) {
                uint64_t voff = start + (uint64_t)(v - l);
                return fail(s, LLMJ_TOO_LONG, voff + (s->max - s->data.len),
                            "an SSE event's data is longer than max_event");
            }
            if (!room(s, &s->data, s->data.len + vn + 1, start))
                return LLMJ_NOMEM;
            if (vn)
                memcpy(s->data.data + s->data.len, v, vn);
            s->data.data[s->data.len + vn] = '\n';
            s->data.len += vn + 1;
        }
        break;
    case 5:
        if (memcmp(l, "event", 5) == 0) {
            st = buf_set(s, &s->type, v, vn, start);
        } else if (memcmp(l, "retry", 5) != 0) {
            known = 0;
        } else if (vn) {
            int64_t r = 0;
            size_t i;
            for (i = 0; i < vn; i++) {
                unsigned d = (unsigned char)v[i] - (unsigned)'0';
                if (d > 9)
                    break;
                r = r > (INT64_MAX - (int64_t)d) / 10 ? INT64_MAX : r * 10 + (int64_t)d;
            }
            if (i == vn)
                s->retry = r;
        }
        break;
    case 2:
        known = l[0] == 'i' && l[1] == 'd';
        if (known && !memchr(v, '\0', vn))
            st = buf_set(s, &s->id, v, vn, start);
        break;
    default:
        known = 0;
        break;
    }
    if (st != LLMJ_OK)
        return st;
    if (!known && s->field_cb) {
        s->in_cb = 1;
        int stop = s->field_cb(s->field_ctx, l, name_len, v, vn, start);
        s->in_cb = 0;
        if (stop)
            return fail(s, LLMJ_ABORTED, start, "the field callback asked to stop");
    }
    return LLMJ_OK;
}

/* ---- reserving what a piece can need ------------------------------------- */

/* A line can be an "event" or "id" field line (the only ones that write
 * the type and id buffers) only if it begins with one of these. */
static int field_first(char c)
{
    return c == 'e' || c == 'i';
}

/* 1 if a line this piece completes may begin with 'e' or 'i' (the open
 * line, the piece's first line, a line after a line end in the piece): only
 * then do the type and id buffers need room. Streams with neither field
 * (OpenAI chat, Gemini, Ollama) then never allocate them. */
static int may_set_field(const llmj_sse *s, const char *buf, size_t len)
{
    if (s->in_line && s->line.len > 0) {
        if (field_first(s->line.data[0]))
            return 1;
    } else {
        /* the first line begins at buf[0], or after a BOM still to be read
         * (at most at buf[3]); after an LF that pairs the last piece's CR,
         * the scan below finds it */
        size_t lead = s->bom < BOM_DONE ? 4 : 1;
        for (size_t k = 0; k < lead && k < len; k++)
            if (field_first(buf[k]))
                return 1;
    }
    const char *end = buf + len;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(end - p))) != NULL && ++p < end;)
        if (field_first(*p))
            return 1;
    for (const char *p = buf; (p = memchr(p, '\r', (size_t)(end - p))) != NULL && ++p < end;)
        if (field_first(*p))
            return 1;
    return 0;
}

/* Measure a large piece: the longest line the line buffer may have to hold,
 * the longest line that may be an event type or id field (field_first), and
 * the most data an event can reach (each line adds at most its length + 1). */
static void plan(const llmj_sse *s, const char *buf, size_t len, size_t *need_line,
                 size_t *need_field, size_t *need_data)
{
    const char *p = buf, *end = buf + len;
    size_t cur = s->in_line ? s->line.len : 0; /* bytes of the open line */
    int open = s->in_line;
    char first = cur ? s->line.data[0] : 0; /* the carried line's first byte */
    size_t nline = cur, nfield = 0, ndata = s->data.len, span = s->data.len;
    int bom = s->bom;
    while (bom < BOM_DONE && p < end) {
        if ((unsigned char)*p == utf8_bom[bom]) {
            bom++;
            p++;
        } else {
            cur = (size_t)bom; /* the held bytes open the first line */
            open = bom > 0;
            first = (char)utf8_bom[0];
            bom = BOM_DONE;
        }
    }
    if (s->skip_lf && p < end && *p == '\n')
        p++;
    eol_scan sc = { end, NULL, NULL };
    while (p < end) {
        const char *q = find_eol(&sc, p);
        size_t n = add_sat(cur, (size_t)(q - p));
        if (q == end) {
            if (n > nline)
                nline = n;
            break;
        }
        if (open && n > nline)
            nline = n;
        if (n > nfield && field_first(cur ? first : *p))
            nfield = n;
        span = n == 0 ? 0 : add_sat(span, add_sat(n, 1));
        if (span > ndata)
            ndata = span;
        cur = 0;
        open = 0;
        p = q + 1;
        if (*q == '\r' && p < end && *p == '\n')
            p++;
    }
    *need_line = nline;
    *need_field = nfield;
    *need_data = ndata;
}

static int reserve(llmj__buf *b, const llmj_allocator *a, size_t need, size_t max)
{
    return llmj__buf_reserve(b, a, min_size(need, max), max);
}

/* Make every buffer large enough for whatever this piece can do to it. */
static llmj_status reserve_for(llmj_sse *s, const char *buf, size_t len)
{
    /* Bytes of the longest line this piece can complete or leave open: the
     * open line, up to two held BOM bytes, and the piece. */
    size_t bound = add_sat(add_sat(s->line.len, 2), len);
    size_t need_line = bound, need_field = bound;
    size_t need_data = add_sat(s->data.len, bound);
    size_t max = s->max;
    int fields = s->type.cap >= min_size(need_field, max) && s->id.cap >= min_size(need_field, max);
    if (s->line.cap >= min_size(need_line, max) && s->data.cap >= min_size(need_data, max) &&
        fields)
        return LLMJ_OK;
    if (min_size(bound, max) > SSE_CHEAP_BOUND)
        plan(s, buf, len, &need_line, &need_field, &need_data);
    else if (!fields && !may_set_field(s, buf, len))
        need_field = 0;
    if (reserve(&s->line, &s->alloc, need_line, max) ||
        reserve(&s->type, &s->alloc, need_field, max) ||
        reserve(&s->id, &s->alloc, need_field, max) ||
        reserve(&s->data, &s->alloc, need_data, max))
        return LLMJ_NOMEM;
    return LLMJ_OK;
}

/* Buffers that a long line or event (or a large piece) made grow to more
 * than 4 times what the next piece can need shrink back to SSE_KEEP before
 * it, once their bytes fit (that piece reserves what it needs again): memory
 * follows the events. Any long line grows the data buffer too (reserve_for),
 * so its capacity alone is checked, once a piece. */
#define SSE_KEEP ((size_t)4096)

static void shrink(llmj_sse *s)
{
    if (s->line.len > SSE_KEEP || s->data.len > SSE_KEEP || s->type.len > SSE_KEEP ||
        s->id.len > SSE_KEEP)
        return; /* still in use: tried again next piece */
    llmj__buf_shrink(&s->line, &s->alloc, SSE_KEEP);
    llmj__buf_shrink(&s->data, &s->alloc, SSE_KEEP);
    llmj__buf_shrink(&s->type, &s->alloc, SSE_KEEP);
    llmj__buf_shrink(&s->id, &s->alloc, SSE_KEEP);
}

/* llmj__sse_rest(): a buffer over SSE_REST_CAP bytes that holds at most
 * SSE_REST_KEEP goes back to SSE_REST_KEEP. */
#define SSE_REST_CAP ((size_t)1024)
#define SSE_REST_KEEP ((size_t)256)

void llmj__sse_rest(llmj_sse *s)
{
    llmj__buf *b[] = { &s->line, &s->data, &s->type, &s->id };
    for (size_t i = 0; i < sizeof b / sizeof *b; i++)
        if (b[i]->cap > SSE_REST_CAP && b[i]->len <= SSE_REST_KEEP)
            llmj__buf_shrink(b[i], &s->alloc, SSE_REST_KEEP);
}

/* ---- the public functions ------------------------------------------------ */

static void clear_state(llmj_sse *s)
{
    s->line.len = s->data.len = s->type.len = s->id.len = 0;
    s->pos = s->line_start = s->ev_start = 0;
    s->nlf = s->lf_end = 0;
    s->comments = s->events = 0;
    s->retry = -1;
    s->bom = 0;
    s->in_line = s->skip_lf = s->ev_open = s->in_cb = s->finished = 0;
    s->status = LLMJ_OK;
    memset(&s->err, 0, sizeof s->err);
    s->err.code = LLMJ_OK;
    s->err.message = "";
}

llmj_status llmj_sse_new(llmj_sse **out, const llmj_config *cfg, llmj_sse_cb cb, void *ctx)
{
    if (!out)
        return LLMJ_MISUSE;
    *out = NULL;
    llmj_allocator a;
    if (llmj__alloc_resolve(&a, cfg ? &cfg->alloc : NULL) != 0)
        return LLMJ_BAD_OPTION;
    size_t max = cfg ? cfg->max_event : SSE_DEFAULT_MAX;
    if (max == 0)
        return LLMJ_BAD_OPTION;
    if (max > SIZE_MAX / 4)
        max = SIZE_MAX / 4; /* no allocation can reach it; keeps sums exact */
    llmj_sse *s = llmj__malloc(&a, sizeof *s);
    if (!s)
        return LLMJ_NOMEM;
    memset(s, 0, sizeof *s);
    s->alloc = a;
    s->cb = cb;
    s->ctx = ctx;
    s->max = max;
    clear_state(s);
    *out = s;
    return LLMJ_OK;
}

void llmj_sse_free(llmj_sse *s)
{
    if (!s)
        return;
    llmj_allocator a = s->alloc;
    llmj__buf_free(&s->line, &a);
    llmj__buf_free(&s->data, &a);
    llmj__buf_free(&s->type, &a);
    llmj__buf_free(&s->id, &a);
    llmj__free(&a, s);
}

llmj_status llmj_sse_reset(llmj_sse *s)
{
    if (!s || s->in_cb)
        return LLMJ_MISUSE;
    clear_state(s);
    return LLMJ_OK;
}

/* Past the end of a line whose terminator is at q. */
static const char *end_line(llmj_sse *s, const char *q, const char *end, const char *buf,
                            uint64_t base)
{
    const char *p = q + 1;
    if (*q == '\r') {
        if (p == end) {
            s->skip_lf = 1;
            return p;
        }
        if (*p != '\n')
            return p;
        p++;
    }
    s->nlf++;
    s->lf_end = base + (uint64_t)(p - buf);
    return p;
}

llmj_status llmj_sse_feed(llmj_sse *s, const void *bytes, size_t len)
{
    if (!s || s->in_cb || (!bytes && len))
        return LLMJ_MISUSE;
    if (s->finished)
        return LLMJ_MISUSE;
    if (s->status != LLMJ_OK)
        return s->status;
    if (len == 0)
        return LLMJ_OK;
    if (s->data.cap > SSE_KEEP && s->data.cap / 4 > len)
        shrink(s);
    llmj_status st = reserve_for(s, bytes, len);
    if (st != LLMJ_OK)
        return st;

    const char *buf = bytes, *p = buf, *end = buf + len;
    const uint64_t base = s->pos;
    s->pos = base + len; /* every byte is taken from here on (or an error sticks) */
#define OFF(ptr) (base + (uint64_t)((ptr) - buf))

    while (s->bom < BOM_DONE) {
        if (p == end)
            return LLMJ_OK;
        if ((unsigned char)*p == utf8_bom[s->bom]) {
            s->bom++;
            p++;
        } else {
            /* Not a BOM: the bytes held so far open the first line. */
            s->line_start = 0;
            if ((size_t)s->bom > s->max)
                return fail(s, LLMJ_TOO_LONG, s->max, "an SSE line is longer than max_event");
            st = buf_set(s, &s->line, (const char *)utf8_bom, (size_t)s->bom, 0);
            if (st != LLMJ_OK)
                return st;
            s->in_line = s->bom > 0;
            s->bom = BOM_DONE;
        }
    }
    if (s->skip_lf && p < end) {
        s->skip_lf = 0;
        if (*p == '\n') {
            p++;
            s->nlf++;
            s->lf_end = OFF(p);
        }
    }

    eol_scan sc = { end, NULL, NULL };
    if (s->in_line && p < end) {
        const char *q = find_eol(&sc, p);
        size_t head = (size_t)(q - p);
        if (head > s->max - s->line.len)
            return fail(s, LLMJ_TOO_LONG, s->line_start + s->max,
                        "an SSE line is longer than max_event");
        if (!room(s, &s->line, s->line.len + head, s->line_start))
            return LLMJ_NOMEM;
        memcpy(s->line.data + s->line.len, p, head);
        s->line.len += head;
        if (q == end)
            return LLMJ_OK;
        s->in_line = 0;
        st = take_line(s, s->line.data, s->line.len, s->line_start);
        s->line.len = 0;
        if (st != LLMJ_OK)
            return st;
        p = end_line(s, q, end, buf, base);
    }
    while (p < end) {
        const char *q = find_eol(&sc, p);
        size_t n = (size_t)(q - p);
        if (n > s->max)
            return fail(s, LLMJ_TOO_LONG, OFF(p) + s->max, "an SSE line is longer than max_event");
        if (q == end) {
            s->line_start = OFF(p);
            st = buf_set(s, &s->line, p, n, OFF(p));
            if (st != LLMJ_OK)
                return st;
            s->in_line = 1;
            break;
        }
        st = take_line(s, p, n, OFF(p));
        if (st != LLMJ_OK)
            return st;
        p = end_line(s, q, end, buf, base);
    }
#undef OFF
    return LLMJ_OK;
}

llmj_status llmj_sse_finish(llmj_sse *s)
{
    if (!s || s->in_cb || s->finished)
        return LLMJ_MISUSE;
    s->finished = 1;
    if (s->status != LLMJ_OK)
        return s->status;
    if (s->bom > 0 && s->bom < BOM_DONE && (size_t)s->bom > s->max)
        return fail(s, LLMJ_TOO_LONG, s->max, "an SSE line is longer than max_event");
    if (s->in_line || (s->bom > 0 && s->bom < BOM_DONE))
        return fail(s, LLMJ_SSE_CUT, s->pos, "the input ended inside an SSE line");
    return dispatch(s, 1, s->pos);
}

llmj_status llmj_sse_set_field_cb(llmj_sse *s, llmj_sse_field_cb cb, void *ctx)
{
    if (!s || s->in_cb)
        return LLMJ_MISUSE;
    s->field_cb = cb;
    s->field_ctx = ctx;
    return LLMJ_OK;
}

uint64_t llmj_sse_comments(const llmj_sse *s)
{
    return s ? s->comments : 0;
}

uint64_t llmj_sse_events(const llmj_sse *s)
{
    return s ? s->events : 0;
}

int64_t llmj_sse_retry(const llmj_sse *s)
{
    return s ? s->retry : -1;
}

const llmj_error *llmj_sse_error(const llmj_sse *s)
{
    return s ? &s->err : NULL;
}
