"""The console's clock (issue 14.17): ``:time`` walks forward through every moment something falls due, so a
slot's reminders, held DMs and each week's digest arrive in order, each under the time it arrived."""

from __future__ import annotations

import io

from bot.console import run_console
from bot.runtime.config import load_settings


def console(*lines: str) -> str:
    out = io.StringIO()
    code = run_console(
        load_settings(None, {}),
        demo=True,
        database=None,
        start=None,
        stdin=io.StringIO("\n".join(lines) + "\n"),
        stdout=out,
    )
    assert code == 0
    return out.getvalue()


def in_order(transcript: str, pieces: list[str]) -> None:
    position = 0
    for piece in pieces:
        found = transcript.find(piece, position)
        assert found >= 0, f"not found after position {position}: {piece!r}\n{transcript[position:]}"
        position = found + len(piece)


def test_a_jump_of_four_days_brings_both_slot_reminders_and_the_digest_in_order() -> None:
    transcript = console(
        "/cocreate approve 2 @anne",
        "/cocreate book 2 LinkedIn 2026-11-24",
        ":time +4d",
    )
    after = transcript.split(":time +4d", 1)[1]
    reminder = "is booked for LinkedIn Tue 24 Nov 10:00. Remember to publish it"
    assert after.count(reminder) == 2  # the day before, and the hour before
    in_order(
        after,
        [
            "⏰ Mon 23 Nov 2026 09:00",
            "Co-creation this week (Mon 23 Nov 2026)",
            "⏰ Mon 23 Nov 2026 10:00",
            reminder,
            "⏰ Tue 24 Nov 2026 09:00",
            reminder,
            "⏰ It is now Tue 24 Nov 2026 14:00.",
        ],
    )


def test_jumping_past_two_mondays_posts_both_digests() -> None:
    after = console(":time +10d").split(":time +10d", 1)[1]
    in_order(
        after,
        [
            "⏰ Mon 23 Nov 2026 09:00",
            "Co-creation this week (Mon 23 Nov 2026)",
            "⏰ Mon 30 Nov 2026 09:00",
            "Co-creation this week (Mon 30 Nov 2026)",
            "⏰ It is now Mon 30 Nov 2026 14:00.",
        ],
    )
    assert after.count("Co-creation this week") == 2


def test_a_short_step_runs_a_single_pass() -> None:
    after = console(":time +5m").split(":time +5m", 1)[1]
    assert after.count("⏰") == 1
    assert "⏰ It is now Fri 20 Nov 2026 14:05." in after
