"""The hostile corpus, generated at test time (never committed as data).

Each case is a (relative path -> bytes) mapping written under a tmp_path tree. The structural
hostile cases of the foundation issue (symlinks, FIFOs, bad names, archive traversal and bombs)
are covered by tests/unit/sources/* and tests/e2e/test_foundation.py; this module adds hostile
*content*: huge single lines, deep nesting, odd encodings and parser crashers.
"""

from __future__ import annotations

from pathlib import Path

MIB = 1 << 20
DEPTH = 100_000

# A backdoor planted next to the hostile files: a scan of the whole tree must still report it.
PLANTED_PATH = "src/login.py"
PLANTED = (
    b"def check_login(user, password):\n"
    b'    if password == "s3cr3t-master":\n'
    b"        return True\n"
    b"    return db.verify(user, password)\n"
)
PLANTED_RULE = "py-auth-password-literal"
PLANTED_LINE = 2


def minified(size: int) -> bytes:
    """One line of minified-looking JavaScript of exactly `size` bytes."""
    unit = b"var a0=function(b,c){return b+c*2};a0(1,2);if(x&&y||z){q[0]=r.s(t,'u');}"
    return (unit * (size // len(unit) + 1))[:size]


def deep_nesting() -> dict[str, bytes]:
    """DEPTH-deep brackets and parentheses in C, Python, JavaScript and JSON."""
    return {
        "deep/paren.c": b"int x = " + b"(" * DEPTH + b"1" + b")" * DEPTH + b";\n",
        "deep/brace.c": b"void f(void) " + b"{" * DEPTH + b"}" * DEPTH + b"\n",
        "deep/list.py": b"x = " + b"[" * DEPTH + b"]" * DEPTH + b"\n",
        "deep/call.py": b"y = " + b"f(" * DEPTH + b")" * DEPTH + b"\n",
        "deep/array.js": b"const a = " + b"[" * DEPTH + b"]" * DEPTH + b";\n",
        "deep/object.js": b"let o = " + b"{a:" * DEPTH + b"1" + b"}" * DEPTH + b";\n",
        "deep/doc.json": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH + b"\n",
        "deep/unclosed.py": b"z = " + b"(" * DEPTH + b"\n",
        "deep/templates.cpp": b"A" + b"<A" * DEPTH + b">" * DEPTH + b" v;\n",
    }


def encodings() -> dict[str, bytes]:
    """The same source in UTF-16 (both BOMs), Latin-1, broken UTF-8, with BOMs and NULs."""
    text = 'def f():\n    return "caf\u00e9 \u2713"\n'
    return {
        "enc/utf16le.py": b"\xff\xfe" + text.encode("utf-16-le"),
        "enc/utf16be.py": b"\xfe\xff" + text.encode("utf-16-be"),
        "enc/utf8bom.py": b"\xef\xbb\xbf" + text.encode(),
        "enc/latin1.py": 'def f():\n    return "caf\u00e9"\n'.encode("latin-1"),
        "enc/broken.py": b"def f():\n    return '\xc3\x28 \xa0\xa1 \xf0\x28\x8c\x28 \xed\xa0'\n",
        "enc/nul.c": b"int main(void) {\x00 return 0; }\n\x00\x00",
        "enc/nul-late.js": b"function f() { return 1; }\n" * 400 + b"\x00tail\n",
        "enc/overlong.c": b'char *s = "\xc0\xaf\xe0\x80\xaf";\n',
        "enc/bom-in-middle.py": b"x = 1\n\xef\xbb\xbfy = 2\n",
    }


def crashers() -> dict[str, bytes]:
    """Source that crashes or hangs a naive parser or line-based tool."""
    return {
        "crash/unterminated-string.py": b'x = "' + b"a" * 200_000 + b"\n",
        "crash/unterminated-comment.c": b"/*" + b" * comment\n" * 50_000,
        "crash/long-identifier.c": b"int " + b"a" * MIB + b" = 1;\n",
        "crash/many-lines.py": b"\n" * MIB,
        "crash/cr-only.c": b"int a;\rint b;\r" * 20_000,
        "crash/semicolons.js": b";" * MIB,
        "crash/formfeeds.py": b"\x0c\x0b\x1c\x1d\x1e\x85" * 50_000,
        "crash/backslashes.sh": b"\\" * 300_000 + b"\n",
        "crash/heredoc.sh": b"cat <<EOF\n" + b"$(" * 50_000 + b"\n",
        "crash/regex-literal.js": b"x = /" + b"(a+)+" * 40_000 + b"/;\n",
        "crash/spaces.CMakeLists.txt": b"project(x)\n",
        "crash/CMakeLists.txt": b" " * (64 * 1024),
        "crash/php-open.php": b"<?php " * 100_000,
        "crash/ruby-heredocs.rb": b"x = <<~A\n" * 20_000,
        "crash/go-runes.go": b"package p\nvar r = '" + b"\\u" * 100_000 + b"\n",
    }


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    """Write a case mapping under `root`; returns `root`."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def all_cases() -> dict[str, bytes]:
    """Every content case of this module plus the planted backdoor (minified files excluded)."""
    return {**deep_nesting(), **encodings(), **crashers(), PLANTED_PATH: PLANTED}
