"""The import graph follows DESIGN.md B.1: downward only."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "integrity"

# module prefix -> internal prefixes it must never import
FORBIDDEN = {
    "integrity.model": ("integrity.",),
    "integrity.errors": ("integrity.",),
    "integrity.report": (
        "integrity.engine",
        "integrity.detectors",
        "integrity.rules",
        "integrity.commands",
        "integrity.cli",
        "integrity.sources",
        "integrity.filework",
    ),
    "integrity.sources": (
        "integrity.engine",
        "integrity.detectors",
        "integrity.report",
        "integrity.commands",
        "integrity.cli",
    ),
    "integrity.syntax": (
        "integrity.engine",
        "integrity.detectors",
        "integrity.report",
        "integrity.commands",
        "integrity.cli",
        "integrity.rules",
    ),
    "integrity.detectors": (
        "integrity.engine",
        "integrity.report",
        "integrity.commands",
        "integrity.cli",
    ),
    "integrity.rules": (
        "integrity.engine",
        "integrity.report",
        "integrity.commands",
        "integrity.cli",
    ),
    "integrity.engine": ("integrity.commands", "integrity.cli", "integrity.report"),
}
ALLOWED_ANYWHERE = ("integrity.model", "integrity.errors")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def test_imports_point_downward():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        for prefix, banned in FORBIDDEN.items():
            if name != prefix and not name.startswith(prefix + "."):
                continue
            for imported in imports(path):
                if imported.startswith(ALLOWED_ANYWHERE) and prefix not in ALLOWED_ANYWHERE:
                    continue
                if imported.startswith(banned) and not imported.startswith(prefix):
                    problems.append(f"{name} imports {imported}")
    assert problems == []


def test_nothing_imports_the_cli():
    offenders = [
        module_name(p)
        for p in PACKAGE.rglob("*.py")
        if module_name(p) not in ("integrity.__main__",) and "integrity.cli" in imports(p)
    ]
    assert offenders == []
