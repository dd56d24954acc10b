"""Cobot's tables: workspaces, members, content requests with their parts, volunteers, drafts and reviews.

Every row that belongs to a workspace carries ``workspace_id`` so that each query in ``storage.queries`` can
filter by it; one workspace can never see another's rows. Times are timezone-aware UTC (``storage.clock``),
dates plain dates. Enumerations are stored as their lower-case values in ordinary string columns (no native
PostgreSQL enum types), which keeps Alembic migrations simple and identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Constraint names that stay the same on SQLite and PostgreSQL, so later (batch) migrations can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum_column(enum: type[StrEnum], *, default: StrEnum) -> Any:
    return sa.Column(
        sa.Enum(
            enum,
            native_enum=False,
            length=24,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
            create_constraint=False,
        ),
        nullable=False,
        default=default,
    )


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"
    CONSOLE = "console"


class RequestStatus(StrEnum):
    OPEN = "open"  # accepting volunteers and drafts
    APPROVED = "approved"  # every contribution approved; ready to publish
    PUBLISHED = "published"
    CLOSED = "closed"  # closed by its owner without (further) publishing


class VolunteerState(StrEnum):
    ACTIVE = "active"  # holds a place (on the request or on a part)
    WAITLISTED = "waitlisted"  # waits in line; moves up when someone withdraws
    WITHDRAWN = "withdrawn"


class ReviewState(StrEnum):
    NO_DRAFT = "no_draft"
    SUBMITTED = "submitted"  # latest draft waits for the owner's review
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class InvitationAnswer(StrEnum):
    PENDING = "pending"
    VOLUNTEERED = "volunteered"
    DECLINED = "declined"


class Decision(StrEnum):
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"


class Workspace(SQLModel, table=True):
    """A Slack team, a Teams tenant or a console session: the unit every other row belongs to."""

    __table_args__ = (sa.UniqueConstraint("platform", "external_id", name="uq_workspace_platform_external"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(default="", max_length=200)
    # Request numbers (#12) count per workspace; allocated with an atomic UPDATE … RETURNING.
    last_request_number: int = Field(default=0)
    # The plain secret of the calendar feed's URL before feeds were stored hashed (``calendar_feed``); migration
    # 0010 moved every one into a hashed row and cleared it, and nothing writes it any more.
    calendar_secret: str | None = Field(default=None, max_length=64)
    created_at: datetime
    # Set when Cobot was uninstalled or its token revoked: nothing is sent to the workspace and no follow-ups run
    # until it is installed again (or its token works again).
    inactive_since: datetime | None = None
    inactive_reason: str | None = Field(default=None, max_length=200)


class Member(SQLModel, table=True):
    """A person in a workspace, known by their platform user id; profile fields are filled in lazily."""

    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_member_workspace_user"),
        # One guest per address in a workspace, even when the owner presses twice at once.
        sa.Index(
            "uq_member_guest_email",
            "workspace_id",
            "email",
            unique=True,
            sqlite_where=sa.text("is_guest"),
            postgresql_where=sa.text("is_guest"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    user_id: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=200)
    tz: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=16)
    language: str | None = Field(default=None, max_length=8)  # chosen in Cobot; else the Slack locale decides
    # The department reports count: the one of the sources below that wins (``handlers.departments``).
    department: str | None = Field(default=None, max_length=100)
    department_source: str | None = Field(default=None, max_length=16)  # self, profile, graph or import
    department_self: str | None = Field(default=None, max_length=100)  # `/cocreate department`, App Home
    department_profile: str | None = Field(default=None, max_length=100)  # the Slack profile or Microsoft Graph
    department_import: str | None = Field(default=None, max_length=100)
    title: str | None = Field(default=None, max_length=200)  # the job title the profile gives
    # From the Slack profile (needs users:read.email); content plans may name owners by e-mail.
    email: str | None = Field(default=None, max_length=254)
    profile_fetched_at: datetime | None = None
    reminders_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    listed_in_digest: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # Whether this person hears, a while after a piece they helped make was published, what it earned
    # (`/cocreate resultsnotes`, App Home).
    results_notes_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # Whether Cobot may DM this person invitations to requests that match their skills (`/cocreate invitations`).
    invitations_enabled: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # How many invitations this person accepts in any 30 days (`/cocreate asks`, App Home): 0 never, None the
    # workspace's `skills.monthly_ask_limit`. A number only ever lowers that limit, never raises it.
    asks_per_month: int | None = None
    # Someone outside the company, invited by e-mail to one request (``handlers.guests``). A guest's ``user_id`` is
    # ``guest:<random>``: no platform id has a colon, so it never collides with one, and everything that works by
    # ``member_id`` (places, drafts, reviews, reminders) works for guests unchanged.
    is_guest: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # When this person's personal data was erased (``handlers.erasure``): the row stays, nameless, so what they
    # contributed stays counted and is credited to "a former contributor"; ``user_id`` then is ``forgotten:<random>``.
    forgotten_at: datetime | None = None
    created_at: datetime


class MemberSkill(SQLModel, table=True):
    """One normalised skill of a member (the skills directory is a table so `who <skill>` uses an index)."""

    __tablename__ = "member_skill"
    __table_args__ = (sa.Index("ix_member_skill_workspace_skill", "workspace_id", "skill"),)

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    skill: str = Field(max_length=100, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")


class ContentRequest(SQLModel, table=True):
    """A brief posted by a marketer: what is wanted, by when, from whom, and where its card lives."""

    __tablename__ = "content_request"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "number", name="uq_request_workspace_number"),
        sa.Index("ix_request_workspace_status_deadline", "workspace_id", "status", "draft_deadline"),
        sa.Index("ix_request_workspace_card", "workspace_id", "channel_id", "card_ts"),
        sa.Index("ix_request_workspace_owner", "workspace_id", "owner_id"),
        # The digest's "published last week"; partial, since only published requests have the time.
        sa.Index(
            "ix_request_workspace_published",
            "workspace_id",
            "published_at",
            sqlite_where=sa.text("published_at IS NOT NULL"),
            postgresql_where=sa.text("published_at IS NOT NULL"),
        ),
        # A request made by a content-plan import remembers its row's key, so importing the plan again adds nothing.
        sa.UniqueConstraint("workspace_id", "import_key", name="uq_request_workspace_import_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    number: int
    title: str = Field(max_length=200)
    brief: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    format: str | None = Field(default=None, max_length=40)
    wanted_skills: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    volunteers_needed: int = Field(default=1)
    draft_deadline: date
    publish_target: str | None = Field(default=None, max_length=100)
    owner_id: int = Field(foreign_key="member.id")
    channel_id: str | None = Field(default=None, max_length=64)
    card_ts: str | None = Field(default=None, max_length=32)
    # A web link to the card (Slack's permalink), for calendars and anything else outside the chat; None where the
    # platform gives none (Teams, the console) or the look-up failed.
    card_url: str | None = Field(default=None, max_length=500)
    status: RequestStatus = Field(
        default=RequestStatus.OPEN, sa_column=_enum_column(RequestStatus, default=RequestStatus.OPEN)
    )
    derived_from_id: int | None = Field(default=None, foreign_key="content_request.id")
    published_url: str | None = Field(default=None, max_length=2000)
    published_at: datetime | None = None
    import_key: str | None = Field(default=None, max_length=64)
    created_at: datetime
    updated_at: datetime


class RequestPart(SQLModel, table=True):
    """A piece of a request that one or more people claim, e.g. one chapter of an e-book."""

    __tablename__ = "request_part"
    __table_args__ = (sa.UniqueConstraint("request_id", "position", name="uq_part_request_position"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id", index=True)
    position: int
    name: str = Field(max_length=200)
    capacity: int = Field(default=1)


class Volunteer(SQLModel, table=True):
    """A person's place on a request (or on one of its parts): active or waiting in line, and their review state.

    Waitlist order is the row id: the earliest waiting volunteer moves up first.
    """

    __table_args__ = (
        sa.Index("ix_volunteer_request_state", "request_id", "state"),
        sa.Index("ix_volunteer_workspace_member_state", "workspace_id", "member_id", "state"),
        # Follow-ups look up volunteers by personal due date and by drafts waiting for review.
        # Partial: few places have a personal due date, and with every other row in it SQLite's planner took
        # "due_date IS NULL" for a selective lookup here and read the whole history (bench/bench_growth.py).
        sa.Index(
            "ix_volunteer_workspace_due",
            "workspace_id",
            "due_date",
            sqlite_where=sa.text("due_date IS NOT NULL"),
            postgresql_where=sa.text("due_date IS NOT NULL"),
        ),
        sa.Index("ix_volunteer_workspace_review", "workspace_id", "review_state"),
        # One live place per person per request; withdrawn rows stay as history.
        sa.Index(
            "uq_volunteer_live_place",
            "request_id",
            "member_id",
            unique=True,
            sqlite_where=sa.text("state != 'withdrawn'"),
            postgresql_where=sa.text("state != 'withdrawn'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    part_id: int | None = Field(default=None, foreign_key="request_part.id")
    member_id: int = Field(foreign_key="member.id")
    state: VolunteerState = Field(
        default=VolunteerState.ACTIVE, sa_column=_enum_column(VolunteerState, default=VolunteerState.ACTIVE)
    )
    review_state: ReviewState = Field(
        default=ReviewState.NO_DRAFT, sa_column=_enum_column(ReviewState, default=ReviewState.NO_DRAFT)
    )
    via: str = Field(default="command", max_length=16)
    # A later draft deadline for this volunteer alone, set when the owner accepts their request for more time.
    due_date: date | None = None
    # No more draft reminders about this place (a guest's one-click stop in a reminder e-mail); the owner still
    # hears when the draft is late.
    reminders_stopped_at: datetime | None = None
    created_at: datetime
    withdrawn_at: datetime | None = None


class Draft(SQLModel, table=True):
    """One version of a volunteer's contribution: a link, a text, or a file shared in the card's thread."""

    __table_args__ = (
        sa.UniqueConstraint("volunteer_id", "version", name="uq_draft_volunteer_version"),
        sa.Index("ix_draft_workspace_created", "workspace_id", "created_at"),  # the digest's "who helped"
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id", index=True)
    volunteer_id: int = Field(foreign_key="volunteer.id")
    member_id: int = Field(foreign_key="member.id")
    version: int
    url: str | None = Field(default=None, max_length=2000)
    text: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    file_id: str | None = Field(default=None, max_length=64)
    file_name: str | None = Field(default=None, max_length=255)
    source: str = Field(default="command", max_length=16)
    created_at: datetime


class Review(SQLModel, table=True):
    """The owner's decision on one draft version."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    draft_id: int = Field(foreign_key="draft.id", index=True)
    reviewer_id: int = Field(foreign_key="member.id")
    decision: Decision = Field(default=Decision.APPROVED, sa_column=_enum_column(Decision, default=Decision.APPROVED))
    feedback: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, default=""))
    created_at: datetime


