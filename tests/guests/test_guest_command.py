"""Scenario tests for `/cocreate guest`: signed slash commands through the whole Slack app against the fake Slack
Web API, with the database checked. An owner invites someone outside the company by e-mail; the guest takes a place
like any volunteer (parts, waiting line), gets a link whose token is stored nowhere, and the card names them
"Anne Holm (guest)" without mentioning anyone. Refusals (bad address, not the owner, no e-mail set up) change
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from factories import row_counts
from smtp_server import StartServer
from sqlmodel import Session, col, select

from harness import SlackScenario
from storage.models import GuestLink, Member, OutboxMessage, Volunteer, VolunteerState
from storage.trace import TRACE_KEY

OWNER = "U0OWNER"


@pytest.fixture
def mail_env(smtp_server: StartServer) -> dict[str, str]:
    """E-mail set up: a real SMTP server on loopback, and the public address guests' links are built on."""
    server = smtp_server()
    return {"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": "https://cobot.example.com"}


@pytest.fixture
def mail_slack(make_slack: Callable[..., SlackScenario], mail_env: dict[str, str]) -> SlackScenario:
    return make_slack(environment=mail_env)


def _guests(scenario: SlackScenario) -> list[Member]:
    with Session(scenario.engine) as session:
        return list(session.exec(select(Member).where(col(Member.is_guest)).order_by(col(Member.id))).all())


def _places(scenario: SlackScenario, member_id: int) -> list[Volunteer]:
    with Session(scenario.engine) as session:
        return list(session.exec(select(Volunteer).where(Volunteer.member_id == member_id)).all())


def _links(scenario: SlackScenario) -> list[GuestLink]:
    with Session(scenario.engine) as session:
        return list(session.exec(select(GuestLink).order_by(col(GuestLink.id))).all())


def _invitations(scenario: SlackScenario) -> list[OutboxMessage]:
    with Session(scenario.engine) as session:
        return list(
            session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == "guest_invitation").order_by(col(OutboxMessage.id))
            ).all()
        )


def _card_text(card: dict[str, Any]) -> str:
    return str(card)


