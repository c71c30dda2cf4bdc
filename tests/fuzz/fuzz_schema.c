// seeds: corpus/json tests/fuzz/seeds-schema tests/fuzz/regress
/* libFuzzer target: schema compilation (src/schema/compile.c) and validation
 * while the text streams (src/schema/validate.c), through the tracker.
 *
 * Input: header bytes (fuzz_common.h), then the text.
 *   header byte 0, bits 0-2: the schema: 0-5 one of the schemas below;
 *     6 and 7: the schema is the input itself, up to its first NUL byte, and
 *     the text is what follows (no NUL: the schema is compiled, the text is
 *     empty); bit 3: the piece-by-piece run has a schema event callback;
 *     bit 4: a run whose (header byte 1 + 1)-th allocation fails; bit 5: the
 *     text ends with LLMJ_END_NORMAL (else LLMJ_END_TRUNCATED).
 *   header bytes 1..: the piece sizes (one byte at a time without them).
 *
 * Checked:
 * - compilation returns OK, or SCHEMA_UNSUPPORTED with a message, a keyword
 *   and a pointer; nothing leaks;
 * - the text fed whole, without a tracker callback, and fed in pieces, with
 *   one (and with the schema event callback or not), give the same feed and
 *   finish statuses, the same result (verdict, violation with its pointer,
 *   offset, line, column, keyword and message, missing, cut, upcoming) at
 *   the end;
 * - a schema changes nothing of the tracker's own view: the statuses, bytes
 *   and both salvages are those of the same tracker without a schema;
 * - piece by piece, the violation appears in the piece that holds its byte
 *   (offset within the bytes that piece added, or at the end for one that
 *   only the end makes certain) and never changes after; the verdict stays
 *   undecided until then, or until the end;
 * - the verdict agrees with the text: conforming only for a complete text
 *   without violation, non-conforming exactly when there is a violation; a
 *   complete text has no cut pointer;
 * - schema events: offsets in order, at most one violation event and it is
 *   the result's violation, an enum value is valid UTF-8, a branch has a
 *   schema pointer;
 * - a failed allocation: the tracker says LLMJ_NOMEM (or nothing failed
 *   where it mattered and the result is the clean run's), nothing leaks. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

#define FS_MAX_INPUT 16384

static const char *const k_schemas[6] = {
    /* nested objects, arrays, enums and a pattern (the bench's shape) */
    "{\"type\":\"object\",\"properties\":{"
    "\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\",\"pattern\":\"^[a-z]{3}-[0-9]+$\"},"
    "\"kind\":{\"enum\":[\"book\",\"film\",\"song\",\"game\"]},"
    "\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":100},"
    "\"count\":{\"type\":\"integer\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":3},"
    "\"note\":{\"type\":[\"string\",\"null\"]},"
    "\"meta\":{\"type\":\"object\",\"properties\":{\"lang\":{\"enum\":[\"en\",\"fr\",\"de\"]},"
    "\"ok\":{\"type\":\"boolean\"}},\"required\":[\"lang\",\"ok\"],\"additionalProperties\":false}},"
    "\"required\":[\"id\",\"kind\",\"score\",\"count\",\"tags\",\"note\",\"meta\"],"
    "\"additionalProperties\":false}}},\"required\":[\"items\"],\"additionalProperties\":false}",
    /* anyOf branches with distinct first keys, recursion through $ref */
    "{\"$defs\":{\"node\":{\"anyOf\":["
    "{\"type\":\"object\",\"properties\":{\"leaf\":{\"type\":\"string\",\"maxLength\":5}},"
    "\"required\":[\"leaf\"],\"additionalProperties\":false},"
    "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}},"
    "\"op\":{\"enum\":[\"and\",\"or\",\"android\"]}},\"required\":[\"kids\",\"op\"],"
    "\"additionalProperties\":false},"
    "{\"type\":\"null\"}]}},"
    "\"type\":\"object\",\"properties\":{\"root\":{\"$ref\":\"#/$defs/node\"},"
    "\"self\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"integer\"}]}},"
    "\"required\":[\"root\"],\"additionalProperties\":false}",
    /* numbers and string lengths, const */
    "{\"type\":\"object\",\"properties\":{"
    "\"i\":{\"type\":\"integer\",\"minimum\":-5,\"exclusiveMaximum\":120},"
    "\"x\":{\"type\":\"number\",\"exclusiveMinimum\":0.5,\"maximum\":1e3,\"multipleOf\":0.25},"
    "\"m\":{\"type\":\"integer\",\"multipleOf\":7},"
    "\"s\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":4},"
    "\"c\":{\"const\":\"fixed\\u00e9\"},"
    "\"k\":{\"const\":2.5}},"
    "\"additionalProperties\":{\"type\":[\"boolean\",\"number\"]}}",
    /* arrays: prefixItems, items, counts */
    "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"},"
    "{\"enum\":[true,null,3,\"x\"]}],\"items\":{\"type\":\"array\",\"items\":{\"type\":\"number\"},"
    "\"minItems\":1,\"maxItems\":2},\"minItems\":2,\"maxItems\":6}",
    /* formats */
    "{\"type\":\"object\",\"properties\":{"
    "\"t\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"d\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"h\":{\"type\":\"string\",\"format\":\"time\"},"
    "\"p\":{\"type\":\"string\",\"format\":\"duration\"},"
    "\"e\":{\"type\":\"string\",\"format\":\"email\"},"
    "\"n\":{\"type\":\"string\",\"format\":\"hostname\"},"
    "\"4\":{\"type\":\"string\",\"format\":\"ipv4\"},"
    "\"6\":{\"type\":\"string\",\"format\":\"ipv6\"},"
    "\"u\":{\"type\":\"string\",\"format\":\"uuid\"}},"
    "\"required\":[\"t\",\"u\"]}",
    /* a top-level anyOf of scalars and containers, patterns with classes */
    "{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^(ab|a[0-9]+)*z?$\"},"
    "{\"type\":\"number\",\"maximum\":12,\"exclusiveMinimum\":-3},"
    "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"pattern\":\"\\\\d{2}\"}},"
    "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"boolean\"}},"
    "\"required\":[\"q\"],\"additionalProperties\":false}]}",
};