class ExtensionRequest(SQLModel, table=True):
    """A volunteer's request for more time, which the owner accepts or declines."""

    __tablename__ = "extension_request"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    proposed_date: date
    status: ExtensionStatus = Field(
        default=ExtensionStatus.PENDING, sa_column=_enum_column(ExtensionStatus, default=ExtensionStatus.PENDING)
    )
    created_at: datetime
    decided_at: datetime | None = None


class Invitation(SQLModel, table=True):
    """A colleague whom Cobot asked, on the owner's behalf, to help with a request, and how they answered.

    One row per person per request: nobody is asked twice about the same request. The rows also count how often
    a person was asked lately, which caps and spreads the asking (``handlers.invitations``).
    """

    __table_args__ = (
        sa.UniqueConstraint("request_id", "member_id", name="uq_invitation_request_member"),
        sa.Index("ix_invitation_workspace_member_asked", "workspace_id", "member_id", "asked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    member_id: int = Field(foreign_key="member.id")
    asked_at: datetime
    answer: InvitationAnswer = Field(
        default=InvitationAnswer.PENDING,
        sa_column=_enum_column(InvitationAnswer, default=InvitationAnswer.PENDING),
    )
    answered_at: datetime | None = None


class GuestLink(SQLModel, table=True):
    """A guest's personal link to one request: only the SHA-256 of its token is stored, so a copy of the database
    opens nothing. A link stops working when it expires, is revoked, or its request is closed."""

    __tablename__ = "guest_link"
    __table_args__ = (
        sa.UniqueConstraint("token_hash", name="uq_guest_link_token_hash"),
        sa.Index("ix_guest_link_workspace_request", "workspace_id", "request_id"),
        sa.Index("ix_guest_link_workspace_member", "workspace_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    member_id: int = Field(foreign_key="member.id")
    request_id: int = Field(foreign_key="content_request.id")
    token_hash: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    # Made by an invitation (the guest's standing on the request), not for one e-mail: dates the invitation.
    invitation: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The guest pressed "Accept" on their page (``handlers.guest_page``); until then the page asks them first.
    accepted_at: datetime | None = None
    # The key of the page's form tokens (CSRF): random per link, made when the page is first shown. The forms carry
    # HMAC-SHA256(form_secret, link id and form name), so a page of another site cannot post to a guest's link.
    form_secret: str | None = Field(default=None, max_length=64)


class GuestFile(SQLModel, table=True):
    """A file a guest handed in as a draft on their web page, kept in the database (see ``handlers.guest_page``
    for why not on disk). The owner opens it through ``/guest/files/<download_token>``; the token is kept as it
    is (not hashed) because whoever can read this row can read the file beside it anyway."""

    __tablename__ = "guest_file"
    __table_args__ = (
        sa.UniqueConstraint("download_token", name="uq_guest_file_download_token"),
        sa.Index("ix_guest_file_workspace_member", "workspace_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    member_id: int = Field(foreign_key="member.id")
    request_id: int = Field(foreign_key="content_request.id")
    download_token: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)  # what Cobot found the content to be, never what the browser said
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    created_at: datetime


class SignOff(SQLModel, table=True):
    """A contributor's confirmation of the approved version of their contribution (``handlers.signoff``): the byline
    and one-line bio to publish it under, and where it may be published. Bound to one draft version and the
    SHA-256 of its content, so a newer approved version needs a sign-off of its own. Rows are history: the latest
    row of a person on a request is what counts, and withdrawing consent stamps ``withdrawn_at`` on it."""

    __tablename__ = "sign_off"
    __table_args__ = (
        sa.Index("ix_sign_off_workspace_request_member", "workspace_id", "request_id", "member_id"),
        sa.Index("ix_sign_off_workspace_draft", "workspace_id", "draft_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    draft_id: int = Field(foreign_key="draft.id")
    member_id: int = Field(foreign_key="member.id")
    version: int
    content_hash: str = Field(max_length=64)  # hex SHA-256 (``handlers.signoff.draft_hash``)
    byline: str = Field(max_length=200)
    bio: str = Field(default="", max_length=400)
    # Stable keys of the places chosen (``handlers.signoff.PublishPlace.key``), e.g. ["slot:LinkedIn"].
    places: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    signed_at: datetime
    withdrawn_at: datetime | None = None


class PublicationOverride(SQLModel, table=True):
    """A request published although some contributors had not signed off (or had withdrawn their consent):
    who forced it, the reason they gave, and whose sign-off was missing at that moment."""

    __tablename__ = "publication_override"
    __table_args__ = (sa.UniqueConstraint("request_id", name="uq_publication_override_request_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    forced_by_id: int = Field(foreign_key="member.id")
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    missing_member_ids: list[int] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime


class PublishingSlot(SQLModel, table=True):
    """A one-off publishing slot added by command; recurring slots come from app.yaml and are not stored."""

    __tablename__ = "publishing_slot"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "name", "starts_at", name="uq_slot_workspace_name_start"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    name: str = Field(max_length=60)
    starts_at: datetime
    created_by_id: int = Field(foreign_key="member.id")
    created_at: datetime


class SlotBooking(SQLModel, table=True):
    """An approved request booked into one occurrence of a publishing slot; a slot holds one piece."""

    __tablename__ = "slot_booking"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "slot_name", "starts_at", name="uq_booking_slot"),
        sa.UniqueConstraint("request_id", name="uq_booking_request"),
        sa.Index("ix_booking_workspace_start", "workspace_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    slot_name: str = Field(max_length=60)
    starts_at: datetime
    booked_by_id: int = Field(foreign_key="member.id")
    created_at: datetime


class CalendarFeed(SQLModel, table=True):
    """One address of a calendar feed (``GET /calendar/<token>.ics``): the workspace's (``member_id`` None) or one
    person's. Only the token's SHA-256 is kept, so a database that leaks gives no working address; an address works
    until ``expires_at`` unless it is revoked sooner."""

    __tablename__ = "calendar_feed"
    __table_args__ = (
        sa.UniqueConstraint("token_hash", name="uq_calendar_feed_token_hash"),
        sa.Index("ix_calendar_feed_workspace_member", "workspace_id", "member_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    token_hash: str = Field(max_length=64)  # hex SHA-256 of the whole token
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


class ResultSource(StrEnum):
    TYPED = "typed"  # by the owner, `/cocreate results` or its form: a total so far
    IMPORT = "import"  # `cobot import results`: one figure per row's day
    ANALYTICS = "analytics"  # the analytics connector, polled daily: one figure per day


class PieceResult(SQLModel, table=True):
    """One figure a published piece earned, by metric, source and day (``handlers.outcomes`` adds them up).

    A typed figure is the total so far on its day, so a later one replaces it; imported and polled figures are the
    counts of their day, and adding them up gives the total. Storing the same (metric, source, day) again replaces the
    figure, which is what makes importing a file twice, or polling a day twice, harmless.
    """

    __tablename__ = "piece_result"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "metric", "source", "day", name="uq_piece_result_figure"),
        sa.Index("ix_piece_result_workspace_request", "workspace_id", "request_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    metric: str = Field(max_length=40)
    source: ResultSource = Field(sa_column=_enum_column(ResultSource, default=ResultSource.TYPED))
    day: date
    value: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    recorded_by_id: int | None = Field(default=None, foreign_key="member.id")
    recorded_at: datetime


class ProcessedEvent(SQLModel, table=True):
    """Event ids already acted on, so Slack's retries of the same event take effect once."""

    __tablename__ = "processed_event"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "event_id", name="uq_processed_event"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    event_id: str = Field(max_length=64)
    received_at: datetime


class OutboxMessage(SQLModel, table=True):
    """A message waiting to leave Cobot, written in the same transaction as the change that caused it.

    The sender claims due rows, sends them through the workspace's platform and marks them sent; the unique
    ``dedupe_key`` makes enqueueing idempotent, so nothing is sent twice and a crash loses nothing.
    ``sequence_key`` orders messages that must not overtake each other.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_due", "sent_at", "failed_at", "not_before"),
        # The same key may mean different things in two workspaces; each workspace dedupes its own.
        sa.UniqueConstraint("workspace_id", "dedupe_key", name="uq_outbox_workspace_dedupe"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    dedupe_key: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    request_id: int | None = Field(default=None, foreign_key="content_request.id", index=True)
    # Messages with the same sequence key leave in the order they were queued (a request's card before the
    # replies in its thread); messages without one (DMs) go as soon as they are due.
    sequence_key: str | None = Field(default=None, max_length=64, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    not_before: datetime
    attempts: int = Field(default=0)
    claimed_until: datetime | None = None
    claim_token: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    # No longer useful after this (a digest after its day, a reminder once the next one or the deadline is there):
    # dropped unsent, with a line in the log, rather than delivered stale.
    expires_at: datetime | None = None
    # Where a DM with buttons landed (the platform's conversation and message id), so that it can be updated in
    # place once its buttons were used ("Approved by @Mia"); unset for everything else.
    posted_channel: str | None = Field(default=None, max_length=64)
    posted_ts: str | None = Field(default=None, max_length=128)
    created_at: datetime


class TeamsConversation(SQLModel, table=True):
    """Where Cobot can write in Microsoft Teams: a channel, group chat or 1:1 chat it was added to or spoken to in,
    with the conversation reference that proactive messages (cards, reminders, the digest) need.

    Teams conversation ids can be hundreds of characters long; ``key`` is the short id that the rest of Cobot
    uses as a channel id (``content_request.channel_id``): the conversation id itself when it is short, else a
    hash of it.
    """

    __tablename__ = "teams_conversation"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "key", name="uq_teams_conversation_workspace_key"),
        sa.Index("ix_teams_conversation_workspace_user", "workspace_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    key: str = Field(max_length=64)
    conversation_id: str = Field(max_length=1000)
    conversation_type: str = Field(max_length=16)  # "personal", "channel" or "groupChat"
    name: str = Field(default="", max_length=200)  # a channel's name, for `digest.channel` by name
    user_id: str | None = Field(default=None, max_length=64)  # the person in a 1:1 chat
    service_url: str = Field(max_length=500)
    reference: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    created_at: datetime
    updated_at: datetime


class TeamsUser(SQLModel, table=True):
    """A Teams user's two ids: Cobot knows people by their Entra object id (``member.user_id``); Teams addresses
    them by a bot-specific id (``29:…``) in mentions and when Cobot opens a 1:1 chat."""

    __tablename__ = "teams_user"
    __table_args__ = (
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_teams_user_workspace_user"),
        sa.UniqueConstraint("workspace_id", "teams_id", name="uq_teams_user_workspace_teams_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    user_id: str = Field(max_length=64)
    teams_id: str = Field(max_length=200)
    name: str = Field(default="", max_length=200)
    created_at: datetime
    updated_at: datetime


class TrackedLink(SQLModel, table=True):
    """A published piece's tracked link, ``PUBLIC_URL/r/<code>`` (``handlers.tracking``): it redirects to
    ``target_url``, the published address with its UTM parameters, and counts the readers who follow it.

    ``clicks`` is the total so far (the days in ``link_click_day`` add up to it); ``card_clicks`` and
    ``card_refreshed_on`` say what the piece's card last showed, so the daily refresh touches only cards whose count
    changed."""

    __tablename__ = "tracked_link"
    __table_args__ = (
        sa.UniqueConstraint("code", name="uq_tracked_link_code"),
        sa.UniqueConstraint("request_id", name="uq_tracked_link_request"),
        sa.Index("ix_tracked_link_workspace", "workspace_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    request_id: int = Field(foreign_key="content_request.id")
    code: str = Field(max_length=16)
    target_url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    clicks: int = Field(default=0)
    card_clicks: int = Field(default=0)
    card_refreshed_on: date | None = None
    created_at: datetime


class LinkClickDay(SQLModel, table=True):
    """How many readers followed a tracked link on one day (the workspace's local day)."""

    __tablename__ = "link_click_day"
    __table_args__ = (sa.UniqueConstraint("link_id", "day", name="uq_link_click_day_link_day"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    link_id: int = Field(foreign_key="tracked_link.id")
    day: date
    clicks: int = Field(default=0)


class LinkClickSeen(SQLModel, table=True):
    """A reader already counted today: ``key_hash`` is an HMAC of their address, user agent and the day under the
    install's tracking secret, never the address itself. Rows older than a day or two are pruned by the tick."""

    __tablename__ = "link_click_seen"
    __table_args__ = (
        sa.UniqueConstraint("link_id", "key_hash", name="uq_link_click_seen_link_key"),
        sa.Index("ix_link_click_seen_day", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="tracked_link.id")
    key_hash: str = Field(max_length=64)  # hex HMAC-SHA256
    day: date


class InstallSecret(SQLModel, table=True):
    """A secret of this installation, made once at random and shared by every process (the tracking secret that
    keys the click dedupe hashes, unless ``COBOT_TRACKING_SECRET`` sets one)."""

    __tablename__ = "install_secret"

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
    created_at: datetime


# --- Slack installations through OAuth (bot.slack.installations) ------------------------------------------------


class SlackInstallation(SQLModel, table=True):
    """Cobot's bot token in one Slack workspace, or in a whole Enterprise Grid org (an org-wide install: no team),
    as the OAuth install left it; with token rotation, the token expires and the refresh token gets the next one.
    ``enterprise_id`` and ``team_id`` are "" when absent, so that the pair is unique."""

    __tablename__ = "slack_installation"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "team_id", name="uq_slack_installation_target"),)

    id: int | None = Field(default=None, primary_key=True)
    enterprise_id: str = Field(default="", max_length=32)
    team_id: str = Field(default="", max_length=32)
    is_enterprise_install: bool = False
    enterprise_name: str = Field(default="", max_length=200)
    team_name: str = Field(default="", max_length=200)
    app_id: str = Field(default="", max_length=32)
    installer_id: str = Field(default="", max_length=32)
    bot_id: str = Field(default="", max_length=32)
    bot_user_id: str = Field(default="", max_length=32)
    bot_scopes: str = Field(default="", max_length=1000)
    bot_token: str = Field(max_length=400)
    bot_refresh_token: str | None = Field(default=None, max_length=400)
    bot_token_expires_at: datetime | None = None
    installed_at: datetime
    updated_at: datetime


class SlackOrgTeam(SQLModel, table=True):
    """A workspace of an Enterprise Grid org that Cobot was installed in org-wide: its messages go out with the org's
    token. Learnt from the requests the workspace sends (they name both the team and the enterprise)."""

    __tablename__ = "slack_org_team"

    team_id: str = Field(primary_key=True, max_length=32)
    enterprise_id: str = Field(max_length=32)
    seen_at: datetime


class SlackOAuthState(SQLModel, table=True):
    """The ``state`` of an install begun on ``/slack/install``: the redirect back from Slack must bring it, once,
    before it expires."""

    __tablename__ = "slack_oauth_state"
    __table_args__ = (sa.UniqueConstraint("state", name="uq_slack_oauth_state_state"),)

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(max_length=64)
    expires_at: datetime
