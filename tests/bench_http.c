/* The live transport's speed: 1,000 recorded streams fetched at once from the
 * loopback test server on one multi interface in one thread, each decoded by
 * its stream object as it arrives. Prints the wall time, the throughput and
 * the client's CPU time (user + system, this process only: the server is
 * another process) per MiB received. Every stream is checked against the
 * same file decoded directly.
 *
 *   LLMJ_ROOT=. LLMJ_SERVER=build/llmj-testserver build/tests/bench_http [N]
 */
#include <llmjson.h>
#include <llmjson/http.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "server/spawn.h"
#include "support/testutil.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

typedef struct file {
    char name[256];
    char *data;
    size_t len;
    tu_buf want; /* each choice's content, as decoded from the file */
} file;

/* What is checked: every choice's content and finish reason, the status. */
static void summarize(llmj_stream *s, llmj_status st, tu_buf *out)
{
    tu_buf_addf(out, "%d:", (int)st);
    for (size_t i = 0; i < llmj_stream_choice_count(s); i++) {
        llmj_choice_info c;
        llmj_stream_choice(s, i, &c);
        tu_buf_addf(out, "[%zu %d ", c.index, (int)c.finish);
        tu_buf_add(out, c.content, c.content_len);
        tu_buf_add(out, "]", 1);
    }
}

static int is_stream(const char *n)
{
    size_t l = strlen(n);
    return (l > 4 && strcmp(n + l - 4, ".sse") == 0) || (l > 7 && strcmp(n + l - 7, ".ndjson") == 0);
}

/* The streams of one directory that decode without stopping (a runaway file
 * is cancelled part way, which is not what is measured here). */
