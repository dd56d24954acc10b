"""Installing Cobot through OAuth ("Add to Slack"), end to end over real HTTP: the install page, Slack's redirect back
with a code, the installation kept in Cobot's database, and then requests from that workspace (or from every
workspace of an Enterprise Grid org installed org-wide) answered, and messages sent, with that installation's token.
Token rotation: a token about to expire is refreshed (``oauth.v2.access`` with the refresh token) before it is used.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from oauth_harness import (
    CLIENT_ID,
    CLIENT_SECRET,
    authorize_query,
    begin_install,
    browse,
    finish_install,
    install,
    start_oauth_scenario,
)
from sqlmodel import Session, select

from bot.entrypoints.cli import main
from bot.slack.manifest import bot_scopes
from fake_slack import Call
from harness import CHANNEL, SIGNING_SECRET, SlackScenario, message_text, payload
from storage.models import SlackInstallation, SlackOAuthState, Workspace

ORG = "E0GRID"


@pytest.fixture
def oauth_slack(sqlite_url: str) -> Iterator[SlackScenario]:
    scenario = start_oauth_scenario(sqlite_url, public_url="https://cobot.example.com")
    yield scenario
    scenario.close()


def installations(slack: SlackScenario) -> list[SlackInstallation]:
    with Session(slack.engine) as session:
        return list(session.exec(select(SlackInstallation).order_by(SlackInstallation.id)))


def workspace_ids(slack: SlackScenario) -> dict[str, str]:
    with Session(slack.engine) as session:
        return {w.external_id: w.name for w in session.exec(select(Workspace))}


def org_command(slack: SlackScenario, text: str, *, team: str, user: str = "U0OWNER") -> str:
    """A slash command from a workspace of the org Cobot was installed in org-wide, as Slack sends it."""
    data = dict(urllib.parse.parse_qsl(slack.command_body(text, team=team, user=user).decode()))
    data.update(enterprise_id=ORG, enterprise_name="Grid Inc", is_enterprise_install="true")
    response = slack.post(urllib.parse.urlencode(data).encode(), content_type="application/x-www-form-urlencoded")
    assert response.status == 200, response
    return message_text(response.json())


def sent_with(slack: SlackScenario, method: str) -> list[Call]:
    return [call for call in slack.fake.calls_to(method) if call.ok]


def test_install_page_sets_the_state_cookie_and_links_to_slacks_authorize_page(oauth_slack: SlackScenario) -> None:
    page_state, cookie = begin_install(oauth_slack)

    assert cookie == f"slack-app-oauth-state={page_state}"
    query = authorize_query(oauth_slack.get("/slack/install").text)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(bot_scopes())]  # what the manifest asks for
    assert query["redirect_uri"] == ["https://cobot.example.com/slack/oauth_redirect"]
    with Session(oauth_slack.engine) as session:
        assert page_state in {row.state for row in session.exec(select(SlackOAuthState))}


def test_a_workspace_installed_through_oauth_is_answered_and_sent_to_with_its_own_token(
    oauth_slack: SlackScenario,
) -> None:
    page = install(oauth_slack, team_id="T0ACME", team_name="Acme & Co")

    assert "Cobot is now installed in Acme &amp; Co" in page.text
    assert "/cocreate help" in page.text
    [row] = installations(oauth_slack)
    assert (row.team_id, row.enterprise_id, row.is_enterprise_install) == ("T0ACME", "", False)
    [token] = oauth_slack.fake.issued_tokens()
    assert row.bot_token == token
    assert workspace_ids(oauth_slack) == {"T0ACME": "Acme & Co"}

    reply = oauth_slack.command_reply("new Ten SEO tips due:2026-12-10", team="T0ACME", user="U0OWNER")
    assert "Posted request #1" in reply
    oauth_slack.settle()

    [card] = sent_with(oauth_slack, "chat.postMessage")
    assert card.params["channel"] == CHANNEL
    assert card.token == token
    assert oauth_slack.request(1, team="T0ACME").card_ts is not None


def test_a_workspace_where_cobot_is_not_installed_is_told_so(oauth_slack: SlackScenario) -> None:
    install(oauth_slack, team_id="T0ACME", team_name="Acme")

    response = oauth_slack.command("new Ten SEO tips due:2026-12-10", team="T0ELSEWHERE")

    assert response.status == 200
    [told] = oauth_slack.fake.wait_for("response_url")
    assert told.params["text"] == (
        "Cobot is not installed in this workspace yet. An admin can add it from "
        "https://cobot.example.com/slack/install (“Add to Slack”)."
    )
    assert "T0ELSEWHERE" not in workspace_ids(oauth_slack)


def test_an_org_wide_install_answers_every_workspace_of_the_org_each_as_its_own_workspace(
    oauth_slack: SlackScenario,
) -> None:
    page = install(oauth_slack, enterprise_id=ORG, enterprise_name="Grid Inc", org_wide=True)

    assert "Cobot is now installed in Grid Inc" in page.text
    [row] = installations(oauth_slack)
    assert (row.enterprise_id, row.team_id, row.is_enterprise_install) == (ORG, "", True)
    [token] = oauth_slack.fake.issued_tokens()

    assert "Posted request #1" in org_command(oauth_slack, "new Ten SEO tips due:2026-12-10", team="T0SALES")
    assert "Posted request #1" in org_command(oauth_slack, "new Webinar recap due:2026-12-11", team="T0SUPPORT")
    oauth_slack.settle()

    # Each workspace of the org is a Cobot workspace of its own, with its own numbering, and both were sent to
    # with the org's token.
    assert {"T0SALES", "T0SUPPORT", ORG} <= set(workspace_ids(oauth_slack))
    assert oauth_slack.request(1, team="T0SALES").title == "Ten SEO tips"
    assert oauth_slack.request(1, team="T0SUPPORT").title == "Webinar recap"
    cards = sent_with(oauth_slack, "chat.postMessage")
    assert len(cards) == 2
    assert {call.token for call in cards} == {token}


def test_a_rotating_token_is_refreshed_before_it_expires_and_the_new_one_is_used(oauth_slack: SlackScenario) -> None:
    # Slack's rotating tokens live 12 hours; one with an hour left is within the two hours Cobot refreshes ahead.
    install(oauth_slack, team_id="T0ACME", team_name="Acme", expires_in=3600)
    [first] = oauth_slack.fake.issued_tokens()
    assert first.startswith("xoxe.xoxb-")
    [row] = installations(oauth_slack)
    assert row.bot_refresh_token is not None and row.bot_token_expires_at is not None

    assert "Posted request #1" in oauth_slack.command_reply("new Ten SEO tips due:2026-12-10", team="T0ACME")
    oauth_slack.settle()

    refreshes = [c for c in sent_with(oauth_slack, "oauth.v2.access") if c.params.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1  # once, though the request and the outbox both needed the token
    [_, refreshed] = oauth_slack.fake.issued_tokens()
    [row] = installations(oauth_slack)
    assert row.bot_token == refreshed
    [card] = sent_with(oauth_slack, "chat.postMessage")
    assert card.token == refreshed


def test_a_token_that_comes_near_its_expiry_while_cobot_runs_is_refreshed_then(oauth_slack: SlackScenario) -> None:
    # Two seconds more than the two hours before expiry at which Cobot refreshes: good for now, due soon.
    install(oauth_slack, team_id="T0ACME", team_name="Acme", expires_in=2 * 3600 + 2)
    [first] = oauth_slack.fake.issued_tokens()
    assert "Posted request #1" in oauth_slack.command_reply("new Ten SEO tips due:2026-12-10", team="T0ACME")
    oauth_slack.settle()
    assert [c.token for c in sent_with(oauth_slack, "chat.postMessage")] == [first]

    time.sleep(2.5)
    assert "Posted request #2" in oauth_slack.command_reply("new Webinar recap due:2026-12-11", team="T0ACME")
    oauth_slack.settle()

    [_, refreshed] = oauth_slack.fake.issued_tokens()
    assert [c.token for c in sent_with(oauth_slack, "chat.postMessage")] == [first, refreshed]
    assert installations(oauth_slack)[0].bot_token == refreshed


def test_a_stale_or_forged_state_gets_a_polite_page_and_installs_nothing(oauth_slack: SlackScenario) -> None:
    state, cookie = begin_install(oauth_slack)
    code = oauth_slack.fake.authorization_code(team_id="T0ACME", team_name="Acme")

    forged = finish_install(oauth_slack, code=code, state="not-the-state", cookie="slack-app-oauth-state=not-the-state")
    other_browser = finish_install(oauth_slack, code=code, state=state, cookie=None)
    oauth_slack.clock.advance(timedelta(minutes=11))  # the state lives ten minutes
    expired = finish_install(oauth_slack, code=code, state=state, cookie=cookie)

    for page in (forged, other_browser, expired):
        assert page.status in (400, 401)
        assert "This install link has expired, or it was opened in another browser" in page.text
        assert 'href="/slack/install"' in page.text
        assert "Traceback" not in page.text
    assert installations(oauth_slack) == []
    assert oauth_slack.fake.calls_to("oauth.v2.access") == []


def test_a_state_is_good_for_one_install_only(oauth_slack: SlackScenario) -> None:
    state, cookie = begin_install(oauth_slack)
    first = finish_install(
        oauth_slack, code=oauth_slack.fake.authorization_code(team_id="T0ACME"), state=state, cookie=cookie
    )
    again = finish_install(
        oauth_slack, code=oauth_slack.fake.authorization_code(team_id="T0OTHER"), state=state, cookie=cookie
    )

    assert first.status == 200
    assert again.status == 401 and "start again" in again.text
    assert [row.team_id for row in installations(oauth_slack)] == ["T0ACME"]


def test_a_cancelled_install_says_so(oauth_slack: SlackScenario) -> None:
    page_state, cookie = begin_install(oauth_slack)

    page = browse(f"{oauth_slack.base_url}/slack/oauth_redirect?error=access_denied&state={page_state}", cookie=cookie)

    assert page.status == 200
    assert "The install was cancelled and nothing was changed" in page.text


def test_installing_again_resumes_a_workspace_cobot_had_stopped_sending_to(oauth_slack: SlackScenario) -> None:
    install(oauth_slack, team_id="T0ACME", team_name="Acme")
    oauth_slack.service.cobot.workspace_lost(platform="slack", workspace="T0ACME", reason="token_revoked")

    install(oauth_slack, team_id="T0ACME", team_name="Acme")

    with Session(oauth_slack.engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == "T0ACME")).one()
    assert workspace.inactive_since is None
    assert len(installations(oauth_slack)) == 1  # the same installation, with the new token
    assert installations(oauth_slack)[0].bot_token == oauth_slack.fake.issued_tokens()[-1]


def test_an_event_from_an_org_wide_install_is_authorized_with_the_orgs_token(oauth_slack: SlackScenario) -> None:
    install(oauth_slack, enterprise_id=ORG, enterprise_name="Grid Inc", org_wide=True)
    assert "Posted request #1" in org_command(oauth_slack, "new Ten SEO tips due:2026-12-10", team="T0SALES")
    oauth_slack.settle()
    request = oauth_slack.request(1, team="T0SALES")

    # An org-wide install's events name the org and no team in their authorizations.
    body = payload("event_callback")
    body.update(team_id="T0SALES", enterprise_id=ORG, event_id="Ev0ORG00001")
    body["authorizations"] = [
        {"enterprise_id": ORG, "team_id": None, "user_id": "UBOT", "is_bot": True, "is_enterprise_install": True}
    ]
    body["event"] = {
        "type": "reaction_added",
        "user": "U0METTE",
        "reaction": "raised_hand",
        "item_user": "UBOT",
        "item": {"type": "message", "channel": request.channel_id, "ts": request.card_ts},
        "event_ts": f"{time.time():.6f}",
    }
    response = oauth_slack.post(json.dumps(body).encode(), content_type="application/json")
    assert response.status == 200
    oauth_slack.settle()

    with Session(oauth_slack.engine) as session:
        from storage.models import Volunteer

        assert len(session.exec(select(Volunteer).where(Volunteer.request_id == request.id)).all()) == 1


def test_with_one_bot_token_there_is_no_install_page_and_the_one_token_sends(slack: SlackScenario) -> None:
    assert slack.get("/slack/install").status == 404
    assert slack.get("/slack/oauth_redirect?code=x&state=y").status == 404

    assert "Posted request #1" in slack.command_reply("new Ten SEO tips due:2026-12-10")
    slack.settle()

    assert [call.token for call in sent_with(slack, "chat.postMessage")] == ["xoxb-test-token"]
    assert installations(slack) == []


def test_cobot_tick_sends_reminders_with_each_workspaces_own_token(
    oauth_slack: SlackScenario,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    install(oauth_slack, team_id="T0ACME", team_name="Acme")
    [token] = oauth_slack.fake.issued_tokens()
    assert "Posted request #1" in oauth_slack.command_reply("new Ten SEO tips due:2026-11-26", team="T0ACME")
    assert "Thank you!" in oauth_slack.command_reply("volunteer 1", team="T0ACME", user="U0METTE")
    oauth_slack.settle()
    oauth_slack.service.sender.stop()  # only the command's own sender may deliver now
    config = tmp_path / "app.yaml"
    config.write_text("timezone: Europe/Copenhagen\n", encoding="utf-8")
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = oauth_slack.service.cobot.settings
    monkeypatch.setenv("COBOT_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", settings.env.database_url)
    monkeypatch.setenv("SLACK_API_URL", oauth_slack.fake.api_url)
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    before = len(sent_with(oauth_slack, "chat.postMessage"))

    assert main(["tick", "--at", "2026-11-23T09:30+01:00"]) == 0

    assert "sent 1 message(s) now" in capsys.readouterr().out
    [reminder] = sent_with(oauth_slack, "chat.postMessage")[before:]
    assert reminder.params["channel"] == "U0METTE"
    assert reminder.token == token


def test_uninstalling_removes_the_installation_and_stops_everything_queued_for_that_workspace(
    oauth_slack: SlackScenario,
) -> None:
    install(oauth_slack, team_id="T0ACME", team_name="Acme")
    install(oauth_slack, team_id="T0BETA", team_name="Beta")
    assert "Posted request #1" in oauth_slack.command_reply("new Ten SEO tips due:2026-12-10", team="T0ACME")
    oauth_slack.settle()

    # Slack tells an OAuth app it was removed with app_uninstalled, from that workspace, naming it.
    uninstalled = oauth_slack.event({"type": "app_uninstalled"}, team="T0ACME")
    assert uninstalled.status == 200
    oauth_slack.settle()

    assert [row.team_id for row in installations(oauth_slack)] == ["T0BETA"], "only Acme's installation went"
    with Session(oauth_slack.engine) as session:
        acme = session.exec(select(Workspace).where(Workspace.external_id == "T0ACME")).one()
    assert acme.inactive_since is not None
    # A command from Acme now finds no installation: Slack's user is told Cobot is not installed, nothing is posted.
    posted = len(sent_with(oauth_slack, "chat.postMessage"))
    oauth_slack.command("new Another due:2026-12-10", team="T0ACME")
    oauth_slack.settle()
    assert len(sent_with(oauth_slack, "chat.postMessage")) == posted
    # Beta is untouched and keeps being answered with its own token.
    assert "Posted request #1" in oauth_slack.command_reply("new Beta tips due:2026-12-10", team="T0BETA")
