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

import base64
import hashlib
import logging
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.exports.ical_text import WEB_LINK, content, date_value, escape_text, utc_stamp
from bot.runtime.delivery import RetryLater, SendFailed

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


class _MailPolicy(EmailPolicy):
    """The SMTP policy (CRLF), except that the List-Unsubscribe headers are written as they are: the standard
    folder would turn a long unsubscribe URL into encoded words, which no mail client reads as a URL. Their values
    are checked to be short plain ASCII before they are set."""

    def fold(self, name: str, value: Any) -> str:
        if name.lower() in _VERBATIM:
            return f"{name}: {value}{self.linesep}"
        return str(super().fold(name, value))

    def fold_binary(self, name: str, value: Any) -> bytes:
        if name.lower() in _VERBATIM:
            return f"{name}: {value}{self.linesep}".encode("ascii")
        return bytes(super().fold_binary(name, value))


_VERBATIM = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
MAIL_POLICY = _MailPolicy(linesep="\r\n")


def clean_header_text(value: str, *, limit: int) -> str:
    """A display name or subject as one line: control characters (CR, LF, tab, …) and line or paragraph
    separators become spaces, bidirectional overrides go, runs of spaces shrink to one, and it is cut at
    ``limit`` characters."""
    value = unicodedata.normalize("NFC", value).translate(_BIDI)
    value = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in value)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def checked_address(value: str) -> str:
    """One plain address, ``local@domain``, with an internationalised domain (``ole@blåbær.dk``) in its ASCII
    form; anything else (a list, a name, a comment, a stray control character) raises ``InvalidAddress``."""
    shown = repr(value[:80])
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or len(local) > 64 or not _LOCAL_PART.match(local):
        raise InvalidAddress(f"not one plain e-mail address: {shown}")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidAddress(f"not one plain e-mail address (its domain): {shown}") from None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise InvalidAddress(f"not one plain e-mail address (its domain): {shown}")
    address = f"{local}@{domain}"
    if len(address) > 254:
        raise InvalidAddress(f"e-mail address longer than 254 characters: {shown}")
    return address


def message_id(*, seed: str, domain: str) -> str:
    """The ``Message-ID`` for ``seed`` at ``domain``: always the same for the same two, so a message sent again
    after a crash is recognised by mail clients as the one they have."""
    try:
        host = checked_address(f"cobot@{domain}").partition("@")[2]
    except InvalidAddress:
        raise ValueError(f"the mail domain {domain[:80]!r} is not a host name, e.g. cobot.example.com") from None
    digest = hashlib.sha256(f"{seed}\x00{host}".encode()).hexdigest()[:32]
    return f"<cobot.{digest}@{host}>"


