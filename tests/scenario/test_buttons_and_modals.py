"""Scenario tests for the buttons on cards and review DMs, and the modals they open: the happy paths, and the
polite refusals when the request is closed, the draft is outdated, or the wrong person presses the button.

Clicks and modal submissions are signed interaction payloads sent to the running app; late answers to a click go
to its ``response_url``, modal problems come back as field errors in the HTTP response to the submission.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from bot.slack import ids
from harness import CHANNEL, SlackScenario, message_text
from storage.models import Draft, Member, Review, ReviewState, Volunteer

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"
BO = "U0BO"


def count(slack: SlackScenario, model: type[Any]) -> int:
    with slack.session() as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one())


def last_response(slack: SlackScenario) -> str:
    """The text of the latest late answer to a click, sent to the interaction's response_url."""
    calls = slack.fake.calls_to("response_url")
    assert calls, "Cobot answered no click through its response_url"
    return message_text(calls[-1].params)


def review_dm(slack: SlackScenario, draft_id: int) -> dict[str, Any]:
    """The owner's DM about one draft version, found by the draft id its Approve button carries."""
    for message in slack.fake.messages(OWNER):
        for block in message.get("blocks") or []:
            if block["type"] == "actions" and any(
                e["action_id"] == ids.APPROVE_DRAFT and e["value"] == str(draft_id) for e in block["elements"]
            ):
                return message
    raise AssertionError(f"no review DM for draft {draft_id}")


def press(slack: SlackScenario, action_id: str, draft_id: int, *, user: str) -> None:
    """Presses a button on the owner's review DM (``user`` may be someone the DM was forwarded to)."""
    dm = review_dm(slack, draft_id)
    response = slack.click(action_id, str(draft_id), user=user, channel=dm["channel"], message_ts=dm["ts"])
    assert response.status == 200
    slack.settle()


def extension_button(slack: SlackScenario, action_id: str) -> str:
    """The value (extension id) of a button on the owner's DM about a request for more time."""
    for message in slack.fake.messages(OWNER):
        for block in message.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id", "").startswith(action_id):
                    return str(element["value"])
    raise AssertionError("no DM asking the owner for more time")


def closed_reply(number: int) -> str:
    return (
        f"Request #{number} is closed and no longer takes volunteers or drafts. `/cocreate list` shows the open ones."
    )


def drafts_of(slack: SlackScenario, user: str) -> list[Draft]:
    with slack.session() as session:
        return list(
            session.exec(
                select(Draft)
                .join(Member, col(Member.id) == col(Draft.member_id))
                .where(Member.user_id == user)
                .order_by(col(Draft.version))
            ).all()
        )


def review_state(slack: SlackScenario, user: str) -> ReviewState:
    with slack.session() as session:
        place = session.exec(
            select(Volunteer).join(Member, col(Member.id) == col(Volunteer.member_id)).where(Member.user_id == user)
        ).one()
    return place.review_state


# --- card buttons ---------------------------------------------------------------------------------------------


