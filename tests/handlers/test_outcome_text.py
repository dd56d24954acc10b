"""A published piece's figures read as one line in the reader's language, on the card, in the digest and in notes."""

from __future__ import annotations

from bot.runtime.i18n import translator
from bot.slack.render import render_plain
from handlers.outcomes import Outcome, outcome_text


def shown(outcome: Outcome, language: str) -> str | None:
    text = outcome_text(outcome)
    return None if text is None else render_plain(text, translator(language))


def test_the_tracked_clicks_come_first_then_the_metrics_in_reading_order() -> None:
    outcome = Outcome(metrics={"leads": 3, "views": 1200, "webinar seats": 7}, link_clicks=86)

    assert shown(outcome, "en") == "86 clicks on its Cobot link · 1200 views · 3 leads · webinar seats: 7"
    assert shown(outcome, "da") == "86 klik på Cobot-linket · 1200 visninger · 3 kundeemner · webinar seats: 7"


def test_one_of_a_kind_reads_in_the_singular() -> None:
    assert shown(Outcome(metrics={"views": 1, "shares": 1}, link_clicks=1), "da") == (
        "1 klik på Cobot-linket · 1 visning · 1 deling"
    )


def test_a_piece_without_figures_has_no_line() -> None:
    assert outcome_text(Outcome()) is None
