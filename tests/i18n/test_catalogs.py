"""The translation catalogs: complete, current, and safe to render.

The message ids are the English texts marked ``N_`` (``NP_`` for a text with plural forms) in ``handlers/texts.py``;
``make catalogs`` extracts them into
``handlers/locale/cobot.pot`` and merges them into ``handlers/locale/da/LC_MESSAGES/cobot.po``. These tests read
the real files with Babel (no mocks), so CI fails when someone adds or changes a text without running
``make catalogs`` and translating it, and when a translation would break at render time (a lost or renamed
``{placeholder}``, a translated command word, a button label too long for Slack).
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import handlers
from bot.exports.excel import report
from bot.runtime import i18n
from bot.slack.render import render
from handlers import plan_import, texts
from handlers.results import Text, t

HANDLERS = Path(handlers.__file__).parent
TEXTS_FILE = HANDLERS / "texts.py"
TEMPLATE_FILE = HANDLERS / "locale" / "cobot.pot"
DANISH_FILE = i18n.catalog_path("da")

FIX_HINT = "Run `make catalogs`, then translate the new entries in handlers/locale/da/LC_MESSAGES/cobot.po."

BUTTON_LIMIT = 30  # Slack: a button's text
TITLE_LIMIT = 24  # Slack: a modal's title, submit and close labels
SHEET_NAME_LIMIT = 31  # Excel: a worksheet's name
TITLE_NAMES = re.compile(r"^(MODAL_\w+_TITLE|FORM_\w+_TITLE|FORM_POST|MODAL_SEND|MODAL_CANCEL)$")
REPORT_SHEETS = ("SHEET_REQUESTS", "SHEET_CONTRIBUTIONS", "SHEET_CALENDAR", "SHEET_SUMMARY")
PLAN_SHEETS = ("PLAN_SHEET", "SLOTS_SHEET", "ABOUT_SHEET")

BACKTICKED = re.compile(r"`([^`\n]+)`")
EMOJI = re.compile(r":[a-z0-9_+-]+:")
SYMBOLS = "•·→↳✋›‹…\n"  # layout characters a translation keeps, each as often as the English
OPTION_KEY = re.compile(r"^[a-z]+:")  # due:, format:, skills:, needs:, brief:, parts:
KEYWORD = re.compile(r"^[a-z|]+$")  # off, on, add, remove, off|on, …: part of the command, never translated


# --- reading the catalogs ------------------------------------------------------------------------------------------


Plural: TypeAlias = tuple[str, str]  # (singular, plural) English ids of a text marked NP_


def extract() -> tuple[set[str], set[Plural]]:
    """The message ids in the code, extracted the way ``make catalogs`` does (``-k N_ -k NP_:1,2``): the ids of
    single texts, and the (singular, plural) ids of texts with plural forms."""
    found = extract_from_file("python", TEXTS_FILE, keywords={"N_": None, "NP_": (1, 2)})
    messages = [message for _line, message, _comments, _context in found]
    plurals = [message for message in messages if not isinstance(message, str)]
    odd = [message for message in plurals if len(message) != 2 or not all(isinstance(m, str) for m in message)]
    assert not odd, f"NP_ takes a singular and a plural form: {odd}"
    return {m for m in messages if isinstance(m, str)}, {(str(m[0]), str(m[1])) for m in plurals}


def extract_ids() -> set[str]:
    return extract()[0]


def read_catalog(path: Path, locale: str | None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=i18n.DOMAIN)


def entries(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """(msgid, msgstr) of every real entry (not the header) without plural forms."""
    for message in catalog:
        if message.id and isinstance(message.id, str):
            yield message.id, message.string if isinstance(message.string, str) else ""


def plural_entries(catalog: Catalog) -> Iterator[tuple[Plural, tuple[str, ...]]]:
    """((singular, plural), (msgstr[0], msgstr[1], …)) of every entry with plural forms."""
    for message in catalog:
        if message.id and not isinstance(message.id, str):
            singular, plural = message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            yield (str(singular), str(plural)), tuple(str(s or "") for s in strings)


@pytest.fixture(scope="module")
def code_ids() -> set[str]:
    ids = extract_ids()
    assert len(ids) > 100, "extraction found almost nothing; is handlers/texts.py still the text module?"
    return ids


@pytest.fixture(scope="module")
def code_plurals() -> set[Plural]:
    plurals = extract()[1]
    assert plurals, "extraction found no NP_ texts; is `NP_` still the plural marker?"
    return plurals


@pytest.fixture(scope="module")
def danish() -> Catalog:
    return read_catalog(DANISH_FILE, "da")


@pytest.fixture(scope="module")
def translations(danish: Catalog) -> dict[str, str]:
    return dict(entries(danish))


@pytest.fixture(scope="module")
def plural_translations(danish: Catalog) -> dict[Plural, tuple[str, ...]]:
    return dict(plural_entries(danish))


@pytest.fixture(scope="module")
def forms(translations: dict[str, str], plural_translations: dict[Plural, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(English, Danish) of every text and of each form of a text with plural forms (Danish, like English, has
    two: msgstr[0] for one, msgstr[1] for any other number)."""
    pairs = list(translations.items())
    for (singular, plural), strings in plural_translations.items():
        pairs += [(singular, strings[0]), (plural, strings[-1])]
    return sorted(pairs)


