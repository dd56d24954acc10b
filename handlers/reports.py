"""Reports: what co-creation yields, read from the database as plain rows that any file format can be written from.

Requests and contributions stream: each is one query whose rows are yielded one at a time (a workspace may hold
hundreds of thousands of contributions), and the summary per month and department is accumulated while those
rows pass by, so no list of contributions is ever held. Admins get every request; a request owner gets the
requests they own; anyone else is refused. Values that people read (status, role) are message ids from
``handlers.texts``, translated by whoever writes the file.

After both have streamed, ``yield_report()`` reads what the period's published pieces earned (one row per piece,
with every metric ``handlers.outcomes`` found) and sums it per department, with the silo map: how many published
pieces each pair of departments made together.

The calendar feed lives in ``handlers.feeds``; its names are re-exported here for older imports.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col

from handlers import texts
from handlers.calendar import slot_occurrences
from handlers.cards import STATUS_TEXTS
from handlers.context import Ctx, Scope
from handlers.feeds import (  # noqa: F401  (re-exported: the feed used to live here)
    FEED_PAST_DAYS,
    FeedEvent,
    calendar_token,
    feed_events,
    workspace_for_calendar_token,
)
from handlers.outcomes import Outcome, metric_order, outcomes_of
from handlers.parsing import FIRST_YEAR, LAST_YEAR
from handlers.results import Day, Reply, Text, UserFacingError, is_forgotten_user_id, t
from handlers.schedule import at_local
from storage.models import (
    ContentRequest,
    Decision,
    Draft,
    Member,
    PublicationOverride,
    PublishingSlot,
    RequestPart,
    RequestStatus,
    Review,
    SignOff,
    SlotBooking,
    Volunteer,
    VolunteerState,
)

STREAM_CHUNK = 2000  # rows fetched from the database at a time
CALENDAR_MAX_DAYS = 3 * 366  # a report's Calendar sheet never lists more than this span of slot occurrences
SECONDS_PER_DAY = 86400.0

ROLE_TEXTS = {
    VolunteerState.ACTIVE: texts.ROLE_CONTRIBUTOR,
    VolunteerState.WAITLISTED: texts.ROLE_IN_LINE,
    VolunteerState.WITHDRAWN: texts.ROLE_WITHDREW,
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- who gets which report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Requests posted from ``start`` to ``end`` (both inclusive, local days); an open end reaches as far as
    there are requests."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    def label(self) -> Text:
        if self.start is None and self.end is None:
            return t(texts.REPORT_PERIOD_ALL)
        if self.start is not None and self.end is not None:
            if self == Period.month(self.start.year, self.start.month):
                return t(texts.REPORT_PERIOD_MONTH, month=f"{self.start:%Y-%m}")
            return t(texts.REPORT_PERIOD_RANGE, start=self.start.isoformat(), end=self.end.isoformat())
        if self.start is not None:
            return t(texts.REPORT_PERIOD_FROM, start=self.start.isoformat())
        assert self.end is not None
        return t(texts.REPORT_PERIOD_UNTIL, end=self.end.isoformat())

    def slug(self) -> str:
        """A piece of a file name: ``2026-11``, ``2026-01-01_2026-03-31`` or ``all``."""
        if self.start is not None and self.end is not None and self == Period.month(self.start.year, self.start.month):
            return f"{self.start:%Y-%m}"
        if self.start is None and self.end is None:
            return "all"
        return f"{self.start or 'start'}_{self.end or 'now'}"

    def bounds(self, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        """The period as UTC moments [start, end)."""
        start = at_local(self.start, time(0, 0), tz) if self.start is not None else None
        end = at_local(self.end + timedelta(days=1), time(0, 0), tz) if self.end is not None else None
        return start, end


def parse_report_period(text: str) -> Period:
    """``""`` is everything so far; ``2026-11`` one month."""
    text = text.strip()
    if not text:
        return Period()
    found = _MONTH.match(text)
    # Past the years a person may name, the month after 9999-12 or the UTC start of 0001-01 does not exist.
    if not found or not 1 <= int(found.group(2)) <= 12 or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        raise UserFacingError(t(texts.USAGE_REPORT))
    return Period.month(int(found.group(1)), int(found.group(2)))


@dataclass(frozen=True)
class ReportOrder:
    """What one report covers: a period, and every request (admins, the CLI) or one owner's."""

    period: Period = field(default_factory=Period)
    owner_id: int | None = None

    def scope_text(self) -> Text:
        return t(texts.REPORT_SCOPE_ALL if self.owner_id is None else texts.REPORT_SCOPE_OWN)


