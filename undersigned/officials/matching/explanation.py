"""The short phrases a verifier reads beside a candidate: which parts agreed, and how."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from undersigned.officials.matching.scoring import Scored
from undersigned.officials.matching.tuning import AGREEMENT

# What each outcome of comparing a name part is called, per part.
PART_PHRASES = {
    "agrees": (
        gettext_lazy("surname agrees"),
        gettext_lazy("first name agrees"),
        gettext_lazy("patronymic agrees"),
    ),
    "case": (
        gettext_lazy("surname agrees (another grammatical case)"),
        gettext_lazy("first name agrees (another grammatical case)"),
        gettext_lazy("patronymic agrees (another grammatical case)"),
    ),
    "nearly": (
        gettext_lazy("surname nearly agrees (%(percent)s%%)"),
        gettext_lazy("first name nearly agrees (%(percent)s%%)"),
        gettext_lazy("patronymic nearly agrees (%(percent)s%%)"),
    ),
    "differs": (
        gettext_lazy("surname differs"),
        gettext_lazy("first name differs"),
        gettext_lazy("patronymic differs"),
    ),
    "missing": (
        gettext_lazy("surname missing"),
        gettext_lazy("first name missing"),
        gettext_lazy("patronymic missing"),
    ),
    "initial": (
        gettext_lazy("surname initial agrees"),
        gettext_lazy("first name initial agrees"),
        gettext_lazy("patronymic initial agrees"),
    ),
    "gender": (
        gettext_lazy("surname of the other gender"),
        gettext_lazy("first name of the other gender"),
        gettext_lazy("patronymic of the other gender"),
    ),
}


def explain(scored: Scored) -> list[str]:
    """Short phrases saying which parts agreed."""
    phrases = []
    for role, found in enumerate(scored.parts):
        if found is None:
            if scored.official.parts[role]:
                phrases.append(str(PART_PHRASES["missing"][role]))
            continue
        if found.how == "diminutive":
            phrases.append(_("first name agrees (diminutive %(forms)s)") % {"forms": found.shown})
        elif found.how == "initial" and found.similarity > 0:
            phrases.append(str(PART_PHRASES["initial"][role]))
        elif found.how == "gender":
            phrases.append(str(PART_PHRASES["gender"][role]))
        elif found.similarity >= 0.999:
            phrases.append(str(PART_PHRASES["case" if found.how == "case" else "agrees"][role]))
        elif found.similarity >= AGREEMENT[role]:
            percent = math.floor(found.similarity * 100)
            phrases.append(str(PART_PHRASES["nearly"][role]) % {"percent": percent})
        else:
            phrases.append(str(PART_PHRASES["differs"][role]))
    if not scored.order_usual:
        phrases.append(_("name parts in an unusual order"))
    if scored.place is None:
        phrases.append(_("body not compared"))
    elif scored.place >= 0.999:
        phrases.append(_("body agrees"))
    elif scored.place > 0:
        phrases.append(_("body partly agrees"))
    else:
        phrases.append(_("body differs"))
    if scored.region is None:
        phrases.append(_("region not given"))
    elif scored.region:
        phrases.append(_("region agrees"))
    else:
        phrases.append(_("region differs"))
    return phrases
