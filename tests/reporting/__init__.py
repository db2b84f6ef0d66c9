"""Builders of the reporting tests (fictional reports), shared with the page tests.

``make_report`` files a report as the public page does (through ``reporting.submit``), in
Bordeaux (Gironde, the ``territorial`` persona's département) unless told otherwise.
"""

SEEN = (
    "Trois jeunes travaillent tous les soirs dans la cuisine du restaurant fictif, "
    "ils dorment sur place et n'ont pas l'air payés."
)
CONTACT = "Enseignante, 06 00 00 00 00"


def commune(text="Bordeaux"):
    from parcours.core import communes

    return communes.resolve(text)


def make_report(where="Bordeaux", seen=SEEN, contact=CONTACT):
    """A report received for the commune ``where`` (a name or postcode)."""
    from parcours.reporting.submit import file_report

    return file_report(commune=commune(where), seen=seen, contact=contact)


def form_data(**changes):
    """What the public page posts for a report in Bordeaux."""
    return {"seen": SEEN, "commune": "Bordeaux", "contact": CONTACT, "website": "", **changes}


def report_url(name, kind):
    """The URL of the reporting route ``name`` for a permission-matrix kind: "report" (a new
    report filed in Bordeaux, Gironde: the ``territorial`` persona's) or "report_receipt" (the
    receipt page of a new receipt number, as the public page links to it)."""
    from django.core import signing
    from django.urls import reverse

    from parcours.reporting.models import new_report_ref
    from parcours.www.reporting.views import RECEIPT_SALT

    if kind == "report_receipt":
        token = signing.dumps(new_report_ref(), salt=RECEIPT_SALT)
        return reverse(name, kwargs={"token": token})
    return reverse(name, kwargs={"pk": make_report().pk})