static size_t load_dir(const char *rel, file *files, size_t n, size_t cap)
{
    char dir[4096];
    DIR *d = opendir(tu_path(dir, sizeof dir, rel));
    if (!d)
        return n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < cap) {
        if (!is_stream(e->d_name) || strlen(e->d_name) >= sizeof files[n].name)
            continue;
        char path[4600];
        snprintf(path, sizeof path, "%s/%s", rel, e->d_name);
        file *f = &files[n];
        memset(f, 0, sizeof *f);
        f->data = tu_read_file(path, &f->len);
        if (!f->data)
            continue;
        snprintf(f->name, sizeof f->name, "%s", e->d_name);
        llmj_stream *s;
        if (llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL) != LLMJ_OK)
            exit(1);
        llmj_stream_feed(s, f->data, f->len);
        llmj_status st = llmj_stream_finish(s);
        if (st == LLMJ_RUNAWAY_WHITESPACE || st == LLMJ_RUNAWAY_REPEAT || st == LLMJ_TOO_LONG ||
            st == LLMJ_UNKNOWN_DIALECT) {
            llmj_stream_free(s);
            free(f->data);
            continue;
        }
        summarize(s, st, &f->want);
        llmj_stream_free(s);
        n++;
    }
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    size_t N = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000;
    if (N == 0)
        N = 1000;
    /* a socket per stream, the server's in another process */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < N + 256 && rl.rlim_max >= N + 256) {
        rl.rlim_cur = N + 256;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (llmj_global_init() != LLMJ_OK)
        return 1;
    static file files[256];
    size_t nf = load_dir("corpus/streams", files, 0, 256);
    nf = load_dir("tests/server/fixtures", files, nf, 256);
    if (nf == 0) {
        fprintf(stderr, "bench_http: no recorded streams found under $LLMJ_ROOT\n");
        return 1;
    }
    llmjt_server srv;
    if (llmjt_server_start(&srv, tu_root(), 60) != 0)
        return 1;

    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    llmj_http **h = calloc(N, sizeof *h);
    if (!h)
        return 1;
    static const char body[] = "{\"model\":\"loopback\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                               "\"content\":\"Answer in JSON.\"}]}";
    uint64_t file_bytes = 0;
    for (size_t i = 0; i < N; i++) {
        char url[512];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/%s", srv.port, files[i % nf].name);
        llmj_http_options o;
        llmj_http_options_init(&o);
        o.url = url;
        o.api_key = "";
        o.body = body;
        o.body_len = sizeof body - 1;
        if (llmj_http_new(&h[i], &cfg, &o, NULL, NULL) != LLMJ_OK) {
            fprintf(stderr, "bench_http: llmj_http_new failed\n");
            return 1;
        }
        file_bytes += files[i % nf].len;
    }
    llmj_http_multi *m;
    if (llmj_http_multi_new(&m, &cfg) != LLMJ_OK)
        return 1;
    double c0 = cpu_s(), t0 = now_s();
    for (size_t i = 0; i < N; i++)
        if (llmj_http_multi_add(m, h[i]) != LLMJ_OK)
            return 1;
    size_t running = N;
    while (running > 0)
        if (llmj_http_multi_run(m, 1000, &running) != LLMJ_OK)
            break;
    double t = now_s() - t0, c = cpu_s() - c0;
    llmj_http_multi_free(m);

    uint64_t got = 0;
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        const llmj_http_result *r = llmj_http_get_result(h[i]);
        got += r->bytes_received;
        tu_buf sum = {0};
        summarize(llmj_http_stream(h[i]), r->status, &sum);
        const tu_buf *want = &files[i % nf].want;
        if (sum.len != want->len || memcmp(sum.data, want->data, sum.len) != 0) {
            if (bad++ < 3)
                fprintf(stderr, "bench_http: %s decoded differently (%s: %s)\n", files[i % nf].name,
                        llmj_strerror(r->status), r->message);
        }
        tu_buf_free(&sum);
        llmj_http_free(h[i]);
    }
    free(h);

    /* bulk: 64 streams of 1 MiB each (a generated chat stream, one long
     * string growing three bytes an event, cut at 1 MiB by the server),
     * for the steady-state cost per MiB without the per-connection cost */
    const size_t NB = 64;
    llmj_http *bh[64];
    for (size_t i = 0; i < NB; i++) {
        char url[512];
        snprintf(url, sizeof url, "http://127.0.0.1:%d/x?gen=repeat&max=1048576", srv.port);
        llmj_http_options o;
        llmj_http_options_init(&o);
        o.url = url;
        o.api_key = "";
        if (llmj_http_new(&bh[i], &cfg, &o, NULL, NULL) != LLMJ_OK)
            return 1;
    }
    if (llmj_http_multi_new(&m, &cfg) != LLMJ_OK)
        return 1;
    double bc0 = cpu_s(), bt0 = now_s();
    for (size_t i = 0; i < NB; i++)
        if (llmj_http_multi_add(m, bh[i]) != LLMJ_OK)
            return 1;
    running = NB;
    while (running > 0)
        if (llmj_http_multi_run(m, 1000, &running) != LLMJ_OK)
            break;
    double bt = now_s() - bt0, bc = cpu_s() - bc0;
    llmj_http_multi_free(m);
    uint64_t bgot = 0;
    for (size_t i = 0; i < NB; i++) {
        const llmj_http_result *r = llmj_http_get_result(bh[i]);
        bgot += r->bytes_received;
        if (r->bytes_received != 1048576)
            bad++;
        llmj_http_free(bh[i]);
    }
    double bmib = (double)bgot / (1024.0 * 1024.0);

    llmjt_server_stop(&srv);
    double mib = (double)got / (1024.0 * 1024.0);
    printf("bench_http: %zu concurrent streams (%zu recorded files, %.2f MiB) on one multi, one thread\n", N, nf,
           mib);
    printf("  wall time to stream and decode all: %.3f s (%.0f streams/s, %.1f MiB/s)\n", t, (double)N / t,
           mib / t);
    printf("  client CPU (user+sys): %.3f s = %.1f ms per MiB received\n", c, c * 1000.0 / mib);
    printf("  decoded as their files: %zu of %zu; leaks: %zu blocks\n", N - bad, N, ta.live);
    printf("bench_http: bulk, %zu concurrent streams of 1 MiB (%.0f MiB)\n", NB, bmib);
    printf("  wall time: %.3f s (%.1f MiB/s); client CPU %.3f s = %.1f ms per MiB received\n", bt, bmib / bt, bc,
           bc * 1000.0 / bmib);
    for (size_t i = 0; i < nf; i++) {
        free(files[i].data);
        tu_buf_free(&files[i].want);
    }
    llmj_global_cleanup();
    return bad || ta.live || got != file_bytes ? 1 : 0;
}
