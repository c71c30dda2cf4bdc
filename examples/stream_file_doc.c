/* A recorded response stream read from a file, decoded as it would arrive,
 * with a live partial document: after every piece, the answer so far as
 * JSON and one field looked up by pointer.
 *   stream_file_doc FILE.sse [POINTER]      (default pointer: /title) */
#include <stdio.h>
#include <string.h>

#include <llmjson.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.sse [POINTER]\n", argv[0]);
        return 2;
    }
    const char *ptr = argc > 2 ? argv[2] : "/title";
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    llmj_stream *s;
    if (llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_JSON, NULL, NULL) != LLMJ_OK)
        return 1;
    char buf[256]; /* small reads: a few SSE events at a time */
    size_t n;
    const char *last = NULL;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (llmj_stream_feed(s, buf, n) != LLMJ_OK)
            break;
        llmj_doc *d;
        if (llmj_stream_choice_count(s) == 0 || llmj_stream_doc(s, 0, LLMJ_NO_TOOL, &d) != LLMJ_OK)
            continue;
        const char *json;
        size_t len;
        if (llmj_doc_json(d, LLMJ_DOC_NONE, &json, &len) != LLMJ_OK)
            return 1;
        llmj_node field = llmj_doc_get(d, ptr, strlen(ptr));
        size_t fl = 0;
        const char *fv = llmj_doc_text(d, field, &fl);
        printf("%-6s %s = %.*s%s\n", llmj_doc_type_name(llmj_doc_type_of(d, field)), ptr,
               (int)fl, fv ? fv : "", llmj_doc_is_open(d, field) ? " (still being written)" : "");
        printf("       so far: %.*s\n", (int)len, json);
        last = json;
    }
    fclose(f);
    llmj_stream_finish(s);
    llmj_choice_info info;
    if (llmj_stream_choice_count(s) && llmj_stream_choice(s, 0, &info) == LLMJ_OK)
        printf("finish %s, %s\n", llmj_finish_name(info.finish), llmj_text_status_name(info.status));
    llmj_stream_free(s);
    return last ? 0 : 1;
}
