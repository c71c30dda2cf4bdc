// seeds: corpus/sse ../shared/corpus-real tests/fuzz/regress
/* libFuzzer target: the SSE decoder (src/sse.c) against a second,
 * deliberately simple decoder written here from the rules in
 * include/llmjson/sse.h: it sees the whole input at once, splits it into
 * lines and applies the field rules one line at a time.
 *
 * Input: header bytes (fuzz_common.h), then the byte stream.
 *   header byte 0, bits 0-1: max_event 16 MiB (default), 16, 64 or 1;
 *     bit 2: the field callback is set; bit 3: the callbacks stop at
 *     callback number (header byte 1) + 1.
 *   header bytes 1..: piece sizes for the split run (1..64, cycled); one
 *     byte at a time when there are none.
 *
 * Checked: the decoder fed whole and fed in pieces gives exactly the
 * reference's callbacks (type, data, id, offset, unterminated; field name,
 * value, offset), event and comment counts, retry, statuses (feed and
 * finish) and error (code, offset, line, column); sticky statuses stay;
 * after reset the same input gives the same result; no feed or finish after
 * finish; memory stays within a bound of max_event; nothing leaks. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

/* FZ_FAST (tests/fuzz/fuzz_*_fast.c): the same invariants without the
 * slow cross-checks (see those files), for many more inputs a second. */
#ifndef FZ_FAST
#define FZ_FAST 0
#endif

#define FS_MAX_INPUT 65536

/* ---- the log both decoders write ---------------------------------------- */

typedef struct fs_log {
    fz_buf b;
    size_t calls;
    size_t stop_at; /* 1-based callback number to stop at; 0 never */
    int stopped;
} fs_log;

static int fs_stop(fs_log *l)
{
    CHECK(!l->stopped, "a callback after the callback asked to stop");
    l->calls++;
    if (l->stop_at && l->calls == l->stop_at) {
        l->stopped = 1;
        return 1;
    }
    return 0;
}

static int fs_log_event(fs_log *l, const char *type, size_t tl, const char *data, size_t dl,
                        const char *id, size_t il, uint64_t off, int unterm)
{
    fz_add(&l->b, "E", 1);
    fz_add_lp(&l->b, type, tl);
    fz_add_lp(&l->b, data, dl);
    fz_add_lp(&l->b, id, il);
    fz_addf(&l->b, "@%llu/%d;", (unsigned long long)off, unterm);
    return fs_stop(l);
}

static int fs_log_field(fs_log *l, const char *name, size_t nl, const char *value, size_t vl,
                        uint64_t off)
{
    fz_add(&l->b, "F", 1);
    fz_add_lp(&l->b, name, nl);
    fz_add_lp(&l->b, value, vl);
    fz_addf(&l->b, "@%llu;", (unsigned long long)off);
    return fs_stop(l);
}

/* ---- the reference decoder ------------------------------------------------ */

typedef struct fs_outcome {
    llmj_status feed;   /* what feeding everything returns */
    llmj_status finish; /* what finish returns */
    uint64_t err_off;   /* error offset (feed error, or finish's) */
    uint64_t comments, events;
    int64_t retry;
} fs_outcome;

static int fs_eq(const unsigned char *p, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(p, w, n) == 0;
}