/* ---- one run ------------------------------------------------------------ */

typedef struct fs_run {
    fz_buf ev;            /* the schema events, serialised */
    uint64_t last_off;    /* the last event's offset */
    int nviol_ev;         /* violation events */
} fs_run;

static void add_str(fz_buf *b, const char *s)
{
    if (!s) {
        fz_add_lp(b, "(null)", 6);
        return;
    }
    fz_add_lp(b, s, strlen(s));
}

static void add_viol(fz_buf *b, const llmj_schema_violation *v)
{
    if (!v) {
        fz_add(b, "-", 1);
        return;
    }
    add_str(b, v->pointer);
    fz_addf(b, "@%llu:%llu:%llu", (unsigned long long)v->offset, (unsigned long long)v->line,
            (unsigned long long)v->column);
    add_str(b, v->keyword);
    add_str(b, v->message);
}

static int on_schema_event(void *ctx, const llmj_schema_event *ev)
{
    fs_run *r = ctx;
    CHECK(ev->type == LLMJ_SCHEMA_EV_VIOLATION || ev->type == LLMJ_SCHEMA_EV_ENUM ||
              ev->type == LLMJ_SCHEMA_EV_BRANCH,
          "event type %d", (int)ev->type);
    CHECK(ev->pointer != NULL, "an event without a pointer");
    CHECK(ev->offset >= r->last_off, "event offsets go back: %llu after %llu",
          (unsigned long long)ev->offset, (unsigned long long)r->last_off);
    r->last_off = ev->offset;
    fz_addf(&r->ev, "%d", (int)ev->type);
    add_str(&r->ev, ev->pointer);
    fz_addf(&r->ev, "@%llu:%llu:%llu", (unsigned long long)ev->offset,
            (unsigned long long)ev->line, (unsigned long long)ev->column);
    switch (ev->type) {
    case LLMJ_SCHEMA_EV_VIOLATION:
        CHECK(ev->violation != NULL, "a violation event without its violation");
        CHECK(ev->violation->offset == ev->offset, "violation event offset %llu, violation %llu",
              (unsigned long long)ev->offset, (unsigned long long)ev->violation->offset);
        r->nviol_ev++;
        add_viol(&r->ev, ev->violation);
        break;
    case LLMJ_SCHEMA_EV_ENUM:
        CHECK(ev->value != NULL || ev->value_len == 0, "an enum event without its value");
        fz_add_lp(&r->ev, ev->value, ev->value_len);
        break;
    case LLMJ_SCHEMA_EV_BRANCH:
        CHECK(ev->schema != NULL && strstr(ev->schema, "anyOf/") != NULL, "a branch event's schema pointer %s", ev->schema ? ev->schema : "(null)");
        fz_addf(&r->ev, "b%zu", ev->branch);
        add_str(&r->ev, ev->schema);
        break;
    }
    return 0;
}

