/* The live transport over real loopback HTTP: build/llmj-testserver serves
 * recorded streams with faults; src/http.c fetches them through libcurl and
 * feeds the stream object. Everything the library allocates goes through a
 * counting allocator that must end at zero. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <llmjson.h>
#include <llmjson/http.h>

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server/spawn.h"
#include "support/testutil.h"

/* ---- the loopback server ---------------------------------------------------- */

typedef struct server {
    pid_t pid;
    int port;
    int blackhole;
} server;

static server srv = {-1, 0, 0};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A GET through plain libcurl (not the code under test), body into *out. */
static size_t sink_cb(char *p, size_t size, size_t n, void *ud)
{
    tu_buf_add(ud, p, size * n);
    return size * n;
}

static long raw_get_rc(const char *path, tu_buf *out, CURLcode *rcp)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", srv.port, path);
    CURL *e = curl_easy_init();
    assert_non_null(e);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink_cb);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(e);
    long code = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(e);
    if (rcp)
        *rcp = rc;
    else
        assert_int_equal(rc, CURLE_OK);
    tu_buf_add(out, "", 1);
    out->len--;
    return code;
}

static long raw_get(const char *path, tu_buf *out)
{
    return raw_get_rc(path, out, NULL);
}

/* The server's record of request id, once it is over (JSON text). */
static void server_record(const char *id, tu_buf *out)
{
    char path[256];
    snprintf(path, sizeof path, "/_record?id=%s&wait=5000", id);
    assert_int_equal(raw_get(path, out), 200);
    assert_non_null(strstr(out->data, "\"state\":\"done\""));
}

static unsigned long long json_num(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    return strtoull(p + strlen(pat), NULL, 10);
}

static int server_start(void **state)
{
    (void)state;
    if (llmj_global_init() != LLMJ_OK)
        return -1;
    llmjt_server ls;
    if (llmjt_server_start(&ls, tu_root(), 60) != 0)
        return -1;
    srv.pid = ls.pid;
    srv.port = ls.port;
    tu_buf info = {0};
    raw_get("/_info", &info);
    srv.blackhole = (int)json_num(info.data, "blackhole");
    tu_buf_free(&info);
    return 0;
}

static int server_stop(void **state)
{
    (void)state;
    if (srv.pid > 0) {
        kill(srv.pid, SIGTERM);
        int st;
        waitpid(srv.pid, &st, 0);
        srv.pid = -1;
    }
    llmj_global_cleanup();
    return 0;
}

/* ---- recording what the stream says ------------------------------------------- */

typedef struct rec {
    tu_buf b;
    int stop_after_json;  /* >0: return non-zero at that json event */
    int njson;
    llmj_http *cancel_other; /* llmj_http_cancel() it at the first text */
    tu_buf raw;              /* on_bytes */
    int done_calls;
} rec;

static void add_str(tu_buf *b, const char *s, size_t n)
{
    tu_buf_add_json_string(b, s, n);
}

static int cb_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    rec *r = ctx;
    r->njson++;
    if (ev->type != LLMJ_EV_STRING_CHUNK) {
        tu_buf_addf(&r->b, "J%zu/%zd %s ", choice, tool == LLMJ_NO_TOOL ? (ssize_t)-1 : (ssize_t)tool,
                    llmj_event_type_name(ev->type));
        add_str(&r->b, ev->pointer, ev->pointer_len);
        if (ev->text) {
            tu_buf_add(&r->b, " ", 1);
            add_str(&r->b, ev->text, ev->len);
        }
        tu_buf_add(&r->b, "\n", 1);
    }
    return r->stop_after_json > 0 && r->njson >= r->stop_after_json;
}

static int cb_text(void *ctx, size_t choice, const char *text, size_t len)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "T%zu ", choice);
    add_str(&r->b, text, len);
    tu_buf_add(&r->b, "\n", 1);
    if (r->cancel_other) {
        llmj_http_cancel(r->cancel_other);
        r->cancel_other = NULL;
    }
    return 0;
}

static int cb_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "R%zu ", choice);
    add_str(&r->b, text, len);
    tu_buf_add(&r->b, "\n", 1);
    return 0;
}

static int cb_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len, const char *name,
                         size_t name_len)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "B%zu/%zu ", choice, tool);
    add_str(&r->b, id, id_len);
    add_str(&r->b, name, name_len);
    tu_buf_add(&r->b, "\n", 1);
    return 0;
}

static int cb_tool_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "A%zu/%zu ", choice, tool);
    add_str(&r->b, text, len);
    tu_buf_add(&r->b, "\n", 1);
    return 0;
}

static int cb_tool_end(void *ctx, size_t choice, size_t tool)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "E%zu/%zu\n", choice, tool);
    return 0;
}

static int cb_finish(void *ctx, size_t choice, llmj_finish finish, const char *raw, size_t raw_len)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "F%zu %s ", choice, llmj_finish_name(finish));
    add_str(&r->b, raw, raw_len);
    tu_buf_add(&r->b, "\n", 1);
    return 0;
}

static int cb_usage(void *ctx, const llmj_usage *u)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "U %lld %lld %lld %lld %lld\n", (long long)u->input_tokens, (long long)u->output_tokens,
                (long long)u->total_tokens, (long long)u->cached_tokens, (long long)u->reasoning_tokens);
    return 0;
}

static int cb_error(void *ctx, const llmj_provider_error *e)
{
    rec *r = ctx;
    tu_buf_addf(&r->b, "X %s @%llu ", llmj_strerror(e->status), (unsigned long long)e->offset);
    add_str(&r->b, e->message, e->message_len);
    add_str(&r->b, e->type, e->type_len);
    add_str(&r->b, e->code, e->code_len);
    tu_buf_add(&r->b, "\n", 1);
    return 0;
}

static const llmj_stream_callbacks cbs = {cb_json, cb_text, cb_refusal, cb_tool_begin, cb_tool_args,
                                          cb_tool_end, cb_finish, cb_usage, cb_error};

static int on_bytes(void *ctx, const char *buf, size_t len)
{
    rec *r = ctx;
    tu_buf_add(&r->raw, buf, len);
    return 0;
}

static void on_done(void *ctx, llmj_http *h)
{
    (void)h;
    rec *r = ctx;
    r->done_calls++;
}

/* The statuses with which the stream object stops taking bytes. */
static int stops_stream(llmj_status st)
{
    return st == LLMJ_RUNAWAY_WHITESPACE || st == LLMJ_RUNAWAY_REPEAT || st == LLMJ_TOO_LONG ||
           st == LLMJ_UNKNOWN_DIALECT || st == LLMJ_ABORTED || st == LLMJ_NOMEM;
}

/* The final state of a finished stream: status, choices, tools, salvage. */
static void final_digest(llmj_stream *s, llmj_status st, tu_buf *b)
{
    /* bytes fed: after a stop inside a piece, that count depends on the
     * pieces (the rest of the piece was fed but not taken); left out then */
    tu_buf_addf(b, "status %s dialect %s events %llu bad %llu bytes %llu done %d\n", llmj_strerror(st),
                llmj_dialect_name(llmj_stream_dialect(s)), (unsigned long long)llmj_stream_events(s),
                (unsigned long long)llmj_stream_bad_events(s),
                stops_stream(st) ? 0ULL : (unsigned long long)llmj_stream_bytes(s), llmj_stream_done(s));
    for (size_t ci = 0; ci < llmj_stream_choice_count(s); ci++) {
        llmj_choice_info c;
        assert_int_equal(llmj_stream_choice(s, ci, &c), LLMJ_OK);
        tu_buf_addf(b, "choice %zu finish %s json %d status %s complete %d tools %zu content ", c.index,
                    llmj_finish_name(c.finish), c.json, llmj_text_status_name(c.status), c.complete, c.tool_count);
        add_str(b, c.content, c.content_len);
        tu_buf_add(b, "\n", 1);
        for (size_t ti = 0; ti <= c.tool_count; ti++) {
            size_t tool = ti == c.tool_count ? LLMJ_NO_TOOL : ti;
            if (tool != LLMJ_NO_TOOL) {
                llmj_tool_info t;
                assert_int_equal(llmj_stream_tool(s, ci, ti, &t), LLMJ_OK);
                tu_buf_addf(b, " tool %zu status %s complete %d ended %d args ", t.index,
                            llmj_text_status_name(t.status), t.complete, t.ended);
                add_str(b, t.arguments, t.arguments_len);
                tu_buf_add(b, "\n", 1);
            }
            if (llmj_stream_tracker(s, ci, tool) == NULL)
                continue;
            const char *text;
            size_t len;
            llmj_salvage sv;
            assert_int_equal(llmj_stream_repair(s, ci, tool, LLMJ_SALVAGE_LOSSLESS, &sv, &text, &len), LLMJ_OK);
            tu_buf_addf(b, " salvage %s kept %llu repaired ", llmj_text_status_name(sv.status),
                        (unsigned long long)sv.bytes_kept);
            add_str(b, text, len);
            tu_buf_add(b, "\n", 1);
        }
    }
}

/* The reference: the bytes fed to a stream object directly, at once. */
static void reference(const char *data, size_t len, llmj_dialect d, tu_buf *out)
{
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    rec r;
    memset(&r, 0, sizeof r);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, &cfg, d, LLMJ_CONTENT_AUTO, &cbs, &r), LLMJ_OK);
    llmj_stream_feed(s, data, len);
    llmj_status st = llmj_stream_finish(s);
    tu_buf_add(out, r.b.data, r.b.len);
    final_digest(s, st, out);
    llmj_stream_free(s);
    tu_buf_free(&r.b);
    assert_int_equal(ta.live, 0);
}

