"""Tracked links behind ``cobot teams``' aiohttp app: a piece published from Teams gets its link, which that app
answers like ``cobot serve`` (302 with UTM, counted once, previews not), and Teams' own link preview counts nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select
from tracking.tracked_support import BROWSER, PUBLIC_URL, open_link

from storage.models import TrackedLink
from teams_harness import OWNER, TeamsScenario, start_teams

TEAMS_PREVIEW = "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com"


@pytest.fixture
def teams(sqlite_url: str) -> Iterator[TeamsScenario]:
    scenario = start_teams(sqlite_url, behaviour={"server": {"public_url": PUBLIC_URL}})
    yield scenario
    scenario.close()


def test_a_piece_published_on_teams_has_a_tracked_link_served_by_cobot_teams(teams: TeamsScenario) -> None:
    assert teams.install_in_team().status == 202
    teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
    answer = teams.command("published 1 https://example.com/seo?x=1", user=OWNER)
    with teams.session() as session:
        link = session.exec(select(TrackedLink)).one()
    assert f"{PUBLIC_URL}/r/{link.code}" in answer

    assert open_link(teams.base_url, f"/r/{link.code}", agent=TEAMS_PREVIEW).status == 302
    followed = open_link(teams.base_url, f"/r/{link.code}", agent=BROWSER)
    assert followed.status == 302
    assert followed.location == "https://example.com/seo?x=1&utm_source=cobot&utm_medium=share&utm_campaign=cobot-1"
    assert open_link(teams.base_url, "/r/nothing000").status == 404
    with teams.session() as session:
        assert session.exec(select(TrackedLink.clicks)).one() == 1
