"""The sign form's optional "send me updates by e-mail" field."""

from django.http import HttpResponse
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature
from undersigned.updates.models import Subscription


class SignWithUpdatesEmailTest(PersonaTestCase):
    def post(self, **extra: str) -> HttpResponse:
        response = sign_through_form(
            self.client,
            reverse("sign", args=[self.campaign.slug]) + "?lang=en",
            {**SIGN_FORM_OLGA, **extra},
        )
        return response

    def test_the_field_says_the_address_is_kept_in_clear(self) -> None:
        html = self.client.get(
            reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        ).content.decode()
        assert 'name="updates_email"' in html
        assert "stored in clear" in html

    def test_an_address_given_subscribes_it_apart_from_the_signature(self) -> None:
        response = self.post(updates_email="Olga@Example.org")
        assert response.status_code == 302
        subscription = Subscription.objects.get()
        assert subscription.email == "olga@example.org"
        assert subscription.channel == Subscription.EMAIL
        assert subscription.language == "en"
        assert Signature.objects.count() == 1
        # Nothing ties the two: no field of one names the other, nor does the audit trail.
        assert {f.name for f in Subscription._meta.get_fields()}.isdisjoint(
            {"signature", "receipt_hash"}
        )
        notes = AuditEvent.objects.filter(action="subscription.created").values_list(
            "note", flat=True
        )
        assert list(notes) == ["email"]
        assert "olga@example.org" not in " ".join(AuditEvent.objects.values_list("note", flat=True))

    def test_no_address_no_subscription(self) -> None:
        self.post()
        assert Signature.objects.exists()
        assert not Subscription.objects.exists()

    def test_a_bad_address_is_refused_and_nothing_is_stored(self) -> None:
        response = self.post(updates_email="not an address")
        assert response.status_code == 400
        assert "Enter a valid email address." in response.content.decode()
        assert not Signature.objects.exists()
        assert not Subscription.objects.exists()
