from undersigned.core.canonical import claims_key, fold, fold_name, strip_controls


def test_fold_case_yo_and_spaces() -> None:
    assert fold("  Семёнова   ОЛЬГА ") == "семенова ольга"


def test_fold_latin_lookalikes_in_cyrillic_name() -> None:
    # "Семенова" with Latin "e", "o" and "a"
    assert fold("Ceмeнoвa") == fold("Семенова")


def test_fold_cyrillic_lookalikes_in_latin_name() -> None:
    assert fold("Sеmеnоvа") == "semenova"  # Cyrillic е, о, а


def test_fold_name_ignores_order() -> None:
    assert fold_name("Ольга Семёнова") == fold_name("Семенова Ольга")


def test_strip_controls_removes_bidi_overrides_and_zero_width() -> None:
    assert strip_controls("Ив\u202eан\u200bов\x00") == "Иванов"


def test_claims_key_equal_for_same_claims_written_differently() -> None:
    a = claims_key("Семёнова Ольга Петровна", "МС МО Семёновский", "МО Семёновский", "RU-SPE")
    b = claims_key("семенова  ольга петровна", "МС  МО Семеновский", "мо семеновский", "RU-SPE")
    assert a == b


def test_claims_key_differs_for_other_council() -> None:
    a = claims_key("Семёнова Ольга", "Совет А", "", "RU-SPE")
    b = claims_key("Семёнова Ольга", "Совет Б", "", "RU-SPE")
    assert a != b
