"""Shared helpers: the repository root, the C tool under test (built from the
same tree) and its reports, which the Python package must equal."""
import json
import os
import subprocess

import pytest

ROOT = os.environ.get("LLMJ_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TOOL = os.environ.get("LLMJ_TOOL") or os.path.join(ROOT, "build", "llmjson")


def tool(*args, data=None):
    """Run the C tool; its stdout (bytes). A missing tool is a failure."""
    assert os.access(TOOL, os.X_OK), "the llmjson tool is not built: %s (run make)" % TOOL
    res = subprocess.run([TOOL, *args], input=data, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    # the verdicts (README.md, "Exit status"); 1 is a failure of the tool
    assert res.returncode in (0, 2, 3, 4, 5, 6, 9), (args, res.returncode, res.stderr)
    return res.stdout


_REPORTS = {}  # (text, greedy) -> the tool's report: tests share the tool's runs


def tool_reports(texts, greedy=False):
    """`llmjson repair --report` of every text (bytes), as dicts: one run of
    --lines for the texts that are UTF-8, one run each for the others."""
    flags = ["--greedy"] if greedy else []
    todo = [t for t in dict.fromkeys(texts) if (t, greedy) not in _REPORTS]
    lines = []
    for t in todo:
        try:
            lines.append((t, json.dumps(t.decode("utf-8"))))
        except UnicodeDecodeError:
            _REPORTS[(t, greedy)] = json.loads(tool("repair", "--report", *flags, "-", data=t))
    if lines:
        got = tool("repair", "--lines", "--report", *flags, "-",
                   data=("\n".join(l for _, l in lines) + "\n").encode()).decode().splitlines()
        assert len(got) == len(lines)
        for (t, _), line in zip(lines, got):
            _REPORTS[(t, greedy)] = json.loads(line)
    return [_REPORTS[(t, greedy)] for t in texts]


def corpus(sub, *exts):
    d = os.path.join(ROOT, "corpus", sub)
    names = sorted(n for n in os.listdir(d) if n.endswith(exts))
    assert names, "no corpus files in %s" % d
    return [os.path.join(d, n) for n in names]


@pytest.fixture(scope="session")
def json_docs():
    docs = []
    for p in corpus("json", ".json"):
        with open(p, "rb") as f:
            docs.append((os.path.basename(p), f.read()))
    return docs
