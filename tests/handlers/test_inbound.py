"""The platform-neutral meaning of inbound events (``handlers.inbound``), called directly on a real migrated SQLite
database: a ✋ on a card volunteers and taking it back withdraws, a link in a card's thread becomes a draft, a
redelivered event acts once, events that concern no request leave no row behind, and the sender's answer is in the
outbox exactly when the change it answers was committed."""

from __future__ import annotations

import pytest
from factories import CHANNEL, NOW, OWNER, ctx_for, outbox, posted_request, row_counts, run_as, snapshot, volunteer
from sqlalchemy import Engine

from handlers import inbound, texts
from handlers.context import Ctx
from handlers.drafts import DraftContent
from handlers.messages import Ephemeral
from handlers.requests import close_request
from handlers.results import Reply
from storage import queries
from storage.db import transaction
from storage.models import VolunteerState

ANNA, BO = "U0ANNA", "U0BO"
CARD_TS = "1700000000.000100"


def posted_card(engine: Engine, **fields: object) -> int:
    """A request whose card is posted in ``CHANNEL`` at ``CARD_TS``; returns its number."""
    number = posted_request(engine, **fields)  # type: ignore[arg-type]
    with transaction(engine) as session:
        ctx = ctx_for(session, OWNER)
        request = queries.get_request_by_number(session=session, workspace_id=ctx.workspace_id, number=number)
        assert request is not None and request.id is not None
        queries.set_card_message(session=session, request_id=request.id, channel_id=CHANNEL, ts=CARD_TS)
    return number


def react(
    engine: Engine,
    user: str,
    *,
    event_id: str | None,
    adding: bool = True,
    message_id: str = CARD_TS,
    answer_here: bool = True,
) -> Reply:
    return run_as(
        engine,
        user,
        lambda ctx: inbound.reaction(
            ctx,
            event_id=event_id,
            channel_id=CHANNEL,
            message_id=message_id,
            adding=adding,
            reply_to=Ephemeral(CHANNEL, user) if answer_here else None,
        ),
    )


def reply_in_thread(engine: Engine, user: str, text: str, *, event_id: str | None, root_id: str = CARD_TS) -> Reply:
    return run_as(
        engine,
        user,
        lambda ctx: inbound.thread_reply(
            ctx,
            event_id=event_id,
            channel_id=CHANNEL,
            root_id=root_id,
            content=DraftContent(text=text),
            reply_to=Ephemeral(CHANNEL, user),
        ),
    )


def answers(engine: Engine, user: str) -> list[str]:
    """The message ids of the answers queued for ``user`` as ephemeral messages in ``CHANNEL``, oldest first."""
    to = Ephemeral(CHANNEL, user).to_json()
    return [text["msgid"] for m in outbox(engine, kind="reply") if m.payload["to"] == to for text in m.payload["texts"]]


def places(engine: Engine, number: int) -> list[tuple[int, VolunteerState, str]]:
    return [(p.member_id, p.state, p.via) for p in snapshot(engine, number).places]


def test_a_raised_hand_on_a_card_volunteers_and_the_answer_is_queued_with_it(engine: Engine) -> None:
    number = posted_card(engine)

    reply = react(engine, ANNA, event_id="Ev1")

    assert reply.texts == ()  # queued for the adapter's address instead
    [(_, state, via)] = places(engine, number)
    assert (state, via) == (VolunteerState.ACTIVE, "reaction")
    assert answers(engine, ANNA) == [texts.VOLUNTEERED]


def test_the_same_event_twice_acts_once_and_answers_once(engine: Engine) -> None:
    number = posted_card(engine)

    react(engine, ANNA, event_id="Ev1")
    counts = row_counts(engine)
    again = react(engine, ANNA, event_id="Ev1")

    assert again.texts == ()
    assert row_counts(engine) == counts  # no second place, no second answer, no "already volunteered"
    assert len(places(engine, number)) == 1
    assert answers(engine, ANNA) == [texts.VOLUNTEERED]


def test_a_raised_hand_on_a_message_that_is_not_a_card_leaves_no_trace(engine: Engine) -> None:
    posted_card(engine)
    before = row_counts(engine)

    reply = react(engine, BO, event_id="Ev9", message_id="1700000999.000100")
    removed = react(engine, BO, event_id="Ev10", message_id="1700000999.000100", adding=False)

    assert reply.texts == () and removed.texts == ()
    assert row_counts(engine) == before  # no member row for Bo, no profile look-up, no event record
    with transaction(engine) as session:
        workspace = queries.get_or_create_workspace(session=session, platform="slack", external_id="T1", now=NOW)
        assert workspace.id is not None
        assert queries.record_event_once(session=session, workspace_id=workspace.id, event_id="Ev9", now=NOW)


