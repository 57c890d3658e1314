"""The matching benchmark's claims: a synthetic registry of officials with name frequencies
from the `russiannames` package, and claims on it written the ways people write them
(`Noise`), some from people who are not in the registry. bench/matching.py scores them.
"""

import csv
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

LATIN_SCHEMES = (
    "WIKIPEDIA",
    "ICAO_DOC_9303",
    "BGN_PCGN",
    "MOSMETRO",
    "GOST_52535",
    "YANDEX_MAPS",
    "BS_2979",
    "ALA_LC",
)
PLACE_ROOTS_SUFFIXES = ("ский", "ское", "ка", "ово", "ино", "овка", "ский район", "ская", "ск")
BODIES = (
    ("Совет депутатов муниципального округа {x}", "муниципальный округ {x}", "МО {x}"),
    ("Муниципальный совет внутригородского муниципального образования {x}", "МО {x}", "{x}"),
    ("Совет депутатов сельского поселения {x}", "сельское поселение {x}", "{x}"),
    ("Дума городского округа {x}", "городской округ {x}", "г. {x}"),
    ("Собрание депутатов {x} муниципального района", "{x} муниципальный район", "{x} район"),
)
NOT_IN_REGISTRY_FRACTION = 0.18
# Councils written by a short name with a settlement-type abbreviation.
SETTLEMENT_TYPES = (
    "с.п. {x}", "г.п. {x}", "м.р. {x}", "ВМО {x}", "с/с {x}", "s.p. {latin}", "{x} с.п.",
    "сп {x}", "МО {x}",
)  # fmt: skip
# Cyrillic letters and the Latin ones typed in their place inside a Cyrillic word.
LATIN_INSIDE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "и": "i", "н": "n", "т": "t"}
TO_LATIN_LAYOUT = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>",
)
# The Russian keyboard's letter rows: a finger slips to a neighbouring key.
RUSSIAN_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")
# The whole claim written in the name column: {n} name, {c} council, {r} region.
WHOLE_CLAIM = (
    "{n}, депутат {c}, {r}", "{n} ({c}, {r})", "{c} - {n}", "{r}, {c}, {n}",
    "депутат {c} {n}", "{n} — {c}", "{n}, {r}, {c}", "{n} - депутат {c} ({r})",
    "{c}, {n}", "{n} ({c})", "{r} {c} {n}", "{n}; {c}; {r}", "Депутат {c}, {n}",
)  # fmt: skip
# Difficulties the generator puts two or three at once on one claim.
COMBINED = (
    "case", "latin", "no region", "initials", "short council", "region inverted",
    "typo", "neighbouring key", "first and surname", "capitals", "region in Latin",
    "office words", "whole claim",
)  # fmt: skip
RELATIVES_FRACTION = 0.3  # of the claims from people not in the registry


@dataclass
class Person:
    surname: str
    first: str
    patronymic: str
    female: bool

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.first} {self.patronymic}"


@dataclass
class Seat:
    source_id: str
    person: Person
    body: str
    municipality: str
    municipality_root: str
    region_code: str


class Names:
    """Name parts with their real frequencies (from russiannames' datasets)."""

    def __init__(self, rng: random.Random) -> None:
        import duckdb
        import russiannames

        data = Path(russiannames.__file__).parent / "data"
        con = duckdb.connect()

        def load(query: str) -> tuple[list[str], list[float]]:
            rows = con.execute(query).fetchall()
            values = [row[0] for row in rows]
            cumulative, total = [], 0.0
            for row in rows:
                total += row[1]
                cumulative.append(total)
            return values, cumulative

        def surnames(gender: str) -> tuple[list[str], list[float]]:
            return load(
                f"select text, count from '{data}/surnames.parquet' where gender = '{gender}' "
                "and count >= 2 and length(text) >= 3 order by count desc, text"
            )

        def firsts(gender: str) -> tuple[list[str], list[float]]:
            return load(
                f"select text, count from '{data}/names.parquet' where gender = '{gender}' "
                "and count >= 200 order by count desc, text"
            )

        def patronymics(gender: str) -> tuple[list[str], list[float]]:
            return load(
                f"select text, count from '{data}/midnames.parquet' where gender = '{gender}' "
                "and count >= 200 order by count desc, text"
            )

        self.rng = rng
        self.tables = {
            female: (surnames(g), firsts(g), patronymics(g))
            for female, g in ((False, "m"), (True, "f"))
        }

    def person(self) -> Person:
        return self.person_of(self.rng.random() < 0.45)

    def person_of(self, female: bool) -> Person:
        parts = [
            self.rng.choices(values, cum_weights=cum)[0] for values, cum in self.tables[female]
        ]
        return Person(parts[0], parts[1], parts[2], female)


