"""Each kind of claim people write, matched to the right official and no other."""

import pytest

from undersigned.officials.matching import AUTO, NONE, REVIEW, RegistryIndex
from undersigned.officials.matching.decision import decide_scores
from undersigned.signatures.actions import Claims

REGISTRY = [
    (1, "spb-1", "Иванова Мария Петровна", "Муниципальный совет МО Семёновский", "МО Семёновский", "RU-SPE"),
    (2, "spb-2", "Иванова Марина Сергеевна", "Муниципальный совет МО Смольнинское", "МО Смольнинское", "RU-SPE"),
    (3, "spb-3", "Кильцова Инна Анатольевна", "Муниципальный совет МО Семёновский", "МО Семёновский", "RU-SPE"),
    (4, "tve-1", "Петров Пётр Ильич", "Совет депутатов сельского поселения Ивановское", "сельское поселение Ивановское", "RU-TVE"),
    (5, "tve-2", "Петров Павел Ильич", "Совет депутатов сельского поселения Кузьминское", "сельское поселение Кузьминское", "RU-TVE"),
    (6, "kgd-1", "Соколова Анна Викторовна", "Городской совет депутатов Калининграда", "городской округ Калининград", "RU-KGD"),
    (7, "mo-1", "Горшков Иван Маркович", "Совет депутатов Рузаевского муниципального района", "Рузаевский муниципальный район", "RU-MO"),
    (8, "ud-1", "Ахматдинов Ильдар Васильевич", "Совет депутатов муниципального округа Завьяловский район", "Завьяловский район", "RU-UD"),
    (9, "tyu-1", "Лебедев Олег Николаевич", "Дума Ишимского городского округа", "городской округ Ишим", "RU-TYU"),
    (10, "irk-1", "Зайцева Ольга Юрьевна", "Дума города Иркутска", "Иркутск", "RU-IRK"),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> RegistryIndex:
    return RegistryIndex.from_rows(REGISTRY)


def best(index: RegistryIndex, **claims: str) -> tuple[str, str]:
    decision, scored = index.best(Claims(**claims))
    return decision, scored.official.source_id if scored else ""


KINDS = {
    "office words inside the name: деп.": {"full_name": "деп. Иванова Мария Петровна", "municipality": "МО Семёновский"},
    "office words inside the name: dep.": {"full_name": "dep. Ivanova Mariya Petrovna", "region": "Saint Petersburg"},
    "office and council inside the name": {"full_name": "Депутат МО Семёновский Иванова Мария Петровна"},
    "office after the name": {"full_name": "Соколова Анна Викторовна, депутат", "region": "Калининградская область"},
    "region in Latin, one scheme": {"full_name": "Sokolova Anna Viktorovna", "region": "Kaliningradskaya oblast'"},
    "region in Latin, another scheme": {"full_name": "Лебедев Олег Николаевич", "region": "Tjumenskaja oblast"},
    "region in inverted order": {"full_name": "Горшков Иван Маркович", "region": "Mordovija, Respublika"},
    "region in Latin, republic after": {"full_name": "Ахматдинов Ильдар Васильевич", "region": "Udmurtskaja Respublika"},
    "no region at all": {"full_name": "Кильцова Инна Анатольевна", "municipality": "МО Семёновский"},
    "a region and nothing else": {"full_name": "Зайцева Ольга Юрьевна", "region": "Иркутская обл."},
    "council: с.п.": {"full_name": "Петров Пётр Ильич", "municipality": "с.п. Ивановское"},
    "council: г.п.": {"full_name": "Петров Пётр Ильич", "municipality": "г.п. Ивановское", "region": "RU-TVE"},
    "council: м.р.": {"full_name": "Горшков Иван Маркович", "municipality": "Рузаевский м.р."},
    "council: ВМО": {"full_name": "Иванова Мария Петровна", "municipality": "ВМО Семёновский"},
    "council: с/с": {"full_name": "Петров Пётр Ильич", "municipality": "Ивановский с/с"},
    "council: s.p.": {"full_name": "Petrov Pyotr Ilyich", "municipality": "s.p. Ivanovskoe"},
    "name in the genitive": {"full_name": "Ивановой Марии Петровны", "municipality": "МО Семёновский"},
    "name in the instrumental, Latin capitals": {"full_name": "KILTSOVOI INNOI ANATOLEVNOI", "region": "Sankt-Peterburg"},
    "first name and surname": {"full_name": "Анна Соколова", "region": "RU-KGD"},
    "surname and first name": {"full_name": "Соколова Анна", "municipality": "Калининград"},
    "surname and initials": {"full_name": "Иванова М.П.", "municipality": "МО Семёновский"},
    "initials and surname": {"full_name": "М. П. Иванова", "municipality": "МО Семёновский"},
    "surname and initials without dots": {"full_name": "Иванова МП", "municipality": "МО Семёновский"},
    "a diminutive in another case": {"full_name": "Ивановой Маши", "municipality": "МО Семёновский"},
    "initials run together, in Latin": {"full_name": "zaytseva oyu", "region": "RU-IRK"},
    "typo: swapped letters": {"full_name": "Ивавнoа Мария Петровна", "municipality": "МО Семёновский"},
    "typo: dropped letter": {"full_name": "Ахматднов Ильдар Васильевич", "region": "RU-UD"},
    "typo: a Latin letter inside a Cyrillic word": {"full_name": "Сoколова Анна Викторовна", "region": "RU-KGD"},
    "typo: keyboard layout": {"full_name": "Bdfyjdf Vfhbz Gtnhjdyf", "municipality": "МО Семёновский"},
    "typo: one word in the keyboard layout": {"full_name": "Лебедев Jktu Николаевич", "region": "RU-TYU"},
    "typo: a neighbouring key": {"full_name": "Иванова Мария Пктровна", "municipality": "МО Семёновский"},
    "the whole claim in the name field": {"full_name": "Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург"},
    "the whole claim, region and council first": {"full_name": "Тверская область, с.п. Ивановское, Петров Пётр Ильич"},
    "the whole claim, region and council run on": {"full_name": "Тверская область МО Ивановское Петров Пётр Ильич"},
    "the whole claim, council in brackets": {"full_name": "Соколова Анна (городской округ Калининград)"},
    "the whole claim, council without its type": {"full_name": "депутат Рузаевский Горшков Иван Маркович"},
    "the whole claim, a name the region is named after": {"full_name": "Лебедев Олег Николаевич - Тюменская обл."},
    "another case, Latin and no region": {"full_name": "Zaitsevoi Olgoi Yurevnoi", "municipality": "Иркутск"},
    "initials, short council, region inverted": {"full_name": "Ахматдинов И.В.", "municipality": "Завьяловский м.р.", "region": "Udmurtskaja, Respublika"},
    "another case in Latin beside a region in Latin": {"full_name": "Mariyu Ivanovu, Sankt-Peterburg", "municipality": "Семёновский"},
    "the whole claim, a council with a typo among the name's words": {"full_name": "Ивновское Петров Пётр Ильич", "region": "RU-TVE"},
    "the whole claim, a council that is also a name's word in another case": {"full_name": "Тверская обл., Ивановское, Петров Пётр"},
    "the whole claim, Latin council and name, a typo in the name": {"full_name": "s.p. Ivanovskoe, Petrov Pyotr Ilych"},
    "the whole claim in capitals with an apostrophe": {"full_name": "PETROV P’OTR IL’ICH, TVERSKAYA OBLAST’"},
    "typo: a short patronymic": {"full_name": "Петров Пётр Ильсч", "municipality": "с.п. Ивановское"},
    "typo in a name in another case": {"full_name": "Горшковым Иваом Марковичем", "municipality": "Рузаевский м.р."},
    "typo in a diminutive": {"full_name": "Иванова Мвша", "municipality": "МО Семёновский"},
    "a Latin letter inside a name in another case": {"full_name": "Кiльцовой Инны Анатольевны", "municipality": "МО Семёновский"},
}  # fmt: skip
BY_SURNAME = {
    "Иванов": "spb-1", "Ivanov": "spb-1", "Bdfyjdf": "spb-1", "Ивавнoа": "spb-1",
    "Кильц": "spb-3", "Кiльц": "spb-3", "KILTS": "spb-3", "Петров": "tve-1", "Petrov": "tve-1", "Соколов": "kgd-1",
    "Sokolov": "kgd-1", "Сoколов": "kgd-1", "Горшков": "mo-1", "Ахматд": "ud-1", "Лебедев": "tyu-1",
    "Зайцев": "irk-1", "zaytsev": "irk-1", "Zaitsev": "irk-1", "Mariyu": "spb-1",
}  # fmt: skip


def expected(claims: dict[str, str]) -> str:
    """The official a claim names, by the first word of its name that names a surname."""
    for word in claims["full_name"].replace(",", " ").split():
        if word.endswith(("ское", "skoe")):  # a council's name, not a surname
            continue
        for prefix, source_id in BY_SURNAME.items():
            if word.casefold().startswith(prefix.casefold()):
                return source_id
    return ""


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_claim_is_matched_to_the_right_official(
    index: RegistryIndex, kind: str
) -> None:
    assert best(index, **KINDS[kind]) == (AUTO, expected(KINDS[kind]))


def test_a_namesake_on_another_council_is_not_auto_matched(index: RegistryIndex) -> None:
    # Петров Павел Ильич sits on Кузьминское; a Петров П. И. of Ивановское is the other one.
    assert best(index, full_name="Петров П.И.", municipality="с.п. Ивановское") == (AUTO, "tve-1")
    decision, _ = best(index, full_name="Петров П.И.", region="RU-TVE")
    assert decision != AUTO


def test_someone_not_in_the_registry_is_not_matched(index: RegistryIndex) -> None:
    decision, _ = best(index, full_name="деп. Сидоров Иван Ильич", municipality="с.п. Ивановское")
    assert decision != AUTO
    assert best(index, full_name="Депутат МО", region="RU-SPE")[0] == NONE


def test_the_thresholds_decide() -> None:
    assert decide_scores([0.95, 0.5]) == AUTO
    assert decide_scores([0.95, 0.93]) != AUTO
    assert decide_scores([0.2]) == NONE


RELATIVES = {
    "a sister on the same council": {"full_name": "Кильцова Анна Анатольевна", "municipality": "МО Семёновский"},
    "a husband, the same council": {"full_name": "Соколов Андрей Викторович", "municipality": "Калининград"},
    "a sister, first name and surname": {"full_name": "Инна Зайцева", "municipality": "Иркутск"},
    "a son, whole claim in the name field": {"full_name": "Горшков Илья Маркович, Рузаевский м.р., Республика Мордовия"},
    "a relative in another case, Latin": {"full_name": "Ivanovoi Elene Petrovnoi", "municipality": "МО Семёновский"},
    "a relative whose initials are the deputy's read backwards": {"full_name": "Петров И.П.", "municipality": "с.п. Ивановское"},
    "a relative whose initial folds like the deputy's": {"full_name": "Ю.Н. Лебедева", "region": "RU-TYU"},
    "a wife": {"full_name": "Горшкова Анна Ивановна", "municipality": "Рузаевский м.р."},
    "a son, his father's names the other way round": {"full_name": "Николай Олегович Лебедев", "region": "RU-TYU"},
    "a relative with initials in Latin": {"full_name": "Gorshkov S.M.", "municipality": "Рузаевский м.р."},
}  # fmt: skip


@pytest.mark.parametrize("kind", list(RELATIVES))
def test_a_deputys_relative_is_not_auto_matched(index: RegistryIndex, kind: str) -> None:
    # The same surname and council as a deputy, another first name: someone else.
    assert best(index, **RELATIVES[kind])[0] != AUTO


# Several difficulties at once, as claims nobody here generated have them.
MORE_OFFICIALS = [
    (11, "msk-1", "Кузнецов Дмитрий Алексеевич", "Совет депутатов муниципального округа Гагаринский", "Гагаринский район", "RU-MOW"),
    (12, "msk-2", "Смирнов Сергей Павлович", "Совет депутатов муниципального округа Ломоносовский", "Ломоносовский район", "RU-MOW"),
    (13, "amu-1", "Вольская Ирина Яковлевна", "Совет депутатов сельского поселения Петрское", "сельское поселение Петрское", "RU-AMU"),
    (14, "amu-2", "Лаптева Инна Сергеевна", "Совет депутатов сельского поселения Петрское", "сельское поселение Петрское", "RU-AMU"),
    (15, "ros-1", "Окунев Дмитрий Игнатьевич", "Дума городского округа Ножеск", "городской округ Ножеск", "RU-ROS"),
]  # fmt: skip
AT_ONCE = {
    "letters of the first name swapped": ({"full_name": "Кузнецов Дмтирий", "region": "RU-MOW"}, "msk-1"),
    "letters of the first name swapped, whole name": ({"full_name": "Смирнов Серегй Павлович"}, "msk-2"),
    "a typo that folds to another first name": ({"full_name": "Вольская Иина", "municipality": "ВМО Петрское", "region": "RU-AMU"}, "amu-1"),
    "a Latin surname with letters swapped, no council, no region": ({"full_name": "Okunve Dmitrii Ignatevich"}, "ros-1"),
    "a Latin surname with letters swapped, first name in another scheme": ({"full_name": "Kuzentsov Dmitry Alekseyevich"}, "msk-1"),
    "initials typed as Latin look-alikes": ({"full_name": "Соколова A.B.", "region": "RU-KGD"}, "kgd-1"),
    "an office and council word, a typo and another case": ({"full_name": "Депутат МО Гагаринский Кузенцова Дмитрия"}, "msk-1"),
}  # fmt: skip


@pytest.fixture(scope="module")
def larger_index() -> RegistryIndex:
    return RegistryIndex.from_rows(REGISTRY + MORE_OFFICIALS)


@pytest.mark.parametrize("kind", list(AT_ONCE))
def test_several_difficulties_at_once(larger_index: RegistryIndex, kind: str) -> None:
    claims, source_id = AT_ONCE[kind]
    assert best(larger_index, **claims) == (AUTO, source_id)


def test_a_candidate_that_agrees_on_most_of_the_claim_is_reviewed_not_dropped(
    larger_index: RegistryIndex,
) -> None:
    # The council and the first name agree, the surname has three typos: a person looks.
    claims = {"full_name": "Хамтаднв Ильдар", "municipality": "Завьяловский район"}
    assert best(larger_index, **claims) == (REVIEW, "ud-1")
    # Not a relative (another first name written right), nor a name on another council.
    assert (
        best(larger_index, full_name="Хамтаднв Олег", municipality="Завьяловский район")[0] == NONE
    )
    assert best(larger_index, full_name="Хамтаднв Ильдар", municipality="Калининград")[0] == NONE
