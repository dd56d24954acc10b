"""The ``/cocreate`` grammar: parse a command line into a typed command, and run it.

Input text follows Slack's conventions, which the other adapters produce too: ``&``, ``<`` and ``>`` typed by a
person arrive as ``&amp;``, ``&lt;`` and ``&gt;``, and markup arrives in angle brackets (``<@U123|mette>`` a
person, ``<https://x|label>`` a link, ``<!channel>`` a special mention). ``plain()`` turns free text into what the
person meant, so titles and drafts are stored as plain text and escaped again when shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from handlers import texts
from handlers.calendar import add_slot, book_slot, derive_request, list_slots, mark_published
from handlers.context import Ctx
from handlers.digest import preview_digest
from handlers.drafts import DraftContent, submit_draft
from handlers.extensions import ask_for_more_time
from handlers.invitations import invite_matching, list_invitations, set_invitations
from handlers.parsing import parse_day
from handlers.preferences import MAX_ASKS_PER_MONTH, set_ask_limit, set_language, set_recognition, set_reminders
from handlers.reports import Period, parse_report_period, report_as_file_only
from handlers.requests import (
    NEEDS_LIMIT,
    NewRequest,
    close_request,
    create_request,
    list_open_requests,
    my_requests,
    show_request,
)
from handlers.results import Reply, Text, UserFacingError, t
from handlers.review import approve_draft, request_changes
from handlers.skills import add_skills, list_skills, remove_skills, split_skills, who_knows
from handlers.volunteering import volunteer_for_request, withdraw_from_request
from storage import queries

_MARKUP = re.compile(r"<([^<>]*)>")
# A person: Slack sends <@U123|name>; other adapters produce the same token with their own user ids.
_MENTION = re.compile(r"^<@([^|>\s]+)(?:\|[^>]*)?>$")
_OPTION_KEYS = ("due", "format", "skills", "needs", "parts", "brief")
_OPTION = re.compile(r"(?<!\S)(" + "|".join(_OPTION_KEYS) + r"):", re.IGNORECASE)
# A quoted option value may open with a straight quote or a typographic one (phones and Danish keyboards type
# those). A straight quote closes only at the next straight quote, so typographic quotes inside stay in the text.
_QUOTES = '"“”„«»'


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class New:
    request: NewRequest | None  # None: no arguments given; adapters with forms open one


@dataclass(frozen=True)
class ListOpen:
    page: int = 1


@dataclass(frozen=True)
class Show:
    number: int


@dataclass(frozen=True)
class Mine:
    pass


@dataclass(frozen=True)
class VolunteerCmd:
    number: int
    part: str | None


@dataclass(frozen=True)
class Withdraw:
    number: int


@dataclass(frozen=True)
class Submit:
    number: int
    content: str


@dataclass(frozen=True)
class Approve:
    number: int
    person: str  # a mention token or @name, resolved when run


@dataclass(frozen=True)
class Changes:
    number: int
    person: str
    feedback: str


@dataclass(frozen=True)
class Close:
    number: int


@dataclass(frozen=True)
class Setting:
    name: str  # "reminders" or "recognition"
    value: str


@dataclass(frozen=True)
class Language:
    value: str


@dataclass(frozen=True)
class Slots:
    pass


@dataclass(frozen=True)
class AddSlot:
    name: str
    day: str
    at: str


@dataclass(frozen=True)
class Book:
    number: int
    slot: str


@dataclass(frozen=True)
class Published:
    number: int
    url: str


@dataclass(frozen=True)
class Derive:
    number: int
    request: NewRequest | None  # None: only the original named; adapters with forms open one pre-filled


@dataclass(frozen=True)
class Extend:
    number: int
    proposed: date


@dataclass(frozen=True)
class DigestPreview:
    pass


@dataclass(frozen=True)
class Skills:
    action: str  # "list", "add" or "remove"
    skills: tuple[str, ...] = ()  # as typed; normalised when run


@dataclass(frozen=True)
class Who:
    skill: str


@dataclass(frozen=True)
class Invite:
    number: int


@dataclass(frozen=True)
class Invitations:
    number: int


@dataclass(frozen=True)
class InvitationSetting:
    value: str


@dataclass(frozen=True)
class AsksSetting:
    value: str  # "never", "default" or a number; checked when run


@dataclass(frozen=True)
class Report:
    period: Period  # requests posted in it; the default is everything so far


Command = (
    Help
    | New
    | ListOpen
    | Show
    | Mine
    | VolunteerCmd
    | Withdraw
    | Submit
    | Approve
    | Changes
    | Close
    | Setting
    | Language
    | Slots
    | AddSlot
    | Book
    | Published
    | Derive
    | Extend
    | DigestPreview
    | Skills
    | Who
    | Invite
    | Invitations
    | InvitationSetting
    | AsksSetting
    | Report
)


def plain(text: str) -> str:
    """Slack-style marked-up text as a person would read it: ``<@U1|mette>`` → ``@mette``, links → their URL,
    ``<!channel>`` → ``@channel``, entities unescaped."""

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^")[0]
            return label if label.startswith("@") else "@" + (label or word)
        return target

    return _MARKUP.sub(replace, text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_command(text: str, *, today: date) -> Command:
    """Parses the text after ``/cocreate``; raises ``UserFacingError`` with a usage hint when it is malformed."""
    text = text.strip()
    word, _, rest = text.partition(" ")
    word = word.casefold()
    rest = rest.strip()
    if word in ("", "help", "hjælp", "?"):
        return Help()
    if word == "new":
        return New(_parse_new(rest, today=today) if rest else None)
    if word == "list":
        if not rest:
            return ListOpen()
        if not rest.isdecimal() or int(rest) < 1:
            raise UserFacingError(t(texts.USAGE_LIST))
        return ListOpen(int(rest))
    if word == "mine":
        return Mine()
    if word == "show":
        return Show(_parse_id(_first(rest), t(texts.USAGE_SHOW)))
    if word == "withdraw":
        return Withdraw(_parse_id(_first(rest), t(texts.USAGE_WITHDRAW)))
    if word == "close":
        return Close(_parse_id(_first(rest), t(texts.USAGE_CLOSE)))
    if word == "volunteer":
        ref, _, part = rest.partition(" ")
        return VolunteerCmd(_parse_id(ref, t(texts.USAGE_VOLUNTEER)), plain(part).strip() or None)
    if word == "submit":
        ref, _, content = rest.partition(" ")
        return Submit(_parse_id(ref, t(texts.USAGE_SUBMIT)), content.strip())
    if word in ("approve", "changes"):
        usage = texts.USAGE_APPROVE if word == "approve" else texts.USAGE_CHANGES
        ref, _, tail = rest.partition(" ")
        number = _parse_id(ref, t(usage))
        person, _, feedback = tail.strip().partition(" ")
        if not person:
            raise UserFacingError(t(usage))
        if word == "approve":
            return Approve(number, person)
        return Changes(number, person, plain(feedback).strip())
    if word in ("reminders", "recognition"):
        usage = texts.USAGE_REMINDERS if word == "reminders" else texts.USAGE_RECOGNITION
        if rest.casefold() not in ("on", "off", "til", "fra"):
            raise UserFacingError(t(usage))
        return Setting(word, rest)
    if word in ("language", "sprog"):
        if not rest:
            raise UserFacingError(t(texts.USAGE_LANGUAGE))
        return Language(rest)
    if word == "slots":
        return Slots()
    if word == "slot":
        example = (today + timedelta(days=7)).isoformat()
        words = plain(rest).split()
        if len(words) < 4 or words[0].casefold() != "add":
            raise UserFacingError(t(texts.USAGE_SLOT_ADD, example=example))
        return AddSlot(" ".join(words[1:-2]), words[-2], words[-1])
    if word == "book":
        example = (today + timedelta(days=7)).isoformat()
        ref, _, slot = rest.partition(" ")
        number = _parse_id(ref, t(texts.USAGE_BOOK, example=example))
        if not slot.strip():
            raise UserFacingError(t(texts.USAGE_BOOK, example=example))
        return Book(number, plain(slot).strip())
    if word == "published":
        ref, _, url = rest.partition(" ")
        number = _parse_id(ref, t(texts.USAGE_PUBLISHED))
        if not url.strip():
            raise UserFacingError(t(texts.USAGE_PUBLISHED))
        return Published(number, plain(url).strip())
    if word == "derive":
        example = (today + timedelta(days=14)).isoformat()
        ref, _, tail = rest.partition(" ")
        number = _parse_id(ref, t(texts.USAGE_DERIVE, example=example))
        return Derive(number, _parse_new(tail, today=today) if tail.strip() else None)
    if word == "extend":
        example = (today + timedelta(days=14)).isoformat()
        ref, _, day = rest.partition(" ")
        number = _parse_id(ref, t(texts.USAGE_EXTEND, example=example))
        if not day.strip():
            raise UserFacingError(t(texts.USAGE_EXTEND, example=example))
        return Extend(number, parse_day(day.strip(), example=example))
    if word == "digest":
        return DigestPreview()
    if word == "skills":
        action, _, items = plain(rest).partition(" ")
        action = action.casefold()
        if not action:
            return Skills("list")
        if action not in ("add", "remove"):
            raise UserFacingError(t(texts.USAGE_SKILLS))
        skills = tuple(split_skills(items))
        if not skills:
            raise UserFacingError(t(texts.USAGE_SKILLS_ADD if action == "add" else texts.USAGE_SKILLS_REMOVE))
        return Skills(action, skills)
    if word == "who":
        if not plain(rest).strip():
            raise UserFacingError(t(texts.USAGE_WHO))
        return Who(plain(rest).strip())
    if word == "invite":
        return Invite(_parse_id(_first(rest), t(texts.USAGE_INVITE)))
    if word == "invitations":
        if rest.casefold() in ("on", "off", "til", "fra"):
            return InvitationSetting(rest)
        return Invitations(_parse_id(_first(rest), t(texts.USAGE_INVITATIONS)))
    if word == "asks":
        if not rest:
            raise UserFacingError(t(texts.USAGE_ASKS, max=MAX_ASKS_PER_MONTH))
        return AsksSetting(rest)
    if word == "report":
        return Report(parse_report_period(plain(rest)))
    raise UserFacingError(t(texts.UNKNOWN_SUBCOMMAND, word=plain(word)[:40]))


def only_reads(command: Command) -> bool:
    """Commands that change nothing: the adapters run them without taking the database's write lock."""
    return isinstance(command, Help | ListOpen | Show | Mine | Slots | DigestPreview | Who) or (
        isinstance(command, Skills) and command.action == "list"
    )


