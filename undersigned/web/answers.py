"""A signer's answers between the "check your answers" page and the confirmation.

With scripts on, the signing page shows the same check itself (web/static/web/sign.js)
and posts the form once, marked `CHECKED_IN_PAGE`; what follows is the path without them.

The check page carries what was typed back to the browser signed (not stored on the
server: nothing of a signer is kept before they confirm), bound to its campaign and
valid for an hour. The confirmation signs exactly those answers: a hidden field changed
in between fails the signature and publishes nothing. A replayed confirmation is one
more submission, counted by the rate limits like any other.
"""

from dataclasses import dataclass
from typing import Any

from django.core import signing

SALT = "undersigned.web.answers"
# Set by the signing page's script once it has shown the answers in the page and the
# signer confirmed them there: the form's fields are then the confirmed answers.
CHECKED_IN_PAGE = "checked_in_page"
MAX_AGE_SECONDS = 60 * 60
# The challenge is answered once, on the form; its fields are not carried on.
NOT_CARRIED = frozenset({"captcha", "question"})


class BadAnswers(Exception):
    """The carried answers were changed, belong to another campaign, or are too old."""


@dataclass(frozen=True)
class Answers:
    data: dict[str, str]
    challenged: bool  # the form they came from carried a solved captcha


def carried(data: Any, fields: Any) -> dict[str, str]:
    """The answers in posted `data` to fill a form with again: its fields' values, without
    the challenge (answered once, on the form that showed it)."""
    return {name: str(data[name]) for name in fields if name not in NOT_CARRIED and name in data}


def seal(form: Any, slug: str, *, challenged: bool | None = None) -> str:
    """`form`'s answers, signed; `challenged` when they come from an earlier form that
    carried the solved captcha (the form's own challenge otherwise)."""
    data = {
        name: str(form.data.get(name, ""))
        for name in form.fields
        if name not in NOT_CARRIED and form.data.get(name) is not None
    }
    return signing.dumps(
        {
            "campaign": slug,
            "data": data,
            "challenged": bool(form.challenge if challenged is None else challenged),
        },
        salt=SALT,
        compress=True,
    )


def unseal(value: str, slug: str) -> Answers:
    try:
        payload = signing.loads(value, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature as error:  # SignatureExpired is one too
        raise BadAnswers from error
    if not isinstance(payload, dict) or payload.get("campaign") != slug:
        raise BadAnswers
    data = payload.get("data")
    if not isinstance(data, dict):
        raise BadAnswers
    return Answers({str(k): str(v) for k, v in data.items()}, bool(payload.get("challenged")))
