"""Translations: gettext catalogs (``handlers/locale/<lang>/LC_MESSAGES/cobot.po``) read with Babel.

Message ids are the English texts in ``handlers/texts.py``; English needs no catalog. Catalogs are read from the
``.po`` files directly (no compile step to forget), once per process. Texts with plural forms go through Babel's
``Translations.ngettext``, which applies the catalog's ``Plural-Forms`` rule (Danish, like English: one, other).
``make catalogs`` extracts the ids from the code and updates the catalogs; a test fails when any text lacks a
translation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

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


@cache
def plural_translations(language: str) -> NullTranslations:
    """The language's catalog as gettext translations, for ``ngettext``. Compiled in memory from the ``.po`` file;
    like ``catalog``, fuzzy entries are left out, and an empty form falls back to the English one."""
    path = catalog_path(language)
    if language == "en" or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Message id → template in ``language``. It knows its language, so a renderer handed only a translator
    writes days and moments in the same language as the words around them."""

    language: str
    table: Mapping[str, str]
    own: Mapping[str, str]
    plurals: NullTranslations

    def __call__(self, msgid: str) -> str:
        return self.own.get(msgid) or self.table.get(msgid) or msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a text with plural forms that ``n`` calls for in this language. An app.yaml override is
        one template, used for every count."""
        return self.own.get(singular) or self.plurals.ngettext(singular, plural, n)


def translator(language: str, overrides: Mapping[str, str] | None = None) -> Translate:
    """Message id → template in ``language``; ``overrides`` (msgid → template, from app.yaml) come first."""
    known = language if language in SUPPORTED else "en"
    return Translator(known, catalog(known), dict(overrides or {}), plural_translations(known))
