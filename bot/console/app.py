"""``cobot console``: Cobot in the terminal, with no Slack or Teams account.

You act as a member of a small simulated workspace and type exactly what you would type in Slack. The console
drives the same handlers as the Slack adapter (``Cobot.act``, the ``/cocreate`` parser, ``handlers.actions.press``,
``handlers.drafts.reply_in_thread``) and delivers through the same outbox, so what you see is what Slack users get.
Time is simulated: ``:time`` moves the clock and runs the follow-up tick, so reminders and the digest arrive.
"""

from __future__ import annotations

import difflib
import logging
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from apscheduler.triggers.cron import CronTrigger

from bot.console.render import ConsoleRenderer
from bot.console.world import Button, Delivery, World
from bot.runtime.cobot import Cobot
from bot.runtime.scheduler import run_tick
from handlers import guest_page, inbound, texts, tracking
from handlers.actions import FORM_SPECS, form_for, number_of, press
from handlers.cards import card_actions, require_request
from handlers.commands import New, Report, parse_command, run_command
from handlers.context import Ctx, Policy
from handlers.drafts import DraftContent
from handlers.guest_page import PageLink
from handlers.reports import Report as ReportRows
from handlers.reports import ReportOrder, order_report
from handlers.results import ActionKind, Reply, UserFacingError, UserRef, t
from handlers.schedule import at_local, occurrences, slot_trigger
from handlers.signoff import SignOffForm, sign_off, signoff_form

if TYPE_CHECKING:
    from bot.web.tracked import TrackedLinks

log = logging.getLogger(__name__)

PLATFORM = "console"
WORKSPACE = "console"
RAISED_HANDS = ("✋", ":raised_hand:", "raised_hand")
# The browser a reader of `:click` follows a tracked link in.
CONSOLE_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

HELP = """\
Type what you would type in Slack, plus a few console commands:
  /cocreate …                  any /cocreate command (try /cocreate help)
  :as <name>                   act as someone else (:who lists the people here)
  :as new <name>               a new person joins the workspace, and you act as them
  :in #channel                 post in another channel (:in lists the channels here)
  :in new #channel             open a new channel and post there
  :press <n> [text]            press button [n]; buttons that need something typed take it after the number
                               (asked for instead, a line starting with ":" or "/" cancels the question)
  :press <label> [#id]         press the latest button with that label (on request #id)
  :react ✋ #12 / :unreact ✋ #12   volunteer for #12 with a reaction, or take it back
  :reply #12 <text>            reply in #12's thread (a link there is a new draft version)
  :dms                         your direct messages
  :time +2d | +3h | 2026-12-01 09:00   move the clock; reminders and the digest arrive as they fall due
  :guest [<e-mail>] <what>     be a guest on the page their latest e-mail links to (the one e-mailed last, unless
                               you name them): page, accept, decline, text <draft>, link <url>, more-time <day>,
                               sign-off [byline], withdraw-consent, withdraw; :guest alone lists the guests
  :click #12 [again | <agent>] a reader follows #12's tracked link (a new one; the last one again; or a browser or
                               bot by its user agent): counted as `cobot serve` counts it
  :who                         the people here    :help   this help    :quit   leave (or Ctrl-D)
Lines starting with "# " are comments."""


