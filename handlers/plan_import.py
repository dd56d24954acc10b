"""Importing a content plan: requests (title, brief, format, skills, parts, deadline, owner, channel, slot) and
one-off publishing slots, read from a spreadsheet by an adapter and handed over here as plain cells. A request's
Slot cell books that slot for it, as its owner would with ``/cocreate book`` (but ahead of approval: a plan
reserves its slots in advance); a slot already booked for another request, or named by two rows, is a problem of
the plan like any other.

Validation looks at every cell and reports every problem with the cell it is in ("Plan!C7: deadline 2026-13-01 is
not a date"); a plan with any problem imports nothing. A valid plan is imported through the same handlers that
``/cocreate new`` and ``/cocreate slot add`` use, in the caller's one transaction: if any of them refuses, the
whole import is rolled back. Each imported request remembers an import key (the row's Key, else its title and
deadline), and a slot is known by its name and start, so importing the same plan twice adds nothing the second
time. A request's Guests cell ("Anne Holm <anne@example.com>; bo@example.org") invites people outside the company
to the whole request, from its owner, as ``/cocreate guest`` would, once the request exists; that needs e-mail set
up, and a bad address is a problem of its row like any other. Nothing here knows about file formats;
``bot/excel`` reads the workbook.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from sqlmodel import col, select

from handlers import notify, texts
from handlers.calendar import SLOT_NAME_LIMIT, add_slot, book_planned, slot_occurrences
from handlers.context import Ctx, Scope
from handlers.guests import NAME_LIMIT as GUEST_NAME_LIMIT
from handlers.guests import invite_guest
from handlers.inbound import first_delivery
from handlers.messages import Address
from handlers.parsing import MENTION, email_address, is_clock_time, is_iso_date, parse_time
from handlers.people import open_context
from handlers.requests import (
    BRIEF_LIMIT,
    FORMAT_LIMIT,
    NEEDS_LIMIT,
    PART_NAME_LIMIT,
    PARTS_LIMIT,
    TITLE_LIMIT,
    NewRequest,
    create_request,
)
from handlers.results import Moment, Reply, Text, UserFacingError, t
from handlers.schedule import at_local
from storage import queries
from storage.models import ContentRequest, Member

CellValue = str | int | float | bool | date | datetime | time | None

# The columns of each sheet, by their header (a message id), in the template's order; required ones first named.
PLAN_COLUMNS = (
    texts.PLAN_COL_KEY,
    texts.PLAN_COL_TITLE,
    texts.PLAN_COL_BRIEF,
    texts.PLAN_COL_FORMAT,
    texts.PLAN_COL_SKILLS,
    texts.PLAN_COL_PARTS,
    texts.PLAN_COL_NEEDS,
    texts.PLAN_COL_DEADLINE,
    texts.PLAN_COL_OWNER,
    texts.PLAN_COL_CHANNEL,
    texts.PLAN_COL_SLOT,
    texts.PLAN_COL_GUESTS,
)
PLAN_REQUIRED = (texts.PLAN_COL_TITLE, texts.PLAN_COL_DEADLINE, texts.PLAN_COL_OWNER)
SLOT_COLUMNS = (
    texts.PLAN_COL_KEY,
    texts.SLOT_COL_NAME,
    texts.SLOT_COL_DATE,
    texts.SLOT_COL_WEEKDAY,
    texts.SLOT_COL_UNTIL,
    texts.SLOT_COL_TIME,
    texts.SLOT_COL_ADDED_BY,
)
SLOT_REQUIRED = (texts.SLOT_COL_NAME, texts.SLOT_COL_TIME)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FORMAT_SUGGESTIONS = ("blog", "post", "article", "video", "case", "e-book", "newsletter", "podcast", "webinar")

KEY_LIMIT = 60
SLOTS_PER_ROW = 120  # a weekly series over more than two years is a typo in Until, not a plan
TARGET_LIMIT = 100  # content_request.publish_target

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# One guest in a Guests cell: "Anne Holm <anne@example.com>" (the name may be quoted), or a bare address.
_GUEST = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]*)>$")
# A channel written as a token, <#id> or <#id|name>, like the grammar's mention token (handlers.commands.MENTION).
_CHANNEL_TOKEN = re.compile(r"^<#([^|>\s]+)(?:\|[^>]*)?>$")
CHANNEL_ID_LIMIT = 64


@dataclass(frozen=True)
class PlanCell:
    ref: str  # where it is, for messages: "Plan!C7"
    value: CellValue  # None when blank


@dataclass(frozen=True)
class PlanRow:
    """One row of a sheet below its header, with a cell for every column the sheet has (a column the sheet
    lacks has no entry). ``flagged`` names columns whose cell already has a reported problem (a formula)."""

    sheet: str
    row: int
    cells: Mapping[str, PlanCell]
    flagged: frozenset[str] = frozenset()

    def ref(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.ref if cell is not None else f"{self.sheet}!{self.row}"


@dataclass(frozen=True)
class PlanFile:
    """What an adapter read from a plan: the rows of its two sheets, and problems it found in the file itself."""

    name: str
    requests: tuple[PlanRow, ...] = ()
    slots: tuple[PlanRow, ...] = ()
    problems: tuple[Text, ...] = ()


@dataclass(frozen=True)
class _SlotChoice:
    """The slot a request's Slot cell names: one occurrence, and the request already booked into it, if any."""

    ref: str  # the Slot cell
    name: str
    starts_at: datetime  # UTC
    booked_number: int | None = None
    booked_key: str | None = None  # that request's import key


