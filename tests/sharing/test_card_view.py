"""The link-preview card: a PNG per campaign and language, redrawn when the verified count moves."""

import io
import shutil
from pathlib import Path

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from tests.base import PersonaTestCase, make_claims
from undersigned.sharing.cards import font, render_card, wrap


class CardViewTest(PersonaTestCase):
    def setUp(self) -> None:
        self.media = Path(settings.VAR_DIR) / "card-test-media"
        shutil.rmtree(self.media, ignore_errors=True)
        self.override = override_settings(MEDIA_ROOT=self.media)
        self.override.enable()
        self.addCleanup(self.override.disable)

    def get_card(self, language: str = "ru") -> tuple[Image.Image, object]:
        response = self.client.get(reverse("share_card", args=[self.campaign.slug, language]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert "public" in response["Cache-Control"]
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        return image, response

    def cards_on_disk(self) -> list[str]:
        return sorted(p.name for p in (self.media / "cards" / str(self.campaign.pk)).iterdir())

    def test_one_card_per_language(self) -> None:
        image, _ = self.get_card("ru")
        assert image.size == (1200, 630)
        assert image.text["verified"] == "0"  # type: ignore[attr-defined]
        self.get_card("en")
        assert self.cards_on_disk() == ["card.en.png", "card.ru.png"]

    def test_redrawn_when_the_verified_count_changes(self) -> None:
        before, _ = self.get_card("ru")
        self.sign_verified(make_claims(1))
        self.sign_verified(make_claims(2))
        unchanged, _ = self.get_card("ru")
        assert unchanged.text["verified"] == "0"  # type: ignore[attr-defined]  # not counted yet
        self.refresh_counts()
        after, _ = self.get_card("ru")
        assert after.text["verified"] == "2"  # type: ignore[attr-defined]
        assert self.cards_on_disk() == ["card.ru.png"]  # replaced, no file left behind
        assert before.tobytes() != after.tobytes()

    def test_a_card_being_read_survives_its_replacement(self) -> None:
        response = self.client.get(reverse("share_card", args=[self.campaign.slug, "ru"]))
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        self.get_card("ru")  # draws the new card over the one still being sent
        old = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert old.text["verified"] == "0"  # type: ignore[attr-defined]

    def test_served_from_disk_when_the_count_is_unchanged(self) -> None:
        self.get_card("en")
        path = self.media / "cards" / str(self.campaign.pk) / "card.en.png"
        path.write_bytes(path.read_bytes())  # same content, proves nothing redraws it
        stamp = path.stat().st_mtime_ns
        self.get_card("en")
        assert path.stat().st_mtime_ns == stamp

    def test_unknown_language_or_campaign_is_404(self) -> None:
        assert (
            self.client.get(reverse("share_card", args=[self.campaign.slug, "xx"])).status_code
            == 404
        )
        assert self.client.get(reverse("share_card", args=["nope", "ru"])).status_code == 404
        draft = self.make_campaign("draft", open_it=False)
        assert self.client.get(reverse("share_card", args=[draft.slug, "ru"])).status_code == 404

    def test_cyrillic_title_is_drawn(self) -> None:
        # A title in Cyrillic covers more of the card than an empty one: the glyphs exist.
        blank = render_card("", 0, "ru").convert("L")
        cyrillic = render_card("Обращение депутатов Санкт-Петербурга", 0, "ru").convert("L")
        inked = sum(1 for a, b in zip(blank.tobytes(), cyrillic.tobytes(), strict=True) if a != b)
        assert inked > 5000

    def test_long_titles_are_wrapped_and_cut(self) -> None:
        lines = wrap("слово " * 200, font(56, bold=True), 1000, 4)
        assert len(lines) == 4
        assert lines[-1].endswith("…")
        assert all(font(56, bold=True).getlength(line) <= 1000 for line in lines)