static int on_event(void *ctx, const llmj_event *ev)
{
    (void)ev;
    (*(size_t *)ctx)++;
    return 0;
}

/* The result, serialised; checks the verdict against the finish status.
 * Returns 1 on LLMJ_NOMEM (allowed when oom). */
static int add_result(fz_buf *b, llmj_tracker *t, llmj_status fin, int oom)
{
    llmj_schema_result res;
    llmj_status st = llmj_tracker_schema_result(t, &res);
    if (st == LLMJ_NOMEM && oom)
        return 1;
    CHECK(st == LLMJ_OK, "llmj_tracker_schema_result: %d", (int)st);
    if (res.violation)
        CHECK(res.valid == LLMJ_SCHEMA_NONCONFORMING, "a violation and verdict %d", (int)res.valid);
    else if (fin == LLMJ_OK)
        CHECK(res.valid == LLMJ_SCHEMA_CONFORMING, "complete, no violation, verdict %d",
              (int)res.valid);
    else
        CHECK(res.valid == LLMJ_SCHEMA_UNDECIDED, "unfinished, no violation, verdict %d",
              (int)res.valid);
    if (fin == LLMJ_OK)
        CHECK(res.cut == NULL, "a complete text with a cut pointer %s", res.cut);
    fz_addf(b, "v%d", (int)res.valid);
    add_viol(b, res.violation);
    fz_addf(b, "m%zu", res.nmissing);
    for (size_t i = 0; i < res.nmissing; i++)
        add_str(b, res.missing[i]);
    add_str(b, res.cut);
    fz_addf(b, "u%zu", res.nupcoming);
    for (size_t i = 0; i < res.nupcoming; i++)
        add_str(b, res.upcoming[i]);
    return 0;
}

static void add_salvage(fz_buf *b, llmj_tracker *t)
{
    for (int m = 0; m < 2; m++) {
        llmj_salvage s;
        llmj_status st = llmj_tracker_salvage(t, (llmj_salvage_mode)m, &s);
        CHECK(st == LLMJ_OK, "salvage: %d", (int)st);
        fz_addf(b, "s%d:%d:%llu", m, (int)s.status, (unsigned long long)s.bytes_kept);
        fz_add_lp(b, s.closer, s.closer_len);
    }
}

/* Feeds text in pieces (sp NULL: whole), ends it, logs the statuses into
 * out->sy (the tracker's own view) and out->sc (the schema's). sch NULL: no
 * schema. fail_at: the allocation to fail (0 none); returns 1 when the run
 * met LLMJ_NOMEM. */
typedef struct fs_out {
    fz_buf sy, sc, ev;
} fs_out;

