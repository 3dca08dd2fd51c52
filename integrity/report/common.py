"""Small pure helpers every renderer shares: ordering, grouping, rule catalogue, locations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from integrity.model import Category, Change, Finding, ScanResult, Severity

SEVERITIES_DESC: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
"""critical, high, medium, low, info."""

OPEN = "open"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """One rule of the catalogue a report lists (ScanResult.rules plus ids seen in findings)."""

    rule_id: str
    category: str
    severity: str
    description: str


def finding_order(finding: Finding) -> tuple[object, ...]:
    """Total order on findings: Finding.sort_key, then every other field as a tie-breaker."""
    return (
        *finding.sort_key(),
        finding.severity.rank,
        finding.category.value,
        finding.message,
        finding.snippet,
        finding.symbol or "",
        finding.status,
        finding.change,
        finding.confidence.value,
        finding.details,
        finding.waiver,
    )


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in the deterministic report order (path, line, rule id, ...)."""
    return sorted(findings, key=finding_order)


def severity_first(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then the deterministic order."""
    return sorted(findings, key=lambda f: (-f.severity.rank, finding_order(f)))


def change_order(change: Change) -> tuple[str, str, str]:
    """Changes sort by path, kind, old path."""
    return (change.path, change.kind.value, change.old_path or "")


def sorted_changes(changes: Iterable[Change]) -> list[Change]:
    """Changes in the deterministic report order."""
    return sorted(changes, key=change_order)


def is_open(finding: Finding) -> bool:
    """True for a finding nobody waived."""
    return finding.status == OPEN


def open_findings(result: ScanResult) -> list[Finding]:
    """Open findings, most severe first."""
    return severity_first(f for f in result.findings if is_open(f))


def closed_findings(result: ScanResult) -> list[Finding]:
    """Waived (or otherwise not open) findings, most severe first."""
    return severity_first(f for f in result.findings if not is_open(f))


def rule_catalogue(result: ScanResult) -> list[RuleInfo]:
    """Every rule id of the result, once, sorted: the active rules plus any id a finding uses.

    When ScanResult.rules names an id twice, the smallest entry wins (so the input order does
    not matter); an id seen only in findings
    takes its category and severity from its first finding (in report order).
    """
    rules: dict[str, RuleInfo] = {}
    for rule_id, category, severity, description in sorted(result.rules):
        rules.setdefault(rule_id, RuleInfo(rule_id, category, severity, description))
    for finding in sorted_findings(result.findings):
        if finding.rule_id not in rules:
            rules[finding.rule_id] = RuleInfo(
                finding.rule_id, finding.category.value, finding.severity.value, ""
            )
    return [rules[key] for key in sorted(rules)]


def line_span(finding: Finding) -> str:
    """ "42", "42-44", or "" when the line is unknown (0)."""
    if finding.start_line <= 0:
        return ""
    if finding.end_line > finding.start_line:
        return f"{finding.start_line}-{finding.end_line}"
    return str(finding.start_line)


def location(finding: Finding) -> str:
    """ "path:line" (raw, unescaped: callers escape for their format)."""
    span = line_span(finding)
    return f"{finding.path}:{span}" if span else finding.path


def waived_count(result: ScanResult) -> int:
    """Findings whose status is not open."""
    return sum(1 for f in result.findings if not is_open(f))


def category_severity_counts(result: ScanResult) -> dict[tuple[Category, Severity], int]:
    """Open findings counted per (category, severity)."""
    counts: dict[tuple[Category, Severity], int] = {}
    for finding in result.findings:
        if is_open(finding):
            key = (finding.category, finding.severity)
            counts[key] = counts.get(key, 0) + 1
    return counts


def summary_line(result: ScanResult) -> str:
    """One plain line: counts per severity, waived, threshold, verdict, files scanned."""
    counts = result.counts()
    parts = ", ".join(f"{counts[s.value]} {s.value}" for s in SEVERITIES_DESC)
    verdict = "FAIL" if result.failing() else "PASS"
    return (
        f"{verdict}: {parts}; {waived_count(result)} waived; fail-on {result.fail_on.value}; "
        f"{result.stats.files} files scanned, {len(result.changes)} changes"
    )
