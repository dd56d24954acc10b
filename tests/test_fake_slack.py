"""Tests for the fake Slack server, driven through the real slack_sdk clients.

The fake is the foundation for the app's integration tests, so these pin down
that the unmodified SDK sees Slack-like behaviour (errors, 429s, uploads).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from fake_slack import FakeSlack

TOKEN = "xoxb-test-token"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=TOKEN) as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # timeout keeps a broken fake from hanging the suite.
    return WebClient(token=TOKEN, base_url=fake.api_url, timeout=5)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_post_update_and_read_back(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="hello", blocks=[_section("*hello*")])
    ts = posted["ts"]
    reply = client.chat_postMessage(channel="C1", text="in thread", thread_ts=ts)
    client.chat_update(channel="C1", ts=ts, text="bye")
    dm = client.chat_postMessage(channel="U42", text="psst")

    assert dm["channel"] == "DU42"
    assert float(reply["ts"]) > float(ts)
    first, threaded = fake.messages("C1")
    assert first["ts"] == ts
    assert first["text"] == "bye"
    # chat.update without blocks keeps the previous blocks, like Slack.
    assert first["blocks"] == [_section("*hello*")]
    assert first["user"] == "UBOT"
    assert threaded["thread_ts"] == ts
    assert [m["text"] for m in fake.messages("U42")] == ["psst"]

    call = fake.wait_for("chat.postMessage", lambda c: c.params.get("text") == "hello")[0]
    assert call.token == TOKEN
    assert call.params["blocks"] == [_section("*hello*")]
    assert call.ok


def test_form_encoded_json_values_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    # api_call(params=...) sends a form body with blocks as a JSON string.
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": '[{"type": "divider"}]'})
    assert fake.calls_to("chat.postMessage")[0].params["blocks"] == [{"type": "divider"}]


def test_auth_errors(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=fake.api_url).auth_test()
    assert wrong.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=fake.api_url).auth_test()
    assert missing.value.response["error"] == "not_authed"
    assert [c.ok for c in fake.calls] == [False, False]


def test_429_with_retry_after_reaches_the_client(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="hi")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "7"
    assert exc.value.response["error"] == "ratelimited"

    client.chat_postMessage(channel="C1", text="hi")
    assert [c.ok for c in fake.calls_to("chat.postMessage")] == [False, True]
    assert len(fake.messages("C1")) == 1


def test_500_then_success(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("auth.test", status=503)
    with pytest.raises(SlackApiError) as exc:
        client.auth_test()
    assert exc.value.response.status_code == 503
    assert client.auth_test()["user_id"] == "UBOT"


def test_too_many_blocks_rejected_but_recorded(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 51)
    assert exc.value.response["error"] == "invalid_blocks"
    assert fake.calls_to("chat.postMessage")[0].ok is False
    assert fake.messages() == []


@pytest.mark.parametrize(
    ("blocks", "text", "error"),
    [
        ([_section("x" * 3001)], "x", "invalid_blocks"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "x", "invalid_blocks"),
        ([{"text": "no type"}], "x", "invalid_blocks"),
        (None, "x" * 40_001, "msg_too_long"),
        # slack_sdk itself warns about the missing text before sending.
        pytest.param(None, "", "no_text", marks=pytest.mark.filterwarnings("ignore::UserWarning")),
    ],
)
def test_message_validation(client: WebClient, blocks: Any, text: str, error: str) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text=text, blocks=blocks)
    assert exc.value.response["error"] == error


def test_view_validation(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": []}
    with pytest.raises(SlackApiError) as exc:
        client.views_open(trigger_id="123.456", view=view)
    assert exc.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as expired:
        client.views_open(trigger_id="expired", view={**view, "title": {"type": "plain_text", "text": "ok"}})
    assert expired.value.response["error"] == "expired_trigger_id"


def _book_buttons(*action_ids: str) -> list[dict[str, Any]]:
    buttons = [
        {"type": "button", "text": {"type": "plain_text", "text": f"Book {i}"}, "action_id": a, "value": str(i)}
        for i, a in enumerate(action_ids)
    ]
    return [{"type": "actions", "block_id": "slots", "elements": buttons}]


def test_repeated_action_ids_in_one_block_are_refused_like_slack(fake: FakeSlack, client: WebClient) -> None:
    repeated = _book_buttons("cocreate_book_slot", "cocreate_book_slot")
    posted = client.chat_postMessage(channel="C1", text="slots", blocks=_book_buttons("a"))
    attempts = {
        "chat.postMessage": lambda: client.chat_postMessage(channel="C1", text="slots", blocks=repeated),
        "chat.update": lambda: client.chat_update(channel="C1", ts=posted["ts"], text="slots", blocks=repeated),
        "chat.postEphemeral": lambda: client.chat_postEphemeral(channel="C1", user="U1", text="x", blocks=repeated),
        "views.open": lambda: client.views_open(
            trigger_id="123.456",
            view={"type": "modal", "title": {"type": "plain_text", "text": "Slots"}, "blocks": repeated},
        ),
    }
    for method, attempt in attempts.items():
        with pytest.raises(SlackApiError) as exc:
            attempt()
        assert (exc.value.response["ok"], exc.value.response["error"]) == (False, "invalid_blocks"), method
    [message] = fake.messages()
    assert message["blocks"] == _book_buttons("a")  # the refused update changed nothing

    # The same ids in two blocks, or made unique within one, are fine.
    assert client.chat_postMessage(
        channel="C1", text="x", blocks=[*_book_buttons("b"), {**_book_buttons("b")[0], "block_id": "other"}]
    )["ok"]
    assert client.chat_postMessage(channel="C1", text="x", blocks=_book_buttons("b", "b.2"))["ok"]


def test_rate_limit_per_channel_and_workspace(fake: FakeSlack, client: WebClient) -> None:
    fake.set_rate_limits(per_channel_per_second=1)
    client.chat_postMessage(channel="C1", text="1")
    client.chat_postMessage(channel="C1", text="2")  # the burst allowance
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="3")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "1"
    client.chat_postMessage(channel="C2", text="other channel is independent")
    assert fake.rejected_count == 1

    fake.set_rate_limits(workspace_per_minute=2)
    client.chat_postMessage(channel="C3", text="a")
    client.chat_postMessage(channel="C4", text="b")
    with pytest.raises(SlackApiError) as ws:
        client.chat_postMessage(channel="C5", text="c")
    assert int(ws.value.response.headers["Retry-After"]) == 60
    assert fake.rejected_count == 2

    fake.set_rate_limits(workspace_per_minute=120, workspace_window_seconds=1.5)  # 3 posts per 1.5 s
    for text in "abc":
        client.chat_postMessage(channel="C6", text=text)
    with pytest.raises(SlackApiError) as short:
        client.chat_postMessage(channel="C7", text="d")
    assert int(short.value.response.headers["Retry-After"]) == 2
    assert fake.rejected_count == 3


def test_not_in_channel_until_joined(fake: FakeSlack, client: WebClient) -> None:
    fake.set_channel_not_joined("C9")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C9", text="hi")
    assert exc.value.response["error"] == "not_in_channel"
    client.conversations_join(channel="C9")
    client.chat_postMessage(channel="C9", text="hi")


def test_users_info(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", name="mette", real_name="Mette F", locale="da-DK", email="m@example.com")
    user = client.users_info(user="U1", include_locale=True)["user"]
    assert user["locale"] == "da-DK"
    assert user["profile"]["email"] == "m@example.com"
    assert user["tz_offset"] in (3600, 7200)
    assert "locale" not in client.users_info(user="U1")["user"]
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U404")


def test_file_upload_round_trip(fake: FakeSlack, client: WebClient) -> None:
    content = b"PK\x03\x04 not really a spreadsheet"
    result = client.files_upload_v2(content=content, filename="x.xlsx", channel="C1", initial_comment="report")
    file_id = result["file"]["id"]

    assert fake.uploaded_files[file_id] == content
    upload = fake.wait_for("file_upload")[0]
    assert upload.params["_bytes"] == len(content)
    complete = fake.calls_to("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C1"
    assert complete.params["files"][0]["id"] == file_id
    info = fake.file_info(file_id)
    assert info is not None
    assert (info["filename"], info["initial_comment"]) == ("x.xlsx", "report")


def test_response_url(fake: FakeSlack) -> None:
    url = fake.response_url()
    response = WebhookClient(url=url).send(text="done", response_type="ephemeral")
    assert response.status_code == 200
    call = fake.wait_for("response_url")[0]
    assert call.params == {"text": "done", "response_type": "ephemeral", "_url": url}


def test_wait_for_blocks_until_call_and_times_out(fake: FakeSlack, client: WebClient) -> None:
    timer = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later"))
    timer.start()
    try:
        assert fake.wait_for("chat.postMessage", timeout=2)[0].params["text"] == "later"
    finally:
        timer.join()

    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        fake.wait_for("chat.update", timeout=0.05)
    fake.assert_no_call("chat.update", within=0.05)
    with pytest.raises(AssertionError):
        fake.assert_no_call("auth.test", within=0.05)

    fake.reset()
    assert fake.calls == []
    assert len(fake.messages()) == 1


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("pins.add", params={"channel": "C1"})
