"""Forms of the facility staff's pages: free places now, the answer to a proposal, the arrival.

They check shape only; the rules (0 to capacity, a coded reason, a stale page) live in
``parcours.shelter.network`` and ``parcours.shelter.placement``. Several forms share one page,
so each is given its own ``auto_id`` (ids stay unique; field names stay plain).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from parcours.shelter.enums import DeclineCode


def facility_auto_id(facility_pk) -> str:
    return f"id_facility{facility_pk}_%s"


def placement_auto_id(placement_pk) -> str:
    return f"id_placement{placement_pk}_%s"


class AvailabilityForm(DsfrBaseForm):
    """How many places are free now; the facility's version refuses a stale page."""

    free = forms.IntegerField(label=_("Free places now"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, facility=None, **kwargs):
        if facility is not None:
            kwargs.setdefault("auto_id", facility_auto_id(facility.pk))
        super().__init__(*args, **kwargs)
        if facility is not None:
            self.fields["free"].widget.attrs.update({"min": 0, "max": facility.capacity})


DECISIONS = [("accept", _("Accept")), ("decline", _("Decline"))]


class PlacementAnswerForm(DsfrBaseForm):
    """Accept the person, or decline with a coded reason ("other" needs an explanation)."""

    decision = forms.ChoiceField(label=_("Answer"), choices=DECISIONS, widget=forms.RadioSelect)
    code = forms.ChoiceField(
        label=_("Reason for declining"),
        required=False,
        choices=[("", "—"), *DeclineCode.choices],
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, placement=None, **kwargs):
        if placement is not None:
            kwargs.setdefault("auto_id", placement_auto_id(placement.pk))
        super().__init__(*args, **kwargs)


class ArrivalForm(DsfrBaseForm):
    """The person arrived (now); the placement's version refuses a stale page."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, placement=None, **kwargs):
        if placement is not None:
            kwargs.setdefault("auto_id", f"id_arrival{placement.pk}_%s")
        super().__init__(*args, **kwargs)
