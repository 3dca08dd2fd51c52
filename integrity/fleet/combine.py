"""Many repositories' scan results -> one report: paths prefixed by the repository label."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from integrity import __version__
from integrity.fleet.task import RepoOutcome
from integrity.model import (
    Category,
    Confidence,
    Finding,
    ScanResult,
    ScanStats,
    Severity,
    SourceInfo,
    assign_fingerprints,
)

FAILED_RULE = (
    "fleet-audit-failed",
    Category.UNSAFE_INPUT.value,
    Severity.HIGH.value,
    "A repository of the fleet could not be audited",
)


def fleet_source(list_path: str, list_bytes: bytes) -> SourceInfo:
    """The report's source: the list file and the digest of its bytes."""
    digest = "sha256:" + hashlib.sha256(list_bytes).hexdigest()
    return SourceInfo(kind="fleet", location=list_path, digest=digest)


def failure_finding(label: str, error: str) -> Finding:
    """A repository with no result: high, so the run fails rather than passing silently."""
    return Finding(
        rule_id=FAILED_RULE[0],
        category=Category.UNSAFE_INPUT,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        message=f"repository {label} could not be audited: {error}",
        path=label,
        snippet=error[:200],
    )


def _prefixed(label: str, finding: Finding) -> Finding:
    return replace(finding, path=f"{label}/{finding.path}", fingerprint="")


def combine(
    outcomes: Sequence[RepoOutcome],
    source: SourceInfo,
    fail_on: Severity,
    rules: tuple[tuple[str, str, str, str], ...],
) -> ScanResult:
    """One ScanResult over every repository, in label order; each failure one finding."""
    findings: list[Finding] = []
    files = size = parsed = 0
    skipped: list[str] = []
    listing = set(rules)
    for outcome in sorted(outcomes, key=lambda o: o.label):
        if outcome.result is None:
            findings.append(failure_finding(outcome.label, outcome.error or "unknown error"))
            listing.add(FAILED_RULE)
            continue
        result = outcome.result
        findings.extend(_prefixed(outcome.label, f) for f in result.findings)
        files += result.stats.files
        size += result.stats.bytes
        parsed += result.stats.parsed
        skipped.extend(f"{outcome.label}/{path}" for path in result.stats.skipped)
        listing.update(result.rules)
    return ScanResult(
        command="fleet",
        tool_version=__version__,
        source=source,
        baseline_source=None,
        changes=(),
        findings=assign_fingerprints(tuple(findings)),
        stats=ScanStats(files=files, bytes=size, parsed=parsed, skipped=tuple(skipped)),
        fail_on=fail_on,
        rules=tuple(sorted(listing)),
    )
