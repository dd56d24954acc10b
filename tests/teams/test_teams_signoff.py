"""Sign-off on Teams, through the real endpoint against the fake connector: the contributor's approval DM carries a
Sign off button that opens a dialog with the approved version, byline, bio and the places as a multi-select; bad
input is shown in the dialog, a good answer closes it and is recorded, and publishing then goes through."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from bot.teams import cards
from storage.models import RequestStatus, SignOff
from teams_harness import ANNA, OWNER, TeamsScenario, all_actions, card_text, visible_text

SLOTS = {
    "slots": [
        {"name": "LinkedIn", "weekdays": ["tue"], "time": "10:00"},
        {"name": "Blog, EN", "day": "15", "time": "09:00"},
    ]
}


def test_sign_off_in_a_dialog_then_publish(make_teams: Callable[..., TeamsScenario]) -> None:
    teams = make_teams(behaviour={"publishing": SLOTS})
    teams.install_in_team()
    teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
    teams.install_personal(ANNA)
    teams.command("volunteer 1", user=ANNA)
    teams.command("submit 1 https://docs.example.com/anna", user=ANNA)
    teams.settle()  # the owner's DM about the draft first, so it is not taken for the answer to what comes next
    assert "Approved" in teams.command("approve 1 @Anna Bæk", user=OWNER, in_channel=True, mention=(ANNA,))
    teams.settle()
    [dm] = [m for m in teams.dms(ANNA) if "Please sign off version 1" in visible_text(m)]
    assert [a["title"] for a in all_actions(dm.card)] == ["Sign off"]

    refused = teams.command("published 1 https://blog.example.com/seo", user=OWNER, in_channel=True)
    assert "Not everyone has signed off #1 yet: <at>Anna Bæk</at>." in refused

    dialog = teams.open_dialog(dm, "Sign off", user=ANNA).json()
    assert isinstance(dialog["task"]["value"], dict), dialog
    assert dialog["task"]["value"]["title"] == "Sign off"
    form = dialog["task"]["value"]["card"]["content"]
    inputs = {b["id"]: b for b in form["body"] if b["type"].startswith("Input.")}
    assert list(inputs) == list(cards.SIGNOFF_INPUTS.values())
    assert inputs["cobot_byline"]["value"] == "Anna Bæk"
    assert "https://docs.example.com/anna" in card_text(form)
    # Nothing planned for the request: the workspace's slots, all chosen to start with, by a value with no comma.
    places = inputs["cobot_places"]
    assert [c["title"] for c in places["choices"]] == ["LinkedIn", "Blog, EN"]
    blog = cards.place_choice("slot:Blog, EN")
    assert places["value"] == f"{cards.place_choice('slot:LinkedIn')},{blog}"

    bad = teams.submit_dialog(
        dialog,
        user=ANNA,
        conversation=ANNA.personal,
        inputs={"cobot_byline": " ", "cobot_bio": "x" * 300, "cobot_places": ""},
    ).json()
    assert bad["task"]["type"] == "continue"
    shown = card_text(bad["task"]["value"]["card"]["content"])
    assert "Give the name to publish your contribution under" in shown and "The bio is 300 characters long" in shown
    assert "Choose at least one place" in shown
    with teams.session() as session:
        assert session.exec(select(SignOff)).all() == []

    done = teams.submit_dialog(
        dialog,
        user=ANNA,
        conversation=ANNA.personal,
        inputs={"cobot_byline": "Anna B.", "cobot_bio": "SEO", "cobot_places": blog},
    ).json()
    assert done["task"]["type"] == "message"
    assert done["task"]["value"].startswith("Signed off version 1 of your draft for #1, as Anna B.")
    with teams.session() as session:
        [row] = session.exec(select(SignOff)).all()
    assert (row.version, row.byline, row.bio, row.places) == (1, "Anna B.", "SEO", ["slot:Blog, EN"])

    teams.settle()  # the owner's "everyone has signed off" DM first, so it is not taken for the answer below
    published = teams.command("published 1 https://blog.example.com/seo", user=OWNER, in_channel=True)
    assert "Marked #1 published" in published
    assert teams.request(1).status is RequestStatus.PUBLISHED