/* ---- one request ------------------------------------------------------------------ */

/* For job_new: take the key from the environment (else job_new sends none). */
static const char USE_ENV[] = "(env)";

typedef struct job {
    rec r;
    llmj_http *h;
    tu_buf digest;
} job;

static void url_of(char *buf, size_t cap, const char *path)
{
    snprintf(buf, cap, "http://127.0.0.1:%d%s", srv.port, path);
}

/* Make a request for path (with the test server's controls). o may be
 * NULL (defaults + the URL); body may be NULL (a small chat request). */
static void job_new(job *j, llmj_config *cfg, const char *path, const llmj_http_options *o)
{
    memset(j, 0, sizeof *j);
    llmj_http_options opt;
    char url[8192];
    url_of(url, sizeof url, path);
    if (o)
        opt = *o;
    else
        llmj_http_options_init(&opt);
    opt.url = url;
    if (!opt.body) {
        static const char body[] = "{\"model\":\"loopback\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                                   "\"content\":\"Plan a trip as JSON.\"}]}";
        opt.body = body;
        opt.body_len = sizeof body - 1;
    }
    if (!opt.on_bytes)
        opt.on_bytes = on_bytes;
    if (!opt.on_done)
        opt.on_done = on_done;
    if (!opt.api_key)
        opt.api_key = "";
    else if (opt.api_key == USE_ENV)
        opt.api_key = NULL;
    assert_int_equal(llmj_http_new(&j->h, cfg, &opt, &cbs, &j->r), LLMJ_OK);
}

static void job_digest(job *j)
{
    const llmj_http_result *res = llmj_http_get_result(j->h);
    llmj_status st = llmj_stream_status(llmj_http_stream(j->h));
    tu_buf_add(&j->digest, j->r.b.data, j->r.b.len);
    final_digest(llmj_http_stream(j->h), st, &j->digest);
    (void)res;
}

static void job_free(job *j)
{
    llmj_http_free(j->h);
    tu_buf_free(&j->r.b);
    tu_buf_free(&j->r.raw);
    tu_buf_free(&j->digest);
}

/* Run every job at once on one multi. */
static void run_all(job *jobs, size_t n, llmj_config *cfg)
{
    llmj_http_multi *m;
    assert_int_equal(llmj_http_multi_new(&m, cfg), LLMJ_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(llmj_http_multi_add(m, jobs[i].h), LLMJ_OK);
    size_t running = n;
    double t0 = now_s();
    while (running > 0) {
        assert_int_equal(llmj_http_multi_run(m, 100, &running), LLMJ_OK);
        assert_true(now_s() - t0 < 60);
    }
    llmj_http_multi_free(m);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(jobs[i].r.done_calls, 1);
        assert_true(llmj_http_get_result(jobs[i].h)->done);
    }
}

static llmj_config test_config(tu_alloc *ta)
{
    memset(ta, 0, sizeof *ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(ta);
    return cfg;
}

/* ---- the corpus ---------------------------------------------------------------------- */

typedef struct stream_file {
    char name[512]; /* relative to its directory, as the server takes it */
    char *data;
    size_t len;
} stream_file;

static int is_stream_name(const char *n)
{
    size_t l = strlen(n);
    return (l > 4 && strcmp(n + l - 4, ".sse") == 0) || (l > 7 && strcmp(n + l - 7, ".ndjson") == 0);
}

static void list_dir(const char *dir, const char *sub, stream_file **files, size_t *n, int depth)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", dir, *sub ? "/" : "", sub);
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char rel[512], full[4600];
        snprintf(rel, sizeof rel, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
        snprintf(full, sizeof full, "%s/%s", dir, rel);
        struct stat st;
        if (stat(full, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < 2) {
            list_dir(dir, rel, files, n, depth + 1);
        } else if (S_ISREG(st.st_mode) && is_stream_name(e->d_name)) {
            /* the server looks in corpus/streams first: skip a fixture it shadows */
            for (size_t i = 0; i < *n; i++)
                if (strcmp((*files)[i].name, rel) == 0)
                    goto next;
            *files = realloc(*files, (*n + 1) * sizeof **files);
            assert_non_null(*files);
            stream_file *f = &(*files)[*n];
            snprintf(f->name, sizeof f->name, "%s", rel);
            FILE *fp = fopen(full, "rb");
            assert_non_null(fp);
            f->data = malloc((size_t)st.st_size + 1);
            assert_non_null(f->data);
            f->len = fread(f->data, 1, (size_t)st.st_size, fp);
            fclose(fp);
            (*n)++;
        }
    next:;
    }
    closedir(d);
}

static stream_file *corpus(size_t *n)
{
    stream_file *files = NULL;
    char d1[4096], d2[4096];
    *n = 0;
    list_dir(tu_path(d1, sizeof d1, "corpus/streams"), "", &files, n, 0);
    list_dir(tu_path(d2, sizeof d2, "tests/server/fixtures"), "", &files, n, 0);
    return files;
}

static void corpus_free(stream_file *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i].data);
    free(f);
}

/* Print the first line where two digests differ. */
static void dump_diff(const char *want, const char *got)
{
    size_t line = 1;
    while (*want && *want == *got) {
        if (*want == '\n')
            line++;
        want++;
        got++;
    }
    printf("first difference on line %zu:\n  want: %.300s\n  got:  %.300s\n", line, want, got);
}

/* Every recorded stream, three ways at once on one multi: at full speed, at
 * a slow pace (61-byte writes 1 ms apart), and one byte per write gzipped;
 * each must give exactly what feeding the file directly gives, and the raw
 * bytes must be the file's. */
static void test_corpus_end_to_end(void **state)
{
    (void)state;
    size_t n;
    stream_file *files = corpus(&n);
    assert_true(n >= 1);
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    static const char *const modes[] = {"", "pace=61&delay=1", "pace=1&enc=gzip"};
    const size_t nm = sizeof modes / sizeof modes[0];
    job *jobs = calloc(n * nm, sizeof *jobs);
    assert_non_null(jobs);
    size_t ncancelled = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nm; k++) {
            char path[1024];
            snprintf(path, sizeof path, "/%s?%s", files[i].name, modes[k]);
            job_new(&jobs[i * nm + k], &cfg, path, NULL);
        }
    run_all(jobs, n * nm, &cfg);
    for (size_t i = 0; i < n; i++) {
        tu_buf ref = {0};
        reference(files[i].data, files[i].len, LLMJ_DIALECT_AUTO, &ref);
        for (size_t k = 0; k < nm; k++) {
            job *j = &jobs[i * nm + k];
            const llmj_http_result *res = llmj_http_get_result(j->h);
            llmj_status sst = llmj_stream_status(llmj_http_stream(j->h));
            /* a stream the stream object stops (a runaway) is cancelled there:
             * the bytes are a prefix; otherwise they are the whole file */
            int stopped = stops_stream(sst);
            if (res->http_status != 200 || j->r.raw.len > files[i].len ||
                (!stopped && j->r.raw.len != files[i].len) ||
                memcmp(j->r.raw.data, files[i].data, j->r.raw.len) != 0)
                fail_msg("%s (%s): HTTP %ld, %zu bytes of %zu, %s", files[i].name, modes[k], res->http_status,
                         j->r.raw.len, files[i].len, res->message);
            assert_int_equal(res->bytes_received, j->r.raw.len);
            if (stopped) {
                assert_int_equal(res->status, LLMJ_CANCELLED);
                assert_int_equal(res->cancel_reason, sst);
                ncancelled++;
            } else {
                assert_int_equal(res->status, sst);
            }
            job_digest(j);
            tu_buf_add(&j->digest, "", 1);
            tu_buf_add(&ref, "", 1);
            if (strcmp(j->digest.data, ref.data) != 0) {
                dump_diff(ref.data, j->digest.data);
                fail_msg("%s (%s): live result differs from the file's", files[i].name, modes[k]);
            }
            ref.len--;
            job_free(j);
        }
        tu_buf_free(&ref);
    }
    printf("[ corpus   ] %zu streams x %zu deliveries, identical to the files (%zu cancelled at a runaway)\n", n,
           nm, ncancelled);
    free(jobs);
    corpus_free(files, n);
    assert_int_equal(ta.live, 0);
}

/* A text/plain content type still decodes as a stream (SSE sniffed by the
 * stream object); Content-Length and close-delimited bodies too. */
static void test_framings_and_content_types(void **state)
{
    (void)state;
    size_t len;
    char *file = tu_read_file("tests/server/fixtures/openai-json-length.sse", &len);
    assert_non_null(file);
    tu_buf ref = {0};
    reference(file, len, LLMJ_DIALECT_AUTO, &ref);
    tu_buf_add(&ref, "", 1);
    static const char *const q[] = {"ctype=text/plain", "ctype=application/json", "framing=length", "framing=close",
                                    "framing=length&enc=gzip&pace=1000", "ctype=text/event-stream;%20charset=utf-8"};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        job j;
        char path[256];
        snprintf(path, sizeof path, "/openai-json-length.sse?%s", q[i]);
        job_new(&j, &cfg, path, NULL);
        /* the stream itself ended as it should ([DONE] after a finish
         * reason); its JSON text is the truncated one */
        llmj_status st = llmj_http_perform(j.h);
        assert_int_equal(st, LLMJ_OK);
        assert_int_equal(llmj_http_get_result(j.h)->whole, 0);
        job_digest(&j);
        tu_buf_add(&j.digest, "", 1);
        if (strcmp(j.digest.data, ref.data) != 0)
            fail_msg("%s: differs\n%s\n---\n%s", q[i], ref.data, j.digest.data);
        job_free(&j);
        assert_int_equal(ta.live, 0);
    }
    tu_buf_free(&ref);
    free(file);
}

