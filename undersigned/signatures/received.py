"""Signatures received elsewhere (Telegram messages, e-mails, paper), read from a file.

A CSV or XLSX file with a header, or text pasted one claim per line in free form
("Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург"). Each line is
read into claims, a publication choice and perhaps a contact; lines that cannot be
read, and lines that repeat a claim already read or already in the campaign, are
marked with their line numbers for the preview. Nothing here writes anything.
"""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign
from undersigned.core.canonical import strip_controls
from undersigned.officials.importer import (
    XLSX_MOST_COLUMNS,
    ImportFileError,
    SheetTooLarge,
    decode,
    xlsx_rows,
)
from undersigned.signatures.actions import Claims
from undersigned.signatures.forms import check_full_name
from undersigned.signatures.models import Signature

LONGEST_FILE = 2 * 1024 * 1024
LONGEST_LINE = 600
MOST_ROWS = 5000
LONGEST_FIELD = 200

# Header names, Russian or English, and the field each stands for.
COLUMNS = {
    "full_name": ("full_name", "name", "фио", "имя", "подписант", "signer"),
    "office": ("office", "position", "должность"),
    "body": ("body", "council", "совет", "орган"),
    "municipality": ("municipality", "мо", "муниципалитет", "муниципальное образование"),
    "region": ("region", "регион", "субъект"),
    "publication": ("publication", "публикация", "публикация имени"),
    "contact": ("contact", "контакт", "связь"),
}
_HEADER = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}

PUBLICATIONS = {
    Signature.NAMED: ("named", "name", "open", "openly", "с именем", "открыто", "именно", "да"),
    Signature.ANONYMOUS: (
        "anonymous", "counted", "counted but not named", "анонимно", "без имени", "нет", "",
    ),
}  # fmt: skip
_PUBLICATION = {word: choice for choice, words in PUBLICATIONS.items() for word in words}

OFFICE_WORDS = re.compile(
    r"^\s*(депутат\w*|деп\.?|член\s+совета|председател\w*|глава|deputy|dep\.?|councillor)\b\.?",
    re.IGNORECASE,
)
# A message is cut at commas, semicolons, tabs, dashes between words, brackets, and the
# ends of exclamations, questions and labels ("Здравствуйте! Я …", "ФИО: …").
_SEPARATORS = re.compile(r"\s*(?:[,;\t()\[\]«»!?:]|\s[-–—]+\s)\s*")
_QUOTES = "\"'“”„«»`"
# Words of a message around a name that are no part of it: greetings, courtesies, the
# message's own verbs. Besides these, a word the dictionary knows only as a verb,
# pronoun, adverb, particle or interjection is no name ("Я", "подписываюсь", "завтра").
MESSAGE_WORDS = frozenset(
    [
        "здравствуйте", "здравствуй", "привет", "приветствую", "добрый", "доброе", "доброго",
        "день", "дня", "вечер", "утро", "уважаемые", "уважаемый", "уважаемая", "коллеги",
        "друзья", "всем", "всех", "спасибо", "пожалуйста", "уважением", "подпись", "фио",
        "имя", "фамилия", "прошу", "добавить", "добавьте", "меня", "мою", "подпишусь",
        "hello", "hi", "dear", "thanks", "thank", "regards", "signed", "sign", "name",
    ]
)  # fmt: skip
_MESSAGE_PARTS_OF_SPEECH = frozenset(
    {"VERB", "INFN", "NPRO", "ADVB", "INTJ", "PRCL", "PREP", "CONJ", "PRED", "GRND", "ADJS",
     "COMP", "PRTS"}
)  # fmt: skip
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})
_INITIALS = re.compile(r"^(?:[^\W\d_]\.){1,3}$|^[^\W\d_]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.\w+$")
_TELEGRAM = re.compile(r"^(?:@|https?://t\.me/|t\.me/)(\w{4,32})$")
_PHONE = re.compile(r"^\+?[\d\s()-]{7,20}$")
_PHONE_IN_LINE = re.compile(r"(?<![\w@.])\+?\d[\d\s()-]{5,18}\d(?![\w@])")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


class UnreadableFile(ValueError):
    """The file as a whole cannot be read: nothing of it is imported."""