def order_report(ctx: Ctx, *, period: Period) -> ReportOrder:
    """The report the actor may have: everything for admins, their own requests for owners; others are refused."""
    if ctx.is_admin():
        return ReportOrder(period=period)
    query = (
        sa.select(col(ContentRequest.id))
        .where(col(ContentRequest.workspace_id) == ctx.workspace_id, col(ContentRequest.owner_id) == ctx.actor_id)
        .limit(1)
    )
    start, end = period.bounds(ctx.policy.timezone)
    if start is not None:
        query = query.where(col(ContentRequest.created_at) >= start)
    if end is not None:
        query = query.where(col(ContentRequest.created_at) < end)
    if ctx.session.execute(query).first() is None:
        raise UserFacingError(t(texts.REPORT_NOT_ALLOWED, period=period.label()))
    return ReportOrder(period=period, owner_id=ctx.actor_id)


def start_report(ctx: Ctx, *, period: Period) -> Reply:
    """Get a report as an Excel file (request owners: their requests; admins: all): the adapter builds and sends
    it after this first answer."""
    order = order_report(ctx, period=period)
    return Reply.of(t(texts.REPORT_BUILDING, scope=order.scope_text(), period=period.label()))


def report_as_file_only(ctx: Ctx, *, period: Period) -> Reply:
    """For adapters that can't send files: where to get a report instead."""
    order_report(ctx, period=period)
    return Reply.of(t(texts.REPORT_AS_FILE_ONLY))


def _person(name: str, user_id: str) -> str:
    """A person in a report: their name, else their user id; someone whose data was erased is "a former
    contributor" (the row says so, and the writer translates it)."""
    if is_forgotten_user_id(user_id):
        return texts.FORMER_CONTRIBUTOR
    return name or user_id


# --- rows -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RequestRow:
    number: int
    title: str
    format: str | None
    owner: str
    owner_department: str | None
    status: str  # message id
    posted: date
    deadline: date
    slot: str | None
    slot_at: datetime | None  # local time of the workspace
    published_on: date | None
    published_url: str | None
    derived_from: int | None
    volunteers: int  # places held now
    contributors: int  # people who handed in a draft
    days_to_first_volunteer: float | None
    days_to_publish: float | None
    month: str  # YYYY-MM the request was posted, local
    fulfilled: bool  # every contribution approved (and maybe published)
    published: bool
    # The owner's data was erased: ``owner`` is then the message id of "a former contributor", to translate.
    owner_forgotten: bool = False


@dataclass(frozen=True, slots=True)
class ContributionRow:
    """One person's place on one request (or one part of it)."""

    number: int
    title: str
    part: str | None
    person: str
    department: str | None
    role: str  # message id
    drafts: int
    approved_on: date | None
    days_from_call: float | None  # from the request being posted to this person volunteering
    days_late: int | None  # first draft after the (personal) deadline, or still missing after it; None: n/a
    member_id: int
    # The person's data was erased: ``person`` is then the message id of "a former contributor", to translate.
    forgotten: bool = False
    # Whether the approved version may go out (``handlers.signoff``), for a place with a draft: "Signed off
    # 2026-12-04 (v2)", "Not signed off", "Consent withdrawn" or "Published without sign-off: <reason>".
    sign_off: Text | None = None


@dataclass(frozen=True, slots=True)
class SlotRow:
    starts_at: datetime  # local time of the workspace
    name: str
    number: int | None  # the booked request, if any
    title: str | None


@dataclass(frozen=True, slots=True)
class SummaryRow:
    month: str
    department: str | None  # the owners' department; None with ``everyone`` is the month's total
    everyone: bool
    requests: int
    fulfilled: int
    published: int
    median_days_to_first_volunteer: float | None
    median_days_to_publish: float | None
    contributors: int
    departments_reached: int


@dataclass(frozen=True, slots=True)
class DepartmentRow:
    department: str | None
    contributions: int  # places with at least one draft handed in
    contributors: int


