"""The Dask worker plugin that keeps loaded rules on each worker (imported only with Dask)."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from integrity.fleet.task import RulesShelf


class RulesPlugin(RulesShelf, WorkerPlugin):
    """RulesShelf as a WorkerPlugin: rules load once per worker, not once per repository."""

    idempotent = True
