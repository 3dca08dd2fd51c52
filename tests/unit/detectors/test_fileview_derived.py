"""FileView derives decoded text, line index, lowercase content and keyword hits once."""

from __future__ import annotations

from dataclasses import replace

from integrity.detectors.base import FileView, LineIndex
from integrity.detectors.common import keywords_in, lower_keywords


def _old_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def test_line_index_matches_a_newline_scan() -> None:
    for text in ("", "a", "\n", "a\nb", "a\n\nb\n", "x\r\ny\u2028z\n\n"):
        index = LineIndex(text)
        starts = _old_starts(text)
        for offset in range(len(text) + 1):
            assert index.line(offset) == sum(1 for s in starts if s <= offset)
    index = LineIndex("one\ntwo\nthree")
    assert index.lines(2, 3) == "two\nthree"
    assert index.lines(3, 9) == "three"


def test_text_and_index_are_computed_once_and_follow_the_decoding() -> None:
    view = FileView(path="a.c", language="c", after=b"ok\xff\nline two\n")
    assert not view.is_utf8()
    assert view.text() == "ok\udcff\nline two\n"
    assert view.text("replace") == "ok\ufffd\nline two\n"
    assert view.text() is view.text()
    assert view.line_index() is view.line_index()
    assert view.line_index("replace").line(4) == 2
    good = FileView(path="b.c", language="c", after="é\nx".encode())
    assert good.is_utf8()
    assert good.text() is good.text("replace")
    assert good.line_index() is good.line_index("replace")


def test_keywords_are_ascii_case_insensitive_and_not_shared_by_replace() -> None:
    view = FileView(path="a.sh", language="bash", after=b"Run GETENV and \xc3\x89t\xc3\xa9")
    assert keywords_in(view, lower_keywords(["getenv"]))
    assert keywords_in(view, ()) is True
    assert not keywords_in(view, lower_keywords(["popen", "system"]))
    # bytes.lower() leaves non-ASCII alone, so a lowercased non-ASCII keyword does not match
    assert not keywords_in(view, lower_keywords(["ÉTÉ"]))
    other = replace(view, after=b"popen")
    assert keywords_in(other, lower_keywords(["popen"]))
    assert not keywords_in(other, lower_keywords(["getenv"]))
    assert view == replace(view)
