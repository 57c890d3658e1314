"""The registry of officials that signatures are matched against."""

from django.db import models


class Official(models.Model):
    """One sitting (or former) official, as a registry source lists them."""

    source = models.CharField(max_length=64)
    source_id = models.CharField(max_length=128)
    full_name = models.CharField(max_length=300)
    position = models.CharField(max_length=300, blank=True)
    body = models.CharField(max_length=300, blank=True)
    municipality = models.CharField(max_length=300, blank=True)
    region_code = models.CharField(max_length=16, blank=True, db_index=True)
    region_name = models.CharField(max_length=200, blank=True)
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    contact = models.CharField(max_length=300, blank=True)
    in_office = models.BooleanField(default=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="official_unique_source_id")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.body})"
