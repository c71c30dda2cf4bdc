"""llmjson: JSON that LLMs stream, token by token — live events, runaway
detection, and the exact salvage of truncated output, over the C library.

    import llmjson
    llmjson.repair('{"a":1,"b":[true,fa').text        # '{"a":1,"b":[true]}'
    llmjson.parse_partial('{"answer":"Par')           # {'answer': 'Par'}
    for value in llmjson.partial_objects(deltas):      # deltas: str pieces
        show(value)

Threads: the library works without the GIL on large pieces (64 KiB and
more). A Tracker, a Stream or a partial_objects() iterator is not shared
between threads: using one from two threads at once raises llmjson.Error.
Every object frees its C state when it is collected.
"""
import json as _json

from . import _llmjson
from ._llmjson import Error, Event, PartialObjects

__all__ = [
    "repair", "parse_partial", "partial_objects", "Salvage", "ErrorInfo", "SchemaResult",
    "SchemaViolation",
    "Tracker", "Stream", "Event", "PartialObjects", "Error", "__version__",
]

__version__ = _llmjson.library_version


class ErrorInfo:
    """Where a text stopped being JSON: byte offset (from 0), line and column
    (from 1, the column in bytes), and what went wrong."""

    __slots__ = ("offset", "line", "column", "message")

    def __init__(self, offset, line, column, message):
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message

    def __repr__(self):
        return "ErrorInfo(offset=%d, line=%d, column=%d, message=%r)" % (
            self.offset, self.line, self.column, self.message)

    def __eq__(self, other):
        if not isinstance(other, ErrorInfo):
            return NotImplemented
        return (self.offset, self.line, self.column, self.message) == (
            other.offset, other.line, other.column, other.message)

    def as_dict(self):
        """The error as `llmjson repair --report` prints it."""
        return {"offset": self.offset, "line": self.line, "column": self.column,
                "message": self.message}


def _error(t):
    return None if t is None else ErrorInfo(*t)


class SchemaViolation:
    """The first schema violation: pointer (JSON Pointer of the value in the
    text), offset/line/column of the first byte at which no continuation of
    the text can conform, keyword ("type", "required", "enum", ...) and
    message."""

    __slots__ = ("pointer", "offset", "line", "column", "keyword", "message")

    def __init__(self, pointer, offset, line, column, keyword, message):
        self.pointer = pointer
        self.offset = offset
        self.line = line
        self.column = column
        self.keyword = keyword
        self.message = message

    def __repr__(self):
        return "SchemaViolation(pointer=%r, offset=%d, keyword=%r, message=%r)" % (
            self.pointer, self.offset, self.keyword, self.message)

    def as_dict(self):
        return {"pointer": self.pointer, "offset": self.offset, "line": self.line,
                "column": self.column, "keyword": self.keyword, "message": self.message}


class SchemaResult:
    """The schema's verdict on the text so far (the "schema" member of
    `llmjson repair --report --schema FILE`).

    valid: True (complete and conforming), False (a violation), None (no
    violation so far, the text not complete). violation: a SchemaViolation
    or None. missing: JSON Pointers of required members absent from the
    objects still open, outermost first. cut: the pointer of the innermost
    value still unfinished, or None."""

    __slots__ = ("valid", "violation", "missing", "cut")

    def __init__(self, t):
        valid, viol, self.missing, self.cut = t
        self.valid = valid
        self.violation = None if viol is None else SchemaViolation(*viol)

    def __repr__(self):
        return "SchemaResult(valid=%r, violation=%r, missing=%r, cut=%r)" % (
            self.valid, self.violation, self.missing, self.cut)

    def as_dict(self):
        return {"valid": self.valid,
                "violation": self.violation.as_dict() if self.violation else None,
                "missing": list(self.missing), "cut": self.cut}


def _schema_text(schema):
    """schema= as the C layer takes it: JSON text (str or bytes) as is, a
    dict (or True/False) dumped to JSON."""
    if schema is None or isinstance(schema, (str, bytes, bytearray, memoryview)):
        return schema
    if isinstance(schema, (dict, bool)):
        return _json.dumps(schema)
    raise TypeError("schema must be a dict, a bool, or JSON text (str or bytes), not %s"
                    % type(schema).__name__)


class Salvage:
    """The salvage of a text: R = the longest valid prefix kept
    (bytes_kept bytes) + the closer that closes what is still open.

    status: "complete", "truncated", "invalid", "runaway" or "empty".
    text: R (str, "" when nothing can be salvaged). closed: the JSON Pointers
    of the containers the closer closed, innermost first. error: an ErrorInfo
    for "invalid", else None. schema: the SchemaResult of schema= (None
    without a schema). value(): R parsed (None when R is empty)."""

    __slots__ = ("status", "bytes_kept", "closed", "error", "text", "closer", "schema")

    def __init__(self, t):
        self.status, self.bytes_kept, self.closed, err, self.text, self.closer = t[:6]
        self.error = _error(err)
        self.schema = SchemaResult(t[6]) if len(t) > 6 and t[6] is not None else None

    def value(self):
        """R parsed to Python objects (json.loads), or None when R is empty."""
        return _json.loads(self.text) if self.text else None

    def as_dict(self):
        """The salvage as `llmjson repair --report` prints it (same keys; with
        a schema, the "schema" member of `--schema FILE`)."""
        d = {"status": self.status, "bytes_kept": self.bytes_kept,
             "closed": list(self.closed),
             "error": self.error.as_dict() if self.error else None, "text": self.text}
        if self.schema is not None:
            d["schema"] = self.schema.as_dict()
        return d

    def __repr__(self):
        return "Salvage(status=%r, bytes_kept=%d, text=%r)" % (
            self.status, self.bytes_kept, self.text)


