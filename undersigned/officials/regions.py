"""Russia's regions: ISO 3166-2:RU codes with Russian and English names.

The 83 subdivisions come from the `iso3166-2` package. Regions a registry uses
that the standard lacks are added here with codes of our own, marked `X-`.
"""

import re
from dataclasses import dataclass
from functools import cache

from undersigned.signatures.canonical import fold


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
)

_LANGUAGE_TAG = re.compile(r"^(.*) \((\w{3})\)$")


@cache
def all_regions() -> tuple[Region, ...]:
    import iso3166_2

    subdivisions = iso3166_2.Subdivisions(country_code="RU")["RU"]
    regions = []
    for code, info in subdivisions.items():
        russian, english = [], []
        for part in (info.get("localOtherName") or "").split(", "):
            tagged = _LANGUAGE_TAG.match(part.strip())
            if tagged and tagged.group(2) == "rus":
                russian.append(tagged.group(1))
            elif tagged and tagged.group(2) == "eng":
                english.append(tagged.group(1))
        name_ru = russian[0] if russian else info["name"]
        name_en = english[0] if english else info["name"]
        regions.append(Region(code, name_ru, name_en, (info["name"], *russian[1:], *english[1:])))
    regions.extend(EXTRA_REGIONS)
    return tuple(sorted(regions, key=lambda r: r.name_ru))


@cache
def regions_by_code() -> dict[str, Region]:
    return {region.code: region for region in all_regions()}


def region_name(code: str, language: str) -> str:
    region = regions_by_code().get(code)
    return region.name(language) if region else code


def region_choices(language: str) -> list[tuple[str, str]]:
    regions = sorted(all_regions(), key=lambda r: r.name(language))
    return [(region.code, region.name(language)) for region in regions]


@cache
def _names_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for region in all_regions():
        for name in (region.code, region.name_ru, region.name_en, *region.aliases):
            index.setdefault(fold(name), region.code)
    return index


def find_region_code(text: str) -> str:
    """The code of a region named or coded in `text`, or "" when none is recognised."""
    return _names_index().get(fold(text), "")
