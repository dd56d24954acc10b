"""Scenario tests for the owner's form for a guest on Teams, through the fake connector: "Invite someone outside" in
the request card's "…" menu (an Action.Submit of mode secondary) opens a dialog (``task/fetch``); submitting it
(``task/submit``) invites as `/cocreate guest` does, and the invitation reaches a real SMTP server in the language
chosen. Bad input is shown in the dialog, with nothing written; anyone but the owner gets the refusal instead of the
form; without e-mail the card has no such button."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from factories import row_counts
from smtp_server import Server, StartServer
from sqlmodel import col, select

from bot.teams.cards import GUEST_INPUTS
from handlers.guests import GuestField
from storage.models import Member
from teams_harness import ANNA, OWNER, TeamsScenario, all_actions, card_text

PUBLIC_URL = "https://cobot.example.com"
INVITE = "Invite someone outside"


@pytest.fixture
def server(smtp_server: StartServer) -> Server:
    return smtp_server()


@pytest.fixture
def teams(make_teams: Callable[..., TeamsScenario], server: Server) -> TeamsScenario:
    scenario = make_teams(environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": PUBLIC_URL})
    scenario.install_in_team()
    assert "Posted request #1" in scenario.command(
        'new Ten SEO tips due:2026-12-10 parts:"Intro; Tips"', user=OWNER, in_channel=True
    )
    scenario.settle()
    return scenario


def _form(dialog: dict[str, Any]) -> dict[str, Any]:
    card: dict[str, Any] = dialog["task"]["value"]["card"]["content"]
    return card


def _submit(teams: TeamsScenario, dialog: dict[str, Any], **typed: str) -> dict[str, Any]:
    inputs = {GUEST_INPUTS[GuestField(name)]: value for name, value in typed.items()}
    conversation = teams._conversation_of(teams.card(1))
    response = teams.submit_dialog(dialog, user=OWNER, conversation=conversation, inputs=inputs)
    assert response.status == 200
    answer: dict[str, Any] = response.json()
    return answer


def test_the_owner_invites_a_guest_from_the_cards_menu_and_the_invitation_arrives_in_danish(
    teams: TeamsScenario, server: Server
) -> None:
    [invite] = [a for a in all_actions(teams.card(1).card) if a.get("title") == INVITE]
    assert (invite["type"], invite["mode"], invite["data"]["msteams"]) == (
        "Action.Submit",
        "secondary",
        {"type": "task/fetch"},
    )

    dialog = teams.open_dialog(teams.card(1), INVITE, user=OWNER).json()
    form = _form(dialog)
    assert dialog["task"]["value"]["title"] == INVITE
    inputs = {e["id"]: e for e in form["body"] if e.get("id")}
    assert list(inputs) == [GUEST_INPUTS[f] for f in GuestField]
    assert inputs[GUEST_INPUTS[GuestField.EMAIL]]["isRequired"] is True
    assert [c["value"] for c in inputs[GUEST_INPUTS[GuestField.PART]]["choices"]] == ["1", "2"]
    assert inputs[GUEST_INPUTS[GuestField.LANGUAGE]]["value"] == "en"

    done = _submit(teams, dialog, email="anne@kunde.example.org", name="Anne Holm", part="2", language="da")

    assert done["task"]["type"] == "message"
    assert done["task"]["value"].startswith("Invited Anne Holm (guest) to part 2 Tips of #1 Ten SEO tips.")
    teams.settle()
    with teams.session() as session:
        guest = session.exec(select(Member).where(col(Member.is_guest))).one()
    assert (guest.email, guest.language) == ("anne@kunde.example.org", "da")
    deadline = time.monotonic() + 5
    while not server.recorder.received and time.monotonic() < deadline:
        time.sleep(0.02)
    [mail] = server.recorder.received
    assert mail.rcpt_tos == ["anne@kunde.example.org"]
    body = mail.message().get_body(("plain",))
    assert body is not None and "Hej Anne Holm" in body.get_content()


def test_bad_input_is_shown_in_the_dialog_with_what_was_typed_and_nothing_is_written(teams: TeamsScenario) -> None:
    dialog = teams.open_dialog(teams.card(1), INVITE, user=OWNER).json()
    before = row_counts(teams.engine)

    again = _submit(teams, dialog, email="anne@kunde", name="Anne Holm", language="en")

    form = _form(again)
    text = card_text(form)
    assert "“anne@kunde” is not an e-mail address. Give one address, e.g. anne@example.com." in text
    assert "Pick the part they will help with." in text
    values = {e["id"]: e.get("value") for e in form["body"] if e.get("id")}
    assert values[GUEST_INPUTS[GuestField.EMAIL]] == "anne@kunde"
    assert values[GUEST_INPUTS[GuestField.NAME]] == "Anne Holm"
    teams.settle()
    assert row_counts(teams.engine) == before


def test_someone_else_gets_the_refusal_instead_of_the_form(teams: TeamsScenario) -> None:
    teams.command("mine", user=ANNA, in_channel=True)
    teams.settle()
    before = row_counts(teams.engine)

    answer = teams.open_dialog(teams.card(1), INVITE, user=ANNA).json()

    assert answer["task"]["type"] == "message"
    assert "Only the request's owner" in answer["task"]["value"]
    assert "can invite someone outside the company to #1." in answer["task"]["value"]
    teams.settle()
    assert row_counts(teams.engine) == before


def test_without_e_mail_the_card_has_no_invite_button(make_teams: Callable[..., TeamsScenario]) -> None:
    teams = make_teams()
    teams.install_in_team()
    teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
    teams.settle()
    titles = [a.get("title") for a in all_actions(teams.card(1).card)]
    assert "Volunteer" in titles and INVITE not in titles
