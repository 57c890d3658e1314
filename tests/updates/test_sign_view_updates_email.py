"""The sign form's optional "send me updates by e-mail" field: the address waits, apart from
the signature, for a job on its own schedule, which mails a confirmation link through a real
SMTP server; only following that link subscribes it."""

import re

from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from harness.smtp import SMTPServer
from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature
from undersigned.updates import actions
from undersigned.updates.models import Subscription, SubscriptionRequest


class SignWithUpdatesEmailTest(PersonaTestCase):
    def post(self, **extra: str) -> HttpResponse:
        response = sign_through_form(
            self.client,
            reverse("sign", args=[self.campaign.slug]) + "?lang=en",
            {**SIGN_FORM_OLGA, **extra},
        )
        return response

    def confirmation_link(self, smtp: SMTPServer) -> str:
        body = smtp.received[-1].get_content()
        match = re.search(r"https://p\.example(/updates/confirm/[^/\s]+/)", body)
        assert match, body
        return match.group(1)

    def test_the_field_says_the_address_is_kept_in_clear(self) -> None:
        html = self.client.get(
            reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        ).content.decode()
        assert 'name="updates_email"' in html
        assert "stored in clear" in html

    def test_an_address_waits_apart_and_is_subscribed_only_once_confirmed(self) -> None:
        response = self.post(updates_email="Olga@Example.org")
        assert response.status_code == 302
        assert Signature.objects.count() == 1
        assert not Subscription.objects.exists()  # nothing is sent before confirmation
        actions.write_queued_requests()  # with Redis, requests wait there for the job
        request = SubscriptionRequest.objects.get()
        assert request.email == "olga@example.org" and request.language == "en"
        # Nothing ties the request to the signature: no field, no time, no audit row.
        names = {f.name for f in SubscriptionRequest._meta.get_fields()}
        assert names.isdisjoint({"signature", "receipt_hash", "created_at", "at", "handle"})
        assert not AuditEvent.objects.filter(action__startswith="subscription").exists()
        with (
            SMTPServer() as smtp,
            override_settings(**smtp.settings(), SITE_URL="https://p.example"),
        ):
            assert actions.handle_subscription_requests() == 1
        assert not SubscriptionRequest.objects.exists()
        assert not Subscription.objects.exists()
        mail = smtp.received[0]
        assert mail["To"] == "olga@example.org"
        assert mail["Subject"].startswith("Confirm: updates from")
        link = self.confirmation_link(smtp)
        # Following the link (a mail scanner does too) only asks.
        page = self.client.get(link + "?lang=en")
        assert page.status_code == 200 and "olga@example.org" in page.content.decode()
        assert not Subscription.objects.exists()
        done = self.client.post(link)
        assert done.status_code == 302
        subscription = Subscription.objects.get()
        assert (subscription.email, subscription.language) == ("olga@example.org", "en")
        assert {f.name for f in Subscription._meta.get_fields()}.isdisjoint(
            {"signature", "receipt_hash", "created_at"}
        )
        assert not AuditEvent.objects.filter(action__startswith="subscription").exists()
        assert "olga@example.org" not in " ".join(AuditEvent.objects.values_list("note", flat=True))
        # A second confirmation changes nothing.
        self.client.post(link)
        assert Subscription.objects.count() == 1

    def test_a_forged_or_altered_link_subscribes_nobody(self) -> None:
        self.post(updates_email="olga@example.org")
        with (
            SMTPServer() as smtp,
            override_settings(**smtp.settings(), SITE_URL="https://p.example"),
        ):
            actions.handle_subscription_requests()
        link = self.confirmation_link(smtp)
        altered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
        assert self.client.post(altered).status_code == 404
        assert self.client.post("/updates/confirm/nonsense/").status_code == 404
        assert not Subscription.objects.exists()

    def test_a_temporary_mail_failure_keeps_the_request_for_the_next_run(self) -> None:
        self.post(updates_email="olga@example.org")
        with (
            SMTPServer(answers=["451 try later"]) as smtp,
            override_settings(**smtp.settings(), SITE_URL="https://p.example"),
        ):
            assert actions.handle_subscription_requests() == 0
            assert SubscriptionRequest.objects.get().attempts == 1
            assert actions.handle_subscription_requests() == 1
        assert len(smtp.received) == 1 and not SubscriptionRequest.objects.exists()

    def test_no_address_no_subscription(self) -> None:
        self.post()
        assert Signature.objects.exists()
        actions.write_queued_requests()
        assert not SubscriptionRequest.objects.exists()
        assert not Subscription.objects.exists()

    def test_a_bad_address_is_refused_and_nothing_is_stored(self) -> None:
        response = self.post(updates_email="not an address")
        assert response.status_code == 400
        assert "Enter a valid email address." in response.content.decode()
        assert not Signature.objects.exists()
        actions.write_queued_requests()
        assert not SubscriptionRequest.objects.exists()
