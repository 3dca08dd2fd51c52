"""Apply reviewed waivers to a scan result (pure): waived findings stay, marked as waived.

Every finding a live waiver matches becomes ``status = "waived"`` with the waiver's
(reviewer, reason, date, expires, waivers file) pairs. The waivers file is audited too:
an expired waiver, a waiver that matches nothing (stale), and a waiver whose reason is too short
for the critical finding it would accept each become an integrity-violation finding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase

from integrity.model import (
    Category,
    Confidence,
    Finding,
    ScanResult,
    Severity,
    assign_fingerprints,
)
from integrity.review.waivers import MIN_CRITICAL_REASON, Waiver, WaiverSet, content_hash

RULE_STALE = "waiver-stale"
RULE_EXPIRED = "waiver-expired"
RULE_SHORT_REASON = "waiver-reason-too-short"

WAIVER_RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        RULE_EXPIRED,
        Category.INTEGRITY_VIOLATION.value,
        Severity.MEDIUM.value,
        "a waiver has expired: the finding it accepted is open again",
    ),
    (
        RULE_SHORT_REASON,
        Category.INTEGRITY_VIOLATION.value,
        Severity.MEDIUM.value,
        f"a waiver of a critical finding gives a reason under {MIN_CRITICAL_REASON} characters",
    ),
    (
        RULE_STALE,
        Category.INTEGRITY_VIOLATION.value,
        Severity.LOW.value,
        "a waiver matches no finding (fixed, or its code changed): remove it",
    ),
)
"""(rule_id, category, severity, description) of the findings this module adds."""

_WAIVER_RULE_IDS = frozenset(rule[0] for rule in WAIVER_RULES)

WHOLE_TREE_COMMANDS = frozenset({"scan"})
"""Commands whose result covers every file, so a waiver matching nothing there is stale. Other
commands (verify, diff, history, release) see only what changed: for them only waivers that
match one of their findings are judged (expired), never called stale."""


def is_waiver_finding(finding: Finding) -> bool:
    """True for the findings apply_waivers adds about the waivers file itself."""
    return finding.rule_id in _WAIVER_RULE_IDS


def matches(waiver: Waiver, finding: Finding) -> bool:
    """True when every identity field the waiver gives matches the finding."""
    if waiver.fingerprint is not None and waiver.fingerprint != finding.fingerprint:
        return False
    if waiver.rule is not None and waiver.rule != finding.rule_id:
        return False
    if waiver.path is not None and not fnmatchcase(finding.path, waiver.path):
        return False
    return waiver.content is None or waiver.content == content_hash(finding.snippet)


def waiver_pairs(waiver: Waiver, origin: str) -> tuple[tuple[str, str], ...]:
    """The (key, value) pairs a waived finding carries."""
    pairs = [
        ("reviewer", waiver.reviewer),
        ("reason", waiver.reason),
        ("date", waiver.date.isoformat()),
    ]
    if waiver.expires is not None:
        pairs.append(("expires", waiver.expires.isoformat()))
    pairs.append(("file", origin))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class _Outcome:
    findings: tuple[Finding, ...]
    used: frozenset[int]
    short: tuple[tuple[Waiver, Finding], ...]


def _first_match(
    finding: Finding, by_fp: dict[str, list[Waiver]], patterns: tuple[Waiver, ...]
) -> Waiver | None:
    """The earliest waiver (file order) matching `finding`; fingerprints are looked up."""
    candidates = [*by_fp.get(finding.fingerprint, ()), *patterns]
    hits = [w for w in candidates if matches(w, finding)]
    return min(hits, key=lambda w: w.index) if hits else None


def _mark(findings: tuple[Finding, ...], live: tuple[Waiver, ...], origin: str) -> _Outcome:
    by_fp: dict[str, list[Waiver]] = {}
    for entry in live:
        if entry.fingerprint is not None:
            by_fp.setdefault(entry.fingerprint, []).append(entry)
    patterns = tuple(w for w in live if w.fingerprint is None)
    used: set[int] = set()
    short: list[tuple[Waiver, Finding]] = []
    out: list[Finding] = []
    for finding in findings:
        if finding.status != "open" or is_waiver_finding(finding):
            out.append(finding)
            continue
        waiver = _first_match(finding, by_fp, patterns)
        if waiver is None:
            out.append(finding)
            continue
        used.add(waiver.index)
        critical = finding.severity is Severity.CRITICAL
        if critical and len(waiver.reason.strip()) < MIN_CRITICAL_REASON:
            short.append((waiver, finding))
            out.append(finding)
            continue
        out.append(replace(finding, status="waived", waiver=waiver_pairs(waiver, origin)))
    return _Outcome(tuple(out), frozenset(used), tuple(short))


def _about(waiver: Waiver, origin: str, rule: str, severity: Severity, message: str) -> Finding:
    identity = waiver.fingerprint or f"{waiver.rule} {waiver.path} {waiver.content}"
    details = [("waiver", str(waiver.index + 1)), ("reviewer", waiver.reviewer)]
    if waiver.expires is not None:
        details.append(("expires", waiver.expires.isoformat()))
    return Finding(
        rule_id=rule,
        category=Category.INTEGRITY_VIOLATION,
        severity=severity,
        confidence=Confidence.HIGH,
        message=message,
        path=origin,
        start_line=waiver.line,
        end_line=waiver.line,
        change="unchanged",
        snippet=identity,
        details=tuple(details),
    )


def _audit(waivers: WaiverSet, result: ScanResult, today: date, outcome: _Outcome) -> list[Finding]:
    origin = waivers.origin
    whole = result.command in WHOLE_TREE_COMMANDS
    found: list[Finding] = []
    for waiver in waivers.waivers:
        if not waiver.applies_to(result.command):
            continue
        where = f"waiver #{waiver.index + 1} ({waiver.label()})"
        if waiver.expired(today):
            if not whole and not any(matches(waiver, f) for f in outcome.findings):
                continue
            found.append(
                _about(
                    waiver,
                    origin,
                    RULE_EXPIRED,
                    Severity.MEDIUM,
                    f"{where} expired on {waiver.expires}; the finding it accepted is open again",
                )
            )
        elif whole and waiver.index not in outcome.used:
            found.append(
                _about(
                    waiver,
                    origin,
                    RULE_STALE,
                    Severity.LOW,
                    f"{where} matches no finding (fixed, or the code changed): remove it",
                )
            )
    for waiver, finding in outcome.short:
        found.append(
            _about(
                waiver,
                origin,
                RULE_SHORT_REASON,
                Severity.MEDIUM,
                f"waiver #{waiver.index + 1} would accept the critical finding {finding.rule_id} "
                f"in {finding.path} but its reason is under {MIN_CRITICAL_REASON} characters; "
                "the finding stays open",
            )
        )
    return found


def _reopen(finding: Finding, origin: str) -> Finding:
    """A finding waived by an earlier application of the same file is judged afresh."""
    if finding.status == "waived" and ("file", origin) in finding.waiver:
        return replace(finding, status="open", waiver=())
    return finding


def apply_waivers(result: ScanResult, waivers: WaiverSet, today: date) -> ScanResult:
    """`result` with matching findings waived and the waivers file's own problems added."""
    kept = tuple(
        _reopen(f, waivers.origin)
        for f in result.findings
        if not (is_waiver_finding(f) and f.path == waivers.origin)
    )
    live = tuple(
        w for w in waivers.waivers if w.applies_to(result.command) and not w.expired(today)
    )
    outcome = _mark(kept, live, waivers.origin)
    extra = _audit(waivers, result, today, outcome)
    findings = outcome.findings + assign_fingerprints(tuple(extra))
    rules = result.rules
    if extra:
        rules = tuple(sorted(set(rules) | set(WAIVER_RULES)))
    return replace(result, findings=tuple(sorted(findings, key=Finding.sort_key)), rules=rules)


def flagged_waivers(result: ScanResult, waivers: WaiverSet) -> frozenset[int]:
    """Indexes of the waivers `result` reports as stale or expired (after apply_waivers)."""
    flagged: set[int] = set()
    for finding in result.findings:
        if finding.rule_id in (RULE_STALE, RULE_EXPIRED) and finding.path == waivers.origin:
            number = dict(finding.details).get("waiver", "")
            if number.isdigit():
                flagged.add(int(number) - 1)
    return frozenset(flagged)
