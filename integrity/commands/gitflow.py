"""`integrity diff`, `integrity history` and `integrity release`: the git workflows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from integrity.commands.common import (
    CommonOptions,
    apply_review,
    common_from,
    finish,
    guarded,
    render,
    repo_option,
    report_options,
    review_today,
    rules_option,
    warn,
)
from integrity.commands.context import limits_for, policy_for, run_context
from integrity.commands.progress import count_progress
from integrity.config import Policy
from integrity.gitflow.history import run_history
from integrity.gitflow.m4registry import load_m4_registry
from integrity.gitflow.objects import ObjectReader
from integrity.gitflow.policyat import governance_at, governance_from
from integrity.gitflow.premerge import plan_premerge, run_premerge
from integrity.gitflow.release import Tag, run_release, tag_entries
from integrity.gitflow.waiversat import trusted_key, waivers_at
from integrity.model import ScanResult
from integrity.review.apply import apply_waivers
from integrity.sources import ArchiveSource
from integrity.sources.git import open_repo, resolve_commit


def _reviewed(
    result: ScanResult,
    opts: CommonOptions,
    reader: ObjectReader,
    tree: bytes | None,
    path: str,
) -> ScanResult:
    """Apply --waivers when given, else the waivers file of the trusted commit `tree`.

    The working directory's baselines/waivers.toml is never used here: in CI it is the change's.
    """
    if opts.waivers is not None:
        return apply_review(result, opts)
    if tree is None:
        return result
    waivers = waivers_at(reader, tree, path, trusted_key())
    if waivers is None:
        return result
    for message in waivers.warnings:
        warn(opts, message)
    return apply_waivers(result, waivers, review_today())


def _explicit_policy(opts: CommonOptions) -> Policy | None:
    """--config wins; otherwise the policy comes from the trusted side of the comparison."""
    return policy_for(opts) if opts.config is not None else None


@click.command("diff")
@click.argument("base")
@click.argument("head")
@repo_option("The git repository (worktree or bare); read from its objects, never checked out.")
@rules_option()
@report_options
@guarded
def diff_command(base: str, head: str, repo: Path, rules_dir: Path | None, **kwargs: Any) -> None:
    """The change HEAD brings over merge-base(BASE, HEAD), under BASE's policy and waivers."""
    opts = common_from(kwargs)
    plan = plan_premerge(repo, base, head, _explicit_policy(opts))
    ctx = run_context(opts, plan.governance.policy, rules_dir)
    result = run_premerge(plan, ctx)
    reader = ObjectReader(plan.repo.odb)
    waivers = plan.governance.waivers_path
    result = _reviewed(result, opts, reader, plan.base.tree.binsha, waivers)
    render(result, opts)
    finish(result)


@click.command("history")
@repo_option("The git repository (worktree or bare); read from its objects, never checked out.")
@click.option("--since", help="Audit commits after this one (exclusive), like SINCE..UNTIL.")
@click.option("--until", default="HEAD", show_default=True, help="Newest commit to audit.")
@rules_option()
@report_options
@guarded
def history_command(
    repo: Path, since: str | None, until: str, rules_dir: Path | None, **kwargs: Any
) -> None:
    """Audit each commit's change against its first parent, attributed to the commit.

    Waivers: --waivers, else the waivers file of the --since commit (never of a later one).
    """
    opts = common_from(kwargs)
    explicit = _explicit_policy(opts)
    ctx = run_context(opts, explicit or Policy(), rules_dir)
    with count_progress(opts.quiet, "auditing", "commits") as tick:
        result = run_history(repo, since, until, ctx, explicit, on_commit=tick)
    git_repo = open_repo(repo)
    reader = ObjectReader(git_repo.odb)
    start = resolve_commit(git_repo, since).tree.binsha if since else None
    governance = governance_from(explicit) if explicit is not None else None
    if governance is None and start is not None:
        governance = governance_at(reader, start, f"git:{since}")
    path = governance.waivers_path if governance is not None else "baselines/waivers.toml"
    result = _reviewed(result, opts, reader, start, path)
    render(result, opts)
    finish(result)


@click.command("release")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ref", required=True, help="The tag (or commit) the release was made from.")
@repo_option("The git repository (worktree or bare); read from its objects, never checked out.")
@rules_option()
@click.option(
    "--m4-registry",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Registry of known upstream m4 macro digests (default: the shipped one).",
)
@report_options
@guarded
def release_command(
    archive: Path,
    ref: str,
    repo: Path,
    rules_dir: Path | None,
    m4_registry: Path | None,
    **kwargs: Any,
) -> None:
    """Compare every member of a release ARCHIVE with the tree of its git tag."""
    opts = common_from(kwargs)
    git_repo = open_repo(repo)
    commit = resolve_commit(git_repo, ref)
    reader = ObjectReader(git_repo.odb)
    explicit = _explicit_policy(opts)
    governance = (
        governance_from(explicit)
        if explicit is not None
        else governance_at(reader, commit.tree.binsha, f"git:{ref}")
    )
    tag = Tag(reader, tag_entries(reader, commit.tree.binsha), commit.hexsha)
    source = ArchiveSource(archive, limits_for(governance.policy))
    ctx = run_context(opts, governance.policy, rules_dir)
    result = run_release(source, tag, ref, repo, ctx, governance, load_m4_registry(m4_registry))
    result = _reviewed(result, opts, reader, commit.tree.binsha, governance.waivers_path)
    render(result, opts)
    finish(result)


GITFLOW_COMMANDS = (diff_command, history_command, release_command)
