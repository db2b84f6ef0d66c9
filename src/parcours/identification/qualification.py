"""The legal-qualification helper (Code pénal art. 225-4-1): pure functions over a screening's
answers and whether the person is a minor.

Trafficking has three elements (../shared/DOMAIN.md, section 3):

- the *act*: recruiting, transporting, transferring, harbouring or receiving the person;
- the *means*, one of: (1°) threats, coercion, violence or deceit against the person, their
  family or someone close; (2°) an ascendant or a person with authority, or an abuse of
  authority; (3°) an abuse of vulnerability (age, illness, disability, pregnancy); (4°) a payment
  or an advantage, or the promise of one;
- the *purpose*: putting the person at someone's disposal for pimping or sexual assault;
  slavery, forced labour or servitude; organ removal; exploited begging; undignified work or
  housing conditions; or forcing them to commit a crime or an offence.

For a person under 18 no means is needed. An arranged marriage alone is not a listed purpose
(Cour de cassation): a forced-marriage indicator is known (``purpose:forced_marriage``) but
supports no purpose of the article; when it is the only purpose seen, the helper says so.

Each indicator supports one or more elements (``identification.indicators``); an element is
supported when one of its indicators is observed or reported by the person. The helper only
*recommends* (presumed victim, to examine, not indicated) and gives its reasons: formal
identification belongs to the police or gendarmerie.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

ACT = "act"
MEANS = "means"
PURPOSE = "purpose"
ELEMENTS = (ACT, MEANS, PURPOSE)

ELEMENT_LABELS = {
    ACT: gettext_lazy("Act"),
    MEANS: gettext_lazy("Means"),
    PURPOSE: gettext_lazy("Purpose"),
}
ELEMENT_DEFINITIONS = {
    ACT: gettext_lazy("recruiting, transporting, transferring, harbouring or receiving the person"),
    MEANS: gettext_lazy(
        "threats, coercion, violence or deceit; a person with authority; abuse of vulnerability; "
        "a payment or an advantage"
    ),
    PURPOSE: gettext_lazy(
        "putting the person at someone's disposal to exploit them (sexually, at work, by "
        "begging, by crime, by organ removal, or in undignified conditions)"
    ),
}

# The means of art. 225-4-1, by the code indicators name them with.
MEANS_CODES = {
    "coercion": gettext_lazy("threats, coercion, violence or deceit (1°)"),
    "authority": gettext_lazy("an ascendant or a person with authority, or abuse of it (2°)"),
    "vulnerability": gettext_lazy("abuse of vulnerability (3°)"),
    "payment": gettext_lazy("a payment or an advantage, or its promise (4°)"),
}
# The purposes the article lists.
PURPOSE_CODES = {
    "sexual_exploitation": gettext_lazy("pimping or sexual assault"),
    "forced_labour": gettext_lazy("slavery, forced labour or servitude"),
    "organ_removal": gettext_lazy("organ removal"),
    "begging": gettext_lazy("exploited begging"),
    "undignified_conditions": gettext_lazy("undignified working or housing conditions"),
    "forced_crime": gettext_lazy("being forced to commit a crime or an offence"),
}
# Known to the indicators, but not a purpose of the article (Cour de cassation).
FORCED_MARRIAGE = "forced_marriage"
UNLISTED_PURPOSES = {FORCED_MARRIAGE: gettext_lazy("a forced or arranged marriage")}

ELEMENT_CODES = (
    ACT,
    *(f"{MEANS}:{code}" for code in MEANS_CODES),
    *(f"{PURPOSE}:{code}" for code in (*PURPOSE_CODES, *UNLISTED_PURPOSES)),
)

PRESUMED_VICTIM = "presumed_victim"
TO_EXAMINE = "to_examine"
NOT_INDICATED = "not_indicated"
RECOMMENDATIONS = {
    PRESUMED_VICTIM: gettext_lazy("presumed victim"),
    TO_EXAMINE: gettext_lazy("to examine"),
    NOT_INDICATED: gettext_lazy("not indicated"),
}

# Answers that make an indicator support its elements.
SUPPORTING = {"observed", "reported"}
ANSWER_LABELS = {
    "observed": gettext_lazy("observed"),
    "reported": gettext_lazy("reported by the person"),
    "not_observed": gettext_lazy("not observed"),
    "unknown": gettext_lazy("unknown"),
}


def parse_element(text) -> tuple[str, str] | None:
    """``"act"`` -> ("act", ""), ``"means:payment"`` -> ("means", "payment"); None when the
    article has no such element."""
    if text == ACT:
        return (ACT, "")
    if not isinstance(text, str) or ":" not in text:
        return None
    element, code = text.split(":", 1)
    if element == MEANS and code in MEANS_CODES:
        return (MEANS, code)
    if element == PURPOSE and (code in PURPOSE_CODES or code in UNLISTED_PURPOSES):
        return (PURPOSE, code)
    return None


def code_label(element: str, code: str) -> str:
    if element == MEANS:
        return str(MEANS_CODES[code])
    if element == PURPOSE:
        return str(PURPOSE_CODES.get(code) or UNLISTED_PURPOSES[code])
    return ""


@dataclass(frozen=True)
class Support:
    """One indicator observed or reported, and what it says of one element."""

    indicator_id: str
    label: str
    answer: str
    answer_label: str
    code: str  # the means or purpose code ("" for the act)
    code_label: str
    counts: bool = True  # False for a purpose the article does not list (forced marriage)


@dataclass(frozen=True)
class Element:
    code: str  # act, means or purpose
    label: str
    definition: str
    required: bool
    supported: bool
    supports: tuple[Support, ...]
    reason: str


@dataclass(frozen=True)
class Qualification:
    """What the screening's answers say of the three elements, and the recommendation."""

    elements: tuple[Element, ...]
    recommendation: str
    recommendation_label: str
    reasons: tuple[str, ...]
    minor: bool
    unknown: int  # indicators not answered, or answered "unknown"

    def element(self, code: str) -> Element:
        return next(element for element in self.elements if element.code == code)


