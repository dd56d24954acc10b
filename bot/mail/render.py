"""E-mails to guests, written: Cobot's neutral texts as a letter in plain text and in HTML, in the guest's language
and time zone, with the request's brief, the deadline written out, and the link to their page.

One composition serves every e-mail: the invitation (``SendEmail.content`` None) opens with who asks for what, a
notice (a reminder, the owner's decision) opens with the notice itself, and both go on with what the guest needs
at hand: the deadline, the page's link and how long it works, and, at the foot, why the e-mail came and how to stop
its reminders. Chat markup in the templates (``*bold*``, backticks, ``:tada:``) becomes HTML markup or nothing.

Everything a person typed (a title, a brief, feedback, a name) is escaped in the HTML; the templates are Cobot's
own and only their markup is turned into tags, before the parameters go in, so a typed ``*`` or ``<b>`` stays
text. The same values reach the .ics attachment through ``bot.runtime.email.ics_event``, which escapes them there.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.runtime.delivery import MailAbout, SendEmail
from bot.runtime.email import Attachment, OutgoingEmail, clean_header_text, ics_event
from handlers import texts
from handlers.dates import format_long_day, format_moment
from handlers.results import ChannelRef, Day, Link, Moment, Notice, Param, Reply, Text, UserRef, t

Translate = Callable[[str], str]

EMOJI = {":raised_hand:": "✋", ":tada:": "🎉", ":wave:": "👋"}
SUBJECT_WHAT_LIMIT = 120  # characters of a notice's first sentence in the subject
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True)
class MailLinks:
    """Where the e-mail points: the guest's page and its one-click stop for reminders (None: no such link)."""

    page: str | None
    stop_reminders: str | None


class MailWriter:
    """Renders texts for one guest: ``plain`` for the text part and the subject, ``html`` for the HTML part."""

    def __init__(self, *, translate: Translate, language: str, timezone: ZoneInfo) -> None:
        self.translate = translate
        self.language = language
        self.timezone = timezone

    def plain(self, text: Text) -> str:
        values = {name: self._plain_value(value) for name, value in text.params.items()}
        template = _emoji(text.template(self.translate))
        return template.replace("`", "").replace("*", "").format_map(_Defaulting(values))

    def html(self, text: Text) -> str:
        values = {name: self._html_value(value) for name, value in text.params.items()}
        template = html.escape(_emoji(text.template(self.translate)), quote=False)
        template = _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", template))
        return template.format_map(_Defaulting(values)).replace("\n", "<br>\n")

    def day(self, value: Day | datetime) -> str:
        if isinstance(value, Day):
            return format_long_day(value.value, language=self.language)
        return format_long_day(value.astimezone(self.timezone).date(), language=self.language)

    def _plain_value(self, value: Param) -> str:
        if isinstance(value, Text):
            return self.plain(value)
        if isinstance(value, UserRef):
            if value.stand_in is not None:
                return self.plain(value.stand_in)  # someone forgotten: "a former contributor"
            return "@" + value.user_id  # only a person Cobot no longer knows is left unnamed (``delivery``)
        if isinstance(value, ChannelRef):
            return "#" + value.channel_id
        if isinstance(value, Day):
            return self.day(value)
        if isinstance(value, Moment):
            return format_moment(value.value, language=self.language, timezone=self.timezone)
        if isinstance(value, Link):
            return value.url
        return str(value)

    def _html_value(self, value: Param) -> str:
        if isinstance(value, Text):
            return self.html(value)
        if isinstance(value, Link) and value.opens:
            return _anchor(value.url, value.url)
        return html.escape(self._plain_value(value))


