"""Load runs from Python: ``run_load(cloud, Load("fn", (Stage(60, 100),)))``.

A thin public door onto ``emulator.services.awslambda.loadrun``: each request occupies an
execution environment for a declared or measured duration on the virtual clock, so a
hundred thousand requests take about a second and give the same numbers every time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.errors import ClientError, ServiceError
from emulator.services.awslambda.loadrun import Counts, FunctionResult, Load, LoadResult, Stage

if TYPE_CHECKING:
    from emulator.cloud import Cloud

__all__ = ["Counts", "FunctionResult", "Load", "LoadResult", "Stage", "run_load"]


def run_load(cloud: Cloud, *loads: Load, region: str | None = None) -> LoadResult:
    """Play ``loads`` at once on ``cloud``'s Lambda functions, moving its clock to the end.

    Mistakes (an unknown function, a bad stage) raise ``ClientError`` as a client call would.
    """
    backend: Any = cloud.backend("lambda", region)
    try:
        with cloud.lock.hold():
            return backend.load_run(loads)  # type: ignore[no-any-return]
    except ServiceError as error:
        raise ClientError(error.to_response("LoadRun"), "LoadRun") from None