static int run(const llmj_schema *sch, const unsigned char *text, size_t len,
               const fz_splits *sp, int with_cb, int with_sev, llmj_end end, size_t fail_at,
               fs_out *out)
{
    tu_alloc a;
    memset(&a, 0, sizeof a);
    a.fail_at = fail_at;
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&a);
    size_t nev = 0;
    fs_run r;
    memset(&r, 0, sizeof r);
    llmj_tracker *t = NULL;
    int nomem = 0;
    llmj_status st = llmj_tracker_new(&t, &cfg, with_cb ? on_event : NULL, &nev);
    if (st == LLMJ_NOMEM && fail_at) {
        CHECK(a.live == 0, "leak after a failed llmj_tracker_new");
        return 1;
    }
    CHECK(st == LLMJ_OK, "llmj_tracker_new: %d", (int)st);
    if (sch) {
        st = llmj_tracker_set_schema_cb(t, sch, with_sev ? on_schema_event : NULL, &r);
        if (st == LLMJ_NOMEM && fail_at) {
            llmj_tracker_free(t);
            CHECK(a.live == 0, "leak after a failed llmj_tracker_set_schema_cb");
            return 1;
        }
        CHECK(st == LLMJ_OK, "llmj_tracker_set_schema_cb: %d", (int)st);
    }
    size_t at = 0, k = 0;
    llmj_status fst = LLMJ_OK;
    /* the violation as first seen piece by piece */
    int seen = 0;
    fz_buf first = {0};
    while (at < len) {
        size_t n = sp ? fz_piece(sp, k++) : len;
        if (n > len - at)
            n = len - at;
        fst = llmj_tracker_feed(t, text + at, n);
        if (fst == LLMJ_NOMEM) {
            CHECK(fail_at != 0, "LLMJ_NOMEM with no failed allocation");
            nomem = 1;
            break;
        }
        if (sch && sp && fst == LLMJ_OK) {
            llmj_schema_result res;
            st = llmj_tracker_schema_result(t, &res);
            if (st == LLMJ_NOMEM && fail_at) {
                nomem = 1;
                break;
            }
            CHECK(st == LLMJ_OK, "llmj_tracker_schema_result mid-way: %d", (int)st);
            if (res.violation && !seen) {
                seen = 1;
                CHECK(res.violation->offset >= at && res.violation->offset < at + n,
                      "the violation at byte %llu appeared in the piece of bytes %zu..%zu",
                      (unsigned long long)res.violation->offset, at, at + n);
                add_viol(&first, res.violation);
            } else if (seen) {
                fz_buf now = {0};
                add_viol(&now, res.violation);
                CHECK(fz_eq(&now, &first), "the violation changed after it appeared");
                fz_free(&now);
            }
            if (!res.violation)
                CHECK(res.valid == LLMJ_SCHEMA_UNDECIDED, "verdict %d before the end",
                      (int)res.valid);
        }
        at += n;
    }
    if (!nomem) {
        llmj_status fin = llmj_tracker_finish(t, end);
        if (fin == LLMJ_NOMEM) {
            CHECK(fail_at != 0, "finish: LLMJ_NOMEM with no failed allocation");
            nomem = 1;
        } else {
            fz_addf(&out->sy, "f%d:%d:%llu", (int)fst, (int)fin,
                    (unsigned long long)llmj_tracker_bytes(t));
            add_salvage(&out->sy, t);
            if (sch && add_result(&out->sc, t, fin, fail_at != 0)) {
                nomem = 1;
            } else if (sch) {
                llmj_schema_result res;
                CHECK(llmj_tracker_schema_result(t, &res) == LLMJ_OK, "result");
                if (seen) {
                    fz_buf now = {0};
                    add_viol(&now, res.violation);
                    CHECK(fz_eq(&now, &first), "the violation changed at the end");
                    fz_free(&now);
                }
                if (res.violation)
                    CHECK(res.violation->offset <= len, "violation offset %llu past the end %zu",
                          (unsigned long long)res.violation->offset, len);
                if (with_sev) {
                    CHECK(r.nviol_ev == (res.violation ? 1 : 0), "%d violation events, %s",
                          r.nviol_ev, res.violation ? "a violation" : "none");
                    fz_add(&out->ev, r.ev.d, r.ev.n);
                }
            }
        }
    }
    fz_free(&first);
    fz_free(&r.ev);
    llmj_tracker_free(t);
    CHECK(a.live == 0, "%zu blocks leaked", a.live);
    return nomem;
}

