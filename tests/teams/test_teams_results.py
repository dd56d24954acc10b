"""`/cocreate results` on Teams: figures typed by the owner are stored; without figures there is no form on Teams,
so the answer is how to type them; anyone else is refused."""

from __future__ import annotations

from teams_harness import ANNA, OWNER, TeamsScenario


def test_the_owner_types_results_and_without_figures_is_told_how(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
    teams.command("published 1 https://blog.example.com/seo", user=OWNER, in_channel=True)
    teams.settle()

    hint = teams.command("results 1", user=OWNER, in_channel=True)
    saved = teams.command("resultater 1 visninger:1.200 kundeemner:3", user=OWNER, in_channel=True)
    teams.install_personal(ANNA)
    refused = teams.command("results 1 views:5", user=ANNA)

    assert "Name the published request and its figures so far" in hint
    assert "Saved. #1" in saved and "1200 views · 3 leads" in saved
    assert "Only the request's owner" in refused and "can give the results of #1" in refused
