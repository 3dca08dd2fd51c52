"""Renderers: ScanResult -> str, one module per format, registered here by name."""

from __future__ import annotations

from collections.abc import Callable

from integrity.model import ScanResult
from integrity.report import json as json_report

Renderer = Callable[[ScanResult], str]

RENDERERS: dict[str, Renderer] = {
    "json": json_report.render,
}
