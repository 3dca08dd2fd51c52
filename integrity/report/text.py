"""Terminal report: findings grouped by severity, then the changes, then a summary line.

``render`` gives plain text (no ANSI); ``render_ansi`` the same text coloured for a TTY. Every
string from the scanned tree goes through ``escape_text`` and into a rich ``Text`` as plain
content, so neither control characters nor rich markup ("[bold]") in a path can act.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from integrity.model import Change, ChangeKind, Finding, ScanResult, Severity
from integrity.report.common import (
    SEVERITIES_DESC,
    closed_findings,
    line_span,
    open_findings,
    sorted_changes,
    summary_line,
)
from integrity.report.escape import clip_lines, escape_text

_SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_SNIPPET_LINES = 12
_SNIPPET_CHARS = 2000
_WIDTH = 10_000  # never wrap: lines are as long as their content


def _safe(text: str) -> str:
    return escape_text(text)


def _location(finding: Finding) -> str:
    span = line_span(finding)
    return f"{_safe(finding.path)}:{span}" if span else _safe(finding.path)


def _finding(doc: Text, finding: Finding) -> None:
    style = _SEVERITY_STYLE[finding.severity]
    doc.append(f"  {finding.severity.value.upper():<8}", style=style)
    doc.append(f" {_safe(finding.rule_id)}", style="bold")
    doc.append(f" [{finding.category.value}]", style="magenta")
    doc.append(f" {_location(finding)}", style="underline")
    if finding.symbol:
        doc.append(f" in {_safe(finding.symbol)}()", style="green")
    doc.append("\n")
    doc.append(f"    {_safe(finding.message)}\n")
    meta = f"confidence {finding.confidence.value}, change {_safe(finding.change)}"
    if finding.fingerprint:
        meta += f", fingerprint {_safe(finding.fingerprint)}"
    doc.append(f"    {meta}\n", style="dim")
    for key, value in finding.waiver:
        doc.append(f"    {_safe(key)}: {_safe(value)}\n", style="dim")
    if finding.snippet:
        snippet = clip_lines(
            escape_text(finding.snippet, multiline=True), _SNIPPET_LINES, _SNIPPET_CHARS
        )
        for line in snippet.split("\n"):
            doc.append("    | ", style="dim")
            doc.append(f"{line}\n", style="bright_black")


def _change(doc: Text, change: Change) -> None:
    line = f"  {change.kind.value:<12} {_safe(change.path)}"
    if change.old_path is not None:
        line += f" (from {_safe(change.old_path)})"
    extra = _record_note(change)
    if extra:
        line += f" [{extra}]"
    if change.cosmetic:
        line += " (cosmetic)"
    doc.append(line + "\n", style="red" if change.kind is ChangeKind.REMOVED else "")
    for symbol in change.symbols:
        text = f"      {symbol.kind.value} {symbol.symbol_kind} {_safe(symbol.name)}"
        if symbol.old_name is not None:
            text += f" (was {_safe(symbol.old_name)})"
        if symbol.start_line:
            text += f" line {symbol.start_line}"
        if symbol.sensitive:
            text += f" sensitive: {', '.join(_safe(tag) for tag in sorted(symbol.sensitive))}"
        doc.append(text + "\n")


def _record_note(change: Change) -> str:
    old, new = change.old, change.new
    notes: list[str] = []
    if old is not None and new is not None:
        if old.executable != new.executable:
            notes.append(f"exec {int(old.executable)}->{int(new.executable)}")
        if old.kind != new.kind:
            notes.append(f"type {old.kind.value}->{new.kind.value}")
        if old.size != new.size:
            notes.append(f"size {old.size}->{new.size}")
    elif new is not None:
        notes.append(f"{new.kind.value}, {new.size} bytes")
    return ", ".join(notes)


def build(result: ScanResult) -> Text:
    """The report as one rich Text (styles attached, nothing interpreted from the data)."""
    doc = Text()
    title = f"integrity {result.command}: {_safe(result.source.location)}"
    if result.baseline_source is not None:
        title += f" against {_safe(result.baseline_source.location)}"
        if result.baseline_source.ref:
            title += f"@{_safe(result.baseline_source.ref)}"
    doc.append(title + "\n", style="bold")
    opened = open_findings(result)
    for severity in SEVERITIES_DESC:
        group = [f for f in opened if f.severity is severity]
        if group:
            doc.append(
                f"\n{severity.value.upper()} ({len(group)})\n", style=_SEVERITY_STYLE[severity]
            )
            for finding in group:
                _finding(doc, finding)
    waived = closed_findings(result)
    if waived:
        doc.append(f"\nWAIVED ({len(waived)})\n", style="dim")
        for finding in waived:
            _finding(doc, finding)
    if not result.findings:
        doc.append("\nNo findings.\n")
    changes = sorted_changes(result.changes)
    if changes:
        doc.append(f"\nCHANGES ({len(changes)})\n", style="bold")
    for change in changes:
        _change(doc, change)
    doc.append("\n")
    doc.append(summary_line(result) + "\n", style="bold red" if result.failing() else "bold green")
    return doc


def render(result: ScanResult) -> str:
    """Plain text, no ANSI escapes."""
    return build(result).plain


def render_ansi(result: ScanResult) -> str:
    """The same text coloured with ANSI escapes, for a terminal."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        width=_WIDTH,
        soft_wrap=True,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )
    console.print(build(result), end="")
    return buffer.getvalue()
