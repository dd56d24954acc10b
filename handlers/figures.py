"""Figures typed by a piece's owner: `/cocreate results <id> views:1200 clicks:86` or the Slack form, stored as
``ResultSource.TYPED`` totals for today (``handlers.outcomes.record_result``).

This module is also the one place that knows how people write a metric and a figure, for the command, the form and
``handlers.results_import`` alike: each known metric by its English or Danish word (``METRIC_WORDS``), any other
name as a custom metric of its own; a figure as a whole number of at least 0, with or without thousands separators
("1.200", "1,200", "1 200").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from handlers import notify, texts
from handlers.cards import STATUS_TEXTS, require_request
from handlers.context import Ctx
from handlers.outcomes import KNOWN_METRICS, outcome_text, outcomes_of, record_result
from handlers.requests import require_owner_or_admin
from handlers.results import Reply, Text, UserFacingError, t
from storage.models import ContentRequest, RequestStatus, ResultSource

# Every word for a known metric, singular and plural, English and Danish, as they are matched (case-folded).
METRIC_WORDS: dict[str, str] = {
    "views": "views",
    "view": "views",
    "visninger": "views",
    "visning": "views",
    "clicks": "clicks",
    "click": "clicks",
    "klik": "clicks",
    "leads": "leads",
    "lead": "leads",
    "kundeemner": "leads",
    "kundeemne": "leads",
    "shares": "shares",
    "share": "shares",
    "delinger": "shares",
    "deling": "shares",
    "comments": "comments",
    "comment": "comments",
    "kommentarer": "comments",
    "kommentar": "comments",
    "reactions": "reactions",
    "reaction": "reactions",
    "reaktioner": "reactions",
    "reaktion": "reactions",
    "downloads": "downloads",
    "download": "downloads",
    "hentninger": "downloads",
    "hentning": "downloads",
    "signups": "signups",
    "signup": "signups",
    "sign-ups": "signups",
    "sign-up": "signups",
    "tilmeldinger": "signups",
    "tilmelding": "signups",
}
assert set(METRIC_WORDS.values()) == set(KNOWN_METRICS)

METRIC_NAME_LIMIT = 40  # PieceResult.metric's column
# A figure beyond this is a typing mistake, not a count: it would also overflow sums across pieces in reports.
MAX_FIGURE = 999_999_999_999
_FIGURE_DIGITS = len(str(MAX_FIGURE)) + 6  # with separators; longer text is refused before it is read as a number
# A custom metric's name: letters or digits first, then letters, digits, spaces, "-" or "_". No markup, and no
# "=", "+", "@" that a spreadsheet would read as a formula when a report shows the name.
_CUSTOM_NAME = re.compile(r"[^\W_][\w -]*")
# Thousands separators people type: "1.200" (Danish), "1,200" (English), "1 200" (with a space, also non-breaking).
_SEPARATORS = re.compile(r"[., \u00a0\u202f]")
_GROUPED = re.compile(r"\d{1,3}(?:([., \u00a0\u202f])\d{3})(?:\1\d{3})*")
# `name:value` pairs as typed after the request's id; a value may be grouped by spaces ("views:1 200").
_PAIR = re.compile(r"([^\s:]+):[ \t]*(\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|[^\s;]*)")


def metric_of(word: str) -> str | None:
    """The metric a word names: a known one for its English or Danish word ("Visninger" → "views"), else the word
    itself as a custom metric (lower case, spaces collapsed); None when it can't be a metric's name."""
    name = " ".join(str(word).split()).casefold()
    if name in METRIC_WORDS:
        return METRIC_WORDS[name]
    if not name or len(name) > METRIC_NAME_LIMIT or not _CUSTOM_NAME.fullmatch(name):
        return None
    return name


def figure_of(value: object) -> int | None:
    """A figure as typed ("1200", "1.200", "1,200", "1 200") or read from a spreadsheet (an int, or a float that is
    whole) as a whole number between 0 and ``MAX_FIGURE``; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        number = int(value)
    else:
        text = str(value).strip()
        if not text or len(text) > _FIGURE_DIGITS:
            return None
        if _GROUPED.fullmatch(text):
            text = re.sub(_SEPARATORS, "", text)
        if not (text.isascii() and text.isdecimal()):
            return None
        number = int(text)
    return number if 0 <= number <= MAX_FIGURE else None


def split_pairs(text: str) -> tuple[list[tuple[str, str]], str]:
    """The ``name:value`` pairs in ``text``, as typed, and what is left over that is not a pair."""
    pairs = [(m.group(1), m.group(2).rstrip(",")) for m in _PAIR.finditer(text)]
    rest = _PAIR.sub(" ", text).replace(",", " ").replace(";", " ")
    return pairs, " ".join(rest.split())


@dataclass(frozen=True)
class FigureProblem:
    """What is wrong with one typed figure: the name it was typed under (to place it) and what to say."""

    name: str
    text: Text


def figure_problems(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, int], list[FigureProblem]]:
    """The figures of typed ``(name, value)`` pairs, by metric, and every problem with them: a name that is no
    metric, a value that is not a whole number, the same metric twice (in English and in Danish, say)."""
    figures: dict[str, int] = {}
    problems: list[FigureProblem] = []
    for name, value in pairs:
        metric = metric_of(name)
        shown = name[:40]
        if metric is None:
            problems.append(FigureProblem(name, t(texts.RESULTS_BAD_METRIC, name=shown, limit=METRIC_NAME_LIMIT)))
            continue
        figure = figure_of(value)
        if figure is None:
            problems.append(FigureProblem(name, bad_figure(value)))
        elif metric in figures:
            problems.append(FigureProblem(name, t(texts.RESULTS_METRIC_TWICE, name=shown)))
        else:
            figures[metric] = figure
    return figures, problems


