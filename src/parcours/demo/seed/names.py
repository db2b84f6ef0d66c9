"""Fictional multilingual names, built from syllables: nobody's name list is copied.

Each culture joins a few syllables (with the diacritics its spelling uses: ă, ș, ț in Romanian,
ë and ç in Albanian, the tones of Vietnamese) into given and family names, so that search is
exercised on what it has to handle (transliteration, several given names, a family name in two
parts). A name may happen to exist somewhere; none is taken from a list of real people.

Everything is drawn from the ``random.Random`` given, so a seed gives the same names.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Culture:
    """How names of one culture are built, and what goes with them (codes and labels the demo
    uses: nationalities and languages as the intake form writes them, in French)."""

    code: str
    starts: tuple[str, ...]
    middles: tuple[str, ...]
    ends: tuple[str, ...]
    family_starts: tuple[str, ...]
    family_ends: tuple[str, ...]
    syllables: tuple[int, int]  # syllables of a given name, min and max
    nationalities: tuple[str, ...]
    languages: tuple[str, ...]
    second_given: float = 0.3  # share of people with a second given name
    one_syllable: bool = False  # given names of one or two separate syllables (Vietnamese...)
    family_first: bool = False  # the family name is said first (shown in lists anyway)


CULTURES: dict[str, Culture] = {
    c.code: c
    for c in (
        Culture(
            "fr",
            ("Ma", "Lo", "Cé", "Ju", "Ro", "Hé", "Ga", "Ma", "Val", "Ber", "É", "Sé"),
            ("ri", "lé", "ra", "li", "no", "na", "ma", "ti"),
            ("ne", "lie", "rine", "nin", "ric", "lien", "tine", "bert", "lise", "rand"),
            ("Le", "Du", "Mar", "Ber", "Fon", "Ro", "Lam", "Cha", "Gar", "Bou", "Mo"),
            ("ville", "mont", "tier", "chet", "nard", "quin", "rel", "vert", "lard", "zac"),
            (2, 3),
            ("France",),
            ("français",),
        ),
        Culture(
            "ar",
            ("Sa", "Ya", "Ha", "Na", "Ka", "Fa", "Ra", "Za", "Mou", "A", "Ou", "I"),
            ("mi", "si", "di", "ri", "li", "ba", "ha", "la"),
            ("ra", "ma", "na", "dine", "lia", "rim", "mir", "sef", "jib", "lah"),
            ("Ben", "El ", "Ait ", "Bel", "Ou", "Ha", "Za", "Char", "Tah", "Bou"),
            ("haddi", "amri", "souli", "kadi", "rissi", "nani", "ouali", "djaffar", "mane", "ziz"),
            (2, 3),
            ("Maroc", "Algérie", "Tunisie", "Égypte"),
            ("arabe", "français", "tamazight"),
        ),
        Culture(
            "ro",
            ("Io", "Mi", "Flo", "Ste", "Ra", "Cri", "Do", "Ga", "Lu", "Vio", "Tu", "A"),
            ("ri", "la", "ne", "fă", "ti", "ri", "de", "li"),
            ("na", "nel", "rin", "lica", "dor", "rel", "ța", "ian", "ela", "ică"),
            ("Po", "Io", "Con", "Stă", "Dră", "Mun", "Bă", "Ni", "Şer", "Tă"),
            ("escu", "ovici", "ănescu", "aru", "ea", "ilă", "eanu", "ache", "șan", "țu"),
            (2, 3),
            ("Roumanie", "Moldavie"),
            ("roumain", "romani"),
        ),
        Culture(
            "ng",
            ("Chi", "O", "A", "Ade", "Ngo", "I", "Olu", "E", "Ba", "Fun", "Ke", "U"),
            ("ba", "la", "mi", "yo", "wa", "no", "ke", "ri"),
            ("ma", "mide", "chi", "dun", "ke", "ye", "la", "sola", "nna", "bi"),
            ("O", "Ade", "E", "Nwa", "Oko", "Ba", "I", "A", "Eze", "Obi"),
            ("kafor", "yemi", "lowo", "chukwu", "deji", "nkwo", "batunde", "gbe", "koro", "nna"),
            (2, 4),
            ("Nigeria", "Ghana", "Cameroun"),
            ("anglais", "pidgin", "yoruba", "igbo", "edo"),
        ),
        Culture(
            "vi",
            ("Minh", "Thu", "Lan", "Hoa", "Tuấn", "Ngọc", "Quang", "Phương", "Hải", "Linh"),
            ("Thị", "Văn", "Đức", "Kim", "Xuân", "Thanh"),
            ("Mai", "Anh", "Hương", "Nam", "Trang", "Hùng", "Yến", "Dũng", "Hà", "Long"),
            ("Trần", "Lê", "Phạm", "Đặng", "Võ", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"),
            ("",),
            (1, 2),
            ("Viêt Nam",),
            ("vietnamien",),
            second_given=0.7,
            one_syllable=True,
            family_first=True,
        ),
        Culture(
            "zh",
            ("Xiao", "Li", "Mei", "Jian", "Wei", "Hui", "Yan", "Jing", "Zhi", "Qing"),
            ("hua", "ling", "feng", "yu", "ming", "lan"),
            ("na", "hong", "jun", "xin", "ting", "bo", "fang", "lei", "yun", "tao"),
            ("Zh", "W", "L", "Ch", "Y", "X", "H", "G", "Sh", "D"),
            ("ang", "ao", "iu", "en", "eng", "ong", "ai", "uo", "an", "ie"),
            (2, 2),
            ("Chine",),
            ("mandarin", "wu", "cantonais"),
            second_given=0.0,
            family_first=True,
        ),
        Culture(
            "sq",
            ("Ar", "Dri", "Ë", "Fa", "Gë", "Le", "Blé", "Mi", "Ro", "Va", "Dre", "Ke"),
            ("nd", "li", "ri", "të", "ti", "do", "ja", "sa"),
            ("ta", "ni", "ona", "jon", "sa", "mir", "ina", "tim", "bardh", "ça"),
            ("Ho", "Kra", "Le", "Dra", "Ba", "Shk", "Ga", "Çe", "Ma", "Zo"),
            ("xha", "sniqi", "ka", "gaj", "shi", "rëti", "lla", "ku", "ni", "ri"),
            (2, 3),
            ("Albanie", "Kosovo"),
            ("albanais",),
        ),
        Culture(
            "uk",
            ("Ole", "Ta", "Ok", "Na", "Ser", "Yu", "Ma", "Iry", "Dmy", "Vi", "Bo", "Li"),
            ("ksa", "ra", "sa", "li", "hi", "ri"),
            ("na", "iy", "nka", "ra", "ro", "kta", "dan", "ya", "sia", "lia"),
            ("Ko", "Shev", "Bon", "Tka", "Mel", "Kra", "Po", "Sav", "Hry", "Lys"),
            (
                "valenko",
                "chenko",
                "darenko",
                "chuk",
                "nyk",
                "vets",
                "lyshyn",
                "chenko",
                "yuk",
                "as",
            ),
            (2, 3),
            ("Ukraine",),
            ("ukrainien", "russe"),
        ),
    )
}

# Who the mechanism meets, roughly (fictional shares for synthetic data, not statistics).
CULTURE_WEIGHTS = {"ng": 26, "fr": 18, "ro": 14, "ar": 14, "zh": 8, "vi": 7, "sq": 7, "uk": 6}


def _given(rng: random.Random, culture: Culture) -> str:
    if culture.one_syllable:
        parts = [rng.choice(culture.middles)] if rng.random() < culture.second_given else []
        return " ".join([*parts, rng.choice(culture.ends + culture.starts)])
    count = rng.randint(*culture.syllables)
    word = rng.choice(culture.starts)
    for _ in range(count - 2):
        word += rng.choice(culture.middles)
    if count > 1:
        word += rng.choice(culture.ends)
    return word[0].upper() + word[1:]


def given_names(rng: random.Random, culture: Culture) -> str:
    names = [_given(rng, culture)]
    if not culture.one_syllable and rng.random() < culture.second_given:
        second = _given(rng, culture)
        # French second given names are often joined by a hyphen (Jean-Marc).
        return (
            f"{names[0]}-{second}"
            if culture.code == "fr" and rng.random() < 0.5
            else (f"{names[0]} {second}")
        )
    return names[0]


def family_name(rng: random.Random, culture: Culture) -> str:
    if culture.code == "vi":
        return rng.choice(culture.family_starts)
    name = rng.choice(culture.family_starts) + rng.choice(culture.family_ends)
    name = " ".join(word[0].upper() + word[1:] for word in name.split())
    if culture.code == "fr" and rng.random() < 0.05:  # a double family name
        other = rng.choice(culture.family_starts) + rng.choice(culture.family_ends)
        name = f"{name}-{other.capitalize()}"
    return name


def pick_culture(rng: random.Random) -> Culture:
    codes = list(CULTURE_WEIGHTS)
    return CULTURES[rng.choices(codes, weights=[CULTURE_WEIGHTS[c] for c in codes])[0]]


@dataclass(frozen=True)
class Name:
    culture: str
    given_names: str
    family_name: str
    aliases: tuple[str, ...]


def person_name(rng: random.Random, culture: Culture | None = None) -> Name:
    """A fictional person's name: given names, family name and, for some, an alias (a nickname
    given by the network, or a name spelled otherwise)."""
    culture = culture or pick_culture(rng)
    given, family = given_names(rng, culture), family_name(rng, culture)
    aliases = ()
    if rng.random() < 0.15:
        aliases = (_given(rng, culture),)
    return Name(culture.code, given, family, aliases)


def professional_name(rng: random.Random) -> tuple[str, str]:
    """A fictional professional's first and last name (the users of the synthetic country)."""
    culture = CULTURES["fr"] if rng.random() < 0.7 else pick_culture(rng)
    return _given(rng, culture), family_name(rng, culture)
