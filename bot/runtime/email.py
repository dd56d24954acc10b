"""E-mail for people outside the workspace: the settings of the SMTP server (``SMTP_URL``), the message Cobot
sends (text and HTML, attachments such as a deadline's .ics), and the SMTP transport that sends it.

It is the sending layer only, made to sit behind the outbox like the Slack and Teams transports: a message is built
from an ``OutgoingEmail`` that the caller fills in (texts already translated), and its ``Message-ID`` follows from
the outbox row (``message_id_seed``), so a resend after a crash carries the same id and recipients' mail clients
show one message. ``SmtpTransport.send`` answers the outbox's questions in its own terms: ``RetryLater`` for trouble
that passes (a 4xx reply, a server that is down or slow), ``SendFailed`` for a message that can never go (a 5xx
reply, a refused recipient). Nothing a person typed can add a header or an iCalendar property: display names and
subjects lose their control characters, addresses must each be one plain address (``InvalidAddress`` otherwise,
which the caller records as a permanent failure), and .ics text is escaped. The SMTP password never appears in a
repr, an error or a log line, and neither does a message's body.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
_URL_EXAMPLE = "e.g. smtp://user:password@mail.example.com:587 or smtps://user:password@mail.example.com"
SUBJECT_LIMIT = 200  # characters; mail clients cut long subjects anyway, and a cap keeps the header sane
NAME_LIMIT = 100
SLOT_DURATION = timedelta(minutes=30)  # an event at a moment (a publishing slot) shows better with some length

# RFC 5322 dot-atom local part and an LDH host name: one plain address, nothing a parser could read as more.
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_HTTPS_LINK = re.compile(r"^https://[^\s\"<>\\,]+$", re.IGNORECASE)
# Bidirectional overrides can make a display name read backwards ("moc.elgoog"); they never belong in a name.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


class InvalidAddress(ValueError):
    """Not one plain e-mail address; a message to or from it can never be sent."""


# --- settings ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """Where Cobot sends mail: ``smtp://`` talks plain SMTP and switches to TLS when the server offers STARTTLS,
    ``smtps://`` speaks TLS from the first byte. The password is left out of repr and str."""

    host: str
    port: int
    implicit_tls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """``SMTP_URL`` read: ``smtp[s]://[user:password@]host[:port]``, user and password percent-decoded.

        Errors are one line naming SMTP_URL and never repeat the URL, which holds the password."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise ValueError(f"SMTP_URL is not a valid URL; {_URL_EXAMPLE}") from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ValueError(f"SMTP_URL must start with smtp:// or smtps://; {_URL_EXAMPLE}")
        if not parts.hostname:
            raise ValueError(f"SMTP_URL names no server; {_URL_EXAMPLE}")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(
                "SMTP_URL must be only scheme, user, password, host and port (a / ? or # in the password must be "
                "percent-encoded: %2F %3F %23)"
            )
        if port == 0:
            raise ValueError("SMTP_URL has port 0; leave the port out for the default (25 or 465) or give a real one")
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if (username is None) != (password is None):
            raise ValueError("SMTP_URL must give both a user and a password, or neither")
        return cls(
            host=parts.hostname,
            port=port or DEFAULT_PORTS[scheme],
            implicit_tls=scheme == "smtps",
            username=username,
            password=password,
        )

    def __str__(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}:***@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


# --- the message ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """A file sent along, e.g. ``Attachment(filename="deadline.ics", mime_type="text/calendar", data=...)``."""

    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingEmail:
    """One e-mail to one person, its texts already in ``language`` (an IETF tag such as ``da``).

    ``message_id_seed`` names what the e-mail is, stably (the outbox row: ``outbox-123``): the same seed gives the
    same ``Message-ID``. ``list_unsubscribe_url`` (https) lets mail clients show an unsubscribe button that works
    with one click (RFC 8058)."""

    to_address: str
    to_name: str
    from_address: str
    from_name: str
    subject: str
    text: str
    html: str
    message_id_seed: str
    language: str
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = ()
    list_unsubscribe_url: str | None = None
