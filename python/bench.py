"""Benchmark: partial_objects() over a 100 KB and a 1 MB JSON answer fed in
4-character deltas, side by side with what Python code does today:

  baseline  pure Python: keep the bracket stack incrementally, then after every
            delta json.loads(text + closing brackets) (the last good value
            when that fails) — a re-parse of the whole text per delta;
  jiter     jiter.from_json(text, partial_mode="trailing-strings") per delta
            (what the OpenAI SDK does), where installed;
  partial_json_parser  partial_json_parser.loads(text) per delta, where installed.

The re-parsing ones are quadratic: each runs for at most BUDGET seconds per
size; when it does not finish, the time it would take is estimated from the
deltas it did (cost per delta grows with the text: total ~ t * (N/n)^2) and
printed with a '~'. Run: python3 python/bench.py (after installing the
package), or make bench.
"""
import json
import os
import random
import sys
import time

# The installed package, not the source folder next to this script.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import llmjson  # noqa: E402

BUDGET = 3.0
DELTA = 4


def answer(size):
    """An LLM-like JSON answer of about size bytes (deterministic)."""
    rnd = random.Random(size)
    words = ("the model returns structured output with fields and nested lists of "
             "values for each item in the catalogue including names prices and notes").split()
    items = []
    total = 0
    while total < size:
        item = {
            "id": len(items),
            "name": " ".join(rnd.choice(words) for _ in range(3)).title(),
            "price": round(rnd.uniform(1, 500), 2),
            "tags": [rnd.choice(words) for _ in range(rnd.randint(1, 4))],
            "in_stock": rnd.random() < 0.7,
            "note": " ".join(rnd.choice(words) for _ in range(rnd.randint(5, 25))),
            "dims": {"w": rnd.randint(1, 100), "h": rnd.randint(1, 100), "unit": "cm"},
        }
        items.append(item)
        total += len(json.dumps(item)) + 1
    return json.dumps({"summary": "catalogue", "count": len(items), "items": items})


def deltas_of(text):
    return [text[i:i + DELTA] for i in range(0, len(text), DELTA)]


class Closer:
    """The pure-Python baseline's incremental bracket tracking."""

    def __init__(self):
        self.stack = []
        self.in_str = False
        self.esc = False

    def feed(self, delta):
        for ch in delta:
            if self.in_str:
                if self.esc:
                    self.esc = False
                elif ch == "\\":
                    self.esc = True
                elif ch == '"':
                    self.in_str = False
            elif ch == '"':
                self.in_str = True
            elif ch in "[{":
                self.stack.append("]" if ch == "[" else "}")
            elif ch in "]}":
                if self.stack:
                    self.stack.pop()

    def closer(self):
        return ('"' if self.in_str else "") + "".join(reversed(self.stack))


def run_baseline(deltas, budget):
    c = Closer()
    parts, last = [], None
    t0 = time.perf_counter()
    for n, d in enumerate(deltas, 1):
        parts.append(d)
        c.feed(d)
        text = "".join(parts)
        try:
            last = json.loads(text + c.closer())
        except ValueError:
            pass
        if time.perf_counter() - t0 > budget:
            return time.perf_counter() - t0, n, last
    return time.perf_counter() - t0, len(deltas), last


def run_reparse(fn, deltas, budget):
    parts, last = [], None
    t0 = time.perf_counter()
    for n, d in enumerate(deltas, 1):
        parts.append(d)
        try:
            last = fn("".join(parts))
        except Exception:  # a peer's own error on a partial text: keep the last value
            pass
        if time.perf_counter() - t0 > budget:
            return time.perf_counter() - t0, n, last
    return time.perf_counter() - t0, len(deltas), last


def run_llmjson(deltas):
    t0 = time.perf_counter()
    last = None
    for last in llmjson.partial_objects(deltas):
        pass
    return time.perf_counter() - t0, len(deltas), last


def fmt(res, total):
    secs, done, _ = res
    if done == total:
        return "%9.3f s" % secs
    est = secs * (total / done) ** 2
    return "~%8.1f s" % est


def main():
    peers = []
    try:
        import jiter  # noqa: F401
        peers.append(("jiter", lambda s: jiter.from_json(s.encode(), partial_mode="trailing-strings")))
    except ImportError:
        print("jiter: not installed (not measured)")
    try:
        import partial_json_parser  # noqa: F401
        peers.append(("partial_json_parser", partial_json_parser.loads))
    except ImportError:
        print("partial_json_parser: not installed (not measured)")
    cols = ["size", "deltas", "llmjson", "baseline"] + [p[0] for p in peers] + ["baseline/llmjson"]
    print("partial_objects over an answer in %d-character deltas (~: estimated, see bench.py)" % DELTA)
    print("  ".join("%12s" % c for c in cols))
    for size in (100_000, 1_000_000):
        text = answer(size)
        deltas = deltas_of(text)
        mine = run_llmjson(deltas)
        assert mine[2] == json.loads(text), "llmjson's last value is not the answer"
        base = run_baseline(deltas, BUDGET)
        if base[1] == len(deltas):
            assert base[2] == json.loads(text)
        row = ["%d KB" % (len(text) // 1000), "%d" % len(deltas), fmt(mine, len(deltas)),
               fmt(base, len(deltas))]
        for _, fn in peers:
            row.append(fmt(run_reparse(fn, deltas, BUDGET), len(deltas)))
        base_total = base[0] * (len(deltas) / base[1]) ** 2
        row.append("%.0fx" % (base_total / mine[0]))
        print("  ".join("%12s" % c for c in row))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
