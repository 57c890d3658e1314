"""The desk's import of signatures received elsewhere: preview, confirm, receipts once."""

import csv
import io
import re
import tempfile
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.desk.base import DeskTestCase
from tests.vault.keys import age_decrypt, make_identity
from undersigned.audit.models import AuditEvent
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.models import ContactCiphertext

PASTED = """Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург
деп. Петров Пётр Ильич; с.п. Ивановское; Тверская обл.

12345
Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург
"""


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("claims.csv", buffer.getvalue().encode(), "text/csv")


def xlsx_file(rows: list[list[str]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("claims.xlsx", buffer.getvalue())


class ImportViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.url = reverse("desk:import", args=[self.campaign.slug]) + "?lang=en"

    def preview(self, client: object, **data: object) -> tuple[int, str]:
        response = client.post(self.url, {"channel": "telegram", **data})  # type: ignore[attr-defined]
        return response.status_code, response.content.decode()

    def confirm(self, client: object, page: str) -> tuple[int, str]:
        payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
        response = client.post(self.url, {"payload": payload})  # type: ignore[attr-defined]
        return response.status_code, response.content.decode()

    def test_pasted_text_is_previewed_then_imported_on_confirmation(self) -> None:
        vera = self.desk_client(self.verifier)
        status, page = self.preview(vera, text=PASTED)
        assert status == 200
        assert "2 signatures to import" in page and "1 duplicate" in page
        assert "1 unreadable line" in page
        assert re.search(r'id="line-5">.*?duplicate of line 1', page, re.S)
        assert re.search(r'id="line-4">.*?unreadable: no name', page, re.S)
        assert re.search(
            r'id="line-2">\s*<td>2</td>\s*<td>Петров Пётр Ильич</td><td>деп</td>', page
        )
        assert not Signature.objects.exists()  # nothing before the confirmation
        with self.captureOnCommitCallbacks(execute=True):
            status, done = self.confirm(vera, page)
        assert status == 200
        signatures = Signature.objects.order_by("pk")
        assert [s.full_name for s in signatures] == ["Иванова Мария Петровна", "Петров Пётр Ильич"]
        assert {s.channel for s in signatures} == {Signature.TELEGRAM}
        assert {s.publication for s in signatures} == {Signature.ANONYMOUS}
        assert {s.state for s in signatures} <= {Signature.RECEIVED, Signature.MATCHED}
        assert signatures[0].region_code == "RU-SPE" and signatures[1].region_code == "RU-TVE"
        links = re.findall(r'<code class="receipt-link">([^<]+)</code>', done)
        assert len(links) == 2
        token = links[0].rsplit("/r/", 1)[1].strip("/")
        assert token not in repr(list(Signature.objects.values()))
        assert self.client.get(f"/r/{token}/").status_code == 200
        event = AuditEvent.objects.get(action="signatures.imported")
        assert event.actor == self.verifier
        assert event.note == "2 imported from telegram, 1 duplicates, 1 unreadable lines"
        assert "Иванова" not in event.note

    def test_a_line_with_nothing_like_a_name_is_imported_only_if_ticked(self) -> None:
        oleg = self.desk_client(self.organizer)
        text = (
            "Здравствуйте! Я Гусев Юрий Олегович, депутат МО Смольнинское, подписываюсь\n"
            "Поддерживаю! Подпишусь завтра\n"
            "Спасибо за вашу работу\n"
        )
        status, page = self.preview(oleg, text=text)
        assert status == 200
        assert "1 signature to import" in page and "2 lines not a signature?" in page
        assert re.search(
            r'id="line-1">\s*<td>1</td>\s*<td>Гусев Юрий Олегович</td><td>депутат</td>'
            r"<td>МО Смольнинское</td>",
            page,
        )
        assert re.search(r'id="line-2">.*?not a signature\?.*?name="include" value="2"', page, re.S)
        payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
        response = oleg.post(self.url, {"payload": payload, "include": ["3", "1", "x"]})
        assert response.status_code == 200
        assert list(Signature.objects.order_by("pk").values_list("full_name", flat=True)) == [
            "Гусев Юрий Олегович",
            "Спасибо за вашу работу",
        ]
        russian = oleg.post(
            reverse("desk:import", args=[self.campaign.slug]) + "?lang=ru",
            {"channel": "telegram", "text": "Поддерживаю! Подпишусь завтра\n"},
        ).content.decode()
        assert "не подпись?" in russian and "импортировать всё равно" in russian

    def test_the_preview_cannot_be_confirmed_twice_into_duplicates(self) -> None:
        oleg = self.desk_client(self.organizer)
        _status, page = self.preview(oleg, text=PASTED)
        self.confirm(oleg, page)
        self.confirm(oleg, page)
        assert Signature.objects.filter(merged_into__isnull=True).count() == 2

    def test_csv_with_publication_and_an_encrypted_contact(self) -> None:
        identity, public = make_identity(Path(tempfile.mkdtemp()))
        add_verifier_key(public, "Vera", campaign=self.campaign)
        rows = [
            ["ФИО", "Должность", "МО", "Регион", "Публикация", "Контакт"],
            ["Иванова Мария Петровна", "депутат", "МО Семёновский", "Санкт-Петербург", "", ""],
            [
                "Петров Пётр Ильич",
                "депутат",
                "с.п. Ивановское",
                "Тверская обл.",
                "named",
                "@petrov_p",
            ],
            ["Сидоров Иван", "депутат", "МО Гагаринский", "Москва", "maybe", ""],
        ]
        oleg = self.desk_client(self.organizer)
        status, page = self.preview(oleg, channel="email", file=csv_file(rows))
        assert status == 200
        assert "2 signatures to import" in page and "1 unreadable line" in page
        assert "publication choice not understood" in page
        assert "@petrov_p" not in page.split("<form")[0]  # the preview says only that there is one
        self.confirm(oleg, page)
        petrov = Signature.objects.get(full_name="Петров Пётр Ильич")
        assert petrov.channel == Signature.EMAIL and petrov.publication == Signature.NAMED
        assert Signature.objects.get(full_name="Иванова Мария Петровна").publication == (
            Signature.ANONYMOUS
        )
        ciphertext = bytes(ContactCiphertext.objects.get(signature=petrov).ciphertext)
        assert b"petrov_p" not in ciphertext
        assert age_decrypt(identity, ciphertext).strip() == b"telegram: @petrov_p"
        assert "petrov_p" not in repr(list(Signature.objects.values()))
        assert "petrov_p" not in repr(list(AuditEvent.objects.values()))

    def test_xlsx(self) -> None:
        rows = [
            ["full_name", "municipality", "region"],
            ["Иванова Мария Петровна", "МО Семёновский", "RU-SPE"],
            ["", "", ""],
            ["Семёнова Ольга Петровна", "МО Семёновский", "Санкт-Петербург"],
        ]
        oleg = self.desk_client(self.organizer)
        status, page = self.preview(oleg, channel="paper", file=xlsx_file(rows))
        assert status == 200 and "2 signatures to import" in page
        self.confirm(oleg, page)
        assert set(Signature.objects.values_list("channel", flat=True)) == {Signature.PAPER}
        assert Signature.objects.count() == 2

    def test_a_claim_already_in_the_campaign_is_a_duplicate(self) -> None:
        olga = Claims(
            full_name="Семёнова Ольга Петровна",
            office="депутат",
            municipality="МО Семёновский",
            region="Санкт-Петербург",
            region_code="RU-SPE",
        )
        self.sign(olga)  # signed on the web before
        oleg = self.desk_client(self.organizer)
        _status, page = self.preview(
            oleg, text="Семёнова Ольга Петровна, депутат МО Семёновский, Санкт-Петербург"
        )
        assert "duplicate of a signature already in the campaign" in page
        assert 'name="payload"' not in page
        assert Signature.objects.count() == 1

    def test_a_bad_file_imports_nothing(self) -> None:
        oleg = self.desk_client(self.organizer)
        bad = SimpleUploadedFile("claims.xlsx", b"PK\x03\x04 not a spreadsheet")
        status, page = self.preview(oleg, file=bad)
        assert status == 400 and "The spreadsheet cannot be read." in page
        no_header = csv_file([["a", "b"], ["1", "2"]])
        status, page = self.preview(oleg, file=no_header)
        assert status == 400
        status, page = self.preview(oleg)
        assert status == 400 and "Choose a file or paste the claims." in page
        assert not Signature.objects.exists()
        assert not AuditEvent.objects.filter(action="signatures.imported").exists()

    def test_a_tampered_preview_imports_nothing(self) -> None:
        oleg = self.desk_client(self.organizer)
        _status, page = self.preview(oleg, text=PASTED)
        payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
        response = oleg.post(self.url, {"payload": payload[:-3] + "abc"})
        assert response.status_code == 400
        assert "The preview is no longer valid" in response.content.decode()
        assert not Signature.objects.exists()

    def test_a_preview_of_another_campaign_imports_nothing_here(self) -> None:
        other = self.make_campaign("other-letter")
        oleg = self.desk_client(self.organizer)
        response = oleg.post(
            reverse("desk:import", args=[other.slug]) + "?lang=en",
            {"channel": "telegram", "text": PASTED},
        )
        payload = re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)
        assert oleg.post(self.url, {"payload": payload}).status_code == 400
        assert not Signature.objects.exists()

    def test_outsider_and_spokesperson_are_denied(self) -> None:
        for user in (self.outsider, self.spokesperson):
            client = self.desk_client(user)
            assert client.get(self.url).status_code == 403
            assert client.post(self.url, {"channel": "telegram", "text": PASTED}).status_code == 403
        assert not Signature.objects.exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.post(self.url, {"channel": "telegram", "text": PASTED})
        assert response.status_code == 302
        assert not Signature.objects.exists()

    def test_a_campaign_that_does_not_verify_takes_no_import(self) -> None:
        open_petition = self.make_campaign("open-petition", requires_verification=False)
        oleg = self.desk_client(self.organizer)
        url = reverse("desk:import", args=[open_petition.slug]) + "?lang=en"
        assert "takes no imported signatures" in oleg.get(url).content.decode()
        assert oleg.post(url, {"channel": "telegram", "text": PASTED}).status_code == 409
        assert not Signature.objects.exists()
