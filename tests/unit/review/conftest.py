"""Fixtures of the review unit tests: hand-built findings and results."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from integrity.model import (
    Category,
    Confidence,
    Finding,
    ScanResult,
    Severity,
    SourceInfo,
    assign_fingerprints,
)


def make_finding(
    rule: str = "py-eval",
    path: str = "src/app.py",
    snippet: str = "eval(user_input)",
    line: int = 10,
    severity: Severity = Severity.HIGH,
    symbol: str | None = "handler",
) -> Finding:
    """A finding without a fingerprint (assign_fingerprints gives it one)."""
    return Finding(
        rule_id=rule,
        category=Category.HIDDEN_EXEC,
        severity=severity,
        confidence=Confidence.HIGH,
        message=f"{rule} here",
        path=path,
        start_line=line,
        end_line=line,
        symbol=symbol,
        snippet=snippet,
    )


def make_result(*findings: Finding, command: str = "scan") -> ScanResult:
    """A ScanResult holding the findings, fingerprinted."""
    return ScanResult(
        command=command,
        tool_version="0.0.0-test",
        source=SourceInfo(kind="directory", location="tree"),
        baseline_source=None,
        changes=(),
        findings=assign_fingerprints(findings),
    )


@pytest.fixture
def finding() -> Callable[..., Finding]:
    """make_finding."""
    return make_finding


@pytest.fixture
def result() -> Callable[..., ScanResult]:
    """make_result."""
    return make_result