@dataclass(frozen=True)
class _PlannedRequest:
    row: PlanRow
    key: str
    new: NewRequest
    owner: str  # user id
    owner_as_written: str
    channel_id: str | None
    slot: _SlotChoice | None = None
    guests: tuple[_PlannedGuest, ...] = ()


@dataclass(frozen=True)
class _PlannedGuest:
    """Someone outside the company named in a row's Guests cell, invited by the request's owner once it exists."""

    email: str
    name: str | None


@dataclass(frozen=True)
class _PlannedSlot:
    ref: str
    name: str
    starts_at: datetime  # UTC
    adder: str  # user id


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or (``dry_run``) would do: one line per request or slot, then a summary."""

    lines: tuple[Text, ...]
    summary: Text
    requests: int
    slots: int
    skipped: int
    dry_run: bool


class PlanRejected(Exception):
    """The plan has problems; nothing was (or may be) imported. The caller's transaction must roll back."""

    def __init__(self, problems: Sequence[Text], *, file_name: str) -> None:
        super().__init__(f"{len(problems)} problem(s) in {file_name}")
        self.problems = tuple(problems)
        self.header = t(texts.IMPORT_PROBLEMS, file=file_name, count=len(problems))


def import_plan(
    scope: Scope,
    plan: PlanFile,
    *,
    actor_user_id: str | None = None,
    dry_run: bool = False,
    as_mention: Callable[[str], str] | None = None,
) -> ImportResult:
    """Validates every row of ``plan``, then (unless ``dry_run``) creates its new requests and slots as their
    owners would by command. Raises ``PlanRejected`` with every problem found; rows imported before are skipped.
    ``actor_user_id`` adds the slots whose row names nobody under Added by.

    A person's cell is a mention token (``<@id>``, ``<@id|name>``), the user id, e-mail address or name of a
    member Cobot knows. ``as_mention`` is the platform's own way of writing a person Cobot has not met yet (a bare
    Slack id ``U0123``), turned into a mention token; it returns other text unchanged."""
    check = _Checker(scope, actor_user_id=actor_user_id, as_mention=as_mention)
    slots = check.slots(plan.slots)
    requests = check.requests(plan.requests, planned_slots=slots)
    problems = [*plan.problems, *check.problems]
    if not problems and not plan.requests and not plan.slots:
        problems.append(t(texts.IMPORT_EMPTY, file=plan.name, plan=texts.PLAN_SHEET, slots=texts.SLOTS_SHEET))
    if problems:
        raise PlanRejected(problems, file_name=plan.name)
    try:
        lines, new_requests, new_slots, skipped = _carry_out(scope, requests, slots, dry_run=dry_run)
    except _Refused as refused:
        raise PlanRejected([refused.problem], file_name=plan.name) from None
    if skipped:
        lines.append(t(texts.IMPORT_SKIPPED, count=skipped))
    template = texts.IMPORT_DRY_RUN if dry_run else texts.IMPORT_DONE
    return ImportResult(
        lines=tuple(lines),
        summary=t(
            template,
            file=plan.name,
            requests=t(texts.COUNT_REQUESTS, count=new_requests),
            slots=t(texts.COUNT_SLOTS, count=new_slots),
        ),
        requests=new_requests,
        slots=new_slots,
        skipped=skipped,
        dry_run=dry_run,
    )


# --- importing in chat -------------------------------------------------------------------------------------------

SHOWN_LINES = 30  # of a plan's lines (or problems) in a chat answer; the rest are counted
CONFIRM_WORDS = ("import", "importer")  # the comment on a shared plan that imports it for real


def import_instructions(ctx: Ctx) -> Reply:
    """How an admin imports a content plan in chat: share the .xlsx with Cobot in a DM (admins only)."""
    require_importer(ctx)
    return Reply.of(t(texts.IMPORT_HOW, word=CONFIRM_WORDS[0]))


