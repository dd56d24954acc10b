"""Cobot's App Home tab: opened, it shows a person's places, requests, matching calls and settings; it is
refreshed when something it shows changes (for people who have opened it); it pages long lists and never
exceeds Slack's 100 blocks."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from bot.slack import ids
from fake_slack import view_errors
from harness import SlackScenario, message_text
from storage.db import transaction
from storage.models import Member, MemberSkill

OWNER, ANNA, BO = "U0OWNER", "U0ANNA", "U0BO"


def open_home(slack: SlackScenario, user: str) -> dict[str, Any]:
    before = len(published(slack, user))
    response = slack.event(
        {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": "1700000000.000001"}
    )
    assert response.status == 200
    slack.settle()
    views = published(slack, user)
    assert len(views) == before + 1
    return views[-1]


def published(slack: SlackScenario, user: str) -> list[dict[str, Any]]:
    views = [c.params["view"] for c in slack.fake.calls_to("views.publish") if c.ok and c.params["user_id"] == user]
    for view in views:
        assert view["type"] == "home"
        assert len(view["blocks"]) <= 100
        assert view_errors(view) == []
    return views


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def last_response(slack: SlackScenario) -> str:
    """The text of the latest answer to a click, sent to the interaction's response_url."""
    calls = slack.fake.calls_to("response_url")
    assert calls, "Cobot answered no click through its response_url"
    return message_text(calls[-1].params)


def give_skills(slack: SlackScenario, user: str, *skills: str) -> None:
    with transaction(slack.engine) as session:
        member = session.exec(select(Member).where(Member.user_id == user)).one()
        for skill in skills:
            session.add(MemberSkill(member_id=member.id or 0, skill=skill, workspace_id=member.workspace_id))


def test_opening_home_shows_places_requests_matching_calls_and_settings(slack: SlackScenario) -> None:
    slack.create("Ten SEO tips", due="2026-12-10", extra="skills:seo")
    slack.create("Kundevideo", due="2026-12-12", extra="skills:video")
    slack.command_reply("volunteer 2", user=ANNA)
    give_skills(slack, ANNA, "seo")

    home = text_of(open_home(slack, ANNA))
    assert "#2 *Kundevideo*" in home and "no draft yet" in home  # where Anna helps, with its buttons
    for action_id in (ids.SUBMIT_DRAFT, ids.NEED_MORE_TIME, ids.WITHDRAW):
        assert action_id in home
    assert "#1 *Ten SEO tips* · wants seo" in home  # an open call for her skill, with a Volunteer button
    assert ids.VOLUNTEER in home
    assert "Skills: seo" in home and "Reminder DMs are on." in home

    owner_home = text_of(open_home(slack, OWNER))
    assert "#1 *Ten SEO tips* · open" in owner_home and "drafts to review: 0" in owner_home


def test_home_is_refreshed_when_what_it_shows_changes_but_only_for_people_who_opened_it(slack: SlackScenario) -> None:
    slack.create("Ten SEO tips", due="2026-12-10", extra="needs:2")
    open_home(slack, ANNA)
    slack.command_reply("volunteer 1", user=ANNA)
    slack.command_reply("volunteer 1", user=BO)  # Bo never opened his Home
    slack.settle()
    latest = text_of(published(slack, ANNA)[-1])
    assert "#1 *Ten SEO tips*" in latest and ids.SUBMIT_DRAFT in latest
    assert published(slack, BO) == []

    slack.command_reply("submit 1 https://docs.example.com/anna", user=ANNA)
    slack.settle()
    assert "draft in review" in text_of(published(slack, ANNA)[-1])


def test_a_waiting_draft_can_be_reviewed_from_the_owners_home(slack: SlackScenario) -> None:
    slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply("volunteer 1", user=ANNA)
    slack.command_reply("submit 1 https://docs.example.com/anna", user=ANNA)
    home = text_of(open_home(slack, OWNER))
    assert "drafts to review: 1" in home
    assert "waits for your review" in home and ids.APPROVE_DRAFT in home and ids.REQUEST_CHANGES in home


def test_settings_can_be_changed_from_home(slack: SlackScenario) -> None:
    open_home(slack, ANNA)
    assert slack.click(ids.SET_REMINDERS, "off", user=ANNA, channel="D0HOME").status == 200
    slack.settle()
    assert slack.member(ANNA).reminders_enabled is False
    assert "Reminder DMs are off." in text_of(published(slack, ANNA)[-1])
    slack.click(ids.SET_RECOGNITION, "off", user=ANNA, channel="D0HOME")
    slack.settle()
    assert slack.member(ANNA).listed_in_digest is False
    assert "does not name you" in text_of(published(slack, ANNA)[-1])


def ask_menu(view: dict[str, Any]) -> dict[str, Any]:
    [menu] = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ids.SET_ASKS]
    return menu


def shown(menu: dict[str, Any]) -> tuple[str, list[str]]:
    """The menu's chosen option and all its options, as the person reads them."""
    return menu["initial_option"]["text"]["text"], [o["text"]["text"] for o in menu["options"]]


