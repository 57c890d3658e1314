from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from undersigned.campaigns.models import Campaign
from undersigned.officials.demo import SIGNER_VARIANTS, SOURCE, registered
from undersigned.officials.models import Official
from undersigned.signatures.models import Signature


class DemoRegistryTest(TestCase):
    def test_the_demo_signers_are_matched_where_they_can_be(self) -> None:
        out = StringIO()
        call_command("load_demo", "--citizen-signatures", "10", stdout=out)
        appeal = Campaign.objects.get(slug="deputies-appeal")
        received = Signature.objects.filter(campaign=appeal).exclude(channel=Signature.ORGANIZER)
        assert received.count() == 84
        provocateurs = [index for index in range(84) if not registered(index)]
        assert 8 <= len(provocateurs) <= 10
        matched = received.filter(state=Signature.MATCHED)
        # Every registered signer is matched, whichever way they wrote their name.
        assert matched.count() == 84 - len(provocateurs), out.getvalue()
        assert set(matched.values_list("official__source", flat=True)) == {SOURCE}
        for signature in matched.select_related("official"):
            assert (
                signature.official.municipality == signature.municipality
                or signature.full_name.isascii()
            )
        # Signers wrote in Latin letters, in the genitive, with diminutives.
        names = list(received.values_list("full_name", flat=True))
        assert any(name.isascii() for name in names)
        assert f"{len(matched)} matched to the registry" in out.getvalue()
        # The opening signatories are in the registry too; colleagues fill the councils.
        assert Official.objects.filter(source=SOURCE).count() > 19 + 75
        assert len(set(SIGNER_VARIANTS)) >= 6
        # Loading again changes nothing.
        officials = Official.objects.count()
        call_command("load_demo", "--citizen-signatures", "10", stdout=StringIO())
        assert Official.objects.count() == officials
        assert received.filter(state=Signature.MATCHED).count() == 84 - len(provocateurs)
