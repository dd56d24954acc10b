"""Scenario tests for the guest's language, chosen by the owner: `/cocreate guest … lang:da` (Danish `sprog:`)
makes the guest a Danish reader whatever the owner's language, and the invitation that reaches the test SMTP server
is in Danish; a language Cobot does not speak is a usage hint, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from factories import row_counts
from smtp_server import Server, StartServer
from sqlmodel import Session, col, select

from harness import SlackScenario
from storage.models import Member

OWNER = "U0OWNER"


@pytest.fixture
def server(smtp_server: StartServer) -> Server:
    return smtp_server()


@pytest.fixture
def mail_slack(make_slack: Callable[..., SlackScenario], server: Server) -> SlackScenario:
    return make_slack(
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": "https://cobot.example.com"}
    )


def _guests(scenario: SlackScenario) -> list[Member]:
    with Session(scenario.engine) as session:
        return list(session.exec(select(Member).where(col(Member.is_guest)).order_by(col(Member.id))).all())


def test_an_english_owner_invites_a_danish_guest_who_gets_the_invitation_in_danish(
    mail_slack: SlackScenario, server: Server
) -> None:
    number = mail_slack.create(user=OWNER)

    reply = mail_slack.command_reply(f'guest {number} anne@example.com name:"Anne Holm" lang:da', user=OWNER)
    mail_slack.settle()

    assert f"Invited Anne Holm (guest) to #{number}" in reply  # the owner is answered in their own language
    [guest] = _guests(mail_slack)
    assert guest.language == "da"
    [mail] = server.recorder.received
    message = mail.message()
    assert mail.rcpt_tos == ["anne@example.com"]
    body = message.get_body(("plain",))
    assert body is not None and "Hej Anne Holm" in body.get_content()


def test_sprog_is_the_danish_name_of_the_option_and_inviting_again_changes_the_language(
    mail_slack: SlackScenario,
) -> None:
    number = mail_slack.create(user=OWNER)
    mail_slack.command_reply(f"guest {number} anne@example.com sprog:dansk", user=OWNER)
    assert [g.language for g in _guests(mail_slack)] == ["da"]

    reply = mail_slack.command_reply(f"guest {number} anne@example.com lang:en", user=OWNER)

    assert "is already on" in reply
    assert [g.language for g in _guests(mail_slack)] == ["en"]


def test_without_lang_the_guest_reads_the_owners_language(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER)
    mail_slack.command_reply("language da", user=OWNER)
    mail_slack.command_reply(f"guest {number} anne@example.com", user=OWNER)
    assert [g.language for g in _guests(mail_slack)] == ["da"]


@pytest.mark.parametrize("option", ["lang:de", "sprog:klingon", "lang:"])
def test_an_unknown_language_gets_a_usage_hint_and_nothing_is_written(mail_slack: SlackScenario, option: str) -> None:
    number = mail_slack.create(user=OWNER)
    before = row_counts(mail_slack.engine)

    reply = mail_slack.command_reply(f"guest {number} anne@example.com {option}", user=OWNER)

    assert "is not a language I write in. Give the guest's language as `lang:da` (Danish) or `lang:en`" in reply
    assert row_counts(mail_slack.engine) == before


def test_help_and_usage_name_the_language_option(mail_slack: SlackScenario) -> None:
    assert "[lang:da|en]" in mail_slack.command_reply("help")
    assert "`lang:da` or `lang:en`" in mail_slack.command_reply("guest")
