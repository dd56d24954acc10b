"""Drafts and reviews, with the handlers called directly on a real migrated database: versions, links, texts and
files, who may hand in and who may review, stale buttons, when a request counts as approved, and what the card
and the outbox show at each step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from factories import (
    OWNER,
    notices_to,
    outbox,
    posted_request,
    row_counts,
    run_as,
    snapshot,
    submit,
    volunteer,
    withdraw,
)
from sqlalchemy import Engine

from handlers import texts
from handlers.commands import parse_command, run_command
from handlers.context import Ctx, Policy
from handlers.drafts import DraftContent, submit_draft
from handlers.requests import close_request
from handlers.results import ActionKind, Notice, Reply, Text, UserFacingError, UserRef
from handlers.review import approve_draft, draft_request_number, request_changes
from handlers.volunteering import volunteer_for_request
from storage.models import RequestStatus, ReviewState

ANNA, BO, CARL = "U0ANNA", "U0BO", "U0CARL"
ADMIN = "U0ADMIN"
ADMINS = Policy(admins=frozenset({ADMIN}))


def refused(engine: Engine, user_id: str, action: Callable[[Ctx], object], *, policy: Policy | None = None) -> Text:
    with pytest.raises(UserFacingError) as caught:
        run_as(engine, user_id, action, policy=policy)
    return caught.value.text


def hand_in(number: int, content: DraftContent, *, source: str = "command") -> Callable[[Ctx], Reply]:
    return lambda ctx: submit_draft(ctx, number=number, content=content, source=source)


def approve(number: int, user_id: str, draft_id: int | None = None) -> Callable[[Ctx], Reply]:
    return lambda ctx: approve_draft(ctx, number=number, user_id=user_id, draft_id=draft_id)


def changes(number: int, user_id: str, feedback: str, draft_id: int | None = None) -> Callable[[Ctx], Reply]:
    return lambda ctx: request_changes(ctx, number=number, user_id=user_id, feedback=feedback, draft_id=draft_id)


def owner_notices(engine: Engine, msgid: str) -> list[Notice]:
    return [
        n for n in (Notice.from_json(m.payload["notice"]) for m in notices_to(engine, OWNER)) if n.text.msgid == msgid
    ]


def holder_states(engine: Engine, number: int) -> dict[str, ReviewState]:
    return {h.user_id: h.review_state for h in snapshot(engine, number).card.holders}


# --- handing in ---------------------------------------------------------------------------------------------


def test_each_draft_is_a_new_version_and_the_owner_gets_it_with_review_buttons(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    replies = [submit(engine, ANNA, number, f"https://docs.example.com/v{v}") for v in (1, 2, 3)]
    assert [r.texts[0].params["version"] for r in replies] == [1, 2, 3]
    assert replies[0].texts[0].msgid == texts.DRAFT_RECEIVED
    assert replies[0].texts[0].params["owner"] == UserRef(OWNER)

    drafts = snapshot(engine, number).drafts
    assert [(d.version, d.url) for d in drafts] == [(v, f"https://docs.example.com/v{v}") for v in (1, 2, 3)]
    rows = notices_to(engine, OWNER)
    assert [m.dedupe_key.split(":", 2)[2] for m in rows] == [f"draft:{d.id}:owner" for d in drafts]
    last = Notice.from_json(rows[-1].payload["notice"])
    assert last.text.msgid == texts.NEW_DRAFT_FOR_OWNER
    assert (last.text.params["user"], last.text.params["version"]) == (UserRef(ANNA), 3)
    assert last.link == "https://docs.example.com/v3"
    assert [(a.kind, a.value) for a in last.actions] == [
        (ActionKind.APPROVE_DRAFT, str(drafts[-1].id)),
        (ActionKind.REQUEST_CHANGES, str(drafts[-1].id)),
    ]
    assert holder_states(engine, number) == {ANNA: ReviewState.SUBMITTED}


@pytest.mark.parametrize(
    ("content", "url", "text", "file"),
    [
        (DraftContent("https://docs.example.com/d"), "https://docs.example.com/d", None, None),
        (DraftContent("  https://docs.example.com/d.  "), "https://docs.example.com/d", None, None),
        (
            DraftContent("Here it is: https://docs.example.com/d, enjoy"),
            "https://docs.example.com/d",
            "Here it is: https://docs.example.com/d, enjoy",
            None,
        ),
        (DraftContent("Ten tips:\n1. Write <title> & meta"), None, "Ten tips:\n1. Write <title> & meta", None),
        (DraftContent("", file_id="F123", file_name="draft.docx"), None, None, ("F123", "draft.docx")),
        (
            DraftContent("see attached", file_id="F123", file_name="draft.docx"),
            None,
            "see attached",
            ("F123", "draft.docx"),
        ),
    ],
    ids=["link", "link with trailing dot", "text with a link", "text", "file", "file with a comment"],
)
def test_links_texts_and_files_are_kept_as_what_they_are(
    engine: Engine, content: DraftContent, url: str | None, text: str | None, file: tuple[str, str] | None
) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    run_as(engine, ANNA, hand_in(number, content))
    (draft,) = snapshot(engine, number).drafts
    assert (draft.url, draft.text) == (url, text)
    assert (draft.file_id, draft.file_name) == (file or (None, None))
    (notice,) = owner_notices(engine, texts.NEW_DRAFT_FOR_OWNER)
    assert (notice.link, notice.quote) == (url, text)


def test_a_draft_from_the_thread_is_confirmed_in_the_thread(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    run_as(engine, ANNA, hand_in(number, DraftContent("https://docs.example.com/d"), source="thread"))
    request = snapshot(engine, number).request
    (draft,) = snapshot(engine, number).drafts
    (thread,) = [m for m in outbox(engine, kind="notice") if m.payload["to"] == {"thread": request.id}]
    assert thread.dedupe_key.endswith(f":draft:{draft.id}:thread")
    notice = Notice.from_json(thread.payload["notice"])
    assert notice.text.msgid == texts.DRAFT_IN_THREAD
    assert notice.text.params["owner"] == UserRef(OWNER)
    assert draft.source == "thread"


@pytest.mark.parametrize(
    ("content", "msgid"),
    [
        (DraftContent("   "), texts.EMPTY_DRAFT),
        (DraftContent("x" * 2801), texts.DRAFT_TOO_LONG),
    ],
    ids=["blank", "2801 characters"],
)
def test_an_empty_or_huge_draft_is_refused(engine: Engine, content: DraftContent, msgid: str) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    before = row_counts(engine)
    assert refused(engine, ANNA, hand_in(number, content)).msgid == msgid
    assert row_counts(engine) == before


def test_only_someone_holding_a_place_may_hand_in(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    volunteer(engine, BO, number)
    draft = DraftContent("https://docs.example.com/d")
    assert refused(engine, BO, hand_in(number, draft)).msgid == texts.NOT_HOLDING_PLACE
    assert refused(engine, CARL, hand_in(number, draft)).msgid == texts.NOT_A_VOLUNTEER
    assert refused(engine, CARL, hand_in(99, draft)).msgid == texts.REQUEST_NOT_FOUND
    assert snapshot(engine, number).drafts == []
    withdraw(engine, ANNA, number)  # BO moves up and may now hand in
    assert run_as(engine, BO, hand_in(number, draft)).texts[0].msgid == texts.DRAFT_RECEIVED


# --- reviewing ----------------------------------------------------------------------------------------------


def test_only_the_owner_or_an_admin_reviews(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    volunteer(engine, ANNA, number)
    volunteer(engine, BO, number)
    submit(engine, ANNA, number)
    submit(engine, BO, number)
    text = refused(engine, BO, approve(number, ANNA))
    assert (text.msgid, text.params["owner"]) == (texts.ONLY_OWNER_APPROVE, UserRef(OWNER))
    assert refused(engine, BO, changes(number, ANNA, "Shorter please")).msgid == texts.ONLY_OWNER_CHANGES
    assert holder_states(engine, number)[ANNA] is ReviewState.SUBMITTED

    reply = run_as(engine, ADMIN, approve(number, ANNA), policy=ADMINS)
    assert reply.texts[0].msgid == texts.APPROVED_CONFIRM
    assert holder_states(engine, number)[ANNA] is ReviewState.APPROVED
    (told,) = notices_to(engine, ANNA)
    assert Notice.from_json(told.payload["notice"]).text.params["owner"] == UserRef(ADMIN)


def test_nobody_reviews_their_own_draft_not_even_an_admin(engine: Engine) -> None:
    number = posted_request(engine, owner=ADMIN, policy=ADMINS, needs=2)
    volunteer(engine, ADMIN, number)
    submit(engine, ADMIN, number)
    assert refused(engine, ADMIN, approve(number, ADMIN), policy=ADMINS).msgid == texts.NO_SELF_APPROVAL
    assert refused(engine, ADMIN, changes(number, ADMIN, "meh"), policy=ADMINS).msgid == texts.NO_SELF_APPROVAL
    assert holder_states(engine, number)[ADMIN] is ReviewState.SUBMITTED


def test_a_button_on_an_older_version_is_refused_once_a_newer_one_came_in(engine: Engine) -> None:
    number = posted_request(engine, needs=2)  # stays open after one approval, so a second click reaches the draft
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number, "https://docs.example.com/v1")
    submit(engine, ANNA, number, "https://docs.example.com/v2")
    first, second = (d.id for d in snapshot(engine, number).drafts)
    assert first is not None
    assert second is not None
    assert run_as(engine, OWNER, lambda ctx: draft_request_number(ctx, draft_id=first)) == (number, ANNA)
    assert refused(engine, OWNER, approve(number, ANNA, draft_id=first)).msgid == texts.ALREADY_REVIEWED
    assert refused(engine, OWNER, changes(number, ANNA, "x", draft_id=first)).msgid == texts.ALREADY_REVIEWED
    assert holder_states(engine, number)[ANNA] is ReviewState.SUBMITTED
    assert run_as(engine, OWNER, approve(number, ANNA, draft_id=second)).texts[0].params["version"] == 2
    assert refused(engine, OWNER, approve(number, ANNA, draft_id=second)).msgid == texts.ALREADY_APPROVED
    assert refused(engine, OWNER, lambda ctx: draft_request_number(ctx, draft_id=999)).msgid == texts.DRAFT_NOT_FOUND


def test_asking_for_changes_sends_the_feedback_and_a_new_version_goes_back_to_review(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    submit(engine, ANNA, number)
    missing = refused(engine, OWNER, changes(number, ANNA, "   "))
    assert missing.msgid == texts.FEEDBACK_MISSING
    assert refused(engine, OWNER, changes(number, ANNA, "x" * 2801)).msgid == texts.FEEDBACK_TOO_LONG

    reply = run_as(engine, OWNER, changes(number, ANNA, "  Add an example <please> & a link  "))
    assert reply.texts[0].msgid == texts.CHANGES_CONFIRM
    assert holder_states(engine, number)[ANNA] is ReviewState.CHANGES_REQUESTED
    (told,) = notices_to(engine, ANNA)
    notice = Notice.from_json(told.payload["notice"])
    assert (notice.text.msgid, notice.quote) == (texts.CHANGES_NOTICE, "Add an example <please> & a link")

    submit(engine, ANNA, number, "https://docs.example.com/v2")
    assert holder_states(engine, number)[ANNA] is ReviewState.SUBMITTED
    assert run_as(engine, OWNER, approve(number, ANNA)).texts[0].params["version"] == 2


def test_review_refuses_people_without_a_place_or_a_draft(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    volunteer(engine, BO, number)  # waits in line
    no_draft = refused(engine, OWNER, approve(number, ANNA))
    assert (no_draft.msgid, no_draft.params["user"]) == (texts.NO_DRAFT_YET, UserRef(ANNA))
    assert refused(engine, OWNER, approve(number, BO)).msgid == texts.VOLUNTEER_NOT_FOUND
    assert refused(engine, OWNER, approve(number, "U0STRANGER")).msgid == texts.VOLUNTEER_NOT_FOUND
    submit(engine, ANNA, number)
    run_as(engine, OWNER, lambda ctx: close_request(ctx, number=number))
    closed = refused(engine, OWNER, approve(number, ANNA))
    assert closed.msgid == texts.REQUEST_NOT_OPEN
    assert refused(engine, ANNA, hand_in(number, DraftContent("https://x.example/d"))).msgid == texts.REQUEST_NOT_OPEN


# --- when a request is done ---------------------------------------------------------------------------------


def test_a_request_is_approved_only_when_every_place_holds_an_approved_draft(any_engine: Engine) -> None:
    number = posted_request(any_engine, needs=2)
    volunteer(any_engine, ANNA, number)
    submit(any_engine, ANNA, number)
    run_as(any_engine, OWNER, approve(number, ANNA))
    assert snapshot(any_engine, number).request.status is RequestStatus.OPEN, "one of two places is still empty"
    assert owner_notices(any_engine, texts.REQUEST_APPROVED_NOTICE) == []

    volunteer(any_engine, BO, number)
    submit(any_engine, BO, number)
    assert snapshot(any_engine, number).request.status is RequestStatus.OPEN, "BO's draft is not reviewed yet"
    run_as(any_engine, OWNER, approve(number, BO))

    shot = snapshot(any_engine, number)
    assert shot.request.status is RequestStatus.APPROVED
    assert shot.card.status is RequestStatus.APPROVED
    (done,) = owner_notices(any_engine, texts.REQUEST_APPROVED_NOTICE)
    assert done.text.params["number"] == number
    (row,) = [m for m in notices_to(any_engine, OWNER) if m.dedupe_key.endswith(f"request:{shot.request.id}:approved")]
    assert row.request_id == shot.request.id
    # An approved request takes no more volunteers.
    assert refused(any_engine, CARL, lambda ctx: _join(ctx, number)).msgid == texts.REQUEST_NOT_OPEN


def _join(ctx: Ctx, number: int) -> Reply:
    return volunteer_for_request(ctx, number=number)


def test_a_request_with_parts_waits_for_every_part(engine: Engine) -> None:
    number = posted_request(engine, parts=("Intro", "Tips"))
    volunteer(engine, ANNA, number, "1")
    submit(engine, ANNA, number)
    run_as(engine, OWNER, approve(number, ANNA))
    assert snapshot(engine, number).request.status is RequestStatus.OPEN
    volunteer(engine, BO, number, "2")
    submit(engine, BO, number)
    run_as(engine, OWNER, approve(number, BO))
    assert snapshot(engine, number).request.status is RequestStatus.APPROVED


# --- the card -----------------------------------------------------------------------------------------------


def test_the_card_shows_who_holds_a_place_who_waits_and_where_each_draft_stands(engine: Engine) -> None:
    number = posted_request(engine, needs=3, parts=())
    for user in (ANNA, BO, CARL, "U0DINA"):
        volunteer(engine, user, number)
    submit(engine, ANNA, number)
    submit(engine, BO, number)
    run_as(engine, OWNER, approve(number, ANNA))
    run_as(engine, OWNER, changes(number, BO, "More examples"))

    card = snapshot(engine, number).card
    assert [(h.user_id, h.review_state) for h in card.holders] == [
        (ANNA, ReviewState.APPROVED),
        (BO, ReviewState.CHANGES_REQUESTED),
        (CARL, ReviewState.NO_DRAFT),
    ]
    assert card.waiting == ("U0DINA",)
    assert (card.volunteer_count, card.waiting_count, card.needed) == (3, 1, 3)
    assert card.is_open


def test_review_by_command_resolves_mentions_and_known_names(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    run_as(engine, ANNA, lambda ctx: _join(ctx, number), display_name="anna")
    volunteer(engine, BO, number)
    submit(engine, ANNA, number)
    submit(engine, BO, number)

    def command(text: str) -> Callable[[Ctx], Reply]:
        return lambda ctx: run_command(ctx, parse_command(text, today=ctx.today()))

    assert run_as(engine, OWNER, command(f"approve #{number} <@{BO}|bo>")).texts[0].msgid == texts.APPROVED_CONFIRM
    unknown = refused(engine, OWNER, command(f"approve {number} @nobody"))
    assert (unknown.msgid, unknown.params["value"]) == (texts.NOT_A_MENTION, "@nobody")
    reply = run_as(engine, OWNER, command(f"changes {number} @Anna Please add &lt;h2&gt; headings"))
    assert reply.texts[0].params["user"] == UserRef(ANNA)
    (told,) = notices_to(engine, ANNA)
    assert Notice.from_json(told.payload["notice"]).quote == "Please add <h2> headings"