static void fs_reference(const unsigned char *s, size_t n, size_t max_event, int field_cb,
                         fs_log *log, fs_outcome *out)
{
    memset(out, 0, sizeof *out);
    out->retry = -1;
    fz_buf data = { 0 }, type = { 0 }, id = { 0 };
    int have_type = 0;
    uint64_t ev_off = 0;
    int ev_started = 0; /* a field line since the last empty line */
    size_t pos = 0;
    llmj_status st = LLMJ_OK;

    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        pos = 3;
    else if ((n == 1 && s[0] == 0xEF) || (n == 2 && s[0] == 0xEF && s[1] == 0xBB))
        pos = n; /* a partial BOM: the input ends inside it (a cut, below) */
    int cut = pos == n && pos > 0 && pos < 3;

    while (st == LLMJ_OK && pos < n) {
        size_t start = pos, end = pos;
        while (end < n && s[end] != '\n' && s[end] != '\r')
            end++;
        if (end - start > max_event) {
            st = LLMJ_TOO_LONG;
            out->err_off = start + max_event;
            break;
        }
        if (end == n) {
            cut = 1; /* the input ended inside this line */
            break;
        }
        size_t next = end + 1;
        if (s[end] == '\r' && next < n && s[next] == '\n')
            next++;
        const unsigned char *ln = s + start;
        size_t len = end - start;
        pos = next;

        if (len == 0) {
            /* dispatch */
            if (data.n > 0) {
                out->events++;
                const char *ty = have_type && type.n ? type.d : "message";
                size_t tyl = have_type && type.n ? type.n : 7;
                if (fs_log_event(log, ty, tyl, data.d, data.n - 1, id.d ? id.d : "", id.n, ev_off,
                                 0)) {
                    st = LLMJ_ABORTED;
                    out->err_off = start;
                }
            }
            data.n = 0;
            type.n = 0;
            have_type = 0;
            ev_started = 0;
            continue;
        }
        if (ln[0] == ':') {
            out->comments++;
            continue;
        }
        if (!ev_started) {
            ev_started = 1;
            ev_off = start;
        }
        const unsigned char *colon = memchr(ln, ':', len);
        size_t nl = colon ? (size_t)(colon - ln) : len;
        const unsigned char *val = colon ? colon + 1 : ln + len;
        size_t vl = colon ? len - nl - 1 : 0;
        if (vl > 0 && val[0] == ' ')
            val++, vl--;
        if (fs_eq(ln, nl, "data")) {
            if (data.n + vl + 1 > max_event) {
                st = LLMJ_TOO_LONG;
                size_t room = max_event - data.n; /* bytes of this value that fit */
                out->err_off = (uint64_t)(val - s) + room;
                break;
            }
            fz_add(&data, val, vl);
            fz_add(&data, "\n", 1);
        } else if (fs_eq(ln, nl, "event")) {
            type.n = 0;
            fz_add(&type, val, vl);
            have_type = 1;
        } else if (fs_eq(ln, nl, "id")) {
            if (!memchr(val, '\0', vl)) {
                id.n = 0;
                fz_add(&id, val, vl);
            }
        } else if (fs_eq(ln, nl, "retry")) {
            int ok = vl > 0;
            int64_t v = 0;
            for (size_t i = 0; i < vl && ok; i++) {
                if (val[i] < '0' || val[i] > '9') {
                    ok = 0;
                    break;
                }
                int d = val[i] - '0';
                v = v > (INT64_MAX - d) / 10 ? INT64_MAX : v * 10 + d;
            }
            if (ok)
                out->retry = v;
        } else if (field_cb) {
            if (fs_log_field(log, (const char *)ln, nl, (const char *)val, vl, start)) {
                st = LLMJ_ABORTED;
                out->err_off = start;
            }
        }
    }
    out->feed = st;
    if (st != LLMJ_OK) {
        out->finish = st;
    } else if (cut) {
        out->finish = LLMJ_SSE_CUT;
        out->err_off = n;
    } else {
        out->finish = LLMJ_OK;
        if (data.n > 0) {
            out->events++;
            const char *ty = have_type && type.n ? type.d : "message";
            size_t tyl = have_type && type.n ? type.n : 7;
            if (fs_log_event(log, ty, tyl, data.d, data.n - 1, id.d ? id.d : "", id.n, ev_off, 1)) {
                out->finish = LLMJ_ABORTED;
                out->err_off = n;
            }
        }
    }
    fz_free(&data);
    fz_free(&type);
    fz_free(&id);
}

/* ---- the decoder under test --------------------------------------------------- */

static int fs_on_event(void *ctx, const llmj_sse_event *ev)
{
    CHECK(ev->unterminated == 0 || ev->unterminated == 1, "unterminated = %d", ev->unterminated);
    return fs_log_event(ctx, ev->type, ev->type_len, ev->data, ev->data_len, ev->id, ev->id_len,
                        ev->offset, ev->unterminated);
}

