from typing import ClassVar

from django.test import override_settings
from django.utils import translation

from tests.base import OLGA, PersonaTestCase
from undersigned.officials.matching import AUTO, NONE, REVIEW, Candidate, decide, find_candidates
from undersigned.officials.models import Official
from undersigned.signatures.actions import Claims

SEMYONOVSKY = {
    "body": "Муниципальный совет внутригородского муниципального образования Санкт-Петербурга "
    "муниципальный округ Семёновский",
    "municipality": "муниципальный округ Семёновский",
    "region_code": "RU-SPE",
    "region_name": "г. Санкт-Петербург",
}


def claims(
    full_name: str, *, municipality: str = "МО Семёновский", region: str = "RU-SPE", **kw: str
) -> Claims:
    return Claims(full_name=full_name, municipality=municipality, region_code=region, **kw)


class MatchingTest(PersonaTestCase):
    """A small registry; each test writes one official's name the way signers do."""

    people: ClassVar[dict[str, Official]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = {}
        registry = [
            ("ksenia", "Петрова Ксения Алексеевна", SEMYONOVSKY),
            ("pyotr", "Петров Пётр Сергеевич", SEMYONOVSKY),
            ("palyuga", "Палюга Мария Ивановна", SEMYONOVSKY),
            ("dostoevsky", "Достоевский Фёдор Михайлович", {
                "body": "Екатеринбургская городская дума", "municipality": "Екатеринбург",
                "region_code": "RU-SVE", "region_name": "Свердловская обл."}),
            ("kseniya_irkutsk", "Петрова Ксения Андреевна", {
                "body": "Дума города Иркутска", "municipality": "Иркутск",
                "region_code": "RU-IRK", "region_name": "Иркутская область"}),
            ("orlov", "Орлов Дмитрий Николаевич", SEMYONOVSKY),
            ("seleznyova", "Селезнёва Алёна Викторовна", SEMYONOVSKY),
        ]  # fmt: skip
        for number, (key, full_name, place) in enumerate(registry, start=2):
            cls.people[key] = Official.objects.create(
                source="spb-2019", source_id=f"spb-{number:03}", full_name=full_name, **place
            )

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def best(self, written: Claims) -> tuple[str, Candidate | None]:
        return decide(find_candidates(written))

    def assert_auto(self, written: Claims, person: str) -> Candidate:
        decision, best = self.best(written)
        assert best is not None, written
        assert (decision, best.official_id) == (AUTO, self.people[person].pk), (written, best)
        return best

    # Latin transliterations
    def test_kseniya_ksenia_kseniia(self) -> None:
        for name in ("Kseniya Petrova", "Ksenia Petrova", "Kseniia Petrova Alekseevna"):
            self.assert_auto(claims(name, municipality="MO Semyonovsky"), "ksenia")

    def test_sky_skiy_skii(self) -> None:
        for name in ("Fedor Dostoevsky", "Dostoevskiy Fyodor", "Dostoevskii Fedor Mikhailovich"):
            self.assert_auto(claims(name, municipality="Yekaterinburg", region=""), "dostoevsky")

    def test_yekaterinburg_and_ekaterinburg(self) -> None:
        for city in ("Yekaterinburg", "Ekaterinburg", "Екатеринбург", "г. Екатеринбург"):
            written = Claims(
                full_name="Достоевский Фёдор", municipality=city, region="Sverdlovsk Oblast"
            )
            self.assert_auto(written, "dostoevsky")

    def test_yo_and_ye(self) -> None:
        best = self.assert_auto(claims("Селезнева Алена Викторовна"), "seleznyova")
        assert "surname agrees" in best.explanation

    # Grammatical cases
    def test_ksenii_petrovoi_is_ksenia_petrova(self) -> None:
        best = self.assert_auto(claims("Ксении Петровой"), "ksenia")
        assert "surname agrees (another grammatical case)" in best.explanation

    def test_palyugi_is_palyuga(self) -> None:
        self.assert_auto(claims("от Марии Палюги", municipality="Семёновский"), "palyuga")
        self.assert_auto(claims("Палюгу Марию Ивановну"), "palyuga")

    def test_latin_name_in_another_case(self) -> None:
        self.assert_auto(claims("Ksenii Petrovoy", municipality="Semyonovsky"), "ksenia")

    # Name order, missing parts, initials
    def test_name_order_is_free(self) -> None:
        self.assert_auto(claims("Ксения Алексеевна Петрова"), "ksenia")
        self.assert_auto(claims("Алексеевна Петрова Ксения"), "ksenia")

    def test_missing_patronymic(self) -> None:
        best = self.assert_auto(claims("Петрова Ксения"), "ksenia")
        assert "patronymic missing" in best.explanation

    def test_initials(self) -> None:
        for name in ("Петрова К. А.", "К.А. Петрова", "Petrova K. A."):
            best = self.assert_auto(claims(name), "ksenia")
        assert "first name initial agrees" in best.explanation

    def test_initials_that_disagree_do_not_match(self) -> None:
        decision, _best = self.best(claims("Петрова М. В."))
        assert decision != AUTO

    # Diminutives
    def test_ksyusha_is_ksenia(self) -> None:
        best = self.assert_auto(claims("Ксюша Петрова"), "ksenia")
        assert "first name agrees (diminutive Ксюша→Ксения)" in best.explanation
        self.assert_auto(claims("Ksyusha Petrova", municipality="MO Semyonovsky"), "ksenia")

    def test_dima_is_dmitry(self) -> None:
        self.assert_auto(claims("Дима Орлов"), "orlov")

    # Typos
    def test_typos(self) -> None:
        for name in (
            "Петрова Ксени Алексеевна",
            "Петрова Ксения Алекссевна",
            "Петорва Ксения Алексеевна",
        ):
            best = self.assert_auto(claims(name), "ksenia")
        assert "surname nearly agrees (90%)" in best.explanation  # two letters swapped
        self.assert_auto(claims("Орлов Дмитрий", municipality="МО Семеновскй"), "orlov")

    # The council, in full or short, Cyrillic or Latin
    def test_council_spelled_in_full_short_or_latin(self) -> None:
        for council in (
            "МО Семёновский",
            "муниципальный округ Семеновский",
            "Semyonovsky",
            "внутригородское муниципальное образование Санкт-Петербурга "
            "муниципальный округ Семёновский",
        ):
            best = self.assert_auto(claims("Петрова Ксения", municipality=council), "ksenia")
            assert "body agrees" in best.explanation

    def test_region_given_as_text(self) -> None:
        written = Claims(
            full_name="Petrova Kseniya", municipality="Irkutsk", region="Иркутская обл."
        )
        self.assert_auto(written, "kseniya_irkutsk")

    def test_the_council_tells_namesakes_apart(self) -> None:
        # Two Ksenia Petrovas: St. Petersburg (Alekseevna) and Irkutsk (Andreevna).
        self.assert_auto(
            Claims(full_name="Петрова Ксения", municipality="Иркутск"), "kseniya_irkutsk"
        )
        self.assert_auto(Claims(full_name="Петрова Ксения", municipality="Семёновский"), "ksenia")
        decision, _best = self.best(Claims(full_name="Петрова Ксения"))
        assert decision == REVIEW

    # Who must not be matched
    def test_someone_sharing_a_surname_is_not_auto_matched(self) -> None:
        decision, _best = self.best(claims("Петрова Анна Викторовна"))
        assert decision != AUTO
        decision, _best = self.best(claims("Петров Иван Андреевич"))
        assert decision != AUTO

    def test_the_other_gender_is_not_auto_matched(self) -> None:
        decision, _best = self.best(claims("Петрова Пётр Сергеевна"))
        assert decision != AUTO

    def test_a_stranger_matches_no_one(self) -> None:
        decision, best = self.best(
            claims("Кузнецов Аркадий Львович", municipality="Новосибирск", region="RU-NVS")
        )
        assert (decision, best) == (NONE, None)

    def test_officials_out_of_office_are_not_candidates(self) -> None:
        Official.objects.filter(pk=self.people["orlov"].pk).update(in_office=False)
        Official.objects.create(
            source="spb-2019", source_id="spb-900", full_name="Прочий Сотрудник"
        )
        candidates = find_candidates(claims("Орлов Дмитрий Николаевич"))
        assert self.people["orlov"].pk not in [c.official_id for c in candidates]

    def test_candidates_are_limited_to_a_source(self) -> None:
        Official.objects.create(
            source="other",
            source_id="o-1",
            full_name=OLGA.full_name,
            municipality=OLGA.municipality,
            region_code="RU-SPE",
        )
        everywhere = find_candidates(OLGA, limit=5)
        assert {c.source_id for c in everywhere} >= {"spb-001", "o-1"}
        only_spb = find_candidates(OLGA, source="spb-2019")
        assert only_spb[0].source_id == "spb-001"
        assert "o-1" not in {c.source_id for c in only_spb}

    def test_explanation_lists_what_agreed(self) -> None:
        best = find_candidates(OLGA)[0]
        assert best.official_id == self.official.pk
        assert best.explanation == [
            "surname agrees",
            "first name agrees",
            "patronymic agrees",
            "body agrees",
            "region agrees",
        ]


class DecideTest(PersonaTestCase):
    def candidate(self, score: float, pk: int = 1) -> Candidate:
        return Candidate(official_id=pk, source_id=str(pk), score=score, explanation=[])

    @override_settings(MATCH_AUTO_THRESHOLD=0.9, MATCH_REVIEW_THRESHOLD=0.6, MATCH_AUTO_MARGIN=0.05)
    def test_thresholds_and_margin_come_from_settings(self) -> None:
        assert decide([self.candidate(0.95)])[0] == AUTO
        assert decide([self.candidate(0.95), self.candidate(0.92, 2)])[0] == REVIEW
        assert decide([self.candidate(0.95), self.candidate(0.89, 2)])[0] == AUTO
        assert decide([self.candidate(0.89)])[0] == REVIEW
        assert decide([self.candidate(0.59)]) == (NONE, None)
        assert decide([]) == (NONE, None)
