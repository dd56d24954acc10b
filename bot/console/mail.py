"""The console's e-mail: guests' e-mails written exactly as they would go out by SMTP (``bot.mail``), and shown in
the terminal instead of sent, so ``make run`` shows what a guest gets without a mail server.

Each e-mail appears as a delivery ("e-mail → Anne Holm <anne@example.com>") with its subject and text part, and the
page link it carries is kept, by guest, for the console's ``:guest`` commands, which act on the guest's page as the
guest would after clicking it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

from bot.console.world import Delivery, World
from bot.mail.transport import MailTransport
from bot.runtime.delivery import SendEmail

CONSOLE_PUBLIC_URL = "http://localhost:3000"  # where `cobot serve` would run; the console serves no page itself
CONSOLE_SENDER = "cobot@cobot.example.com"


class ConsoleMail(MailTransport):
    """``MailTransport`` with the terminal as its mail server."""

    def __init__(
        self,
        *,
        world: World,
        translators: Callable[[str], Callable[[str], str]],
        clock: Callable[[], datetime],
        public_url: str = CONSOLE_PUBLIC_URL,
    ) -> None:
        super().__init__(
            smtp=_Terminal(world),
            from_address=CONSOLE_SENDER,
            from_name="Cobot",
            public_url=public_url,
            translators=translators,
            clock=clock,
        )
        self.world = world

    def send(self, email: SendEmail) -> None:
        message = self.write(email)
        if email.token is not None:
            self.world.guest_tokens.pop(email.to_address.casefold(), None)  # the latest e-mailed comes last
            self.world.guest_tokens[email.to_address.casefold()] = email.token
        self.smtp.send(message)


class _Terminal:
    def __init__(self, world: World) -> None:
        self.world = world

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        text = str(body.get_content()).replace("\r\n", "\n") if body is not None else ""
        attachments = [part.get_filename() or "file" for part in message.iter_attachments()]
        lines = [f"Subject: {message['Subject']}", *text.rstrip("\n").split("\n")]
        if attachments:
            lines.append("Attached: " + ", ".join(attachments))
        self.world.deliver(Delivery(where=f"e-mail → {message['To']}", lines=lines, author="Cobot"))