def require_importer(ctx: Ctx) -> Reply:
    """Refuses anyone but an admin (``permissions.admins``): importing posts requests in other people's names."""
    if not ctx.is_admin():
        raise UserFacingError(t(texts.IMPORT_ADMINS_ONLY, admins=", ".join(sorted(ctx.policy.admins)) or "—"))
    return Reply(())


def confirms_import(comment: str) -> bool:
    """Whether the comment a plan was shared with asks for the import itself rather than a dry run."""
    return comment.strip().strip(".!").casefold() in CONFIRM_WORDS


def import_shared_plan(
    ctx: Ctx,
    *,
    plan: PlanFile,
    confirmed: bool,
    event_id: str | None,
    reply_to: Address | None,
    as_mention: Callable[[str], str] | None = None,
) -> Reply:
    """An admin shared a content plan with Cobot. Unless ``confirmed`` (the comment ``import``) it is a dry run:
    what would be added, nothing changed. Either way all-or-nothing, as ``cobot import``; slots with nobody under
    Added by are added by the admin.

    The answer goes to ``reply_to``, queued in the same transaction, so a confirmed import is answered if and only
    if it was committed; ``event_id`` (the platform's id of the upload) makes a redelivered upload import once.
    With ``reply_to=None`` the answer is returned instead. Never raises ``UserFacingError``."""
    if not first_delivery(ctx, event_id=event_id):
        return Reply(())
    language = ctx.policy.language_of(ctx.actor)
    try:
        require_importer(ctx)
        # A savepoint: a plan refused half-way leaves nothing behind, but the upload's event id and answer stay.
        with ctx.session.begin_nested():
            result = import_plan(
                ctx, plan, actor_user_id=ctx.actor.user_id, dry_run=not confirmed, as_mention=as_mention
            )
        closing = t(texts.IMPORT_CONFIRM_HINT, word=CONFIRM_WORDS[0]) if result.dry_run else None
        reply = Reply((result.summary, *_shown(result.lines), *((closing,) if closing else ())), language=language)
    except UserFacingError as refusal:
        reply = Reply.refused(refusal.text, language=language)
    except PlanRejected as rejected:
        reply = Reply((rejected.header, *_shown(rejected.problems)), refusal=True, language=language)
    if reply_to is None:
        return reply
    notify.reply_later(ctx, to=reply_to, reply=reply, key=f"import:{event_id or uuid.uuid4().hex}")
    return Reply((), language=language)


def _shown(lines: Sequence[Text]) -> tuple[Text, ...]:
    if len(lines) <= SHOWN_LINES:
        return tuple(lines)
    return (*lines[:SHOWN_LINES], t(texts.IMPORT_MORE_LINES, count=len(lines) - SHOWN_LINES))


def _carry_out(
    scope: Scope, requests: Sequence[_PlannedRequest], slots: Sequence[_PlannedSlot], *, dry_run: bool
) -> tuple[list[Text], int, int, int]:
    """Adds the slots, then the requests (whose Slot may name those slots), skipping what was imported before."""
    existing = _imported_before(scope, [r.key for r in requests])
    lines: list[Text] = []
    skipped = 0
    new_requests = 0
    new_slots = 0
    for slot in slots:
        when = Moment(slot.starts_at)
        if _slot_exists(scope, slot):
            skipped += 1
            lines.append(t(texts.IMPORT_LINE_ALREADY_SLOT, cell=slot.ref, slot=slot.name, when=when))
            continue
        if not dry_run:
            _run(scope, slot.ref, slot.adder, None, partial(_add_slot, slot=slot))
        new_slots += 1
        lines.append(t(texts.IMPORT_LINE_SLOT, cell=slot.ref, slot=slot.name, when=when))
    for planned in requests:
        ref = planned.row.ref(texts.PLAN_COL_TITLE)
        if planned.key in existing:
            skipped += 1
            lines.append(t(texts.IMPORT_LINE_ALREADY_REQUEST, cell=ref, number=existing[planned.key]))
            continue
        new_requests += 1
        owner = planned.owner_as_written
        if dry_run:
            lines.append(
                t(
                    texts.IMPORT_LINE_REQUEST,
                    cell=ref,
                    title=planned.new.title,
                    deadline=planned.new.deadline.isoformat(),
                    owner=owner,
                )
            )
            if planned.slot is not None:
                choice = planned.slot
                lines.append(
                    t(texts.IMPORT_LINE_WOULD_BOOK, cell=choice.ref, slot=choice.name, when=Moment(choice.starts_at))
                )
            if planned.guests:
                cell = planned.row.ref(texts.PLAN_COL_GUESTS)
                lines.append(t(texts.IMPORT_LINE_WOULD_INVITE, cell=cell, guests=_guest_list(planned.guests)))
            continue
        number = _run(scope, ref, planned.owner, planned.channel_id, partial(_create, planned=planned))
        lines.append(
            t(
                texts.IMPORT_LINE_CREATED,
                cell=ref,
                number=number,
                title=planned.new.title,
                deadline=planned.new.deadline.isoformat(),
                owner=owner,
            )
        )
        if planned.slot is not None:
            choice = planned.slot
            # As its owner would by `/cocreate book`: a slot taken in the meantime refuses the whole plan.
            _run(scope, choice.ref, planned.owner, planned.channel_id, partial(_book, number=number, choice=choice))
            when = Moment(choice.starts_at)
            lines.append(t(texts.IMPORT_LINE_BOOKED, cell=choice.ref, number=number, slot=choice.name, when=when))
        if planned.guests:
            # As its owner would by `/cocreate guest`: each is queued an invitation in this same transaction.
            cell = planned.row.ref(texts.PLAN_COL_GUESTS)
            for guest in planned.guests:
                _run(scope, cell, planned.owner, planned.channel_id, partial(_invite, number=number, guest=guest))
            lines.append(t(texts.IMPORT_LINE_INVITED, cell=cell, number=number, guests=_guest_list(planned.guests)))
    return lines, new_requests, new_slots, skipped


