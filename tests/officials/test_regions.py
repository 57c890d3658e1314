import pytest

from undersigned.officials.regions import all_regions, find_region_code, region_name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("г. Санкт-Петербург", "RU-SPE"),
        ("Санкт-Петербург г", "RU-SPE"),
        ("St. Petersburg", "RU-SPE"),
        ("Республика Татарстан (Татарстан)", "RU-TA"),
        ("Иркутская обл.", "RU-IRK"),
        ("Иркутской области", "RU-IRK"),
        ("Irkutsk Oblast", "RU-IRK"),
        ("Moscow", "RU-MOW"),
        ("г Москва", "RU-MOW"),
        ("Московская обл.", "RU-MOS"),
        ("Кемеровская область - Кузбасс", "RU-KEM"),
        ("Ханты-Мансийский автономный округ — Югра", "RU-KHM"),
        ("Республика Саха (Якутия)", "RU-SA"),
        ("Sverdlovskaya oblast", "RU-SVE"),
        ("Алтайский край", "RU-ALT"),
        ("Республика Алтай", "RU-AL"),
        ("Ненецкий АО", "RU-NEN"),
        ("Республика Крым", "X-CR"),
        ("г. Севастополь", "X-SEV"),
        ("RU-PRI", "RU-PRI"),
        ("spe", "RU-SPE"),
        ("", ""),
        ("Атлантида", ""),
    ],
)
def test_registry_spellings_of_regions(text: str, code: str) -> None:
    assert find_region_code(text) == code


def test_every_region_is_found_by_its_own_names() -> None:
    for region in all_regions():
        assert find_region_code(region.name_ru) == region.code, region
        assert find_region_code(region.name_en) == region.code, region


def test_names_in_both_languages() -> None:
    assert region_name("RU-KGN", "ru") == "Курганская область"
    assert region_name("RU-MOS", "en") == "Moscow Oblast"
    assert region_name("X-UNKNOWN", "ru") == "X-UNKNOWN"


def test_a_region_named_exactly_or_the_nearest_spelling() -> None:
    assert find_region_code("Kareliya", nearest=False) == "RU-KR"
    assert find_region_code("Voronejskaia oblast") == "RU-VOR"
    assert find_region_code("Voronejskaia oblast", nearest=False) == ""
