"""The shared base case: personas built in code, and helpers the tests share.

- Olga Semyonova, a municipal deputy who signs (in the registry; a signer, not a user)
- Vera, a verifier of the campaign
- Oleg, the organizer
- Svetlana, the spokesperson
- Otto, an outsider with an account and no rights
"""

import html
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase

from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.jobs.counts import run_count_job
from undersigned.officials.models import Official
from undersigned.signatures import actions
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature

OLGA = Claims(
    full_name="Семёнова Ольга Петровна",
    office="депутат",
    body="Муниципальный совет МО Семёновский",
    municipality="МО Семёновский",
    region="Санкт-Петербург",
    region_code="RU-SPE",
)

SIGN_FORM_OLGA = {
    "full_name": OLGA.full_name,
    "office": OLGA.office,
    "body": OLGA.body,
    "municipality": OLGA.municipality,
    "region": OLGA.region_code,
    "publication": Signature.NAMED,
}


_ANSWERS = re.compile(r'name="answers" value="([^"]*)"')


def answers_on(check_page: Any) -> str:
    """The signed answers a "check your answers" page carries, as a browser reads them."""
    found = _ANSWERS.search(check_page.content.decode())
    return html.unescape(found.group(1)) if found else ""


def sign_through_form(client: Any, url: str, data: dict[str, Any], **extra: Any) -> Any:
    """Post the sign form, then confirm on the "check your answers" page as a browser
    would; the form's own answer when there is no check page (errors, 429, 410)."""
    response = client.post(url, data, **extra)
    answers = answers_on(response) if response.status_code == 200 else ""
    if not answers:
        return response
    confirm = {"answers": answers, "confirm": "1"}
    for carried in ("via", "csrfmiddlewaretoken", "issued"):
        if data.get(carried):
            confirm[carried] = data[carried]
    return client.post(url, confirm, **extra)


def form_fields(claims: Claims, publication: str, **extra: Any) -> dict[str, Any]:
    """The claims as the sign form and the API take them, with the signer's choice."""
    return {
        "full_name": claims.full_name,
        "office": claims.office,
        "body": claims.body,
        "municipality": claims.municipality,
        "region": claims.region_code,
        "publication": publication,
        **extra,
    }


def make_claims(n: int, region_code: str = "RU-MOW") -> Claims:
    return Claims(
        full_name=f"Депутатов{n} Иван Иванович",
        office="депутат",
        body=f"Совет депутатов округа {n}",
        municipality=f"Округ {n}",
        region="",
        region_code=region_code,
    )


class Personas:
    """The personas and their campaign, for any kind of test case."""

    campaign: Campaign
    official: Official

    @classmethod
    def create_personas(cls) -> None:
        User = get_user_model()
        cls.organizer = User.objects.create_user("oleg", password="organizer-pass")
        cls.verifier = User.objects.create_user("vera", password="verifier-pass")
        cls.spokesperson = User.objects.create_user("svetlana", password="spokes-pass")
        cls.outsider = User.objects.create_user("otto", password="outsider-pass")
        cls.official = Official.objects.create(
            source="spb-2019",
            source_id="spb-001",
            full_name=OLGA.full_name,
            position="депутат",
            body=OLGA.body,
            municipality=OLGA.municipality,
            region_code="RU-SPE",
            region_name="Санкт-Петербург",
        )
        cls.campaign = cls.make_campaign("deputies", reveal_thresholds=[2, 3])

    @classmethod
    def make_campaign(cls, slug: str, *, open_it: bool = True, **fields: Any) -> Campaign:
        fields.setdefault("eligibility", Campaign.ELIGIBLE_OFFICIALS)
        fields.setdefault("requires_verification", True)
        campaign = campaign_actions.create_campaign(
            organizer=cls.organizer,
            slug=slug,
            texts=[
                {"language": "ru", "title": "Обращение депутатов", "body": "Мы требуем."},
                {"language": "en", "title": "Deputies' appeal", "body": "We demand."},
            ],
            **fields,
        )
        for user, role in (
            (cls.verifier, StaffRole.VERIFIER),
            (cls.spokesperson, StaffRole.SPOKESPERSON),
        ):
            campaign_actions.grant_role(campaign, user, role, actor=cls.organizer)
        if open_it:
            campaign = campaign_actions.open_campaign(campaign, actor=cls.organizer)
        return campaign

    # Helpers
    def sign(
        self, claims: Claims = OLGA, campaign: Campaign | None = None, **kwargs: Any
    ) -> tuple[Signature, str]:
        return actions.sign(campaign or self.campaign, claims, **kwargs)

    def sign_verified(
        self, claims: Claims, campaign: Campaign | None = None, **kwargs: Any
    ) -> Signature:
        signature, _ = self.sign(claims, campaign, **kwargs)
        return actions.verify_signature(signature, actor=self.verifier, note="test")

    def refresh_counts(self) -> None:
        """Run the count job once, with what follows it."""
        run_count_job()


class PersonaTestCase(Personas, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.create_personas()


class MigrationTestCase(Personas, TransactionTestCase):
    """A migration run on older data: `migrate` to a target, and back to the latest
    schema after the test, whatever happened, for the tests that follow."""

    def setUp(self) -> None:
        super().setUp()
        self.addCleanup(self.migrate_to_latest)

    def migrate(self, targets: list[tuple[str, str]]) -> MigrationExecutor:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return MigrationExecutor(connection)

    def migrate_to_latest(self) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
