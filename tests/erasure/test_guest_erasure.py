"""Unit tests for a guest erasing their own data from their page (``handlers.erasure.erase_myself``), on a real
migrated database: their links stop working, their address and name are gone, their place without a draft goes to
the next in line, the owner is told a guest erased their data without being told who, nothing is ever sent to them
again, and a draft they handed in stays on the card as "a former contributor"'s. A colleague cannot use it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from erasure_support import MAIL, everything_queued, hand_in_and_approve, invite, member, member_by_id, to_user, unsent
from factories import NOW, OWNER, posted_request, row_counts, run_as, snapshot, volunteer
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.slack.blocks import request_card
from handlers import texts
from handlers.context import Ctx
from handlers.erasure import erase_myself
from handlers.guests import link_for_email, resolve_link
from handlers.results import UserFacingError
from storage.db import transaction
from storage.models import GuestLink, VolunteerState

ADDRESS, NAME = "anne@example.com", "Anne Holm"


def _working_token(engine: Engine) -> str:
    """The token in the guest's e-mail, as the e-mail transport makes it when it sends the invitation."""
    with Session(engine) as session:
        link = session.exec(select(GuestLink)).one()
    link_id = link.id
    assert link_id is not None

    def send(ctx: Ctx) -> str | None:
        return link_for_email(ctx, member_id=link.member_id, request_id=link.request_id, standing_link_id=link_id)

    token = run_as(engine, OWNER, send, policy=MAIL)
    assert token is not None
    return token


def _opens(engine: Engine, token: str) -> GuestLink | None:
    with transaction(engine) as session:
        return resolve_link(session, token, NOW + timedelta(hours=2))


def test_a_guest_erases_their_data_their_link_stops_working_and_the_next_in_line_gets_the_place(
    any_engine: Engine,
) -> None:
    number = posted_request(any_engine, needs=1)
    guest = invite(any_engine, number, email=ADDRESS, name=NAME)
    volunteer(any_engine, "U0BO", number)  # waits in line behind the guest
    token = _working_token(any_engine)
    assert _opens(any_engine, token) is not None
    guest_id = member(any_engine, guest).id
    assert guest_id is not None

    reply = run_as(any_engine, guest, erase_myself, policy=MAIL, now=NOW + timedelta(hours=1))

    assert [text.msgid for text in reply.texts] == [texts.ERASED_YOURSELF] and reply.language == "en"
    assert _opens(any_engine, token) is None
    erased = member_by_id(any_engine, guest_id)
    assert (erased.email, erased.display_name, erased.forgotten_at) == (None, "", NOW + timedelta(hours=1))
    shot = snapshot(any_engine, number)
    assert [p.state for p in shot.places] == [VolunteerState.WITHDRAWN, VolunteerState.ACTIVE]
    assert any("A place opened up" in json.dumps(m.payload) for m in to_user(unsent(any_engine), "U0BO"))
    [told] = [m for m in to_user(unsent(any_engine), OWNER) if "erased" in json.dumps(m.payload)]
    assert told.payload["notice"]["text"]["msgid"] == texts.GUEST_ERASED_PLACE_FREED
    # Nothing left in the outbox names the guest, by address, name or id; nothing waits to be sent to them.
    everything = json.dumps([m.payload for m in everything_queued(any_engine)], ensure_ascii=False)
    assert ADDRESS not in everything and NAME not in everything and guest not in everything
    assert not [m for m in unsent(any_engine) if m.kind == "guest_invitation"]


def test_a_draft_the_guest_handed_in_stays_on_the_card_credited_to_a_former_contributor(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    guest = invite(engine, number, email=ADDRESS, name=NAME)
    hand_in_and_approve(engine, guest, number)

    run_as(engine, guest, erase_myself, policy=MAIL)

    shot = snapshot(engine, number)
    assert [(p.state, p.review_state.value) for p in shot.places] == [(VolunteerState.ACTIVE, "approved")]
    assert len(shot.drafts) == 1
    card = json.dumps(request_card(shot.card), ensure_ascii=False)
    assert "a former contributor ✅" in card and NAME not in card and "(guest)" not in card
    [told] = [m for m in to_user(unsent(engine), OWNER) if "erased" in json.dumps(m.payload)]
    assert told.payload["notice"]["text"]["msgid"] == texts.GUEST_ERASED


def test_a_colleague_cannot_erase_themselves_from_a_guests_page_and_nothing_changes(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, "U0BO", number)
    before = row_counts(engine)

    with pytest.raises(UserFacingError) as refused:
        run_as(engine, "U0BO", erase_myself, policy=MAIL)

    assert refused.value.text.msgid == texts.ERASE_ONLY_GUESTS
    assert row_counts(engine) == before and member(engine, "U0BO").forgotten_at is None
