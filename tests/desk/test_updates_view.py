"""The spokesperson's desk page for updates, and the page linking a staff member's Telegram chat."""

from django.test import override_settings
from django.urls import reverse

from harness.smtp import SMTPServer, free_port
from tests.desk.base import DeskTestCase
from undersigned.bot.models import StaffLinkCode
from undersigned.updates.actions import publish_update, subscribe_email
from undersigned.updates.models import Delivery, Update

FORM = {
    "title_ru": "Обращение передано",
    "body_ru": "Мы передали обращение адресату.",
    "title_en": "The appeal was delivered",
    "body_en": "We delivered the appeal.",
}


class DeskUpdatesViewTest(DeskTestCase):
    def url(self) -> str:
        return reverse("desk:updates", args=[self.campaign.slug])

    def test_spokesperson_publishes_in_two_languages(self) -> None:
        client = self.desk_client(self.spokesperson)
        page = client.get(self.url())
        assert page.status_code == 200
        assert 'name="title_en"' in page.content.decode()
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(self.url(), FORM)
        assert response.status_code == 302
        update = Update.objects.get()
        assert update.author == self.spokesperson
        assert update.text_for("ru").is_original
        assert update.text_for("en").title == "The appeal was delivered"
        assert "The appeal was delivered" in client.get(self.url() + "?lang=en").content.decode()

    def test_original_language_is_required_translation_optional(self) -> None:
        client = self.desk_client(self.spokesperson)
        response = client.post(self.url(), {"title_en": "Only English", "body_en": "Text."})
        assert response.status_code == 400
        assert not Update.objects.exists()
        response = client.post(self.url(), {"title_ru": "Только заголовок", "body_ru": ""})
        assert response.status_code == 400
        assert not Update.objects.exists()
        response = client.post(self.url(), {"title_ru": "Только по-русски", "body_ru": "Текст."})
        assert response.status_code == 302
        assert [t.language for t in Update.objects.get().texts.all()] == ["ru"]

    def test_verifier_and_outsider_may_not_publish(self) -> None:
        for user in (self.outsider, self.verifier):
            client = self.desk_client(user)
            assert client.get(self.url()).status_code == 403
            assert client.post(self.url(), FORM).status_code == 403
        assert not Update.objects.exists()

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.post(self.url(), FORM)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("desk:login"))
        assert not Update.objects.exists()

    def test_unknown_campaign(self) -> None:
        client = self.desk_client(self.spokesperson)
        assert client.get(reverse("desk:updates", args=["nothing"])).status_code == 404


class DeskTelegramViewTest(DeskTestCase):
    def test_a_staff_member_gets_a_one_time_code(self) -> None:
        client = self.desk_client(self.verifier)
        page = client.get(reverse("desk:telegram"))
        assert page.status_code == 200
        assert not StaffLinkCode.objects.exists()  # a GET creates nothing
        page = client.post(reverse("desk:telegram")).content.decode()
        link = StaffLinkCode.objects.get()
        assert link.user == self.verifier
        code = page.split("/staff ")[1].split("<")[0]
        assert len(code) == 16
        assert link.code_hash != code

    def test_signed_out_visitors_get_no_code(self) -> None:
        response = self.client.post(reverse("desk:telegram"))
        assert response.status_code == 302
        assert not StaffLinkCode.objects.exists()


TEXTS = [{"language": "ru", "title": "Мы передали обращение", "body": "Обращение передано."}]


class DeliveryStatusTest(DeskTestCase):
    """The spokesperson sees what became of each update: sent, failed, waiting, by channel;
    and whether e-mail can leave this server at all."""

    def test_sent_failed_and_waiting_by_channel(self) -> None:
        for address in ("a@example.org", "b@example.org", "c@example.org"):
            subscribe_email(self.campaign, address, "en")
        svetlana = self.desk_client(self.spokesperson)
        url = reverse("desk:updates", args=["deputies"]) + "?lang=en"
        # The first answer refuses for good, the second accepts, the third waits (451).
        with (
            SMTPServer(["550 5.1.1 No such user", "451 4.3.0 Try again later"]) as smtp,
            override_settings(**smtp.settings()),
        ):
            page = svetlana.get(url).content.decode()
            assert "No mail server answers" not in page
            with self.captureOnCommitCallbacks(execute=True):
                publish_update(self.campaign, author=self.spokesperson, texts=TEXTS)
            page = svetlana.get(url).content.decode()
        assert len(smtp.received) == 1
        assert "e-mail: 1 sent, 1 failed, 1 waiting" in page
        states = sorted(Delivery.objects.values_list("state", flat=True))
        assert states == [Delivery.FAILED, Delivery.PENDING, Delivery.SENT]

    def test_no_mail_server_is_said(self) -> None:
        svetlana = self.desk_client(self.spokesperson)
        url = reverse("desk:updates", args=["deputies"]) + "?lang=en"
        smtp = "django.core.mail.backends.smtp.EmailBackend"
        with override_settings(EMAIL_BACKEND=smtp, EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port()):
            page = svetlana.get(url).content.decode()
        assert "No mail server answers at 127.0.0.1:" in page
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH="/srv/mail",
        ):
            page = svetlana.get(url).content.decode()
        assert "written as files into /srv/mail" in page
