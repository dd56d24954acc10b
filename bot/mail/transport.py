"""The outbox's e-mail transport: a ``SendEmail`` (``bot.runtime.delivery``) written as a letter and sent by SMTP.

It sits beside the chat transports rather than among them: the outbox picks a chat transport by the workspace's
platform, and hands it whatever goes to someone on that platform; an e-mail can be due in any workspace, so the
sender keeps this one apart (``OutboxSender.mail``) and gives it every ``SendEmail``, whichever platform the guest's
request lives on. Failures speak the outbox's language (``bot.runtime.email.SmtpTransport``): ``RetryLater`` for
trouble that passes, ``SendFailed`` for an e-mail that can never go, which the outbox reports to the owner.

Links are built on ``PUBLIC_URL``. The one-click stop for reminders (``List-Unsubscribe``) is offered only on an
https address, as RFC 8058 requires; the page link works on plain http too (a test install).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from bot.mail.render import MailLinks, compose
from bot.runtime.config import Settings
from bot.runtime.delivery import MailRetryLater, RetryLater, SendEmail, SendFailed
from bot.runtime.email import InvalidAddress, SmtpSettings, SmtpTransport, build_message
from handlers.guests import STOP_REMINDERS_SUFFIX, page_path
from handlers.messages import MAIL_KINDS

log = logging.getLogger(__name__)


class Smtp(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class MailTransport:
    """Writes and sends guests' e-mails. ``delivers``: the outbox kinds only e-mail carries (the invitation);
    notices to guests reach it as ``SendEmail`` whatever their kind."""

    delivers = MAIL_KINDS

    def __init__(
        self,
        *,
        smtp: Smtp,
        from_address: str,
        from_name: str,
        public_url: str,
        translators: Callable[[str], Callable[[str], str]],
        clock: Callable[[], datetime],
    ) -> None:
        self.smtp = smtp
        self.from_address = from_address
        self.from_name = from_name
        self.public_url = public_url.rstrip("/")
        self.translators = translators
        self.clock = clock
        self.domain = from_address.rpartition("@")[2]

    def links(self, token: str | None) -> MailLinks:
        if token is None:
            return MailLinks(page=None, stop_reminders=None)
        page = self.public_url + page_path(token)
        stop = page + STOP_REMINDERS_SUFFIX if page.lower().startswith("https://") else None
        return MailLinks(page=page, stop_reminders=stop)

    def write(self, email: SendEmail) -> EmailMessage:
        """The e-mail as it goes on the wire; ``SendFailed`` for one that can never be sent (a bad address)."""
        now = self.clock()
        try:
            outgoing = compose(
                email,
                translate=self.translators(email.language),
                links=self.links(email.token),
                from_address=self.from_address,
                from_name=self.from_name,
                now=now,
            )
            return build_message(outgoing, domain=self.domain, now=now)
        except InvalidAddress as error:
            raise SendFailed(f"e-mail not sendable: {error}") from None

    def send(self, email: SendEmail) -> None:
        message = self.write(email)
        try:
            self.smtp.send(message)
        except RetryLater as retry:
            # The outbox retries it on e-mail's schedule (about a day), not a chat platform's (minutes).
            raise MailRetryLater(retry.seconds, retry.reason, count_attempt=retry.count_attempt) from None
        log.info("outbox %s: e-mail to guest %s sent", email.message_id, email.member_id)


def build_mail_transport(
    settings: Settings, *, translators: Callable[[str], Callable[[str], str]], clock: Callable[[], datetime]
) -> MailTransport | None:
    """The e-mail transport ``settings`` ask for, or None without ``SMTP_URL`` and ``PUBLIC_URL`` (no guests)."""
    if not settings.guests_possible or settings.env.smtp_url is None or settings.public_url is None:
        return None
    address, name = settings.mail_sender()
    return MailTransport(
        smtp=SmtpTransport(SmtpSettings.from_url(settings.env.smtp_url.get_secret_value())),
        from_address=address,
        from_name=name,
        public_url=settings.public_url,
        translators=translators,
        clock=clock,
    )
