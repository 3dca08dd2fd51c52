"""Fixtures of the renderer unit tests: the golden sample, loaded by path (no package needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from integrity.model import ScanResult

_SAMPLE = Path(__file__).resolve().parents[2] / "golden" / "report_sample.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("integrity_tests_report_sample", _SAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def sample_module() -> ModuleType:
    return _load()


@pytest.fixture()
def sample(sample_module: ModuleType) -> ScanResult:
    result: ScanResult = sample_module.build_sample()
    return result
