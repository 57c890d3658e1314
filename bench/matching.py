"""The matching benchmark: a synthetic registry, noisy claims, throughput and accuracy.

Generates a registry of officials across municipalities in every region with name
frequencies from the `russiannames` package, imports it into a scratch SQLite
database with `import_officials`' importer, and matches noisy claims (Latin
transliterations in several schemes, other grammatical cases, ё/е, name order,
missing patronymic, initials, diminutives, typos, council and region written in
other forms; a share of them people who are not in the registry) with the same
parallel path as `match_claims`. Prints a table and JSON; writes
bench/results/matching.json.

    python -m bench.matching [--officials 250000] [--claims 100000] [--jobs 2] [--seed 1]
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "matching.json"

FLOORS = {
    "registry_claims_auto_correct": 0.99,  # at least
    "wrong_auto_of_all_claims": 0.001,  # at most
    "review_of_all_claims": 0.03,  # at most
    "match_seconds": 100.0,  # at most
    "online_match_ms_median": 5.0,  # below
    "peak_memory_mb": 1024.0,  # at most
}

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
HELD_OUT_FRACTION = 0.15


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
                "and count >= 2 and length(text) >= 3 order by count desc"
            )

        def firsts(gender: str) -> tuple[list[str], list[float]]:
            return load(
                f"select text, count from '{data}/names.parquet' where gender = '{gender}' "
                "and count >= 200 order by count desc"
            )

        def patronymics(gender: str) -> tuple[list[str], list[float]]:
            return load(
                f"select text, count from '{data}/midnames.parquet' where gender = '{gender}' "
                "and count >= 200 order by count desc"
            )

        self.rng = rng
        self.tables = {
            female: (surnames(g), firsts(g), patronymics(g))
            for female, g in ((False, "m"), (True, "f"))
        }

    def person(self) -> Person:
        female = self.rng.random() < 0.45
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

    def latin(self, text: str) -> str:
        return self.rng.choice(self.schemes).translate(text)

    def inflect(self, word: str, case: str) -> str:
        for parse in self.morph.parse(word)[:3]:
            if {"Name", "Surn", "Patr"} & set(str(parse.tag).replace(" ", ",").split(",")):
                form = parse.inflect({case})
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

    def name(self, person: Person) -> str:
        rng, applied = self.rng, self.applied
        surname, first, patronymic = person.surname, person.first, person.patronymic
        words_order = "sfp"
        inflected = shortened = False
        if rng.random() < 0.10 and first in self.diminutives:
            shortened = True
            first = rng.choice(self.diminutives[first])
            patronymic = "" if rng.random() < 0.7 else patronymic
            applied["diminutive"] += 1
        if rng.random() < 0.10:
            case = rng.choice(["gent", "datv", "ablt"])
            surname, first, patronymic = (
                self.inflect(w, case) if w else w for w in (surname, first, patronymic)
            )
            inflected = True
            applied["grammatical case"] += 1
        if rng.random() < 0.12:
            target = rng.randrange(3)
            parts = [surname, first, patronymic]
            parts[target] = self.typo(parts[target]) if parts[target] else parts[target]
            surname, first, patronymic = parts
            applied["typo"] += 1
        if patronymic and rng.random() < 0.18:
            patronymic = ""
            applied["patronymic missing"] += 1
        initials = not shortened and rng.random() < 0.07
        if initials:
            first = first[0] + "."
            patronymic = patronymic[0] + "." if patronymic else ""
            applied["initials"] += 1
        if not initials and rng.random() < 0.2:
            words_order = "fps"
            applied["name order"] += 1
        parts_by = {"s": surname, "f": first, "p": patronymic}
        text = " ".join(parts_by[key] for key in words_order if parts_by[key])
        if "ё" in text.lower() and rng.random() < 0.6:
            text = text.replace("ё", "е").replace("Ё", "Е")
            applied["ё as е"] += 1
        # Signers who write in Latin letters write the name as in a passport, not declined.
        if not inflected and rng.random() < 0.28:
            text = self.latin(text)
            applied["Latin transliteration"] += 1
        if rng.random() < 0.1:
            text = text.lower() if rng.random() < 0.5 else text.upper()
        return text

    def place(self, seat: Seat, region_given: bool) -> tuple[str, str]:
        """The body and municipality as a signer writes them."""
        rng = self.rng
        choice = rng.random()
        root = seat.municipality_root
        if choice < 0.08 and region_given:
            self.applied["council not given"] += 1
            return "", ""
        if choice < 0.3:
            return "", rng.choice([f"МО {root}", f"муниципальный округ {root}", root])
        if choice < 0.45:
            self.applied["council in Latin"] += 1
            return "", self.latin(root)
        if choice < 0.55:
            return "", self.typo(root)
        return seat.body, seat.municipality

    def region(self, code: str) -> str:
        region = self.regions[code]
        choice = self.rng.random()
        if choice < 0.07:
            self.applied["region not given"] += 1
            return ""
        if choice < 0.4:
            return code
        if choice < 0.55:
            return region.name_en
        if choice < 0.65:
            return region.name_ru.replace("область", "обл.")
        return region.name_ru


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
) -> tuple[list, dict[str, str]]:
    from undersigned.signatures.actions import Claims

    noise = Noise(rng)
    registered_names = {seat.person.full_name for seat in seats}
    claims, expected = [], {}
    for number in range(count):
        claim_id = f"c{number + 1}"
        seat = rng.choice(seats)
        if rng.random() < HELD_OUT_FRACTION:
            # Someone who is not in the registry, claiming a real council.
            person = names.person()
            while person.full_name in registered_names:
                person = names.person()
            expected[claim_id] = ""
        else:
            person = seat.person
            expected[claim_id] = seat.source_id
        region = noise.region(seat.region_code)
        body, municipality = noise.place(seat, bool(region))
        claims.append(
            (
                claim_id,
                Claims(
                    full_name=noise.name(person),
                    office="депутат",
                    body=body,
                    municipality=municipality,
                    region=region,
                ),
            )
        )
    return claims, expected, noise.applied


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: the work done, whatever the load."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_memory_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"main_process": round(own, 1), "largest_worker": round(children, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=250_000)
    parser.add_argument("--municipalities", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--online", type=int, default=1000, help="claims timed one by one")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="undersigned-bench-matching-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from undersigned.officials import matching
    from undersigned.officials.importer import import_officials

    call_command("migrate", verbosity=0)
    load_at_start = round(os.getloadavg()[0], 2)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    names = Names(rng)
    seats = build_registry(rng, names, args.officials, args.municipalities)
    claims, expected, applied = make_claims(rng, names, seats, args.claims)
    generate_seconds = time.perf_counter() - started
    registry_csv = workdir / "registry.csv"
    write_registry(seats, registry_csv)

    started, cpu_before = time.perf_counter(), cpu_seconds()
    run = import_officials(registry_csv, "bench").run
    import_seconds = time.perf_counter() - started
    import_cpu_seconds = cpu_seconds() - cpu_before

    started, cpu_before = time.perf_counter(), cpu_seconds()
    index = matching.load_index("bench")
    index_seconds = time.perf_counter() - started
    index_cpu_seconds = cpu_seconds() - cpu_before

    started = time.perf_counter()
    cpu_before = cpu_seconds()
    results = matching.match_in_parallel(index, claims, jobs=args.jobs)
    match_seconds = time.perf_counter() - started
    match_cpu_seconds = cpu_seconds() - cpu_before

    registry_total = sum(1 for value in expected.values() if value)
    held_out_total = len(expected) - registry_total
    decisions: Counter[str] = Counter()
    auto_correct = wrong_auto = wrong_auto_held_out = 0
    for claim_id, source_id, _score, decision in results:
        decisions[decision] += 1
        if decision != matching.AUTO:
            continue
        if source_id == expected[claim_id]:
            auto_correct += 1
        else:
            wrong_auto += 1
            wrong_auto_held_out += not expected[claim_id]

    online_ms, online_cpu_ms = [], []
    sample = rng.sample(claims, min(args.online, len(claims)))
    for _claim_id, claim in sample:
        started, cpu_started = time.perf_counter(), time.process_time()
        matching.find_candidates(claim, source="bench")
        online_ms.append((time.perf_counter() - started) * 1000)
        online_cpu_ms.append((time.process_time() - cpu_started) * 1000)

    memory = peak_memory_mb()
    figures = {
        "officials": len(seats),
        "municipalities": args.municipalities,
        "claims": len(claims),
        "registry_claims": registry_total,
        "held_out_claims": held_out_total,
        "jobs": args.jobs,
        "generate_seconds": round(generate_seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "import_cpu_seconds": round(import_cpu_seconds, 1),
        "import_bad_rows": run.bad_rows,
        "index_seconds": round(index_seconds, 1),
        "index_cpu_seconds": round(index_cpu_seconds, 1),
        "match_seconds": round(match_seconds, 1),
        "match_cpu_seconds": round(match_cpu_seconds, 1),
        # What the match would take on `jobs` cores of its own: the CPU time shared out.
        "match_seconds_on_idle_cores": round(match_cpu_seconds / args.jobs, 1),
        "claims_per_second": round(len(claims) / match_seconds),
        "registry_claims_auto_correct": round(auto_correct / registry_total, 5),
        "wrong_auto": wrong_auto,
        "wrong_auto_held_out": wrong_auto_held_out,
        "wrong_auto_of_all_claims": round(wrong_auto / len(claims), 5),
        "review_of_all_claims": round(decisions[matching.REVIEW] / len(claims), 5),
        "none_of_all_claims": round(decisions[matching.NONE] / len(claims), 5),
        "held_out_not_auto": round(1 - wrong_auto_held_out / max(1, held_out_total), 5),
        "online_match_ms_median": round(statistics.median(online_ms), 2),
        "online_match_ms_p95": round(statistics.quantiles(online_ms, n=20)[-1], 2),
        "online_match_cpu_ms_median": round(statistics.median(online_cpu_ms), 2),
        "online_match_cpu_ms_p95": round(statistics.quantiles(online_cpu_ms, n=20)[-1], 2),
        "peak_memory_mb": max(memory.values()),
        "peak_memory_by_process_mb": memory,
        "noise_applied": dict(applied),
        "load_average_at_start": load_at_start,
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    checks = {
        "registry_claims_auto_correct": figures["registry_claims_auto_correct"]
        >= FLOORS["registry_claims_auto_correct"],
        "wrong_auto_of_all_claims": figures["wrong_auto_of_all_claims"]
        <= FLOORS["wrong_auto_of_all_claims"],
        "review_of_all_claims": figures["review_of_all_claims"] <= FLOORS["review_of_all_claims"],
        "match_seconds": figures["match_seconds"] <= FLOORS["match_seconds"],
        "online_match_ms_median": figures["online_match_ms_median"]
        < FLOORS["online_match_ms_median"],
        "peak_memory_mb": figures["peak_memory_mb"] <= FLOORS["peak_memory_mb"],
    }
    figures["floors"] = FLOORS
    figures["floors_met"] = checks

    print(f"{'figure':<34} {'value':>14}  floor")
    for key, value in figures.items():
        if isinstance(value, dict):
            continue
        floor = FLOORS.get(key)
        mark = "" if floor is None else f"{floor}  {'ok' if checks[key] else 'MISSED'}"
        print(f"{key:<34} {value!s:>14}  {mark}")
    print("noise applied to claims:", ", ".join(f"{k} {v}" for k, v in applied.most_common()))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(
        json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
