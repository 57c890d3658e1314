"""The translation catalogues: each .po file parses with polib (a second reader, stricter
than the Babel that compiles them), and no Russian entry is left without its translation."""

from pathlib import Path

import polib
from babel.messages.pofile import read_po
from django.conf import settings


def _catalogues() -> list[Path]:
    return sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))


def test_every_catalogue_parses_with_polib() -> None:
    found = {path.parent.parent.name for path in _catalogues()}
    assert found == {"en", "ru"}
    for path in _catalogues():
        assert len(polib.pofile(str(path))) > 0


def test_every_russian_entry_is_translated_for_both_readers() -> None:
    path = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.po"
    entries = [e for e in polib.pofile(str(path)) if not e.obsolete and not e.fuzzy]
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert untranslated == []
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="ru")
    babel_untranslated = [m.id for m in catalog if m.id and not m.string]
    assert babel_untranslated == []


def test_no_message_is_translated_twice() -> None:
    for path in _catalogues():
        seen: set[tuple[str | None, str]] = set()
        twice = []
        for entry in polib.pofile(str(path)):
            key = (entry.msgctxt, entry.msgid)
            if key in seen:
                twice.append(entry.msgid)
            seen.add(key)
        assert twice == [], path
