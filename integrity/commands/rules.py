"""`integrity rules list` and `integrity rules test [DIR]`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from integrity.commands.common import guarded, write_output
from integrity.errors import ExitCode
from integrity.rules.load import load_rules
from integrity.rules.selftest import format_results, format_rule_list, run_examples


@click.group()
def rules() -> None:
    """The signatures, and their embedded examples run as tests."""


@rules.command("list")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--debug", is_flag=True)
@guarded
def list_rules(directory: Path | None, debug: bool) -> None:
    """List every rule with its kind, languages, category and severity."""
    write_output(format_rule_list(load_rules(directory)), None)


@rules.command("test")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--debug", is_flag=True)
@guarded
def test_rules(directory: Path | None, debug: bool) -> None:
    """Run every rule's embedded examples; exit 1 if one behaves unlike its label."""
    results = run_examples(load_rules(directory))
    text, ok = format_results(results)
    write_output(text, None)
    sys.exit(int(ExitCode.CLEAN if ok else ExitCode.FINDINGS))
