/* The incremental repair: llmj_tracker_repair and llmj_stream_repair keep R
 * and write only what the cut gained and the closer. Whatever the order of
 * calls (modes alternating, a cut that moves back, a reset, several texts of
 * one stream in turn), R must equal S[0:bytes_kept] + closer computed from
 * the salvage alone. */
#include "ref/ref_docs.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <llmjson.h>
#include "support/testutil.h"

/* R == text[0:k] + closer of a fresh salvage in the same mode */
static void check_tracker(llmj_tracker *t, llmj_salvage_mode mode)
{
    const char *r;
    size_t rl;
    llmj_salvage info;
    assert_int_equal(llmj_tracker_repair(t, mode, &info, &r, &rl), LLMJ_OK);
    size_t tl;
    const char *text = llmj_tracker_text(t, &tl);
    assert_true(info.bytes_kept <= tl);
    assert_int_equal(rl, (size_t)info.bytes_kept + info.closer_len);
    if (info.bytes_kept)
        assert_memory_equal(r, text, (size_t)info.bytes_kept);
    assert_memory_equal(r + info.bytes_kept, info.closer, info.closer_len);
    assert_int_equal(r[rl], '\0');
}

static void test_tracker_repair_any_order(void **state)
{
    (void)state;
    ref_docs docs = { 0 };
    assert_true(ref_docs_corpus(&docs, tu_root()) > 50);
    ref_docs_generated(&docs);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.keep_text = 1;
    size_t checks = 0;
    for (size_t i = 0; i < docs.n; i++) {
        const char *s = docs.v[i].data;
        size_t n = docs.v[i].len < 65536 ? docs.v[i].len : 65536;
        llmj_tracker *t;
        assert_int_equal(llmj_tracker_new(&t, &cfg, NULL, NULL), LLMJ_OK);
        for (int round = 0; round < 2; round++) {
            ref_rng r = { 99 + i };
            for (size_t off = 0; off < n;) {
                size_t k = 1 + ref_randn(&r, 9);
                if (k > n - off)
                    k = n - off;
                llmj_tracker_feed(t, s + off, k);
                off += k;
                /* mostly greedy (the live view), sometimes lossless (the cut moves back) */
                check_tracker(t, ref_randn(&r, 4) ? LLMJ_SALVAGE_GREEDY : LLMJ_SALVAGE_LOSSLESS);
                checks++;
            }
            llmj_tracker_finish(t, LLMJ_END_NORMAL);
            check_tracker(t, LLMJ_SALVAGE_GREEDY);
            /* after a reset the same buffer must not be trusted */
            assert_int_equal(llmj_tracker_reset(t), LLMJ_OK);
            if (round == 0 && n > 2) {
                /* a different text of the same length prefix: "[" + ... */
                llmj_tracker_feed(t, "[\"zz", 4);
                check_tracker(t, LLMJ_SALVAGE_GREEDY);
                assert_int_equal(llmj_tracker_reset(t), LLMJ_OK);
            }
        }
        llmj_tracker_free(t);
    }
    fprintf(stderr, "incremental repair: %zu documents, %zu repairs checked\n", docs.n, checks);
    ref_docs_free(&docs);
}

/* Two choices of one stream, repaired in turn after every piece. */
static void test_stream_repair_two_texts(void **state)
{
    (void)state;
    size_t n;
    char path[512];
    char *body = tu_read_file(tu_path(path, sizeof path, "corpus/streams/openai-tools.sse"), &n);
    assert_non_null(body);
    llmj_stream *s;
    assert_int_equal(llmj_stream_new(&s, NULL, LLMJ_DIALECT_AUTO, LLMJ_CONTENT_AUTO, NULL, NULL),
                     LLMJ_OK);
    size_t checks = 0;
    for (size_t off = 0; off < n; off += 5) {
        llmj_stream_feed(s, body + off, n - off < 5 ? n - off : 5);
        if (llmj_stream_choice_count(s) == 0)
            continue;
        llmj_choice_info ci;
        assert_int_equal(llmj_stream_choice(s, 0, &ci), LLMJ_OK);
        for (size_t ti = 0; ti < ci.tool_count; ti++) {
            llmj_tool_info tool;
            assert_int_equal(llmj_stream_tool(s, 0, ti, &tool), LLMJ_OK);
            const char *r;
            size_t rl;
            llmj_salvage sv;
            if (llmj_stream_repair(s, 0, ti, LLMJ_SALVAGE_GREEDY, &sv, &r, &rl) != LLMJ_OK)
                continue;
            assert_int_equal(rl, (size_t)sv.bytes_kept + sv.closer_len);
            assert_true(sv.bytes_kept <= tool.arguments_len);
            if (sv.bytes_kept)
                assert_memory_equal(r, tool.arguments, (size_t)sv.bytes_kept);
            assert_memory_equal(r + sv.bytes_kept, sv.closer, sv.closer_len);
            checks++;
        }
    }
    assert_true(checks > 10);
    llmj_stream_free(s);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracker_repair_any_order),
        cmocka_unit_test(test_stream_repair_two_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
