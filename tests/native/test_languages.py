"""Cobot speaks each person's language (their choice, else their Slack locale) and each channel's (app.yaml),
through the real catalogs: a Danish colleague gets Danish DMs, a Danish channel gets a Danish card."""

from __future__ import annotations

from bot.runtime.i18n import translator
from handlers import texts
from harness import CHANNEL, SlackScenario, message_text

OWNER, DANE = "U0OWNER", "U0DANSK"


def danish(msgid: str) -> str:
    translated = translator("da")(msgid)
    assert translated != msgid, f"no Danish for {msgid!r}"
    return translated


def test_a_colleague_with_a_danish_slack_locale_gets_danish_dms(slack: SlackScenario) -> None:
    slack.fake.add_user(DANE, name="søren", real_name="Søren Dahl", locale="da-DK")
    slack.create("Ten SEO tips", due="2026-12-10")
    slack.command_reply("volunteer 1", user=DANE)  # first contact: Cobot looks up the profile, locale included
    slack.settle()
    assert slack.member(DANE).locale == "da-DK"

    slack.command_reply("submit 1 https://docs.example.com/soeren", user=DANE)
    slack.command_reply(f"changes 1 <@{DANE}> Tilføj et eksempel", user=OWNER)
    slack.settle()
    [dm] = [m for m in slack.fake.messages(DANE) if "Tilføj et eksempel" in message_text(m)]
    opening = danish(texts.CHANGES_NOTICE).split("{")[0]
    assert message_text(dm).startswith(opening)
    # The owner has no Danish locale: the same conversation reaches them in English.
    assert any("handed in version 1" in message_text(m) for m in slack.fake.messages(OWNER))


def test_choosing_a_language_changes_the_replies_at_once(slack: SlackScenario) -> None:
    reply = slack.command_reply("language da", user=OWNER)
    assert reply == danish(texts.LANGUAGE_SET)
    assert slack.member(OWNER).language == "da"
    help_text = slack.command_reply("help", user=OWNER)
    assert help_text.split("\n")[0] == danish(texts.HELP).split("\n")[0]
    assert slack.command_reply("language en", user=OWNER) == texts.LANGUAGE_SET
    assert "Cobot speaks English and Danish" in slack.command_reply("language fr", user=OWNER)


def test_a_danish_channel_gets_danish_cards(make_slack) -> None:  # type: ignore[no-untyped-def]
    slack = make_slack(behaviour={"languages": {"channels": {CHANNEL: "da"}}})
    slack.create("Ti tips til SEO", due="2026-12-10")
    card = message_text(slack.card(1))
    assert danish(texts.CARD_DEADLINE).split("{")[0] in card
    assert texts.CARD_DEADLINE.split("{")[0] not in card
    # The person who typed the command still gets their own language.
    assert slack.command_reply("list", user=OWNER).startswith("*Open requests*")
