"""`integrity history`: every commit's change (vs its first parent), attributed to the commit.

Commits stream from a date-ordered walk; per commit only the changed paths are read and then
dropped, so memory grows with the findings, not with the history. Signature status, when the
policy asks for signed commits, is fetched from git in batches after the walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import git

from integrity.config import Policy
from integrity.engine import RunContext
from integrity.gitflow.changeset import Audit, ChangeAuditor
from integrity.gitflow.commits import CommitFacts, commit_range, facts_of, parents_of
from integrity.gitflow.objects import ObjectReader
from integrity.gitflow.policyat import Governance, governance_at, governance_from
from integrity.gitflow.result import build_result
from integrity.gitflow.safegit import SignatureStatus, signature_status
from integrity.gitflow.signals import Touched, author_differs, touched, understated, unsigned
from integrity.model import Finding, ScanResult, ScanStats, SourceInfo, fingerprint
from integrity.sources.git import open_repo, resolve_commit

StatusLookup = Callable[[Path, list[str]], dict[str, SignatureStatus]]


@dataclass(frozen=True, slots=True)
class CommitAudit:
    """One commit's findings (attributed) and what it touched."""

    facts: CommitFacts
    findings: tuple[Finding, ...]
    touched: Touched
    governance: Governance
    files: int
    bytes: int
    parsed: int


def attribute(facts: CommitFacts, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Add commit, author, committer and date to each finding; the commit joins its identity."""
    pairs = (
        ("commit", facts.hexsha),
        ("author", f"{facts.author} <{facts.author_email}>"),
        ("committer", f"{facts.committer} <{facts.committer_email}>"),
        ("date", facts.date),
    )
    seen: dict[tuple[str, str, str, str], int] = {}
    out = []
    for item in sorted(findings, key=Finding.sort_key):
        key = (item.rule_id, item.path, item.symbol or "", item.snippet)
        index = seen.get(key, 0)
        seen[key] = index + 1
        content = f"{facts.hexsha}\x00{item.snippet}"
        fp = fingerprint(item.rule_id, item.path, content, item.symbol, index)
        out.append(replace(item, details=(*item.details, *pairs), fingerprint=fp))
    return tuple(out)


class HistoryAuditor:
    """Audits the commits of one range with one set of rules."""

    def __init__(self, repo: git.Repo, ctx: RunContext, policy: Policy | None) -> None:
        self._reader = ObjectReader(repo.odb)
        self._auditor = ChangeAuditor(self._reader, ctx)
        self._fixed = governance_from(policy) if policy is not None else None
        self._policies: dict[tuple[bytes, ...], Governance] = {}

    def _governance(self, commit: git.Commit, tree: bytes) -> Governance:
        if self._fixed is not None:
            return self._fixed
        root = self._reader.tree(tree)
        key = tuple(
            root[name].binsha if name in root else b""
            for name in ("integrity.toml", "pyproject.toml")
        )
        found = self._policies.get(key)
        if found is None:
            found = governance_at(self._reader, tree, f"git:{commit.hexsha[:12]}")
            self._policies[key] = found
        return found

    def audit(self, commit: git.Commit) -> CommitAudit:
        """The commit's change vs its first parent, under the parent's policy."""
        facts = facts_of(commit)
        present = parents_of(commit)
        parent = present[0] if present else None
        old_tree = parent.tree.binsha if parent is not None else None
        governance = self._governance(parent or commit, old_tree or commit.tree.binsha)
        audit: Audit = self._auditor.audit(old_tree, commit.tree.binsha, governance)
        what = touched(audit, governance.policy)
        found = list(audit.findings)
        signals = (understated(facts, what), author_differs(facts, what))
        found.extend(signal for signal in signals if signal is not None)
        return CommitAudit(
            facts,
            tuple(found),
            what,
            governance,
            audit.stats.files,
            audit.stats.bytes,
            audit.stats.parsed,
        )


def iter_history(
    repo: git.Repo, until: git.Commit, since: git.Commit | None, auditor: HistoryAuditor
) -> Iterator[CommitAudit]:
    """Audit each commit of since..until, newest first."""
    for commit in commit_range(until, since):
        yield auditor.audit(commit)


def run_history(
    repo_path: Path,
    since_ref: str | None,
    until_ref: str,
    ctx: RunContext,
    policy: Policy | None = None,
    status_of: StatusLookup = signature_status,
    on_commit: Callable[[int], None] | None = None,
) -> ScanResult:
    """Findings of every commit in since..until (policy per commit: its parent's, or `policy`)."""
    repo = open_repo(repo_path)
    until = resolve_commit(repo, until_ref)
    since = resolve_commit(repo, since_ref) if since_ref else None
    auditor = HistoryAuditor(repo, ctx, policy)
    findings: list[Finding] = []
    pending: list[tuple[CommitFacts, Touched]] = []
    files = size = parsed = 0
    for commits, done in enumerate(iter_history(repo, until, since, auditor), start=1):
        files += done.files
        size += done.bytes
        parsed += done.parsed
        findings.extend(attribute(done.facts, done.findings))
        if done.governance.policy.require_signed_commits and done.touched.sensitive:
            pending.append((done.facts, done.touched))
        if on_commit is not None:
            on_commit(commits)
    if pending:
        statuses = status_of(Path(repo.git_dir), [facts.hexsha for facts, _ in pending])
        for facts, what in pending:
            status = statuses.get(facts.hexsha, SignatureStatus.UNKNOWN)
            signal = unsigned(facts, what, status)
            if signal is not None:
                findings.extend(attribute(facts, (signal,)))
    location = str(repo_path)
    source = SourceInfo("git", location, ref=until_ref, commit=until.hexsha)
    against = SourceInfo("git", location, ref=since_ref, commit=since.hexsha) if since else None
    stats = ScanStats(files=files, bytes=size, parsed=parsed)
    return build_result("history", source, against, ctx, (), findings, stats)
