"""schema=: the verdict of a JSON Schema on a streamed text, equal to the
"schema" member of `llmjson repair --report --schema FILE` for the same
text and schema, at any piece size."""
import json
import os
import subprocess
import tempfile

import pytest

import llmjson

from conftest import TOOL

SCHEMA = {
    "type": "object",
    "properties": {
        "a": {"type": "string"},
        "b": {"enum": ["x", "y"]},
        "c": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["a", "b", "c"],
    "additionalProperties": False,
}

TEXTS = [
    '{"a":"hi","b":"x","c":3}',          # conforming
    '{"a":"hi","b":"z","c":3}',          # enum: violation at the z
    '{"a":"hi","b":"',                   # cut: /c missing, /b cut
    '{"a":"hi","d":1}',                  # additionalProperties
    '{"a":1',                            # type
    '{"a":"hi","b":"y","c":3,"tags":["t",',
    '{"a":"hi","b":"y","c":2.5}',
    '',
]


def _cli_rc_ok(text, path):
    """The tool's report; exit 10 (a schema violation) is one of its verdicts."""
    res = subprocess.run([TOOL, "repair", "--report", "--schema", path, "-"],
                         input=text.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert res.returncode in (0, 2, 3, 4, 5, 10), res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def schema_file():
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False,
                                     dir=os.environ.get("LLMJ_SCRATCH")) as f:
        json.dump(SCHEMA, f)
    yield f.name
    os.unlink(f.name)


@pytest.mark.parametrize("text", TEXTS)
def test_repair_schema_equals_cli(text, schema_file):
    want = _cli_rc_ok(text, schema_file)
    got = llmjson.repair(text, schema=SCHEMA)
    assert got.as_dict() == want
    # the schema as JSON text gives the same
    assert llmjson.repair(text, schema=json.dumps(SCHEMA)).as_dict() == want


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("piece", [1, 3, 1000])
def test_tracker_schema_any_piece_size(text, piece, schema_file):
    want = _cli_rc_ok(text, schema_file)
    t = llmjson.Tracker(schema=SCHEMA)
    for i in range(0, len(text), piece):
        t.feed(text[i:i + piece])
    t.finish()
    assert t.schema_result().as_dict() == want["schema"]
    assert t.salvage().as_dict() == want


def test_violation_known_at_its_byte():
    t = llmjson.Tracker(schema=SCHEMA)
    text = '{"a":"hi","b":"z'
    seen = None
    for i, ch in enumerate(text):
        t.feed(ch)
        r = t.schema_result()
        if r.valid is False and seen is None:
            seen = i
    assert seen == text.index("z")
    v = t.schema_result().violation
    assert (v.pointer, v.keyword, v.offset) == ("/b", "enum", text.index("z"))
    assert (v.line, v.column) == (1, text.index("z") + 1)


def test_no_schema():
    t = llmjson.Tracker()
    t.feed('{"a":1}')
    assert t.schema_result() is None
    assert t.salvage().schema is None
    assert "schema" not in llmjson.repair('{"a":1}').as_dict()


def test_refused_schema_says_where():
    with pytest.raises(ValueError, match="unsupported keyword 'oneOf' at /properties/pet"):
        llmjson.Tracker(schema={"type": "object",
                                "properties": {"pet": {"oneOf": [{"type": "string"}]}}})
    with pytest.raises(ValueError, match="line 1"):
        llmjson.repair("{}", schema='{"type": ')
    with pytest.raises(TypeError, match="schema must be"):
        llmjson.Tracker(schema=42)


def test_bool_schema():
    assert llmjson.repair("[1]", schema=True, complete=True).schema.valid is True
    assert llmjson.repair("[1]", schema=False, complete=True).schema.valid is False
