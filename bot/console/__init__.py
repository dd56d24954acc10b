"""The console adapter: Cobot in a terminal, on the same handlers and outbox as Slack (see ``bot.console.app``)."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.console.app import Console, ConsoleClock
from bot.console.demo import CHANNEL, DEMO_BEHAVIOUR, DEMO_START, PEOPLE, is_seeded, seed
from bot.console.mail import CONSOLE_PUBLIC_URL, ConsoleMail
from bot.console.render import ConsoleRenderer, Style
from bot.console.world import ConsoleTransport, World
from bot.runtime.cobot import create_migrated_app
from bot.runtime.config import Behaviour, Settings
from storage.clock import utcnow


def run_console(
    settings: Settings,
    *,
    demo: bool,
    database: str | None,
    start: datetime | None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    files: Path | None = None,
) -> int:
    """Runs the console until ``:quit`` or the end of input. Without ``database`` it works in a fresh temporary
        SQLite file, so every run starts from the same state. ``/cocreate report`` writes its workbook into ``files``
    (else into a new temporary folder, kept after the console ends)."""
    interactive = stdin.isatty()
    ask = (lambda prompt: _ask(prompt, stdin, stdout)) if interactive else None
    with open_console(
        settings,
        demo=demo,
        database=database,
        start=start,
        out=stdout,
        color=stdout.isatty() and not os.environ.get("NO_COLOR"),
        echo=not interactive,
        ask=ask,
        files=files,
    ) as console:
        stdout.write(_welcome(console, demo=demo))
        try:
            lines = _interactive_lines(console, stdin, stdout) if interactive else stdin
            return console.run(lines)
        except KeyboardInterrupt:
            stdout.write("\n")
            return 0


@contextmanager
def open_console(
    settings: Settings,
    *,
    demo: bool,
    database: str | None,
    start: datetime | None,
    out: TextIO,
    color: bool = False,
    echo: bool = False,
    ask: Callable[[str], str | None] | None = None,
    files: Path | None = None,
) -> Iterator[Console]:
    """A console on its own workspace (the demo's, seeded, with ``demo``), writing to ``out`` and asking for a
    form's text with ``ask``; closed when the block ends. ``run_console`` runs one on a terminal or a pipe."""
    if demo:
        merged = {**settings.behaviour.model_dump(), **DEMO_BEHAVIOUR}
        settings = settings.model_copy(update={"behaviour": Behaviour.model_validate(merged)})
    with tempfile.TemporaryDirectory(prefix="cobot-console-") as scratch:
        url = database or f"sqlite:///{Path(scratch) / 'console.db'}"
        clock = ConsoleClock(start or (DEMO_START if demo else utcnow()))
        cobot = create_migrated_app(settings, clock=clock, database_url=url)
        try:
            names = {p.handle: p.name for p in PEOPLE} if demo else {"you": "You"}
            world = World(names=names)
            renderer = ConsoleRenderer(
                names=lambda user: world.names.get(user, user),
                timezone=cobot.policy.timezone,
                style=Style(color=color),
                translators=cobot.translators,
            )
            # Guests work in the console too: their e-mails are shown here, their links point where `cobot serve`
            # would run (``:guest`` acts on the page), unless SMTP_URL and PUBLIC_URL send them for real.
            mail = None
            if not cobot.settings.guests_possible:
                mail = ConsoleMail(world=world, translators=cobot.translators, clock=clock)
                cobot.policy = replace(cobot.policy, email_configured=True, public_url=CONSOLE_PUBLIC_URL)
            cobot.attach_sender({"console": ConsoleTransport(world=world, renderer=renderer)}, mail=mail)
            if demo and not is_seeded(cobot):
                seed(cobot)
            yield Console(
                cobot=cobot,
                world=world,
                renderer=renderer,
                clock=clock,
                out=out,
                handles={handle: handle for handle in names},
                actor="mette" if demo else "you",
                channel=CHANNEL if demo else "#general",
                echo=echo,
                ask=ask,
                files=files,
            )
        finally:
            cobot.close()


def _welcome(console: Console, *, demo: bool) -> str:
    now = console.clock.now.astimezone(console.cobot.policy.timezone).strftime("%a %-d %b %Y %H:%M")
    who = console.world.names.get(console.actor, console.actor)
    lines = [
        f"Cobot console — you are {who} in {console.channel}; the time is {now}.",
        "Type /cocreate help for Cobot's commands and :help for the console's. :quit or Ctrl-D leaves.",
    ]
    if demo:
        lines.insert(
            1,
            "Demo workspace: the e-book in ten chapters, a LinkedIn post waiting for review, a blog post "
            "that needs volunteers. Try /cocreate list, :who, :time 2026-11-23 09:00.",
        )
    return "\n".join(lines) + "\n"


def _ask(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    stdout.write(prompt)
    stdout.flush()
    answer = stdin.readline()
    return answer.strip() or None


def _interactive_lines(console: Console, stdin: TextIO, stdout: TextIO):  # type: ignore[no-untyped-def]
    while True:
        stdout.write(console._prompt())
        stdout.flush()
        line = stdin.readline()
        if not line:
            stdout.write("\n")
            return
        yield line
