"""Claims the matcher is never tuned on: a second generator, written apart from the first
(bench.matching_claims).

Its own templates, transliteration schemes, typo model, grammatical cases and seed, and
people who are not in the registry chosen to be hard: relatives of a deputy (the same
surname on the same council) as well as strangers. bench.matching reports its figures
beside those of its own generator; a rule that only fits one of them shows as a gap.
"""

import random
from collections import Counter
from typing import Any

# Schemes bench.matching_claims' generator does not use.
SCHEMES = ("GOST_7034", "GOST_16876", "UNGEGN_1987", "MVD_782", "TELEGRAM", "ISO_9_1968")
# How people fill a single "who" column when the spreadsheet has only one.
ONE_COLUMN = (
    "{name}, депутат {council}, {region}",
    "{name} ({council}, {region})",
    "{name} — {council}",
    "{office} {council} {name}",
    "{name}; {region}",
)
OFFICES = ("депутат", "Депутат", "деп.", "Dep.", "член совета", "депутатка")
COUNCIL_FORMS = (
    "МО {x}", "ВМО «{x}»", "с.п. {x}", "сельское поселение {x}", "{x} с/с", "г.п. {x}",
    "м.р. {x}", "MO {latin}", "s.p. {latin}", "совет {x}", "{x}",
)  # fmt: skip
# Neighbouring keys on a Russian keyboard: the typo a thumb makes.
NEIGHBOURS = {
    "а": "вп", "о": "лр", "е": "кн", "и": "мт", "н": "ег", "р": "по", "т": "иь", "с": "чм",
    "в": "аы", "л": "до", "к": "еу", "м": "си", "п": "ар", "д": "лж", "г": "нш",
}  # fmt: skip
CASES = ("gent", "datv", "ablt", "loct")
LAYOUT = str.maketrans(
    "йцукенгшщзхъфывапролджэячсмитьбюЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>",
)
NOT_IN_REGISTRY = 0.18


class Writer:
    def __init__(self, rng: random.Random) -> None:
        import iuliia
        import pymorphy3

        from undersigned.officials.regions import regions_by_code

        self.rng = rng
        self.schemes = [getattr(iuliia, name) for name in SCHEMES]
        self.morph = pymorphy3.MorphAnalyzer()
        self.regions = regions_by_code()
        self.kinds: Counter[str] = Counter()

    def latin(self, text: str) -> str:
        return str(self.rng.choice(self.schemes).translate(text))

    def declined(self, word: str, case: str) -> str:
        for parse in self.morph.parse(word)[:4]:
            tag = str(parse.tag)
            if "Name" in tag or "Surn" in tag or "Patr" in tag:
                form = parse.inflect({case})
                if form is not None:
                    return str(form.word).capitalize()
        return word

    def slip(self, word: str) -> str:
        rng = self.rng
        if len(word) < 4:
            return word
        at = rng.randrange(1, len(word) - 1)
        kind = rng.randrange(4)
        if kind == 0 and word[at].lower() in NEIGHBOURS:
            self.kinds["typo: neighbouring key"] += 1
            return word[:at] + rng.choice(NEIGHBOURS[word[at].lower()]) + word[at + 1 :]
        if kind == 1:
            self.kinds["typo: letter dropped"] += 1
            return word[:at] + word[at + 1 :]
        if kind == 2:
            self.kinds["typo: letters swapped"] += 1
            return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
        self.kinds["typo: Latin look-alike inside"] += 1
        return word.replace("о", "o", 1).replace("а", "a", 1)

    def person_name(self, surname: str, first: str, patronymic: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            case = rng.choice(CASES)
            surname, first, patronymic = (
                self.declined(w, case) for w in (surname, first, patronymic)
            )
            self.kinds["another case"] += 1
        if rng.random() < 0.1:
            surname = self.slip(surname)
        elif rng.random() < 0.06:
            first = self.slip(first)
        form = rng.random()
        if form < 0.45:
            text = f"{surname} {first} {patronymic}"
        elif form < 0.6:
            text = f"{first} {patronymic} {surname}"
            self.kinds["first name first"] += 1
        elif form < 0.72:
            text = rng.choice([f"{first} {surname}", f"{surname} {first}"])
            self.kinds["first name and surname only"] += 1
        elif form < 0.8:
            text = rng.choice(
                [
                    f"{surname} {first[0]}.{patronymic[0]}.",
                    f"{first[0]}. {patronymic[0]}. {surname}",
                ]
            )
            self.kinds["surname and initials"] += 1
        else:
            text = f"{surname} {first} {patronymic}"
        script = rng.random()
        if script < 0.2:
            text = self.latin(text)
            self.kinds["Latin"] += 1
            if rng.random() < 0.4:
                text = text.upper()
                self.kinds["Latin in capitals"] += 1
        elif script < 0.23:
            text = text.translate(LAYOUT)
            self.kinds["keyboard layout"] += 1
        elif script < 0.3:
            text = text.upper()
        return text

    def council(self, root: str) -> str:
        return self.rng.choice(COUNCIL_FORMS).format(x=root, latin=self.latin(root))

    def region(self, code: str) -> str:
        rng = self.rng
        region = self.regions[code]
        roll = rng.random()
        if roll < 0.1:
            self.kinds["no region"] += 1
            return ""
        if roll < 0.35:
            return self.latin(region.name_ru)
        if roll < 0.45 and " " in region.name_ru:
            head, tail = region.name_ru.split(" ", 1)
            self.kinds["region inverted"] += 1
            return f"{tail}, {head}"
        return region.name_ru

    def claim(self, full_name: str, root: str, code: str) -> dict[str, str]:
        rng = self.rng
        surname, first, patronymic = full_name.split(" ", 2)
        name = self.person_name(surname, first, patronymic)
        region = self.region(code)
        council = self.council(root) if rng.random() > 0.12 else ""
        if rng.random() < 0.25:
            self.kinds["everything in the name column"] += 1
            text = rng.choice(ONE_COLUMN).format(
                name=name, council=council or root, region=region, office=rng.choice(OFFICES)
            )
            return {"full_name": text.strip(" ,;"), "municipality": "", "region": ""}
        if not council:
            self.kinds["region only"] += 1
        return {"full_name": name, "municipality": council, "region": region}


def held_out_claims(
    seats: list[Any], names: Any, count: int, seed: int
) -> tuple[list[tuple[str, Any]], dict[str, str], Counter[str]]:
    """`count` claims on the registry `seats` (bench.matching_claims.Seat): (id, Claims),
    expected."""
    from undersigned.signatures.actions import Claims

    rng = random.Random(seed)
    writer = Writer(rng)
    registered = {seat.person.full_name for seat in seats}
    by_council: dict[str, list[Any]] = {}
    for seat in seats:
        by_council.setdefault(seat.municipality_root + seat.region_code, []).append(seat)
    claims, expected = [], {}
    for number in range(count):
        claim_id = f"h{number + 1}"
        seat = rng.choice(seats)
        full_name, official = seat.person.full_name, seat.source_id
        if rng.random() < NOT_IN_REGISTRY:
            official = ""
            person = names.person()
            if rng.random() < 0.4:
                # A relative: the deputy's surname, another first name, the same council.
                if person.female == seat.person.female:
                    person.surname = seat.person.surname
                writer.kinds["relative of a deputy"] += 1
            full_name = person.full_name
            if full_name in registered:
                continue
        expected[claim_id] = official
        fields = writer.claim(full_name, seat.municipality_root, seat.region_code)
        claims.append((claim_id, Claims(office="депутат", **fields)))
    return claims, expected, writer.kinds
