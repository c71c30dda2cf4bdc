"""Reference counts and memory stay flat over many calls: every object
frees its C state when it is collected."""
import gc
import resource
import sys
import tracemalloc

import llmjson

CALLS = 200_000


def rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def flat(fn, calls):
    for _ in range(calls // 20):  # warm up: caches, free lists, arenas
        fn()
    gc.collect()
    objects = len(gc.get_objects())
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    rss = rss_kb()
    for _ in range(calls):
        fn()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return grown, rss_kb() - rss, len(gc.get_objects()) - objects


def test_repair_flat():
    text = '{"a":[1,2,{"b":"xyz' * 3
    refs = sys.getrefcount(text)
    grown, rss, objs = flat(lambda: llmjson.repair(text, greedy=True).closed, CALLS)
    assert sys.getrefcount(text) == refs
    assert grown < 64 * 1024 and rss < 8 * 1024 and objs < 100, (grown, rss, objs)


def test_tracker_flat():
    piece = b'{"k":[true,null,"s\\u00e9",-1.5e3],"x":{"y":"abc'

    def once():
        t = llmjson.Tracker()
        t.feed(piece)
        t.salvage(greedy=True)
        t.finish()

    refs = sys.getrefcount(piece)
    grown, rss, objs = flat(once, CALLS // 4)
    assert sys.getrefcount(piece) == refs
    assert grown < 64 * 1024 and rss < 8 * 1024 and objs < 100, (grown, rss, objs)


def test_stream_and_partial_flat():
    sse = (b'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,'
           b'"delta":{"content":"{\\"a\\":[1,\\"x"},"finish_reason":"length"}]}\n\n'
           b'data: [DONE]\n\n')

    def once():
        s = llmjson.Stream()
        s.feed(sse)
        s.finish()
        s.report()
        for _ in llmjson.partial_objects(['{"a":', '"xy', 'z", "b":[1', ',2]}']):
            pass

    grown, rss, objs = flat(once, CALLS // 10)
    assert grown < 64 * 1024 and rss < 8 * 1024 and objs < 100, (grown, rss, objs)
