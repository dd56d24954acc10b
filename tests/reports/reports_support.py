"""Helpers for the report, import and calendar-feed tests: a workspace with a little history made through the
real handlers (requests with parts, volunteers in line and withdrawn, drafts, approvals, a booking, a publication,
a derived request), members with departments and e-mail addresses, and exporting and reading back workbooks.

The history, at NOW = Mon 23 Nov 2026 09:00 UTC, in the Copenhagen time zone:
- #1 "E-bog: Digital markedsføring" (Mette Ørsted, Marketing), parts Intro and SEO: Anna (Sales) takes Intro
  after 1 hour, Bo (Support) takes SEO after 2 days; both hand in, Mette approves both, books LinkedIn on Tue
  1 Dec 10:00 and marks it published on 2 Dec.
- #2 "Kundecase: Jensen" (Mette): Carl (no department) volunteers, hands in 3 days after the deadline;
  Anna waits in line; Bo joins the line and withdraws.
- #3 "Video version" derived from #1, posted by Ole (Product): nobody yet.
- #4 "Julekalender" posted by Mette in December.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from factories import posted_request, run_as
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.exports.excel.report import ReportStats, write_report
from handlers.calendar import book_slot, derive_request, mark_published
from handlers.context import FollowUp, Policy, RecurringSlot, Scope
from handlers.reports import Report, ReportOrder
from handlers.requests import NewRequest
from handlers.review import approve_draft
from handlers.signoff import sign_off_request
from storage.db import read_only
from storage.models import Member, Workspace

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WORKSPACE = "T1"
OWNER = "U0OWNER"
OLE = "U0OLE"
ANNA = "U0ANNA"
BO = "U0BO"
CARL = "U0CARL"
DORA = "U0DORA"
EMIL = "U0EMIL"
ADMIN = "U0ADMIN"
POLICY = Policy(
    admins=frozenset({ADMIN}),
    follow_up=FollowUp(slots=(RecurringSlot(name="LinkedIn", at=time(10, 0), weekdays="tue"),)),
)
PEOPLE = {
    OWNER: ("Mette Ørsted", "Marketing", "mette@example.com"),
    OLE: ("Ole Lund", "Product", "ole@example.com"),
    ANNA: ("Anna Æbelø", "Sales", "anna@example.com"),
    BO: ("Bo Åkesson", "Support", "bo@example.com"),
    CARL: ("Carl", None, None),
    ADMIN: ("Admin", "IT", "admin@example.com"),
}


FORCE_REASON = "Bo er på ferie; aftalt i telefonen"


@dataclass(frozen=True)
class History:
    ebook: int
    case: int
    video: int
    december: int


def at(days: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def act(engine: Engine, user: str, action: Any, *, now: datetime = NOW) -> Any:
    return run_as(engine, user, action, now=now, policy=POLICY, workspace=WORKSPACE)


def set_people(engine: Engine, people: dict[str, tuple[str, str | None, str | None]] = PEOPLE) -> None:
    """Names, departments and e-mail addresses, as Slack profiles (and whoever keeps departments) would give."""
    with Session(engine) as session, session.begin():
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        for user_id, (name, department, email) in people.items():
            session.execute(
                sa.update(Member)
                .where(col(Member.workspace_id) == workspace.id, col(Member.user_id) == user_id)
                .values(display_name=name, department=department, email=email)
            )


def make_members(engine: Engine, *user_ids: str) -> None:
    """Members as Cobot meets them: on their first action (here: an empty one)."""
    for user_id in user_ids:
        act(engine, user_id, lambda ctx: None)


def seed_history(engine: Engine) -> History:
    make_members(engine, *PEOPLE)
    set_people(engine)
    ebook = posted_request(
        engine, owner=OWNER, policy=POLICY, now=at(), title="E-bog: Digital markedsføring", parts=("Intro", "SEO")
    )
    with Session(engine) as session, session.begin():  # a format, as `format:` would give
        session.execute(sa.text("UPDATE content_request SET format = 'e-book' WHERE number = :n"), {"n": ebook})
    run_as(engine, ANNA, lambda ctx: _volunteer(ctx, ebook, "1"), now=at(hours=1), policy=POLICY, workspace=WORKSPACE)
    run_as(engine, BO, lambda ctx: _volunteer(ctx, ebook, "2"), now=at(days=2), policy=POLICY, workspace=WORKSPACE)
    for user, when in ((ANNA, at(days=3)), (BO, at(days=4))):
        run_as(engine, user, lambda ctx: _submit(ctx, ebook), now=when, policy=POLICY, workspace=WORKSPACE)
    for user in (ANNA, BO):
        act(engine, OWNER, lambda ctx, u=user: approve_draft(ctx, number=ebook, user_id=u), now=at(days=5))
    act(engine, OWNER, lambda ctx: book_slot(ctx, number=ebook, slot="LinkedIn 2026-12-01"), now=at(days=5))
    # Anna signs off her chapter; Bo does not, so the owner publishes anyway and says why.
    act(engine, ANNA, lambda ctx: sign_off_request(ctx, number=ebook), now=at(days=6))
    act(
        engine,
        OWNER,
        lambda ctx: mark_published(ctx, number=ebook, url="https://example.com/e-bog", force_reason=FORCE_REASON),
        now=at(days=9),
    )

    case = posted_request(
        engine, owner=OWNER, policy=POLICY, now=at(), title="Kundecase: Jensen", deadline=date(2026, 11, 30)
    )
    run_as(engine, CARL, lambda ctx: _volunteer(ctx, case, None), now=at(days=1), policy=POLICY, workspace=WORKSPACE)
    run_as(engine, ANNA, lambda ctx: _volunteer(ctx, case, None), now=at(days=1), policy=POLICY, workspace=WORKSPACE)
    run_as(engine, BO, lambda ctx: _volunteer(ctx, case, None), now=at(days=1), policy=POLICY, workspace=WORKSPACE)
    run_as(engine, BO, lambda ctx: _withdraw(ctx, case), now=at(days=2), policy=POLICY, workspace=WORKSPACE)
    run_as(engine, CARL, lambda ctx: _submit(ctx, case), now=at(days=10), policy=POLICY, workspace=WORKSPACE)

    video = act(
        engine,
        OLE,
        lambda ctx: _number(
            derive_request(ctx, number=ebook, new=NewRequest(title="Video version", deadline=date(2026, 12, 20)))
        ),
        now=at(days=6),
    )
    december = posted_request(
        engine, owner=OWNER, policy=POLICY, now=at(days=10), title="Julekalender", deadline=date(2026, 12, 24)
    )
    return History(ebook=ebook, case=case, video=video, december=december)


def add_two_departments(engine: Engine) -> int:
    """Ole posts #5 "Podcast: siloer" for two people; Dora (Finance) and Emil (HR) hand in drafts. With the
    history's Sales, Support and (no department), that makes five contributor departments."""
    make_members(engine, DORA, EMIL)
    set_people(engine, {DORA: ("Dora Dahl", "Finance", "dora@example.com"), EMIL: ("Emil Holm", "HR", None)})
    podcast = posted_request(
        engine, owner=OLE, policy=POLICY, now=at(days=6), title="Podcast: siloer", deadline=date(2026, 12, 18), needs=2
    )
    for user in (DORA, EMIL):
        act(engine, user, lambda ctx: _volunteer(ctx, podcast, None), now=at(days=7))
        act(engine, user, lambda ctx: _submit(ctx, podcast), now=at(days=8))
    return podcast