/* ---- runaways: the transfer stops within one write ------------------------------ */

/* The offset at which a stream object fed byte by byte stops with want. */
static size_t runaway_offset(const char *data, size_t len, const llmj_config *cfg0, llmj_status want)
{
    llmj_config cfg = *cfg0;
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, &cfg, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL), LLMJ_OK);
    size_t i;
    for (i = 0; i < len; i++)
        if (llmj_stream_feed(s, data + i, 1) != LLMJ_OK)
            break;
    assert_int_equal(llmj_stream_status(s), want);
    llmj_stream_free(s);
    return i + 1;
}

static void check_runaway(const char *gen, llmj_config *cfg, llmj_status want, size_t pace)
{
    /* the generated stream, capped, fetched raw */
    char path[256];
    tu_buf raw = {0};
    snprintf(path, sizeof path, "/x?gen=%s&max=200000&id=raw-%s", gen, gen);
    CURLcode rc;
    assert_int_equal(raw_get_rc(path, &raw, &rc), 200);
    assert_int_equal(rc, CURLE_PARTIAL_FILE); /* the cap cuts it */
    assert_int_equal(raw.len, 200000);
    size_t limit_at = runaway_offset(raw.data, raw.len, cfg, want);
    tu_buf_free(&raw);

    job j;
    char id[64];
    snprintf(id, sizeof id, "runaway-%s-%zu", gen, pace);
    snprintf(path, sizeof path, "/x?gen=%s&pace=%zu&udelay=2000&id=%s", gen, pace, id);
    job_new(&j, cfg, path, NULL);
    llmj_status st = llmj_http_perform(j.h);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    assert_int_equal(st, LLMJ_CANCELLED);
    assert_int_equal(res->cancel_reason, want);
    assert_int_equal(llmj_stream_status(llmj_http_stream(j.h)), want);
    assert_non_null(strstr(res->message, "runaway"));
    /* the client read no more than one write past the byte that decided it */
    assert_true(res->bytes_received >= limit_at);
    assert_true(res->bytes_received < limit_at + pace);
    /* and the server saw it leave: it wrote at most one more write than
     * the client read (the one in flight when the client closed) */
    tu_buf r = {0};
    server_record(id, &r);
    assert_non_null(strstr(r.data, "\"outcome\":\"client_closed\""));
    assert_non_null(strstr(r.data, "\"client_closed_early\":true"));
    unsigned long long sent = json_num(r.data, "body_bytes");
    if (sent > res->bytes_received + pace)
        fail_msg("server wrote %llu bytes, client read %llu (pace %zu)", sent,
                 (unsigned long long)res->bytes_received, pace);
    printf("[ runaway  ] %s: decided at byte %zu, client read %llu, server wrote %llu (writes of %zu)\n", gen,
           limit_at, (unsigned long long)res->bytes_received, sent, pace);
    tu_buf_free(&r);
    job_free(&j);
}

static void test_runaway_cancels(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    check_runaway("ws", &cfg, LLMJ_RUNAWAY_WHITESPACE, 100);
    cfg.repeat_limit = 256;
    check_runaway("repeat", &cfg, LLMJ_RUNAWAY_REPEAT, 150);
    assert_int_equal(ta.live, 0);
}

/* A callback that returns non-zero, and llmj_http_cancel() from another
 * transfer's callback: both cancel at once, the server sees the client go.
 * Timing plays no part: the server sends 12000 bytes (the 5th JSON event of
 * the content is well inside them) and then nothing until the client leaves,
 * so it can only have sent those 12000 and the client closes while it waits. */
static void test_callback_cancels(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    job j[2];
    job_new(&j[0], &cfg, "/openai-json-length.sse?pace=200&stall_at=12000&stall=0&id=cb-stop", NULL);
    j[0].r.stop_after_json = 5;
    job_new(&j[1], &cfg, "/openai-json-length.sse?pace=200&stall_at=12000&stall=0&id=cb-other", NULL);
    j[0].r.cancel_other = j[1].h;
    run_all(j, 2, &cfg);
    const llmj_http_result *r0 = llmj_http_get_result(j[0].h), *r1 = llmj_http_get_result(j[1].h);
    assert_int_equal(r0->status, LLMJ_CANCELLED);
    assert_int_equal(r0->cancel_reason, LLMJ_ABORTED);
    assert_int_equal(llmj_stream_status(llmj_http_stream(j[0].h)), LLMJ_ABORTED);
    assert_int_equal(j[0].r.njson, 5);
    assert_int_equal(r1->status, LLMJ_CANCELLED);
    assert_int_equal(r1->cancel_reason, LLMJ_CANCELLED);
    assert_true(r0->bytes_received <= 12000 && r1->bytes_received <= 12000);
    for (int i = 0; i < 2; i++) {
        tu_buf r = {0};
        server_record(i == 0 ? "cb-stop" : "cb-other", &r);
        assert_non_null(strstr(r.data, "\"outcome\":\"client_closed\""));
        assert_true(json_num(r.data, "body_bytes") <= 12000);
        assert_true(llmj_http_get_result(j[i].h)->bytes_received <= json_num(r.data, "body_bytes"));
        tu_buf_free(&r);
        job_free(&j[i]);
    }
    assert_int_equal(ta.live, 0);
}

/* ---- HTTP errors ------------------------------------------------------------------------ */

