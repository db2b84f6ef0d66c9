"""Summary: the person (their name with the identity group), the referent, the dates; the
status form for the referent's caseworkers."""

from parcours.cases import lifecycle
from parcours.www.cases.forms import StatusForm


def context(view, forms) -> dict:
    case = view.case
    status_form = forms.get("status_form")
    if status_form is None and view.editable:
        status_form = StatusForm(
            initial={"version": case.version}, allowed=lifecycle.allowed_targets(case)
        )
    return {"person_name": view.person_name, "status_form": status_form}
