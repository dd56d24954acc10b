"""``cobot console --demo``: a small, realistic workspace to try Cobot in.

A marketing team and colleagues from sales, customer service, engineering and HR, with their skills; the
ten-chapter e-book on digital marketing with some chapters claimed; a LinkedIn post whose draft waits for review;
a blog post nobody has taken yet; and publishing slots. Everything is made through the same handlers the
commands use, so the demo is in the state real use would leave it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.runtime.cobot import Cobot
from handlers.context import Ctx
from handlers.departments import PROFILE, take_directory
from handlers.drafts import DraftContent, submit_draft
from handlers.people import set_profile
from handlers.requests import NewRequest, create_request
from handlers.results import Reply
from handlers.skills import add_skills
from handlers.volunteering import volunteer_for_request

# The demo starts on a Friday afternoon in Copenhagen, so Monday's digest is one ":time" away.
DEMO_START = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
CHANNEL = "#marketing"

DEMO_BEHAVIOUR: dict[str, Any] = {
    "timezone": "Europe/Copenhagen",
    "publishing": {
        "slots": [
            {"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"},
            {"name": "Nyhedsbrev", "day": "1st mon", "time": "09:00"},
        ]
    },
    "digest": {"channel": CHANNEL, "cron": "0 9 * * mon"},
    "outbox": {"channel_interval_seconds": 0},
}


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    department: str
    skills: tuple[str, ...]


PEOPLE = (
    Person("mette", "Mette Ørsted", "Marketing", ("content", "seo", "linkedin")),
    Person("jonas", "Jonas Kjær", "Marketing", ("seo", "writing", "analytics")),
    Person("soeren", "Søren Dahl", "Salg", ("sales", "customer cases", "linkedin")),
    Person("anne", "Anne Bæk", "Kundeservice", ("customer service", "faq", "e-mail marketing")),
    Person("freja", "Freja Lund", "Udvikling", ("ai", "marketing automation", "video")),
    Person("lars", "Lars Holm", "HR", ("employer branding", "pr")),
)

CHAPTERS = (
    "E-mail marketing",
    "Marketing automation",
    "Analytics",
    "PR",
    "PPC",
    "AI",
    "SEO",
    "Facebook-annoncer",
    "Influencer marketing",
    "LinkedIn",
)


def seed(cobot: Cobot) -> None:
    """Fills an empty console workspace with the demo's people and requests."""

    def as_(handle: str, action: Any) -> Reply:
        person = next(p for p in PEOPLE if p.handle == handle)
        return cobot.act(
            action,
            platform="console",
            workspace="console",
            user_id=handle,
            display_name=person.name,
            channel_id=CHANNEL,
        )

    for person in PEOPLE:
        as_(person.handle, lambda ctx, person=person: _profile(ctx, person))

    ebook = NewRequest(
        title="E-bog: Digital markedsføring i 10 kapitler",
        deadline=date(2026, 12, 18),
        brief=(
            "Ti eksperter, ti kapitler: hvert kapitel giver læseren de vigtigste råd inden for ét område. "
            "Skriv 2-3 sider med dine bedste tips og et eksempel fra hverdagen."
        ),
        format="e-book",
        skills=("writing", "marketing"),
        parts=CHAPTERS,
    )
    as_("mette", lambda ctx: create_request(ctx, ebook, channel_id=CHANNEL))
    for handle, chapter in (("anne", "1"), ("freja", "6"), ("jonas", "7"), ("soeren", "10")):
        as_(handle, lambda ctx, chapter=chapter: volunteer_for_request(ctx, number=1, part=chapter))

    post = NewRequest(
        title="LinkedIn-opslag: 5 spørgsmål vores kunder altid stiller",
        deadline=date(2026, 11, 26),
        brief="Kundeservice kender spørgsmålene bedst. Hvilke fem hører I oftest, og hvad svarer I?",
        format="post",
        skills=("customer service", "linkedin"),
    )
    as_("mette", lambda ctx: create_request(ctx, post, channel_id=CHANNEL))
    as_("anne", lambda ctx: volunteer_for_request(ctx, number=2))
    as_("anne", lambda ctx: _draft(ctx, 2, "https://docs.example.com/anne/5-spoergsmaal"))

    blog = NewRequest(
        title="Blogindlæg: Sådan bryder vi siloerne mellem salg og support",
        deadline=date(2026, 11, 27),
        brief="Hvordan deler salg og kundeservice viden i dag, og hvad kunne vi gøre bedre?",
        format="blog",
        skills=("sales", "customer service", "writing"),
        needs=2,
    )
    as_("jonas", lambda ctx: create_request(ctx, blog, channel_id=CHANNEL))
    if cobot.sender is not None:
        cobot.sender.drain_until_idle()


def _draft(ctx: Ctx, number: int, text: str) -> Reply:
    return submit_draft(ctx, number=number, content=DraftContent(text=text))


def _profile(ctx: Ctx, person: Person) -> Reply:
    """Department and time zone as the person's profile gives them (so `/cocreate whoami` says "from your
    profile", as it would in Slack), and skills as the person would list them."""
    set_profile(ctx, tz="Europe/Copenhagen")
    take_directory(ctx.actor, department=person.department, title=None, source=PROFILE)
    ctx.session.add(ctx.actor)
    return add_skills(ctx, skills=person.skills)


def is_seeded(cobot: Cobot) -> bool:
    return cobot.knows_workspace(platform="console", workspace="console")
