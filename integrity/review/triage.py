"""Interactive triage: show each finding with highlighted context and ask for a decision.

Input and output go through a `Prompter`, so the loop runs the same over a terminal, a
pseudo-terminal, click's CliRunner or a test double. Every string that came from the scanned
tree is visible-escaped before it is highlighted or printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pygments import highlight
from pygments.formatters import TerminalFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

from integrity.model import Finding
from integrity.report.escape import clip_lines, escape_text
from integrity.review.decisions import Decision, Verdict, reason_problem

CHOICES = {"a": "accept", "r": "reject", "s": "skip", "q": "quit"}
_MAX_LINES = 40
_MAX_CHARS = 4000


class Prompter(Protocol):
    """Where triage writes and reads."""

    def show(self, text: str) -> None:
        """Print a block of text."""
        ...

    def choose(self, prompt: str, choices: Sequence[str]) -> str:
        """One of `choices` (re-asking until it is one)."""
        ...

    def ask(self, prompt: str) -> str:
        """A free-text answer."""
        ...


def _lexer(path: str) -> Lexer:
    name = path.rsplit("/", 1)[-1]
    lexer: Lexer
    try:
        lexer = get_lexer_for_filename(name, stripnl=False, ensurenl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False, ensurenl=False)
    return lexer


def snippet_block(finding: Finding, color: bool) -> str:
    """The finding's snippet, escaped, clipped, highlighted when `color`, indented."""
    safe = clip_lines(escape_text(finding.snippet, multiline=True), _MAX_LINES, _MAX_CHARS)
    if not safe.strip():
        return "    (no snippet)\n"
    body = highlight(safe, _lexer(finding.path), TerminalFormatter()) if color else safe
    first = finding.start_line or 1
    lines = body.rstrip("\n").split("\n")
    return "".join(f"  {first + i:>5} | {line}\n" for i, line in enumerate(lines))


def describe(finding: Finding, position: int, total: int, color: bool) -> str:
    """A header, the location, the message and the highlighted snippet of one finding."""
    path = escape_text(finding.path)
    symbol = f" in {escape_text(finding.symbol)}" if finding.symbol else ""
    lines = [
        f"[{position}/{total}] {finding.severity.value.upper()} {finding.rule_id} "
        f"({finding.category.value})",
        f"  {path}:{finding.start_line}{symbol}",
        f"  {escape_text(finding.message)}",
        f"  fingerprint {finding.fingerprint}  status {finding.status}",
    ]
    for key, value in finding.waiver:
        lines.append(f"  waiver {escape_text(key)}: {escape_text(value)}")
    return "\n".join(lines) + "\n" + snippet_block(finding, color)


def _reason(finding: Finding, prompter: Prompter, default: str | None) -> str | None:
    """Ask until the reason is acceptable for this finding; empty answer cancels."""
    while True:
        reason = default if default is not None else prompter.ask("Reason for the waiver")
        default = None
        problem = reason_problem(finding, reason)
        if problem is None:
            return reason.strip()
        if not reason.strip():
            return None
        prompter.show(f"  {problem}; try again (empty answer cancels)\n")


def triage(
    findings: Sequence[Finding],
    prompter: Prompter,
    *,
    color: bool,
    reason: str | None = None,
) -> tuple[tuple[Decision, ...], bool]:
    """Ask about each finding; returns the decisions and whether the reviewer quit early."""
    decisions: list[Decision] = []
    total = len(findings)
    for position, finding in enumerate(findings, start=1):
        prompter.show(describe(finding, position, total, color))
        answer = prompter.choose("[a]ccept with waiver, [r]eject, [s]kip, [q]uit", list(CHOICES))
        if answer == "q":
            return tuple(decisions), True
        if answer == "a":
            text = _reason(finding, prompter, reason)
            if text is None:
                prompter.show("  no reason given: skipped\n")
                decisions.append(Decision(finding.fingerprint, Verdict.SKIP))
                continue
            decisions.append(Decision(finding.fingerprint, Verdict.ACCEPT, text))
        elif answer == "r":
            decisions.append(Decision(finding.fingerprint, Verdict.REJECT))
        else:
            decisions.append(Decision(finding.fingerprint, Verdict.SKIP))
    return tuple(decisions), False
