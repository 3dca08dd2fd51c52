"""`integrity diff BASE HEAD`: the change HEAD brings over merge-base(BASE, HEAD).

Read from git objects (no checkout). The policy is the BASE commit's: a change cannot switch
off its own check.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import git

from integrity.config import Policy
from integrity.engine import RunContext
from integrity.gitflow.changeset import ChangeAuditor
from integrity.gitflow.commits import merge_base
from integrity.gitflow.objects import ObjectReader
from integrity.gitflow.policyat import Governance, governance_at, governance_from
from integrity.gitflow.result import build_result
from integrity.model import ScanResult, SourceInfo
from integrity.sources.git import open_repo, resolve_commit


@dataclass(frozen=True, slots=True)
class PreMerge:
    """The two sides of a pre-merge review, resolved, and the policy in force."""

    repo_path: Path
    repo: git.Repo
    base_ref: str
    head_ref: str
    base: git.Commit
    head: git.Commit
    merge_base: git.Commit | None
    governance: Governance


def plan_premerge(
    repo_path: Path, base_ref: str, head_ref: str, policy: Policy | None = None
) -> PreMerge:
    """Resolve refs (SourceError, exit 3, for an unknown one) and read BASE's policy.

    `policy` (from an explicit --config) replaces the one read from BASE.
    """
    repo = open_repo(repo_path)
    base = resolve_commit(repo, base_ref)
    head = resolve_commit(repo, head_ref)
    reader = ObjectReader(repo.odb)
    if policy is not None:
        governance = governance_from(policy)
    else:
        governance = governance_at(reader, base.tree.binsha, f"git:{base_ref}")
    return PreMerge(
        repo_path, repo, base_ref, head_ref, base, head, merge_base(base, head), governance
    )


def run_premerge(plan: PreMerge, ctx: RunContext) -> ScanResult:
    """File, symbol and detector findings on the changed content only."""
    reader = ObjectReader(plan.repo.odb)
    ctx = replace(ctx, policy=plan.governance.policy)
    auditor = ChangeAuditor(reader, ctx)
    old_tree = plan.merge_base.tree.binsha if plan.merge_base is not None else None
    audit = auditor.audit(old_tree, plan.head.tree.binsha, plan.governance)
    location = str(plan.repo_path)
    source = SourceInfo("git", location, ref=plan.head_ref, commit=plan.head.hexsha)
    base_commit = plan.merge_base.hexsha if plan.merge_base is not None else None
    against = SourceInfo("git", location, ref=f"merge-base({plan.base_ref})", commit=base_commit)
    return build_result("diff", source, against, ctx, audit.changes, audit.findings, audit.stats)