static void test_http_errors(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        long status;
        const char *message, *type, *code;
        long retry_after;
    } cases[] = {
        {"status=400", 400, "Invalid value for 'temperature': expected a number.", "invalid_request_error",
         "invalid_value", -1},
        {"status=401", 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key", -1},
        {"status=403&err=anthropic", 403, "You are not allowed to use this model.", "permission_error", "", -1},
        {"status=404", 404, "The model `gpt-nonexistent` does not exist or you do not have access to it.",
         "invalid_request_error", "model_not_found", -1},
        {"status=429&retry_after=7", 429, "Rate limit reached for requests. Please try again in 7s.", "requests",
         "rate_limit_exceeded", 7},
        {"status=429&err=gemini&retry_after=34", 429, "Rate limit reached for requests. Please try again in 7s.",
         "RESOURCE_EXHAUSTED", "429", 34},
        {"status=500", 500, "The server had an error while processing your request.", "server_error", "", -1},
        {"status=503&retry_after=Wed,%2021%20Oct%202015%2007:28:00%20GMT", 503,
         "The engine is currently overloaded, please try again later.", "server_error", "overloaded", 0},
        {"status=529&err=anthropic", 529, "Overloaded", "overloaded_error", "", -1},
        {"status=500&err=ollama", 500, "The server had an error while processing your request.", "", "", -1},
        {"status=502&file=bad-gateway.html&ctype=text/html", 502, "HTTP 502 Bad Gateway", "", "", -1},
        {"status=503&file=overloaded.txt&ctype=text/plain", 503,
         "HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers", "", "", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        job j;
        char path[256];
        snprintf(path, sizeof path, "/v1/chat/completions?%s", cases[i].query);
        job_new(&j, &cfg, path, NULL);
        llmj_status st = llmj_http_perform(j.h);
        const llmj_http_result *res = llmj_http_get_result(j.h);
        if (st != LLMJ_HTTP_ERROR || res->http_status != cases[i].status || strcmp(res->message, cases[i].message) ||
            strcmp(res->error_type, cases[i].type) || strcmp(res->error_code, cases[i].code))
            fail_msg("%s: %s, HTTP %ld, message '%s' type '%s' code '%s'", cases[i].query, llmj_strerror(st),
                     res->http_status, res->message, res->error_type, res->error_code);
        assert_int_equal(res->retry_after, cases[i].retry_after);
        assert_int_equal(res->bytes_received, 0); /* the error body is not stream data */
        assert_int_equal(j.r.raw.len, 0);
        assert_int_equal(j.r.b.len, 0);
        job_free(&j);
        assert_int_equal(ta.live, 0);
    }
}

/* An error body over the cap: the transfer stops there, still the HTTP
 * error, its start read. */
static void test_http_error_cap(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.max_error_body = 40;
    job j;
    job_new(&j, &cfg, "/x?status=500&file=openai-json-length.sse&pace=1000&delay=20&id=errcap", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    assert_int_equal(res->http_status, 500);
    assert_string_equal(res->message, "HTTP 500 Internal Server Error");
    tu_buf r = {0};
    server_record("errcap", &r);
    assert_non_null(strstr(r.data, "\"outcome\":\"client_closed\""));
    assert_true(json_num(r.data, "body_bytes") < 31494);
    tu_buf_free(&r);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* A key the server echoes back is never shown. */
static void test_key_never_shown(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.api_key = "sk-loopback-secret-0123456789";
    job j;
    job_new(&j, &cfg, "/v1/chat/completions?status=401&file=error-echo-key.json&id=echo", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    assert_null(strstr(res->message, "secret-0123456789"));
    assert_non_null(strstr(res->message, "Incorrect API key provided: [redacted]."));
    /* but it was sent, in its header */
    tu_buf r = {0};
    server_record("echo", &r);
    assert_non_null(strstr(r.data, "Authorization: Bearer sk-loopback-secret-0123456789\\r\\n"));
    tu_buf_free(&r);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* ---- the request: headers, keys, body ----------------------------------------------- */

static void test_request_headers(void **state)
{
    (void)state;
    static const struct {
        llmj_dialect d;
        const char *env, *key;
        const char *want1, *want2;
    } cases[] = {
        {LLMJ_DIALECT_OPENAI_CHAT, "OPENAI_API_KEY", "k-openai-1", "Authorization: Bearer k-openai-1\\r\\n", NULL},
        {LLMJ_DIALECT_OPENAI_RESPONSES, "OPENAI_API_KEY", "k-openai-2", "Authorization: Bearer k-openai-2\\r\\n", NULL},
        {LLMJ_DIALECT_ANTHROPIC, "ANTHROPIC_API_KEY", "k-anthropic", "x-api-key: k-anthropic\\r\\n",
         "anthropic-version: 2023-06-01\\r\\n"},
        {LLMJ_DIALECT_GEMINI, "GEMINI_API_KEY", "k-gemini", "x-goog-api-key: k-gemini\\r\\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int from_env = 0; from_env < 2; from_env++) {
            tu_alloc ta;
            llmj_config cfg = test_config(&ta);
            llmj_http_options o;
            llmj_http_options_init(&o);
            o.dialect = cases[i].d;
            if (from_env) {
                setenv(cases[i].env, cases[i].key, 1);
                o.api_key = USE_ENV;
            } else {
                unsetenv(cases[i].env);
                o.api_key = cases[i].key;
            }
            static const char body[] = "{\"model\":\"m\",\"stream\":true,\"messages\":[]}";
            o.body = body;
            o.body_len = sizeof body - 1;
            char id[64], path[128];
            snprintf(id, sizeof id, "hdr-%zu-%d", i, from_env);
            snprintf(path, sizeof path, "/x?status=418&id=%s", id);
            job j;
            job_new(&j, &cfg, path, &o);
            assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
            tu_buf r = {0};
            server_record(id, &r);
            if (!strstr(r.data, cases[i].want1) || (cases[i].want2 && !strstr(r.data, cases[i].want2)))
                fail_msg("dialect %s: request head lacks the key header:\n%s", llmj_dialect_name(cases[i].d), r.data);
            assert_non_null(strstr(r.data, "Accept: text/event-stream\\r\\n"));
            assert_non_null(strstr(r.data, "Content-Type: application/json\\r\\n"));
            assert_non_null(strstr(r.data, "POST /x?"));
            assert_non_null(strstr(r.data, "\"body\":\"{\\\"model\\\":\\\"m\\\",\\\"stream\\\":true,\\\"messages\\\":[]}\""));
            assert_null(strstr(llmj_http_get_result(j.h)->message, cases[i].key));
            tu_buf_free(&r);
            job_free(&j);
            unsetenv(cases[i].env);
            assert_int_equal(ta.live, 0);
        }
    }
    /* "": no key at all; a user header replaces a default */
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    setenv("OPENAI_API_KEY", "k-should-not-be-sent", 1);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.api_key = "";
    const char *hdrs[] = {"Accept: application/x-ndjson", "X-Custom: 1", NULL};
    o.headers = hdrs;
    job j;
    job_new(&j, &cfg, "/x?status=418&id=hdr-none", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
    tu_buf r = {0};
    server_record("hdr-none", &r);
    assert_null(strstr(r.data, "Authorization"));
    assert_null(strstr(r.data, "k-should-not-be-sent"));
    assert_null(strstr(r.data, "text/event-stream"));
    assert_non_null(strstr(r.data, "Accept: application/x-ndjson\\r\\nX-Custom: 1\\r\\n"));
    tu_buf_free(&r);
    job_free(&j);
    unsetenv("OPENAI_API_KEY");
    assert_int_equal(ta.live, 0);
}

/* Options refused before anything is sent. */
static void test_bad_options(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http *h = (llmj_http *)&ta;
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.url = "file:///etc/passwd";
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_BAD_OPTION);
    assert_null(h);
    o.url = "http://127.0.0.1:1/x";
    o.stall_ms = -1;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_BAD_OPTION);
    o.stall_ms = 0;
    const char *bad[] = {"NoColon", NULL};
    o.headers = bad;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_BAD_OPTION);
    const char *crlf[] = {"X-A: 1\r\nX-B: 2", NULL};
    o.headers = crlf;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_BAD_OPTION);
    o.headers = NULL;
    o.url = NULL;
    o.dialect = LLMJ_DIALECT_GEMINI; /* the default URL needs a model */
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_BAD_OPTION);
    o.body_len = 5;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_http_new(NULL, &cfg, &o, NULL, NULL), LLMJ_MISUSE);
    assert_int_equal(llmj_http_perform(NULL), LLMJ_MISUSE);
    llmj_http_free(NULL);
    llmj_http_multi_free(NULL);
    assert_int_equal(ta.live, 0);
}

/* ---- a 200 that is not an event stream ---------------------------------------------------- */

static void test_whole_json_response(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        llmj_dialect d;
        const char *content;
        llmj_finish finish;
    } cases[] = {
        {"openai-nonstream.json", LLMJ_DIALECT_AUTO, "{\"city\": \"Lisbon\", \"days\": 3}", LLMJ_FINISH_STOP},
        {"openai-nonstream.json", LLMJ_DIALECT_OPENAI_CHAT, "{\"city\": \"Lisbon\", \"days\": 3}", LLMJ_FINISH_STOP},
        {"anthropic-nonstream.json", LLMJ_DIALECT_AUTO, "{\"city\": \"Porto\", \"days\": 2}", LLMJ_FINISH_STOP},
        {"gemini-nonstream.json", LLMJ_DIALECT_AUTO, "{\"city\": \"Braga\",\n \"days\": 1}", LLMJ_FINISH_STOP},
        {"gemini-array.json", LLMJ_DIALECT_GEMINI, "{\"city\": \"Faro\", \"days\": 4}", LLMJ_FINISH_LENGTH},
        {"responses-nonstream.json", LLMJ_DIALECT_AUTO, "{\"city\": \"Évora\", \"days\": 5}", LLMJ_FINISH_STOP},
        {"ollama-nonstream.json", LLMJ_DIALECT_OLLAMA, "{\"city\": \"Sintra\", \"days\": 6}", LLMJ_FINISH_LENGTH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        llmj_http_options o;
        llmj_http_options_init(&o);
        o.dialect = cases[i].d;
        job j;
        char path[256];
        snprintf(path, sizeof path, "/%s?pace=7", cases[i].file);
        job_new(&j, &cfg, path, &o);
        llmj_status st = llmj_http_perform(j.h);
        const llmj_http_result *res = llmj_http_get_result(j.h);
        llmj_stream *s = llmj_http_stream(j.h);
        llmj_choice_info c;
        if (res->whole != 1 || llmj_stream_choice_count(s) < 1)
            fail_msg("%s: %s, whole %d, %zu choices (%s)", cases[i].file, llmj_strerror(st), res->whole,
                     llmj_stream_choice_count(s), res->message);
        assert_int_equal(llmj_stream_choice(s, 0, &c), LLMJ_OK);
        if (strcmp(c.content, cases[i].content) != 0 || c.finish != cases[i].finish)
            fail_msg("%s: content '%s' finish %s", cases[i].file, c.content, llmj_finish_name(c.finish));
        assert_int_equal(c.json, 1);
        assert_int_equal(st, cases[i].finish == LLMJ_FINISH_STOP ? LLMJ_OK : st);
        assert_int_equal(c.status, cases[i].finish == LLMJ_FINISH_STOP ? LLMJ_TEXT_COMPLETE : c.status);
        assert_non_null(strstr(res->content_type, "application/json"));
        job_free(&j);
        assert_int_equal(ta.live, 0);
    }
    /* NDJSON under a JSON content type is not one value: decoded as a stream */
    {
        size_t len;
        char *file = tu_read_file("tests/server/fixtures/ollama-json-length.ndjson", &len);
        assert_non_null(file);
        tu_buf ref = {0};
        reference(file, len, LLMJ_DIALECT_AUTO, &ref);
        tu_buf_add(&ref, "", 1);
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        job j;
        job_new(&j, &cfg, "/ollama-json-length.ndjson?ctype=application/json&pace=100", NULL);
        llmj_http_perform(j.h);
        assert_int_equal(llmj_http_get_result(j.h)->whole, 0);
        job_digest(&j);
        tu_buf_add(&j.digest, "", 1);
        if (strcmp(j.digest.data, ref.data) != 0) {
            dump_diff(ref.data, j.digest.data);
            fail_msg("NDJSON as application/json decoded differently");
        }
        job_free(&j);
        tu_buf_free(&ref);
        free(file);
        assert_int_equal(ta.live, 0);
    }
    /* a whole response over the cap is cancelled, not read on */
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.max_whole_body = 100;
    job j;
    job_new(&j, &cfg, "/openai-nonstream.json?pace=50", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_CANCELLED);
    assert_int_equal(llmj_http_get_result(j.h)->cancel_reason, LLMJ_TOO_LONG);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* ---- disconnects ---------------------------------------------------------------------------- */

/* Cut at byte N: nothing that arrived is lost, and the result is what the
 * stream object gives for the file's first N bytes. */
static void check_cut(const char *file, size_t cut, const char *what)
{
    size_t len;
    char rel[256];
    snprintf(rel, sizeof rel, "tests/server/fixtures/%s", file);
    char *data = tu_read_file(rel, &len);
    assert_non_null(data);
    assert_true(cut < len);
    tu_buf ref = {0};
    reference(data, cut, LLMJ_DIALECT_AUTO, &ref);
    tu_buf_add(&ref, "", 1);
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    job j;
    char path[256];
    snprintf(path, sizeof path, "/%s?cut=%zu&pace=97", file, cut);
    job_new(&j, &cfg, path, NULL);
    llmj_status st = llmj_http_perform(j.h);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    assert_int_equal(st, LLMJ_TRANSFER);
    assert_int_equal(res->bytes_received, cut);
    assert_int_equal(j.r.raw.len, cut);
    assert_memory_equal(j.r.raw.data, data, cut);
    job_digest(&j);
    tu_buf_add(&j.digest, "", 1);
    if (strcmp(j.digest.data, ref.data) != 0)
        fail_msg("cut %s at %zu: differs\n%s\n---\n%s", what, cut, ref.data, j.digest.data);
    /* the content is salvaged as truncated */
    llmj_choice_info c;
    assert_int_equal(llmj_stream_choice(llmj_http_stream(j.h), 0, &c), LLMJ_OK);
    assert_int_equal(c.status, LLMJ_TEXT_TRUNCATED);
    assert_int_equal(c.complete, 0);
    printf("[ cut      ] %s at byte %zu: %s; content kept %zu bytes\n", what, cut, res->message, c.content_len);
    job_free(&j);
    tu_buf_free(&ref);
    free(data);
    assert_int_equal(ta.live, 0);
}

static void test_disconnects(void **state)
{
    (void)state;
    size_t len;
    char *data = tu_read_file("tests/server/fixtures/openai-json-length.sse", &len);
    assert_non_null(data);
    /* mid-event: inside the 40th event's data line */
    size_t at = 0;
    for (int k = 0; k < 40; k++)
        at = (size_t)(strstr(data + at, "\n\n") - data) + 2;
    check_cut("openai-json-length.sse", at + 100, "mid-event");
    /* mid-JSON: on an event boundary, the JSON text half written */
    check_cut("openai-json-length.sse", at, "mid-JSON");
    free(data);
}

/* ---- timeouts ------------------------------------------------------------------------------------- */

static void test_timeouts(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;

    /* stall: 2000 bytes, then nothing for 5 s; the limit is 300 ms */
    llmj_http_options_init(&o);
    o.stall_ms = 300;
    job j;
    job_new(&j, &cfg, "/openai-json-length.sse?stall_at=2000&stall=5000&id=stall", &o);
    double t0 = now_s();
    assert_int_equal(llmj_http_perform(j.h), LLMJ_TIMEOUT_STALL);
    double t = now_s() - t0;
    assert_true(t >= 0.29 && t < 2.0);
    assert_int_equal(llmj_http_get_result(j.h)->bytes_received, 2000);
    assert_non_null(strstr(llmj_http_get_result(j.h)->message, "stall"));
    tu_buf r = {0};
    server_record("stall", &r);
    assert_non_null(strstr(r.data, "\"outcome\":\"client_closed\""));
    tu_buf_free(&r);
    job_free(&j);

    /* a server that is slow but never stalls is not a stall */
    llmj_http_options_init(&o);
    o.stall_ms = 300;
    job_new(&j, &cfg, "/openai-json-length.sse?pace=4000&delay=100", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_OK);
    job_free(&j);

    /* total: 100-byte writes 20 ms apart would take 6 s; the limit is 300 ms */
    llmj_http_options_init(&o);
    o.total_ms = 300;
    job_new(&j, &cfg, "/openai-json-length.sse?pace=100&delay=20", &o);
    t0 = now_s();
    assert_int_equal(llmj_http_perform(j.h), LLMJ_TIMEOUT_TOTAL);
    t = now_s() - t0;
    assert_true(t >= 0.29 && t < 2.0);
    assert_true(llmj_http_get_result(j.h)->bytes_received > 0);
    job_free(&j);

    /* connect: a port whose accept queue is full */
    llmj_http_options_init(&o);
    o.connect_ms = 300;
    llmj_http_options_init(&o);
    o.connect_ms = 300;
    o.stall_ms = 100; /* not a stall: no connection yet */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", srv.blackhole);
    o.url = url;
    o.api_key = "";
    rec rr;
    memset(&rr, 0, sizeof rr);
    llmj_http *h;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, &cbs, &rr), LLMJ_OK);
    t0 = now_s();
    assert_int_equal(llmj_http_perform(h), LLMJ_TIMEOUT_CONNECT);
    t = now_s() - t0;
    assert_true(t >= 0.25 && t < 2.0);
    llmj_http_free(h);

    /* refused: nothing listens there */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    close(fd);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", ntohs(a.sin_port));
    llmj_http_options_init(&o);
    o.url = url;
    o.api_key = "";
    assert_int_equal(llmj_http_new(&h, &cfg, &o, &cbs, &rr), LLMJ_OK);
    assert_int_equal(llmj_http_perform(h), LLMJ_TRANSFER);
    assert_true(strlen(llmj_http_get_result(h)->message) > 0);
    llmj_http_free(h);
    tu_buf_free(&rr.b);
    assert_int_equal(ta.live, 0);
}