def run_command(ctx: Ctx, command: Command) -> Reply:
    """Runs a parsed command as the context's actor. ``New(None)`` must be handled by the adapter (a form)."""
    match command:
        case Help():
            return Reply.of(t(texts.HELP), t(texts.HELP_SKILLS_DIRECTORY))
        case New(request=None):
            raise UserFacingError(t(texts.USAGE_NEW))
        case New(request=NewRequest() as new):
            return create_request(ctx, new, channel_id=ctx.channel_id)
        case ListOpen(page=page):
            return list_open_requests(ctx, page=page)
        case Show(number=number):
            return show_request(ctx, number=number)
        case Mine():
            return my_requests(ctx)
        case VolunteerCmd(number=number, part=part):
            return volunteer_for_request(ctx, number=number, part=part, via="command")
        case Withdraw(number=number):
            return withdraw_from_request(ctx, number=number, via="command")
        case Submit(number=number, content=content):
            return submit_draft(ctx, number=number, content=DraftContent(text=plain(content)), source="command")
        case Approve(number=number, person=person):
            return approve_draft(ctx, number=number, user_id=resolve_person(ctx, person))
        case Changes(number=number, person=person, feedback=feedback):
            return request_changes(ctx, number=number, user_id=resolve_person(ctx, person), feedback=feedback)
        case Close(number=number):
            return close_request(ctx, number=number)
        case Setting(name="reminders", value=value):
            return set_reminders(ctx, value=value)
        case Setting(value=value):
            return set_recognition(ctx, value=value)
        case Language(value=value):
            return set_language(ctx, value=value)
        case Slots():
            return list_slots(ctx)
        case AddSlot(name=name, day=day, at=at):
            return add_slot(ctx, name=name, day=day, at=at)
        case Book(number=number, slot=slot):
            return book_slot(ctx, number=number, slot=slot)
        case Published(number=number, url=url):
            return mark_published(ctx, number=number, url=url)
        case Derive(request=None):
            raise UserFacingError(t(texts.USAGE_DERIVE, example=(ctx.today() + timedelta(days=14)).isoformat()))
        case Derive(number=number, request=NewRequest() as new):
            return derive_request(ctx, number=number, new=new)
        case Extend(number=number, proposed=proposed):
            return ask_for_more_time(ctx, number=number, proposed=proposed)
        case DigestPreview():
            return preview_digest(ctx)
        case Skills(action="list"):
            return list_skills(ctx)
        case Skills(action="add", skills=skills):
            return add_skills(ctx, skills=skills)
        case Skills(skills=skills):
            return remove_skills(ctx, skills=skills)
        case Who(skill=skill):
            return who_knows(ctx, skill=skill)
        case Invite(number=number):
            return invite_matching(ctx, number=number)
        case Invitations(number=number):
            return list_invitations(ctx, number=number)
        case InvitationSetting(value=value):
            return set_invitations(ctx, value=value)
        case AsksSetting(value=value):
            return set_ask_limit(ctx, value=value)
        case Report(period=period):  # adapters that can send files build the report themselves
            return report_as_file_only(ctx, period=period)
    raise AssertionError(f"unhandled command {command!r}")


