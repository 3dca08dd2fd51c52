"""Renderers: ScanResult -> str, one module per format, registered here by name.

A renderer is a pure function of a ScanResult. ``report`` imports only ``integrity.model``
(and ``integrity.errors`` for load_report), the standard library, rich and pygments.
"""

from __future__ import annotations

from collections.abc import Callable

from integrity.model import ScanResult
from integrity.report import html as html_report
from integrity.report import json as json_report
from integrity.report import markdown as markdown_report
from integrity.report import sarif as sarif_report
from integrity.report import text as text_report

Renderer = Callable[[ScanResult], str]

RENDERERS: dict[str, Renderer] = {
    "text": text_report.render,
    "json": json_report.render,
    "sarif": sarif_report.render,
    "markdown": markdown_report.render,
    "html": html_report.render,
}
"""Format name (the --format choices) -> renderer. text is plain; see TERMINAL_RENDERERS."""

TERMINAL_RENDERERS: dict[str, Renderer] = {
    "text": text_report.render_ansi,
}
"""Colour variants the CLI uses instead when writing to a TTY."""

FORMATS: tuple[str, ...] = tuple(RENDERERS)
"""The format names, in --format order."""