@dataclass
class _Group:
    requests: int = 0
    fulfilled: int = 0
    published: int = 0
    to_volunteer: list[float] = field(default_factory=list)
    to_publish: list[float] = field(default_factory=list)
    contributors: set[int] = field(default_factory=set)
    departments: set[str] = field(default_factory=set)

    def absorb(self, other: _Group) -> None:
        self.requests += other.requests
        self.fulfilled += other.fulfilled
        self.published += other.published
        self.to_volunteer.extend(other.to_volunteer)
        self.to_publish.extend(other.to_publish)
        self.contributors |= other.contributors
        self.departments |= other.departments


class SummaryBuilder:
    """Per month (the request was posted) and per owner department: how many requests, how many were fulfilled
    and published, how fast, and how many people and departments contributed. A contribution counts once a
    draft was handed in."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str | None], _Group] = {}
        self._group_of_request: dict[int, tuple[str, str | None]] = {}
        self._by_department: dict[str | None, tuple[int, set[int]]] = {}
        self.asked: dict[str | None, int] = {}  # requests posted, by the owner's department
        self.volunteered: dict[str | None, int] = {}  # places taken (in line and withdrawn too), by department
        self.contributed: dict[str | None, int] = {}  # places with a draft handed in, by department

    def add_request(self, row: RequestRow) -> None:
        key = (row.month, _department_key(row.owner_department))
        self.asked[key[1]] = self.asked.get(key[1], 0) + 1
        group = self._groups.setdefault(key, _Group())
        self._group_of_request[row.number] = key
        group.requests += 1
        group.fulfilled += row.fulfilled
        group.published += row.published
        if row.days_to_first_volunteer is not None:
            group.to_volunteer.append(row.days_to_first_volunteer)
        if row.days_to_publish is not None:
            group.to_publish.append(row.days_to_publish)

    def add_contribution(self, row: ContributionRow) -> None:
        department = _department_key(row.department)
        self.volunteered[department] = self.volunteered.get(department, 0) + 1
        if row.drafts < 1:
            return
        self.contributed[department] = self.contributed.get(department, 0) + 1
        key = self._group_of_request.get(row.number)
        if key is not None:
            group = self._groups[key]
            group.contributors.add(row.member_id)
            if department is not None:
                group.departments.add(department)
        count, people = self._by_department.get(department, (0, set()))
        people.add(row.member_id)
        self._by_department[department] = (count + 1, people)

    def rows(self) -> list[SummaryRow]:
        """Month by month: the month's total first, then each owner department (people without one last)."""
        result: list[SummaryRow] = []
        for month in sorted({m for m, _ in self._groups}):
            departments = sorted((d for m, d in self._groups if m == month), key=lambda d: (d is None, d or ""))
            total = _Group()
            for department in departments:
                total.absorb(self._groups[(month, department)])
            result.append(_summary_row(month, None, total, everyone=True))
            result.extend(_summary_row(month, d, self._groups[(month, d)], everyone=False) for d in departments)
        return result

    def departments(self) -> list[DepartmentRow]:
        """Contributions per contributor department, most first."""
        rows = [DepartmentRow(d, count, len(people)) for d, (count, people) in self._by_department.items()]
        return sorted(rows, key=lambda r: (-r.contributions, r.department is None, r.department or ""))


@dataclass(frozen=True, slots=True)
class YieldRow:
    """One piece published in the period, and what it earned."""

    number: int
    title: str
    published_on: date
    url: str | None
    departments: tuple[str | None, ...]  # the owner's first, then the contributors'; None: people without one
    contributors: tuple[str, ...]  # who handed in a draft, by name (FORMER_CONTRIBUTOR's message id if erased)
    outcome: Outcome
    days_to_publish: float | None


@dataclass(frozen=True, slots=True)
class DepartmentYield:
    """One department over the report: requests its people asked for, places they took and filled, the published
    pieces it took part in (as owner or contributor) and those pieces' results added up."""

    department: str | None
    asked: int
    volunteered: int
    contributed: int
    published: int
    link_clicks: int
    metrics: dict[str, int]


@dataclass(frozen=True)
class YieldReport:
    pieces: list[YieldRow]
    metrics: list[str]  # every metric any piece has, known ones first
    departments: list[DepartmentYield]  # by name, people without a department last
    # silo[i][j]: published pieces departments[i] and departments[j] made together; silo[i][i]: pieces with i
    silo: list[list[int]]


