"""Words that come with names and councils in claims but say nothing about which one."""

import re
from functools import lru_cache

from undersigned.officials.folding import place_stem, word_key, words

# Two-letter Latin initials (Yu. Zh.).
LATIN_DIGRAPH_INITIALS = frozenset(
    {"yu", "ya", "zh", "ch", "sh", "ye", "yo", "kh", "ts", "ia", "iu", "ja", "ju"}
)

# Words that come with a name in messages but are no part of it: offices, courtesies.
NOT_NAME_WORDS = frozenset(
    [
        "от", "для", "депутат", "депутата", "депутату", "депутатом", "депутатка", "депутатки",
        "деп", "гн", "г-н", "г-жа", "господин", "госпожа", "член", "председатель", "глава",
        "зам", "заместитель", "муниципальный", "муниципального", "сельского", "поселкового",
        "районного", "городского", "совета", "думы",
        "deputy", "dep", "deputat", "deputata", "member", "councillor", "councilor", "chairman",
        "head", "mr", "mrs", "ms",
    ]
)  # fmt: skip

# Words that say a region is named, not which one: "Тверская обл.", "Mordovija, Respublika".
REGION_WORDS = frozenset(
    [
        "область", "обл", "области", "край", "края", "республика", "республики", "респ",
        "автономный", "автономная", "ао", "oblast", "oblasti", "obl", "krai", "kray", "kraj",
        "respublika", "respubliki", "resp", "republic", "region", "oblastʹ",
    ]
)  # fmt: skip

# Settlement-type abbreviations, as `abbreviations` joins them ("с.п." -> "сп").
SETTLEMENT_ABBREVIATIONS = frozenset(
    [
        "сп", "гп", "мр", "мо", "вмо", "го", "сс", "рп", "пгт", "рн", "мса", "мун",
        "sp", "gp", "mr", "mo", "vmo", "go", "ss", "rp", "pgt", "rn",
    ]
)  # fmt: skip
# Words after which a name field goes on with a council, not a name.
COUNCIL_MARKERS = SETTLEMENT_ABBREVIATIONS | frozenset(
    ["мо", "округ", "округа", "поселение", "поселения", "сельсовет", "сельсовета", "район",
     "района", "совет", "municipality", "okrug", "village", "settlement", "sovet"]
)  # fmt: skip

_ABBREVIATION = r"(?<![^\W\d_])([сгмрsgmr])\s?[./]\s?([посрposr])(?![^\W\d_])\.?"
_ANY_CASE = re.compile(_ABBREVIATION, re.IGNORECASE)
# In a name field "С.П." are initials; a settlement type is written in lower case there.
_LOWER_CASE = re.compile(_ABBREVIATION)
_DISTRICT = re.compile(r"(?<![^\W\d_])р-н(?![^\W\d_])", re.IGNORECASE)


def abbreviations(text: str, *, in_name: bool = False) -> str:
    """Settlement-type abbreviations as one word: "с.п.", "с/с", "s.p." -> "сп", "сс", "sp"."""
    if "." not in text and "/" not in text and "-" not in text:
        return text
    pattern = _LOWER_CASE if in_name else _ANY_CASE
    return _DISTRICT.sub("рн", pattern.sub(r"\1\2", text))


# Words of council names that say what kind of body it is, not which one.
GENERIC_PLACE_WORDS = frozenset(
    [
        "муниципальный", "муниципального", "муниципальное", "муниципальная", "муниципальном",
        "образование", "образования", "внутригородское", "внутригородского", "внутригородская",
        "округ", "округа", "округе", "совет", "совета", "депутатов", "депутат",
        "дума", "думы", "городская", "городской", "городского", "город", "города", "г",
        "поселение", "поселения", "сельское", "сельского", "сельсовет", "сельсовета",
        "городское", "района", "район", "районный", "районного", "собрание", "собрания",
        "представительное", "представительный", "орган", "федерального", "значения", "посёлок",
        "поселок", "поселка", "поселковый", "поселковое", "пос", "село", "деревня", "станица",
        "станицы", "хутор", "рабочий",
        "municipal", "municipality", "council", "district", "city", "town", "duma", "deputies",
        "of", "the", "okrug", "settlement", "village", "rural", "urban", "assembly",
        "local", "soviet", "municipalnyi", "municipalnogo", "obrazovaniya", "obrazovanie",
        "sovet", "deputatov", "gorodskoi", "okruga", "selskoe", "selskogo", "poselenie",
        "poseleniia", "gorodskoe", "raion", "raiona",
        *SETTLEMENT_ABBREVIATIONS,
    ]
)  # fmt: skip


def _generic_stems() -> frozenset[str]:
    return frozenset(place_stem(word_key(word.replace("ё", "е"))) for word in GENERIC_PLACE_WORDS)


GENERIC_STEMS = _generic_stems()


@lru_cache(maxsize=50_000)
def place_stems(*texts: str) -> tuple[str, ...]:
    """The distinctive words of a council's name: "МО Семёновский" -> ("semenovsk",)."""
    stems: dict[str, None] = {}
    for text in texts:
        for word in words(abbreviations(text or ""), join_hyphens=False):
            if len(word) < 2 and not word.isdigit():
                continue
            key = word_key(word)
            if key.endswith("raion") and len(key) > 8:  # "Булатскийрайон": two words run on
                key = key[:-5]
            stem = place_stem(key)
            if stem not in GENERIC_STEMS:
                stems[stem] = None
    return tuple(stems)