class _Defaulting(dict[str, str]):
    """A template naming a field the handler did not fill shows the field's name instead of failing the send."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _emoji(template: str) -> str:
    for code, emoji in EMOJI.items():
        template = template.replace(code, emoji)
    return template


def _anchor(url: str, label: str, *, button: bool = False) -> str:
    style = (
        ' style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#ffffff;'
        'text-decoration:none;border-radius:6px;font-weight:bold"'
        if button
        else ' style="color:#1d4ed8"'
    )
    return f'<a href="{html.escape(url)}"{style}>{html.escape(label)}</a>'


def compose(
    email: SendEmail,
    *,
    translate: Translate,
    links: MailLinks,
    from_address: str,
    from_name: str,
    now: datetime,
) -> OutgoingEmail:
    """The e-mail ``email`` stands for, ready for ``bot.runtime.email.build_message``."""
    writer = MailWriter(translate=translate, language=email.language, timezone=_zone(email.timezone))
    about = email.about
    owner = about.owner_name if about is not None else from_name
    # Paragraphs, each as (plain, html); a paragraph's html is already escaped.
    body: list[tuple[str, str]] = []

    def add(text: Text) -> None:
        body.append((writer.plain(text), writer.html(text)))

    def add_verbatim(value: str, *, quote: bool = False) -> None:
        shown = "\n".join("> " + line for line in value.splitlines()) if quote else value
        escaped = html.escape(value).replace("\n", "<br>\n")
        markup = (
            f'<blockquote style="margin:0;padding:8px 12px;border-left:4px solid #d1d5db;color:#374151">{escaped}'
            "</blockquote>"
            if quote
            else escaped
        )
        body.append((shown, markup))

    add(t(texts.EMAIL_GREETING, name=email.to_name))
    if email.content is None:
        assert about is not None, "an invitation is always about a request"
        subject = writer.plain(t(texts.EMAIL_INVITE_SUBJECT, owner=owner, title=about.title))
        if about.part:
            add(t(texts.EMAIL_INVITE_PART, owner=owner, title=about.title, part=about.part))
        else:
            add(t(texts.EMAIL_INVITE, owner=owner, title=about.title))
        if about.waiting:
            add(t(texts.EMAIL_INVITE_WAITING))
        if about.brief.strip():
            heading = t(texts.EMAIL_BRIEF)
            body.append((writer.plain(heading).upper(), f"<strong>{writer.html(heading)}</strong>"))
            add_verbatim(about.brief.strip())
        if about.format:
            add(t(texts.EMAIL_FORMAT, format=about.format))
    else:
        lead = _lead(email.content)
        for line in lead:
            add(line)
        if isinstance(email.content, Notice):
            if email.content.quote:
                add_verbatim(email.content.quote, quote=True)
            if email.content.link:
                add(t(texts.EMAIL_LINK_LINE, link=Link(email.content.link)))
        first = writer.plain(lead[0]) if lead else ""
        what = _first_sentence(first)
        subject = writer.plain(t(texts.EMAIL_ABOUT_SUBJECT, title=about.title, what=what)) if about else what
    if about is not None:
        add(t(texts.EMAIL_DEADLINE, deadline=Day(about.deadline)))

    button_plain, button_html = "", ""
    after_texts: list[Text] = []
    if links.page is not None:
        label = writer.plain(t(texts.EMAIL_OPEN_PAGE))
        button_plain = f"{label}: {links.page}"
        button_html = f'<p style="margin:24px 0">{_anchor(links.page, label, button=True)}</p>'
        if email.content is None:
            after_texts.append(t(texts.EMAIL_PAGE_HELPS))
        if email.link_expires is not None:
            after_texts.append(t(texts.EMAIL_LINK_PERSONAL, expires=Day(email.link_expires.date())))
    elif about is not None:
        after_texts.append(t(texts.EMAIL_NO_LINK, title=about.title))
    after = [(writer.plain(x), writer.html(x)) for x in after_texts]
    signature = t(texts.EMAIL_SIGNATURE, owner=owner)

    foot: list[Text] = []
    if about is not None:
        foot.append(t(texts.EMAIL_WHY, owner=owner, title=about.title))
        if about.owner_email:
            foot.append(t(texts.EMAIL_REPLY_TO_OWNER, owner=owner))
    foot_plain = [writer.plain(x) for x in foot]
    foot_html = [writer.html(x) for x in foot]
    if links.stop_reminders is not None and about is not None:
        stop = t(texts.EMAIL_STOP_REMINDERS, title=about.title, url=Link(links.stop_reminders))
        foot_plain.append(writer.plain(stop))
        foot_html.append(writer.html(stop))

    plain_parts = [p for p, _ in body]
    if button_plain:
        plain_parts.append(button_plain)
    plain_parts += [p for p, _ in after]
    plain_parts.append(writer.plain(signature))
    plain_body = "\n\n".join(plain_parts)
    if foot_plain:
        plain_body += "\n\n-- \n" + "\n".join(foot_plain)
    plain_body += "\n"

    paragraphs = "\n".join(f'<p style="margin:0 0 16px">{h}</p>' for _, h in body)
    after_html = "\n".join(f'<p style="margin:0 0 16px;color:#374151">{h}</p>' for _, h in after)
    foot_block = "<br>\n".join(foot_html)
    document = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(email.language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        '<body style="margin:0;padding:24px;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif;'
        'font-size:16px;line-height:1.5;color:#111827">\n'
        '<div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px;border-radius:8px">\n'
        f"{paragraphs}\n{button_html}\n{after_html}\n"
        f'<p style="margin:0 0 16px">{writer.html(signature)}</p>\n'
        "</div>\n"
        f'<p style="max-width:600px;margin:16px auto 0;font-size:13px;color:#4b5563">{foot_block}</p>\n'
        "</body>\n</html>\n"
    )
    attachments: tuple[Attachment, ...] = ()
    if email.content is None and about is not None:
        attachments = (_deadline_event(email, about, writer, links, from_address, now),)
    return OutgoingEmail(
        to_address=email.to_address,
        to_name=email.to_name,
        from_address=from_address,
        from_name=from_name,
        subject=clean_header_text(subject, limit=200),
        text=plain_body,
        html=document,
        message_id_seed=email.seed,
        language=email.language,
        reply_to=about.owner_email if about is not None else None,
        attachments=attachments,
        list_unsubscribe_url=links.stop_reminders,
    )


def _lead(content: Notice | Reply) -> list[Text]:
    if isinstance(content, Notice):
        return [content.text]
    return list(content.texts)


def _first_sentence(text: str) -> str:
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    return clean_header_text(first, limit=SUBJECT_WHAT_LIMIT)


def _deadline_event(
    email: SendEmail, about: MailAbout, writer: MailWriter, links: MailLinks, from_address: str, now: datetime
) -> Attachment:
    """The deadline as an all-day event, for the guest's calendar; it points at their page."""
    domain = from_address.rpartition("@")[2]
    data = ics_event(
        uid=f"deadline-{email.workspace_id}-{about.request_id}-{email.member_id}@{domain}",
        summary=writer.plain(t(texts.EMAIL_DEADLINE_EVENT, title=about.title)),
        description=about.brief.strip() or about.title,
        start=about.deadline,
        url=links.page,
        organizer_name=about.owner_name,
        organizer_email=about.owner_email or from_address,
        now=now,
    )
    return Attachment(filename="deadline.ics", mime_type="text/calendar", data=data)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, OSError):
        return ZoneInfo("UTC")
