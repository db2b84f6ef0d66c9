"""Fetch-and-check helpers: an object outside the actor's scope is a 404, never a 403."""

from django.http import Http404

from parcours.access.scopes import visible_cases, visible_people
from parcours.core.refs import is_valid_reference


def get_case_or_404(actor, ref: str):
    if not is_valid_reference("C", ref):
        raise Http404
    case = (
        visible_cases(actor)
        .select_related("person", "referent_org", "referent_user")
        .filter(ref=ref)
        .first()
    )
    if case is None:
        raise Http404
    return case


def get_person_or_404(actor, ref: str):
    if not is_valid_reference("P", ref):
        raise Http404
    person = visible_people(actor).filter(ref=ref).first()
    if person is None:
        raise Http404
    return person
