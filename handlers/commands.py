"""The ``/cocreate`` grammar: one table (``SUBCOMMANDS``) gives every subcommand its words, its parser, its line
of help, whether it only reads, and the handler that runs it. An adapter parses a person's text once
(``parse_command``, or ``read_command``, which never raises) and hands the typed ``Command`` on to ``run_command``.

Input text is in one neutral form, which every adapter produces: ``&``, ``<`` and ``>`` typed by a person arrive as
``&amp;``, ``&lt;`` and ``&gt;``, and markup arrives in angle brackets: ``<https://x|label>`` a link, ``<!channel>``
a special mention, and ``<@id>`` or ``<@id|label>`` a person (the *mention token*). The id in a mention token is the
platform's user id as Cobot stores it (``Member.user_id``) and may be any run of characters other than ``|``,
``>`` and white space; the grammar assumes nothing about its alphabet. Adapters turn their own mentions into it:
Slack's ``<@U123|name>`` already is one, Teams' ``<at>`` mentions become ``<@aad-object-id|Name>``, the console's
``@name`` becomes ``<@user>``. ``plain()`` turns free text into what the person meant, so titles and drafts are
stored as plain text and escaped again when shown.

The grammar does not depend on the day: dates are written in full (``2026-12-01``), and "today" only words the
examples in usage hints, so an adapter may parse before it opens a transaction, with the request's day in the
workspace's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from handlers import texts
from handlers.calendar import add_slot, book_slot, derive_request, list_slots, mark_published
from handlers.context import Ctx
from handlers.departments import set_own_department, whoami
from handlers.digest import preview_digest
from handlers.drafts import DraftContent, submit_draft
from handlers.extensions import ask_for_more_time
from handlers.feeds import send_personal_feed_url
from handlers.figures import record_typed_results, results_hint, split_pairs
from handlers.figures import usage as results_usage
from handlers.guests import invite_guest, remove_guest
from handlers.invitations import invite_matching, list_invitations, set_invitations
from handlers.parsing import MENTION, parse_day, split_trailing_day
from handlers.plan_import import import_instructions
from handlers.preferences import (
    MAX_ASKS_PER_MONTH,
    set_ask_limit,
    set_language,
    set_recognition,
    set_reminders,
    set_results_notes,
)
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
from handlers.signoff import sign_off_request, withdraw_consent
from handlers.skills import add_skills, list_skills, remove_skills, split_skills, who_knows
from handlers.volunteering import volunteer_for_request, withdraw_from_request
from storage import queries

_MARKUP = re.compile(r"<([^<>]*)>")
# More digits than this is not a number anyone means. Python refuses to read strings of thousands of digits as
# numbers (``int`` raises ValueError), so the length is checked first. An id of 40 digits is read, and answered
# with "there is no request #…"; a longer one, like a page or a count too long, gets the subcommand's usage hint.
ID_DIGITS = 40
COUNT_DIGITS = 9
_OPTION_KEYS = ("due", "format", "skills", "needs", "parts", "brief")
_OPTION = re.compile(r"(?<!\S)(" + "|".join(_OPTION_KEYS) + r"):", re.IGNORECASE)
_GUEST_OPTION = re.compile(r"(?<!\S)(name|navn|lang|sprog):", re.IGNORECASE)
_SIGNOFF_OPTION = re.compile(r"(?<!\S)(byline|bio):", re.IGNORECASE)
_FORCE_OPTION = re.compile(r"(?<!\S)(force):", re.IGNORECASE)
# A quoted option value may open with a straight quote or a typographic one (phones and Danish keyboards type
# those). A straight quote closes only at the next straight quote, so typographic quotes inside stay in the text.
_QUOTES = '"“”„«»'


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class OwnDepartment:
    value: str  # a department, or "clear"


@dataclass(frozen=True)
class WhoAmI:
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
class CalendarFeed:
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
class Guest:
    number: int
    email: str  # as typed (plain); checked when run
    part: str | None
    name: str | None
    language: str | None = None  # as typed (``lang:da``); checked when run


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
    force_reason: str | None = None  # `force:"reason"`: publish without every sign-off


@dataclass(frozen=True)
class Results:
    number: int
    pairs: tuple[tuple[str, str], ...] | None  # as typed; None: no figures (adapters with forms open one)


@dataclass(frozen=True)
class SignOffCmd:
    number: int
    byline: str | None = None
    bio: str | None = None


@dataclass(frozen=True)
class RemoveGuest:
    number: int
    email: str


@dataclass(frozen=True)
class WithdrawConsent:
    number: int


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
class ResultsNotesSetting:
    value: str  # "on" or "off" (or a Danish word); checked when run


@dataclass(frozen=True)
class Report:
    period: Period  # requests posted in it; the default is everything so far


@dataclass(frozen=True)
class Import:
    """`/cocreate import`: how an admin imports a content plan (a file shared with Cobot in a DM)."""


@dataclass(frozen=True)
class Unparsable:
    """Text that is not a command (``read_command``): running it answers with its usage hint."""

    hint: Text


Command = (
    Help
    | New
    | ListOpen
    | Show
    | Mine
    | CalendarFeed
    | VolunteerCmd
    | Withdraw
    | Submit
    | Approve
    | Changes
    | Close
    | Guest
    | Setting
    | Language
    | Slots
    | AddSlot
    | Book
    | Published
    | Results
    | SignOffCmd
    | WithdrawConsent
    | RemoveGuest
    | Derive
    | Extend
    | DigestPreview
    | Skills
    | Who
    | Invite
    | Invitations
    | InvitationSetting
    | AsksSetting
    | ResultsNotesSetting
    | Report
    | Import
    | OwnDepartment
    | WhoAmI
    | Unparsable
)
C = TypeVar("C", bound=Command)


def plain(text: str) -> str:
    """Marked-up text as a person would read it: ``<@U1|mette>`` → ``@mette``, links → their URL,
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


