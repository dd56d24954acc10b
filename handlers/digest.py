"""The weekly digest: who can help, drafts due this week, what is booked to be published this week, drafts waiting
for review, what was published last week with thanks, and a short list of everyone who helped (people who opted
out are left off).

The digest is built as platform-neutral lines and split into parts of at most ``LINES_PER_PART`` lines, each
sent as its own message (and queued with its own dedupe key), so no part breaks a platform's message limits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import combinations

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from sqlmodel import col, select

from handlers import texts
from handlers.calendar import contributors, people_text, slot_occurrences
from handlers.context import Ctx, Scope
from handlers.outcomes import outcome_text, outcomes_of
from handlers.results import Action, ActionKind, Day, DigestLine, DigestPart, Moment, Reply, Text, UserRef, t
from handlers.schedule import at_local, last_fire_at_or_before
from storage import queries
from storage.models import ContentRequest, Draft, Member, RequestStatus, ReviewState, Volunteer, VolunteerState

LINES_PER_PART = 40  # each line is one Block Kit section: 40 + headings stays under Slack's 50 blocks
SECTION_ITEMS = 15
HELPERS_LIMIT = 30
STALE_AFTER = timedelta(hours=12)  # a digest that could not go out that morning is skipped, not sent a day late


def digest_due_at(scope: Scope) -> datetime | None:
    """The scheduled digest time this pass is responsible for: the latest cron time not after now and not older
    than ``STALE_AFTER`` (so a restart catches up on this week's digest, but never posts last week's)."""
    trigger = CronTrigger.from_crontab(scope.policy.follow_up.digest_cron, timezone=scope.policy.timezone)
    return last_fire_at_or_before(trigger, scope.now, look_back=STALE_AFTER)


def build_digest(scope: Scope) -> list[DigestPart]:
    today = scope.today()
    lines: list[DigestLine] = []
    lines.extend(_calls_for_help(scope))
    lines.extend(_due_this_week(scope, today))
    lines.extend(_publishing_this_week(scope, today))
    lines.extend(_waiting_reviews(scope))
    lines.extend(_published_last_week(scope))
    lines.extend(_crossing_silos(scope, today))
    lines.extend(_helpers(scope))
    if not lines:
        lines.append(DigestLine(t(texts.DIGEST_QUIET)))
    parts: list[DigestPart] = []
    for start in range(0, len(lines), LINES_PER_PART):
        title = t(texts.DIGEST_TITLE, day=Day(today)) if start == 0 else t(texts.DIGEST_CONTINUED)
        parts.append(DigestPart((DigestLine(title, heading=True), *lines[start : start + LINES_PER_PART])))
    return parts


def preview_digest(ctx: Ctx) -> Reply:
    """Show this week's digest to you alone."""
    lines = [line.text for part in build_digest(ctx) for line in part.lines]
    if not ctx.policy.follow_up.digest_channel:
        lines.append(t(texts.DIGEST_NOT_CONFIGURED))
    return Reply(tuple(lines))


def _calls_for_help(scope: Scope) -> list[DigestLine]:
    candidates = scope.session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.OPEN,
            col(ContentRequest.draft_deadline) >= scope.today(),
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
        .limit(SECTION_ITEMS * 10)
    ).all()
    if not candidates:
        return []
    capacity = queries.capacities_of_requests(
        session=scope.session, workspace_id=scope.workspace_id, requests=candidates
    )
    taken = queries.count_active_places(
        session=scope.session, workspace_id=scope.workspace_id, request_ids=[r.id for r in candidates if r.id]
    )
    lines: list[DigestLine] = []
    for request in candidates:
        assert request.id is not None
        missing = capacity[request.id] - taken[request.id]
        if missing > 0:
            lines.append(
                DigestLine(
                    t(
                        texts.DIGEST_CALL_ITEM,
                        number=request.number,
                        title=request.title,
                        missing=missing,
                        deadline=Day(request.draft_deadline),
                    ),
                    Action(ActionKind.VOLUNTEER, str(request.number), texts.BUTTON_VOLUNTEER, "primary"),
                )
            )
        if len(lines) == SECTION_ITEMS:
            break
    return [DigestLine(t(texts.DIGEST_CALLS), heading=True), *lines] if lines else []


