"""The daily analytics poll against a fake Plausible over real HTTP: what it asks (key in the header, the pages and
days each piece still needs), what it stores per day, that polling again changes nothing, that pieces elsewhere
are left alone, and that a server that fails stores nothing, logs once without the key, and is asked again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from analytics_support import KEY, SITE, all_results, analytics_cobot, polled, published_piece
from factories import MutableClock
from fake_plausible import DOCUMENTED_TIMESERIES, INVALID_KEY, FakePlausible
from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import plausible
from bot.runtime.analytics import WorkspacePoll
from bot.runtime.scheduler import FollowUpScheduler
from handlers.outcomes import outcomes_of
from storage import queries

# Monday 23 November 2026, 07:30 in Copenhagen: the poll asks for figures up to Sunday the 22nd.
NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
PUBLISHED = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # Wednesday the 18th
PAGE = "/blog/seo-tips"
URL = f"https://{SITE}{PAGE}?utm_source=linkedin#top"


def day(n: int) -> date:
    return date(2026, 11, n)


@pytest.fixture
def fake() -> Iterator[FakePlausible]:
    with FakePlausible(key=KEY, site_id=SITE) as server:
        yield server


def _traffic(fake: FakePlausible) -> None:
    fake.seen(PAGE, day(17), pageviews=99, visitors=99)  # before it was published: not asked for
    fake.seen(PAGE, day(18), pageviews=40, visitors=25)
    fake.seen(PAGE, day(19), pageviews=30, visitors=20)
    fake.seen(f"{PAGE}/", day(19), pageviews=2, visitors=1)  # the same page, counted with a trailing slash
    fake.seen(PAGE, day(21), pageviews=10, visitors=8)  # nobody came on the 20th: Plausible has no row for it
    fake.seen(PAGE, day(22), pageviews=5, visitors=4)
    fake.seen(PAGE, day(23), pageviews=7, visitors=7)  # today: not over, not asked for
    fake.seen("/about", day(20), pageviews=500, visitors=300)  # another page of the site


def test_the_poll_asks_with_the_key_for_each_day_since_publishing_and_stores_each_days_figures(
    engine: Engine, fake: FakePlausible
) -> None:
    number = published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW))

    [poll] = poller.run(cobot)

    [received] = fake.requests
    assert received.path == "/api/v2/query"
    assert received.authorization == f"Bearer {KEY}"
    assert received.content_type == "application/json"
    assert received.body == {
        "site_id": SITE,
        "metrics": ["pageviews", "visitors"],
        "date_range": ["2026-11-18", "2026-11-22"],
        "dimensions": ["event:page", "time:day"],
        "filters": [["is", "event:page", [PAGE, f"{PAGE}/"]]],
        "pagination": {"limit": 10_000, "offset": 0},
    }
    assert polled(engine, number) == {
        (day(18), "views"): 40,
        (day(18), "visitors"): 25,
        (day(19), "views"): 32,
        (day(19), "visitors"): 21,
        (day(21), "views"): 10,
        (day(21), "visitors"): 8,
        (day(22), "views"): 5,
        (day(22), "visitors"): 4,
    }
    assert (poll.asked, poll.stored, poll.failed) == (1, 8, None)
    [piece] = poll.pieces
    assert (piece.number, piece.start, piece.end, piece.totals) == (
        number,
        day(18),
        day(22),
        (("views", 87), ("visitors", 58)),
    )
    with Session(engine) as session:
        request = queries.get_request_by_number(session=session, workspace_id=poll.workspace_id, number=number)
        assert request is not None and request.id is not None
        outcome = outcomes_of(session=session, workspace_id=poll.workspace_id, request_ids=[request.id])[request.id]
    assert outcome.ordered() == [("views", 87), ("visitors", 58)]


def test_polling_again_changes_nothing_and_the_next_day_asks_from_the_day_before_the_last_one_polled(
    engine: Engine, fake: FakePlausible
) -> None:
    number = published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    clock = MutableClock(NOW)
    cobot, poller = analytics_cobot(engine, fake.base_url, clock)
    poller.run(cobot)
    first = polled(engine, number)

    [again] = poller.run(cobot)
    assert polled(engine, number) == first
    assert all_results(engine) == len(first) == 8
    assert fake.queries()[-1]["date_range"] == ["2026-11-21", "2026-11-22"]  # late visits to the 21st still count
    assert again.stored == 4  # the 21st and 22nd, stored again as they were

    # A day later: Sunday's count grew (late data) and Monday's is complete.
    fake.seen(PAGE, day(22), pageviews=6, visitors=5)
    clock.advance(timedelta(days=1).total_seconds())
    poller.run(cobot)
    assert fake.queries()[-1]["date_range"] == ["2026-11-21", "2026-11-23"]
    now_stored = polled(engine, number)
    assert (now_stored[(day(22), "views")], now_stored[(day(23), "views")]) == (6, 7)
    assert sum(v for (_, metric), v in now_stored.items() if metric == "views") == 87 + 1 + 7


def test_a_piece_published_elsewhere_is_left_alone_and_www_counts_as_the_site(
    engine: Engine, fake: FakePlausible
) -> None:
    elsewhere = published_piece(engine, url="https://www.linkedin.com/posts/seo-tips", at=PUBLISHED, title="Post")
    lookalike = published_piece(engine, url=f"https://{SITE}.evil.test{PAGE}", at=PUBLISHED, title="Lookalike")
    www = published_piece(engine, url=f"https://www.{SITE}/cases/acme/", at=PUBLISHED, title="Case")
    fake.seen("/cases/acme", day(20), pageviews=3, visitors=3)
    fake.seen("/posts/seo-tips", day(20), pageviews=1000, visitors=1000)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW))

    [poll] = poller.run(cobot)

    assert fake.queries()[0]["filters"] == [["is", "event:page", ["/cases/acme", "/cases/acme/"]]]
    assert (poll.asked, poll.elsewhere) == (1, 2)
    assert polled(engine, www) == {(day(20), "views"): 3, (day(20), "visitors"): 3}
    assert polled(engine, elsewhere) == polled(engine, lookalike) == {}


def test_only_pieces_published_in_the_last_published_within_days_are_polled(
    engine: Engine, fake: FakePlausible
) -> None:
    old = published_piece(engine, url=f"https://{SITE}/old", at=NOW - timedelta(days=11), title="Old")
    recent = published_piece(engine, url=f"https://{SITE}/recent", at=NOW - timedelta(days=9), title="Recent")
    today = published_piece(engine, url=f"https://{SITE}/today", at=NOW - timedelta(minutes=5), title="Today")
    fake.seen("/old", day(20), pageviews=1)
    fake.seen("/recent", day(20), pageviews=2)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW), published_within_days=10)

    [poll] = poller.run(cobot)

    assert fake.queries()[0]["filters"] == [["is", "event:page", ["/recent", "/recent/"]]]
    assert poll.asked == 1
    assert polled(engine, recent)[(day(20), "views")] == 2
    assert polled(engine, old) == polled(engine, today) == {}


def test_a_big_answer_is_read_page_by_page(
    engine: Engine, fake: FakePlausible, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plausible, "PAGE_ROWS", 2)
    number = published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW))

    poller.run(cobot)

    assert [q["pagination"] for q in fake.queries()] == [
        {"limit": 2, "offset": 0},
        {"limit": 2, "offset": 2},
        {"limit": 2, "offset": 4},
    ]
    assert len(polled(engine, number)) == 8


def test_the_fakes_answers_have_the_documented_shape(engine: Engine, fake: FakePlausible) -> None:
    published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW))
    poller.run(cobot)
    # The fake answers a timeseries query the way the documented example does, so the poll reads Plausible's shape.
    import json
    import urllib.request

    query = {"site_id": SITE, "metrics": ["visitors", "events"], "date_range": ["2026-11-18", "2026-11-19"]}
    request = urllib.request.Request(
        f"{fake.base_url}/api/v2/query",
        data=json.dumps({**query, "dimensions": ["time:day"]}).encode(),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.load(response)
    assert answer.keys() == DOCUMENTED_TIMESERIES.keys()
    assert [row.keys() for row in answer["results"]] == [row.keys() for row in DOCUMENTED_TIMESERIES["results"]]
    assert answer["results"][0] == {"metrics": [25, 0], "dimensions": ["2026-11-18"]}
    assert set(DOCUMENTED_TIMESERIES["query"]) <= set(answer["query"])


# --- failures --------------------------------------------------------------------------------------------


FAILURES = {
    "refused key": (401, '{"error": "' + INVALID_KEY + '"}', {}, 0.0, "refused the API key for example.com (HTTP 401"),
    "server error": (500, "<html>Internal Server Error</html>", {}, 0.0, "had a server error (HTTP 500)"),
    "bad gateway": (502, "", {}, 0.0, "had a server error (HTTP 502)"),
    "rate limited for an hour": (429, '{"error": "Too many"}', {"Retry-After": "3600"}, 0.0, "rate limiting (HTTP 429"),
    "not JSON": (
        200,
        "<html>Sign in</html>",
        {"Content-Type": "text/html"},
        0.0,
        "answered something that is not JSON",
    ),
    "JSON of another shape": (200, '{"results": [{"metrics": ["a"]}]}', {}, 0.0, "a result row Cobot cannot read"),
    "timeout": (200, '{"results": []}', {}, 3.0, "no answer from 127.0.0.1"),
}


@pytest.mark.parametrize("failure", list(FAILURES), ids=list(FAILURES))
def test_a_failing_server_stores_nothing_logs_once_without_the_key_and_is_asked_again_next_time(
    failure: str, engine: Engine, fake: FakePlausible, caplog: pytest.LogCaptureFixture
) -> None:
    status, body, headers, delay, reason = FAILURES[failure]
    number = published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    clock = MutableClock(NOW)
    cobot, poller = analytics_cobot(engine, fake.base_url, clock, timeout_seconds=1)
    fake.fail_next(status, body, headers=headers, delay=delay)
    scheduler = FollowUpScheduler(cobot, tick_seconds=3600, digest_cron="0 9 * * mon", analytics=poller)

    with caplog.at_level(logging.INFO):
        scheduler.poll_analytics()  # the job, as APScheduler calls it: it must not raise

    assert all_results(engine) == 0
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert reason in warnings[0].getMessage()
    assert "stored nothing" in warnings[0].getMessage()
    assert all(KEY not in r.getMessage() and KEY not in str(r.exc_info) for r in caplog.records)
    # The next day's poll (the claim is per day) asks for the same days and more, and stores them.
    clock.advance(timedelta(days=1).total_seconds())
    scheduler.poll_analytics()
    assert fake.queries()[-1]["date_range"] == ["2026-11-18", "2026-11-23"]
    assert polled(engine, number)[(day(18), "views")] == 40


def test_a_short_retry_after_is_waited_out_once(engine: Engine, fake: FakePlausible) -> None:
    number = published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW))
    fake.fail_next(429, '{"error": "Too many API requests."}', headers={"Retry-After": "1"})

    [poll] = poller.run(cobot)

    assert poll.failed is None
    assert len(fake.requests) == 2
    assert polled(engine, number)[(day(22), "views")] == 5


def test_each_workspace_is_polled_once_a_day_however_many_processes_run_the_job(
    engine: Engine, fake: FakePlausible
) -> None:
    number = published_piece(engine, url=URL, at=PUBLISHED)
    _traffic(fake)
    fake.fail_next(200, '{"results": [], "meta": {}, "query": {}}', delay=0.3)  # slow enough for both to overlap
    processes = [analytics_cobot(engine, fake.base_url, MutableClock(NOW)) for _ in range(3)]
    polls: list[list[WorkspacePoll]] = []
    threads = [
        threading.Thread(target=lambda c=cobot, p=poller: polls.append(list(p.run(c, claim=True))))
        for cobot, poller in processes
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(fake.requests) == 1
    assert sorted(poll[0].claimed_elsewhere for poll in polls) == [False, True, True]
    # By hand (`cobot analytics poll`) it polls anyway, and that day's figures are stored.
    cobot, poller = processes[0]
    poller.run(cobot)
    assert len(fake.requests) == 2
    assert polled(engine, number)[(day(18), "views")] == 40


def test_one_workspaces_failed_poll_does_not_stop_the_next_ones(engine: Engine, fake: FakePlausible) -> None:
    first = published_piece(engine, url=URL, at=PUBLISHED, workspace="T1")
    second = published_piece(engine, url=URL, at=PUBLISHED, workspace="T2")
    _traffic(fake)
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW))
    fake.fail_next(503, "<html>Service Unavailable</html>")

    polls = poller.run(cobot)

    assert [(p.workspace, p.failed is None) for p in polls] == [("T1", False), ("T2", True)]
    assert polled(engine, first, workspace="T1") == {}
    assert polled(engine, second, workspace="T2")[(day(18), "views")] == 40
