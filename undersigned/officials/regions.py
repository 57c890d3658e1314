"""Russia's regions: ISO 3166-2:RU codes with Russian and English names.

The 83 subdivisions come from the `iso3166-2` package, through `regions_ru.json`, which
`manage.py update_regions` writes from it (a test checks that the two agree): loading
the package's data for every country would cost each web worker some 30 MB. Regions a
registry uses that the standard lacks are added here with codes of our own, marked `X-`.
"""

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from undersigned.officials.folding import place_stem, text_keys


@dataclass(frozen=True)
class Region:
    code: str
    name_ru: str
    name_en: str
    aliases: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ru


# Not in ISO 3166-2:RU; Russian municipal registries list their councils.
EXTRA_REGIONS = (
    Region("X-CR", "Республика Крым", "Crimea", ("Крым", "Crimea", "Krym")),
    Region("X-SEV", "Севастополь", "Sevastopol", ("г. Севастополь", "Sevastopol")),
    Region("X-DON", "Донецкая Народная Республика", "Donetsk", ("ДНР", "Donetsk")),
    Region("X-LUG", "Луганская Народная Республика", "Luhansk", ("ЛНР", "Luhansk", "Lugansk")),
    Region("X-ZAP", "Запорожская область", "Zaporizhzhia", ("Zaporozhye", "Zaporozhskaya")),
    Region("X-KHE", "Херсонская область", "Kherson", ("Khersonskaya",)),
)

# Names registries and signers use that the standard's data lacks or gives to two regions;
# these win over the standard's own names.
PREFERRED_NAMES = {
    "RU-MOW": ("Москва", "город Москва", "Moscow", "Moscow City", "Moskva", "Мск"),
    "RU-MOS": ("Московская область", "Moscow Oblast", "Moscow Region", "Подмосковье"),
    "RU-SPE": (
        "Санкт-Петербург", "Saint Petersburg", "St. Petersburg", "Sankt-Peterburg", "СПб",
        "Петербург", "Petersburg",
    ),
    "RU-LEN": ("Ленинградская область", "Leningrad Oblast", "Leningrad Region"),
    "RU-KGN": ("Курганская область",),
    "RU-KHM": ("ХМАО", "Югра", "Khanty-Mansi"),
    "RU-YAN": ("ЯНАО", "Yamal"),
    "RU-SA": ("Якутия", "Саха", "Sakha", "Yakutia"),
    "RU-CU": ("Чувашия",),
    "RU-UD": ("Удмуртия",),
    "RU-KB": ("Кабардино-Балкария",),
    "RU-KC": ("Карачаево-Черкесия",),
    "RU-SE": ("Северная Осетия", "Алания", "North Ossetia"),
    "RU-YEV": ("ЕАО",),
    "RU-KEM": ("Кузбасс",),
    "RU-ALT": ("Алтайский край", "Altai Krai"),
    "RU-AL": ("Республика Алтай", "Altai Republic", "Горный Алтай"),
}  # fmt: skip
# The standard's data misspells a Russian name or two.
NAME_FIXES = {"RU-KGN": "Курганская область"}
ENGLISH_NAME_FIXES = {"RU-MOS": "Moscow Oblast", "RU-MOW": "Moscow"}
# Words that only say what kind of region it is.
_GENERIC_STEMS = frozenset(
    place_stem(key)
    for word in (
        "г", "гор", "город", "обл", "область", "край", "республика", "респ", "автономный",
        "автономная", "округ", "ао", "федерального", "значения", "субъект", "рф", "city", "of",
        "the", "oblast", "oblast'", "krai", "kray", "region", "republic", "respublika",
        "autonomous", "okrug", "avtonomnyy", "avtonomnaya", "territory", "народная", "narodnaya",
        "narodnaia",
    )
    for key in text_keys(word)
)  # fmt: skip

_LANGUAGE_TAG = re.compile(r"^(.*) \((\w{3})\)$")


STANDARD_TABLE = Path(__file__).with_name("regions_ru.json")