def fields(template: str) -> Counter[str]:
    """The ``{placeholder}`` names of a template, each as often as it occurs (raises on stray braces)."""
    return Counter(name for _text, name, _spec, _conversion in string.Formatter().parse(template) if name is not None)


def listing(ids: list[str]) -> str:
    return "\n".join(f"  - {msgid!r}" for msgid in ids)


# --- complete and current ------------------------------------------------------------------------------------------


def test_every_text_has_a_danish_translation(code_ids: set[str], danish: Catalog) -> None:
    missing = sorted(
        msgid for msgid in code_ids if (message := danish.get(msgid)) is None or not message.string or message.fuzzy
    )
    assert not missing, f"{len(missing)} text(s) lack a finished Danish translation:\n{listing(missing)}\n{FIX_HINT}"


def test_the_runtime_reader_sees_every_translation(code_ids: set[str], code_plurals: set[Plural]) -> None:
    """``bot.runtime.i18n`` (non-empty, non-fuzzy entries) has a Danish text for every id in the code, and both
    Danish forms of every text with plural forms."""
    table = i18n.catalog("da")
    danish = i18n.translator("da")
    ngettext = getattr(danish, "ngettext")  # noqa: B009 (a Translator, typed as a plain lookup)
    missing = sorted(code_ids - table.keys()) + [
        f"{singular!r} for {n}"
        for singular, plural in sorted(code_plurals)
        for n, english in ((1, singular), (2, plural))
        if ngettext(singular, plural, n) == english
    ]
    assert not missing, f"bot.runtime.i18n finds no Danish text for:\n{listing(missing)}\n{FIX_HINT}"


def test_every_plural_text_has_both_danish_forms(code_plurals: set[Plural], danish: Catalog) -> None:
    """A text marked NP_ is a plural entry (msgid_plural) in the catalog, and both Danish forms are written."""
    problems = []
    for singular, plural in sorted(code_plurals):
        message = danish.get(singular)
        if message is None or message.id != (singular, plural):
            problems.append(f"{singular!r}: no plural entry with msgid_plural {plural!r}")
        elif message.fuzzy or not isinstance(message.string, tuple) or len(message.string) != 2:
            problems.append(f"{singular!r}: {message.string!r} is not two finished Danish forms")
        elif not all(message.string):
            problems.append(f"{singular!r}: a Danish form is empty: {message.string!r}")
    assert not problems, "\n".join(problems) + f"\n{FIX_HINT}"


def test_no_obsolete_or_unused_entries(
    code_ids: set[str],
    code_plurals: set[Plural],
    danish: Catalog,
    translations: dict[str, str],
    plural_translations: dict[Plural, tuple[str, ...]],
) -> None:
    unused = sorted(set(translations) - code_ids) + [repr(p) for p in sorted(set(plural_translations) - code_plurals)]
    obsolete = sorted(str(msgid) for msgid in danish.obsolete)
    assert not unused, f"the Danish catalog has entries for texts no longer in the code:\n{listing(unused)}\n{FIX_HINT}"
    assert not obsolete, (
        f"the Danish catalog keeps obsolete (#~) entries; delete them:\n{listing(obsolete)}\n"
        "(pybabel update keeps them unless run with --ignore-obsolete)"
    )