def build_registry(
    rng: random.Random, names: Names, officials: int, municipalities: int
) -> list[Seat]:
    from undersigned.officials.regions import all_regions

    regions = [region.code for region in all_regions()]
    # Bigger regions hold more councils: weights drawn once, heavy for the two capitals.
    weights = [
        rng.uniform(0.3, 2.0) * (4 if code in {"RU-MOW", "RU-SPE"} else 1) for code in regions
    ]
    roots_used: set[tuple[str, str]] = set()
    councils = []
    while len(councils) < municipalities:
        region = rng.choices(regions, weights=weights)[0]
        base = names.person().surname
        if base.endswith(("а", "я", "ий", "ый", "ой", "ь", "й")) or len(base) < 5:
            continue
        root = base[:-2] if base.endswith(("ов", "ев", "ин")) else base
        name = (root + rng.choice(PLACE_ROOTS_SUFFIXES)).capitalize()
        if (region, name) in roots_used:
            continue
        roots_used.add((region, name))
        body, municipality, _short = rng.choice(BODIES)
        councils.append((body.format(x=name), municipality.format(x=name), name, region))
    seats: list[Seat] = []
    per_council = officials / municipalities
    for index, (body, municipality, root, region) in enumerate(councils):
        count = max(3, round(rng.gauss(per_council, per_council / 3)))
        if index == len(councils) - 1:
            count = max(0, officials - len(seats))
        taken: set[str] = set()
        for _ in range(count):
            person = names.person()
            if person.full_name in taken:
                continue
            taken.add(person.full_name)
            seats.append(Seat(f"s{len(seats) + 1}", person, body, municipality, root, region))
            if len(seats) >= officials:
                return seats
    return seats


