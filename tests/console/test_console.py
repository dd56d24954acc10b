"""The console adapter: the scripted tour from a pipe, bad input at the prompt, and the proof that the console
drives the platform-neutral handlers without loading any Slack code."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from bot.console.render import ConsoleRenderer, Style
from bot.runtime.i18n import translator
from handlers.results import BookingView, CardView
from storage.db import make_engine
from storage.models import ContentRequest, ProcessedEvent, RequestStatus, SlotBooking, Volunteer, Workspace

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "examples" / "tour.txt"
COBOT = [sys.executable, "-m", "bot.entrypoints.cli"]


def run_console(stdin: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COBOT, "console", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The shipped tour, run once through the real CLI from a pipe, keeping its database to inspect."""
    database = tmp_path_factory.mktemp("tour") / "console.db"
    files = database.parent / "files"  # the tour's report, in the test's folder rather than a kept temporary one
    result = run_console(
        TOUR.read_text(encoding="utf-8"), "--demo", "--db", f"sqlite:///{database}", "--files", str(files)
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, database


def test_the_tour_shows_the_whole_co_creation_loop(tour: tuple[str, Path]) -> None:
    transcript, _ = tour
    expected_in_order = [
        "Posted request #4 Kundecase: Sådan sparer Jensen Transport 20 % på fragten here.",
        "Thank you! You're on #4",
        "You've got part 4, “PR”, of #1",
        "[#marketing › #4] @Søren Dahl:",
        "@Søren Dahl handed in version 1 of a draft for #4",
        "Thanks @Søren Dahl! Version 1 of your draft is saved",
        "> Tilføj gerne et citat fra kunden – det gør casen levende.",
        "Got it: version 2 of your draft for #4.",
        "Approved @Søren Dahl's draft (version 2) for #4.",
        "✅ Approved by @Mette Ørsted.",  # the review DM, shown again without its buttons
        "Every contribution to #4",
        "Booked #4 Kundecase: Sådan sparer Jensen Transport 20 % på fragten for LinkedIn Tue 24 Nov 10:00.",
        "📅 Booked by @Mette Ørsted: LinkedIn, Tue 24 Nov 10:00.",
        "Only the request's owner (@Jonas Kjær) or an admin can approve drafts for #3.",
        "Please add a draft deadline, e.g. `due:",
        "There is no request #99.",
        "It is now Mon 23 Nov 2026 09:00.",
        "Co-creation this week (Mon 23 Nov 2026)",
        "Thank you for co-creating! @Søren Dahl, @Anne Bæk",
        "is booked for LinkedIn Tue 24 Nov 10:00. Remember to publish it",
        "Thank you @Søren Dahl for co-creating it! 🎉",
        "?utm_source=cobot&utm_medium=linkedin&utm_campaign=cobot-4. It has counted 1 click.",
        "It has counted 2 clicks.",
        "The same reader opened #4's tracked link; not counted",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com) opened #4's tracked",
        "So far 2 clicks on its Cobot link",
        "Posted request #5 Video: Jensen Transport fortæller here.",
        "Derived from #4",
        "It is now Tue 15 Dec 2026 09:00.",
        "is due Fri 18 Dec 2026 (3 days to go)",
        "I've asked @Mette Ørsted whether you can hand in #1 by Tue 22 Dec 2026.",
        "@Mette Ørsted agreed: your draft for #1",
    ]
    position = 0
    for piece in expected_in_order:
        found = transcript.find(piece, position)
        assert found >= 0, f"not found after position {position}: {piece!r}"
        position = found
    assert "went wrong" not in transcript
    assert "Traceback" not in transcript
    assert "\033[" not in transcript  # plain text in a pipe
    # Each of the five e-book authors without a draft is reminded once, and every Monday the clock passed brought
    # its digest, once (issue 14.17: a jump over several Mondays used to post only the last one's).
    delivered = transcript.split("jonas@#marketing> :dms")[0]  # after this, Jonas re-reads his own DMs
    assert delivered.count("(3 days to go)") == 5
    mondays = ["Mon 23 Nov 2026", "Mon 30 Nov 2026", "Mon 7 Dec 2026", "Mon 14 Dec 2026"]
    assert [transcript.count(f"Co-creation this week ({monday})") for monday in mondays] == [1, 1, 1, 1]
    assert transcript.count("Co-creation this week") == len(mondays)


