"""The whole loop with someone outside the company, through real HTTP and a real SMTP server on loopback: the owner
invites by a signed Slack command, the e-mail arrives, the guest follows its link, accepts and hands in a draft on
their page, the owner gets the Slack DM with Approve / Request changes and asks for changes in the modal, the
guest's e-mail brings the feedback and a link back, version 2 comes in, the owner approves, the guest signs off the
approved version on the page, and the request is published without any reason to force it.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable
from email.message import EmailMessage

from smtp_server import Server, StartServer
from sqlmodel import col, select
from web.guest_support import GuestClient, Page

from bot.slack import ids
from harness import SlackScenario, message_text
from storage.models import Member, SignOff

OWNER = "U0OWNER"
PUBLIC_URL = "https://cobot.example.com"
PAGE_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/guest/[A-Za-z0-9_\-]{43})\b")


def with_mail(make_slack: Callable[..., SlackScenario], server: Server) -> SlackScenario:
    """The Slack app with e-mail set up: the test's SMTP server, and the address guests' links are built on."""
    return make_slack(
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": PUBLIC_URL},
        behaviour={"guests": {"sender": {"address": "cobot@cobot.example.com"}}},
    )


def wait_for_mails(server: Server, count: int) -> list[EmailMessage]:
    deadline = time.monotonic() + 10
    while len(server.recorder.received) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(server.recorder.received) >= count, [r.message()["Subject"] for r in server.recorder.received]
    return [received.message() for received in server.recorder.received]


def text_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def page_path(mail: EmailMessage) -> str:
    """The page the e-mail's link opens, as a path on the test's server (PUBLIC_URL is where it would be)."""
    found = PAGE_LINK.search(text_of(mail))
    assert found is not None, text_of(mail)
    return found.group(1)


def submit(browser: GuestClient, path: str, action: str, fields: dict[str, str] | None = None) -> Page:
    """Presses a form's button on the page at ``path``, as a browser without JavaScript does."""
    page = browser.get(path)
    assert page.status == 200, page.text
    form = page.forms()[f"{path}/{action}"]
    return browser.post(f"{path}/{action}", {**form, **(fields or {})})


def dm_with_buttons(slack: SlackScenario, containing: str) -> dict[str, object]:
    found = [m for m in slack.fake.messages(OWNER) if containing in message_text(m)]
    assert found, [message_text(m)[:80] for m in slack.fake.messages(OWNER)]
    return found[-1]