def test_owner_invites_a_guest_to_a_part_and_the_card_names_them_without_a_mention(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(extra='parts:"Intro; Tips"')

    reply = mail_slack.command_reply(
        f'guest {number} <mailto:Anne.Holm@Example.COM|Anne.Holm@Example.COM> 2 name:"Anne Holm"', user=OWNER
    )
    mail_slack.settle()

    assert f"Invited Anne Holm (guest) to part 2 *Tips* of #{number}" in reply
    assert "Anne.Holm@example.com gets a personal link by e-mail" in reply
    [guest] = _guests(mail_slack)
    assert guest.user_id.startswith("guest:") and guest.email == "Anne.Holm@example.com"
    assert guest.display_name == "Anne Holm"
    [place] = _places(mail_slack, guest.id or 0)
    assert (place.state, place.via) == (VolunteerState.ACTIVE, "guest")
    standing, sent = _links(mail_slack)  # the invitation's own link, and the one its e-mail carried
    [invitation] = _invitations(mail_slack)
    queued = {key: value for key, value in invitation.payload.items() if key != TRACE_KEY}  # the command's request id
    assert queued == {"link_id": standing.id, "member_id": guest.id, "request_id": standing.request_id}
    assert invitation.sent_at is not None and invitation.failed_at is None
    assert (sent.member_id, sent.request_id) == (standing.member_id, standing.request_id)
    card = _card_text(mail_slack.card(number))
    assert "Anne Holm (guest)" in card
    assert "<@guest:" not in card


def test_a_danish_owner_is_answered_in_danish_and_the_danish_card_says_gaest(
    make_slack: Callable[..., SlackScenario], mail_env: dict[str, str]
) -> None:
    scenario = make_slack(environment=mail_env, behaviour={"languages": {"default": "da"}})
    number = scenario.create(user=OWNER)
    scenario.command_reply("sprog da", user=OWNER)

    reply = scenario.command_reply(f'guest {number} anne@example.com navn:"Anne Holm"', user=OWNER)
    scenario.settle()

    assert f"Anne Holm (gæst) er inviteret til #{number} *Ten SEO tips*." in reply
    assert "anne@example.com får et personligt link på mail" in reply
    card = _card_text(scenario.card(number))
    assert "Anne Holm (gæst)" in card and "<@guest:" not in card


@pytest.mark.parametrize(
    "address",
    ["anne", "anne@example", "anne@example.com,bo@example.com", "Anne Holm", "anne@@example.com"],
)
def test_a_bad_address_gets_a_usage_hint_and_nothing_is_written(mail_slack: SlackScenario, address: str) -> None:
    number = mail_slack.create(user=OWNER)
    before = row_counts(mail_slack.engine)

    reply = mail_slack.command_reply(f"guest {number} {address}", user=OWNER)

    assert "is not an e-mail address. Give one address, e.g. `/cocreate guest 12 anne@example.com`" in reply
    assert row_counts(mail_slack.engine) == before


def test_guest_without_an_address_is_told_how_to_use_it(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER)
    reply = mail_slack.command_reply(f"guest {number}", user=OWNER)
    assert "Name the request and the guest's e-mail address: `/cocreate guest 12 anne@example.com`" in reply


def test_only_the_owner_or_an_admin_invites_a_guest(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER)
    before = row_counts(mail_slack.engine)

    reply = mail_slack.command_reply(f"guest {number} anne@example.com", user="U0ANNA")

    assert (
        f"Only the request's owner (<@{OWNER}>) or an admin can invite someone outside the company to #{number}."
        in reply
    )
    assert row_counts(mail_slack.engine) == before


@pytest.mark.parametrize(
    "environment",
    [{}, {"smtp_url": "smtp://127.0.0.1:2525"}, {"public_url": "https://cobot.example.com"}],
    ids=["neither", "no PUBLIC_URL", "no SMTP_URL"],
)
def test_without_smtp_url_and_public_url_nobody_is_invited_and_the_owner_is_told_why(
    make_slack: Callable[..., SlackScenario], environment: dict[str, str]
) -> None:
    slack = make_slack(environment=environment)
    number = slack.create(user=OWNER)
    before = row_counts(slack.engine)

    reply = slack.command_reply(f"guest {number} anne@example.com", user=OWNER)

    assert "I can't invite anyone from outside yet" in reply
    assert "`SMTP_URL` and `PUBLIC_URL`" in reply
    assert row_counts(slack.engine) == before


def test_a_guest_invited_to_a_full_request_waits_in_line(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER)  # one volunteer wanted
    assert "Thank you!" in mail_slack.command_reply(f"volunteer {number}", user="U0ANNA")

    reply = mail_slack.command_reply(f'guest {number} anne@example.com name:"Anne Holm"', user=OWNER)
    mail_slack.settle()

    assert f"#{number} is full right now, so Anne Holm (guest) is number 1 in line." in reply
    [guest] = _guests(mail_slack)
    [place] = _places(mail_slack, guest.id or 0)
    assert place.state is VolunteerState.WAITLISTED
    assert len(_invitations(mail_slack)) == 1  # the link goes out; it is of use once a place opens
    card = _card_text(mail_slack.card(number))
    assert "⌛ Anne Holm (guest)" in card


def test_the_same_address_twice_is_one_guest_and_inviting_again_replaces_the_link(mail_slack: SlackScenario) -> None:
    first = mail_slack.create(user=OWNER)
    second = mail_slack.create("Another piece", user=OWNER)

    mail_slack.command_reply(f'guest {first} anne@example.com name:"Anne Holm"', user=OWNER)
    mail_slack.command_reply(f"guest {second} ANNE@EXAMPLE.COM", user=OWNER)
    mail_slack.settle()
    again = mail_slack.command_reply(f"guest {first} anne@example.com", user=OWNER)
    mail_slack.settle()

    [guest] = _guests(mail_slack)
    assert guest.display_name == "Anne Holm"
    assert len(_places(mail_slack, guest.id or 0)) == 2
    assert f"Anne Holm (guest) is already on #{first}. I'm sending a new link to anne@example.com" in again
    invitations = _invitations(mail_slack)
    assert len(invitations) == 3
    standing_ids = {invitation.payload["link_id"] for invitation in invitations}
    links = _links(mail_slack)
    standing = [link for link in links if link.id in standing_ids]
    first_request_links = [link for link in standing if link.request_id == links[0].request_id]
    assert [link.revoked_at is None for link in first_request_links] == [False, True]
    # Asked again, the first e-mail's link ends with the first invitation; the new e-mail's works.
    emailed = [link for link in links if link.id not in standing_ids and link.request_id == links[0].request_id]
    assert [link.revoked_at is None for link in emailed] == [False, True]


def test_a_colleague_with_that_address_is_not_made_a_guest(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER)
    with Session(mail_slack.engine) as session:
        owner = session.exec(select(Member).where(Member.user_id == OWNER)).one()
        owner.email = "mette@example.com"
        session.add(owner)
        session.commit()
    before = row_counts(mail_slack.engine)

    reply = mail_slack.command_reply(f"guest {number} Mette@example.com", user=OWNER)

    assert f"Mette@example.com belongs to <@{OWNER}>, who is already here and can volunteer themselves." in reply
    assert row_counts(mail_slack.engine) == before


def test_help_lists_the_guest_command(slack: SlackScenario) -> None:
    reply = slack.command_reply("help")
    assert "`/cocreate guest &lt;id&gt; &lt;e-mail&gt; [part name or number]" in reply


def test_a_guest_moved_up_from_the_line_is_not_sent_a_chat_message_and_the_owner_hears_of_no_failure(
    mail_slack: SlackScenario,
) -> None:
    number = mail_slack.create(user=OWNER)
    mail_slack.command_reply(f"volunteer {number}", user="U0ANNA")
    mail_slack.command_reply(f'guest {number} anne@example.com name:"Anne Holm"', user=OWNER)
    mail_slack.settle()
    before = len(mail_slack.fake.calls)

    assert "stepped back" in mail_slack.command_reply(f"withdraw {number}", user="U0ANNA")
    mail_slack.settle()

    [guest] = _guests(mail_slack)
    [place] = _places(mail_slack, guest.id or 0)
    assert place.state is VolunteerState.ACTIVE
    later = mail_slack.fake.calls[before:]
    assert not [call for call in later if "guest:" in str(call)]
    assert not [call for call in later if call.method == "chat.postMessage" and call.params.get("channel") == OWNER]
    card = _card_text(mail_slack.card(number))
    assert "Anne Holm (guest) ⏳" in card
