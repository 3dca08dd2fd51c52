"""`integrity fleet REPOS.txt`: audit many repositories on Dask, one combined report."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from integrity.commands.common import (
    apply_review,
    common_from,
    finish,
    guarded,
    render,
    report_options,
    rules_option,
    threshold,
)
from integrity.commands.context import cache_dir_for, policy_for
from integrity.commands.progress import count_progress
from integrity.fleet import (
    FleetUnavailable,
    RepoTask,
    combine,
    dask_available,
    fleet_source,
    read_repo_list,
    run_tasks,
)


@click.command()
@click.argument("repos_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--scheduler",
    help="A running Dask scheduler (tcp://HOST:PORT). Default: a local cluster of -j workers.",
)
@rules_option("Signature folder (default: the packaged signatures); must exist on every worker.")
@click.option("--no-structure", is_flag=True, help="Skip symbol and constant analysis.")
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=1,
    show_default=True,
    help="Re-runs of a repository whose task raised, before it is reported as failed.",
)
@report_options
@guarded
def fleet(
    repos_file: Path,
    scheduler: str | None,
    rules_dir: Path | None,
    no_structure: bool,
    retries: int,
    **kwargs: Any,
) -> None:
    """Audit every repository listed in REPOS_FILE (a whole-tree scan of each) on Dask.

    One entry per line: a directory (`/srv/www`), or `git:PATH[@REF]` (REF of the repository at
    PATH, read from its object database; default HEAD), optionally labelled `NAME = ENTRY`.
    Findings are reported as `LABEL/path`. See docs/fleet.md.
    """
    opts = common_from(kwargs)
    if not dask_available():
        raise FleetUnavailable("dask distributed is not installed")
    if opts.quiet:
        logging.getLogger("distributed").setLevel(logging.ERROR)
    policy = policy_for(opts)
    specs, listed = read_repo_list(repos_file)
    fail_on = threshold(opts, policy)
    cache = cache_dir_for(opts)
    rules_path = str(rules_dir.resolve()) if rules_dir is not None else None
    tasks = [
        RepoTask(
            repo=spec,
            policy=policy,
            rules_dir=rules_path,
            structure=not no_structure,
            fail_on=fail_on,
            cache_dir=str(cache.resolve()) if cache is not None else None,
        )
        for spec in specs
    ]
    with count_progress(opts.quiet, "auditing", f"of {len(tasks)} repositories done") as tick:
        outcomes = run_tasks(
            tasks,
            scheduler=scheduler,
            workers=max(1, min(opts.jobs, len(tasks))),
            retries=retries,
            quiet=opts.quiet,
            on_done=tick,
        )
    result = combine(outcomes, fleet_source(str(repos_file), listed), fail_on, ())
    result = apply_review(result, opts)
    render(result, opts)
    finish(result)
