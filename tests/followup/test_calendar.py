"""Scenario tests for the publishing calendar: listing and adding slots, booking an approved request (by command
and by the buttons on the owner's "Time to publish" DM), reminders before a booked slot, marking a request
published (thanks in its thread, reminders cancelled), deriving the next variant, and the empty-slot warning.

Recurring slots: LinkedIn on Tuesdays and Thursdays at 10:00, the newsletter on the first Monday of the month at
09:00, both in Copenhagen. The harness clock starts Monday 2026-11-23 09:00 in Copenhagen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from followup_support import (
    ANNA,
    CARL,
    METTE,
    OWNER,
    approved_request,
    buttons,
    dm_texts,
    dms,
    last_response,
    move_to,
    outbox,
    press,
    sign_off,
    tick,
    utc,
)
from sqlmodel import select

from bot.slack import ids
from fake_slack import MAX_MESSAGE_BLOCKS, block_errors
from harness import CHANNEL, SlackScenario, message_text
from storage.models import ContentRequest, RequestStatus, SlotBooking

SLOTS = {
    "slots": [
        {"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"},
        {"name": "Newsletter", "day": "1st mon", "time": "09:00"},
    ]
}
PUBLISH = "Remember to publish it"


@pytest.fixture
def calendar(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    return make_slack(behaviour={"publishing": SLOTS})


def booking_of(slack: SlackScenario, number: int) -> SlotBooking | None:
    request = slack.request(number)
    with slack.session() as session:
        return session.exec(select(SlotBooking).where(SlotBooking.request_id == request.id)).first()


def test_slots_lists_the_coming_slots_in_order_and_one_offs_can_be_added(calendar: SlackScenario) -> None:
    listing = calendar.command_reply("slots", user=OWNER).splitlines()
    assert listing[0] == "*Publishing slots, next 21 days*"
    refs = [line.rsplit("`/cocreate book &lt;id&gt; ", 1)[1].rstrip("`") for line in listing[1:]]
    assert refs == [
        "LinkedIn 2026-11-24",
        "LinkedIn 2026-11-26",
        "LinkedIn 2026-12-01",
        "LinkedIn 2026-12-03",
        "Newsletter 2026-12-07",  # the first Monday of December
        "LinkedIn 2026-12-08",
        "LinkedIn 2026-12-10",
    ]
    assert all(" · free · " in line for line in listing[1:])

    added = calendar.command_reply("slot add Blog 2026-12-02 14:00", user=ANNA)
    assert added.startswith("Added a *Blog* slot <!date^")
    assert "2026-12-02 13:00 UTC" in added  # 14:00 in Copenhagen
    refs = [line.rsplit("&lt;id&gt; ", 1)[1].rstrip("`") for line in calendar.command_reply("slots").splitlines()[1:]]
    assert refs.index("Blog 2026-12-02") == refs.index("LinkedIn 2026-12-01") + 1

    assert calendar.command_reply("slot add Blog 2026-12-02 14:00", user=ANNA).startswith(
        "There is already a *Blog* slot"
    )
    assert calendar.command_reply("slot add Blog 2026-11-23 08:00", user=ANNA) == (
        "That slot would be in the past. Please pick a later day or time."
    )
    assert "is not a time I understand" in calendar.command_reply("slot add Blog 2026-12-02 25:99", user=ANNA)
    assert "is not a date I understand" in calendar.command_reply("slot add Blog 2026-13-45 14:00", user=ANNA)
    assert "Add a one-off slot" in calendar.command_reply("slot add Blog", user=ANNA)
    assert len(calendar.command_reply("slots").splitlines()) == 9  # header, seven recurring, one Blog


def test_a_request_can_be_booked_only_once_approved_then_by_the_buttons_on_the_publish_dm(
    calendar: SlackScenario,
) -> None:
    number = calendar.create("Ten SEO tips", due="2026-12-10")
    refused = calendar.command_reply(f"book {number} LinkedIn 2026-12-01", user=OWNER)
    assert refused == f"#{number} can be booked once every contribution is approved (it is open)."
    assert booking_of(calendar, number) is None
    calendar.command_reply(f"close {number}", user=OWNER)

    number = approved_request(calendar, "Case study")
    [publish_dm] = dms(calendar, OWNER, "Time to publish!")
    assert buttons(publish_dm) == [(ids.SHOW_FREE_SLOTS, str(number))]

    press(calendar, publish_dm, ids.SHOW_FREE_SLOTS, user=OWNER)
    [answer] = [c.params for c in calendar.fake.calls_to("response_url")[-1:]]
    assert message_text(answer).startswith(f"Free publishing slots for #{number}:")
    offered = [b for b in buttons(answer) if b[0] == ids.BOOK_SLOT]
    assert [v.split("|")[1] for _, v in offered[:5]] == ["LinkedIn", "LinkedIn", "LinkedIn", "LinkedIn", "Newsletter"]
    assert offered[0][1] == f"{number}|LinkedIn|2026-11-24T09:00:00+00:00"

    calendar.click(ids.BOOK_SLOT, offered[2][1], user=OWNER, channel=publish_dm["channel"])
    calendar.settle()
    assert last_response(calendar).startswith(f"Booked #{number} *Case study* for *LinkedIn* <!date^")
    booking = booking_of(calendar, number)
    assert booking is not None
    assert booking.slot_name == "LinkedIn"
    assert booking.starts_at == utc(2026, 12, 1, 9, 0)  # Tuesday 10:00 in Copenhagen

    # Someone else pressing the owner's buttons is refused.
    calendar.click(ids.BOOK_SLOT, offered[3][1], user=ANNA, channel=publish_dm["channel"])
    calendar.settle()
    assert last_response(calendar).startswith("Only the request's owner")


def test_booking_by_command_one_piece_per_slot_and_rebooking_moves(calendar: SlackScenario) -> None:
    first = approved_request(calendar, "Ten SEO tips")
    second = approved_request(calendar, "Case study", helper=ANNA)

    booked = calendar.command_reply(f"book {first} LinkedIn 2026-12-01", user=OWNER)
    assert booked.startswith(f"Booked #{first} *Ten SEO tips* for *LinkedIn*")
    taken = calendar.command_reply(f"book {second} linkedin 2026-12-01", user=OWNER)
    assert taken.startswith("*LinkedIn* <!date^") and taken.endswith(
        f"is already booked for #{first}. `/cocreate slots` shows the free ones."
    )
    assert booking_of(calendar, second) is None
    assert "There is no *LinkedIn* slot on 2026-12-02" in calendar.command_reply(
        f"book {second} LinkedIn 2026-12-02", user=OWNER
    )

    moved = calendar.command_reply(f"book {first} Newsletter 2026-12-07", user=OWNER)
    assert moved.startswith(f"Moved #{first} *Ten SEO tips* to *Newsletter*")
    first_booking = booking_of(calendar, first)
    assert first_booking is not None and first_booking.slot_name == "Newsletter"
    assert calendar.command_reply(f"book {second} LinkedIn 2026-12-01", user=OWNER).startswith("Booked")

    listing = calendar.command_reply("slots", user=ANNA)
    assert f"*LinkedIn* · #{second} *Case study*" in listing
    assert f"*Newsletter* · #{first} *Ten SEO tips*" in listing


def test_the_owner_is_reminded_a_day_and_an_hour_before_the_slot(calendar: SlackScenario) -> None:
    number = approved_request(calendar)
    assert "Booked" in calendar.command_reply(f"book {number} LinkedIn 2026-11-24", user=OWNER)  # Tue 10:00

    tick(calendar)  # Monday 09:00: 25 hours before
    assert dm_texts(calendar, OWNER, PUBLISH) == []
    move_to(calendar, utc(2026, 11, 23, 9, 0))  # Monday 10:00: a day before
    for _ in range(3):
        tick(calendar)
    [day_before] = dm_texts(calendar, OWNER, PUBLISH)
    assert day_before.startswith(f"#{number} *Ten SEO tips* is booked for *LinkedIn* <!date^")
    assert f"`/cocreate published {number} &lt;url&gt;`" in day_before

    move_to(calendar, utc(2026, 11, 24, 8, 0))  # Tuesday 09:00: an hour before
    for _ in range(3):
        tick(calendar)
    assert len(dm_texts(calendar, OWNER, PUBLISH)) == 2
    assert [r.dedupe_key.rsplit(":", 1)[1] for r in outbox(calendar, "remind:slot:")] == ["24h", "1h"]


def test_a_day_before_reminder_held_until_the_hour_before_is_not_sent_twice(calendar: SlackScenario) -> None:
    number = approved_request(calendar)
    assert "Added" in calendar.command_reply("slot add Blog 2026-11-30 10:00", user=OWNER)  # a Monday
    assert "Booked" in calendar.command_reply(f"book {number} Blog 2026-11-30", user=OWNER)

    move_to(calendar, utc(2026, 11, 29, 9, 30))  # Sunday 10:30: a day before, outside working hours
    tick(calendar)
    assert outbox(calendar, "remind:slot:") == []
    move_to(calendar, utc(2026, 11, 30, 8, 0))  # Monday 09:00: an hour before
    tick(calendar)
    [reminder] = dm_texts(calendar, OWNER, PUBLISH)
    assert "*Blog*" in reminder


def test_a_sunday_morning_reminder_for_an_early_monday_slot_is_not_held_past_it(calendar: SlackScenario) -> None:
    number = approved_request(calendar)
    assert "Booked" in calendar.command_reply(f"book {number} Newsletter 2026-12-07", user=OWNER)  # Mon 09:00

    move_to(calendar, utc(2026, 12, 6, 8, 0))  # Sunday 09:00: a day before; Monday 09:00 would be too late
    tick(calendar)
    assert len(dm_texts(calendar, OWNER, PUBLISH)) == 1
    move_to(calendar, utc(2026, 12, 7, 7, 0))  # Monday 08:00: an hour before, before working hours
    tick(calendar)
    assert len(dm_texts(calendar, OWNER, PUBLISH)) == 2


def test_published_thanks_every_contributor_and_cancels_the_slot_reminders(calendar: SlackScenario) -> None:
    number = calendar.create("Ten SEO tips", due="2026-12-10", extra="needs:2")
    for helper in (METTE, CARL):
        calendar.command_reply(f"volunteer {number}", user=helper)
        calendar.command_reply(f"submit {number} https://docs.example.com/{helper}", user=helper)
        calendar.command_reply(f"approve {number} <@{helper}|x>", user=OWNER)
    calendar.settle()
    assert "Added" in calendar.command_reply("slot add Blog 2026-11-26 16:00", user=OWNER)  # a Thursday
    assert "Booked" in calendar.command_reply(f"book {number} Blog 2026-11-26", user=OWNER)

    move_to(calendar, utc(2026, 11, 25, 19, 0))  # Wednesday 20:00: the day-before reminder waits for 09:00
    tick(calendar)
    [waiting] = outbox(calendar, "remind:slot:")
    assert waiting.sent_at is None and waiting.failed_at is None

    for helper in (METTE, CARL):
        sign_off(calendar, number, helper=helper)
    refused = calendar.command_reply(f"published {number} not-a-link", user=OWNER)
    assert refused == "`not-a-link` is not a link. Please give the full address starting with https://."
    assert calendar.request(number).status is RequestStatus.APPROVED

    done = calendar.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert done == f"Marked #{number} published. I've thanked everyone who helped in its thread."
    calendar.settle()
    request = calendar.request(number)
    assert (request.status, request.published_url) == (RequestStatus.PUBLISHED, "https://blog.example.com/seo")
    [thanks] = [m for m in calendar.fake.messages(request.channel_id) if "is live" in message_text(m)]
    assert thanks["thread_ts"] == request.card_ts
    assert f"Thank you <@{METTE}>, <@{CARL}> for co-creating it!" in message_text(thanks)
    assert buttons(thanks) == [(ids.DERIVE, str(number))]
    assert "*Status* published" in message_text(calendar.card(number))

    [cancelled] = outbox(calendar, "remind:slot:")
    assert cancelled.sent_at is None and "cancelled" in (cancelled.last_error or "")
    move_to(calendar, utc(2026, 11, 26, 8, 30))
    tick(calendar)
    assert dm_texts(calendar, OWNER, PUBLISH) == []
    assert calendar.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER) == (
        f"#{number} is already marked published."
    )

    # The Derive button under the thanks opens the new-request form, pre-filled from the published request.
    press(calendar, thanks, ids.DERIVE, user=OWNER)
    [opened] = calendar.fake.wait_for("views.open", lambda c: c.ok)
    assert opened.params["view"]["callback_id"] == ids.NEW_REQUEST_VIEW
    assert f"Derived from #{number}" in json.dumps(opened.params["view"]["blocks"])


def test_derive_posts_a_new_request_linked_to_the_first(calendar: SlackScenario) -> None:
    origin = calendar.create("Ten SEO tips", due="2026-12-10", extra='brief:"Short tips for beginners" format:post')
    reply = calendar.command_reply(f"derive {origin} Video version due:2026-12-20 format:video", user=OWNER)
    assert reply.startswith("Posted request #2 *Video version* here.")
    calendar.settle()

    derived = calendar.request(2)
    with calendar.session() as session:
        first = session.exec(select(ContentRequest).where(ContentRequest.number == origin)).one()
    assert derived.derived_from_id == first.id
    assert (derived.brief, derived.format) == ("Short tips for beginners", "video")
    card = message_text(calendar.card(2))
    assert f"Derived from #{origin}" in card
    assert "Short tips for beginners" in card

    assert "There is no request #9" in calendar.command_reply("derive 9 Video due:2026-12-20", user=OWNER)
    assert "Say which request to build on" in calendar.command_reply("derive", user=OWNER)
    # With only the original named, Slack answers with the new-request form, pre-filled from it.
    assert calendar.command_reply(f"derive {origin}", user=OWNER) == ""
    calendar.fake.wait_for("views.open", lambda c: c.params["view"]["callback_id"] == ids.NEW_REQUEST_VIEW)


def test_an_empty_slot_is_announced_once_in_the_digest_channel(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"publishing": SLOTS, "digest": {"channel": "C0DIGEST", "cron": "0 9 * * fri"}})
    number = approved_request(slack)
    assert "Booked" in slack.command_reply(f"book {number} LinkedIn 2026-11-26", user=OWNER)

    for _ in range(3):
        tick(slack)
    warnings = [message_text(m) for m in slack.fake.messages("C0DIGEST") if "Nothing is booked" in message_text(m)]
    # Within a week: Tuesday's LinkedIn slot is empty; Thursday's is booked.
    assert len(warnings) == 1
    assert warnings[0].startswith("Nothing is booked for *LinkedIn* <!date^")
    assert warnings[0].endswith("`/cocreate book &lt;id&gt; LinkedIn 2026-11-24`.")

    slack.clock.advance(timedelta(days=1, hours=1))  # Tuesday: next Tuesday's slot comes within a week
    tick(slack)
    tick(slack)
    warnings = [message_text(m) for m in slack.fake.messages("C0DIGEST") if "Nothing is booked" in message_text(m)]
    assert len(warnings) == 2
    assert warnings[1].endswith("LinkedIn 2026-12-01`.")
    assert dm_texts(slack, OWNER, "Nothing is booked") == []


def test_empty_slots_are_warned_about_in_one_post_a_day_each_slot_once(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"publishing": SLOTS, "digest": {"channel": "C0DIGEST", "cron": "0 9 * * fri"}})

    def warnings() -> list[str]:
        return [message_text(m) for m in slack.fake.messages("C0DIGEST") if "Nothing is booked" in message_text(m)]

    slack.create("Ten SEO tips", due="2026-12-10")
    tick(slack)  # Monday: Tuesday's and Thursday's LinkedIn slots are both empty
    tick(slack)
    [both] = warnings()
    assert both.startswith("Nothing is booked yet for 2 publishing slots.")
    assert "LinkedIn 2026-11-24`" in both and "LinkedIn 2026-11-26`" in both
    assert both.count("\n• *LinkedIn*") == 2

    slack.clock.advance(timedelta(hours=6))  # later the same day: nothing new, and never a second post that day
    tick(slack)
    assert len(warnings()) == 1

    slack.clock.advance(timedelta(days=1, hours=1))  # Tuesday: only next Tuesday's slot is new, in its own words
    tick(slack)
    assert len(warnings()) == 2
    assert warnings()[1].startswith("Nothing is booked for *LinkedIn*")
    assert warnings()[1].endswith("LinkedIn 2026-12-01`.")


def test_a_slot_too_close_to_fill_gets_no_warning(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"publishing": SLOTS, "digest": {"channel": "C0DIGEST", "cron": "0 9 * * fri"}})
    slack.clock.advance(timedelta(days=1, hours=-1))  # Tuesday 08:00, two hours before the slot
    number = approved_request(slack)
    assert "Booked" in slack.command_reply(f"book {number} LinkedIn 2026-11-26", user=OWNER)
    tick(slack)
    assert [m for m in slack.fake.messages("C0DIGEST") if "Nothing is booked" in message_text(m)] == []


def test_the_book_a_slot_reply_repeats_no_action_id_in_a_block_and_each_button_books_its_slot(
    calendar: SlackScenario,
) -> None:
    number = approved_request(calendar, "Case study")
    [publish_dm] = dms(calendar, OWNER, "Time to publish!")
    press(calendar, publish_dm, ids.SHOW_FREE_SLOTS, user=OWNER)
    answer = calendar.fake.calls_to("response_url")[-1].params
    assert block_errors(answer["blocks"], limit=MAX_MESSAGE_BLOCKS) == []  # Slack would show this message
    rows = [b["elements"] for b in answer["blocks"] if b["type"] == "actions"]
    for row in rows:
        action_ids = [e["action_id"] for e in row]
        assert len(set(action_ids)) == len(action_ids)
    books = [e for row in rows for e in row if e["value"].count("|") == 2]
    assert len(books) >= 5
    assert books[2]["action_id"] != ids.BOOK_SLOT  # a repeat in its row: suffixed

    # The suffixed button is the same "Book" for the listener: it books its own slot.
    calendar.click(books[2]["action_id"], books[2]["value"], user=OWNER, channel=publish_dm["channel"])
    calendar.settle()
    assert last_response(calendar).startswith(f"Booked #{number} *Case study* for *LinkedIn* <!date^")
    booking = booking_of(calendar, number)
    assert booking is not None
    assert booking.starts_at == utc(2026, 12, 1, 9, 0)


def card_refreshes(slack: SlackScenario, number: int) -> int:
    """How many card refreshes were ever queued for request #number."""
    return len(outbox(slack, f"card:{slack.request(number).id}:"))