@dataclass(frozen=True)
class Subcommand(Generic[C]):
    """One word of the grammar (with its aliases), from the text after it to the handler that runs it."""

    names: tuple[str, ...]  # the first is the one shown; all are matched case-insensitively
    makes: tuple[type[C], ...]  # the command types its parser returns
    parse: Callable[[str, date], C]  # the rest of the line (stripped) and today; raises UserFacingError
    run: Callable[[Ctx, C], Reply]
    help: str | None  # the msgid of the help line that shows it (related subcommands share a line)
    only_reads: bool | Callable[[C], bool] = False  # changes nothing: run without the database's write lock


def parse_command(text: str, *, today: date) -> Command:
    """Parses the text after ``/cocreate``; raises ``UserFacingError`` with a usage hint when it is malformed.
    ``today`` only words the examples in hints."""
    word, _, rest = text.strip().partition(" ")
    entry = _BY_NAME.get(word.casefold())
    if entry is None:
        raise UserFacingError(t(texts.UNKNOWN_SUBCOMMAND, word=plain(word)[:40]))
    command: Command = entry.parse(rest.strip(), today)
    return command


def read_command(text: str, *, today: date) -> Command:
    """``parse_command`` that never raises: malformed text becomes ``Unparsable`` with its usage hint, so the
    adapter can carry one value from the moment it reads the text to the transaction that answers it."""
    try:
        return parse_command(text, today=today)
    except UserFacingError as refusal:
        return Unparsable(refusal.text)


def only_reads(command: Command) -> bool:
    """Commands that change nothing: the adapters run them without taking the database's write lock."""
    if isinstance(command, Unparsable):
        return True
    reads = _entry_of(command).only_reads
    return reads(command) if callable(reads) else reads


def run_command(ctx: Ctx, command: Command) -> Reply:
    """Runs a parsed command as the context's actor. ``New(None)`` must be handled by the adapter (a form)."""
    if isinstance(command, Unparsable):
        raise UserFacingError(command.hint)
    reply: Reply = _entry_of(command).run(ctx, command)
    return reply


def help_texts() -> tuple[Text, ...]:
    """The answer to ``/cocreate help``: the core commands, then the skills directory's."""
    return (core_help(), *_help_lines(DIRECTORY))


def core_help() -> Text:
    """The core commands' help as one text, line by line in the table's order (also a welcome message)."""
    lines = [t(texts.HELP), *_help_lines(CORE), t(texts.HELP_IDS)]
    joined = lines[0]
    for line in lines[1:]:
        joined = t(texts.LINES, above=joined, below=line)
    return joined


def _help_lines(entries: tuple[Subcommand[Any], ...]) -> Iterator[Text]:
    shown: set[str] = set()
    for entry in entries:
        if entry.help is not None and entry.help not in shown:
            shown.add(entry.help)
            yield t(entry.help)


