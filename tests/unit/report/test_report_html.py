"""html.py / htmlcode.py: one self-contained page under a strict CSP; nothing from the tree acts."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import replace
from html.parser import HTMLParser

from pygments.lexers import get_lexer_for_filename
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from integrity.model import ScanResult
from integrity.report import html
from integrity.report.htmlcode import Highlighter, highlight_code, lexer_for, unified_diff

_RAW = ("\x1b", "\r", "\u202e", "\u2066", "\u2069", "\u200b", "\udce9")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: dict[str, str] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, attrs))
        self._current = tag

    def handle_data(self, data: str) -> None:
        if self._current in ("style", "script"):
            self.data[self._current] = self.data.get(self._current, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._current = None


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_allows_exactly_the_inline_style_and_script(sample: ScanResult) -> None:
    page = html.render(sample)
    tags = _parse(page)
    metas = [dict(attrs) for tag, attrs in tags.starts if tag == "meta"]
    csp = next(m["content"] for m in metas if m.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["style-src"] == _sha(tags.data["style"])
    assert directives["script-src"] == _sha(tags.data["script"])
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert [tag for tag, _ in tags.starts].count("script") == 1
    assert [tag for tag, _ in tags.starts].count("style") == 1


def test_self_contained_no_urls_no_links_no_handlers(sample: ScanResult) -> None:
    page = html.render(sample)
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    for tag, attrs in _parse(page).starts:
        for name, _value in attrs:
            assert name not in ("href", "src", "action", "style", "srcdoc"), (tag, name)
            assert not name.startswith("on"), (tag, name)


def test_no_injection_from_the_tree(sample: ScanResult) -> None:
    page = html.render(sample)
    assert "<script>alert" not in page
    assert "<b>bold</b>" not in page
    for _tag, attrs in _parse(page).starts:  # javascript: only ever appears as element text
        assert not any("javascript" in (value or "").lower() for _name, value in attrs)
    assert "&lt;script&gt;" in page or '&lt;</span><span class="nt">script' in page
    for char in _RAW:
        assert char not in page, repr(char)
    assert page.isascii()
    tags = {tag for tag, _ in _parse(page).starts}
    assert "a" not in tags and "b" not in tags and "iframe" not in tags


def test_content_sections(sample: ScanResult) -> None:
    page = html.render(sample)
    assert '<span class="fail">FAIL</span>' in page
    assert "<th>auth-bypass</th>" in page
    assert 'class="finding sev-critical cat-auth-bypass"' in page
    waived_at = page.index("<h2>Waived findings (1)</h2>")
    changes_at = page.index("<h2>Changed files (7)</h2>")
    waived = page[waived_at:changes_at]
    assert "build-flag-removed" in waived
    assert "<dt>reviewer</dt><dd>alice@example.org</dd>" in waived
    assert "stack protector set in toolchain file &lt;see #12&gt;" in waived
    changes = page[changes_at:]
    assert "<code>verify_user</code> (was <code>check_user</code>)" in changes
    assert "<code>lib/util.py</code>" in changes
    assert "tools/\\x1b[31mred\\x1b[0m\\x0aname.sh" in changes
    assert "bin/caf\\xe9.bin" in changes


def test_snippets_are_highlighted_and_diff_shown(sample: ScanResult) -> None:
    page = html.render(sample)
    assert '<span class="k">if</span>' in page  # C lexer guessed from src/auth/login.c
    assert "<summary>Before/after diff</summary>" in page
    assert '<span class="gi">+        return 1;</span>' in page
    assert '<span class="gd">--- before/check_password</span>' in page


def test_filters_are_progressive(sample: ScanResult) -> None:
    page = html.render(sample)
    assert '<fieldset id="filters" hidden>' in page  # invisible until the script runs
    values = re.findall(r'<input type="checkbox" checked value="([a-z-]+)">', page)
    assert "sev-critical" in values and "cat-trojan-source" in values


def test_lexer_fallbacks() -> None:
    assert isinstance(lexer_for("no-extension"), TextLexer)
    assert isinstance(lexer_for("weird\udce9\x1b.zzz-unknown"), TextLexer)
    assert lexer_for("a/b/c.py").name == "Python"


def test_highlight_never_raises() -> None:
    class Broken(TextLexer):
        def get_tokens_unprocessed(self, text, stack=("root",)):  # type: ignore[no-untyped-def,override]
            raise RuntimeError("lexer bug")

    out = highlight_code("<x>\u202e", Broken())
    assert out == '<div class="hl"><pre>&lt;x&gt;\\u202e</pre></div>'


def test_unified_diff_escapes() -> None:
    diff = unified_diff("a\n", "a\u202e\n", "f")
    assert "+a\\u202e" in diff
    assert "\u202e" not in diff


def test_empty_result(sample: ScanResult) -> None:
    page = html.render(replace(sample, findings=(), changes=()))
    assert "<p>No open findings.</p>" in page
    assert "<p>No changes.</p>" in page


def test_highlighter_cache_agrees_with_pygments() -> None:
    names = [
        "CMakeLists.txt",
        "requirements.txt",
        "notes.txt",
        "Makefile",
        "GNUmakefile",
        "x.mk",
        "a.c",
        "b.h",
        "c.hpp",
        "Dockerfile",
        "app.Dockerfile",
        "x.cmake",
        "build.gradle",
        "setup.py",
        "SETUP.PY",
        "x.js",
        "y.ts",
        "z.go",
        "PKGBUILD",
        "configure.ac",
        "meson.build",
        "x.spec",
        "noext",
        "trailing.",
        ".bashrc",
        "a.sh",
    ]
    hl = Highlighter()
    for name in names * 2:  # the second pass is served from the per-render cache
        try:
            expected = get_lexer_for_filename(name).name
        except ClassNotFound:
            expected = TextLexer().name
        assert hl.lexer_for(f"dir/{name}").name == expected, name
