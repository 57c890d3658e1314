from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.signatures.models import Signature
from undersigned.verification import actions
from undersigned.verification.models import ConfirmationCode, Decision


class ConfirmViewTest(DeskTestCase):
    def test_confirm_page_works_without_javascript(self) -> None:
        response = self.client.get(reverse("confirm") + "?lang=en")
        page = response.content.decode()
        assert response.status_code == 200
        assert "<script" not in page and "style=" not in page
        assert 'name="csrfmiddlewaretoken"' in page

    def test_a_correct_code_verifies_and_redirects(self) -> None:
        signature, _ = self.sign(make_claims(1))
        _, code = actions.issue_code(signature, actor=self.verifier)
        response = self.client.post(reverse("confirm"), {"code": code})
        assert response.status_code == 302
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED
        done = self.client.get(response["Location"] + "&lang=en").content.decode()
        assert "your confirmation code is accepted" in done

    def test_wrong_code_shows_a_clear_error_and_changes_nothing(self) -> None:
        signature, _ = self.sign(make_claims(1))
        actions.issue_code(signature, actor=self.verifier)
        response = self.client.post(reverse("confirm") + "?lang=en", {"code": "AAAA-BBBB-CCCC"})
        assert response.status_code == 400
        assert "This code is not right" in response.content.decode()
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        assert not Decision.objects.exists()

    def test_expired_code(self) -> None:
        signature, _ = self.sign(make_claims(1))
        issued, code = actions.issue_code(signature, actor=self.verifier)
        ConfirmationCode.objects.filter(pk=issued.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        response = self.client.post(reverse("confirm") + "?lang=en", {"code": code})
        assert response.status_code == 400
        assert "expired or was already used" in response.content.decode()
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    @override_settings(CONFIRMATION_CODE_CLIENT_ATTEMPTS=3)
    def test_a_client_is_rate_limited_even_with_the_right_code(self) -> None:
        signature, _ = self.sign(make_claims(1))
        _, code = actions.issue_code(signature, actor=self.verifier)
        for _ in range(3):
            assert (
                self.client.post(reverse("confirm"), {"code": "AAAA-BBBB-CCCC"}).status_code == 400
            )
        response = self.client.post(reverse("confirm") + "?lang=en", {"code": code})
        assert response.status_code == 429
        assert "Too many attempts, try again in 60 minutes." in response.content.decode()
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_empty_code(self) -> None:
        response = self.client.post(reverse("confirm") + "?lang=en", {"code": ""})
        assert response.status_code == 400
        assert "Enter the code you received" in response.content.decode()


class ReceiptConfirmTest(DeskTestCase):
    def test_receipt_shows_the_form_only_while_a_code_is_pending(self) -> None:
        signature, token = self.sign(make_claims(1))
        page = self.client.get(reverse("receipt", args=[token]) + "?lang=en").content.decode()
        assert "Confirm with a code" not in page
        actions.issue_code(signature, actor=self.verifier)
        page = self.client.get(reverse("receipt", args=[token]) + "?lang=en").content.decode()
        assert "Confirm with a code" in page
        assert reverse("confirm_on_receipt", args=[token]) in page

    def test_code_on_the_receipt_verifies(self) -> None:
        signature, token = self.sign(make_claims(1))
        _, code = actions.issue_code(signature, actor=self.verifier)
        response = self.client.post(reverse("confirm_on_receipt", args=[token]), {"code": code})
        assert response.status_code == 302
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED
        page = self.client.get(response["Location"] + "&lang=en").content.decode()
        assert "your confirmation code is accepted" in page
        assert "Verified: counted as signed" in page

    def test_wrong_code_on_the_receipt_counts_against_the_signature(self) -> None:
        signature, token = self.sign(make_claims(1))
        issued, _ = actions.issue_code(signature, actor=self.verifier)
        response = self.client.post(
            reverse("confirm_on_receipt", args=[token]) + "?lang=en", {"code": "AAAA-BBBB-CCCC"}
        )
        assert response.status_code == 400
        assert "This code is not right" in response.content.decode()
        issued.refresh_from_db()
        assert issued.failed_attempts == 1
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_unknown_receipt_is_not_found(self) -> None:
        assert (
            self.client.post(
                reverse("confirm_on_receipt", args=["nope"]), {"code": "x"}
            ).status_code
            == 404
        )

    def test_a_wrong_code_follows_the_error_pattern(self) -> None:
        signature, token = self.sign(make_claims(1))
        actions.issue_code(signature, actor=self.verifier)
        for url in (reverse("confirm"), reverse("confirm_on_receipt", args=[token])):
            response = self.client.post(url + "?lang=en", {"code": "AAAA-BBBB-CCCC"})
            html = response.content.decode()
            assert response.status_code == 400
            assert "<title>Error: Confirm your signature</title>" in html
            assert 'class="error-summary"' in html and 'href="#id_code"' in html
            assert (
                'aria-invalid="true"' in html
                and 'aria-describedby="id_code_helptext id_code_error"' in html
            )
            assert "novalidate" in html
        page = self.client.get(reverse("receipt", args=[token]) + "?lang=en").content.decode()
        assert f'action="{reverse("confirm_on_receipt", args=[token])}" novalidate>' in page
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_a_language_switch_keeps_the_code_typed_and_does_not_try_it(self) -> None:
        signature, token = self.sign(make_claims(1))
        issued, code = actions.issue_code(signature, actor=self.verifier)
        for url in (reverse("confirm"), reverse("confirm_on_receipt", args=[token])):
            wrong = self.client.post(url + "?lang=ru", {"code": "AAAA-BBBB-CCCC"})
            page = wrong.content.decode()
            # The error page's language choices post the form, not a link that drops it.
            assert f'formaction="{url}?lang=en"' in page and 'name="switch_language"' in page
            assert 'form="code-form"' in page and 'id="code-form"' in page
            switched = self.client.post(url + "?lang=en", {"code": code, "switch_language": "en"})
            html = switched.content.decode()
            assert switched.status_code == 200
            assert '<html lang="en"' in html and f'value="{code}"' in html
            assert "<title>Confirm your signature</title>" in html  # no error: not tried
            signature.refresh_from_db()
            assert signature.state == Signature.RECEIVED
        issued.refresh_from_db()
        assert issued.failed_attempts == 1 and issued.used_at is None
        # Sent as it stands, the code kept confirms.
        response = self.client.post(reverse("confirm_on_receipt", args=[token]), {"code": code})
        assert response.status_code == 302
