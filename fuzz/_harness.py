"""Shared by the atheris targets: run one input, let only IntegrityError through silently."""

from __future__ import annotations

from collections.abc import Callable

from integrity.errors import ExitCode, IntegrityError


def documented(one: Callable[[bytes], object]) -> Callable[[bytes], None]:
    """Wrap a loader: an IntegrityError with exit 3 is a documented refusal, anything else is a
    crash that atheris reports (with the input that caused it)."""

    def run(data: bytes) -> None:
        try:
            one(data)
        except IntegrityError as exc:
            if exc.exit_code != ExitCode.INVALID_INPUT:
                raise

    return run
