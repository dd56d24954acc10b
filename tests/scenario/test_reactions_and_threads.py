"""Scenario tests for what Cobot does with Slack events around a request card: ✋ reactions volunteer and taking
them back withdraws; replies in the card's thread that carry a link or a file become drafts, and everything else
said in the thread, or anywhere else, is left alone.

Each test sends signed Events API requests to the running app and checks the Web API calls Cobot made (as the
fake Slack recorded them) and the database.
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from fake_slack import APP_ID
from harness import CHANNEL, TEAM, SlackScenario, message_text
from shared_files import require, shared
from storage.models import (
    Draft,
    Member,
    OutboxMessage,
    ProcessedEvent,
    ReviewState,
    Volunteer,
    VolunteerState,
    Workspace,
)

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"
BO = "U0BO"
CARL = "U0CARL"

RECORDED = shared("slack_payloads")

# Calls that say nothing to anyone: Bolt's one-time auth.test.
SILENT = {"auth.test"}


def place_of(slack: SlackScenario, user: str, number: int) -> Volunteer | None:
    request = slack.request(number)
    with slack.session() as session:
        return session.exec(
            select(Volunteer)
            .join(Member, col(Member.id) == col(Volunteer.member_id))
            .where(Member.user_id == user, Volunteer.request_id == request.id)
            .order_by(col(Volunteer.id).desc())
        ).first()


def drafts(slack: SlackScenario) -> list[Draft]:
    with slack.session() as session:
        return list(session.exec(select(Draft).order_by(col(Draft.id))).all())


def row_counts(slack: SlackScenario) -> dict[str, int]:
    """How many rows the tables a stray event could touch hold."""
    with slack.session() as session:
        return {
            model.__name__: session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
            for model in (Member, Volunteer, Draft, OutboxMessage)
        }


def calls_since(slack: SlackScenario, since: float) -> list[str]:
    """Web API methods Cobot called from ``since`` (``time.monotonic()``) on, leaving out Bolt's auth.test."""
    return [c.method for c in slack.fake.calls if c.at >= since and c.method not in SILENT]


def ephemerals(slack: SlackScenario, user: str) -> list[str]:
    return [message_text(m) for m in slack.fake.ephemeral_messages(CHANNEL, user=user)]


def thread_messages(slack: SlackScenario, number: int) -> list[dict[str, Any]]:
    card_ts = slack.request(number).card_ts
    return [m for m in slack.fake.messages(CHANNEL) if m.get("thread_ts") == card_ts]


def quiet_for_a_moment(slack: SlackScenario, since: float) -> None:
    """Waits out anything Cobot might still send for the last events, then checks it called Slack for nothing."""
    slack.settle()
    slack.fake.assert_no_call("chat.postMessage", lambda c: c.at >= since, within=0.2)
    assert calls_since(slack, since) == []


# --- reactions ------------------------------------------------------------------------------------------------


