"""Fixtures of the engine tests: loaded rules (once per session) and generated trees."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from integrity.config import Policy
from integrity.engine import RunContext
from integrity.rules.load import RuleSet, load_rules
from integrity.syntax.constants import ConstantRegistry, load_registry

PY_BAD = "import base64\nexec(base64.b64decode(blob))\n"
C_FUNC = """
int check_{n}(const char *user, const char *pw) {{
    if (strcmp(pw, "letmein-{n}") == 0) {{ return 1; }}
    for (int i = 0; i < {n}; i++) {{ total += i * {n}; }}
    return verify_password(user, pw);
}}
"""


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def registry() -> ConstantRegistry:
    return load_registry()


@pytest.fixture
def make_ctx(rules: RuleSet, registry: ConstantRegistry) -> Callable[..., RunContext]:
    """A RunContext over the packaged rules, one job and no cache unless changed."""

    def make(**changes: object) -> RunContext:
        base = RunContext(policy=Policy(), ruleset=rules, registry=registry, jobs=1)
        return replace(base, **changes)  # type: ignore[arg-type]

    return make


def generate_tree(root: Path, files: int = 60, seed: int = 7) -> Path:
    """A tree of C, Python, text and binary files of varied sizes, one of them big."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        folder = root / f"d{i % 7}"
        folder.mkdir(exist_ok=True)
        kind = i % 4
        if kind == 0:
            body = "#include <string.h>\n" + "".join(
                C_FUNC.format(n=rng.randrange(1, 1000)) for _ in range(rng.randrange(1, 30))
            )
            (folder / f"f{i}.c").write_text(body)
        elif kind == 1:
            body = "".join(
                f"def f{j}(x):\n    return x * {j}\n\n" for j in range(rng.randrange(1, 60))
            )
            (folder / f"m{i}.py").write_text(body + (PY_BAD if i % 3 == 0 else ""))
        elif kind == 2:
            (folder / f"notes{i}.txt").write_text("plain words\n" * rng.randrange(1, 200))
        else:
            (folder / f"blob{i}.bin").write_bytes(bytes(rng.randrange(256) for _ in range(2048)))
    big = "#include <string.h>\n" + "".join(C_FUNC.format(n=n) for n in range(1, 600))
    (root / "big.c").write_text(big)
    (root / "copy_a.py").write_text(PY_BAD)
    (root / "copy_b.py").write_text(PY_BAD)
    return root
