"""Every renderer on the hand-built sample vs a reviewed golden file.

Regenerate after an intended change with ``INTEGRITY_UPDATE_GOLDEN=1 python -m pytest tests/golden``
and review the diff of tests/golden/data/.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from integrity.model import ScanResult
from integrity.report import RENDERERS

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md", "html": "html"}
UPDATE = os.environ.get("INTEGRITY_UPDATE_GOLDEN") == "1"


def build_sample() -> ScanResult:
    """The sample of report_sample.py, loaded by path (pytest runs with --import-mode=importlib,
    so this folder is not on sys.path)."""
    spec = importlib.util.spec_from_file_location(
        "integrity_tests_report_sample", HERE / "report_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: ScanResult = module.build_sample()
    return result


def test_every_renderer_has_a_golden() -> None:
    assert set(EXTENSIONS) == set(RENDERERS)


@pytest.mark.parametrize("name", sorted(EXTENSIONS))
def test_golden(name: str) -> None:
    rendered = RENDERERS[name](build_sample())
    golden = DATA / f"basic.{EXTENSIONS[name]}"
    if UPDATE:
        with golden.open("w", encoding="utf-8", newline="") as handle:
            handle.write(rendered)
    with golden.open(encoding="utf-8", newline="") as handle:
        expected = handle.read()
    assert rendered == expected, f"{golden.name} differs; INTEGRITY_UPDATE_GOLDEN=1 to rewrite"


@pytest.mark.parametrize("name", sorted(EXTENSIONS))
def test_rendering_is_repeatable(name: str) -> None:
    assert RENDERERS[name](build_sample()) == RENDERERS[name](build_sample())