def _entry_of(command: Command) -> Subcommand[Any]:
    entry = _BY_TYPE.get(type(command))
    if entry is None:
        raise AssertionError(f"no subcommand makes {command!r}")
    return entry


# --- parsers: the rest of the line (already stripped) and today ---------------------------------------------------


def _parse_help(rest: str, today: date) -> Help:
    return Help()


def _parse_new(rest: str, today: date) -> New:
    return New(_new_request(rest, today=today) if rest else None)


def _parse_list(rest: str, today: date) -> ListOpen:
    if not rest:
        return ListOpen()
    page = _small_number(rest)
    if page is None or page < 1:
        raise UserFacingError(t(texts.USAGE_LIST))
    return ListOpen(page)


def _parse_mine(rest: str, today: date) -> Mine:
    return Mine()


def _parse_calendar(rest: str, today: date) -> CalendarFeed:
    return CalendarFeed()


def _parse_show(rest: str, today: date) -> Show:
    return Show(_parse_id(_first(rest), t(texts.USAGE_SHOW)))


def _parse_withdraw(rest: str, today: date) -> Withdraw:
    return Withdraw(_parse_id(_first(rest), t(texts.USAGE_WITHDRAW)))


def _parse_close(rest: str, today: date) -> Close:
    return Close(_parse_id(_first(rest), t(texts.USAGE_CLOSE)))


def _parse_volunteer(rest: str, today: date) -> VolunteerCmd:
    ref, _, part = rest.partition(" ")
    return VolunteerCmd(_parse_id(ref, t(texts.USAGE_VOLUNTEER)), plain(part).strip() or None)


def _parse_submit(rest: str, today: date) -> Submit:
    ref, _, content = rest.partition(" ")
    return Submit(_parse_id(ref, t(texts.USAGE_SUBMIT)), content.strip())


def _person_and_rest(rest: str, usage: str) -> tuple[int, str, str]:
    ref, _, tail = rest.partition(" ")
    number = _parse_id(ref, t(usage))
    person, _, more = tail.strip().partition(" ")
    if not person:
        raise UserFacingError(t(usage))
    return number, person, more


def _parse_approve(rest: str, today: date) -> Approve:
    number, person, _ = _person_and_rest(rest, texts.USAGE_APPROVE)
    return Approve(number, person)


def _parse_changes(rest: str, today: date) -> Changes:
    number, person, feedback = _person_and_rest(rest, texts.USAGE_CHANGES)
    return Changes(number, person, plain(feedback).strip())


def _parse_guest(rest: str, today: date) -> Guest:
    """``<id> <e-mail> [part name or number] [name:"Full Name"] [lang:da|en]``."""
    usage = t(texts.USAGE_GUEST)
    options, words = _split_options(rest, option=_GUEST_OPTION)
    ref, _, tail = words.partition(" ")
    number = _parse_id(ref, usage)
    email, _, part = tail.partition(" ")
    if not email:
        raise UserFacingError(usage)
    # Slack links an address it sees: <mailto:anne@example.com|anne@example.com> arrives, plain() leaves the target.
    email = email.removeprefix("mailto:")
    name = options.get("name") or options.get("navn")
    if ("name" in options and "navn" in options) or ("lang" in options and "sprog" in options):
        raise UserFacingError(usage)
    language = options.get("lang") if "lang" in options else options.get("sprog")
    return Guest(number, email, part.strip() or None, " ".join(name.split()) if name else None, language)


def _setting(name: str, usage: str) -> Callable[[str, date], Setting]:
    def parse(rest: str, today: date) -> Setting:
        if rest.casefold() not in ("on", "off", "til", "fra"):
            raise UserFacingError(t(usage))
        return Setting(name, rest)

    return parse


def _parse_language(rest: str, today: date) -> Language:
    if not rest:
        raise UserFacingError(t(texts.USAGE_LANGUAGE))
    return Language(rest)


def _parse_department(rest: str, today: date) -> OwnDepartment:
    if not rest.strip():
        raise UserFacingError(t(texts.USAGE_DEPARTMENT))
    return OwnDepartment(plain(rest))


def _parse_slots(rest: str, today: date) -> Slots:
    return Slots()