def bad_figure(value: object) -> Text:
    """Why a value is no figure: too big, or not a whole number of at least 0."""
    text = str(value).strip()
    shown = (text[:20] + "…" if len(text) > 20 else text) or "—"
    if _GROUPED.fullmatch(text):
        text = re.sub(_SEPARATORS, "", text)
    too_big = (isinstance(value, int | float) and not isinstance(value, bool) and value > MAX_FIGURE) or (
        text.isascii() and text.isdecimal() and (len(text) > _FIGURE_DIGITS or int(text) > MAX_FIGURE)
    )
    if too_big:
        return t(texts.RESULTS_FIGURE_TOO_BIG, value=shown, limit=MAX_FIGURE)
    return t(texts.RESULTS_NOT_A_FIGURE, value=shown)


def usage(number: int | None = None) -> Text:
    return t(texts.USAGE_RESULTS, number=number or 12)


def record_typed_results(ctx: Ctx, *, number: int, pairs: Iterable[tuple[str, str]]) -> Reply:
    """`/cocreate results <id> name:value …`: the owner's (or an admin's) figures for their published piece, stored
    as today's totals so far; the answer shows the piece's figures as they now stand."""
    pairs = list(pairs)
    if not pairs:
        raise UserFacingError(usage(number))
    figures, problems = figure_problems(pairs)
    if problems:
        raise UserFacingError(t(texts.RESULTS_PROBLEM, problem=problems[0].text, usage=usage(number)))
    return record_figures(ctx, number=number, figures=figures)


def require_results_allowed(ctx: Ctx, number: int, *, lock: bool = False) -> ContentRequest:
    """The request, once it is sure the actor may give #number's results: its owner or an admin, and only once it
    is published."""
    request = require_request(ctx, number, lock=lock)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_RESULTS)
    if request.status is not RequestStatus.PUBLISHED:
        raise UserFacingError(t(texts.RESULTS_NOT_PUBLISHED, number=number, status=t(STATUS_TEXTS[request.status])))
    assert request.id is not None
    return request


def record_figures(ctx: Ctx, *, number: int, figures: dict[str, int]) -> Reply:
    """Stores checked figures as the actor's totals so far for today, shows them on the card, and answers with the
    piece's figures."""
    request = require_results_allowed(ctx, number, lock=True)
    assert request.id is not None
    request_id, title = request.id, request.title
    for metric, value in figures.items():
        record_result(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            request_id=request_id,
            metric=metric,
            value=value,
            day=ctx.today(),
            source=ResultSource.TYPED,
            now=ctx.now,
            recorded_by_id=ctx.actor_id,
        )
    outcome = outcomes_of(session=ctx.session, workspace_id=ctx.workspace_id, request_ids=[request_id])[request_id]
    shown = outcome_text(outcome)
    assert shown is not None  # at least one figure was just stored
    notify.refresh_card(ctx, request)  # the card's "So far" line shows the new figures now, not after new clicks
    return Reply.of(t(texts.RESULTS_SAVED, number=number, title=title, figures=shown))


def results_hint(ctx: Ctx, *, number: int) -> Reply:
    """`/cocreate results <id>` without figures, or "Add results" pressed where no form opens (the console,
    Teams): after the same checks as the form, how to type them."""
    require_results_allowed(ctx, number)
    return Reply.of(usage(number))


# --- the owner's form (Slack's modal behind "Add results" and `/cocreate results <id>`) ----------------------------

OTHER_FIELD = "other"  # the form's free field: "webinar-guests: 40, podcast-plays: 300"


@dataclass(frozen=True)
class ResultsFormPrompt:
    """What the form shows: the piece, and one number field per known metric, then the free field."""

    number: int
    title: str
    metrics: tuple[str, ...] = KNOWN_METRICS

    @property
    def hint(self) -> Text:
        return t(texts.RESULTS_FORM_HINT, number=self.number, title=self.title)


def open_results_form(ctx: Ctx, *, number: int) -> ResultsFormPrompt:
    """The form, or a refusal before it opens (not the owner or an admin, not published yet)."""
    return ResultsFormPrompt(number=number, title=require_results_allowed(ctx, number).title)


def results_form_problems(typed: dict[str, str]) -> tuple[dict[str, int], list[tuple[str, Text]]]:
    """The figures of a submitted form (field → text as typed: a known metric's field, or ``OTHER_FIELD`` with
    "name: number" pairs), and each problem beside its field. Empty fields are skipped; an empty form is a
    problem of its own, placed beside the first field."""
    pairs: list[tuple[str, str]] = []
    field_of: dict[str, str] = {}
    problems: list[tuple[str, Text]] = []
    for metric in KNOWN_METRICS:
        value = typed.get(metric, "").strip()
        if value:
            pairs.append((metric, value))
            field_of[metric] = metric
    other = typed.get(OTHER_FIELD, "").strip()
    if other:
        other_pairs, rest = split_pairs(other.replace("\n", " "))
        if rest or not other_pairs:
            problems.append((OTHER_FIELD, t(texts.RESULTS_FORM_BAD_OTHER, value=other[:60])))
        for name, value in other_pairs:
            pairs.append((name, value))
            field_of.setdefault(name, OTHER_FIELD)
    figures, found = figure_problems(pairs)
    problems.extend((field_of.get(problem.name, OTHER_FIELD), problem.text) for problem in found)
    if not figures and not problems:
        problems.append((KNOWN_METRICS[0], t(texts.RESULTS_FORM_EMPTY)))
    return figures, problems
