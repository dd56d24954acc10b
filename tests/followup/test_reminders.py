"""Scenario tests for draft reminders, the owner's overdue notice, review nudges, unfilled warnings, working
hours and daylight-saving switches, asking for more time, and reminder texts overridden in app.yaml.

Each test drives the harness clock (Monday 2026-11-23 08:00 UTC = 09:00 in Copenhagen) and runs follow-up passes
itself; what a person notices is read from the fake Slack's stored DMs and thread replies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from followup_support import (
    ANNA,
    METTE,
    OWNER,
    buttons,
    dm_texts,
    dms,
    last_response,
    move_to,
    outbox,
    press,
    submit_date,
    tick,
    utc,
    wake,
)
from sqlmodel import select

from bot.runtime.config import ConfigError, load_settings
from bot.slack import ids
from handlers.context import WorkingHours
from handlers.schedule import at_local, next_working_moment
from harness import SlackScenario, message_text
from storage.models import ExtensionRequest, ExtensionStatus, Volunteer, VolunteerState

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SOON = "days to go"  # only the "3 days before" reminder counts the days
EARLY = "Hand it in here, or tell"  # how the "3 days" and the "1 day" reminders both end
OVERDUE = "was due"
OWNER_LATE = "has not come in yet"


def soon(slack: SlackScenario, user: str) -> list[str]:
    return dm_texts(slack, user, SOON)


def tomorrow(slack: SlackScenario, user: str) -> list[str]:
    return [text for text in dm_texts(slack, user, EARLY) if SOON not in text]


def overdue(slack: SlackScenario, user: str) -> list[str]:
    return [text for text in dm_texts(slack, user, OVERDUE) if OWNER_LATE not in text]


def volunteer(slack: SlackScenario, number: int, user: str) -> None:
    assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=user)
    slack.settle()


def place_of(slack: SlackScenario, user: str) -> Volunteer:
    member = slack.member(user)
    with slack.session() as session:
        return session.exec(select(Volunteer).where(Volunteer.member_id == member.id)).one()


# --- the series -----------------------------------------------------------------------------------------------


def test_a_volunteer_without_a_draft_is_reminded_three_days_and_one_day_before_and_once_when_late(
    slack: SlackScenario,
) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")  # a Thursday
    volunteer(slack, number, METTE)
    volunteer(slack, slack.create("Case study", due="2026-11-26"), ANNA)
    assert "Got it" in slack.command_reply("submit 2 https://docs.example.com/anna", user=ANNA)
    slack.settle()

    for _ in range(3):  # Monday 09:00 in Copenhagen: three days to go
        tick(slack)
    [first] = soon(slack, METTE)
    assert first.startswith(f"Friendly reminder: your draft for #{number} *Ten SEO tips* is due <!date^")
    assert "|2026-11-26>" in first
    assert "(3 days to go)" in first
    assert tomorrow(slack, METTE) == [] and overdue(slack, METTE) == []
    [reminder] = dms(slack, METTE, SOON)
    assert buttons(reminder) == [
        (ids.SUBMIT_DRAFT, str(number)),
        (ids.NEED_MORE_TIME, str(number)),
        (ids.WITHDRAW, str(number)),
    ]

    move_to(slack, utc(2026, 11, 25, 8, 0))  # Wednesday 09:00: due tomorrow
    for _ in range(3):
        tick(slack)
    assert len(soon(slack, METTE)) == 1
    [second] = tomorrow(slack, METTE)
    assert second.startswith(f"Your draft for #{number} *Ten SEO tips* is due <!date^")

    move_to(slack, utc(2026, 11, 27, 8, 0))  # Friday 09:00: a day late
    for _ in range(3):
        tick(slack)
    move_to(slack, utc(2026, 11, 30, 8, 0))  # and the following Monday: still just the one
    tick(slack)
    [late] = overdue(slack, METTE)
    assert late.startswith(f"Your draft for #{number} *Ten SEO tips* was due <!date^")
    assert "step back" in late
    assert (len(soon(slack, METTE)), len(tomorrow(slack, METTE))) == (1, 1)
    [owner_notice] = dm_texts(slack, OWNER, OWNER_LATE)
    assert owner_notice.startswith(f"<@{METTE}>'s draft for #{number} *Ten SEO tips* was due")

    # Anna handed in her draft before any pass ran: no reminder of any kind, and the owner hears nothing late.
    assert dm_texts(slack, ANNA, "your draft for #2") == [] and dm_texts(slack, ANNA, "Your draft for #2") == []
    assert not any("<@U0ANNA>'s draft" in text for text in dm_texts(slack, OWNER, OWNER_LATE))


def test_a_reminder_waiting_for_working_hours_is_cancelled_when_the_draft_arrives(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    move_to(slack, utc(2026, 11, 23, 21, 0))  # Monday 22:00 in Copenhagen: after working hours

    tick(slack)
    [row] = outbox(slack, "remind:draft:")
    assert row.not_before == utc(2026, 11, 24, 8, 0)  # Tuesday 09:00 in Copenhagen
    assert soon(slack, METTE) == []

    assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/mette", user=METTE)
    slack.settle()
    [row] = outbox(slack, "remind:draft:")
    assert row.sent_at is None and row.failed_at is not None
    assert "cancelled" in (row.last_error or "")

    move_to(slack, utc(2026, 11, 24, 8, 1))
    wake(slack)
    tick(slack)
    assert dm_texts(slack, METTE, "reminder") == [] and dm_texts(slack, METTE, "is due") == []


def test_after_downtime_only_the_latest_reminder_is_sent(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)

    slack.clock.advance(timedelta(days=3))  # nothing ran from Monday to Thursday morning
    tick(slack)
    tick(slack)

    assert soon(slack, METTE) == []
    assert len(tomorrow(slack, METTE)) == 1
    assert [r.dedupe_key.rsplit(":", 1)[1] for r in outbox(slack, "remind:draft:")] == ["d1"]


def test_reminders_off_stops_the_dms_but_the_owner_still_hears_when_a_draft_is_late(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    assert "Reminder DMs are off" in slack.command_reply("reminders off", user=METTE)
    assert slack.member(METTE).reminders_enabled is False

    tick(slack)
    move_to(slack, utc(2026, 11, 25, 8, 0))
    tick(slack)
    move_to(slack, utc(2026, 11, 27, 8, 0))
    tick(slack)
    assert soon(slack, METTE) == [] and tomorrow(slack, METTE) == [] and overdue(slack, METTE) == []
    [notice] = dm_texts(slack, OWNER, OWNER_LATE)
    assert f"<@{METTE}>'s draft for #{number}" in notice

    assert slack.command_reply("reminders on", user=METTE) == "Reminder DMs are on again."
    tick(slack)
    assert len(overdue(slack, METTE)) == 1
    assert len(dm_texts(slack, OWNER, OWNER_LATE)) == 1


def test_a_reminder_that_would_be_held_until_the_next_one_is_due_is_not_sent(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-01")  # a Tuesday: three days before is Saturday
    volunteer(slack, number, METTE)
    move_to(slack, utc(2026, 11, 28, 10, 0))  # Saturday: "3 days to go" could only go out on Monday at 09:00,
    tick(slack)  # which is when "due tomorrow" is due
    assert outbox(slack, "remind:draft:") == []

    move_to(slack, utc(2026, 11, 30, 8, 0))  # Monday 09:00
    tick(slack)
    wake(slack)
    assert soon(slack, METTE) == []  # "3 days to go" would be wrong now, and a second DM at once
    [reminder] = tomorrow(slack, METTE)
    assert "|2026-12-01>" in reminder


# --- working hours and time zones -----------------------------------------------------------------------------


def test_a_reminder_due_at_night_waits_for_nine_the_next_working_morning(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    move_to(slack, utc(2026, 11, 23, 21, 0))  # 22:00 in Copenhagen

    tick(slack)
    assert soon(slack, METTE) == []
    [row] = outbox(slack, "remind:draft:")
    assert row.not_before == utc(2026, 11, 24, 8, 0)

    move_to(slack, utc(2026, 11, 24, 7, 58))  # 08:58: still not
    wake(slack)
    assert soon(slack, METTE) == []
    move_to(slack, utc(2026, 11, 24, 8, 0))
    wake(slack)
    assert len(soon(slack, METTE)) == 1


def test_a_reminder_due_on_friday_evening_arrives_monday_at_nine(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    move_to(slack, utc(2026, 11, 27, 19, 0))  # Friday 20:00 in Copenhagen: the draft is a day late

    tick(slack)
    [row] = outbox(slack, "remind:draft:")
    assert row.dedupe_key.endswith(":overdue")
    assert row.not_before == utc(2026, 11, 30, 8, 0)  # Monday 09:00
    [owner_row] = outbox(slack, "overdue:owner:")
    assert owner_row.not_before == utc(2026, 11, 30, 8, 0)

    move_to(slack, utc(2026, 11, 28, 10, 0))  # Saturday
    wake(slack)
    assert overdue(slack, METTE) == [] and dm_texts(slack, OWNER, OWNER_LATE) == []
    move_to(slack, utc(2026, 11, 30, 8, 0))
    wake(slack)
    assert len(overdue(slack, METTE)) == 1
    assert len(dm_texts(slack, OWNER, OWNER_LATE)) == 1


def test_a_volunteer_in_new_york_is_reminded_at_nine_new_york_time(slack: SlackScenario) -> None:
    slack.fake.add_user(ANNA, name="anna", tz="America/New_York")
    number = slack.create("Ten SEO tips", due="2026-11-26", extra="needs:2")
    volunteer(slack, number, METTE)
    volunteer(slack, number, ANNA)
    assert slack.member(ANNA).tz == "America/New_York"

    tick(slack)  # 09:00 in Copenhagen, 03:00 in New York
    assert len(soon(slack, METTE)) == 1
    assert soon(slack, ANNA) == []

    move_to(slack, utc(2026, 11, 23, 13, 59))  # 08:59 in New York
    tick(slack)
    assert soon(slack, ANNA) == []

    move_to(slack, utc(2026, 11, 23, 14, 0))  # 09:00 in New York
    tick(slack)
    assert len(soon(slack, ANNA)) == 1
    [anna_row] = [r for r in outbox(slack, "remind:draft:") if r.not_before >= utc(2026, 11, 23, 14, 0)]
    assert anna_row.not_before < utc(2026, 11, 23, 14, 1)
    assert len(soon(slack, METTE)) == 1


def test_a_deferred_reminder_waits_for_nine_in_the_volunteers_own_time_zone(slack: SlackScenario) -> None:
    slack.fake.add_user(ANNA, name="anna", tz="America/New_York")
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, ANNA)
    move_to(slack, utc(2026, 11, 24, 2, 0))  # 03:00 in Copenhagen, 21:00 on Monday in New York

    tick(slack)
    [row] = outbox(slack, "remind:draft:")
    assert row.not_before == utc(2026, 11, 24, 14, 0)  # Tuesday 09:00 in New York
    move_to(slack, utc(2026, 11, 24, 8, 0))  # 09:00 in Copenhagen is not her morning
    wake(slack)
    assert soon(slack, ANNA) == []
    move_to(slack, utc(2026, 11, 24, 14, 0))
    wake(slack)
    assert len(soon(slack, ANNA)) == 1


# --- daylight saving --------------------------------------------------------------------------------------------


def test_nine_in_copenhagen_moves_in_utc_across_the_daylight_saving_switches() -> None:
    start = time(9, 0)
    # Spring: clocks go forward on Sunday 2026-03-29.
    assert at_local(date(2026, 3, 28), start, COPENHAGEN) == utc(2026, 3, 28, 8, 0)
    assert at_local(date(2026, 3, 30), start, COPENHAGEN) == utc(2026, 3, 30, 7, 0)
    # Autumn: clocks go back on Sunday 2026-10-25.
    assert at_local(date(2026, 10, 24), start, COPENHAGEN) == utc(2026, 10, 24, 7, 0)
    assert at_local(date(2026, 10, 26), start, COPENHAGEN) == utc(2026, 10, 26, 8, 0)
    # 02:30 does not exist on the spring switch; it is read as 03:30 summer time.
    assert at_local(date(2026, 3, 29), time(2, 30), COPENHAGEN) == utc(2026, 3, 29, 1, 30)
    # Saturday evening before the spring switch waits for Monday 09:00 summer time.
    hours = WorkingHours()
    assert next_working_moment(utc(2026, 3, 28, 20, 0), COPENHAGEN, hours) == utc(2026, 3, 30, 7, 0)
    assert next_working_moment(utc(2026, 10, 24, 20, 0), COPENHAGEN, hours) == utc(2026, 10, 26, 8, 0)


@pytest.mark.parametrize(
    ("deadline", "three_days_before", "one_day_before"),
    [
        # spring-forward on 2026-03-29: 09:00 is 08:00 UTC before it and 07:00 UTC after it
        ("2026-03-31", utc(2026, 3, 28, 8, 0), utc(2026, 3, 30, 7, 0)),
        # fall-back on 2026-10-25: the reverse
        ("2026-10-27", utc(2026, 10, 24, 7, 0), utc(2026, 10, 26, 8, 0)),
    ],
    ids=["spring", "autumn"],
)
def test_reminders_around_a_daylight_saving_switch_come_at_nine_local_time(
    make_slack: Callable[..., SlackScenario],
    deadline: str,
    three_days_before: datetime,
    one_day_before: datetime,
) -> None:
    # Weekends count as working days here, so each reminder is sent the moment it falls due.
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    slack = make_slack(behaviour={"reminders": {"working_hours": {"days": every_day}}})
    move_to(slack, three_days_before - timedelta(days=5))
    number = slack.create("Ten SEO tips", due=deadline)
    volunteer(slack, number, METTE)

    move_to(slack, three_days_before - timedelta(minutes=1))
    tick(slack)
    assert outbox(slack, "remind:draft:") == []
    move_to(slack, three_days_before)
    tick(slack)
    [d3] = outbox(slack, "remind:draft:")
    assert d3.dedupe_key.endswith(":d3")
    assert three_days_before <= d3.not_before < three_days_before + timedelta(minutes=1)
    assert len(soon(slack, METTE)) == 1

    move_to(slack, one_day_before - timedelta(minutes=1))
    tick(slack)
    assert len(outbox(slack, "remind:draft:")) == 1
    move_to(slack, one_day_before)
    tick(slack)
    d1 = outbox(slack, "remind:draft:")[-1]
    assert d1.dedupe_key.endswith(":d1")
    assert one_day_before <= d1.not_before < one_day_before + timedelta(minutes=1)
    assert len(tomorrow(slack, METTE)) == 1


# --- more time --------------------------------------------------------------------------------------------------


def open_extend_form(slack: SlackScenario, *, user: str) -> dict[str, Any]:
    [reminder] = dms(slack, user, SOON)
    press(slack, reminder, ids.NEED_MORE_TIME, user=user)
    [opened] = slack.fake.wait_for("views.open")
    assert opened.ok
    view: dict[str, Any] = opened.params["view"]
    return view


def test_need_more_time_from_the_reminder_asks_the_owner_who_accepts(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    tick(slack)

    view = open_extend_form(slack, user=METTE)
    assert (view["callback_id"], view["private_metadata"]) == (ids.EXTEND_VIEW, str(number))
    [field] = view["blocks"]
    assert field["block_id"] == ids.EXTEND_BLOCK
    assert field["element"]["type"] == "datepicker"
    assert field["element"]["initial_date"] == "2026-12-03"  # a week after the deadline

    # A day that is not later than the deadline keeps the form open with a field error.
    refused = submit_date(slack, number=number, picked=date(2026, 11, 26), user=METTE)
    assert refused.json()["response_action"] == "errors"
    assert "is not later than your current deadline" in refused.json()["errors"][ids.EXTEND_BLOCK]
    slack.settle()
    assert dm_texts(slack, OWNER, "asks for more time") == []

    accepted_form = submit_date(slack, number=number, picked=date(2026, 12, 3), user=METTE)
    assert (accepted_form.status, accepted_form.text) == (200, "")
    slack.settle()
    assert dm_texts(slack, METTE, "I've asked <@U0OWNER> whether you can hand in")
    [ask] = dms(slack, OWNER, "asks for more time")
    assert f"<@{METTE}> asks for more time on #{number} *Ten SEO tips*" in message_text(ask)
    [(accept_id, _), (decline_id, _)] = buttons(ask)
    assert (accept_id, decline_id) == (ids.ACCEPT_EXTENSION, ids.DECLINE_EXTENSION)

    press(slack, ask, ids.ACCEPT_EXTENSION, user=OWNER)
    assert last_response(slack).startswith(f"Done: <@{METTE}>'s draft for #{number} is now due")
    assert place_of(slack, METTE).due_date == date(2026, 12, 3)
    [agreed] = dm_texts(slack, METTE, "agreed")
    assert "|2026-12-03>" in agreed

    press(slack, ask, ids.ACCEPT_EXTENSION, user=OWNER)  # a second click
    assert last_response(slack) == "That request for more time has already been answered."

    # Reminders now follow the new date: nothing for the old one, and "tomorrow" comes for the new one.
    move_to(slack, utc(2026, 11, 25, 8, 0))
    tick(slack)
    move_to(slack, utc(2026, 11, 27, 8, 0))
    tick(slack)
    assert tomorrow(slack, METTE) == [] and overdue(slack, METTE) == []
    assert dm_texts(slack, OWNER, OWNER_LATE) == []
    move_to(slack, utc(2026, 12, 2, 8, 0))
    tick(slack)
    [due_tomorrow] = tomorrow(slack, METTE)
    assert "|2026-12-03>" in due_tomorrow
    assert not any("2026-11-26" in row.dedupe_key for row in outbox(slack, "remind:draft:")[1:])


def test_asking_again_after_an_extension_starts_a_week_after_the_new_date(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    tick(slack)
    assert slack.command_reply(f"extend {number} 2026-12-10", user=METTE).startswith("I've asked")
    slack.settle()
    [ask] = dms(slack, OWNER, "asks for more time")
    press(slack, ask, ids.ACCEPT_EXTENSION, user=OWNER)
    assert place_of(slack, METTE).due_date == date(2026, 12, 10)

    view = open_extend_form(slack, user=METTE)
    [field] = view["blocks"]
    assert field["element"]["initial_date"] == "2026-12-17"
    refused = submit_date(slack, number=number, picked=date(2026, 12, 5), user=METTE)
    assert "is not later than your current deadline" in refused.json()["errors"][ids.EXTEND_BLOCK]
    assert submit_date(slack, number=number, picked=date(2026, 12, 17), user=METTE).text == ""


def test_the_owner_may_decline_and_the_deadline_stays(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)

    reply = slack.command_reply(f"extend {number} 2026-12-01", user=METTE)
    assert reply.startswith("I've asked <@U0OWNER> whether you can hand in #1 by")
    assert "already asked" in slack.command_reply(f"extend {number} 2026-12-02", user=METTE)
    slack.settle()
    [ask] = dms(slack, OWNER, "asks for more time")

    press(slack, ask, ids.DECLINE_EXTENSION, user=OWNER)
    assert last_response(slack).startswith(f"Done: <@{METTE}>'s deadline for #{number} stays")
    [declined] = dm_texts(slack, METTE, "can't move the deadline")
    assert "|2026-11-26>" in declined
    assert place_of(slack, METTE).due_date is None
    with slack.session() as session:
        assert session.exec(select(ExtensionRequest.status)).all() == [ExtensionStatus.DECLINED]

    move_to(slack, utc(2026, 11, 25, 8, 0))
    tick(slack)
    assert "|2026-11-26>" in tomorrow(slack, METTE)[0]


def test_withdraw_on_the_reminder_frees_the_place_for_the_next_in_line(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)
    assert "in line" in slack.command_reply(f"volunteer {number}", user=ANNA)
    tick(slack)
    [reminder] = dms(slack, METTE, SOON)

    press(slack, reminder, ids.WITHDRAW, user=METTE)
    assert last_response(slack) == f"You've stepped back from #{number}. Thanks for letting us know."
    assert place_of(slack, METTE).state is VolunteerState.WITHDRAWN
    assert place_of(slack, ANNA).state is VolunteerState.ACTIVE
    [promoted] = dm_texts(slack, ANNA, "A place opened up")
    assert f"#{number} *Ten SEO tips*" in promoted


# --- nudges and warnings to owners ------------------------------------------------------------------------------


def test_a_draft_waiting_too_long_nudges_the_owner_once(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    volunteer(slack, number, METTE)
    assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/mette", user=METTE)
    slack.settle()

    slack.clock.advance(timedelta(hours=47))
    tick(slack)
    assert dm_texts(slack, OWNER, "waited") == []

    slack.clock.advance(timedelta(hours=2))  # Wednesday 10:00 in Copenhagen: 49 hours
    tick(slack)
    tick(slack)
    [nudge] = dms(slack, OWNER, "waited")
    assert f"<@{METTE}>'s draft (version 1) for #{number} *Ten SEO tips* has waited 49 hours" in message_text(nudge)
    assert [a for a, _ in buttons(nudge)] == [ids.APPROVE_DRAFT, ids.REQUEST_CHANGES]

    press(slack, nudge, ids.APPROVE_DRAFT, user=OWNER)
    assert last_response(slack).startswith(f"Approved <@{METTE}>'s draft (version 1)")


def test_a_request_short_of_volunteers_gets_one_warning_in_its_thread(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-27", extra="needs:2")
    volunteer(slack, number, METTE)
    full = slack.create("Case study", due="2026-11-27")
    volunteer(slack, full, ANNA)
    later = slack.create("Whitepaper", due="2026-12-20")

    for _ in range(3):
        tick(slack)
    request = slack.request(number)
    warnings = [m for m in slack.fake.messages(request.channel_id) if "still needs" in message_text(m)]
    assert len(warnings) == 1
    assert warnings[0]["thread_ts"] == request.card_ts
    assert message_text(warnings[0]).startswith(f"#{number} *Ten SEO tips* still needs volunteers (1 more wanted)")
    assert not any(f"#{later} " in message_text(m) for m in warnings)


# --- texts from app.yaml ------------------------------------------------------------------------------------------


def test_a_reminder_text_from_app_yaml_is_used(make_slack: Callable[..., SlackScenario]) -> None:
    override = "Hej! #{number} skal være klar {deadline} 🙂"
    slack = make_slack(behaviour={"reminders": {"texts": {"REMINDER_DRAFT_SOON": override}}})
    number = slack.create("Ten SEO tips", due="2026-11-26")
    volunteer(slack, number, METTE)

    tick(slack)
    [reminder] = dm_texts(slack, METTE, "Hej!")
    assert reminder.startswith(f"Hej! #{number} skal være klar <!date^")
    assert reminder.endswith("|2026-11-26> 🙂")
    assert soon(slack, METTE) == []


def test_a_text_override_with_an_unknown_field_is_refused_at_start(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(
        'reminders:\n  texts:\n    REMINDER_DRAFT_SOON: "Hej {name}, #{number} is due {deadline}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as refused:
        load_settings(config, environ={})
    message = str(refused.value)
    assert "\n" not in message
    assert "reminders.texts" in message
    assert "REMINDER_DRAFT_SOON" in message and "'name'" in message

    config.write_text('reminders:\n  texts:\n    REMINDER_DRAFT_SOON: "Hej {}, #{number}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="REMINDER_DRAFT_SOON"):
        load_settings(config, environ={})

    config.write_text('reminders:\n  texts:\n    GREETING: "Hej"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="GREETING cannot be overridden"):
        load_settings(config, environ={})


def test_a_reminder_that_could_not_go_out_before_the_next_one_is_dropped_not_sent_beside_it(
    slack: SlackScenario,
) -> None:
    number = slack.create("Ten SEO tips", due="2026-11-26")  # a Thursday: "3 days" on Monday, "1 day" Wednesday
    volunteer(slack, number, METTE)
    move_to(slack, utc(2026, 11, 23, 8, 5))
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=3600)  # Slack holds Cobot back for long
    tick(slack)
    assert soon(slack, METTE) == []
    [three_days] = outbox(slack, "remind:draft:")
    assert three_days.expires_at is not None

    move_to(slack, utc(2026, 11, 25, 8, 5))  # Wednesday: the "1 day" reminder is due, the "3 days" one is stale
    tick(slack)
    wake(slack)
    assert soon(slack, METTE) == [], "the Monday reminder no longer arrives next to Wednesday's"
    assert len(tomorrow(slack, METTE)) == 1
    stale = outbox(slack, "remind:draft:")[0]
    assert stale.failed_at is not None and (stale.last_error or "").startswith("expired")
