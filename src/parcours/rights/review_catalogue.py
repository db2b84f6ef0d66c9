"""The catalogue as a coordinator reviews it (issue 12, item 6): every entry with its source,
whether it was verified, and where it is used (the rights that need it first, the rights whose
ways out lead to it, the service kind its requests go to, the requirements it provides); and
what changed between two versions of the file (each version is kept in ``rights/versions/``).
"""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from parcours.rights.catalogue import Catalogue, Right, parse

VERSIONS = Path(__file__).resolve().parent / "versions"
COMPARED = (
    ("name", lambda r: (r.name.fr, r.name.en)),
    ("legal basis", lambda r: (r.legal_basis.article, r.legal_basis.code, r.legal_basis.source)),
    ("summary", lambda r: (r.legal_basis.summary.fr, r.legal_basis.summary.en)),
    ("verified", lambda r: r.legal_basis.verified),
    ("granted by", lambda r: r.granted_by),
    ("service kind", lambda r: r.service_kind),
    ("conditions", lambda r: r.conditions),
    ("prerequisites", lambda r: r.prerequisites),
    ("answer delay", lambda r: r.answer_delay_days),
    ("time limits", lambda r: [(t.name, t.from_fact, t.days) for t in r.time_limits]),
    ("ways out", lambda r: [(w.missing, w.by) for w in r.ways_out]),
    ("discretionary", lambda r: r.discretionary),
    ("contested refusals", lambda r: r.contested_refusals),
)


OUTSIDE_LABELS = {
    "ofii": _("OFII"),
    "court": _("A court"),
    "legal_aid_office": _("The legal aid office"),
    "hospital": _("A hospital"),
    "acse": _("Ac.Sé"),
}


@dataclass
class Usage:
    right: Right
    granted_by: list[str] = field(default_factory=list)  # in words
    service_kind: str = ""  # in words
    needed_by: list[str] = field(default_factory=list)  # rights that need it first
    way_out_of: list[str] = field(default_factory=list)  # rights whose ways out lead to it


def usage(catalogue: Catalogue) -> list[Usage]:
    from parcours.core.roles import OrganisationKind
    from parcours.referrals.enums import ServiceKind

    kinds = {**dict(OrganisationKind.choices), **OUTSIDE_LABELS}
    services = dict(ServiceKind.choices)
    found = {
        right.id: Usage(
            right,
            granted_by=[str(kinds.get(k, k)) for k in right.granted_by],
            service_kind=str(services.get(right.service_kind, right.service_kind)),
        )
        for right in catalogue
    }
    for right in catalogue:
        for prerequisite in right.prerequisites:
            found[prerequisite].needed_by.append(str(right.name))
        for way in right.ways_out:
            if str(right.name) not in found[way.by].way_out_of:
                found[way.by].way_out_of.append(str(right.name))
    return sorted(found.values(), key=lambda u: (u.right.legal_basis.verified, str(u.right.name)))


@dataclass
class Change:
    right_id: str
    name: str
    fields: list[str]


@dataclass
class Diff:
    added: list[str]
    removed: list[str]
    changed: list[Change]


def diff(old: Catalogue, new: Catalogue) -> Diff:
    added = [str(new.rights[i].name) for i in new.rights if i not in old.rights]
    removed = [str(old.rights[i].name) for i in old.rights if i not in new.rights]
    changed = []
    for right_id, right in new.rights.items():
        before = old.rights.get(right_id)
        if before is None:
            continue
        fields = [label for label, read in COMPARED if read(before) != read(right)]
        if fields:
            changed.append(Change(right_id, str(right.name), fields))
    return Diff(added, removed, changed)


@lru_cache(maxsize=8)
def version(number: int) -> Catalogue:
    return parse((VERSIONS / f"{number}.yaml").read_text(encoding="utf-8"))


def versions() -> list[int]:
    return sorted(int(path.stem) for path in VERSIONS.glob("*.yaml") if path.stem.isdigit())