def _parse_slot(rest: str, today: date) -> AddSlot:
    words = plain(rest).split()
    if len(words) < 4 or words[0].casefold() != "add":
        raise UserFacingError(t(texts.USAGE_SLOT_ADD, example=_example(today, days=7)))
    name, day = split_trailing_day(words[1:-1], today=today)
    return AddSlot(" ".join(name), day, words[-1])


def _parse_book(rest: str, today: date) -> Book:
    usage = t(texts.USAGE_BOOK, example=_example(today, days=7))
    ref, _, slot = rest.partition(" ")
    number = _parse_id(ref, usage)
    if not slot.strip():
        raise UserFacingError(usage)
    return Book(number, plain(slot).strip())


def _parse_published(rest: str, today: date) -> Published:
    """``<id> <url> [force:"reason"]``."""
    options, words = _split_options(rest, option=_FORCE_OPTION)
    ref, _, url = words.partition(" ")
    number = _parse_id(ref, t(texts.USAGE_PUBLISHED))
    if not url.strip():
        raise UserFacingError(t(texts.USAGE_PUBLISHED))
    return Published(number, plain(url).strip(), options.get("force"))


def _parse_results(rest: str, today: date) -> Results:
    """``<id> [metric:number …]``; the figures are checked when run (``handlers.figures``)."""
    ref, _, tail = rest.partition(" ")
    number = _parse_id(ref, results_usage())
    pairs, left_over = split_pairs(plain(tail))
    if left_over:
        raise UserFacingError(results_usage(number))
    return Results(number, tuple(pairs) or None)


def _run_results(ctx: Ctx, command: Results) -> Reply:
    if command.pairs is None:
        return results_hint(ctx, number=command.number)
    return record_typed_results(ctx, number=command.number, pairs=command.pairs)


def _parse_signoff(rest: str, today: date) -> SignOffCmd:
    """``<id> [byline:"Your Name"] [bio:"One line"]``."""
    options, words = _split_options(rest, option=_SIGNOFF_OPTION)
    return SignOffCmd(_parse_id(_first(words), t(texts.USAGE_SIGNOFF)), options.get("byline"), options.get("bio"))


def _parse_remove_guest(rest: str, today: date) -> RemoveGuest:
    """``<id> <e-mail>``."""
    usage = t(texts.USAGE_REMOVE_GUEST)
    ref, _, email = rest.partition(" ")
    email = email.strip().removeprefix("mailto:")
    if not email or " " in email:
        raise UserFacingError(usage)
    return RemoveGuest(_parse_id(ref, usage), email)


def _parse_withdraw_consent(rest: str, today: date) -> WithdrawConsent:
    return WithdrawConsent(_parse_id(_first(rest), t(texts.USAGE_WITHDRAW_CONSENT)))


def _parse_derive(rest: str, today: date) -> Derive:
    ref, _, tail = rest.partition(" ")
    number = _parse_id(ref, t(texts.USAGE_DERIVE, example=_example(today, days=14)))
    return Derive(number, _new_request(tail, today=today) if tail.strip() else None)


def _parse_extend(rest: str, today: date) -> Extend:
    example = _example(today, days=14)
    ref, _, day = rest.partition(" ")
    number = _parse_id(ref, t(texts.USAGE_EXTEND, example=example))
    if not day.strip():
        raise UserFacingError(t(texts.USAGE_EXTEND, example=example))
    return Extend(number, parse_day(plain(day).strip(), today=today, example=example))


def _parse_digest(rest: str, today: date) -> DigestPreview:
    return DigestPreview()


def _parse_skills(rest: str, today: date) -> Skills:
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


def _parse_who(rest: str, today: date) -> Who:
    skill = plain(rest).strip()
    if not skill:
        raise UserFacingError(t(texts.USAGE_WHO))
    return Who(skill)


def _parse_invite(rest: str, today: date) -> Invite:
    return Invite(_parse_id(_first(rest), t(texts.USAGE_INVITE)))


def _parse_invitations(rest: str, today: date) -> Invitations | InvitationSetting:
    if rest.casefold() in ("on", "off", "til", "fra"):
        return InvitationSetting(rest)
    return Invitations(_parse_id(_first(rest), t(texts.USAGE_INVITATIONS)))


def _parse_asks(rest: str, today: date) -> AsksSetting:
    if not rest:
        raise UserFacingError(t(texts.USAGE_ASKS, max=MAX_ASKS_PER_MONTH))
    return AsksSetting(rest)