def _department_order(department: str | None) -> tuple[bool, str]:
    return (department is None, (department or "").casefold())


def _yield_report(pieces: list[YieldRow], summary: SummaryBuilder) -> YieldReport:
    metrics = sorted({m for p in pieces for m in p.outcome.metrics}, key=metric_order)
    names = set(summary.asked) | set(summary.volunteered) | {d for p in pieces for d in p.departments}
    departments = sorted(names, key=_department_order)
    index = {d: i for i, d in enumerate(departments)}
    silo = [[0] * len(departments) for _ in departments]
    published = [0] * len(departments)
    clicks = [0] * len(departments)
    totals: list[dict[str, int]] = [{} for _ in departments]
    for piece in pieces:
        involved = sorted({index[d] for d in piece.departments})
        for i in involved:
            published[i] += 1
            clicks[i] += piece.outcome.link_clicks
            for metric, value in piece.outcome.metrics.items():
                totals[i][metric] = totals[i].get(metric, 0) + value
            for j in involved:
                silo[i][j] += 1
    rows = [
        DepartmentYield(
            department=d,
            asked=summary.asked.get(d, 0),
            volunteered=summary.volunteered.get(d, 0),
            contributed=summary.contributed.get(d, 0),
            published=published[i],
            link_clicks=clicks[i],
            metrics=totals[i],
        )
        for i, d in enumerate(departments)
    ]
    return YieldReport(pieces=pieces, metrics=metrics, departments=rows, silo=silo)


def _summary_row(month: str, department: str | None, group: _Group, *, everyone: bool) -> SummaryRow:
    return SummaryRow(
        month=month,
        department=department,
        everyone=everyone,
        requests=group.requests,
        fulfilled=group.fulfilled,
        published=group.published,
        median_days_to_first_volunteer=_median(group.to_volunteer),
        median_days_to_publish=_median(group.to_publish),
        contributors=len(group.contributors),
        departments_reached=len(group.departments),
    )


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _department_key(department: str | None) -> str | None:
    """Departments as people typed them, with stray spaces and blank ones ignored."""
    cleaned = " ".join((department or "").split())
    return cleaned or None


def _sign_off_text(
    *,
    forced: tuple[str, set[int]] | None,
    member_id: int,
    latest_draft_id: int | None,
    signed: tuple[int | None, int | None, datetime | None, datetime | None],
    tz: ZoneInfo,
) -> Text:
    """Where one contribution's sign-off stands: published without it (the owner's reason), consent withdrawn,
    the latest version signed off, or not (never, or only an older version)."""
    draft_id, version, signed_at, withdrawn_at = signed
    if forced is not None and member_id in forced[1]:
        return t(texts.REPORT_PUBLISHED_WITHOUT, reason=forced[0])
    if draft_id is not None and withdrawn_at is not None:
        return t(texts.REPORT_CONSENT_WITHDRAWN)
    if draft_id is not None and draft_id == latest_draft_id and signed_at is not None and version is not None:
        return t(texts.REPORT_SIGNED_OFF, day=Day(signed_at.astimezone(tz).date()), version=version)
    return t(texts.REPORT_NOT_SIGNED_OFF)


def _days(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).total_seconds() / SECONDS_PER_DAY, 1)


