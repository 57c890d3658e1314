from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature
from undersigned.signatures.public import counts_for, regions_for


class LoadDemoCommandTest(TestCase):
    def test_seed_scenario_and_idempotence(self) -> None:
        call_command("load_demo", "--citizen-signatures", "40", stdout=StringIO())
        call_command("load_demo", "--citizen-signatures", "40", stdout=StringIO())
        appeal = Campaign.objects.get(slug="deputies-appeal")
        counts = counts_for(appeal)
        assert counts.verified == 19
        assert counts.checking == 84
        assert appeal.texts.filter(language="ru", is_original=True).exists()
        assert appeal.texts.filter(language="en", is_original=False).exists()
        regions = {row.code for row in regions_for(appeal, "en")}
        assert {"RU-SPE", "RU-MOW", "RU-IRK", "RU-PRI"} <= regions
        opening = Signature.objects.filter(campaign=appeal, channel=Signature.ORGANIZER)
        assert opening.count() == 19
        assert set(opening.values_list("state", flat=True)) == {Signature.VERIFIED}
        assert Campaign.objects.get(slug="district-letter").state == Campaign.OPEN
        citizens = Campaign.objects.get(slug="citizens-parks")
        assert citizens.state == Campaign.CLOSED
        assert counts_for(citizens).verified == 40
        assert Campaign.objects.count() == 3