/* ---- the JSON-mode check ---------------------------------------------------------------------------- */

static void test_json_mode_check(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        llmj_status want;
        const char *msg;
    } cases[] = {
        {"{\"model\":\"m\",\"stream\":true,\"response_format\":{\"type\":\"json_object\"},"
         "\"messages\":[{\"role\":\"user\",\"content\":\"List three cities.\"}]}",
         LLMJ_JSON_MODE_PROMPT,
         "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."},
        {"{\"model\":\"m\",\"stream\":true,\"response_format\":{\"type\":\"json_object\"},"
         "\"messages\":[{\"role\":\"system\",\"content\":\"Answer in JSON.\"},{\"role\":\"user\",\"content\":\"List "
         "three cities.\"}]}",
         LLMJ_OK, NULL},
        {"{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},"
         "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"as \\u004a\\u0053ON\"}]}]}",
         LLMJ_OK, NULL},
        {"{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}},"
         "\"messages\":[{\"role\":\"user\",\"content\":\"List three cities.\"}]}",
         LLMJ_OK, NULL},
        {"{\"model\":\"m\",\"instructions\":\"Reply in JSON\",\"text\":{\"format\":{\"type\":\"json_object\"}},"
         "\"input\":\"List three cities.\"}",
         LLMJ_JSON_MODE_PROMPT,
         "Response input messages must contain the word 'json' in some form to use 'text.format' of type "
         "'json_object'."},
        {"{\"model\":\"m\",\"text\":{\"format\":{\"type\":\"json_object\"}},\"input\":[{\"role\":\"user\","
         "\"content\":\"a json list of cities\"}]}",
         LLMJ_OK, NULL},
    };
    tu_buf before = {0};
    raw_get("/_stats", &before);
    unsigned long long n0 = json_num(before.data, "requests");
    tu_buf_free(&before);
    size_t sent = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        llmj_http_options o;
        llmj_http_options_init(&o);
        o.body = cases[i].body;
        o.body_len = strlen(cases[i].body);
        job j;
        job_new(&j, &cfg, "/openai-nonstream.json", &o);
        llmj_status st = llmj_http_perform(j.h);
        const llmj_http_result *res = llmj_http_get_result(j.h);
        if (cases[i].want == LLMJ_JSON_MODE_PROMPT) {
            assert_int_equal(st, LLMJ_JSON_MODE_PROMPT);
            assert_string_equal(res->message, cases[i].msg);
            assert_string_equal(res->error_type, "invalid_request_error");
            assert_int_equal(j.r.done_calls, 0);
        } else {
            if (st != LLMJ_OK)
                fail_msg("case %zu: %s (%s)", i, llmj_strerror(st), res->message);
            sent++;
        }
        job_free(&j);
        assert_int_equal(ta.live, 0);
    }
    /* the refused ones never reached the server */
    tu_buf after = {0};
    raw_get("/_stats", &after);
    assert_int_equal(json_num(after.data, "requests"), n0 + sent);
    tu_buf_free(&after);
    /* the check can be turned off */
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.body = cases[0].body;
    o.body_len = strlen(cases[0].body);
    o.check_json_mode = 0;
    job j;
    job_new(&j, &cfg, "/openai-nonstream.json", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_OK);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* ---- many at once ------------------------------------------------------------------------------------------ */

static void test_200_concurrent(void **state)
{
    (void)state;
    size_t n;
    stream_file *files = corpus(&n);
    assert_true(n >= 1);
    tu_buf *refs = calloc(n, sizeof *refs);
    assert_non_null(refs);
    for (size_t i = 0; i < n; i++) {
        reference(files[i].data, files[i].len, LLMJ_DIALECT_AUTO, &refs[i]);
        tu_buf_add(&refs[i], "", 1);
    }
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    const size_t N = 200;
    job *jobs = calloc(N, sizeof *jobs);
    assert_non_null(jobs);
    for (size_t k = 0; k < N; k++) {
        char path[1024];
        snprintf(path, sizeof path, "/%s?pace=%zu&delay=%zu", files[k % n].name, 256 + k * 13 % 1000, k % 3);
        job_new(&jobs[k], &cfg, path, NULL);
    }
    double t0 = now_s();
    run_all(jobs, N, &cfg);
    double t = now_s() - t0;
    for (size_t k = 0; k < N; k++) {
        job_digest(&jobs[k]);
        tu_buf_add(&jobs[k].digest, "", 1);
        if (strcmp(jobs[k].digest.data, refs[k % n].data) != 0) {
            dump_diff(refs[k % n].data, jobs[k].digest.data);
            fail_msg("stream %zu (%s) decoded differently", k, files[k % n].name);
        }
        job_free(&jobs[k]);
    }
    printf("[ multi    ] %zu concurrent streams in %.2f s, all decoded as their files\n", N, t);
    free(jobs);
    for (size_t i = 0; i < n; i++)
        tu_buf_free(&refs[i]);
    free(refs);
    corpus_free(files, n);
    assert_int_equal(ta.live, 0);
}

