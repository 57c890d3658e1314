"""What the API returns and accepts. Public schemas carry only what the public pages show."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema


class Error(Schema):
    detail: str | list[dict[str, object]]


class TextOut(Schema):
    language: str
    is_original: bool
    title: str
    body: str
    addressee: str


class CampaignSummary(Schema):
    slug: str
    kind: str
    state: str
    title: str
    language: str
    opened_at: datetime | None
    closed_at: datetime | None
    verified: int
    url: str


class CountsOut(Schema):
    verified: int
    checking: int = Field(description="received or matched, not yet decided")
    withdrawn: int
    rejected: int
    received: int = Field(description="every signature counted at some point")
    counted_at: datetime | None


class CampaignDetail(Schema):
    slug: str
    kind: str
    state: str
    addressee: str
    eligibility: str
    requires_verification: bool
    four_eyes: bool
    reveal_thresholds: list[int]
    publish_region_counts: bool
    names_hidden: bool
    original_language: str
    opened_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    texts: list[TextOut]
    counts: CountsOut


class RegionOut(Schema):
    code: str
    name: str
    verified: int
    checking: int


class DayOut(Schema):
    day: date
    arrived: int = Field(description="signatures received up to this day")
    verified: int = Field(description="standing verified signatures up to this day")


class SignatoryOut(Schema):
    full_name: str
    office: str
    body: str
    municipality: str
    region_code: str
    verified_on: date | None


class SignatoryPage(Schema):
    per_page: int
    next_cursor: str | None = Field(
        description="pass as `after` for the next page; null on the last"
    )
    items: list[SignatoryOut]


class UpdateTextOut(Schema):
    language: str
    is_original: bool
    title: str
    body: str


class UpdateOut(Schema):
    id: int
    published_at: datetime
    texts: list[UpdateTextOut]


class CheckpointOut(Schema):
    origin: str
    size: int = Field(description="entries in the log the checkpoint covers")
    root: str = Field(description="Merkle tree root hash, base64")
    note: str = Field(description="the signed note (c2sp.org/tlog-checkpoint), with cosignatures")
    created_at: datetime
    verifier_key: str = Field(description="the log's key, to check the note's signature")


class QueueItem(Schema):
    id: int
    state: str
    full_name: str
    office: str
    body: str
    municipality: str
    region: str
    region_code: str
    channel: str
    publication: str
    created_at: datetime
    official_id: int | None
    match_score: float | None
    held: bool


class QueuePage(Schema):
    page: int
    per_page: int
    pages: int
    total: int
    items: list[QueueItem]


class SignatureIn(Schema):
    """The signing form's fields: checked by the same form, with the same rules."""

    full_name: str = Field(max_length=1000)
    office: str = Field("", max_length=1000)
    body: str = Field("", max_length=1000)
    municipality: str = Field("", max_length=1000)
    region: str = Field(max_length=16, description="ISO 3166-2:RU code, e.g. RU-SPE")
    publication: Literal["named", "anonymous", "conditional"] = "named"
    reveal_threshold: int | None = Field(None, ge=1, le=10**9)
    contact_kind: str = Field("", max_length=16, description="phone, email or telegram")
    contact: str = Field("", max_length=1000, description="encrypted on arrival to verifiers")


class SignedOut(Schema):
    receipt_url: str = Field(description="the signer's private receipt: keep it secret")


class DecisionIn(Schema):
    decision: Literal["match", "unmatch", "verify", "reject", "reopen"]
    official_id: int | None = Field(None, ge=1, le=2**62)
    method: str = Field("", max_length=32, description="how the identity was confirmed (verify)")
    link: str = Field("", max_length=500, description="the public statement (verify by statement)")
    reason: str = Field("", max_length=32, description="why it is rejected (reject)")
    note: str = Field("", max_length=1000)


class DecisionOut(Schema):
    id: int
    state: str
    verified: bool = Field(description="whether the signature is verified now")
