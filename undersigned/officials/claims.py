"""What a signer says about themselves: the claims a signature records and the registry
is matched against."""

from dataclasses import dataclass

from undersigned.core.canonical import claims_key


@dataclass(frozen=True)
class Claims:
    """Who the signer says they are."""

    full_name: str
    office: str = ""
    body: str = ""
    municipality: str = ""
    region: str = ""
    region_code: str = ""

    def key(self) -> str:
        return claims_key(
            self.full_name, self.body, self.municipality, self.region_code or self.region
        )
