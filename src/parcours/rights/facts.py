"""The facts of a case the rights depend on, and the named conditions over them.

A fact is recorded once for a case (who said so, when: ``rights.models.Fact``) and read by every
right; a few are derived from what the case already holds (the age, from the date of birth).
Each belongs to the field group whose readers may see it (its question and its answer).

A condition is a plain Python predicate named in the catalogue (``catalogue.yaml``): it answers
True, False or None, None meaning that a fact it needs is unknown; it names the facts it reads,
so that an unknown one can be asked, and says in words why it fails. The catalogue combines
them with ``all`` (a list), ``any`` and ``not``; nothing is parsed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.core.groups import FieldGroup

BOOL, DATE, CHOICE = "bool", "date", "choice"


@dataclass(frozen=True)
class FactDef:
    name: str
    kind: str
    group: str
    question: str
    choices: tuple[tuple[str, str], ...] = ()
    derived: bool = False  # computed from the case, never asked


STAY_STATUSES = (
    ("none", _("No residence permit (irregular stay)")),
    ("asylum_seeker", _("Asylum seeker")),
    ("receipt", _("Receipt (récépissé) during the procedure")),
    ("victim_card", _("Temporary card as a victim (CESEDA L425-1)")),
    ("resident_card", _("Resident card (CESEDA L425-3)")),
    ("other_permit", _("Another residence permit")),
)
REGULAR_STAYS = {"receipt", "victim_card", "resident_card", "other_permit"}

FACT_LIST = [
    FactDef("age", "int", FieldGroup.IDENTITY, _("How old is the person?"), derived=True),
    FactDef(
        "eu_national", BOOL, FieldGroup.IDENTITY, _("Is the person a national of an EU country?")
    ),
    FactDef(
        "identified_on",
        DATE,
        FieldGroup.JUSTICE,
        _("On which date did the police or gendarmerie identify the person as a presumed victim?"),
    ),
    FactDef(
        "complaint_or_testimony",
        BOOL,
        FieldGroup.JUSTICE,
        _("Has the person filed a complaint or testified against the exploiters?"),
    ),
    FactDef(
        "ties_broken",
        BOOL,
        FieldGroup.SAFETY,
        _("Has the person broken every tie with the exploiters?"),
    ),
    FactDef(
        "public_order_threat",
        BOOL,
        FieldGroup.JUSTICE,
        _("Has the prefecture stated a threat to public order against the person?"),
    ),
    FactDef(
        "final_conviction",
        BOOL,
        FieldGroup.JUSTICE,
        _("Has a court finally convicted the accused?"),
    ),
    FactDef(
        "stay_status",
        CHOICE,
        FieldGroup.IMMIGRATION,
        _("What is the person's residence status?"),
        choices=STAY_STATUSES,
    ),
    FactDef(
        "card_expires_on",
        DATE,
        FieldGroup.IMMIGRATION,
        _("Until when is the person's residence card or receipt valid?"),
    ),
    FactDef(
        "present_three_months",
        BOOL,
        FieldGroup.IMMIGRATION,
        _("Has the person lived in France for three months or more?"),
    ),
    FactDef(
        "in_child_welfare_before_18",
        BOOL,
        FieldGroup.SOCIAL,
        _("Was the person in child-welfare (ASE) care before 18?"),
    ),
    FactDef("has_resources", BOOL, FieldGroup.SOCIAL, _("Does the person have an income?")),
    FactDef(
        "has_family_support", BOOL, FieldGroup.SOCIAL, _("Can the person count on their family?")
    ),
    FactDef(
        "has_address",
        BOOL,
        FieldGroup.SOCIAL,
        _("Does the person have a postal address (a home or a domiciliation)?"),
    ),
    FactDef("has_housing", BOOL, FieldGroup.SOCIAL, _("Does the person have stable housing?")),
    FactDef(
        "has_health_cover",
        BOOL,
        FieldGroup.HEALTH,
        _("Does the person have health cover (PUMa or AME)?"),
    ),
    FactDef(
        "has_employment_contract",
        BOOL,
        FieldGroup.SOCIAL,
        _("Does the person have an employment or training contract?"),
    ),
    FactDef(
        "in_local_danger",
        BOOL,
        FieldGroup.SAFETY,
        _("Is the person in danger where they are, so that they must be sheltered far away?"),
    ),
    FactDef(
        "agrees_to_move",
        BOOL,
        FieldGroup.SAFETY,
        _("Does the person fully agree to be sheltered far from where they are?"),
    ),
]
FACTS: dict[str, FactDef] = {fact.name: fact for fact in FACT_LIST}


class Facts:
    """The facts known for one case: recorded ones and derived ones (``get`` answers None for
    an unknown fact; nothing raises)."""

    def __init__(self, values: dict, today: datetime.date | None = None):
        unknown = set(values) - set(FACTS)
        if unknown:
            raise ValueError(f"unknown facts: {sorted(unknown)}")
        self.values = dict(values)
        self.today = today or timezone.localdate()

    def get(self, name: str):
        return self.values.get(name)

    def known(self, name: str) -> bool:
        return self.values.get(name) is not None


# -- conditions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predicate:
    name: str
    needs: tuple[str, ...]
    test: Callable  # (facts) -> bool (only called when every needed fact is known)
    fails: str  # why it does not hold, in words
    holds: str = ""  # what it means when it holds (for the review page)

    def __call__(self, facts: Facts) -> bool | None:
        if not all(facts.known(name) for name in self.needs):
            return None
        return bool(self.test(facts))


@dataclass
class _Registry:
    predicates: dict[str, Predicate] = field(default_factory=dict)

    def add(self, name, needs, test, fails, holds=""):
        unknown = set(needs) - set(FACTS)
        if unknown:
            raise ValueError(f"predicate {name} reads unknown facts {sorted(unknown)}")
        self.predicates[name] = Predicate(name, tuple(needs), test, fails, holds)


_r = _Registry()


def _true(name):
    return lambda facts: facts.get(name) is True


def _false(name):
    return lambda facts: facts.get(name) is False


_r.add("adult", ["age"], lambda f: f.get("age") >= 18, _("The person is a minor."))
_r.add("minor", ["age"], lambda f: f.get("age") < 18, _("The person is an adult."))
_r.add("under_21", ["age"], lambda f: f.get("age") < 21, _("The person is 21 or older."))
_r.add("under_26", ["age"], lambda f: f.get("age") < 26, _("The person is 26 or older."))
_r.add("not_eu_national", ["eu_national"], _false("eu_national"), _("EU nationals are excluded."))
_r.add(
    "identified",
    ["identified_on"],
    lambda f: f.get("identified_on") <= f.today,
    _("The person has not been identified by the police or gendarmerie."),
)
_r.add(
    "complaint_or_testimony",
    ["complaint_or_testimony"],
    _true("complaint_or_testimony"),
    _("The person has neither filed a complaint nor testified."),
)
_r.add("ties_broken", ["ties_broken"], _true("ties_broken"), _("Ties with the exploiters remain."))
_r.add(
    "no_public_order_threat",
    ["public_order_threat"],
    _false("public_order_threat"),
    _("A threat to public order was stated."),
)
_r.add(
    "final_conviction",
    ["final_conviction"],
    _true("final_conviction"),
    _("No final conviction yet."),
)
_r.add(
    "irregular_stay",
    ["stay_status"],
    lambda f: f.get("stay_status") in ("none", "asylum_seeker"),
    _("The person already holds a residence permit."),
)
_r.add(
    "regular_stay",
    ["stay_status"],
    lambda f: f.get("stay_status") in REGULAR_STAYS,
    _("The person holds no residence permit or receipt."),
)
_r.add(
    "holds_victim_card",
    ["stay_status"],
    lambda f: f.get("stay_status") in ("victim_card", "resident_card"),
    _("The person does not hold the victim's residence card."),
)
_r.add(
    "in_child_welfare_before_18",
    ["in_child_welfare_before_18"],
    _true("in_child_welfare_before_18"),
    _("The person was not in child-welfare care before 18."),
)
_r.add(
    "lacks_resources", ["has_resources"], _false("has_resources"), _("The person has an income.")
)
_r.add(
    "lacks_family_support",
    ["has_family_support"],
    _false("has_family_support"),
    _("The person can count on their family."),
)
_r.add("has_address", ["has_address"], _true("has_address"), _("The person has no postal address."))
_r.add("no_address", ["has_address"], _false("has_address"), _("The person has an address."))
_r.add(
    "has_health_cover",
    ["has_health_cover"],
    _true("has_health_cover"),
    _("The person has no health cover."),
)
_r.add(
    "no_health_cover",
    ["has_health_cover"],
    _false("has_health_cover"),
    _("The person already has health cover."),
)
_r.add("has_housing", ["has_housing"], _true("has_housing"), _("The person has no housing."))
_r.add("has_resources", ["has_resources"], _true("has_resources"), _("The person has no income."))
_r.add("no_housing", ["has_housing"], _false("has_housing"), _("The person has housing."))
_r.add(
    "has_employment_contract",
    ["has_employment_contract"],
    _true("has_employment_contract"),
    _("The person has no employment or training contract."),
)
_r.add(
    "in_local_danger",
    ["in_local_danger"],
    _true("in_local_danger"),
    _("The person is not in danger where they are."),
)
_r.add(
    "agrees_to_move",
    ["agrees_to_move"],
    _true("agrees_to_move"),
    _("The person does not agree to be sheltered far away."),
)
_r.add(
    "present_three_months",
    ["present_three_months"],
    _true("present_three_months"),
    _("The person has lived in France for less than three months."),
)

PREDICATES: dict[str, Predicate] = _r.predicates


def derived_facts(case, today: datetime.date) -> dict:
    """The facts the case already holds (read only for readers allowed the group): the age,
    and what the stages of identification say (``identification.stages``: the date of
    identification, a complaint or testimony, a conviction), which win over an answer given
    before the stage was recorded."""
    from parcours.identification.stages import stage_facts

    return _derived(case.person.age_on(today), stage_facts(case))


def _derived(age: int | None, of_stages: dict) -> dict:
    return {**({"age": age} if age is not None else {}), **of_stages}


def derived_facts_in_bulk(case_ids, today: datetime.date) -> dict[int, dict]:
    """``derived_facts`` of many cases (``case_ids``: a queryset of ids) in two queries, for
    the periodic work: case id -> its derived facts."""
    from parcours.cases.models import Case
    from parcours.identification.models import Stage
    from parcours.identification.stages import facts_of_stages
    from parcours.people.models import Person

    reached: dict[int, dict] = {}
    stages = Stage.objects.filter(case_id__in=case_ids).values_list("case_id", "code", "on")
    for case_id, code, on in stages:
        reached.setdefault(case_id, {})[code] = on
    births = Case.objects.filter(pk__in=case_ids).values_list("pk", "person__birth_date")
    return {
        case_id: _derived(
            Person(birth_date=birth).age_on(today), facts_of_stages(reached.get(case_id, {}))
        )
        for case_id, birth in births
    }
