"""Where a campaign's downloads live on disk: the export job (undersigned.web.exports) writes
them there; a campaign action that must take names out of every copy at once withdraws
the name lists there, in the same step, without waiting for the next export run."""

from pathlib import Path

from django.conf import settings

# The dataset that holds names: the other downloads are counts.
NAMES_DATASET = "signatories"


def export_dir(slug: str) -> Path:
    return Path(settings.EXPORT_ROOT) / slug


def export_path(slug: str, dataset: str, language: str, fmt: str) -> Path:
    return export_dir(slug) / f"{dataset}.{language}.{fmt}"


def withdraw_name_lists(slug: str) -> int:
    """Remove every file of the campaign's list of names, in every language and format; the
    next export run writes them again from what the public may see. The files removed."""
    folder = export_dir(slug)
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.glob(f"{NAMES_DATASET}.*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
