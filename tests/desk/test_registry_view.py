"""The registry of officials on the desk: browsed and searched by staff."""

from django.urls import reverse

from tests.desk.base import DeskTestCase
from undersigned.officials.models import Official


class RegistryViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        Official.objects.create(
            source="msk-2022",
            source_id="msk-777",
            full_name="Беляева Вера Николаевна",
            body="Совет депутатов МО Лиговка-Ямская",
        )

    def test_browse_and_search(self) -> None:
        vera = self.desk_client(self.verifier)
        url = reverse("desk:registry") + "?lang=en"
        page = vera.get(url).content.decode()
        assert "2 officials." in page
        assert "spb-001" in page and "msk-777" in page
        for query in ("семёнова", "Семёновский", "spb-001", "SPB-001"):
            found = vera.get(url, {"q": query}).content.decode()
            assert "Семёнова Ольга Петровна" in found, query
            assert "Беляева" not in found, query
        only = vera.get(url, {"source": "msk-2022"}).content.decode()
        assert "Беляева" in only and "Семёнова" not in only
        none = vera.get(url, {"q": "Никто"}).content.decode()
        assert "0 officials." in none

    def test_reachable_from_the_desk(self) -> None:
        oleg = self.desk_client(self.organizer)
        assert reverse("desk:registry") in oleg.get(reverse("desk:home")).content.decode()
