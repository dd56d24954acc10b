"""When Cobot is removed from a Slack workspace: ``app_uninstalled``, ``tokens_revoked`` for the bot, or a Web API
answer like ``invalid_auth`` stop all sending there at once (nothing queued is retried, no follow-ups run); a
working token brings the workspace back. Signed events over HTTP, the fake Slack Web API answering.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from followup_support import METTE, OWNER, move_to, tick, utc
from sqlmodel import col, select

from harness import TEAM, SlackScenario
from storage.models import OutboxMessage, Workspace


def workspace(slack: SlackScenario) -> Workspace:
    with slack.session() as session:
        return session.exec(select(Workspace).where(Workspace.external_id == TEAM)).one()


def unsent(slack: SlackScenario) -> list[OutboxMessage]:
    with slack.session() as session:
        return list(
            session.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None)
                )
            ).all()
        )


def a_request_with_a_volunteer(slack: SlackScenario) -> int:
    move_to(slack, utc(2026, 11, 20, 9, 0))
    number = slack.create("Ten SEO tips", due="2026-11-26")
    assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=METTE)
    slack.settle()
    return number


def test_app_uninstalled_stops_every_send_and_every_follow_up(slack: SlackScenario) -> None:
    number = a_request_with_a_volunteer(slack)
    slack.fake.fail_next("chat.update", status=429, retry_after=3600)  # a card refresh waits in the outbox
    slack.command_reply(f"withdraw {number}", user=METTE)
    slack.settle()
    assert unsent(slack), "something is still queued when the app is removed"

    response = slack.event({"type": "app_uninstalled"})
    assert response.status == 200
    assert workspace(slack).inactive_since is not None
    assert unsent(slack) == [], "nothing queued is retried"
    with slack.session() as session:
        given_up = session.exec(select(OutboxMessage).where(col(OutboxMessage.failed_at).is_not(None))).all()
    assert given_up and all("app_uninstalled" in (m.last_error or "") for m in given_up)

    calls_before = len(slack.fake.calls)
    move_to(slack, utc(2026, 11, 23, 8, 5))  # the "3 days before" reminder time, and the digest's Monday
    summary = tick(slack)
    assert summary.total == 0 and summary.workspaces == 0
    slack.service.sender.drain_until_idle()
    assert len(slack.fake.calls) == calls_before, "no Web API call for a workspace Cobot was removed from"


def test_tokens_revoked_for_a_person_only_changes_nothing(slack: SlackScenario) -> None:
    a_request_with_a_volunteer(slack)
    response = slack.event({"type": "tokens_revoked", "tokens": {"oauth": [METTE]}})
    assert response.status == 200
    assert workspace(slack).inactive_since is None


def test_tokens_revoked_for_the_bot_stops_sending(slack: SlackScenario) -> None:
    a_request_with_a_volunteer(slack)
    response = slack.event({"type": "tokens_revoked", "tokens": {"oauth": [OWNER], "bot": ["UBOT"]}})
    assert response.status == 200
    assert workspace(slack).inactive_reason == "tokens_revoked"


def test_invalid_auth_from_the_web_api_stops_sending_and_a_working_token_resumes_it(slack: SlackScenario) -> None:
    number = a_request_with_a_volunteer(slack)
    slack.fake.fail_next("chat.update", status=200, error="invalid_auth")
    updates_before = len(slack.fake.calls_to("chat.update"))
    slack.command_reply(f"withdraw {number}", user=METTE)
    slack.settle()
    assert workspace(slack).inactive_reason == "invalid_auth"
    assert len(slack.fake.calls_to("chat.update")) == updates_before + 1, "one failed call, no retries"

    move_to(slack, slack.clock() + timedelta(days=3))
    assert tick(slack).total == 0

    # The app is installed again (or given a new token): the start-up check finds the token working.
    assert slack.service.token_works()
    assert workspace(slack).inactive_since is None
    later = slack.create("Case study", due="2026-12-20")
    assert slack.card(later)["ts"], "cards are posted again"


@pytest.mark.parametrize("error", ["account_inactive", "token_revoked"])
def test_every_answer_that_means_the_workspace_is_gone_stops_sending_without_a_retry(
    slack: SlackScenario, error: str
) -> None:
    number = a_request_with_a_volunteer(slack)
    slack.fake.fail_next("chat.update", status=200, error=error)
    updates_before = len(slack.fake.calls_to("chat.update"))
    slack.command_reply(f"withdraw {number}", user=METTE)
    slack.settle()
    assert workspace(slack).inactive_reason == error
    assert unsent(slack) == [], "nothing queued is left to retry"
    move_to(slack, slack.clock() + timedelta(days=3))
    assert tick(slack).total == 0
    slack.service.sender.drain_until_idle()
    assert len(slack.fake.calls_to("chat.update")) == updates_before + 1, "one failed call, no retries"


def test_team_access_revoked_stops_the_named_workspaces_and_team_access_granted_resumes_them(
    slack: SlackScenario,
) -> None:
    number = a_request_with_a_volunteer(slack)
    slack.fake.fail_next("chat.update", status=429, retry_after=3600)  # a card refresh waits in the outbox
    slack.command_reply(f"withdraw {number}", user=METTE)
    slack.settle()
    assert unsent(slack)

    response = slack.event({"type": "team_access_revoked", "team_ids": [TEAM, "T0NEVERSEEN"]})
    assert response.status == 200
    assert workspace(slack).inactive_reason == "team_access_revoked"
    assert unsent(slack) == []
    calls_before = len(slack.fake.calls)
    move_to(slack, utc(2026, 11, 23, 8, 5))
    assert tick(slack).total == 0
    slack.service.sender.drain_until_idle()
    assert len(slack.fake.calls) == calls_before

    response = slack.event({"type": "team_access_granted", "team_ids": [TEAM]})
    assert response.status == 200
    assert workspace(slack).inactive_since is None
    later = slack.create("Case study", due="2026-12-20")
    assert slack.card(later)["ts"], "cards are posted again"