def _parse_results_notes(rest: str, today: date) -> ResultsNotesSetting:
    if not rest:
        raise UserFacingError(t(texts.USAGE_RESULTS_NOTES))
    return ResultsNotesSetting(rest)


def _parse_report(rest: str, today: date) -> Report:
    return Report(parse_report_period(plain(rest)))


def _parse_import(rest: str, today: date) -> Import:
    return Import()


# --- running: each subcommand's handler ---------------------------------------------------------------------------


def _run_help(ctx: Ctx, command: Help) -> Reply:
    return Reply(help_texts())


def _run_new(ctx: Ctx, command: New) -> Reply:
    if command.request is None:
        raise UserFacingError(t(texts.USAGE_NEW))
    return create_request(ctx, command.request, channel_id=ctx.channel_id)


def _run_submit(ctx: Ctx, command: Submit) -> Reply:
    return submit_draft(ctx, number=command.number, content=DraftContent(text=plain(command.content)), source="command")


def _run_setting(ctx: Ctx, command: Setting) -> Reply:
    if command.name == "reminders":
        return set_reminders(ctx, value=command.value)
    return set_recognition(ctx, value=command.value)


def _run_derive(ctx: Ctx, command: Derive) -> Reply:
    if command.request is None:
        raise UserFacingError(t(texts.USAGE_DERIVE, example=_example(ctx.today(), days=14)))
    return derive_request(ctx, number=command.number, new=command.request)


def _run_skills(ctx: Ctx, command: Skills) -> Reply:
    if command.action == "list":
        return list_skills(ctx)
    if command.action == "add":
        return add_skills(ctx, skills=command.skills)
    return remove_skills(ctx, skills=command.skills)


def _run_invitations(ctx: Ctx, command: Invitations | InvitationSetting) -> Reply:
    if isinstance(command, InvitationSetting):
        return set_invitations(ctx, value=command.value)
    return list_invitations(ctx, number=command.number)


