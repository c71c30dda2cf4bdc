"""Tracker and partial_objects(): events, salvage, piece-size invariance, and
partial values equal to the C tool's greedy/lossless repair of every prefix."""
import json

import pytest

import llmjson
from conftest import tool_reports


def merged(events):
    """Events with consecutive string chunks of one value joined: chunk
    boundaries follow the pieces, nothing else does."""
    out = []
    for e in events:
        if (e.type == "string_chunk" and out and out[-1][0] == "string_chunk"
                and out[-1][1] == e.pointer):
            out[-1] = ("string_chunk", e.pointer, out[-1][2] + e.text)
        else:
            out.append((e.type, e.pointer, e.text))
    return out


def run(doc, piece, **kw):
    t = llmjson.Tracker(**kw)
    events = []
    for i in range(0, len(doc), piece):
        events += t.feed(doc[i:i + piece])
    mid = (t.status, t.depth, t.bytes, t.salvage().as_dict(), t.salvage(greedy=True).as_dict())
    status = t.finish()
    return merged(events), mid, status, t.salvage().as_dict(), t.error


def test_events():
    t = llmjson.Tracker()
    ev = t.feed('{"a":[1,"xy",true,null],"b":{}}')
    got = [(e.type, e.pointer, e.text) for e in ev]
    assert got == [
        ("begin_object", "", None), ("key", "/a", "a"), ("begin_array", "/a", None),
        ("number", "/a/0", "1"), ("string_chunk", "/a/1", "xy"), ("string", "/a/1", "xy"),
        ("true", "/a/2", "true"), ("null", "/a/3", "null"), ("end_array", "/a", None),
        ("key", "/b", "b"), ("begin_object", "/b", None), ("end_object", "/b", None),
        ("end_object", "", None)]
    assert all(e.choice is None and e.tool is None and e.data is None for e in ev)
    assert t.status == "ok" and t.depth == 0 and t.error is None
    assert t.finish(complete=True) == "ok"
    assert t.salvage().status == "complete"
    assert "begin_object" in repr(ev[0])


def test_errors_are_status_not_exceptions():
    t = llmjson.Tracker()
    t.feed('{"a":1,\n "b":x')
    assert t.status == "invalid"
    assert (t.error.offset, t.error.line, t.error.column) == (13, 2, 6)
    assert t.feed("more") == []  # the status sticks, no exception
    s = t.salvage()
    assert s.status == "invalid" and s.text == '{"a":1}' and s.error == t.error
    r = llmjson.Tracker(whitespace_limit=16)
    r.feed("[1," + " " * 40)
    assert r.status == "runaway_whitespace" and r.runaway_offset == 3
    assert r.salvage().status == "runaway"


@pytest.mark.parametrize("piece", [1, 2, 3, 7, 64])
def test_piece_size_invariance(json_docs, piece):
    for name, doc in json_docs:
        whole = run(doc, max(1, len(doc)))
        assert run(doc, piece) == whole, name
        assert run(doc, piece, greedy=True)[2:] == run(doc, len(doc) or 1, greedy=True)[2:]


def test_tracker_salvage_equals_repair(json_docs):
    for name, doc in json_docs:
        for cut in range(0, len(doc) + 1, 5):
            t = llmjson.Tracker()
            t.feed(doc[:cut])
            for greedy in (False, True):
                assert (t.salvage(greedy=greedy).as_dict()
                        == llmjson.repair(doc[:cut], greedy=greedy).as_dict()), (name, cut)


def deltas_of(doc, size):
    text = doc.decode("utf-8")
    return [text[i:i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("greedy", [True, False])
@pytest.mark.parametrize("size", [1, 4])
def test_partial_objects_equal_tool(json_docs, greedy, size):
    for name, doc in json_docs:
        try:
            deltas = deltas_of(doc, size)
        except UnicodeDecodeError:
            continue  # partial_objects takes str deltas; such a document has none
        prefixes, acc = [], ""
        for d in deltas:
            acc += d
            prefixes.append(acc.encode())
        want = [json.loads(w["text"]) if w["text"] else None
                for w in tool_reports(prefixes, greedy=greedy)]
        it = llmjson.partial_objects(deltas, greedy=greedy)
        got = [json.loads(json.dumps(v)) for v in it]  # snapshots: the value is updated in place
        assert got == want, name
        if prefixes:
            assert it.salvage().as_dict() == tool_reports([prefixes[-1]], greedy=greedy)[0]


def test_partial_objects_runaway_and_invalid():
    it = llmjson.partial_objects(['{"a":[1,', '2]', ', "b": x', '"more"'])
    vals = [json.dumps(v) for v in it]
    assert vals == ['{"a": [1]}', '{"a": [1, 2]}', '{"a": [1, 2]}', '{"a": [1, 2]}']
    assert it.status == "invalid" and it.salvage().error.offset == 17
    it = llmjson.partial_objects(["[1, ", " " * 300, "2]"])
    assert [json.dumps(v) for v in it] == ["[1]", "[1]", "[1]"]
    assert it.status == "runaway_whitespace"


def test_partial_objects_openai_shape():
    class Delta:
        def __init__(self, content):
            self.content = content

    class Choice:
        def __init__(self, content):
            self.delta = Delta(content)

    class Chunk:
        def __init__(self, content):
            self.choices = [Choice(content)]

    stream = [Chunk(None), Chunk('{"title": "Le'), Chunk(" Petit"), Chunk(' Prince", "year'),
              Chunk('": 1943}'), Chunk(None)]
    vals = [json.dumps(v) for v in llmjson.partial_objects(
        c.choices[0].delta.content or "" for c in stream)]
    assert vals == ["null", '{"title": "Le"}', '{"title": "Le Petit"}',
                    '{"title": "Le Petit Prince"}', '{"title": "Le Petit Prince", "year": 1943}',
                    '{"title": "Le Petit Prince", "year": 1943}']
