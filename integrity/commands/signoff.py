"""`integrity signoff` (a signed in-toto release attestation) and `integrity attest verify`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from integrity import engine
from integrity.commands.common import (
    SEVERITIES,
    CommonOptions,
    guarded,
    now_iso,
    repo_option,
    review_today,
    waivers_for,
)
from integrity.commands.context import policy_for, run_context, source_for, trusted_baseline
from integrity.errors import ExitCode, InvalidInputError
from integrity.model import Finding, ScanResult, Severity
from integrity.report.escape import escape_text
from integrity.review.apply import apply_waivers
from integrity.review.attest import (
    MAX_ATTESTATION_BYTES,
    SignoffFacts,
    Subject,
    check_source,
    envelope,
    statement,
    verify_attestation,
)
from integrity.review.subject import file_digest, tree_digest
from integrity.review.waivers import DEFAULT_WAIVERS
from integrity.signing import atomic_write, load_private_key, load_public_key
from integrity.sources import Source

_path = click.Path(dir_okay=False, path_type=Path)


def _subject(spec: str, tree: Source, fresh: Source) -> Subject:
    info = tree.info
    if info.kind == "archive":
        return Subject(Path(spec).name, file_digest(Path(spec)), "archive")
    name = spec if info.kind == "git" else (Path(spec).resolve().name or spec)
    return Subject(name, tree_digest(fresh.iter_files()), "tree")


def _blocking(result: ScanResult) -> list[Finding]:
    return [
        f for f in result.findings if f.status == "open" and f.severity.at_least(result.fail_on)
    ]


def _refuse(result: ScanResult, blocking: list[Finding]) -> None:
    click.echo(
        f"integrity: sign-off refused: {len(blocking)} open finding(s) at or above "
        f"{result.fail_on.value} are neither fixed nor waived:",
        err=True,
    )
    for finding in blocking[:20]:
        click.echo(
            f"  {finding.severity.value} {finding.rule_id} {escape_text(finding.path)}:"
            f"{finding.start_line} [{finding.fingerprint}]",
            err=True,
        )
    if len(blocking) > 20:
        click.echo(f"  ... and {len(blocking) - 20} more", err=True)
    sys.exit(int(ExitCode.FINDINGS))


@click.command()
@click.argument("source")
@click.option("--key", required=True, type=_path, help="Private key to sign the attestation.")
@click.option("--reviewer", required=True, help="Who signs off.")
@click.option("--baseline", "baseline_path", type=_path, help="Verify against this baseline.")
@click.option("--trust", type=_path, help="Public key the baseline and waivers are signed with.")
@click.option("--waivers", type=_path, help=f"Waivers file (default {DEFAULT_WAIVERS}).")
@click.option("-o", "--output", required=True, type=_path, help="Attestation file to write.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None)
@click.option("--config", type=_path)
@repo_option()
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None)
@click.option("--quiet", is_flag=True)
@click.option("--debug", is_flag=True)
@guarded
def signoff(
    source: str,
    key: Path,
    reviewer: str,
    baseline_path: Path | None,
    trust: Path | None,
    output: Path,
    repo: Path,
    rules_dir: Path | None,
    **kwargs: Any,
) -> None:
    """Sign off a release: scan/verify SOURCE, apply waivers, write a signed attestation."""
    fail_on = kwargs["fail_on"]
    opts = CommonOptions(
        fmt="json",
        output=output,
        fail_on=Severity(fail_on) if fail_on else None,
        config=kwargs["config"],
        waivers=kwargs["waivers"],
        jobs=kwargs["jobs"] or os.cpu_count() or 1,
        quiet=kwargs["quiet"],
    )
    signer = load_private_key(key)
    policy = policy_for(opts)
    loaded = trusted_baseline(baseline_path, trust, opts) if baseline_path else None
    ctx = run_context(opts, policy, rules_dir)
    tree = source_for(source, repo, policy)
    if loaded is not None:
        result = engine.verify(tree, loaded.baseline, ctx)
    else:
        result = engine.scan(tree, ctx)
    waiver_set = waivers_for(opts, trust)
    if waiver_set is not None:
        result = apply_waivers(result, waiver_set, review_today())
    blocking = _blocking(result)
    if blocking:
        _refuse(result, blocking)
    subject = _subject(source, tree, source_for(source, repo, policy))
    facts = SignoffFacts(
        reviewer=reviewer,
        timestamp=now_iso(),
        baseline_digest=loaded.digest if loaded else None,
        rules_digest=ctx.ruleset.digest,
        waivers_digest=waiver_set.digest if waiver_set else None,
        waivers_path=waiver_set.origin if waiver_set else None,
    )
    try:
        atomic_write(output, envelope(statement(result, subject, facts), signer))
    except OSError as exc:
        raise InvalidInputError(f"{output}: cannot write attestation: {exc.strerror}") from exc
    waived = sum(1 for f in result.findings if f.status == "waived")
    if not opts.quiet:
        click.echo(
            f"signed off {escape_text(subject.name)} (sha256 {subject.sha256[:16]}...) as "
            f"{escape_text(reviewer)}: {len(result.findings)} finding(s), {waived} waived; "
            f"wrote {output}"
        )


@click.group()
def attest() -> None:
    """Check signed release sign-off attestations."""


@attest.command("verify")
@click.argument("attestation", type=_path)
@click.option("--trust", required=True, type=_path, help="Public key of the signer.")
@click.option("--source", help="Also check that SOURCE is still the attested subject.")
@repo_option()
@click.option("--config", type=_path)
@click.option("--debug", is_flag=True)
@guarded
def attest_verify(
    attestation: Path,
    trust: Path,
    source: str | None,
    repo: Path,
    config: Path | None,
    debug: bool,
) -> None:
    """Check an attestation's signature (exit 0 valid, 3 invalid) and its subject."""
    key = load_public_key(trust)
    try:
        with attestation.open("rb") as handle:
            data = handle.read(MAX_ATTESTATION_BYTES + 1)
        if len(data) > MAX_ATTESTATION_BYTES:
            raise InvalidInputError(f"{attestation}: attestation file too large")
    except OSError as exc:
        raise InvalidInputError(f"{attestation}: cannot read: {exc.strerror}") from exc
    verified = verify_attestation(data, key, str(attestation), None)
    if source is not None:
        opts = CommonOptions("text", None, None, config, None, 1, True)
        policy = policy_for(opts)
        tree = source_for(source, repo, policy)
        if tree.info.kind == "archive":
            check_source(verified, "archive", file_digest(Path(source)), str(attestation))
        else:
            check_source(verified, "tree", tree_digest(tree.iter_files()), str(attestation))
    statuses = ", ".join(f"{count} {name}" for name, count in verified.statuses) or "none"
    click.echo(
        f"attestation OK: {escape_text(verified.subject.name)} sha256 "
        f"{verified.subject.sha256} signed off by {escape_text(verified.reviewer)} "
        f"(key {verified.keyid}); findings: {statuses}"
        + ("; source matches" if source is not None else "")
    )


__all__ = ["attest", "signoff"]