class Noise:
    """The ways signers write their claims differently from the registry."""

    def __init__(self, rng: random.Random) -> None:
        import iuliia
        import pymorphy3

        from undersigned.officials.names import DIMINUTIVES
        from undersigned.officials.regions import regions_by_code

        self.rng = rng
        self.schemes = [getattr(iuliia, name) for name in LATIN_SCHEMES]
        self.morph = pymorphy3.MorphAnalyzer()
        self.diminutives: dict[str, list[str]] = {}
        for short, full_names in DIMINUTIVES.items():
            for full in full_names:
                if short != full:
                    self.diminutives.setdefault(full, []).append(short)
        self.regions = regions_by_code()
        self.applied: Counter[str] = Counter()
        self.neighbours: dict[str, str] = {}
        for row_index, row in enumerate(RUSSIAN_ROWS):
            for column, letter in enumerate(row):
                near = row[max(0, column - 1) : column] + row[column + 1 : column + 2]
                for other_row in RUSSIAN_ROWS[max(0, row_index - 1) : row_index + 2]:
                    if other_row is not row:
                        near += other_row[column : column + 1]
                self.neighbours[letter] = near
        # The difficulties this claim must have (two or three at once), else by chance.
        self.forced: frozenset[str] = frozenset()
        self.kinds_by_claim: dict[str, list[str]] = {}

    def chance(self, kind: str, probability: float) -> bool:
        return kind in self.forced or self.rng.random() < probability

    def combine(self) -> None:
        """Two or three difficulties at once on the next claim."""
        self.forced = frozenset(self.rng.sample(COMBINED, self.rng.choice((2, 2, 3))))
        self.applied["two or three difficulties at once"] += 1

    def neighbouring_key(self, word: str) -> str:
        """One letter typed with a neighbouring key of the Russian keyboard."""
        letters = [i for i, ch in enumerate(word) if ch.lower() in self.neighbours and i > 0]
        if not letters:
            return word
        i = self.rng.choice(letters)
        other = self.rng.choice(self.neighbours[word[i].lower()])
        return word[:i] + (other.upper() if word[i].isupper() else other) + word[i + 1 :]

    def latin(self, text: str) -> str:
        return self.rng.choice(self.schemes).translate(text)

    def inflect(self, word: str, case: str) -> str:
        for parse in self.morph.parse(word)[:3]:
            grammemes = set(str(parse.tag).replace(" ", ",").split(","))
            # The word as the registry has it, in the nominative singular: not "Гатов" read
            # as the genitive plural of "Гата", which no one writes.
            if {"Name", "Surn", "Patr"} & grammemes and {"nomn", "sing"} <= grammemes:
                form = parse.inflect({case, "sing"}) or parse.inflect({case})
                if form is not None:
                    return form.word.capitalize()
        return word

    def typo(self, word: str) -> str:
        if len(word) < 5:
            return word
        position = self.rng.randrange(1, len(word) - 1)
        kind = self.rng.random()
        if kind < 0.35:
            return word[:position] + word[position + 1 :]
        if kind < 0.7:
            return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        if kind < 0.85:
            return word[:position] + word[position] + word[position:]
        return word[:position] + self.rng.choice("аеоиткнрс") + word[position + 1 :]

    def latin_inside(self, word: str) -> str:
        """One Cyrillic letter of a word typed as a Latin one."""
        letters = [i for i, ch in enumerate(word) if ch.lower() in LATIN_INSIDE]
        if not letters:
            return word
        i = self.rng.choice(letters)
        latin = LATIN_INSIDE[word[i].lower()]
        return word[:i] + (latin.upper() if word[i].isupper() else latin) + word[i + 1 :]

    def initials(self, surname: str, first: str, patronymic: str) -> str:
        letters = [first[0], patronymic[0]] if patronymic else [first[0]]
        style = self.rng.random()
        if style < 0.4:
            return f"{surname} {'.'.join(letters)}."
        if style < 0.6:
            return f"{surname} {''.join(letters)}"
        if style < 0.8:
            return f"{'.'.join(letters)}. {surname}"
        return f"{surname} {' '.join(letter + '.' for letter in letters)}"

    def name(self, person: Person, seat: Seat, *, initials_allowed: bool = True) -> str:
        rng, applied = self.rng, self.applied
        surname, first, patronymic = person.surname, person.first, person.patronymic
        words_order = "sfp"
        inflected = shortened = False
        if rng.random() < 0.10 and first in self.diminutives and not self.forced:
            shortened = True
            first = rng.choice(self.diminutives[first])
            patronymic = "" if rng.random() < 0.7 else patronymic
            applied["diminutive"] += 1
        if self.chance("case", 0.12):
            case = rng.choice(["gent", "datv", "ablt"])
            surname, first, patronymic = (
                self.inflect(w, case) if w else w for w in (surname, first, patronymic)
            )
            inflected = True
            applied["grammatical case"] += 1
        if self.chance("typo", 0.14):
            target = rng.randrange(3)
            parts = [surname, first, patronymic]
            parts[target] = self.typo(parts[target]) if parts[target] else parts[target]
            surname, first, patronymic = parts
            applied["typo: swap, drop or doubled letter"] += 1
        if self.chance("neighbouring key", 0.03):
            target = rng.randrange(3)
            parts = [surname, first, patronymic]
            if len(parts[target]) >= 5:
                parts[target] = self.neighbouring_key(parts[target])
            surname, first, patronymic = parts
            applied["typo: neighbouring key on a Russian keyboard"] += 1
        if patronymic and self.chance("first and surname", 0.18):
            patronymic = ""
            applied["first name and surname only"] += 1
        initials = (
            initials_allowed
            and not shortened
            and ("initials" in self.forced or (not self.forced and rng.random() < 0.08))
        )
        if initials:
            text = self.initials(surname, first, patronymic)
            applied["surname and initials"] += 1
        else:
            if rng.random() < 0.2:
                words_order = "fps"
                applied["name order"] += 1
            parts_by = {"s": surname, "f": first, "p": patronymic}
            if not patronymic and rng.random() < 0.5:
                words_order = "fs"
            text = " ".join(parts_by[key] for key in words_order if parts_by[key])
        if "ё" in text.lower() and rng.random() < 0.6:
            text = text.replace("ё", "е").replace("Ё", "Е")
            applied["ё as е"] += 1
        roll = 1.0 if self.forced else rng.random()
        if roll < 0.03:
            text = " ".join(
                self.latin_inside(word) if index == 0 else word
                for index, word in enumerate(text.split())
            )
            applied["typo: a Latin letter inside a Cyrillic word"] += 1
        elif roll < 0.05:
            words = text.split()
            target = rng.randrange(len(words)) if rng.random() < 0.5 else None
            text = " ".join(
                word.translate(TO_LATIN_LAYOUT) if target in (None, index) else word
                for index, word in enumerate(words)
            )
            applied["typo: keyboard layout slip"] += 1
        elif self.chance("latin", 0.3 if inflected else 0.28):
            text = self.latin(text)
            applied["Latin transliteration" + (" of another case" if inflected else "")] += 1
        if self.chance("capitals", 0.1):
            text = text.lower() if rng.random() < 0.4 else text.upper()
            applied["all in one case"] += 1
        if self.chance("office words", 0.07):
            prefix = rng.choice(
                ["деп. ", "dep. ", f"Депутат МО {seat.municipality_root} ", "депутат ", "Депутат "]
            )
            text = prefix + text if rng.random() < 0.8 else f"{text}, депутат"
            applied["office words inside the name field"] += 1
        return text

    def place(self, seat: Seat, region_given: bool) -> tuple[str, str]:
        """The body and municipality as a signer writes them."""
        rng = self.rng
        choice = rng.random()
        root = seat.municipality_root
        if "short council" in self.forced:
            choice = 0.5
        elif self.forced:
            choice = max(choice, 0.08)
        if choice < 0.08 and region_given:
            self.applied["region only, no council"] += 1
            return "", ""
        if choice < 0.25:
            return "", rng.choice([f"МО {root}", f"муниципальный округ {root}", root])
        if choice < 0.37:
            self.applied["council in Latin"] += 1
            return "", self.latin(root)
        if choice < 0.45:
            return "", self.typo(root)
        if choice < 0.6:
            self.applied["council by a short name with a settlement type"] += 1
            template = rng.choice(SETTLEMENT_TYPES)
            return "", template.format(x=root, latin=self.latin(root))
        return seat.body, seat.municipality

    def region(self, code: str) -> str:
        region = self.regions[code]
        choice = self.rng.random()
        if "no region" in self.forced:
            choice = 0.0
        elif "region inverted" in self.forced and " " in region.name_ru:
            choice = 0.65
        elif "region in Latin" in self.forced:
            choice = 0.55
        elif self.forced:
            choice = max(choice, 0.07)
        if choice < 0.07:
            self.applied["no region"] += 1
            return ""
        if choice < 0.3:
            return code
        if choice < 0.4:
            return region.name_en
        if choice < 0.5:
            return region.name_ru.replace("область", "обл.")
        if choice < 0.62:
            self.applied["region in Latin"] += 1
            return self.latin(region.name_ru)
        if choice < 0.7 and " " in region.name_ru:
            self.applied["region in inverted order"] += 1
            kind, _space, rest = region.name_ru.partition(" ")
            if kind not in ("Республика",):
                rest, kind = region.name_ru.rsplit(" ", 1)
            inverted = f"{rest}, {kind}"
            return self.latin(inverted) if self.rng.random() < 0.5 else inverted
        return region.name_ru

    def whole_claim(self, name: str, body: str, municipality: str, region: str) -> str:
        """Name, council and region all in the name column, in one of several orders."""
        self.applied["the whole claim in the name column"] += 1
        council = municipality or body
        if region in self.regions:  # a code picked from a list is not written out by hand
            region = self.regions[region].name_ru
        template = self.rng.choice(WHOLE_CLAIM)
        if not council:
            template = self.rng.choice(("{n}, {r}", "{r} - {n}", "{n} ({r})"))
        text = template.format(n=name, c=council, r=region)
        # A missing region leaves its separators behind: ", ," or "()".
        return re.sub(r"\s*\(\s*\)|(,\s*)+$|^\s*,\s*|,\s*,", "", text).strip(" ,;-—")

    def relative(self, names: "Names", deputy: Person) -> Person:
        """A deputy's relative: the same surname, another first name; a sibling's patronymic."""
        female = self.rng.random() < 0.5
        surname = deputy.surname
        if female != deputy.female:
            surname = self.inflect_gender(surname, female)
        first_names = names.tables[female][1]
        while True:
            first = self.rng.choices(first_names[0], cum_weights=first_names[1])[0]
            if first != deputy.first:
                break
        if self.rng.random() < 0.5:
            patronymic = self.inflect_gender(deputy.patronymic, female)
        else:
            patronymic = names.person_of(female).patronymic
        self.applied["relative of a deputy (not in the registry)"] += 1
        return Person(surname, first, patronymic, female)

    def inflect_gender(self, word: str, female: bool) -> str:
        """The same surname or patronymic for the other gender (Петров -> Петрова)."""
        for parse in self.morph.parse(word)[:3]:
            if {"Surn", "Patr"} & parse.tag.grammemes:
                form = parse.inflect({"femn" if female else "masc", "nomn", "sing"})
                if form is not None:
                    return form.word.capitalize()
        endings = (
            ("ович", "овна"), ("евич", "евна"), ("ич", "ична"), ("ский", "ская"),
            ("цкий", "цкая"), ("ой", "ая"), ("ов", "ова"), ("ев", "ева"), ("ин", "ина"),
        )  # fmt: skip
        for male, woman in endings:
            if female and word.endswith(male):
                return word[: -len(male)] + woman
            if not female and word.endswith(woman):
                return word[: -len(woman)] + male
        return word


