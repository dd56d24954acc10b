"""``/cocreate report`` end to end: a signed slash command through the whole Slack app, the acknowledgement at
once, then the workbook built after it and uploaded with files.upload v2 into the person's DM at the fake Slack,
whose received bytes must be a real workbook; progress and the result in the ephemeral reply."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from openpyxl import load_workbook
from reports_support import rows

from harness import SlackScenario, message_text

OWNER = "U0OWNER"
ANNA = "U0ANNA"
BO = "U0BO"
ADMIN = "U0ADMIN"


def uploaded_workbook(slack: SlackScenario, *, timeout: float = 15.0) -> tuple[str, bytes]:
    """The file id and bytes of the (first) upload Cobot completed."""
    call = slack.fake.wait_for("files.completeUploadExternal", lambda c: c.ok, timeout=timeout)[0]
    file_id = call.params["files"][0]["id"]
    return file_id, slack.fake.uploaded_files[file_id]


def replies_by_response_url(slack: SlackScenario) -> list[str]:
    return [str(c.params.get("text")) for c in slack.fake.calls_to("response_url")]


def test_an_owner_gets_a_report_of_their_requests_in_a_dm(slack: SlackScenario) -> None:
    mine = slack.create('=HYPERLINK("https://evil.example") Ærø-tips', user=OWNER)
    slack.command_reply(f"volunteer {mine}", user=ANNA)
    slack.create("Someone else's request", user=BO)
    slack.settle()

    started = time.monotonic()
    response = slack.command("report 2026-11", user=OWNER)
    answered_in = time.monotonic() - started

    assert response.status == 200
    assert answered_in < 3  # Slack's acknowledgement window
    ack = message_text(response.json())
    assert ack.startswith("Building your report on the requests you own for 2026-11…")
    file_id, data = uploaded_workbook(slack)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [
        "Requests",
        "Contributions",
        "Calendar",
        "Summary",
        "Yield",
        "Departments",
        "Silo map",
    ]
    assert [(r["ID"], r["Title"]) for r in rows(workbook, "Requests")] == [
        (mine, '=HYPERLINK("https://evil.example") Ærø-tips')  # shown as typed, kept text by quotePrefix
    ]
    assert [r["Person"] for r in rows(workbook, "Contributions")] == ["anna"]  # her Slack display name
    assert all(c.data_type != "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row)
    info = slack.fake.file_info(file_id)
    assert info is not None
    assert info["filename"] == "cobot-report-2026-11.xlsx"
    assert info["channel_id"] == "DU0OWNER"  # the DM with the owner: reports name people
    assert "requests you own for 2026-11" in str(info["initial_comment"])
    wait_until(lambda: any("is ready" in r for r in replies_by_response_url(slack)))
    replies = replies_by_response_url(slack)
    assert replies[-1] == "Your report for 2026-11 is ready: I've sent `cobot-report-2026-11.xlsx` to you in a DM."
    assert any(r.startswith("Uploading your report for 2026-11 (1 request, 1 contribution)") for r in replies)
    assert len(replies) <= 5  # a response_url takes five messages at most
    assert all(c.params.get("replace_original") in (True, "true") for c in slack.fake.calls_to("response_url"))


def test_admins_get_every_request(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"permissions": {"admins": [ADMIN]}})
    first = slack.create("Mette's request", user=OWNER)
    second = slack.create("Bo's request", user=BO)

    ack = slack.command_reply("report", user=ADMIN)

    assert ack.startswith("Building your report on all requests so far…")
    _, data = uploaded_workbook(slack)
    workbook = load_workbook(io.BytesIO(data))
    assert [r["ID"] for r in rows(workbook, "Requests")] == [first, second]
    assert slack.fake.file_info(uploaded_workbook(slack)[0])["filename"] == "cobot-report-all.xlsx"  # type: ignore[index]


def test_anyone_else_is_politely_refused_and_gets_no_file(slack: SlackScenario) -> None:
    slack.create("Mette's request", user=OWNER)

    ack = slack.command_reply("report", user=ANNA)

    assert ack == (
        "Reports are for request owners and admins, and you don't own a request so far. "
        "`/cocreate mine` shows what you own."
    )
    slack.fake.assert_no_call("files.getUploadURLExternal", within=1.0)
    slack.fake.assert_no_call("files.completeUploadExternal", within=0.1)


def test_a_month_that_is_not_one_gets_a_usage_hint(slack: SlackScenario) -> None:
    slack.create("Mette's request", user=OWNER)

    ack = slack.command_reply("report november", user=OWNER)

    assert ack == "Try `/cocreate report` for everything so far, or `/cocreate report 2026-11` for one month."
    slack.fake.assert_no_call("files.getUploadURLExternal", within=0.5)


def test_profile_fetch_keeps_the_e_mail_address_for_plans(slack: SlackScenario) -> None:
    slack.fake.add_user("U0EVA", name="eva", real_name="Eva Østergaard", email="eva@example.com")

    slack.command_reply("list", user="U0EVA")
    slack.settle()

    assert slack.member("U0EVA").email == "eva@example.com"
    assert slack.member("U0EVA").display_name == "eva"


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