def _volunteer(ctx: Any, number: int, part: str | None) -> Any:
    from handlers.volunteering import volunteer_for_request

    return volunteer_for_request(ctx, number=number, part=part)


def _withdraw(ctx: Any, number: int) -> Any:
    from handlers.volunteering import withdraw_from_request

    return withdraw_from_request(ctx, number=number)


def _submit(ctx: Any, number: int) -> Any:
    from handlers.drafts import DraftContent, submit_draft

    return submit_draft(ctx, number=number, content=DraftContent(text="https://docs.example.com/draft"))


def _number(reply: Any) -> int:
    number = reply.texts[0].params["number"]
    assert isinstance(number, int)
    return number


def export(engine: Engine, path: Path, *, order: ReportOrder | None = None, now: datetime | None = None) -> ReportStats:
    """Writes the report the CLI would write (everything, unless ``order`` says otherwise)."""
    with Session(read_only(engine)) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        scope = Scope(session=session, workspace=workspace, policy=POLICY, now=now or at(days=20))
        return write_report(Report(scope, order or ReportOrder()), path)


def rows(workbook: Workbook, sheet: str, *, columns: int | None = None) -> list[dict[str, Any]]:
    """A sheet's rows below its header, as {header: value} (only the first ``columns``, if given)."""
    values = [row[:columns] for row in workbook[sheet].iter_rows(values_only=True)]
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:] if any(v is not None for v in row)]


def open_workbook(data: bytes | Path) -> Workbook:
    return load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)


def sheet_xml(data: bytes | Path) -> dict[str, str]:
    """The raw XML of every worksheet in the file, by part name."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(source) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        }


def publish_podcast_with_results(engine: Engine, podcast: int, ebook: int) -> None:
    """Ole approves Dora's and Emil's drafts on #5 and publishes it (without their sign-off, saying why); both
    pieces earn figures: the e-book 1200 views typed, 30 more imported and 3 leads; the podcast 400 views and 50
    of a metric someone named "=plays" (text that must never become a formula)."""
    from handlers.outcomes import record_result
    from storage.models import ContentRequest, ResultSource

    for user in (DORA, EMIL):
        act(engine, OLE, lambda ctx, u=user: approve_draft(ctx, number=podcast, user_id=u), now=at(days=9))
    act(
        engine,
        OLE,
        lambda ctx: mark_published(ctx, number=podcast, url="https://example.com/podcast", force_reason="Deadline"),
        now=at(days=10),
    )
    figures = [
        (ebook, "views", 1200, ResultSource.TYPED),
        (ebook, "views", 30, ResultSource.IMPORT),
        (ebook, "leads", 3, ResultSource.TYPED),
        (podcast, "views", 400, ResultSource.ANALYTICS),
        (podcast, "=plays", 50, ResultSource.IMPORT),
    ]
    with Session(engine) as session, session.begin():
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        assert workspace.id is not None
        ids = {r.number: r.id for r in session.exec(select(ContentRequest)).all()}
        for number, metric, value, source in figures:
            record_result(
                session=session,
                workspace_id=workspace.id,
                request_id=ids[number],
                metric=metric,
                value=value,
                day=date(2026, 12, 5),
                source=source,
                now=at(days=12),
            )
