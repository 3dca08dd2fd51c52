"""HTML report: one self-contained page, readable with scripts disabled.

Inline CSS and one small inline script, both allowed by hash in a strict Content-Security-Policy
(``default-src 'none'``, no 'unsafe-inline'). No URL and no href is ever emitted, so nothing
from the tree can become a link. Every string from the tree is display-escaped and then
HTML-escaped with quotes; class names come only from closed enums. The page is pure ASCII
(other characters become numeric references).
"""

from __future__ import annotations

import base64
import hashlib

from integrity.model import Category, Change, Finding, ScanResult
from integrity.report.common import (
    SEVERITIES_DESC,
    category_severity_counts,
    closed_findings,
    line_span,
    open_findings,
    sorted_changes,
    summary_line,
)
from integrity.report.escape import escape_html
from integrity.report.htmlcode import Highlighter, stylesheet

_BASE_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em;color:#1b1f23}
h1,h2,h3{line-height:1.2}h3{font-size:1em;margin:0 0 .4em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:.2em .5em}
th{background:#f6f8fa;text-align:left}td.n{text-align:right}
.finding{border:1px solid #d0d7de;border-left-width:6px;border-radius:4px}
.finding{margin:.8em 0;padding:.6em}
.sev-critical{border-left-color:#8b0000}.sev-high{border-left-color:#d1242f}
.sev-medium{border-left-color:#bf8700}.sev-low{border-left-color:#0969da}
.sev-info{border-left-color:#8c959f}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;color:#fff;background:#57606a}
.badge.sev-critical{background:#8b0000}.badge.sev-high{background:#d1242f}
.badge.sev-medium{background:#9a6700}.badge.sev-low{background:#0969da}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{overflow:auto;padding:.4em;margin:.3em 0}
dl{display:grid;grid-template-columns:max-content auto;gap:0 1em;margin:.3em 0}dd{margin:0}
.fail{color:#d1242f}.pass{color:#1a7f37}.filtered{display:none}
fieldset{border:1px solid #d0d7de;margin:.5em 0}label{margin-right:1em;white-space:nowrap}
"""

_SCRIPT = """
(function () {
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  bar.hidden = false;
  var boxes = bar.querySelectorAll("input[type=checkbox]");
  var items = document.querySelectorAll(".finding");
  function apply() {
    var hidden = [];
    boxes.forEach(function (box) { if (!box.checked) { hidden.push(box.value); } });
    items.forEach(function (item) {
      var off = hidden.some(function (name) { return item.classList.contains(name); });
      item.classList.toggle("filtered", off);
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  apply();
})();
"""


def _csp_hash(content: str) -> str:
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(style: str, script: str) -> str:
    """The CSP of the page: nothing allowed but the one inline style and script, by hash."""
    return (
        f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; "
        "form-action 'none'"
    )


def _e(text: str) -> str:
    return escape_html(text)


def _classes(finding: Finding) -> str:
    return f"finding sev-{finding.severity.value} cat-{finding.category.value}"


def _dl(pairs: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{_e(key)}</dt><dd>{_e(value)}</dd>" for key, value in pairs)
    return f"<dl>{rows}</dl>" if rows else ""


def _finding(finding: Finding, hl: Highlighter) -> str:
    span = line_span(finding)
    where = _e(finding.path) + (f":{span}" if span else "")
    sev = finding.severity.value
    head = (
        f'<h3><span class="badge sev-{sev}">{sev}</span> <code>{_e(finding.rule_id)}</code> '
        f"{finding.category.value} &mdash; <code>{where}</code></h3>"
    )
    meta = [("confidence", finding.confidence.value), ("change", finding.change)]
    if finding.symbol:
        meta.insert(0, ("symbol", finding.symbol))
    if finding.fingerprint:
        meta.append(("fingerprint", finding.fingerprint))
    before = [value for key, value in finding.details if key == "before"]
    after = [value for key, value in finding.details if key == "after"]
    other = [(k, v) for k, v in finding.details if k not in ("before", "after")]
    parts = [f'<article class="{_classes(finding)}">', head, f"<p>{_e(finding.message)}</p>"]
    parts.append(_dl(meta + other))
    if finding.waiver:
        parts.append("<h4>Waiver</h4>" + _dl(list(finding.waiver)))
    if finding.snippet:
        parts.append(hl.code(finding.snippet, hl.lexer_for(finding.path)))
    if before or after:
        label = finding.symbol or finding.path
        diff = hl.diff("\n".join(before), "\n".join(after), label)
        parts.append(f"<details open><summary>Before/after diff</summary>{diff}</details>")
    parts.append("</article>")
    return "\n".join(parts)


def _summary(result: ScanResult) -> str:
    counts = category_severity_counts(result)
    head = "".join(f"<th>{s.value}</th>" for s in SEVERITIES_DESC)
    rows = []
    for category in Category:
        cells = [counts.get((category, s), 0) for s in SEVERITIES_DESC]
        if any(cells):
            tds = "".join(f'<td class="n">{n}</td>' for n in cells)
            rows.append(f"<tr><th>{category.value}</th>{tds}</tr>")
    totals = result.counts()
    total_tds = "".join(f'<td class="n">{totals[s.value]}</td>' for s in SEVERITIES_DESC)
    rows.append(f"<tr><th>all open</th>{total_tds}</tr>")
    return f"<table><tr><th>category</th>{head}</tr>{''.join(rows)}</table>"


def _filters(result: ScanResult) -> str:
    severities = "".join(
        f'<label><input type="checkbox" checked value="sev-{s.value}"> {s.value}</label>'
        for s in SEVERITIES_DESC
    )
    present = {f.category for f in result.findings}
    categories = "".join(
        f'<label><input type="checkbox" checked value="cat-{c.value}"> {c.value}</label>'
        for c in Category
        if c in present
    )
    return (
        '<fieldset id="filters" hidden><legend>Show</legend>'
        f"<div>{severities}</div><div>{categories}</div></fieldset>"
    )


def _change_row(change: Change) -> str:
    old_path = _e(change.old_path) if change.old_path is not None else ""
    notes: list[str] = []
    if change.cosmetic:
        notes.append("cosmetic")
    if change.old is not None and change.new is not None:
        if change.old.executable != change.new.executable:
            notes.append(f"exec {int(change.old.executable)}&rarr;{int(change.new.executable)}")
        if change.old.kind != change.new.kind:
            notes.append(f"type {change.old.kind.value}&rarr;{change.new.kind.value}")
    symbols = "".join(
        f"<li>{s.kind.value} {_e(s.symbol_kind)} <code>{_e(s.name)}</code>"
        + (f" (was <code>{_e(s.old_name)}</code>)" if s.old_name is not None else "")
        + (f" [sensitive: {_e(', '.join(sorted(s.sensitive)))}]" if s.sensitive else "")
        + "</li>"
        for s in change.symbols
    )
    return (
        f"<tr><td>{change.kind.value}</td><td><code>{_e(change.path)}</code></td>"
        f"<td><code>{old_path}</code></td><td>{', '.join(notes)}</td>"
        f"<td>{'<ul>' + symbols + '</ul>' if symbols else ''}</td></tr>"
    )


def _changes(result: ScanResult) -> str:
    changes = sorted_changes(result.changes)
    if not changes:
        return "<p>No changes.</p>"
    head = "<tr><th>kind</th><th>path</th><th>old path</th><th>notes</th><th>symbols</th></tr>"
    return f"<table>{head}{''.join(_change_row(c) for c in changes)}</table>"


def _header(result: ScanResult) -> str:
    verdict = "FAIL" if result.failing() else "PASS"
    pairs = [("command", result.command), ("source", result.source.location)]
    if result.source.ref:
        pairs.append(("ref", result.source.ref))
    if result.baseline_source is not None:
        base = result.baseline_source
        pairs.append(("baseline", base.location + (f"@{base.ref}" if base.ref else "")))
    pairs += [("tool version", result.tool_version), ("fail on", result.fail_on.value)]
    return (
        f'<h1>integrity report: <span class="{verdict.lower()}">{verdict}</span></h1>'
        f"{_dl(pairs)}<p>{_e(summary_line(result))}</p>"
    )


def _body(result: ScanResult) -> str:
    opened = open_findings(result)
    waived = closed_findings(result)
    hl = Highlighter()
    sections = [
        _header(result),
        "<h2>Summary</h2>",
        _summary(result),
        f"<h2>Findings ({len(opened)} open)</h2>",
        _filters(result),
        "\n".join(_finding(f, hl) for f in opened) or "<p>No open findings.</p>",
        f"<h2>Waived findings ({len(waived)})</h2>",
        "\n".join(_finding(f, hl) for f in waived) or "<p>None.</p>",
        f"<h2>Changed files ({len(result.changes)})</h2>",
        _changes(result),
    ]
    return "\n".join(sections)


def render(result: ScanResult) -> str:
    """The complete HTML document."""
    style = _BASE_CSS + stylesheet() + "\n"
    csp = content_security_policy(style, _SCRIPT)
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>integrity report: {_e(result.command)}</title>\n"
        f"<style>{style}</style>\n</head>\n<body>\n{_body(result)}\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
    return page.encode("ascii", "xmlcharrefreplace").decode("ascii")
