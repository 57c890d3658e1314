import iuliia
import pytest

from undersigned.officials.folding import place_stem, text_keys, word_key, words

# Transliteration schemes in common use for Russian names (passports, maps, Wikipedia,
# the Moscow metro, libraries); each must fold to the same key as the Cyrillic.
COMMON_SCHEMES = (
    "WIKIPEDIA",
    "ICAO_DOC_9303",
    "BGN_PCGN",
    "MOSMETRO",
    "GOST_52535",
    "YANDEX_MAPS",
    "BS_2979",
    "ALA_LC",
    "MVD_310",
    "MVD_782",
    "GOST_779",
)
NAMES = (
    "Ксения Семёновна Щукина-Чайковская Юрьевна Хабаровский Ильин Натальевна Цой Дмитрий "
    "Наталья Алексей Сергеевич Фёдор Юлия Жуков Хрущёв Евгений Кузьмич Татьяна Ёлкин Любовь "
    "Ульяна Софья Ярослав Игоревич Григорьевна Яковлев Щербаков Чернышёв Цветаева Майя"
)


@pytest.mark.parametrize("scheme", COMMON_SCHEMES)
def test_every_common_scheme_folds_to_the_cyrillic_key(scheme: str) -> None:
    latin = getattr(iuliia, scheme).translate(NAMES)
    assert text_keys(latin) == text_keys(NAMES)


def test_kseniya_ksenia_kseniia_are_one_name() -> None:
    assert {word_key(w) for w in ("kseniya", "ksenia", "kseniia", "ксения")} == {"ksenia"}


def test_sky_skiy_skii_endings_are_one() -> None:
    keys = {word_key(w) for w in ("dostoevsky", "dostoevskiy", "dostoevskii", "dostoyevsky")}
    assert keys == {word_key("достоевский")}


def test_yekaterinburg_and_ekaterinburg_are_one() -> None:
    assert text_keys("Yekaterinburg") == text_keys("Ekaterinburg") == text_keys("Екатеринбург")


def test_yo_and_ye_are_one() -> None:
    assert text_keys("Семёнова Фёдор") == text_keys("Семенова Федор")
    assert text_keys("Semyonova Fyodor") == text_keys("Semenova Fedor")


def test_look_alike_latin_letters_in_a_cyrillic_word_are_read_as_cyrillic() -> None:
    # Latin e, p and o in a Cyrillic word.
    assert text_keys("Пeтpoва") == text_keys("Петрова")


def test_short_i_keeps_its_breve_for_the_dictionary() -> None:
    assert words("Петровой Андрей", join_hyphens=True) == ("петровой", "андрей")


def test_hyphenated_surnames_join_but_council_names_split() -> None:
    assert len(text_keys("Щукина-Чайковская")) == 1
    assert len(text_keys("Лиговка-Ямская", join_hyphens=False)) == 2


def test_place_stems_meet_across_cases_and_scripts() -> None:
    stems = {place_stem(key) for key in text_keys("Иркутска Иркутская Irkutsk")}
    assert len(stems) == 1
    assert place_stem(word_key("семеновского")) == place_stem(word_key("semyonovsky"))


def test_words_in_other_scripts_have_no_case_forms() -> None:
    from undersigned.officials.names import case_forms

    assert case_forms("\U00017000") == ()
    assert case_forms("ксении") == ("ksenia",)


def test_latin_tsh_is_t_and_sh_not_ts_and_h() -> None:
    assert word_key("davletshino") == word_key("давлетшино")


def test_a_surname_in_the_other_genders_form() -> None:
    from undersigned.officials.names import other_gender

    assert other_gender(word_key("петрова"), word_key("петров"))
    assert other_gender(word_key("вишневский"), word_key("вишневская"))
    assert not other_gender(word_key("петрова"), word_key("петрова"))
    # "Рудковской" is a case of "Рудковская", not a man's "Рудковской".
    assert not other_gender(word_key("рудковской"), word_key("рудковская"))