def build_message(email: OutgoingEmail, *, domain: str, now: datetime | None = None) -> EmailMessage:
    """The e-mail as it goes on the wire: text and HTML as alternatives (inside multipart/mixed when there are
    attachments), UTF-8 throughout, with Message-ID, Date, Reply-To and the one-click unsubscribe headers.

    ``domain`` is Cobot's mail domain (the Message-ID's right-hand side). Raises ``InvalidAddress`` for an address
    that is not one plain address and ``ValueError`` for an unusable unsubscribe URL or attachment type: the
    message can never be sent."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = clean_header_text(email.subject, limit=SUBJECT_LIMIT)
    message["From"] = _address(email.from_name, email.from_address)
    message["To"] = _address(email.to_name, email.to_address)
    if email.reply_to:
        message["Reply-To"] = Address(addr_spec=checked_address(email.reply_to))
    message["Date"] = format_datetime((now or datetime.now(UTC)).astimezone(UTC))
    message["Message-ID"] = message_id(seed=email.message_id_seed, domain=domain)
    if email.list_unsubscribe_url is not None:
        url = email.list_unsubscribe_url.strip()
        if not _HTTPS_LINK.match(url) or len(url) > 900 or not url.isascii():
            # RFC 8058's one-click unsubscribe works only with an https URL, and the header carries it verbatim.
            raise ValueError("list_unsubscribe_url must be one https:// URL without spaces, commas or <>")
        message["List-Unsubscribe"] = f"<{url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable rather than 8bit: not every relay announces 8BITMIME, and æøå must survive all of them.
    message.set_content(email.text, cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", cte="quoted-printable")
    for attachment in email.attachments:
        mime_type = attachment.mime_type.strip().lower()
        if not _MIME_TYPE.match(mime_type):
            raise ValueError(f"attachment {attachment.filename[:40]!r} has no usable MIME type")
        maintype, _, subtype = mime_type.partition("/")
        filename = clean_header_text(attachment.filename, limit=NAME_LIMIT).replace("/", "_").replace("\\", "_")
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=filename or "file")
    # Last: setting the body moves or drops every Content-* header already on the message.
    language = clean_header_text(email.language, limit=35)
    if re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", language):
        message["Content-Language"] = language
    return message


def _address(name: str, address: str) -> Address:
    return Address(display_name=clean_header_text(name, limit=NAME_LIMIT), addr_spec=checked_address(address))


# --- the calendar event --------------------------------------------------------------------------------------


def ics_event(
    *,
    uid: str,
    summary: str,
    description: str,
    start: date | datetime,
    url: str | None,
    organizer_name: str,
    organizer_email: str,
    now: datetime | None = None,
    duration: timedelta = SLOT_DURATION,
) -> bytes:
    """One event as an .ics file to attach (METHOD:PUBLISH: it goes into the calendar, no one is asked to reply).

    A ``date`` is an all-day event such as a deadline (and does not make anyone busy); an aware ``datetime`` is a
    moment lasting ``duration``. Summary and description are TEXT-escaped, so a line break typed into them stays
    part of the text and cannot start a property; a ``url`` that is not a plain web link raises ``ValueError``."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cobot//Co-creation e-mail//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{utc_stamp(now or datetime.now(UTC))}",
    ]
    if isinstance(start, datetime):
        if start.tzinfo is None:
            raise ValueError("ics_event needs a time zone on start (an aware datetime), or a date for all day")
        lines += [f"DTSTART:{utc_stamp(start)}", f"DTEND:{utc_stamp(start + duration)}"]
    else:
        lines += [
            f"DTSTART;VALUE=DATE:{date_value(start)}",
            f"DTEND;VALUE=DATE:{date_value(start + timedelta(days=1))}",
            "TRANSP:TRANSPARENT",
        ]
    lines += [f"SUMMARY:{escape_text(summary)}", f"DESCRIPTION:{escape_text(description)}"]
    if url is not None:
        if not WEB_LINK.match(url):
            raise ValueError("ics_event url must be one http(s):// link without spaces")
        lines.append(f"URL:{url}")
    # A parameter value cannot hold a double quote or a control character; quoted, it may hold : ; and ,.
    organizer = clean_header_text(organizer_name, limit=NAME_LIMIT).replace('"', "'")
    lines.append(f'ORGANIZER;CN="{organizer}":mailto:{checked_address(organizer_email)}')
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return content(lines)


# --- the transport -------------------------------------------------------------------------------------------


