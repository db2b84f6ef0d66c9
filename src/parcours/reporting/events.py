"""How a case's opening event reads when the case came from a public report."""

from django.utils.translation import gettext as _


def describe_opened(data: dict, org_label) -> str:
    """``{"report": "S-…"}`` on the opening event: "From public report S-…"."""
    ref = data.get("report")
    return _("From public report %(ref)s") % {"ref": ref} if ref else ""