# The core commands, in the order of their help; then the skills directory's, whose help follows the core's.
CORE: tuple[Subcommand[Any], ...] = (
    Subcommand(("help", "hjælp", "?", ""), (Help,), _parse_help, _run_help, None, only_reads=True),
    Subcommand(("new",), (New,), _parse_new, _run_new, texts.HELP_NEW),
    Subcommand(
        ("list",),
        (ListOpen,),
        _parse_list,
        lambda ctx, c: list_open_requests(ctx, page=c.page),
        texts.HELP_BROWSE,
        only_reads=True,
    ),
    Subcommand(
        ("show",),
        (Show,),
        _parse_show,
        lambda ctx, c: show_request(ctx, number=c.number),
        texts.HELP_BROWSE,
        only_reads=True,
    ),
    Subcommand(("mine",), (Mine,), _parse_mine, lambda ctx, c: my_requests(ctx), texts.HELP_BROWSE, only_reads=True),
    Subcommand(
        ("volunteer",),
        (VolunteerCmd,),
        _parse_volunteer,
        lambda ctx, c: volunteer_for_request(ctx, number=c.number, part=c.part, via="command"),
        texts.HELP_VOLUNTEER,
    ),
    Subcommand(
        ("withdraw",),
        (Withdraw,),
        _parse_withdraw,
        lambda ctx, c: withdraw_from_request(ctx, number=c.number, via="command"),
        texts.HELP_VOLUNTEER,
    ),
    Subcommand(("submit",), (Submit,), _parse_submit, _run_submit, texts.HELP_SUBMIT),
    Subcommand(
        ("extend",),
        (Extend,),
        _parse_extend,
        lambda ctx, c: ask_for_more_time(ctx, number=c.number, proposed=c.proposed),
        texts.HELP_EXTEND,
    ),
    Subcommand(
        ("approve",),
        (Approve,),
        _parse_approve,
        lambda ctx, c: approve_draft(ctx, number=c.number, user_id=resolve_person(ctx, c.person)),
        texts.HELP_OWNERS,
    ),
    Subcommand(
        ("changes",),
        (Changes,),
        _parse_changes,
        lambda ctx, c: request_changes(
            ctx, number=c.number, user_id=resolve_person(ctx, c.person), feedback=c.feedback
        ),
        texts.HELP_OWNERS,
    ),
    Subcommand(
        ("close",), (Close,), _parse_close, lambda ctx, c: close_request(ctx, number=c.number), texts.HELP_OWNERS
    ),
    Subcommand(
        ("guest", "gæst"),
        (Guest,),
        _parse_guest,
        lambda ctx, c: invite_guest(ctx, number=c.number, email=c.email, part=c.part, name=c.name, language=c.language),
        texts.HELP_GUESTS,
    ),
    Subcommand(
        ("slots",), (Slots,), _parse_slots, lambda ctx, c: list_slots(ctx), texts.HELP_CALENDAR, only_reads=True
    ),
    Subcommand(
        ("slot",),
        (AddSlot,),
        _parse_slot,
        lambda ctx, c: add_slot(ctx, name=c.name, day=c.day, at=c.at),
        texts.HELP_CALENDAR,
    ),
    Subcommand(
        ("book",),
        (Book,),
        _parse_book,
        lambda ctx, c: book_slot(ctx, number=c.number, slot=c.slot),
        texts.HELP_CALENDAR,
    ),
    Subcommand(
        ("published",),
        (Published,),
        _parse_published,
        lambda ctx, c: mark_published(ctx, number=c.number, url=c.url, force_reason=c.force_reason),
        texts.HELP_CALENDAR,
    ),
    Subcommand(("results", "resultater"), (Results,), _parse_results, _run_results, texts.HELP_RESULTS),
    Subcommand(
        ("signoff", "sign-off"),
        (SignOffCmd,),
        _parse_signoff,
        lambda ctx, c: sign_off_request(ctx, number=c.number, byline=c.byline, bio=c.bio),
        texts.HELP_SIGNOFF,
    ),
    Subcommand(
        ("remove-guest", "fjern-gæst"),
        (RemoveGuest,),
        _parse_remove_guest,
        lambda ctx, c: remove_guest(ctx, number=c.number, email=c.email),
        texts.HELP_REMOVE_GUEST,
    ),
    Subcommand(
        ("withdraw-consent",),
        (WithdrawConsent,),
        _parse_withdraw_consent,
        lambda ctx, c: withdraw_consent(ctx, number=c.number),
        texts.HELP_SIGNOFF,
    ),
    Subcommand(("derive",), (Derive,), _parse_derive, _run_derive, texts.HELP_DERIVE),
    Subcommand(
        ("digest",),
        (DigestPreview,),
        _parse_digest,
        lambda ctx, c: preview_digest(ctx),
        texts.HELP_DIGEST_REPORT,
        only_reads=True,
    ),
    # Adapters that can send files build the report themselves; the others answer that it comes as a file.
    Subcommand(
        ("report",),
        (Report,),
        _parse_report,
        lambda ctx, c: report_as_file_only(ctx, period=c.period),
        texts.HELP_DIGEST_REPORT,
    ),
    Subcommand(
        ("calendar", "kalender"),
        (CalendarFeed,),
        _parse_calendar,
        lambda ctx, c: send_personal_feed_url(ctx),
        texts.HELP_CALENDAR_FEED,
    ),
    Subcommand(
        ("import", "importer"),
        (Import,),
        _parse_import,
        lambda ctx, c: import_instructions(ctx),
        texts.HELP_IMPORT,
        only_reads=True,
    ),
    Subcommand(
        ("reminders",), (Setting,), _setting("reminders", texts.USAGE_REMINDERS), _run_setting, texts.HELP_SETTINGS
    ),
    Subcommand(
        ("recognition",),
        (Setting,),
        _setting("recognition", texts.USAGE_RECOGNITION),
        _run_setting,
        texts.HELP_SETTINGS,
    ),
    Subcommand(
        ("resultsnotes", "resultatnoter"),
        (ResultsNotesSetting,),
        _parse_results_notes,
        lambda ctx, c: set_results_notes(ctx, value=c.value),
        texts.HELP_RESULTS_NOTES,
    ),
    Subcommand(
        ("language", "sprog"),
        (Language,),
        _parse_language,
        lambda ctx, c: set_language(ctx, value=c.value),
        texts.HELP_SETTINGS,
    ),
    Subcommand(
        ("department", "afdeling"),
        (OwnDepartment,),
        _parse_department,
        lambda ctx, c: set_own_department(ctx, value=c.value),
        texts.HELP_DEPARTMENTS,
    ),
    Subcommand(
        ("whoami", "hvemerjeg"),
        (WhoAmI,),
        lambda rest, today: WhoAmI(),
        lambda ctx, c: whoami(ctx),
        texts.HELP_DEPARTMENTS,
        only_reads=True,
    ),
)
DIRECTORY: tuple[Subcommand[Any], ...] = (
    Subcommand(
        ("skills",),
        (Skills,),
        _parse_skills,
        _run_skills,
        texts.HELP_SKILLS_DIRECTORY,
        only_reads=lambda c: c.action == "list",
    ),
    Subcommand(
        ("who",),
        (Who,),
        _parse_who,
        lambda ctx, c: who_knows(ctx, skill=c.skill),
        texts.HELP_SKILLS_DIRECTORY,
        only_reads=True,
    ),
    Subcommand(
        ("invite",),
        (Invite,),
        _parse_invite,
        lambda ctx, c: invite_matching(ctx, number=c.number),
        texts.HELP_SKILLS_DIRECTORY,
    ),
    Subcommand(
        ("invitations",),
        (Invitations, InvitationSetting),
        _parse_invitations,
        _run_invitations,
        texts.HELP_SKILLS_DIRECTORY,
    ),
    Subcommand(
        ("asks",),
        (AsksSetting,),
        _parse_asks,
        lambda ctx, c: set_ask_limit(ctx, value=c.value),
        texts.HELP_SKILLS_DIRECTORY,
    ),
)
SUBCOMMANDS: tuple[Subcommand[Any], ...] = CORE + DIRECTORY
_BY_NAME = {name: entry for entry in SUBCOMMANDS for name in entry.names}
# Setting is made by two entries (reminders, recognition) that run it the same way; the first is kept.
_BY_TYPE: dict[type, Subcommand[Any]] = {}
for _entry in SUBCOMMANDS:
    for _kind in _entry.makes:
        _BY_TYPE.setdefault(_kind, _entry)


