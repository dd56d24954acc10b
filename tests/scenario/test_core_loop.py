"""Scenario tests for Cobot's core loop on Slack, end to end: signed HTTP requests into the running app, the fake
Slack Web API answering, the database checked afterwards.

The headline test walks one request from its card being posted to every contribution being approved, through a
volunteer by command and one by ✋, a draft in the thread, a round of requested changes in a modal, a second
version by command and the owner's approvals. The others cover parts with a waiting line, and the read-only
commands ``list``, ``show`` and ``mine``.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.slack import ids
from fake_slack import Call
from harness import CHANNEL, SlackScenario, message_text
from storage.models import (
    Decision,
    Draft,
    Member,
    RequestStatus,
    Review,
    ReviewState,
    Volunteer,
    VolunteerState,
)

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"
BO = "U0BO"


# --- what a person sees ---------------------------------------------------------------------------------------


def dms(slack: SlackScenario, user: str) -> list[dict[str, Any]]:
    """Messages Cobot posted in its DM with ``user``, oldest first."""
    return slack.fake.messages(user)


def dm_texts(slack: SlackScenario, user: str) -> list[str]:
    return [message_text(m) for m in dms(slack, user)]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id → value of every button in a message."""
    return {
        element["action_id"]: element.get("value", "")
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def last_response(slack: SlackScenario) -> str:
    """The text of the latest late answer to a click, sent to the interaction's response_url."""
    calls = slack.fake.calls_to("response_url")
    assert calls, "Cobot answered no click through its response_url"
    return message_text(calls[-1].params)


def card_posts(slack: SlackScenario) -> list[Call]:
    return [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.params.get("channel") == CHANNEL and not c.params.get("thread_ts")
    ]


def thread_messages(slack: SlackScenario, number: int) -> list[dict[str, Any]]:
    card_ts = slack.request(number).card_ts
    return [m for m in slack.fake.messages(CHANNEL) if m.get("thread_ts") == card_ts]


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


def place_of(slack: SlackScenario, user: str, number: int) -> Volunteer:
    request = slack.request(number)
    with slack.session() as session:
        place = session.exec(
            select(Volunteer)
            .join(Member, col(Member.id) == col(Volunteer.member_id))
            .where(Member.user_id == user, Volunteer.request_id == request.id)
            .order_by(col(Volunteer.id).desc())
        ).first()
    assert place is not None, f"{user} has no place on #{number}"
    return place


# --- the whole loop -------------------------------------------------------------------------------------------


def test_a_request_goes_from_posted_to_approved_and_its_card_follows_in_place(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10", extra="needs:2")
    card_ts = slack.request(number).card_ts
    assert card_ts is not None
    assert "_nobody yet_" in message_text(slack.card(number))

    # Two volunteers: one by command, one by ✋ on the card.
    reply = slack.command_reply(f"volunteer {number}", user=METTE)
    assert f"Thank you! You're on #{number} *Ten SEO tips*" in reply
    assert slack.react(number, user=ANNA).status == 200
    slack.settle()
    card = message_text(slack.card(number))
    assert "<@U0METTE> ⏳" in card
    assert "<@U0ANNA> ⏳" in card
    assert "*Volunteers* 2/2" in card
    told = slack.fake.ephemeral_messages(CHANNEL, user=ANNA)
    assert [f"You're on #{number}" in message_text(m) for m in told] == [True]

    # Mette is quick: her first version comes in by command.
    reply = slack.command_reply(f"submit #{number} https://docs.example.com/mette-v1", user=METTE)
    assert f"Got it: version 1 of your draft for #{number}. <@U0OWNER> will review it." in reply
    slack.settle()
    [mette_v1] = drafts_of(slack, METTE)
    assert "<@U0METTE> 📝" in message_text(slack.card(number))

    # Anna hands in version 1 as a link in the card's thread.
    slack.thread_reply(number, user=ANNA, text="First go: <https://docs.example.com/anna-v1>")
    slack.settle()
    confirmations = [message_text(m) for m in thread_messages(slack, number)]
    assert confirmations == ["Thanks <@U0ANNA>! Version 1 of your draft is saved; <@U0OWNER> will review it."]
    [anna_v1] = drafts_of(slack, ANNA)
    assert (anna_v1.version, anna_v1.url, anna_v1.source) == (1, "https://docs.example.com/anna-v1", "thread")
    owner_dm = dms(slack, OWNER)[-1]
    assert f"<@U0ANNA> handed in version 1 of a draft for #{number} *Ten SEO tips*." in message_text(owner_dm)
    assert "<https://docs.example.com/anna-v1>" in message_text(owner_dm)
    assert buttons(owner_dm) == {ids.APPROVE_DRAFT: str(anna_v1.id), ids.REQUEST_CHANGES: str(anna_v1.id)}
    assert "<@U0ANNA> 📝" in message_text(slack.card(number))

    # The owner asks for changes: the button opens the feedback modal for exactly this draft.
    response = slack.click(
        ids.REQUEST_CHANGES, str(anna_v1.id), user=OWNER, channel=owner_dm["channel"], message_ts=owner_dm["ts"]
    )
    assert response.status == 200
    [opened] = slack.fake.wait_for("views.open")
    assert opened.ok
    assert opened.params["view"]["callback_id"] == ids.REQUEST_CHANGES_VIEW
    assert opened.params["view"]["private_metadata"] == str(anna_v1.id)
    assert opened.params["trigger_id"]
    submitted = slack.submit_view(
        ids.REQUEST_CHANGES_VIEW,
        private_metadata=str(anna_v1.id),
        values={ids.FEEDBACK_BLOCK: {ids.FEEDBACK_INPUT: "Please add an example for local shops."}},
        user=OWNER,
    )
    assert (submitted.status, submitted.text) == (200, "")
    slack.settle()
    to_anna = dm_texts(slack, ANNA)[-1]
    assert f"<@U0OWNER> asked for changes to your draft for #{number} *Ten SEO tips*." in to_anna
    assert "> Please add an example for local shops." in to_anna
    assert f"Sent your feedback on #{number} to <@U0ANNA>." in dm_texts(slack, OWNER)[-1]
    assert "<@U0ANNA> ✏️" in message_text(slack.card(number))
    assert place_of(slack, ANNA, number).review_state is ReviewState.CHANGES_REQUESTED

    # Anna's version 2 comes in by command.
    reply = slack.command_reply(f"submit {number} https://docs.example.com/anna-v2", user=ANNA)
    assert f"Got it: version 2 of your draft for #{number}." in reply
    slack.settle()
    anna_v2 = drafts_of(slack, ANNA)[-1]
    review_dms = {buttons(m).get(ids.APPROVE_DRAFT): m for m in dms(slack, OWNER) if buttons(m)}
    # Version 1's DM gave up its buttons when the owner asked for changes; it says so where they were.
    assert set(review_dms) == {str(anna_v2.id), str(mette_v1.id)}
    [anna_v1_dm] = [m for m in dms(slack, OWNER) if message_text(m).startswith(f"<@{ANNA}> handed in version 1")]
    assert message_text(anna_v1_dm).endswith("✏️ <@U0OWNER> asked for changes.")
    assert "version 2" in message_text(review_dms[str(anna_v2.id)])

    # The owner approves Anna's version 2 from its DM.
    dm = review_dms[str(anna_v2.id)]
    slack.click(ids.APPROVE_DRAFT, str(anna_v2.id), user=OWNER, channel=dm["channel"], message_ts=dm["ts"])
    slack.settle()
    assert f"Approved <@U0ANNA>'s draft (version 2) for #{number}." in last_response(slack)
    assert f"<@U0OWNER> approved your draft for #{number} *Ten SEO tips*." in dm_texts(slack, ANNA)[-1]
    card = message_text(slack.card(number))
    assert "<@U0ANNA> ✅" in card
    assert "<@U0METTE> 📝" in card
    assert slack.request(number).status is RequestStatus.OPEN
    assert not any("Time to publish" in text for text in dm_texts(slack, OWNER))

    # Approving Mette's draft completes the request.
    dm = review_dms[str(mette_v1.id)]
    slack.click(ids.APPROVE_DRAFT, str(mette_v1.id), user=OWNER, channel=dm["channel"], message_ts=dm["ts"])
    slack.settle()
    assert f"Approved <@U0METTE>'s draft (version 1) for #{number}." in last_response(slack)
    assert f"Every contribution to #{number} *Ten SEO tips* is approved. Time to publish!" in dm_texts(slack, OWNER)
    card_message = slack.card(number)
    card = message_text(card_message)
    assert "<@U0ANNA> ✅" in card
    assert "<@U0METTE> ✅" in card
    assert "*Status* approved" in card
    assert buttons(card_message) == {}  # an approved request takes no more volunteers or drafts

    # One card, edited in place all along.
    assert len(card_posts(slack)) == 1
    # (The other updates are the owner's used review DMs.)
    updates = [u for u in slack.fake.calls_to("chat.update") if u.params["channel"] == CHANNEL]
    assert len(updates) >= 6
    assert all(u.ok and u.params["channel"] == CHANNEL and u.params["ts"] == card_ts for u in updates)

    # The database tells the same story.
    assert slack.request(number).status is RequestStatus.APPROVED
    assert [(d.version, d.url, d.source) for d in drafts_of(slack, ANNA)] == [
        (1, "https://docs.example.com/anna-v1", "thread"),
        (2, "https://docs.example.com/anna-v2", "command"),
    ]
    with slack.session() as session:
        reviews = session.exec(select(Review).order_by(col(Review.id))).all()
    assert [(r.draft_id, r.decision, r.feedback) for r in reviews] == [
        (anna_v1.id, Decision.CHANGES_REQUESTED, "Please add an example for local shops."),
        (anna_v2.id, Decision.APPROVED, ""),
        (mette_v1.id, Decision.APPROVED, ""),
    ]
    assert {r.reviewer_id for r in reviews} == {slack.member(OWNER).id}
    anna, mette = place_of(slack, ANNA, number), place_of(slack, METTE, number)
    assert (anna.via, anna.state, anna.review_state) == ("reaction", VolunteerState.ACTIVE, ReviewState.APPROVED)
    assert (mette.via, mette.state, mette.review_state) == ("command", VolunteerState.ACTIVE, ReviewState.APPROVED)


# --- parts and the waiting line -------------------------------------------------------------------------------


def part_line(slack: SlackScenario, number: int, position: int) -> str:
    lines = message_text(slack.card(number)).splitlines()
    return next(line for line in lines if line.startswith(f"{position}. *"))


def test_the_owner_is_told_which_part_a_new_draft_is_for(slack: SlackScenario) -> None:
    number = slack.create("Marketing e-book", due="2026-12-15", extra='parts:"Intro; Cases; PPC"')
    slack.command_reply(f"volunteer {number} cases", user=ANNA)
    slack.command_reply(f"submit {number} https://docs.example.com/cases", user=ANNA)
    slack.settle()
    owner_dms = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert any(
        f"<@{ANNA}> handed in version 1 of a draft for part 2, “Cases”, of #{number} *Marketing e-book*." in dm
        for dm in owner_dms
    ), owner_dms

    # In the owner's own language, too; a request without parts says no part.
    whole = slack.create("Ten SEO tips")
    slack.command_reply("language da", user=OWNER)
    slack.command_reply(f"submit {number} https://docs.example.com/cases-v2", user=ANNA)
    slack.command_reply(f"volunteer {whole}", user=BO)
    slack.command_reply(f"submit {whole} https://docs.example.com/seo", user=BO)
    slack.settle()
    owner_dms = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert any(
        f"<@{ANNA}> har afleveret version 2 af et udkast til del 2, “Cases”, af #{number} *Marketing e-book*." in dm
        for dm in owner_dms
    ), owner_dms
    assert any(
        f"<@{BO}> har afleveret version 1 af et udkast til #{whole} *Ten SEO tips*." in dm for dm in owner_dms
    ), owner_dms


def test_parts_are_claimed_by_picker_or_name_and_the_waiting_line_moves_up(slack: SlackScenario) -> None:
    number = slack.create("Marketing e-book", due="2026-12-15", extra='parts:"Intro; SEO; PPC"')
    card = slack.card(number)
    [picker] = [
        e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"] if e["type"] == "static_select"
    ]
    assert picker["action_id"] == ids.PICK_PART
    assert [o["value"] for o in picker["options"]] == [f"{number}:1", f"{number}:2", f"{number}:3"]
    assert "*Volunteers* 0/3" in message_text(card)

    # Mette takes SEO by name, Bo takes the intro with the card's picker.
    reply = slack.command_reply(f"volunteer {number} seo", user=METTE)
    assert f"You've got part 2, “SEO”, of #{number} *Marketing e-book*" in reply
    slack.click(ids.PICK_PART, selected=f"{number}:1", user=BO)
    slack.settle()
    assert f"You've got part 1, “Intro”, of #{number}" in last_response(slack)
    assert part_line(slack, number, 1) == "1. *Intro* (1/1) <@U0BO> ⏳"
    assert part_line(slack, number, 2) == "2. *SEO* (1/1) <@U0METTE> ⏳"
    [picker] = [b["elements"][0] for b in slack.card(number)["blocks"] if b["type"] == "actions"]
    assert [o["text"]["text"] for o in picker["options"]] == ["1. Intro ⌛", "2. SEO ⌛", "3. PPC"]

    # Anna writes Danish; the part she takes is named the same way in her language.
    slack.command_reply("language da", user=ANNA)
    assert f"Du har fået del 3, “PPC”, af #{number} *Marketing e-book*." in slack.command_reply(
        f"volunteer {number} ppc", user=ANNA
    )
    slack.command_reply(f"withdraw {number}", user=ANNA)
    slack.command_reply("language en", user=ANNA)

    # Anna picks SEO too: it is full, so she waits in line.
    slack.click(ids.PICK_PART, selected=f"{number}:2", user=ANNA)
    slack.settle()
    assert f"#{number} is full right now, so you're number 1 in line." in last_response(slack)
    assert place_of(slack, ANNA, number).state is VolunteerState.WAITLISTED
    assert part_line(slack, number, 2) == "2. *SEO* (1/1) <@U0METTE> ⏳  ·  ⌛ <@U0ANNA>"
    assert "*Waiting* 1" in message_text(slack.card(number))
    assert dms(slack, ANNA) == []

    # Mette withdraws with the card's button: Anna moves up and is told by DM.
    slack.click(ids.WITHDRAW, str(number), user=METTE)
    slack.settle()
    assert f"You've stepped back from #{number}." in last_response(slack)
    assert dm_texts(slack, ANNA) == [
        f"A place opened up on #{number} *Marketing e-book* and it's yours. Your draft is due "
        "<!date^1797336000^{date_short_pretty}|2026-12-15>."
    ]
    assert part_line(slack, number, 2) == "2. *SEO* (1/1) <@U0ANNA> ⏳"
    assert "*Waiting*" not in message_text(slack.card(number))
    assert place_of(slack, ANNA, number).state is VolunteerState.ACTIVE
    assert place_of(slack, METTE, number).state is VolunteerState.WITHDRAWN
    assert len(card_posts(slack)) == 1


# --- list, show, mine -----------------------------------------------------------------------------------------


def test_show_and_mine_answer_with_the_right_requests(slack: SlackScenario) -> None:
    seo = slack.create("Ten SEO tips", due="2026-12-10")
    video = slack.create("Customer video", due="2026-12-04", user=ANNA)
    slack.command_reply(f"volunteer {video}", user=METTE)
    slack.command_reply(f"submit {video} https://docs.example.com/video-script", user=METTE)

    shown = slack.command_reply(f"show {seo}", user=METTE)
    assert f"#{seo} Ten SEO tips" in shown
    assert "*Owner* <@U0OWNER>" in shown
    assert "Customer video" not in shown

    mine = slack.command_reply("mine", user=METTE)
    assert "*Where you help*" in mine
    assert f"#{video} *Customer video* · draft in review" in mine
    assert "Requests you own" not in mine
    assert "Ten SEO tips" not in mine

    owned = slack.command_reply("mine", user=ANNA)
    assert f"#{video} *Customer video* · open · due" in owned
    assert "drafts to review: 1" in owned
    assert "Ten SEO tips" not in owned

    assert "You don't own or help with any request yet." in slack.command_reply("mine", user=BO)


def test_list_shows_open_requests_soonest_first_and_pages_beyond_fifteen(slack: SlackScenario) -> None:
    for day in range(1, 17):  # 16 open requests, deadlines 1–16 December, posted in reverse order
        reply = slack.command_reply(f"new Topic {17 - day:02d} due:2026-12-{17 - day:02d}", user=OWNER)
        assert "Posted request #" in reply
    closed = slack.create("Old news", due="2026-12-01")
    assert "Closed" in slack.command_reply(f"close {closed}", user=OWNER)
    slack.settle()

    first = slack.command_reply("list", user=METTE)
    assert "*Open requests* (16)" in first
    titles = [line.split("*")[1] for line in first.splitlines() if line.startswith("#")]
    assert titles == [f"Topic {day:02d}" for day in range(1, 16)]
    assert "Page 1 of 2. `/cocreate list 2` shows more." in first
    assert "Old news" not in first

    second = slack.command_reply("list 2", user=METTE)
    assert [line.split("*")[1] for line in second.splitlines() if line.startswith("#")] == ["Topic 16"]
    assert "Page 2" not in second
    assert "There is no page 3. The last page is `/cocreate list 2`." in slack.command_reply("list 3", user=METTE)
