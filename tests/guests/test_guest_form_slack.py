"""Scenario tests for the owner's form for a guest on Slack: "Invite someone outside" in the request card's overflow
menu, the modal it opens (``views.open`` on the fake Slack Web API), and its signed ``view_submission``. A good
submission invites exactly as `/cocreate guest` does and the invitation reaches the test SMTP server; bad input is an
error beside the field with nothing written; anyone but the owner, and an installation without e-mail, is refused
before any modal opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from factories import row_counts
from smtp_server import Server, StartServer
from sqlmodel import Session, col, select

from bot.slack import ids
from handlers.guests import GuestField
from harness import SlackScenario, message_text
from storage.models import Member, RequestPart, Volunteer

OWNER = "U0OWNER"
ANNA = "U0ANNA"
BLOCKS = ids.GUEST_BLOCKS


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


def _overflow(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in card["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "overflow"
    ]


def _open(scenario: SlackScenario, number: int, *, user: str = OWNER) -> dict[str, Any]:
    assert scenario.click(ids.INVITE_GUEST, selected=str(number), user=user).status == 200
    [opened] = scenario.fake.wait_for("views.open")
    assert opened.ok
    view: dict[str, Any] = opened.params["view"]
    return view


def _submit(
    scenario: SlackScenario, number: int, *, email: str, name: str = "", language: str = "en", part: str | None = None
) -> Any:
    values: dict[str, dict[str, str | dict[str, Any]]] = {
        BLOCKS[GuestField.EMAIL]: {ids.INPUT: {"type": "email_text_input", "value": email}},
        BLOCKS[GuestField.NAME]: {ids.INPUT: name},
        BLOCKS[GuestField.LANGUAGE]: {
            ids.INPUT: {"type": "static_select", "selected_option": {"value": language}},
        },
    }
    if part is not None:  # the modal has a part menu; "" when nothing was picked (Slack sends null then)
        chosen = {"value": part} if part else None
        values[BLOCKS[GuestField.PART]] = {ids.INPUT: {"type": "static_select", "selected_option": chosen}}
    response = scenario.submit_view(ids.GUEST_VIEW, private_metadata=str(number), values=values, user=OWNER)
    assert response.status == 200
    return response


def test_the_owner_invites_a_guest_from_the_cards_menu_and_the_invitation_arrives_in_their_language(
    mail_slack: SlackScenario, server: Server
) -> None:
    number = mail_slack.create(user=OWNER)
    [menu] = _overflow(mail_slack.card(number))
    assert menu["action_id"] == ids.INVITE_GUEST
    assert [(o["text"]["text"], o["value"]) for o in menu["options"]] == [("Invite someone outside", str(number))]

    view = _open(mail_slack, number)
    assert (view["callback_id"], view["private_metadata"]) == (ids.GUEST_VIEW, str(number))
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [BLOCKS[GuestField.EMAIL], BLOCKS[GuestField.NAME], BLOCKS[GuestField.LANGUAGE]]
    assert inputs[BLOCKS[GuestField.EMAIL]]["element"]["type"] == "email_text_input"
    assert not inputs[BLOCKS[GuestField.EMAIL]].get("optional")
    language = inputs[BLOCKS[GuestField.LANGUAGE]]["element"]
    assert [(o["text"]["text"], o["value"]) for o in language["options"]] == [("English", "en"), ("Dansk", "da")]
    assert language["initial_option"]["value"] == "en"  # the owner's
    assert f"#{number} Ten SEO tips: they get a personal link by e-mail" in view["blocks"][0]["elements"][0]["text"]

    response = _submit(mail_slack, number, email=" anne@example.com ", name=" Anne   Holm ", language="da")
    assert response.json() is None  # the modal closes
    mail_slack.settle()

    [guest] = _guests(mail_slack)
    assert (guest.email, guest.display_name, guest.language) == ("anne@example.com", "Anne Holm", "da")
    dm = " ".join(message_text(m) for m in mail_slack.fake.messages(OWNER))
    assert f"Invited Anne Holm (guest) to #{number} *Ten SEO tips*. anne@example.com gets a personal link" in dm
    assert "Anne Holm (guest)" in message_text(mail_slack.card(number))
    [mail] = server.recorder.received
    assert mail.rcpt_tos == ["anne@example.com"]
    body = mail.message().get_body(("plain",))
    assert body is not None and "Hej Anne Holm" in body.get_content()


def test_a_request_with_parts_asks_which_part_and_the_guest_gets_it(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER, extra='parts:"Intro; Tips"')
    view = _open(mail_slack, number)
    part = next(b for b in view["blocks"] if b.get("block_id") == BLOCKS[GuestField.PART])
    assert [(o["text"]["text"], o["value"]) for o in part["element"]["options"]] == [
        ("1. Intro", "1"),
        ("2. Tips", "2"),
    ]
    assert not part.get("optional")

    missing = _submit(mail_slack, number, email="anne@example.com", part="")
    assert missing.json() == {
        "response_action": "errors",
        "errors": {BLOCKS[GuestField.PART]: "Pick the part they will help with."},
    }
    assert _guests(mail_slack) == []

    _submit(mail_slack, number, email="anne@example.com", part="2")
    mail_slack.settle()
    [guest] = _guests(mail_slack)
    with Session(mail_slack.engine) as session:
        [place] = session.exec(select(Volunteer).where(Volunteer.member_id == guest.id)).all()
        chosen = session.get(RequestPart, place.part_id)
    assert chosen is not None and chosen.name == "Tips"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("   ", "Give the guest's e-mail address, e.g. anne@example.com."),
        ("anne@example", "“anne@example” is not an e-mail address. Give one address, e.g. anne@example.com."),
        ("a@b.com, c@d.com", "“a@b.com, c@d.com” is not an e-mail address. Give one address, e.g. anne@example.com."),
        ("Mette@example.com", "Mette@example.com belongs to Mette, who is already here and can volunteer themselves."),
    ],
    ids=["empty", "malformed", "two addresses", "a colleague's"],
)
def test_bad_input_is_an_error_beside_the_address_and_nothing_is_written(
    mail_slack: SlackScenario, typed: str, error: str
) -> None:
    number = mail_slack.create(user=OWNER)
    mail_slack.command_reply("mine", user="U0METTE")
    with Session(mail_slack.engine) as session:
        mette = session.exec(select(Member).where(Member.user_id == "U0METTE")).one()
        mette.email, mette.display_name = "mette@example.com", "Mette"
        session.add(mette)
        session.commit()
    mail_slack.settle()
    before = row_counts(mail_slack.engine)

    response = _submit(mail_slack, number, email=typed)

    assert response.json() == {"response_action": "errors", "errors": {BLOCKS[GuestField.EMAIL]: error}}
    mail_slack.settle()
    assert row_counts(mail_slack.engine) == before


def test_someone_else_is_refused_before_any_modal_opens(mail_slack: SlackScenario) -> None:
    number = mail_slack.create(user=OWNER)
    mail_slack.command_reply("mine", user=ANNA)
    mail_slack.settle()
    before = row_counts(mail_slack.engine)

    assert mail_slack.click(ids.INVITE_GUEST, selected=str(number), user=ANNA).status == 200
    [answer] = mail_slack.fake.wait_for("response_url")
    mail_slack.settle()
    assert row_counts(mail_slack.engine) == {**before, "outbox": before["outbox"] + 1}  # the answer, nothing else
    before = row_counts(mail_slack.engine)

    assert message_text(answer.params) == (
        f"Only the request's owner (<@{OWNER}>) or an admin can invite someone outside the company to #{number}."
    )
    assert mail_slack.fake.calls_to("views.open") == []
    # A submission forged without the modal is refused the same way, beside the address.
    forged = mail_slack.submit_view(
        ids.GUEST_VIEW,
        private_metadata=str(number),
        values={BLOCKS[GuestField.EMAIL]: {ids.INPUT: "anne@example.com"}},
        user=ANNA,
    )
    assert "can invite someone outside the company" in forged.json()["errors"][BLOCKS[GuestField.EMAIL]]
    mail_slack.settle()
    assert row_counts(mail_slack.engine) == before


def test_without_e_mail_the_card_has_no_menu_and_an_old_one_says_e_mail_is_not_set_up(slack: SlackScenario) -> None:
    number = slack.create(user=OWNER)
    assert _overflow(slack.card(number)) == []

    assert slack.click(ids.INVITE_GUEST, selected=str(number), user=OWNER).status == 200
    [answer] = slack.fake.wait_for("response_url")
    slack.settle()

    assert "I can't invite anyone from outside yet" in message_text(answer.params)
    assert slack.fake.calls_to("views.open") == []


def test_a_danish_owner_gets_the_form_in_danish(make_slack: Callable[..., SlackScenario], server: Server) -> None:
    scenario = make_slack(
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": "https://cobot.example.com"},
        behaviour={"languages": {"default": "da"}},
    )
    number = scenario.create(user=OWNER)
    scenario.command_reply("sprog da", user=OWNER)
    [menu] = _overflow(scenario.card(number))
    assert menu["options"][0]["text"]["text"] == "Invitér en udefra"

    view = _open(scenario, number)

    assert view["title"]["text"] == "Invitér en udefra"
    language = next(b for b in view["blocks"] if b.get("block_id") == BLOCKS[GuestField.LANGUAGE])["element"]
    assert language["initial_option"]["value"] == "da"
    assert [o["text"]["text"] for o in language["options"]] == ["English", "Dansk"]