def write_registry(seats: list[Seat], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_id", "full_name", "position", "body", "municipality", "region"])
        for seat in seats:
            writer.writerow(
                [
                    seat.source_id,
                    seat.person.full_name,
                    "депутат",
                    seat.body,
                    seat.municipality,
                    seat.region_code,
                ]
            )


def make_claims(
    rng: random.Random, names: Names, seats: list[Seat], count: int
) -> tuple[list, dict[str, str], Counter[str], dict[str, list[str]]]:
    from undersigned.signatures.actions import Claims

    noise = Noise(rng)
    registered_names = {seat.person.full_name for seat in seats}
    claims, expected = [], {}
    for number in range(count):
        claim_id = f"c{number + 1}"
        before = noise.applied.copy()
        seat = rng.choice(seats)
        initials_allowed = True
        noise.forced = frozenset()
        if rng.random() < 0.1:
            noise.combine()
        if rng.random() < NOT_IN_REGISTRY_FRACTION:
            # Someone who is not in the registry, claiming a real council: a stranger, or a
            # deputy's relative (the same surname and council, another first name).
            if rng.random() < RELATIVES_FRACTION:
                person = noise.relative(names, seat.person)
                # "Петров А.П." for Петров Алексей and Петров Андрей alike: unknowable.
                initials_allowed = person.first[:1] != seat.person.first[:1]
            else:
                person = names.person()
            while person.full_name in registered_names:
                person = names.person()
            expected[claim_id] = ""
        else:
            person = seat.person
            expected[claim_id] = seat.source_id
        region = noise.region(seat.region_code)
        body, municipality = noise.place(seat, bool(region))
        full_name = noise.name(person, seat, initials_allowed=initials_allowed)
        if noise.chance("whole claim", 0.12):
            full_name = noise.whole_claim(full_name, body, municipality, region)
            body = municipality = region = ""
        claims.append(
            (
                claim_id,
                Claims(
                    full_name=full_name,
                    office="депутат",
                    body=body,
                    municipality=municipality,
                    region=region,
                ),
            )
        )
        noise.kinds_by_claim[claim_id] = sorted((noise.applied - before).keys())
    return claims, expected, noise.applied, noise.kinds_by_claim
