"""Every recorded Teams activity in ``../shared/teams_activities/`` (Microsoft's documentation, SDK test fixtures
and a proxy's recordings of a real Teams bot; see that folder's INDEX.md) sent in order through Cobot's real Teams
endpoint, in the unauthenticated mode the Teams tests use, with the fake Bot Framework connector answering: each is
answered 2xx and none logs an ERROR.

As the folder's INDEX.md says, only the service URL and the bot's id are adapted: ``serviceUrl`` becomes the fake
connector, and the recorded bot's id (the activity's ``recipient``) becomes Cobot's wherever it appears (the
recipient, ``membersAdded``/``membersRemoved``, mentions). Whatever a recording lacks stays missing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from log_records import Records
from shared_files import shared
from teams_harness import BOT_ID, TeamsScenario, start_teams

# The repository's sibling folder ``shared`` (in a worktree, /work/wt/shared links to it).
TEAMS_ACTIVITIES = shared("teams_activities")


@dataclass(frozen=True)
class RecordedActivity:
    name: str
    kind: str
    activity: dict[str, Any]


def recorded_activities() -> list[RecordedActivity]:
    """Every recorded activity, in file-name order."""
    found = []
    for path in sorted(TEAMS_ACTIVITIES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(RecordedActivity(name=path.stem, kind=str(data["kind"]), activity=data["activity"]))
    return found


def adapted(activity: dict[str, Any], *, service_url: str) -> dict[str, Any]:
    """The activity as Teams would send it to Cobot through the fake connector."""
    adapted = json.loads(json.dumps(activity))
    adapted["serviceUrl"] = service_url
    recipient = adapted.get("recipient")
    recorded_bot = recipient.get("id") if isinstance(recipient, dict) else None
    if not recorded_bot:
        return adapted
    recipient["id"] = BOT_ID
    for key in ("membersAdded", "membersRemoved"):
        for member in adapted.get(key) or []:
            if member.get("id") == recorded_bot:
                member["id"] = BOT_ID
    for entity in adapted.get("entities") or []:
        mentioned = entity.get("mentioned") if entity.get("type") == "mention" else None
        if isinstance(mentioned, dict) and mentioned.get("id") == recorded_bot:
            mentioned["id"] = BOT_ID
    return adapted


@pytest.fixture
def teams(sqlite_url: str) -> Iterator[TeamsScenario]:
    scenario = start_teams(sqlite_url)
    yield scenario
    scenario.close()


def describe(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
    return f"{record.levelname} {record.name}: {text[:400]}"


def test_every_recorded_teams_activity_is_answered_without_an_error(teams: TeamsScenario, records: Records) -> None:
    recorded = recorded_activities()
    if not recorded:
        pytest.skip(f"no recorded Teams activities at {TEAMS_ACTIVITIES} (the shared folder is not next to the repo)")
    records.take()
    problems: list[str] = []
    for item in recorded:
        response = teams.post(adapted(item.activity, service_url=teams.fake.url))
        teams.settle()
        errors = [describe(r) for r in records.take() if r.levelno >= logging.ERROR]
        if not 200 <= response.status < 300:
            problems.append(f"{item.name} ({item.kind}): HTTP {response.status} {response.text[:200]}")
        if errors:
            problems.append(f"{item.name} ({item.kind}): logged {errors}")
    assert problems == [], "\n".join(problems)
