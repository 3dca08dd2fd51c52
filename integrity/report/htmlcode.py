"""Syntax highlighting and diffs for the HTML report (Pygments, class-based, never raising).

Text is display-escaped (``escape_text``) before Pygments sees it, so control, bidi and
zero-width characters show as visible escapes inside the highlighted code; Pygments then
HTML-escapes. Only class attributes are emitted (no inline styles, no links), which keeps the
page under a Content-Security-Policy without 'unsafe-inline'.
"""

from __future__ import annotations

import difflib
import fnmatch
import html
import posixpath
import re

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_for_filename
from pygments.lexers.diff import DiffLexer
from pygments.lexers.special import TextLexer

from integrity.report.escape import clip_lines, escape_text

CSS_CLASS = "hl"
_MAX_LINES = 200
_MAX_CHARS = 20_000
_SIMPLE_GLOB = re.compile(r"\*\.[^*?\[\].]+")
_WILDCARDS = frozenset("*?[")


def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass=CSS_CLASS, nowrap=False, noclasses=False)


def stylesheet() -> str:
    """The CSS rules of the highlighting classes, scoped under ``.hl``."""
    return str(_formatter().get_style_defs(f".{CSS_CLASS}"))  # type: ignore[no-untyped-call]


def _plain(text: str) -> str:
    return f'<div class="{CSS_CLASS}"><pre>{html.escape(text, quote=True)}</pre></div>'


def _text_lexer() -> Lexer:
    return TextLexer(stripnl=False, ensurenl=False)


def _lookup(name: str) -> Lexer:
    try:
        return get_lexer_for_filename(name, stripnl=False, ensurenl=False)
    except Exception:  # Pygments raises ClassNotFound, and anything may go wrong on odd names
        return _text_lexer()


class Highlighter:
    """Highlights for one report: one formatter, and lexers remembered per file-name key.

    Pygments picks a lexer by matching the base name against every lexer's glob patterns
    (about 1 ms a call). Names that match no literal or complex pattern can only match
    ``*.ext`` globs, so their lexer depends on the last suffix alone and is looked up once per
    suffix; other names are looked up once per name. Lives for one render: no global cache.
    """

    def __init__(self) -> None:
        self._formatter = _formatter()
        self._lexers: dict[str, Lexer] = {}
        literal: set[str] = set()
        complex_globs: list[re.Pattern[str]] = []
        for _name, _aliases, globs, _mimetypes in get_all_lexers():
            for glob in globs:
                if not _WILDCARDS.intersection(glob):
                    literal.add(glob)
                elif not _SIMPLE_GLOB.fullmatch(glob):
                    complex_globs.append(re.compile(fnmatch.translate(glob)))
        self._literal = frozenset(literal)
        self._complex = tuple(complex_globs)

    def lexer_for(self, path: str) -> Lexer:
        """A lexer guessed from the file name alone (content is never analysed); plain text
        when Pygments knows none or fails."""
        name = escape_text(posixpath.basename(path))
        if name in self._literal or any(glob.match(name) for glob in self._complex):
            key = "name:" + name
        else:
            key = "ext:" + (name.rsplit(".", 1)[1] if "." in name else "")
        lexer = self._lexers.get(key)
        if lexer is None:
            lexer = self._lexers[key] = _lookup(name)
        return lexer

    def code(self, code: str, lexer: Lexer) -> str:
        """`code` (from the tree) as a highlighted, escaped HTML block; plain on any error."""
        text = clip_lines(escape_text(code, multiline=True), _MAX_LINES, _MAX_CHARS)
        try:
            return str(highlight(text, lexer, self._formatter))
        except Exception:  # a lexer bug must never break the report
            return _plain(text)

    def diff(self, before: str, after: str, label: str) -> str:
        """The unified diff of before/after as a highlighted HTML block."""
        text = unified_diff(before, after, escape_text(label))
        if not text:
            return _plain("(no textual difference)")
        return self.code(text, DiffLexer(stripnl=False, ensurenl=False))


def lexer_for(path: str) -> Lexer:
    """Highlighter().lexer_for(path), for one-off use."""
    return Highlighter().lexer_for(path)


def highlight_code(code: str, lexer: Lexer) -> str:
    """Highlighter().code(code, lexer), for one-off use."""
    return Highlighter().code(code, lexer)


def unified_diff(before: str, after: str, label: str) -> str:
    """A unified diff of two versions of a function, as text (display-escaped lines)."""
    old = escape_text(before, multiline=True).split("\n")
    new = escape_text(after, multiline=True).split("\n")
    lines = difflib.unified_diff(
        old, new, fromfile=f"before/{label}", tofile=f"after/{label}", lineterm="", n=3
    )
    text = "\n".join(lines)
    return text + "\n" if text else ""