def test_a_refused_change_queues_the_refusal_and_keeps_the_event(engine: Engine) -> None:
    number = posted_card(engine)
    volunteer(engine, ANNA, number)  # by command, so the ✋ is refused
    before = places(engine, number)

    reply = react(engine, ANNA, event_id="Ev2")
    retry = react(engine, ANNA, event_id="Ev2")

    assert reply.texts == () and retry.texts == ()
    assert places(engine, number) == before
    assert answers(engine, ANNA) == [texts.ALREADY_VOLUNTEERED]  # once: the retry queues nothing new


def test_without_an_address_the_answer_is_returned_and_nothing_is_queued(engine: Engine) -> None:
    number = posted_card(engine)
    volunteer(engine, ANNA, number)

    refusal = react(engine, ANNA, event_id="Ev3", answer_here=False)
    waiting = react(engine, BO, event_id="Ev4", answer_here=False)

    assert refusal.refusal and [text.msgid for text in refusal.texts] == [texts.ALREADY_VOLUNTEERED]
    assert [text.msgid for text in waiting.texts] == [texts.WAITLISTED]
    assert waiting.language == "en"
    assert outbox(engine, kind="reply") == []


def test_the_answer_is_lost_with_the_change_when_its_transaction_fails(engine: Engine) -> None:
    number = posted_card(engine)

    def react_then_fail(ctx: Ctx) -> Reply:
        inbound.reaction(
            ctx, event_id="Ev5", channel_id=CHANNEL, message_id=CARD_TS, adding=True, reply_to=Ephemeral(CHANNEL, ANNA)
        )
        raise RuntimeError("the database went away before the commit")

    with pytest.raises(RuntimeError):
        run_as(engine, ANNA, react_then_fail)

    assert places(engine, number) == []
    assert answers(engine, ANNA) == []
    react(engine, ANNA, event_id="Ev5")  # Slack's retry of that event now takes effect
    assert len(places(engine, number)) == 1
    assert answers(engine, ANNA) == [texts.VOLUNTEERED]


def test_taking_the_hand_back_withdraws(engine: Engine) -> None:
    number = posted_card(engine)
    react(engine, ANNA, event_id="Ev6")

    react(engine, ANNA, event_id="Ev7", adding=False)

    [(_, state, _)] = places(engine, number)
    assert state is VolunteerState.WITHDRAWN
    assert answers(engine, ANNA) == [texts.VOLUNTEERED, texts.WITHDRAWN]


def test_a_link_in_the_cards_thread_becomes_a_draft_once(engine: Engine) -> None:
    number = posted_card(engine)
    react(engine, ANNA, event_id="Ev1")

    for _ in range(2):
        assert reply_in_thread(engine, ANNA, "Here: https://docs.example.com/d/42", event_id="Ev8").texts == ()

    [draft] = snapshot(engine, number).drafts
    assert (draft.version, draft.url, draft.source) == (1, "https://docs.example.com/d/42", "thread")
    assert answers(engine, ANNA) == [texts.VOLUNTEERED]  # the confirmation goes to the thread, not to Anna alone


def test_chatter_and_links_that_are_not_drafts_leave_no_trace(engine: Engine) -> None:
    number = posted_card(engine)
    before = row_counts(engine)

    reply_in_thread(engine, BO, "Great idea!", event_id="Ev11")
    reply_in_thread(engine, BO, "Related: https://example.com/seo", event_id="Ev12")  # Bo holds no place
    reply_in_thread(engine, BO, "Minutes: https://example.com/m", event_id="Ev13", root_id="1700000999.000100")

    assert row_counts(engine) == before
    assert snapshot(engine, number).drafts == []


def test_a_draft_for_a_closed_request_is_refused_to_the_sender(engine: Engine) -> None:
    number = posted_card(engine)
    react(engine, ANNA, event_id="Ev1")
    run_as(engine, OWNER, lambda ctx: close_request(ctx, number=number))

    reply_in_thread(engine, ANNA, "https://docs.example.com/late", event_id="Ev14")

    assert snapshot(engine, number).drafts == []
    assert answers(engine, ANNA) == [texts.VOLUNTEERED, texts.REQUEST_NOT_OPEN]