def test_the_template_is_up_to_date(code_ids: set[str], code_plurals: set[Plural]) -> None:
    """Compares ids only: the POT-Creation-Date header changes on every `make catalogs`."""
    template = read_catalog(TEMPLATE_FILE, None)
    template_ids = {msgid for msgid, _ in entries(template)} | {repr(ids) for ids, _ in plural_entries(template)}
    wanted = code_ids | {repr(ids) for ids in code_plurals}
    new, gone = sorted(wanted - template_ids), sorted(template_ids - wanted)
    assert not new, f"texts missing from handlers/locale/cobot.pot:\n{listing(new)}\n{FIX_HINT}"
    assert not gone, f"handlers/locale/cobot.pot has texts no longer in the code:\n{listing(gone)}\n{FIX_HINT}"


def test_no_translation_is_left_in_english(forms: list[tuple[str, str]]) -> None:
    """A translation equal to its English id is fine for a word like "Format" or "{cell}: {problem}", not for a
    sentence."""

    def words(text: str) -> list[str]:
        text = BACKTICKED.sub(" ", re.sub(r"\{\w+\}", " ", text))
        return re.findall(r"[A-Za-z]{3,}", text)

    untranslated = sorted(msgid for msgid, msgstr in forms if msgstr == msgid and len(words(msgid)) > 1)
    assert not untranslated, f"still in English in the Danish catalog:\n{listing(untranslated)}"


# --- safe to render --------------------------------------------------------------------------------------------------


def test_placeholders_are_kept(
    forms: list[tuple[str, str]], plural_translations: dict[Plural, tuple[str, ...]]
) -> None:
    """Each form of a text with plural forms counts as a text of its own, except that its ``{count}`` may be
    written out in words ("højst én gang" for "at most {count} time")."""
    singulars = {singular for singular, _ in plural_translations}
    problems = []
    for msgid, msgstr in forms:
        if not msgstr:
            continue
        try:
            wanted, got = fields(msgid), fields(msgstr)
            msgstr.format_map({name: f"<{name}>" for name in wanted})
            if msgid in singulars and "count" not in got:
                wanted.pop("count", None)
        except (ValueError, KeyError, IndexError) as error:
            problems.append(f"{msgid!r}: {msgstr!r} does not render: {error!r}")
            continue
        if wanted != got:
            problems.append(f"{msgid!r}: placeholders {dict(wanted)} became {dict(got)} in {msgstr!r}")
    assert not problems, "\n".join(problems)


def command_signature(span: str) -> str | None:
    """What of a backticked span is a public contract: a command's words, options and flags; an option key; a
    keyword like ``on``. None for free text (``12``, ``@mette``, ``{file}``)."""
    tokens = span.split()
    if span.startswith(("/", ":", "cobot ")):
        words = tokens[:2] + [t for t in tokens[2:3] if KEYWORD.match(t)]
        options = sorted(m.group() for t in tokens if (m := OPTION_KEY.match(t)))
        flags = sorted(t for t in tokens if t.startswith("--"))
        return " ".join(words + options + flags)
    if match := OPTION_KEY.match(span):
        return match.group()
    if KEYWORD.match(span):
        return span
    return None


def signatures(template: str) -> Counter[str]:
    return Counter(sig for span in BACKTICKED.findall(template) if (sig := command_signature(span)) is not None)


def test_commands_keep_their_words(forms: list[tuple[str, str]]) -> None:
    """`/cocreate volunteer 12` stays `/cocreate volunteer …`; free example values inside may be translated."""
    problems = [
        f"{msgid!r}:\n    English {sorted(signatures(msgid).elements())}\n"
        f"    Danish  {sorted(signatures(msgstr).elements())}"
        for msgid, msgstr in forms
        if msgstr and signatures(msgid) != signatures(msgstr)
    ]
    assert not problems, "commands changed in translation:\n" + "\n".join(problems)


def test_markup_is_kept(forms: list[tuple[str, str]]) -> None:
    """Bold, code, emoji codes, line breaks and layout symbols survive translation."""

    def markup(text: str) -> Counter[str]:
        counts = Counter(c for c in text if c in SYMBOLS or c in "*`")
        counts.update(EMOJI.findall(BACKTICKED.sub("", text)))
        if text.startswith("_") and text.endswith("_"):
            counts["_italic_"] += 1
        return counts

    problems = [
        f"{msgid!r} → {msgstr!r}: {dict(markup(msgid))} ≠ {dict(markup(msgstr))}"
        for msgid, msgstr in forms
        if msgstr and markup(msgid) != markup(msgstr)
    ]
    assert not problems, "markup changed in translation:\n" + "\n".join(problems)


