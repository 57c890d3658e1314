"""The matcher's tuned constants: what each part of a claim is worth, and what costs."""

# Roles of the words of a name, as indices into `NameParts`.
SURNAME, FIRST, PATRONYMIC = 0, 1, 2
ROLES = (SURNAME, FIRST, PATRONYMIC)
WEIGHTS = (0.45, 0.30, 0.25)
# What a part the signer left out is worth: a missing patronymic costs little.
MISSING = (0.0, 0.3, 0.85)
INITIAL_SIMILARITY = 0.9
DIMINUTIVE_SIMILARITY = 0.96
# What a part found through a typo on top of a case or a diminutive keeps.
TYPO_FACTOR = 0.95
# What a word no official is named keeps when it is one letter off a name part (a letter
# dropped, added or mistyped, or two swapped), at least.
ONE_TYPO = 0.9
# A first name written right that is another first name ("Инна" for "Дина"): at most this.
OTHER_FIRST_NAME = 0.4
# A surname in the other gender's form ("Петрова" for "Петров") as written, not a case
# form: a wife or a sister.
OTHER_GENDER_SURNAME = 0.5
# A word with a patronymic's ending compared with a surname without one: alike by chance.
PATRONYMIC_AS_SURNAME = 0.8
# Below this a part written by both sides is taken to disagree, not to hold a typo (per
# role: a short patronymic with a typo, "Ильсч" for "Ильич", is still far from any other).
AGREEMENT = (0.7, 0.7, 0.6)
DISAGREEMENT_FACTOR = 0.75
# The surname carries most of a name's identity: another surname is another person.
SURNAME_DISAGREEMENT_FACTOR = 0.5
EXTRA_WORD_FACTOR = 0.9
UNUSUAL_ORDER_COST = 0.01
NAME_WEIGHT, PLACE_WEIGHT, REGION_WEIGHT = 0.78, 0.17, 0.05
UNKNOWN_PLACE, UNKNOWN_REGION = 0.7, 0.6
PLACE_DISAGREEMENT_FACTOR, REGION_DISAGREEMENT_FACTOR = 0.9, 0.85
# Council words less alike than this count as different councils.
PLACE_FLOOR = 0.5
PLACE_TYPO = 0.8
PLACE_AGREEMENT = 85.0
FUZZY_SURNAME_CUTOFF = 80.0
# Name part orders people write in: Фамилия Имя Отчество, or Имя Отчество Фамилия.
USUAL_ORDERS = ((SURNAME, FIRST, PATRONYMIC), (FIRST, PATRONYMIC, SURNAME))
# A candidate scored below review that agrees with most of the claim is reviewed down to
# this score; below it, nothing is.
REVIEW_FLOOR = 0.5
AGREEMENT_ON_MOST = 0.8
# More alike than this, a surname beside a council and the other parts that agree may
# hold a typo or two ("Кчоетквоа"): reviewed, not dropped.
SURNAME_WITH_TYPOS = 0.6