def _guest_list(guests: Sequence[_PlannedGuest]) -> str:
    return ", ".join(f"{g.name} <{g.email}>" if g.name else g.email for g in guests)


class _Refused(Exception):
    def __init__(self, problem: Text) -> None:
        super().__init__(problem.msgid)
        self.problem = problem


def _run(scope: Scope, ref: str, user_id: str, channel_id: str | None, action: Callable[[Ctx], int]) -> int:
    """Runs one handler as ``user_id`` (made a member if new, as on their first command); a refusal rejects the
    whole plan, naming the row."""
    ctx = open_context(
        session=scope.session,
        platform=scope.workspace.platform,
        workspace_external_id=scope.workspace.external_id,
        user_id=user_id,
        policy=scope.policy,
        now=scope.now,
        channel_id=channel_id,
    )
    try:
        return action(ctx)
    except UserFacingError as refusal:
        raise _Refused(t(texts.IMPORT_REFUSED, cell=ref, problem=refusal.text)) from None


def _create(ctx: Ctx, *, planned: _PlannedRequest) -> int:
    reply = create_request(ctx, planned.new, channel_id=planned.channel_id)
    number = reply.texts[0].params["number"]
    assert isinstance(number, int)
    request = queries.get_request_by_number(session=ctx.session, workspace_id=ctx.workspace_id, number=number)
    assert request is not None
    assert request.id is not None
    request.import_key = planned.key
    ctx.session.add(request)
    # Without a channel the request is listed (`/cocreate list`) but has no card: ``notify.refresh_card`` queues none.
    return number


def _invite(ctx: Ctx, *, number: int, guest: _PlannedGuest) -> int:
    invite_guest(ctx, number=number, email=guest.email, name=guest.name)
    return number


def _book(ctx: Ctx, *, number: int, choice: _SlotChoice) -> int:
    book_planned(ctx, number=number, slot_name=choice.name, starts_at=choice.starts_at)
    return number


def _add_slot(ctx: Ctx, *, slot: _PlannedSlot) -> int:
    local = slot.starts_at.astimezone(ctx.policy.timezone)
    add_slot(ctx, name=slot.name, day=local.date().isoformat(), at=local.strftime("%H:%M"))
    return 0


