"""Helpers for the analytics tests: settings naming a fake Plausible, published pieces, and what was stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from factories import MutableClock, posted_request
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime.analytics import AnalyticsPoller
from bot.runtime.cobot import Cobot, create_app
from bot.runtime.config import Behaviour, Environment, Settings
from storage.models import ContentRequest, PieceResult, RequestStatus, ResultSource, Workspace

KEY = "plausible-stats-key-SECRET-4f9c2e"
SITE = "example.com"


def analytics_settings(
    base_url: str, *, database_url: str = "sqlite://", key: str | None = KEY, **analytics: Any
) -> Settings:
    behaviour = {
        "timezone": "Europe/Copenhagen",
        "analytics": {"base_url": base_url, "site_id": SITE, "timeout_seconds": 2, **analytics},
    }
    env: dict[str, Any] = {"database_url": database_url}
    if key is not None:
        env["plausible_api_key"] = key
    return Settings(behaviour=Behaviour.model_validate(behaviour), env=Environment.model_validate(env))


def analytics_cobot(
    engine: Engine, base_url: str, clock: MutableClock, **analytics: Any
) -> tuple[Cobot, AnalyticsPoller]:
    settings = analytics_settings(base_url, **analytics)
    poller = AnalyticsPoller.from_settings(settings)
    assert poller is not None
    return create_app(settings, clock=clock, engine=engine), poller


def published_piece(
    engine: Engine, *, url: str, at: datetime, title: str = "Ten SEO tips", workspace: str = "T1"
) -> int:
    """A request published at ``url`` at ``at`` (as ``mark_published`` leaves it); returns its number."""
    number = posted_request(engine, title=title, workspace=workspace)
    with Session(engine) as session, session.begin():
        workspace_id = session.exec(select(Workspace.id).where(Workspace.external_id == workspace)).one()
        session.execute(
            sa.update(ContentRequest)
            .where(col(ContentRequest.workspace_id) == workspace_id, col(ContentRequest.number) == number)
            .values(status=RequestStatus.PUBLISHED, published_url=url, published_at=at)
        )
    return number


def polled(engine: Engine, number: int, *, workspace: str = "T1") -> dict[tuple[date, str], int]:
    """The analytics figures stored for request ``number``: (day, metric) → value."""
    with Session(engine) as session:
        request = session.exec(
            select(ContentRequest)
            .join(Workspace, col(Workspace.id) == col(ContentRequest.workspace_id))
            .where(Workspace.external_id == workspace, ContentRequest.number == number)
        ).one()
        rows = session.exec(
            select(PieceResult).where(
                PieceResult.request_id == request.id, PieceResult.source == ResultSource.ANALYTICS
            )
        ).all()
        return {(row.day, row.metric): row.value for row in rows}


def all_results(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(sa.func.count()).select_from(PieceResult)).one())