def repair(text, *, greedy=False, complete=False, whitespace_limit=256, repeat_limit=0,
           max_depth=512, schema=None):
    """Salvage a (possibly truncated or broken) JSON text, str or bytes.

    greedy: also keep a partial string value at the end (for live views).
    complete: the producer finished normally (a top-level number at the very
    end is then complete); by default the text was cut off.
    schema: a JSON Schema (dict, or JSON text) of the subset structured
    outputs use (docs/schema.md); the Salvage's .schema then holds its
    verdict. A schema outside the subset raises ValueError saying where."""
    return Salvage(_llmjson.repair(text, greedy=greedy, complete=complete,
                                   whitespace_limit=whitespace_limit,
                                   repeat_limit=repeat_limit, max_depth=max_depth,
                                   schema=_schema_text(schema)))


def parse_partial(text, **limits):
    """The greedy salvage of a partial JSON text as Python objects (None when
    nothing can be salvaged): what parsePartialJson/jiter's partial mode give,
    without inventing values."""
    return repair(text, greedy=True, **limits).value()


def partial_objects(deltas, *, greedy=True, whitespace_limit=256, repeat_limit=0,
                    max_depth=512):
    """For an iterable of text deltas (str), yield the partial value after
    every delta, in linear total time: one tracker, never a re-parse.

    The value yielded is the salvage of the text so far, parsed
    (repair(text_so_far, greedy=greedy).value()). It is ONE object, updated in
    place as the text grows: copy it (copy.deepcopy) to keep a snapshot.
    A partial string value costs a new str of its length per delta. After
    invalid JSON or a runaway the value stops changing; the iterator's
    .status says why ('ok' while viable) and .salvage() gives the details.

        for value in llmjson.partial_objects(
                c.choices[0].delta.content or "" for c in openai_stream):
            render(value)
    """
    return _llmjson.partial_objects(deltas, greedy=greedy, whitespace_limit=whitespace_limit,
                                    repeat_limit=repeat_limit, max_depth=max_depth)


class Tracker(_llmjson.Tracker):
    """An incremental, strict JSON reader fed in pieces of any size (the
    same events, errors and salvage for any split).

    feed(data) -> list[Event]; finish(complete=False) -> status;
    salvage(greedy=None) -> Salvage (greedy=None: the tracker's default).
    status: 'ok' while viable, then 'truncated'/'empty'/'ok' after finish, or
    the sticky error ('invalid', 'too_deep', 'too_long', 'runaway_whitespace',
    'runaway_repeat'); error: an ErrorInfo for the first three, else None.
    Invalid JSON and runaways are reported there, never raised; a call out
    of order (feed after finish) raises llmjson.Error. schema: a JSON
    Schema (dict or JSON text) checked as the text streams; see
    schema_result(). Not to be shared between threads."""

    __slots__ = ()

    def __init__(self, *, greedy=False, whitespace_limit=256, repeat_limit=0, max_depth=512,
                 schema=None):
        super().__init__(greedy=greedy, whitespace_limit=whitespace_limit,
                         repeat_limit=repeat_limit, max_depth=max_depth,
                         schema=_schema_text(schema))

    def salvage(self, greedy=None):
        return Salvage(self._salvage(greedy))

    def schema_result(self):
        """The verdict of schema= on the text so far (a SchemaResult), or None
        when the Tracker has no schema. A violation is known at the first
        byte at which no continuation of the text can conform."""
        t = self._schema()
        return None if t is None else SchemaResult(t)

    @property
    def error(self):
        return _error(_llmjson.Tracker.error.__get__(self))


class Stream(_llmjson.Stream):
    """A provider's streamed response: raw SSE (or Ollama NDJSON) bytes in,
    events out; report() is what `llmjson replay --report` prints for the
    same bytes, as a dict.

    dialect: "auto" (detected from the first event), "openai", "responses",
    "anthropic", "gemini", "ollama". content: "auto" (JSON when it starts
    with { or [), "json" or "text". Not to be shared between threads."""

    __slots__ = ()

    def __init__(self, dialect="auto", *, content="auto", whitespace_limit=256, repeat_limit=0,
                 max_depth=512):
        super().__init__(dialect, content=content, whitespace_limit=whitespace_limit,
                         repeat_limit=repeat_limit, max_depth=max_depth)

    def finish(self):
        """The end of the body: returns the events of a last event that lacked
        its blank line (usually []); .status is then the final status ('ok'
        when the stream ended as it should). Finishing twice is harmless."""
        return self._finish()[1]

    @property
    def error(self):
        return _error(self._error)

    def report(self, *, greedy=False):
        """The report of the whole stream (finishes it first), a dict equal to
        what `llmjson replay --report [--greedy]` prints for the same bytes."""
        return _json.loads(self._report(greedy=greedy))

