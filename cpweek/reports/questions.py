"""The equality monitoring questions, as data: each question's words as a person reads them,
and its options' stable codes and words.

A code is what is stored and counted; it never changes once answers exist (change the words,
never the code). Every question ends with "Prefer not to say" (`PREFER_NOT`). Not answering a
question at all is different: it is stored as NULL ("skipped"), the default for every question.

Sources, so the totals can be set beside national figures:

- Ethnic group: the ONS's Census 2021 ethnic group classification for England and Wales, 19
  groups under 5 headings, in the ONS's own words (including "White: Roma" and "White: Gypsy
  or Irish Traveller", both new or separate in 2021).
- Disability: the GSS harmonised standard (Government Statistical Service, "Long-lasting health
  conditions and illnesses; impairments and disability"): a condition lasting or expected to
  last 12 months or more; if yes, whether it reduces day-to-day activities.
- Sex, and gender identity: the Census 2021 questions. The gender identity question's write-in
  box is not offered: a written-in identity is rare by nature, so it would single a person out
  in any table, and free text cannot be counted or suppressed like an option.
- Sexual orientation: the Census 2021 options (asked of people aged 16 or over; every age band
  here starts at 16). Its write-in box is left out for the same reason.
- Age: ten-year bands from 25, as the ONS's Annual Population Survey and Census tables commonly
  group ages (16 to 24 kept together, 75 and over at the top), so they can be rebuilt from the
  Census's single years of age.
- Unpaid care: the Census 2021 question. DOMAIN.md marks its hours bands unverified; they are
  the five bands of the ONS's published table TS039 (Provision of unpaid care: 9 hours or less,
  10 to 19, 20 to 34, 35 to 49, 50 or more a week), checked against England's figures, so the
  answers compare with that table (migration 0025 holds its shares).
- Region: England's nine regions (the former Government Office Regions, as ONS publishes them),
  and outside England.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

PREFER_NOT = "prefer_not"
PREFER_NOT_WORDS = "Prefer not to say"


@dataclass(frozen=True)
class Option:
    code: str  # stored and counted; never changes
    words: str  # what the person reads
    group: str = ""  # a heading the option sits under (ethnic groups), else ""


@dataclass(frozen=True)
class Question:
    key: str  # the column the answer is kept in, and the form field's name
    words: str  # the question as a person reads it
    options: tuple[Option, ...]  # "Prefer not to say" last
    hint: str = ""
    follows: str = ""  # the key of the question this one follows up ("if yes")
    # The Easy Read page's words (short, plain, one idea a sentence); the options and their
    # codes are the same, so the answers count together.
    easy_words: str = ""
    easy_hint: str = ""

    def codes(self) -> frozenset[str]:
        return frozenset(option.code for option in self.options)

    def words_for(self, code: str) -> str:
        return next(option.words for option in self.options if option.code == code)


def _options(*pairs: tuple[str, str], group: str = "") -> tuple[Option, ...]:
    return tuple(Option(code, words, group) for code, words in pairs)


def _question(key: str, words: str, *options: Option, hint: str = "", follows: str = ""):
    return Question(
        key, words, (*options, Option(PREFER_NOT, PREFER_NOT_WORDS)), hint=hint, follows=follows
    )


def _easy(question: Question, words: str, hint: str = "") -> Question:
    return replace(question, easy_words=words, easy_hint=hint)


_ASIAN = "Asian, Asian British or Asian Welsh"
_BLACK = "Black, Black British, Black Welsh, Caribbean or African"
_MIXED = "Mixed or Multiple ethnic groups"
_WHITE = "White"
_OTHER = "Other ethnic group"

ETHNIC_GROUP = _question(
    "ethnic_group",
    "What is your ethnic group?",
    *_options(
        ("asian_bangladeshi", f"{_ASIAN}: Bangladeshi"),
        ("asian_chinese", f"{_ASIAN}: Chinese"),
        ("asian_indian", f"{_ASIAN}: Indian"),
        ("asian_pakistani", f"{_ASIAN}: Pakistani"),
        ("asian_other", f"{_ASIAN}: Other Asian"),
        group=_ASIAN,
    ),
    *_options(
        ("black_african", f"{_BLACK}: African"),
        ("black_caribbean", f"{_BLACK}: Caribbean"),
        ("black_other", f"{_BLACK}: Other Black"),
        group=_BLACK,
    ),
    *_options(
        ("mixed_white_asian", f"{_MIXED}: White and Asian"),
        ("mixed_white_black_african", f"{_MIXED}: White and Black African"),
        ("mixed_white_black_caribbean", f"{_MIXED}: White and Black Caribbean"),
        ("mixed_other", f"{_MIXED}: Other Mixed or Multiple ethnic groups"),
        group=_MIXED,
    ),
    *_options(
        ("white_british", f"{_WHITE}: English, Welsh, Scottish, Northern Irish or British"),
        ("white_irish", f"{_WHITE}: Irish"),
        ("white_gypsy_irish_traveller", f"{_WHITE}: Gypsy or Irish Traveller"),
        ("white_roma", f"{_WHITE}: Roma"),
        ("white_other", f"{_WHITE}: Other White"),
        group=_WHITE,
    ),
    *_options(
        ("other_arab", f"{_OTHER}: Arab"),
        ("other_any", f"{_OTHER}: Any other ethnic group"),
        group=_OTHER,
    ),
    hint="Choose the one that best describes your ethnic group or background.",
)

YES_NO = (("yes", "Yes"), ("no", "No"))

LONG_CONDITION = _question(
    "long_condition",
    "Do you have any physical or mental health conditions or illnesses lasting or expected "
    "to last 12 months or more?",
    *_options(*YES_NO),
)

CONDITION_REDUCES = _question(
    "condition_reduces",
    "If you said yes: does your condition or illness reduce your ability to carry out "
    "day-to-day activities?",
    *_options(("a_lot", "Yes, a lot"), ("a_little", "Yes, a little"), ("not_at_all", "Not at all")),
    hint="Only if you answered yes to the question before. Otherwise leave this one.",
    follows="long_condition",
)

SEX = _question("sex", "What is your sex?", *_options(("female", "Female"), ("male", "Male")))

GENDER_SAME = _question(
    "gender_same",
    "Is the gender you identify with the same as your sex registered at birth?",
    *_options(*YES_NO),
)

AGE_BAND = _question(
    "age_band",
    "How old are you?",
    *_options(
        ("16_24", "16 to 24"),
        ("25_34", "25 to 34"),
        ("35_44", "35 to 44"),
        ("45_54", "45 to 54"),
        ("55_64", "55 to 64"),
        ("65_74", "65 to 74"),
        ("75_over", "75 or over"),
    ),
)

SEXUAL_ORIENTATION = _question(
    "sexual_orientation",
    "Which of the following best describes your sexual orientation?",
    *_options(
        ("straight", "Straight or heterosexual"),
        ("gay_lesbian", "Gay or lesbian"),
        ("bisexual", "Bisexual"),
        ("other", "Other sexual orientation"),
    ),
)

# Census 2021's unpaid care question, in the hours bands of the ONS's table TS039 (see above).
UNPAID_CARE = _question(
    "unpaid_care",
    "Do you look after, or give any help or support to, anyone because they have long-term "
    "physical or mental health conditions or illnesses, or problems related to old age?",
    *_options(
        ("no", "No"),
        ("up_to_9", "Yes, 9 hours a week or less"),
        ("10_19", "Yes, 10 to 19 hours a week"),
        ("20_34", "Yes, 20 to 34 hours a week"),
        ("35_49", "Yes, 35 to 49 hours a week"),
        ("50_more", "Yes, 50 or more hours a week"),
    ),
    hint="Do not count anything you do as part of your paid work.",
)

DRAWS_ON_CARE = _question(
    "draws_on_care",
    "Do you draw on care and support, for example from adult social care?",
    *_options(*YES_NO),
    hint="For example help at home, a personal assistant, a day service or a direct payment.",
)

REGION = _question(
    "region",
    "Where do you live?",
    *_options(
        ("north_east", "North East"),
        ("north_west", "North West"),
        ("yorkshire_humber", "Yorkshire and The Humber"),
        ("east_midlands", "East Midlands"),
        ("west_midlands", "West Midlands"),
        ("east", "East of England"),
        ("london", "London"),
        ("south_east", "South East"),
        ("south_west", "South West"),
        ("outside_england", "Outside England"),
    ),
)

# The Easy Read page's words for each question (the options are the same).
ETHNIC_GROUP = _easy(
    ETHNIC_GROUP, "What is your ethnic group?", "Choose the one that fits you best."
)
LONG_CONDITION = _easy(
    LONG_CONDITION,
    "Do you have an illness or health condition that has lasted a year or more?",
    "Or one you expect to last a year or more. It can be physical or mental health.",
)
CONDITION_REDUCES = _easy(
    CONDITION_REDUCES,
    "Does your illness or condition make everyday things harder for you?",
    "Only answer this if you said yes to the question before.",
)
SEX = _easy(SEX, "What is your sex?")
GENDER_SAME = _easy(
    GENDER_SAME, "Is your gender the same as the sex you were given when you were born?"
)
AGE_BAND = _easy(AGE_BAND, "How old are you?")
SEXUAL_ORIENTATION = _easy(
    SEXUAL_ORIENTATION,
    "Which of these best describes your sexual orientation?",
    "Your sexual orientation means who you are attracted to.",
)
UNPAID_CARE = _easy(
    UNPAID_CARE,
    "Do you look after someone without being paid?",
    "For example a family member, friend or neighbour who is ill, disabled or older. "
    "Do not count care you do in a paid job.",
)
DRAWS_ON_CARE = _easy(
    DRAWS_ON_CARE,
    "Do you get care and support?",
    "For example help at home, a personal assistant, a day service or a direct payment.",
)
REGION = _easy(REGION, "Where do you live?", "Choose the part of England you live in.")

#: Every question, in the order the page asks them.
QUESTIONS: tuple[Question, ...] = (
    ETHNIC_GROUP,
    LONG_CONDITION,
    CONDITION_REDUCES,
    SEX,
    GENDER_SAME,
    AGE_BAND,
    SEXUAL_ORIENTATION,
    UNPAID_CARE,
    DRAWS_ON_CARE,
    REGION,
)
BY_KEY = {question.key: question for question in QUESTIONS}
