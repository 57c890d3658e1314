"""The append-only audit trail: every action, who did it, on what, when."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    # Who acted when no staff account did.
    ACTOR_SIGNER = "signer"
    ACTOR_SYSTEM = "system"
    ACTOR_STAFF = "staff"

    # When it happened; a sealed signer's events keep only the day (signatures.sealing),
    # so the time is a default the signing path can set, not taken again on insert.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Indexed only where set: a signer's or the system's events, most of them, have none.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, db_index=False
    )
    actor_kind = models.CharField(max_length=16, default=ACTOR_STAFF)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="audit_event_actor"
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_kind} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are never deleted")
