"""The console and "Invite someone outside": with e-mail set up the card shows the button, pressing it names the
command to type (the console asks nothing a form would), anyone but the owner is refused, and the command then
invites the guest, whose invitation reaches a real SMTP server in the language the owner chose."""

from __future__ import annotations

import io
import time

from smtp_server import StartServer

from bot.console import run_console
from bot.runtime.config import load_settings


def console(*lines: str, environ: dict[str, str]) -> str:
    out = io.StringIO()
    stdin = io.StringIO("\n".join(lines) + "\n")
    code = run_console(load_settings(None, environ), demo=True, database=None, start=None, stdin=stdin, stdout=out)
    assert code == 0
    return out.getvalue()


def test_the_console_shows_the_button_names_the_command_and_the_invitation_arrives(smtp_server: StartServer) -> None:
    server = smtp_server()
    environ = {"SMTP_URL": f"smtp://127.0.0.1:{server.port}", "PUBLIC_URL": "https://cobot.example.com"}

    out = console(
        "/cocreate show 2",
        ":press Invite someone outside #2",
        ":as anne",
        ":press Invite someone outside #2",
        ":as mette",
        '/cocreate guest 2 anne.holm@kunde.example.org name:"Anne Holm" lang:da',
        environ=environ,
    )

    assert "] Invite someone outside" in out
    assert "To invite someone outside the company to #2, type `/cocreate guest 2 anne@example.com`" in out
    assert "Only the request's owner (@Mette Ørsted) or an admin can invite someone outside the company to #2." in out
    assert "#2 is full right now, so Anne Holm (guest) is number 1 in line." in out
    deadline = time.monotonic() + 5
    while not server.recorder.received and time.monotonic() < deadline:
        time.sleep(0.02)
    [mail] = server.recorder.received
    assert mail.rcpt_tos == ["anne.holm@kunde.example.org"]
    body = mail.message().get_body(("plain",))
    assert body is not None and "Hej Anne Holm" in body.get_content()


def test_without_a_mail_server_the_console_shows_guests_e_mails_itself() -> None:
    out = console("/cocreate show 2", '/cocreate guest 2 anne@kunde.example.org name:"Anne Holm"', environ={})
    assert "Invite someone outside" in out  # the console can always "send" e-mail: it shows it
    assert "e-mail → Anne Holm <anne@kunde.example.org>" in out
    assert "Subject: Mette Ørsted would like your help with" in out
    assert "Open your page: http://localhost:3000/guest/" in out


def test_the_console_plays_the_guest_from_invitation_to_sign_off() -> None:
    out = console(
        '/cocreate guest 1 anne@kunde.example.org 2 name:"Anne Holm"',
        ":guest page",
        ":guest text Too soon: not accepted yet",
        ":guest accept",
        ":guest text Mit første udkast om marketing automation",
        ":press Approve #1",
        ":guest sign-off Anne Holm",
        ":guest page",
        ":guest nonsense",
        environ={},
    )

    assert "e-mail → Anne Holm <anne@kunde.example.org>" in out
    assert "Your part: Marketing automation" in out and "State: invited, no draft" in out
    assert "That can't be done right now." in out and "(:guest page shows what the guest's page shows now)" in out
    assert "Thank you! You can hand in your draft below whenever it's ready." in out
    assert "Anne Holm (guest) handed in version 1 of a draft for part 2" in out  # the owner's DM, with buttons
    assert "Signed off version 1 of your draft for #1, as Anne Holm." in out
    assert "State: drafting, approved" in out and "signed off" in out.rsplit(":guest page", 1)[1]
    assert "A guest can: page, accept, decline, text" in out
