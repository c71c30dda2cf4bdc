/* Several streamed requests at once over HTTP, in one thread, with the
 * multi interface; each answer's partial document is printed as it grows.
 *   http_multi URL [URL...]     (OpenAI-style endpoints; the key, if any,
 *                                from OPENAI_API_KEY)
 *   cc http_multi.c $(pkg-config --cflags --libs llmjson)
 * (no libcurl header, no -lcurl: llmj_global_init() sets libcurl up). */
#include <stdio.h>
#include <string.h>

#include <llmjson.h>

#define MAXREQ 16

static const char body[] =
    "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"response_format\":{\"type\":\"json_object\"},"
    "\"messages\":[{\"role\":\"user\",\"content\":\"A city to visit, as JSON: name, why.\"}]}";

typedef struct req {
    int id;
    llmj_http *h;
    size_t shown; /* length of the JSON printed last */
} req;

/* After a string chunk or a complete value: print the answer so far when it
 * changed (a json callback may read the stream's documents). */
static int on_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    req *r = ctx;
    (void)ev;
    llmj_stream *s = llmj_http_stream(r->h);
    llmj_doc *d;
    const char *j;
    size_t len;
    if (tool != LLMJ_NO_TOOL || llmj_stream_choice_position(s, choice) != 0 ||
        llmj_stream_doc(s, 0, LLMJ_NO_TOOL, &d) != LLMJ_OK ||
        llmj_doc_json(d, LLMJ_DOC_NONE, &j, &len) != LLMJ_OK || len == r->shown)
        return 0;
    r->shown = len;
    printf("[%d] %.*s\n", r->id, (int)len, j);
    return 0;
}

/* The document is made outside callbacks the first time (see stream.h). */
static int on_text(void *ctx, size_t choice, const char *text, size_t len)
{
    req *r = ctx;
    llmj_doc *d;
    (void)text;
    (void)len;
    llmj_stream *s = llmj_http_stream(r->h);
    size_t pos = llmj_stream_choice_position(s, choice);
    if (pos == 0)
        llmj_stream_doc(s, pos, LLMJ_NO_TOOL, &d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc - 1 > MAXREQ) {
        fprintf(stderr, "usage: %s URL [URL...] (at most %d)\n", argv[0], MAXREQ);
        return 2;
    }
    if (llmj_global_init() != LLMJ_OK) { /* once, before any other thread */
        fprintf(stderr, "http_multi: libcurl could not be loaded or started\n");
        return 1;
    }
    llmj_stream_callbacks cbs = { 0 };
    cbs.json = on_json;
    cbs.text = on_text;
    req reqs[MAXREQ];
    llmj_http_multi *m;
    if (llmj_http_multi_new(&m, NULL) != LLMJ_OK)
        return 1;
    int n = argc - 1, failed = 0;
    for (int i = 0; i < n; i++) {
        llmj_http_options o;
        llmj_http_options_init(&o);
        o.url = argv[i + 1];
        o.content = LLMJ_CONTENT_JSON;
        o.body = body;
        o.body_len = strlen(body);
        reqs[i].id = i;
        reqs[i].shown = 0;
        if (llmj_http_new(&reqs[i].h, NULL, &o, &cbs, &reqs[i]) != LLMJ_OK ||
            llmj_http_multi_add(m, reqs[i].h) != LLMJ_OK) {
            fprintf(stderr, "request %d: cannot start\n", i);
            return 1;
        }
    }
    size_t running = (size_t)n;
    while (running > 0)
        if (llmj_http_multi_run(m, 100, &running) != LLMJ_OK)
            break;
    for (int i = 0; i < n; i++) {
        const llmj_http_result *res = llmj_http_get_result(reqs[i].h);
        llmj_stream *s = llmj_http_stream(reqs[i].h);
        llmj_choice_info info;
        if (llmj_stream_choice_count(s) && llmj_stream_choice(s, 0, &info) == LLMJ_OK)
            printf("[%d] %s: finish %s, %s\n", i, res->status == LLMJ_OK ? "ok" : llmj_strerror(res->status),
                   llmj_finish_name(info.finish), llmj_text_status_name(info.status));
        else
            printf("[%d] %s: no answer\n", i, llmj_strerror(res->status)), failed = 1;
        llmj_http_free(reqs[i].h);
    }
    llmj_http_multi_free(m);
    llmj_global_cleanup();
    return failed;
}