# --- fits where it is shown ------------------------------------------------------------------------------------------


def named_texts(pattern: re.Pattern[str]) -> dict[str, str]:
    return {name: value for name, value in vars(texts).items() if isinstance(value, str) and pattern.match(name)}


def test_button_labels_and_modal_titles_fit_slack() -> None:
    danish = i18n.translator("da")
    buttons = named_texts(re.compile(r"^BUTTON_\w+$"))
    titles = named_texts(TITLE_NAMES)
    assert buttons and titles
    too_long = [
        f"{name}: {danish(msgid)!r} has {len(danish(msgid))} characters (at most {limit})"
        for group, limit in ((buttons, BUTTON_LIMIT), (titles, TITLE_LIMIT))
        for name, msgid in sorted(group.items())
        if len(danish(msgid)) > limit
    ]
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize("workbook", [REPORT_SHEETS, PLAN_SHEETS], ids=["report", "plan"])
def test_sheet_names_are_valid_in_excel(workbook: tuple[str, ...]) -> None:
    danish = i18n.translator("da")
    names = [danish(getattr(texts, name)) for name in workbook]
    bad = [name for name in names if not name or len(name) > SHEET_NAME_LIMIT or set(name) & set("[]:*?/\\")]
    assert not bad, f"not valid as Excel sheet names: {bad}"
    assert len({name.casefold() for name in names}) == len(names), f"sheet names must differ: {names}"


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        ("report: Requests", report.REQUEST_COLUMNS),
        ("report: Contributions", report.CONTRIBUTION_COLUMNS),
        ("report: Calendar", report.CALENDAR_COLUMNS),
        ("report: Summary", report.SUMMARY_COLUMNS),
        ("report: Summary per department", report.DEPARTMENT_COLUMNS),
    ],
)
def test_report_table_headers_stay_unique(table: str, columns: tuple[report.Column, ...]) -> None:
    """An Excel table needs distinct column names."""
    headers = [i18n.translator("da")(column.header) for column in columns]
    duplicates = [h for h, n in Counter(h.casefold() for h in headers).items() if n > 1]
    assert not duplicates, f"{table}: Danish headers {duplicates} occur twice"


@pytest.mark.parametrize(
    ("sheet", "columns"), [("Plan", plan_import.PLAN_COLUMNS), ("Slots", plan_import.SLOT_COLUMNS)]
)
def test_import_headers_are_unambiguous(sheet: str, columns: tuple[str, ...]) -> None:
    """The import accepts a column by its English or Danish header, so no header may name two columns."""
    danish = i18n.translator("da")
    meanings: dict[str, set[str]] = {}
    for column in columns:
        for header in (column, danish(column)):
            meanings.setdefault(header.casefold(), set()).add(column)
    ambiguous = {header: sorted(cols) for header, cols in meanings.items() if len(cols) > 1}
    assert not ambiguous, f"{sheet}: headers that name more than one column: {ambiguous}"


# --- the translator ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        (texts.LANGUAGE_SET, "Fra nu af skriver jeg til dig på dansk."),
        (texts.HOME_LANGUAGE, "Sprog: dansk"),
        (texts.BUTTON_OTHER_LANGUAGE, "Dansk"),
        (texts.BUTTON_VOLUNTEER, "Meld dig"),
        (texts.USAGE_SHOW, "Hvilken opgave? Prøv `/cocreate show 12`."),
    ],
)
def test_danish_translator_returns_the_danish_text(msgid: str, expected: str) -> None:
    assert i18n.translator("da")(msgid) == expected


def test_danish_translator_falls_back_to_english_for_an_unknown_id() -> None:
    unknown = "A text no catalog has heard of, {name}."
    assert i18n.translator("da")(unknown) == unknown


def test_overrides_come_before_the_catalog() -> None:
    translate = i18n.translator("da", {texts.BUTTON_VOLUNTEER: "Jeg er med"})
    assert translate(texts.BUTTON_VOLUNTEER) == "Jeg er med"
    assert translate(texts.BUTTON_WITHDRAW) == "Træk dig"


@pytest.mark.parametrize("language", ["en", "xx"])
def test_english_and_unsupported_languages_are_the_identity(language: str, code_ids: set[str]) -> None:
    translate = i18n.translator(language)
    assert all(translate(msgid) == msgid for msgid in code_ids)