def _due_this_week(scope: Scope, today: date) -> list[DigestLine]:
    requests = scope.session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.OPEN,
            col(ContentRequest.draft_deadline) >= today,
            col(ContentRequest.draft_deadline) <= today + timedelta(days=6),
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
        .limit(SECTION_ITEMS)
    ).all()
    if not requests:
        return []
    places = queries.live_volunteers_for_requests(
        session=scope.session, workspace_id=scope.workspace_id, request_ids=[r.id for r in requests if r.id]
    )
    members = queries.get_members_by_ids(
        session=scope.session,
        workspace_id=scope.workspace_id,
        member_ids={v.member_id for rows in places.values() for v in rows},
    )
    lines = [DigestLine(t(texts.DIGEST_DEADLINES), heading=True)]
    for request in requests:
        assert request.id is not None
        holders = [members[v.member_id].user_id for v in places[request.id] if v.state is VolunteerState.ACTIVE]
        lines.append(
            DigestLine(
                t(
                    texts.DIGEST_DEADLINE_ITEM,
                    number=request.number,
                    title=request.title,
                    deadline=Day(request.draft_deadline),
                    people=people_text(holders) if holders else t(texts.CARD_NOBODY_YET),
                )
            )
        )
    return lines


def _publishing_this_week(scope: Scope, today: date) -> list[DigestLine]:
    """The pieces booked into a publishing slot in the digest's week: its day and the six after it, the same week
    as the drafts due. A piece already published is left out: "Published last week" thanks its helpers."""
    tz = scope.policy.timezone
    week = slot_occurrences(
        scope, start=at_local(today, time(0, 0), tz), end=at_local(today + timedelta(days=7), time(0, 0), tz)
    )
    booked = [o for o in week if o.request is not None and o.request.status is not RequestStatus.PUBLISHED]
    if not booked:
        return []
    lines = [DigestLine(t(texts.DIGEST_PUBLISHING), heading=True)]
    for occurrence in booked[:SECTION_ITEMS]:
        assert occurrence.request is not None
        lines.append(
            DigestLine(
                t(
                    texts.SLOT_BOOKED,
                    when=Moment(occurrence.starts_at),
                    slot=occurrence.name,
                    number=occurrence.request.number,
                    title=occurrence.request.title,
                )
            )
        )
    return lines


def _waiting_reviews(scope: Scope) -> list[DigestLine]:
    # Only open requests, filtered before the limit: a closed request keeps its helpers' review states, and in a
    # workspace with history those would otherwise fill the section's places and leave it empty.
    waiting = sa.func.count(col(Volunteer.id)).label("waiting")
    rows = scope.session.exec(
        select(ContentRequest, Member, waiting)
        .join(Volunteer, col(Volunteer.request_id) == col(ContentRequest.id))
        .join(Member, col(Member.id) == col(ContentRequest.owner_id))
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.OPEN,
            Volunteer.review_state == ReviewState.SUBMITTED,
            Volunteer.state == VolunteerState.ACTIVE,
        )
        .group_by(col(ContentRequest.id), col(Member.id))
        .order_by(col(ContentRequest.number))
        .limit(SECTION_ITEMS)
    ).all()
    if not rows:
        return []
    lines = [DigestLine(t(texts.DIGEST_REVIEWS), heading=True)]
    for request, owner, count in rows:
        lines.append(
            DigestLine(
                t(
                    texts.DIGEST_REVIEW_ITEM,
                    number=request.number,
                    title=request.title,
                    count=int(count),
                    owner=UserRef(owner.user_id),
                )
            )
        )
    return lines


def _published_last_week(scope: Scope) -> list[DigestLine]:
    requests = scope.session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.PUBLISHED,
            col(ContentRequest.published_at) >= scope.now - timedelta(days=7),
            col(ContentRequest.published_at) <= scope.now,
        )
        .order_by(col(ContentRequest.published_at))
        .limit(SECTION_ITEMS)
    ).all()
    if not requests:
        return []
    lines = [DigestLine(t(texts.DIGEST_PUBLISHED), heading=True)]
    listed = _listed(scope)
    outcomes = outcomes_of(
        session=scope.session, workspace_id=scope.workspace_id, request_ids=[r.id for r in requests if r.id]
    )
    for request in requests:
        assert request.id is not None
        # Thanks by name only for people who have not opted out of being named in the digest.
        helpers = [user for user in contributors(scope, request) if user in listed]
        item = t(
            texts.DIGEST_PUBLISHED_ITEM,
            number=request.number,
            title=request.title,
            url=request.published_url or "",
            people=people_text(helpers) if helpers else t(texts.CARD_NOBODY_YET),
        )
        results = outcome_text(outcomes[request.id])
        lines.append(
            DigestLine(item if results is None else t(texts.DIGEST_PUBLISHED_RESULTS, item=item, results=results))
        )
    return lines


