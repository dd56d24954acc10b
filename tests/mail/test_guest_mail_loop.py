"""Scenario tests for guests' e-mail through the whole app: the owner invites by a signed Slack command, the
outbox sends the invitation through a real SMTP server on loopback, and the e-mail is read back as a mail client
would (text and HTML parts, the .ics deadline, the personal link, which opens the guest's standing); reminders and
the owner's decisions reach the guest the same way, a permanent SMTP failure is told to the owner in Slack, a
temporary one is retried, and chat texts name the guest instead of mentioning an id Slack never heard of.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from email.message import EmailMessage

import icalendar
import pytest
from smtp_server import Server, StartServer
from sqlmodel import col, select

from bot.runtime.outbox import MAIL_MAX_ATTEMPTS, mail_backoff_seconds
from bot.runtime.scheduler import run_tick
from bot.slack import ids
from handlers.drafts import DraftContent, submit_draft
from handlers.guests import resolve_link
from harness import TEAM, SlackScenario, message_text
from storage.db import transaction
from storage.models import GuestLink, Member, OutboxMessage, Volunteer

OWNER = "U0OWNER"
PUBLIC_URL = "https://cobot.example.com"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/guest/([A-Za-z0-9_\-]{32,})")
Make = Callable[..., SlackScenario]
PROMOTED = "A place opened up"


def start(make_slack: Make, server: Server, *, language: str = "en", locale: str = "en-US") -> SlackScenario:
    slack = make_slack(
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": PUBLIC_URL},
        behaviour={
            "languages": {"default": language},
            "guests": {"sender": {"address": "cobot@cobot.example.com", "name": "Cobot"}},
        },
    )
    # How the owner is named in Slack is how the guest's e-mails name them.
    slack.fake.add_user(
        OWNER, name="Mette Ørsted", real_name="Mette Ørsted", email="mette@firma.example.com", locale=locale
    )
    return slack


def mails(server: Server, *, wait_for: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
    deadline = time.monotonic() + timeout
    while len(server.recorder.received) < wait_for and time.monotonic() < deadline:
        time.sleep(0.02)
    return [received.message() for received in server.recorder.received]


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content()).replace("\r\n", "\n")


def token_in(message: EmailMessage) -> str:
    found = LINK.search(body(message, "plain"))
    assert found is not None, body(message, "plain")
    return found.group(1)


def guest(slack: SlackScenario, email: str = "anne@kunde.example.org") -> Member:
    with slack.session() as session:
        return session.exec(select(Member).where(Member.email == email)).one()


def invite(slack: SlackScenario, number: int, extra: str = 'name:"Anne Holm"') -> str:
    reply = slack.command_reply(f"guest {number} anne@kunde.example.org {extra}", user=OWNER)
    slack.settle()
    return reply


def as_guest(slack: SlackScenario, action: Callable[..., object]) -> object:
    member = guest(slack)
    return slack.service.cobot.act(action, platform="slack", workspace=TEAM, user_id=member.user_id)  # type: ignore[arg-type]


def test_the_invitation_arrives_with_brief_deadline_calendar_and_a_link_that_opens(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create(
        "Ten SEO tips", due="2026-12-11", extra='brief:"What &lt;b&gt;local&lt;/b&gt; shops get wrong"'
    )

    reply = invite(slack, number)

    assert "Invited Anne Holm (guest)" in reply
    [mail] = mails(server)
    assert server.recorder.received[0].rcpt_tos == ["anne@kunde.example.org"]
    assert mail["To"] == "Anne Holm <anne@kunde.example.org>"
    assert mail["From"] == "Cobot <cobot@cobot.example.com>"
    assert mail["Reply-To"] == "mette@firma.example.com"
    assert mail["Subject"] == "Mette Ørsted would like your help with “Ten SEO tips”"
    text, html = body(mail, "plain"), body(mail, "html")
    assert text.startswith("Hello Anne Holm,\n\nMette Ørsted is making “Ten SEO tips”")
    assert "What <b>local</b> shops get wrong" in text
    assert "What &lt;b&gt;local&lt;/b&gt; shops get wrong" in html and "<b>local</b>" not in html
    assert "Deadline for your draft: Friday 11 December 2026" in text
    token = token_in(mail)
    assert f'href="{PUBLIC_URL}/guest/{token}"' in html
    assert mail["List-Unsubscribe"] == f"<{PUBLIC_URL}/guest/{token}/unsubscribe>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    event = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == date(2026, 12, 11)
    assert str(event["SUMMARY"]) == "Deadline: Ten SEO tips"
    assert str(event["URL"]) == f"{PUBLIC_URL}/guest/{token}"

    # The link opens the guest's standing on this request; the database holds only its hash.
    anne, request = guest(slack), slack.request(number)
    with transaction(slack.engine) as session:
        link = resolve_link(session, token, slack.clock(), open_within_days=7)
        assert link is not None
        assert link.member_id == anne.id and link.request_id == request.id
        assert token not in str(session.get(GuestLink, link.id))
    with slack.session() as session:
        payloads = [str(row.payload) for row in session.exec(select(OutboxMessage)).all()]
    assert not any(token in payload for payload in payloads)


def test_a_danish_owner_s_guest_gets_danish_e_mail(make_slack: Make, smtp_server: StartServer) -> None:
    server = smtp_server()
    slack = start(make_slack, server, language="da", locale="da-DK")  # the guest writes as the owner reads
    reply = slack.command_reply("new Ærøs bedste strande due:2026-12-11", user=OWNER)
    assert "Opgave #1 *Ærøs bedste strande* er slået op her." in reply
    number = 1
    slack.settle()

    invite(slack, number)

    [mail] = mails(server)
    assert mail["Subject"] == "Mette Ørsted vil gerne have din hjælp til »Ærøs bedste strande«"
    assert mail["Content-Language"] == "da"
    text = body(mail, "plain")
    assert text.startswith("Hej Anne Holm\n\nMette Ørsted er i gang med »Ærøs bedste strande«")
    assert "Frist for dit udkast: fredag den 11. december 2026" in text
    assert "Åbn din side: https://cobot.example.com/guest/" in text
    assert "Venlig hilsen\nCobot, på vegne af Mette Ørsted" in text


def test_a_guest_s_draft_reaches_the_owner_by_name_and_the_feedback_reaches_the_guest_by_e_mail(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-11")
    invite(slack, number)
    mails(server)

    as_guest(
        slack, lambda ctx: submit_draft(ctx, number=number, content=DraftContent(text="Tip 1: titles."), source="page")
    )
    slack.settle()

    owner_dm = [m for m in slack.fake.messages(OWNER) if "handed in version 1" in message_text(m)][-1]
    assert f"Anne Holm (guest) handed in version 1 of a draft for #{number} *Ten SEO tips*." in message_text(owner_dm)
    assert "guest:" not in str(owner_dm)  # no mention of an id Slack does not know
    draft_id = next(e["value"] for b in owner_dm["blocks"] if b["type"] == "actions" for e in b["elements"])

    slack.click(ids.REQUEST_CHANGES, draft_id, user=OWNER, channel=owner_dm["channel"], message_ts=owner_dm["ts"])
    slack.fake.wait_for("views.open")
    slack.submit_view(
        ids.REQUEST_CHANGES_VIEW,
        private_metadata=draft_id,
        values={ids.FEEDBACK_BLOCK: {ids.FEEDBACK_INPUT: "Add one <script>example</script>, please."}},
        user=OWNER,
    )
    slack.settle()

    told = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert f"Sent your feedback on #{number} to Anne Holm (guest)." in told[-1]
    invitation, feedback = mails(server, wait_for=2)
    assert feedback["Subject"].startswith("“Ten SEO tips”: Mette Ørsted asked for changes to your draft")
    text, html = body(feedback, "plain"), body(feedback, "html")
    assert "> Add one <script>example</script>, please." in text
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "Open your page: https://cobot.example.com/guest/" in text
    assert token_in(feedback) != token_in(invitation)  # each e-mail its own link; both work
    with transaction(slack.engine) as session:
        assert resolve_link(session, token_in(invitation), slack.clock(), open_within_days=7) is not None
        assert resolve_link(session, token_in(feedback), slack.clock(), open_within_days=7) is not None
    assert feedback["Message-ID"] != invitation["Message-ID"]


def test_a_guest_is_reminded_by_e_mail_in_working_hours(make_slack: Make, smtp_server: StartServer) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-11-26")  # Thursday; the harness starts Monday 09:00 CET
    invite(slack, number)
    mails(server)

    run_tick(slack.service.cobot)
    slack.settle()

    _, reminder = mails(server, wait_for=2)
    assert reminder["Subject"] == (
        f"“Ten SEO tips”: Friendly reminder: your draft for #{number} Ten SEO tips is due Thursday 26 "
        "November 2026 (3 days to go)."
    )
    assert "Deadline for your draft: Thursday 26 November 2026" in body(reminder, "plain")
    assert not [m for m in slack.fake.messages(guest(slack).user_id)]  # nothing tried on Slack

    run_tick(slack.service.cobot)  # the same pass again: the reminder is not sent twice
    slack.settle()
    assert len(mails(server, wait_for=3, timeout=0.5)) == 2


def test_an_address_the_server_refuses_for_good_is_told_to_the_owner_in_slack(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server(rcpt_replies=["550 5.1.1 No such user here"])
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-11")

    invite(slack, number)
    slack.settle()

    assert server.recorder.received == []
    told = [message_text(m) for m in slack.fake.messages(OWNER) if "Anne Holm (guest)" in message_text(m)]
    assert told, [message_text(m) for m in slack.fake.messages(OWNER)]
    assert "550" in told[-1] and "5.1.1 No such user here" in told[-1]
    assert f"invite them again with `/cocreate guest {number} &lt;e-mail&gt;`" in told[-1]


def test_a_server_that_is_busy_for_a_while_gets_the_invitation_later(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server(data_replies=["451 4.3.0 Try again later"])
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-11")

    invite(slack, number)

    assert server.recorder.received == []
    with slack.session() as session:
        [row] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "guest_invitation")).all()
    assert row.sent_at is None and row.failed_at is None and "451" in (row.last_error or "")
    # Tried again on e-mail's schedule: a minute later, not in seconds as a chat message would be.
    assert 55 <= (row.not_before - slack.clock()).total_seconds() <= 61

    slack.clock.advance(timedelta(seconds=61))
    slack.service.sender.wake()
    [mail] = mails(server)
    assert mail["Subject"].endswith("“Ten SEO tips”")


def test_e_mail_is_retried_for_about_a_day_before_the_owner_is_told() -> None:
    waits = [mail_backoff_seconds(attempt) for attempt in range(1, MAIL_MAX_ATTEMPTS)]
    assert waits[:4] == [60, 120, 240, 480] and max(waits) == 3600
    assert 20 * 3600 <= sum(waits) <= 30 * 3600


@pytest.mark.parametrize("name", ["Anne\r\nBcc: everyone@example.com", "Anne\nSubject: Win"])
def test_a_name_with_line_breaks_adds_no_header(make_slack: Make, smtp_server: StartServer, name: str) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-11")

    invite(slack, number, extra=f'name:"{name}"')

    [mail] = mails(server)
    assert mail["Bcc"] is None and mail["Subject"].startswith("Mette Ørsted would like")
    assert server.recorder.received[0].rcpt_tos == ["anne@kunde.example.org"]
    assert "\n" not in mail["To"]


def _post(slack: SlackScenario, path: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        slack.base_url + path,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _stopped_places(slack: SlackScenario) -> int:
    with slack.session() as session:
        return len(session.exec(select(Volunteer).where(col(Volunteer.reminders_stopped_at).is_not(None))).all())


def test_the_one_click_stop_in_a_reminder_ends_reminders_about_that_request_only(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-11-26")
    other = slack.create("Another piece", due="2026-11-26")
    invite(slack, number)
    invite(slack, other)
    run_tick(slack.service.cobot)
    slack.settle()
    reminders = [m for m in mails(server, wait_for=4) if "Friendly reminder" in m["Subject"]]
    [stop_first] = [m for m in reminders if m["Subject"].startswith("“Ten SEO tips”")]
    stop_url = stop_first["List-Unsubscribe"].strip("<>")
    assert stop_url.startswith(PUBLIC_URL + "/guest/") and stop_url.endswith("/unsubscribe")
    path = stop_url.removeprefix(PUBLIC_URL)

    # Opening the link (a mail scanner does) only asks; the mail client's one-click POST stops them.
    asked = slack.get(path)
    assert asked.status == 200 and "Stop the reminders" in asked.text and 'method="post"' in asked.text
    assert _stopped_places(slack) == 0
    wrong = _post(slack, path.replace("/guest/", "/guest/x"), b"List-Unsubscribe=One-Click")
    assert wrong[0] == 404 and _stopped_places(slack) == 0
    status, page = _post(slack, path, b"List-Unsubscribe=One-Click")
    assert status == 200 and "You won&#39;t get more reminders about “Ten SEO tips”" in page
    assert _stopped_places(slack) == 1
    assert _post(slack, path, b"List-Unsubscribe=One-Click")[0] == 200  # twice: nothing more changes
    assert _stopped_places(slack) == 1

    slack.clock.advance(timedelta(days=2))  # Wednesday: the "due tomorrow" reminders
    run_tick(slack.service.cobot)
    slack.settle()
    tomorrow = [m["Subject"] for m in mails(server, wait_for=5) if "is due Thursday" in m["Subject"]]
    assert [s for s in tomorrow if "days to go" not in s] == [
        f"“Another piece”: Your draft for #{other} Another piece is due Thursday 26 November 2026."
    ]


def test_a_guest_who_never_opens_the_invitation_gives_the_place_to_the_next_in_line(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-18")  # one place
    invite(slack, number)
    assert "number 1 in line" in slack.command_reply(f"volunteer {number}", user="U0ANNA")
    slack.settle()

    slack.clock.advance(timedelta(days=6, hours=23))  # not yet a week
    run_tick(slack.service.cobot)
    slack.settle()
    assert not [m for m in slack.fake.messages(OWNER) if "hasn't opened" in message_text(m)]

    slack.clock.advance(timedelta(hours=2))
    run_tick(slack.service.cobot)
    run_tick(slack.service.cobot)  # a second pass releases nothing more
    slack.settle()

    [told] = [message_text(m) for m in slack.fake.messages(OWNER) if "hasn't opened" in message_text(m)]
    assert told == (
        f"Anne Holm (guest) hasn't opened the invitation to #{number} *Ten SEO tips* within 7 days, so I gave their "
        f"place to the next in line. Invite them again with `/cocreate guest {number} &lt;e-mail&gt;` if you still "
        "want them."
    )
    assert any(
        "moved up" in message_text(m) or "place opened" in message_text(m) for m in slack.fake.messages("U0ANNA")
    )
    card = message_text(slack.card(number))
    assert "Anne Holm" not in card and "<@U0ANNA>" in card
    [invitation] = mails(server)
    with transaction(slack.engine) as session:
        assert resolve_link(session, token_in(invitation), slack.clock(), open_within_days=30) is None


def test_a_guest_who_opened_the_link_keeps_the_place(make_slack: Make, smtp_server: StartServer) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-18")
    invite(slack, number)
    [invitation] = mails(server)
    slack.clock.advance(timedelta(days=1))
    with transaction(slack.engine) as session:
        assert resolve_link(session, token_in(invitation), slack.clock(), open_within_days=7) is not None

    slack.clock.advance(timedelta(days=8))
    run_tick(slack.service.cobot)
    slack.settle()

    assert not [m for m in slack.fake.messages(OWNER) if "hasn't opened" in message_text(m)]
    assert "Anne Holm (guest)" in message_text(slack.card(number))


def test_the_owner_takes_a_guest_off_and_the_next_in_line_gets_the_place(
    make_slack: Make, smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = start(make_slack, server)
    number = slack.create("Ten SEO tips", due="2026-12-18")
    invite(slack, number)
    [invitation] = mails(server)
    slack.command_reply(f"volunteer {number}", user="U0ANNA")  # waits in line behind the guest
    slack.settle()

    refused = slack.command_reply(f"remove-guest {number} anne@kunde.example.org", user="U0BO")
    assert "Only the request's owner" in refused
    unknown = slack.command_reply(f"remove-guest {number} nobody@example.org", user=OWNER)
    assert unknown == f"nobody@example.org is not a guest on #{number}, so there is nobody to take off."
    reply = slack.command_reply(f"remove-guest {number} anne@kunde.example.org", user=OWNER)
    slack.settle()

    assert reply.startswith(f"Took Anne Holm (guest) off #{number}; their link no longer works")
    with transaction(slack.engine) as session:
        assert resolve_link(session, token_in(invitation), slack.clock(), open_within_days=7) is None
    _, goodbye = mails(server, wait_for=2)
    assert "Mette Ørsted has taken you off “Ten SEO tips”" in body(goodbye, "plain")
    assert not LINK.search(body(goodbye, "plain"))  # nothing to open any more
    assert any(PROMOTED in message_text(m) for m in slack.fake.messages("U0ANNA"))
    assert "Anne Holm" not in message_text(slack.card(number))
