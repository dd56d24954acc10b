"""A person's language from their very first message (issue 14.23): someone whose Slack locale is da-DK gets their
first answer in Danish, not English until the profile look-up comes back; and nobody waits long for it."""

from __future__ import annotations

import time

from harness import SlackScenario, message_text

DANISH_NEWCOMER = "U0NYDANSK"


def test_a_danish_newcomers_first_answer_is_in_danish(slack: SlackScenario) -> None:
    slack.fake.add_user(DANISH_NEWCOMER, name="sofie", real_name="Sofie Ærø", locale="da-DK")
    number = slack.create("Ten SEO tips", due="2026-12-10")

    first = slack.command_reply(f"volunteer {number}", user=DANISH_NEWCOMER)
    assert first.startswith("Tak"), first  # Danish from the first answer on
    assert len(slack.fake.calls_to("users.info")) >= 1
    slack.settle()
    looked_up = [c for c in slack.fake.calls_to("users.info") if c.params.get("user") == DANISH_NEWCOMER]
    assert len(looked_up) == 1  # asked once, before answering; the outbox's look-up was called off


def test_a_profile_slack_cannot_give_at_once_comes_later_and_the_answer_does_not_wait(slack: SlackScenario) -> None:
    slack.fake.add_user(DANISH_NEWCOMER, name="sofie", locale="da-DK")
    number = slack.create("Ten SEO tips", due="2026-12-10")
    slack.fake.fail_next("users.info", status=503)

    started = time.monotonic()
    response = slack.command(f"volunteer {number}", user=DANISH_NEWCOMER)
    took = time.monotonic() - started
    assert response.status == 200 and took < 2.0, took  # well inside Slack's 3 seconds
    assert "Thank you" in message_text(response.json())  # the workspace default, this once
    slack.settle()
    assert slack.member(DANISH_NEWCOMER).locale == "da-DK"  # the queued look-up filled it in
