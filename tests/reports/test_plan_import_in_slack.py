"""Importing a content plan in Slack, through the real served app and the fake Slack: `/cocreate import` explains
how (admins only); an admin shares the .xlsx in the DM with Cobot and gets a dry run; shared again with the comment
`import` it is imported (requests posted, Slot cells booked), all or nothing; the file is fetched from its private
download address with the bot token, and nobody but an admin gets anything imported or downloaded."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from factories import row_counts
from test_plan_import import good_row, plan_bytes

from harness import SlackScenario, message_text

ADMIN = "U0ADMIN"
ANNA = "U0ANNA"
LINKEDIN = {"name": "LinkedIn", "weekdays": ["tue"], "time": "10:00"}


@pytest.fixture
def slack(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    scenario = make_slack(behaviour={"permissions": {"admins": [ADMIN]}, "publishing": {"slots": [LINKEDIN]}})
    scenario.fake.add_user(ADMIN, name="admin", real_name="Ada Admin")
    return scenario


def readable(text: str) -> str:
    """Slack's date tokens (``<!date^…|2026-12-01 09:00 UTC>``) as their fallback text."""
    return re.sub(r"<!date\^[^|>]*\|([^>]*)>", r"\1", text)


def dm_texts(slack: SlackScenario, user: str) -> list[str]:
    """What Cobot wrote in its DM with ``user``, oldest first."""
    return [readable(message_text(m)) for m in slack.fake.messages(user)]


def wait_for_dm(slack: SlackScenario, user: str, *, count: int, timeout: float = 10.0) -> str:
    """The ``count``-th message in the DM with ``user`` (waiting for it), as text."""
    deadline = time.monotonic() + timeout
    while len(dm_texts(slack, user)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"no message #{count} in the DM with {user}: {dm_texts(slack, user)}")
        slack.service.sender.wake()
        time.sleep(0.02)
    return dm_texts(slack, user)[count - 1]


def share(slack: SlackScenario, user: str, data: bytes, *, comment: str = "", name: str = "plan.xlsx") -> None:
    event: dict[str, Any] = slack.fake.share_file(user, name=name, content=data, comment=comment)
    assert slack.event(event).status == 200


def plan_rows(slack: SlackScenario) -> dict[str, int]:
    """How many requests, parts, one-off slots and bookings the database holds."""
    counts = row_counts(slack.engine)
    return {table: counts[table] for table in ("content_request", "request_part", "publishing_slot", "slot_booking")}


def plan() -> bytes:
    return plan_bytes(
        plan=[
            good_row("LinkedIn post", Owner="U0OWNER", Slot="LinkedIn 2026-12-01"),
            good_row("Newsletter piece", Owner="U0ANNA", Channel=None, Slot="Newsletter 2026-12-07"),
        ],
        slots=[[None, "Newsletter", date(2026, 12, 7), None, None, "09:00", None]],
    )


def test_slash_import_explains_how_to_admins_and_refuses_anyone_else(slack: SlackScenario) -> None:
    assert (
        slack.command_reply("import", user=ANNA) == "Only Cobot's admins can import content plans. Please ask U0ADMIN."
    )

    how = slack.command_reply("import", user=ADMIN)

    assert how.startswith("To import a content plan, share the .xlsx file with me in a direct message")
    assert "with the comment `import`" in how
    assert "`/cocreate import`" in slack.command_reply("help", user=ANNA)


