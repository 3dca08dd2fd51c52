"""The command line: a click group that assembles the commands. No logic lives here."""

from __future__ import annotations

import logging

import click

from integrity import __version__
from integrity.commands.baseline import baseline, keygen
from integrity.commands.fleet import fleet
from integrity.commands.gitflow import GITFLOW_COMMANDS
from integrity.commands.review import review
from integrity.commands.rules import rules
from integrity.commands.scanning import scan, verify
from integrity.commands.signoff import attest, signoff


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="integrity")
def cli() -> None:
    """Find changes that should not be there in trusted source trees.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error,
    3 invalid input (corrupt/tampered baseline, bad signature, unknown ref, bad rule file),
    4 internal error.
    """


for command in (keygen, baseline, verify, scan, rules, review, signoff, attest, *GITFLOW_COMMANDS):
    cli.add_command(command)
cli.add_command(fleet)


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="integrity: %(levelname)s: %(message)s")
    cli(prog_name="integrity")
