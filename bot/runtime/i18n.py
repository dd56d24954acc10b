"""Translations: gettext catalogs (``handlers/locale/<lang>/LC_MESSAGES/cobot.po``) read with Babel.

Message ids are the English texts in ``handlers/texts.py``; English needs no catalog. Catalogs are read from the
``.po`` files directly (no compile step to forget), once per process. ``make catalogs`` extracts the ids from the
code and updates the catalogs; a test fails when any text lacks a translation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

import handlers

SUPPORTED = ("en", "da")
DOMAIN = "cobot"
LOCALE_DIR = Path(handlers.__file__).parent / "locale"

Translate = Callable[[str], str]


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(language: str) -> Mapping[str, str]:
    """Message id → translation, for the finished (non-fuzzy, non-empty) entries of a language's catalog."""
    path = catalog_path(language)
    if language == "en" or not path.is_file():
        return {}
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language, domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in messages
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
    }


@dataclass(frozen=True)
class Translator:
    """Message id → template in ``language``. It knows its language, so a renderer handed only a translator
    writes days and moments in the same language as the words around them."""

    language: str
    table: Mapping[str, str]
    own: Mapping[str, str]

    def __call__(self, msgid: str) -> str:
        return self.own.get(msgid) or self.table.get(msgid) or msgid


def translator(language: str, overrides: Mapping[str, str] | None = None) -> Translate:
    """Message id → template in ``language``; ``overrides`` (msgid → template, from app.yaml) come first."""
    known = language if language in SUPPORTED else "en"
    return Translator(known, catalog(known), dict(overrides or {}))
