"""Stored results add up as people read them: typed totals replace each other, daily figures sum, sources add."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from handlers.outcomes import Outcome, count_results, outcomes_of, record_result
from storage import queries
from storage.db import transaction
from storage.models import ResultSource
from tests.factories import NOW, ctx_for, posted_request


def _ids(engine: Engine, *numbers: int) -> tuple[int, list[int]]:
    with transaction(engine) as session:
        ctx = ctx_for(session, "U0OWNER")
        ids = []
        for number in numbers:
            request = queries.get_request_by_number(session=session, workspace_id=ctx.workspace_id, number=number)
            assert request is not None and request.id is not None
            ids.append(request.id)
        return ctx.workspace_id, ids


def test_typed_totals_replace_daily_figures_sum_and_sources_add_up(any_engine: Engine) -> None:
    first, second = posted_request(any_engine), posted_request(any_engine, title="Second")
    workspace_id, (one, two) = _ids(any_engine, first, second)
    day = date(2026, 11, 23)
    figures = [
        (one, "views", 800, day, ResultSource.TYPED),
        (one, "views", 1200, day + timedelta(days=2), ResultSource.TYPED),  # a later total so far
        (one, "views", 30, day, ResultSource.ANALYTICS),
        (one, "views", 45, day + timedelta(days=1), ResultSource.ANALYTICS),
        (one, "leads", 2, day, ResultSource.IMPORT),
        (one, "leads", 3, day, ResultSource.IMPORT),  # the same day imported again replaces it
    ]
    with transaction(any_engine) as session:
        for request_id, metric, value, on, source in figures:
            record_result(
                session=session,
                workspace_id=workspace_id,
                request_id=request_id,
                metric=metric,
                value=value,
                day=on,
                source=source,
                now=NOW,
            )
    with transaction(any_engine) as session:
        outcomes = outcomes_of(session=session, workspace_id=workspace_id, request_ids=[one, two])
        assert outcomes[one] == Outcome(metrics={"views": 1200 + 30 + 45, "leads": 3})
        assert outcomes[one].ordered() == [("views", 1275), ("leads", 3)]
        assert outcomes[two].is_empty
        assert count_results(session=session, workspace_id=workspace_id) == 5
        # Another workspace sees none of it.
        other = ctx_for(session, "U0OWNER", workspace="T2")
        assert outcomes_of(session=session, workspace_id=other.workspace_id, request_ids=[one]) == {one: Outcome()}
