"""The task list's filters as query parameters: one parser for the inbox page and the API.

A GET form sends an empty value for "any", so every parameter accepts an empty string and
reads it as None; anything else that does not fit is a 422 naming the parameter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from workflow.queries.tasks import STATES, TaskFilter

# An identifier as definitions and quota tables write them, or nothing.
CODE = r"^([A-Za-z0-9][A-Za-z0-9_-]*)?$"
STATE = rf"^({'|'.join(STATES)})?$"


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


async def task_filter(
    campaign_id: Annotated[str | None, Query(max_length=18, pattern=r"^[0-9]*$")] = None,
    stage: Annotated[str | None, Query(max_length=40, pattern=CODE)] = None,
    state: Annotated[str | None, Query(pattern=STATE)] = None,
    mine: bool = False,
    overdue: bool = False,
    unit: Annotated[str | None, Query(max_length=40, pattern=CODE)] = None,
    category: Annotated[str | None, Query(max_length=40, pattern=CODE)] = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
) -> TaskFilter:
    """The filter a request asks for (`mine=true` is the older spelling of `state=mine`).

    Async because it only parses: a plain `def` dependency costs a worker-thread hop."""
    campaign = _blank(campaign_id)
    return TaskFilter(
        campaign_id=int(campaign) if campaign else None,
        stage=_blank(stage),
        state="mine" if mine else _blank(state),
        overdue=overdue,
        unit=_blank(unit),
        category=_blank(category),
        search=_blank(q),
    )


TaskQuery = Annotated[TaskFilter, Depends(task_filter)]
