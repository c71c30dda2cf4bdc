"""repair() and parse_partial(): the salvage of the C library, exactly as
`llmjson repair --report` gives it, on examples and every prefix of the
corpus documents."""
import json

import pytest

import llmjson
from conftest import tool_reports

# Salvage examples: truncations, errors, runaways, complete texts.
EXAMPLES = [
    b'{"a":1,"b":[true,fa', b'{"a":1,"b":', b'{"a":12', b'{"a":"hel', b'{"a":"x\\u00',
    b'[1,2,', b'[1, 2 ', b'{"k', b'{"a":1,"b":x}', b'"abc', b'12', b'{"a":1' + b' ' * 300,
    b'[[[[\n' + b' ' * 270, b'{"a":[]}\n', b'{"a":[]} ok', b'{"a":1]', b'[1x', b'', b'   ',
    b'{"a":"\\uD83D', b'{"a":"\\uD83D\\uDE00', b'{"a":"\xc3', b'["\xe2\x82', b'[tr', b'-',
    b'{"a":-0.5e', b'[null,false,true', b'{"":{"~/":[]}', b'"\\n\\t\\"', b'[1,,2]',
]


def test_stable_examples():
    # Results that do not depend on any mode or limit.
    s = llmjson.repair('{"a":1,"b":[true,fa')
    assert (s.status, s.text, s.bytes_kept, s.closed, s.error) == (
        "truncated", '{"a":1,"b":[true]}', 16, ["/b", ""], None)
    assert s.value() == {"a": 1, "b": [True]}
    assert llmjson.repair('{"a":"hel').text == "{}"
    assert llmjson.repair('{"a":"hel', greedy=True).text == '{"a":"hel"}'
    assert llmjson.parse_partial('{"a":"hel') == {"a": "hel"}
    s = llmjson.repair('{"a":1,"b":x}')
    assert s.status == "invalid" and s.text == '{"a":1}'
    assert (s.error.offset, s.error.line, s.error.column) == (11, 1, 12)
    assert s.error.message
    e = llmjson.repair("  \n ")
    assert (e.status, e.text, e.value()) == ("empty", "", None)
    assert llmjson.repair("12").status == "truncated"
    assert llmjson.repair("12", complete=True).value() == 12
    assert llmjson.repair(b'{"a":[]}').status == "complete"
    assert llmjson.repair(bytearray(b"[1,")).text == "[1]"
    assert llmjson.repair(memoryview(b"[1,")).text == "[1]"


@pytest.mark.parametrize("greedy", [False, True])
def test_examples_equal_tool(greedy):
    want = tool_reports(EXAMPLES, greedy=greedy)
    for text, w in zip(EXAMPLES, want):
        got = llmjson.repair(text, greedy=greedy)
        assert got.as_dict() == w, text
        assert got.value() == (json.loads(w["text"]) if w["text"] else None)


@pytest.mark.parametrize("greedy", [False, True])
def test_every_prefix_equals_tool(json_docs, greedy):
    cases = [(name, doc[:i]) for name, doc in json_docs for i in range(len(doc) + 1)]
    want = tool_reports([p for _, p in cases], greedy=greedy)
    for (name, p), w in zip(cases, want):
        assert llmjson.repair(p, greedy=greedy).as_dict() == w, (name, p)
    assert len(cases) > 1000


def test_str_and_bytes_agree():
    text = '{"ville":"Zürich","emoji":"😀","cut":"€'
    for greedy in (False, True):
        assert (llmjson.repair(text, greedy=greedy).as_dict()
                == llmjson.repair(text.encode(), greedy=greedy).as_dict())


def test_limits_reach_the_library():
    text = "[" + " " * 40 + "1]"
    assert llmjson.repair(text).status == "complete"
    assert llmjson.repair(text, whitespace_limit=20).status == "runaway"
    assert llmjson.repair(text, whitespace_limit=0).status == "complete"
    assert llmjson.repair("[[[1]]]", max_depth=2).status == "invalid"
    assert llmjson.repair('["' + "ab" * 200 + '"]', repeat_limit=128).status in ("runaway",)
