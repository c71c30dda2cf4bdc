/* Helpers shared by the tests and benchmarks (not part of the library). */
#ifndef LLMJ_TESTUTIL_H
#define LLMJ_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <llmjson.h>

/* A counting allocator: every test routes the library's allocations through
 * one, then asserts that nothing is left (tu_alloc_live() == 0). Setting
 * fail_at = N makes the Nth allocation (1-based, malloc or growing realloc)
 * fail; 0 never fails. */
typedef struct tu_alloc {
    size_t live;      /* blocks allocated and not freed */
    size_t total;     /* allocations attempted so far */
    size_t fail_at;   /* fail this attempt (1-based), 0 = never */
    size_t failed;    /* allocations refused */
    size_t bytes;     /* bytes currently allocated */
    size_t peak;      /* highest bytes */
} tu_alloc;

/* An llmj_allocator bound to *a (reset its counters first with memset). */
llmj_allocator tu_allocator(tu_alloc *a);

/* Read a whole file (malloc'd, NUL-terminated; *len without the NUL), or
 * NULL. Paths are relative to the repository root ($LLMJ_ROOT, or "."). */
char *tu_read_file(const char *path, size_t *len);

/* The repository root ($LLMJ_ROOT or "."), and root + "/" + rel in buf. */
const char *tu_root(void);
const char *tu_path(char *buf, size_t cap, const char *rel);

/* 1 when rel (relative to the repository root, e.g. "../shared/corpus-real")
 * is a readable directory; otherwise prints a NOTICE naming what is skipped
 * and returns 0. */
int tu_have_dir(const char *rel, const char *what_is_skipped);

/* The reference material beside the project (conformance suites, real
 * captures) is optional. Its folder is $LLMJ_SHARED, or $LLMJ_ROOT/../shared
 * when that is unset; LLMJ_SHARED=/nonexistent hides it. tu_shared() writes
 * that folder + "/" + rel into buf. tu_have_shared() returns 1 when it is a
 * readable directory (or file); otherwise prints one line
 * "NOTICE: <path> is absent: <what_is_skipped> skipped" and returns 0. */
const char *tu_shared(char *buf, size_t cap, const char *rel);
int tu_have_shared(const char *rel, const char *what_is_skipped);

/* A scratch file path for this test program: $LLMJ_SCRATCH (set by the
 * Makefile to the build folder's scratch/), else $TMPDIR or /tmp, + "/" +
 * name + "." + pid, so parallel runs never collide. The folder is created. */
const char *tu_scratch(char *buf, size_t cap, const char *name);

/* The llmjson tool under test: $LLMJ_TOOL, else $LLMJ_ROOT/build/llmjson. */
const char *tu_tool(void);

/* Run `valgrind --tool=callgrind --toggle-collect=counted_run self args`
 * (a benchmark running itself for one contender, whose counted run is a
 * function named counted_run): the instructions it collected, or 0 when
 * valgrind did not run or the program failed. */
unsigned long long tu_callgrind_count(const char *self, const char *args);

/* A growable byte buffer for collecting output in tests (malloc'd). */
typedef struct tu_buf {
    char *data;
    size_t len, cap;
} tu_buf;
void tu_buf_add(tu_buf *b, const void *p, size_t n);
void tu_buf_addf(tu_buf *b, const char *fmt, ...);
void tu_buf_free(tu_buf *b);

/* Append s[0:n] as a JSON string literal (with quotes) to b. */
void tu_buf_add_json_string(tu_buf *b, const char *s, size_t n);

/* answer[0:n] as an OpenAI Chat Completions stream appended to sse: one
 * chunk per `step` characters of delta content (3 and 4 alternately when
 * step is 0), then a finish chunk and [DONE]; the chunks' payloads alone,
 * one per line, appended to payloads when not NULL. Returns the number of
 * events (the content chunks, the finish chunk and [DONE]). */
size_t tu_openai_sse(tu_buf *sse, tu_buf *payloads, const char *answer, size_t n, size_t step);
/* The same, each content chunk ending with an "obfuscation" member of 1-16
 * pseudo-random letters and digits, as OpenAI pads its chunks. */
size_t tu_openai_sse_obf(tu_buf *sse, tu_buf *payloads, const char *answer, size_t n, size_t step,
                         int obfuscate);

/* The valid JSON text s[0:n] pretty-printed into out, as JSON-mode answers
 * often are: a newline and two spaces per level before every member,
 * element and closer, ": " after keys. */
void tu_pretty_json(tu_buf *out, const char *s, size_t n);

/* A stream choice's extras (stop sequence, logprobs, citations, server
 * tools), one line each, for comparing runs; and a tool call's appended
 * fields (type, text_input, signature) on the current line. */
void tu_dump_extras(tu_buf *b, const llmj_stream *s, size_t ci);
void tu_dump_tool_extras(tu_buf *b, const llmj_tool_info *t);
/* The stream's usage as one "usage I O T C R" line (nothing without one). */
void tu_dump_usage(tu_buf *b, const llmj_stream *s);

#endif
