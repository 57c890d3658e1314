"""Writing to the audit trail. Called from inside other actions' transactions."""

from typing import Any

from django.db import models

from undersigned.audit.models import AuditEvent


def event(
    action: str,
    obj: models.Model,
    *,
    actor: Any = None,
    actor_kind: str | None = None,
    campaign: Any = None,
    note: str = "",
) -> AuditEvent:
    """An audit event, unsaved."""
    if actor_kind is None:
        actor_kind = AuditEvent.ACTOR_STAFF if actor is not None else AuditEvent.ACTOR_SYSTEM
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_kind=actor_kind,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        campaign=campaign,
        note=note,
    )


def record(action: str, obj: models.Model, **who: Any) -> AuditEvent:
    """Save an audit event; `who` takes `event`'s keywords (actor, actor_kind, campaign, note)."""
    audit_event = event(action, obj, **who)
    audit_event.save()
    return audit_event