def due_moments(policy: Policy, *, start: datetime, end: datetime) -> list[datetime]:
    """The moments in (``start``, ``end``) at which a follow-up can fall due or a held message can arrive, in
    order: the start of each day (date-based warnings) and of each working window (draft reminders, DMs held
    outside working hours), each recurring slot's reminder and empty-slot warning times, and the digest's cron
    times. The real scheduler ticks every minute; a console that ticked through four days minute by minute
    would take minutes, and these moments are where those ticks find something new. What falls due in between
    (a review nudge hours after a draft, a one-off slot's reminder) arrives at the next of them."""
    follow, tz = policy.follow_up, policy.timezone
    found: set[datetime] = set()
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    while day <= last:
        found.update((at_local(day, time(0, 0), tz), at_local(day, follow.working_hours.start, tz)))
        day += timedelta(days=1)
    ahead = timedelta(hours=max(follow.slot_hours_before, default=0))
    ahead = max(ahead, timedelta(days=max(follow.empty_slot_warning_days, 0)))
    for slot in follow.slots:
        for starts in occurrences(slot_trigger(slot, tz), start=start, end=end + ahead):
            found.update(starts - timedelta(hours=hours) for hours in follow.slot_hours_before)
            if follow.empty_slot_warning_days > 0:
                # The warning's window ends just before the slot, so the slot enters it just after this moment.
                found.add(starts - timedelta(days=follow.empty_slot_warning_days) + timedelta(seconds=1))
            found.add(starts)
    if follow.digest_channel:
        found.update(occurrences(CronTrigger.from_crontab(follow.digest_cron, timezone=tz), start=start, end=end))
    return sorted(moment for moment in found if start < moment < end)


def _is_command(text: str) -> bool:
    return text.startswith((":", "/"))


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" Did you mean {' or '.join(close)}?" if close else ""