def test_the_tour_narration_says_what_the_answer_shows(tour: tuple[str, Path]) -> None:
    """The narration before Mette's approval of #3 is about ownership, which is what Cobot answers."""
    transcript, _ = tour
    script = TOUR.read_text(encoding="utf-8").splitlines()
    step = script.index("/cocreate approve 3 @mette")
    narration = " ".join(line for line in script[step - 2 : step] if line.startswith("# "))
    assert "owner" in narration
    assert "their own work" not in narration
    answer = transcript.split("mette@#marketing> /cocreate approve 3 @mette", 1)[1].split("mette@#marketing>", 1)[0]
    assert "Only the request's owner (@Jonas Kjær) or an admin can approve drafts for #3." in answer


def test_the_tour_leaves_the_database_as_the_conversation_says(tour: tuple[str, Path]) -> None:
    _, database = tour
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.platform == "console")).one()
        requests = {
            r.number: r
            for r in session.exec(select(ContentRequest).where(ContentRequest.workspace_id == workspace.id)).all()
        }
        assert requests[4].status is RequestStatus.PUBLISHED
        assert requests[4].published_url == "https://www.linkedin.com/posts/jensen-transport-case"
        assert requests[5].derived_from_id == requests[4].id
        assert requests[2].status is RequestStatus.APPROVED
        booking = session.exec(select(SlotBooking).where(SlotBooking.request_id == requests[4].id)).one()
        assert booking.slot_name == "LinkedIn"
        extended = session.exec(select(Volunteer).where(col(Volunteer.due_date).is_not(None))).all()
        assert [v.due_date for v in extended] == [date(2026, 12, 22)]
    engine.dispose()


def test_bad_input_gets_a_helpful_answer_and_the_console_goes_on() -> None:
    script = "\n".join(
        [
            ":frobnicate",
            ":press 999",
            ":press Teleport",
            ":react 👍 #1",
            ":react ✋ twelve",
            ":reply #1",
            ":time yesterday",
            ":in marketing",
            ":as Robert'); DROP TABLE member;--",
            "hello Cobot",
            "/giphy cat",
            "/cocreate frobnicate",
            "/cocreate show 1",
        ]
    )
    result = run_console(script, "--demo")
    assert result.returncode == 0
    out = result.stdout
    for answer in [
        "I don't know :frobnicate. Type :help",
        "There is no button [999].",
        "No button called “Teleport” is shown to you.",
        "Only ✋ means something to Cobot",
        "Which request? Name it like #12",
        "What do you want to say? :reply #12",
        "Move the clock with :time +2d",
        "Which channel? :in #marketing",
        "Names here are one word",
        "Cobot listens for /cocreate commands",
        "Cobot only knows /cocreate.",
        "I don't know `frobnicate`. Try `/cocreate help`",
        "#1 E-bog: Digital markedsføring i 10 kapitler",
    ]:
        assert answer in out, answer
    assert "Traceback" not in out + result.stderr


def test_a_button_that_needs_text_says_how_to_give_it_in_a_script() -> None:
    result = run_console(":as anne\n/cocreate show 2\n:press Submit draft #2\n", "--demo")
    assert "Submit draft needs a link to your draft, or the draft itself: :press" in result.stdout


