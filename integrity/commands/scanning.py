"""`integrity verify` and `integrity scan`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from integrity import engine
from integrity.commands.common import (
    apply_review,
    common_from,
    finish,
    guarded,
    render,
    report_options,
    warn,
)
from integrity.commands.context import (
    policy_for,
    run_context,
    source_for,
    trusted_baseline,
)
from integrity.commands.progress import stage_progress

_repo = click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Repository for git:REF sources.",
)
_rules = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Signature folder (default: the packaged signatures).",
)


@click.command()
@click.argument("source")
@click.option(
    "--baseline",
    "baseline_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The trusted baseline.",
)
@click.option(
    "--trust",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Public key the baseline must be signed with.",
)
@_repo
@_rules
@report_options
@guarded
def verify(
    source: str,
    baseline_path: Path,
    trust: Path | None,
    repo: Path,
    rules_dir: Path | None,
    **kwargs: Any,
) -> None:
    """What changed in SOURCE since the trusted baseline, and is it suspicious."""
    opts = common_from(kwargs)
    policy = policy_for(opts)
    loaded = trusted_baseline(baseline_path, trust, opts)
    ctx = run_context(opts, policy, rules_dir)
    if ctx.ruleset.digest != loaded.baseline.header.rules_digest:
        warn(
            opts,
            "the rules differ from those the baseline was built with "
            f"({loaded.baseline.header.rules_digest[:19]} vs {ctx.ruleset.digest[:19]})",
        )
    tree = source_for(source, repo, policy)
    with stage_progress(opts.quiet, "verifying") as tick:
        result = engine.verify(tree, loaded.baseline, replace(ctx, stages=tick))
    result = apply_review(result, opts, trust)
    render(result, opts)
    finish(result)


@click.command()
@click.argument("source")
@_repo
@_rules
@click.option("--no-structure", is_flag=True, help="Skip symbol and constant analysis.")
@report_options
@guarded
def scan(
    source: str, repo: Path, rules_dir: Path | None, no_structure: bool, **kwargs: Any
) -> None:
    """Audit a whole tree (directory, archive or git:REF) with every detector."""
    opts = common_from(kwargs)
    policy = policy_for(opts)
    ctx = run_context(opts, policy, rules_dir, structure=not no_structure)
    tree = source_for(source, repo, policy)
    with stage_progress(opts.quiet, "scanning") as tick:
        result = engine.scan(tree, replace(ctx, stages=tick))
    result = apply_review(result, opts)
    render(result, opts)
    finish(result)