def test_a_booked_request_shows_its_slot_on_its_card_in_show_and_in_mine(calendar: SlackScenario) -> None:
    number = approved_request(calendar)
    assert "*Status* approved" in message_text(calendar.card(number))
    before = card_refreshes(calendar, number)

    assert "Booked" in calendar.command_reply(f"book {number} LinkedIn 2026-12-01", user=OWNER)  # Tue 10:00
    assert card_refreshes(calendar, number) == before + 1  # booking queues the card's refresh
    calendar.settle()
    slot = "*Publishing slot* LinkedIn, <!date^"
    moment = "|2026-12-01 09:00 UTC>"
    card = message_text(calendar.card(number))
    assert "*Status* booked" in card and "*Status* approved" not in card
    assert slot in card and moment in card

    shown = calendar.command_reply(f"show {number}", user=ANNA)
    assert "*Status* booked" in shown and slot in shown and moment in shown
    owned = calendar.command_reply("mine", user=OWNER).splitlines()
    assert owned[1].startswith(f"#{number} *Ten SEO tips* · booked for *LinkedIn* <!date^")
    assert moment in owned[1] and "approved" not in owned[1]
    helping = calendar.command_reply("mine", user=METTE).splitlines()
    assert helping[1].startswith(f"#{number} *Ten SEO tips* · approved · due <!date^")
    stamp = int(utc(2026, 12, 1, 9).timestamp())
    assert helping[1].endswith(f" · booked for *LinkedIn* <!date^{stamp}^{{date_short_pretty}} {{time}}{moment}")

    # Moving it moves what the card says.
    assert "Moved" in calendar.command_reply(f"book {number} Newsletter 2026-12-07", user=OWNER)
    assert card_refreshes(calendar, number) == before + 2
    calendar.settle()
    card = message_text(calendar.card(number))
    assert "*Publishing slot* Newsletter, <!date^" in card and "|2026-12-07 08:00 UTC>" in card
    assert "LinkedIn" not in card


