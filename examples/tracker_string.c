/* The tracker on a string: feed a JSON text cut off mid-answer in small
 * pieces, print the events as they arrive, then the salvage and the repaired
 * text.   cc tracker_string.c $(pkg-config --cflags --libs llmjson) */
#include <stdio.h>
#include <string.h>

#include <llmjson.h>

static int on_event(void *ctx, const llmj_event *ev)
{
    (void)ctx;
    printf("%-13s %-12s [%llu,%llu)%s %.*s\n", llmj_event_type_name(ev->type),
           ev->pointer_len ? ev->pointer : "(root)", (unsigned long long)ev->offset,
           (unsigned long long)ev->end, ev->first ? " first" : "", (int)ev->len,
           ev->text ? ev->text : "");
    return 0;
}

int main(void)
{
    const char *text = "{\"city\":\"Lisbon\",\"days\":3,\"plan\":[\"Alfama\",\"Bel\xc3\xa9m\",\"Sin";
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.keep_text = 1; /* for llmj_tracker_repair */
    llmj_tracker *t;
    if (llmj_tracker_new(&t, &cfg, on_event, NULL) != LLMJ_OK)
        return 1;
    size_t n = strlen(text);
    for (size_t off = 0; off < n; off += 5) /* 5 bytes at a time, as a model streams */
        if (llmj_tracker_feed(t, text + off, n - off < 5 ? n - off : 5) != LLMJ_OK)
            break;
    llmj_tracker_finish(t, LLMJ_END_TRUNCATED);

    llmj_salvage sv;
    const char *r;
    size_t rl;
    if (llmj_tracker_repair(t, LLMJ_SALVAGE_GREEDY, &sv, &r, &rl) != LLMJ_OK)
        return 1;
    printf("status: %s, kept %llu of %zu bytes, closed:", llmj_text_status_name(sv.status),
           (unsigned long long)sv.bytes_kept, n);
    for (size_t i = 0; i < sv.nclosed; i++)
        printf(" \"%.*s\"", (int)sv.closed_len[i], sv.closed_pointer);
    printf("\nrepaired: %.*s\n", (int)rl, r);
    llmj_tracker_free(t);
    return 0;
}
