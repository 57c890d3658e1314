"""The demo's registry of invented deputies, and the ways the demo's signers write their names.

`load_demo` builds the deputies' appeal with invented people; this module gives those
people a registry to be matched against: the opening signatories, most of the signers
(some of whom write their name in Latin letters, in another case, with a diminutive or
without a patronymic) and other deputies of the same councils. A few signers are in no
registry at all: provocateurs.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from undersigned.officials.claims import Claims
from undersigned.officials.importer import import_officials
from undersigned.officials.models import ImportRun
from undersigned.officials.names import DIMINUTIVES, morph

SOURCE = "demo-registry"
# How each of the received signers writes their claims, in turn; None: a provocateur,
# in no registry.
SIGNER_VARIANTS = (
    "as_registered", "latin", "as_registered", "genitive", "no_patronymic", "as_registered",
    "diminutive", None, "as_registered", "latin_first_name_first",
)  # fmt: skip
_FULL_TO_SHORT = {
    full: short for short, fulls in DIMINUTIVES.items() for full in fulls if short != full
}


def registered(index: int) -> bool:
    return SIGNER_VARIANTS[index % len(SIGNER_VARIANTS)] is not None


def _inflect(word: str, case: str) -> str:
    for parse in morph().parse(word.lower())[:3]:  # type: ignore[attr-defined]
        tag = str(parse.tag)
        if "Name" in tag or "Surn" in tag or "Patr" in tag:
            form = parse.inflect({case})
            if form is not None:
                return str(form.word).capitalize()
    return word


def _latin(text: str) -> str:
    import iuliia

    return str(iuliia.WIKIPEDIA.translate(text))


def as_signed(claims: Claims, index: int) -> Claims:
    """The claims of received signer number `index`, written the way that signer writes them."""
    variant = SIGNER_VARIANTS[index % len(SIGNER_VARIANTS)]
    surname, first, patronymic = claims.full_name.split()
    full_name, municipality = claims.full_name, claims.municipality
    if variant == "latin":
        full_name, municipality = _latin(f"{surname} {first}"), _latin(municipality)
    elif variant == "latin_first_name_first":
        full_name = _latin(f"{first} {patronymic} {surname}")
    elif variant == "genitive":
        full_name = " ".join(_inflect(word, "gent") for word in (first, surname))
    elif variant == "no_patronymic":
        full_name = f"{first} {surname}"
    elif variant == "diminutive":
        full_name = f"{_FULL_TO_SHORT.get(first, first)} {surname}"
    return Claims(
        full_name=full_name,
        office=claims.office,
        body=claims.body,
        municipality=municipality,
        region=claims.region,
        region_code=claims.region_code,
    )


def load_registry(
    people: Iterable[Claims],
    councils: Iterable[tuple[str, str, str]],
    colleague: Callable[[tuple[str, str, str]], Claims],
    *,
    colleagues_per_council: int = 9,
) -> ImportRun:
    """Import the demo registry: `people`, and invented colleagues on each council."""
    rows = [*people]
    for council in councils:
        rows.extend(colleague(council) for _ in range(colleagues_per_council))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "demo-registry.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["source_id", "full_name", "position", "body", "municipality", "region"]
            )
            for number, claims in enumerate(rows, start=1):
                writer.writerow(
                    [
                        f"demo-{number:04}",
                        claims.full_name,
                        "депутат",
                        claims.body,
                        claims.municipality,
                        claims.region or claims.region_code,
                    ]
                )
        return import_officials(path, SOURCE).run