/* ---- allocation failures ------------------------------------------------------------------------------------- */

/* Fail each allocation in turn: creation or the transfer reports
 * LLMJ_NOMEM (the transfer as a cancel with that reason, or the stream's
 * status), nothing leaks. */
static void test_allocation_failures(void **state)
{
    (void)state;
    size_t total = 0, nnomem = 0;
    for (size_t fail = 1;; fail++) {
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        ta.fail_at = fail;
        llmj_http_options o;
        llmj_http_options_init(&o);
        char url[256];
        url_of(url, sizeof url, "/openai-json-length.sse?pace=4000");
        o.url = url;
        o.api_key = "k-test";
        static const char body[] = "{\"messages\":[{\"content\":\"json\"}],\"response_format\":{\"type\":\"json_object\"}}";
        o.body = body;
        o.body_len = sizeof body - 1;
        llmj_http *h;
        llmj_status st = llmj_http_new(&h, &cfg, &o, NULL, NULL);
        if (st == LLMJ_OK) {
            st = llmj_http_perform(h);
            const llmj_http_result *res = llmj_http_get_result(h);
            /* either out of memory is reported, or (a failure the library
             * could absorb) the normal result */
            int nomem = st == LLMJ_NOMEM || (st == LLMJ_CANCELLED && res->cancel_reason == LLMJ_NOMEM) ||
                        llmj_stream_status(llmj_http_stream(h)) == LLMJ_NOMEM;
            llmj_choice_info c;
            int normal = st == LLMJ_OK && llmj_stream_choice_count(llmj_http_stream(h)) == 1 &&
                         llmj_stream_choice(llmj_http_stream(h), 0, &c) == LLMJ_OK && c.content_len == 628 /* the fixture's content bytes */ &&
                         c.finish == LLMJ_FINISH_LENGTH;
            if (!(ta.failed ? nomem || normal : normal))
                fail_msg("allocation %zu failed: %s (%s)", fail, llmj_strerror(st), res->message);
            if (ta.failed && nomem)
                nnomem++;
            llmj_http_free(h);
        } else {
            assert_int_equal(st, LLMJ_NOMEM);
            assert_null(h);
        }
        assert_int_equal(ta.live, 0);
        if (!ta.failed) {
            total = fail - 1;
            break;
        }
    }
    assert_true(total > 5 && nnomem > total / 2);
    printf("[ nomem    ] each of %zu allocations failed in turn: %zu reported NOMEM, the rest were absorbed; "
           "no leak\n",
           total, nnomem);
}


/* ---- the tool: llmjson stream ------------------------------------------------------------------ */

static const char *tool_path(void)
{
    return tu_tool();
}

/* Run a shell command; its stdout into *out, the exit status returned. */
static int sh(tu_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(tu_buf *out, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        tu_buf_add(out, buf, n);
    tu_buf_add(out, "", 1);
    out->len--;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* What `llmjson stream` prints is what `llmjson replay` prints for the same
 * bytes: every corpus stream, text, --events and --report, same exit status;
 * in watch mode the summary line too (but for its name). */
static void test_tool_matches_replay(void **state)
{
    (void)state;
    size_t n;
    stream_file *files = corpus(&n);
    assert_true(n >= 1);
    char d1[4096], d2[4096], errs[4096], errr[4096];
    tu_path(d1, sizeof d1, "corpus/streams");
    tu_path(d2, sizeof d2, "tests/server/fixtures");
    tu_scratch(errs, sizeof errs, "test_http.stream.err");
    tu_scratch(errr, sizeof errr, "test_http.replay.err");
    static const char *const modes[] = {"", "--events", "--report", "--report --greedy --json"};
    size_t runs = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", d1, files[i].name);
        if (access(path, R_OK) != 0)
            snprintf(path, sizeof path, "%s/%s", d2, files[i].name);
        for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
            tu_buf a = {0}, b = {0};
            int ra = sh(&a, "'%s' replay %s '%s' 2>'%s'", tool_path(), modes[k], path, errr);
            int rb = sh(&b, "'%s' stream %s --url 'http://127.0.0.1:%d/%s?pace=500' --model m --prompt 'as json' 2>'%s'",
                        tool_path(), modes[k], srv.port, files[i].name, errs);
            if (ra != rb || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
                dump_diff(a.data, b.data);
                fail_msg("%s %s: replay exit %d, stream exit %d", files[i].name, modes[k], ra, rb);
            }
            if (!*modes[k]) {
                /* "llmjson: NAME: dialect ..." — the same after the name */
                size_t el, fl;
                char *e1 = tu_read_file(errr, &el), *e2 = tu_read_file(errs, &fl);
                assert_non_null(e1);
                assert_non_null(e2);
                char *t1 = strstr(e1, ": dialect "), *t2 = strstr(e2, ": dialect ");
                assert_non_null(t1);
                assert_non_null(t2);
                char *nl = strchr(t2, '\n');
                assert_non_null(nl);
                if (strncmp(t1, t2, (size_t)(nl - t2) + 1) != 0)
                    fail_msg("%s: summary differs:\n%s---\n%s", files[i].name, e1, e2);
                free(e1);
                free(e2);
            }
            runs++;
            tu_buf_free(&a);
            tu_buf_free(&b);
        }
    }
    printf("[ tool     ] llmjson stream printed what llmjson replay prints, %zu runs\n", runs);
    corpus_free(files, n);
}

/* The network's exit statuses and messages. */
static void test_tool_network_failures(void **state)
{
    (void)state;
    tu_buf out = {0};
    char errf[4096];
    tu_scratch(errf, sizeof errf, "test_http.tool.err");
    size_t el;
    char *err;
#define RUN(fmt, ...) (tu_buf_free(&out), sh(&out, "'%s' stream " fmt " 2>'%s'", tool_path(), __VA_ARGS__, errf))
#define ERR() (free(err), err = tu_read_file(errf, &el), assert_non_null(err), err)
    err = NULL;

    /* HTTP error: 6, the provider's words on stderr, nothing on stdout */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x?status=429&retry_after=7' --model m --prompt p --report",
                         srv.port),
                     6);
    assert_int_equal(out.len, 0);
    assert_string_equal(ERR(), "llmjson: stream: HTTP 429: Rate limit reached for requests. Please try again in "
                               "7s. (type requests, code rate_limit_exceeded); retry after 7 s\n");

    /* cut mid-stream: 7, the report of what arrived, salvaged as truncated */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/openai-json-length.sse?cut=10353' --model m --prompt p "
                         "--report",
                         srv.port),
                     7);
    assert_non_null(strstr(out.data, "\"salvage\":{\"status\":\"truncated\""));
    assert_non_null(strstr(ERR(), "llmjson: stream: Transferred a partial file"));

    /* stall: 7 */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/openai-json-length.sse?stall_at=3000&stall=5000' --stall 0.3 "
                         "--model m --prompt p --report",
                         srv.port),
                     7);
    assert_non_null(strstr(ERR(), "stall timeout"));

    /* connect timeout, refused: 7, nothing on stdout */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x' --connect-timeout 0.3 --model m --prompt p", srv.blackhole),
                     7);
    assert_int_equal(out.len, 0);
    assert_non_null(strstr(ERR(), "connect timeout"));

    /* runaway: replay's 4, and the transfer cancelled */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x?gen=ws&pace=200&delay=1&id=tool-ws' --model m --prompt "
                         "'as JSON' --json --report",
                         srv.port),
                     4);
    assert_non_null(strstr(out.data, "\"status\":\"runaway_whitespace\""));
    assert_non_null(strstr(ERR(), "transfer cancelled after"));
    tu_buf r = {0};
    server_record("tool-ws", &r);
    assert_non_null(strstr(r.data, "\"outcome\":\"client_closed\""));
    tu_buf_free(&r);

    /* JSON mode without "json" in the prompt: refused, 1, never sent */
    tu_buf before = {0};
    raw_get("/_stats", &before);
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/openai-nonstream.json' --model m --prompt 'list cities' --json",
                         srv.port),
                     1);
    assert_string_equal(ERR(), "llmjson: stream: refused before sending: 'messages' must contain the word 'json' in "
                               "some form, to use 'response_format' of type 'json_object'.\n");
    tu_buf after = {0};
    raw_get("/_stats", &after);
    assert_int_equal(json_num(after.data, "requests"), json_num(before.data, "requests"));
    tu_buf_free(&before);
    tu_buf_free(&after);

    /* the body sent: built for the dialect, or a file; headers added */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x?status=418&id=tool-body' --dialect ollama --model 'llama3.2' "
                         "--prompt 'say \"hi\" in json' --json --header 'X-Trace: 7'",
                         srv.port),
                     6);
    server_record("tool-body", &r);
    assert_non_null(strstr(r.data, "\"body\":\"{\\\"model\\\":\\\"llama3.2\\\",\\\"stream\\\":true,\\\"messages\\\":"
                                   "[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"say \\\\\\\"hi\\\\\\\" in "
                                   "json\\\"}],\\\"format\\\":\\\"json\\\"}\""));
    assert_non_null(strstr(r.data, "X-Trace: 7\\r\\n"));
    tu_buf_free(&r);

    /* a whole JSON answer: decoded, with a note */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/openai-nonstream.json' --model m --prompt 'json' --report",
                         srv.port),
                     0);
    assert_non_null(strstr(out.data, "\"content\":\"{\\\"city\\\": \\\"Lisbon\\\", \\\"days\\\": 3}\""));
    assert_non_null(strstr(ERR(), "not an event stream; decoded whole"));

    /* Ctrl-C: 8, what arrived is reported */
    assert_int_equal(sh(&out, "timeout --preserve-status -s INT 0.5 '%s' stream --url 'http://127.0.0.1:%d/openai-json-length.sse?"
                              "pace=100&delay=20' --model m --prompt p --report 2>'%s'",
                        tool_path(), srv.port, errf),
                     8);
    assert_non_null(strstr(out.data, "\"dialect\":\"openai\""));
    assert_non_null(strstr(ERR(), "cancelled by the caller"));

    /* usage errors */
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x'", srv.port), 1);
    assert_int_equal(RUN("--url 'ftp://127.0.0.1:%d/x' --model m --prompt p", srv.port), 1);
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x' --model m --prompt p --timeout 0", srv.port), 1);
    assert_int_equal(RUN("--url 'http://127.0.0.1:%d/x' --model m --prompt p --header NoColon", srv.port), 1);
    assert_int_equal(RUN("--body /nonexistent --url 'http://127.0.0.1:%d/x'", srv.port), 1);
    free(err);
    tu_buf_free(&out);