def test_a_raised_hand_in_any_skin_tone_volunteers(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")

    assert slack.react(number, user=ANNA, reaction="raised_hand::skin-tone-3").status == 200
    slack.settle()

    place = place_of(slack, ANNA, number)
    assert place is not None
    assert (place.state, place.via) == (VolunteerState.ACTIVE, "reaction")
    assert "<@U0ANNA> ⏳" in message_text(slack.card(number))
    assert ephemerals(slack, ANNA) == [
        f"Thank you! You're on #{number} *Ten SEO tips*. Your draft is due "
        "<!date^1796904000^{date_short_pretty}|2026-12-10>."
    ]


def test_other_emoji_do_nothing(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    before, since = row_counts(slack), time.monotonic()

    for reaction in ("thumbsup", "hand", "raised_hands", "wave::skin-tone-2"):
        assert slack.react(number, user=ANNA, reaction=reaction).status == 200

    quiet_for_a_moment(slack, since)
    assert row_counts(slack) == before
    assert "_nobody yet_" in message_text(slack.card(number))


def test_a_raised_hand_on_a_message_that_is_not_a_card_does_nothing(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    before, since = row_counts(slack), time.monotonic()

    response = slack.event(
        {
            "type": "reaction_added",
            "user": CARL,
            "reaction": "raised_hand",
            "item_user": METTE,
            "item": {"type": "message", "channel": CHANNEL, "ts": "1700000999.000100"},
            "event_ts": f"{time.time():.6f}",
        }
    )

    assert response.status == 200
    quiet_for_a_moment(slack, since)
    assert row_counts(slack) == before
    assert place_of(slack, CARL, number) is None


def test_taking_the_hand_back_withdraws_until_a_draft_is_in(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10", extra="needs:2")
    slack.react(number, user=ANNA)
    slack.react(number, user=BO)
    slack.settle()
    assert "<@U0ANNA> ⏳ <@U0BO> ⏳" in message_text(slack.card(number))

    # Bo changes his mind before handing anything in: his place goes, the card says so.
    slack.react(number, user=BO, removed=True)
    slack.settle()
    bo = place_of(slack, BO, number)
    assert bo is not None
    assert bo.state is VolunteerState.WITHDRAWN
    card = message_text(slack.card(number))
    assert "<@U0BO>" not in card
    assert "*Volunteers* 1/2" in card
    assert ephemerals(slack, BO)[-1] == f"You've stepped back from #{number}. Thanks for letting us know."

    # Anna has handed in a draft: taking the hand back keeps her place and tells her whom to ask.
    slack.thread_reply(number, user=ANNA, text="Draft: <https://docs.example.com/anna>")
    slack.settle()
    updates_before = len(slack.fake.calls_to("chat.update"))
    slack.react(number, user=ANNA, removed=True)
    slack.settle()
    anna = place_of(slack, ANNA, number)
    assert anna is not None
    assert (anna.state, anna.review_state) == (VolunteerState.ACTIVE, ReviewState.SUBMITTED)
    assert ephemerals(slack, ANNA)[-1] == (
        f"You've already handed in a draft for #{number}; ask <@U0OWNER> if you want to step back."
    )
    assert "<@U0ANNA> 📝" in message_text(slack.card(number))
    assert len(slack.fake.calls_to("chat.update")) == updates_before


# --- thread replies -------------------------------------------------------------------------------------------


def test_thread_chatter_without_a_link_or_file_is_left_alone(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.settle()
    before, since = row_counts(slack), time.monotonic()

    for text in ("Great idea, I'll start tomorrow!", "Should it mention example.com? <@U0OWNER>", ""):
        assert slack.thread_reply(number, user=ANNA, text=text).status == 200

    quiet_for_a_moment(slack, since)
    assert row_counts(slack) == before
    assert drafts(slack) == []
    assert thread_messages(slack, number) == []


def test_a_file_shared_in_the_thread_becomes_a_draft(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)

    slack.thread_reply(number, user=ANNA, text="", files=[{"id": "F123", "name": "draft.docx"}])
    slack.settle()

    [draft] = drafts(slack)
    assert (draft.version, draft.file_id, draft.file_name, draft.url, draft.source) == (
        1,
        "F123",
        "draft.docx",
        None,
        "thread",
    )
    assert [message_text(m) for m in thread_messages(slack, number)] == [
        "Thanks <@U0ANNA>! Version 1 of your draft is saved; <@U0OWNER> will review it."
    ]
    to_owner = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert any(f"<@U0ANNA> handed in version 1 of a draft for #{number}" in text for text in to_owner)
    place = place_of(slack, ANNA, number)
    assert place is not None
    assert place.review_state is ReviewState.SUBMITTED


def test_a_link_from_someone_who_is_not_drafting_is_conversation(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)  # needs:1, so Bo waits in line
    slack.command_reply(f"volunteer {number}", user=BO)
    slack.settle()
    before, since = row_counts(slack), time.monotonic()

    slack.thread_reply(number, user=METTE, text="Related: <https://example.com/seo-guide>")
    slack.thread_reply(number, user=BO, text="My take: <https://docs.example.com/bo>")
    slack.thread_reply(number, user=OWNER, text="See <https://example.com/brand-book>")
    # A link in a thread under some other message, from a volunteer, is not a draft either.
    slack.event(
        {
            "type": "message",
            "channel": CHANNEL,
            "user": ANNA,
            "text": "Minutes: <https://docs.example.com/minutes>",
            "ts": f"{time.time():.6f}",
            "thread_ts": "1700000999.000100",
            "channel_type": "channel",
        }
    )

    quiet_for_a_moment(slack, since)  # no draft, no thread reply, no card update, not even a profile look-up
    assert row_counts(slack) == before
    assert drafts(slack) == []
    assert thread_messages(slack, number) == []


def test_messages_from_bots_are_ignored(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=ANNA)
    slack.settle()
    card_ts = slack.request(number).card_ts
    before, since = row_counts(slack), time.monotonic()

    for extra in ({"bot_id": "B0OTHER"}, {"bot_id": "B0OTHER", "subtype": "bot_message"}):
        response = slack.event(
            {
                "type": "message",
                "channel": CHANNEL,
                "user": ANNA,  # a bot acting for Anna (e.g. a workflow) is still not Anna handing in a draft
                "text": "Automated: <https://docs.example.com/generated>",
                "ts": f"{time.time():.6f}",
                "thread_ts": card_ts,
                "channel_type": "channel",
                **extra,
            }
        )
        assert response.status == 200

    quiet_for_a_moment(slack, since)
    assert row_counts(slack) == before
    with slack.session() as session:  # the setup's commands recorded their trigger ids; no event was recorded
        events = session.exec(select(ProcessedEvent).where(col(ProcessedEvent.event_id).not_like("command:%"))).all()
        assert events == []


def recorded_event(name: str, slack: SlackScenario, *, number: int) -> bytes:
    """A recorded Events API body with its placeholders filled in for this scenario's card #``number``."""
    request = slack.request(number)
    raw = json.loads(require(RECORDED / f"{name}.json").read_text(encoding="utf-8"))["payload"]
    text = json.dumps(raw)
    for placeholder, value in {
        "{{TEAM_ID}}": TEAM,
        "{{APP_ID}}": APP_ID,
        "{{CARD_TS}}": str(request.card_ts),
        "{{CARD_CHANNEL}}": str(request.channel_id),
    }.items():
        text = text.replace(placeholder, value)
    return text.encode()


def test_a_thread_reply_also_sent_to_the_channel_becomes_a_draft(slack: SlackScenario) -> None:
    """ "Also send to channel" makes Slack send the reply as a ``thread_broadcast`` message: still a reply in the
    card's thread, so a link in it is a draft like any other."""
    volunteer_id = "W111"  # the volunteer in the recorded payload
    slack.fake.add_user(volunteer_id, name="wanda", real_name="Wanda Wiśniewska")
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply(f"volunteer {number}", user=volunteer_id)
    slack.settle()

    response = slack.post(
        recorded_event("126_message_thread_broadcast_with_link", slack, number=number), content_type="application/json"
    )
    assert response.status == 200
    slack.settle()

    [draft] = drafts(slack)
    assert (draft.version, draft.url, draft.source) == (1, "https://docs.example.com/d/42", "thread")
    assert [message_text(m) for m in thread_messages(slack, number)] == [
        "Thanks <@W111>! Version 1 of your draft is saved; <@U0OWNER> will review it."
    ]
    place = place_of(slack, volunteer_id, number)
    assert place is not None
    assert place.review_state is ReviewState.SUBMITTED


def test_a_raised_hand_from_an_org_wide_install_counts_in_the_team_the_card_was_made_in(
    slack: SlackScenario,
) -> None:
    """On an org-wide install, events carry ``authorizations[0].team_id: null`` while commands carry the team; both
    must reach the same workspace, or the ✋ on the card is not found."""
    slack.fake.add_user("W333", name="wes", real_name="Wes Ø")
    number = slack.create("Ten SEO tips", due="2026-12-10")

    response = slack.post(
        recorded_event("112_reaction_added_org_install", slack, number=number), content_type="application/json"
    )
    assert response.status == 200
    slack.settle()

    place = place_of(slack, "W333", number)
    assert place is not None and place.state is VolunteerState.ACTIVE
    with slack.session() as session:
        assert session.exec(select(sa.func.count()).select_from(Workspace)).one() == 1
