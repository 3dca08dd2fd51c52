"""Files whose name says nothing get a language from cheap content markers (no Pygments)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrity.syntax.languages import EXTENSIONS, FILENAMES, detect_language, guess_language
from integrity.syntax.sniff import sniff_language


@pytest.mark.parametrize(
    ("head", "language"),
    [
        (b'<?xml version="1.0"?>\n<Project>\n</Project>\n', "xml"),
        (b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\n<a/>', "xml"),
        (b"<testcase>\n<info>\n<keywords>\nHTTP\n</keywords>\n</info>\n", "xml"),
        (b"  <!-- generated -->\n<root><item>1</item></root>\n", "xml"),
        (b"<!DOCTYPE html>\n<html><body>x</body></html>\n", "html"),
        (b"<html>\n<head><title>t</title></head>\n", "html"),
        (b"<!DOCTYPE refentry PUBLIC '-//OASIS//DTD DocBook XML V4.1.2//EN'>\n", "xml"),
        (b'.\\" Copyright\n.TH CURL 1\n', "groff"),
        (b'\'\\" t\n.\\"\n.TH XZ 1\n', "groff"),
        (b".TH SSH 1\n.SH NAME\n", "groff"),
        (b".Dd $Mdocdate$\n.Dt SSH 1\n", "groff"),
        (b"[Unit]\nDescription=OpenBSD Secure Shell server\n", "ini"),
        (b"#!/usr/bin/perl\n", None),  # shebangs are guess_language's (by name and shebang)
        (b"use strict;\nuse warnings;\nprint 1;\n", "perl"),
        (b"my $x = 1;\nprint $x;\n", "perl"),
        (b"'''apport hook'''\n\nfrom apport.hookutils import (\n    attach_file)\n", "python"),
        (b"import os\nprint(os.getcwd())\n", "python"),
        (b"<html><?php echo 1; ?></html>", "php"),
    ],
)
def test_markers(head: bytes, language: str | None) -> None:
    assert sniff_language(head) == language


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x00\x01binary",
        b"2023-01-02  Jane Doe  <jane@example.org>\n\n\t* configure.ac: bump.\n",
        b"Known bugs\n 2.4 Secure Transport will not import PKCS#12 certificates\n",
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n"my $x = 1 is perl"\n',
        b"Some prose where my $5 went <somewhere> and back.\n",
        b"...and so on.\n",
        b"[ ] todo item\nmore text\n",
    ],
)
def test_no_marker_no_language(head: bytes) -> None:
    assert sniff_language(head) is None


def test_names_win_over_content() -> None:
    assert detect_language("po/fr.po", b'# my $x = 1\nmsgid ""\n') == "gettext"
    assert detect_language("sudo.pot", b"") == "gettext"
    assert detect_language("tests/data/test1", b"<testcase>\n<a>1</a>\n") == "xml"
    assert detect_language("docs/KNOWN_BUGS", b"we import stuff\n") is None


_SEGMENT = st.text(alphabet="abcMK.-_1", min_size=1, max_size=8).filter(
    lambda s: s not in (".", "..")
)


@given(st.lists(_SEGMENT, min_size=1, max_size=4))
def test_name_and_suffix_as_pathlib_reads_them(segments: list[str]) -> None:
    path = "/".join(segments)
    name = PurePosixPath(path).name
    expected = EXTENSIONS.get(PurePosixPath(name.lower()).suffix)
    found = guess_language(path)
    if name in FILENAMES or name.startswith(".env.") or name.lower().startswith("makefile"):
        return
    assert found == expected