def test_a_used_dm_is_shown_again_without_its_buttons_which_no_longer_press() -> None:
    script = ":as mette\n:press Approve #2\n:dms\n:press Approve #2\n"
    result = run_console(script, "--demo")
    _, after_press = result.stdout.split("Approved @Anne Bæk's draft (version 1) for #2.", 1)
    assert "(edited) Cobot:\n  @Anne Bæk handed in version 1" in after_press
    assert "✅ Approved by @Mette Ørsted." in after_press
    # Pressing it again finds no such button, instead of a second "already approved".
    assert after_press.rstrip().endswith(
        "No button called “Approve #2” is shown to you. :press <n> presses a button by its number."
    )


def test_end_of_input_and_quit_leave_cleanly() -> None:
    assert run_console("").returncode == 0
    quit_early = run_console(":quit\n/cocreate list\n", "--demo")
    assert quit_early.returncode == 0
    assert "Open requests" not in quit_early.stdout


def test_the_console_drives_the_handlers_without_any_slack_code(tmp_path: Path) -> None:
    """The proof that handlers/ is platform-neutral: a whole console session loads no Slack module."""
    probe = (
        "import io, sys\n"
        "from bot.runtime.config import load_settings\n"
        "from bot.console import run_console\n"
        "script = io.StringIO('/cocreate volunteer 3\\n:time 2026-11-23 09:00\\n')\n"
        "out = io.StringIO()\n"
        "code = run_console(load_settings(None, {}), demo=True, database=None, start=None, stdin=script, stdout=out)\n"
        "assert code == 0 and 'Thank you!' in out.getvalue(), out.getvalue()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('slack_bolt', 'slack_sdk', 'bot')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.strip()
    assert "slack_bolt" not in loaded
    assert "slack_sdk" not in loaded
    assert "bot.slack" not in loaded
    assert "bot.console" in loaded


def test_each_raised_hand_typed_is_its_own_event(tmp_path: Path) -> None:
    """The console gives every line an event id, as Slack gives every event one: taking a ✋ back and raising it
    again both take effect, and each ✋ is recorded once."""
    database = tmp_path / "console.db"
    script = "\n".join([":as anne", ":react ✋ #3", ":unreact ✋ #3", ":react ✋ #3", ":react ✋ #3"])
    result = run_console(script, "--demo", "--db", f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    answers = [
        "Thank you! You're on #3",
        "You've stepped back from #3.",
        "Thank you! You're on #3",
        "You're already on #3.",
    ]
    position = 0
    for piece in answers:
        found = result.stdout.find(piece, position)
        assert found >= 0, f"not found after position {position}: {piece!r}"
        position = found + 1
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        events = session.exec(select(ProcessedEvent)).all()
        assert len(events) == 4
        assert len({e.event_id for e in events}) == 4
    engine.dispose()


@pytest.mark.parametrize(
    ("language", "slot_line", "published_line"),
    [
        ("en", "Status booked · Publishing slot LinkedIn, Tue 1 Dec 10:00", "Published https://blog.example.com/seo"),
        (
            "da",
            "Status booket · Publiceringsplads LinkedIn, tirs. 1. dec. 10:00",
            "Publiceret https://blog.example.com/seo",
        ),
    ],
)
def test_the_console_card_shows_the_booked_slot_then_the_published_address(
    language: str, slot_line: str, published_line: str
) -> None:
    console = ConsoleRenderer(
        names=str, timezone=ZoneInfo("Europe/Copenhagen"), style=Style(color=False), translators=translator
    )
    booked = CardView(
        4,
        "Case study",
        "",
        None,
        (),
        date(2026, 11, 30),
        RequestStatus.APPROVED,
        "U0OWNER",
        1,
        (),
        (),
        (),
        booking=BookingView("LinkedIn", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    )
    facts = console.card(booked, language)[1]
    assert facts.endswith(slot_line)  # the moment as handlers.dates writes it, on the workspace's clock
    published = replace(booked, status=RequestStatus.PUBLISHED, published_url="https://blog.example.com/seo")
    facts = console.card(published, language)[1]
    assert facts.endswith(published_line)
    assert "LinkedIn" not in facts