def draft_button(dm: dict[str, object], action_id: str) -> str:
    for block in dm["blocks"]:  # type: ignore[attr-defined]
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def test_a_guest_is_invited_hands_in_twice_signs_off_and_is_published(
    make_slack: Callable[..., SlackScenario], smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = with_mail(make_slack, server)
    slack.fake.add_user(OWNER, name="Mette Ørsted", real_name="Mette Ørsted", email="mette@firma.example.com")
    browser = GuestClient(slack.base_url)
    number = slack.create("Ti tips til lokal SEO", due="2026-12-11")

    # The owner invites by command; the invitation arrives by e-mail with the guest's own link.
    reply = slack.command_reply(f'guest {number} anne@kunde.example.org name:"Anne Holm"', user=OWNER)
    assert f"Invited Anne Holm (guest) to #{number}" in reply
    slack.settle()
    [invitation] = wait_for_mails(server, 1)
    assert invitation["To"] == "Anne Holm <anne@kunde.example.org>"
    link = page_path(invitation)

    # The guest opens it, accepts and hands in version 1 as text.
    opened = browser.get(link)
    assert opened.status == 200 and "Ti tips til lokal SEO" in opened.text and "Mette Ørsted" in opened.text
    assert submit(browser, link, "accept").status == 303
    assert submit(browser, link, "text", {"text": "Tip 1: skriv til mennesker, ikke til søgemaskiner."}).status == 303
    slack.settle()

    # The owner's Slack DM has the draft and the two buttons; the owner asks for changes in the modal.
    review = dm_with_buttons(slack, "handed in version 1")
    assert "Anne Holm (guest) handed in version 1" in message_text(review)
    draft_id = draft_button(review, ids.REQUEST_CHANGES)
    clicked = slack.click(
        ids.REQUEST_CHANGES, draft_id, user=OWNER, channel=str(review["channel"]), message_ts=str(review["ts"])
    )
    assert clicked.status == 200
    slack.fake.wait_for("views.open")
    submitted = slack.submit_view(
        ids.REQUEST_CHANGES_VIEW,
        private_metadata=draft_id,
        values={ids.FEEDBACK_BLOCK: {ids.FEEDBACK_INPUT: "Tilføj et eksempel fra en lokal butik."}},
        user=OWNER,
    )
    assert submitted.status == 200
    slack.settle()

    # The feedback reaches the guest by e-mail, with a link back to the page, where version 2 comes in.
    feedback = wait_for_mails(server, 2)[1]
    assert "asked for changes" in feedback["Subject"]
    assert "> Tilføj et eksempel fra en lokal butik." in text_of(feedback)
    back = page_path(feedback)
    assert "Tilføj et eksempel fra en lokal butik." in browser.get(back).text
    assert submit(browser, back, "link", {"link": "https://docs.example.com/anne-v2"}).status == 303
    slack.settle()

    # The owner approves version 2 with the button; the guest hears it by e-mail and signs off on the page.
    review = dm_with_buttons(slack, "handed in version 2")
    approve = draft_button(review, ids.APPROVE_DRAFT)
    assert (
        slack.click(
            ids.APPROVE_DRAFT, approve, user=OWNER, channel=str(review["channel"]), message_ts=str(review["ts"])
        ).status
        == 200
    )
    slack.settle()
    refused = slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert "Anne Holm (guest)" in refused and "force:" in refused  # not signed off yet: named, not published

    approved = wait_for_mails(server, 3)[2]
    signing = page_path(approved)
    page = browser.get(signing)
    assert "Sign off version 2" in page.text
    # The form offers where the piece may go; the guest ticks every place, as a browser sends ticked boxes.
    choices = re.findall(r'name="places" value="([^"]+)"', page.raw)
    form = page.forms()[f"{signing}/signoff"]
    fields = [*form.items(), ("byline", "Anne Holm"), ("bio", "SEO-rådgiver i Aarhus")]
    body = urllib.parse.urlencode([*fields, *(("places", choice) for choice in choices)]).encode()
    signed = browser.request("POST", f"{signing}/signoff", body=body, content_type="application/x-www-form-urlencoded")
    assert signed.status == 303, signed.text
    assert "Your draft is signed off" in browser.get(signed.header("location")).text
    with slack.session() as session:
        [record] = session.exec(select(SignOff)).all()
    assert (record.version, record.byline, record.bio) == (2, "Anne Holm", "SEO-rådgiver i Aarhus")

    # Everyone has signed off: the owner publishes without forcing anything.
    published = slack.command_reply(f"published {number} https://blog.example.com/seo", user=OWNER)
    assert "force:" not in published and "published" in published.lower(), published
    assert slack.request(number).published_url == "https://blog.example.com/seo"


def test_a_guest_erases_their_data_from_the_page(
    make_slack: Callable[..., SlackScenario], smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = with_mail(make_slack, server)
    browser = GuestClient(slack.base_url)
    number = slack.create("Ti tips til lokal SEO", due="2026-12-11")
    slack.command_reply(f'guest {number} anne@kunde.example.org name:"Anne Holm"', user=OWNER)
    slack.settle()
    link = page_path(wait_for_mails(server, 1)[0])

    forged = browser.post(f"{link}/erase", {"form_token": "0" * 64})
    assert forged.status == 403
    erased = submit(browser, link, "erase")

    assert erased.status == 200 and "Your personal data is erased" in erased.text
    assert browser.get(link).status == 404  # the link ends with the data
    with slack.session() as session:
        [guest] = session.exec(select(Member).where(col(Member.is_guest))).all()
    assert guest.email is None and guest.display_name != "Anne Holm"
    slack.settle()
    told = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert any("A guest on #" in text and "erased their personal data" in text for text in told)
    assert not any("Anne" in text for text in told if "erased" in text)
