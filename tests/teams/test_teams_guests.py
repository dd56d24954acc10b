"""Scenario test for guests on Teams: the owner invites someone outside the company by command in a 1:1 chat, the
invitation reaches a real SMTP server on loopback, the guest's draft reaches the owner's Teams chat naming the
guest (no mention of an id Teams never heard of), the owner's changes, asked in the Teams dialog, reach the guest
by e-mail with a link back to their page on `cobot teams`, version 2 is approved in Teams, the guest signs off on
the page, and the owner publishes from Teams.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable
from email.message import EmailMessage

from smtp_server import Server, StartServer
from sqlmodel import select
from web.guest_support import GuestClient

from handlers.drafts import DraftContent, submit_draft
from storage.models import Member
from teams_harness import OWNER, TeamsScenario, visible_text

PUBLIC_URL = "https://cobot.example.com"


def mails(server: Server, *, wait_for: int) -> list[EmailMessage]:
    deadline = time.monotonic() + 5
    while len(server.recorder.received) < wait_for and time.monotonic() < deadline:
        time.sleep(0.02)
    return [received.message() for received in server.recorder.received]


def page_of(message: EmailMessage) -> str:
    """The path of the page the e-mail links to, on the test's server (PUBLIC_URL is where it would be)."""
    found = re.search(re.escape(PUBLIC_URL) + r"(/guest/[\w-]{43})", text_of(message))
    assert found is not None
    return found.group(1)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_an_owner_on_teams_invites_a_guest_and_reviews_their_draft(
    make_teams: Callable[..., TeamsScenario], smtp_server: StartServer
) -> None:
    server = smtp_server()
    teams = make_teams(
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": PUBLIC_URL},
        behaviour={"guests": {"sender": {"address": "cobot@cobot.example.com"}}},
    )
    teams.install_in_team()
    assert "Posted request #1" in teams.command("new Ten SEO tips due:2026-12-10", user=OWNER, in_channel=True)
    teams.settle()
    teams.install_personal(OWNER)

    answer = teams.command('guest 1 anne@kunde.example.org name:"Anne Holm"', user=OWNER)
    assert "Invited Anne Holm (guest) to #1" in answer
    teams.settle()
    [invitation] = mails(server, wait_for=1)
    assert invitation["Subject"] == "Mette Ørsted would like your help with “Ten SEO tips”"
    assert re.search(re.escape(PUBLIC_URL) + r"/guest/[\w-]{43}\n", text_of(invitation))
    assert "Anne Holm (guest)" in visible_text(teams.card(1))

    with teams.session() as session:
        guest = session.exec(select(Member).where(Member.email == "anne@kunde.example.org")).one()
    teams.service.cobot.act(
        lambda ctx: submit_draft(ctx, number=1, content=DraftContent(text="Tip 1: titles."), source="page"),
        platform="teams",
        workspace=teams.tenant,
        user_id=guest.user_id,
    )
    teams.settle()
    review = [m for m in teams.dms(OWNER) if "handed in version 1" in visible_text(m)][-1]
    assert "Anne Holm (guest) handed in version 1 of a draft for #1" in visible_text(review)
    assert "guest:" not in str(review.card) and "<at>" not in visible_text(review).split("handed in")[0]

    dialog = teams.open_dialog(review, "Request changes", user=OWNER).json()
    done = teams.submit_dialog(dialog, user=OWNER, typed="Add a local example, please", conversation=OWNER.personal)
    assert done.json()["task"] == {"type": "message", "value": "Sent your feedback on #1 to Anne Holm (guest)."}
    teams.settle()

    _, feedback = mails(server, wait_for=2)
    assert feedback["Subject"].startswith("“Ten SEO tips”: Mette Ørsted asked for changes to your draft for #1")
    assert "> Add a local example, please" in text_of(feedback)
    assert f"Open your page: {PUBLIC_URL}/guest/" in text_of(feedback)

    # Version 2 on the page that `cobot teams` serves, from the e-mail's link; the owner approves in Teams.
    browser = GuestClient(teams.base_url)
    page = page_of(feedback)
    assert "Add a local example, please" in browser.get(page).text
    accept = browser.get(page).forms()[f"{page}/accept"]  # version 1 came in before the page was ever opened
    assert browser.post(f"{page}/accept", accept).status == 303
    form = browser.get(page).forms()[f"{page}/link"]
    assert browser.post(f"{page}/link", {**form, "link": "https://docs.example.com/anne-v2"}).status == 303
    teams.settle()
    review = [m for m in teams.dms(OWNER) if "handed in version 2" in visible_text(m)][-1]
    assert teams.submit(review, "Approve", user=OWNER).status == 202
    teams.settle()
    assert "Anne Holm (guest)" in teams.command("published 1 https://blog.example.com/seo", user=OWNER)

    # The guest signs off on the page the approval e-mail links to; then the owner publishes from Teams.
    approval = mails(server, wait_for=3)[2]
    page = page_of(approval)
    shown = browser.get(page)
    choices = re.findall(r'name="places" value="([^"]+)"', shown.raw)
    fields = [*shown.forms()[f"{page}/signoff"].items(), ("byline", "Anne Holm"), ("bio", "")]
    body = urllib.parse.urlencode([*fields, *(("places", choice) for choice in choices)]).encode()
    signed = browser.request("POST", f"{page}/signoff", body=body, content_type="application/x-www-form-urlencoded")
    assert signed.status == 303, signed.text
    teams.settle()
    published = teams.command("published 1 https://blog.example.com/seo", user=OWNER)
    assert "force:" not in published, published
    assert teams.request(1).published_url == "https://blog.example.com/seo"