# What a native reader flagged (issue 14.24): loans and anglicisms that must not come back.
FLAGGED_DANISH = {
    "Co-creation": "samskabelse (or say it another way)",
    "co-creation": "samskabelse (or say it another way)",
    "gebrev": "ugeoversigten: the newsletter is a publishing slot",
    "Klaret:": "say what happened",
    "at gennemgå": "til gennemgang",
    "ikke med på": "ikke tilmeldt",
}


def test_the_danish_catalog_keeps_clear_of_the_loans_a_native_reader_flagged() -> None:
    catalog = read_po(DANISH_FILE.open("rb"), locale="da")
    found = [
        f"{message.id!r} → {message.string!r}: use {better}"
        for message in catalog
        if message.id and isinstance(message.string, str)
        for word, better in FLAGGED_DANISH.items()
        if word in message.string
    ]
    assert found == []
    translate = i18n.translator("da")
    assert translate(texts.DIGEST_TITLE).startswith("*Samskabelse i denne uge*")
    assert translate(texts.HOME_TITLE) == "Din samskabelse"


# --- plural forms --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        (texts.COUNT_SLOTS, "1 slot", "2 slots"),
        (texts.COUNT_REQUESTS, "1 request", "2 requests"),
        (texts.ASKS_CHOICE_TIMES, "At most once a month", "At most 2 times a month"),
        (texts.IMPORT_MORE_LINES, "…and 1 more line.", "…and 2 more lines."),
        (texts.CARD_MORE_PARTS, "…and 1 more part (", "…and 2 more parts ("),
    ],
)
def test_english_says_one_thing_and_two_things(text: str, one: str, two: str) -> None:
    english = i18n.translator("en")
    assert render(t(text, count=1), english).startswith(one)
    assert render(t(text, count=2), english).startswith(two)


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        (texts.COUNT_SLOTS, "1 publiceringsplads", "2 publiceringspladser"),
        (texts.COUNT_REQUESTS, "1 opgave", "2 opgaver"),
        (texts.ASKS_CHOICE_TIMES, "Højst én gang om måneden", "Højst 2 gange om måneden"),
        (texts.IMPORT_MORE_LINES, "…og 1 linje mere.", "…og 2 linjer mere."),
        (texts.CARD_MORE_PARTS, "…og 1 del til (", "…og 2 dele til ("),
    ],
)
def test_danish_says_one_thing_and_two_things(text: str, one: str, two: str) -> None:
    danish = i18n.translator("da")
    assert render(t(text, count=1), danish).startswith(one)
    assert render(t(text, count=2), danish).startswith(two)


def test_every_english_plural_text_reads_differently_for_one_and_two(code_plurals: set[Plural]) -> None:
    """No text says "1 slots": the English of one and of two differ for every text with plural forms, also when
    rendered with no translator at all (exports, tests) rather than the English one."""
    english = i18n.translator("en")
    same = [
        singular
        for singular, plural in sorted(code_plurals)
        for translate in (english, i18n.translator("xx"), str)
        if Text(singular, {"count": 1}, plural).template(translate)
        == Text(singular, {"count": 2}, plural).template(translate)
    ]
    assert same == []


def test_a_counted_text_nested_in_another_picks_its_own_form() -> None:
    """Texts that count two kinds of things (an import's requests and slots) take each count as its own text."""
    summary = t(
        texts.IMPORT_DONE,
        file="plan.xlsx",
        requests=t(texts.COUNT_REQUESTS, count=1),
        slots=t(texts.COUNT_SLOTS, count=3),
    )
    assert render(summary, i18n.translator("en")) == "Imported 1 request and 3 slots from plan.xlsx."
    assert render(summary, i18n.translator("da")) == "Importeret fra plan.xlsx: 1 opgave og 3 publiceringspladser."


def test_a_plural_text_keeps_its_forms_through_the_outbox() -> None:
    """Notices wait in the outbox as JSON; the plural form must still be known when the notice is sent."""
    queued = t(texts.CARD_MORE_PARTS, count=1, number=4)
    sent = Text.from_json(json.loads(json.dumps(queued.to_json())))
    assert sent == queued
    assert render(sent, i18n.translator("da")).startswith("…og 1 del til")
    assert render(t(texts.CARD_MORE_PARTS, count=5, number=4), i18n.translator("da")).startswith("…og 5 dele til")


def test_a_plural_text_without_a_count_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="count"):
        t(texts.COUNT_SLOTS, slots=2)
