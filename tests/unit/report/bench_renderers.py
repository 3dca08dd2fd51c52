"""Time every renderer on the golden sample plus 10,000 synthetic findings.

Run from the repository root: ``python tests/unit/report/bench_renderers.py`` (not a test).
"""

from __future__ import annotations

import importlib.util
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from integrity.model import Category, Confidence, Finding, Severity  # noqa: E402
from integrity.report import RENDERERS  # noqa: E402
from integrity.report.jsonload import load_report  # noqa: E402

EXTENSIONS = [".c", ".py", ".js", ".go", ".sh", ".txt", ".java", ".rb"]
DIFF = (("before", "int f(){\n return 0;\n}"), ("after", "int f(){\n return 1;\n}"))


def main() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_sample", ROOT / "tests" / "golden" / "report_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    findings = tuple(
        Finding(
            rule_id=f"rule-{i % 40}",
            category=list(Category)[i % 15],
            severity=list(Severity)[i % 5],
            confidence=Confidence.MEDIUM,
            message=f"message {i}",
            path=f"src/d{i % 50}/f{i}{EXTENSIONS[i % 8]}",
            start_line=i % 900 + 1,
            end_line=i % 900 + 3,
            fingerprint=f"{i:032x}",
            snippet="if (x == 1) {\n  return do_thing(y);\n}\n",
            details=DIFF if i % 10 == 0 else (),
        )
        for i in range(10_000)
    )
    big = replace(module.build_sample(), findings=findings)
    for name, render in RENDERERS.items():
        start = time.perf_counter()
        out = render(big)
        print(f"{name:9s} {(time.perf_counter() - start) * 1000:8.0f} ms {len(out) / 1e6:7.2f} MB")
    text = RENDERERS["json"](big)
    start = time.perf_counter()
    load_report(text)
    print(f"jsonload  {(time.perf_counter() - start) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
