"""Where each part of a campaign's log lives, relative to the site's root: the same paths
on the running site and in a static mirror. No Django here (the verifier imports it)."""

ENTRIES_PER_PAGE = 1000
CAMPAIGNS = "log/campaigns.json"


def campaign_dir(slug: str) -> str:
    return f"c/{slug}/"


def checkpoint(slug: str) -> str:
    return f"c/{slug}/log/checkpoint"


def verifier_key(slug: str) -> str:
    return f"c/{slug}/log/key"


def counts(slug: str) -> str:
    return f"c/{slug}/log/counts.json"


def entries_page(slug: str, page: int) -> str:
    return f"c/{slug}/log/entries/{page}.json"


def pages_for(size: int) -> int:
    return -(-size // ENTRIES_PER_PAGE)


def checkpoint_at(slug: str, size: int) -> str:
    """The signed note of the checkpoint of that size, kept for good."""
    return f"c/{slug}/log/checkpoints/{size}"


def cite_page(slug: str, size: int) -> str:
    """The citable page of the checkpoint of that size, kept for good."""
    return f"c/{slug}/cite/{size}/"


def cite_json(slug: str, size: int) -> str:
    return f"c/{slug}/cite/{size}.json"