def standard_regions() -> list[Region]:
    """The ISO 3166-2:RU subdivisions as the `iso3166-2` package has them."""
    import iso3166_2

    subdivisions: Any = iso3166_2.Subdivisions(country_code="RU")["RU"]
    regions = []
    for code, info in subdivisions.items():
        russian, english = [], []
        for part in (info.get("localOtherName") or "").split(", "):
            tagged = _LANGUAGE_TAG.match(part.strip())
            if tagged and tagged.group(2) == "rus":
                russian.append(tagged.group(1))
            elif tagged and tagged.group(2) == "eng":
                english.append(tagged.group(1))
        name_ru = NAME_FIXES.get(code) or (russian[0] if russian else info["name"])
        name_en = ENGLISH_NAME_FIXES.get(code) or (english[0] if english else info["name"])
        regions.append(Region(code, name_ru, name_en, (info["name"], *russian[1:], *english[1:])))
    return sorted(regions, key=lambda r: r.code)


def standard_table(regions: list[Region]) -> str:
    rows = [[r.code, r.name_ru, r.name_en, list(r.aliases)] for r in regions]
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"


@cache
def all_regions() -> tuple[Region, ...]:
    rows = json.loads(STANDARD_TABLE.read_text(encoding="utf-8"))
    regions = [Region(code, ru, en, tuple(aliases)) for code, ru, en, aliases in rows]
    regions.extend(EXTRA_REGIONS)
    return tuple(sorted(regions, key=lambda r: r.name_ru))


@cache
def regions_by_code() -> dict[str, Region]:
    return {region.code: region for region in all_regions()}


def region_name(code: str, language: str) -> str:
    region = regions_by_code().get(code)
    return region.name(language) if region else code


@cache
def region_choices(language: str) -> tuple[tuple[str, str], ...]:
    regions = sorted(all_regions(), key=lambda r: r.name(language))
    return tuple((region.code, region.name(language)) for region in regions)


def region_keys(text: str) -> tuple[str, str]:
    """A region's name in any script and grammatical form: in full, and its distinctive words."""
    stems = [place_stem(key) for key in text_keys(text)]
    distinctive = [stem for stem in stems if stem not in _GENERIC_STEMS]
    return " ".join(stems), " ".join(distinctive)


@cache
def _names_index() -> dict[str, str]:
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for code, names in PREFERRED_NAMES.items():
        for name in names:
            for key in region_keys(name):
                index.setdefault(key, code)
    preferred = set(index)
    for region in all_regions():
        for name in (region.name_ru, region.name_en, *region.aliases):
            for key in region_keys(name):
                if not key or key in preferred:
                    continue
                if index.setdefault(key, region.code) != region.code:
                    ambiguous.add(key)
    for key in ambiguous:
        del index[key]
    return index


_PARENTHESES = re.compile(r"\(([^)]*)\)")
_DASH_TAIL = re.compile(r"\s[-–—]\s.*$")


@lru_cache(maxsize=10_000)
def find_region_code(text: str, *, nearest: bool = True) -> str:
    """The code of a region named or coded in `text`, or "" when none is recognised.

    Accepts registry spellings such as "г. Санкт-Петербург", "Иркутская обл.",
    "Республика Татарстан (Татарстан)", "Кемеровская область — Кузбасс" and Latin names;
    with `nearest`, also the nearest spelling of a region's distinctive name.
    """
    text = (text or "").strip()
    if not text:
        return ""
    code = text.upper()
    by_code = regions_by_code()
    if code in by_code:
        return code
    if f"RU-{code}" in by_code:
        return f"RU-{code}"
    index = _names_index()
    inner = _PARENTHESES.findall(text)
    outer = _PARENTHESES.sub(" ", text)
    variants = (text, outer, _DASH_TAIL.sub("", outer), *inner)
    for variant in variants:
        for key in region_keys(variant):
            if key in index:
                return index[key]
    # Spellings no scheme in the table gives ("Voronejskaia", "Xabarovskii"): the nearest
    # distinctive name, if it is near enough to be that region and no other.
    _full, distinctive = region_keys(outer)
    if nearest and len(distinctive) >= 5:
        found = process.extract(
            distinctive, _distinctive_keys(), scorer=fuzz.ratio, score_cutoff=82, limit=2
        )
        codes = [index[key] for key, _score, _position in found]
        if codes and (len(codes) == 1 or codes[0] == codes[1] or found[0][1] > found[1][1]):
            return codes[0]
    return ""


@cache
def _distinctive_keys() -> list[str]:
    return [key for key in _names_index() if len(key) >= 5]
