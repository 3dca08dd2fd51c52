"""escape.py: unsafe characters become visible escapes; Markdown and HTML specials neutralised."""

from __future__ import annotations

import pytest

from integrity.report.escape import (
    clip,
    clip_lines,
    escape_html,
    escape_markdown,
    escape_text,
    has_unsafe,
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain/path.c", "plain/path.c"),
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("a\rb", "a\\x0db"),
        ("a\nb", "a\\x0ab"),
        ("a\tb", "a\\x09b"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b", "c1\\x9b"),
        ("rlo\u202eend", "rlo\\u202eend"),
        ("lri\u2066x\u2069", "lri\\u2066x\\u2069"),
        ("zw\u200bsp\u200d", "zw\\u200bsp\\u200d"),
        ("bom\ufeff", "bom\\ufeff"),
        ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
        ("caf\udce9", "caf\\xe9"),
        ("hi\ud800", "hi\\ud800"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("caf\u00e9 \u4e2d", "caf\u00e9 \u4e2d"),
        ("nb\u00a0sp", "nb\\xa0sp"),
        ("ideo\u3000sp", "ideo\\u3000sp"),
        ("hangul\u3164filler", "hangul\\u3164filler"),
        ("vs\ufe0f", "vs\\ufe0f"),
        ("vs\U000e0100", "vs\\U000e0100"),
        ("pua\ue000", "pua\\ue000"),
        ("cgj\u034f", "cgj\\u034f"),
    ],
)
def test_escape_text(raw: str, shown: str) -> None:
    assert escape_text(raw) == shown


def test_multiline_keeps_newline_and_tab_but_not_cr() -> None:
    assert escape_text("a\n\tb\r\n", multiline=True) == "a\n\tb\\x0d\n"


def test_escaped_text_encodes_as_utf8() -> None:
    escape_text("\udcff\udc80\ud83d").encode("utf-8")  # no UnicodeEncodeError


def test_has_unsafe() -> None:
    assert has_unsafe("x\u202e")
    assert not has_unsafe("x y")


def test_escape_html_quotes() -> None:
    assert escape_html("<a href=\"x\" onclick='y'>&") == (
        "&lt;a href=&quot;x&quot; onclick=&#x27;y&#x27;&gt;&amp;"
    )


def test_escape_markdown_neutralises_markdown_and_html() -> None:
    out = escape_markdown("| [x](javascript:alert(1)) `c` *b* _i_ ~s~ @u #1 <b> \\ \u202e")
    for char in "|[]`*_~@#<>\\:":
        assert char not in out.replace("&#", "").replace(";", "")
    assert "\u202e" not in out
    assert "&#124;" in out
    assert "&#92;u202e" in out


def test_clip() -> None:
    assert clip("abcdef", 10) == "abcdef"
    assert clip("abcdefghijkl", 8) == "abcde..."
    assert len(clip("x" * 100, 8)) == 8


def test_clip_lines() -> None:
    assert clip_lines("a\nb", 5, 100) == "a\nb"
    assert clip_lines("a\nb\nc", 2, 100) == "a\nb\n[... truncated]"
    assert clip_lines("abcdef", 5, 3) == "abc\n[... truncated]"
