"""The HTML report of a hostile tree, opened in headless Chromium: findings shown, nothing runs.

The scanned tree holds `<script>alert(1)</script>` and `javascript:` payloads in file names and
file content, plus payloads that would set document.title or add an element if they ever ran.
The CLI writes the HTML report; Chromium loads it, the DOM after scripts ran is dumped and
inspected, and a screenshot is kept as tests/artifacts/report.png. Skipped without Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

SCRIPT_NAME = "<script>alert(1)</script>.py"  # a directory "<script>alert(1)<" + "script>.py"
JS_NAME = "javascript:alert(1).py"
SCRIPT_FILE = """import os


def handler(request):
    os.system("<script>document.title='pwned'</script>" + request.args["host"])
    return "<a href='javascript:alert(1)'>click</a>"
"""
REVIEWER = "<b onmouseover=alert(1)>eve</b>"
IMG = "<img src=x onerror=\\\"document.body.appendChild(document.createElement('pwned-el'))\\\">"
JS_FILE = f"""import os


def run(request):
    exec("{IMG}" + request.args["q"])
"""


def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    return found


class Dom(HTMLParser):
    """Tags, attributes, script bodies, title and text of a dumped DOM."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        current = self._in[-1] if self._in else ""
        if current == "script":
            self.scripts[-1] += data
        elif current == "title":
            self.title += data
        else:
            self.text.append(data)


def _chromium(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_html_report_in_headless_chromium(run_cli: Callable[..., Any], workdir: Path) -> None:
    browser = _browser()
    tree = workdir / "tree"
    (tree / "<script>alert(1)<").mkdir(parents=True)
    (tree / SCRIPT_NAME).write_text(SCRIPT_FILE, encoding="utf-8")
    (tree / JS_NAME).write_text(JS_FILE, encoding="utf-8")
    scanned = run_cli("scan", str(tree), "--format", "json", "--quiet")
    fingerprint = next(
        f["fingerprint"] for f in json.loads(scanned.stdout)["findings"] if f["path"] == JS_NAME
    )
    (workdir / "w.toml").write_text(
        f'[[waiver]]\nfingerprint = "{fingerprint}"\nreviewer = "{REVIEWER}"\n'
        'reason = "javascript:alert(2) <script>alert(3)</script>"\ndate = 2026-01-01\n',
        encoding="utf-8",
    )
    report = workdir / "report.html"
    done = run_cli(
        "scan", str(tree), "--format", "html", "-o", str(report), "--quiet", "--waivers", "w.toml"
    )
    assert done.code == 1, done.stderr  # one high finding open, one waived

    dumped = _chromium(browser, workdir / "profile-dom", "--dump-dom", report.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Dom()
    dom.feed(dumped.stdout)
    text = " ".join(dom.text)

    # the findings are rendered, hostile names shown as text
    assert text.count("py-exec-untrusted-input") >= 2
    assert SCRIPT_NAME in text and JS_NAME in text
    assert "document.title='pwned'" in text
    assert "Waived findings (1)" in text and REVIEWER in text
    assert "javascript:alert(2) <script>alert(3)</script>" in text

    # nothing was injected and nothing ran
    assert "pwned" not in dom.title and dom.title.startswith("integrity report")
    names = [tag for tag, _ in dom.tags]
    assert "pwned-el" not in names
    assert "img" not in names and "iframe" not in names and "object" not in names
    for tag, attrs in dom.tags:
        assert not any(key.startswith("on") for key in attrs), (tag, attrs)
        for key in ("href", "src", "action", "formaction"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith("javascript:"), (tag, attrs)
    assert all("alert(" not in body and "pwned" not in body for body in dom.scripts)
    assert names.count("script") == len(dom.scripts) <= 1  # at most the report's own script

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    taken = _chromium(
        browser,
        workdir / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        report.as_uri(),
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
