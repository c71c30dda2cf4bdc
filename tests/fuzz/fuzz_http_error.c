// seeds: tests/server/fixtures tests/fuzz/seeds-http
/* libFuzzer target: reading an HTTP error body (src/http.c) and keeping the
 * key out of what is read (src/redact.c), with the key part of the input, so
 * short keys, keys inside "[redacted]" and keys cut at a field's edge are
 * all tried.
 *
 * Input: a flags byte, then key 1 up to a 0x00 byte, then (flag bit 3) key 2
 * up to the next 0x00, then the error body. Keys under 4 bytes are refused
 * by the library, so they are skipped here.
 *   flags bits 0-1: the Content-Type (application/json, text/plain,
 *   text/html, none); bit 2: a 302 with the body's first line as Location;
 *   bits 4-5: the cap for the direct calls (1024, 128, 16, 1 + the body's
 *   length % 64).
 *
 * Checked, for the message, type and code of the error (also the status
 * line, taken from the body's first 127 bytes), for llmj__redact on the body
 * at the chosen cap, and for the provider error of a stream object fed an
 * in-band error carrying the body as its message (whole and one byte at a
 * time): no output holds a key, nor ends with 4 or more of a key's first
 * bytes; each fits its field, NUL-terminated; text that shows no key comes
 * out unchanged; the stream fed whole and split gives the same error. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "http_int.h"

#define FH_MAX_BODY 8192

static int fh_shows(const char *s, size_t n, const char *const *keys, const size_t *kl, size_t nk)
{
    for (size_t k = 0; k < nk; k++) {
        for (size_t i = 0; i + kl[k] <= n; i++)
            if (memcmp(s + i, keys[k], kl[k]) == 0)
                return 1;
        for (size_t l = 4; l < kl[k] && l <= n; l++)
            if (memcmp(s + n - l, keys[k], l) == 0)
                return 1;
    }
    return 0;
}

#define FH_CHECK_FIELD(s, cap)                                                                              \
    do {                                                                                                    \
        size_t fl_ = strnlen((s), (cap));                                                                   \
        CHECK(fl_ < (cap), "field not NUL-terminated within %zu", (size_t)(cap));                           \
        CHECK(!fh_shows((s), fl_, keys, kl, nk), "a key is shown: '%s'", (s));                              \
    } while (0)

/* The stream object's provider error for an in-band error with message m. */
static void fh_stream_error(llmj__secrets *k, const char *const *keys, const size_t *kl, size_t nk, const char *m,
                            size_t n, size_t piece, fz_buf *out)
{
    fz_buf ev = {0};
    fz_add(&ev, "data: {\"error\":{\"message\":\"", 28);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)m[i];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            fz_addf(&ev, "\\u%04x", c);
        else
            fz_add(&ev, &c, 1);
    }
    fz_add(&ev, "\",\"type\":\"t\",\"code\":\"c\"}}\n\n", 26);
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_stream *s;
    CHECK(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_OPENAI_CHAT, LLMJ_CONTENT_AUTO, NULL, NULL) == LLMJ_OK, "new");
    llmj__stream_set_secrets(s, k);
    for (size_t off = 0; off < ev.n; off += piece)
        llmj_stream_feed(s, ev.d + off, ev.n - off < piece ? ev.n - off : piece);
    llmj_stream_finish(s);
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    if (pe) {
        CHECK(!fh_shows(pe->message, strlen(pe->message), keys, kl, nk), "stream error message shows a key");
        CHECK(!fh_shows(pe->type, strlen(pe->type), keys, kl, nk), "stream error type shows a key");
        CHECK(!fh_shows(pe->code, strlen(pe->code), keys, kl, nk), "stream error code shows a key");
        fz_add_lp(out, pe->message, strlen(pe->message));
        fz_add_lp(out, pe->type, strlen(pe->type));
        fz_add_lp(out, pe->code, strlen(pe->code));
    } else {
        fz_add(out, "none", 4);
    }
    const llmj_error *e = llmj_stream_error(s);
    for (size_t i = 0; e->message && i < nk; i++)
        CHECK(!strstr(e->message, keys[i]) || memchr(keys[i], 0, kl[i]), "stream error shows a key");
    fz_add_lp(out, e->message ? e->message : "", e->message ? strlen(e->message) : 0);
    llmj_stream_free(s);
    CHECK(ta.live == 0, "stream leaked %zu", (size_t)ta.live);
    fz_free(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned f = data[0];
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    const char *keys[2];
    size_t kl[2], nk = 0;
    for (int k = 0; k < ((f & 8) ? 2 : 1); k++) {
        const char *z = memchr(p, 0, n);
        if (!z)
            return 0;
        keys[nk] = p;
        kl[nk] = (size_t)(z - p);
        n -= kl[nk] + 1;
        p = z + 1;
        if (kl[nk] < LLMJ__SECRET_MIN || kl[nk] > 64)
            return 0;
        nk++;
    }
    if (n > FH_MAX_BODY)
        n = FH_MAX_BODY;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_allocator a = tu_allocator(&ta);
    llmj__secrets k;
    llmj__secrets_init(&k, &a);
    for (size_t i = 0; i < nk; i++)
        CHECK(llmj__secrets_add(&k, keys[i], kl[i]) == 0, "secret refused");

    /* the error body */
    static const char *const ctypes[] = {"application/json", "text/plain; charset=utf-8", "text/html", ""};
    char status_line[LLMJ__HTTP_FIELD_CAP], location[LLMJ__HTTP_MSG_CAP / 2];
    const char *eol = memchr(p, '\n', n);
    size_t sl = eol ? (size_t)(eol - p) : n;
    if (sl >= sizeof status_line)
        sl = sizeof status_line - 1;
    memcpy(status_line, p, sl);
    status_line[sl] = 0; /* may hold a NUL earlier: fine */
    size_t ll = sl < sizeof location ? sl : sizeof location - 1;
    memcpy(location, p, ll);
    location[ll] = 0;
    char msg[LLMJ__HTTP_MSG_CAP], etype[LLMJ__HTTP_FIELD_CAP], ecode[LLMJ__HTTP_FIELD_CAP];
    llmj__http_error_fields(&a, &k, p, n, ctypes[f & 3], status_line, (f & 4) ? 302 : 401,
                            (f & 4) ? location : "", msg, etype, ecode);
    FH_CHECK_FIELD(msg, sizeof msg);
    FH_CHECK_FIELD(etype, sizeof etype);
    FH_CHECK_FIELD(ecode, sizeof ecode);

    /* llmj__redact on the body, at a cap */
    static const size_t caps[] = {1024, 128, 16, 0};
    size_t cap = caps[(f >> 4) & 3] ? caps[(f >> 4) & 3] : 1 + n % 64;
    char *dst = malloc(cap);
    CHECK(dst != NULL, "malloc");
    size_t o = llmj__redact(&k, p, n, dst, cap);
    CHECK(o < cap && dst[o] == 0, "length %zu, cap %zu", o, cap);
    CHECK(!fh_shows(dst, o, keys, kl, nk), "redact shows a key");
    if (n < cap && !fh_shows(p, n, keys, kl, nk))
        CHECK(o == n && memcmp(dst, p, n) == 0, "text without a key was changed");
    free(dst);

    /* an in-band error of a stream, whole and split */
    fz_buf whole = {0}, split = {0};
    size_t mn = n < 2048 ? n : 2048;
    fh_stream_error(&k, keys, kl, nk, p, mn, SIZE_MAX / 2, &whole);
    fh_stream_error(&k, keys, kl, nk, p, mn, 1 + (f >> 6), &split);
    CHECK(fz_eq(&whole, &split), "whole and split differ at %zu", fz_diff_at(&whole, &split));
    llmj__secrets_free(&k);
    CHECK(ta.live == 0, "leaked %zu", (size_t)ta.live);
    fz_free(&whole);
    fz_free(&split);
    return 0;
}