class SmtpTransport:
    """Sends built messages through the server in ``settings``, one connection per message (invitations and
    reminders are few; a connection kept open would only go stale between them).

    On ``smtp://`` it switches to TLS whenever the server offers STARTTLS, and it sends a password only over TLS:
    a server that offers no STARTTLS to a Cobot with credentials is treated as trouble that passes (it may be a
    downgrade in the network) and the message is retried. ``tls_context`` replaces the default, certificate-
    checking context (a private CA)."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        timeout: float = 10,
        tls_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()
        self.local_hostname = local_hostname

    def __repr__(self) -> str:
        return f"SmtpTransport({self.settings})"

    def send(self, message: EmailMessage) -> None:
        """Sends ``message`` to its To address. Raises ``RetryLater`` for a 4xx reply, a refused, reset or timed
        out connection or a server that hung up, and ``SendFailed`` for a 5xx reply or an address that is not
        one plain address."""
        sender, recipient = self._envelope(message)
        server = f"{self.settings.host}:{self.settings.port}"
        stage = "connect"
        try:
            with self._connect() as client:
                stage = "EHLO"
                client.ehlo()
                if not self.settings.implicit_tls:
                    if client.has_extn("starttls"):
                        stage = "STARTTLS"
                        client.starttls(context=self.tls_context)
                        client.ehlo()
                    elif self.settings.username:
                        raise RetryLater(None, f"SMTP {server} offers no STARTTLS; the password is sent only over TLS")
                if self.settings.username and self.settings.password is not None:
                    stage = "AUTH"
                    self._login(client, self.settings.username, self.settings.password)
                stage = "send"
                refused = client.send_message(message, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()), (550, b""))
            raise self._outcome(code, reply, server=server, stage="RCPT") from None
        except smtplib.SMTPResponseException as error:
            # SMTPSenderRefused, SMTPDataError, SMTPConnectError, SMTPHeloError, SMTPAuthenticationError.
            raise self._outcome(error.smtp_code, error.smtp_error, server=server, stage=stage) from None
        except smtplib.SMTPNotSupportedError as error:
            raise SendFailed(self._redact(f"SMTP {server} cannot do what this needs at {stage}: {error}")) from None
        except smtplib.SMTPServerDisconnected as error:
            raise RetryLater(None, self._redact(f"SMTP {server} hung up at {stage}: {error}")) from None
        except ssl.SSLError as error:
            # A certificate that doesn't check out is fixed on the server, not in the message: retry until it is.
            reason = error.reason or type(error).__name__
            raise RetryLater(None, f"SMTP {server} TLS failed at {stage}: {reason}") from None
        except smtplib.SMTPException as error:  # before OSError, its base: one that fits none of the above
            raise RetryLater(None, self._redact(f"SMTP {server} failed at {stage}: {error}")) from None
        except OSError as error:
            # Refused, reset, timed out, unreachable, no such host: the server or the network, for now.
            raise RetryLater(None, f"SMTP {server} unreachable at {stage}: {type(error).__name__}: {error}") from None
        if refused:
            code, reply = next(iter(refused.values()))
            raise self._outcome(code, reply, server=server, stage="RCPT")
        log.info("smtp: sent %s via %s", message.get("Message-ID", "(no id)"), server)

    def _connect(self) -> smtplib.SMTP:
        factory: Callable[..., smtplib.SMTP]
        if self.settings.implicit_tls:
            factory = smtplib.SMTP_SSL
            extra: dict[str, Any] = {"context": self.tls_context}
        else:
            factory, extra = smtplib.SMTP, {}
        return factory(
            self.settings.host,
            self.settings.port,
            local_hostname=self.local_hostname,
            timeout=self.timeout,
            **extra,
        )

    @staticmethod
    def _login(client: smtplib.SMTP, user: str, password: str) -> None:
        """One login attempt, PLAIN or else LOGIN, in UTF-8 (RFC 4616). Not ``smtplib.login``: it encodes the
        credentials as ASCII, so a password with æøå could never log in, and after a refusal it tries the same
        password again with the next mechanism, which brings an account nearer its lockout for nothing."""
        if not client.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
        mechanisms = client.esmtp_features["auth"].upper().split()
        if "PLAIN" in mechanisms:
            code, reply = client.docmd("AUTH", "PLAIN " + _base64(f"\0{user}\0{password}"))
        elif "LOGIN" in mechanisms:
            code, reply = client.docmd("AUTH", "LOGIN")
            if code == 334:
                code, reply = client.docmd(_base64(user))
            if code == 334:
                code, reply = client.docmd(_base64(password))
        else:
            raise smtplib.SMTPNotSupportedError("the server offers neither AUTH PLAIN nor AUTH LOGIN")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)

    def _envelope(self, message: EmailMessage) -> tuple[str, str]:
        """The envelope sender and the one recipient, checked again: a message built elsewhere must meet the
        same rule, and an SMTP envelope must never be derived from a header that holds more than one address."""
        try:
            senders: tuple[Address, ...] = message["From"].addresses if message["From"] is not None else ()
            recipients: tuple[Address, ...] = message["To"].addresses if message["To"] is not None else ()
            if len(senders) != 1 or len(recipients) != 1 or message["Cc"] or message["Bcc"]:
                raise InvalidAddress("an e-mail goes from one address to one address")
            return checked_address(senders[0].addr_spec), checked_address(recipients[0].addr_spec)
        except (ValueError, AttributeError) as error:
            raise SendFailed(f"not sendable: {error}") from None

    def _outcome(self, code: int, reply: bytes | str, *, server: str, stage: str) -> RetryLater | SendFailed:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        reason = self._redact(f"SMTP {code} from {server} at {stage}: {' '.join(text.split())[:300]}")
        if 400 <= code < 500:
            return RetryLater(None, reason)
        if 500 <= code < 600:
            return SendFailed(reason)
        return RetryLater(None, reason)  # no reply code (-1) or one outside SMTP's: not proof the message is bad

    def _redact(self, text: str) -> str:
        """``text`` without the password, plain or as AUTH PLAIN/LOGIN sent it, should a server echo it back."""
        password = self.settings.password
        if not password:
            return text
        user = self.settings.username or ""
        for secret in (
            password,
            _base64(password),
            _base64(f"\0{user}\0{password}"),
        ):
            text = text.replace(secret, "***")
        return text


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")
