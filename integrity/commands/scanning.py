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
    repo_option,
    report_options,
    rules_option,
    warn,
)
from integrity.commands.context import (
    policy_for,
    run_context,
    source_for,
    trusted_baseline,
)
from integrity.commands.progress import stage_progress
from integrity.engine import RunContext
from integrity.model import (
    Category,
    Confidence,
    Finding,
    ScanResult,
    Severity,
    assign_fingerprints,
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
@repo_option()
@rules_option()
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
    if ctx.ruleset.digest != loaded.baseline.header.rules_digest:
        result = _with_digest_mismatch(result, loaded.baseline.header.rules_digest, ctx)
    result = apply_review(result, opts, trust)
    render(result, opts)
    finish(result)


def _with_digest_mismatch(result: ScanResult, recorded: str, ctx: RunContext) -> ScanResult:
    """The report itself says the rules differ from the baseline's (not only stderr)."""
    finding = Finding(
        rule_id="rules-digest-mismatch",
        category=Category.INTEGRITY_VIOLATION,
        severity=Severity.INFO,
        confidence=Confidence.HIGH,
        message=(
            f"the rules ({ctx.ruleset.digest[:19]}) differ from those the baseline was built "
            f"with ({recorded[:19]}): findings may differ for reasons other than the tree"
        ),
        path="",
        snippet=f"{recorded} -> {ctx.ruleset.digest}",
    )
    rules = tuple(
        sorted(
            {
                *result.rules,
                (
                    finding.rule_id,
                    "integrity-violation",
                    "info",
                    "Rules differ from the baseline's",
                ),
            }
        )
    )
    return replace(result, findings=assign_fingerprints((*result.findings, finding)), rules=rules)


@click.command()
@click.argument("source")
@repo_option()
@rules_option()
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
