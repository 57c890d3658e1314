"""The registry of officials that signatures are matched against, and its imports."""

from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """One import of a registry file: what it changed, without any personal data."""

    source = models.CharField(max_length=64, db_index=True)
    file_name = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.source}"

    def summary(self) -> str:
        return (
            f"source {self.source}: {self.rows} rows, {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{self.retired} no longer in office, {self.bad_rows} bad rows"
        )


class Official(models.Model):
    """One sitting (or former) official, as a registry source lists them."""

    source = models.CharField(max_length=64)
    source_id = models.CharField(max_length=128)
    full_name = models.CharField(max_length=300)
    position = models.CharField(max_length=300, blank=True)
    body = models.CharField(max_length=300, blank=True)
    municipality = models.CharField(max_length=300, blank=True)
    region_code = models.CharField(max_length=16, blank=True, db_index=True)
    # The region as the source wrote it.
    region_name = models.CharField(max_length=200, blank=True)
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    in_office = models.BooleanField(default=True)
    imported_at = models.DateTimeField(auto_now=True)
    # The last import that listed this official; those a newer import of the source
    # no longer lists are out of office.
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, related_name="officials", on_delete=models.SET_NULL
    )

    # The fields an import compares to tell an updated official from an unchanged one.
    IMPORTED_FIELDS = (
        "full_name",
        "position",
        "body",
        "municipality",
        "region_code",
        "region_name",
        "term_start",
        "term_end",
        "contact",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="official_unique_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.body})"