def test_a_plan_shared_in_the_dm_is_dry_run_then_imported_and_its_slots_booked(slack: SlackScenario) -> None:
    slack.command_reply("list", user="U0OWNER")  # Mette and Anna have met Cobot; the plan names them by id
    slack.command_reply("list", user=ANNA)
    before = plan_rows(slack)

    share(slack, ADMIN, plan())
    dry_run = wait_for_dm(slack, ADMIN, count=1)

    assert dry_run.startswith("Dry run, nothing was changed: importing plan.xlsx would add 2 requests and 1 slot."), (
        dry_run
    )
    assert "Plan!K2: would be booked into LinkedIn 2026-12-01 09:00 UTC" in dry_run
    assert dry_run.endswith("Looks right? Share the file with me again with the comment `import` to import it.")
    assert plan_rows(slack) == before
    download = slack.fake.wait_for("file_download")[0]
    assert download.token == "xoxb-test-token"  # the private address answers only with the bot token

    share(slack, ADMIN, plan(), comment="import")
    done = wait_for_dm(slack, ADMIN, count=2)

    assert done.startswith("Imported 2 requests and 1 slot from plan.xlsx."), done
    assert "Plan!K2: #1 booked into LinkedIn 2026-12-01 09:00 UTC" in done
    assert "Plan!K3: #2 booked into Newsletter 2026-12-07 08:00 UTC" in done
    assert slack.request(1).title == "LinkedIn post"
    assert slack.request(2).title == "Newsletter piece"
    slots = readable(slack.command_reply("slots", user=ANNA))
    assert "LinkedIn* · #1 *LinkedIn post*" in slots, slots
    assert "Newsletter* · #2 *Newsletter piece*" in slots, slots
    slack.settle()
    assert any(m.get("ts") == slack.request(1).card_ts for m in slack.fake.messages("C0MARKETING"))


def test_a_slot_conflict_refuses_the_whole_shared_plan(slack: SlackScenario) -> None:
    slack.command_reply("list", user="U0OWNER")
    share(
        slack,
        ADMIN,
        plan_bytes(plan=[good_row("First", Owner="U0OWNER", Slot="LinkedIn 2026-12-01")]),
        comment="import",
    )
    assert wait_for_dm(slack, ADMIN, count=1).startswith("Imported 1 request and 0 slots from plan.xlsx.")
    slack.settle()
    before = row_counts(slack.engine)

    late = plan_bytes(
        plan=[good_row("Fine", Owner="U0OWNER"), good_row("Late", Owner="U0OWNER", Slot="LinkedIn 2026-12-01")]
    )
    share(slack, ADMIN, late, comment="import")
    refused = wait_for_dm(slack, ADMIN, count=2)

    assert refused == (
        "plan.xlsx: 1 problem, so nothing was imported:\n"
        "Plan!K3: LinkedIn 2026-12-01 09:00 UTC is already booked for #1; pick another slot"
    )
    after = row_counts(slack.engine)
    # Only the upload's event id and the answer itself were kept.
    assert after == before | {
        "processed_event": before["processed_event"] + 1,
        "outbox": before["outbox"] + 1,
    }
    assert [slack.request(1).title] == ["First"]
    assert "#2" not in slack.command_reply("list", user=ADMIN)


def test_a_plan_shared_by_someone_else_is_refused_without_downloading_it(slack: SlackScenario) -> None:
    share(slack, ANNA, plan(), comment="import")

    assert wait_for_dm(slack, ANNA, count=1) == "Only Cobot's admins can import content plans. Please ask U0ADMIN."
    slack.fake.assert_no_call("files.info", within=0.3)
    slack.fake.assert_no_call("file_download", within=0.1)
    assert "#1" not in slack.command_reply("list", user=ADMIN)


def test_a_file_that_is_no_workbook_gets_the_readers_message(slack: SlackScenario) -> None:
    share(slack, ADMIN, b"Title;Deadline;Owner\nTips;2026-12-10;U0OWNER\n", comment="import")

    answer = wait_for_dm(slack, ADMIN, count=1)

    assert answer.startswith("plan.xlsx: 1 problem, so nothing was imported:\nplan.xlsx is a CSV text file"), answer


def test_other_files_and_files_in_channels_are_left_alone(slack: SlackScenario) -> None:
    share(slack, ADMIN, b"%PDF-1.4", name="brief.pdf")
    in_channel = slack.fake.share_file(ADMIN, name="plan.xlsx", content=plan(), channel="C0MARKETING")
    assert slack.event(in_channel).status == 200

    slack.fake.assert_no_call("files.info", within=0.5)
    assert dm_texts(slack, ADMIN) == []