@dataclass
class ReceivedRow:
    line: int
    text: str
    claims: Claims | None = None
    publication: str = Signature.ANONYMOUS
    contact: tuple[str, str] | None = None
    problem: str = ""
    # The line this one repeats; 0 when it repeats a signature already in the campaign.
    duplicate_of: int | None = None
    # Nothing in it reads like a name ("Поддерживаю! Подпишусь завтра"): not a signature?
    # Left out unless the organizer includes it.
    doubtful: bool = False
    included: bool = False

    @property
    def importable(self) -> bool:
        return (
            self.claims is not None
            and not self.problem
            and self.duplicate_of is None
            and (not self.doubtful or self.included)
        )

    @property
    def left_out_as_doubtful(self) -> bool:
        return self.doubtful and not self.included and not self.problem


@dataclass
class ReadFile:
    rows: list[ReceivedRow] = field(default_factory=list)

    @property
    def importable(self) -> list[ReceivedRow]:
        return [row for row in self.rows if row.importable]

    @property
    def duplicates(self) -> list[ReceivedRow]:
        return [row for row in self.rows if row.duplicate_of is not None]

    @property
    def unreadable(self) -> list[ReceivedRow]:
        return [row for row in self.rows if row.problem]

    @property
    def doubtful(self) -> list[ReceivedRow]:
        """Lines with nothing like a name, left out unless the organizer includes them."""
        return [row for row in self.rows if row.left_out_as_doubtful and row.duplicate_of is None]

    def include(self, lines: Iterable[int]) -> None:
        """The organizer includes these lines although nothing in them reads like a name."""
        wanted = set(lines)
        for row in self.rows:
            if row.doubtful and row.line in wanted:
                row.included = True


def contact_of(value: str) -> tuple[str, str] | None:
    """(kind, value) of a contact written as an e-mail address, a Telegram name or a phone."""
    from undersigned.vault.models import ContactCiphertext

    value = value.strip()
    if _EMAIL.match(value):
        return ContactCiphertext.EMAIL, value
    if telegram := _TELEGRAM.match(value):
        return ContactCiphertext.TELEGRAM, "@" + telegram.group(1)
    if _PHONE.match(value) and sum(ch.isdigit() for ch in value) >= 7:
        return ContactCiphertext.PHONE, value
    return None


def _parses(word: str) -> list[Any]:
    """The dictionary's readings of a word, Latin ones read back in Cyrillic first."""
    from undersigned.officials.names import latin_to_cyrillic, morph

    word = word.casefold().strip(_QUOTES + ".")
    if not word.isalpha():
        return []
    if word.isascii():
        word = latin_to_cyrillic(word)
    return list(morph().parse(word)[:4])  # type: ignore[attr-defined]


def _is_message_word(word: str) -> bool:
    """A word of the message around a name, not of the name."""
    folded = word.casefold().strip(_QUOTES + ".")
    if folded in MESSAGE_WORDS:
        return True
    if not folded.isalpha() or folded.isascii():
        return False
    parses = _parses(folded)
    return (
        bool(parses)
        and parses[0].is_known
        and parses[0].tag.POS in _MESSAGE_PARTS_OF_SPEECH
        and not any(_NAME_TAGS & parse.tag.grammemes for parse in parses)
    )


def _is_name_word(word: str) -> bool:
    """A word the dictionary knows as a name, surname or patronymic, or an initial."""
    if _INITIALS.match(word.strip(_QUOTES)):
        return True
    return any(parse.is_known and _NAME_TAGS & parse.tag.grammemes for parse in _parses(word))


def _nameness(words: list[str]) -> float:
    """How much a group of words reads like a name: names and initials for, words the
    dictionary knows as something else and council words against; unknown words, most
    often surnames, a little for."""
    from undersigned.officials.matching.vocabulary import COUNCIL_MARKERS, abbreviations

    total = 0.0
    for word in words:
        bare = word.strip(_QUOTES)
        if abbreviations(bare).casefold().strip(".") in COUNCIL_MARKERS:
            total -= 1.0
        elif _is_name_word(bare):
            total += 1.0 if not _INITIALS.match(bare) else 0.5
        elif any(parse.is_known for parse in _parses(bare)):
            total -= 0.5
        elif any(ch.isalpha() for ch in bare):
            total += 0.3
    return total