#undef RUN
#undef ERR
}


/* ---- hostile error bodies: the key never shown (issue 8) ----------------------------- */

/* Does s show key: whole, or 4 or more of its first bytes at its end? */
static int shows_key(const char *s, const char *key)
{
    if (strstr(s, key))
        return 1;
    size_t n = strlen(s), k = strlen(key);
    for (size_t l = 4; l < k && l <= n; l++)
        if (memcmp(s + n - l, key, l) == 0)
            return 1;
    return 0;
}

/* Run one error request; check no field shows the key. The key is sent as
 * api_key, or (base given) as base says. want: a text the message must
 * hold, or NULL. */
static void error_with_key(const char *key, const char *query, const llmj_http_options *base, const char *want)
{
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    if (base) {
        o = *base;
    } else {
        llmj_http_options_init(&o);
        o.api_key = key;
    }
    job j;
    char path[6000];
    snprintf(path, sizeof path, "/v1/chat/completions?%s", query);
    job_new(&j, &cfg, path, &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    if (shows_key(res->message, key) || shows_key(res->error_type, key) || shows_key(res->error_code, key))
        fail_msg("key '%s' shown for %.80s...: message '%s' type '%s' code '%s'", key, query, res->message,
                 res->error_type, res->error_code);
    assert_true(strlen(res->message) < 1024 && strlen(res->error_type) < 128 && strlen(res->error_code) < 128);
    if (want && !strstr(res->message, want))
        fail_msg("'%s' not in '%s'", want, res->message);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* Short keys (4-9 bytes, and keys inside "[redacted]") at every position
 * near the end of the 1024-byte message and the 128-byte type and code. */
static void test_redact_field_edges(void **state)
{
    (void)state;
    static const char *const keys[] = {"EMPTY", "ollama", "dummy", "lm-studio", "acted", "reda", "d]d]",
                                       "sk-test-SECRET"};
    char pad[1100], q[5000];
    memset(pad, 'a', sizeof pad);
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *key = keys[k];
        for (size_t at = 1000; at <= 1030; at += 3) {
            snprintf(q, sizeof q, "status=401&emsg=%.*s%s%s%s", (int)at, pad, key, key, key);
            error_with_key(key, q, NULL, NULL);
        }
        for (size_t at = 100; at <= 130; at += 2) {
            snprintf(q, sizeof q, "status=401&etype=%.*s%s%s&ecode=%.*s%s", (int)at, pad, key, key, (int)at, pad,
                     key);
            error_with_key(key, q, NULL, NULL);
        }
        /* an echo: the key again and again, nothing else */
        snprintf(q, sizeof q, "status=401&emsg=%s%s%s%s%s&etype=%s&ecode=%s%s", key, key, key, key, key, key, key,
                 key);
        error_with_key(key, q, NULL, NULL);
    }
    /* the 300-byte window of a plain-text body, the key cut at its edge */
    for (size_t at = 280; at <= 300; at++) {
        snprintf(q, sizeof q, "status=401&ctype=text/plain&err=raw&emsg=%.*ssk-test-SECRET-0123", (int)at, pad);
        error_with_key("sk-test-SECRET-0123", q, NULL, NULL);
    }
    /* what is not the key stays */
    error_with_key("ollama", "status=401&emsg=no%20such%20key:%20ollama%20(try%20again)", NULL,
                   "no such key: [redacted] (try again)");
}

/* Keys shorter than 4 bytes cannot be told from text: refused. */
static void test_short_key_refused(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.url = "http://127.0.0.1:1/";
    llmj_http *h = (llmj_http *)1;
    for (const char *const *k = (const char *const[]){"x", "ab", "abc", NULL}; *k; k++) {
        o.api_key = *k;
        assert_int_equal(llmj_http_new(&h, &cfg, &o, &cbs, NULL), LLMJ_BAD_OPTION);
        assert_null(h);
    }
    static const char *const hdr[] = {"x-api-key: abc", NULL};
    o.api_key = "";
    o.headers = hdr;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, &cbs, NULL), LLMJ_BAD_OPTION);
    o.api_key = "abcd";
    o.headers = NULL;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, &cbs, NULL), LLMJ_OK);
    llmj_http_free(h);
    assert_int_equal(ta.live, 0);
}

/* The values of key headers (and of headers marked secret) are keys too. */
static void test_secret_headers_redacted(void **state)
{
    (void)state;
    static const char *const names[] = {"api-key", "x-api-key", "x-goog-api-key", "Authorization", "X-Custom"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[128], q[512];
        snprintf(line, sizeof line, "%s: %ssecret-%zu-value", names[i],
                 strcmp(names[i], "Authorization") == 0 ? "Bearer " : "", i);
        const char *hdrs[] = {line, NULL};
        static const char *const marked[] = {"x-custom", NULL};
        llmj_http_options o;
        snprintf(q, sizeof q, "status=401&emsg=key%%20secret-%zu-value%%20is%%20wrong&ecode=secret-%zu-value", i, i);
        char key[64];
        snprintf(key, sizeof key, "secret-%zu-value", i);
        llmj_http_options_init(&o);
        o.headers = hdrs;
        o.secret_headers = marked;
        error_with_key(key, q, &o, "key [redacted] is wrong");
    }
}

/* An error inside a 200 event stream is redacted in the callback, in the
 * provider error kept and in the stream's error. */
static void test_stream_error_redacted(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.api_key = "sk-test-SECRET";
    job j;
    job_new(&j, &cfg, "/openai-error-echo-key.sse", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_PROVIDER_ERROR);
    llmj_stream *s = llmj_http_stream(j.h);
    const llmj_provider_error *pe = llmj_stream_provider_error(s);
    assert_non_null(pe);
    assert_string_equal(pe->message, "bad key [redacted]");
    assert_string_equal(pe->code, "[redacted]");
    assert_null(strstr(pe->type, "SECRET"));
    assert_null(strstr(llmj_stream_error(s)->message, "SECRET"));
    assert_non_null(j.r.b.data);
    assert_null(strstr(j.r.b.data, "SECRET"));
    assert_non_null(strstr(j.r.b.data, "bad key [redacted]"));
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* Retry-After: huge values clamp, junk is absent. */
static void test_retry_after_values(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        long want;
    } cases[] = {
        {"9223372036854775807", LONG_MAX}, {"9223372036854775808", LONG_MAX},
        {"99999999999999999999999999999999", LONG_MAX}, {"120", 120}, {"1.5", 2}, {"0", 0},
        {"12abc", -1}, {"-5", -1}, {"1e3", -1}, {"0x10", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_alloc ta;
        llmj_config cfg = test_config(&ta);
        job j;
        char path[256];
        snprintf(path, sizeof path, "/v1/chat/completions?status=429&retry_after=%s", cases[i].v);
        job_new(&j, &cfg, path, NULL);
        assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
        if (llmj_http_get_result(j.h)->retry_after != cases[i].want)
            fail_msg("Retry-After: %s gave %ld", cases[i].v, llmj_http_get_result(j.h)->retry_after);
        job_free(&j);
        assert_int_equal(ta.live, 0);
    }
}

/* A redirect names its Location; an over-long header line says so; a whole
 * JSON body over the cap says it was cut there. */
static void test_small_verdicts(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    job j;
    job_new(&j, &cfg, "/v1/chat/completions?status=302&location=https://example.invalid/v1/moved", NULL);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_HTTP_ERROR);
    if (!strstr(llmj_http_get_result(j.h)->message, "https://example.invalid/v1/moved"))
        fail_msg("redirect: '%s'", llmj_http_get_result(j.h)->message);
    job_free(&j);

    job_new(&j, &cfg, "/openai-json-length.sse?bighdr=200000", NULL);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_TRANSFER);
    const char *m = llmj_http_get_result(j.h)->message;
    if (!strstr(m, "header line") || strstr(m, "Out of memory"))
        fail_msg("long header: '%s'", m);
    job_free(&j);

    llmj_http_options o;
    llmj_http_options_init(&o);
    o.max_whole_body = 100;
    job_new(&j, &cfg, "/openai-nonstream.json", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_CANCELLED);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    assert_int_equal(res->cancel_reason, LLMJ_TOO_LONG);
    if (!strstr(res->message, "cut at 100 bytes") || !strstr(res->message, "max_whole_body"))
        fail_msg("whole body cut: '%s'", res->message);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* The total timeout covers the decoding of a whole JSON body: the time is
 * spent (in on_bytes) once every byte is there, so only decoding is left. */
