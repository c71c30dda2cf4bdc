"""Stream: the report equals `llmjson replay --report` for every stream of
corpus/streams, at any piece size; events."""
import json
import os
import shlex

import pytest

import llmjson
from conftest import ROOT, corpus, tool

STREAMS = os.path.join(ROOT, "corpus", "streams")


def manifest():
    """(file, args) of every MANIFEST line, and every stream file with no
    arguments."""
    cases = []
    with open(os.path.join(STREAMS, "MANIFEST")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                parts = shlex.split(line)
                cases.append((parts[0], parts[3:]))
    seen = {c[0] for c in cases if not c[1]}
    for p in corpus("streams", ".sse", ".ndjson"):
        if os.path.basename(p) not in seen:
            cases.append((os.path.basename(p), []))
    return cases


def stream_kwargs(args):
    """The Stream arguments and report(greedy=) of replay's arguments."""
    kw, greedy, i = {}, False, 0
    while i < len(args):
        a = args[i]
        if a == "--greedy":
            greedy = True
        elif a in ("--json", "--text"):
            kw["content"] = a[2:]
        elif a == "--dialect":
            i += 1
            kw["dialect"] = args[i]
        elif a in ("--whitespace-limit", "--repeat-limit", "--max-depth"):
            i += 1
            kw[a[2:].replace("-", "_")] = int(args[i])
        else:
            raise AssertionError("replay argument the test does not map: %s" % a)
        i += 1
    return kw, greedy


def py_report(data, args, piece):
    kw, greedy = stream_kwargs(args)
    s = llmjson.Stream(**kw)
    events = []
    for i in range(0, len(data), piece):
        events += s.feed(data[i:i + piece])
    events += s.finish()
    return s.report(greedy=greedy), events


CASES = manifest()


@pytest.mark.parametrize("name,args", CASES, ids=[" ".join([c[0]] + c[1]) for c in CASES])
def test_report_equals_replay(name, args):
    path = os.path.join(STREAMS, name)
    with open(path, "rb") as f:
        data = f.read()
    want = json.loads(tool("replay", "--report", *args, path))
    whole, events = py_report(data, args, max(1, len(data)))
    assert whole == want
    for piece in (1, 3, 7, 256):
        rep, ev = py_report(data, args, piece)
        assert rep == want, piece
        assert merge(ev) == merge(events), piece


def merge(events):
    out = []
    for e in events:
        key = (e.type, e.pointer, e.choice, e.tool)
        if e.type in ("string_chunk", "text", "refusal", "arguments") and out and out[-1][0] == key:
            out[-1] = (key, out[-1][1] + e.text, e.data)
        else:
            out.append((key, e.text, e.data))
    return out


def test_cases_cover_every_stream():
    files = {os.path.basename(p) for p in corpus("streams", ".sse", ".ndjson")}
    assert files <= {c[0] for c in CASES}
    assert len(CASES) >= len(files) > 10


def test_events_of_a_tool_call():
    sse = (b'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,'
           b'"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function",'
           b'"function":{"name":"get","arguments":"{\\"q\\":"}}]}}]}\n\n'
           b'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,'
           b'"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"x\\"}"}}]},'
           b'"finish_reason":"tool_calls"}]}\n\ndata: [DONE]\n\n')
    s = llmjson.Stream("openai")
    ev = s.feed(sse) + s.finish()
    types = [e.type for e in ev]
    assert "tool_call" in types and "arguments" in types and "finish" in types
    tc = ev[types.index("tool_call")]
    assert (tc.choice, tc.tool, tc.data) == (0, 0, {"id": "call_1", "name": "get"})
    fin = ev[types.index("finish")]
    assert fin.text == "tool_calls" and fin.data["finish_reason_raw"] == "tool_calls"
    strings = [e for e in ev if e.type == "string"]
    assert [(e.pointer, e.text, e.tool) for e in strings] == [("/q", "x", 0)]
    assert s.status == "ok" and s.dialect == "openai" and s.error is None
    rep = s.report()
    assert rep["stream_complete"] is True and rep["verdict"] == "complete"
    assert rep["choices"][0]["tool_calls"][0]["salvage"]["text"] == '{"q":"x"}'


def test_verdicts():
    s = llmjson.Stream()
    s.feed(b"hello world\n")
    s.finish()
    assert s.status == "not_a_stream" and s.error is not None
    rep = s.report()
    assert rep["verdict"] == "invalid" and rep["stream_complete"] is False
    assert rep["error"]["message"].startswith("not an SSE or NDJSON stream: ")
    s = llmjson.Stream("anthropic")
    s.feed(b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"refusal"}}\n\n'
           b'event: message_stop\ndata: {"type":"message_stop"}\n\n')
    rep = s.report()
    assert rep["choices"][0]["finish_reason"] == "refusal" and rep["verdict"] == "refused"