def test_a_published_card_links_where_it_went_live_and_the_link_pings_nobody(calendar: SlackScenario) -> None:
    number = approved_request(calendar)
    sign_off(calendar, number)
    assert "Booked" in calendar.command_reply(f"book {number} LinkedIn 2026-12-01", user=OWNER)
    calendar.settle()
    before = card_refreshes(calendar, number)

    address = "https://blog.example.com/seo?a=1&b=<!channel>"
    assert "Marked" in calendar.command_reply(f"published {number} {address}", user=OWNER)
    assert card_refreshes(calendar, number) == before + 1
    calendar.settle()
    # Slack's own tokens in what was typed arrive as plain text ("@channel"); the address is escaped and linked.
    assert calendar.request(number).published_url == "https://blog.example.com/seo?a=1&b=@channel"
    link = "*Published* <https://blog.example.com/seo?a=1&amp;b=@channel>"
    card = message_text(calendar.card(number))
    assert "*Status* published" in card
    assert link in card
    assert "<!channel>" not in card
    assert "Publishing slot" not in card
    assert link in calendar.command_reply(f"show {number}", user=ANNA)


def test_a_danish_reader_sees_the_booking_in_danish(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"publishing": SLOTS, "languages": {"channels": {CHANNEL: "da"}}})
    number = approved_request(slack)
    assert "Booked" in slack.command_reply(f"book {number} LinkedIn 2026-12-01", user=OWNER)
    slack.settle()
    card = message_text(slack.card(number))
    assert "*Status* booket" in card
    assert "*Publiceringsplads* LinkedIn, <!date^" in card

    slack.command_reply("language da", user=OWNER)
    shown = slack.command_reply(f"show {number}", user=OWNER)
    assert "*Status* booket" in shown and "*Publiceringsplads* LinkedIn, <!date^" in shown
    owned = slack.command_reply("mine", user=OWNER).splitlines()
    assert owned[1].startswith(f"#{number} *Ten SEO tips* · booket på *LinkedIn* <!date^")
