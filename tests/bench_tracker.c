/* Benchmark: the tracker against bare yajl (yajl_parse with no callbacks,
 * the cost any yajl-based reader pays) on the same input and piece size; the
 * rows of issue 14. Figures are printed, not asserted.
 *
 * Times are CPU seconds of this process (the machine is shared), the median
 * of several runs that alternate between the contenders. Where the clock is
 * too noisy the instruction counts say the same thing repeatably: when
 * valgrind is installed (and LLMJ_BENCH_CALLGRIND is not 0) this program runs
 * itself under callgrind (`bench_tracker --count WHO PIECE KIB` runs one
 * contender once inside counted_run()) and prints instructions per feed call
 * and per byte.
 *
 * Rows: an LLM-like document (objects with short keys, strings of 20-200
 * characters with some unicode and escapes, numbers, literals) of 1 MB at
 * 4-byte pieces (`llmjson check --chunk 4`) and of 32 MB at 64 KiB pieces
 * (`llmjson check`) and whole; the 1 MB document pretty-printed; a long
 * string fed 4 bytes at a time (16 and 64 KiB: linear or not); the same
 * through the tool itself; the tracker on each scanner path (src/scan.h);
 * salvage time at 10 KiB, 1 MiB and 32 MiB into a document. */
#include "ref/ref_docs.c"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include <llmjson.h>
#include "support/testutil.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the contenders ------------------------------------------------------------ */

static int bench_failed;

static void run_yajl(const char *s, size_t n, size_t piece)
{
    yajl_handle y = yajl_alloc(NULL, NULL, NULL);
    if (!y)
        abort();
    for (size_t off = 0; off < n;) {
        size_t k = piece && piece < n - off ? piece : n - off;
        if (yajl_parse(y, (const unsigned char *)s + off, k) != yajl_status_ok) {
            bench_failed = 1;
            break;
        }
        off += k;
    }
    if (yajl_complete_parse(y) != yajl_status_ok)
        bench_failed = 1;
    yajl_free(y);
}

static int noop_cb(void *ctx, const llmj_event *ev)
{
    (void)ev;
    ++*(size_t *)ctx;
    return 0;
}

static void run_tracker(const char *s, size_t n, size_t piece, int with_cb)
{
    size_t events = 0;
    llmj_tracker *t = NULL;
    if (llmj_tracker_new(&t, NULL, with_cb ? noop_cb : NULL, &events) != LLMJ_OK)
        abort();
    for (size_t off = 0; off < n;) {
        size_t k = piece && piece < n - off ? piece : n - off;
        if (llmj_tracker_feed(t, s + off, k) != LLMJ_OK) {
            bench_failed = 1;
            break;
        }
        off += k;
    }
    if (llmj_tracker_finish(t, LLMJ_END_NORMAL) != LLMJ_OK)
        bench_failed = 1;
    if (with_cb && events == 0)
        bench_failed = 1;
    llmj_tracker_free(t);
}

enum { YAJL = 0, TRACKER = 1, TRACKER_CB = 2, NWHO = 3 };

