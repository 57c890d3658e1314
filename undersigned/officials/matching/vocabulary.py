"""Words that come with names and councils in claims but say nothing about which one."""

from functools import lru_cache

from undersigned.officials.folding import place_stem, word_key, words

# Two-letter Latin initials (Yu. Zh.).
LATIN_DIGRAPH_INITIALS = frozenset({"yu", "ya", "zh", "ch", "sh", "ye", "yo", "kh", "ts"})

# Words that come with a name in messages but are no part of it.
NOT_NAME_WORDS = frozenset(
    [
        "от", "для", "депутат", "депутата", "депутатка", "гн", "г-н", "г-жа", "господин",
        "госпожа", "deputy", "mr", "mrs", "ms",
    ]
)  # fmt: skip

# Words of council names that say what kind of body it is, not which one.
GENERIC_PLACE_WORDS = frozenset(
    [
        "муниципальный", "муниципального", "муниципальное", "муниципальная", "муниципальном",
        "образование", "образования", "внутригородское", "внутригородского", "внутригородская",
        "мо", "вмо", "округ", "округа", "округе", "совет", "совета", "депутатов", "депутат",
        "дума", "думы", "городская", "городской", "городского", "город", "города", "г",
        "поселение", "поселения", "сельское", "сельского", "сельсовет", "городское", "района",
        "район", "районный", "районного", "собрание", "собрания", "представительное",
        "представительный", "орган", "федерального", "значения", "посёлок", "поселок", "пос",
        "село", "деревня", "станица", "хутор", "рабочий",
        "municipal", "municipality", "council", "district", "city", "town", "duma", "deputies",
        "of", "the", "okrug", "mo", "settlement", "village", "rural", "urban", "assembly",
        "local", "soviet", "municipalnyi", "municipalnogo", "obrazovaniya", "obrazovanie",
        "sovet", "deputatov", "gorodskoi", "okruga",
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
        for word in words(text or "", join_hyphens=False):
            if len(word) < 2 and not word.isdigit():
                continue
            stem = place_stem(word_key(word))
            if stem not in GENERIC_STEMS:
                stems[stem] = None
    return tuple(stems)
