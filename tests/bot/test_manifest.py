"""The Slack app manifest is derived from the listeners Cobot registers: exactly those commands, the events they
need with their scopes, every button and form Cobot shows has a listener, and ``cobot manifest`` prints YAML that
Slack's "From an app manifest" dialog can take."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.entrypoints.cli import main
from bot.slack import ids
from bot.slack.blocks import notice_message, request_card, request_changes_modal, submit_draft_modal
from bot.slack.manifest import EVENT_SUBSCRIPTIONS, TRANSPORT_SCOPES, build_manifest, registered
from handlers import texts
from handlers.results import Action, ActionKind, CardView, Notice, PartView, t
from storage.models import RequestStatus

URL = "https://cobot.example.org/slack/events"


@pytest.fixture(autouse=True)
def no_local_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cobot`` reads ./app.yaml and $COBOT_CONFIG; these tests run with neither."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COBOT_CONFIG", raising=False)


def test_the_manifest_lists_exactly_the_registered_commands() -> None:
    found = registered()
    assert found.commands == [ids.COMMAND]
    commands = build_manifest(request_url=URL, socket_mode=False)["features"]["slash_commands"]
    assert [c["command"] for c in commands] == found.commands
    (cocreate,) = commands
    assert cocreate["should_escape"] is True, "mentions must arrive as <@U…> for `approve 12 @person`"
    assert cocreate["description"]
    assert "help" in cocreate["usage_hint"]


def test_events_become_bot_events_and_bring_their_scopes() -> None:
    found = registered()
    manifest = build_manifest(request_url=URL, socket_mode=False)
    bot_events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert bot_events == sorted({sub for event in found.events for sub in EVENT_SUBSCRIPTIONS[event][0]})
    assert {"reaction_added", "reaction_removed", "message.channels", "message.groups"} <= set(bot_events)

    scopes = manifest["oauth_config"]["scopes"]["bot"]
    expected = {"commands", *TRANSPORT_SCOPES, *(s for e in found.events for s in EVENT_SUBSCRIPTIONS[e][1])}
    assert scopes == sorted(expected)
    assert {"chat:write", "channels:join", "users:read", "reactions:read", "channels:history"} <= set(scopes)


def action_ids(blocks: list[dict[str, Any]]) -> set[str]:
    return {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"] if "action_id" in e}


def test_every_button_and_form_cobot_shows_has_a_listener() -> None:
    found = registered()

    def card(parts: tuple[PartView, ...]) -> CardView:
        return CardView(
            number=1,
            title="Ten tips",
            brief="",
            format=None,
            skills=(),
            deadline=date(2026, 12, 10),
            status=RequestStatus.OPEN,
            owner="U0OWNER",
            needed=1,
            holders=(),
            waiting=(),
            parts=parts,
        )

    shown = action_ids(request_card(card(())))
    shown |= action_ids(request_card(card((PartView(1, "Intro", 1, (), ()),))))
    review = Notice(
        t(texts.NEW_DRAFT_FOR_OWNER, user="U0ANNA", version=1, number=1, title="x"),
        actions=tuple(Action(kind, "7", texts.BUTTON_APPROVE) for kind in ActionKind),
    )
    shown |= action_ids(notice_message(review)[1])
    assert shown <= set(found.actions)
    assert {ids.VOLUNTEER, ids.PICK_PART, ids.WITHDRAW, ids.SUBMIT_DRAFT} <= shown
    forms = {submit_draft_modal(number=1, title="x")["callback_id"], request_changes_modal(draft_id=7)["callback_id"]}
    assert forms <= set(found.views)


def test_socket_mode_has_no_request_urls() -> None:
    manifest = build_manifest(request_url=URL, socket_mode=True)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert "request_url" not in settings["event_subscriptions"]
    assert "request_url" not in settings["interactivity"]
    assert settings["interactivity"]["is_enabled"] is True
    assert all("url" not in c for c in manifest["features"]["slash_commands"])


def test_http_mode_sends_commands_interactions_and_events_to_one_url() -> None:
    manifest = build_manifest(request_url=URL, socket_mode=False)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["event_subscriptions"]["request_url"] == URL
    assert settings["interactivity"]["request_url"] == URL
    assert [c["url"] for c in manifest["features"]["slash_commands"]] == [URL]


def test_cobot_manifest_prints_yaml_that_parses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "--url", URL]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ")
    assert yaml.safe_load(out) == build_manifest(request_url=URL, socket_mode=False)

    assert main(["manifest", "--socket"]) == 0
    socket = yaml.safe_load(capsys.readouterr().out)
    assert socket == build_manifest(request_url=None, socket_mode=True)
    assert socket["display_information"]["name"] == "Cobot"


def test_cobot_refuses_a_broken_config_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "app.yaml").write_text("timezon: UTC\n", encoding="utf-8")
    assert main(["manifest"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("cobot: app.yaml: timezon")
    assert captured.err.count("\n") == 1


def test_cobot_manifest_without_a_url_asks_for_one_instead_of_inventing_a_host(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["manifest"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "", "no manifest with a placeholder host is printed"
    assert captured.err.count("\n") == 1
    assert "--url https://<your host>/slack/events" in captured.err
    assert "example.com" not in captured.err


def test_cobot_manifest_refuses_a_url_slack_would_not_send_to(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "--url", "http://cobot.example.org/slack/events"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "HTTPS" in captured.err and "--url https://<your host>/slack/events" in captured.err


def test_an_http_manifest_is_never_built_with_a_made_up_host() -> None:
    with pytest.raises(ValueError, match="request URL"):
        build_manifest(request_url=None, socket_mode=False)


def test_an_oauth_manifest_has_the_redirect_url_token_rotation_and_org_wide_installs() -> None:
    manifest = build_manifest(request_url=URL, socket_mode=False, oauth=True)

    assert manifest["oauth_config"]["redirect_urls"] == [URL.removesuffix("/slack/events") + "/slack/oauth_redirect"]
    assert (
        manifest["oauth_config"]["scopes"]
        == build_manifest(request_url=URL, socket_mode=False)["oauth_config"]["scopes"]
    )
    assert manifest["settings"]["token_rotation_enabled"] is True
    assert manifest["settings"]["org_deploy_enabled"] is True
    # With one bot token, nothing of it.
    plain = build_manifest(request_url=URL, socket_mode=False)
    assert "redirect_urls" not in plain["oauth_config"]
    assert plain["settings"]["token_rotation_enabled"] is False
    assert plain["settings"]["org_deploy_enabled"] is False


def test_cobot_manifest_oauth_by_flag_or_by_the_client_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["manifest", "--url", URL, "--oauth"]) == 0
    flagged = capsys.readouterr().out
    assert yaml.safe_load(flagged) == build_manifest(request_url=URL, socket_mode=False, oauth=True)
    assert "SLACK_CLIENT_ID" in flagged.split("display_information")[0]

    monkeypatch.setenv("SLACK_CLIENT_ID", "1111111111.2222222222")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    assert main(["manifest", "--url", URL]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["settings"]["token_rotation_enabled"] is True


def test_cobot_manifest_refuses_oauth_in_socket_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "--socket", "--oauth"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Socket Mode runs with one bot token" in captured.err
