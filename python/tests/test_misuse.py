"""Bad arguments raise TypeError/ValueError, calls out of order raise
llmjson.Error; nothing crashes."""
import threading

import pytest

import llmjson


def test_type_errors():
    for bad in (None, 12, 1.5, ["["], object()):
        with pytest.raises(TypeError, match="str or bytes"):
            llmjson.repair(bad)
        with pytest.raises(TypeError):
            llmjson.Tracker().feed(bad)
    with pytest.raises(TypeError, match="bytes"):
        llmjson.Stream().feed("data: {}\n\n")
    with pytest.raises(TypeError):
        llmjson.repair("[1", whitespace_limit="10")
    with pytest.raises(TypeError):
        llmjson.repair("[1", max_depth=True)
    with pytest.raises(TypeError):
        llmjson.repair("[1", "greedy")  # keyword-only
    with pytest.raises(TypeError, match="iterable of str"):
        llmjson.partial_objects('{"a":1}')
    with pytest.raises(TypeError):
        llmjson.partial_objects(12)
    with pytest.raises(TypeError, match="a delta"):
        list(llmjson.partial_objects(["[1,", 2]))
    with pytest.raises(TypeError):
        llmjson.Tracker(greedy=False, nonsense=1)


def test_value_errors():
    with pytest.raises(ValueError):
        llmjson.repair("[1", whitespace_limit=-1)
    with pytest.raises(ValueError):
        llmjson.repair("[1", max_depth=0)
    with pytest.raises(ValueError):
        llmjson.Tracker(repeat_limit=5)
    with pytest.raises(ValueError):
        llmjson.repair("[1", max_depth=2 ** 80)
    with pytest.raises(ValueError, match="unknown dialect"):
        llmjson.Stream("nope")
    with pytest.raises(ValueError, match="content"):
        llmjson.Stream(content="xml")


def test_out_of_order():
    t = llmjson.Tracker()
    t.feed("[1]")
    t.finish()
    with pytest.raises(llmjson.Error, match="after finish"):
        t.feed("x")
    with pytest.raises(llmjson.Error, match="twice"):
        t.finish()
    assert t.salvage().text == "[1]"  # still usable for reading
    s = llmjson.Stream()
    s.finish()
    with pytest.raises(llmjson.Error, match="after finish"):
        s.feed(b"data: x\n\n")
    assert s.status == "empty"
    raw = llmjson.Tracker.__new__(llmjson.Tracker)
    with pytest.raises(llmjson.Error, match="not initialised"):
        raw.feed("x")
    assert issubclass(llmjson.Error, Exception)


def test_trackers_in_threads():
    # Each thread its own Tracker, pieces large enough to run without the GIL.
    doc = ("[" + ",".join('{"k":%d,"s":"%s"}' % (i, "x" * 50) for i in range(5000)) + "]").encode()
    results = []

    def work():
        t = llmjson.Tracker()
        n = len(t.feed(doc))
        t.finish()
        results.append((n, t.status, t.salvage().status))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert results[0][1:] == ("ok", "complete") and results[0][0] > 5000 * 6