static void run_one(int who, const char *s, size_t n, size_t piece)
{
    if (who == YAJL)
        run_yajl(s, n, piece);
    else
        run_tracker(s, n, piece, who == TRACKER_CB);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAX_REPS 15

/* The median CPU time of reps runs of each contender in mask, the runs
 * alternating between them; out[who]. */
static void measure(const char *s, size_t n, size_t piece, int reps, unsigned mask, double *out)
{
    double tv[NWHO][MAX_REPS];
    for (int r = 0; r < reps; r++)
        for (int who = 0; who < NWHO; who++) {
            if (!(mask & (1u << who)))
                continue;
            double t0 = cpu_now();
            run_one(who, s, n, piece);
            tv[who][r] = cpu_now() - t0;
        }
    for (int who = 0; who < NWHO; who++)
        out[who] = mask & (1u << who) ? median(tv[who], reps) : 0;
}

static double mbps(size_t n, double secs)
{
    return (double)n / 1e6 / secs;
}

static void header(void)
{
    printf("%-32s %9s %9s %11s   %-13s   %s\n", "", "yajl", "tracker", "tracker+cb",
           "time / yajl", "(MB/s)");
    printf("%-32s %9s %9s %11s   %6s %6s\n", "", "ms", "ms", "ms", "no cb", "+cb");
}

static void row(const char *label, const char *s, size_t n, size_t piece, int reps)
{
    double t[NWHO];
    measure(s, n, piece, reps, 7, t);
    printf("%-32s %9.2f %9.2f %11.2f   %6.3f %6.3f   (%.0f / %.0f / %.0f)\n", label, t[YAJL] * 1e3,
           t[TRACKER] * 1e3, t[TRACKER_CB] * 1e3, t[TRACKER] / t[YAJL], t[TRACKER_CB] / t[YAJL],
           mbps(n, t[YAJL]), mbps(n, t[TRACKER]), mbps(n, t[TRACKER_CB]));
}

/* ---- documents ------------------------------------------------------------------- */

static void gen_doc(rbuf *b, uint64_t seed, size_t target)
{
    ref_rng r = { seed };
    ref_gen_llm_object(&r, b, target);
    if (!ref_is_json(b->d, b->n)) {
        fprintf(stderr, "bench: the generated document is not valid JSON\n");
        exit(1);
    }
}

/* ---- instruction counts (callgrind) ---------------------------------------------- */

/* The one run callgrind counts (--toggle-collect=counted_run). */
__attribute__((noinline)) int counted_run(int who, const char *s, size_t n, size_t piece);
__attribute__((noinline)) int counted_run(int who, const char *s, size_t n, size_t piece)
{
    run_one(who, s, n, piece);
    return bench_failed;
}

/* Run this program under callgrind for one contender; its instruction
 * count, or 0 when valgrind did not run. */
static unsigned long long callgrind_count(const char *self, int who, size_t piece, size_t kib)
{
    char args[128];
    snprintf(args, sizeof args, "--count %d %zu %zu", who, piece, kib);
    return tu_callgrind_count(self, args);
}

static int have_valgrind(void)
{
    const char *e = getenv("LLMJ_BENCH_CALLGRIND");
    if (e && strcmp(e, "0") == 0)
        return 0;
    return system("valgrind --version > /dev/null 2>&1") == 0;
}

static void instruction_counts(const char *self)
{
    const size_t kib = 1024;
    rbuf doc = { 0 };
    gen_doc(&doc, 12345, kib << 10);
    size_t calls4 = (doc.n + 3) / 4;
    unsigned long long y4 = callgrind_count(self, YAJL, 4, kib);
    unsigned long long t4 = callgrind_count(self, TRACKER, 4, kib);
    unsigned long long c4 = callgrind_count(self, TRACKER_CB, 4, kib);
    unsigned long long y64 = callgrind_count(self, YAJL, 65536, kib);
    unsigned long long t64 = callgrind_count(self, TRACKER, 65536, kib);
    unsigned long long c64 = callgrind_count(self, TRACKER_CB, 65536, kib);
    if (!y4 || !t4 || !y64 || !t64) {
        printf("instruction counts: callgrind did not run\n\n");
        free(doc.d);
        return;
    }
    printf("instructions (callgrind, the %.2f MB document; every count includes the feed loop):\n",
           doc.n / 1e6);
    printf("  4-byte pieces, per feed call:  yajl %6.1f   tracker %6.1f (%.3fx)   tracker+cb %6.1f "
           "(%.3fx)\n",
           (double)y4 / calls4, (double)t4 / calls4, (double)t4 / y4, (double)c4 / calls4,
           (double)c4 / y4);
    printf("  64 KiB pieces, per byte:       yajl %6.2f   tracker %6.2f (%.3fx)   tracker+cb %6.2f "
           "(%.3fx)\n",
           (double)y64 / doc.n, (double)t64 / doc.n, (double)t64 / y64, (double)c64 / doc.n,
           (double)c64 / y64);
    printf("  fixed cost of a feed call (4-byte minus 64 KiB work for the same bytes): tracker "
           "%.1f, tracker+cb %.1f instructions\n\n",
           ((double)t4 - (double)t64) / calls4, ((double)c4 - (double)c64) / calls4);
    free(doc.d);
}

/* ---- the tool -------------------------------------------------------------------- */

/* CPU seconds (user + system) of the children waited for so far. */
static double children_cpu(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0)
        return 0;
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

/* CPU seconds (user + system) of running argv[0] with argv, stdout to
 * /dev/null, or -1 when it cannot be started or does not exit with 0.
 * posix_spawn, not fork: a forked child of this process (which holds the
 * 32 MB document) would be charged for copying and then dropping its page
 * tables, which no shell that starts the tool pays. */
static double spawn_cpu(char *const argv[])
{
    double before = children_cpu();
    fflush(stdout);
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    extern char **environ;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return children_cpu() - before;
}

/* CPU seconds (user + system) of `tool check [--chunk N] path`, or -1. */
static double tool_cpu(const char *tool, const char *path, size_t chunk)
{
    char chunk_arg[32];
    snprintf(chunk_arg, sizeof chunk_arg, "%zu", chunk);
    char *argv[6];
    int k = 0;
    argv[k++] = (char *)tool;
    argv[k++] = (char *)"check";
    if (chunk) {
        argv[k++] = (char *)"--chunk";
        argv[k++] = chunk_arg;
    }
    argv[k++] = (char *)path;
    argv[k] = NULL;
    return spawn_cpu(argv);
}

/* Prints the row; stores the medians (seconds) in *yajl_s and *tool_s,
 * or -1 in both when the tool did not run. */
static void tool_row(const char *label, const char *tool, const char *path, const char *s,
                     size_t n, size_t chunk, int reps, double *yajl_s, double *tool_s)
{
    *yajl_s = *tool_s = -1;
    double ty[MAX_REPS], tt[MAX_REPS];
    for (int r = 0; r < reps; r++) {
        double t0 = cpu_now();
        run_yajl(s, n, chunk);
        ty[r] = cpu_now() - t0;
        tt[r] = tool_cpu(tool, path, chunk);
        if (tt[r] < 0) {
            printf("%-32s not run (%s missing or failed)\n", label, tool);
            return;
        }
    }
    double y = median(ty, reps), t = median(tt, reps);
    printf("%-32s %9.2f %9.2f %11s   %6.3f          (process included)\n", label, y * 1e3,
           t * 1e3, "", t / y);
    *yajl_s = y;
    *tool_s = t;
}

static int write_file(const char *path, const char *s, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(s, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* ---- salvage time ---------------------------------------------------------------- */

static void salvage_at(llmj_tracker *t, const char *s, size_t *fed, size_t upto,
                       const char *label)
{
    if (upto > *fed) {
        if (llmj_tracker_feed(t, s + *fed, upto - *fed) != LLMJ_OK)
            bench_failed = 1;
        *fed = upto;
    }
    const int calls = 200000;
    double best[2] = { 1e30, 1e30 };
    uint64_t sink = 0;
    for (int mode = 0; mode <= 1; mode++) {
        for (int r = 0; r < 3; r++) {
            double t0 = wall_now();
            for (int i = 0; i < calls; i++) {
                llmj_salvage sv;
                if (llmj_tracker_salvage(t, (llmj_salvage_mode)mode, &sv) != LLMJ_OK)
                    bench_failed = 1;
                sink += sv.bytes_kept + sv.nclosed;
            }
            double dt = (wall_now() - t0) / calls * 1e9;
            if (dt < best[mode])
                best[mode] = dt;
        }
    }
    printf("salvage at %-7s (depth %zu): %7.1f ns/call lossless, %7.1f ns/call greedy "
           "(checksum %llu)\n",
           label, llmj_tracker_depth(t), best[0], best[1], (unsigned long long)(sink % 1000));
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--count") == 0) {
        int who = atoi(argv[2]);
        size_t piece = strtoul(argv[3], NULL, 10), kib = strtoul(argv[4], NULL, 10);
        rbuf doc = { 0 };
        gen_doc(&doc, 12345, kib << 10);
        int bad = who >= 0 && who < NWHO ? counted_run(who, doc.d, doc.n, piece) : 1;
        free(doc.d);
        return bad;
    }

    rbuf doc1 = { 0 }, doc32 = { 0 };
    tu_buf prb = { 0 };
    gen_doc(&doc1, 12345, (size_t)1 << 20);
    gen_doc(&doc32, 999, (size_t)32 << 20);
    tu_pretty_json(&prb, doc1.d, doc1.n);
    if (!ref_is_json(prb.data, prb.len)) {
        fprintf(stderr, "bench: the pretty-printed document is not valid JSON\n");
        return 1;
    }
    printf("LLM-like documents: %.2f MB and %.2f MB; pretty-printed %.2f MB\n", doc1.n / 1e6,
           doc32.n / 1e6, prb.len / 1e6);
    printf("(CPU time, median of alternating runs; the scanner's path: %s)\n\n",
           getenv("LLMJ_SCAN") ? getenv("LLMJ_SCAN") : "the best the CPU has");
    header();
    row("1 MB, 4-byte pieces", doc1.d, doc1.n, 4, 7);
    row("32 MB, 64 KiB pieces", doc32.d, doc32.n, 65536, 5);
    row("32 MB, whole", doc32.d, doc32.n, 0, 5);
    row("1 MB pretty-printed, 4-byte", prb.data, prb.len, 4, 7);
    row("1 MB pretty-printed, 64 KiB", prb.data, prb.len, 65536, 9);

    /* one long string, 4 bytes at a time */
    for (size_t len = 16384; len <= 65536; len *= 4) {
        rbuf str = { 0 };
        rb_addc(&str, '"');
        ref_rng rs = { 7 };
        while (str.n < len + 1) {
            if (ref_randn(&rs, 50) == 0)
                rb_add(&str, "\xc3\xa9", 2);
            else
                rb_addc(&str, (char)('a' + ref_randn(&rs, 26)));
        }
        rb_addc(&str, '"');
        char label[64];
        snprintf(label, sizeof label, "%zu KiB string, 4-byte", len / 1024);
        row(label, str.d, str.n, 4, 1); /* yajl is quadratic here: one run */
        free(str.d);
    }

    /* the tool: llmjson check reads a file (process start included) */
    char p1[4096], p32[4096];
    tu_scratch(p1, sizeof p1, "bench-tracker-1mb.json");
    tu_scratch(p32, sizeof p32, "bench-tracker-32mb.json");
    if (write_file(p1, doc1.d, doc1.n) == 0 && write_file(p32, doc32.d, doc32.n) == 0) {
        const char *tool = tu_tool();
        double y1, t1, y32, t32;
        tool_row("llmjson check --chunk 4, 1 MB", tool, p1, doc1.d, doc1.n, 4, 5, &y1, &t1);
        tool_row("llmjson check, 32 MB", tool, p32, doc32.d, doc32.n, 65536, 5, &y32, &t32);
        /* What of the first row is the process: starting, reading "[]"; and
         * what any dynamically linked program costs to start on this machine
         * (/bin/true). Diagnostics beside the row, not a change of it. */
        char p0[4096];
        tu_scratch(p0, sizeof p0, "bench-tracker-2b.json");
        if (write_file(p0, "[]", 2) == 0) {
            double ts[MAX_REPS], te[MAX_REPS];
            char *true_argv[] = {(char *)"/bin/true", NULL};
            int ok = 1, ok_true = 1;
            for (int r = 0; r < MAX_REPS && ok; r++) {
                ok = (ts[r] = tool_cpu(tool, p0, 0)) >= 0;
                if (ok_true)
                    ok_true = (te[r] = spawn_cpu(true_argv)) >= 0;
            }
            if (ok) {
                double start = median(ts, MAX_REPS);
                printf("%-32s %9s %9.2f   (process start alone, median of 15)\n",
                       "llmjson check, 2 bytes", "", start * 1e3);
                if (ok_true)
                    printf("%-32s %9s %9.2f   (any dynamically linked program's start here)\n",
                           "/bin/true", "", median(te, MAX_REPS) * 1e3);
                if (y1 > 0 && t1 > start)
                    printf("the first row less the process start: %.2f ms = %.3fx yajl's time "
                           "(the start alone is %.3fx)\n",
                           (t1 - start) * 1e3, (t1 - start) / y1, start / y1);
            }
        }
        remove(p0);
    }
    remove(p1);
    remove(p32);
    printf("aims (issue 14): 4-byte pieces <= 0.2x yajl's time; 64 KiB pieces <= 1.25x; the long "
           "string linear\n\n");

    /* each scanner path (src/scan.h), the tracker without callback */
    const char *saved = getenv("LLMJ_SCAN");
    char saved_copy[64] = "";
    if (saved)
        snprintf(saved_copy, sizeof saved_copy, "%s", saved);
    static const char *const paths[] = { "portable", "sse2", "avx2" };
    printf("scanner paths, tracker without callback (time / yajl's):\n");
    for (int k = 0; k < 3; k++) {
        setenv("LLMJ_SCAN", paths[k], 1);
        double a[NWHO], b[NWHO];
        measure(doc32.d, doc32.n, 65536, 5, 3, a);
        measure(prb.data, prb.len, 65536, 9, 3, b);
        printf("  %-9s 32 MB at 64 KiB %6.3f   pretty-printed 1 MB at 64 KiB %6.3f\n", paths[k],
               a[TRACKER] / a[YAJL], b[TRACKER] / b[YAJL]);
    }
    if (saved)
        setenv("LLMJ_SCAN", saved_copy, 1);
    else
        unsetenv("LLMJ_SCAN");
    printf("(a path the CPU lacks runs the best one it has)\n\n");

    if (have_valgrind())
        instruction_counts(argv[0]);
    else
        printf("instruction counts: valgrind not found (or LLMJ_BENCH_CALLGRIND=0)\n\n");

    /* salvage time at 10 KiB, 1 MiB and 32 MiB into a document */
    llmj_tracker *t = NULL;
    if (llmj_tracker_new(&t, NULL, NULL, NULL) != LLMJ_OK)
        return 1;
    size_t fed = 0;
    salvage_at(t, doc32.d, &fed, (size_t)10 << 10, "10 KiB");
    salvage_at(t, doc32.d, &fed, (size_t)1 << 20, "1 MiB");
    salvage_at(t, doc32.d, &fed, (size_t)32 << 20, "32 MiB");
    llmj_tracker_free(t);
    printf("goal: salvage time flat (O(depth), not O(bytes))\n");
    free(doc1.d);
    free(doc32.d);
    tu_buf_free(&prb);
    if (bench_failed) {
        fprintf(stderr, "bench: a parser rejected the input\n");
        return 1;
    }
    return 0;
}
