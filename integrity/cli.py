"""The command line: a click group that assembles the commands. No logic lives here.

Each command's module is imported when that command runs (or when help lists it), so a `scan`
does not pay for importing GitPython, the review and fleet machinery it never uses.
"""

from __future__ import annotations

import importlib
import logging

import click

from integrity import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    "keygen": ("integrity.commands.baseline", "keygen"),
    "baseline": ("integrity.commands.baseline", "baseline"),
    "verify": ("integrity.commands.scanning", "verify"),
    "scan": ("integrity.commands.scanning", "scan"),
    "rules": ("integrity.commands.rules", "rules"),
    "review": ("integrity.commands.review", "review"),
    "signoff": ("integrity.commands.signoff", "signoff"),
    "attest": ("integrity.commands.signoff", "attest"),
    "diff": ("integrity.commands.gitflow", "diff_command"),
    "history": ("integrity.commands.gitflow", "history_command"),
    "release": ("integrity.commands.gitflow", "release_command"),
    "fleet": ("integrity.commands.fleet", "fleet"),
}
"""Command name -> (module, attribute) of its click command."""


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - a wiring mistake
            raise TypeError(f"{module}.{attribute} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="integrity")
def cli() -> None:
    """Find changes that should not be there in trusted source trees.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error,
    3 invalid input (corrupt/tampered baseline, bad signature, unknown ref, bad rule file),
    4 internal error.
    """


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="integrity: %(levelname)s: %(message)s")
    cli(prog_name="integrity")
