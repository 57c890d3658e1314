"""Russian names as signers write them: case forms, diminutives, initials, patronymics.

Everything here works on the keys of `folding`, so Cyrillic and Latin spellings meet.
"""

import re
from functools import cache, lru_cache

from undersigned.officials.folding import word_key

# Common diminutives and the full first names they stand for.
DIMINUTIVES = {
    "Саша": ("Александр", "Александра"), "Шура": ("Александр", "Александра"),
    "Ксюша": ("Ксения",), "Ксеня": ("Ксения",), "Дима": ("Дмитрий",), "Митя": ("Дмитрий",),
    "Катя": ("Екатерина",), "Лена": ("Елена",), "Леночка": ("Елена",), "Таня": ("Татьяна",),
    "Наташа": ("Наталья", "Наталия"), "Женя": ("Евгений", "Евгения"), "Серёжа": ("Сергей",),
    "Вова": ("Владимир",), "Володя": ("Владимир",), "Миша": ("Михаил",), "Коля": ("Николай",),
    "Петя": ("Пётр",), "Лёша": ("Алексей",), "Алёша": ("Алексей",), "Юля": ("Юлия",),
    "Маша": ("Мария",), "Оля": ("Ольга",), "Света": ("Светлана",), "Аня": ("Анна",),
    "Настя": ("Анастасия",), "Ира": ("Ирина",), "Галя": ("Галина",), "Люба": ("Любовь",),
    "Надя": ("Надежда",), "Паша": ("Павел",), "Гриша": ("Григорий",), "Костя": ("Константин",),
    "Толя": ("Анатолий",), "Слава": ("Вячеслав", "Святослав", "Ярослав", "Владислав"),
    "Витя": ("Виктор",), "Лёня": ("Леонид",), "Федя": ("Фёдор",), "Ваня": ("Иван",),
    "Боря": ("Борис",), "Гена": ("Геннадий",), "Валя": ("Валентина", "Валентин"),
    "Рома": ("Роман",), "Андрюша": ("Андрей",), "Лиза": ("Елизавета",), "Даша": ("Дарья",),
    "Соня": ("Софья", "София"), "Поля": ("Полина",), "Вика": ("Виктория",),
    "Лера": ("Валерия",), "Макс": ("Максим",), "Тёма": ("Артём",), "Стас": ("Станислав",),
    "Влад": ("Владислав",), "Юра": ("Юрий",), "Жора": ("Георгий",), "Гоша": ("Георгий",),
    "Лёва": ("Лев",), "Сеня": ("Семён", "Арсений"), "Тоня": ("Антонина",), "Зина": ("Зинаида",),
    "Люда": ("Людмила",), "Мила": ("Людмила",), "Рая": ("Раиса",), "Лара": ("Лариса",),
    "Кирюша": ("Кирилл",), "Егорка": ("Егор",), "Игорёк": ("Игорь",), "Олежка": ("Олег",),
    "Илюша": ("Илья",), "Никитка": ("Никита",), "Тима": ("Тимофей", "Тимур"), "Вера": ("Вера",),
    "Тамара": ("Тамара",), "Марина": ("Марина",), "Дуся": ("Евдокия",), "Ната": ("Наталья",),
    "Алла": ("Алла",), "Нина": ("Нина",), "Вадик": ("Вадим",), "Сева": ("Всеволод",),
}  # fmt: skip


@cache
def diminutive_keys() -> dict[str, tuple[tuple[str, str], ...]]:
    """Key of a diminutive -> (key, Cyrillic spelling) of each full name it stands for."""
    table: dict[str, tuple[tuple[str, str], ...]] = {}
    for short, full_names in DIMINUTIVES.items():
        key = word_key(short.casefold().replace("ё", "е"))
        table[key] = tuple(
            (word_key(name.casefold().replace("ё", "е")), name) for name in full_names
        )
    return table


# Patronymic endings in key form, with the gender they mark.
_PATRONYMIC_ENDINGS = (
    ("iCna", "f"), ("ovna", "f"), ("evna", "f"), ("oviC", "m"), ("eviC", "m"), ("iC", "m"),
    ("kizi", "f"), ("ogli", "m"),
)  # fmt: skip


