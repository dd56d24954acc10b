"""The guest's page behind ``cobot teams``' aiohttp app: a guest invited from Teams opens their link, accepts and
hands in a draft on the page, and the owner gets it as a Teams DM, as from a colleague."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from web.guest_support import GuestClient, guest_behaviour, smtp_environment, token_for

from storage.models import Draft
from teams_harness import OWNER, TeamsScenario, start_teams, visible_text


@pytest.fixture
def teams_guests(sqlite_url: str) -> Iterator[TeamsScenario]:
    scenario = start_teams(sqlite_url, behaviour=guest_behaviour(), environment=smtp_environment())
    yield scenario
    scenario.close()


def test_a_guest_invited_on_teams_hands_in_on_the_page_served_by_cobot_teams(teams_guests: TeamsScenario) -> None:
    teams = teams_guests
    assert teams.install_in_team().status == 202
    teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
    answer = teams.command('guest 1 anne@example.com name:"Anne Holm"', user=OWNER)
    assert "Invited Anne Holm (guest)" in answer
    token = token_for(teams.service.cobot)
    page = GuestClient(teams.base_url)

    opened = page.get(f"/guest/{token}")
    assert opened.status == 200 and "Ten SEO tips" in opened.text
    assert "default-src 'none'" in opened.header("content-security-policy")
    assert opened.header("referrer-policy") == "no-referrer"
    assert page.get("/guest/" + "z" * 43).status == 404
    assert page.submit(token, "accept").status == 303
    handed = page.submit(token, "text", {"text": "Tip 1: write for people."})
    assert handed.status == 303
    assert "Got it: version 1 of your draft." in page.get(handed.header("location")).text

    # A file bigger than the Teams endpoint's 1 MB limit for activities: the page reads its own bodies.
    big = b"%PDF-1.4\n" + b"0" * (1536 * 1024)
    uploaded = page.submit_file(token, file_name="udkast.pdf", data=big)
    assert uploaded.status == 303, uploaded.text[:500]

    teams.settle()
    notes = [visible_text(m) for m in teams.dms(OWNER)]
    assert any("Anne Holm (guest) handed in version 1" in note for note in notes), notes
    with teams.session() as session:
        first, second = session.exec(select(Draft).order_by(col(Draft.version))).all()
    assert first.text == "Tip 1: write for people." and first.source == "guest_page"
    assert second.file_name == "udkast.pdf"