def _imported_before(scope: Scope, keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = scope.session.exec(
        select(ContentRequest.import_key, ContentRequest.number).where(
            ContentRequest.workspace_id == scope.workspace_id, col(ContentRequest.import_key).in_(keys)
        )
    ).all()
    return {key: number for key, number in rows if key is not None}


def _slot_exists(scope: Scope, slot: _PlannedSlot) -> bool:
    found = slot_occurrences(scope, start=slot.starts_at, end=slot.starts_at + timedelta(minutes=1))
    return any(o.name.casefold() == slot.name.casefold() for o in found)


# --- validation -------------------------------------------------------------------------------------------------


@dataclass
class _Checker:
    scope: Scope
    actor_user_id: str | None
    as_mention: Callable[[str], str] | None = None
    problems: list[Text] = field(default_factory=list)
    _members_by_email: dict[str, list[Member]] | None = None

    # Slots first: a request's Slot may name a slot that the same plan adds.

    def slots(self, rows: Sequence[PlanRow]) -> list[_PlannedSlot]:
        planned: list[_PlannedSlot] = []
        seen: dict[tuple[str, datetime], str] = {}
        for row in rows:
            for slot in self._slot_row(row):
                key = (slot.name.casefold(), slot.starts_at)
                if key in seen:
                    self._problem(t(texts.IMPORT_DUPLICATE_SLOT, cell=slot.ref, other=seen[key]))
                    continue
                seen[key] = slot.ref
                planned.append(slot)
        return planned

    def _slot_row(self, row: PlanRow) -> list[_PlannedSlot]:
        tz = self.scope.policy.timezone
        name = self._text(row, texts.SLOT_COL_NAME, limit=SLOT_NAME_LIMIT, required=True)
        at = self._time(row, texts.SLOT_COL_TIME)
        first = self._date(row, texts.SLOT_COL_DATE)
        weekday = self._weekday(row)
        until = self._date(row, texts.SLOT_COL_UNTIL)
        adder = self._person(row, texts.SLOT_COL_ADDED_BY, default=self.actor_user_id)
        if adder is None and not self._given(row, texts.SLOT_COL_ADDED_BY):
            self._problem(t(texts.IMPORT_NO_ADDER, cell=row.ref(texts.SLOT_COL_ADDED_BY)))
        days: list[date] = []
        if weekday is None and self._given(row, texts.SLOT_COL_WEEKDAY):
            return []  # a weekday that isn't one: reported already
        if weekday is not None:
            if until is None:
                if not self._given(row, texts.SLOT_COL_UNTIL):
                    self._problem(t(texts.IMPORT_WEEKDAY_NEEDS_UNTIL, cell=row.ref(texts.SLOT_COL_UNTIL)))
                return []
            start = first or self.scope.today()
            day = start + timedelta(days=(weekday - start.weekday()) % 7)
            while day <= until:
                days.append(day)
                day += timedelta(days=7)
            if until < self.scope.today():
                cell = row.ref(texts.SLOT_COL_UNTIL)
                self._problem(
                    t(texts.IMPORT_DATE_PASSED, cell=cell, column=texts.SLOT_COL_UNTIL.lower(), value=until.isoformat())
                )
                return []
            if len(days) > SLOTS_PER_ROW:
                self._problem(
                    t(
                        texts.IMPORT_TOO_MANY_SLOTS,
                        cell=row.ref(texts.SLOT_COL_UNTIL),
                        count=len(days),
                        limit=SLOTS_PER_ROW,
                    )
                )
                return []
        elif first is not None:
            days = [first]
        elif not self._given(row, texts.SLOT_COL_DATE):
            self._problem(t(texts.IMPORT_DATE_OR_WEEKDAY, cell=row.ref(texts.SLOT_COL_DATE)))
            return []
        if name is None or at is None or adder is None:
            return []
        result: list[_PlannedSlot] = []
        for day in days:
            moment = at_local(day, at, tz)
            if moment <= self.scope.now:
                if weekday is not None:
                    continue  # a weekly series starts with its first slot still to come
                self._problem(
                    t(texts.IMPORT_SLOT_PASSED, cell=row.ref(texts.SLOT_COL_DATE), slot=name, when=Moment(moment))
                )
                continue
            result.append(_PlannedSlot(ref=row.ref(texts.SLOT_COL_NAME), name=name, starts_at=moment, adder=adder))
        return result

    def requests(self, rows: Sequence[PlanRow], *, planned_slots: Sequence[_PlannedSlot]) -> list[_PlannedRequest]:
        planned: list[_PlannedRequest] = []
        seen: dict[str, str] = {}
        booked: dict[tuple[str, datetime], str] = {}  # slot → the Slot cell that books it
        for row in rows:
            request = self._request_row(row, planned_slots)
            if request is None:
                continue
            if request.key in seen:
                cell = row.ref(texts.PLAN_COL_KEY if self._given(row, texts.PLAN_COL_KEY) else texts.PLAN_COL_TITLE)
                self._problem(t(texts.IMPORT_DUPLICATE_ROW, cell=cell, other=seen[request.key]))
                continue
            seen[request.key] = row.ref(texts.PLAN_COL_TITLE)
            choice = request.slot
            if choice is not None:
                when = Moment(choice.starts_at)
                slot = (choice.name.casefold(), choice.starts_at)
                if slot in booked:  # a slot holds one piece
                    self._problem(
                        t(texts.IMPORT_SLOT_TWICE, cell=choice.ref, slot=choice.name, when=when, other=booked[slot])
                    )
                    continue
                booked[slot] = choice.ref
                if choice.booked_number is not None and choice.booked_key != request.key:
                    self._problem(
                        t(
                            texts.IMPORT_SLOT_TAKEN,
                            cell=choice.ref,
                            slot=choice.name,
                            when=when,
                            number=choice.booked_number,
                        )
                    )
                    continue
            planned.append(request)
        return planned

    def _request_row(self, row: PlanRow, planned_slots: Sequence[_PlannedSlot]) -> _PlannedRequest | None:
        before = len(self.problems)
        key = self._text(row, texts.PLAN_COL_KEY, limit=KEY_LIMIT)
        title = self._text(row, texts.PLAN_COL_TITLE, limit=TITLE_LIMIT, required=True)
        brief = self._text(row, texts.PLAN_COL_BRIEF, limit=BRIEF_LIMIT, multiline=True)
        format_ = self._text(row, texts.PLAN_COL_FORMAT, limit=FORMAT_LIMIT)
        skills = self._list(row, texts.PLAN_COL_SKILLS, separators=",;\n")
        parts = self._parts(row)
        needs = self._needs(row)
        deadline = self._date(row, texts.PLAN_COL_DEADLINE, required=True, future=True)
        owner = self._person(row, texts.PLAN_COL_OWNER, required=True)
        channel = self._channel(row)
        slot = self._slot_ref(row, planned_slots)
        guests = self._guests(row, has_parts=bool(parts))
        if owner is not None and not self.scope.policy.may_create(owner):
            value = _as_text(row.cells[texts.PLAN_COL_OWNER].value)
            self._problem(t(texts.IMPORT_MAY_NOT_CREATE, cell=row.ref(texts.PLAN_COL_OWNER), value=value))
        if len(self.problems) > before or title is None or deadline is None or owner is None:
            return None
        return _PlannedRequest(
            row=row,
            key=_import_key(key, title, deadline),
            new=NewRequest(
                title=title,
                deadline=deadline,
                brief=brief or "",
                format=format_,
                skills=tuple(skills),
                needs=needs,
                parts=tuple(parts),
                publish_target=_target(slot, self.scope) if slot is not None else None,
            ),
            owner=owner,
            owner_as_written=_as_text(row.cells[texts.PLAN_COL_OWNER].value),
            channel_id=channel,
            slot=slot,
            guests=tuple(guests),
        )

    # --- one cell each ----------------------------------------------------------------------------------------

    def _problem(self, text: Text) -> None:
        self.problems.append(text)

    @staticmethod
    def _given(row: PlanRow, column: str) -> bool:
        """Whether the cell holds something (or held a formula, already reported)."""
        cell = row.cells.get(column)
        return column in row.flagged or (cell is not None and _as_text(cell.value) != "")

    def _raw(self, row: PlanRow, column: str, *, required: bool) -> PlanCell | None:
        """The cell, if it holds a value; a missing required value is reported."""
        if column in row.flagged:
            return None
        cell = row.cells.get(column)
        if cell is None or _as_text(cell.value) == "":
            if required:
                self._problem(t(texts.IMPORT_MISSING, cell=row.ref(column), column=column.lower()))
            return None
        return cell

    def _text(
        self, row: PlanRow, column: str, *, limit: int, required: bool = False, multiline: bool = False
    ) -> str | None:
        cell = self._raw(row, column, required=required)
        if cell is None:
            return None
        value = _as_text(cell.value)
        if not multiline:
            value = " ".join(value.split())
        if len(value) > limit:
            self._problem(
                t(texts.IMPORT_TOO_LONG, cell=cell.ref, column=column.lower(), length=len(value), limit=limit)
            )
            return None
        return value

    def _list(self, row: PlanRow, column: str, *, separators: str) -> list[str]:
        cell = self._raw(row, column, required=False)
        if cell is None:
            return []
        return [" ".join(p.split()) for p in re.split(f"[{re.escape(separators)}]", _as_text(cell.value)) if p.strip()]

    def _parts(self, row: PlanRow) -> list[str]:
        parts = self._list(row, texts.PLAN_COL_PARTS, separators=";\n")
        ref = row.ref(texts.PLAN_COL_PARTS)
        if len(parts) > PARTS_LIMIT:
            self._problem(t(texts.IMPORT_TOO_MANY_PARTS, cell=ref, count=len(parts), limit=PARTS_LIMIT))
        for part in parts:
            if len(part) > PART_NAME_LIMIT:
                self._problem(t(texts.IMPORT_PART_TOO_LONG, cell=ref, value=part[:40] + "…", limit=PART_NAME_LIMIT))
        return parts

    def _guests(self, row: PlanRow, *, has_parts: bool) -> list[_PlannedGuest]:
        """The Guests cell: ``Anne Holm <anne@example.com>; bo@example.org``, each checked as `/cocreate guest`
        would (one address each, not a colleague's), and only where Cobot can send them e-mail."""
        cell = self._raw(row, texts.PLAN_COL_GUESTS, required=False)
        if cell is None:
            return []
        if not self.scope.policy.email_configured:
            self._problem(t(texts.IMPORT_GUESTS_NEED_EMAIL, cell=cell.ref))
            return []
        if has_parts:
            self._problem(t(texts.IMPORT_GUESTS_WITH_PARTS, cell=cell.ref))
            return []
        guests: dict[str, _PlannedGuest] = {}
        for piece in _guest_pieces(_as_text(cell.value)):
            found = _GUEST.match(piece)
            named, address = (found.group("name"), found.group("address")) if found else (None, piece)
            email = email_address(address)
            if email is None:
                self._problem(t(texts.IMPORT_BAD_GUEST, cell=cell.ref, value=piece[:80]))
                continue
            known = queries.member_by_email(
                session=self.scope.session, workspace_id=self.scope.workspace_id, email=email
            )
            if known is not None and not known.is_guest:
                self._problem(t(texts.IMPORT_GUEST_IS_COLLEAGUE, cell=cell.ref, email=email))
                continue
            name = " ".join((named or "").strip().strip('"').split())[:GUEST_NAME_LIMIT] or None
            guests.setdefault(email.casefold(), _PlannedGuest(email, name))  # named twice in a row: invited once
        return list(guests.values())

    def _needs(self, row: PlanRow) -> int | None:
        cell = self._raw(row, texts.PLAN_COL_NEEDS, required=False)
        if cell is None:
            return None
        value = cell.value
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdecimal():
            number = int(value.strip())
        if number is None or not 1 <= number <= NEEDS_LIMIT:
            self._problem(t(texts.IMPORT_BAD_NEEDS, cell=cell.ref, value=_as_text(value)[:40], limit=NEEDS_LIMIT))
            return None
        return number

    def _date(self, row: PlanRow, column: str, *, required: bool = False, future: bool = False) -> date | None:
        cell = self._raw(row, column, required=required)
        if cell is None:
            return None
        value = cell.value
        day: date | None = None
        if isinstance(value, datetime):
            day = value.date() if value.time() == time(0, 0) else None
        elif isinstance(value, date):
            day = value
        elif isinstance(value, str) and is_iso_date(value.strip()):
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                day = None
        if day is None:
            self._problem(t(texts.IMPORT_NOT_A_DATE, cell=cell.ref, column=column.lower(), value=_as_text(value)[:40]))
            return None
        if future and day < self.scope.today():
            self._problem(t(texts.IMPORT_DATE_PASSED, cell=cell.ref, column=column.lower(), value=day.isoformat()))
            return None
        return day

    def _time(self, row: PlanRow, column: str) -> time | None:
        cell = self._raw(row, column, required=True)
        if cell is None:
            return None
        value = cell.value
        if isinstance(value, datetime):
            value = value.time()
        if isinstance(value, time):
            return value.replace(second=0, microsecond=0)
        if isinstance(value, str) and is_clock_time(value.strip()):
            return parse_time(value.strip())
        self._problem(t(texts.IMPORT_NOT_A_TIME, cell=cell.ref, column=column.lower(), value=_as_text(value)[:40]))
        return None

    def _weekday(self, row: PlanRow) -> int | None:
        cell = self._raw(row, texts.SLOT_COL_WEEKDAY, required=False)
        if cell is None:
            return None
        value = _as_text(cell.value).casefold()
        found = [i for i, name in enumerate(WEEKDAYS) if len(value) >= 3 and name.startswith(value[:3])]
        full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        if not found or (len(value) > 3 and value not in full):
            self._problem(t(texts.IMPORT_BAD_WEEKDAY, cell=cell.ref, value=_as_text(cell.value)[:20]))
            return None
        return found[0]

    def _person(self, row: PlanRow, column: str, *, required: bool = False, default: str | None = None) -> str | None:
        """A user id, found through the people Cobot knows: by mention token, user id, e-mail address or name."""
        cell = self._raw(row, column, required=required)
        if cell is None:
            return default if not self._given(row, column) else None
        value = _as_text(cell.value).strip()
        token = MENTION.match(self.as_mention(value) if self.as_mention else value)
        if token:
            return token.group(1)  # names its person outright, met or not (their profile is looked up as usual)
        if _EMAIL.match(value):
            members = self._by_email().get(value.casefold(), [])
            if len(members) == 1:
                return members[0].user_id
            template = texts.IMPORT_AMBIGUOUS_EMAIL if members else texts.IMPORT_UNKNOWN_EMAIL
            self._problem(t(template, cell=cell.ref, value=value[:60]))
            return None
        session, workspace_id = self.scope.session, self.scope.workspace_id
        if value and queries.get_member(session=session, workspace_id=workspace_id, user_id=value) is not None:
            return value
        named = queries.find_members_by_name(session=session, workspace_id=workspace_id, name=value.lstrip("@"))
        if value and len(named) == 1:
            return named[0].user_id
        self._problem(t(texts.IMPORT_BAD_PERSON, cell=cell.ref, value=value[:60]))
        return None

    def _by_email(self) -> dict[str, list[Member]]:
        if self._members_by_email is None:
            members = self.scope.session.exec(
                select(Member).where(Member.workspace_id == self.scope.workspace_id, col(Member.email).is_not(None))
            ).all()
            self._members_by_email = {}
            for member in members:
                self._members_by_email.setdefault((member.email or "").strip().casefold(), []).append(member)
        return self._members_by_email

    def _channel(self, row: PlanRow) -> str | None:
        cell = self._raw(row, texts.PLAN_COL_CHANNEL, required=False)
        if cell is None:
            return None
        value = _as_text(cell.value).strip()
        token = _CHANNEL_TOKEN.match(value)
        if token:
            return token.group(1)
        # A channel's id, as its platform shows it; "#name" is a channel's name, which can change.
        if (
            value
            and len(value) <= CHANNEL_ID_LIMIT
            and not value.startswith("#")
            and not any(c.isspace() for c in value)
        ):
            return value
        self._problem(t(texts.IMPORT_BAD_CHANNEL, cell=cell.ref, value=value[:60]))
        return None

    def _slot_ref(self, row: PlanRow, planned_slots: Sequence[_PlannedSlot]) -> _SlotChoice | None:
        """The slot to book: one that exists (app.yaml, added before, or on this plan's Slots sheet)."""
        cell = self._raw(row, texts.PLAN_COL_SLOT, required=False)
        if cell is None:
            return None
        value = " ".join(_as_text(cell.value).split())
        words = value.split()
        at: time | None = None
        if words and is_clock_time(words[-1]):
            at = parse_time(words.pop())
        example = (self.scope.today() + timedelta(days=7)).isoformat()
        if len(words) < 2 or not is_iso_date(words[-1]):
            self._problem(t(texts.IMPORT_BAD_SLOT_REF, cell=cell.ref, value=value[:60], example=example))
            return None
        try:
            day = date.fromisoformat(words.pop())
        except ValueError:
            self._problem(t(texts.IMPORT_BAD_SLOT_REF, cell=cell.ref, value=value[:60], example=example))
            return None
        name = " ".join(words)
        tz = self.scope.policy.timezone
        start, end = at_local(day, time(0, 0), tz), at_local(day + timedelta(days=1), time(0, 0), tz)
        choices = {
            o.starts_at: _SlotChoice(
                ref=cell.ref,
                name=o.name,
                starts_at=o.starts_at,
                booked_number=o.request.number if o.request is not None else None,
                booked_key=o.request.import_key if o.request is not None else None,
            )
            for o in slot_occurrences(self.scope, start=start, end=end)
            if o.name.casefold() == name.casefold()
        }
        for s in planned_slots:
            if s.name.casefold() == name.casefold() and start <= s.starts_at < end:
                choices.setdefault(s.starts_at, _SlotChoice(ref=cell.ref, name=s.name, starts_at=s.starts_at))
        if at is not None:
            choices = {
                m: c for m, c in choices.items() if m.astimezone(tz).time().replace(second=0, microsecond=0) == at
            }
        if not choices:
            self._problem(t(texts.IMPORT_UNKNOWN_SLOT, cell=cell.ref, value=value[:60]))
            return None
        if len(choices) > 1:
            self._problem(t(texts.IMPORT_AMBIGUOUS_SLOT, cell=cell.ref, value=value[:60]))
            return None
        choice = next(iter(choices.values()))
        if choice.starts_at <= self.scope.now:
            self._problem(t(texts.IMPORT_SLOT_PASSED, cell=cell.ref, slot=choice.name, when=Moment(choice.starts_at)))
            return None
        return choice


def _target(choice: _SlotChoice, scope: Scope) -> str:
    """The request's publishing target as its card shows it: the slot's name and local start."""
    local = choice.starts_at.astimezone(scope.policy.timezone)
    return f"{choice.name} {local:%Y-%m-%d %H:%M}"[:TARGET_LIMIT]


def _as_text(value: CellValue) -> str:
    """A cell as the text a person sees: numbers without a stray ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0, 0) else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _import_key(key: str | None, title: str, deadline: date) -> str:
    """The row's own Key, else its title and deadline: what says "this row was imported before"."""
    if key:
        return f"k:{key}"
    digest = hashlib.sha256(f"{title.casefold()}|{deadline.isoformat()}".encode()).hexdigest()
    return f"h:{digest[:40]}"


def _guest_pieces(value: str) -> list[str]:
    """A Guests cell, one piece per guest: split at ``;``, ``,`` and line breaks, but not inside ``<…>``."""
    pieces: list[str] = []
    current: list[str] = []
    inside = False
    for char in value:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        if char in ";,\n" and not inside:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]