def test_how_often_one_may_be_asked_is_chosen_from_home(slack: SlackScenario) -> None:
    chosen, options = shown(ask_menu(open_home(slack, ANNA)))
    assert chosen == "Workspace default (4 a month)"
    assert options == ["Workspace default (4 a month)", "Never", "At most once a month", "At most 2 times a month"]

    assert slack.click(ids.SET_ASKS, selected="1", user=ANNA, channel="D0HOME").status == 200
    slack.settle()
    assert slack.member(ANNA).asks_per_month == 1
    assert shown(ask_menu(published(slack, ANNA)[-1]))[0] == "At most once a month"
    assert last_response(slack) == "Cobot will invite you at most once a month. `/cocreate asks default` to undo."

    slack.click(ids.SET_ASKS, selected="never", user=ANNA, channel="D0HOME")
    slack.settle()
    assert slack.member(ANNA).asks_per_month == 0
    assert shown(ask_menu(published(slack, ANNA)[-1]))[0] == "Never"

    slack.click(ids.SET_ASKS, selected="default", user=ANNA, channel="D0HOME")
    slack.settle()
    assert slack.member(ANNA).asks_per_month is None
    assert shown(ask_menu(published(slack, ANNA)[-1]))[0] == "Workspace default (4 a month)"


def test_the_ask_setting_follows_the_command_and_opting_out(slack: SlackScenario) -> None:
    open_home(slack, ANNA)
    assert slack.command_reply("asks 3", user=ANNA).startswith("Cobot will invite you at most 3 times a month.")
    slack.settle()
    chosen, options = shown(ask_menu(published(slack, ANNA)[-1]))
    assert chosen == "At most 3 times a month" and "At most 3 times a month" in options  # a number Home doesn't offer
    slack.command_reply("invitations off", user=ANNA)
    slack.settle()
    assert shown(ask_menu(published(slack, ANNA)[-1]))[0] == "Never"  # opted out: Home says so
    assert slack.member(ANNA).asks_per_month == 3

    for typed in ("asks -1", "asks 21", "asks often", "asks"):
        assert "Say how often Cobot may invite you, at most 20 times a month" in slack.command_reply(typed, user=ANNA)
    assert slack.member(ANNA).asks_per_month == 3 and slack.member(ANNA).invitations_enabled is False

    slack.command_reply("asks 2", user=ANNA)  # choosing how often is saying yes again
    assert slack.member(ANNA).invitations_enabled is True and slack.member(ANNA).asks_per_month == 2


def test_a_danish_colleague_sees_the_ask_setting_in_danish(slack: SlackScenario) -> None:
    slack.command_reply("language da", user=BO)
    chosen, options = shown(ask_menu(open_home(slack, BO)))
    assert chosen == "Arbejdsområdets standard (4 om måneden)"
    assert options[1:] == ["Aldrig", "Højst én gang om måneden", "Højst 2 gange om måneden"]
    assert "Hvor ofte Cobot må invitere dig" in text_of(published(slack, BO)[-1])

    slack.click(ids.SET_ASKS, selected="2", user=BO, channel="D0HOME")
    slack.settle()
    assert shown(ask_menu(published(slack, BO)[-1]))[0] == "Højst 2 gange om måneden"
    assert last_response(slack).startswith("Cobot inviterer dig højst 2 gange om måneden.")


def test_long_lists_are_paged_and_stay_within_100_blocks(slack: SlackScenario) -> None:
    for i in range(20):
        slack.command_reply(f"new Opgave {i} med æøå due:2026-12-{10 + i % 15:02d} skills:seo", user=OWNER)
        slack.command_reply(f"volunteer {i + 1}", user=ANNA)
    slack.settle()
    first = open_home(slack, ANNA)
    assert "Page 1 of 4 (20 in all)" in text_of(first)
    assert len(first["blocks"]) <= 100

    assert slack.click(ids.HOME_PAGE, "places:2", user=ANNA, channel="D0HOME").status == 200
    slack.settle()
    second = published(slack, ANNA)[-1]
    assert "Page 2 of 4 (20 in all)" in text_of(second)
    assert text_of(second) != text_of(first)

    owner = open_home(slack, OWNER)
    assert len(owner["blocks"]) <= 100
    assert "(20 in all)" in text_of(owner)


def test_the_manifest_enables_the_home_tab() -> None:
    from bot.slack.manifest import build_manifest

    manifest = build_manifest(request_url=None, socket_mode=True)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_home_points_to_the_open_calls_below_only_when_there_are_some(slack: SlackScenario) -> None:
    slack.create("Ten SEO tips", due="2026-12-10", extra="skills:seo")
    slack.command_reply("skills add video", user=ANNA)
    nothing_below = text_of(open_home(slack, ANNA))
    assert "The open calls below" not in nothing_below
    assert "When one wants your skills it shows up here" in nothing_below

    slack.command_reply("skills add seo", user=ANNA)
    with_calls = text_of(open_home(slack, ANNA))
    assert "The open calls below are a good place to start." in with_calls
    assert "#1 *Ten SEO tips* · wants seo" in with_calls