def patronymic_root(key: str) -> tuple[str, str]:
    """A patronymic's root (the father's name, roughly) and the gender its ending marks."""
    for ending, gender in _PATRONYMIC_ENDINGS:
        if key.endswith(ending) and len(key) > len(ending) + 1:
            return key[: -len(ending)], gender
    return key, ""


# Surname endings in key form, masculine and feminine: Петров/Петрова, Лесной/Лесная.
# Not "-ской": that is also a case of "-ская" ("Рудковской").
_SURNAME_GENDERS = (
    ("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("ski", "skaia"), ("cki", "ckaia"),
)  # fmt: skip


def other_gender(key: str, other: str) -> bool:
    """The same surname in the other gender's form: "petrova" and "petrov"."""
    for masculine, feminine in _SURNAME_GENDERS:
        for a, b in ((key, other), (other, key)):
            if (
                a.endswith(feminine)
                and b.endswith(masculine)
                and a[: -len(feminine)] == b[: -len(masculine)]
                and len(b) > len(masculine) + 2
            ):
                return True
    return False


# Latin spellings back to Cyrillic, longest first, so the dictionary can read a Latin
# name in another case ("Ksenii Petrovoy"). Rough, but only ever adds candidates' forms.
_TO_CYRILLIC = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("yu", "ю"), ("iu", "ю"), ("ju", "ю"), ("ya", "я"), ("ia", "я"), ("ja", "я"), ("yo", "ё"),
    ("ye", "е"), ("je", "е"), ("iy", "ий"), ("yi", "ый"), ("a", "а"), ("b", "б"), ("v", "в"),
    ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("y", "ы"), ("x", "кс"),
)  # fmt: skip
_TO_CYRILLIC_PATTERN = re.compile("|".join(latin for latin, _ in _TO_CYRILLIC))
_TO_CYRILLIC_MAP = dict(_TO_CYRILLIC)
_VOWELS = "аеёиоуыэюя"
_LOOK_ALIKES = str.maketrans("aeopcxyiіїk", "аеорсхуииик")
_RUSSIAN_WORD = re.compile(r"^[а-яё]+$")


def look_alikes_to_cyrillic(word: str) -> str:
    """A Cyrillic word with Latin look-alike letters typed inside, all in Cyrillic."""
    return word.translate(_LOOK_ALIKES)


def latin_to_cyrillic(word: str) -> str:
    cyrillic = _TO_CYRILLIC_PATTERN.sub(lambda m: _TO_CYRILLIC_MAP[m.group(0)], word)
    # A final "y" after a vowel is й ("Sergey"), and so is a final "i" after "o" or "e"
    # ("Petrovoi", "Sergei").
    if cyrillic.endswith(("ы", "и")) and len(cyrillic) > 2 and cyrillic[-2] in _VOWELS:
        cyrillic = cyrillic[:-1] + "й"
    return cyrillic


@lru_cache(maxsize=1)
def morph() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=100_000)
def case_forms(word: str) -> tuple[str, ...]:
    """Keys of the nominative forms a name word may stand for ("ксении" -> "ксения").

    `word` is a folded word; it goes through pymorphy3's dictionary (Latin words
    written back in Cyrillic first), keeping grammatical gender: "Петровой" gives
    "Петрова", not "Петров".
    """
    own = word_key(word)
    if not word.isalpha():
        return ()
    cyrillic = word if not word.isascii() else latin_to_cyrillic(word)
    # Latin look-alikes typed inside a Cyrillic word ("Мусiна"), and the Ukrainian "і".
    cyrillic = cyrillic.translate(_LOOK_ALIKES)
    if not _RUSSIAN_WORD.match(cyrillic):  # the dictionary knows Russian letters only
        return ()
    forms: list[str] = []
    for parse in morph().parse(cyrillic)[:8]:  # type: ignore[attr-defined]
        inflected = parse.inflect({"sing", "nomn"}) or parse.inflect({"nomn"})
        if inflected is not None:
            forms.append(word_key(inflected.word))
    return tuple(dict.fromkeys(form for form in forms if form != own))
