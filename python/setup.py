"""Build the llmjson Python package: one C extension, llmjson._llmjson, that
compiles the library's own sources (the repository's src/) into itself, so
the module needs no shared library at run time. Nothing is downloaded:

    python3 -m pip install --no-build-isolation ./python

needs only a C compiler, the Python headers (python3-dev), setuptools and
yajl's and PCRE2's headers and libraries (libyajl-dev, libpcre2-dev). The HTTP client (src/http.c, which
needs libcurl) is left out: the package decodes streams, it does not fetch them.
"""
import glob
import os
import shutil
import subprocess

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SRC = os.path.join(ROOT, "src")

if not os.path.isfile(os.path.join(ROOT, "include", "llmjson.h")):
    raise SystemExit(
        "llmjson: the library sources are not next to this folder (expected %s); "
        "install from the repository: python3 -m pip install --no-build-isolation ./python" % SRC
    )


def lib_sources():
    found = []
    for pattern in ("*.c", "dialect/*.c", "schema/*.c"):
        found += sorted(glob.glob(os.path.join(SRC, pattern)))
    # The HTTP client is not part of the package (no libcurl needed).
    found = [p for p in found if os.path.basename(p) != "http.c"]
    # `llmjson replay --report` is printed by the tool's own code: compiled
    # in, so Stream.report() is that report, not a copy of it.
    found += [os.path.join(SRC, "cli", n) for n in ("report.c", "cmd_replay.c", "common.c", "live.c", "schema.c")
              if os.path.exists(os.path.join(SRC, "cli", n))]
    return found


# yajl always; PCRE2 for the schema validator's `pattern` (src/schema/).
DEPS = ["yajl", "libpcre2-8"]


def pkg_config(flag, default):
    exe = shutil.which("pkg-config")
    if exe:
        try:
            out = subprocess.run([exe, flag] + DEPS, check=True, capture_output=True, text=True)
            return out.stdout.split()
        except (OSError, subprocess.CalledProcessError):
            pass
    return default


yajl_cflags = pkg_config("--cflags", [])
yajl_libs = pkg_config("--libs", ["-lyajl", "-lpcre2-8"])

ext = Extension(
    "llmjson._llmjson",
    sources=[os.path.join("src", "_llmjson.c")] + lib_sources(),
    include_dirs=[os.path.join(ROOT, "include"), SRC, os.path.join(SRC, "cli")],
    define_macros=[("LLMJ_BUILDING", None), ("_POSIX_C_SOURCE", "200809L")],
    extra_compile_args=["-std=c11", "-fvisibility=hidden", "-Wall", "-Wextra",
                        "-Wno-missing-field-initializers"] + yajl_cflags,
    extra_link_args=yajl_libs,
)

setup(
    name="llmjson",
    version="0.1.0",
    description="JSON that LLMs stream: live events, runaway detection, salvage of truncated output",
    packages=["llmjson"],
    package_data={"llmjson": ["py.typed", "*.pyi"]},
    ext_modules=[ext],
    python_requires=">=3.10",
)
