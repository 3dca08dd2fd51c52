"""Rule metadata of the git workflows and the ScanResult they produce."""

from __future__ import annotations

from collections.abc import Iterable

from integrity import __version__
from integrity.assess import BUILTIN_RULES
from integrity.engine import RunContext
from integrity.model import (
    Change,
    Finding,
    ScanResult,
    ScanStats,
    SourceInfo,
    assign_fingerprints,
)

GITFLOW_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("policy-changed", "integrity-violation", "high", "The change edits the review's own rules"),
    (
        "commit-message-understates",
        "sensitive-change",
        "high",
        "A commit called trivial changes sensitive code, build checks or binaries",
    ),
    (
        "author-committer-differ",
        "sensitive-change",
        "medium",
        "Sensitive paths committed by someone other than the author",
    ),
    (
        "unsigned-sensitive-commit",
        "integrity-violation",
        "high",
        "A commit touching sensitive paths lacks a good signature (require_signed_commits)",
    ),
    ("release-file-differs", "unexplained-change", "high", "Archive file differs from the tag"),
    ("release-file-extra", "unexplained-change", "high", "Archive file absent from the tag"),
    ("release-file-missing", "unexplained-change", "info", "Tag file absent from the archive"),
    (
        "release-m4-unknown",
        "unexplained-change",
        "critical",
        "Vendored m4 macro differs from every known upstream copy",
    ),
)


def rules_listing(ctx: RunContext) -> tuple[tuple[str, str, str, str], ...]:
    """Every rule a git-workflow run may report: built-in, gitflow and signature rules."""
    listed = [(r.id, r.category.value, r.severity.value, r.message) for r in ctx.ruleset.rules]
    return tuple(sorted({*BUILTIN_RULES, *GITFLOW_RULES, *listed}))


def build_result(
    command: str,
    source: SourceInfo,
    baseline_source: SourceInfo | None,
    ctx: RunContext,
    changes: Iterable[Change],
    findings: Iterable[Finding],
    stats: ScanStats,
) -> ScanResult:
    """A ScanResult with fingerprints assigned and findings sorted."""
    return ScanResult(
        command=command,
        tool_version=__version__,
        source=source,
        baseline_source=baseline_source,
        changes=tuple(sorted(changes, key=lambda c: (c.path, c.kind.value))),
        findings=assign_fingerprints(tuple(findings)),
        stats=stats,
        fail_on=ctx.fail_on,
        rules=rules_listing(ctx),
    )
