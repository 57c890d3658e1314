"""A reveal threshold reached: an automatic update, once, when signers were named at it."""

from unittest import mock

from django.test import override_settings

from harness.smtp import SMTPServer
from tests.base import PersonaTestCase, make_claims
from undersigned.signatures import sealing
from undersigned.signatures.actions import reject_signature
from undersigned.signatures.models import Signature
from undersigned.updates.actions import subscribe_email
from undersigned.updates.models import ThresholdNotice, Update


class ThresholdNoticeTest(PersonaTestCase):
    def waiting_in_clear(self, n: int, threshold: int) -> Signature:
        """A conditional signer verified below the threshold and still in clear, for the
        count job to name. The transitions seal such a signer as it is verified (and a
        verifier's reveal file names it later); the announcement is checked here on the
        count job's own reveal, so sealing is held off for this one signer."""
        with mock.patch.object(sealing, "should_seal", return_value=False):
            return self.sign_verified(
                make_claims(n), publication=Signature.CONDITIONAL, reveal_threshold=threshold
            )

    def test_revealed_signers_are_announced_to_subscribers(self) -> None:
        subscribe_email(self.campaign, "reader@example.org", "en")
        self.sign_verified(make_claims(1))
        self.waiting_in_clear(2, 2)
        with (
            SMTPServer() as smtp,
            override_settings(**smtp.settings()),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.refresh_counts()
        update = Update.objects.get()
        assert update.author is None
        assert update.text_for("ru").is_original
        assert update.text_for("en").title == "2 verified signatories"
        assert "Signers who asked to be named once 2 had signed are now named." in (
            update.text_for("en").body
        )
        assert [mail["Subject"] for mail in smtp.received] == ["2 verified signatories"]
        assert list(ThresholdNotice.objects.values_list("threshold", flat=True)) == [2]

    def test_no_update_when_nobody_waited_for_that_threshold(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign_verified(make_claims(2))
        self.refresh_counts()
        assert not Update.objects.exists()
        assert ThresholdNotice.objects.filter(threshold=2).exists()

    def test_announced_once_even_if_the_count_falls_and_rises(self) -> None:
        self.waiting_in_clear(1, 2)
        second = self.sign_verified(make_claims(2))
        self.refresh_counts()
        assert Update.objects.count() == 1
        reject_signature(second, Signature.REJECT_OTHER, actor=self.verifier)
        self.refresh_counts()
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        assert Update.objects.count() == 1
