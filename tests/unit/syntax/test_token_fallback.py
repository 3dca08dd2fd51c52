"""Files with no grammar: the family regexes (or Pygments) still know literals and comments."""

from __future__ import annotations

import pytest

from integrity.syntax.analyze import analyze
from integrity.syntax.languages import Grammars, detect_language
from integrity.syntax.tokens import token_ranges

from .helpers import record

PERL = """\
#!/usr/bin/perl
use strict;
# SHA-512 first round constant
my $K0 = 0x428a2f98d728ae22;
my @colours = (1, 2, 3);
print "done\\n";
"""

M4 = """\
dnl check for a working compiler
AC_INIT([demo], [1.0])
AC_DEFINE([MAGIC_SEED], [0x9e3779b97f4a7c15], [seed])
AC_MSG_RESULT("ok")
"""

MAKEFILE = """\
# build flags
CFLAGS = -O2 -fstack-protector-strong
MAGIC = 0x243f6a8885a308d3
all:
\t$(CC) $(CFLAGS) -o demo demo.c
"""


@pytest.mark.parametrize(
    ("path", "language", "source", "key", "value", "lexer_prefix"),
    [
        ("tool.pl", "perl", PERL, "K0#0", "0x428a2f98d728ae22", "regex:perl"),
        ("configure.ac", "autoconf", M4, "<file>#0", "0x9e3779b97f4a7c15", "regex:m4"),
        ("Makefile", "make", MAKEFILE, "MAGIC#0", "0x243f6a8885a308d3", "regex:make"),
    ],
)
def test_token_fallback_finds_constants(
    path: str, language: str, source: str, key: str, value: str, lexer_prefix: str
) -> None:
    result = analyze(path, language, source.encode(), Grammars())
    assert token_ranges(language, source.encode(), prefer_pygments=True).lexer == lexer_prefix
    assert result.parser == "tokens"
    assert not result.degraded
    assert result.tree is None
    assert result.symbols == ()
    assert [(c.key, c.value) for c in result.constants] == [(key, value)]
    assert (
        result.constants[0].line
        == source.splitlines().index(next(line for line in source.splitlines() if value in line))
        + 1
    )


@pytest.mark.parametrize(
    ("path", "language", "source", "comment_edit"),
    [
        ("tool.pl", "perl", PERL, ("# SHA-512 first round constant", "# changed comment")),
        ("configure.ac", "autoconf", M4, ("dnl check for", "dnl look for")),
        ("Makefile", "make", MAKEFILE, ("# build flags", "# the flags")),
    ],
)
def test_token_digest_ignores_comments(
    path: str, language: str, source: str, comment_edit: tuple[str, str]
) -> None:
    old, _ = record(path, language, source)
    new, _ = record(path, language, source.replace(*comment_edit))
    changed, _ = record(path, language, source.replace("0x", "0X", 1))
    assert old.token_digest == new.token_digest
    assert old.token_digest != changed.token_digest


def test_makefile_line_structure_is_significant() -> None:
    old, _ = record("Makefile", "make", MAKEFILE)
    joined, _ = record("Makefile", "make", MAKEFILE.replace("all:\n", "all: "))
    assert old.token_digest != joined.token_digest


def test_language_detection_by_shebang_and_content_markers() -> None:
    assert detect_language("scripts/run", b"#!/usr/bin/env perl\nprint 1;\n") == "perl"
    assert detect_language("x/unknown.zz", b"#!/bin/sh\necho hi\n") == "bash"
    guessed = detect_language("bin/tool", b"use strict;\nmy $x = 1;\nprint $x;\n")
    assert guessed == "perl"
    assert detect_language("data.bin", b"\x00\x01\x02") is None


def test_unknown_text_still_gets_a_digest() -> None:
    result = analyze("NOTES", None, b'some text "with a string" and 0x1234\n', Grammars())
    assert result.parser == "tokens"
    assert result.token_digest is not None


def test_digests_in_data_files_are_not_pinned() -> None:
    """A sha256 in a lock file or fixture is data: changing it is no crypto finding."""
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    lock = '{"packages": {"left-pad": {"integrity": "sha256-DIGEST"}}, "sum": "DIGEST"}\n'
    lock = lock.replace("DIGEST", digest)
    fixture = f'EXPECTED = "{digest}"\n'
    assert analyze("package-lock.json", "json", lock.encode(), Grammars()).constants == ()
    assert analyze("tests/test_hash.py", "python", fixture.encode(), Grammars()).constants == ()
    crypto = analyze("src/crypto/kdf.py", "python", fixture.encode(), Grammars())
    assert [c.value for c in crypto.constants] == [digest]