def _crossing_silos(scope: Scope, today: date) -> list[DigestLine]:
    """One line on the pieces published this month that people from two or more departments made (the owner's and
    the helpers' departments), and the pairs of departments that made a piece together for the first time: none of
    the pieces published before this month had both. Nothing when no piece crossed a department."""
    month_start = at_local(today.replace(day=1), time(0, 0), scope.policy.timezone)
    this_month = _departments_of_pieces(scope, since=month_start, before=scope.now)
    crossing = [(request, departments) for request, departments in this_month if len(departments) >= 2]
    if not crossing:
        return []
    earlier = {
        pair
        for _, departments in _departments_of_pieces(scope, since=None, before=month_start)
        for pair in combinations(sorted(departments), 2)
    }
    new_pairs = sorted({pair for _, departments in crossing for pair in combinations(sorted(departments), 2)} - earlier)
    pieces = _listing(
        [
            t(
                texts.DIGEST_SILOS_PIECE,
                number=request.number,
                title=request.title,
                departments=", ".join(sorted(departments)),
            )
            for request, departments in crossing[:SECTION_ITEMS]
        ]
    )
    line = t(texts.DIGEST_SILOS, count=len(crossing), pieces=pieces)
    if new_pairs:
        pairs = _listing([t(texts.DIGEST_DEPARTMENT_PAIR, first=a, second=b) for a, b in new_pairs[:SECTION_ITEMS]])
        line = t(texts.DIGEST_SILOS_FIRST_TIME, silos=line, pairs=pairs)
    return [DigestLine(line)]


def _departments_of_pieces(
    scope: Scope, *, since: datetime | None, before: datetime
) -> list[tuple[ContentRequest, set[str]]]:
    """The pieces published in [since, before), oldest first, each with the departments of its owner and of
    everyone who handed in a draft for it (people without a department left out)."""
    statement = (
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.PUBLISHED,
            col(ContentRequest.published_at) < before,
        )
        .order_by(col(ContentRequest.published_at))
    )
    if since is not None:
        statement = statement.where(col(ContentRequest.published_at) >= since)
    requests = scope.session.exec(statement).all()
    if not requests:
        return []
    ids = [r.id for r in requests if r.id is not None]
    departments: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), 500):  # SQLite's limit on placeholders in one statement
        chunk = ids[start : start + 500]
        helpers = scope.session.execute(
            sa.select(col(Draft.request_id), col(Member.department))
            .join(Member, col(Member.id) == col(Draft.member_id))
            .where(
                col(Draft.workspace_id) == scope.workspace_id,
                col(Draft.request_id).in_(chunk),
                col(Member.department).is_not(None),
            )
            .distinct()
        ).all()
        for request_id, department in helpers:
            departments[request_id].add(department)
    owners = queries.get_members_by_ids(
        session=scope.session, workspace_id=scope.workspace_id, member_ids={r.owner_id for r in requests}
    )
    result = []
    for request in requests:
        assert request.id is not None
        owner = owners.get(request.owner_id)
        found = set(departments[request.id])
        if owner is not None and owner.department:
            found.add(owner.department)
        result.append((request, {d.strip() for d in found if d.strip()}))
    return result


def _listing(items: list[Text]) -> Text:
    """Items as one text: "a, b, c"."""
    joined = items[-1]
    for item in reversed(items[:-1]):
        joined = t(texts.DIGEST_LIST, first=item, rest=joined)
    return joined


def _listed(scope: Scope) -> set[str]:
    """User ids of members who may be thanked by name in the digest."""
    return set(
        scope.session.exec(
            select(Member.user_id).where(
                Member.workspace_id == scope.workspace_id, col(Member.listed_in_digest).is_(True)
            )
        ).all()
    )


def _helpers(scope: Scope) -> list[DigestLine]:
    """Everyone who handed in a draft in the last week and has not opted out of being named."""
    rows = scope.session.exec(
        select(Member)
        .join(Draft, col(Draft.member_id) == col(Member.id))
        .where(
            Draft.workspace_id == scope.workspace_id,
            col(Draft.created_at) >= scope.now - timedelta(days=7),
            col(Member.listed_in_digest).is_(True),
        )
        .distinct()
        .order_by(col(Member.id))
        .limit(HELPERS_LIMIT)
    ).all()
    if not rows:
        return []
    return [DigestLine(t(texts.DIGEST_HELPERS, people=people_text([m.user_id for m in rows])))]
