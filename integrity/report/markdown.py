"""Markdown report: a compact pull-request comment for GitHub.

Headline with the verdict and counts, a table of the top 20 open findings, a summary of the
changed files, then one <details> block per finding until the size budget is spent. Everything
from the tree goes through ``escape_markdown`` (visible escapes, then HTML entities for every
character Markdown or HTML could act on), and the whole comment stays under 65,000 characters
(GitHub refuses comments over 65,536).
"""

from __future__ import annotations

from integrity.model import Change, ChangeKind, Finding, ScanResult
from integrity.report.common import (
    SEVERITIES_DESC,
    closed_findings,
    line_span,
    open_findings,
    sorted_changes,
    waived_count,
)
from integrity.report.escape import clip, clip_lines, escape_markdown, escape_text

MAX_CHARS = 65_000
TABLE_ROWS = 20
CHANGED_FILES_LISTED = 30
_CELL_CHARS = 120
_SNIPPET_LINES = 15
_SNIPPET_CHARS = 1500
_RESERVE = 400  # kept free for the truncation note


def _md(text: str, limit: int = _CELL_CHARS) -> str:
    """One line of tree text, visible-escaped, cut, then Markdown/HTML-escaped."""
    return escape_markdown(clip(escape_text(text), limit))


def _loc(finding: Finding) -> str:
    span = line_span(finding)
    path = _md(finding.path)
    return f"{path}&#58;{span}" if span else path


def _headline(result: ScanResult) -> list[str]:
    counts = result.counts()
    verdict = "FAIL" if result.failing() else "PASS"
    icon = ":x:" if result.failing() else ":white_check_mark:"
    at_or_above = sum(counts[s.value] for s in SEVERITIES_DESC if s.at_least(result.fail_on))
    tally = " · ".join(f"{s.value} **{counts[s.value]}**" for s in SEVERITIES_DESC)
    return [
        f"## {icon} integrity {_md(result.command, 40)}: {verdict}",
        "",
        f"{at_or_above} open finding(s) at or above `{result.fail_on.value}` "
        f"(the fail-on threshold). {tally} · waived **{waived_count(result)}** · "
        f"{result.stats.files} files scanned · {len(result.changes)} changes",
        "",
    ]


def _table(findings: list[Finding]) -> list[str]:
    if not findings:
        return ["No open findings.", ""]
    rows = [
        "| Severity | Rule | Category | Location | Message |",
        "|---|---|---|---|---|",
    ]
    rows.extend(
        f"| {finding.severity.value} | {_md(finding.rule_id, 60)} | "
        f"{finding.category.value} | {_loc(finding)} | {_md(finding.message)} |"
        for finding in findings[:TABLE_ROWS]
    )
    if len(findings) > TABLE_ROWS:
        rows.append("")
        rows.append(f"Top {TABLE_ROWS} of {len(findings)} open findings shown.")
    rows.append("")
    return rows


def _change_line(change: Change) -> str:
    line = f"- {change.kind.value} {_md(change.path)}"
    if change.old_path is not None:
        line += f" (from {_md(change.old_path)})"
    if change.cosmetic:
        line += " (cosmetic)"
    names = [
        f"{s.kind.value} {_md(s.name, 60)}"
        + (f" (was {_md(s.old_name, 60)})" if s.old_name is not None else "")
        for s in change.symbols[:10]
    ]
    if names:
        more = f", +{len(change.symbols) - 10} more" if len(change.symbols) > 10 else ""
        line += ": " + ", ".join(names) + more
    return line


def _changes_head(changes: list[Change]) -> str:
    tally = ", ".join(
        f"{kind.value} {n}"
        for kind in ChangeKind
        if (n := sum(1 for c in changes if c.kind is kind))
    )
    return f"<details><summary>Changed files: {tally}</summary>\n"


def _details(finding: Finding) -> str:
    summary = f"{finding.severity.value} · {_md(finding.rule_id, 60)} · {_loc(finding)}" + (
        " · waived" if finding.status != "open" else ""
    )
    parts = [f"<details><summary>{summary}</summary>", ""]
    parts.append(f"<p>{_md(finding.message, 600)}</p>")
    meta = f"category {finding.category.value} · confidence {finding.confidence.value}"
    if finding.symbol:
        meta += f" · in {_md(finding.symbol, 80)}"
    parts.append(f"<p>{meta}</p>")
    for key, value in finding.waiver:
        parts.append(f"<p>{_md(key, 40)}&#58; {_md(value, 300)}</p>")
    if finding.snippet:
        snippet = clip_lines(
            escape_text(finding.snippet, multiline=True), _SNIPPET_LINES, _SNIPPET_CHARS
        )
        parts.append("<pre>" + escape_markdown(snippet, multiline=True) + "</pre>")
    parts += ["", "</details>", ""]
    return "\n".join(parts)


class _Budget:
    """Accumulates blocks while they fit in MAX_CHARS minus a reserve for closing notes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, block: str) -> bool:
        if self.size + len(block) + 1 > MAX_CHARS - _RESERVE:
            return False
        self.parts.append(block)
        self.size += len(block) + 1
        return True


def _add_changes(budget: _Budget, result: ScanResult) -> None:
    changes = sorted_changes(result.changes)
    if not changes or not budget.add(_changes_head(changes)):
        return
    listed = 0
    for change in changes[:CHANGED_FILES_LISTED]:
        if not budget.add(_change_line(change)):
            break
        listed += 1
    if listed < len(changes):
        budget.add(f"- ... and {len(changes) - listed} more")
    budget.add("\n</details>\n")


def render(result: ScanResult) -> str:
    """The comment body, at most MAX_CHARS characters."""
    budget = _Budget()
    opened = open_findings(result)
    for line in _headline(result) + _table(opened):
        budget.add(line)
    _add_changes(budget, result)
    ordered = opened + closed_findings(result)
    shown = 0
    for finding in ordered:
        if not budget.add(_details(finding)):
            break
        shown += 1
    if shown < len(ordered):
        budget.parts.append(
            f"_Details of {len(ordered) - shown} more finding(s) omitted to stay within "
            "GitHub's comment size limit; see the JSON or SARIF report._\n"
        )
    return "\n".join(budget.parts)
