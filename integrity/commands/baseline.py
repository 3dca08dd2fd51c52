"""`integrity keygen`, `integrity baseline build` and `integrity baseline show`."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import click

from integrity import engine
from integrity.baseline.store import baseline_to_doc, write_baseline
from integrity.commands.common import (
    CommonOptions,
    finish,
    guarded,
    now_iso,
    render,
    repo_option,
    write_output,
)
from integrity.commands.context import (
    policy_for,
    run_context,
    source_for,
    trusted_baseline,
)
from integrity.commands.progress import stage_progress
from integrity.errors import UsageError
from integrity.model import Baseline, FileRecord, Severity
from integrity.report.escape import escape_text
from integrity.signing import generate_keypair, load_private_key


@click.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for integrity.key (mode 0600) and integrity.pub.",
)
@guarded
def keygen(out_dir: Path) -> None:
    """Create an Ed25519 key pair for signing baselines, waivers and sign-offs."""
    key, pub = generate_keypair(out_dir)
    click.echo(f"private key: {key} (keep it secret)\npublic key:  {pub}")


@click.group()
def baseline() -> None:
    """Build and inspect signed baselines."""


@baseline.command("build")
@click.argument("source")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--sign",
    "sign_key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Private key to sign the baseline with.",
)
@repo_option()
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-structure", is_flag=True, help="Record files only, no symbols/constants.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default=None)
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None)
@click.option("--quiet", is_flag=True)
@click.option("--debug", is_flag=True)
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-cache", is_flag=True)
@guarded
def build(
    source: str,
    output: Path,
    sign_key: Path | None,
    repo: Path,
    config: Path | None,
    no_structure: bool,
    fail_on: str | None,
    jobs: int | None,
    quiet: bool,
    debug: bool,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Hash and parse SOURCE into a canonical (optionally signed) baseline at OUTPUT."""
    opts = CommonOptions(
        "text", None, Severity(fail_on) if fail_on else None, config, None, jobs or _cores(), quiet
    )
    opts = replace(opts, cache_dir=cache_dir, no_cache=no_cache)
    key = load_private_key(sign_key) if sign_key else None
    policy = policy_for(opts)
    ctx = run_context(opts, policy, None, structure=not no_structure)
    tree = source_for(source, repo, policy)
    with stage_progress(quiet, "hashing") as tick:
        manifest, walked = engine.snapshot(tree, replace(ctx, stages=tick), now_iso())
    write_baseline(output, manifest, key)
    result = engine.snapshot_result(tree.info, ctx, walked)
    if not quiet:
        signed = "signed" if key else "unsigned"
        click.echo(
            f"wrote {signed} baseline of {len(manifest.files)} entries to "
            f"{escape_text(str(output))}",
            err=True,
        )
    if result.findings:
        render(result, replace(opts, fmt="text"))
    finish(result)


def _cores() -> int:
    return os.cpu_count() or 1


@baseline.command("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trust", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--symbols", "symbols_of", help="List the recorded symbols of this path.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", is_flag=True)
@click.option("--debug", is_flag=True)
@guarded
def show(
    file: Path, trust: Path | None, symbols_of: str | None, fmt: str, quiet: bool, debug: bool
) -> None:
    """Print a baseline's header and entries (or one file's symbols)."""
    opts = CommonOptions(fmt, None, None, None, None, 1, quiet)
    loaded = trusted_baseline(file, trust, opts)
    manifest = loaded.baseline
    if symbols_of is not None:
        record = manifest.by_path().get(symbols_of)
        if record is None:
            raise UsageError(f"{escape_text(symbols_of)} is not in the baseline")
        write_output(_symbols_text(record, fmt), None)
        return
    if fmt == "json":
        write_output(json.dumps(baseline_to_doc(manifest), indent=2, sort_keys=True) + "\n", None)
        return
    signer = loaded.signature.keyid if loaded.signature else "unsigned"
    write_output(_header_text(manifest, signer, loaded.digest) + _files_text(manifest), None)


def _header_text(manifest: Baseline, signer: str, digest: str) -> str:
    h = manifest.header
    where = h.source.location + (f" @ {h.source.ref} ({h.source.commit})" if h.source.ref else "")
    if h.source.digest:
        where += f" [{h.source.digest}]"
    return (
        f"baseline schema {h.schema_version}, integrity {h.tool_version}, created {h.created}\n"
        f"source: {h.source.kind} {escape_text(where)}\n"
        f"rules: {h.rules_digest}\nsigned by: {signer}\ndigest: {digest}\n"
        f"entries: {len(manifest.files)}\n\n"
    )


def _files_text(manifest: Baseline) -> str:
    lines = []
    for r in manifest.files:
        mode = "x" if r.executable else "-"
        digest = (r.sha256 or r.target or "")[:16]
        extra = f"  [{r.problem}]" if r.problem else ""
        lines.append(
            f"{r.kind.value:8} {mode} {r.size:>12} {digest:16} "
            f"{r.language or '-':10} {escape_text(r.path)}{escape_text(extra)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def _symbols_text(record: FileRecord, fmt: str) -> str:
    if fmt == "json":
        rows = [
            {
                "name": s.name,
                "kind": s.kind,
                "lines": [s.start_line, s.end_line],
                "digest": s.digest,
                "sensitive": list(s.sensitive),
            }
            for s in record.symbols
        ]
        return json.dumps(rows, indent=2, sort_keys=True) + "\n"
    out = [
        f"{escape_text(record.path)}: {len(record.symbols)} symbols "
        f"(parser: {record.parser or 'none'})"
    ]
    for s in record.symbols:
        tags = f" [{', '.join(s.sensitive)}]" if s.sensitive else ""
        out.append(
            f"  {s.start_line:>6}-{s.end_line:<6} {s.kind:10} "
            f"{escape_text(s.name)} {s.digest[:16]}{tags}"
        )
    for c in record.constants:
        std = f" ({c.standard})" if c.standard else ""
        out.append(f"  const {c.line:>6} {escape_text(c.key)}{std} = {c.value[:64]}")
    return "\n".join(out) + "\n"