class Report:
    """One report's rows, read lazily from ``scope``'s session: iterate ``requests()`` before ``contributions()``
    so that ``summary`` can group contributions by their request's month and department."""

    def __init__(self, scope: Scope, order: ReportOrder) -> None:
        self.scope = scope
        self.order = order
        self.summary = SummaryBuilder()
        self.request_count = 0
        self.contribution_count = 0
        self._tz = scope.policy.timezone

    def _requests_filter(
        self, request: type[ContentRequest] = ContentRequest, *, moment: str = "created_at"
    ) -> list[sa.ColumnElement[bool]]:
        """The report's requests: its workspace, its owner if it has one, and ``moment`` in its period."""
        conditions: list[sa.ColumnElement[bool]] = [col(request.workspace_id) == self.scope.workspace_id]
        start, end = self.order.period.bounds(self._tz)
        when = getattr(request, moment)
        if start is not None:
            conditions.append(col(when) >= start)
        if end is not None:
            conditions.append(col(when) < end)
        if self.order.owner_id is not None:
            conditions.append(col(request.owner_id) == self.order.owner_id)
        return conditions

    def yield_report(self) -> YieldReport:
        """The pieces published in the period (whenever they were asked for) and what they earned, per piece and
        per department. Read after ``requests()`` and ``contributions()``: it adds their counts per department."""
        session = self.scope.session
        workspace_id = self.scope.workspace_id
        published = session.execute(
            sa.select(
                col(ContentRequest.id),
                col(ContentRequest.number),
                col(ContentRequest.title),
                col(ContentRequest.published_at),
                col(ContentRequest.published_url),
                col(ContentRequest.created_at),
                col(Member.department),
            )
            .join(Member, col(Member.id) == col(ContentRequest.owner_id))
            .where(
                col(ContentRequest.status) == RequestStatus.PUBLISHED,
                col(ContentRequest.published_at).is_not(None),
                *self._requests_filter(moment="published_at"),
            )
            .order_by(col(ContentRequest.published_at), col(ContentRequest.number))
        ).all()
        ids = [row[0] for row in published]
        authors: dict[int, list[tuple[str, str | None]]] = {}
        if ids:
            for request_id, name, user_id, department in session.execute(
                sa.select(col(Draft.request_id), col(Member.display_name), col(Member.user_id), col(Member.department))
                .distinct()
                .join(Member, col(Member.id) == col(Draft.member_id))
                .where(col(Draft.workspace_id) == workspace_id, col(Draft.request_id).in_(ids))
                .order_by(col(Draft.request_id), col(Member.display_name), col(Member.user_id))
            ):
                authors.setdefault(request_id, []).append((_person(name, user_id), _department_key(department)))
        outcomes = outcomes_of(session=session, workspace_id=workspace_id, request_ids=ids)
        pieces: list[YieldRow] = []
        for request_id, number, title, published_at, url, created_at, owner_department in published:
            people = authors.get(request_id, [])
            owner = _department_key(owner_department)
            others = sorted({d for _, d in people} - {owner}, key=_department_order)
            pieces.append(
                YieldRow(
                    number=number,
                    title=title,
                    published_on=published_at.astimezone(self._tz).date(),
                    url=url,
                    departments=(owner, *others),
                    contributors=tuple(name for name, _ in people),
                    outcome=outcomes.get(request_id, Outcome()),
                    days_to_publish=_days(published_at, created_at),
                )
            )
        return _yield_report(pieces, self.summary)

    def requests(self) -> Iterator[RequestRow]:
        """Every request in the report, by number; each also feeds the summary."""
        workspace_id = self.scope.workspace_id
        origin = aliased(ContentRequest)
        places = (
            sa.select(
                col(Volunteer.request_id).label("request_id"),
                sa.func.min(col(Volunteer.created_at)).label("first_at"),
                sa.func.sum(sa.case((col(Volunteer.state) == VolunteerState.ACTIVE, 1), else_=0)).label("holders"),
            )
            .where(col(Volunteer.workspace_id) == workspace_id)
            .group_by(col(Volunteer.request_id))
            .subquery()
        )
        authors = (
            sa.select(
                col(Draft.request_id).label("request_id"),
                sa.func.count(sa.distinct(col(Draft.member_id))).label("authors"),
            )
            .where(col(Draft.workspace_id) == workspace_id)
            .group_by(col(Draft.request_id))
            .subquery()
        )
        query = (
            sa.select(
                col(ContentRequest.number),
                col(ContentRequest.title),
                col(ContentRequest.format),
                col(ContentRequest.status),
                col(ContentRequest.created_at),
                col(ContentRequest.draft_deadline),
                col(ContentRequest.published_at),
                col(ContentRequest.published_url),
                col(Member.display_name),
                col(Member.user_id),
                col(Member.department),
                col(origin.number),
                col(SlotBooking.slot_name),
                col(SlotBooking.starts_at),
                places.c.first_at,
                places.c.holders,
                authors.c.authors,
            )
            .join(Member, col(Member.id) == col(ContentRequest.owner_id))
            .outerjoin(origin, col(origin.id) == col(ContentRequest.derived_from_id))
            .outerjoin(SlotBooking, col(SlotBooking.request_id) == col(ContentRequest.id))
            .outerjoin(places, places.c.request_id == col(ContentRequest.id))
            .outerjoin(authors, authors.c.request_id == col(ContentRequest.id))
            .where(*self._requests_filter())
            .order_by(col(ContentRequest.number))
            .execution_options(yield_per=STREAM_CHUNK)
        )
        tz = self._tz
        for (
            number,
            title,
            format_,
            status,
            created_at,
            deadline,
            published_at,
            published_url,
            owner_name,
            owner_user_id,
            owner_department,
            derived_from,
            slot_name,
            slot_at,
            first_at,
            holders,
            authors_count,
        ) in self.scope.session.connection().execute(query):
            status = RequestStatus(status)
            posted = created_at.astimezone(tz)
            row = RequestRow(
                number=number,
                title=title,
                format=format_,
                owner=_person(owner_name, owner_user_id),
                owner_department=owner_department,
                status=STATUS_TEXTS[status],
                posted=posted.date(),
                deadline=deadline,
                slot=slot_name,
                slot_at=slot_at.astimezone(tz) if slot_at is not None else None,
                published_on=published_at.astimezone(tz).date() if published_at is not None else None,
                published_url=published_url,
                derived_from=derived_from,
                volunteers=int(holders or 0),
                contributors=int(authors_count or 0),
                days_to_first_volunteer=_days(first_at, created_at),
                days_to_publish=_days(published_at, created_at),
                month=f"{posted:%Y-%m}",
                fulfilled=status in (RequestStatus.APPROVED, RequestStatus.PUBLISHED),
                published=status is RequestStatus.PUBLISHED,
                owner_forgotten=is_forgotten_user_id(owner_user_id),
            )
            self.request_count += 1
            self.summary.add_request(row)
            yield row

    def contributions(self) -> Iterator[ContributionRow]:
        """One row per person per request or part, by request number and part; each also feeds the summary."""
        workspace_id = self.scope.workspace_id
        connection = self.scope.session.connection()
        # What repeats on every row (the request, the person) is read once up front, so the big query carries
        # only each place's own columns: a fraction of the data to fetch and convert per row.
        requests = {
            request_id: (number, title, created_at, deadline, status == RequestStatus.OPEN)
            for request_id, number, title, created_at, deadline, status in connection.execute(
                sa.select(
                    col(ContentRequest.id),
                    col(ContentRequest.number),
                    col(ContentRequest.title),
                    col(ContentRequest.created_at),
                    col(ContentRequest.draft_deadline),
                    col(ContentRequest.status),
                ).where(*self._requests_filter())
            )
        }
        # Requests published without every sign-off: the reason, and whose sign-off was missing (few rows).
        forced = {
            request_id: (reason, set(missing or []))
            for request_id, reason, missing in connection.execute(
                sa.select(
                    col(PublicationOverride.request_id),
                    col(PublicationOverride.reason),
                    col(PublicationOverride.missing_member_ids),
                )
                .join(ContentRequest, col(ContentRequest.id) == col(PublicationOverride.request_id))
                .where(col(PublicationOverride.workspace_id) == workspace_id, *self._requests_filter())
            )
        }
        people = {
            member_id: (_person(name, user_id), department, is_forgotten_user_id(user_id))
            for member_id, name, user_id, department in connection.execute(
                sa.select(col(Member.id), col(Member.display_name), col(Member.user_id), col(Member.department)).where(
                    col(Member.workspace_id) == workspace_id
                )
            )
        }
        drafts = (
            sa.select(
                col(Draft.volunteer_id).label("volunteer_id"),
                sa.func.count().label("drafts"),
                sa.func.min(col(Draft.created_at)).label("first_at"),
                sa.func.max(col(Draft.id)).label("latest_id"),  # versions only grow, as ids do
            )
            .where(col(Draft.workspace_id) == workspace_id)
            .group_by(col(Draft.volunteer_id))
            .subquery()
        )
        # Each person's latest sign-off on each request: the one that counts.
        latest_sign_off = (
            sa.select(
                col(SignOff.request_id).label("request_id"),
                col(SignOff.member_id).label("member_id"),
                sa.func.max(col(SignOff.id)).label("id"),
            )
            .where(col(SignOff.workspace_id) == workspace_id)
            .group_by(col(SignOff.request_id), col(SignOff.member_id))
            .subquery()
        )
        signed = aliased(SignOff)
        approvals = (
            sa.select(
                col(Draft.volunteer_id).label("volunteer_id"),
                sa.func.max(col(Review.created_at)).label("approved_at"),
            )
            .join(Draft, col(Draft.id) == col(Review.draft_id))
            .where(col(Review.workspace_id) == workspace_id, col(Review.decision) == Decision.APPROVED)
            .group_by(col(Draft.volunteer_id))
            .subquery()
        )
        query = (
            sa.select(
                col(Volunteer.request_id),
                col(RequestPart.name),
                col(Volunteer.member_id),
                col(Volunteer.state),
                col(Volunteer.due_date),
                col(Volunteer.created_at),
                drafts.c.drafts,
                drafts.c.first_at,
                approvals.c.approved_at,
                drafts.c.latest_id,
                col(signed.draft_id),
                col(signed.version),
                col(signed.signed_at),
                col(signed.withdrawn_at),
            )
            .select_from(Volunteer)
            .join(ContentRequest, col(ContentRequest.id) == col(Volunteer.request_id))
            .outerjoin(RequestPart, col(RequestPart.id) == col(Volunteer.part_id))
            .outerjoin(drafts, drafts.c.volunteer_id == col(Volunteer.id))
            .outerjoin(approvals, approvals.c.volunteer_id == col(Volunteer.id))
            .outerjoin(
                latest_sign_off,
                sa.and_(
                    latest_sign_off.c.request_id == col(Volunteer.request_id),
                    latest_sign_off.c.member_id == col(Volunteer.member_id),
                ),
            )
            .outerjoin(signed, col(signed.id) == latest_sign_off.c.id)
            .where(col(Volunteer.workspace_id) == workspace_id, *self._requests_filter())
            .order_by(col(ContentRequest.number), col(RequestPart.position), col(Volunteer.id))
            .execution_options(yield_per=STREAM_CHUNK)
        )
        tz = self._tz
        today = self.scope.today()
        add = self.summary.add_contribution
        for (
            request_id,
            part,
            member_id,
            state,
            due_date,
            volunteered_at,
            draft_count,
            first_draft_at,
            approved_at,
            latest_draft_id,
            signed_draft_id,
            signed_version,
            signed_at,
            withdrawn_at,
        ) in connection.execute(query):
            number, title, created_at, deadline, still_open = requests[request_id]
            person, department, forgotten = people[member_id]
            due = due_date or deadline
            days_late: int | None = None
            if first_draft_at is not None:
                days_late = max(0, (first_draft_at.astimezone(tz).date() - due).days)
            elif still_open and state == VolunteerState.ACTIVE and today > due:
                days_late = (today - due).days  # still missing
            row = ContributionRow(
                number=number,
                title=title,
                part=part,
                person=person,
                department=department,
                role=ROLE_TEXTS[state],  # a StrEnum: found by its value as well
                drafts=draft_count or 0,
                approved_on=approved_at.astimezone(tz).date() if approved_at is not None else None,
                days_from_call=_days(volunteered_at, created_at),
                days_late=days_late,
                member_id=member_id,
                forgotten=forgotten,
                sign_off=None
                if not draft_count or state != VolunteerState.ACTIVE
                else _sign_off_text(
                    forced=forced.get(request_id),
                    member_id=member_id,
                    latest_draft_id=latest_draft_id,
                    signed=(signed_draft_id, signed_version, signed_at, withdrawn_at),
                    tz=tz,
                ),
            )
            self.contribution_count += 1
            add(row)
            yield row

    def calendar(self) -> list[SlotRow]:
        """Publishing slot occurrences in the period (without one: from the first slot to the booking horizon),
        booked or free."""
        scope = self.scope
        start, end = self.order.period.bounds(self._tz)
        if start is None:
            earliest = [
                scope.session.execute(
                    sa.select(sa.func.min(col(table.starts_at))).where(col(table.workspace_id) == scope.workspace_id)
                ).scalar_one()
                for table in (SlotBooking, PublishingSlot)
            ]
            start = min([m for m in earliest if m is not None] + [scope.now])
        if end is None:
            end = max(scope.now, start) + timedelta(days=scope.policy.follow_up.slot_horizon_days)
        start = max(start, end - timedelta(days=CALENDAR_MAX_DAYS))
        return [
            SlotRow(
                starts_at=o.starts_at.astimezone(self._tz),
                name=o.name,
                number=o.request.number if o.request is not None else None,
                title=o.request.title if o.request is not None else None,
            )
            for o in slot_occurrences(scope, start=start, end=end)
        ]
