"""`integrity review`: interactive or batch triage of a JSON report into the waivers file."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrity.commands.common import (
    guarded,
    review_today,
)
from integrity.errors import InvalidInputError, UsageError
from integrity.model import Finding, ScanResult
from integrity.report.escape import escape_text
from integrity.report.jsonload import load_report
from integrity.review.apply import apply_waivers, flagged_waivers, is_waiver_finding
from integrity.review.decisions import Decision, Verdict, load_decisions, merge
from integrity.review.triage import triage
from integrity.review.waivers import (
    COMMANDS,
    DEFAULT_WAIVERS,
    Waiver,
    WaiverSet,
    empty_waivers,
    load_waivers,
    signature_path,
)
from integrity.review.writer import write_waivers
from integrity.signing import load_private_key, load_public_key

MAX_REPORT_BYTES = 512 * 1024 * 1024
_path = click.Path(dir_okay=False, path_type=Path)


class _Aborted(Exception):
    """The reviewer pressed Ctrl-C or closed the input."""


class ClickPrompter:
    """Triage I/O over click (a terminal, a pipe, a pseudo-terminal or CliRunner input)."""

    def show(self, text: str) -> None:
        click.echo(text, nl=False)

    def choose(self, prompt: str, choices: Sequence[str]) -> str:
        try:
            answer: str = click.prompt(prompt, type=click.Choice(list(choices)), err=False)
        except click.Abort:
            raise _Aborted from None
        return answer

    def ask(self, prompt: str) -> str:
        try:
            answer: str = click.prompt(prompt, default="", show_default=False)
        except click.Abort:
            raise _Aborted from None
        return answer


def _trust_key(trust: Path | None) -> Path | None:
    env = os.environ.get("INTEGRITY_TRUST")
    return trust if trust is not None else (Path(env) if env else None)


def _read_report(path: Path) -> ScanResult:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read report: {exc.strerror}") from exc
    if len(data) > MAX_REPORT_BYTES:
        raise InvalidInputError(f"{path}: report larger than {MAX_REPORT_BYTES} bytes")
    return load_report(data.decode("utf-8", "surrogateescape"))


def _load_existing(path: Path, trust: Path | None) -> WaiverSet:
    if not path.exists():
        return empty_waivers(path)
    key_path = _trust_key(trust)
    return load_waivers(path, load_public_key(key_path) if key_path else None)


def _batch_decisions(
    candidates: tuple[Finding, ...], accept_all: bool, reason: str | None, file: Path | None
) -> tuple[Decision, ...]:
    if accept_all == (file is not None):
        raise UsageError(
            "--non-interactive needs exactly one of --accept-all or --decisions FILE (or --prune)"
        )
    if file is not None:
        return load_decisions(file)
    if not reason or not reason.strip():
        raise UsageError("--accept-all needs --reason TEXT")
    return tuple(Decision(f.fingerprint, Verdict.ACCEPT, reason) for f in candidates)


def _interactive(
    candidates: tuple[Finding, ...], color: bool | None, reason: str | None
) -> tuple[Decision, ...]:
    use_color = sys.stdout.isatty() and "NO_COLOR" not in os.environ if color is None else color
    try:
        decisions, _ = triage(candidates, ClickPrompter(), color=use_color, reason=reason)
    except _Aborted:
        click.echo("\nintegrity: review aborted; nothing written", err=True)
        sys.exit(130)
    return decisions


def _save(path: Path, waivers: tuple[Waiver, ...], signer: Ed25519PrivateKey | None) -> None:
    write_waivers(path, waivers, signer)
    if signer is None and signature_path(path).exists():
        click.echo(
            f"integrity: warning: {signature_path(path)} no longer matches {path}; "
            "re-sign with --key",
            err=True,
        )


@click.command()
@click.argument("report", type=_path)
@click.option("--waivers", type=_path, help=f"Waivers file to update (default {DEFAULT_WAIVERS}).")
@click.option("--reviewer", help="Your name, recorded in each waiver (or INTEGRITY_REVIEWER).")
@click.option("--key", type=_path, help="Private key: re-sign the waivers file.")
@click.option("--trust", type=_path, help="Public key the existing waivers must be signed with.")
@click.option("--non-interactive", is_flag=True, help="Decide without prompting.")
@click.option("--accept-all", is_flag=True, help="With --non-interactive: waive every finding.")
@click.option("--reason", help="Reason for --accept-all (and default reason when prompting).")
@click.option("--decisions", "decisions_file", type=_path, help="TOML/JSON decisions to apply.")
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), help="Expiry of new waivers.")
@click.option(
    "--scope",
    multiple=True,
    type=click.Choice(sorted(COMMANDS)),
    help="Commands new waivers apply to (repeatable; default all).",
)
@click.option("--include-waived", is_flag=True, help="Also revisit findings already waived.")
@click.option("--prune", is_flag=True, help="Remove waivers the report shows stale or expired.")
@click.option("--color/--no-color", default=None, help="Highlight snippets (default: on a TTY).")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@guarded
def review(
    report: Path,
    waivers: Path | None,
    reviewer: str | None,
    key: Path | None,
    trust: Path | None,
    non_interactive: bool,
    accept_all: bool,
    reason: str | None,
    decisions_file: Path | None,
    expires: datetime | None,
    scope: tuple[str, ...],
    include_waived: bool,
    prune: bool,
    color: bool | None,
    debug: bool,
) -> None:
    """Triage the findings of a JSON REPORT into the reviewed waivers file."""
    path = waivers or DEFAULT_WAIVERS
    signer = load_private_key(key) if key is not None else None
    existing = _load_existing(path, trust)
    today = review_today()
    result = apply_waivers(_read_report(report), existing, today)
    candidates = tuple(
        f
        for f in result.findings
        if not is_waiver_finding(f) and (f.status == "open" or include_waived)
    )
    batch = non_interactive or accept_all or decisions_file is not None
    reviewer = reviewer or os.environ.get("INTEGRITY_REVIEWER")
    if not reviewer:
        if batch:
            raise UsageError("--reviewer NAME (or INTEGRITY_REVIEWER) is required")
        reviewer = click.prompt("Reviewer name")
    if batch:
        quiet_prune = prune and not accept_all and decisions_file is None
        decisions = (
            () if quiet_prune else _batch_decisions(candidates, accept_all, reason, decisions_file)
        )
    else:
        click.echo(f"{len(candidates)} finding(s) to review in {escape_text(str(report))}")
        decisions = _interactive(candidates, color, reason)
    pruned = flagged_waivers(result, existing) if prune else frozenset()
    kept = tuple(w for w in existing.waivers if w.index not in pruned)
    merged = merge(
        kept,
        candidates,
        decisions,
        reviewer,
        today,
        expires.date() if expires else None,
        tuple(sorted(set(scope))) or ("all",),
    )
    for note in merged.notes:
        click.echo(f"integrity: warning: {note}", err=True)
    changed = merged.accepted + merged.rejected + len(pruned) > 0
    if changed or signer is not None:
        _save(path, merged.waivers, signer)
    state = "signed" if signer is not None else "unsigned"
    where = f"wrote {path} ({state})" if changed or signer else "waivers unchanged"
    click.echo(
        f"accepted {merged.accepted}, rejected {merged.rejected}, skipped {merged.skipped}"
        + (f", pruned {len(pruned)} stale or expired" if prune else "")
        + f"; {where}"
    )


__all__ = ["review"]
