"""What every command shares: options, the one error handler, output and exit codes."""

from __future__ import annotations

import functools
import logging
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from integrity.config import Policy, load_policy
from integrity.errors import ExitCode, IntegrityError
from integrity.model import ScanResult, Severity
from integrity.report import RENDERERS
from integrity.report import text as text_report
from integrity.review.apply import apply_waivers
from integrity.review.waivers import DEFAULT_WAIVERS, WaiverSet, load_waivers
from integrity.signing import atomic_write, load_public_key

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("text", "json", "sarif", "markdown", "html")
SEVERITIES = tuple(s.value for s in Severity)
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CommonOptions:
    """The reporting options every reporting command takes."""

    fmt: str
    output: Path | None
    fail_on: Severity | None
    config: Path | None
    waivers: Path | None
    jobs: int
    quiet: bool
    cache_dir: Path | None = None
    no_cache: bool = False


def guarded(func: F) -> F:
    """Map IntegrityError to its exit code and anything else to 4 (traceback only with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug")) or os.environ.get("INTEGRITY_DEBUG") == "1"
        try:
            return func(*args, **kwargs)
        except IntegrityError as exc:
            click.echo(f"integrity: error: {_one_line(exc.diagnostics())}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("integrity: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            if debug:
                traceback.print_exc()
            click.echo(
                f"integrity: internal error: {type(exc).__name__}: {_one_line(str(exc))}"
                + ("" if debug else " (run with --debug for a traceback)"),
                err=True,
            )
            sys.exit(int(ExitCode.INTERNAL))

    return wrapper  # type: ignore[return-value]


def _one_line(text: str) -> str:
    """Diagnostics never carry raw control characters to the terminal."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def repo_option(
    help_text: str = "Repository for git:REF sources (read from its objects, never checked out).",
) -> Callable[[F], F]:
    """--repo DIR (default ".")."""
    return click.option(
        "--repo",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help=help_text,
    )


def rules_option(
    help_text: str = "Signature folder (default: the packaged signatures).",
) -> Callable[[F], F]:
    """--rules DIR, passed to the command as `rules_dir`."""
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        help=help_text,
    )


def report_options(func: F) -> F:
    """--format, -o, --fail-on, --config, --waivers, -j, --quiet, --debug."""
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="Report format.",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write the report here (atomically) instead of stdout.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(SEVERITIES),
            default=None,
            help="Exit 1 when an open finding is at or above this (default: high).",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Policy file (default: ./integrity.toml, else ./pyproject.toml).",
        ),
        click.option(
            "--waivers",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Reviewed waivers file (default: baselines/waivers.toml if present).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(1, 256),
            default=None,
            help="Parallel workers (default: number of cores).",
        ),
        click.option("--quiet", is_flag=True, help="No progress or warnings on stderr."),
        click.option("--debug", is_flag=True, help="Show tracebacks of internal errors."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Analysis cache folder (default: $INTEGRITY_CACHE_DIR, else "
            "$XDG_CACHE_HOME/integrity or ~/.cache/integrity).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def common_from(kwargs: dict[str, Any]) -> CommonOptions:
    """Pop the shared options out of a command's keyword arguments."""
    fail_on = kwargs.pop("fail_on")
    jobs = kwargs.pop("jobs") or os.cpu_count() or 1
    kwargs.pop("debug", None)
    return CommonOptions(
        fmt=kwargs.pop("fmt"),
        output=kwargs.pop("output"),
        fail_on=Severity(fail_on) if fail_on else None,
        config=kwargs.pop("config"),
        waivers=kwargs.pop("waivers"),
        jobs=jobs,
        quiet=kwargs.pop("quiet"),
        cache_dir=kwargs.pop("cache_dir", None),
        no_cache=kwargs.pop("no_cache", False),
    )


def policy_for(opts: CommonOptions) -> Policy:
    """The policy named by --config or found in the working directory."""
    return load_policy(opts.config, Path.cwd())


def threshold(opts: CommonOptions, policy: Policy) -> Severity:
    """--fail-on, else the policy's fail_on, else high."""
    return opts.fail_on or policy.fail_on or Severity.HIGH


def warn(opts: CommonOptions, message: str) -> None:
    """A warning on stderr unless --quiet."""
    if not opts.quiet:
        click.echo(f"integrity: warning: {_one_line(message)}", err=True)


def render(result: ScanResult, opts: CommonOptions) -> None:
    """Render by format name and write to -o (atomically) or stdout."""
    if opts.fmt == "text" and opts.output is None and sys.stdout.isatty():
        text = text_report.render_ansi(result)
    else:
        renderer = RENDERERS.get(opts.fmt)
        if renderer is None:
            raise IntegrityError(f"format {opts.fmt!r} is not available in this build")
        text = renderer(result)
    write_output(text, opts.output)


def write_output(text: str, output: Path | None) -> None:
    """Write text atomically to a file, or to stdout."""
    data = text.encode("utf-8", "backslashreplace")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        atomic_write(output, data)
    except OSError as exc:
        raise IntegrityError(f"{output}: cannot write report: {exc.strerror}") from exc


def finish(result: ScanResult) -> None:
    """Exit 1 when an open finding is at or above the threshold, else 0."""
    sys.exit(int(ExitCode.FINDINGS if result.failing() else ExitCode.CLEAN))


def now_iso() -> str:
    """The creation time: SOURCE_DATE_EPOCH when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else None
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def review_today() -> date:
    """The day waiver expiry is judged against: SOURCE_DATE_EPOCH's day when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


def waivers_for(opts: CommonOptions, trust: Path | None = None) -> WaiverSet | None:
    """The waivers of --waivers, else of baselines/waivers.toml in the cwd when present.

    The file must be signed by --trust (or the key named by INTEGRITY_TRUST) when one is given.
    """
    path = opts.waivers
    if path is None and DEFAULT_WAIVERS.is_file():
        path = DEFAULT_WAIVERS
    if path is None:
        return None
    env = os.environ.get("INTEGRITY_TRUST")
    key_path = trust if trust is not None else (Path(env) if env else None)
    waivers = load_waivers(path, load_public_key(key_path) if key_path else None)
    for message in waivers.warnings:
        warn(opts, message)
    return waivers


def apply_review(result: ScanResult, opts: CommonOptions, trust: Path | None = None) -> ScanResult:
    """`result` with the reviewed waivers applied (waived findings stay, marked waived)."""
    waivers = waivers_for(opts, trust)
    return result if waivers is None else apply_waivers(result, waivers, review_today())
