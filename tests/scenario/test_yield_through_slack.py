"""The yield of co-creation, end to end through Slack: "a published piece shows its clicks on the card, the digest
and the report, departments are filled from profiles".

One story over real HTTP: signed requests to the real Bolt app, the fake Slack Web API answering profiles as Slack
does (a custom field keyed by its id), readers following the tracked link on the same WSGI app ``cobot serve``
runs, the weekly digest sent by the tick, and the report uploaded by ``/cocreate report`` read back with openpyxl.

Mette (Marketing) asks for a piece on Wednesday 2026-11-18; Anna (Kundeservice) and Bo (Salg) make it; it is
published that day and read on Thursday; the digest goes out on Monday 2026-11-23 at 09:00 in Copenhagen.
"""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot.runtime.scheduler import run_tick
from harness import SlackScenario, message_text
from storage.models import TrackedLink

OWNER, ANNA, BO = "U0OWNER", "U0ANNA", "U0BO"
DEPARTMENT_FIELD = "Xf06054BBB"  # Slack's id of the workspace's "Department" field
PEOPLE = {OWNER: ("mette", "Marketing"), ANNA: ("anna", "Kundeservice"), BO: ("bo", "Salg")}
PUBLIC_URL = "https://cobot.example.com"
DIGEST = "C0DIGEST"
PIECE_URL = "https://blog.example.com/kundeservice-og-salg"
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari"
SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"

# What the digest says, in the digest channel's language.
WORDING = {
    "en": {
        "thanks": "thanks to",
        "results": "So far: 2 clicks on its Cobot link · 1200 views",
        "silos": "*Across departments:* 1 piece published this month was made by people from more than one "
        "department: #1 *Service that sells* (Kundeservice, Marketing, Salg). Working together for the first time: "
        "Kundeservice and Marketing, Kundeservice and Salg, Marketing and Salg.",
    },
    "da": {
        "thanks": "tak til",
        "results": "Indtil videre: 2 klik på Cobot-linket · 1200 visninger",
        "silos": "*På tværs af afdelinger:* 1 udgivelse i denne måned blev lavet af folk fra mere end én afdeling: "
        "#1 *Service that sells* (Kundeservice, Marketing, Salg). For første gang sammen: Kundeservice og Marketing, "
        "Kundeservice og Salg, Marketing og Salg.",
    },
}


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def move_to(slack: SlackScenario, moment: datetime) -> None:
    slack.clock.advance(moment - slack.clock())


def start(make_slack: Callable[..., SlackScenario], language: str) -> SlackScenario:
    behaviour: dict[str, Any] = {
        "profiles": {"department_field": "Department"},
        "server": {"public_url": PUBLIC_URL},
        "tracking": {"trust_forwarded_for": True},  # behind a proxy: readers are told apart by X-Forwarded-For
        "digest": {"channel": DIGEST},
    }
    if language != "en":
        behaviour["languages"] = {"channels": {DIGEST: language}}
    slack = make_slack(behaviour=behaviour)
    slack.fake.add_profile_field("Xf06054AAA", "Phone extension")
    slack.fake.add_profile_field(DEPARTMENT_FIELD, "Department")
    for user, (name, department) in PEOPLE.items():
        slack.fake.add_user(user, name=name, fields={DEPARTMENT_FIELD: department, "Xf06054AAA": "42"})
    return slack


def make_and_publish(slack: SlackScenario) -> int:
    """Mette asks; Anna and Bo volunteer, hand in drafts, are approved and sign off; Mette publishes."""
    move_to(slack, utc(2026, 11, 18, 8))
    number = slack.create("Service that sells", due="2026-12-10", extra="needs:2")
    for helper in (ANNA, BO):
        assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=helper)
        assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/{helper}", user=helper)
        assert "Approved" in slack.command_reply(f"approve {number} <@{helper}|x>", user=OWNER)
        assert "Signed off" in slack.command_reply(f'signoff {number} byline:"{helper}"', user=helper)
    reply = slack.command_reply(f"published {number} {PIECE_URL}", user=OWNER)
    assert f"Marked #{number} published" in reply, reply
    slack.settle()
    return number


