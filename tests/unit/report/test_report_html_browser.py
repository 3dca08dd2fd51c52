"""The HTML report in a real browser (headless Chromium): the CSP hashes admit the page's own
style and script, the filters work, and a tampered page is blocked. Skipped without Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from integrity.model import ScanResult
from integrity.report import html

pytestmark = pytest.mark.browser

_BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

_PROBE = """
(function () {
  var box = document.querySelector('input[value="sev-critical"]');
  box.checked = false;
  box.dispatchEvent(new Event("change"));
  var article = document.querySelector("article.sev-critical");
  var filtered = getComputedStyle(article).display === "none";
  var styled = getComputedStyle(document.body).maxWidth === "1100px";
  document.title = "probe:" + filtered + ":" + styled;
})();
"""


def _dump_dom(page: str, tmp_path: Path, name: str) -> str:
    if _BROWSER is None:
        pytest.skip("headless Chromium is not installed")
    target = tmp_path / f"{name}.html"
    target.write_text(page, encoding="utf-8")
    command = [
        _BROWSER,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        target.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _between(page: str, tag: str) -> str:
    match = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.DOTALL)
    assert match is not None
    return match.group(1)


def _with_probe(page: str, style: str) -> str:
    """The page with the probe appended to its script and the CSP recomputed for it."""
    script = _between(page, "script")
    old_csp = html.content_security_policy(_between(page, "style"), script)
    new_csp = html.content_security_policy(style, script + _PROBE)
    assert old_csp in page
    page = page.replace(old_csp, new_csp)
    return page.replace(f"<script>{script}</script>", f"<script>{script}{_PROBE}</script>")


def test_script_runs_under_the_csp(sample: ScanResult, tmp_path: Path) -> None:
    dom = _dump_dom(html.render(sample), tmp_path, "page")
    assert '<fieldset id="filters">' in dom  # the script removed `hidden`
    assert "<script>alert" not in dom


def test_style_applies_and_filters_hide_findings(sample: ScanResult, tmp_path: Path) -> None:
    page = html.render(sample)
    dom = _dump_dom(_with_probe(page, _between(page, "style")), tmp_path, "probe")
    assert "<title>probe:true:true</title>" in dom


def test_tampered_style_is_blocked(sample: ScanResult, tmp_path: Path) -> None:
    page = html.render(sample)
    probe = _with_probe(page, _between(page, "style"))
    tampered = probe.replace("<style>", "<style>/* changed */", 1)
    dom = _dump_dom(tampered, tmp_path, "tampered")
    # the script ran (the title is set) but no style applied: not even .filtered{display:none}
    assert "<title>probe:false:false</title>" in dom