static int slow_last_bytes(void *ctx, const char *buf, size_t len)
{
    rec *r = ctx;
    tu_buf_add(&r->raw, buf, len);
    if (r->raw.len >= (size_t)r->stop_after_json) {
        struct timespec ts = {0, 400 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static void test_total_timeout_covers_decoding(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    tu_buf whole = {0};
    assert_int_equal(raw_get("/openai-nonstream.json?framing=length", &whole), 200);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.total_ms = 300;
    o.on_bytes = slow_last_bytes;
    job j;
    job_new(&j, &cfg, "/openai-nonstream.json?framing=length", &o);
    j.r.stop_after_json = (int)whole.len;
    assert_int_equal(llmj_http_perform(j.h), LLMJ_TIMEOUT_TOTAL);
    assert_int_equal(llmj_http_get_result(j.h)->bytes_received, whole.len);
    assert_non_null(strstr(llmj_http_get_result(j.h)->message, "total timeout"));
    tu_buf_free(&whole);
    job_free(&j);
    assert_int_equal(ta.live, 0);
}

/* A keepalive trickle (a comment byte every 20 ms) defeats a stall timeout
 * but not the idle-events timeout. */
static void test_idle_events_timeout(void **state)
{
    (void)state;
    tu_alloc ta;
    llmj_config cfg = test_config(&ta);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.stall_ms = 300;
    o.idle_ms = 400;
    job j;
    job_new(&j, &cfg, "/openai-keepalive-trickle.sse?slow_at=150&pace=1&delay=20&id=trickle", &o);
    llmj_status ist = llmj_http_perform(j.h);
    const llmj_http_result *res = llmj_http_get_result(j.h);
    if (ist != LLMJ_TIMEOUT_IDLE)
        fail_msg("trickle: %s: %s", llmj_strerror(ist), res->message);
    assert_non_null(strstr(res->message, "idle timeout"));
    assert_true(res->bytes_received > 0 && res->bytes_received < 1000);
    /* what arrived is decoded: one text delta */
    assert_non_null(j.r.b.data);
    if (!strstr(j.r.b.data, "T0 \"{\\\"a\\\": 1\""))
        fail_msg("trickle decoded: %s", j.r.b.data);
    tu_buf r = {0};
    server_record("trickle", &r);
    assert_non_null(strstr(r.data, "\"outcome\":\"client_closed\""));
    tu_buf_free(&r);
    job_free(&j);

    /* events that keep coming reset it */
    llmj_http_options_init(&o);
    o.idle_ms = 400;
    job_new(&j, &cfg, "/openai-json-length.sse?pace=200&delay=20", &o);
    assert_int_equal(llmj_http_perform(j.h), LLMJ_OK);
    job_free(&j);
    o.idle_ms = -1;
    llmj_http *h = NULL;
    o.url = "http://127.0.0.1:1/";
    assert_int_equal(llmj_http_new(&h, &cfg, &o, &cbs, NULL), LLMJ_BAD_OPTION);
    assert_int_equal(ta.live, 0);
}


/* The tool: secrets from the environment or a file, never shown; in-band
 * errors redacted; the idle timeout; a redirect's Location; short keys. */
static void test_tool_secrets(void **state)
{
    (void)state;
    tu_buf out = {0};
    char errf[4096], hf[4096];
    tu_scratch(errf, sizeof errf, "tool-secrets.err");
    tu_scratch(hf, sizeof hf, "tool-secrets.headers");
    size_t el;
    char *err = NULL;
#define TRUN(env, fmt, ...)                                                                                         \
    (tu_buf_free(&out), sh(&out, "env -u OPENAI_API_KEY %s '%s' stream " fmt " 2>'%s'", env, tool_path(), __VA_ARGS__, \
                           errf))
#define TERR() (free(err), err = tu_read_file(errf, &el), assert_non_null(err), err)
    tu_buf r = {0};

    /* --header 'api-key: @env:VAR': sent, never shown */
    assert_int_equal(TRUN("AZ_KEY=azure-secret-9876",
                          "--url 'http://127.0.0.1:%d/x?status=401&emsg=key%%20azure-secret-9876%%20refused&id=t-env' "
                          "--header 'api-key: @env:AZ_KEY' --model m --prompt p",
                          srv.port),
                     6);
    assert_null(strstr(TERR(), "azure-secret"));
    assert_non_null(strstr(err, "key [redacted] refused"));
    server_record("t-env", &r);
    assert_non_null(strstr(r.data, "api-key: azure-secret-9876\\r\\n"));
    tu_buf_free(&r);

    /* an unset variable is a usage error, nothing sent */
    assert_int_equal(TRUN("", "--url 'http://127.0.0.1:%d/x' --header 'api-key: @env:LLMJ_NO_SUCH_VAR' --model m "
                              "--prompt p",
                          srv.port),
                     1);
    assert_non_null(strstr(TERR(), "LLMJ_NO_SUCH_VAR is not set"));

    /* --header-file: every header in it secret, comments skipped */
    FILE *f = fopen(hf, "w");
    assert_non_null(f);
    fputs("# for the test\n\nX-Custom-Auth: file-secret-5555\r\nX-Other: other-secret-77\n", f);
    fclose(f);
    assert_int_equal(TRUN("",
                          "--url 'http://127.0.0.1:%d/x?status=401&emsg=file-secret-5555%%20and%%20other-secret-77"
                          "&id=t-file' --header-file '%s' --model m --prompt p",
                          srv.port, hf),
                     6);
    assert_null(strstr(TERR(), "secret-5555"));
    assert_null(strstr(err, "secret-77"));
    assert_non_null(strstr(err, "[redacted] and [redacted]"));
    server_record("t-file", &r);
    assert_non_null(strstr(r.data, "X-Custom-Auth: file-secret-5555\\r\\n"));
    assert_non_null(strstr(r.data, "X-Other: other-secret-77\\r\\n"));
    tu_buf_free(&r);

    /* --secret-header NAME on an ordinary --header */
    assert_int_equal(TRUN("", "--url 'http://127.0.0.1:%d/x?status=401&ecode=plain-secret-42' --header 'X-Tok: "
                              "plain-secret-42' --secret-header x-tok --model m --prompt p",
                          srv.port),
                     6);
    assert_null(strstr(TERR(), "plain-secret"));

    /* an error inside a 200 stream: not on stderr, not in --report */
    assert_int_equal(TRUN("OPENAI_API_KEY=sk-test-SECRET",
                          "--url 'http://127.0.0.1:%d/openai-error-echo-key.sse' --model m --prompt p --report",
                          srv.port),
                     6);
    assert_null(strstr(TERR(), "SECRET"));
    assert_non_null(out.data);
    assert_null(strstr(out.data, "SECRET"));
    assert_non_null(strstr(out.data, "bad key [redacted]"));
    assert_int_equal(TRUN("OPENAI_API_KEY=sk-test-SECRET",
                          "--url 'http://127.0.0.1:%d/openai-error-echo-key.sse' --model m --prompt p --events",
                          srv.port),
                     6);
    assert_null(strstr(TERR(), "SECRET"));
    assert_null(strstr(out.data, "SECRET"));

    /* a key under 4 bytes: refused before sending */
    assert_int_equal(TRUN("OPENAI_API_KEY=abc", "--url 'http://127.0.0.1:%d/x' --model m --prompt p", srv.port), 1);
    assert_non_null(strstr(TERR(), "at least 4 bytes"));

    /* a keepalive trickle: --stall never fires, --idle does */
    assert_int_equal(TRUN("", "--url 'http://127.0.0.1:%d/openai-keepalive-trickle.sse?slow_at=150&pace=1&delay=20' "
                              "--stall 0.3 --idle 0.4 --model m --prompt p --report",
                          srv.port),
                     7);
    assert_non_null(strstr(TERR(), "idle timeout"));
    assert_non_null(strstr(out.data, "\"salvage\":{\"status\":\"truncated\""));

    /* a redirect names its Location */
    assert_int_equal(TRUN("", "--url 'http://127.0.0.1:%d/x?status=302&location=https://example.invalid/moved' "
                              "--model m --prompt p",
                          srv.port),
                     6);
    assert_non_null(strstr(TERR(), "Location: https://example.invalid/moved (redirects are not followed)"));
#undef TRUN
#undef TERR
    free(err);
    tu_buf_free(&out);
    remove(hf);
    remove(errf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_corpus_end_to_end),
        cmocka_unit_test(test_framings_and_content_types),
        cmocka_unit_test(test_runaway_cancels),
        cmocka_unit_test(test_callback_cancels),
        cmocka_unit_test(test_http_errors),
        cmocka_unit_test(test_http_error_cap),
        cmocka_unit_test(test_key_never_shown),
        cmocka_unit_test(test_redact_field_edges),
        cmocka_unit_test(test_short_key_refused),
        cmocka_unit_test(test_secret_headers_redacted),
        cmocka_unit_test(test_stream_error_redacted),
        cmocka_unit_test(test_retry_after_values),
        cmocka_unit_test(test_small_verdicts),
        cmocka_unit_test(test_total_timeout_covers_decoding),
        cmocka_unit_test(test_idle_events_timeout),
        cmocka_unit_test(test_request_headers),
        cmocka_unit_test(test_whole_json_response),
        cmocka_unit_test(test_disconnects),
        cmocka_unit_test(test_timeouts),
        cmocka_unit_test(test_json_mode_check),
        cmocka_unit_test(test_200_concurrent),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_tool_matches_replay),
        cmocka_unit_test(test_tool_network_failures),
        cmocka_unit_test(test_tool_secrets),
    };
    return cmocka_run_group_tests(tests, server_start, server_stop);
}