static int fs_on_field(void *ctx, const char *name, size_t nl, const char *value, size_t vl,
                       uint64_t offset)
{
    return fs_log_field(ctx, name, nl, value, vl, offset);
}

typedef struct fs_result {
    fs_log log;
    fs_outcome o;
    llmj_error err;
    size_t peak;
} fs_result;

static void fs_line_col(const unsigned char *s, uint64_t off, uint64_t *line, uint64_t *col)
{
    uint64_t l = 1, start = 0;
    for (uint64_t i = 0; i < off; i++)
        if (s[i] == '\n')
            l++, start = i + 1;
    *line = l;
    *col = off - start + 1;
}

static void fs_feed(llmj_sse *d, const unsigned char *s, size_t n, const fz_splits *sp,
                    fs_result *r)
{
    size_t fed = 0, k = 0;
    llmj_status first = LLMJ_OK;
    while (fed < n) {
        size_t len = sp ? fz_piece(sp, k++) : n;
        if (len > n - fed)
            len = n - fed;
        llmj_status st = llmj_sse_feed(d, s + fed, len);
        fed += len;
        if (first != LLMJ_OK)
            CHECK(st == first, "sticky %s became %s", llmj_strerror(first), llmj_strerror(st));
        else
            first = st;
        CHECK(st == LLMJ_OK || st == LLMJ_TOO_LONG || st == LLMJ_ABORTED, "feed returned %s",
              llmj_strerror(st));
    }
    CHECK(llmj_sse_feed(d, NULL, 0) == first, "an empty feed returned another status");
    r->o.feed = first;
}

static void fs_run(const unsigned char *s, size_t n, const llmj_config *cfg0, int field_cb,
                   size_t stop_at, const fz_splits *sp, fs_result *r)
{
    memset(r, 0, sizeof *r);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg = *cfg0;
    cfg.alloc = tu_allocator(&ta);
    llmj_sse *d = NULL;
    CHECK(llmj_sse_new(&d, &cfg, fs_on_event, &r->log) == LLMJ_OK && d, "sse_new");
    if (field_cb)
        CHECK(llmj_sse_set_field_cb(d, fs_on_field, &r->log) == LLMJ_OK, "set_field_cb");
    r->log.stop_at = stop_at;

    for (int pass = 0; pass < 2; pass++) {
        fz_buf first = r->log.b;
        fs_outcome fo = r->o;
        if (pass == 1) {
            /* again after a reset: the same */
            memset(&r->log.b, 0, sizeof r->log.b);
            r->log.calls = 0;
            r->log.stopped = 0;
            CHECK(llmj_sse_reset(d) == LLMJ_OK, "reset");
            CHECK(llmj_sse_events(d) == 0 && llmj_sse_comments(d) == 0 && llmj_sse_retry(d) == -1 &&
                      llmj_sse_error(d)->code == LLMJ_OK,
                  "reset left state");
        }
        fs_feed(d, s, n, sp, r);
        r->o.finish = llmj_sse_finish(d);
        CHECK(llmj_sse_finish(d) == LLMJ_MISUSE, "finish twice");
        CHECK(llmj_sse_feed(d, "x", 1) == LLMJ_MISUSE, "feed after finish");
        r->o.events = llmj_sse_events(d);
        r->o.comments = llmj_sse_comments(d);
        r->o.retry = llmj_sse_retry(d);
        r->err = *llmj_sse_error(d);
        CHECK(r->err.message != NULL, "error message NULL");
        if (r->err.code == LLMJ_OK) {
            CHECK(r->o.finish == LLMJ_OK, "finish %s without an error", llmj_strerror(r->o.finish));
        } else {
            CHECK(r->err.code == r->o.finish, "error code %s, finish %s",
                  llmj_strerror(r->err.code), llmj_strerror(r->o.finish));
            uint64_t line, col;
            fs_line_col(s, r->err.offset, &line, &col);
            CHECK(r->err.line == line && r->err.column == col,
                  "error at %llu: %llu:%llu, expected %llu:%llu",
                  (unsigned long long)r->err.offset, (unsigned long long)r->err.line,
                  (unsigned long long)r->err.column, (unsigned long long)line,
                  (unsigned long long)col);
            r->o.err_off = r->err.offset;
        }
        if (pass == 1) {
            CHECK(fz_eq(&first, &r->log.b), "callbacks after reset differ");
            CHECK(memcmp(&fo, &r->o, sizeof fo) == 0, "outcome after reset differs");
            fz_free(&first);
        }
    }
    llmj_sse_free(d);
    r->peak = ta.peak;
    CHECK(ta.live == 0, "%zu blocks leaked", ta.live);
}

