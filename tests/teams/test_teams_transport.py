"""Delivery to Teams through the outbox: Teams' throttling and errors, as the fake connector answers them over
real HTTP, and the pacing of posts into one conversation.

429 waits for ``Retry-After`` without counting as a failed attempt and holds that conversation meanwhile; 412, 502
and 504 back off and retry until the message goes through; other 4xx fail the message for good; a conversation
gets about one message a second while another conversation is not held up.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import col, select

from handlers import notify, texts
from handlers.context import Ctx
from handlers.results import Notice, Reply, t
from storage.models import OutboxMessage
from teams_harness import ANNA, BO, OWNER, TeamsScenario, User


def queue_dm(teams: TeamsScenario, user: User, key: str) -> None:
    """A DM queued the way handlers queue them (``handlers.notify``), in the Teams workspace."""

    def queue(ctx: Ctx) -> Reply:
        notify.to_user(ctx, user_id=user.aad, notice=Notice(t(texts.REMINDERS_ON)), key=key)
        return Reply(())

    teams.service.cobot.act(queue, platform="teams", workspace=teams.tenant, user_id=OWNER.aad)


def row(teams: TeamsScenario, key: str) -> OutboxMessage:
    with teams.session() as session:
        return session.exec(select(OutboxMessage).where(col(OutboxMessage.dedupe_key).endswith(key))).one()


def statuses_to(teams: TeamsScenario, conversation: str) -> list[int]:
    """What the connector answered to the posts into ``conversation`` after the set-up (the welcomes)."""
    return [c.status for c in teams.fake.calls("POST")[teams.set_up :] if f"/conversations/{conversation}/" in c.path]


def ready(teams: TeamsScenario, *users: User) -> None:
    teams.install_in_team()
    for user in users:
        teams.install_personal(user)
    teams.set_up = len(teams.fake.calls("POST"))


def wait_for_attempts(teams: TeamsScenario, key: str, attempts: int) -> OutboxMessage:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = row(teams, key)
        if found.attempts == attempts and found.claimed_until is None:
            return found
        time.sleep(0.01)
    raise AssertionError(f"{key} never reached {attempts} attempts")


def test_429_waits_for_retry_after_without_counting_an_attempt_and_holds_the_conversation(
    teams: TeamsScenario,
) -> None:
    ready(teams, ANNA, BO)
    teams.fake.fail_next(429, retry_after=30, path_contains=ANNA.personal)
    queue_dm(teams, ANNA, "first")
    teams.settle()
    throttled = row(teams, "first")
    assert throttled.sent_at is None and throttled.attempts == 0
    assert throttled.last_error == "throttled by Teams (429)"
    wait = (throttled.not_before - teams.clock()).total_seconds()
    assert 27 < wait <= 30

    # Anna's chat is held until Retry-After has passed; Bo's is not.
    queue_dm(teams, ANNA, "second")
    queue_dm(teams, BO, "other")
    teams.settle()
    assert row(teams, "other").sent_at is not None
    assert row(teams, "second").sent_at is None and row(teams, "second").last_error == "throttled by Teams"
    assert statuses_to(teams, ANNA.personal) == [429]

    teams.clock.advance(timedelta(seconds=31))
    teams.settle()
    assert row(teams, "first").sent_at is not None and row(teams, "second").sent_at is not None
    assert statuses_to(teams, ANNA.personal) == [429, 201, 201]


def test_412_502_and_504_are_retried_with_backoff_until_the_message_goes_through(teams: TeamsScenario) -> None:
    ready(teams, ANNA)
    for status in (412, 502, 504):
        teams.fake.fail_next(status, path_contains=ANNA.personal)
    queue_dm(teams, ANNA, "bumpy")
    for attempt, backoff in ((1, 2), (2, 4), (3, 8)):
        waiting = wait_for_attempts(teams, "bumpy", attempt)
        assert waiting.sent_at is None and waiting.last_error and "Teams answered" in waiting.last_error
        assert backoff - 1 < (waiting.not_before - teams.clock()).total_seconds() <= backoff
        teams.clock.advance(timedelta(seconds=backoff))
        teams.service.sender.wake()
    teams.settle()
    assert row(teams, "bumpy").sent_at is not None
    assert statuses_to(teams, ANNA.personal) == [412, 502, 504, 201]
    assert sum("reminder dms are on again" in m.text.casefold() or m.card is not None for m in teams.dms(ANNA)) >= 1


def test_other_client_errors_fail_the_message_for_good(teams: TeamsScenario) -> None:
    ready(teams, ANNA)
    teams.fake.fail_next(403, path_contains=ANNA.personal)  # e.g. the person removed Cobot
    queue_dm(teams, ANNA, "gone")
    teams.settle()
    failed = row(teams, "gone")
    assert failed.failed_at is not None and failed.sent_at is None
    assert failed.last_error == "Teams answered 403"
    assert statuses_to(teams, ANNA.personal) == [403]


def test_a_dm_to_someone_cobot_never_met_fails_politely(teams: TeamsScenario) -> None:
    ready(teams)
    stranger = User("29:1stranger", "aaaaaaaa-0000-4000-8000-00000000ffff", "Stranger")
    queue_dm(teams, stranger, "stranger")
    teams.settle()
    assert "never met them in Teams" in (row(teams, "stranger").last_error or "")


def test_posts_into_one_conversation_are_paced_about_one_a_second(make_teams: Callable[..., TeamsScenario]) -> None:
    teams = make_teams(behaviour={"outbox": {"channel_interval_seconds": 1.0}})
    ready(teams, ANNA, BO)
    for key in ("a1", "a2", "a3"):
        queue_dm(teams, ANNA, key)
    queue_dm(teams, BO, "b1")
    teams.settle()
    to_anna = [c.at for c in teams.fake.calls("POST") if ANNA.personal in c.path and c.status == 201]
    to_bo = [c.at for c in teams.fake.calls("POST") if BO.personal in c.path and c.status == 201]
    assert len(to_anna) == 3 + 1 and len(to_bo) == 1 + 1  # each got a welcome on install, then the DMs
    dms = to_anna[1:]
    gaps = [later - earlier for earlier, later in itertools.pairwise(dms)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert to_bo[-1] - dms[0] < 0.9, "another conversation is not held up by Anna's"