def test_card_buttons_on_a_closed_request_answer_politely_and_change_nothing(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    assert f"Closed #{number}." in slack.command_reply(f"close {number}", user=OWNER)
    slack.settle()
    updates = len(slack.fake.calls_to("chat.update"))

    assert slack.click(ids.VOLUNTEER, str(number), user=METTE).status == 200
    slack.settle()
    assert last_response(slack) == closed_reply(number)
    assert slack.fake.calls_to("response_url")[-1].params["response_type"] == "ephemeral"

    assert slack.click(ids.SUBMIT_DRAFT, str(number), user=METTE).status == 200
    slack.fake.wait_for("response_url", count=2)
    slack.settle()
    assert last_response(slack) == closed_reply(number)

    assert count(slack, Volunteer) == 0
    assert slack.fake.calls_to("views.open") == []
    assert len(slack.fake.calls_to("chat.update")) == updates
    assert "*Status* closed" in message_text(slack.card(number))


def test_the_submit_draft_form_checks_the_draft_and_confirms_by_dm(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.settle()

    assert slack.click(ids.SUBMIT_DRAFT, str(number), user=ANNA).status == 200
    [opened] = slack.fake.wait_for("views.open")
    assert opened.ok
    view = opened.params["view"]
    assert (view["callback_id"], view["private_metadata"]) == (ids.SUBMIT_DRAFT_VIEW, str(number))
    assert [b.get("block_id") for b in view["blocks"] if b["type"] == "input"] == [ids.DRAFT_BLOCK]
    assert f"For #{number} Ten SEO tips" in view["blocks"][0]["elements"][0]["text"]

    # An empty draft: the form stays open and says what is missing; nothing is written.
    empty = slack.submit_view(
        ids.SUBMIT_DRAFT_VIEW,
        private_metadata=str(number),
        values={ids.DRAFT_BLOCK: {ids.DRAFT_INPUT: "   "}},
        user=ANNA,
    )
    assert empty.status == 200
    assert empty.json() == {
        "response_action": "errors",
        "errors": {
            ids.DRAFT_BLOCK: f"Your draft is empty. Add a link or some text: /cocreate submit {number} https://…."
        },
    }
    slack.settle()
    assert count(slack, Draft) == 0
    assert slack.fake.messages(ANNA) == []

    # Someone without a place gets a field error too.
    stranger = slack.submit_view(
        ids.SUBMIT_DRAFT_VIEW,
        private_metadata=str(number),
        values={ids.DRAFT_BLOCK: {ids.DRAFT_INPUT: "https://docs.example.com/bo"}},
        user=BO,
    )
    assert stranger.json()["response_action"] == "errors"
    assert f"You're not on #{number}." in stranger.json()["errors"][ids.DRAFT_BLOCK]
    assert count(slack, Draft) == 0

    # A real draft closes the form, is saved, and both sides hear about it.
    valid = slack.submit_view(
        ids.SUBMIT_DRAFT_VIEW,
        private_metadata=str(number),
        values={ids.DRAFT_BLOCK: {ids.DRAFT_INPUT: "https://docs.example.com/anna"}},
        user=ANNA,
    )
    assert (valid.status, valid.text) == (200, "")
    slack.settle()
    [draft] = drafts_of(slack, ANNA)
    assert (draft.version, draft.url, draft.text, draft.source) == (1, "https://docs.example.com/anna", None, "modal")
    assert [message_text(m) for m in slack.fake.messages(ANNA)] == [
        f"Got it: version 1 of your draft for #{number}. <@U0OWNER> will review it."
    ]
    assert f"<@U0ANNA> handed in version 1 of a draft for #{number}" in message_text(review_dm(slack, draft.id or 0))
    assert "<@U0ANNA> 📝" in message_text(slack.card(number))


# --- review buttons -------------------------------------------------------------------------------------------


def test_buttons_on_an_outdated_version_are_refused(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.command_reply(f"submit {number} https://docs.example.com/v1", user=ANNA)
    slack.command_reply(f"submit {number} https://docs.example.com/v2", user=ANNA)
    slack.settle()
    v1, v2 = drafts_of(slack, ANNA)

    # Version 1's DM has lost its buttons to say a newer version came in; a stale client may still send a press.
    [old_dm] = [m for m in slack.fake.messages(OWNER) if "handed in version 1" in message_text(m)]
    assert "A newer version (version 2) has come in" in message_text(old_dm)
    stale = slack.click(ids.APPROVE_DRAFT, str(v1.id), user=OWNER, channel=old_dm["channel"], message_ts=old_dm["ts"])
    assert stale.status == 200
    slack.settle()
    assert last_response(slack) == (
        f"That draft has been replaced by a newer version or already reviewed. Check #{number}."
    )
    assert count(slack, Review) == 0
    assert review_state(slack, ANNA) is ReviewState.SUBMITTED
    assert not any("approved your draft" in message_text(m) for m in slack.fake.messages(ANNA))

    # Feedback sent from the old version's form is refused in the form itself.
    feedback = slack.submit_view(
        ids.REQUEST_CHANGES_VIEW,
        private_metadata=str(v1.id),
        values={ids.FEEDBACK_BLOCK: {ids.FEEDBACK_INPUT: "Shorter, please."}},
        user=OWNER,
    )
    assert feedback.json()["response_action"] == "errors"
    assert "replaced by a newer version" in feedback.json()["errors"][ids.FEEDBACK_BLOCK]
    assert count(slack, Review) == 0

    # The current version's button still works.
    press(slack, ids.APPROVE_DRAFT, v2.id or 0, user=OWNER)
    assert last_response(slack) == f"Approved <@U0ANNA>'s draft (version 2) for #{number}."
    with slack.session() as session:
        assert [r.draft_id for r in session.exec(select(Review)).all()] == [v2.id]


def test_only_the_owner_may_review(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.command_reply(f"submit {number} https://docs.example.com/anna", user=ANNA)
    slack.settle()
    [draft] = drafts_of(slack, ANNA)
    updates = len(slack.fake.calls_to("chat.update"))

    press(slack, ids.APPROVE_DRAFT, draft.id or 0, user=BO)

    assert last_response(slack) == (
        f"Only the request's owner (<@U0OWNER>) or an admin can approve drafts for #{number}."
    )
    assert count(slack, Review) == 0
    assert review_state(slack, ANNA) is ReviewState.SUBMITTED
    assert not any("approved your draft" in message_text(m) for m in slack.fake.messages(ANNA))
    assert len(slack.fake.calls_to("chat.update")) == updates


def test_an_owner_who_volunteers_cannot_approve_their_own_draft(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    assert f"You're on #{number}" in slack.command_reply(f"volunteer {number}", user=OWNER)
    slack.command_reply(f"submit {number} https://docs.example.com/mine", user=OWNER)
    slack.settle()
    [draft] = drafts_of(slack, OWNER)
    # No review DM to themselves: there would be nothing they could do with its buttons.
    assert not any(f'"value": "{draft.id}"' in json.dumps(m.get("blocks")) for m in slack.fake.messages(OWNER))

    reply = slack.command_reply(f"approve {number} <@{OWNER}>", user=OWNER)

    assert reply == "You can't review your own draft. Ask another admin to review it."
    assert count(slack, Review) == 0
    assert review_state(slack, OWNER) is ReviewState.SUBMITTED
    assert "<@U0OWNER> 📝" in message_text(slack.card(number))
    assert not any("Time to publish" in message_text(m) for m in slack.fake.messages(OWNER))
    assert slack.request(number).channel_id == CHANNEL


def test_a_refusal_to_someone_not_the_owner_says_what_they_tried(slack: SlackScenario) -> None:
    """Commands and buttons only the owner (or an admin) may use say which action was refused, in the reader's
    language, not "can do that"."""
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.command_reply(f"submit {number} https://docs.example.com/anna", user=ANNA)
    assert slack.command_reply(f"extend {number} 2026-12-17", user=ANNA).startswith("I've asked")
    slack.settle()
    only = "Only the request's owner (<@U0OWNER>) or an admin can"

    assert slack.command_reply(f"approve {number} <@{ANNA}>", user=BO) == f"{only} approve drafts for #{number}."
    assert slack.command_reply(f"changes {number} <@{ANNA}> Shorter", user=BO) == (
        f"{only} ask for changes to drafts for #{number}."
    )
    assert slack.command_reply(f"invitations {number}", user=BO) == f"{only} see who was invited to #{number}."
    assert slack.command_reply(f"published {number} https://example.com/live", user=BO) == (
        f"{only} mark #{number} published."
    )
    slack.click(ids.SHOW_FREE_SLOTS, str(number), user=BO)
    slack.settle()
    assert last_response(slack) == f"{only} book a publishing slot for #{number}."
    slack.click(ids.ACCEPT_EXTENSION, extension_button(slack, ids.ACCEPT_EXTENSION), user=BO)
    slack.settle()
    assert last_response(slack) == f"{only} answer a request for more time on #{number}."
    assert slack.command_reply(f"close {number}", user=BO) == f"{only} close #{number}."

    slack.command_reply("language da", user=BO)
    assert slack.command_reply(f"close {number}", user=BO) == (
        f"Kun den ansvarlige for opgaven (<@U0OWNER>) eller en administrator kan lukke #{number}."
    )