def _without_message_words(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and _is_message_word(words[start]):
        start += 1
    while end > start and _is_message_word(words[end - 1]):
        end -= 1
    return words[start:end]


def _council_then_name(words: list[str]) -> tuple[list[str], list[str]]:
    """ "Лиговка-Ямская Беляева Вера" after an office: (council words, name words).

    The name is the last two words (three when the last is a patronymic) when they read
    as a name and the words before them do not; else the words are all the name."""
    from undersigned.officials.matching.vocabulary import COUNCIL_MARKERS, abbreviations

    if len(words) < 3:
        return [], words
    last_is_patronymic = any(
        "Patr" in parse.tag.grammemes for parse in _parses(words[-1]) if parse.is_known
    )
    size = 3 if last_is_patronymic and len(words) >= 4 else 2
    council, name = words[:-size], words[-size:]
    council_marked = any(
        abbreviations(word).casefold().strip(".") in COUNCIL_MARKERS for word in council
    )
    if all(_is_name_word(word) for word in name) and (
        council_marked or not any(_is_name_word(word) for word in council)
    ):
        return council, name
    return [], words


def split_free_form(line: str) -> tuple[Claims, str]:
    """Claims from one free-form line, and a contact written in it ("" if none).

    The message around the claim goes (greetings, "Я", "подписываюсь"); a part naming a
    region is the region; a part that starts with an office ("депутат МО Семёновский")
    gives the office and the council, and the name too when it follows the council
    ("депутат Лиговка-Ямская Беляева Вера"); of the other parts the one most like a name
    is the name (the first, when alike), the rest is the council. A line with nothing
    like a name keeps all its words as the name, for `looks_like_a_name` to question.
    """
    from undersigned.officials.regions import find_region_code

    office, region, region_code, contact = "", "", "", ""
    # A phone number first, whole: its brackets and dashes are not the line's.
    phone = _PHONE_IN_LINE.search(line)
    if phone and contact_of(phone.group(0)):
        contact = phone.group(0).strip()
        line = f"{line[: phone.start()]}, {line[phone.end() :]}"
    parts = [part.strip(" " + _QUOTES) for part in _SEPARATORS.split(line)]
    kept: list[str] = []  # the parts that may hold the name or the council
    named: list[str] = []  # a name read after an office and its council
    council: list[str] = []
    for part in parts:
        if not part:
            continue
        if (kept or named) and not contact and contact_of(part):
            contact = part
            continue
        words = _without_message_words(part.split())
        found_office = OFFICE_WORDS.match(" ".join(words))
        if found_office:
            office = office or found_office.group(0).strip(" .").casefold()
            words = _without_message_words(" ".join(words)[found_office.end() :].split())
            if not named and not kept:
                place, name_words = _council_then_name(words)
                if place:
                    council.append(" ".join(place))
                    named = name_words
                    continue
            if words:
                council.append(" ".join(words)) if kept or named else kept.append(" ".join(words))
            continue
        if not words:
            continue
        text = " ".join(words)
        if (kept or named) and not region and (code := find_region_code(text)):
            region, region_code = text, code
        else:
            kept.append(text)
    name = " ".join(named)
    if not name and kept:
        scores = [_nameness(part.split()) for part in kept]
        best = max(range(len(kept)), key=lambda index: (scores[index], -index))
        if scores[best] > 0:
            name = kept.pop(best)
    if not name:
        # Nothing like a name: the whole line (but a contact), for the organizer to judge.
        name = " ".join(part for part in (p.strip() for p in parts) if part and part != contact)
        council, office, region, region_code = [], "", "", ""
    else:
        council = [*kept, *council] if not named else [*council, *kept]
    return (
        Claims(
            full_name=name[:LONGEST_FIELD],
            office=office[:LONGEST_FIELD],
            municipality=", ".join(council)[:LONGEST_FIELD],
            region=region[:LONGEST_FIELD],
            region_code=region_code,
        ),
        contact,
    )


def looks_like_a_name(full_name: str) -> bool:
    """Whether any word of a name field reads like a name: not a message such as
    "Поддерживаю! Подпишусь завтра", which is shown as "not a signature?"."""
    words = [word for word in re.split(r"[\s,;!?:()]+", full_name) if word]
    return any(
        _is_name_word(word)
        or (
            any(ch.isalpha() for ch in word)
            and not _is_message_word(word)
            and not any(parse.is_known for parse in _parses(word))
        )
        for word in words
    )


def _clean(value: object) -> str:
    return " ".join(strip_controls(str(value if value is not None else "")).split())


def _row_from_columns(line: int, values: dict[str, str]) -> ReceivedRow:
    from undersigned.officials.regions import find_region_code

    text = " · ".join(value for value in values.values() if value)[:LONGEST_LINE]
    row = ReceivedRow(line=line, text=text)
    if any(len(value) > LONGEST_FIELD for value in values.values()):
        row.problem = str(_("a field is too long"))
        return row
    region = values.get("region", "")
    row.claims = Claims(
        full_name=values.get("full_name", ""),
        office=values.get("office", ""),
        body=values.get("body", ""),
        municipality=values.get("municipality", ""),
        region=region,
        region_code=find_region_code(region),
    )
    _check(row, values.get("publication", ""), values.get("contact", ""))
    return row


def _check(row: ReceivedRow, publication: str, contact: str) -> None:
    claims = row.claims
    if claims is None or not _LETTERS.search(claims.full_name):
        row.problem = str(_("no name"))
        return
    try:
        check_full_name(claims.full_name)  # as the signing form asks: a first name and surname
    except ValidationError:
        row.problem = str(_("a first name and surname are needed"))
        return
    row.doubtful = not looks_like_a_name(claims.full_name)
    choice = _PUBLICATION.get(publication.strip().casefold())
    if choice is None:
        row.problem = str(_("publication choice not understood"))
        return
    row.publication = choice
    if contact:
        row.contact = contact_of(contact)
        if row.contact is None:
            row.problem = str(_("contact not understood"))


def read_free_form(text: str) -> ReadFile:
    read = ReadFile()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(strip_controls(raw).split())
        if not line:
            continue
        row = ReceivedRow(line=number, text=line[:LONGEST_LINE])
        read.rows.append(row)
        if len(line) > LONGEST_LINE:
            row.problem = str(_("line too long"))
            continue
        row.claims, contact = split_free_form(line)
        _check(row, "", contact)
    return read


def _read_table(rows: Iterable[list[object]]) -> ReadFile:
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    names = [_HEADER.get(_clean(cell).casefold()) for cell in header]
    if "full_name" not in names:
        raise UnreadableFile(_("The first row must name the columns; one must be full_name."))
    read = ReadFile()
    for number, cells in enumerate(iterator, start=2):
        values = {
            name: _clean(cell) for name, cell in zip(names, cells, strict=False) if name is not None
        }
        if not any(values.values()):
            continue
        read.rows.append(_row_from_columns(number, values))
    return read


def read_csv(text: str) -> ReadFile:
    try:
        dialect: object = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _read_table(list(csv.reader(io.StringIO(text, newline=""), dialect)))  # type: ignore[arg-type]


def read_xlsx(data: bytes) -> ReadFile:
    """The claims of a spreadsheet's first sheet, streamed: the header and at most MOST_ROWS
    rows are read, and a sheet that declares or holds more is refused (bounded memory)."""
    try:
        numbered, _declared = xlsx_rows(data, MOST_ROWS + 1)
        return _read_table([row for _number, row in numbered])
    except SheetTooLarge as error:
        raise UnreadableFile(
            _("More than %(n)d lines, or more than %(columns)d columns: split the file.")
            % {"n": MOST_ROWS, "columns": XLSX_MOST_COLUMNS}
        ) from error
    except ImportFileError as error:
        raise UnreadableFile(_("The spreadsheet cannot be read.")) from error


def looks_like_table(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    cells = re.split(r"[,;\t]", first)
    return any(_HEADER.get(_clean(cell).strip('"').casefold()) == "full_name" for cell in cells)


def read_received(data: bytes, file_name: str = "") -> ReadFile:
    """A file's rows: XLSX, CSV with a header, or free-form text one claim a line."""
    if len(data) > LONGEST_FILE:
        raise UnreadableFile(_("The file is too large."))
    if data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        read = read_xlsx(data)
    else:
        try:
            text = decode(data)
        except ImportFileError as error:
            raise UnreadableFile(_("The file is not text in a known encoding.")) from error
        if looks_like_table(text):
            read = read_csv(text)
        elif file_name.lower().endswith((".csv", ".tsv")):
            raise UnreadableFile(_("The first row must name the columns; one must be full_name."))
        else:
            read = read_free_form(text)
    if len(read.rows) > MOST_ROWS:
        raise UnreadableFile(_("More than %(n)d lines: split the file.") % {"n": MOST_ROWS})
    if not read.rows:
        raise UnreadableFile(_("No claims in the file."))
    return read


def mark_duplicates(read: ReadFile, campaign: Campaign) -> ReadFile:
    """Mark lines repeating an earlier line, or a signature standing in the campaign."""
    first_line: dict[str, int] = {}
    for row in read.rows:
        if row.claims is None or row.problem:
            continue
        key = row.claims.key()
        if key in first_line:
            row.duplicate_of = first_line[key]
        else:
            first_line[key] = row.line
    standing = set(
        Signature.objects.filter(
            campaign=campaign,
            claims_key__in=list(first_line),
            merged_into__isnull=True,
            state__in=Signature.ACTIVE_STATES,
        ).values_list("claims_key", flat=True)
    )
    for row in read.rows:
        if row.importable and row.claims is not None and row.claims.key() in standing:
            row.duplicate_of = 0
    return read
