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
    progress,
    render,
    report_options,
)
from integrity.commands.context import limits_for, policy_for, run_context
from integrity.config import Policy
from integrity.gitflow.history import run_history
from integrity.gitflow.m4registry import load_m4_registry
from integrity.gitflow.objects import ObjectReader
from integrity.gitflow.policyat import governance_at, governance_from
from integrity.gitflow.premerge import plan_premerge, run_premerge
from integrity.gitflow.release import Tag, run_release, tag_entries
from integrity.sources import ArchiveSource
from integrity.sources.git import open_repo, resolve_commit

_repo = click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The git repository (worktree or bare); read from its objects, never checked out.",
)
_rules = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Signature folder (default: the packaged signatures).",
)


def _explicit_policy(opts: CommonOptions) -> Policy | None:
    """--config wins; otherwise the policy comes from the trusted side of the comparison."""
    return policy_for(opts) if opts.config is not None else None


@click.command("diff")
@click.argument("base")
@click.argument("head")
@_repo
@_rules
@report_options
@guarded
def diff_command(base: str, head: str, repo: Path, rules_dir: Path | None, **kwargs: Any) -> None:
    """The change HEAD brings over merge-base(BASE, HEAD), under BASE's policy."""
    opts = common_from(kwargs)
    plan = plan_premerge(repo, base, head, _explicit_policy(opts))
    ctx = run_context(opts, plan.governance.policy, rules_dir)
    result = run_premerge(plan, ctx)
    result = apply_review(result, opts)
    render(result, opts)
    finish(result)


@click.command("history")
@_repo
@click.option("--since", help="Audit commits after this one (exclusive), like SINCE..UNTIL.")
@click.option("--until", default="HEAD", show_default=True, help="Newest commit to audit.")
@_rules
@report_options
@guarded
def history_command(
    repo: Path, since: str | None, until: str, rules_dir: Path | None, **kwargs: Any
) -> None:
    """Audit each commit's change against its first parent, attributed to the commit."""
    opts = common_from(kwargs)
    explicit = _explicit_policy(opts)
    ctx = run_context(opts, explicit or Policy(), rules_dir)
    with progress(opts.quiet, "commits") as tick:
        result = run_history(repo, since, until, ctx, explicit, on_commit=tick)
    result = apply_review(result, opts)
    render(result, opts)
    finish(result)


@click.command("release")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ref", required=True, help="The tag (or commit) the release was made from.")
@_repo
@_rules
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
    result = apply_review(result, opts)
    render(result, opts)
    finish(result)


GITFLOW_COMMANDS = (diff_command, history_command, release_command)