def resolve_person(ctx: Ctx, token: str) -> str:
    """A user id from a mention token (``<@U123|mette>``) or ``@name`` of someone Cobot has met."""
    found = _MENTION.match(token)
    if found:
        return found.group(1)
    name = plain(token).lstrip("@")
    matches = queries.find_members_by_name(session=ctx.session, workspace_id=ctx.workspace_id, name=name)
    if len(matches) == 1:
        return matches[0].user_id
    raise UserFacingError(t(texts.NOT_A_MENTION, value=plain(token)[:60]))


def _first(text: str) -> str:
    return text.split()[0] if text else ""


def _parse_id(value: str, usage: Text) -> int:
    if not value:
        raise UserFacingError(usage)
    digits = value.removeprefix("#")
    if not digits.isdecimal() or int(digits) < 1:
        raise UserFacingError(t(texts.BAD_ID, value=plain(value)[:40]))
    return int(digits)


def _parse_new(text: str, *, today: date) -> NewRequest:
    options, title = _split_options(text)
    example = (today + timedelta(days=14)).isoformat()
    if "due" not in options:
        if not title:
            raise UserFacingError(t(texts.USAGE_NEW))
        raise UserFacingError(t(texts.MISSING_DEADLINE, example=example))
    deadline = parse_day(options["due"], example=example)
    needs = None
    if "needs" in options:
        if not options["needs"].isdecimal():
            raise UserFacingError(t(texts.BAD_NEEDS, limit=NEEDS_LIMIT))
        needs = int(options["needs"])
    skills = tuple(s.strip() for s in options.get("skills", "").split(",") if s.strip())
    parts = tuple(p.strip() for p in re.split(r"[;\n]", options.get("parts", "")) if p.strip())
    return NewRequest(
        title=title,
        deadline=deadline,
        brief=options.get("brief", ""),
        format=options.get("format"),
        skills=skills,
        needs=needs,
        parts=parts,
    )


def _split_options(text: str) -> tuple[dict[str, str], str]:
    """Pulls ``key:value`` and ``key:"quoted value"`` options out of ``text``; the rest is the title."""
    options: dict[str, str] = {}
    title_pieces: list[str] = []
    position = 0
    for match in _OPTION.finditer(text):
        if match.start() < position:
            continue  # inside a quoted value consumed earlier
        title_pieces.append(text[position : match.start()])
        key = match.group(1).casefold()
        start = match.end()
        if text[start : start + 1] and text[start] in _QUOTES:
            closing = '"' if text[start] == '"' else _QUOTES
            end = next((i for i in range(start + 1, len(text)) if text[i] in closing), -1)
            if end == -1:
                raise UserFacingError(t(texts.UNCLOSED_QUOTE, key=key))
            value, position = text[start + 1 : end], end + 1
        else:
            end = start
            while end < len(text) and not text[end].isspace():
                end += 1
            value, position = text[start:end], end
        if key in options:
            raise UserFacingError(t(texts.DUPLICATE_OPTION, key=key))
        options[key] = plain(value).strip()
    title_pieces.append(text[position:])
    title = " ".join(plain("".join(title_pieces)).split())
    return options, title
