"""Every renderer on the hand-built sample vs a reviewed golden file.

Regenerate after an intended change with ``INTEGRITY_UPDATE_GOLDEN=1 python -m pytest tests/golden``
and review the diff of tests/golden/data/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_sample import build_sample

from integrity.report import RENDERERS

DATA = Path(__file__).parent / "data"
EXTENSIONS = {"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md", "html": "html"}
UPDATE = os.environ.get("INTEGRITY_UPDATE_GOLDEN") == "1"


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