def tracked_path(slack: SlackScenario, number: int) -> str:
    request = slack.request(number)
    with slack.session() as session:
        code = session.exec(select(TrackedLink.code).where(TrackedLink.request_id == request.id)).one()
    return "/r/" + code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def follow(slack: SlackScenario, path: str, *, agent: str, address: str, method: str = "GET") -> tuple[int, str]:
    """One reader's request for the tracked link, over HTTP, the redirect not followed: (status, Location)."""
    request = urllib.request.Request(
        slack.base_url + path, method=method, headers={"User-Agent": agent, "X-Forwarded-For": address}
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def the_digest(slack: SlackScenario) -> str:
    move_to(slack, utc(2026, 11, 23, 8))
    run_tick(slack.service.cobot)
    slack.settle()
    posts = slack.fake.messages(DIGEST)
    assert posts, "no digest was posted"
    return "\n".join(message_text(m) for m in posts)


def the_report(slack: SlackScenario) -> Workbook:
    ack = slack.command_reply("report 2026-11", user=OWNER)
    assert ack.startswith("Building your report"), ack
    call = slack.fake.wait_for("files.completeUploadExternal", lambda c: c.ok, timeout=15)[0]
    return load_workbook(io.BytesIO(slack.fake.uploaded_files[call.params["files"][0]["id"]]))


def sheet_rows(workbook: Workbook, name: str) -> list[dict[str, Any]]:
    values = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:] if any(v is not None for v in row)]


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_published_piece_shows_its_clicks_on_the_card_the_digest_and_the_report(
    make_slack: Callable[..., SlackScenario], language: str
) -> None:
    slack = start(make_slack, language)
    number = make_and_publish(slack)

    # Departments come from the Slack profiles, read by the custom field's id.
    for user, (_, department) in PEOPLE.items():
        member = slack.member(user)
        assert (member.department, member.department_source) == (department, "profile"), user
        assert f"Department: {department} (from your Slack profile)" in slack.command_reply("whoami", user=user)

    # Thursday: one reader from two addresses, Slack unfurling the link, a HEAD: two readers counted.
    move_to(slack, utc(2026, 11, 19, 10))
    path = tracked_path(slack, number)
    for address in ("203.0.113.7", "198.51.100.2"):
        status, location = follow(slack, path, agent=BROWSER, address=address)
        assert (status, location.split("?")[0]) == (302, PIECE_URL)
    assert follow(slack, path, agent=SLACKBOT, address="192.0.2.1")[0] == 302
    assert follow(slack, path, agent=BROWSER, address="192.0.2.9", method="HEAD")[0] == 302
    with slack.session() as session:
        assert session.exec(select(TrackedLink.clicks)).one() == 2

    shown = message_text(slack.command(f"show {number}", user=ANNA).json())
    assert f"{PUBLIC_URL}{path}" in shown and "2 clicks on its Cobot link" in shown

    # Friday: the daily tick updates the card in Slack (chat.update) with the new count.
    move_to(slack, utc(2026, 11, 20, 8))
    run_tick(slack.service.cobot)
    slack.settle()
    card_ts = slack.request(number).card_ts
    assert any(call.params.get("ts") == card_ts for call in slack.fake.calls_to("chat.update"))
    card = message_text(slack.card(number))
    assert f"*Tracked link* <{PUBLIC_URL}{path}>" in card
    assert "*So far* 2 clicks on its Cobot link" in card

    # Mette types what the blog counted: the card shows it at once, next to the clicks.
    assert "1200" in slack.command_reply(f"results {number} views:1200", user=OWNER)
    slack.settle()
    assert "*So far* 2 clicks on its Cobot link · 1200 views" in message_text(slack.card(number))

    # The digest on Monday: the piece with its figures, and the departments that made it together.
    digest = the_digest(slack)
    item = f"#{number} *Service that sells* · {PIECE_URL} · {WORDING[language]['thanks']} <@{ANNA}>, <@{BO}>"
    assert f"{item}\n{WORDING[language]['results']}" in digest
    assert WORDING[language]["silos"] in digest.splitlines()

    # The report: the piece on the Yield sheet, each department counted on Departments and the Silo map.
    workbook = the_report(slack)
    [piece] = sheet_rows(workbook, "Yield")
    assert (piece["ID"], piece["Title"], piece["Published URL"]) == (number, "Service that sells", PIECE_URL)
    assert piece["Departments involved"] == "Marketing, Kundeservice, Salg"  # the owner's first
    assert (piece["Clicks on Cobot link"], piece["Views"]) == (2, 1200)
    departments = {r["Department"]: r for r in sheet_rows(workbook, "Departments")}
    assert list(departments) == ["Kundeservice", "Marketing", "Salg"]
    assert [departments[d]["Requests asked"] for d in departments] == [0, 1, 0]
    assert [departments[d]["Contributed"] for d in departments] == [1, 0, 1]
    assert [departments[d]["Published pieces"] for d in departments] == [1, 1, 1]
    assert [departments[d]["Views"] for d in departments] == [1200, 1200, 1200]
    silo = list(workbook["Silo map"].iter_rows(values_only=True))
    assert silo == [
        ("Department", "Kundeservice", "Marketing", "Salg"),
        ("Kundeservice", 1, 1, 1),
        ("Marketing", 1, 1, 1),
        ("Salg", 1, 1, 1),
    ]