static void out_free(fs_out *o)
{
    fz_free(&o->sy);
    fz_free(&o->sc);
    fz_free(&o->ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FS_MAX_INPUT)
        return 0;
    fz_input in;
    fz_split_input(&in, data, size);
    unsigned flags = fz_flags(&in);
    unsigned which = flags & 7;
    const unsigned char *text = in.text;
    size_t len = in.len;
    const char *stext;
    size_t slen;
    if (which < 6) {
        stext = k_schemas[which];
        slen = strlen(stext);
    } else {
        const unsigned char *nul = memchr(text, 0, len);
        stext = (const char *)text;
        slen = nul ? (size_t)(nul - text) : len;
        text = nul ? nul + 1 : text + len;
        len = nul ? len - slen - 1 : 0;
    }

    tu_alloc a;
    memset(&a, 0, sizeof a);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&a);
    llmj_schema *sch = NULL;
    llmj_schema_error err;
    memset(&err, 0, sizeof err);
    llmj_status st = llmj_schema_compile(&sch, stext, slen, &cfg, &err);
    CHECK(st == LLMJ_OK || st == LLMJ_SCHEMA_UNSUPPORTED, "llmj_schema_compile: %d", (int)st);
    if (st != LLMJ_OK) {
        CHECK(which >= 6, "built-in schema %u does not compile: %s", which, err.message);
        CHECK(sch == NULL, "a failed compile set *out");
        CHECK(err.message[0] && memchr(err.message, 0, sizeof err.message),
              "a failed compile without a message");
        CHECK(memchr(err.keyword, 0, sizeof err.keyword) && memchr(err.pointer, 0, sizeof err.pointer),
              "a failed compile's keyword or pointer is not a string");
        CHECK(err.code == LLMJ_SCHEMA_UNSUPPORTED, "error code %d", (int)err.code);
        CHECK(a.live == 0, "a failed compile leaked %zu blocks", a.live);
        return 0;
    }

    fz_splits sp;
    fz_get_splits(&in, &sp);
    llmj_end end = (flags & 32) ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED;
    int sev = (flags & 8) != 0;

    fs_out whole = {0}, pieces = {0}, plain = {0};
    run(sch, text, len, NULL, 0, 0, end, 0, &whole);
    run(sch, text, len, &sp, 1, sev, end, 0, &pieces);
    run(NULL, text, len, &sp, 0, 0, end, 0, &plain);
    CHECK(fz_eq(&whole.sy, &pieces.sy), "the tracker's view differs whole / in pieces (at %zu)",
          fz_diff_at(&whole.sy, &pieces.sy));
    CHECK(fz_eq(&whole.sy, &plain.sy), "a schema changed the tracker's view (at %zu)",
          fz_diff_at(&whole.sy, &plain.sy));
    CHECK(fz_eq(&whole.sc, &pieces.sc), "the schema's result differs whole / in pieces (at %zu)",
          fz_diff_at(&whole.sc, &pieces.sc));

    if (flags & 16) {
        size_t fail_at = (size_t)(in.nhdr > 1 ? in.hdr[1] : len % 64) + 1;
        fs_out oom = {0};
        if (!run(sch, text, len, &sp, 1, sev, end, fail_at, &oom)) {
            CHECK(fz_eq(&oom.sy, &pieces.sy) && fz_eq(&oom.sc, &pieces.sc) &&
                      fz_eq(&oom.ev, &pieces.ev),
                  "a run without LLMJ_NOMEM differs from the clean run");
        }
        out_free(&oom);
    }
    out_free(&whole);
    out_free(&pieces);
    out_free(&plain);
    llmj_schema_free(sch);
    CHECK(a.live == 0, "the schema leaked %zu blocks", a.live);
    return 0;
}
