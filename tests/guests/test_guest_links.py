"""Unit tests for guests' links, with the handlers called directly on a real migrated database: only a token's hash
is stored, tokens carry at least 128 bits, a wrong, expired, revoked or never-opened token opens nothing (all alike),
each e-mail gets a link of its own while the guest's standing lasts, and closing the request ends its links."""

from __future__ import annotations

import base64
from datetime import timedelta

from factories import NOW, OWNER, ctx_for, posted_request, run_as
from sqlalchemy import Engine
from sqlmodel import Session, select

from handlers.context import Ctx, Policy
from handlers.guests import hash_token, invite_guest, issue_link, link_for_email, resolve_link, revoke_links
from handlers.requests import close_request
from storage import queries
from storage.db import transaction
from storage.models import GuestLink

MAIL = Policy(email_configured=True)


def _invite(engine: Engine, number: int, email: str = "anne@example.com") -> GuestLink:
    run_as(engine, OWNER, lambda ctx: invite_guest(ctx, number=number, email=email, name="Anne Holm"), policy=MAIL)
    with Session(engine) as session:
        return list(session.exec(select(GuestLink)).all())[-1]


def _sent_token(engine: Engine, link: GuestLink, *, policy: Policy = MAIL, at: timedelta = timedelta(0)) -> str:
    """The token the e-mail transport puts in the guest's e-mail when it sends the invitation."""
    assert link.id is not None
    link_id = link.id

    def send(ctx: Ctx) -> str | None:
        return link_for_email(ctx, member_id=link.member_id, request_id=link.request_id, standing_link_id=link_id)

    token = run_as(engine, OWNER, send, policy=policy, now=NOW + at)
    assert token is not None
    return token


def _opens(engine: Engine, token: str, *, at: timedelta = timedelta(0)) -> GuestLink | None:
    with transaction(engine) as session:
        return resolve_link(session, token, NOW + at, open_within_days=7)


def test_only_the_hash_of_a_token_with_at_least_128_bits_is_stored(engine: Engine) -> None:
    number = posted_request(engine)
    with transaction(engine) as session:
        ctx = ctx_for(session, OWNER, policy=MAIL)
        request = queries.get_request_by_number(session=session, workspace_id=ctx.workspace_id, number=number)
        assert request is not None and request.id is not None
        issued = issue_link(ctx, member_id=ctx.actor_id, request_id=request.id)
        token = issued.token

    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    with Session(engine) as session:
        [stored] = session.exec(select(GuestLink)).all()
    assert stored.token_hash == hash_token(token) and len(stored.token_hash) == 64
    assert token not in repr(stored.model_dump())
    assert stored.expires_at == NOW + timedelta(days=30)


def test_the_invitation_s_own_link_opens_nothing_and_every_e_mail_gets_one_that_does(engine: Engine) -> None:
    link = _invite(engine, posted_request(engine))
    with Session(engine) as session:
        assert session.get(GuestLink, link.id) is not None  # made at invitation, its token thrown away

    token = _sent_token(engine, link)
    opened = _opens(engine, token, at=timedelta(hours=1))

    assert opened is not None and opened.id != link.id
    assert (opened.member_id, opened.request_id) == (link.member_id, link.request_id)
    with Session(engine) as session:
        stored = session.get(GuestLink, opened.id)
        assert stored is not None and stored.last_used_at == NOW + timedelta(hours=1)
    # Sent again (a resend after a crash shows as the same e-mail): either copy the mail client keeps works.
    again = _sent_token(engine, link, at=timedelta(hours=2))
    assert again != token
    assert _opens(engine, token, at=timedelta(hours=3)) is not None
    assert _opens(engine, again, at=timedelta(hours=3)) is not None


def test_wrong_expired_revoked_and_never_opened_tokens_all_open_nothing(engine: Engine) -> None:
    number = posted_request(engine)
    link = _invite(engine, number)
    token = _sent_token(engine, link)

    assert _opens(engine, token[:-1] + ("A" if token[-1] != "A" else "B")) is None  # wrong
    assert _opens(engine, "") is None
    assert _opens(engine, "../../etc/passwd") is None
    assert _opens(engine, token, at=timedelta(days=7)) is None  # never opened within a week

    opened_once = _sent_token(engine, link)
    assert _opens(engine, opened_once, at=timedelta(days=1)) is not None
    assert _opens(engine, opened_once, at=timedelta(days=20)) is not None  # opened before: works for link_days
    assert _opens(engine, opened_once, at=timedelta(days=30)) is None  # expired

    revoked = _sent_token(engine, link)
    run_as(engine, OWNER, lambda ctx: revoke_links(ctx, member_id=link.member_id))
    assert _opens(engine, revoked) is None
    standing = link.id or 0
    nothing = run_as(
        engine,
        OWNER,
        lambda ctx: link_for_email(
            ctx, member_id=link.member_id, request_id=link.request_id, standing_link_id=standing
        ),
    )
    assert nothing is None  # no standing left: nothing to send


def test_link_lifetime_comes_from_the_policy(engine: Engine) -> None:
    link = _invite(engine, posted_request(engine))
    token = _sent_token(engine, link, policy=Policy(email_configured=True, guest_link_days=3))
    assert _opens(engine, token, at=timedelta(days=2)) is not None
    assert _opens(engine, token, at=timedelta(days=3)) is None


def test_closing_a_request_ends_its_guests_links_and_no_other(engine: Engine) -> None:
    closing, staying = posted_request(engine), posted_request(engine, title="Another piece")
    closing_token = _sent_token(engine, _invite(engine, closing))
    staying_token = _sent_token(engine, _invite(engine, staying))

    run_as(engine, OWNER, lambda ctx: close_request(ctx, number=closing))

    assert _opens(engine, closing_token) is None
    assert _opens(engine, staying_token) is not None
