"""Issuing and using enrolment codes (see undersigned/desk/models.py)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.desk.models import EnrolmentCode, code_hash, new_code


def issue_enrolment_code(user: Any, *, actor: Any = None) -> str:
    """A new code for `user` (any earlier one stops working); returned once, never stored."""
    code = new_code()
    with transaction.atomic():
        EnrolmentCode.objects.update_or_create(
            user=user,
            defaults={
                "code_hash": code_hash(code),
                "expires_at": timezone.now() + EnrolmentCode.lifetime(),
            },
        )
        record("staff.enrolment_code_issued", user, actor=actor)
    return code


def enrolment_code_matches(user: Any, code: str) -> bool:
    issued = EnrolmentCode.objects.filter(user=user).first()
    return issued is not None and issued.matches(code)


def use_enrolment_code(user: Any) -> None:
    """The authenticator is confirmed: the code cannot enrol another one."""
    EnrolmentCode.objects.filter(user=user).delete()