@dataclass
class ConsoleClock:
    """The console's simulated time: starts where it is told and moves only with ``:time``."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Console:
    cobot: Cobot
    world: World
    renderer: ConsoleRenderer
    clock: ConsoleClock
    out: TextIO
    handles: dict[str, str]  # handle (lower case) → user id
    actor: str
    channel: str
    echo: bool = False
    ask: Callable[[str], str | None] | None = None  # prompts for a form value in interactive use
    _printed: int = field(default=0, init=False)
    _opened: set[str] = field(default_factory=set, init=False)  # channels made with `:in new #channel`
    _readers: int = field(default=0, init=False)  # readers who followed a tracked link (`:click`)
    _links: TrackedLinks | None = field(default=None, init=False)
    files: Path | None = None  # where `/cocreate report` writes its workbook; a new temporary folder when None

    def __post_init__(self) -> None:
        self.world.listeners.append(self._print_delivery)

    # --- the loop -------------------------------------------------------------------------------------------

    def run(self, lines: Iterable[str]) -> int:
        for raw in lines:
            line = raw.rstrip("\n")
            if self.echo and line.strip():
                # Narration in a script reads as narration; everything else as typed at the prompt.
                self._say(line if line.startswith("#") else self._prompt() + line)
            if not self.handle(line):
                break
        return 0

    def handle(self, line: str) -> bool:
        """Handles one line; False when the console should end."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("# ") or line == "#":
            return True
        try:
            return self._dispatch(line)
        except Exception:  # never a traceback at the prompt: log it, say so, keep going
            error_id = uuid.uuid4().hex[:8]
            log.debug("console error %s", error_id, exc_info=True)
            self._reply(Reply.of(t(texts.UNEXPECTED_ERROR, error_id=error_id)))
            return True

    def _dispatch(self, line: str) -> bool:
        if line.startswith("/cocreate"):
            self._command(line.removeprefix("/cocreate"))
        elif line.startswith("/"):
            self._say("Cobot only knows /cocreate. Try /cocreate help (or :help for the console's commands).")
        elif line.startswith(":"):
            word, _, rest = line[1:].partition(" ")
            handler = self._console_commands().get(word.casefold())
            if handler is None:
                self._say(f"I don't know :{word}. Type :help to see what the console understands.")
            elif handler(rest.strip()) is False:
                return False
        else:
            self._say(
                f"(you say in {self.channel}: {line})\n"
                "Cobot listens for /cocreate commands, buttons (:press), reactions (:react) "
                "and thread replies (:reply)."
            )
        self._drain()
        return True

    def _console_commands(self) -> dict[str, Callable[[str], bool | None]]:
        return {
            "help": lambda _: self._say(HELP),
            "quit": lambda _: False,
            "exit": lambda _: False,
            "as": self._as,
            "in": self._in,
            "who": lambda _: self._who(),
            "press": self._press,
            "react": lambda rest: self._react(rest, adding=True),
            "unreact": lambda rest: self._react(rest, adding=False),
            "reply": self._reply_in_thread,
            "dms": lambda _: self._dms(),
            "time": self._time,
            "guest": self._guest,
            "click": self._click,
        }

    # --- acting as a member ---------------------------------------------------------------------------------

    def _act(self, action: Callable[[Ctx], Reply]) -> Reply:
        return self.cobot.act(
            action,
            platform=PLATFORM,
            workspace=WORKSPACE,
            user_id=self.actor,
            display_name=self.world.names.get(self.actor, self.actor),
            channel_id=self.channel,
        )

    def _language(self) -> str | None:
        """The language of the person acting now (their choice, else the workspace's)."""
        return self.cobot.act(
            lambda ctx: Reply(()),
            platform=PLATFORM,
            workspace=WORKSPACE,
            user_id=self.actor,
            display_name=self.world.names.get(self.actor, self.actor),
            channel_id=self.channel,
            reads_only=True,
        ).language

    def _command(self, text: str) -> None:
        prepared = self._as_slack_text(text)

        ordered: list[ReportOrder] = []

        def run(ctx: Ctx) -> Reply:
            command = parse_command(prepared, today=ctx.today())
            if isinstance(command, New) and command.request is None:
                raise UserFacingError(t(texts.USAGE_NEW))  # Slack opens a form here; the console asks for the line
            if isinstance(command, Report):
                ordered.append(order_report(ctx, period=command.period))  # refused here as in Slack
                return Reply(())
            return run_command(ctx, command)

        reply = self._act(run)
        if ordered:
            self._report(ordered[0], language=reply.language)
        else:
            self._reply(reply)

    def _report(self, order: ReportOrder, *, language: str | None) -> None:
        """Writes the report a person may have as Slack would send it to their DM, but into the console's folder
        (``--files``, else a temporary one kept after the console ends), and says where it is."""
        from bot.exports.excel.report import write_report

        if self.files is None:
            self.files = Path(tempfile.mkdtemp(prefix="cobot-console-files-"))
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / f"cobot-report-{order.period.slug()}.xlsx"
        translate = self.cobot.translators(language or self.cobot.policy.default_language)
        with self.cobot.snapshot(platform=PLATFORM, workspace=WORKSPACE) as scope:
            stats = write_report(ReportRows(scope, order), path, translate=translate)
        written = t(
            texts.CONSOLE_REPORT_WRITTEN,
            period=order.period.label(),
            path=str(path),
            requests=t(texts.COUNT_REQUESTS, count=stats.requests),
            rows=t(texts.COUNT_CONTRIBUTIONS, count=stats.contributions),
        )
        self._reply(Reply.of(written))

    def _press(self, rest: str) -> bool | None:
        button, typed = self._find_button(rest)
        if button is None:
            return None
        if button.shown_to is not None and button.shown_to != self.actor:
            owner = self.world.names.get(button.shown_to, button.shown_to)
            self._say(f"Button [{button.number}] was shown to @{owner} only. Use :as to act as them.")
            return None
        if button.action.kind is ActionKind.SIGN_OFF and self.ask is not None:
            return self._sign_off(button)
        form = form_for(button.action.kind)
        if form is not None and not typed:
            # The question is the form: in the language of the person answering it, like the button they pressed.
            language = self._language()
            hint = self.renderer.text(t(FORM_SPECS[form].hint), language)
            typed = (self.ask(f"{button.label}: {hint}> ") if self.ask else None) or ""
            if _is_command(typed):
                # Someone who types a command at the question has moved on: it is a command, not the answer.
                self._say(f"(cancelled [{button.number}] {button.label}: running {typed.split()[0]} instead)")
                return None if self.handle(typed) else False
            if not typed:
                inline = t(texts.FORM_HINT_INLINE, number=button.number, label=button.label, hint=hint)
                self._say(self.renderer.text(inline, language))
                return None
        kind, value = button.action.kind, button.action.value
        self._reply(self._act(lambda ctx: press(ctx, kind, value, form_value=typed if form else None)))
        return None

    def _sign_off(self, button: Button) -> bool | None:
        """Sign off, asked as questions at a terminal: the approved version is shown, then its byline, bio and
        places are asked for, each answered with Enter to keep what is offered. (In a script, the button says
        which command to type instead.)"""
        forms: list[SignOffForm] = []

        def gather(ctx: Ctx) -> Reply:
            forms.append(signoff_form(ctx, draft_id=number_of(button.action.value)))
            return Reply(())

        refusal = self._act(gather)
        if refusal.texts or not forms:
            self._reply(refusal)
            return None
        form, language = forms[0], self._language()
        say = self.renderer.text
        owner = UserRef(form.owner_user_id)
        self._say(
            say(
                t(texts.SIGNOFF_FORM_HINT, version=form.version, number=form.number, title=form.title, owner=owner),
                language,
            )
        )
        for shown in (form.text, form.url, form.file_name):
            if shown:
                self._say(f"  > {shown}")
        self._say(say(t(texts.SIGNOFF_VERSION_LINE, version=form.version, hash=form.content_hash), language))
        for position, place in enumerate(form.places, start=1):
            mark = "x" if place.key in form.chosen else " "
            self._say(f"  [{mark}] {position}. {place.label}")
        answers: list[str] = []
        for hint, offered in (
            (texts.FORM_HINT_BYLINE, form.byline),
            (texts.FORM_HINT_BIO, form.bio),
            (texts.FORM_HINT_PLACES, None),
        ):
            if hint == texts.FORM_HINT_PLACES and not form.places:
                answers.append("")
                continue
            asked = f"{button.label}: {say(t(hint), language)}" + (f" [{offered}]" if offered else "") + "> "
            typed = (self.ask(asked) if self.ask else None) or ""
            if _is_command(typed):
                self._say(f"(cancelled [{button.number}] {button.label}: running {typed.split()[0]} instead)")
                return None if self.handle(typed) else False
            answers.append(typed.strip() or (offered or ""))
        byline, bio, numbers = answers
        if numbers:
            wanted = [n.strip() for n in numbers.replace(" ", ",").split(",") if n.strip()]
            # A number that names no place is passed on as it is, and refused as a place no longer planned.
            places = [
                form.places[int(n) - 1].key if n.isdecimal() and 1 <= int(n) <= len(form.places) else n for n in wanted
            ]
        else:
            places = list(form.chosen)
        draft_id, shown_hash = form.draft_id, form.content_hash
        self._reply(
            self._act(
                lambda ctx: sign_off(
                    ctx, draft_id=draft_id, content_hash=shown_hash, byline=byline, bio=bio, places=places
                )
            )
        )
        return None

    def _find_button(self, rest: str) -> tuple[Button | None, str]:
        word, _, typed = rest.partition(" ")
        if word.isdecimal():
            button = self.world.buttons.get(int(word))
            if button is None:
                self._say(f"There is no button [{word}]. Buttons are numbered where they are shown.")
            return button, typed.strip()
        found = re.match(r"^(?P<label>.+?)(?:\s+#(?P<number>\d+))?$", rest)
        label = (found.group("label") if found else rest).strip().casefold()
        number = int(found.group("number")) if found and found.group("number") else None
        matches = [
            button
            for button in self.world.buttons.values()
            if button.label.casefold().startswith(label)
            and (number is None or button.request_number == number)
            and button.shown_to in (None, self.actor)
        ]
        if matches:
            # The latest message that shows such a button, and on it the first one (e.g. the soonest free slot).
            latest = max(b.batch for b in matches)
            return next(b for b in matches if b.batch == latest), ""
        self._say(f"No button called “{rest}” is shown to you. :press <n> presses a button by its number.")
        return None, ""

    def _react(self, rest: str, *, adding: bool) -> None:
        emoji, _, ref = rest.partition(" ")
        if emoji not in RAISED_HANDS:
            self._say("Only ✋ means something to Cobot: :react ✋ #12 volunteers you for #12.")
            return
        number = self._request_ref(ref)
        if number is None:
            return

        event_id = f"console:{uuid.uuid4().hex}"  # one event per line typed, as Slack gives each event an id

        def run(ctx: Ctx) -> Reply:
            request = require_request(ctx, number)
            # The console names the card by its request; the core knows cards by where they were posted.
            return inbound.reaction(
                ctx,
                event_id=event_id,
                channel_id=request.channel_id or "",
                message_id=request.card_ts or "",
                adding=adding,
                reply_to=None,  # shown at once, under the line typed
            )

        self._reply(self._act(run))

    def _reply_in_thread(self, rest: str) -> None:
        ref, _, text = rest.partition(" ")
        number = self._request_ref(ref)
        if number is None or not text.strip():
            if number is not None:
                self._say("What do you want to say? :reply #12 https://docs.example.com/my-draft")
            return
        who = self.world.names.get(self.actor, self.actor)

        event_id = f"console:{uuid.uuid4().hex}"

        def run(ctx: Ctx) -> Reply:
            request = require_request(ctx, number)
            # What the person wrote appears in the thread whether or not it turns out to be a draft.
            self.world.deliver(Delivery(f"{request.channel_id} › #{number}", [text.strip()], author=f"@{who}"))
            return inbound.thread_reply(
                ctx,
                event_id=event_id,
                channel_id=request.channel_id or "",
                root_id=request.card_ts or "",
                content=DraftContent(text=text.strip()),
                reply_to=None,
            )

        self._reply(self._act(run))

    def _request_ref(self, ref: str) -> int | None:
        value = ref.strip().removeprefix("#")
        if not value.isdecimal():
            self._say(f"Which request? Name it like #12 (you typed “{ref.strip() or 'nothing'}”).")
            return None
        return int(value)

    # --- the world ------------------------------------------------------------------------------------------

    def _as(self, rest: str) -> None:
        word, _, named = rest.strip().partition(" ")
        joining = word.casefold() == "new"
        handle = (named if joining else rest).strip().lstrip("@").casefold()
        if not handle:
            self._say("Who joins? :as new anna" if joining else "Who? :as mette (:who lists the people here)")
            return
        if not re.fullmatch(r"[a-zæøå0-9._-]{1,30}", handle):
            self._say("Names here are one word, like :as mette")
            return
        if handle in self.handles:
            if joining:
                self._say(f"@{handle} is here already; you are @{handle} now.")
        elif not joining:
            # A typo must not quietly make a new person: that person would own nothing and see nothing.
            close = _did_you_mean(f"@{handle}", [f"@{known}" for known in self.handles])
            self._say(f"There is nobody called @{handle} here.{close}")
            self._say(f"  :who lists the people here; :as new {handle} adds @{handle} as a new person.")
            return
        else:
            self.handles[handle] = handle
            self.world.names[handle] = handle.capitalize()
            self._say(f"(@{handle} joins the workspace)")
        self.actor = self.handles[handle]

    def _in(self, rest: str) -> None:
        word, _, named = rest.strip().partition(" ")
        opening = word.casefold() == "new"
        channel = (named if opening else rest).strip()
        known = self._channels()
        if not channel and not opening:
            self._say(f"Channels here: {', '.join(known)}. Which one? :in {known[0]}")
            return
        if not re.fullmatch(r"#[a-zæøå0-9._-]{1,40}", channel):
            self._say("Which channel? :in #marketing" + ("" if not opening else " (or :in new #sales for a new one)"))
            return
        if opening:
            if channel not in known:
                self._opened.add(channel)
                self._say(f"({channel} is opened)")
        elif channel not in known:
            self._say(f"There is no channel {channel} here.{_did_you_mean(channel, known)}")
            self._say(f"  Channels here: {', '.join(known)}. :in new {channel} opens it.")
            return
        self.channel = channel

    def _channels(self) -> list[str]:
        """The channels in the workspace: where you are, where Cobot posts (the digest's, those with a
        language), where anything was posted, and those opened with ``:in new``."""
        policy = self.cobot.policy
        found = {self.channel, *self._opened, *policy.channel_languages}
        if policy.follow_up.digest_channel:
            found.add(policy.follow_up.digest_channel)
        found.update(d.where.split(" › ")[0] for d in self.world.deliveries if d.where.startswith("#"))
        return sorted(found)

    def _who(self) -> None:
        people = [f"  {handle:<10} {self.world.names[user]}" for handle, user in sorted(self.handles.items())]
        self._say("People here (use :as <name>):\n" + "\n".join(people))

    def _dms(self) -> None:
        mine = self.world.dms_of(self.actor)
        if not mine:
            self._say("No direct messages yet.")
            return
        for delivery in mine:
            self._print_delivery(delivery, again=True)

    def _time(self, rest: str) -> None:
        target = self._parse_time(rest.strip())
        if target is None:
            self._say("Move the clock with :time +2d, :time +3h or :time 2026-12-01 09:00")
            return
        if target < self.clock.now:
            self._say("The clock only moves forward here.")
            return
        # Every moment on the way gets its own pass, as the scheduler's ticks would, so a slot's 24 h and 1 h
        # reminders both arrive and each Monday passed brings its digest, in order, under the time they came.
        for moment in due_moments(self.cobot.policy, start=self.clock.now, end=target):
            self._pass_at(moment)
        self.clock.now = target
        self._say(self.renderer.style.dim(f"⏰ It is now {self._local(target)}."))
        run_tick(self.cobot)

    def _pass_at(self, moment: datetime) -> None:
        """The follow-up tick and delivery at ``moment``; what arrives is headed by the time it arrived."""
        self.clock.now = moment
        stamp = [self.renderer.style.dim(f"⏰ {self._local(moment)}")]

        def announce(delivery: Delivery) -> None:
            if stamp:
                self._say(stamp.pop())

        self.world.listeners.insert(0, announce)  # before the delivery is printed
        try:
            run_tick(self.cobot)
            self._drain()
        finally:
            self.world.listeners.remove(announce)

    def _parse_time(self, text: str) -> datetime | None:
        found = re.fullmatch(r"\+(\d+)\s*([dhm])", text)
        if found:
            amount, unit = int(found.group(1)), found.group(2)
            return (
                self.clock.now
                + {"d": timedelta(days=amount), "h": timedelta(hours=amount), "m": timedelta(minutes=amount)}[unit]
            )
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                local = datetime.strptime(text, pattern).replace(tzinfo=self.cobot.policy.timezone)
            except ValueError:
                continue
            return local.astimezone(UTC)
        return None

    # --- readers of a published piece ---------------------------------------------------------------------

    def _click(self, rest: str) -> None:
        """A reader follows a published piece's tracked link, through the same web handler and counting that
        ``cobot serve`` runs (``bot.web.tracked``): each ``:click #4`` is a new reader, ``again`` the last one."""
        ref, _, what = rest.partition(" ")
        if not ref.strip():
            self._reply(Reply.of(t(texts.CONSOLE_CLICK_USAGE)))
            return
        number = self._request_ref(ref)
        if number is None:
            return
        found: list[tuple[str, int]] = []

        def look(ctx: Ctx) -> Reply:
            request = require_request(ctx, number)
            assert request.id is not None
            link = tracking.link_of(ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
            if link is None:
                raise UserFacingError(t(texts.CONSOLE_NO_TRACKED_LINK, number=number))
            found.append((link.code, link.clicks))
            return Reply(())

        refusal = self._act(look)
        if not found:
            self._reply(refusal)
            return
        what = what.strip()
        if what.casefold() != "again" or not self._readers:
            self._readers += 1
        agent = CONSOLE_BROWSER if what.casefold() in ("", "again") else what
        code, before = found[0]
        from bot.web.core import WebRequest
        from bot.web.tracked import TrackedLinks

        if self._links is None:
            self._links = TrackedLinks(self.cobot)
        answer = self._links(
            WebRequest(
                method="GET",
                path=f"/r/{code}",
                headers={"user-agent": agent},
                client=f"192.0.2.{self._readers % 250 + 1}",  # TEST-NET addresses: no real reader's
            )
        )
        self._act(look)  # the count as it stands now
        after = found[-1][1]
        target = dict(answer.headers).get("Location", "")
        if after > before:
            self._reply(Reply.of(t(texts.CONSOLE_CLICK_COUNTED, number=number, url=target, count=after)))
        else:
            who = t(texts.CONSOLE_SAME_READER) if agent == CONSOLE_BROWSER else agent
            self._reply(Reply.of(t(texts.CONSOLE_CLICK_NOT_COUNTED, agent=who, number=number, count=after)))

    # --- guests -------------------------------------------------------------------------------------------

    def _guest(self, rest: str) -> None:
        """Acts as a guest on their page, as following the link in their latest e-mail would (``bot.web``)."""
        tokens = self.world.guest_tokens
        if not tokens:
            self._say("No guest has been e-mailed yet. Invite one: /cocreate guest <id> <e-mail> (as the owner).")
            return
        if not rest:
            self._say("Guests e-mailed here: " + ", ".join(tokens) + ". Try :guest page, :guest accept, :guest text …")
            return
        address, _, after = rest.partition(" ")
        if address.casefold() in tokens:
            what, _, value = after.strip().partition(" ")
        else:
            address, (what, _, value) = next(reversed(tokens)), rest.partition(" ")
        token = tokens[address.casefold()]
        action = self._guest_actions().get(what.casefold())
        if action is None:
            self._say(f"A guest can: {', '.join(self._guest_actions())} (e.g. :guest text My draft …).")
            return
        from bot.web.guest import GuestPages, NotFound

        pages = GuestPages(self.cobot)
        try:
            reply = pages.as_guest(token, lambda ctx, link: action(ctx, link, value.strip()))
        except NotFound:
            self._say(f"The link in {address}'s latest e-mail opens nothing any more (it expired or was revoked).")
            return
        except UserFacingError as refusal:
            reply = Reply.refused(refusal.text)
        self.cobot.wake_sender()
        if isinstance(reply, Reply):
            self._print_delivery(Delivery(f"{address}'s page", self._reply_lines(reply), []))
            if reply.refusal:  # the page's own words point at the page; here it is a command away
                self._say("(:guest page shows what the guest's page shows now)")
        else:
            self._print_delivery(Delivery(f"{address}'s page", reply, []))

    def _guest_actions(self) -> dict[str, Callable[[Ctx, PageLink, str], Reply | list[str]]]:
        return {
            "page": lambda ctx, link, _: self._guest_page_lines(ctx, link),
            "accept": lambda ctx, link, _: guest_page.accept_invitation(ctx, link=link),
            "decline": lambda ctx, link, _: guest_page.decline_invitation(ctx, link=link),
            "text": lambda ctx, link, value: guest_page.hand_in_text(ctx, link=link, text=value),
            "link": lambda ctx, link, value: guest_page.hand_in_link(ctx, link=link, url=value),
            "more-time": lambda ctx, link, value: guest_page.ask_more_time(ctx, link=link, proposed=value),
            "sign-off": self._guest_sign_off,
            "withdraw-consent": lambda ctx, link, _: guest_page.withdraw_consent_on_page(ctx, link=link),
            "withdraw": lambda ctx, link, _: guest_page.step_back(ctx, link=link),
        }

    def _guest_sign_off(self, ctx: Ctx, link: PageLink, byline: str) -> Reply:
        """Signs off what the page's form offers (the approved version, every place it may go), under ``byline``."""
        form = guest_page.signoff_on_page(ctx, link=link)
        if form is None:
            raise UserFacingError(t(texts.CONSOLE_NOTHING_TO_SIGN_OFF))
        return guest_page.sign_off_on_page(
            ctx,
            link=link,
            draft_id=str(form.draft_id),
            content_hash=form.content_hash,
            byline=byline or form.byline,
            bio=form.bio,
            places=[place.key for place in form.places],
        )

    def _guest_page_lines(self, ctx: Ctx, link: PageLink) -> list[str]:
        view = guest_page.guest_page(ctx, link=link)
        lines = [f"{view.title} — from {view.owner_name}, due {view.deadline.isoformat()}"]
        if view.part:
            lines.append(f"Your part: {view.part}")
        lines += [f"  {line}" for line in view.brief.splitlines()]
        lines.append(f"State: {view.state}, {view.review_state.value.replace('_', ' ')}")
        for version in view.versions:
            handed = version.text or version.url or version.file_name or ""
            lines.append(f"Version {version.version}: {handed[:80]}")
            lines += [f"  ↳ {'approved' if r.approved else 'changes: ' + (r.feedback or '')}" for r in version.reviews]
        form = guest_page.signoff_on_page(ctx, link=link)
        if form is not None:
            done = "signed off" if form.signed else "to sign off: :guest sign-off [byline]"
            lines.append(f"Version {form.version} ({form.content_hash[:12]}…) {done}")
        return lines

    def _reply_lines(self, reply: Reply) -> list[str]:
        return [line for text in reply.texts for line in self.renderer.text(text, reply.language).splitlines()]

    # --- output ---------------------------------------------------------------------------------------------

    def _drain(self) -> None:
        if self.cobot.sender is not None:
            self.cobot.sender.drain_until_idle()

    def _reply(self, reply: Reply) -> None:
        if not reply.texts and reply.card is None:
            return
        language = reply.language
        lines = [line for text in reply.texts for line in self.renderer.text(text, language).splitlines()]
        actions = reply.actions
        number = None
        if reply.card is not None:
            lines.extend(self.renderer.card(reply.card, language))
            actions, number = actions + card_actions(reply.card), reply.card.number
        buttons = self.world.add_buttons(
            actions, renderer=self.renderer, shown_to=self.actor, number=number, language=language
        )
        who = self.world.names.get(self.actor, self.actor)
        self._print_delivery(Delivery(f"only @{who}", lines, buttons))

    def _print_delivery(self, delivery: Delivery, *, again: bool = False) -> None:
        style = self.renderer.style
        head = style.accent(f"[{delivery.where}]") + (" " + style.dim("(edited)") if delivery.edited else "")
        body = [f"  {line}" for line in delivery.lines]
        if delivery.buttons:
            body.append("  " + "  ".join(style.button(f"[{b.number}] {b.label}") for b in delivery.buttons))
        self._say(f"{head} {delivery.author}:\n" + "\n".join(body))

    def _prompt(self) -> str:
        who = next((h for h, u in self.handles.items() if u == self.actor), self.actor)
        return self.renderer.style.dim(f"{who}@{self.channel}> ")

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.cobot.policy.timezone).strftime("%a %-d %b %Y %H:%M")

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _as_slack_text(self, text: str) -> str:
        """What a person types, in the convention the shared parser reads (Slack's): ``&``, ``<`` and ``>``
        escaped, and ``@name`` of someone here turned into a mention."""
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        def mention(match: re.Match[str]) -> str:
            user = self.handles.get(match.group(1).casefold())
            return f"<@{user}>" if user else match.group(0)

        return re.sub(r"(?<![\w<])@([\wæøåÆØÅ.-]+)", mention, escaped)