def _listing(supports) -> str:
    """ "label (observed); label (reported by the person)", grouped by code."""
    by_code: dict[str, list[Support]] = {}
    for support in supports:
        by_code.setdefault(support.code_label, []).append(support)
    parts = []
    for label, items in by_code.items():
        names = "; ".join(f"{item.label} ({item.answer_label})" for item in items)
        parts.append(f"{label} — {names}" if label else names)
    return " / ".join(parts)


def _reason(code, label, supports, minor) -> str:
    counted = [support for support in supports if support.counts]
    if code == MEANS and minor:
        text = _(
            "%(element)s: not required, the person is under 18 (art. 225-4-1: for a minor, no "
            "means is needed)."
        ) % {"element": label}
        if counted:
            text += " " + _("Seen all the same: %(list)s.") % {"list": _listing(counted)}
        return text
    if counted:
        return _("%(element)s: supported by %(list)s.") % {
            "element": label,
            "list": _listing(counted),
        }
    return _("%(element)s: no indicator observed or reported.") % {"element": label}


def qualify(indicators: Iterable, answers: Mapping[str, str], *, minor: bool) -> Qualification:
    """The three elements of art. 225-4-1 as ``answers`` (indicator id -> answer) support them,
    among ``indicators`` (those of the screening's file version), and the recommendation.

    Presumed victim when every required element is supported (the means is not required for a
    minor); to examine when some indicator supports an element but not all required ones are;
    not indicated when no indicator supports any element. It never decides."""
    indicators = list(indicators)
    found: dict[str, list[Support]] = {element: [] for element in ELEMENTS}
    unknown = 0
    for indicator in indicators:
        answer = answers.get(indicator.id)
        if answer not in SUPPORTING:
            unknown += answer in (None, "", "unknown")
            continue
        for text in indicator.supports:
            element, code = parse_element(text)
            found[element].append(
                Support(
                    indicator_id=indicator.id,
                    label=str(indicator.text),
                    answer=answer,
                    answer_label=str(ANSWER_LABELS[answer]),
                    code=code,
                    code_label=code_label(element, code),
                    counts=code not in UNLISTED_PURPOSES,
                )
            )
    elements = []
    for code in ELEMENTS:
        supports = tuple(found[code])
        required = not (code == MEANS and minor)
        label = str(ELEMENT_LABELS[code])
        elements.append(
            Element(
                code=code,
                label=label,
                definition=str(ELEMENT_DEFINITIONS[code]),
                required=required,
                supported=any(support.counts for support in supports),
                supports=supports,
                reason=_reason(code, label, supports, minor),
            )
        )
    required = [element for element in elements if element.required]
    if all(element.supported for element in required):
        recommendation = PRESUMED_VICTIM
    elif any(element.supports for element in elements):
        recommendation = TO_EXAMINE
    else:
        recommendation = NOT_INDICATED
    reasons = [element.reason for element in elements]
    purpose = next(element for element in elements if element.code == PURPOSE)
    if not purpose.supported and purpose.supports:  # forced marriage is all there is
        reasons.append(
            _(
                "A forced or arranged marriage alone is not a purpose listed in art. 225-4-1 "
                "(Cour de cassation): look for what the person is made to do in it (domestic "
                "servitude, sexual violence, forced work)."
            )
        )
    if unknown and recommendation != PRESUMED_VICTIM:
        reasons.append(
            ngettext(
                "%(count)s indicator is unknown or not answered yet: the recommendation may "
                "change once it is.",
                "%(count)s indicators are unknown or not answered yet: the recommendation may "
                "change once they are.",
                unknown,
            )
            % {"count": unknown}
        )
    reasons.append(
        _(
            "This is a recommendation, not a decision: formal identification belongs to the "
            "police or gendarmerie."
        )
    )
    return Qualification(
        elements=tuple(elements),
        recommendation=recommendation,
        recommendation_label=str(RECOMMENDATIONS[recommendation]),
        reasons=tuple(reasons),
        minor=minor,
        unknown=unknown,
    )
