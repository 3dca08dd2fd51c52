"""The process pool gives byte-identical reports for any -j, on generated and real trees."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from integrity import engine
from integrity.engine import RunContext
from integrity.report import RENDERERS
from integrity.sources import open_source
from integrity.walking import StageCounts

from .conftest import generate_tree

REPO = Path(__file__).resolve().parents[3]


def _scan_json(root: Path, ctx: RunContext) -> str:
    return RENDERERS["json"](engine.scan(open_source(str(root)), ctx))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_tree(tmp_path_factory.mktemp("gen") / "tree")


def test_pool_output_is_byte_identical_to_one_job(
    tree: Path, make_ctx: Callable[..., RunContext]
) -> None:
    seen: list[StageCounts] = []
    one = _scan_json(tree, make_ctx(jobs=1))
    two = _scan_json(tree, make_ctx(jobs=2, pool_min_files=1, pool_min_bytes=0, stages=seen.append))
    assert one == two
    assert seen[-1].analysed > 50 and seen[-1].cached == 0
    assert '"path": "copy_a.py"' in one and '"path": "copy_b.py"' in one
    assert '"rule_id": "py-exec-decoded-payload"' in one


def test_pool_on_a_real_tree_matches_inline(
    tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    real = tmp_path / "integrity"
    shutil.copytree(REPO / "integrity" / "syntax", real / "syntax")
    shutil.copytree(REPO / "integrity" / "sources", real / "sources")
    inline = _scan_json(real, make_ctx(jobs=1))
    pooled = _scan_json(real, make_ctx(jobs=2, pool_min_files=1, pool_min_bytes=0))
    assert inline == pooled
    assert '"files": ' in inline and '"files": 0,' not in inline


def test_small_runs_stay_in_process(tree: Path, make_ctx: Callable[..., RunContext]) -> None:
    from integrity.filework import WorkSettings
    from integrity.walking import Analyser
    from integrity.workpool import WorkerSpec

    ctx = make_ctx(jobs=2)
    assert ctx.pool_min_files == 200
    spec = WorkerSpec(WorkSettings(ctx.policy, True, True, True), ctx.ruleset, ctx.registry)
    with Analyser(spec, 2, 1 << 30, 1 << 30) as analyser:
        assert list(analyser.finish()) == []
        assert not analyser.pooled


def test_forkserver_workers_reload_rules(
    tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    from integrity.filework import Pending, WorkSettings, prepare
    from integrity.workpool import AnalysisPool, WorkerSpec, batches

    small = tmp_path / "t"
    small.mkdir()
    (small / "a.py").write_text("import base64\nexec(base64.b64decode(blob))\n")
    ctx = make_ctx()
    settings = WorkSettings(ctx.policy, True, True, True)
    blob = next(iter(open_source(str(small)).iter_files()))
    step = prepare(settings, blob, None)
    assert isinstance(step, Pending)
    pool = AnalysisPool(WorkerSpec(settings, ctx.ruleset, ctx.registry), 1, method="forkserver")
    try:
        done = []
        for batch in batches([(0, step)]):
            done.extend(pool.submit(batch))
        done.extend(pool.drain())
    finally:
        pool.close()
    ((index, outcome),) = done
    assert index == 0 and outcome.record.path == "a.py"
    assert [(f.rule_id, f.start_line) for f in outcome.findings] == [("py-exec-decoded-payload", 2)]


def test_a_file_that_kills_its_worker_is_reported_and_the_run_goes_on(
    tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    from integrity.filework import Pending, WorkSettings, prepare
    from integrity.workpool import AnalysisPool, WorkerSpec, batches

    root = tmp_path / "t"
    root.mkdir()
    for name in ("a.py", "boom.c", "c.py", "d.py"):
        (root / name).write_text("import base64\nexec(base64.b64decode(blob))\n")
    ctx = make_ctx()
    settings = WorkSettings(ctx.policy, True, True, True)
    steps = [prepare(settings, blob, None) for blob in open_source(str(root)).iter_files()]
    tasks = [(i, step) for i, step in enumerate(steps) if isinstance(step, Pending)]
    spec = WorkerSpec(settings, ctx.ruleset, ctx.registry, fault_path="boom.c")
    pool = AnalysisPool(spec, 2)
    try:
        done = []
        for batch in batches(tasks):
            done.extend(pool.submit(batch))
        done.extend(pool.drain())
    finally:
        pool.close()
    assert pool.crashes == 1
    found = sorted((o.record.path, f.rule_id, f.start_line) for _, o in done for f in o.findings)
    assert found == [
        ("a.py", "py-exec-decoded-payload", 2),
        ("boom.c", "unsafe-entry", 0),
        ("c.py", "py-exec-decoded-payload", 2),
        ("d.py", "py-exec-decoded-payload", 2),
    ]
    assert sorted(index for index, _ in done) == [0, 1, 2, 3]


def test_sequential_git_source_through_the_pool_matches_inline(
    git_repo: object, make_ctx: Callable[..., RunContext]
) -> None:
    files = {f"src/m{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(30)}
    files["src/evil.py"] = "import base64\nexec(base64.b64decode(blob))\n"
    git_repo.commit(files)  # type: ignore[attr-defined]
    path = git_repo.path  # type: ignore[attr-defined]

    def run(ctx: RunContext) -> str:
        source = open_source("git:main", repo=path)
        assert not source.random_access
        return RENDERERS["json"](engine.scan(source, ctx))

    inline = run(make_ctx(jobs=1))
    pooled = run(make_ctx(jobs=2, pool_min_files=5, pool_min_bytes=1 << 30))
    assert inline == pooled
    assert '"path": "src/evil.py"' in inline


def test_workers_past_the_memory_limit_are_replaced(
    tree: Path, make_ctx: Callable[..., RunContext]
) -> None:
    from integrity.filework import Pending, WorkSettings, prepare
    from integrity.workpool import AnalysisPool, WorkerSpec, batches

    ctx = make_ctx()
    settings = WorkSettings(ctx.policy, True, True, True)
    steps = [prepare(settings, blob, None) for blob in open_source(str(tree)).iter_files()]
    tasks = [(i, step) for i, step in enumerate(steps) if isinstance(step, Pending)][:40]
    spec = WorkerSpec(settings, ctx.ruleset, ctx.registry)
    inline = spec.build()
    expected = {i: inline.analyse(task) for i, task in tasks}
    pool = AnalysisPool(spec, 2)
    pool.rss_limit = 0  # every batch "grew too much": recycle before each submit
    try:
        done = []
        for batch in batches(tasks[:20]):
            done.extend(pool.submit(batch))
        done.extend(pool.drain())  # the workers' peak RSS is now known
        for batch in batches(tasks[20:]):
            done.extend(pool.submit(batch))
        done.extend(pool.drain())
    finally:
        pool.close()
    assert pool.recycled >= 1
    assert dict(done) == expected


def _pem_block() -> str:
    """A syntactically valid, obviously fake PEM private key, assembled at run time."""
    body = "\n".join(("QUJD" * 16)[i : i + 64] for i in range(0, 64 * 4, 64))
    kind = "RSA " + "PRIVATE KEY"
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"


def test_secrets_database_is_compiled_once_and_inherited(
    tree: Path, tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    """The parent compiles the secret rules' hyperscan database on a thread; a worker built
    from the spec uses that very database, and a pooled run finds what one job finds."""
    from integrity.detectors.secrets import SecretsDetector, secret_rules
    from integrity.filework import WorkSettings
    from integrity.secrets.database import DatabaseBuild
    from integrity.workpool import WorkerSpec

    ctx = make_ctx(jobs=2)
    rules = secret_rules(ctx.ruleset.rules)
    build = DatabaseBuild(rules)
    settings = WorkSettings(ctx.policy, True, True, True)
    worker = WorkerSpec(settings, ctx.ruleset, ctx.registry, secrets=build).build()
    detectors = [d for d in worker.detectors if isinstance(d, SecretsDetector)]
    assert len(detectors) == 1
    assert detectors[0]._engine._database is build.database(rules)
    assert DatabaseBuild(rules[:3]).database(rules) is None  # built for other rules: unused

    planted = tmp_path / "planted"
    shutil.copytree(tree, planted)
    (planted / "deploy_key.pem").write_text(_pem_block())
    one = _scan_json(planted, make_ctx(jobs=1))
    two = _scan_json(planted, make_ctx(jobs=2, pool_min_files=1, pool_min_bytes=0))
    assert one == two
    assert '"rule_id": "private-key"' in one
