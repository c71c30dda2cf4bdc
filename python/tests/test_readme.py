"""The README's Python example runs and prints what the README says."""
import os
import re
import subprocess
import sys

from conftest import ROOT


def block(text, name):
    m = re.search(r"<!-- %s:begin -->\n```[a-z]*\n(.*?)```\n<!-- %s:end -->" % (name, name),
                  text, re.S)
    assert m, "no %s block in README.md" % name
    return m.group(1)


def test_readme_example():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    code, want = block(text, "python-example"), block(text, "python-output")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert res.returncode == 0, res.stderr
    assert res.stdout == want