def resolve_person(ctx: Ctx, token: str) -> str:
    """A user id from a mention token (``<@U123|mette>``) or ``@name`` of someone Cobot has met."""
    found = MENTION.match(token)
    if found:
        return found.group(1)
    name = plain(token).lstrip("@")
    matches = queries.find_members_by_name(session=ctx.session, workspace_id=ctx.workspace_id, name=name)
    if len(matches) == 1:
        return matches[0].user_id
    raise UserFacingError(t(texts.NOT_A_MENTION, value=plain(token)[:60]))


def _first(text: str) -> str:
    return text.split()[0] if text else ""


def _small_number(value: str, *, digits: int = COUNT_DIGITS) -> int | None:
    """A whole number of at most ``digits`` digits; ``None`` for anything else."""
    if not value.isdecimal() or len(value) > digits:
        return None
    return int(value)


def _parse_id(value: str, usage: Text) -> int:
    if not value:
        raise UserFacingError(usage)
    digits = value.removeprefix("#")
    if digits.isdecimal() and len(digits) > ID_DIGITS:
        raise UserFacingError(usage)
    number = _small_number(digits, digits=ID_DIGITS)
    if number is None or number < 1:
        raise UserFacingError(t(texts.BAD_ID, value=plain(value)[:40]))
    return number


def _example(today: date, *, days: int) -> str:
    """A date to show in a hint. Near the end of the calendar, today stands in."""
    try:
        return (today + timedelta(days=days)).isoformat()
    except OverflowError:
        return today.isoformat()


def _new_request(text: str, *, today: date) -> NewRequest:
    options, title = _split_options(text)
    example = _example(today, days=14)
    if "due" not in options:
        if not title:
            raise UserFacingError(t(texts.USAGE_NEW))
        raise UserFacingError(t(texts.MISSING_DEADLINE, example=example))
    deadline = parse_day(options["due"], today=today, example=example)
    needs = None
    if "needs" in options:
        needs = _small_number(options["needs"])
        if needs is None:
            raise UserFacingError(t(texts.BAD_NEEDS, limit=NEEDS_LIMIT))
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


def _split_options(text: str, *, option: re.Pattern[str] = _OPTION) -> tuple[dict[str, str], str]:
    """Pulls ``key:value`` and ``key:"quoted value"`` options out of ``text``; the rest is the title."""
    options: dict[str, str] = {}
    title_pieces: list[str] = []
    position = 0
    for match in option.finditer(text):
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