static void fs_compare(const char *what, const fs_result *got, const fs_log *want_log,
                       const fs_outcome *want)
{
    CHECK(fz_eq(&got->log.b, &want_log->b), "%s: callbacks differ from the reference's at byte %zu (%zu/%zu)",
          what, fz_diff_at(&got->log.b, &want_log->b), got->log.b.n, want_log->b.n);
    CHECK(got->o.feed == want->feed, "%s: feed %s, reference %s", what, llmj_strerror(got->o.feed),
          llmj_strerror(want->feed));
    CHECK(got->o.finish == want->finish, "%s: finish %s, reference %s", what,
          llmj_strerror(got->o.finish), llmj_strerror(want->finish));
    if (want->finish != LLMJ_OK)
        CHECK(got->o.err_off == want->err_off, "%s: error at %llu, reference %llu", what,
              (unsigned long long)got->o.err_off, (unsigned long long)want->err_off);
    CHECK(got->o.events == want->events, "%s: %llu events, reference %llu", what,
          (unsigned long long)got->o.events, (unsigned long long)want->events);
    CHECK(got->o.comments == want->comments, "%s: %llu comments, reference %llu", what,
          (unsigned long long)got->o.comments, (unsigned long long)want->comments);
    CHECK(got->o.retry == want->retry, "%s: retry %lld, reference %lld", what,
          (long long)got->o.retry, (long long)want->retry);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in;
    fz_split_input(&in, data, size);
    unsigned f = fz_flags(&in);
    fz_splits sp;
    fz_get_splits(&in, &sp);
    const unsigned char *s = in.text;
    size_t n = in.len < FS_MAX_INPUT ? in.len : FS_MAX_INPUT;

    llmj_config cfg;
    llmj_config_init(&cfg);
    static const size_t k_max_event[4] = { 0, 16, 64, 1 };
    if (f & 3)
        cfg.max_event = k_max_event[f & 3];
    int field_cb = (f & 4) != 0;
    size_t stop_at = (f & 8) ? (size_t)(in.nhdr > 1 ? in.hdr[1] : 0) + 1 : 0;

    fs_log want = { 0 };
    want.stop_at = stop_at;
    fs_outcome wo;
    fs_result whole, split;
    fs_run(s, n, &cfg, field_cb, stop_at, NULL, &whole);
    if (FZ_FAST) {
        /* no reference: the whole run is what every split must give */
        want.b = whole.log.b;
        wo = whole.o;
    } else {
        fs_reference(s, n, cfg.max_event, field_cb, &want, &wo);
        fs_compare("whole", &whole, &want, &wo);
    }
    fs_run(s, n, &cfg, field_cb, stop_at, &sp, &split);
    fs_compare("split", &split, &want, &wo);

    /* memory: within a few times max_event, whatever the input */
    if (cfg.max_event <= 64)
        CHECK(whole.peak <= 8 * cfg.max_event + 4096 && split.peak <= 8 * cfg.max_event + 4096,
              "peak %zu / %zu bytes with max_event %zu", whole.peak, split.peak, cfg.max_event);

    if (!FZ_FAST)
        fz_free(&want.b);
    fz_free(&whole.log.b);
    fz_free(&split.log.b);
    return 0;
}
