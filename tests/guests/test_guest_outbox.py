"""Unit tests for where a guest's invitation waits: a sender whose transports only chat (Slack, Teams) never claims
it, so it is neither skipped as sent nor given up; a sender with a transport that delivers it (the e-mail layer)
claims it like any other message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from factories import OWNER, MutableClock, outbox, posted_request, run_as
from sqlalchemy import Engine

from bot.runtime.delivery import Transport
from bot.runtime.outbox import OutboxSender
from handlers.context import Policy
from handlers.guests import invite_guest
from handlers.messages import GuestInvitation


@dataclass
class _Delivers:
    delivers: frozenset[str]

    def hold(self, destination: str | None, *, message_id: int, update: bool = False) -> None:
        return None

    def send(self, prepared: Any) -> Any:
        raise AssertionError("not sent in this test")


def _sender(engine: Engine, *kinds: str) -> OutboxSender:
    transport = cast(Transport, _Delivers(frozenset({"card", "notice", *kinds})))
    return OutboxSender(engine=engine, transports={"slack": transport}, clock=MutableClock())


def test_an_invitation_is_claimed_only_by_a_sender_that_can_send_e_mail(engine: Engine) -> None:
    number = posted_request(engine)
    run_as(
        engine,
        OWNER,
        lambda ctx: invite_guest(ctx, number=number, email="anne@example.com"),
        policy=Policy(email_configured=True),
    )
    [invitation] = outbox(engine, kind=GuestInvitation.kind)

    chat_only = {m.id for m in _sender(engine)._claim(50)}
    assert chat_only and invitation.id not in chat_only  # the card was claimed, the e-mail left waiting

    with_mail = {m.id for m in _sender(engine, GuestInvitation.kind)._claim(50)}
    assert invitation.id in with_mail
